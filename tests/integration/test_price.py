#!/usr/bin/env python3
"""CLI tests for prices: run the real build/kontor.

    test_price.py KONTOR MKDB

On the backend named by KT_TEST_BACKEND (a fresh database from MKDB):
price list add/show/default, price set with tiers and dates, customer
prices, terms, and price resolve with where the price came from, the
"no price" answer and --json. Products and customers are inserted with SQL
(their commands belong to the catalog and parties modules). Prints TAP.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

KONTOR = os.path.abspath(sys.argv[1])
MKDB = os.path.abspath(sys.argv[2])

results = []


def check(cond, desc, detail=""):
    results.append(bool(cond))
    print(f"{'ok' if cond else 'not ok'} {len(results)} - {desc}", flush=True)
    if not cond and detail:
        for line in str(detail).splitlines():
            print(f"#   {line}")


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("KONTOR_")}
    env["USER"] = "tester"
    return env


class Run:
    def __init__(self, args, cwd):
        p = subprocess.run([KONTOR] + list(args), cwd=cwd, env=clean_env(),
                           capture_output=True, timeout=60)
        self.rc = p.returncode
        self.out = p.stdout.decode("utf-8", "replace")
        self.err = p.stderr.decode("utf-8", "replace")

    def __str__(self):
        return f"exit {self.rc}\nstdout: {self.out}\nstderr: {self.err}"

    def json(self):
        try:
            return json.loads(self.out)
        except ValueError:
            return None


def expect_error(r, code, text, desc):
    lines = [l for l in r.err.splitlines() if l.strip()]
    ok = r.rc == code and len(lines) == 1 and lines[0].startswith("kontor: ") and text in r.err
    check(ok, desc, r)


def new_db():
    out = subprocess.run([MKDB], capture_output=True, text=True, env=os.environ)
    if out.returncode != 0:
        raise SystemExit(f"Bail out! mkdb failed: {out.stderr.strip()}")
    return out.stdout.strip()


def drop_db(url):
    subprocess.run([MKDB, "--drop", url], capture_output=True)


def sql(url, statement):
    if url.startswith("sqlite:"):
        con = sqlite3.connect(url[len("sqlite:"):])
        try:
            rows = con.execute(statement).fetchall()
            con.commit()
            return rows
        finally:
            con.close()
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url,
                        "-c", statement], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return [tuple(l.split("|")) for l in p.stdout.splitlines() if l]


def add_product(url, code):
    sql(url, "INSERT INTO products (code, code_fold, unit, vat_rate, name_fold, search_text, "
             f"created_at, updated_at) VALUES ('{code}', lower('{code}'), 'pcs', '23', "
             f"lower('{code}'), ' ', 0, 0)")


def add_customer(url, code, currency):
    sql(url, "INSERT INTO customers (code, name, tax_id_kind, country, lang, currency, "
             "document_type, payment_days, payment_method, created_at, updated_at) "
             f"VALUES ('{code}', 'Customer {code}', 'none', 'PL', 'pl', '{currency}', "
             "'domestic', 14, 'transfer', 0, 0)")


def main_tests(tmp, url):
    base = ["--db", url, "--data", os.path.join(tmp, "data")]

    def k(*args):
        return Run(base + list(args), tmp)

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
    tmp = tempfile.mkdtemp(prefix="kontor-price-")
    url = new_db()
    try:
        main_tests(tmp, url)
    finally:
        drop_db(url)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{len(results)}")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
