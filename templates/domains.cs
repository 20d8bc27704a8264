<?cs include:"header.cs" ?>
<h1><?cs var:_("Domains") ?></h1>
<form class="search" method="get" action="/domains" role="search">
  <label for="q"><?cs var:_("Search by name") ?></label>
  <input id="q" name="q" type="search" value="<?cs var:search.q ?>" maxlength="253">
  <button type="submit"><?cs var:_("Search") ?></button>
  <?cs if:search.q ?><a href="/domains"><?cs var:_("Show all") ?></a><?cs /if ?>
</form>
<p class="count" id="domain-count"><?cs
  if:paging.capped == 1 ?><?cs var:n_(paging.total, "More than %d domain matches.", "More than %d domains match.") ?><?cs
  elif:paging.searched == 1 ?><?cs var:n_(paging.total, "%d domain matches.", "%d domains match.") ?><?cs
  else ?><?cs var:n_(paging.total, "%d domain", "%d domains") ?><?cs /if ?></p>
<?cs if:subcount(domains) > 0 ?>
<table class="list" id="domains">
  <thead>
    <tr>
      <th scope="col"><?cs var:_("Domain") ?></th>
      <?cs if:user.role != "customer" ?><th scope="col"><?cs var:_("Owner") ?></th><?cs /if ?>
      <th scope="col"><?cs var:_("Mail service") ?></th>
      <th scope="col"><?cs var:_("Mail to nonexistent users") ?></th>
      <th scope="col"><?cs var:_("Webmail") ?></th>
      <th scope="col"><?cs var:_("Addresses") ?></th>
    </tr>
  </thead>
  <tbody>
  <?cs each:d = domains ?>
    <tr>
      <td><a href="/domains/<?cs var:url_escape(d.name) ?>/mail"><?cs if:d.display ?><?cs var:d.display ?> <span class="ascii">(<?cs var:d.name ?>)</span><?cs else ?><?cs var:d.name ?><?cs /if ?></a></td>
      <?cs if:user.role != "customer" ?><td><?cs var:d.owner ?></td><?cs /if ?>
      <td><?cs if:d.service == 1 ?><span class="state on"><?cs var:_("On") ?></span><?cs else ?><span class="state off"><?cs var:_("Off") ?></span><?cs /if ?></td>
      <td class="policy-<?cs var:d.policy ?>"><?cs include:"policy_label.cs" ?></td>
      <td><?cs if:d.webmail ?><?cs var:d.webmail ?><?cs else ?><?cs var:_("None") ?><?cs /if ?></td>
      <td><a class="addresses" href="/domains/<?cs var:url_escape(d.name) ?>/addresses"><?cs var:_("Mailboxes and aliases") ?></a></td>
    </tr>
  <?cs /each ?>
  </tbody>
</table>
<?cs else ?>
<p class="empty"><?cs if:search.q ?><?cs var:_("No domain matches this search.") ?><?cs else ?><?cs var:_("There are no domains yet.") ?><?cs /if ?></p>
<?cs /if ?>
<nav class="paging">
  <?cs if:paging.before ?><a rel="prev" href="/domains?before=<?cs var:url_escape(paging.before) ?>&amp;q=<?cs var:url_escape(search.q) ?>">← <?cs var:_("Previous") ?></a><?cs /if ?>
  <?cs if:paging.after ?><a rel="next" href="/domains?after=<?cs var:url_escape(paging.after) ?>&amp;q=<?cs var:url_escape(search.q) ?>"><?cs var:_("Next") ?> →</a><?cs /if ?>
</nav>
<?cs include:"footer.cs" ?>
