#!/usr/bin/env python3
"""CLI tests of `kontor customer` and `kontor company` on a real database.

    test_customer.py KONTOR MKDB

Runs the real binary against a fresh database of the backend named by
KT_TEST_BACKEND (from MKDB), checks what a user sees and what lands in the
database. Prints TAP and exits 1 if anything failed.
"""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ktest import Run, check, error_is, run_main, setup, sql  # noqa: E402

setup(sys.argv[1], sys.argv[2])


def run_tests(tmp, url):
    base = ["--db", url, "--data", os.path.join(tmp, "data")]

    def k(*args):
        return Run(base + list(args), tmp)

    r = k("init")
    check(r.rc == 0, "init creates the schema", r)

    # --- customers: defaults by country ---
    r = k("customer", "add", "K001", "--name", "Hurtownia Żółw", "--country", "PL",
          "--tax-id", "5261040827")
    error_is(r, 2, "customer K001: NIP 5261040827: check digit is 7, expected 8.",
             "an invalid NIP is rejected naming the customer and the field (exit 2)")
    check(sql(url, "SELECT count(*) FROM customers")[0][0] in (0, "0"),
          "nothing is stored for a rejected customer")

    r = k("--json", "customer", "add", "K001", "--name", "Hurtownia Żółw", "--country", "pl",
          "--tax-id", "PL 526-104-08-28", "--street", "ul. Długa 1", "--postal-code", "61-001",
          "--city", "Poznań", "--credit-limit", "10 000,50", "--email", "faktury@zolw.pl")
    j = r.json() or {}
    check(r.rc == 0 and j.get("tax_id") == "5261040828" and j.get("tax_id_kind") == "nip"
          and j.get("currency") == "PLN" and j.get("lang") == "pl"
          and j.get("document_type") == "domestic" and j.get("credit_limit") == "10000.50",
          "a Polish customer: NIP normalised, PLN, pl, domestic, credit limit as a decimal string",
          r)

    cases = [
        ("DE1", "DE", "DE136695976", "EUR", "de", "intra_eu"),
        ("DE2", "DE", None, "EUR", "de", "domestic"),
        ("CZ1", "CZ", "CZ25123891", "EUR", "en", "intra_eu"),
        ("FR1", "FR", None, "EUR", "en", "domestic"),
        ("GB1", "GB", "123456789", "USD", "en", "export"),
        ("NI1", "GB", "XI980780684", "USD", "en", "intra_eu"),
        ("US1", "US", "12-3456789", "USD", "en", "export"),
        ("CH1", "CH", "CHE-123.456.788", "USD", "de", "export"),
        ("NO1", "NO", None, "USD", "en", "export"),
    ]
    for code, country, tax, cur, lang, doc in cases:
        args = ["--json", "customer", "add", code, "--name", "Customer " + code,
                "--country", country]
        if tax:
            args += ["--tax-id", tax]
        r = k(*args)
        j = r.json() or {}
        check(r.rc == 0 and (j.get("currency"), j.get("lang"), j.get("document_type"))
              == (cur, lang, doc), f"{code}: {country} {tax or 'without tax id'} -> "
              f"{cur} {lang} {doc}", r)

    r = k("customer", "add", "X1", "--name", "Wrong", "--country", "FR", "--tax-id",
          "DE136695976")
    error_is(r, 2, "customer X1: VAT id DE136695976: the prefix DE does not match the country "
             "FR (expected FR).", "a VAT id of another country is rejected")
    r = k("customer", "add", "X2", "--name", "Wrong", "--country", "PL", "--postal-code",
          "61001")
    error_is(r, 2, "customer X2: postal code 61001: expected NN-NNN for PL, e.g. 12-345.",
             "a Polish postal code without the dash is rejected")
    r = k("customer", "add", "K001", "--name", "Again", "--country", "PL")
    error_is(r, 1, "customer K001: the code is already taken by another customer.",
             "a taken code is exit 1")
    r = k("customer", "add", "X3", "--country", "PL")
    check(r.rc == 2, "add without --name is a usage error", r)

    # --- overrides ---
    r = k("--json", "customer", "update", "DE1", "--doc-type", "domestic", "--currency", "PLN")
    j = r.json() or {}
    check(r.rc == 0 and j.get("document_type") == "domestic"
          and j.get("document_type_overridden") is True and j.get("currency") == "PLN"
          and j.get("currency_overridden") is True and j.get("version") == 2,
          "an override is stored and shown as such", r)
    r = k("customer", "show", "DE1")
    check(r.rc == 0 and "document type: domestic (overridden)" in r.out
          and "currency:      PLN (overridden)" in r.out, "show marks overridden values", r)
    r = k("--json", "customer", "update", "DE1", "--doc-type", "auto", "--currency", "auto")
    j = r.json() or {}
    check(r.rc == 0 and j.get("document_type") == "intra_eu" and j.get("currency") == "EUR"
          and j.get("document_type_overridden") is False, "'auto' returns to the default", r)

    # --- addresses, contacts, bank accounts ---
    r = k("customer", "address", "add", "K001", "--label", "Magazyn", "--street",
          "ul. Składowa 2", "--postal-code", "61-002", "--city", "Poznań")
    check(r.rc == 0 and "(default)" in r.out, "the first delivery address is the default", r)
    r = k("customer", "address", "add", "K001", "--label", "Berlin", "--street", "Hauptstr. 1",
          "--postal-code", "1011", "--city", "Berlin", "--country", "DE")
    error_is(r, 2, "customer K001: address \"Berlin\": postal code 1011: expected NNNNN for DE, "
             "e.g. 12345.", "a delivery address is checked against its own country")
    r = k("customer", "contact", "add", "K001", "--name", "Anna Nowak", "--email", "anna@",
          "--role", "zakupy")
    error_is(r, 2, "customer K001: contact \"Anna Nowak\": e-mail anna@: the domain is missing.",
             "a contact's e-mail is checked")
    r = k("customer", "contact", "add", "K001", "--name", "Anna Nowak", "--email",
          "anna@zolw.pl", "--phone", "+48 600 100 200", "--role", "zakupy")
    check(r.rc == 0, "a contact is added", r)
    r = k("customer", "bank", "add", "K001", "PL61 1090 1014 0000 0712 1981 2875")
    check(r.rc == 2 and "IBAN PL61109010140000071219812875: check digits" in r.err,
          "an invalid IBAN is rejected", r)
    r = k("customer", "bank", "add", "K001", "pl61 1090 1014 0000 0712 1981 2874",
          "--bank-name", "Santander")
    check(r.rc == 0 and "PL61109010140000071219812874" in r.out, "a bank account is added", r)
    r = k("--json", "customer", "show", "K001")
    j = r.json() or {}
    check(r.rc == 0 and len(j.get("addresses", [])) == 1 and len(j.get("contacts", [])) == 1
          and j["bank_accounts"][0]["iban"] == "PL61109010140000071219812874"
          and j["contacts"][0]["email"] == "anna@zolw.pl" and j.get("version") == 4,
          "show --json has the sub-records and the bumped version", r)
    r = k("customer", "find-iban", "PL61109010140000071219812874")
    check(r.rc == 0 and r.out.startswith("K001"), "find-iban names the customer", r)
    r = k("customer", "find-iban", "DE89370400440532013000")
    check(r.rc == 1, "an unknown IBAN is exit 1", r)
    addr_id = str(j["addresses"][0]["id"])
    r = k("customer", "address", "remove", "K001", addr_id)
    check(r.rc == 0, "an address is removed", r)
    r = k("customer", "address", "remove", "K001", addr_id)
    check(r.rc == 1 and "no delivery address" in r.err, "removing it again is exit 1", r)

    # --- list, search, deactivate ---
    r = k("--json", "customer", "list", "--country", "DE")
    j = r.json() or {}
    check(r.rc == 0 and [c["code"] for c in j.get("customers", [])] == ["DE1", "DE2"]
          and j.get("total") == 2, "list filters by country in code order", r)
    r = k("--json", "customer", "list", "526104")
    j = r.json() or {}
    check(r.rc == 0 and [c["code"] for c in j.get("customers", [])] == ["K001"],
          "list finds a customer by NIP prefix", r)
    r = k("--json", "customer", "list", "--search", "hurt")
    j = r.json() or {}
    check(r.rc == 0 and [c["code"] for c in j.get("customers", [])] == ["K001"],
          "list finds a customer by name prefix in any case", r)
    r = k("customer", "deactivate", "DE2")
    check(r.rc == 0, "deactivate", r)
    r = k("--json", "customer", "list", "--country", "DE")
    check(r.rc == 0 and [c["code"] for c in (r.json() or {}).get("customers", [])] == ["DE1"],
          "an inactive customer is hidden from lists", r)
    r = k("--json", "customer", "list", "--country", "DE", "--all")
    check(r.rc == 0 and len((r.json() or {}).get("customers", [])) == 2,
          "--all shows inactive customers", r)
    r = k("customer", "show", "NOPE")
    error_is(r, 1, "customer NOPE: no such customer.", "an unknown customer is exit 1")
    r = k("customer", "shw", "K001")
    check(r.rc == 2 and "did you mean 'show'" in r.err, "a mistyped subcommand gets a suggestion",
          r)

    events = sql(url, "SELECT count(*) FROM events WHERE type = 'customer.changed'")[0][0]
    # 10 created, 2 updates of DE1, address added and removed, contact, bank
    # account, deactivation; rejected requests emit nothing.
    check(int(events) == 10 + 2 + 2 + 1 + 1 + 1,
          "one customer.changed event per change", f"events: {events}")

    # --- company ---
    r = k("company", "show")
    check(r.rc == 1 and "not set up yet" in r.err, "company show before set-up is exit 1", r)
    r = k("company", "set", "--name", "Kontor sp. z o.o.", "--nip", "5261040827")
    error_is(r, 2, "company: NIP 5261040827: check digit is 7, expected 8.",
             "the company NIP is checked")
    r = k("company", "set", "--name", "Kontor sp. z o.o.")
    check(r.rc == 2 and "NIP: required" in r.err, "the company needs a NIP", r)
    r = k("company", "set", "--name", "Kontor sp. z o.o.", "--nip", "526-104-08-28", "--city",
          "Warszawa", "--postal-code", "00-950", "--warehouse", "MAG1", "--email-from",
          "biuro@kontor.example")
    check(r.rc == 0, "company set", r)
    r = k("company", "set", "--lang", "de")
    check(r.rc == 0, "company set changes one field and keeps the rest", r)
    r = k("company", "bank", "add", "PL61109010140000071219812874", "--currency", "PLN",
          "--swift", "BPKOPLPW")
    check(r.rc == 0 and "(default)" in r.out, "the first PLN account is the default", r)
    r = k("company", "bank", "add", "DE89370400440532013000", "--currency", "EUR", "--swift",
          "BPK0")
    check(r.rc == 2 and "SWIFT/BIC BPK0" in r.err, "a malformed SWIFT/BIC is rejected", r)
    r = k("company", "bank", "add", "DE89370400440532013000", "--currency", "EUR")
    check(r.rc == 0, "an EUR account", r)

    png = os.path.join(tmp, "logo.png")
    with open(png, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    exe = os.path.join(tmp, "logo-really-an-executable.png")
    shutil.copy("/bin/true", exe)
    r = k("company", "logo", exe)
    error_is(r, 2, "company logo: not a PNG or JPEG image (checked by its first bytes).",
             "an executable named .png is rejected as a logo")
    big = os.path.join(tmp, "big.png")
    with open(big, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + b"\0" * (2 << 20))
    r = k("company", "logo", big)
    check(r.rc == 2 and "at most" in r.err, "a logo over 2 MiB is rejected", r)
    r = k("--json", "company", "logo", png)
    j = r.json() or {}
    blob = j.get("logo_blob", "")
    check(r.rc == 0 and j.get("logo_type") == "image/png" and os.path.exists(
        os.path.join(tmp, "data", "blobs", blob[:2], blob[2:])),
          "a PNG logo lands in the blob store", r)
    r = k("--json", "company", "show")
    j = r.json() or {}
    check(r.rc == 0 and j.get("nip") == "5261040828" and j.get("default_lang") == "de"
          and j.get("city") == "Warszawa" and j.get("logo_blob") == blob
          and [(a["currency"], a["default"]) for a in j.get("bank_accounts", [])]
          == [("EUR", True), ("PLN", True)], "company show --json has everything", r)


def main():
    run_main("kontor-customer-", run_tests)


if __name__ == "__main__":
    main()
