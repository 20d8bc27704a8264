<?cs def:field_label(name) ?><?cs
  if:name == "service" ?><?cs var:_("Mail service") ?><?cs
  elif:name == "policy" ?><?cs var:_("Mail to nonexistent users") ?><?cs
  elif:name == "bounce_message" ?><?cs var:_("Bounce message") ?><?cs
  elif:name == "forward_address" ?><?cs var:_("Forwarding address") ?><?cs
  elif:name == "redirect_ip" ?><?cs var:_("IP address of the external mail server") ?><?cs
  elif:name == "redirect_port" ?><?cs var:_("port") ?><?cs
  elif:name == "webmail" ?><?cs var:_("Webmail") ?><?cs
  elif:name == "domain_limit_mode" ?><?cs var:_("Limit for the domain") ?><?cs
  elif:name == "domain_limit" ?><?cs var:_("Messages per hour for the domain") ?><?cs
  elif:name == "mailbox_limit_mode" ?><?cs var:_("Limit for each mailbox") ?><?cs
  elif:name == "mailbox_limit" ?><?cs var:_("Messages per hour for each mailbox") ?><?cs
  elif:name == "local_part" ?><?cs var:_("Address") ?><?cs
  elif:name == "targets" ?><?cs var:_("Targets") ?><?cs
  elif:name == "name" ?><?cs var:_("Domain") ?><?cs
  elif:name == "owner" ?><?cs var:_("Owner") ?><?cs
  elif:name == "language" ?><?cs var:_("Language") ?><?cs
  else ?><?cs var:name ?><?cs /if ?><?cs /def ?><?cs
def:field_value(name, v, none) ?><?cs
  if:none == 1 ?><?cs if:name == "bounce_message" ?><?cs var:_("the default text") ?><?cs elif:name == "webmail" ?><?cs var:_("None") ?><?cs else ?>—<?cs /if ?><?cs
  elif:name == "service" ?><?cs if:v == "true" ?><?cs var:_("On") ?><?cs else ?><?cs var:_("Off") ?><?cs /if ?><?cs
  elif:name == "policy" ?><?cs if:v == "bounce" ?><?cs var:_("Bounce with message") ?><?cs elif:v == "forward" ?><?cs var:_("Forward to address") ?><?cs elif:v == "redirect" ?><?cs var:_("Redirect to external server") ?><?cs else ?><?cs var:_("Reject") ?><?cs /if ?><?cs
  elif:name == "domain_limit" || name == "mailbox_limit" ?><?cs var:num(v) ?><?cs
  elif:name == "domain_limit_mode" || name == "mailbox_limit_mode" ?><?cs if:v == "default" ?><?cs var:_("Use the default") ?><?cs elif:v == "unlimited" ?><?cs var:_("Unlimited") ?><?cs else ?><?cs var:_("At most") ?><?cs /if ?><?cs
  else ?><?cs var:v ?><?cs /if ?><?cs /def ?><?cs
def:field_changes(fields) ?><ul class="fields"><?cs each:f = fields ?>
  <li data-field="<?cs var:f.name ?>"><span class="field"><?cs call:field_label(f.name) ?></span><?cs # TRANSLATORS: the colon after a label ("Owner: anna"); French puts a no-break space before it. ?><?cs var:_(":") ?> <span class="before"><?cs call:field_value(f.name, f.before, f.before_none) ?></span> → <span class="after"><?cs call:field_value(f.name, f.after, f.after_none) ?></span></li><?cs /each ?>
</ul><?cs /def ?><?cs
def:limit_text(mode, value) ?><?cs if:mode == "default" ?><?cs var:_("the default") ?><?cs elif:mode == "unlimited" ?><?cs var:_("unlimited") ?><?cs elif:mode == "custom" ?><?cs var:_("at most") ?> <?cs var:num(value) ?><?cs else ?><?cs var:_("unchanged") ?><?cs /if ?><?cs /def ?><?cs
def:source_label(s) ?><?cs # Where a change came from (audit_log.source), as people say it. ?><?cs
  if:s == "web" ?><?cs var:C_("source", "web") ?><?cs
  elif:s == "cli" ?><?cs var:C_("source", "cli") ?><?cs
  elif:s == "bulk" ?><?cs var:C_("source", "bulk") ?><?cs
  elif:s == "undo" ?><?cs var:C_("source", "undo") ?><?cs
  elif:s == "api" ?><?cs var:C_("source", "api") ?><?cs
  elif:s == "sql" ?><?cs var:C_("source", "sql") ?><?cs
  else ?><?cs var:s ?><?cs /if ?><?cs /def ?>
