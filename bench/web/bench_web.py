#!/usr/bin/env python3
"""Web server throughput against its own ceiling, in one run (issue 4).

    bench/web/bench_web.py BUILD [N]

Loads N demo products (default 1 000 000, or KONTOR_BENCH_WEB_PRODUCTS) into
a SQLite database with `kontor demo`, keeps the loaded database in
BUILD/bench-cache/ keyed by the binary's version, schema migrations and N
(later runs copy it instead of loading again), adds a staff user and an API
token with scope catalog.read, starts `kontor serve --no-worker` on a free
port of 127.0.0.1, logs in once for a session cookie, and drives the server
with wrk (Debian's `wrk`) against:

  healthz   GET /healthz                          the ceiling: no database
  api       GET /api/v1/products/{code}           bearer token, a random
                                                  product of the N per request
  html      GET /products                         the back-office product
                                                  list, 20 rows, session cookie

in ROUNDS rounds of the three (each run SECONDS long); each endpoint's rate
is its best round, so a burst of other work on the machine does not decide
the result. The server's resident memory is sampled from /proc during the
runs and its high-water mark (VmHWM, reset after the login, whose argon2id
hash takes 64 MiB on purpose) read after them.

BENCH lines (scripts/run-bench); ratio is the measured value in the unit of
the target:
  web.sqlite.api_product_get_vs_healthz   api rate / healthz rate   (>= 0.40)
  web.sqlite.html_product_list_vs_healthz html rate / healthz rate  (>= 0.15)
  web.sqlite.rss_under_load_mb            peak resident MB          (<= 64)
Any response that is not 2xx (counted by wrk, which lets 3xx through, and by
the server's access log, which sees redirects too) or any socket error makes
the lines FAIL: a run with errors is not a fast run. The lines also carry
each endpoint's p99 latency and the server's CPU time per request (cpu_us,
from /proc/PID/stat), which varies far less than the rates when other work
shares the machine, and so shows where a change helps.

Settings (environment): KONTOR_BENCH_WEB_PRODUCTS (N), KONTOR_BENCH_WEB_SECONDS
(10), KONTOR_BENCH_WEB_ROUNDS (2), KONTOR_BENCH_WEB_CONNECTIONS (32),
KONTOR_BENCH_WEB_WRK_THREADS (2), KONTOR_BENCH_WEB_SERVER_THREADS (2).

Only 127.0.0.1 is contacted. The server is stopped and the scratch directory
removed on every exit, including errors and Ctrl-C. Exit status: 0 when the
BENCH lines were printed (pass or FAIL), 2 when the benchmark could not run.
"""

import ctypes
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
LUA = os.path.join(HERE, "kontor.lua")
HOST = "127.0.0.1"
LOGIN = "bench@kontor.test"
PASSWORD = "bench-web-password-7351"
PER_PAGE = 20

API_TARGET = 0.40
HTML_TARGET = 0.15
RSS_TARGET_MB = 64.0


class BenchError(Exception):
    """The benchmark could not be run (not a slow result)."""


def env_int(name, default, lo, hi):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        v = int(raw)
    except ValueError:
        raise BenchError(f"{name} must be a whole number, not {raw!r}") from None
    if not lo <= v <= hi:
        raise BenchError(f"{name} must be from {lo} to {hi}, not {v}")
    return v


def note(msg):
    print(f"bench_web: {msg}", file=sys.stderr, flush=True)


