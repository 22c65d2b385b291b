"""The harness the CLI integration tests share (tests/integration/test_*.py).

A test script runs the real kontor binary, checks what a user would see and
prints TAP: check() prints "ok N - ..." or "not ok N - ..." with the detail
of a failure as "#" lines, finish() prints the plan "1..N" and exits 1 if
anything failed. setup() names the binaries meson hands the script (build
paths); new_db() asks mkdb for a fresh database of the backend named by
KT_TEST_BACKEND and sql() reads it behind kontor's back (sqlite3 or psql).

Scripts import it after putting their own folder on sys.path, because meson
runs them from the build directory:

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from ktest import check, Run, ...
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

BACKEND = os.environ.get("KT_TEST_BACKEND", "sqlite")
KONTOR = None
MKDB = None

results = []


def setup(kontor, mkdb=None):
    """Names the kontor binary (and mkdb, for database tests); returns the
    absolute path of kontor, for tests that start it themselves."""
    global KONTOR, MKDB
    KONTOR = os.path.abspath(kontor)
    MKDB = os.path.abspath(mkdb) if mkdb else None
    return KONTOR


def check(cond, desc, detail=""):
    results.append(bool(cond))
    print(f"{'ok' if cond else 'not ok'} {len(results)} - {desc}", flush=True)
    if not cond and detail:
        for line in str(detail).splitlines():
            print(f"#   {line}")


def finish():
    """Prints the TAP plan and exits 1 if any check failed."""
    print(f"1..{len(results)}")
    sys.exit(0 if all(results) else 1)


def clean_env(extra=None):
    """The environment without KONTOR_* settings (so no setting of the
    machine running the tests leaks in), plus extra."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KONTOR_")}
    env.update(extra or {})
    return env


class Run:
    """One run of kontor with args in cwd: exit code, stdout as text (out)
    and bytes (raw), stderr as text. env adds to clean_env(); stdin (text
    or bytes) is fed to it, None leaves the test's own stdin."""

    def __init__(self, args, cwd, env=None, stdin=None, timeout=60, as_nobody=False):
        cmd = [KONTOR] + list(args)
        if as_nobody:
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
        if isinstance(stdin, str):
            stdin = stdin.encode()
        p = subprocess.run(cmd, cwd=cwd, env=clean_env(env), input=stdin, capture_output=True,
                           timeout=timeout)
        self.rc = p.returncode
        self.raw = p.stdout
        self.out = p.stdout.decode("utf-8", "replace")
        self.err = p.stderr.decode("utf-8", "replace")

    def __str__(self):
        # exports run to megabytes: a failure shows their beginning
        return f"exit {self.rc}\nstdout: {self.out[:3000]}\nstderr: {self.err[:2000]}"

    def json(self):
        try:
            return json.loads(self.out)
        except ValueError:
            return None


def one_error_line(r):
    """stderr is exactly one line starting with 'kontor: '."""
    lines = [l for l in r.err.splitlines() if l.strip()]
    return len(lines) == 1 and lines[0].startswith("kontor: ")


def expect_error(r, code, words, desc):
    """Exit code, one error line, and each of words (or the one text) in it."""
    if isinstance(words, str):
        words = [words]
    ok = r.rc == code and one_error_line(r) and all(w in r.err for w in words)
    check(ok, desc, r)


def error_is(r, code, text, desc):
    """Exit code and the error line is exactly 'kontor: ' + text."""
    lines = [l for l in r.err.splitlines() if l.strip()]
    check(r.rc == code and len(lines) == 1 and lines[0] == "kontor: " + text, desc, r)


def new_db():
    """A fresh, empty database from mkdb; its URL."""
    out = subprocess.run([MKDB], capture_output=True, text=True, env=os.environ)
    if out.returncode != 0:
        print(f"Bail out! mkdb failed: {out.stderr.strip()}", flush=True)
        sys.exit(1)
    return out.stdout.strip()


def drop_db(url):
    subprocess.run([MKDB, "--drop", url], capture_output=True)


def sql(url, statement, text=False):
    """Runs SQL against the test database and returns the rows. PostgreSQL
    gives every value as text; text=True makes SQLite's rows alike (NULL
    as "")."""
    if url.startswith("sqlite:"):
        con = sqlite3.connect(url[len("sqlite:"):])
        try:
            rows = con.execute(statement).fetchall()
            con.commit()
        finally:
            con.close()
        if text:
            rows = [tuple("" if v is None else str(v) for v in row) for row in rows]
        return rows
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url,
                        "-c", statement], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return [tuple(l.split("|")) for l in p.stdout.splitlines() if l]


def one(url, statement):
    """The single number a query gives, e.g. a COUNT(*)."""
    return int(sql(url, statement)[0][0])


def count(url, table):
    return one(url, f"SELECT COUNT(*) FROM {table}")


def add_product(url, code):
    """A bare product straight into the table, for tests of modules that
    only need one to exist."""
    sql(url, "INSERT INTO products (code, code_fold, unit, vat_rate, name_fold, search_text, "
             f"created_at, updated_at) VALUES ('{code}', lower('{code}'), 'pcs', '23', "
             f"lower('{code}'), ' ', 0, 0)")


def remove_tree(path):
    """Removes a test's temporary directory, also where a test made parts
    of it read-only."""
    for root, dirs, _ in os.walk(path):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
    shutil.rmtree(path, ignore_errors=True)


def run_main(prefix, body, databases=1):
    """Calls body(tmp, url, ...) with a fresh temporary directory and that
    many fresh databases, removes them after, then finish()es."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    urls = []
    try:
        for _ in range(databases):
            urls.append(new_db())
        body(tmp, *urls)
    finally:
        for url in urls:
            drop_db(url)
        remove_tree(tmp)
    finish()
