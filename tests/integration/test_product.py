#!/usr/bin/env python3
"""CLI tests for products and product groups: run the real build/kontor.

    test_product.py KONTOR MKDB

On the backend named by KT_TEST_BACKEND (a fresh database from MKDB):
group add/list/move (and the cycle refusal), product add/update/show/list/
search/suggest/activate/deactivate, product image add/remove with a real PNG
and an executable renamed .jpg, the refusals with their exit codes and
sentences, and --json. Prints TAP.
"""
import os
import shutil
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ktest import Run, check, expect_error, run_main, setup  # noqa: E402

setup(sys.argv[1], sys.argv[2])


def png(path, w, h):
    """A real RGB PNG of w x h grey pixels."""
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * w for _ in range(h))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def groups(k):
    r = k("group", "add", "NARZ", "--name", "Narzędzia", "--name-en", "Tools")
    check(r.rc == 0 and r.out == "created group NARZ (id 1)\n", "group add", r)
    r = k("group", "add", "MLOT", "--name", "Młotki", "--parent", "NARZ")
    check(r.rc == 0, "group add --parent", r)
    r = k("group", "add", "OGR", "--name", "Ogród")
    check(r.rc == 0, "a second top-level group", r)
    r = k("group", "list")
    check(r.rc == 0 and r.out == "NARZ  Narzędzia\n  MLOT  Młotki\nOGR  Ogród\n",
          "group list prints the tree", r)
    expect_error(k("group", "move", "NARZ", "--parent", "MLOT"), 2, "would make a cycle",
                 "moving a group below its own subgroup: exit 2")
    expect_error(k("group", "add", "NARZ", "--name", "x"), 1, "already exists",
                 "a taken group code: exit 1")
    j = k("--json", "group", "list").json()
    check(j is not None and [g["code"] for g in j] == ["NARZ", "MLOT", "OGR"] and
          j[1]["parent"] == "NARZ" and j[0]["name_en"] == "Tools", "group list --json", j)


