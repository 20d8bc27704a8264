<?cs include:"header.cs" ?><?cs include:"audit_macros.cs" ?>
<p class="crumbs"><a href="/bulk?<?cs include:"bulk_filter_query.cs" ?>"><?cs var:_("Bulk mail settings") ?></a> › <?cs var:C_("noun", "Preview") ?></p>
<h1 id="title"><?cs var:preview.title ?></h1>
<dl class="change-meta" id="selection">
  <dt><?cs var:_("Domains") ?></dt>
  <dd id="selection-mode"><?cs if:sel.all == 1 ?><?cs if:filter.active == 1 ?><?cs var:_("Every domain matching the filter") ?><?cs else ?><?cs var:_("Every one of your domains") ?><?cs /if ?><?cs else ?><?cs var:_("The domains you ticked") ?><?cs /if ?></dd>
  <?cs if:sel.all == 1 ?><?cs include:"bulk_filter_terms.cs" ?><?cs /if ?>
</dl>

<?cs if:stale == 1 ?>
<section class="notice error conflict" id="edited" role="alert">
  <h2><?cs var:_("Changed by someone else since the preview") ?></h2>
  <?cs if:subcount(edited) > 0 ?>
  <table class="list">
    <thead><tr><th scope="col"><?cs var:_("Domain") ?></th><th scope="col"><?cs var:_("Saved by") ?></th><th scope="col"><?cs var:_("At") ?></th></tr></thead>
    <tbody>
    <?cs each:e = edited ?><tr><td class="domain"><?cs if:e.display ?><?cs var:e.display ?><?cs else ?><?cs var:e.name ?><?cs /if ?></td><td class="by"><?cs if:e.by ?><?cs var:e.by ?><?cs else ?>—<?cs /if ?></td><td><time datetime="<?cs var:e.at ?>"><?cs var:date(e.at) ?></time></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs else ?>
  <p><?cs var:_("Some of the selected domains were saved at the very moment of the preview, or left the selection since.") ?></p>
  <?cs /if ?>
  <?cs if:stale_count ?><p id="stale-count"><?cs var:stale_count ?></p><?cs /if ?>
  <p><?cs var:_("Their current values are in the preview below; applying it now overwrites them.") ?></p>
</section>
<?cs /if ?>

<ul class="summary" id="summary">
  <li id="count-selected"><?cs var:n_(preview.selected, "%d domain selected.", "%d domains selected.") ?></li>
  <?cs # TRANSLATORS: of the domains selected, this many will change. ?>
  <li id="count-change"><?cs var:n_(preview.change, "%d will change.", "%d will change.") ?></li>
  <li id="count-same"><?cs var:n_(preview.same, "%d already has this setting.", "%d already have this setting.") ?></li>
  <li id="count-refused"<?cs if:preview.refused > 0 ?> class="refused"<?cs /if ?>><?cs var:n_(preview.refused, "%d would be refused.", "%d would be refused.") ?></li>
</ul>
<p class="meta"><?cs var:_("This is a preview: nothing has been changed yet.") ?></p>

<?cs if:preview.refused > 0 ?>
<section class="refusals" id="refusals">
  <h2><?cs var:_("Domains that would be refused") ?></h2>
  <p><?cs var:_("A bulk change applies to every selected domain or to none. Untick these domains, narrow the filter or change the values, then preview again.") ?></p>
  <table class="list">
    <thead><tr><th scope="col"><?cs var:_("Domain") ?></th><th scope="col"><?cs var:_("Owner") ?></th><th scope="col"><?cs var:_("Why") ?></th></tr></thead>
    <tbody>
    <?cs each:d = refusals ?><tr><td class="domain"><?cs if:d.display ?><?cs var:d.display ?> <span class="ascii">(<?cs var:d.name ?>)</span><?cs else ?><?cs var:d.name ?><?cs /if ?></td><td><?cs var:d.owner ?></td><td class="why" data-field="<?cs var:d.field ?>"><?cs var:d.message ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs if:preview.refused_more ?><p class="more"><?cs var:n_(preview.refused_more, "%d more refused domain is not listed.", "%d more refused domains are not listed.") ?></p><?cs /if ?>
</section>
<?cs /if ?>

<?cs if:preview.change > 0 ?>
<section class="preview-changes" id="changes">
  <h2><?cs var:_("Before → after") ?> <span class="range">(<?cs var:num(preview.first) ?>–<?cs var:num(preview.last) ?> / <?cs var:num(preview.change) ?>)</span></h2>
  <table class="list" id="preview-table">
    <thead><tr><th scope="col"><?cs var:_("Domain") ?></th><th scope="col"><?cs var:_("Owner") ?></th><th scope="col"><?cs var:C_("noun", "Change") ?></th></tr></thead>
    <tbody>
    <?cs each:d = changes ?><tr><td class="domain"><?cs if:d.display ?><?cs var:d.display ?> <span class="ascii">(<?cs var:d.name ?>)</span><?cs else ?><?cs var:d.name ?><?cs /if ?></td><td><?cs var:d.owner ?></td><td><?cs call:field_changes(d.fields) ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  <nav class="paging">
    <?cs if:?preview.prev_offset ?><form method="post" action="/bulk/preview"><input type="hidden" name="csrf" value="<?cs var:csrf ?>"><?cs include:"bulk_carry.cs" ?><input type="hidden" name="offset" value="<?cs var:preview.prev_offset ?>"><button type="submit" rel="prev">← <?cs var:_("Previous") ?></button></form><?cs /if ?>
    <?cs if:?preview.next_offset ?><form method="post" action="/bulk/preview"><input type="hidden" name="csrf" value="<?cs var:csrf ?>"><?cs include:"bulk_carry.cs" ?><input type="hidden" name="offset" value="<?cs var:preview.next_offset ?>"><button type="submit" rel="next"><?cs var:_("Next") ?> →</button></form><?cs /if ?>
  </nav>
</section>
<?cs /if ?>

<?cs if:preview.change > 0 && preview.refused == 0 ?>
<form method="post" action="/bulk/apply" id="apply-form" class="apply" data-working="<?cs var:n_(preview.change, "Working on %d domain…", "Working on %d domains…") ?>">
  <input type="hidden" name="csrf" value="<?cs var:csrf ?>">
  <?cs include:"bulk_carry.cs" ?>
  <input type="hidden" name="snapshot" value="<?cs var:preview.snapshot ?>">
  <input type="hidden" name="digest" value="<?cs var:preview.digest ?>">
  <input type="hidden" name="count" value="<?cs var:preview.count ?>">
  <p class="actions">
    <button type="submit" class="primary" id="apply"><?cs var:n_(preview.change, "Apply to %d domain", "Apply to %d domains") ?></button>
    <a href="/bulk?<?cs include:"bulk_filter_query.cs" ?>"><?cs var:_("Cancel") ?></a>
  </p>
  <p class="help"><?cs var:_("All of them change in one step, or none does. Every change is recorded and can be undone.") ?></p>
  <p class="working" role="status" hidden></p>
</form>
<?cs elif:preview.change == 0 && preview.refused == 0 ?>
<p class="empty" id="nothing"><?cs var:_("Nothing to change: every selected domain already has this setting.") ?> <a href="/bulk?<?cs include:"bulk_filter_query.cs" ?>"><?cs var:_("Back to the list") ?></a></p>
<?cs else ?>
<p class="actions"><a href="/bulk?<?cs include:"bulk_filter_query.cs" ?>"><?cs var:_("Back to the list") ?></a></p>
<?cs /if ?>
<script src="<?cs var:static ?>/bulk.js" defer></script>
<?cs include:"footer.cs" ?>
