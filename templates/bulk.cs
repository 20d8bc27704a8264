<?cs include:"header.cs" ?>
<h1><?cs var:_("Bulk mail settings") ?></h1>
<p class="meta"><?cs var:_("Tick domains, or select every domain that matches the filter, then preview one change for all of them. Nothing changes before you apply the preview.") ?>
  <a href="/changes" id="changes-link"><?cs var:_("Changes made in bulk") ?></a></p>

<form class="filter" method="get" action="/bulk" role="search" id="filter">
  <label><?cs var:_("Name contains") ?> <input name="f_name" type="search" value="<?cs var:filter.name ?>" maxlength="253"></label>
  <label><?cs var:_("Owner") ?> <input name="f_owner" type="search" value="<?cs var:filter.owner ?>" maxlength="64" size="14"></label>
  <label><?cs var:_("Mail service") ?>
    <select name="f_service">
      <option value=""><?cs var:_("Any") ?></option>
      <option value="on"<?cs if:filter.service == "on" ?> selected<?cs /if ?>><?cs var:_("On") ?></option>
      <option value="off"<?cs if:filter.service == "off" ?> selected<?cs /if ?>><?cs var:_("Off") ?></option>
    </select></label>
  <label><?cs var:_("Mail to nonexistent users") ?>
    <select name="f_policy">
      <option value=""><?cs var:_("Any") ?></option>
      <option value="bounce"<?cs if:filter.policy == "bounce" ?> selected<?cs /if ?>><?cs var:_("Bounce with message") ?></option>
      <option value="forward"<?cs if:filter.policy == "forward" ?> selected<?cs /if ?>><?cs var:_("Forward to address") ?></option>
      <option value="redirect"<?cs if:filter.policy == "redirect" ?> selected<?cs /if ?>><?cs var:_("Redirect to external server") ?></option>
      <option value="reject"<?cs if:filter.policy == "reject" ?> selected<?cs /if ?>><?cs var:_("Reject") ?></option>
    </select></label>
  <label><?cs var:_("Webmail") ?>
    <select name="f_webmail">
      <option value=""><?cs var:_("Any") ?></option>
      <option value="none"<?cs if:filter.webmail == "none" ?> selected<?cs /if ?>><?cs var:_("None") ?></option>
      <?cs each:w = webmails ?><option value="<?cs var:w.name ?>"<?cs if:filter.webmail == w.name ?> selected<?cs /if ?>><?cs var:w.label ?></option>
      <?cs /each ?>
    </select></label>
  <button type="submit"><?cs var:_("Filter") ?></button>
  <?cs if:filter.active == 1 ?><a href="/bulk"><?cs var:_("Clear the filter") ?></a><?cs /if ?>
</form>

<p class="count" id="domain-count"><?cs if:filter.active == 1 ?><?cs var:n_(paging.total, "%d domain matches the filter.", "%d domains match the filter.") ?><?cs else ?><?cs var:n_(paging.total, "%d domain", "%d domains") ?><?cs /if ?></p>
<?cs if:subcount(domains) > 0 ?>
<form class="check-page" method="get" action="/bulk" id="check-page-form">
  <input type="hidden" name="f_name" value="<?cs var:filter.name ?>">
  <input type="hidden" name="f_owner" value="<?cs var:filter.owner ?>">
  <input type="hidden" name="f_service" value="<?cs var:filter.service ?>">
  <input type="hidden" name="f_policy" value="<?cs var:filter.policy ?>">
  <input type="hidden" name="f_webmail" value="<?cs var:filter.webmail ?>">
  <?cs if:cursor.after ?><input type="hidden" name="after" value="<?cs var:cursor.after ?>"><?cs /if ?>
  <?cs if:cursor.before ?><input type="hidden" name="before" value="<?cs var:cursor.before ?>"><?cs /if ?>
  <input type="hidden" name="check" value="page">
  <button type="submit"><?cs var:_("Select all on this page") ?></button>
</form>
<?cs /if ?>