def products(k, tmp):
    r = k("product", "add", "MLT-1", "--name", "Młotek stolarski żółty", "--name-en",
          "Yellow hammer", "--ean", "5901234123457", "--unit", "szt.", "--vat", "23",
          "--group", "MLOT", "--weight", "800", "--cn", "8205 20")
    check(r.rc == 0 and r.out == "created product MLT-1 (id 1)\n", "product add", r)
    r = k("product", "add", "ZW-1", "--name", "Żółw ogrodowy", "--name-de", "Gartenschildkröte",
          "--vat", "ZW", "--group", "OGR")
    check(r.rc == 0, "product add with a German name and VAT zw", r)
    r = k("product", "add", "STR-1", "--name", "Tablica", "--name-de", "Straßenschild")
    check(r.rc == 0, "a product with ß in its German name", r)

    expect_error(k("product", "add", "BAD-1", "--name", "x", "--ean", "5901234123458"), 2,
                 "ean:", "a bad EAN check digit: exit 2 naming the field")
    expect_error(k("product", "add", "BAD-1", "--name", "x", "--vat", "7"), 2, "vat:",
                 "an unknown VAT rate: exit 2 naming the field")
    expect_error(k("product", "add", "BAD-1", "--name", "x", "--unit", "furlong"), 2, "unit:",
                 "an unknown unit: exit 2 naming the field")
    expect_error(k("product", "add", "MLT-1", "--name", "x"), 1, "already exists",
                 "a taken code: exit 1")
    expect_error(k("product", "add", "X-2", "--name", "x", "--ean", "5901234123457"), 1,
                 "ean: EAN 5901234123457 is already used", "a taken EAN: exit 1")
    expect_error(k("product", "add", "X-3", "--name", "x", "--group", "NOPE"), 1,
                 "no product group with code", "an unknown group: exit 1")
    expect_error(k("product", "add", "X-4"), 2, "usage:", "product add without --name: exit 2")

    j = k("--json", "product", "show", "MLT-1").json()
    check(j is not None and j["unit"] == "pcs" and j["vat"] == "23" and j["weight_g"] == 800 and
          j["group"] == "MLOT" and j["cn_code"] == "820520" and j["version"] == 1 and
          j["texts"]["en"]["name"] == "Yellow hammer" and "de" not in j["texts"] and
          j["images"] == [], "product show --json: canonical unit, CN digits, texts", j)

    r = k("product", "update", "MLT-1", "--weight", "900", "--version", "1")
    check(r.rc == 0 and r.out == "updated product MLT-1 (version 2)\n", "product update", r)
    expect_error(k("product", "update", "MLT-1", "--weight", "1000", "--version", "1"), 1,
                 "product MLT-1 was changed by someone else (version 2, you had 1)",
                 "an update from a stale version: exit 1 with both versions")

    for q, want in [("zolw", "ZW-1"), ("ŻÓŁW", "ZW-1"), ("strasse", "STR-1"),
                    ("mlotek zol", "MLT-1"), ("590123", "MLT-1"), ("gartensch", "ZW-1")]:
        j = k("--json", "product", "search", q).json()
        check(j is not None and [h["code"] for h in j] == [want], f"search {q!r} finds {want}", j)
    r = k("product", "search", "mlt-1")
    check(r.rc == 0 and r.out.startswith("MLT-1") and "[code]" in r.out,
          "search by exact code (any case)", r)
    j = k("--json", "product", "suggest", "mlo", "--lang", "en").json()
    check(j is not None and len(j) == 1 and j[0]["name"] == "Yellow hammer" and
          j[0]["match"] == "name", "suggest shows the name in the language asked", j)
    r = k("product", "search", "nothing-like-this")
    check(r.rc == 0 and r.out == "no products found\n", "a search with no hits", r)

    j = k("--json", "product", "list", "--group", "NARZ", "--subgroups").json()
    check(j is not None and j["total"] == 1 and j["products"][0]["code"] == "MLT-1",
          "product list of a group with its subgroups", j)
    r = k("product", "deactivate", "STR-1")
    check(r.rc == 0 and r.out == "product STR-1 is withdrawn\n", "product deactivate", r)
    j = k("--json", "product", "list", "--active").json()
    check(j is not None and [p["code"] for p in j["products"]] == ["MLT-1", "ZW-1"],
          "list --active leaves the withdrawn out", j)
    j = k("--json", "product", "search", "strasse").json()
    check(j == [], "a withdrawn product is not found", j)
    j = k("--json", "product", "search", "strasse", "--all").json()
    check(j is not None and len(j) == 1 and j[0]["active"] is False, "... unless --all", j)

    picture = os.path.join(tmp, "hammer.png")
    png(picture, 640, 480)
    j = k("--json", "product", "image", "add", "MLT-1", picture).json()
    check(j is not None and j["mime"] == "image/png" and j["width"] == 640 and
          j["position"] == 0 and len(j["hash"]) == 64, "image add stores a PNG", j)
    blob = os.path.join(tmp, "data", "blobs", j["hash"][:2], j["hash"][2:]) if j else ""
    check(os.path.exists(blob), "the image is in the blob store", blob)
    fake = os.path.join(tmp, "photo.jpg")
    shutil.copy("/bin/ls", fake)
    expect_error(k("product", "image", "add", "MLT-1", fake), 2,
                 "ELF executable, not a JPEG, PNG or WebP image",
                 "an executable renamed .jpg is refused: exit 2")
    j2 = k("--json", "product", "show", "MLT-1").json()
    check(j2 is not None and len(j2["images"]) == 1, "only the real image is attached", j2)
    if j:
        r = k("product", "image", "remove", "MLT-1", j["hash"])
        check(r.rc == 0, "image remove", r)


def main_tests(tmp, url):
    base = ["--db", url, "--data", os.path.join(tmp, "data")]

    def k(*args):
        return Run(base + list(args), tmp)

    r = k("init")
    check(r.rc == 0 and "applied migration 0003 catalog" in r.out,
          "init applies the catalog migration", r)
    groups(k)
    products(k, tmp)


def main():
    run_main("kontor-product-", main_tests)


if __name__ == "__main__":
    main()
