<?cs include:"header.cs" ?>
<section class="error-page">
  <h1><?cs var:error.title ?></h1>
  <p><?cs var:error.text ?></p>
  <p><a href="/domains"><?cs var:_("Back to the domain list") ?></a></p>
</section>
<?cs include:"footer.cs" ?>