<form method="post" action="/bulk/preview" id="bulk-form" class="bulk settings" novalidate
      data-working="<?cs var:_("Working on the selected domains…") ?>" data-working-all="<?cs var:n_(paging.total, "Working on %d domain…", "Working on %d domains…") ?>">
  <input type="hidden" name="csrf" value="<?cs var:csrf ?>">
  <?cs # Enter in a text box presses the first button: make it one that asks for a choice. ?>
  <button type="submit" name="action" value="" class="hidden" tabindex="-1" aria-hidden="true"></button>
  <input type="hidden" name="f_name" value="<?cs var:filter.name ?>">
  <input type="hidden" name="f_owner" value="<?cs var:filter.owner ?>">
  <input type="hidden" name="f_service" value="<?cs var:filter.service ?>">
  <input type="hidden" name="f_policy" value="<?cs var:filter.policy ?>">
  <input type="hidden" name="f_webmail" value="<?cs var:filter.webmail ?>">
  <?cs if:cursor.after ?><input type="hidden" name="after" value="<?cs var:cursor.after ?>"><?cs /if ?>
  <?cs if:cursor.before ?><input type="hidden" name="before" value="<?cs var:cursor.before ?>"><?cs /if ?>

  <fieldset class="selection" id="selection">
    <legend><?cs var:_("Domains to change") ?></legend>
    <label class="check"><input type="radio" name="select" value="ticked"<?cs if:form.select != "all" ?> checked<?cs /if ?>>
      <?cs var:_("Only the domains ticked below") ?></label>
    <label class="check"><input type="radio" name="select" value="all"<?cs if:form.select == "all" ?> checked<?cs /if ?>>
      <?cs var:n_(paging.total, "The %d domain matching the filter", "All %d domains matching the filter") ?></label>
    <?cs call:field_error("selection", errors.selection) ?>
  </fieldset>

  <?cs if:subcount(domains) > 0 ?>
  <table class="list" id="domains">
    <thead>
      <tr>
        <th scope="col" class="tick"><input type="checkbox" id="check-page" hidden aria-label="<?cs var:_("Select all on this page") ?>"></th>
        <th scope="col"><?cs var:_("Domain") ?></th>
        <th scope="col"><?cs var:_("Owner") ?></th>
        <th scope="col"><?cs var:_("Mail service") ?></th>
        <th scope="col"><?cs var:_("Mail to nonexistent users") ?></th>
        <th scope="col"><?cs var:_("Webmail") ?></th>
        <th scope="col"><?cs var:_("History") ?></th>
      </tr>
    </thead>
    <tbody>
    <?cs each:d = domains ?>
      <tr>
        <td class="tick"><input type="checkbox" name="d" value="<?cs var:d.name ?>" id="d-<?cs name:d ?>"<?cs if:d.checked == 1 ?> checked<?cs /if ?>></td>
        <td><label for="d-<?cs name:d ?>"><?cs if:d.display ?><?cs var:d.display ?> <span class="ascii">(<?cs var:d.name ?>)</span><?cs else ?><?cs var:d.name ?><?cs /if ?></label></td>
        <td><?cs var:d.owner ?></td>
        <td><?cs if:d.service == 1 ?><span class="state on"><?cs var:_("On") ?></span><?cs else ?><span class="state off"><?cs var:_("Off") ?></span><?cs /if ?></td>
        <td class="policy-<?cs var:d.policy ?>"><?cs include:"policy_label.cs" ?></td>
        <td><?cs if:d.webmail ?><?cs var:d.webmail ?><?cs else ?><?cs var:_("None") ?><?cs /if ?></td>
        <td><a href="/domains/<?cs var:url_escape(d.name) ?>/history"><?cs var:_("History") ?></a></td>
      </tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs else ?>
  <p class="empty"><?cs if:filter.active == 1 ?><?cs var:_("No domain matches this filter.") ?><?cs else ?><?cs var:_("There are no domains yet.") ?><?cs /if ?></p>
  <?cs /if ?>
  <nav class="paging">
    <?cs if:paging.before ?><a rel="prev" href="/bulk?before=<?cs var:url_escape(paging.before) ?>&amp;f_name=<?cs var:url_escape(filter.name) ?>&amp;f_owner=<?cs var:url_escape(filter.owner) ?>&amp;f_service=<?cs var:url_escape(filter.service) ?>&amp;f_policy=<?cs var:url_escape(filter.policy) ?>&amp;f_webmail=<?cs var:url_escape(filter.webmail) ?>">← <?cs var:_("Previous") ?></a><?cs /if ?>
    <?cs if:paging.after ?><a rel="next" href="/bulk?after=<?cs var:url_escape(paging.after) ?>&amp;f_name=<?cs var:url_escape(filter.name) ?>&amp;f_owner=<?cs var:url_escape(filter.owner) ?>&amp;f_service=<?cs var:url_escape(filter.service) ?>&amp;f_policy=<?cs var:url_escape(filter.policy) ?>&amp;f_webmail=<?cs var:url_escape(filter.webmail) ?>"><?cs var:_("Next") ?> →</a><?cs /if ?>
  </nav>

  <h2><?cs var:_("Change the selected domains") ?></h2>
  <p class="help"><?cs var:_("Each button previews its change first: how many domains change, their values before and after, and the domains that would be refused.") ?></p>

  <fieldset id="action-service">
    <legend><?cs var:_("Mail service") ?></legend>
    <button type="submit" name="action" value="activate" id="preview-activate"><?cs var:_("Activate") ?></button>
    <button type="submit" name="action" value="deactivate" id="preview-deactivate"><?cs var:_("Deactivate") ?></button>
    <p class="help"><?cs var:_("Deactivate the mail service of domains whose mail is hosted elsewhere (for example Gmail).") ?></p>
  </fieldset>

  <fieldset id="action-webmail">
    <legend><?cs var:_("Webmail") ?></legend>
    <label for="webmail"><?cs var:_("Webmail for the selected domains") ?></label>
    <select id="webmail" name="webmail"<?cs if:errors.webmail ?> aria-invalid="true"<?cs /if ?>>
      <option value="none"><?cs var:_("None") ?></option>
      <?cs each:w = webmails ?><?cs if:w.installed == 1 ?><option value="<?cs var:w.name ?>"<?cs if:form.webmail == w.name ?> selected<?cs /if ?>><?cs var:w.label ?></option>
      <?cs /if ?><?cs /each ?>
    </select>
    <?cs call:field_error("webmail", errors.webmail) ?>
    <p class="actions"><button type="submit" name="action" value="webmail" id="preview-webmail"><?cs var:_("Preview") ?></button></p>
  </fieldset>

  <fieldset id="action-policy">
    <legend><?cs var:_("Mail to nonexistent users") ?></legend>
    <?cs call:field_error("policy", errors.policy) ?>
    <div class="option">
      <?cs call:radio("policy", "bounce", form.policy, _("Bounce with message")) ?>
      <input type="text" name="bounce_message" aria-label="<?cs var:_("Bounce message") ?>" maxlength="200" value="<?cs var:form.bounce_message ?>"<?cs if:errors.bounce_message ?> aria-invalid="true"<?cs /if ?>>
      <?cs call:field_error("bounce_message", errors.bounce_message) ?>
      <p class="help"><?cs var:_("Leave it empty for the default text, in the language of each domain's owner.") ?></p>
    </div>
    <div class="option">
      <?cs call:radio("policy", "forward", form.policy, _("Forward to address")) ?>
      <input type="text" name="forward_address" aria-label="<?cs var:_("Forwarding address") ?>" maxlength="254" placeholder="catchall@{domain}" value="<?cs var:form.forward_address ?>"<?cs if:errors.forward_address ?> aria-invalid="true"<?cs /if ?>>
      <?cs call:field_error("forward_address", errors.forward_address) ?>
      <p class="help"><?cs var:_("{domain} stands for each domain's name: catchall@{domain} forwards to catchall at every selected domain.") ?>
      <?cs if:outgoing_control == 1 ?><strong id="outgoing-control"><?cs var:_("Outgoing mail control is on: the address must belong to each domain. A fixed address is refused for every domain but its own; the preview lists them.") ?></strong><?cs /if ?></p>
    </div>
    <div class="option">
      <?cs call:radio("policy", "redirect", form.policy, _("Redirect to an external mail server with IP address")) ?>
      <span class="inline">
        <input type="text" name="redirect_ip" aria-label="<?cs var:_("IP address of the external mail server") ?>" maxlength="48" value="<?cs var:form.redirect_ip ?>"<?cs if:errors.redirect_ip ?> aria-invalid="true"<?cs /if ?>>
        <label><?cs var:_("port") ?> <input type="text" name="redirect_port" inputmode="numeric" size="5" maxlength="5" value="<?cs var:form.redirect_port ?>"<?cs if:errors.redirect_port ?> aria-invalid="true"<?cs /if ?>></label>
      </span>
      <?cs call:field_error("redirect_ip", errors.redirect_ip) ?>
      <?cs call:field_error("redirect_port", errors.redirect_port) ?>
    </div>
    <div class="option">
      <?cs call:radio("policy", "reject", form.policy, _("Reject")) ?>
    </div>
    <p class="actions"><button type="submit" name="action" value="policy" id="preview-policy"><?cs var:_("Preview") ?></button></p>
  </fieldset>

  <fieldset id="action-limits">
    <legend><?cs var:_("Limit outgoing messages") ?></legend>
    <div class="limit">
      <p class="limit-title"><?cs var:_("Messages per hour for the domain") ?></p>
      <label class="check"><input type="radio" name="domain_limit_mode" value="keep"<?cs if:form.domain_limit_mode == "keep" || !form.domain_limit_mode ?> checked<?cs /if ?>>
        <?cs var:_("Leave as it is") ?></label>
      <?cs call:radio("domain_limit_mode", "default", form.domain_limit_mode, _("Use the default")) ?>
      <?cs call:radio("domain_limit_mode", "unlimited", form.domain_limit_mode, _("Unlimited")) ?>
      <?cs call:radio("domain_limit_mode", "custom", form.domain_limit_mode, _("At most")) ?>
      <input type="text" name="domain_limit" inputmode="numeric" size="8" maxlength="7" aria-label="<?cs var:_("Messages per hour for the domain") ?>" value="<?cs var:form.domain_limit ?>"<?cs if:errors.domain_limit ?> aria-invalid="true"<?cs /if ?>>
      <?cs call:field_error("domain_limit", errors.domain_limit) ?>
    </div>
    <div class="limit">
      <p class="limit-title"><?cs var:_("Messages per hour for each mailbox") ?></p>
      <label class="check"><input type="radio" name="mailbox_limit_mode" value="keep"<?cs if:form.mailbox_limit_mode == "keep" || !form.mailbox_limit_mode ?> checked<?cs /if ?>>
        <?cs var:_("Leave as it is") ?></label>
      <?cs call:radio("mailbox_limit_mode", "default", form.mailbox_limit_mode, _("Use the default")) ?>
      <?cs call:radio("mailbox_limit_mode", "unlimited", form.mailbox_limit_mode, _("Unlimited")) ?>
      <?cs call:radio("mailbox_limit_mode", "custom", form.mailbox_limit_mode, _("At most")) ?>
      <input type="text" name="mailbox_limit" inputmode="numeric" size="8" maxlength="7" aria-label="<?cs var:_("Messages per hour for each mailbox") ?>" value="<?cs var:form.mailbox_limit ?>"<?cs if:errors.mailbox_limit ?> aria-invalid="true"<?cs /if ?>>
      <?cs call:field_error("mailbox_limit", errors.mailbox_limit) ?>
    </div>
    <p class="actions"><button type="submit" name="action" value="limits" id="preview-limits"><?cs var:_("Preview") ?></button></p>
  </fieldset>
  <p class="working" role="status" hidden></p>
</form>
<script src="<?cs var:static ?>/bulk.js" defer></script>
<?cs include:"footer.cs" ?>