def clean_env():
    """The caller's KONTOR_* settings must not change what is measured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KONTOR_")}
    env["KONTOR_WEB_DIR"] = os.path.join(REPO, "web")
    return env


class Kontor:
    """Runs the kontor binary on one SQLite database and data directory."""

    def __init__(self, binary, db_path, data_dir, cwd):
        self.binary = binary
        self.db_path = db_path
        self.data_dir = data_dir
        self.cwd = cwd  # no ./kontor.ini is read from here

    def argv(self, *args):
        return [self.binary, "--db", "sqlite:" + self.db_path, "--data", self.data_dir,
                "--log-level", "warn", *args]

    def run(self, *args, stdin=None):
        p = subprocess.run(self.argv(*args), input=stdin, capture_output=True, text=True,
                           cwd=self.cwd, env=clean_env())
        if p.returncode != 0:
            raise BenchError(f"kontor {' '.join(args)} exited {p.returncode}: "
                             f"{p.stderr.strip() or p.stdout.strip()}")
        return p.stdout


def cache_key(binary, scratch, n):
    """Version and migration list of the binary: a database built by another
    schema is never reused."""
    probe = os.path.join(scratch, "probe")
    os.mkdir(probe)
    k = Kontor(binary, os.path.join(probe, "k.db"), os.path.join(probe, "data"), probe)
    version = json.loads(k.run("--json", "version"))
    init = json.loads(k.run("--json", "init"))
    shutil.rmtree(probe)
    migrations = [(m["version"], m["name"]) for m in init["migrations_applied"]]
    blob = json.dumps({"version": version.get("version"), "migrations": migrations,
                       "products": n, "demo": ["--images", "0"]}, sort_keys=True)
    last = migrations[-1][0] if migrations else 0
    return f"web-{n}-schema{last:04d}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}"


def cached_database(binary, build, scratch, n):
    """Path of a directory holding kontor.db and data/ with N demo products,
    built now if the cache has none for this binary."""
    cache = os.path.join(build, "bench-cache")
    os.makedirs(cache, exist_ok=True)
    key = cache_key(binary, scratch, n)
    final = os.path.join(cache, key)
    if os.path.isdir(final):
        note(f"reusing {final}")
        return final
    for old in os.listdir(cache):
        path = os.path.join(cache, old)
        # a database of another schema for this N is hundreds of MB of dead
        # weight; a half-built one is left by a killed run (not by one that
        # is loading right now, hence the hour)
        if old.startswith(f"web-{n}-") or (
                old.startswith(".web-") and time.time() - os.path.getmtime(path) > 3600):
            shutil.rmtree(path, ignore_errors=True)
    tmp = tempfile.mkdtemp(prefix=".web-", dir=cache)
    try:
        k = Kontor(binary, os.path.join(tmp, "kontor.db"), os.path.join(tmp, "data"), tmp)
        k.run("init")
        note(f"loading {n} demo products (once per schema; cached in {cache})")
        t0 = time.monotonic()
        k.run("demo", "--products", str(n), "--images", "0")
        note(f"loaded in {time.monotonic() - t0:.1f} s")
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


class Server:
    def __init__(self, k, threads, log_path):
        self.k = k
        self.threads = threads
        self.log_path = log_path
        self.proc = None
        self.port = None

    def start(self):
        log = open(self.log_path, "wb")
        try:
            # The default log level: the access log line of every request is
            # part of the work a deployed server does.
            argv = [self.k.binary, "--db", "sqlite:" + self.k.db_path, "--data",
                    self.k.data_dir, "serve", "--listen", f"{HOST}:0", "--threads",
                    str(self.threads), "--no-worker"]
            self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=log,
                                         cwd=self.k.cwd, env=clean_env(), text=True,
                                         preexec_fn=die_with_parent)
        finally:
            log.close()
        line = self._first_line(timeout=30)
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line or "")
        if not m:
            raise BenchError(f"kontor serve did not say where it listens (got {line!r}); "
                             f"its log: {self.log_tail()}")
        self.port = int(m.group(1))

    def _first_line(self, timeout):
        got = []
        t = threading.Thread(target=lambda: got.append(self.proc.stdout.readline()),
                             daemon=True)
        t.start()
        t.join(timeout)
        return got[0] if got else None

    def log_tail(self):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(max(0, os.path.getsize(self.log_path) - 2000))
                return f.read().decode(errors="replace").strip()
        except OSError:
            return "(no log)"

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM (graceful), SIGKILL after 20 s. Returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        rc = self.proc.returncode
        self.proc = None
        return rc


TICKS = os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid):
    """User + system CPU seconds of a process, all its threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def proc_status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise BenchError(f"/proc/{pid}/status has no {field}")


