#!/usr/bin/env python3
"""CLI tests: run the real build/kontor and check what a user would see.

    test_cli.py KONTOR GROUP [MKDB]

GROUP is one of
  basic   commands without a database: help, version, flags, config,
          validate, words, and the usage errors;
  db      init, db migrate, db status and the bad-database cases, on the
          backend named by KT_TEST_BACKEND (a fresh database from MKDB);
  worker  worker --once and the worker loop on that backend.
Prints TAP ("ok N - ...", "not ok N - ...") and exits 1 if anything failed.
"""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ktest import (BACKEND, Run, check, clean_env, drop_db, expect_error,  # noqa: E402
                   new_db, one_error_line, run_main, setup, sql)

KONTOR = setup(sys.argv[1], sys.argv[3] if len(sys.argv) > 3 else None)
GROUP = sys.argv[2]
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# --- basic -----------------------------------------------------------------

def group_basic(tmp):
    r = Run([], tmp)
    check(r.rc == 2 and "Usage: kontor" in r.err and
          r.err.rstrip().splitlines()[-1].startswith("kontor: no command given"),
          "no command: usage on stderr, exit 2", r)

    r = Run(["help"], tmp)
    cmds = ["help", "version", "init", "db", "worker", "validate", "words"]
    check(r.rc == 0 and all(f"\n  {c} " in r.out for c in cmds),
          "help lists every command", r)
    codes = ["  0  done", "  1  the answer is no", "  2  usage error", "  3  database",
             "  4  internal error"]
    check(all(c in r.out for c in codes), "help documents exit codes 0-4", r)
    check(all(f in r.out for f in ["--config FILE", "--db URL", "--data DIR", "--json",
                                   "--log-level LEVEL"]),
          "help documents the global flags", r)

    r = Run(["help", "init"], tmp)
    check(r.rc == 0 and r.out.startswith("Usage: kontor init\n") and "idempotent" not in r.err,
          "help init shows the init usage", r)
    r = Run(["help", "db"], tmp)
    check(r.rc == 0 and "Usage: kontor db migrate | status" in r.out and
          "Uses the database" in r.out, "help db shows subcommands and that it needs a database", r)
    r = Run(["help", "config"], tmp)
    check(r.rc == 0 and all(s in r.out for s in
                            ["[database] url", "KONTOR_DB or KONTOR_DATABASE_URL",
                             "KONTOR_DATA or KONTOR_DATA_DIR", "KONTOR_LOG_LEVEL",
                             "KONTOR_WORKER_POLL_MS", "KONTOR_OUTPUT_JSON"]),
          "help config lists every key with its environment variable", r)
    r = Run(["help", "wrods"], tmp)
    expect_error(r, 2, ["did you mean 'words'?"], "help of an unknown command suggests one")

    r = Run(["--help"], tmp)
    check(r.rc == 0 and "Commands:" in r.out and r.err == "", "--help prints help, exit 0", r)
    r = Run(["worker", "-h"], tmp)
    check(r.rc == 0 and r.out.startswith("Usage: kontor worker [--once]"),
          "COMMAND -h prints that command's help", r)

    if os.path.exists("/dev/full"):
        with open("/dev/full", "w") as full:
            p = subprocess.run([KONTOR, "help"], stdout=full, stderr=subprocess.PIPE,
                               env=clean_env(), cwd=tmp, timeout=60)
        err = p.stderr.decode()
        check(p.returncode == 4 and err.startswith("kontor: cannot write the output") and
              err.count("\n") == 1, "output to a full disk: exit 4", f"exit {p.returncode} {err}")
    else:
        check(True, "output to a full disk # SKIP no /dev/full")

    r = Run(["version"], tmp)
    check(r.rc == 0 and r.out.startswith("kontor 0.1.0\n") and
          "store drivers: sqlite postgres" in r.out, "version names version and drivers", r)
    j = Run(["--json", "version"], tmp).json()
    check(j == {"version": "0.1.0", "drivers": ["sqlite", "postgres"]}, "version --json", j)
    j = Run(["version", "--json"], tmp).json()
    check(j is not None and j["version"] == "0.1.0", "global flag after the command", j)

    # unknown commands and options
    r = Run(["inti"], tmp)
    expect_error(r, 2, ["'inti' is not a kontor command; did you mean 'init'?"],
                 "misspelt command suggests the closest (init)")
    r = Run(["wroker", "--once"], tmp)
    expect_error(r, 2, ["did you mean 'worker'?"], "misspelt command suggests worker")
    r = Run(["frobnicate"], tmp)
    expect_error(r, 2, ["'frobnicate' is not a kontor command", "kontor help"],
                 "far-off command: no suggestion, points to help")
    r = Run(["--josn", "version"], tmp)
    expect_error(r, 2, ["unknown option '--josn'; did you mean '--json'?"],
                 "misspelt global flag suggests the closest")
    r = Run(["--once", "worker"], tmp)
    expect_error(r, 2, ["unknown option '--once'", "go after it"],
                 "command option before the command is explained")
    r = Run(["version", "--db"], tmp)
    expect_error(r, 2, ["--db needs a value"], "global flag without its value")
    r = Run(["worker", "--onse"], tmp)
    expect_error(r, 2, ["'worker' has no option '--onse'; did you mean '--once'?"],
                 "misspelt command option suggests the closest")
    r = Run(["worker", "--once=yes"], tmp)
    expect_error(r, 2, ["--once of 'worker' takes no value"], "value given to a plain option")
    r = Run(["version", "extra"], tmp)
    expect_error(r, 2, ["'version' takes at most 0 arguments"], "surplus argument")
    r = Run(["--log-level", "loud", "version"], tmp)
    expect_error(r, 2, ["--log-level must be debug, info, warn, error or off"],
                 "bad --log-level")
    r = Run(["--data", "", "version"], tmp)
    expect_error(r, 2, ["--data must not be empty"], "empty --data")

    # configuration: file, environment, precedence, bad values
    r = Run(["--config", os.path.join(tmp, "nope.ini"), "version"], tmp)
    expect_error(r, 2, ["nope.ini does not exist"], "--config naming a missing file")
    bad = os.path.join(tmp, "bad.ini")
    with open(bad, "w") as f:
        f.write("[database]\nurl = sqlite:x.db\n\n[worker]\npoll_ms = soon\n")
    r = Run(["--config", bad, "version"], tmp)
    expect_error(r, 2, [f"{bad} line 5: [worker] poll_ms must be a whole number"],
                 "bad value in the config file names file, line and key")
    r = Run(["version"], tmp, env={"KONTOR_LOG_LEVEL": "loud"})
    expect_error(r, 2, ["environment variable KONTOR_LOG_LEVEL"],
                 "bad value in the environment names the variable")
    odd = os.path.join(tmp, "odd.ini")
    with open(odd, "w") as f:
        f.write("[http]\nlistn = 8080\n[output]\njson = yes\n")
    r = Run(["--config", odd, "version"], tmp)
    check(r.rc == 0 and "config.unknown_key" in r.err and "line=2" in r.err and
          r.json() is not None, "unknown key: warning with line, setting still applied", r)
    r = Run(["--config", odd, "version"], tmp, env={"KONTOR_OUTPUT_JSON": "no"})
    check(r.rc == 0 and r.out.startswith("kontor 0.1.0"), "environment beats the file", r)
    with open(os.path.join(tmp, "kontor.ini"), "w") as f:
        f.write("[output]\njson = on\n")
    j = Run(["version"], tmp).json()
    check(j is not None, "./kontor.ini is read when present", j)
    os.unlink(os.path.join(tmp, "kontor.ini"))

    # the example file and the reference stay in step with the key table
    example = os.path.join(REPO, "kontor.ini.example")
    r = Run(["--config", example, "version"], tmp)
    check(r.rc == 0 and r.err == "", "kontor.ini.example loads without warnings", r)
    keys = [l for l in Run(["help", "config"], tmp).out.splitlines() if l.startswith("[")]
    with open(example, encoding="utf-8") as f:
        ex = f.read()
    with open(os.path.join(REPO, "docs", "cli.md"), encoding="utf-8") as f:
        doc = f.read()
    for k in keys:
        section, key = k[1:].split("] ")
        env = f"KONTOR_{section}_{key}".upper()
        check(f"[{section}]" in ex and f"\n{key} = " in ex and f"`[{section}] {key}`" in doc
              and env in doc, f"[{section}] {key} is in kontor.ini.example and docs/cli.md")

    # validate
    cases = [("nip", "5260250274", 0), ("nip", "526-025-02-74", 0), ("nip", "5260250275", 1),
             ("regon", "123456785", 0), ("regon", "123456786", 1),
             ("vat", "DE136695976", 0), ("vat", "PL5260250274", 0), ("vat", "DE136695977", 1),
             ("iban", "PL61109010140000071219812874", 0),
             ("iban", "PL61 1090 1014 0000 0712 1981 2874", 0),
             ("iban", "PL61109010140000071219812875", 1),
             ("nrb", "61109010140000071219812874", 0), ("nrb", "61109010140000071219812875", 1),
             ("ean", "5901234123457", 0), ("ean", "96385074", 0), ("ean", "5901234123458", 1)]
    for kind, value, code in cases:
        r = Run(["validate", kind, value], tmp)
        word = "valid: " if code == 0 else "invalid: "
        check(r.rc == code and r.out.startswith(word) and r.err == "",
              f"validate {kind} {value} -> exit {code}", r)
    r = Run(["--json", "validate", "nip", "5260250275"], tmp)
    j = r.json()
    check(r.rc == 1 and j is not None and j["valid"] is False and j["kind"] == "nip" and
          j["value"] == "5260250275" and isinstance(j["reason"], str) and j["reason"],
          "validate --json gives valid:false and the reason", r)
    j = Run(["validate", "ean", "5901234123457", "--json"], tmp).json()
    check(j is not None and j["valid"] is True and j["reason"] is None,
          "validate --json gives valid:true, reason null", j)
    r = Run(["validate", "nipp", "5260250274"], tmp)
    expect_error(r, 2, ["cannot validate 'nipp'; did you mean 'nip'?"], "validate unknown kind")
    r = Run(["validate", "nip"], tmp)
    expect_error(r, 2, ["needs a kind and a value"], "validate without a value")

    # words
    words = [(["123,45", "--currency", "PLN", "--lang", "pl"],
              "sto dwadzieścia trzy złote 45/100"),
             (["123.45", "--currency", "EUR", "--lang", "en"],
              "one hundred twenty-three euros 45/100"),
             (["123,45", "--currency=USD", "--lang=de"],
              "einhundertdreiundzwanzig US-Dollar 45/100"),
             (["123,45"], "sto dwadzieścia trzy złote 45/100"),
             (["1", "--currency", "eur", "--lang", "DE"], "ein Euro 00/100"),
             (["22", "--currency", "USD"], "dwadzieścia dwa dolary 00/100"),
             (["-5,00"], "minus pięć złotych 00/100")]
    for args, want in words:
        r = Run(["words"] + args, tmp)
        check(r.rc == 0 and r.out == want + "\n", f"words {' '.join(args)} -> {want}", r)
    j = Run(["--json", "words", "1 234,56", "--currency", "PLN", "--lang", "pl"], tmp).json()
    check(j is not None and j["amount"] == "1234.56" and j["currency"] == "PLN" and
          j["lang"] == "pl" and j["words"].endswith("56/100"), "words --json", j)
    r = Run(["words", "abc"], tmp)
    expect_error(r, 2, ["abc"], "words with a non-amount quotes it")
    r = Run(["words", "99999999999999999999"], tmp)
    check(r.rc == 2 and one_error_line(r), "words with an amount too large for int64", r)
    r = Run(["words", "1,005"], tmp)
    check(r.rc == 2 and one_error_line(r), "words refuses more decimals than the currency", r)
    r = Run(["words", "5", "--currency", "GBP"], tmp)
    expect_error(r, 2, ["--currency must be PLN, EUR or USD, not 'GBP'"], "words bad currency")
    r = Run(["words", "5", "--lang", "fr"], tmp)
    expect_error(r, 2, ["--lang must be pl, en or de, not 'fr'"], "words bad language")
    r = Run(["words", "5", "--lang"], tmp)
    expect_error(r, 2, ["--lang of 'words' needs a value"], "words option without value")
    r = Run(["words"], tmp)
    expect_error(r, 2, ["needs an amount"], "words without an amount")


