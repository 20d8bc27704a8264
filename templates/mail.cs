<?cs include:"header.cs" ?>
<p class="crumbs"><a href="/domains"><?cs var:_("Domains") ?></a> ›
  <?cs if:domain.display ?><?cs var:domain.display ?> (<?cs var:domain.name ?>)<?cs else ?><?cs var:domain.name ?><?cs /if ?></p>
<h1><?cs var:_("Mail settings") ?> — <?cs if:domain.display ?><?cs var:domain.display ?><?cs else ?><?cs var:domain.name ?><?cs /if ?></h1>
<p class="meta"><?cs var:domain.owner_text ?><?cs if:domain.changed_text ?> ·
  <span id="last-change"><?cs var:domain.changed_text ?></span><?cs /if ?></p>
<?cs set:page.tab = "mail" ?><?cs include:"domain_tabs.cs" ?>
<?cs include:"apply_status.cs" ?>

<?cs if:conflict == 1 ?>
<section class="notice error conflict" role="alert" id="conflict">
  <h2><?cs var:_("Changed by someone else") ?></h2>
  <p><?cs var:_("Someone else saved the mail settings of this domain after you opened this page. Your changes were not saved. Their values are shown here; your values are still in the form below. Save again to replace their values with yours.") ?></p>
  <dl class="theirs">
    <?cs if:domain.updated_by ?><dt><?cs var:_("Saved by") ?></dt><dd><?cs var:domain.updated_by ?>, <time datetime="<?cs var:domain.updated_at ?>"><?cs var:date(domain.updated_at) ?></time></dd><?cs /if ?>
    <dt><?cs var:_("Mail service") ?></dt><dd><?cs if:theirs.service == "on" ?><?cs var:_("On") ?><?cs else ?><?cs var:_("Off") ?><?cs /if ?></dd>
    <dt><?cs var:_("Mail to nonexistent users") ?></dt>
    <dd><?cs set:d.policy = theirs.policy ?><?cs include:"policy_label.cs" ?><?cs
      if:theirs.policy == "bounce" ?><?cs var:_(":") ?> <?cs var:theirs.bounce_message ?><?cs
      elif:theirs.policy == "forward" ?><?cs var:_(":") ?> <?cs var:theirs.forward_address ?><?cs
      elif:theirs.policy == "redirect" ?><?cs var:_(":") ?> <?cs var:theirs.redirect_text ?><?cs /if ?></dd>
    <dt><?cs var:_("Webmail") ?></dt><dd><?cs if:theirs.webmail == "none" ?><?cs var:_("None") ?><?cs else ?><?cs var:theirs.webmail ?><?cs /if ?></dd>
    <dt><?cs var:_("Messages per hour for the domain") ?></dt><dd><?cs if:theirs.domain_limit_mode == "custom" ?><?cs var:num(theirs.domain_limit) ?><?cs elif:theirs.domain_limit_mode == "unlimited" ?><?cs var:_("Unlimited") ?><?cs else ?><?cs var:_("Default") ?><?cs /if ?></dd>
    <dt><?cs var:_("Messages per hour for each mailbox") ?></dt><dd><?cs if:theirs.mailbox_limit_mode == "custom" ?><?cs var:num(theirs.mailbox_limit) ?><?cs elif:theirs.mailbox_limit_mode == "unlimited" ?><?cs var:_("Unlimited") ?><?cs else ?><?cs var:_("Default") ?><?cs /if ?></dd>
  </dl>
</section>
<?cs /if ?>

