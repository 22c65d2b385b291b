#!/usr/bin/env python3
"""CLI tests for warehouses and stock: run the real build/kontor.

    test_stock.py KONTOR MKDB

On the backend named by KT_TEST_BACKEND (a fresh database from MKDB):
warehouse add/list, stock set/adjust/move/reserve/release/issue/show/ledger,
show --at a past moment, allow-negative, the refusals with their exit codes
and sentences, and --json. Products are inserted with SQL (the product
commands belong to the catalog module). Prints TAP.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ktest import Run, add_product, check, expect_error, run_main, setup, sql  # noqa: E402

setup(sys.argv[1], sys.argv[2])


def main_tests(tmp, url):
    base = ["--db", url, "--data", os.path.join(tmp, "data")]

    def k(*args):
        return Run(base + list(args), tmp, env={"USER": "tester"})

    r = k("init")
    check(r.rc == 0 and "applied migration 0005 stock" in r.out and
          "applied migration 0006 pricing" in r.out, "init applies the stock and pricing migrations", r)
    add_product(url, "P-001")
    add_product(url, "P-002")

    r = k("warehouse", "add", "MAG1", "--name", "Magazyn główny", "--city", "Kraków",
          "--postal-code", "30-001", "--street", "ul. Długa 1")
    check(r.rc == 0 and r.out == "created warehouse MAG1 (Magazyn główny)\n", "warehouse add", r)
    r = k("warehouse", "add", "MAG2", "--name", "Drugi", "--country", "DE")
    check(r.rc == 0, "warehouse add with a country", r)
    r = k("warehouse", "add", "OLD", "--name", "Zamknięty", "--inactive")
    check(r.rc == 0, "warehouse add --inactive", r)
    expect_error(k("warehouse", "add", "MAG1", "--name", "x"), 1, "MAG1 exists already",
                 "a taken warehouse code: exit 1")
    expect_error(k("warehouse", "add", "MAG 3", "--name", "x"), 2, "may only hold",
                 "a bad warehouse code: exit 2")
    expect_error(k("warehouse", "add", "MAG3"), 2, "--name", "warehouse add without --name: exit 2")
    r = k("warehouse", "list")
    lines = r.out.splitlines()
    check(r.rc == 0 and len(lines) == 3 and lines[1].startswith("MAG1 ") and
          "Kraków" in lines[1] and lines[2].startswith("MAG2 ") and "OLD" not in r.out,
          "warehouse list shows the active ones by code", r)
    j = k("--json", "warehouse", "list", "--all").json()
    check(j is not None and [w["code"] for w in j] == ["MAG1", "MAG2", "OLD"] and
          j[0]["postal_code"] == "30-001" and j[1]["country"] == "DE" and j[2]["active"] is False,
          "warehouse list --all --json", j)

    r = k("stock", "set", "P-001", "MAG1", "10", "--doc", "INW/1/2026")
    check(r.rc == 0 and r.out == "P-001 in MAG1: on hand 10 (+10), reserved 0, available 10\n",
          "stock set", r)
    r = k("stock", "move", "P-001", "MAG1", "MAG2", "2,5", "--doc", "MM/1")
    check(r.rc == 0 and "P-001 in MAG1: on hand 7.5 (-2.5)" in r.out and
          "P-001 in MAG2: on hand 2.5 (+2.5)" in r.out, "stock move with a decimal comma", r)
    j = k("--json", "stock", "reserve", "P-001", "MAG1", "3", "--doc", "ZK/1").json()
    check(j is not None and j["reserved"] == "3" and j["available"] == "4.5" and
          j["on_hand"] == "7.5" and j["delta"] == "0", "stock reserve --json", j)
    expect_error(k("stock", "adjust", "P-001", "MAG1", "-5", "--reason", "issue"), 1,
                 "not enough stock of P-001 in MAG1: available 4.5, asked 5",
                 "not enough stock: exit 1 and the sentence")
    expect_error(k("stock", "move", "P-001", "MAG2", "MAG1", "3"), 1,
                 "not enough stock of P-001 in MAG2 to move to MAG1: available 2.5, asked 3",
                 "a move of more than is available: exit 1")
    expect_error(k("stock", "reserve", "P-001", "MAG1", "5"), 1, "available 4.5, asked 5",
                 "reserving more than is available: exit 1")
    r = k("stock", "issue", "P-001", "MAG1", "2", "--doc", "WZ/1")
    check(r.rc == 0 and "on hand 5.5 (-2), reserved 1, available 4.5" in r.out,
          "stock issue consumes a reservation", r)
    r = k("stock", "release", "P-001", "MAG1", "1")
    check(r.rc == 0 and "reserved 0, available 5.5" in r.out, "stock release", r)
    r = k("stock", "adjust", "P-001", "MAG2", "4", "--reason", "receipt", "--doc", "PZ/1")
    check(r.rc == 0 and "on hand 6.5 (+4)" in r.out, "stock adjust --reason receipt", r)
    expect_error(k("stock", "adjust", "P-001", "MAG2", "1", "--reason", "gift"), 2,
                 "not a stock change reason", "an unknown reason: exit 2")
    expect_error(k("stock", "set", "P-001", "MAG1", "1,2345"), 2, "quantity",
                 "more than three decimals: exit 2")
    expect_error(k("stock", "set", "P-404", "MAG1", "1"), 1, "no product P-404",
                 "an unknown product: exit 1")
    expect_error(k("stock", "set", "P-001", "MAG9", "1"), 1, "no warehouse MAG9",
                 "an unknown warehouse: exit 1")
    expect_error(k("stock", "sett"), 2, "did you mean 'stock set'", "a mistyped subcommand")

    r = k("stock", "show", "P-001")
    lines = r.out.splitlines()
    check(r.rc == 0 and len(lines) == 4 and lines[1].split() == ["MAG1", "5.5", "0", "5.5"] and
          lines[2].split() == ["MAG2", "6.5", "0", "6.5"] and
          lines[3].split() == ["total", "12", "0", "12"], "stock show: per warehouse and total", r)
    j = k("--json", "stock", "show", "P-001").json()
    check(j is not None and j["total"] == {"on_hand": "12", "reserved": "0", "available": "12"}
          and [w["warehouse"] for w in j["warehouses"]] == ["MAG1", "MAG2"],
          "stock show --json", j)

    j = k("--json", "stock", "ledger", "P-001").json()
    check(j is not None and [e["reason"] for e in j] ==
          ["set", "move", "move", "reserve", "issue", "release", "receipt"] and
          j[0]["doc_ref"] == "INW/1/2026" and j[0]["user"] == "tester" and
          j[4]["delta"] == "-2" and j[4]["reserved_delta"] == "-2" and
          j[6]["on_hand"] == "6.5" and j[6]["warehouse"] == "MAG2",
          "stock ledger --json: every change with its document and user", j)
    sums = {}
    for e in j or []:
        sums[e["warehouse"]] = sums.get(e["warehouse"], 0) + float(e["delta"])
    check(sums == {"MAG1": 5.5, "MAG2": 6.5}, "the ledger adds up to the stock", sums)
    r = k("stock", "ledger", "P-001", "--warehouse", "MAG2", "--limit", "1")
    lines = r.out.splitlines()
    check(r.rc == 0 and len(lines) == 2 and " receipt " in lines[1] and "PZ/1" in lines[1],
          "stock ledger --warehouse --limit: the newest row", r)

    # a moment in the past: put the first rows an hour back, then ask for that moment
    hour_ago_ms = int(time.time() * 1000) - 3600 * 1000
    sql(url, f"UPDATE stock_ledger SET at = {hour_ago_ms} WHERE reason IN ('set', 'move')")
    when = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(hour_ago_ms / 1000 + 1))
    r = k("stock", "show", "P-001", "--at", when)
    lines = r.out.splitlines()
    check(r.rc == 0 and len(lines) == 5 and lines[2].split() == ["MAG1", "7.5", "0", "7.5"] and
          lines[3].split() == ["MAG2", "2.5", "0", "2.5"] and lines[4].split()[1] == "10",
          "stock show --at rebuilds a past moment from the ledger", r)
    expect_error(k("stock", "show", "P-001", "--at", "yesterday"), 2, "--at",
                 "a bad --at: exit 2")

    r = k("stock", "allow-negative")
    check(r.rc == 0 and r.out == "negative stock is not allowed\n", "allow-negative shows the setting", r)
    r = k("stock", "allow-negative", "on")
    check(r.rc == 0 and r.out == "negative stock is allowed\n", "allow-negative on", r)
    r = k("stock", "adjust", "P-002", "MAG1", "-2")
    check(r.rc == 0 and "on hand -2 (-2)" in r.out, "with negative stock allowed stock goes below 0", r)
    k("stock", "allow-negative", "off")
    expect_error(k("stock", "adjust", "P-002", "MAG1", "-1"), 1, "not enough stock",
                 "and with it off again it does not")

    rows = sql(url, "SELECT COUNT(*) FROM events WHERE type = 'stock.changed'")
    check(int(rows[0][0]) == 7, "one stock.changed event per successful change", rows)


def main():
    run_main("kontor-stock-", main_tests)


if __name__ == "__main__":
    main()