class MemorySampler:
    """Samples VmRSS of one process every 50 ms while running."""

    def __init__(self, pid):
        self.pid = pid
        self.max_kb = 0
        self.stop_ev = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop_ev.is_set():
            try:
                self.max_kb = max(self.max_kb, proc_status_kb(self.pid, "VmRSS"))
            except (OSError, BenchError):
                return
            self.stop_ev.wait(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_ev.set()
        self.thread.join()


def http_get(port, path, headers=None):
    c = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        return r.status, r.getheaders(), r.read().decode("utf-8", errors="replace")
    finally:
        c.close()


def cookies_of(headers):
    out = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            k, _, v = value.split(";", 1)[0].partition("=")
            out[k.strip()] = v.strip()
    return out


def login(port):
    """The browser's way in: the login form sets the kontor_login cookie and
    its hidden _csrf field (double submit); the POST answers a redirect with
    the kontor_session cookie."""
    status, headers, body = http_get(port, "/login")
    if status != 200:
        raise BenchError(f"GET /login answered {status}")
    pre = cookies_of(headers).get("kontor_login")
    m = re.search(r'name="_csrf" value="([^"]+)"', body)
    if not pre or not m:
        raise BenchError("the login page gave no kontor_login cookie or _csrf field")
    form = urllib.parse.urlencode({"_csrf": m.group(1), "login": LOGIN,
                                   "password": PASSWORD, "next": ""})
    c = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        c.request("POST", "/login", body=form,
                  headers={"Content-Type": "application/x-www-form-urlencoded",
                           "Cookie": f"kontor_login={pre}"})
        r = c.getresponse()
        r.read()
        session = cookies_of(r.getheaders()).get("kontor_session")
        if r.status not in (302, 303) or not session:
            raise BenchError(f"POST /login answered {r.status} without a session cookie")
        return session
    finally:
        c.close()


def check_endpoints(port, token, session, n):
    """Each endpoint answers what it should before it is timed."""
    status, _, body = http_get(port, "/healthz")
    if status != 200:
        raise BenchError(f"/healthz answered {status}")
    code = f"DEMO-{n:06d}"
    status, _, body = http_get(port, f"/api/v1/products/{code}",
                               {"Authorization": f"Bearer {token}"})
    if status != 200 or json.loads(body).get("code") != code:
        raise BenchError(f"/api/v1/products/{code} answered {status}: {body[:200]}")
    status, _, body = http_get(port, "/products", {"Cookie": f"kontor_session={session}"})
    rows = len(re.findall(r'<a href="/products/DEMO-\d+"', body))
    if status != 200 or rows != PER_PAGE:
        raise BenchError(f"/products answered {status} with {rows} product rows, "
                         f"not {PER_PAGE}")
    return len(body.encode())


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(out):
    def num(pattern, default=None):
        m = re.search(pattern, out)
        if not m:
            if default is None:
                raise BenchError(f"wrk output without {pattern!r}:\n{out}")
            return default
        return m.groups()

    (rps,) = num(r"Requests/sec:\s+([\d.]+)")
    (requests,) = num(r"(\d+) requests in ")
    non2xx = int(num(r"Non-2xx or 3xx responses:\s+(\d+)", ("0",))[0])
    sock = num(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
               ("0", "0", "0", "0"))
    p99 = num(r"\n\s+99%\s+([\d.]+)(us|ms|s|m)\b", ("nan", "ms"))
    return {"rps": float(rps), "requests": int(requests), "non2xx": non2xx,
            "socket_errors": sum(int(x) for x in sock),
            "p99_ms": float(p99[0]) * UNIT_MS[p99[1]]}


def wrk(url, seconds, threads, conns, headers=(), products=None):
    argv = ["wrk", "--latency", "-t", str(threads), "-c", str(conns), "-d", f"{seconds}s",
            "--timeout", "5s"]
    for h in headers:
        argv += ["-H", h]
    env = dict(os.environ)
    if products is not None:
        argv += ["-s", LUA]
        env["KONTOR_BENCH_PRODUCTS"] = str(products)
    argv.append(url)
    p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=seconds + 60)
    if p.returncode != 0:
        raise BenchError(f"wrk exited {p.returncode}: {p.stderr.strip()}")
    return parse_wrk(p.stdout)


def wait_idle(log_path, quiet=0.3, limit=30.0):
    """Wait until the server has answered what wrk left in flight when it
    stopped (its access log stops growing), so that a slow endpoint's backlog
    is not measured as the next endpoint's latency."""
    t_end = time.monotonic() + limit
    size = os.path.getsize(log_path)
    still = time.monotonic()
    while time.monotonic() < t_end:
        time.sleep(0.05)
        now = os.path.getsize(log_path)
        if now != size:
            size, still = now, time.monotonic()
        elif time.monotonic() - still >= quiet:
            return
    raise BenchError(f"the server was still busy {limit:.0f} s after wrk stopped")


# event=http.request method=GET path="/healthz" status=200 bytes=3 ms=0.010 user=0
ACCESS = re.compile(rb'event=http\.request method=(\S+) path="([^"]*)" status=(\d+)')


def classify(path):
    if path == b"/healthz":
        return "healthz"
    if path.startswith(b"/api/v1/products/"):
        return "api"
    if path == b"/products":
        return "html"
    return None


