<?cs include:"header.cs" ?>
<h1><?cs var:_("Server settings") ?></h1>
<?cs if:server.changed_text ?><p class="meta" id="last-change"><?cs var:server.changed_text ?></p><?cs /if ?>
<form method="post" action="/server" class="settings" novalidate>
  <input type="hidden" name="csrf" value="<?cs var:csrf ?>">
  <input type="hidden" name="version" value="<?cs var:form.version ?>">

  <fieldset>
    <legend><?cs var:_("Installed webmails") ?></legend>
    <p class="help"><?cs var:_("Customers can choose among the webmails ticked here.") ?></p>
    <?cs each:w = webmails ?>
    <label class="check"><input type="checkbox" name="webmail_<?cs var:w.name ?>" value="on"<?cs if:w.installed == 1 ?> checked<?cs /if ?>> <?cs var:w.label ?></label>
    <?cs /each ?>
    <?cs call:field_error("webmails", errors.webmails) ?>
  </fieldset>

  <fieldset>
    <legend><?cs var:_("Outgoing mail control") ?></legend>
    <label class="check"><input type="checkbox" name="outgoing_control" value="on"<?cs if:form.outgoing_control == "on" ?> checked<?cs /if ?>>
      <?cs var:_("Turn on outgoing mail control") ?></label>
    <p class="help"><?cs var:_("While it is on, a domain can forward mail for nonexistent users only to an address inside the same domain.") ?></p>
    <?cs call:field_error("outgoing_control", errors.outgoing_control) ?>
  </fieldset>

  <fieldset>
    <legend><?cs var:_("Default limits on outgoing messages") ?></legend>
    <div class="limit">
      <p class="limit-title"><?cs var:_("Messages per hour for a domain") ?></p>
      <label class="check"><input type="radio" name="domain_limit_mode" value="unlimited"<?cs if:form.domain_limit_mode == "unlimited" ?> checked<?cs /if ?>> <?cs var:_("Unlimited") ?></label>
      <label class="check"><input type="radio" name="domain_limit_mode" value="custom"<?cs if:form.domain_limit_mode == "custom" ?> checked<?cs /if ?>> <?cs var:_("At most") ?></label>
      <input type="text" name="domain_limit" inputmode="numeric" size="8" maxlength="7" aria-label="<?cs var:_("Messages per hour for a domain") ?>" value="<?cs var:form.domain_limit ?>">
      <?cs call:field_error("domain_limit", errors.domain_limit) ?>
    </div>
    <div class="limit">
      <p class="limit-title"><?cs var:_("Messages per hour for a mailbox") ?></p>
      <label class="check"><input type="radio" name="mailbox_limit_mode" value="unlimited"<?cs if:form.mailbox_limit_mode == "unlimited" ?> checked<?cs /if ?>> <?cs var:_("Unlimited") ?></label>
      <label class="check"><input type="radio" name="mailbox_limit_mode" value="custom"<?cs if:form.mailbox_limit_mode == "custom" ?> checked<?cs /if ?>> <?cs var:_("At most") ?></label>
      <input type="text" name="mailbox_limit" inputmode="numeric" size="8" maxlength="7" aria-label="<?cs var:_("Messages per hour for a mailbox") ?>" value="<?cs var:form.mailbox_limit ?>">
      <?cs call:field_error("mailbox_limit", errors.mailbox_limit) ?>
    </div>
    <label for="over_limit_action"><?cs var:_("When a sender is over the limit") ?></label>
    <select id="over_limit_action" name="over_limit_action">
      <option value="defer"<?cs if:form.over_limit_action == "defer" ?> selected<?cs /if ?>><?cs var:_("Defer the message (the sender's program retries later)") ?></option>
      <option value="reject"<?cs if:form.over_limit_action == "reject" ?> selected<?cs /if ?>><?cs var:_("Reject the message") ?></option>
    </select>
    <?cs call:field_error("over_limit_action", errors.over_limit_action) ?>
  </fieldset>

  <fieldset>
    <legend><?cs var:_("Language") ?></legend>
    <label for="default_language"><?cs var:_("Default language of the interface") ?></label>
    <select id="default_language" name="default_language">
      <?cs each:l = languages ?>
      <option value="<?cs var:l ?>"<?cs if:form.default_language == l ?> selected<?cs /if ?>><?cs if:l == "en" ?>English<?cs elif:l == "fr" ?>Français<?cs elif:l == "sv" ?>Svenska<?cs else ?><?cs var:l ?><?cs /if ?></option>
      <?cs /each ?>
    </select>
    <?cs call:field_error("default_language", errors.default_language) ?>
  </fieldset>

  <p class="actions"><button type="submit" class="primary" id="save"><?cs var:_("Save") ?></button></p>
</form>
<?cs include:"footer.cs" ?>
