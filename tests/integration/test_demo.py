#!/usr/bin/env python3
"""CLI tests for `kontor demo`: run the real build/kontor.

    test_demo.py KONTOR MKDB

On the backend named by KT_TEST_BACKEND (a fresh database from MKDB): the
default demo company (counts of products, groups, warehouses, price lists,
prices, stock, customers by country, images and logo in the blob store),
a second run that creates nothing, scaling up with --products/--customers,
--json and the usage errors. Prints TAP.
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
    return {k: v for k, v in os.environ.items() if not k.startswith("KONTOR_")}


class Run:
    def __init__(self, args, cwd):
        p = subprocess.run([KONTOR] + list(args), cwd=cwd, env=clean_env(),
                           capture_output=True, timeout=600)
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
            return con.execute(statement).fetchall()
        finally:
            con.close()
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url,
                        "-c", statement], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return [tuple(l.split("|")) for l in p.stdout.splitlines() if l]


def one(url, statement):
    return int(sql(url, statement)[0][0])


def tests(tmp, url):
    data = os.path.join(tmp, "data")

    def k(*args):
        return Run(["--db", url, "--data", data] + list(args), tmp)

    check(k("init").rc == 0, "init")
    r = k("demo", "--images", "12")
    check(r.rc == 0 and "demo company: set up now" in r.out and
          "6 groups, 3 warehouses, 4 price lists, 200 products, 12 images" in r.out and
          "20 customers" in r.out, "demo creates the demo company", r)
    check(one(url, "SELECT COUNT(*) FROM products") == 200, "200 products")
    check(one(url, "SELECT COUNT(*) FROM product_groups") == 6, "6 groups")
    check(one(url, "SELECT COUNT(*) FROM warehouses") == 3, "3 warehouses")
    check(one(url, "SELECT COUNT(*) FROM price_lists") == 4, "4 price lists")
    check(sorted(r[0] for r in sql(url, "SELECT currency FROM price_lists")) ==
          ["EUR", "PLN", "PLN", "USD"], "price lists in PLN (two), EUR and USD")
    check(one(url, "SELECT COUNT(*) FROM price_list_items") == 800, "a price per product and list")
    check(one(url, "SELECT COUNT(*) FROM stock") == 600, "stock per product and warehouse")
    check(one(url, "SELECT COUNT(*) FROM customers") == 20, "20 customers")
    countries = {row[0]: int(row[1]) for row in
                 sql(url, "SELECT country, COUNT(*) FROM customers GROUP BY country")}
    check(countries == {"PL": 8, "DE": 4, "CZ": 2, "FR": 2, "GB": 2, "US": 2},
          "customers from PL, DE, CZ, FR, GB and US", countries)
    check(one(url, "SELECT COUNT(*) FROM customer_prices") > 0, "individual prices")
    check(one(url, "SELECT COUNT(*) FROM customer_contacts") == 20, "a contact per customer")
    check(one(url, "SELECT COUNT(*) FROM product_images") == 12, "12 product images")
    check(one(url, "SELECT COUNT(*) FROM company WHERE logo_blob IS NOT NULL") == 1,
          "the company has a logo")
    blobs = sum(len(files) for _, _, files in os.walk(os.path.join(data, "blobs")))
    check(blobs >= 13, "logo and images are in the blob store", blobs)

    r = k("validate", "nip", sql(url, "SELECT nip FROM company")[0][0])
    check(r.rc == 0, "the company NIP is valid", r)
    for (tax_id,) in sql(url, "SELECT tax_id FROM customers WHERE country IN ('DE', 'CZ', 'FR')"):
        r = k("validate", "vat", tax_id)
        check(r.rc == 0, f"VAT id {tax_id} is valid", r)

    j = k("--json", "demo").json()
    check(j is not None and j["products"] == 0 and j["customers"] == 0 and j["company"] is False
          and j["products_total"] == 200, "a second run creates nothing", j)
    check(one(url, "SELECT COUNT(*) FROM products") == 200, "still 200 products")

    r = k("demo", "--products", "5000", "--customers", "25", "--images", "0")
    check(r.rc == 0 and "4800 products" in r.out and "5 customers" in r.out and
          "products/s" in r.out, "scaling up adds what is missing and prints the rate", r)
    check(one(url, "SELECT COUNT(*) FROM products") == 5000, "5000 products")
    check(one(url, "SELECT COUNT(*) FROM customers") == 25, "25 customers")

    r = k("demo", "--products", "0")
    check(r.rc == 2 and "--products must be a whole number from 1 to 9999999" in r.err,
          "--products 0: exit 2", r)
    r = k("demo", "--colour", "red")
    check(r.rc == 2 and "has no option" in r.err, "unknown option: exit 2", r)


def main():
    tmp = tempfile.mkdtemp(prefix="kontor-demo-")
    url = new_db()
    try:
        tests(tmp, url)
    finally:
        drop_db(url)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{len(results)}")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
