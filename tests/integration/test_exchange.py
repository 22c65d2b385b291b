#!/usr/bin/env python3
"""CLI tests for CSV import and export: run the real build/kontor.

    test_exchange.py KONTOR MKDB DATA

On the backend named by KT_TEST_BACKEND (fresh databases from MKDB), with
the golden files in DATA (tests/data/csv): every error kind reported with
its line, all-or-nothing against --skip-bad-rows, --dry-run writes nothing,
a Windows-1250 file with ';', a broken quote, a bad header, --json, and the
round trip export -> import into an empty database -> export, byte for
byte. The reference data (warehouses, price lists, groups) comes from
`kontor demo`. Prints TAP.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ktest import Run, check, count, run_main, setup, sql  # noqa: E402

setup(sys.argv[1], sys.argv[2])
DATA = os.path.abspath(sys.argv[3])


def tests(tmp, url, url2):
    def k(*args, db=url, stdin=None):
        return Run(["--db", db, "--data", os.path.join(tmp, "data")] + list(args), tmp,
                   stdin=stdin, timeout=300)

    check(k("init").rc == 0, "init")
    r = k("demo", "--products", "30", "--customers", "5", "--images", "0")
    check(r.rc == 0, "demo gives the reference data", r)
    products = count(url, "products")

    # every error kind, each with its line; all or nothing
    f = os.path.join(DATA, "products_errors.csv")
    r = k("import", "products", f)
    want = ["line 2: created E-1",
            "line 3: rejected E-2: ean 5901234123458: check digit is 8, expected 7",
            "line 4: rejected E-3: price:RETAIL -1.00: a price must not be negative",
            "line 5: rejected E-1: code E-1 appears twice in the file (first on line 2)",
            "line 6: rejected E-4: price:RETAIL '12.3.4' is not a number; write it like 12.50",
            "line 7: rejected E-5: unit",
            "line 8: rejected E-6: 3 fields, the header has 7",
            "line 9: created E-7"]
    check(r.rc == 1 and all(w in r.out for w in want), "each error kind is reported with its line", r)
    check("8 rows: 2 created, 0 updated, 0 unchanged, 6 rejected; nothing was written" in r.out,
          "the summary says nothing was written", r)
    check(count(url, "products") == products, "all or nothing: no product was written")

    r = k("import", "products", f, "--dry-run", "--skip-bad-rows")
    check(r.rc == 1 and "dry run: nothing was written" in r.out, "dry run reports", r)
    check(count(url, "products") == products, "dry run: no product was written")

    r = k("import", "products", f, "--skip-bad-rows", "--quiet")
    check(r.rc == 1 and "created" not in r.out.split("\n")[0] and
          "2 created" in r.out and "the good rows were written" in r.out,
          "--skip-bad-rows writes the good rows; --quiet lists the rejected only", r)
    check(count(url, "products") == products + 2, "the two good rows are in the database")
    r = k("import", "products", f, "--skip-bad-rows", "--quiet")
    check("2 unchanged" in r.out, "importing again: the good rows are unchanged", r)

    r = k("import", "customers", os.path.join(DATA, "customers_errors.csv"))
    check(r.rc == 1 and "line 3: rejected T-2: tax_id: NIP 5261040827: check digit is 7, expected 8"
          in r.out and "line 4: rejected T-3: country is required for a new customer" in r.out,
          "customers: bad NIP and missing country with their lines", r)
    r = k("import", "pricelists", os.path.join(DATA, "pricelists_errors.csv"))
    check(r.rc == 1 and "line 3: rejected RETAIL/NO-SUCH: product NO-SUCH: no such product" in r.out
          and "line 4: rejected NO-LIST/DEMO-000001: price list NO-LIST: no such price list" in r.out
          and "line 5: rejected RETAIL/DEMO-000002: price -3: a price must not be negative" in r.out,
          "price lists: unknown product, unknown list, negative price", r)
    r = k("import", "stock", os.path.join(DATA, "stock_errors.csv"))
    check(r.rc == 1 and "line 3: rejected DEMO-000001/NOWHERE: warehouse NOWHERE: no such warehouse"
          in r.out and "line 4: rejected DEMO-000404/MAIN: product DEMO-000404: no such product"
          in r.out and "line 5: rejected DEMO-000002: 4 fields, the header has 3" in r.out,
          "stock: unknown warehouse and product, wrong field count", r)

    r = k("import", "products", os.path.join(DATA, "products_broken_quote.csv"))
    check(r.rc == 1 and "line 17: a quoted field is not closed" in r.err, "broken quote: its line", r)
    r = k("import", "products", os.path.join(DATA, "products_broken_quote.csv"), "--skip-bad-rows")
    check(r.rc == 1 and "line 17: a quoted field is not closed" in r.err and "15 created" in r.out,
          "broken quote with --skip-bad-rows: the rows before it are written", r)
    products += 15
    r = k("import", "products", os.path.join(DATA, "wrong_column.csv"))
    check(r.rc == 1 and "line 1: unknown column 'colour'" in r.err, "an unknown column rejects the file", r)
    check(count(url, "products") == products + 2, "nothing more written by the broken files")

    r = k("import", "products", os.path.join(DATA, "products_cp1250.csv"), "--encoding", "auto")
    products += 2
    check(r.rc == 0 and "2 created" in r.out, "a Windows-1250 file with ';' is imported", r)
    names = sorted(row[0] for row in sql(url, "SELECT name FROM product_texts t JOIN products p "
                                              "ON p.id = t.product_id WHERE p.code LIKE 'W-%'"))
    check("Żółć gęślą jaźń" in names and "Größe" in names and "Straße" in names and "Łódź" in names,
          "Polish and German diacritics arrive intact", names)
    r = k("import", "products", os.path.join(DATA, "products_cp1250.csv"))
    check(r.rc == 1 and "not valid UTF-8" in r.err, "the same file read as UTF-8 is refused", r)

    j = k("--json", "import", "stock", os.path.join(DATA, "stock_errors.csv"), "--dry-run").json()
    check(j is not None and j["summary"]["rejected"] == 3 and j["written"] is False and
          j["rows"][1] == {"line": 3, "outcome": "rejected", "key": "DEMO-000001/NOWHERE",
                           "reason": "warehouse NOWHERE: no such warehouse"},
          "--json report", j)

    r = k("import", "gadgets", f)
    check(r.rc == 2 and "use products, customers, pricelists or stock" in r.err, "unknown kind: exit 2", r)
    r = k("import", "products", os.path.join(tmp, "missing.csv"))
    check(r.rc == 2 and "missing.csv" in r.err, "missing file: exit 2", r)

    # round trip: export -> import into an empty database -> export
    kinds = ["products", "customers", "pricelists", "stock"]
    first = {}
    for kind in kinds:
        r = k("export", kind)
        check(r.rc == 0 and r.raw.count(b"\r\n") > 1, f"export {kind}", r)
        first[kind] = r.raw
    check(first["products"].startswith(b"code,ean,name_pl,name_en,name_de,unit,vat,group,weight_g,"
                                       b"active,price:EUR,price:RETAIL,price:USD,price:WHOLESALE,"
                                       b"stock:GDA,stock:MAIN,stock:WRO\r\n"),
          "the products header has a column per price list and warehouse", first["products"][:200])
    check(k("init", db=url2).rc == 0, "second database")
    r = k("demo", "--products", "1", "--customers", "1", "--images", "0", db=url2)
    check(r.rc == 0, "second database: the same reference data", r)
    for kind in kinds:
        path = os.path.join(tmp, kind + ".csv")
        with open(path, "wb") as o:
            o.write(first[kind])
        r = k("import", kind, path, "--quiet", db=url2)
        check(r.rc == 0 and "0 rejected" in r.out, f"import {kind} into the second database", r)
    for kind in kinds:
        r = k("export", kind, os.path.join(tmp, kind + "-2.csv"), db=url2)
        with open(os.path.join(tmp, kind + "-2.csv"), "rb") as i:
            second = i.read()
        check(r.rc == 0 and second == first[kind], f"round trip of {kind} is byte-identical",
              f"{r}\nfirst: {first[kind][:300]}\nsecond: {second[:300]}")

    # the module commands' import/export are the same commands
    for module, kind in [("product", "products"), ("customer", "customers"),
                         ("price", "pricelists"), ("stock", "stock")]:
        r = k(module, "export", db=url2)
        check(r.rc == 0 and r.raw == first[kind], f"kontor {module} export = kontor export {kind}", r)
    r = k("product", "import", os.path.join(tmp, "products.csv"), "--dry-run", db=url2)
    check(r.rc == 0 and "dry run: nothing was written" in r.out and "0 rejected" in r.out,
          "kontor product import --dry-run = kontor import products --dry-run", r)
    r = k("product", "imprt", db=url2)
    check(r.rc == 2 and "did you mean 'product import'" in r.err, "a misspelt alias is suggested", r)

    r = k("import", "products", "-", stdin=first["products"], db=url2)
    check(r.rc == 0 and "0 created" in r.out and "0 updated" in r.out,
          "import from standard input: everything unchanged", r)


def main():
    run_main("kontor-exchange-", tests, databases=2)


if __name__ == "__main__":
    main()
