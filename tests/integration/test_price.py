#!/usr/bin/env python3
"""CLI tests for prices: run the real build/kontor.

    test_price.py KONTOR MKDB

On the backend named by KT_TEST_BACKEND (a fresh database from MKDB):
price list add/show/default, price set with tiers and dates, customer
prices, terms, and price resolve with where the price came from, the
"no price" answer and --json. Products and customers are inserted with SQL
(their commands belong to the catalog and parties modules). Prints TAP.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ktest import Run, add_product, check, expect_error, run_main, setup, sql  # noqa: E402

setup(sys.argv[1], sys.argv[2])


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
    add_product(url, "P-002")
    add_customer(url, "K001", "PLN")
    add_customer(url, "K002", "EUR")

    r = k("price", "list", "add", "RETAIL", "--name", "Detal", "--currency", "PLN", "--basis",
          "gross", "--default")
    check(r.rc == 0 and r.out == "created price list RETAIL (Detal, PLN, gross, default)\n",
          "price list add --default", r)
    r = k("price", "list", "add", "HURT", "--name", "Hurt", "--currency", "pln")
    check(r.rc == 0 and "(Hurt, PLN, net)" in r.out, "price list add: net by default", r)
    r = k("price", "list", "add", "EXPORT", "--name", "Export", "--currency", "EUR")
    check(r.rc == 0, "price list add in EUR", r)
    expect_error(k("price", "list", "add", "HURT", "--name", "x", "--currency", "PLN"), 1,
                 "HURT exists already", "a taken list code: exit 1")
    expect_error(k("price", "list", "add", "X", "--name", "x", "--currency", "ZZZ"), 2, "ZZZ",
                 "an unknown currency: exit 2")
    expect_error(k("price", "list", "add", "X", "--name", "x", "--currency", "PLN", "--basis",
                   "brutto"), 2, "net or gross", "an unknown basis: exit 2")

    r = k("price", "set", "P-001", "--list", "RETAIL", "--price", "12,50")
    check(r.rc == 0 and "12.50 PLN" in r.out, "price set with a decimal comma", r)
    k("price", "set", "P-001", "--list", "HURT", "--price", "11")
    r = k("price", "set", "P-001", "--list", "HURT", "--price", "10", "--min-qty", "10")
    check(r.rc == 0 and "from quantity 10" in r.out, "price set --min-qty", r)
    r = k("price", "set", "P-001", "--list", "EXPORT", "--price", "3", "--to", "2026-06-30")
    check(r.rc == 0 and "to 2026-06-30" in r.out, "price set --to", r)
    r = k("price", "set", "P-001", "--list", "EXPORT", "--price", "3,25", "--from", "2026-07-01")
    check(r.rc == 0, "price set --from", r)
    expect_error(k("price", "set", "P-001", "--list", "HURT", "--price", "-1"), 2, "negative",
                 "a negative price: exit 2")
    expect_error(k("price", "set", "P-001", "--list", "HURT", "--price", "1,00001"), 2, "--price",
                 "more than four decimals: exit 2")
    expect_error(k("price", "set", "P-001", "--list", "HURT", "--price", "1", "--from",
                   "2026-07-01", "--to", "2026-06-01"), 2, "before it is valid from",
                 "a validity that ends before it starts: exit 2")
    expect_error(k("price", "set", "P-001", "--list", "NOPE", "--price", "1"), 1,
                 "no price list NOPE", "an unknown list: exit 1")

    r = k("price", "list", "show")
    lines = r.out.splitlines()
    check(r.rc == 0 and len(lines) == 4 and lines[1].startswith("EXPORT ") and
          "default" in lines[3], "price list show: every list", r)
    j = k("--json", "price", "list", "show", "HURT").json()
    check(j is not None and j["code"] == "HURT" and
          [(i["product"], i["price"], i["min_qty"]) for i in j["items"]] ==
          [("P-001", "11.00", "0"), ("P-001", "10.00", "10")], "price list show CODE --json", j)

    r = k("price", "resolve", "--product", "P-001", "--currency", "PLN", "--date", "2026-11-28")
    check(r.rc == 0 and r.out == "12.50 PLN gross per unit for 1 x P-001 on 2026-11-28\n"
          "from: price list RETAIL\n", "resolve without a customer: the default list", r)
    r = k("price", "terms", "K001", "--list", "HURT", "--discount", "5")
    check(r.rc == 0 and r.out == "customer K001: price list HURT, discount 5%\n", "price terms", r)
    r = k("price", "resolve", "--customer", "K001", "--product", "P-001", "--qty", "12",
          "--date", "2026-11-28")
    check(r.rc == 0 and r.out.startswith("9.50 PLN net per unit for 12 x P-001") and
          "from: price list HURT \u2212 discount 5%" in r.out,
          "resolve: the customer's list, tier 10+, minus the discount", r)
    j = k("--json", "price", "resolve", "--customer", "K001", "--product", "P-001",
          "--date", "2026-11-28").json()
    check(j is not None and j["price"] == "10.45" and j["list_price"] == "11.00" and
          j["discount"] == "5" and j["source"] == "customer_list" and j["price_list"] == "HURT"
          and j["currency"] == "PLN", "resolve --json: 11,00 - 5 % = 10,45", j)

    r = k("price", "customer", "K001", "P-001", "--price", "9,99", "--to", "2026-11-30")
    check(r.rc == 0 and "9.99 PLN net" in r.out, "price customer in the customer's currency", r)
    r = k("price", "resolve", "--customer", "K001", "--product", "P-001", "--date", "2026-11-28")
    check(r.rc == 0 and r.out.startswith("9.99 PLN") and "from: customer price" in r.out,
          "a customer price beats the list", r)
    r = k("price", "resolve", "--customer", "K001", "--product", "P-001", "--date", "2026-12-01")
    check(r.rc == 0 and "from: price list HURT" in r.out,
          "an expired customer price: the list again", r)

    expect_error(k("price", "resolve", "--customer", "K002", "--product", "P-001", "--date",
                   "2026-03-01"), 1, "no price for P-001 in EUR for customer K002 on 2026-03-01",
                 "the customer's currency when --currency is not given; no default EUR list yet")
    r = k("price", "list", "default", "EXPORT")
    check(r.rc == 0 and r.out == "price list EXPORT is now the default for EUR\n",
          "price list default", r)
    j = k("--json", "price", "resolve", "--customer", "K002", "--product", "P-001",
          "--date", "2026-08-01").json()
    check(j is not None and j["price"] == "3.25" and j["source"] == "default_list",
          "resolve: the EUR default list, the item valid on the date", j)
    j = k("--json", "price", "resolve", "--customer", "K002", "--product", "P-001",
          "--date", "2026-03-01").json()
    check(j is not None and j["price"] == "3.00" and j["currency"] == "EUR",
          "resolve: before 2026-07-01 the earlier EUR item", j)

    expect_error(k("price", "resolve", "--customer", "K001", "--product", "P-002", "--currency",
                   "EUR", "--date", "2026-11-28"), 1,
                 "no price for P-002 in EUR for customer K001 on 2026-11-28",
                 "no price: exit 1 and the sentence")
    expect_error(k("price", "resolve", "--product", "P-001"), 2, "--currency",
                 "resolve without a customer needs --currency")
    expect_error(k("price", "resolve", "--customer", "K404", "--product", "P-001"), 1,
                 "no customer K404", "an unknown customer: exit 1")
    expect_error(k("price", "terms", "K001", "--discount", "120"), 2, "between 0 and 100",
                 "a discount over 100 %: exit 2")
    r = k("price", "terms", "K001", "--list", "none")
    check(r.rc == 0 and "price list none" in r.out and "discount 5%" in r.out,
          "price terms --list none keeps the discount", r)
    rows = sql(url, "SELECT COUNT(*) FROM events WHERE type = 'price.changed'")
    check(int(rows[0][0]) == 5, "one price.changed event per list item set", rows)


def main():
    run_main("kontor-price-", main_tests)


if __name__ == "__main__":
    main()