# --- database ----------------------------------------------------------------

def migration_rows(out):
    """The migration lines of `db status`: "0001 core    applied ..."."""
    return [l.strip() for l in out.splitlines() if l.startswith("  0")]


def group_db(tmp):
    url = new_db()
    data = os.path.join(tmp, "data")
    base = ["--db", url, "--data", data]
    try:
        r = Run(base + ["init"], tmp)
        created_db = "created database" in r.out if BACKEND == "sqlite" else \
            "already exists" in r.out
        check(r.rc == 0 and f"created data directory {data}" in r.out and created_db and
              "applied migration 0001" in r.out and os.path.isdir(data),
              "init creates the data directory and the database and migrates", r)
        r = Run(base + ["init"], tmp)
        check(r.rc == 0 and f"data directory {data} already exists" in r.out and
              "already exists" in r.out and "applied migration" not in r.out and
              "up to date" in r.out, "init again changes nothing and says so", r)
        j = Run(base + ["--json", "init"], tmp).json()
        check(j is not None and j["data_dir_created"] is False and
              j["database_created"] is False and j["migrations_applied"] == [] and
              j["migrations_total"] >= 2, "init --json on an initialised database", j)

        r = Run(base + ["db", "status"], tmp)
        rows = migration_rows(r.out)
        check(r.rc == 0 and len(rows) >= 2 and rows[0].startswith("0001 ") and
              rows[1].startswith("0002 ") and all(" applied 20" in l for l in rows) and
              ", 0 pending\n" in r.out and "jobs: 0 pending" in r.out,
              "db status lists applied migrations, 0 pending, job counts", r)
        j = Run(base + ["db", "status", "--json"], tmp).json()
        ok = (j is not None and j["pending"] == 0 and j["driver"] == BACKEND and
              len(j["migrations"]) >= 2 and
              all(m["applied"] and m["applied_at"] for m in j["migrations"]) and
              j["jobs"]["pending"] == 0 and j["jobs"]["events"] == 0)
        check(ok, "db status --json: every migration applied with a time", j)
        r = Run(base + ["db", "migrate"], tmp)
        check(r.rc == 0 and "up to date" in r.out, "db migrate with nothing pending", r)

        # a database without the schema: status says so and exits 1
        url2 = new_db()
        try:
            if url2.startswith("sqlite:"):
                sql(url2, "PRAGMA user_version = 0")  # creates the empty file
            r = Run(["--db", url2, "db", "status"], tmp)
            rows = migration_rows(r.out)
            check(r.rc == 1 and len(rows) >= 2 and all(l.endswith(" pending") for l in rows)
                  and f"0 of {len(rows)} migrations applied, {len(rows)} pending" in r.out
                  and "kontor db migrate" in r.out,
                  "db status on an empty database: pending listed, exit 1", r)
            j = Run(["--db", url2, "--json", "db", "status"], tmp).json()
            check(j is not None and j["pending"] == len(j["migrations"]) and
                  j["jobs"] is None and not any(m["applied"] for m in j["migrations"]),
                  "db status --json on an empty database", j)
            r = Run(["--db", url2, "worker", "--once"], tmp)
            expect_error(r, 3, ["run 'kontor db migrate' first"],
                         "worker refuses a database that lacks migrations")
            r = Run(["--db", url2, "db", "migrate"], tmp)
            check(r.rc == 0 and "applied migration 0001" in r.out and
                  "applied migration 0002" in r.out, "db migrate applies all", r)
            r = Run(["--db", url2, "db", "status"], tmp)
            check(r.rc == 0, "db status after migrate exits 0", r)
            # a schema newer than this binary is refused, not touched
            sql(url2, "INSERT INTO schema_migrations (version, name, applied_at) "
                      "VALUES (999, 'future', '2099-01-01T00:00:00Z')")
            for cmd in (["db", "status"], ["db", "migrate"], ["worker", "--once"], ["init"]):
                r = Run(["--db", url2, "--data", data] + cmd, tmp)
                expect_error(r, 3, ["upgrade kontor"],
                             f"{' '.join(cmd)} on a newer schema: exit 3, asks for an upgrade")
            check(sql(url2, "SELECT count(*) FROM schema_migrations WHERE version = 999")
                  [0][0] in (1, "1"), "... and the newer schema is left alone")
        finally:
            drop_db(url2)
    finally:
        drop_db(url)

    r = Run(["--db", url, "db"], tmp)
    expect_error(r, 2, ["'db' needs a subcommand"], "db without a subcommand")
    r = Run(["--db", url, "db", "statsu"], tmp)
    expect_error(r, 2, ["did you mean 'db status'?"], "db misspelt subcommand")

    # the database is missing, unreachable, or named by a bad URL
    missing = os.path.join(tmp, "none", "k.db")
    r = Run(["--db", "sqlite:" + missing, "db", "status"], tmp)
    expect_error(r, 3, ["does not exist", "kontor init"], "db status on a missing SQLite file")
    check(not os.path.exists(missing), "... and does not create it")
    dead = "postgresql://kontor:s3cret@127.0.0.1:1/kontor?connect_timeout=5"
    for cmd in (["db", "status"], ["init"], ["worker", "--once"]):
        r = Run(["--db", dead, "--data", data] + cmd, tmp)
        expect_error(r, 3, ["cannot open database", "server is running"],
                     f"{' '.join(cmd)} with an unreachable PostgreSQL: exit 3")
        check("s3cret" not in r.err, f"{' '.join(cmd)}: the password is not printed", r)
    r = Run(["--db", "mysql://localhost/k", "db", "status"], tmp)
    expect_error(r, 2, ["unknown database URL"], "unsupported database URL: usage error")
    r = Run(["db", "status"], tmp, env={"KONTOR_DB": "sqlite:" + missing})
    expect_error(r, 3, [missing], "KONTOR_DB selects the database")

    # a corrupt SQLite file is reported and left byte for byte
    corrupt = os.path.join(tmp, "corrupt.db")
    with open(corrupt, "wb") as f:
        f.write(b"this is not a database, just bytes " * 200)
    before = sha256(corrupt)
    for cmd in (["db", "status"], ["db", "migrate"], ["init"], ["worker", "--once"]):
        r = Run(["--db", "sqlite:" + corrupt, "--data", data] + cmd, tmp)
        expect_error(r, 3, ["corrupt.db", "from a backup"],
                     f"{' '.join(cmd)} on a corrupt SQLite file: exit 3")
    check(sha256(corrupt) == before and not os.path.exists(corrupt + "-wal") and
          not os.path.exists(corrupt + "-journal"),
          "the corrupt file is byte-identical afterwards, no journal left")

    # a read-only data directory (as an unprivileged user when run as root)
    as_nobody = os.geteuid() == 0
    if as_nobody and shutil.which("setpriv") is None:
        check(True, "read-only data directory # SKIP root without setpriv")
        return
    ro = os.path.join(tmp, "ro")
    os.makedirs(os.path.join(ro, "var"))
    os.chmod(ro, 0o755)
    os.chmod(tmp, 0o755)
    os.chmod(os.path.join(ro, "var"), 0o555)
    r = Run(["--db", "sqlite:" + os.path.join(ro, "var", "kontor.db"),
             "--data", os.path.join(ro, "var"), "init"], tmp, as_nobody=as_nobody)
    expect_error(r, 3, ["is not writable", "--data"], "init in a read-only data directory")
    check(os.listdir(os.path.join(ro, "var")) == [], "... leaves the directory empty")
    # an initialised database that the user may only read
    rw = os.path.join(ro, "db")
    os.makedirs(rw)
    dbfile = os.path.join(rw, "kontor.db")
    r = Run(["--db", "sqlite:" + dbfile, "--data", rw, "init"], tmp)
    check(r.rc == 0, "init a database to make read-only", r)
    os.chmod(dbfile, 0o444)
    os.chmod(rw, 0o555)
    before = sha256(dbfile)
    r = Run(["--db", "sqlite:" + dbfile, "--data", rw, "worker", "--once"], tmp,
            as_nobody=as_nobody)
    check(r.rc == 3 and one_error_line(r), "worker on a read-only database: exit 3", r)
    check(sha256(dbfile) == before, "... and the database file is unchanged")
    os.chmod(rw, 0o755)


