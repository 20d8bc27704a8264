/*
 * postpanel bulk pages: small progressive enhancements. Without
 * JavaScript every form works the same (plain submits); with it, a
 * checkbox ticks every domain on the page, and a submitted form says
 * what it is working on and cannot be sent twice.
 */
(function () {
  'use strict';

  var all = document.getElementById('check-page');
  if (all) {
    var boxes = document.querySelectorAll('#domains input[type=checkbox][name=d]');
    var plain = document.getElementById('check-page-form');
    var sync = function () {
      var n = 0;
      for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) n++;
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    };
    all.hidden = false;
    if (plain) plain.hidden = true;
    all.addEventListener('change', function () {
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
      var ticked = document.querySelector('input[name=select][value=ticked]');
      if (all.checked && ticked) ticked.checked = true;
    });
    for (var i = 0; i < boxes.length; i++) boxes[i].addEventListener('change', sync);
    sync();
  }

  var forms = document.querySelectorAll('form[data-working]');
  for (var f = 0; f < forms.length; f++) {
    forms[f].addEventListener('submit', function (ev) {
      var form = ev.currentTarget;
      if (form.getAttribute('data-sent')) {
        ev.preventDefault();
        return;
      }
      form.setAttribute('data-sent', '1');
      var text = form.getAttribute('data-working');
      var every = form.querySelector('input[name=select][value=all]');
      if (every && every.checked && form.getAttribute('data-working-all'))
        text = form.getAttribute('data-working-all');
      var status = form.querySelector('.working');
      if (status) {
        status.textContent = text;
        status.hidden = false;
      }
      /* After the submission has taken the pressed button's value. */
      window.setTimeout(function () {
        var buttons = form.querySelectorAll('button');
        for (var b = 0; b < buttons.length; b++) buttons[b].disabled = true;
      }, 0);
    });
  }
})();
