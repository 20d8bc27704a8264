<?cs # Form pieces every settings form repeats; included by header.cs. ?><?cs
def:field_error(id, text) ?><?cs if:text ?><p class="field-error" id="error-<?cs var:id ?>"><?cs var:text ?></p><?cs /if ?><?cs /def ?><?cs
def:radio(name, value, current, label) ?><label class="check"><input type="radio" name="<?cs var:name ?>" value="<?cs var:value ?>"<?cs if:current == value ?> checked<?cs /if ?>>
        <?cs var:label ?></label><?cs /def ?>
