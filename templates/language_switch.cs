<?cs # The language switch of every page (header.cs). Language names are
     each in their own language, never translated. Logged in: saved in the
     account (POST /language); visitors: ?lang=CODE, kept in a cookie. ?>
<?cs if:user.login ?>
<form class="languages" method="post" action="/language" id="language-switch">
  <input type="hidden" name="csrf" value="<?cs var:csrf ?>">
  <input type="hidden" name="back" value="<?cs var:page.back ?>">
  <span class="hidden"><?cs var:_("Language") ?></span>
  <?cs each:l = langs ?><button type="submit" name="lang" value="<?cs var:l.code ?>" lang="<?cs var:l.code ?>"<?cs if:l.code == lang ?> aria-pressed="true"<?cs else ?> aria-pressed="false"<?cs /if ?>><?cs var:l.name ?></button><?cs /each ?>
</form>
<?cs else ?>
<div class="languages" id="language-switch">
  <span class="hidden"><?cs var:_("Language") ?></span>
  <?cs each:l = langs ?><a href="?lang=<?cs var:l.code ?>" hreflang="<?cs var:l.code ?>" lang="<?cs var:l.code ?>"<?cs if:l.code == lang ?> aria-current="true"<?cs /if ?>><?cs var:l.name ?></a><?cs /each ?>
</div>
<?cs /if ?>
