<?cs include:"header.cs" ?>
<?cs def:delete_form(address) ?>
          <form method="post" action="/domains/<?cs var:url_escape(domain.name) ?>/addresses" class="delete">
            <input type="hidden" name="csrf" value="<?cs var:csrf ?>">
            <input type="hidden" name="action" value="delete">
            <input type="hidden" name="local_part" value="<?cs var:address.local_part ?>">
            <button type="submit" class="danger" aria-label="<?cs var:address.delete_label ?>"><?cs var:_("Delete") ?></button>
          </form><?cs /def ?>
<?cs def:domain_shown() ?><?cs if:domain.display ?><?cs var:domain.display ?><?cs else ?><?cs var:domain.name ?><?cs /if ?><?cs /def ?>
<?cs def:local_part_input(name, value, error) ?><label for="<?cs var:name ?>"><?cs var:_("Address") ?></label>
      <span class="address-input">
        <input type="text" id="<?cs var:name ?>" name="<?cs var:name ?>" maxlength="64" autocomplete="off" value="<?cs var:value ?>"<?cs if:error ?> aria-invalid="true" aria-describedby="error-<?cs var:name ?>"<?cs /if ?>>
        <span class="at">@<?cs call:domain_shown() ?></span>
      </span>
      <?cs call:field_error(name, error) ?><?cs /def ?>
<p class="crumbs"><a href="/domains"><?cs var:_("Domains") ?></a> ›
  <?cs if:domain.display ?><?cs var:domain.display ?> (<?cs var:domain.name ?>)<?cs else ?><?cs var:domain.name ?><?cs /if ?></p>
<h1><?cs var:_("Mailboxes and aliases") ?> — <?cs call:domain_shown() ?></h1>
<?cs set:page.tab = "addresses" ?><?cs include:"domain_tabs.cs" ?>
<?cs include:"apply_status.cs" ?>

<section class="addresses" id="mailbox-section" aria-labelledby="mailboxes-title">
  <h2 id="mailboxes-title"><?cs var:_("Mailboxes") ?></h2>
  <p class="count" id="mailbox-count"><?cs var:n_(subcount(mailboxes), "%d mailbox", "%d mailboxes") ?></p>
  <?cs if:subcount(mailboxes) > 0 ?>
  <table class="list" id="mailboxes">
    <thead><tr><th scope="col"><?cs var:_("Address") ?></th><th scope="col"><span class="hidden"><?cs var:_("Actions") ?></span></th></tr></thead>
    <tbody>
    <?cs each:m = mailboxes ?>
      <tr>
        <td class="address"><?cs var:m.address ?></td>
        <td class="row-actions">
          <?cs call:delete_form(m) ?>
        </td>
      </tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs else ?>
  <p class="empty" id="no-mailboxes"><?cs var:_("There are no mailboxes yet.") ?></p>
  <?cs /if ?>

  <form method="post" action="/domains/<?cs var:url_escape(domain.name) ?>/addresses" class="settings" id="add-mailbox" novalidate>
    <input type="hidden" name="csrf" value="<?cs var:csrf ?>">
    <input type="hidden" name="action" value="add_mailbox">
    <fieldset>
      <legend><?cs var:_("Add a mailbox") ?></legend>
      <?cs call:local_part_input("mailbox", form.mailbox, errors.mailbox) ?>
      <p class="help"><?cs var:_("The part before the @: lower-case letters, digits, dots, hyphens and underscores, up to 64 characters.") ?></p>
      <p class="actions"><button type="submit" class="primary" id="add-mailbox-button"><?cs var:_("Add mailbox") ?></button></p>
    </fieldset>
  </form>
</section>

<section class="addresses" id="alias-section" aria-labelledby="aliases-title">
  <h2 id="aliases-title"><?cs var:_("Aliases") ?></h2>
  <p class="count" id="alias-count"><?cs var:n_(subcount(aliases), "%d alias", "%d aliases") ?></p>
  <?cs if:subcount(aliases) > 0 ?>
  <table class="list" id="aliases">
    <thead><tr><th scope="col"><?cs var:_("Address") ?></th><th scope="col"><?cs var:_("Forwards to") ?></th><th scope="col"><span class="hidden"><?cs var:_("Actions") ?></span></th></tr></thead>
    <tbody>
    <?cs each:a = aliases ?>
      <tr>
        <td class="address"><?cs var:a.address ?></td>
        <td class="targets"><?cs var:a.targets ?></td>
        <td class="row-actions">
          <a href="/domains/<?cs var:url_escape(domain.name) ?>/addresses?edit=<?cs var:url_escape(a.local_part) ?>#set-alias"><?cs var:_("Change") ?></a>
          <?cs call:delete_form(a) ?>
        </td>
      </tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs else ?>
  <p class="empty" id="no-aliases"><?cs var:_("There are no aliases yet.") ?></p>
  <?cs /if ?>

  <form method="post" action="/domains/<?cs var:url_escape(domain.name) ?>/addresses" class="settings" id="set-alias" novalidate>
    <input type="hidden" name="csrf" value="<?cs var:csrf ?>">
    <input type="hidden" name="action" value="set_alias">
    <fieldset>
      <legend><?cs var:_("Add or change an alias") ?></legend>
      <?cs call:local_part_input("alias", form.alias, errors.alias) ?>
      <label for="targets"><?cs var:_("Forward to") ?></label>
      <textarea id="targets" name="targets" rows="3"<?cs if:errors.targets ?> aria-invalid="true" aria-describedby="error-targets"<?cs /if ?>><?cs var:form.targets ?></textarea>
      <?cs call:field_error("targets", errors.targets) ?>
      <p class="help"><?cs var:_("One or more e-mail addresses, separated by commas, blanks or line breaks (at most 50). If the alias exists already, these addresses replace its current ones.") ?></p>
      <p class="actions"><button type="submit" class="primary" id="set-alias-button"><?cs var:_("Save alias") ?></button></p>
    </fieldset>
  </form>
</section>
<?cs include:"footer.cs" ?>
