<?cs if:filter.name ?><dt><?cs var:_("Name contains") ?></dt><dd>“<?cs var:filter.name ?>”</dd><?cs /if ?>
<?cs if:filter.owner ?><dt><?cs var:_("Owner") ?></dt><dd><?cs var:filter.owner ?></dd><?cs /if ?>
<?cs if:filter.service ?><dt><?cs var:_("Mail service") ?></dt><dd><?cs if:filter.service == "on" ?><?cs var:_("On") ?><?cs else ?><?cs var:_("Off") ?><?cs /if ?></dd><?cs /if ?>
<?cs if:filter.policy ?><dt><?cs var:_("Mail to nonexistent users") ?></dt><dd><?cs call:field_value("policy", filter.policy, 0) ?></dd><?cs /if ?>
<?cs if:filter.webmail ?><dt><?cs var:_("Webmail") ?></dt><dd><?cs if:filter.webmail == "none" ?><?cs var:_("None") ?><?cs else ?><?cs var:filter.webmail ?><?cs /if ?></dd><?cs /if ?>