def access_counts(log_path, offset):
    """Requests per endpoint, statuses other than 2xx and the number of
    distinct products asked for, from the server's access log after OFFSET;
    warnings and errors of the server besides."""
    total = {"healthz": 0, "api": 0, "html": 0, None: 0}
    bad = {}
    codes = set()
    problems = []
    with open(log_path, "rb") as f:
        f.seek(offset)
        for line in f:
            m = ACCESS.search(line)
            if m:
                kind = classify(m.group(2))
                total[kind] += 1
                if kind == "api":
                    codes.add(m.group(2))
                status = int(m.group(3))
                if not 200 <= status <= 299:
                    key = (kind, status)
                    bad[key] = bad.get(key, 0) + 1
            elif b"level=error" in line or b"level=warn" in line:
                if len(problems) < 5:
                    problems.append(line.decode(errors="replace").strip())
    return total, bad, problems, len(codes)


def run(build, n):
    seconds = env_int("KONTOR_BENCH_WEB_SECONDS", 10, 1, 600)
    rounds = env_int("KONTOR_BENCH_WEB_ROUNDS", 2, 1, 20)
    conns = env_int("KONTOR_BENCH_WEB_CONNECTIONS", 32, 1, 400)
    wrk_threads = env_int("KONTOR_BENCH_WEB_WRK_THREADS", 2, 1, 64)
    server_threads = env_int("KONTOR_BENCH_WEB_SERVER_THREADS", 2, 1, 64)
    if conns < wrk_threads:
        raise BenchError("KONTOR_BENCH_WEB_CONNECTIONS must be at least the wrk threads")
    binary = os.path.join(build, "kontor")
    if not os.access(binary, os.X_OK):
        raise BenchError(f"{binary} does not exist; build first (make build)")
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed; run scripts/install-deps")

    scratch = tempfile.mkdtemp(prefix="kontor-bench-web.")
    server = None
    try:
        source = cached_database(binary, build, scratch, n)
        work = os.path.join(scratch, "db")
        shutil.copytree(source, work)  # users, tokens and sessions never reach the cache
        k = Kontor(binary, os.path.join(work, "kontor.db"), os.path.join(work, "data"), work)
        k.run("user", "add", LOGIN, "--name", "Bench", "--role", "admin", "--password-stdin",
              stdin=PASSWORD + "\n")
        out = k.run("token", "create", LOGIN, "--name", "bench", "--scope", "catalog.read")
        m = re.search(r"^(kt_\S+)$", out, re.M)
        if not m:
            raise BenchError(f"kontor token create printed no token: {out!r}")
        token = m.group(1)

        log_path = os.path.join(scratch, "serve.log")
        server = Server(k, server_threads, log_path)
        server.start()
        pid = server.proc.pid
        base = f"http://{HOST}:{server.port}"
        session = login(server.port)
        html_bytes = check_endpoints(server.port, token, session, n)
        wait_idle(log_path)
        offset = os.path.getsize(log_path)

        runs = {
            "healthz": dict(url=base + "/healthz"),
            "api": dict(url=base + "/api/v1/products/", products=n,
                        headers=[f"Authorization: Bearer {token}"]),
            "html": dict(url=base + "/products", headers=[f"Cookie: kontor_session={session}"]),
        }
        for name, spec in runs.items():  # warm the connections' page caches
            wrk(spec["url"], 2, wrk_threads, conns, spec.get("headers", ()),
                spec.get("products"))
            wait_idle(log_path)

        # The login's argon2id hash (64 MiB) is not load; measure from here.
        hwm_reset = True
        try:
            with open(f"/proc/{pid}/clear_refs", "w") as f:
                f.write("5")
        except OSError as e:
            hwm_reset = False
            note(f"cannot reset the server's VmHWM ({e}); it includes the login")

        results = {name: [] for name in runs}
        with MemorySampler(pid) as sampler:
            for r in range(rounds):
                for name, spec in runs.items():
                    cpu0 = proc_cpu_s(pid)
                    res = wrk(spec["url"], seconds, wrk_threads, conns,
                              spec.get("headers", ()), spec.get("products"))
                    wait_idle(log_path)
                    res["cpu_us"] = ((proc_cpu_s(pid) - cpu0) * 1e6 /
                                     max(res["requests"], 1))
                    note(f"round {r + 1} {name}: {res['rps']:.0f}/s p99 {res['p99_ms']:.2f} ms "
                         f"server CPU {res['cpu_us']:.0f} us/request "
                         f"non-2xx {res['non2xx']} socket errors {res['socket_errors']}")
                    results[name].append(res)
                    if not server.alive():
                        raise BenchError(f"kontor serve died: {server.log_tail()}")
        hwm_kb = proc_status_kb(pid, "VmHWM")
        rss_after_kb = proc_status_kb(pid, "VmRSS")
        total, bad, problems, distinct = access_counts(log_path, offset)
        rc = server.stop()
        server = None
        if rc != 0:
            problems.append(f"kontor serve exited {rc} after SIGTERM")
        for p in problems:
            note(f"server: {p}")

        best = {name: max(rs, key=lambda x: x["rps"]) for name, rs in results.items()}
        errors = {}
        for name, rs in results.items():
            wrk_done = sum(x["requests"] for x in rs)
            if total[name] < wrk_done:
                raise BenchError(f"the access log has {total[name]} {name} requests but wrk "
                                 f"counted {wrk_done}; the statuses cannot be checked")
            logged_bad = sum(c for (kind, _), c in bad.items() if kind == name)
            wrk_bad = sum(x["non2xx"] + x["socket_errors"] for x in rs)
            errors[name] = max(logged_bad, wrk_bad)
        statuses = ",".join(f"{kind or 'other'}:{st}x{c}" for (kind, st), c in sorted(bad.items(),
                                                                          key=str))
        if statuses:
            note(f"responses other than 2xx: {statuses}")

        ceiling = best["healthz"]["rps"]
        common = (f"products={n} seconds={seconds} rounds={rounds} conns={conns} "
                  f"wrk_threads={wrk_threads} server_threads={server_threads}")
        lines = []
        for name, bench, target, extra in (
                ("api", "api_product_get_vs_healthz", API_TARGET,
                 f" distinct_codes={distinct}"),
                ("html", "html_product_list_vs_healthz", HTML_TARGET,
                 f" page_bytes={html_bytes}")):
            b = best[name]
            ratio = b["rps"] / ceiling if ceiling > 0 else 0.0
            errs = errors[name] + errors["healthz"]
            ok = ratio >= target and errs == 0
            lines.append(
                f"BENCH web.sqlite.{bench} {common} rps={b['rps']:.0f} "
                f"p99_ms={b['p99_ms']:.2f} cpu_us={b['cpu_us']:.0f} healthz_rps={ceiling:.0f} "
                f"healthz_p99_ms={best['healthz']['p99_ms']:.2f} "
                f"healthz_cpu_us={best['healthz']['cpu_us']:.0f}{extra} errors={errs} "
                f"ratio={ratio:.3f} target>={target:.2f} {'pass' if ok else 'FAIL'}")
        peak_mb = max(hwm_kb, sampler.max_kb) / 1024.0
        all_errs = sum(errors.values())
        ok = peak_mb <= RSS_TARGET_MB and all_errs == 0
        lines.append(
            f"BENCH web.sqlite.rss_under_load_mb {common} vmhwm_mb={hwm_kb / 1024:.1f} "
            f"sampled_rss_max_mb={sampler.max_kb / 1024:.1f} "
            f"rss_after_mb={rss_after_kb / 1024:.1f} hwm_reset_after_login="
            f"{'yes' if hwm_reset else 'no'} errors={all_errs} ratio={peak_mb:.1f} "
            f"target<={RSS_TARGET_MB:.0f} {'pass' if ok else 'FAIL'}")
        print("\n".join(lines), flush=True)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def on_sigterm(signum, frame):
    """A stopped `make bench` unwinds like Ctrl-C, through the cleanup."""
    raise KeyboardInterrupt


def die_with_parent():
    """In the server's child process: SIGTERM it should this script be killed
    outright (prctl PR_SET_PDEATHSIG), so no server outlives the benchmark."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM, 0, 0, 0)


def main(argv):
    if len(argv) not in (2, 3) or argv[1] in ("-h", "--help"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        raw = argv[2] if len(argv) == 3 else os.environ.get("KONTOR_BENCH_WEB_PRODUCTS",
                                                           "1000000")
        if not raw.isdigit() or not 1 <= int(raw) <= 9999999:
            raise BenchError(f"N must be a number of products from 1 to 9999999, not {raw!r}")
        n = int(raw)
        if n < PER_PAGE:
            raise BenchError(f"N must be at least {PER_PAGE}: the list page shows {PER_PAGE}")
        run(os.path.abspath(argv[1]), n)
        return 0
    except BenchError as e:
        note(str(e))
        return 2
    except KeyboardInterrupt:
        note("interrupted; server stopped, scratch files removed")
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv))
