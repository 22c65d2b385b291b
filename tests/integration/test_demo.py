#!/usr/bin/env python3
"""CLI tests for `kontor demo`: run the real build/kontor.

    test_demo.py KONTOR MKDB

On the backend named by KT_TEST_BACKEND (a fresh database from MKDB): the
default demo company (counts of products, groups, warehouses, price lists,
prices, stock, customers by country, images and logo in the blob store),
a second run that creates nothing, scaling up with --products/--customers,
--json and the usage errors. Prints TAP.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ktest import Run, check, one, run_main, setup, sql  # noqa: E402

setup(sys.argv[1], sys.argv[2])


def tests(tmp, url):
    data = os.path.join(tmp, "data")

    def k(*args):
        return Run(["--db", url, "--data", data] + list(args), tmp, timeout=600)

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
    run_main("kontor-demo-", tests)


if __name__ == "__main__":
    main()