# --- worker ------------------------------------------------------------------

def add_job(url, handler, event_type="test.ping"):
    eid = sql(url, f"INSERT INTO events (type, payload, created_at) "
                   f"VALUES ('{event_type}', '{{}}', 0) RETURNING id")[0][0]
    sql(url, f"INSERT INTO jobs (event_id, handler, run_at, created_at) "
             f"VALUES ({eid}, '{handler}', 0, 0)")


def group_worker(tmp):
    url = new_db()
    base = ["--db", url, "--data", os.path.join(tmp, "data")]
    try:
        r = Run(base + ["init"], tmp)
        check(r.rc == 0, "init for the worker tests", r)
        r = Run(base + ["worker", "--once"], tmp)
        check(r.rc == 0 and r.out.startswith("ran 0 jobs;"), "worker --once on an empty queue", r)
        j = Run(base + ["worker", "--once", "--json"], tmp).json()
        check(j == {"ran": 0, "pending": 0, "due": 0, "dead": 0},
              "worker --once --json on an empty queue", j)

        # Two due jobs for handlers this build does not have: each runs once,
        # fails, and waits for its retry instead of being lost.
        add_job(url, "test.nobody_a")
        add_job(url, "test.nobody_b")
        j = Run(base + ["--json", "worker", "--once"], tmp).json()
        check(j is not None and j["ran"] == 2 and j["pending"] == 2 and j["due"] == 0,
              "worker --once runs both due jobs, they wait for a retry", j)
        rows = sql(url, "SELECT state, attempts, last_error FROM jobs ORDER BY id")
        check(len(rows) == 2 and all(str(r[0]) == "pending" and int(r[1]) == 1 and
                                     "test.nobody" in str(r[2]) for r in rows),
              "each job has one attempt and names the missing handler", rows)
        r = Run(base + ["worker", "--once"], tmp)
        check(r.rc == 0 and r.out.startswith("ran 0 jobs;") and "2 pending" in r.out,
              "jobs in backoff are not due yet", r)
        r = Run(base + ["db", "status"], tmp)
        check(r.rc == 0 and "jobs: 2 pending (0 due now)" in r.out and "2 events" in r.out,
              "db status counts the queued jobs and events", r)

        # the loop: runs a due job, then stops cleanly on SIGTERM and SIGINT
        add_job(url, "test.nobody_c", "test.loop")
        for sig in (signal.SIGTERM, signal.SIGINT):
            # each round waits for a run of its own: the job is made due
            # again, and the signal goes only to a worker that has started
            # its loop (and so handles the signal), never to one still starting
            attempts = int(sql(url, "SELECT attempts FROM jobs WHERE handler = 'test.nobody_c'")[0][0])
            sql(url, "UPDATE jobs SET run_at = 0 WHERE handler = 'test.nobody_c'")
            env = clean_env({"KONTOR_WORKER_POLL_MS": "50"})
            p = subprocess.Popen([KONTOR] + base + ["worker"], cwd=tmp, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            deadline = time.time() + 10
            ran = False
            while time.time() < deadline and not ran:
                time.sleep(0.1)
                rows = sql(url, "SELECT attempts FROM jobs WHERE handler = 'test.nobody_c'")
                ran = rows and int(rows[0][0]) > attempts
            p.send_signal(sig)
            try:
                out, err = p.communicate(timeout=10)
                rc = p.returncode
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
                rc = None
            err = err.decode()
            check(ran, f"worker loop runs a due job ({sig.name} round)")
            check(rc == 0 and "event=worker.start" in err and "event=worker.stop" in err,
                  f"worker loop stops on {sig.name} with exit 0", f"exit {rc}\n{err}")
    finally:
        drop_db(url)


def main():
    run_main("kontor-cli-", {"basic": group_basic, "db": group_db, "worker": group_worker}[GROUP],
             databases=0)


if __name__ == "__main__":
    main()
