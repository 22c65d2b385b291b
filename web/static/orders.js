// The new-order form (web/templates/orders/new.mustache): suggestions for
// the customer and the products as they are typed (fills the field; the
// form works without this script), and the unit price each line will get,
// asked from /api/v1/suggest/price when a line's product or quantity
// changes. Prices shown here are a preview: the server prices the order
// again when it is created.
(function () {
  'use strict';

  function suggest(input) {
    var list = document.getElementById(input.getAttribute('aria-controls'));
    var url = input.getAttribute('data-order-suggest');
    var timer = null, items = [], active = -1, seq = 0;

    function close() {
      clearTimeout(timer);
      seq++; // an answer still on its way must not open the list again
      list.hidden = true;
      list.innerHTML = '';
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      items = [];
      active = -1;
    }
    function mark(i) {
      Array.prototype.forEach.call(list.querySelectorAll('li'), function (li, k) {
        li.setAttribute('aria-selected', k === i ? 'true' : 'false');
        if (k === i) input.setAttribute('aria-activedescendant', li.id);
      });
      active = i;
    }
    function choose(i) {
      if (i < 0 || i >= items.length) return;
      input.value = items[i].code;
      close();
      input.dispatchEvent(new Event('change', {bubbles: true}));
    }
    function show(found) {
      if (document.activeElement !== input) { close(); return; }
      list.innerHTML = '';
      items = found.slice(0, 10);
      if (!items.length) { close(); return; }
      items.forEach(function (it, i) {
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
    input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(ask, 200); });
    input.addEventListener('keydown', function (e) {
      if (list.hidden) return;
      if (e.key === 'ArrowDown') { e.preventDefault(); mark(Math.min(active + 1, items.length - 1)); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === 'Escape') { e.preventDefault(); close(); }
    });
    input.addEventListener('blur', function () { setTimeout(close, 150); });
  }

  function livePrice(form) {
    var url = form.getAttribute('data-price-url');
    var customer = form.querySelector('[name="customer"]');
    function update(row) {
      var product = row.querySelector('[data-line-product]');
      var qty = row.querySelector('[name^="qty_"]');
      var out = row.querySelector('.line-price');
      if (!product || !out) return;
      if (!customer.value.trim() || !product.value.trim()) { out.textContent = ''; return; }
      var q = '?customer=' + encodeURIComponent(customer.value.trim()) +
              '&product=' + encodeURIComponent(product.value.trim());
      if (qty && qty.value.trim()) q += '&qty=' + encodeURIComponent(qty.value.trim().replace(',', '.'));
      fetch(url + q, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
        .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, j: j}; }); })
        .then(function (a) {
          out.textContent = a.ok ? a.j.formatted + ' · ' + a.j.source
                                 : (a.j.error ? a.j.error.message : '');
        })
        .catch(function () { out.textContent = ''; });
    }
    var rows = form.querySelectorAll('.order-line');
    Array.prototype.forEach.call(rows, function (row) {
      row.addEventListener('change', function () { update(row); });
    });
    customer.addEventListener('change', function () {
      Array.prototype.forEach.call(rows, update);
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('input[data-order-suggest]'), suggest);
    Array.prototype.forEach.call(document.querySelectorAll('form[data-price-url]'), livePrice);
  });
})();
