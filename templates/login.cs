<?cs include:"header.cs" ?>
<section class="login">
  <h1><?cs var:_("Log in to postpanel") ?></h1>
  <?cs if:login.error ?><p class="notice error" role="alert" id="login-error"><?cs var:login.error ?></p><?cs /if ?>
  <form method="post" action="/login">
    <input type="hidden" name="csrf" value="<?cs var:login.csrf ?>">
    <label for="login"><?cs var:_("Login name") ?></label>
    <input id="login" name="login" value="<?cs var:login.name ?>" autocomplete="username" required autofocus>
    <label for="password"><?cs var:_("Password") ?></label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit" class="primary"><?cs var:_("Log in") ?></button>
  </form>
</section>
<?cs include:"footer.cs" ?>
