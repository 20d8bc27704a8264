<?cs include:"header.cs" ?><?cs include:"audit_macros.cs" ?>
<p class="crumbs"><a href="/bulk"><?cs var:_("Bulk mail settings") ?></a> › <a href="/changes"><?cs var:_("Changes") ?></a> › #<?cs var:change.id ?></p>
<h1 id="title"><?cs var:change.title ?></h1>
<dl class="change-meta" id="change-meta">
  <dt><?cs var:_("When") ?></dt><dd><time datetime="<?cs var:change.at ?>"><?cs var:date(change.at) ?></time></dd>
  <dt><?cs var:_("By") ?></dt><dd id="change-actor"><?cs var:change.actor ?></dd>
  <dt><?cs var:_("Source") ?></dt><dd id="change-source"><?cs call:source_label(change.source) ?></dd>
  <dt><?cs var:_("Selection") ?></dt>
  <dd id="change-selection"><?cs if:change.source == "undo" ?><a href="/changes/<?cs var:change.undoes ?>"><?cs var:change.undoes_text ?></a><?cs
    elif:change.names ?><?cs var:_("The domains ticked:") ?> <?cs var:change.names ?><?cs
    elif:change.filtered == 1 ?><?cs var:_("Every domain matching the filter") ?><?cs
    else ?><?cs var:_("Every one of your domains") ?><?cs /if ?></dd>
  <?cs with:filter = change.filter ?><?cs include:"bulk_filter_terms.cs" ?><?cs /with ?>
  <?cs if:change.previewed_at ?><dt><?cs var:_("Previewed") ?></dt><dd><time datetime="<?cs var:change.previewed_at ?>"><?cs var:date(change.previewed_at) ?></time></dd><?cs /if ?>
  <dt><?cs var:_("Domains") ?></dt><dd id="change-count"><?cs var:change.count_text ?></dd>
  <dt><?cs var:_("State") ?></dt><dd id="change-state"><?cs if:change.undone_by ?><?cs var:_("Undone by") ?> <a href="/changes/<?cs var:change.undone_by ?>">#<?cs var:change.undone_by ?></a><?cs else ?><?cs var:_("Applied") ?><?cs /if ?></dd>
</dl>

<?cs if:subcount(refused) > 0 ?>
<section class="notice error" id="undo-refused">
  <h2><?cs var:_("Left as they are") ?></h2>
  <ul><?cs each:s = refused ?><li data-reason="<?cs var:s.reason ?>"><span class="domain"><?cs if:s.display ?><?cs var:s.display ?><?cs else ?><?cs var:s.name ?><?cs /if ?></span><?cs var:_(":") ?> <?cs include:"skip_reason.cs" ?></li><?cs /each ?></ul>
</section>
<?cs /if ?>

<?cs if:!change.undone_by ?>
<form method="post" action="/changes/<?cs var:change.id ?>/undo" id="undo-form" class="undo" data-working="<?cs var:n_(change.domains, "Working on %d domain…", "Working on %d domains…") ?>">
  <input type="hidden" name="csrf" value="<?cs var:csrf ?>">
  <p class="actions"><button type="submit" id="undo"><?cs var:_("Undo this change") ?></button></p>
  <p class="help"><?cs var:_("Every domain goes back to its values before this change, except domains changed since: those are listed and left as they are.") ?></p>
  <p class="working" role="status" hidden></p>
</form>
<?cs /if ?>

<?cs if:subcount(skipped) > 0 ?>
<section class="skipped" id="skipped">
  <h2><?cs var:_("Left as they were") ?></h2>
  <ul><?cs each:s = skipped ?><li data-reason="<?cs var:s.reason ?>"><span class="domain"><?cs if:s.display ?><?cs var:s.display ?><?cs else ?><?cs var:s.name ?><?cs /if ?></span><?cs var:_(":") ?> <?cs include:"skip_reason.cs" ?></li><?cs /each ?></ul>
</section>
<?cs /if ?>

<h2><?cs var:_("Before → after") ?></h2>
<?cs if:subcount(entries) > 0 ?>
<table class="list" id="change-domains">
  <thead><tr><th scope="col"><?cs var:_("Domain") ?></th><th scope="col"><?cs var:C_("noun", "Change") ?></th></tr></thead>
  <tbody>
  <?cs each:e = entries ?>
    <tr><td class="domain"><a href="/domains/<?cs var:url_escape(e.domain) ?>/history"><?cs if:e.display ?><?cs var:e.display ?><?cs else ?><?cs var:e.domain ?><?cs /if ?></a></td>
      <td><?cs call:field_changes(e.fields) ?></td></tr>
  <?cs /each ?>
  </tbody>
</table>
<?cs else ?>
<p class="empty"><?cs var:_("No domain was changed.") ?></p>
<?cs /if ?>
<nav class="paging">
  <?cs if:paging.before ?><a rel="prev" href="/changes/<?cs var:change.id ?>?before=<?cs var:url_escape(paging.before) ?>">← <?cs var:_("Previous") ?></a><?cs /if ?>
  <?cs if:paging.after ?><a rel="next" href="/changes/<?cs var:change.id ?>?after=<?cs var:url_escape(paging.after) ?>"><?cs var:_("Next") ?> →</a><?cs /if ?>
</nav>
<script src="<?cs var:static ?>/bulk.js" defer></script>
<?cs include:"footer.cs" ?>