<form method="post" action="/domains/<?cs var:url_escape(domain.name) ?>/mail" class="settings" novalidate>
  <input type="hidden" name="csrf" value="<?cs var:csrf ?>">
  <input type="hidden" name="version" value="<?cs var:form.version ?>">

  <fieldset>
    <legend><?cs var:_("Mail service") ?></legend>
    <label class="check"><input type="checkbox" name="service" value="on"<?cs if:form.service == "on" ?> checked<?cs /if ?>>
      <?cs var:_("Activate mail service on this domain") ?></label>
    <?cs call:field_error("service", errors.service) ?>
    <p class="help"><?cs var:_("Turn the mail service off when the domain's mail is hosted elsewhere (for example Gmail): this server then stops accepting mail for the domain, and local senders reach the real mail server.") ?></p>
  </fieldset>

  <fieldset>
    <legend><?cs var:_("Mail to nonexistent users") ?></legend>
    <?cs call:field_error("policy", errors.policy) ?>
    <div class="option">
      <?cs call:radio("policy", "bounce", form.policy, _("Bounce with message")) ?>
      <input type="text" name="bounce_message" aria-label="<?cs var:_("Bounce message") ?>" maxlength="200" value="<?cs var:form.bounce_message ?>"<?cs if:errors.bounce_message ?> aria-invalid="true"<?cs /if ?>>
      <?cs call:field_error("bounce_message", errors.bounce_message) ?>
      <p class="help"><?cs var:_("The sender's server receives this text when it tries to deliver to an address that does not exist. One line, up to 200 characters.") ?></p>
    </div>
    <div class="option">
      <?cs call:radio("policy", "forward", form.policy, _("Forward to address")) ?>
      <input type="text" name="forward_address" aria-label="<?cs var:_("Forwarding address") ?>" maxlength="254" value="<?cs var:form.forward_address ?>"<?cs if:errors.forward_address ?> aria-invalid="true"<?cs /if ?>>
      <?cs call:field_error("forward_address", errors.forward_address) ?>
      <p class="help"><?cs var:_("Also called a catch-all address. Mail to existing mailboxes and aliases is still delivered to them.") ?>
      <?cs if:domain.outgoing_control == 1 ?><strong><?cs var:_("Outgoing mail control is on: the address must belong to this domain. To forward to an external address, contact your provider.") ?></strong><?cs /if ?></p>
    </div>
    <div class="option">
      <?cs call:radio("policy", "redirect", form.policy, _("Redirect to an external mail server with IP address")) ?>
      <span class="inline">
        <input type="text" name="redirect_ip" aria-label="<?cs var:_("IP address of the external mail server") ?>" maxlength="48" value="<?cs var:form.redirect_ip ?>"<?cs if:errors.redirect_ip ?> aria-invalid="true"<?cs /if ?>>
        <label><?cs var:_("port") ?> <input type="text" name="redirect_port" inputmode="numeric" size="5" maxlength="5" value="<?cs var:form.redirect_port ?>"<?cs if:errors.redirect_port ?> aria-invalid="true"<?cs /if ?>></label>
      </span>
      <?cs call:field_error("redirect_ip", errors.redirect_ip) ?>
      <?cs call:field_error("redirect_port", errors.redirect_port) ?>
      <p class="help"><?cs var:_("An IPv4 or IPv6 address. Mail for addresses that do not exist here is passed to that server; existing mailboxes stay here.") ?></p>
    </div>
    <div class="option">
      <?cs call:radio("policy", "reject", form.policy, _("Reject")) ?>
      <p class="help"><?cs var:_("Refuse such mail without accepting it. The sending server then reports “User unknown in virtual mailbox table”.") ?></p>
    </div>
  </fieldset>

  <fieldset>
    <legend><?cs var:_("Webmail") ?></legend>
    <label for="webmail"><?cs var:_("Webmail for this domain") ?></label>
    <select id="webmail" name="webmail"<?cs if:errors.webmail ?> aria-invalid="true"<?cs /if ?>>
      <option value="none"<?cs if:form.webmail == "none" ?> selected<?cs /if ?>><?cs var:_("None") ?></option>
      <?cs each:w = webmails ?>
      <option value="<?cs var:w.name ?>"<?cs if:form.webmail == w.name ?> selected<?cs /if ?>><?cs var:w.label ?><?cs if:w.installed != 1 ?> (<?cs var:_("no longer installed") ?>)<?cs /if ?></option>
      <?cs /each ?>
    </select>
    <?cs call:field_error("webmail", errors.webmail) ?>
  </fieldset>

  <fieldset>
    <legend><?cs var:_("Limit outgoing messages") ?></legend>
    <div class="limit">
      <p class="limit-title"><?cs var:_("Messages per hour for the domain") ?></p>
      <?cs call:radio("domain_limit_mode", "default", form.domain_limit_mode, domain.default_domain_label) ?>
      <?cs call:radio("domain_limit_mode", "unlimited", form.domain_limit_mode, _("Unlimited")) ?>
      <?cs call:radio("domain_limit_mode", "custom", form.domain_limit_mode, _("At most")) ?>
      <input type="text" name="domain_limit" inputmode="numeric" size="8" maxlength="7" aria-label="<?cs var:_("Messages per hour for the domain") ?>" value="<?cs var:form.domain_limit ?>"<?cs if:errors.domain_limit ?> aria-invalid="true"<?cs /if ?>>
      <?cs call:field_error("domain_limit", errors.domain_limit) ?>
    </div>
    <div class="limit">
      <p class="limit-title"><?cs var:_("Messages per hour for each mailbox") ?></p>
      <?cs call:radio("mailbox_limit_mode", "default", form.mailbox_limit_mode, domain.default_mailbox_label) ?>
      <?cs call:radio("mailbox_limit_mode", "unlimited", form.mailbox_limit_mode, _("Unlimited")) ?>
      <?cs call:radio("mailbox_limit_mode", "custom", form.mailbox_limit_mode, _("At most")) ?>
      <input type="text" name="mailbox_limit" inputmode="numeric" size="8" maxlength="7" aria-label="<?cs var:_("Messages per hour for each mailbox") ?>" value="<?cs var:form.mailbox_limit ?>"<?cs if:errors.mailbox_limit ?> aria-invalid="true"<?cs /if ?>>
      <?cs call:field_error("mailbox_limit", errors.mailbox_limit) ?>
    </div>
  </fieldset>

  <p class="actions">
    <button type="submit" class="primary" id="save"><?cs var:_("Save") ?></button>
    <a href="/domains"><?cs var:_("Cancel") ?></a>
  </p>
</form>
<?cs include:"footer.cs" ?>
