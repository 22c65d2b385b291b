// Kontor: a little plain JavaScript on top of pages that work without it.
// Loaded with `defer` from /static (the Content-Security-Policy allows no
// inline script).
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  // The navigation folds behind the menu button on narrow screens.
  function setupMenu() {
    var button = document.querySelector('.menu-button');
    var nav = document.getElementById('sidenav');
    if (!button || !nav) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      var open = nav.classList.toggle('is-open');
      button.setAttribute('aria-expanded', open ? 'true' : 'false');
    });
  }

  // Flash messages can be dismissed.
  function setupFlash() {
    var closers = document.querySelectorAll('.flash-close');
    Array.prototype.forEach.call(closers, function (b) {
      b.hidden = false;
      b.addEventListener('click', function () {
        var box = b.closest('.flash');
        if (box) box.remove();
      });
    });
  }

  // An error summary takes the focus so screen readers announce it.
  function focusErrors() {
    var summary = document.querySelector('.error-summary');
    if (summary) summary.focus();
  }

  // A form being sent shows that it is busy.
  function setupBusyForms() {
    Array.prototype.forEach.call(document.querySelectorAll('form'), function (f) {
      f.addEventListener('submit', function () {
        var b = f.querySelector('button[type="submit"]');
        if (b) b.setAttribute('aria-busy', 'true');
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    setupMenu();
    setupFlash();
    focusErrors();
    setupBusyForms();
  });
})();
