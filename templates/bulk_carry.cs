<?cs each:c = carry ?><input type="hidden" name="<?cs var:c.name ?>" value="<?cs var:c.value ?>">
<?cs /each ?>
