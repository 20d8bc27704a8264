<?cs include:"header.cs" ?><?cs include:"audit_macros.cs" ?>
<p class="crumbs"><a href="/bulk"><?cs var:_("Bulk mail settings") ?></a> › <?cs var:_("Changes") ?></p>
<h1><?cs var:_("Changes made in bulk") ?></h1>
<p class="meta"><?cs if:user.is_admin == 1 ?><?cs var:_("Every bulk change and undo, newest first.") ?><?cs else ?><?cs var:_("Your bulk changes and undos, newest first.") ?><?cs /if ?></p>
<?cs if:subcount(changes) > 0 ?>
<table class="list" id="changes">
  <thead>
    <tr>
      <th scope="col"><?cs var:C_("noun", "Change") ?></th>
      <th scope="col"><?cs var:_("When") ?></th>
      <th scope="col"><?cs var:_("By") ?></th>
      <th scope="col"><?cs var:_("What") ?></th>
      <th scope="col"><?cs var:_("Domains") ?></th>
      <th scope="col"><?cs var:_("State") ?></th>
    </tr>
  </thead>
  <tbody>
  <?cs each:c = changes ?>
    <tr data-change="<?cs var:c.id ?>">
      <td><a href="/changes/<?cs var:c.id ?>">#<?cs var:c.id ?></a></td>
      <td><time datetime="<?cs var:c.at ?>"><?cs var:date(c.at) ?></time></td>
      <td><?cs var:c.actor ?></td>
      <td class="what"><?cs var:c.text ?></td>
      <td class="count"><?cs var:n_(c.domains, "%d domain", "%d domains") ?></td>
      <td class="state"><?cs if:c.undone_by ?><?cs var:_("Undone by") ?> <a href="/changes/<?cs var:c.undone_by ?>">#<?cs var:c.undone_by ?></a><?cs else ?><?cs var:_("Applied") ?><?cs /if ?></td>
    </tr>
  <?cs /each ?>
  </tbody>
</table>
<?cs else ?>
<p class="empty"><?cs var:_("No bulk change yet.") ?></p>
<?cs /if ?>
<nav class="paging">
  <?cs if:paging.newest == 1 ?><a rel="first" href="/changes">← <?cs var:_("Newest") ?></a><?cs /if ?>
  <?cs if:paging.before ?><a rel="next" href="/changes?before=<?cs var:paging.before ?>"><?cs var:_("Older") ?> →</a><?cs /if ?>
</nav>
<?cs include:"footer.cs" ?>
