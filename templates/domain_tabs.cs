<nav class="tabs" aria-label="<?cs var:_("Domain pages") ?>">
  <a href="/domains/<?cs var:url_escape(domain.name) ?>/mail"<?cs if:page.tab == "mail" ?> aria-current="page"<?cs /if ?>><?cs var:_("Mail settings") ?></a>
  <a href="/domains/<?cs var:url_escape(domain.name) ?>/addresses"<?cs if:page.tab == "addresses" ?> aria-current="page"<?cs /if ?> id="addresses-link"><?cs var:_("Mailboxes and aliases") ?></a>
  <a href="/domains/<?cs var:url_escape(domain.name) ?>/history"<?cs if:page.tab == "history" ?> aria-current="page"<?cs /if ?> id="history-link"><?cs var:_("History") ?></a>
</nav>
