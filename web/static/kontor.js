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

  // Autocomplete: an input with data-suggest asks that URL (?q=) as the
  // user types and offers the answers in its listbox; arrows move, Enter
  // opens the chosen product, Escape closes. Without the script the same
  // input simply submits its search form.
  function setupAutocomplete(input) {
    var list = document.getElementById(input.getAttribute('aria-controls'));
    var url = input.getAttribute('data-suggest');
    var target = input.getAttribute('data-target');
    var timer = null;
    var active = -1;
    var items = [];
    var seq = 0;

    function close() {
      list.hidden = true;
      list.innerHTML = '';
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
      items = [];
    }

    function mark(i) {
      var lis = list.querySelectorAll('li');
      Array.prototype.forEach.call(lis, function (li, k) {
        li.setAttribute('aria-selected', k === i ? 'true' : 'false');
      });
      active = i;
      if (i >= 0) input.setAttribute('aria-activedescendant', lis[i].id);
    }

    function choose(i) {
      if (i < 0 || i >= items.length) return;
      window.location.href = target + encodeURIComponent(items[i].code);
    }

    function show(found) {
      list.innerHTML = '';
      items = found;
      if (!found.length) { close(); return; }
      found.forEach(function (it, i) {
        var li = document.createElement('li');
        li.id = list.id + '-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        var code = document.createElement('span');
        code.className = 'code';
        code.textContent = it.code;
        var name = document.createElement('span');
        name.textContent = it.name || '';
        li.appendChild(code);
        li.appendChild(name);
        li.addEventListener('mousedown', function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      active = -1;
    }

    function ask() {
      var q = input.value.trim();
      if (!q) { close(); return; }
      var mine = ++seq;
      fetch(url + '?q=' + encodeURIComponent(q), {credentials: 'same-origin',
                                                  headers: {'Accept': 'application/json'}})
        .then(function (r) { return r.ok ? r.json() : {items: []}; })
        .then(function (j) { if (mine === seq) show(j.items || []); })
        .catch(function () { if (mine === seq) close(); });
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener('keydown', function (e) {
      if (list.hidden) return;
      if (e.key === 'ArrowDown') { e.preventDefault(); mark(Math.min(active + 1, items.length - 1)); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === 'Escape') { e.preventDefault(); close(); }
    });
    input.addEventListener('blur', function () { setTimeout(close, 150); });
  }

  // Destructive actions ask first: a form with data-confirm="question".
  function setupConfirm() {
    Array.prototype.forEach.call(document.querySelectorAll('form[data-confirm]'), function (f) {
      f.addEventListener('submit', function (e) {
        if (!window.confirm(f.getAttribute('data-confirm'))) e.preventDefault();
      });
    });
  }

  // Image upload: says which file was chosen and how large it is before
  // it is sent (the server checks what the file really is).
  function setupUpload() {
    Array.prototype.forEach.call(document.querySelectorAll('.upload-form'), function (f) {
      var input = f.querySelector('input[type="file"]');
      var out = f.querySelector('.upload-preview');
      if (!input || !out) return;
      input.addEventListener('change', function () {
        var file = input.files && input.files[0];
        if (!file) { out.hidden = true; out.textContent = ''; return; }
        var kb = Math.max(1, Math.round(file.size / 1024));
        out.textContent = (out.getAttribute('data-label') || '') + ' ' + file.name + ' (' + kb + ' kB)';
        out.hidden = false;
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    setupConfirm();
    setupUpload();
    Array.prototype.forEach.call(document.querySelectorAll('input[data-suggest]'),
                                 setupAutocomplete);
    setupMenu();
    setupFlash();
    focusErrors();
    setupBusyForms();
  });
})();
