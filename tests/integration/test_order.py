#!/usr/bin/env python3
"""CLI tests for orders: run the real build/kontor.

    test_order.py KONTOR MKDB

On the backend named by KT_TEST_BACKEND (a fresh database from MKDB):
order create with prices from the price list and by hand, list with
filters, show with VAT per rate and history, confirm reserving stock (and
refused when stock is short), cancel releasing it, a shop order with an
unmatched line mapped with map-line, the numbering series, and the bad
input the issue names (zero quantity, unknown customer, no price, decimals
for pieces, a transition out of order), each with exit 1 and one sentence
naming the line or field, nothing written. Products and customers are
inserted with SQL. Prints TAP.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ktest import Run, check, count, expect_error, run_main, setup, sql  # noqa: E402

setup(sys.argv[1], sys.argv[2])


def add_product(url, code, unit="pcs", vat="23"):
    sql(url, "INSERT INTO products (code, code_fold, unit, vat_rate, name_fold, search_text, "
             f"created_at, updated_at) VALUES ('{code}', lower('{code}'), '{unit}', '{vat}', "
             f"lower('{code}'), ' ', 0, 0)")


def add_customer(url, code, currency):
    sql(url, "INSERT INTO customers (code, name, tax_id_kind, country, lang, currency, "
             "document_type, payment_days, payment_method, created_at, updated_at) "
             f"VALUES ('{code}', 'Customer {code}', 'none', 'PL', 'pl', '{currency}', "
             "'domestic', 14, 'transfer', 0, 0)")


def main_tests(tmp, url):
    base = ["--db", url, "--data", os.path.join(tmp, "data")]

    def k(*args):
        return Run(base + list(args), tmp, env={"USER": "tester"})

    r = k("init")
    check(r.rc == 0, "init", r)
    add_product(url, "P-001")
    add_product(url, "P-KG", unit="kg")
    add_product(url, "P-BOOK", vat="5")
    add_product(url, "P-NONE")
    add_customer(url, "K001", "PLN")
    for args in (["warehouse", "add", "MAG1", "--name", "Main"],
                 ["price", "list", "add", "RETAIL", "--name", "Retail", "--currency", "PLN",
                  "--default"],
                 ["price", "set", "P-001", "--list", "RETAIL", "--price", "12,50"],
                 ["price", "set", "P-KG", "--list", "RETAIL", "--price", "4"],
                 ["price", "set", "P-BOOK", "--list", "RETAIL", "--price", "30"],
                 ["stock", "set", "P-001", "MAG1", "5"],
                 ["stock", "set", "P-BOOK", "MAG1", "5"]):
        r = k(*args)
        check(r.rc == 0, " ".join(args[:3]), r)

    r = k("order", "series")
    check(r.rc == 0 and r.out == "orders are numbered ZK/{YYYY}/{MM}/{NNNN}\n",
          "order series shows the default format", r)
    r = k("order", "create", "--customer", "K001", "--line", "P-001:3", "--line=P-KG:2,5",
          "--line", "P-BOOK:1:27,50", "--po", "PO-1", "--date", "2026-11-28")
    check(r.rc == 0 and r.out == "created order ZK/2026/11/0001\n", "order create", r)

    r = k("--json", "order", "show", "ZK/2026/11/0001")
    o = r.json() or {}
    lines = o.get("lines", [])
    check(r.rc == 0 and [l.get("value") for l in lines] == ["37.50", "10.00", "27.50"],
          "line values: 3 x 12,50; 2,5 kg x 4,00; 27,50 by hand", r)
    check(len(lines) == 3 and lines[2].get("price_source") == "manual"
          and lines[0].get("price_source") == "price list RETAIL", "where the prices came from", r)
    # 23 %: 47,50 net, 10,925 -> 10,93 VAT; 5 %: 27,50 net, 1,375 -> 1,38 VAT
    check(o.get("vat") == [{"vat": "23", "net": "47.50", "vat_amount": "10.93", "gross": "58.43"},
                           {"vat": "5", "net": "27.50", "vat_amount": "1.38", "gross": "28.88"}],
          "VAT per rate to the grosz", o.get("vat"))
    check(o.get("gross") == "87.31" and o.get("status") == "draft" and o.get("po") == "PO-1",
          "total gross, status and PO number", o)
    check(o.get("history", [{}])[0].get("action") == "created", "history starts with created", o)

    r = k("order", "show", "ZK/2026/11/0001")
    check(r.rc == 0 and "VAT 23  net        47.50" in r.out and "total 87.31 PLN" in r.out,
          "order show prints VAT per rate and the total", r)

    expect_error(k("order", "confirm", "ZK/2026/11/0001"), 1,
                 "set the company's default warehouse", "confirm without any warehouse")
    r = k("order", "confirm", "ZK/2026/11/0001", "--warehouse", "MAG1")
    check(r.rc == 1 and "line 2 (P-KG): not enough stock of P-KG in MAG1" in r.err,
          "confirm refused when a line lacks stock, naming the line", r)
    rows = sql(url, "SELECT reserved FROM stock WHERE product_id = "
                    "(SELECT id FROM products WHERE code = 'P-001')")
    check(int(rows[0][0]) == 0, "a refused confirmation reserves nothing", rows)
    k("stock", "set", "P-KG", "MAG1", "10")
    r = k("order", "confirm", "ZK/2026/11/0001", "--warehouse", "MAG1")
    check(r.rc == 0 and r.out == "confirmed order ZK/2026/11/0001\n", "order confirm", r)
    rows = sql(url, "SELECT reserved FROM stock WHERE product_id = "
                    "(SELECT id FROM products WHERE code = 'P-001')")
    check(int(rows[0][0]) == 3000, "confirmation reserved 3 of P-001", rows)
    expect_error(k("order", "confirm", "ZK/2026/11/0001", "--warehouse", "MAG1"), 1,
                 "is confirmed and cannot become confirmed", "confirming twice is refused")

    r = k("order", "create", "--customer", "K001", "--line", "P-001:4", "--date", "2026-11-28")
    check(r.rc == 0 and "ZK/2026/11/0002" in r.out, "a second order", r)
    expect_error(k("order", "confirm", "ZK/2026/11/0002", "--warehouse", "MAG1"), 1,
                 "line 1 (P-001): not enough stock of P-001 in MAG1 to reserve: available 2",
                 "the last units are already reserved for the first order")
    r = k("order", "cancel", "ZK/2026/11/0001", "--reason", "customer called")
    check(r.rc == 0 and r.out == "cancelled order ZK/2026/11/0001\n", "order cancel", r)
    r = k("order", "confirm", "ZK/2026/11/0002", "--warehouse", "MAG1")
    check(r.rc == 0, "after the cancellation the stock is free again", r)
    expect_error(k("order", "cancel", "ZK/2026/11/0001"), 1,
                 "is cancelled and cannot become cancelled", "a transition out of order")

    r = k("order", "list", "--status", "confirmed")
    check(r.rc == 0 and "ZK/2026/11/0002" in r.out and "ZK/2026/11/0001" not in r.out,
          "order list --status", r)
    r = k("--json", "order", "list", "--sort", "number", "--asc")
    j = r.json() or {}
    check(r.rc == 0 and j.get("total") == 2
          and [x["number"] for x in j.get("orders", [])] == ["ZK/2026/11/0001", "ZK/2026/11/0002"],
          "order list --json sorted by number", r)
    r = k("order", "list", "--po", "PO-")
    check(r.rc == 0 and "ZK/2026/11/0001" in r.out and "0002" not in r.out,
          "order list --po prefix", r)

    # a shop order with a product unknown here
    r = k("order", "create", "--customer", "K001", "--source", "shop:shoper", "--external-id",
          "S-9", "--allow-unmatched", "--line", "P-001:1", "--line", "SHOP-X:2:24,60",
          "--date", "2026-11-28")
    check(r.rc == 0 and "ZK/2026/11/0003" in r.out, "a shop order with an unknown product", r)
    r = k("--json", "order", "show", "ZK/2026/11/0003")
    o = r.json() or {}
    check(o.get("partial") is True and o.get("basis") == "gross"
          and o.get("lines", [{}, {}])[1].get("kind") == "unmatched",
          "the order is partial and gross; the line is unmatched", o)
    expect_error(k("order", "confirm", "ZK/2026/11/0003", "--warehouse", "MAG1"), 1,
                 "map line 2 (SHOP-X) to a product", "a partial order cannot be confirmed")
    r = k("order", "list", "--partial")
    check(r.rc == 0 and "ZK/2026/11/0003" in r.out and "partial" in r.out,
          "order list --partial", r)
    r = k("order", "map-line", "ZK/2026/11/0003", "2", "P-BOOK")
    check(r.rc == 0 and "the order is complete" in r.out, "order map-line", r)
    r = k("--json", "order", "show", "ZK/2026/11/0003")
    o = r.json() or {}
    # gross basis: 12,50 net -> 15,375 -> 15,38 gross at 23 %; 2 x 24,60 = 49,20 gross at 5 %
    check(o.get("partial") is False and o.get("gross") == "64.58"
          and o.get("lines", [{}, {}])[1].get("code") == "P-BOOK",
          "mapped: complete, the price received kept, VAT from the product", o)
    expect_error(k("order", "create", "--customer", "K001", "--source", "shop:shoper",
                   "--external-id", "S-9", "--line", "P-001:1"), 1, "imported already",
                 "the same shop order twice is refused")

    # bad input: each refused with one sentence, nothing written
    before = count(url, "orders") + count(url, "order_lines") + count(url, "events")
    expect_error(k("order", "create", "--customer", "K001", "--line", "P-001:0"), 1,
                 "line 1 (P-001): the quantity must be more than 0", "zero quantity")
    expect_error(k("order", "create", "--customer", "K001", "--line", "P-001:1",
                   "--line", "P-001:-2"), 1, "line 2 (P-001): the quantity", "negative quantity")
    expect_error(k("order", "create", "--customer", "K404", "--line", "P-001:1"), 1,
                 "customer: there is no customer K404", "unknown customer")
    expect_error(k("order", "create", "--customer", "K001", "--line", "P-NONE:1"), 1,
                 "line 1 (P-NONE): no price for P-NONE in PLN", "no price")
    expect_error(k("order", "create", "--customer", "K001", "--line", "P-001:1,5"), 1,
                 "line 1 (P-001)", "decimals for pieces")
    expect_error(k("order", "create", "--customer", "K001", "--line", "NOPE:1"), 1,
                 "line 1 (NOPE): there is no such product", "unknown product")
    expect_error(k("order", "create", "--customer", "K001", "--currency", "EUR",
                   "--line", "P-001:1"), 1, "no price for P-001 in EUR", "no price in EUR")
    after = count(url, "orders") + count(url, "order_lines") + count(url, "events")
    check(before == after, "the refused orders wrote nothing", (before, after))
    expect_error(k("order", "create", "--customer", "K001"), 2, "usage",
                 "create without lines is a usage error")
    expect_error(k("order", "create", "--customer", "K001", "--line", "P-001"), 2,
                 "CODE:QTY", "a line without a quantity")
    expect_error(k("order", "show", "ZK/1999/01/0001"), 1, "there is no order",
                 "an unknown order")
    expect_error(k("order", "confrim"), 2, "did you mean 'order confirm'", "a misspelt command")
    expect_error(k("order", "list", "--status", "done"), 2, "not a status", "a bad status")

    r = k("order", "series", "ZAM/{YY}/{NNNNN}")
    check(r.rc == 0 and "ZAM/{YY}/{NNNNN}" in r.out, "order series sets the format", r)
    r = k("order", "create", "--customer", "K001", "--line", "P-001:1", "--date", "2026-11-28")
    check(r.rc == 0 and "ZAM/26/00001" in r.out, "the next order uses the new format", r)
    expect_error(k("order", "series", "ZK/{YYYY}"), 2, "counter", "a format without a counter")

    rows = sql(url, "SELECT type, COUNT(*) FROM events WHERE type LIKE 'order.%' "
                    "GROUP BY type ORDER BY type")
    got = {t: int(n) for t, n in rows}
    check(got == {"order.cancelled": 1, "order.changed": 1, "order.confirmed": 2,
                  "order.created": 4}, "one event per change", got)


def main():
    run_main("kontor-order-", main_tests)


if __name__ == "__main__":
    main()
