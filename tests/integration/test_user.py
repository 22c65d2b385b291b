#!/usr/bin/env python3
"""CLI tests of `kontor user`, `kontor role` and `kontor token` on a real
database.

    test_user.py KONTOR MKDB

Runs the real binary against a fresh database of the backend named by
KT_TEST_BACKEND (from MKDB), checks what a user sees and what lands in the
database (hashes only, never a password or a token). Password hashing runs
at the cheapest argon2id cost ([access] settings from the environment) to
keep the tests fast. Prints TAP and exits 1 if anything failed.
"""
import hashlib
import json
import os
import pty
import select
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktest  # noqa: E402
from ktest import Run, check, clean_env, expect_error, run_main, setup  # noqa: E402

KONTOR = setup(sys.argv[1], sys.argv[2])
PASSWORD = "correct horse battery"
# the cheapest argon2id cost keeps password hashing fast
ACCESS_ENV = {"KONTOR_ACCESS_PASSWORD_OPS": "1", "KONTOR_ACCESS_PASSWORD_MEM_KIB": "8"}


def sql(url, statement):
    """ktest.sql() with SQLite's values as text, as PostgreSQL gives them."""
    return ktest.sql(url, statement, text=True)


def run_on_terminal(base, args, cwd, answers):
    """Runs kontor with stdin on a pseudo-terminal, typing each answer after
    a prompt. Returns (exit code, everything the terminal showed)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([KONTOR] + base + list(args), cwd=cwd, env=clean_env(ACCESS_ENV),
                         stdin=slave, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    shown = b""
    pending = list(answers)
    answered = 0
    deadline = time.time() + 30
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                chunk = os.read(master, 1024)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
            # answer each prompt once: only text after the last answer counts
            if pending and shown[answered:].rstrip().endswith(b":"):
                os.write(master, pending.pop(0).encode() + b"\n")
                answered = len(shown)
        elif p.poll() is not None:
            break
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    out = p.stdout.read().decode()
    p.stdout.close()
    os.close(master)
    return p.returncode, shown.decode("utf-8", "replace"), out


def run_tests(tmp, url):
    base = ["--db", url, "--data", os.path.join(tmp, "data")]

    def k(*args, stdin=None):
        return Run(base + list(args), tmp, env=ACCESS_ENV, stdin=stdin or "")

    r = k("init")
    check(r.rc == 0, "init creates the schema", r)

    # --- staff users ---
    r = k("user", "add", "Anna.Nowak@Firma.PL", "--name", "Anna Nowak", "--email",
          "anna@firma.pl", "--role", "sales", "--role", "warehouse", "--password-stdin",
          stdin=PASSWORD + "\n")
    check(r.rc == 0 and r.out == "created user anna.nowak@firma.pl (staff); roles: sales, "
          "warehouse\n", "user add: a staff user with two roles, login lower-cased", r)
    rows = sql(url, "SELECT kind, customer_id, name, email, lang, active FROM users "
                    "WHERE login = 'anna.nowak@firma.pl'")
    check(rows == [("staff", "", "Anna Nowak", "anna@firma.pl", "pl", "1")],
          "the user row is stored", rows)

    r = k("--json", "user", "add", "boss", "--name", "Szef", "--role", "admin,sales",
          "--lang", "en", "--password-stdin", stdin=PASSWORD + "\n")
    j = r.json()
    check(r.rc == 0 and j is not None and j["login"] == "boss" and j["kind"] == "staff" and
          j["customer"] is None and j["roles"] == ["admin", "sales"] and j["lang"] == "en" and
          "admin" in j["permissions"] and j["active"] is True and
          j["created_at"].endswith("Z"),
          "user add --json: roles given as a list, permissions shown", r)

    r = k("user", "add", "ANNA.NOWAK@firma.pl", "--name", "Again", "--role", "sales",
          "--password-stdin", stdin=PASSWORD + "\n")
    expect_error(r, 1, ["'anna.nowak@firma.pl' is taken"], "a login is unique in any letter case")

    r = k("user", "add", "piotr", "--name", "Piotr", "--role", "sales", "--password-stdin",
          stdin="qwertyuiop\n")
    expect_error(r, 2, ["user piotr", "most common passwords"], "a common password is refused")
    r = k("user", "add", "piotr", "--name", "Piotr", "--role", "sales", "--password-stdin",
          stdin="short1!\n")
    expect_error(r, 2, ["needs at least 10"], "a short password is refused")
    r = k("user", "add", "piotr", "--name", "Piotr", "--role", "sales", "--password-stdin",
          stdin="Piotr\n")
    expect_error(r, 2, ["user piotr"], "the login as password is refused")
    r = k("user", "add", "piotr", "--name", "Piotr", "--role", "chief", "--password-stdin",
          stdin=PASSWORD + "\n")
    expect_error(r, 1, ["no role 'chief'"], "an unknown role is refused")
    r = k("user", "add", "piotr", "--name", "Piotr", "--role", "sales", stdin=PASSWORD + "\n")
    expect_error(r, 2, ["not a terminal", "--password-stdin"],
                 "without a terminal the password must come with --password-stdin")
    r = k("user", "add", "piotr", "--role", "sales", "--password-stdin", stdin=PASSWORD + "\n")
    expect_error(r, 2, ["needs a LOGIN and --name"], "user add without --name")
    r = k("user", "add", "pi otr", "--name", "P", "--password-stdin", stdin=PASSWORD + "\n")
    expect_error(r, 2, ["only letters"], "a login with a space is refused")
    check(sql(url, "SELECT count(*) FROM users WHERE login LIKE 'pi%'") == [("0",)],
          "nothing was created by the refused commands")

    # --- customer users ---
    r = k("customer", "add", "K001", "--name", "Klient Sp. z o.o.", "--country", "PL")
    check(r.rc == 0, "customer add K001", r)
    r = k("user", "add", "buyer@klient.pl", "--name", "Kupiec", "--customer", "K001",
          "--role", "customer_buyer", "--password-stdin", stdin=PASSWORD + "\n")
    check(r.rc == 0 and r.out == "created user buyer@klient.pl (customer of K001); "
          "roles: customer_buyer\n", "user add --customer: a customer user", r)
    r = k("user", "add", "spy@klient.pl", "--name", "Spy", "--customer", "K001",
          "--role", "customer_buyer,sales", "--password-stdin", stdin=PASSWORD + "\n")
    expect_error(r, 1, ["cannot get the staff role sales"],
                 "a customer user cannot be given a staff role")
    r = k("user", "role", "buyer@klient.pl", "--add", "admin")
    expect_error(r, 1, ["cannot get the staff role admin"], "user role --add of a staff role to a "
                 "customer user is refused")
    r = k("user", "role", "boss", "--add", "customer_all")
    expect_error(r, 1, ["is staff and cannot get the customer role"],
                 "a staff user cannot be given a portal role")
    r = k("user", "add", "x@nowhere.pl", "--name", "X", "--customer", "K999", "--role",
          "customer_buyer", "--password-stdin", stdin=PASSWORD + "\n")
    check(r.rc == 1 and "K999" in r.err, "an unknown customer code is refused", r)
    rows = sql(url, "SELECT u.kind, c.code FROM users u JOIN customers c ON c.id = u.customer_id")
    check(rows == [("customer", "K001")], "only the one customer user exists, linked to K001",
          rows)

    # --- roles of a user ---
    r = k("user", "role", "buyer@klient.pl", "--add", "customer_documents")
    check(r.rc == 0 and "roles: customer_buyer, customer_documents" in r.out,
          "user role --add", r)
    r = k("user", "role", "buyer@klient.pl", "--remove", "customer_buyer")
    check(r.rc == 0 and r.out.endswith("roles: customer_documents\n"), "user role --remove", r)
    r = k("user", "role", "buyer@klient.pl")
    expect_error(r, 2, ["--add ROLE or --remove ROLE"], "user role needs --add or --remove")
    r = k("user", "role", "ghost", "--add", "sales")
    expect_error(r, 1, ["no user with the login 'ghost'"], "user role of an unknown user")

    # --- list ---
    r = k("user", "list")
    lines = r.out.splitlines()
    check(r.rc == 0 and len(lines) == 4 and lines[0].split()[:4] ==
          ["LOGIN", "KIND", "CUSTOMER", "ACTIVE"] and lines[2].split()[:5] ==
          ["boss", "staff", "-", "yes", "admin,sales"] and
          lines[3].split()[:5] == ["buyer@klient.pl", "customer", "K001", "yes",
                                   "customer_documents"],
          "user list: a table ordered by login", r)
    j = k("--json", "user", "list").json()
    check(j is not None and [u["login"] for u in j] ==
          ["anna.nowak@firma.pl", "boss", "buyer@klient.pl"] and
          j[2]["customer"] == "K001" and j[2]["permissions"] == ["portal.documents"] and
          j[0]["permissions"] == ["catalog.read", "customers.read", "customers.write",
                                  "stock.write", "prices.write", "orders.read", "orders.write",
                                  "documents.issue", "shipping.write"],
          "user list --json: roles, permissions and the customer code", j)

    # --- passwords ---
    before = sql(url, "SELECT password_hash, password_changed_at FROM users WHERE login = 'boss'")
    time.sleep(0.01)
    r = k("user", "passwd", "BOSS", "--password-stdin", stdin="Tr0mbone staple\n")
    after = sql(url, "SELECT password_hash, password_changed_at FROM users WHERE login = 'boss'")
    check(r.rc == 0 and "changed the password of boss" in r.out and after[0][0] != before[0][0]
          and after[0][0].startswith("$argon2id$v=19$m=8,t=1,") and
          int(after[0][1]) > int(before[0][1]), "user passwd stores a new argon2id hash", r)
    r = k("user", "passwd", "boss", "--password-stdin", stdin="boss\n")
    expect_error(r, 2, ["user boss"], "user passwd applies the policy")
    r = k("user", "passwd", "boss", "--password-stdin")
    expect_error(r, 2, ["no password on standard input"], "user passwd with empty stdin")

    rc, shown, out = run_on_terminal(base, ["user", "passwd", "boss"], tmp,
                                     ["Sekretne haslo 42", "Sekretne haslo 42"])
    check(rc == 0 and "New password for boss:" in shown and "Repeat it:" in shown and
          "Sekretne" not in shown and "changed the password of boss" in out,
          "user passwd on a terminal asks twice and does not echo", f"exit {rc}\n{shown}\n{out}")
    rc, shown, out = run_on_terminal(base, ["user", "passwd", "boss"], tmp,
                                     ["Sekretne haslo 43", "Sekretne haslo 44"])
    check(rc == 2 and "the two passwords differ" in shown and "Sekretne" not in shown,
          "two different answers change nothing", f"exit {rc}\n{shown}\n{out}")

    dump = json.dumps(sql(url, "SELECT * FROM users")) + json.dumps(sql(url, "SELECT * FROM "
                                                                             "events"))
    check(PASSWORD not in dump and "Tr0mbone" not in dump and "Sekretne" not in dump,
          "no password is stored in users or events")

    # --- disable / enable ---
    r = k("user", "disable", "anna.nowak@firma.pl")
    check(r.rc == 0 and "disabled user anna.nowak@firma.pl (staff), disabled;" in r.out,
          "user disable", r)
    check(sql(url, "SELECT active FROM users WHERE login = 'anna.nowak@firma.pl'") == [("0",)],
          "the user is inactive in the database")
    r = k("user", "enable", "anna.nowak@firma.pl")
    check(r.rc == 0 and r.out.startswith("enabled user anna.nowak@firma.pl (staff);"),
          "user enable", r)
    r = k("user", "frobnicate")
    expect_error(r, 2, ["'user frobnicate' is not a command"], "unknown user subcommand")

    # --- roles ---
    r = k("role", "list")
    check(r.rc == 0 and "customer_all" in r.out and
          "permissions: portal.orders, portal.service, portal.documents" in r.out and
          "users.manage" in r.out, "role list shows roles and permissions", r)
    j = k("--json", "role", "list").json()
    check(j is not None and len(j) == 8 and j[0]["code"] == "accountant" and
          j[1] == {"code": "admin", "name": "Administrator", "kind": "staff",
                   "permissions": ["admin"]} and j[4]["kind"] == "customer",
          "role list --json", j)

    # --- API tokens ---
    r = k("token", "create", "anna.nowak@firma.pl", "--name", "shop", "--scope", "orders.read")
    expect_error(r, 1, ["may not use the API"], "a token needs the api permission")
    r = k("token", "create", "boss", "--name", "shop", "--scope", "orders.read,bogus")
    expect_error(r, 2, ["'bogus' is not a permission"], "an unknown scope is refused")
    r = k("token", "create", "boss", "--name", "shop", "--scope", "portal.orders")
    expect_error(r, 1, ["does not have the permission portal.orders"],
                 "a scope beyond the user's permissions is refused")
    r = k("token", "create", "boss", "--name", "shop sync", "--scope", "catalog.read",
          "--scope", "orders.read", "--expires-days", "30")
    token = r.out.splitlines()[-1] if r.rc == 0 else ""
    check(r.rc == 0 and token.startswith("kt_") and len(token) == 46 and
          "scopes: catalog.read orders.read, expires 20" in r.out and "shown only now" in r.out,
          "token create prints the token once", r)
    rows = sql(url, "SELECT token_hash, scopes, revoked FROM api_tokens")
    check(rows == [(hashlib.sha256(token.encode()).hexdigest(), "catalog.read orders.read",
                    "0")], "only the SHA-256 of the token is stored", rows)
    everything = "".join(json.dumps(sql(url, f"SELECT * FROM {t}"))
                         for t in ["api_tokens", "users", "events", "sessions"])
    check(token and token not in everything and token[3:] not in everything,
          "the raw token appears in no table")
    j = k("--json", "token", "create", "boss", "--name", "erp", "--scope", "users.manage").json()
    check(j is not None and j["token"].startswith("kt_") and j["scopes"] == "users.manage" and
          j["expires_at"] is None, "token create --json; admin implies staff scopes", j)
    r = k("token", "list", "boss")
    lines = r.out.splitlines()
    check(r.rc == 0 and len(lines) == 3 and lines[1].split()[2] == "erp" and
          lines[1].split()[3] == "active" and lines[2].split()[4] == "active",
          "token list shows the user's tokens, newest first", r)
    tid = sql(url, "SELECT id FROM api_tokens WHERE name = 'shop sync'")[0][0]
    r = k("token", "revoke", tid)
    check(r.rc == 0 and r.out == f"revoked API token {tid}\n", "token revoke", r)
    j = k("--json", "token", "list").json()
    check(j is not None and len(j) == 2 and j[1]["name"] == "shop sync" and j[1]["revoked"] and
          not j[0]["revoked"], "token list --json shows the revoked token", j)
    r = k("token", "revoke", "99999")
    expect_error(r, 1, ["no API token with id 99999"], "revoking an unknown token")
    r = k("token", "revoke", "abc")
    expect_error(r, 2, ["needs the token's ID"], "token revoke needs a number")

    r = k("help", "user")
    check(r.rc == 0 and "--password-stdin" in r.out, "help user", r)


def main():
    run_main("kontor-user-", run_tests)


if __name__ == "__main__":
    main()
