#!/usr/bin/env python3
"""HTTP tests of customer orders: the back-office screens and the JSON API
against a real `kontor serve` on a fresh database.

    test_orders_http.py KONTOR MKDB orders

Uses the server, browser and checks of test_http.py (imported, so the
same TAP numbering and the same HTML soundness rules). The permission
matrix of the order routes is in test_http.py's ROUTE_CALLS.
The backend comes from KT_TEST_BACKEND. Prints TAP, exits 1 on failure.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_http as h  # noqa: E402  (reads KONTOR MKDB GROUP from sys.argv)

check = h.check


def setup(tmp):
    srv = h.make_server(tmp)
    roles = h.roles_of(srv)
    customer_role = next(r["code"] for r in roles if r["kind"] == "customer")
    h.add_user(srv, "sam", "sales")
    h.add_user(srv, "ada", "admin")
    h.add_customer(srv, "K001")
    h.add_user(srv, "buyer", customer_role, customer="K001")
    for args in (["product", "add", "P-001", "--name", "Kabel YDY 3x1,5", "--unit", "szt"],
                 ["product", "add", "P-002", "--name", "Taśma izolacyjna", "--unit", "szt",
                  "--vat", "8"],
                 ["warehouse", "add", "MAG1", "--name", "Magazyn główny"],
                 ["company", "set", "--name", "Kontor Test", "--nip", "5260250274",
                  "--warehouse", "MAG1"],
                 ["price", "list", "add", "HURT", "--name", "Cena hurtowa", "--currency", "PLN",
                  "--default"],
                 ["price", "set", "P-001", "--list", "HURT", "--price", "12,50"],
                 ["price", "set", "P-002", "--list", "HURT", "--price", "10"],
                 ["stock", "set", "P-001", "MAG1", "100"],
                 ["stock", "set", "P-002", "MAG1", "100"]):
        h.cli_ok(srv, *args)
    return srv


def order_id(r):
    m = re.match(r"/orders/(\d+)$", r.header("Location") or "")
    return int(m.group(1)) if m else None


def version_of(html):
    v = h.hidden(html, "version")
    return int(v) if v else None


def pages(srv):
    b = h.Browser(srv)
    b.login("sam")
    b.get("/lang/pl")
    csrf = b.csrf()
    r = b.get("/orders")
    check(r.status == 200 and "Brak zamówień" in r.text(), "GET /orders: an empty list says so",
          r)
    r = b.get("/orders/new?customer=K001")
    check(r.status == 200 and 'value="K001"' in r.text() and 'name="product_6"' in r.text(),
          "GET /orders/new: the form with six line rows, customer prefilled", r)

    form = {"customer": "K001", "customer_po": "PO-77", "product_1": "P-001", "qty_1": "3",
            "product_2": "P-002", "qty_2": "2"}
    r = b.post_form("/orders", form)
    check(r.status == 403, "POST /orders without the CSRF token: 403", r)
    r = b.post_form("/orders", dict(form, _csrf=csrf, qty_1="abc"))
    check(r.status == 422 and 'href="#f-qty_1"' in r.text() and "qty_1" in r.text() and
          'value="PO-77"' in r.text(),
          "a quantity that is not a number: 422, named at its field, what was typed kept", r)
    r = b.post_form("/orders", dict(form, _csrf=csrf, product_2="NOPE"))
    check(r.status == 422 and "line 2 (NOPE)" in r.text() and 'href="#f-product_2"' in r.text(),
          "an unknown product: 422 with the line named at its row", r)
    r = b.post_form("/orders", {"_csrf": csrf, "customer": "K001"})
    check(r.status == 422 and 'href="#f-product_1"' in r.text(), "an order without lines: 422",
          r)
    r = b.post_form("/orders", dict(form, _csrf=csrf))
    oid = order_id(r)
    check(r.status == 303 and oid, "POST /orders: created, 303 to the order", r)
    r = b.get(f"/orders/{oid}")
    t = r.text()
    # 3 x 12,50 = 37,50 at 23 % -> 8,63; 2 x 10,00 = 20,00 at 8 % -> 1,60
    check(r.status == 200 and re.search(r"37,50\s*zł", t) and re.search(r"8,63\s*zł", t) and
          re.search(r"1,60\s*zł", t) and re.search(r'id="total-gross">67,73\s*zł<', t) and
          re.search(r'id="total-net">57,50\s*zł<', t),
          "the order shows net, VAT per rate and the gross total to the grosz", t[-4000:])
    check("Status: szkic" in t and "Płatność: nieopłacone" in t and "PO-77" in t,
          "status and payment badges carry words", t[:3000])
    check("moduł" in t or "modułem dokumentów" in t, "a documents section says what will come")
    v = version_of(t)

    # a line change with a stale version: 409, the current page again
    r = b.post_form(f"/orders/{oid}/lines/1", {"_csrf": csrf, "version": str(v), "qty": "4"})
    check(r.status == 303, "a line's quantity changed", r)
    r = b.post_form(f"/orders/{oid}/lines/1", {"_csrf": csrf, "version": str(v), "qty": "5"})
    check(r.status == 409 and "someone else" in r.text() and version_of(r.text()) == v + 1,
          "a stale line change: 409 with the newer version in the forms", r)
    r = b.post_form(f"/orders/{oid}/lines/1", {"version": str(v + 1), "qty": "5"})
    check(r.status == 403, "a line change without the CSRF token: 403", r)

    r = b.get(f"/orders/{oid}/edit")
    check(r.status == 200 and version_of(r.text()) == v + 1, "the header form", r)
    r = b.post_form(f"/orders/{oid}", {"_csrf": csrf, "version": str(v), "customer_po": "PO-88",
                                        "payment_method": "transfer", "payment_days": "14"})
    check(r.status == 409 and 'value="PO-88"' in r.text() and version_of(r.text()) == v + 1,
          "a stale header save: 409, the form as typed with the newer version", r)
    r = b.post_form(f"/orders/{oid}", {"_csrf": csrf, "version": str(v + 1),
                                        "customer_po": "PO-88", "payment_method": "transfer",
                                        "payment_days": "x"})
    check(r.status == 422 and 'href="#f-payment_days"' in r.text(),
          "a bad payment term: 422 at its field", r)
    r = b.post_form(f"/orders/{oid}", {"_csrf": csrf, "version": str(v + 1),
                                        "customer_po": "PO-88", "payment_method": "transfer",
                                        "payment_days": "21"})
    check(r.status == 303 and "PO-88" in b.get(f"/orders/{oid}").text(), "the header saved", r)

    r = b.post_form(f"/orders/{oid}/lines", {"_csrf": csrf, "version": str(v + 2),
                                              "product": "P-002", "qty": "1"})
    check(r.status == 303 and "P-002" in b.get(f"/orders/{oid}").text(), "a line added", r)
    r = b.post_form(f"/orders/{oid}/lines/3/delete", {"_csrf": csrf, "version": str(v + 3)})
    check(r.status == 303, "a line removed", r)

    r = b.post_form(f"/orders/{oid}/messages", {"_csrf": csrf, "body": "Dostawa w piątek?"})
    check(r.status == 303 and "Dostawa w piątek?" in b.get(f"/orders/{oid}").text(),
          "a reply in the message thread", r)
    r = b.post_form(f"/orders/{oid}/messages", {"_csrf": csrf, "body": ""})
    check(r.status == 422, "an empty message: 422", r)

    t = b.get(f"/orders/{oid}").text()
    v = version_of(t)
    r = b.post_form(f"/orders/{oid}/confirm", {"_csrf": csrf, "version": str(v)})
    check(r.status == 303, "confirmed", r)
    t = b.get(f"/orders/{oid}").text()
    check("Status: potwierdzone" in t, "the badge says confirmed", t[:3000])
    r = b.post_form(f"/orders/{oid}/confirm", {"_csrf": csrf, "version": str(v + 1)})
    check(r.status == 422 and "cannot become confirmed" in r.text(),
          "confirming twice: refused with the reason", r)

    # a second order to cancel, through the confirmation step
    r = b.post_form("/orders", {"_csrf": csrf, "customer": "K001", "product_1": "P-002",
                                "qty_1": "1"})
    oid2 = order_id(r)
    r = b.get(f"/orders/{oid2}/cancel")
    check(r.status == 200 and "Tak, anuluj" in r.text(), "the cancellation asks first", r)
    v2 = version_of(r.text())
    r = b.post_form(f"/orders/{oid2}/cancel", {"_csrf": csrf, "version": str(v2 + 5),
                                                "reason": "pomyłka"})
    check(r.status == 409 and "pomyłka" in r.text(), "a stale cancellation: 409, reason kept", r)
    r = b.post_form(f"/orders/{oid2}/cancel", {"_csrf": csrf, "version": str(v2),
                                                "reason": "pomyłka"})
    check(r.status == 303 and "Status: anulowane" in b.get(f"/orders/{oid2}").text(),
          "cancelled", r)

    # the list: filters, sorting, pages
    r = b.get("/orders?status=confirmed")
    t = r.text()
    check(r.status == 200 and f'href="/orders/{oid}"' in t and f'href="/orders/{oid2}"' not in t,
          "the list filters by status", t[-3000:])
    r = b.get("/orders?po=PO-8&sort=total&order=asc")
    check(r.status == 200 and f'href="/orders/{oid}"' in r.text() and
          'aria-sort="ascending"' in r.text(), "the list filters by PO number and sorts", r)
    r = b.get("/orders?customer=NOPE")
    check(r.status == 200 and "NOPE" in r.text() and "error-summary" in r.text(),
          "an unknown customer in the filter is said, not a 500", r)
    r = b.get("/orders?product=P-002&from=2000-01-01")
    check(f'href="/orders/{oid}"' in r.text() and f'href="/orders/{oid2}"' in r.text(),
          "the list filters by product and date", r)
    r = b.get("/orders?partial=yes")
    check(r.status == 200 and f'href="/orders/{oid}"' not in r.text(),
          "the list filters partial orders", r)

    for lang in ("pl", "en"):
        b.get("/lang/" + lang)
        for path in ("/orders", "/orders/new", f"/orders/{oid}", f"/orders/{oid}/edit",
                     f"/orders/{oid2}/cancel", f"/orders/{oid2}"):
            r = b.get(path)
            probs = h.html_problems(r.text()) if r.status == 200 else [f"status {r.status}"]
            check(not probs, f"{path} ({lang}): unique ids, labelled controls, headings, "
                  "landmarks", probs)
    r = b.post_form("/orders", dict(form, _csrf=csrf, qty_1="abc"))
    check(not h.html_problems(r.text()), "the new-order form with errors is sound too",
          h.html_problems(r.text()))
    return oid


def customer_user(srv, oid):
    b = h.Browser(srv)
    r = b.login("buyer")
    check(r.status == 303, "the customer's user logs in", r)
    for path in ("/orders", "/orders/new", f"/orders/{oid}", f"/orders/{oid}/cancel"):
        r = b.get(path)
        check(r.status == 403, f"a customer user gets 403 at {path}", r)
    r = b.post_form(f"/orders/{oid}/cancel", {"_csrf": b.csrf(), "version": "1"})
    check(r.status == 403, "a customer user cannot cancel from the back office", r)
    r = b.get("/api/v1/orders")
    check(h.api_error(r, 403), "a customer user gets 403 from /api/v1/orders", r)


def api(srv):
    b = h.Browser(srv)
    b.login("sam")
    a = {"X-CSRF-Token": b.csrf()}

    def call(method, path, obj=None, headers=None):
        """An API call with the session (and its CSRF token), as orders.js makes it."""
        hh = dict(a)
        hh.update(headers or {})
        if obj is None:
            return b.request(method, path, headers=hh)
        return b.post_json(path, obj, headers=hh, method=method)

    r = call("GET", "/api/v1/suggest/price?customer=K001&product=P-001&qty=2")
    j = r.json() or {}
    check(r.status == 200 and j.get("price") == "12.50" and j.get("basis") == "net",
          "the live price of a line", r)
    r = call("GET", "/api/v1/suggest/price?customer=K001&product=NOPE")
    check(h.api_error(r, 404, field="product"), "the live price of an unknown product: 404", r)

    body = {"customer": "K001", "customer_po": "API-1",
            "lines": [{"product": "P-001", "qty": "2"},
                      {"product": "P-002", "qty": "1", "price": "9.99", "discount": 500}]}
    r = call("POST", "/api/v1/orders", dict(body, lines=[{"product": "P-001", "qty": 2}]))
    check(h.api_error(r, 400, field="lines[0].qty"), "a line's JSON number: 400 naming it", r)
    r = call("POST", "/api/v1/orders", dict(body, lines=[{"product": "P-001", "qty": "1",
                                                          "colour": "red"}]))
    check(h.api_error(r, 400, "unknown_field", "lines[0].colour"),
          "an unknown member of a line: 400 naming it", r)
    r = call("POST", "/api/v1/orders", dict(body, lines=[]))
    check(h.api_error(r, 400, field="lines"), "no lines: 400", r)
    r = call("POST", "/api/v1/orders", dict(body, lines=[{"product": "NOPE", "qty": "1"}]))
    check(h.api_error(r, 422, field="lines") and "line 1 (NOPE)" in r.json()["error"]["message"],
          "an unknown product: 422 naming the line", r)
    r = call("POST", "/api/v1/orders", body)
    j = r.json() or {}
    oid = j.get("id")
    # 2 x 12.50 = 25.00 at 23 %; 9.99 - 5 % = 9.49 at 8 %: VAT 5.75 + 0.76
    check(r.status == 201 and r.header("ETag") == f'"v{j.get("version")}"' and
          r.header("Location") == f"/api/v1/orders/{oid}" and
          j.get("totals", {}).get("net") == "34.49" and j["totals"]["vat"] == "6.51" and
          j["totals"]["gross"] == "41.00" and j["lines"][1]["price_source"] == "manual",
          "POST /api/v1/orders: 201 with Location, ETag and totals to the grosz", r)
    etag = r.header("ETag")
    r = call("GET", f"/api/v1/orders/{oid}")
    check(r.status == 200 and r.header("ETag") == etag and r.json()["number"] == j["number"],
          "GET an order: the same ETag", r)
    r = call("GET", "/api/v1/orders/999999")
    check(h.api_error(r, 404), "an unknown order: 404", r)

    r = call("PATCH", f"/api/v1/orders/{oid}", {"customer_po": "API-2"})
    check(h.api_error(r, 428), "PATCH without If-Match: 428", r)
    r = call("PATCH", f"/api/v1/orders/{oid}", {"customer_po": "API-2"}, {"If-Match": '"v999"'})
    check(h.api_error(r, 412), "PATCH with a stale If-Match: 412", r)
    r = call("PATCH", f"/api/v1/orders/{oid}", {"customer_po": "API-2", "payment_days": 30},
             {"If-Match": etag})
    check(r.status == 200 and r.json()["customer_po"] == "API-2" and
          r.json()["payment_days"] == 30 and r.header("ETag") != etag, "PATCH the header", r)
    etag2 = r.header("ETag")
    r = call("PATCH", f"/api/v1/orders/{oid}", {"customer_po": "API-3"}, {"If-Match": etag})
    check(h.api_error(r, 412) and call("GET", f"/api/v1/orders/{oid}").json()["customer_po"] ==
          "API-2", "the old ETag again: 412 and nothing changed", r)

    r = call("POST", f"/api/v1/orders/{oid}/lines", {"product": "P-001", "qty": "1"},
             {"If-Match": etag2})
    check(r.status == 200 and len(r.json()["lines"]) == 3, "a line added", r)
    etag = r.header("ETag")
    r = call("PATCH", f"/api/v1/orders/{oid}/lines/3", {"qty": "0"}, {"If-Match": etag})
    check(h.api_error(r, 422, field="lines"), "a zero quantity: 422 naming the line", r)
    r = call("PATCH", f"/api/v1/orders/{oid}/lines/3", {"qty": "4"}, {"If-Match": etag})
    check(r.status == 200 and r.json()["lines"][2]["qty"] == "4" and
          r.json()["lines"][2]["value"] == "50.00", "a line's quantity changed", r)
    etag = r.header("ETag")
    r = call("DELETE", f"/api/v1/orders/{oid}/lines/3", None, {"If-Match": etag})
    check(r.status == 200 and len(r.json()["lines"]) == 2, "a line removed", r)
    etag = r.header("ETag")
    r = call("DELETE", f"/api/v1/orders/{oid}/lines/2", None)
    check(h.api_error(r, 428), "DELETE of a line without If-Match: 428", r)

    r = call("POST", f"/api/v1/orders/{oid}/messages", {"body": "Proszę o fakturę."})
    check(r.status == 201 and r.json().get("id"), "a message posted", r)
    r = call("GET", f"/api/v1/orders/{oid}/messages")
    check(r.status == 200 and r.json()["items"][0]["body"] == "Proszę o fakturę.",
          "the message thread", r)

    r = call("POST", f"/api/v1/orders/{oid}/submit", {}, {"If-Match": etag})
    check(r.status == 200 and r.json()["status"] == "submitted", "submitted", r)
    etag = r.header("ETag")
    r = call("POST", f"/api/v1/orders/{oid}/confirm", {"warehouse": "NOPE"}, {"If-Match": etag})
    check(h.api_error(r, 422, field="warehouse"), "an unknown warehouse: 422", r)
    r = call("POST", f"/api/v1/orders/{oid}/confirm", {"warehouse": "MAG1"}, {"If-Match": etag})
    check(r.status == 200 and r.json()["status"] == "confirmed" and
          r.json()["lines"][0]["reserved"] == "2", "confirmed with stock reserved", r)
    etag = r.header("ETag")
    r = call("POST", f"/api/v1/orders/{oid}/cancel", {"reason": "test"}, {"If-Match": etag})
    check(r.status == 200 and r.json()["status"] == "cancelled", "cancelled", r)

    # a shop order with an unknown product: partial until mapped
    r = call("POST", "/api/v1/orders", {
        "customer": "K001", "source": "shop:test", "external_id": "S-1", "allow_unmatched": True,
        "lines": [{"product": "SHOP-X", "qty": "2", "price": "24.60", "name": "Kabel ze sklepu",
                   "vat": "23"}]})
    j = r.json() or {}
    check(r.status == 201 and j.get("partial") is True and j["basis"] == "gross" and
          j["lines"][0]["kind"] == "unmatched", "a shop order with an unknown product is partial",
          r)
    sid, etag = j.get("id"), r.header("ETag")
    r = call("POST", f"/api/v1/orders/{sid}/confirm", {}, {"If-Match": etag})
    check(h.api_error(r, 422), "a partial order cannot be confirmed", r)
    r = call("GET", "/api/v1/orders?partial=yes")
    check(r.status == 200 and [i["id"] for i in r.json()["items"]] == [sid],
          "?partial=yes lists the partial order", r)
    r = call("POST", f"/api/v1/orders/{sid}/lines/1/map", {"product": "P-001"},
             {"If-Match": etag})
    check(r.status == 200 and r.json()["partial"] is False and
          r.json()["lines"][0]["product"] == "P-001" and
          r.json()["lines"][0]["unit_price"] == "24.60", "the line mapped, the price kept", r)

    r = call("GET", "/api/v1/orders?per_page=1&sort=number&order=asc")
    j = r.json() or {}
    check(r.status == 200 and len(j["items"]) == 1 and j["has_more"] is True,
          "pages without a count: has_more", r)
    r = call("GET", "/api/v1/orders?customer=K001&status=cancelled&source=backoffice")
    check(r.status == 200 and oid in [i["id"] for i in r.json()["items"]] and
          all(i["status"] == "cancelled" for i in r.json()["items"]), "filters combine", r)
    r = call("GET", "/api/v1/orders?status=lost")
    check(h.api_error(r, 400, field="status"), "an unknown status: 400 naming it", r)
    r = call("GET", "/api/v1/orders?customer=NOPE")
    check(h.api_error(r, 400, field="customer"), "an unknown customer filter: 400 naming it", r)


def main():
    tmp = tempfile.mkdtemp(prefix="kontor-http-orders-")
    try:
        srv = setup(tmp)
        srv.start("--no-worker")
        try:
            oid = pages(srv)
            customer_user(srv, oid)
            api(srv)
        finally:
            srv.stop()
        check(srv.proc.returncode == 0, "the server stops cleanly (exit 0)",
              srv.read_log()[-3000:])
    except Exception:
        import traceback
        check(False, "the orders group ran to the end", traceback.format_exc())
    finally:
        for url in h.DATABASES:
            subprocess.run([h.MKDB, "--drop", url], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{len(h.results)}")
    return 0 if all(h.results) else 1


if __name__ == "__main__":
    sys.exit(main())
