<section class="apply-status" id="apply-status" aria-labelledby="apply-status-title">
  <h2 id="apply-status-title"><?cs var:_("Mail servers") ?></h2>
  <ul>
  <?cs each:a = apply.lines ?>
    <li class="apply-<?cs var:a.kind ?>"><?cs var:a.text ?></li>
  <?cs /each ?>
  </ul>
</section>
