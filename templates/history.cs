<?cs include:"header.cs" ?><?cs include:"audit_macros.cs" ?>
<p class="crumbs"><a href="/domains"><?cs var:_("Domains") ?></a> ›
  <?cs if:domain.display ?><?cs var:domain.display ?> (<?cs var:domain.name ?>)<?cs else ?><?cs var:domain.name ?><?cs /if ?></p>
<h1><?cs var:_("History") ?> — <?cs if:domain.display ?><?cs var:domain.display ?><?cs else ?><?cs var:domain.name ?><?cs /if ?></h1>
<?cs set:page.tab = "history" ?><?cs include:"domain_tabs.cs" ?>
<p class="meta"><?cs var:_("Every change of this domain, newest first: who, when, from where, and each value before and after.") ?></p>
<?cs if:subcount(entries) > 0 ?>
<table class="list" id="history">
  <thead>
    <tr>
      <th scope="col"><?cs var:_("When") ?></th>
      <th scope="col"><?cs var:_("By") ?></th>
      <th scope="col"><?cs var:_("Source") ?></th>
      <th scope="col"><?cs var:_("What") ?></th>
      <th scope="col"><?cs var:_("Before → after") ?></th>
    </tr>
  </thead>
  <tbody>
  <?cs each:e = entries ?>
    <tr data-audit="<?cs var:e.id ?>">
      <td><time datetime="<?cs var:e.at ?>"><?cs var:date(e.at) ?></time></td>
      <td class="actor"><?cs var:e.actor ?></td>
      <td class="source"><?cs call:source_label(e.source) ?><?cs if:e.change ?><?cs if:may_see_changes == 1 ?> <a href="/changes/<?cs var:e.change ?>">#<?cs var:e.change ?></a><?cs else ?> #<?cs var:e.change ?><?cs /if ?><?cs /if ?></td>
      <td class="action"><?cs if:e.action == "mail_settings" ?><?cs var:_("Mail settings") ?><?cs
        elif:e.action == "domain_add" ?><?cs var:_("Domain added") ?><?cs
        elif:e.action == "mailbox_add" ?><?cs var:_("Mailbox added") ?><?cs
        elif:e.action == "mailbox_delete" ?><?cs var:_("Mailbox deleted") ?><?cs
        elif:e.action == "mailbox_update" ?><?cs var:_("Mailbox changed") ?><?cs
        elif:e.action == "alias_add" ?><?cs var:_("Alias added") ?><?cs
        elif:e.action == "alias_delete" ?><?cs var:_("Alias deleted") ?><?cs
        elif:e.action == "alias_update" ?><?cs var:_("Alias changed") ?><?cs
        else ?><?cs var:e.action ?><?cs /if ?></td>
      <td><?cs call:field_changes(e.fields) ?></td>
    </tr>
  <?cs /each ?>
  </tbody>
</table>
<?cs else ?>
<p class="empty"><?cs var:_("No change recorded yet.") ?></p>
<?cs /if ?>
<nav class="paging">
  <?cs if:paging.newer ?><a rel="prev" href="/domains/<?cs var:url_escape(domain.name) ?>/history?after=<?cs var:paging.newer ?>">← <?cs var:_("Newer") ?></a><?cs /if ?>
  <?cs if:paging.older ?><a rel="next" href="/domains/<?cs var:url_escape(domain.name) ?>/history?before=<?cs var:paging.older ?>"><?cs var:_("Older") ?> →</a><?cs /if ?>
</nav>
<?cs include:"footer.cs" ?>
