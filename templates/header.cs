<?cs include:"form_macros.cs" ?><!DOCTYPE html>
<html lang="<?cs var:lang ?>">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?cs var:page.title ?> · postpanel</title>
<link rel="stylesheet" href="<?cs var:static ?>/postpanel.css">
</head>
<body>
<header class="top">
  <a class="brand" href="/domains">postpanel</a>
  <?cs if:user.login ?>
  <nav>
    <a href="/domains"<?cs if:page.nav == "domains" ?> aria-current="page"<?cs /if ?>><?cs var:_("Domains") ?></a>
    <?cs if:user.role == "admin" || user.role == "reseller" ?><a href="/bulk"<?cs if:page.nav == "bulk" ?> aria-current="page"<?cs /if ?> id="nav-bulk"><?cs var:_("Bulk mail settings") ?></a><?cs /if ?>
    <?cs if:user.is_admin == 1 ?>
    <a href="/server"<?cs if:page.nav == "server" ?> aria-current="page"<?cs /if ?>><?cs var:_("Server settings") ?></a>
    <?cs /if ?>
  </nav>
  <form class="logout" method="post" action="/logout">
    <input type="hidden" name="csrf" value="<?cs var:csrf ?>">
    <span class="who"><?cs var:user.login ?>
      (<?cs if:user.role == "admin" ?><?cs var:_("administrator") ?><?cs elif:user.role == "reseller" ?><?cs var:_("reseller") ?><?cs else ?><?cs var:_("customer") ?><?cs /if ?>)</span>
    <button type="submit"><?cs var:_("Log out") ?></button>
  </form>
  <?cs /if ?>
  <?cs include:"language_switch.cs" ?>
</header>
<main>
<?cs if:notice.ok ?><p class="notice ok" role="status"><?cs var:notice.ok ?></p><?cs /if ?>
<?cs if:notice.error ?><p class="notice error" role="alert"><?cs var:notice.error ?></p><?cs /if ?>
