#!/usr/bin/env python3
"""HTTP tests: start a real `kontor serve` on a free loopback port against a
fresh database and talk HTTP to it, as a browser or an API client would.

    test_http.py KONTOR MKDB GROUP

GROUP is one of
  basic    healthz, 404/405, security headers, static files (ETag, gzip,
           path traversal), oversized headers and bodies, i18n catalogues;
  auth     login/logout, cookies, CSRF, throttling, API tokens and scopes,
           malformed JSON, unknown fields, wrong types, invalid UTF-8;
  matrix   the permission matrix generated from `kontor serve --routes
           --json`: every route x every role;
  expiry   a session ends after the idle timeout (takes a minute).
The backend comes from KT_TEST_BACKEND (a fresh database from MKDB).
Prints TAP and exits 1 if anything failed.
"""
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

KONTOR = os.path.abspath(sys.argv[1])
MKDB = os.path.abspath(sys.argv[2])
GROUP = sys.argv[3]
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
PASSWORD = "correct-horse-battery-9"

results = []


def check(cond, desc, detail=""):
    results.append(bool(cond))
    print(f"{'ok' if cond else 'not ok'} {len(results)} - {desc}", flush=True)
    if not cond and detail:
        for line in str(detail).splitlines()[:40]:
            print(f"#   {line}")


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KONTOR_")}
    env.update(extra or {})
    return env


class Resp:
    def __init__(self, r, body):
        self.status = r.status
        self.headers = r.getheaders()
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def __str__(self):
        hs = "\n".join(f"{k}: {v}" for k, v in self.headers)
        return f"status {self.status}\n{hs}\n\n{self.text()[:2000]}"


class Server:
    """A kontor serve process with its own data directory and database."""

    def __init__(self, tmp, db_url, ini_extra=""):
        self.tmp = tmp
        self.db = db_url
        self.ini = os.path.join(tmp, "kontor.ini")
        with open(self.ini, "w") as f:
            f.write(f"""[database]
url = {db_url}
[data]
dir = {tmp}/var
[web]
dir = {REPO}/web
[http]
threads = 4
max_body = 65536
max_header = 8192
shutdown_s = 5
[access]
password_mem_kib = 8
password_ops = 1
{ini_extra}
""")
        self.proc = None
        self.port = None
        self.log = os.path.join(tmp, "serve.log")

    def cli(self, *args, stdin=None):
        p = subprocess.run([KONTOR, "--config", self.ini] + list(args), cwd=self.tmp,
                           env=clean_env(), capture_output=True, timeout=60,
                           input=stdin.encode() if stdin else None)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def start(self, *extra):
        self.logf = open(self.log, "ab")
        self.proc = subprocess.Popen([KONTOR, "--config", self.ini, "serve", "--listen",
                                      "127.0.0.1:0"] + list(extra),
                                     cwd=self.tmp, env=clean_env(), stdout=subprocess.PIPE,
                                     stderr=self.logf)
        line = self.proc.stdout.readline().decode()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            raise RuntimeError(f"kontor serve did not start: {line!r}; log: {self.read_log()}")
        self.port = int(m.group(1))

    def read_log(self):
        with open(self.log, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.proc.stdout.close()
            self.logf.close()

    def request(self, method, path, body=None, headers=None, raw_path=False):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return Resp(r, data)
        finally:
            c.close()


class Browser:
    """Keeps cookies like a browser does (enough for our one host)."""

    def __init__(self, srv):
        self.srv = srv
        self.cookies = {}

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def take_cookies(self, r):
        for sc in r.all("Set-Cookie"):
            nv = sc.split(";", 1)[0]
            k, _, v = nv.partition("=")
            if "Max-Age=0" in sc or v == "":
                self.cookies.pop(k, None)
            else:
                self.cookies[k] = v

    def request(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = self.cookie_header()
        r = self.srv.request(method, path, body=body, headers=h)
        self.take_cookies(r)
        return r

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post_form(self, path, fields, headers=None):
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.request("POST", path, body=urllib.parse.urlencode(fields), headers=h)

    def post_json(self, path, obj, headers=None, method="POST"):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        body = obj if isinstance(obj, (bytes, str)) else json.dumps(obj)
        return self.request(method, path, body=body, headers=h)

    def login(self, login, password=PASSWORD):
        r = self.get("/login")
        token = hidden(r.text(), "_csrf")
        return self.post_form("/login", {"_csrf": token, "login": login, "password": password})

    def csrf(self):
        """The session's CSRF token, as a page's forms carry it."""
        r = self.get("/account")
        return hidden(r.text(), "_csrf")


def make_token(b, scopes):
    r = b.post_json("/api/v1/tokens", {"name": "t " + scopes, "scopes": scopes},
                    headers={"X-CSRF-Token": b.csrf()})
    return (r.json() or {}).get("token", "")


def hidden(html, name):
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), html)
    return m.group(1) if m else None


# --- setup --------------------------------------------------------------------

DATABASES = []


def make_server(tmp, ini_extra=""):
    url = subprocess.run([MKDB], capture_output=True, text=True, check=True).stdout.strip()
    DATABASES.append(url)
    srv = Server(tmp, url, ini_extra)
    rc, out, err = srv.cli("init")
    if rc != 0:
        raise RuntimeError(f"init failed: {err}")
    return srv


def roles_of(srv):
    rc, out, err = srv.cli("--json", "role", "list")
    if rc != 0:
        raise RuntimeError(f"role list failed: {err}")
    return json.loads(out)


def add_user(srv, login, role, customer=None):
    args = ["user", "add", login, "--name", f"User {login}", "--role", role,
            "--password-stdin"]
    if customer:
        args += ["--customer", customer]
    rc, out, err = srv.cli(*args, stdin=PASSWORD + "\n")
    if rc != 0:
        raise RuntimeError(f"user add {login} failed: {err}")


def add_customer(srv, code):
    rc, out, err = srv.cli("customer", "add", code, "--name", "Hurtownia Testowa",
                           "--country", "PL", "--tax-id", "5260250274")
    if rc != 0:
        raise RuntimeError(f"customer add failed: {err}")


def png_bytes(w=4, h=3):
    """A real PNG image (RGB, w x h) made with the standard library."""
    import struct
    import zlib

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\x00" + b"".join(bytes([(x * 60) % 256, (y * 80) % 256, 120])
                                      for x in range(w)) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def multipart(fields, files):
    """(body, content type) of a multipart/form-data form; files are
    (field, filename, content type, bytes)."""
    boundary = "----kontor-test-" + os.urandom(8).hex()
    out = b""
    for k, v in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n"
                f"{v}\r\n").encode()
    for field, name, ctype, data in files:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
                f"filename=\"{name}\"\r\nContent-Type: {ctype}\r\n\r\n").encode()
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, "multipart/form-data; boundary=" + boundary


def cli_ok(srv, *args):
    rc, out, err = srv.cli(*args)
    if rc != 0:
        raise RuntimeError(f"kontor {' '.join(args)} failed: {err}")
    return out


def html_problems(html):
    """What the browser tests would flag in a page: duplicate ids, form
    controls without a label, images without alt, headings that skip a
    level, missing landmarks."""
    from html.parser import HTMLParser

    class P(HTMLParser):
        def __init__(self):
            super().__init__()
            self.ids, self.fors, self.controls, self.problems = {}, set(), [], []
            self.headings, self.tags, self.label_depth = [], set(), 0

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            self.tags.add(tag)
            if "id" in a:
                self.ids[a["id"]] = self.ids.get(a["id"], 0) + 1
            if tag == "label":
                self.label_depth += 1
                if a.get("for"):
                    self.fors.add(a["for"])
            if tag in ("input", "select", "textarea") and a.get("type") not in (
                    "hidden", "submit", "button"):
                self.controls.append((a.get("id"), a.get("name"), self.label_depth > 0 or
                                      "aria-label" in a))
            if tag == "img" and "alt" not in a:
                self.problems.append(f"img without alt: {a.get('src')}")
            if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
                self.headings.append(int(tag[1]))

        def handle_endtag(self, tag):
            if tag == "label":
                self.label_depth -= 1

    p = P()
    p.feed(html)
    out = list(p.problems)
    out += [f"duplicate id {k}" for k, n in p.ids.items() if n > 1]
    out += [f"control {name} without a label" for cid, name, wrapped in p.controls
            if not wrapped and cid not in p.fors]
    last = 0
    for h in p.headings:
        if h > last + 1:
            out.append(f"heading h{h} after h{last}")
        last = h
    if p.headings.count(1) != 1:
        out.append(f"{p.headings.count(1)} h1 headings")
    out += [f"no <{t}>" for t in ("header", "nav", "main") if t not in p.tags]
    return out


SEC_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def has_security_headers(r):
    return all(r.header(k) == v for k, v in SEC_HEADERS.items())


def api_error(r, status, code=None, field=None):
    j = r.json()
    if r.status != status or not j or "error" not in j:
        return False
    e = j["error"]
    if not isinstance(e.get("message"), str) or not e["message"]:
        return False
    if code is not None and e.get("code") != code:
        return False
    if field is not None and e.get("field") != field:
        return False
    return r.header("Content-Type") == "application/json"


def raw_request(port, data, read_timeout=10):
    """Sends bytes as they are and returns the status line (or '')."""
    s = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    try:
        s.sendall(data)
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
        return buf.split(b"\r\n", 1)[0].decode("latin-1")
    except (ConnectionResetError, BrokenPipeError):
        return ""
    finally:
        s.close()


# --- basic --------------------------------------------------------------------

def group_basic(tmp):
    srv = make_server(tmp)
    srv.start("--no-worker")
    try:
        r = srv.request("GET", "/healthz")
        check(r.status == 200 and r.text() == "ok\n", "GET /healthz answers 200 ok", r)
        check(has_security_headers(r), "every response carries the security headers", r)
        r = srv.request("HEAD", "/healthz")
        check(r.status == 200 and r.body == b"", "HEAD /healthz: 200 without a body", r)

        r = srv.request("GET", "/no/such/page")
        check(r.status == 404 and "text/html" in (r.header("Content-Type") or "") and
              "<main" in r.text() and has_security_headers(r),
              "unknown page: 404 HTML page in the layout", r)
        r = srv.request("GET", "/api/v1/nothing-here")
        check(api_error(r, 404, "not_found"), "unknown API path: 404 JSON error body", r)
        r = srv.request("DELETE", "/healthz")
        check(r.status == 405 and r.header("Allow") == "GET, HEAD", "wrong method: 405 with Allow",
              r)
        r = srv.request("PUT", "/api/v1/tokens")
        check(api_error(r, 405, "method_not_allowed") and r.header("Allow") == "GET, HEAD, POST",
              "wrong method on the API: 405 JSON with Allow", r)
        r = srv.request("OPTIONS", "/healthz")
        check(r.status == 405 and r.header("Allow"), "a method we do not serve: 405", r)

        r = srv.request("GET", "/api/v1")
        j = r.json() or {}
        check(r.status == 200 and any(e["path"] == "/api/v1/me" for e in j.get("endpoints", [])),
              "GET /api/v1 lists the endpoints", r)
        r = srv.request("GET", "/api/v1/me")
        check(api_error(r, 401, "unauthorized") and
              (r.header("WWW-Authenticate") or "").startswith("Bearer"),
              "API without credentials: 401 with WWW-Authenticate", r)
        r = srv.request("GET", "/dashboard")
        check(r.status == 303 and r.header("Location") == "/login?next=/dashboard",
              "page without a session: redirect to the login page", r)
        r = srv.request("GET", "/")
        check(r.status == 303 and r.header("Location") == "/login", "/ leads to the login page",
              r)

        # --- static files
        with open(os.path.join(REPO, "web/static/kontor.css"), "rb") as f:
            css = f.read()
        r = srv.request("GET", "/static/kontor.css")
        etag = r.header("ETag")
        check(r.status == 200 and r.body == css and
              r.header("Content-Type") == "text/css; charset=utf-8" and etag and
              r.header("Cache-Control") == "public, no-cache",
              "static file: the bytes, content type, ETag, revalidate without ?v", r)
        r = srv.request("GET", "/static/kontor.css", headers={"If-None-Match": etag})
        check(r.status == 304 and r.body == b"", "static file: If-None-Match gives 304", r)
        r = srv.request("GET", "/static/kontor.css?v=" + etag.strip('"'))
        check(r.status == 200 and "immutable" in (r.header("Cache-Control") or ""),
              "static file with ?v=ETAG is cached for a year", r)
        r = srv.request("GET", "/static/kontor.css", headers={"Accept-Encoding": "gzip, br"})
        check(r.status == 200 and r.header("Content-Encoding") == "gzip" and
              gzip.decompress(r.body) == css and len(r.body) < len(css) and
              r.header("Vary") == "Accept-Encoding",
              "static file: gzip variant when accepted", r)
        r = srv.request("GET", "/static/kontor.css", headers={"Accept-Encoding": "gzip;q=0"})
        check(r.status == 200 and r.header("Content-Encoding") is None and r.body == css,
              "static file: gzip;q=0 gets the plain bytes", r)
        r = srv.request("GET", "/static/kontor.js")
        check(r.status == 200 and r.header("Content-Type").startswith("text/javascript"),
              "the script is served as JavaScript", r)

        with open(os.path.join(tmp, "kontor.ini"), "rb") as f:
            ini = f.read()
        for path in ["/static/../kontor.ini", "/static/%2e%2e/kontor.ini",
                     "/static/%2E%2E/%2E%2E/kontor.ini", "/static/..%2fkontor.ini",
                     "/static/%2e%2e%2f%2e%2e%2fkontor.ini", "/static//etc/passwd",
                     "/static/./kontor.css", "/static/.hidden", "/static/kontor.css%00",
                     "/static/%252e%252e/kontor.ini", "/static/..\\kontor.ini"]:
            r = srv.request("GET", path)
            check(r.status == 404 and ini not in r.body and b"[database]" not in r.body,
                  f"path traversal {path} is a 404", r)

        # --- limits
        r = srv.request("GET", "/healthz", headers={"X-Big": "a" * 20000})
        check(r.status == 431, "oversized header: 431", r)
        # max_header is 8192: request line and headers just under it are read whole, with
        # 60 cookies (MHD keeps a copy of the Cookie header and a record per cookie)
        cookies = "; ".join(f"c{i:02d}={'v' * 60}" for i in range(60))
        # counted as the server counts: path, method, 12, and name, value and 4 a header
        # (http.client adds Host and Accept-Encoding)
        used = (len("/healthz") + len("GET") + 12 + len("Host") + len(f"127.0.0.1:{srv.port}") +
                4 + len("Accept-Encoding") + len("identity") + 4 + len("Cookie") + len(cookies) +
                4 + len("X-Pad") + 4)
        r = srv.request("GET", "/healthz", headers={"Cookie": cookies,
                                                   "X-Pad": "p" * (8192 - 10 - used)})
        check(r.status == 200, "headers with 60 cookies, just under max_header: read whole", r)
        r = srv.request("GET", "/healthz", headers={"Cookie": cookies,
                                                   "X-Pad": "p" * (8192 + 10 - used)})
        check(r.status == 431 and b"larger than 8192 bytes" in r.body,
              "the same just over max_header: 431 from Kontor, naming the limit", r)
        body = json.dumps({"name": "x" * 70000, "scopes": "api"})
        r = srv.request("POST", "/api/v1/tokens", body=body,
                        headers={"Content-Type": "application/json"})
        check(api_error(r, 413, "payload_too_large"), "oversized body (Content-Length): 413", r)
        status = raw_request(srv.port, b"POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Type: application/json\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n" +
                             b"".join(b"4000\r\n" + b"a" * 0x4000 + b"\r\n" for _ in range(6)) +
                             b"0\r\n\r\n")
        check(status.startswith("HTTP/1.1 413"), "oversized chunked body: 413", status)
        r = srv.request("GET", "/healthz")
        check(r.status == 200, "the server keeps serving after the bad requests", r)

        # --- language
        r = srv.request("GET", "/login", headers={"Accept-Language": "en-GB,en;q=0.9,pl;q=0.5"})
        check(r.status == 200 and "<h1>Log in</h1>" in r.text() and 'lang="en"' in r.text(),
              "Accept-Language picks English", r)
        r = srv.request("GET", "/login", headers={"Accept-Language": "de-DE, fr;q=0.8"})
        check("<h1>Logowanie</h1>" in r.text(), "an unsupported language falls back to Polish",
              r)
        r = srv.request("GET", "/login", headers={"Accept-Language": "pl;q=0.4, en;q=0.6"})
        check("<h1>Log in</h1>" in r.text(), "the highest q-value wins", r)
        b = Browser(srv)
        r = b.get("/lang/en?next=/login")
        check(r.status == 303 and r.header("Location") == "/login" and
              b.cookies.get("kontor_lang") == "en", "/lang/en sets the language cookie", r)
        r = b.get("/login", headers={"Accept-Language": "pl"})
        check("<h1>Log in</h1>" in r.text(), "the chosen language beats Accept-Language", r)
        r = b.get("/lang/de")
        check(r.status == 400 and "code" in r.text(), "an unknown language is a 400 naming the "
              "field", r)

        # --- the access log
        log = srv.read_log()
        check(re.search(r'event=http\.request method=GET path="/healthz" status=200 bytes=3 '
                        r'ms=\d+\.\d{3}', log) is not None,
              "one access log line per request with method, path, status, bytes, ms", log[-2000:])
    finally:
        srv.stop()
    check(srv.proc.returncode == 0, "SIGTERM stops the server cleanly (exit 0)",
          srv.read_log()[-2000:])

    # catalogues: same keys in every language
    with open(os.path.join(REPO, "web/i18n/pl.json")) as f:
        pl = json.load(f)
    with open(os.path.join(REPO, "web/i18n/en.json")) as f:
        en = json.load(f)

    def keys(o, p=""):
        out = set()
        for k, v in o.items():
            out |= keys(v, p + k + ".") if isinstance(v, dict) else {p + k}
        return out
    check(keys(pl) == keys(en) and len(keys(pl)) > 20, "pl.json and en.json have the same keys",
          keys(pl) ^ keys(en))
    tdir = os.path.join(REPO, "web/templates")
    for root, _, files in os.walk(tdir):
        for name in sorted(files):
            with open(os.path.join(root, name)) as f:
                used = set(re.findall(r"\{\{\s*t\.([a-z0-9_.]+)\s*\}\}", f.read()))
            missing = sorted(k for k in used if k not in keys(pl))
            tpl = os.path.relpath(os.path.join(root, name), tdir)
            check(not missing, f"template {tpl} uses only catalogue keys that exist",
                  missing)

    # a broken deployed template is a clear start-up error
    bad = os.path.join(tmp, "badweb")
    shutil.copytree(os.path.join(REPO, "web"), bad)
    with open(os.path.join(bad, "templates/login.mustache"), "a") as f:
        f.write("{{#unclosed}}\n")
    p = subprocess.run([KONTOR, "--config", srv.ini, "serve", "--listen", "127.0.0.1:0"],
                       cwd=tmp, env=clean_env({"KONTOR_WEB_DIR": bad}), capture_output=True,
                       timeout=30)
    err = p.stderr.decode()
    check(p.returncode != 0 and "login" in err and "line" in err,
          "a template syntax error stops start-up and names the template and line", err)
    with open(os.path.join(bad, "i18n/en.json"), "w") as f:
        json.dump({"layout": {}}, f)
    shutil.copy(os.path.join(REPO, "web/templates/login.mustache"),
                os.path.join(bad, "templates/login.mustache"))
    p = subprocess.run([KONTOR, "--config", srv.ini, "serve", "--listen", "127.0.0.1:0"],
                       cwd=tmp, env=clean_env({"KONTOR_WEB_DIR": bad}), capture_output=True,
                       timeout=30)
    err = p.stderr.decode()
    check(p.returncode != 0 and "en.json" in err and "lacks the key" in err,
          "catalogues with different keys stop start-up", err)
    p = subprocess.run([KONTOR, "--config", srv.ini, "serve", "--listen", "127.0.0.1:99999"],
                       cwd=tmp, env=clean_env(), capture_output=True, timeout=30)
    check(p.returncode == 2 and "port" in p.stderr.decode(), "a bad --listen is a usage error",
          p.stderr.decode())


# --- auth ---------------------------------------------------------------------

def group_auth(tmp):
    srv = make_server(tmp, "login_attempts = 3")
    add_user(srv, "ada", "admin")
    add_user(srv, "sam", "sales")
    add_customer(srv, "K001")
    add_user(srv, "kim", "customer_buyer", customer="K001")
    srv.start()
    try:
        b = Browser(srv)
        r = b.get("/login")
        token = hidden(r.text(), "_csrf")
        check(r.status == 200 and token and "kontor_login" in b.cookies,
              "login page: a form with a CSRF token bound to a cookie", r)
        r = b.post_form("/login", {"login": "ada", "password": PASSWORD})
        check(r.status == 403 and "kontor_session" not in b.cookies,
              "login without the CSRF field: 403", r)
        r = b.post_form("/login", {"_csrf": "0" * 48, "login": "ada", "password": PASSWORD})
        check(r.status == 403, "login with a wrong CSRF token: 403", r)
        r = b.post_form("/login", {"_csrf": token, "login": "ada", "password": "wrong-password-1"})
        check(r.status == 401 and "kontor_session" not in b.cookies and
              'class="error-summary"' in r.text(), "wrong password: 401 and the form again", r)
        r = b.post_form("/login", {"_csrf": token, "login": "ada", "password": PASSWORD,
                                   "next": "/account"})
        sc = [c for c in r.all("Set-Cookie") if c.startswith("kontor_session=")]
        check(r.status == 303 and r.header("Location") == "/account" and sc and
              "HttpOnly" in sc[0] and "SameSite=Lax" in sc[0] and "Path=/" in sc[0] and
              "Secure" not in sc[0], "login: session cookie HttpOnly, SameSite=Lax, Path=/", r)
        first_session = b.cookies.get("kontor_session")
        r = b.get("/dashboard")
        check(r.status == 200 and "User ada" in r.text(), "logged in: the dashboard greets", r)
        r = b.get("/login")
        check(r.status == 303 and r.header("Location") == "/dashboard",
              "the login page sends a logged-in user on", r)
        r = b.get("/api/v1/me")
        j = r.json() or {}
        check(r.status == 200 and j.get("login") == "ada" and j.get("via") == "session" and
              "catalog.write" in j.get("permissions", []), "GET /api/v1/me with the session", r)

        # login again from the same browser: a new session (rotated at login)
        b2 = Browser(srv)
        b2.cookies["kontor_session"] = first_session
        r = b2.get("/login")
        check(r.status == 303, "a second login page view sees the session", r)
        # logout needs the CSRF token
        r = b.post_form("/logout", {})
        check(r.status == 403 and b.get("/account").status == 200,
              "logout without the CSRF token: 403 and still logged in", r)
        csrf = b.csrf()
        r = b.post_form("/logout", {"_csrf": csrf})
        check(r.status == 303 and r.header("Location") == "/login" and
              "kontor_session" not in b.cookies, "logout: cookie cleared, back to login", r)
        r = b.get("/login")
        check("Wylogowano" in r.text() and "flash-success" in r.text(),
              "after logout a flash message says so (once)", r)
        r = b.get("/login")
        check("Wylogowano" not in r.text(), "the flash message shows only once", r)
        b.cookies["kontor_session"] = first_session
        r = b.get("/account")
        check(r.status == 303 and r.header("Location").startswith("/login"),
              "the old session token no longer works after logout", r)
        check("kontor_session" not in b.cookies, "a dead session cookie is cleared", r)

        # sessions rotate at login
        b = Browser(srv)
        b.cookies["kontor_session"] = "attacker-chosen-token-value-0000000000000"
        r = b.login("ada")
        check(r.status == 303 and b.cookies.get("kontor_session") not in
              (None, "attacker-chosen-token-value-0000000000000"),
              "login issues a fresh session token, never the one the browser had", r)

        # staff pages vs customer users
        c = Browser(srv)
        r = c.login("kim")
        check(r.status == 303 and r.header("Location") == "/account",
              "a customer user lands on the account page", r)
        r = c.get("/dashboard")
        check(r.status == 403 and "text/html" in r.header("Content-Type"),
              "a customer user gets 403 on a back-office page", r)

        # --- API tokens and scopes
        csrf = b.csrf()
        r = b.post_json("/api/v1/tokens", {"name": "sync", "scopes": "catalog.read api"})
        check(api_error(r, 403, "csrf"), "API POST with a session but no X-CSRF-Token: 403", r)
        r = b.post_json("/api/v1/tokens", {"name": "sync", "scopes": "catalog.read api"},
                        headers={"X-CSRF-Token": csrf})
        j = r.json() or {}
        tok = j.get("token", "")
        check(r.status == 201 and tok.startswith("kt_") and j.get("scopes") ==
              "catalog.read api" and r.header("Location") == f"/api/v1/tokens/{j.get('id')}",
              "create a token: 201, the secret once, Location", r)
        api = Browser(srv)
        bearer = {"Authorization": "Bearer " + tok}
        r = api.get("/api/v1/me", headers=bearer)
        j = r.json() or {}
        check(r.status == 200 and j.get("via") == "token" and
              sorted(j.get("permissions", [])) == ["api", "catalog.read"],
              "a bearer token acts with its scopes only", r)
        r = api.get("/api/v1/tokens", headers=bearer)
        j = r.json() or {}
        check(r.status == 200 and j.get("total") == 1 and j.get("page") == 1 and
              j.get("per_page") == 50 and "token" not in j["items"][0],
              "token list: paginated, no secrets", r)
        r = api.post_json("/api/v1/tokens", {"name": "wider", "scopes": "catalog.write api"},
                          headers=bearer)
        check(api_error(r, 403, "forbidden", "scopes"),
              "a token cannot mint a token with more scopes than it has", r)
        r = api.post_json("/api/v1/tokens", {"name": "narrow", "scopes": "catalog.read"},
                          headers=bearer)
        narrow = (r.json() or {}).get("token", "")
        check(r.status == 201 and narrow, "a token may make a narrower one (no CSRF needed)", r)
        r = api.get("/api/v1/tokens", headers={"Authorization": "Bearer " + narrow})
        check(api_error(r, 403, "forbidden"), "a token without the 'api' scope gets 403", r)
        r = api.get("/api/v1/me", headers={"Authorization": "Bearer kt_nonsense"})
        check(api_error(r, 401, "invalid_token"), "an unknown bearer token: 401", r)
        r = api.get("/api/v1/me", headers={"Authorization": "Basic YWRhOnB3"})
        check(api_error(r, 401), "a non-bearer Authorization header: 401", r)
        r = api.get("/api/v1/tokens?page=1&per_page=1&bogus=1", headers=bearer)
        check(api_error(r, 400, "unknown_field", "bogus"), "an unknown query parameter: 400", r)
        r = api.get("/api/v1/tokens?per_page=1000", headers=bearer)
        check(api_error(r, 400, "invalid_field", "per_page"), "per_page out of range: 400", r)
        r = api.get("/api/v1/tokens?page=2&per_page=1", headers=bearer)
        j = r.json() or {}
        check(r.status == 200 and j.get("page") == 2 and len(j.get("items", [])) == 1 and
              j.get("total") == 2, "pagination: page 2 of 1-item pages", r)

        # --- malformed requests
        r = api.post_json("/api/v1/tokens", '{"name": "x", "scopes": ', headers=bearer)
        check(api_error(r, 400, "invalid_json"), "malformed JSON: 400", r)
        r = api.post_json("/api/v1/tokens", '["name"]', headers=bearer)
        check(api_error(r, 400, "invalid_json"), "a JSON array instead of an object: 400", r)
        r = api.post_json("/api/v1/tokens", b'{"name": "\xff\xfe", "scopes": "api"}',
                          headers=bearer)
        check(api_error(r, 400, "invalid_utf8"), "invalid UTF-8: 400", r)
        r = api.post_json("/api/v1/tokens", {"name": "x", "scopes": "api", "admin": True},
                          headers=bearer)
        check(api_error(r, 400, "unknown_field", "admin"), "an unknown field: 400 naming it", r)
        r = api.post_json("/api/v1/tokens", {"name": 5, "scopes": "api"}, headers=bearer)
        check(api_error(r, 400, "invalid_field", "name"), "a wrong type: 400 naming the field",
              r)
        r = api.post_json("/api/v1/tokens", {"scopes": "api"}, headers=bearer)
        check(api_error(r, 400, "invalid_field", "name"), "a missing field: 400 naming it", r)
        r = api.post_json("/api/v1/tokens", {"name": "x", "scopes": "api",
                                             "expires_on": "2026-02-30"}, headers=bearer)
        check(api_error(r, 400, "invalid_field", "expires_on"), "an impossible date: 400", r)
        r = api.post_json("/api/v1/tokens", {"name": "x", "scopes": "nosuch.scope"},
                          headers=bearer)
        check(api_error(r, 422, None, "scopes"), "an unknown scope: 422 naming the field", r)
        r = api.request("POST", "/api/v1/tokens", body="name=x",
                        headers=dict(bearer, **{"Content-Type": "text/plain"}))
        check(api_error(r, 415), "a body that is not JSON: 415", r)
        r = api.request("DELETE", "/api/v1/tokens/abc", headers=bearer)
        check(api_error(r, 400, "invalid_field", "id"), "a path parameter of the wrong type: 400",
              r)
        r = api.request("DELETE", "/api/v1/tokens/999999", headers=bearer)
        check(api_error(r, 404, "not_found"), "revoking a token that is not yours: 404", r)
        tid = (api.get("/api/v1/tokens", headers=bearer).json() or {})["items"][0]["id"]
        r = api.request("DELETE", f"/api/v1/tokens/{tid}", headers=bearer)
        check(r.status == 204, "revoke a token: 204", r)

        # --- products: create, read, optimistic locking
        cw = {"Authorization": "Bearer " + make_token(b, "catalog.read catalog.write api")}
        r = api.post_json("/api/v1/products", {"code": "KAB-3x1,5", "name_pl": "Kabel YDY 3x1,5",
                                               "unit": "m", "ean": "5901234123457",
                                               "weight_g": 120}, headers=cw)
        j = r.json() or {}
        check(r.status == 201 and r.header("ETag") == '"v1"' and
              r.header("Location") == "/api/v1/products/KAB-3x1,5" and j.get("version") == 1 and
              j.get("name_pl") == "Kabel YDY 3x1,5", "create a product: 201, Location, ETag", r)
        r = api.get("/api/v1/products/KAB-3x1%2C5", headers=cw)
        check(r.status == 200 and (r.json() or {}).get("ean") == "5901234123457" and
              r.header("ETag") == '"v1"', "read it back by its (encoded) code with its ETag", r)
        r = api.post_json("/api/v1/products", {"code": "KAB-3x1,5", "name_pl": "Again"},
                          headers=cw)
        check(api_error(r, 409, "conflict"), "a taken product code: 409", r)
        r = api.post_json("/api/v1/products", {"code": "X-1", "name_pl": "X",
                                               "ean": "5901234123458"}, headers=cw)
        check(api_error(r, 422, "unprocessable", "ean"), "a wrong EAN check digit: 422 naming "
              "ean", r)
        r = api.post_json("/api/v1/products", {"code": "X-2", "name_pl": "X", "weight_g": "12"},
                          headers=cw)
        check(api_error(r, 400, "invalid_field", "weight_g"), "a number sent as a string: 400",
              r)
        body = {"name_pl": "Kabel YDY 3x1,5 mm²", "unit": "m", "ean": "5901234123457"}
        r = api.post_json("/api/v1/products/KAB-3x1,5", body, method="PUT", headers=cw)
        check(api_error(r, 428, "precondition_required"), "an update without If-Match: 428", r)
        r = api.post_json("/api/v1/products/KAB-3x1,5", body, method="PUT",
                          headers=dict(cw, **{"If-Match": '"v1"'}))
        check(r.status == 200 and r.header("ETag") == '"v2"' and
              (r.json() or {}).get("name_pl") == "Kabel YDY 3x1,5 mm²",
              "an update with the current ETag: 200 and the next version", r)
        stale = dict(body, name_pl="Lost update")
        r = api.post_json("/api/v1/products/KAB-3x1,5", stale, method="PUT",
                          headers=dict(cw, **{"If-Match": '"v1"'}))
        check(api_error(r, 412, "precondition_failed"), "an update with a stale ETag: 412", r)
        r = api.get("/api/v1/products/KAB-3x1,5", headers=cw)
        check((r.json() or {}).get("name_pl") == "Kabel YDY 3x1,5 mm²" and
              r.header("ETag") == '"v2"', "the stale update changed nothing", r)
        r = api.post_json("/api/v1/products/KAB-3x1,5", body, method="PUT",
                          headers=dict(cw, **{"If-Match": "v2-garbage"}))
        check(api_error(r, 400, "invalid_header"), "a malformed If-Match: 400", r)
        r = api.post_json("/api/v1/products/NOPE", body, method="PUT",
                          headers=dict(cw, **{"If-Match": '"v1"'}))
        check(api_error(r, 404, "not_found"), "updating a product that does not exist: 404", r)
        r = api.get("/api/v1/products?q=ydy", headers=cw)
        j = r.json() or {}
        check(r.status == 200 and [i["code"] for i in j.get("items", [])] == ["KAB-3x1,5"],
              "search by a name word finds the product", r)
        r = api.get("/api/v1/products?per_page=10", headers=cw)
        j = r.json() or {}
        check(r.status == 200 and j.get("total") == 1 and j.get("per_page") == 10,
              "the product list counts the total", r)
        r = api.get("/api/v1/products/KAB-3x1,5/stock", headers=cw)
        j = r.json() or {}
        check(r.status == 200 and j.get("total", {}).get("on_hand") == "0",
              "stock of a product with no stock: zeros as decimal strings", r)
        r = api.post_json("/api/v1/products", {"code": "X-3", "name_pl": "X"}, headers=bearer)
        check(api_error(r, 403, "forbidden"), "a token without catalog.write cannot create", r)

        # --- customers: create, merge update, optimistic locking
        cu = {"Authorization": "Bearer " + make_token(b, "customers.read customers.write api")}
        r = api.post_json("/api/v1/customers", {"code": "K100", "name": "Elektro Hurt Sp. z o.o.",
                                                "country": "pl", "tax_id": "526-025-02-74",
                                                "postal_code": "00-001", "city": "Warszawa",
                                                "credit_limit": "5000.00"}, headers=cu)
        j = r.json() or {}
        check(r.status == 201 and r.header("ETag") == '"v1"' and j.get("tax_id") == "5260250274"
              and j.get("currency") == "PLN" and j.get("credit_limit") == "5000.00",
              "create a customer: defaults from the country, money as a decimal string", r)
        r = api.post_json("/api/v1/customers", {"code": "K101", "name": "X", "country": "PL",
                                                "postal_code": "123"}, headers=cu)
        check(api_error(r, 422, "unprocessable", "postal_code"),
              "a bad postal code: 422 naming postal_code", r)
        r = api.post_json("/api/v1/customers", {"code": "K102", "name": "X", "country": "PL",
                                                "credit_limit": 5000}, headers=cu)
        check(api_error(r, 400, "invalid_field", "credit_limit"),
              "money as a JSON number: 400", r)
        r = api.post_json("/api/v1/customers/K100", {"payment_days": 30}, method="PATCH",
                          headers=dict(cu, **{"If-Match": '"v1"'}))
        j = r.json() or {}
        check(r.status == 200 and j.get("payment_days") == 30 and j.get("city") == "Warszawa" and
              r.header("ETag") == '"v2"', "PATCH changes what is sent and keeps the rest", r)
        r = api.post_json("/api/v1/customers/K100", {"payment_days": 7}, method="PATCH",
                          headers=dict(cu, **{"If-Match": '"v1"'}))
        check(api_error(r, 412, "precondition_failed"), "a stale customer update: 412", r)
        r = api.get("/api/v1/customers?q=elek", headers=cu)
        j = r.json() or {}
        check(r.status == 200 and j.get("total") == 1 and j["items"][0]["payment_days"] == 30,
              "customer search by name prefix", r)
        r = api.get("/api/v1/customers/K100", headers=bearer)
        check(api_error(r, 403, "forbidden"), "a token without customers.read: 403", r)

        # --- the product screens
        r = b.get("/products")
        check(r.status == 200 and "KAB-3x1,5" in r.text() and 'data-label=' in r.text() and
              'role="combobox"' in r.text(), "the product list shows the product as a table", r)
        r = b.get("/products?q=ydy")
        check(r.status == 200 and "/products/KAB-3x1%2C5" in r.text(),
              "searching the list finds it by a name word", r)
        r = b.get("/products?q=nothing-like-this")
        check(r.status == 200 and "empty-state" in r.text(), "an empty search says so", r)
        r = b.get("/api/v1/suggest/products?q=kab")
        j = r.json() or {}
        check(r.status == 200 and [i["code"] for i in j.get("items", [])] == ["KAB-3x1,5"],
              "autocomplete suggests by code prefix (with the session, no CSRF for GET)", r)
        r = b.get("/products/KAB-3x1%2C5")
        check(r.status == 200 and "Kabel YDY 3x1,5 mm²" in r.text() and "empty-state" in r.text(),
              "the product page shows the name and that there is no stock", r)
        r = b.get("/products/NOPE")
        check(r.status == 404 and "<main" in r.text(), "an unknown product: 404 page", r)
        csrf = b.csrf()
        form = {"_csrf": csrf, "code": "PRZ-1", "name_pl": "Przewód", "unit": "m",
                "vat_rate": "23", "ean": "4006381333932", "weight_g": "50", "active": "1"}
        r = b.post_form("/products", form)
        check(r.status == 422 and 'class="error-summary"' in r.text() and
              'href="#f-ean"' in r.text() and 'value="Przewód"' in r.text(),
              "a bad EAN: the form again, 422, the error linked from the summary, input kept",
              r)
        form.update(ean="4006381333931", weight_g="ciężki")
        r = b.post_form("/products", form)
        check(r.status == 422 and 'id="f-weight_g-error"' in r.text(),
              "a weight that is not a number: shown next to the field", r)
        form.update(weight_g="50")
        r = b.post_form("/products", dict(form, _csrf="forged"))
        check(r.status == 403, "the product form without the right CSRF token: 403", r)
        r = b.post_form("/products", form)
        check(r.status == 303 and r.header("Location") == "/products/PRZ-1",
              "a valid form creates the product and redirects to it", r)
        r = b.get("/products/PRZ-1")
        check(r.status == 200 and "flash-success" in r.text() and "50 g" in r.text(),
              "the product page confirms it", r)
        r = b.get("/products/PRZ-1/edit")
        check('name="version" value="1"' in r.text(), "the edit form carries the version", r)
        edit = {"_csrf": csrf, "version": "1", "name_pl": "Przewód miedziany", "unit": "m",
                "vat_rate": "23", "active": "1"}
        r = b.post_form("/products/PRZ-1", edit)
        check(r.status == 303, "saving the edit form", r)
        r = b.post_form("/products/PRZ-1", dict(edit, name_pl="Lost edit"))
        check(r.status == 409 and 'value="Lost edit"' in r.text() and
              'name="version" value="2"' in r.text() and 'class="error-summary"' in r.text(),
              "saving over someone else's change: 409, the form kept, the new version offered",
              r)
        r = api.get("/api/v1/products/PRZ-1", headers=cw)
        check((r.json() or {}).get("name_pl") == "Przewód miedziany",
              "the conflicting save changed nothing", r)

        # --- throttling (login_attempts = 3 in kontor.ini)
        t = Browser(srv)
        statuses = [t.login("sam", "wrong-password-x").status for _ in range(4)]
        check(statuses[:3] == [401, 401, 401] and statuses[3] == 429,
              "after 3 failures the account is throttled: 429", statuses)
        r = t.login("sam")
        check(r.status == 429 and int(r.header("Retry-After") or "0") >= 1 and
              "kontor_session" not in t.cookies,
              "throttled: even the right password waits, with Retry-After", r)
        log = srv.read_log()
        check("level=error" not in log, "no errors in the server log", log[-3000:])
    finally:
        srv.stop()
    check(srv.proc.returncode == 0, "the server stops cleanly after all that (exit 0, no leaks "
          "under the sanitizers)", srv.read_log()[-3000:])


# --- the master-data screens --------------------------------------------------

def group_screens(tmp):
    srv = make_server(tmp)
    add_user(srv, "ada", "admin")
    add_user(srv, "sam", "sales")
    add_user(srv, "wes", "warehouse")
    add_customer(srv, "K001")
    cli_ok(srv, "product", "add", "P-001", "--name", "Kabel YDY 3x1,5", "--unit", "m")
    cli_ok(srv, "warehouse", "add", "MAG1", "--name", "Magazyn główny")
    cli_ok(srv, "warehouse", "add", "MAG2", "--name", "Magazyn Poznań")
    cli_ok(srv, "price", "list", "add", "HURT", "--name", "Cena hurtowa", "--currency", "PLN",
           "--default")
    srv.start("--no-worker")
    try:
        screens_products(srv)
        screens_customers(srv)
        screens_pricelists(srv)
        screens_api(srv)
        screens_company(srv)
        screens_users(srv)
        screens_html(srv)
        screens_product_pages(srv)
    finally:
        srv.stop()
    check(srv.proc.returncode == 0, "the server stops cleanly after the screens (exit 0)",
          srv.read_log()[-3000:])


def screens_products(srv):
    b = Browser(srv)
    b.login("ada")
    csrf = b.csrf()
    # --- images: a real PNG, a spoofed one, ordering, thumbnails, removal
    png = png_bytes(4, 3)
    body, ctype = multipart({"_csrf": csrf}, [("image", "photo.png", "image/png", png)])
    r = b.request("POST", "/products/P-001/images", body=body, headers={"Content-Type": ctype})
    check(r.status == 303 and r.header("Location") == "/products/P-001#images",
          "upload a real PNG (multipart): 303 back to the product", r)
    body, ctype = multipart({"_csrf": csrf},
                            [("image", "photo2.png", "image/png", png_bytes(6, 2))])
    r = b.request("POST", "/products/P-001/images", body=body, headers={"Content-Type": ctype})
    check(r.status == 303, "upload a second PNG", r)
    spoof = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"not an image at all"
    body, ctype = multipart({"_csrf": csrf}, [("image", "cat.png", "image/png", spoof)])
    r = b.request("POST", "/products/P-001/images", body=body, headers={"Content-Type": ctype})
    check(r.status == 422 and 'class="error-summary"' in r.text() and
          'id="f-image-image-error"' in r.text() and "ELF" in r.text(),
          "a spoofed PNG (an ELF file named .png) is refused with a clear message", r)
    body, ctype = multipart({"_csrf": "forged"}, [("image", "photo.png", "image/png", png)])
    r = b.request("POST", "/products/P-001/images", body=body, headers={"Content-Type": ctype})
    check(r.status == 403, "an upload without the right CSRF token: 403", r)
    body, ctype = multipart({"_csrf": csrf}, [])
    r = b.request("POST", "/products/P-001/images", body=body, headers={"Content-Type": ctype})
    check(r.status == 422 and 'id="f-image-image-error"' in r.text(),
          "an upload without a file: the field says to choose one", r)
    r = b.request("POST", "/products/P-001/images", body=b"--x\r\nbroken",
                  headers={"Content-Type": "multipart/form-data; boundary=zzz"})
    check(r.status in (400, 403), "a malformed multipart body is refused", r)

    r = b.get("/products/P-001")
    hashes = re.findall(r'name="hash" value="([0-9a-f]{64})"', r.text())
    order = list(dict.fromkeys(hashes))
    check(r.status == 200 and len(order) == 2 and "/images/0/thumb?v=" + order[0] in r.text(),
          "the product page shows both images, main one first", r)
    r = b.get("/products/P-001/images/0/thumb?v=" + order[0])
    etag = r.header("ETag")
    check(r.status == 200 and r.header("Content-Type") == "image/webp" and
          r.body[:4] == b"RIFF" and r.body[8:12] == b"WEBP" and etag and
          "immutable" in (r.header("Cache-Control") or ""),
          "the thumbnail is WebP with an ETag, cached for a year with ?v=", r)
    r = b.get("/products/P-001/images/0/thumb", headers={"If-None-Match": etag})
    check(r.status == 304 and r.body == b"" and "no-cache" in (r.header("Cache-Control") or ""),
          "thumbnail: If-None-Match gives 304", r)
    r = b.get("/products/P-001/images/0")
    check(r.status == 200 and r.body == png and r.header("Content-Type") == "image/png" and
          r.header("ETag") == '"' + order[0] + '"', "the full image: the same bytes, image/png", r)
    r = b.get("/products/P-001/images/7/thumb")
    check(r.status == 404, "an image position the product does not have: 404", r)
    r = b.get("/products/NOPE/images/0/thumb")
    check(r.status == 404, "an image of an unknown product: 404", r)
    r = b.get("/products")
    check("/products/P-001/images/0/thumb?v=" + order[0] in r.text(),
          "the product list shows the main image", r)

    r = b.post_form("/products/P-001/images/1/move", {"_csrf": csrf, "hash": order[1],
                                                      "dir": "up"})
    check(r.status == 303, "move the second image up", r)
    r = b.get("/products/P-001")
    now = list(dict.fromkeys(re.findall(r'name="hash" value="([0-9a-f]{64})"', r.text())))
    check(now == [order[1], order[0]], "the second image is now the main image", now)
    r = b.get("/products/P-001/images/0")
    check(r.body != png and r.body[:8] == b"\x89PNG\r\n\x1a\n",
          "position 0 serves the new main image", r)
    r = b.post_form("/products/P-001/images/1/move", {"_csrf": csrf, "hash": order[1],
                                                      "dir": "first"})
    check(r.status == 409, "a move made on an outdated page (hash of another image): 409", r)
    r = b.post_form("/products/P-001/images/1/delete", {"_csrf": csrf, "hash": order[0]})
    check(r.status == 303, "remove an image", r)
    r = b.get("/products/P-001")
    now = list(dict.fromkeys(re.findall(r'name="hash" value="([0-9a-f]{64})"', r.text())))
    check(now == [order[1]], "one image left", now)

    # --- stock: set, adjust, move; visible in the ledger
    r = b.post_form("/products/P-001/stock", {"_csrf": csrf, "op": "set", "warehouse": "MAG1",
                                               "qty": "10", "doc_ref": "INW/1"})
    check(r.status == 303 and r.header("Location") == "/products/P-001#stock",
          "a stock count (set) from the product page", r)
    r = b.post_form("/products/P-001/stock", {"_csrf": csrf, "op": "adjust", "warehouse": "MAG1",
                                               "qty": "-2,5", "reason": "issue", "doc_ref": "WZ/7"})
    check(r.status == 303, "an adjustment with a Polish decimal comma", r)
    r = b.post_form("/products/P-001/stock", {"_csrf": csrf, "op": "move", "warehouse": "MAG1",
                                               "to_warehouse": "MAG2", "qty": "3"})
    check(r.status == 303, "a move between warehouses", r)
    r = b.post_form("/products/P-001/stock", {"_csrf": csrf, "op": "move", "warehouse": "MAG1",
                                               "to_warehouse": "MAG2", "qty": "300"})
    check(r.status == 422 and 'id="f-stock-qty-error"' in r.text() and "MAG1" in r.text(),
          "moving more than is available: the form again with the error at the quantity", r)
    r = b.post_form("/products/P-001/stock", {"_csrf": csrf, "op": "adjust", "warehouse": "MAG1",
                                               "qty": "dużo"})
    check(r.status == 422 and 'href="#f-stock-qty"' in r.text() and 'value="dużo"' in r.text(),
          "a quantity that is not a number: named in the summary, typed text kept", r)
    r = b.post_form("/products/P-001/stock", {"_csrf": csrf, "op": "set", "warehouse": "NOPE",
                                               "qty": "1"})
    check(r.status == 422 and 'id="f-stock-warehouse-error"' in r.text(),
          "an unknown warehouse: the error at the warehouse", r)
    r = b.post_form("/products/P-001/stock", {"op": "set", "warehouse": "MAG1", "qty": "1"})
    check(r.status == 403, "the stock form without the CSRF token: 403", r)
    r = b.get("/products/P-001")
    t = r.text()
    check("INW/1" in t and "WZ/7" in t and ("−2,5" in t or "-2,5" in t),
          "the ledger on the product page shows the changes with their documents", t[-3000:])
    rc, out, err = srv.cli("--json", "stock", "ledger", "P-001")
    led = json.loads(out) if rc == 0 else []
    rows = led if isinstance(led, list) else led.get("entries", led.get("items", []))
    check(rc == 0 and len(rows) == 4 and all(x.get("user") == "ada" for x in rows),
          "the ledger has the four rows, each with the user who made it", out + err)
    rc, out, err = srv.cli("--json", "stock", "show", "P-001")
    levels = {w["warehouse"]: w["on_hand"] for w in json.loads(out)["warehouses"]} if rc == 0 \
        else {}
    check(levels.get("MAG1") in ("4.5", "4.500") and levels.get("MAG2") in ("3", "3.000"),
          "MAG1 holds 10 - 2.5 - 3 = 4.5, MAG2 the 3 moved", out + err)

    # --- prices of the product
    r = b.post_form("/products/P-001/prices", {"_csrf": csrf, "price_list": "HURT",
                                                "price": "12,5"})
    check(r.status == 303 and r.header("Location") == "/products/P-001#prices",
          "set a price from the product page", r)
    r = b.post_form("/products/P-001/prices", {"_csrf": csrf, "price_list": "HURT",
                                                "price": "11,00", "min_qty": "10"})
    check(r.status == 303, "a quantity tier", r)
    r = b.post_form("/products/P-001/prices", {"_csrf": csrf, "price_list": "HURT",
                                                "price": "tanio"})
    check(r.status == 422 and 'id="f-price-price-error"' in r.text(),
          "a price that is not a number: the error at the price", r)
    r = b.post_form("/products/P-001/prices", {"_csrf": csrf, "price_list": "HURT",
                                                "price": "1", "valid_from": "2026-05-01",
                                                "valid_to": "2026-04-01"})
    check(r.status == 422 and 'class="error-summary"' in r.text(),
          "valid to before valid from: refused", r)
    r = b.get("/products/P-001")
    check("12,50 zł" in r.text() and "11,00 zł" in r.text(),
          "the product page lists its prices, money per language with the currency", r)
    rc, out, err = srv.cli("--json", "price", "resolve", "--product", "P-001", "--qty", "12",
                           "--currency", "PLN")
    check(rc == 0 and "11" in out, "price resolve sees the tier set on the page", out + err)

    # --- who may do it
    w = Browser(srv)
    w.login("wes")
    r = w.get("/products/P-001")
    check(r.status == 200 and 'action="/products/P-001/stock"' in r.text() and
          'action="/products/P-001/prices"' not in r.text() and
          'action="/products/P-001/images"' not in r.text(),
          "the warehouse role sees the stock form, not the price or image forms", r)
    r = w.post_form("/products/P-001/prices", {"_csrf": w.csrf(), "price_list": "HURT",
                                                "price": "1"})
    check(r.status == 403, "warehouse staff cannot set prices: 403", r)
    s = Browser(srv)
    s.login("sam")
    r = s.get("/products/P-001")
    check('action="/products/P-001/prices"' in r.text() and
          'action="/products/P-001/stock"' not in r.text(),
          "sales sees the price form, not the stock form", r)


def screens_product_pages(srv):
    """The product list pages by code (after/before keys), counts at most to 1000, and reads
    the names and main images of a page in one query each."""
    b = Browser(srv)
    b.login("ada")
    csrf = b.csrf()
    for i in range(1, 25):
        r = b.post_json("/api/v1/products", {"code": f"ZZ-{i:02d}", "name_pl": f"Strona {i}"},
                        headers={"X-CSRF-Token": csrf})
        if r.status != 201:
            check(False, f"create ZZ-{i:02d} for the paging test", r)
            return
    total = (b.get("/api/v1/products?per_page=1").json() or {}).get("total", 0)

    def codes(r):
        return re.findall(r'<td data-label="[^"]*"><a href="/products/([^"]+)"', r.text())

    def link(r, rel):
        m = re.search(r'<a href="([^"]+)" rel="' + rel + '"', r.text())
        return m.group(1).replace("&amp;", "&") if m else None

    first = b.get("/products")
    one = codes(first)
    check(first.status == 200 and len(one) == 20 and one == sorted(one) and
          f"Znaleziono: {total}<" in first.text() and link(first, "prev") is None and
          link(first, "next") == "/products?page=2&after=" + one[-1],
          f"page 1: 20 products in code order, the exact total ({total}), next after the last", first)
    second = b.get(link(first, "next") or "/products?page=2")
    two = codes(second)
    check(second.status == 200 and len(two) == total - 20 and two[0] > one[-1] and
          two[-1] == "ZZ-24" and link(second, "next") is None and
          link(second, "prev") == "/products" and '<span aria-current="page">2<' in second.text(),
          "page 2 (after the key): the rest, no next page, previous is the first page", second)
    r = b.get("/products?page=2")
    check(codes(r) == two, "a page number without a key shows the same page (by offset)", r)
    back = b.get("/products?page=3&before=ZZ-24")
    got = codes(back)
    check(back.status == 200 and len(got) == 20 and got[-1] == "ZZ-23" and
          link(back, "next") == "/products?page=4&after=ZZ-23" and
          link(back, "prev") == "/products?page=2&before=" + got[0],
          "before a key: the 20 products before it, in code order, with both links", back)
    r = b.get("/products?page=5&before=" + one[3])
    check(r.status == 200 and codes(r) == one and '<span aria-current="page">1<' in r.text(),
          "before a key with fewer than 20 products before it: the first page", r)
    r = b.get("/products?page=2&after=" + "x" * 41)
    check(r.status == 400, "a key longer than a code: 400", r)


def screens_customers(srv):
    b = Browser(srv)
    b.login("ada")
    csrf = b.csrf()
    r = b.get("/customers?q=hurt")
    check(r.status == 200 and "/customers/K001" in r.text() and 'data-label=' in r.text(),
          "the customer list finds K001 by a name prefix", r)
    r = b.get("/customers/new")
    check(r.status == 200 and 'name="tax_id"' in r.text() and 'name="currency_override"' in r.text()
          and '<option value="DE"' in r.text(), "the new-customer form has every field", r)
    form = {"_csrf": csrf, "code": "K200", "name": "Elektro Nord", "country": "PL",
            "tax_id": "5260250275", "postal_code": "00-001", "city": "Warszawa",
            "payment_days": "21", "payment_method": "transfer", "lang_override": "auto",
            "currency_override": "auto", "doc_type_override": "auto", "tax_id_kind": "none"}
    r = b.post_form("/customers", form)
    check(r.status == 422 and 'id="f-tax_id-error"' in r.text() and 'href="#f-tax_id"' in r.text()
          and 'value="Elektro Nord"' in r.text(),
          "a NIP with a wrong check digit: 422, the message at the tax id, input kept", r)
    r = b.post_form("/customers", dict(form, tax_id="5260250274", postal_code="123"))
    check(r.status == 422 and 'id="f-postal_code-error"' in r.text(),
          "a bad postal code: the message at the postal code", r)
    r = b.post_form("/customers", dict(form, tax_id="5260250274", payment_days="dużo"))
    check(r.status == 422 and 'id="f-payment_days-error"' in r.text(),
          "payment days that are not a number: named", r)
    r = b.post_form("/customers", dict(form, tax_id="5260250274", _csrf="x"))
    check(r.status == 403, "the customer form without the CSRF token: 403", r)
    r = b.post_form("/customers", dict(form, tax_id="5260250274", credit_limit="1 500,50"))
    check(r.status == 303 and r.header("Location") == "/customers/K200",
          "a valid customer form creates the customer", r)
    r = b.get("/customers/K200")
    check(r.status == 200 and "1 500,50 zł" in r.text().replace("\u00a0", " ") and
          "flash-success" in r.text(), "the customer page shows the credit limit as money", r)
    r = b.post_form("/customers", dict(form, tax_id="5260250274"))
    check(r.status == 409 and 'id="f-code-error"' in r.text(), "a taken code: 409 at the code", r)
    r = b.get("/customers/K200/edit")
    version = hidden(r.text(), "version")
    check(r.status == 200 and version == "1" and 'value="21"' in r.text(),
          "the edit form carries the version and the values", r)
    edit = dict(form, tax_id="5260250274", version="1", country="DE",
                tax_id_kind="none", currency_override="EUR", lang_override="en",
                postal_code="10115", city="Berlin")
    edit.pop("code")
    edit["tax_id"] = "DE136695976"
    r = b.post_form("/customers/K200", edit)
    check(r.status == 303, "edit: a German customer with a VAT id and EUR", r)
    r = b.post_form("/customers/K200", dict(edit, city="Hamburg"))
    check(r.status == 409 and 'value="Hamburg"' in r.text() and 'name="version" value="2"' in r.text(),
          "saving over someone else's change: 409, typed values kept, new version offered", r)
    j = json.loads(srv.cli("--json", "customer", "show", "K200")[1])
    check(j.get("currency") == "EUR" and j.get("document_type") == "intra_eu" and
          j.get("city") == "Berlin", "the stored customer: EUR, intra-EU documents", j)

    # addresses, contacts, bank accounts
    r = b.post_form("/customers/K200/addresses", {"_csrf": csrf, "version": "2",
                                                  "label": "Lager", "street": "Hauptstr. 1",
                                                  "postal_code": "1011", "city": "Berlin",
                                                  "country": "DE"})
    check(r.status == 422 and 'id="f-addr-postal_code-error"' in r.text(),
          "an address with a bad postal code: the error at the address form's field", r)
    r = b.post_form("/customers/K200/addresses", {"_csrf": csrf, "version": "2",
                                                  "label": "Lager", "street": "Hauptstr. 1",
                                                  "postal_code": "10115", "city": "Berlin",
                                                  "country": "DE", "is_default": "1"})
    check(r.status == 303 and r.header("Location") == "/customers/K200#addresses",
          "add an address", r)
    r = b.post_form("/customers/K200/contacts", {"_csrf": csrf, "version": "2", "name": "Anna"})
    check(r.status == 409, "a contact added on an outdated page (version 2, now 3): 409", r)
    r = b.post_form("/customers/K200/contacts", {"_csrf": csrf, "version": "3", "name": "Anna",
                                                 "email": "anna@", "phone": "+49 30 1234"})
    check(r.status == 422 and 'id="f-contact-email-error"' in r.text(),
          "a contact with a bad e-mail: the error at the contact's e-mail", r)
    r = b.post_form("/customers/K200/contacts", {"_csrf": csrf, "version": "3", "name": "Anna",
                                                 "email": "anna@nord.de", "phone": "+49 30 1234",
                                                 "role": "Einkauf"})
    check(r.status == 303, "add a contact", r)
    r = b.post_form("/customers/K200/bank-accounts", {"_csrf": csrf, "version": "4",
                                                      "iban": "DE89370400440532013001"})
    check(r.status == 422 and 'id="f-bank-iban-error"' in r.text(),
          "an IBAN with a wrong checksum: the error at the IBAN", r)
    r = b.post_form("/customers/K200/bank-accounts", {"_csrf": csrf, "version": "4",
                                                      "iban": "DE89 3704 0044 0532 0130 00",
                                                      "bank_name": "Commerzbank"})
    check(r.status == 303, "add a bank account", r)
    r = b.get("/customers/K200")
    t = r.text()
    check("Lager" in t and "anna@nord.de" in t and "DE89370400440532013000" in t,
          "the customer page lists the address, the contact and the account", t[-4000:])
    ids = re.findall(r'action="/customers/K200/bank-accounts/(\d+)/delete"', t)
    r = b.post_form(f"/customers/K200/bank-accounts/{ids[0] if ids else 0}/delete",
                    {"_csrf": csrf, "version": "5"})
    check(r.status == 303 and "DE89370400440532013000" not in b.get("/customers/K200").text(),
          "remove the bank account", r)
    r = b.post_form("/customers/K200/contacts/999999/delete", {"_csrf": csrf, "version": "0"})
    check(r.status == 404, "removing a contact the customer does not have: 404", r)

    # individual prices and terms
    r = b.post_form("/customers/K001/prices", {"_csrf": csrf, "product": "P-001",
                                               "price": "9,99", "currency": "PLN"})
    check(r.status == 303, "an individual price for K001", r)
    r = b.post_form("/customers/K001/prices", {"_csrf": csrf, "product": "NOPE", "price": "1"})
    check(r.status == 422 and 'id="f-cprice-product-error"' in r.text(),
          "an individual price for an unknown product: the error at the product", r)
    r = b.post_form("/customers/K001/terms", {"_csrf": csrf, "price_list": "HURT",
                                              "discount": "5"})
    check(r.status == 303, "price terms: the HURT list with 5 % discount", r)
    r = b.post_form("/customers/K001/terms", {"_csrf": csrf, "price_list": "HURT",
                                              "discount": "150"})
    check(r.status == 422 and 'id="f-terms-discount-error"' in r.text(),
          "a discount over 100 %: the error at the discount", r)
    r = b.get("/customers/K001")
    check("9,99 zł" in r.text() and "HURT" in r.text() and "5 %" in r.text(),
          "the customer page shows the individual price and the terms", r)
    rc, out, err = srv.cli("--json", "price", "resolve", "--customer", "K001", "--product",
                           "P-001", "--qty", "1", "--currency", "PLN")
    check(rc == 0 and "9.99" in out, "price resolve uses the individual price", out + err)
    r = b.get("/customers/NOPE")
    check(r.status == 404, "an unknown customer: 404", r)
    w = Browser(srv)
    w.login("wes")
    check(w.get("/customers").status == 403, "the warehouse role may not see customers: 403")


def screens_pricelists(srv):
    b = Browser(srv)
    b.login("sam")
    csrf = b.csrf()
    r = b.get("/pricelists")
    check(r.status == 200 and "/pricelists/HURT" in r.text(), "the price lists page lists HURT", r)
    r = b.get("/pricelists/new")
    check(r.status == 200 and 'name="basis"' in r.text(), "the new price list form", r)
    form = {"_csrf": csrf, "code": "EXP", "name": "Export", "currency": "EUR", "basis": "net"}
    r = b.post_form("/pricelists", dict(form, currency="XYZ"))
    check(r.status == 422 and 'id="f-currency-error"' in r.text(),
          "an unknown currency: 422 with the error at the currency", r)
    r = b.post_form("/pricelists", dict(form, code="a b"))
    check(r.status == 422 and 'id="f-code-error"' in r.text(), "a bad code: at the code", r)
    r = b.post_form("/pricelists", form)
    check(r.status == 303 and r.header("Location") == "/pricelists/EXP", "create a price list", r)
    r = b.post_form("/pricelists", form)
    check(r.status == 409 and 'id="f-code-error"' in r.text(), "a taken code: 409", r)
    r = b.post_form("/pricelists", dict(form, _csrf="nope", code="EXP2"))
    check(r.status == 403, "the price list form without the CSRF token: 403", r)
    r = b.post_form("/pricelists/EXP/items", {"_csrf": csrf, "product": "P-001",
                                              "price": "3,25", "valid_from": "2026-01-01"})
    check(r.status == 303, "add an item to the list", r)
    r = b.post_form("/pricelists/EXP/items", {"_csrf": csrf, "product": "P-001",
                                              "price": "3,40", "valid_from": "2026-01-01"})
    check(r.status == 303, "the same product, tier and date: the item is edited", r)
    r = b.post_form("/pricelists/EXP/items", {"_csrf": csrf, "product": "NOPE", "price": "1"})
    check(r.status == 422 and 'id="f-item-product-error"' in r.text(),
          "an item for an unknown product: the error at the product", r)
    r = b.post_form("/pricelists/EXP/items", {"_csrf": csrf, "product": "P-001", "price": "-1"})
    check(r.status == 422 and 'id="f-item-price-error"' in r.text(),
          "a negative price: the error at the price", r)
    r = b.get("/pricelists/EXP")
    check(r.status == 200 and "3,40 €" in r.text() and "3,25" not in r.text() and
          "2026-01-01" in r.text(), "the list shows the edited item in euro", r)
    b.get("/lang/en?next=/pricelists/EXP")
    r = b.get("/pricelists/EXP")
    check('lang="en"' in r.text() and "€3.40" in r.text(),
          "after choosing English in the top bar (logged in) the price is written the English "
          "way", r)
    b.get("/lang/pl?next=/pricelists/EXP")
    r = b.get("/pricelists/NOPE")
    check(r.status == 404, "an unknown price list: 404", r)
    w = Browser(srv)
    w.login("wes")
    r = w.get("/pricelists/EXP")
    check(r.status == 200 and 'action="/pricelists/EXP/items"' not in r.text(),
          "the warehouse role reads price lists without the item form", r)
    check(w.post_form("/pricelists", dict(form, _csrf=w.csrf(), code="W1")).status == 403,
          "the warehouse role cannot create price lists: 403")


def screens_api(srv):
    b = Browser(srv)
    b.login("ada")
    tok = make_token(b, "catalog.read stock.write prices.write api")
    h = {"Authorization": "Bearer " + tok}
    api = Browser(srv)
    # stock
    r = api.post_json("/api/v1/products/P-001/stock", {"op": "adjust", "warehouse": "MAG2",
                                                       "qty": "5", "reason": "receipt",
                                                       "doc_ref": "PZ/9"}, headers=h)
    j = r.json() or {}
    check(r.status == 200 and j.get("changes", [{}])[0].get("on_hand") == "8",
          "POST stock adjust (receipt): MAG2 holds 3 + 5 = 8", r)
    r = api.post_json("/api/v1/products/P-001/stock", {"op": "move", "warehouse": "MAG2",
                                                       "to_warehouse": "MAG1", "qty": "1.5"},
                      headers=h)
    j = r.json() or {}
    check(r.status == 200 and [c.get("on_hand") for c in j.get("changes", [])] == ["6.5", "6"],
          "POST stock move: both warehouses in the answer", r)
    r = api.post_json("/api/v1/products/P-001/stock", {"op": "adjust", "warehouse": "MAG1",
                                                       "qty": "-100"}, headers=h)
    check(api_error(r, 409, "stock_short", "qty"), "taking more than is available: 409 stock_short",
          r)
    r = api.post_json("/api/v1/products/P-001/stock", {"op": "set", "warehouse": "MAG1",
                                                       "qty": 5}, headers=h)
    check(api_error(r, 400, "invalid_field", "qty"), "a quantity as a JSON number: 400", r)
    r = api.post_json("/api/v1/products/P-001/stock", {"op": "move", "warehouse": "MAG1",
                                                       "qty": "1"}, headers=h)
    check(api_error(r, 400, "invalid_field", "to_warehouse"), "a move without a target: 400", r)
    r = api.post_json("/api/v1/products/P-001/stock", {"op": "set", "warehouse": "X9",
                                                       "qty": "1"}, headers=h)
    check(api_error(r, 422, None, "warehouse"), "an unknown warehouse: 422 naming it", r)
    r = api.post_json("/api/v1/products/NOPE/stock", {"op": "set", "warehouse": "MAG1",
                                                      "qty": "1"}, headers=h)
    check(api_error(r, 404, "not_found"), "stock of an unknown product: 404", r)
    r = api.get("/api/v1/products/P-001/stock/ledger?limit=2", headers=h)
    j = r.json() or {}
    items = j.get("items", [])
    check(r.status == 200 and len(items) == 2 and items[-1]["reason"] == "move" and
          items[-1]["user"] == "ada" and items[0]["delta"] == "-1.5",
          "the ledger (API) has the move, by the token's user, newest last", r)
    r = api.get("/api/v1/products/P-001/stock", headers=h)
    check((r.json() or {}).get("total", {}).get("on_hand") == "12.5",
          "GET stock: the total over both warehouses", r)
    # price lists
    r = api.get("/api/v1/pricelists", headers=h)
    j = r.json() or {}
    check(r.status == 200 and [x["code"] for x in j.get("items", [])] == ["EXP", "HURT"] and
          j.get("total") == 2, "GET price lists", r)
    r = api.post_json("/api/v1/pricelists", {"code": "USD1", "name": "Dollars",
                                             "currency": "USD", "basis": "gross",
                                             "is_default": True}, headers=h)
    j = r.json() or {}
    check(r.status == 201 and j.get("is_default") is True and j.get("basis") == "gross" and
          r.header("Location") == "/api/v1/pricelists/USD1", "POST a price list: 201", r)
    r = api.post_json("/api/v1/pricelists", {"code": "USD1", "name": "Again",
                                             "currency": "USD"}, headers=h)
    check(api_error(r, 409, None, "code"), "a taken price list code: 409", r)
    r = api.request("PUT", "/api/v1/pricelists/USD1/items", body=json.dumps(
        {"product": "P-001", "price": "4.9900", "min_qty": "10"}),
        headers=dict(h, **{"Content-Type": "application/json"}))
    j = r.json() or {}
    check(r.status == 200 and j.get("price") == "4.99" and j.get("min_qty") == "10" and
          j.get("currency") == "USD", "PUT an item: 200 with the item", r)
    r = api.request("PUT", "/api/v1/pricelists/USD1/items", body=json.dumps(
        {"product": "P-001", "price": "4.5", "min_qty": "10"}),
        headers=dict(h, **{"Content-Type": "application/json"}))
    r = api.get("/api/v1/pricelists/USD1/items?product=P-001", headers=h)
    j = r.json() or {}
    check(r.status == 200 and j.get("total") == 1 and j["items"][0]["price"] == "4.50",
          "PUT again with the same key edits the item (one item, new price)", r)
    r = api.request("PUT", "/api/v1/pricelists/USD1/items", body=json.dumps(
        {"product": "NOPE", "price": "1"}),
        headers=dict(h, **{"Content-Type": "application/json"}))
    check(api_error(r, 422, None, "product") and
          "NOPE" in ((r.json() or {}).get("error") or {}).get("message", ""),
          "PUT an item of an unknown product: 422 naming the product", r)
    r = api.request("PUT", "/api/v1/pricelists/USD1/items", body=json.dumps(
        {"product": "P-001", "price": 4.5}),
        headers=dict(h, **{"Content-Type": "application/json"}))
    check(api_error(r, 400, "invalid_field", "price"), "a price as a JSON number: 400", r)
    r = api.get("/api/v1/pricelists/NOPE", headers=h)
    check(api_error(r, 404, "not_found"), "an unknown price list: 404", r)
    r = api.get("/api/v1/pricelists/HURT/items?per_page=1&page=2", headers=h)
    j = r.json() or {}
    check(r.status == 200 and j.get("total") == 2 and len(j.get("items", [])) == 1 and
          j["items"][0]["min_qty"] == "10", "price list items are paginated", r)
    ro = {"Authorization": "Bearer " + make_token(b, "catalog.read api")}
    r = api.post_json("/api/v1/products/P-001/stock", {"op": "set", "warehouse": "MAG1",
                                                       "qty": "1"}, headers=ro)
    check(api_error(r, 403, "forbidden"), "a token without stock.write cannot change stock", r)


def screens_company(srv):
    b = Browser(srv)
    b.login("ada")
    csrf = b.csrf()
    r = b.get("/company")
    check(r.status == 200 and 'name="nip"' in r.text() and 'name="version" value="0"' in r.text(),
          "the company page offers the set-up form (version 0)", r)
    form = {"_csrf": csrf, "version": "0", "name": "Kontor Sp. z o.o.", "nip": "526-025-02-75",
            "street": "ul. Długa 1", "postal_code": "00-001", "city": "Warszawa",
            "country": "PL", "default_lang": "pl"}
    r = b.post_form("/company", form)
    check(r.status == 422 and 'id="f-nip-error"' in r.text(),
          "a NIP with a wrong check digit: the error at the NIP", r)
    r = b.post_form("/company", dict(form, nip="526-025-02-74"))
    check(r.status == 303 and r.header("Location") == "/company", "set the company up", r)
    r = b.post_form("/company", dict(form, nip="5260250274", city="Kraków"))
    check(r.status == 409 and 'value="Kraków"' in r.text(),
          "saving with the old version 0 after the set-up: 409, typed values kept", r)
    r = b.post_form("/company/accounts", {"_csrf": csrf, "currency": "PLN",
                                          "iban": "PL61109010140000071219812874",
                                          "bank_name": "Santander"})
    check(r.status == 303, "add a PLN bank account", r)
    r = b.post_form("/company/accounts", {"_csrf": csrf, "currency": "EUR",
                                          "iban": "PL61109010140000071219812875"})
    check(r.status == 422 and 'id="f-acct-iban-error"' in r.text(),
          "an IBAN with a wrong checksum: the error at the IBAN", r)
    r = b.get("/company")
    check("PL61109010140000071219812874" in r.text() and "Santander" in r.text(),
          "the company page lists the account", r)
    png = png_bytes(8, 8)
    body, ctype = multipart({"_csrf": csrf}, [("logo", "logo.png", "image/png", png)])
    r = b.request("POST", "/company/logo", body=body, headers={"Content-Type": ctype})
    check(r.status == 303, "upload the company logo", r)
    body, ctype = multipart({"_csrf": csrf}, [("logo", "logo.png", "image/png", b"GIF89a....")])
    r = b.request("POST", "/company/logo", body=body, headers={"Content-Type": ctype})
    check(r.status == 422 and 'id="f-logo-logo-error"' in r.text(),
          "a GIF named logo.png is refused at the logo field", r)
    r = b.get("/company/logo")
    check(r.status == 200 and r.body == png and r.header("Content-Type") == "image/png" and
          r.header("ETag"), "the logo is served with its type and an ETag", r)
    s = Browser(srv)
    s.login("sam")
    check(s.get("/company").status == 403, "sales may not open the company settings: 403")
    check(s.get("/company/logo").status == 200, "but every logged-in user gets the logo")


def screens_users(srv):
    b = Browser(srv)
    b.login("ada")
    csrf = b.csrf()
    r = b.get("/users")
    check(r.status == 200 and ">ada<" in r.text() and "admin" in r.text(),
          "the users page lists the users with their roles", r)
    r = b.get("/roles")
    check(r.status == 200 and "customer_buyer" in r.text() and "portal.orders" in r.text(),
          "the roles page lists roles with their permissions", r)
    form = {"_csrf": csrf, "kind": "customer", "login": "buyer1", "name": "Kupiec",
            "customer": "K001", "role": "sales", "password": PASSWORD, "lang": "pl"}
    r = b.post_form("/users", form)
    check(r.status == 422 and 'id="f-role-error"' in r.text(),
          "a customer user with a staff role is refused at the role", r)
    r = b.post_form("/users", dict(form, role="customer_buyer", customer="NOPE"))
    check(r.status == 422 and 'id="f-customer-error"' in r.text(),
          "a customer user of an unknown customer: at the customer", r)
    r = b.post_form("/users", dict(form, role="customer_buyer", password="short"))
    check(r.status == 422 and 'id="f-password-error"' in r.text() and PASSWORD not in r.text(),
          "a weak password: at the password, never echoed", r)
    r = b.post_form("/users", dict(form, role="customer_buyer", _csrf="x"))
    check(r.status == 403, "the user form without the CSRF token: 403", r)
    r = b.post_form("/users", dict(form, role="customer_buyer"))
    loc = r.header("Location") or ""
    check(r.status == 303 and re.match(r"^/users/\d+$", loc), "create a customer user", r)
    r = b.post_form("/users", dict(form, role="customer_buyer"))
    check(r.status == 409 and 'id="f-login-error"' in r.text(), "a taken login: 409", r)
    r = b.post_form(loc + "/roles", {"_csrf": csrf, "role": "admin"})
    check(r.status == 422 and 'id="f-role-role-error"' in r.text(),
          "granting a staff role to a customer user is refused", r)
    c = Browser(srv)
    r = c.login("buyer1")
    check(r.status == 303 and r.header("Location") == "/account", "the customer user logs in", r)
    j = c.get("/api/v1/me").json() or {}
    check(j.get("kind") == "customer" and "portal.orders" in j.get("permissions", []) and
          not any(p in j.get("permissions", []) for p in ("catalog.read", "admin",
                                                          "users.manage")),
          "the customer user has portal permissions only", j)
    check(c.get("/products").status == 403 and c.get("/users").status == 403,
          "the customer user gets 403 on staff screens")
    r = b.post_form(loc + "/active", {"_csrf": csrf, "active": "0"})
    check(r.status == 303, "disable the customer user", r)
    r = c.get("/account")
    check(r.status == 303 and r.header("Location").startswith("/login"),
          "a disabled user's session has ended", r)
    r = b.post_form(loc + "/active", {"_csrf": csrf, "active": "1"})
    r = b.post_form(loc + "/password", {"_csrf": csrf, "password": "Nowe-Haslo-2026"})
    check(r.status == 303, "set a new password", r)
    check(Browser(srv).login("buyer1", "Nowe-Haslo-2026").status == 303,
          "the user logs in with the new password")
    r = b.get("/users")
    ada = re.search(r'href="(/users/\d+)">ada<', r.text())
    r = b.post_form((ada.group(1) if ada else "/users/1") + "/active",
                    {"_csrf": csrf, "active": "0"})
    check(r.status == 422 and b.get("/account").status == 200,
          "an administrator cannot disable their own account", r)
    r = b.post_form("/users", {"_csrf": csrf, "kind": "staff", "login": "mag2", "name": "Magazyn",
                               "role": "warehouse", "password": PASSWORD})
    check(r.status == 303, "create a staff user with the warehouse role", r)
    check(b.get("/users/999999").status == 404, "an unknown user: 404")
    s = Browser(srv)
    s.login("sam")
    check(s.get("/users").status == 403, "sales may not manage users: 403")


def screens_html(srv):
    b = Browser(srv)
    b.login("ada")
    pages = ["/dashboard", "/products", "/products/P-001", "/products/new",
             "/products/P-001/edit", "/customers", "/customers/K001", "/customers/K200",
             "/customers/new", "/customers/K001/edit", "/pricelists", "/pricelists/HURT",
             "/pricelists/new", "/company", "/users", "/users/new", "/roles", "/account"]
    uid = re.search(r'href="(/users/\d+)">buyer1<', b.get("/users").text())
    if uid:
        pages.append(uid.group(1))
    for lang in ("pl", "en"):
        b.get("/lang/" + lang)
        for path in pages:
            r = b.get(path)
            probs = html_problems(r.text()) if r.status == 200 else [f"status {r.status}"]
            check(not probs, f"{path} ({lang}): unique ids, labelled controls, alt texts, "
                  "headings in order, landmarks", probs)
    # a form that failed validation is checked too
    csrf = b.csrf()
    r = b.post_form("/products/P-001/stock", {"_csrf": csrf, "op": "set", "warehouse": "MAG1",
                                               "qty": "x"})
    check(r.status == 422 and not html_problems(r.text()), "a page with form errors is sound too",
          html_problems(r.text()))


# --- the permission matrix ------------------------------------------------------

# How to exercise each route: (method, pattern) -> (path to request, body or
# None). A route that is not listed here fails the test: adding a route
# means saying here how to call it.
ROUTE_CALLS = {
    ("GET", "/healthz"): ("/healthz", None),
    ("GET", "/static/*"): ("/static/kontor.css", None),
    ("GET", "/"): ("/", None),
    ("GET", "/login"): ("/login", None),
    ("POST", "/login"): ("/login", {}),
    ("POST", "/logout"): ("/logout", {}),
    ("GET", "/lang/{code}"): ("/lang/en", None),
    ("GET", "/dashboard"): ("/dashboard", None),
    ("GET", "/account"): ("/account", None),
    ("GET", "/api/v1"): ("/api/v1", None),
    ("GET", "/api/v1/me"): ("/api/v1/me", None),
    ("GET", "/api/v1/tokens"): ("/api/v1/tokens", None),
    ("POST", "/api/v1/tokens"): ("/api/v1/tokens", {"name": "m", "scopes": "api"}),
    ("DELETE", "/api/v1/tokens/{id}"): ("/api/v1/tokens/1", None),
    ("GET", "/api/v1/products"): ("/api/v1/products", None),
    ("POST", "/api/v1/products"): ("/api/v1/products", {"code": "MX-1", "name_pl": "Matrix"}),
    ("GET", "/api/v1/products/{code}"): ("/api/v1/products/MX-1", None),
    ("PUT", "/api/v1/products/{code}"): ("/api/v1/products/MX-1", {"name_pl": "Matrix 2"}),
    ("GET", "/api/v1/products/{code}/stock"): ("/api/v1/products/MX-1/stock", None),
    ("GET", "/api/v1/suggest/products"): ("/api/v1/suggest/products?q=ma", None),
    ("GET", "/api/v1/customers"): ("/api/v1/customers", None),
    ("POST", "/api/v1/customers"): ("/api/v1/customers", {"code": "MX", "name": "Matrix",
                                                          "country": "PL"}),
    ("GET", "/api/v1/customers/{code}"): ("/api/v1/customers/K001", None),
    ("PATCH", "/api/v1/customers/{code}"): ("/api/v1/customers/K001", {"payment_days": 30}),
    ("GET", "/products"): ("/products", None),
    ("GET", "/products/new"): ("/products/new", None),
    ("POST", "/products"): ("/products", {"code": "MX-2", "name_pl": "Matrix", "unit": "pcs",
                                          "vat_rate": "23"}),
    ("GET", "/products/{code}"): ("/products/MX-1", None),
    ("GET", "/products/{code}/edit"): ("/products/MX-1/edit", None),
    ("POST", "/products/{code}"): ("/products/MX-1", {"version": "1", "name_pl": "Matrix",
                                                     "unit": "pcs", "vat_rate": "23"}),
    ("GET", "/products/{code}/images/{n}"): ("/products/MX-1/images/0", None),
    ("GET", "/products/{code}/images/{n}/thumb"): ("/products/MX-1/images/0/thumb", None),
    ("POST", "/products/{code}/images"): ("/products/MX-1/images", {}),
    ("POST", "/products/{code}/images/{n}/move"): ("/products/MX-1/images/0/move",
                                                   {"hash": "0" * 64, "dir": "up"}),
    ("POST", "/products/{code}/images/{n}/delete"): ("/products/MX-1/images/0/delete",
                                                     {"hash": "0" * 64}),
    ("POST", "/products/{code}/stock"): ("/products/MX-1/stock", {"op": "adjust",
                                                                  "warehouse": "NOPE",
                                                                  "qty": "1"}),
    ("POST", "/products/{code}/prices"): ("/products/MX-1/prices", {"price_list": "NOPE",
                                                                    "price": "1"}),
    ("GET", "/customers"): ("/customers", None),
    ("GET", "/customers/new"): ("/customers/new", None),
    ("POST", "/customers"): ("/customers", {"code": "MXC", "name": "Matrix", "country": "PL"}),
    ("GET", "/customers/{code}"): ("/customers/K001", None),
    ("GET", "/customers/{code}/edit"): ("/customers/K001/edit", None),
    ("POST", "/customers/{code}"): ("/customers/K001", {"version": "1", "name": "Matrix",
                                                       "country": "PL"}),
    ("POST", "/customers/{code}/addresses"): ("/customers/K001/addresses", {"version": "0",
                                                                            "label": "M"}),
    ("POST", "/customers/{code}/addresses/{id}/delete"): ("/customers/K001/addresses/999/delete",
                                                           {"version": "0"}),
    ("POST", "/customers/{code}/contacts"): ("/customers/K001/contacts", {"version": "0"}),
    ("POST", "/customers/{code}/contacts/{id}/delete"): ("/customers/K001/contacts/999/delete",
                                                          {"version": "0"}),
    ("POST", "/customers/{code}/bank-accounts"): ("/customers/K001/bank-accounts",
                                                  {"version": "0"}),
    ("POST", "/customers/{code}/bank-accounts/{id}/delete"): (
        "/customers/K001/bank-accounts/999/delete", {"version": "0"}),
    ("POST", "/customers/{code}/prices"): ("/customers/K001/prices", {"product": "NOPE",
                                                                      "price": "1"}),
    ("POST", "/customers/{code}/terms"): ("/customers/K001/terms", {"discount": "500"}),
    ("GET", "/pricelists"): ("/pricelists", None),
    ("GET", "/pricelists/new"): ("/pricelists/new", None),
    ("POST", "/pricelists"): ("/pricelists", {"code": "bad code", "name": "M",
                                              "currency": "PLN"}),
    ("GET", "/pricelists/{code}"): ("/pricelists/NOPE", None),
    ("POST", "/pricelists/{code}/items"): ("/pricelists/NOPE/items", {"product": "X",
                                                                      "price": "1"}),
    ("POST", "/api/v1/products/{code}/stock"): ("/api/v1/products/MX-1/stock",
                                                 {"op": "set", "warehouse": "NOPE",
                                                  "qty": "1"}),
    ("GET", "/api/v1/products/{code}/stock/ledger"): ("/api/v1/products/MX-1/stock/ledger",
                                                      None),
    ("GET", "/api/v1/pricelists"): ("/api/v1/pricelists", None),
    ("POST", "/api/v1/pricelists"): ("/api/v1/pricelists", {"code": "bad code", "name": "M",
                                                            "currency": "PLN"}),
    ("GET", "/api/v1/pricelists/{code}"): ("/api/v1/pricelists/NOPE", None),
    ("GET", "/api/v1/pricelists/{code}/items"): ("/api/v1/pricelists/NOPE/items", None),
    ("PUT", "/api/v1/pricelists/{code}/items"): ("/api/v1/pricelists/NOPE/items",
                                                 {"product": "X", "price": "1"}),
    ("GET", "/company"): ("/company", None),
    ("POST", "/company"): ("/company", {"version": "0", "name": "M", "nip": "1"}),
    ("POST", "/company/accounts"): ("/company/accounts", {"currency": "PLN", "iban": "x"}),
    ("POST", "/company/accounts/{id}/delete"): ("/company/accounts/999/delete", {}),
    ("POST", "/company/logo"): ("/company/logo", {}),
    ("GET", "/company/logo"): ("/company/logo", None),
    ("GET", "/users"): ("/users", None),
    ("GET", "/users/new"): ("/users/new", None),
    ("POST", "/users"): ("/users", {"kind": "staff", "login": "mx", "name": "M",
                                    "role": "sales", "password": "short"}),
    ("GET", "/users/{id}"): ("/users/999999", None),
    ("POST", "/users/{id}/roles"): ("/users/999999/roles", {"role": "sales"}),
    ("POST", "/users/{id}/active"): ("/users/999999/active", {"active": "0"}),
    ("POST", "/users/{id}/password"): ("/users/999999/password", {"password": "x"}),
    ("GET", "/roles"): ("/roles", None),
    # customer orders (test_orders_http.py tests them in depth); order 999999 does not exist
    ("GET", "/orders"): ("/orders", None),
    ("GET", "/orders/new"): ("/orders/new", None),
    ("POST", "/orders"): ("/orders", {"customer": "K001"}),
    ("GET", "/orders/{id}"): ("/orders/999999", None),
    ("GET", "/orders/{id}/edit"): ("/orders/999999/edit", None),
    ("POST", "/orders/{id}"): ("/orders/999999", {"version": "1"}),
    ("POST", "/orders/{id}/lines"): ("/orders/999999/lines", {"version": "1", "product": "X",
                                                              "qty": "1"}),
    ("POST", "/orders/{id}/lines/{position}"): ("/orders/999999/lines/1", {"version": "1",
                                                                           "qty": "1"}),
    ("POST", "/orders/{id}/lines/{position}/delete"): ("/orders/999999/lines/1/delete",
                                                       {"version": "1"}),
    ("POST", "/orders/{id}/lines/{position}/map"): ("/orders/999999/lines/1/map",
                                                    {"version": "1", "product": "X"}),
    ("POST", "/orders/{id}/confirm"): ("/orders/999999/confirm", {"version": "1"}),
    ("GET", "/orders/{id}/cancel"): ("/orders/999999/cancel", None),
    ("POST", "/orders/{id}/cancel"): ("/orders/999999/cancel", {"version": "1"}),
    ("POST", "/orders/{id}/messages"): ("/orders/999999/messages", {"body": "m"}),
    ("GET", "/api/v1/orders"): ("/api/v1/orders", None),
    ("POST", "/api/v1/orders"): ("/api/v1/orders", {"customer": "K001",
                                                    "lines": [{"product": "X", "qty": "1"}]}),
    ("GET", "/api/v1/orders/{id}"): ("/api/v1/orders/999999", None),
    ("PATCH", "/api/v1/orders/{id}"): ("/api/v1/orders/999999", {"customer_po": "M"}),
    ("POST", "/api/v1/orders/{id}/lines"): ("/api/v1/orders/999999/lines", {"product": "X",
                                                                            "qty": "1"}),
    ("PATCH", "/api/v1/orders/{id}/lines/{position}"): ("/api/v1/orders/999999/lines/1",
                                                        {"qty": "1"}),
    ("DELETE", "/api/v1/orders/{id}/lines/{position}"): ("/api/v1/orders/999999/lines/1", None),
    ("POST", "/api/v1/orders/{id}/lines/{position}/map"): ("/api/v1/orders/999999/lines/1/map",
                                                           {"product": "X"}),
    ("POST", "/api/v1/orders/{id}/confirm"): ("/api/v1/orders/999999/confirm", {}),
    ("POST", "/api/v1/orders/{id}/cancel"): ("/api/v1/orders/999999/cancel", {}),
    ("POST", "/api/v1/orders/{id}/submit"): ("/api/v1/orders/999999/submit", {}),
    ("GET", "/api/v1/orders/{id}/messages"): ("/api/v1/orders/999999/messages", None),
    ("POST", "/api/v1/orders/{id}/messages"): ("/api/v1/orders/999999/messages", {"body": "m"}),
    ("GET", "/api/v1/suggest/price"): ("/api/v1/suggest/price?customer=K001&product=X", None),
}


def expected_denied(route, role):
    """403 expected when the role may not use the route (None: allowed)."""
    if route["auth"] == "public":
        return False
    if route["auth"] == "staff" and role["kind"] != "staff":
        return True
    perm = route.get("perm")
    if not perm:
        return False
    perms = role["permissions"]
    if perm in perms:
        return False
    # admin implies every staff permission and those open to both kinds
    return not ("admin" in perms and role["kind"] == "staff")


def group_matrix(tmp):
    srv = make_server(tmp)
    rc, out, err = srv.cli("--json", "serve", "--routes")
    routes = json.loads(out)
    check(rc == 0 and len(routes) >= len(ROUTE_CALLS) - 1,
          "kontor serve --routes --json lists the route table", err)
    roles = roles_of(srv)
    check(len(roles) >= 4 and any(r["kind"] == "customer" for r in roles),
          "the roles to test come from the database", roles)
    add_customer(srv, "K001")
    for role in roles:
        add_user(srv, "u_" + role["code"], role["code"],
                 customer="K001" if role["kind"] == "customer" else None)
    srv.start("--no-worker")
    try:
        known = {(r["method"], r["pattern"]) for r in routes}
        for key in sorted(known - set(ROUTE_CALLS)):
            check(False, f"route {key[0]} {key[1]} has an entry in the permission matrix test")
        for key in sorted(set(ROUTE_CALLS) - known):
            check(False, f"matrix entry {key[0]} {key[1]} is a route")
        for role in roles:
            b = Browser(srv)
            r = b.login("u_" + role["code"])
            if r.status != 303:
                check(False, f"role {role['code']} can log in", r)
                continue
            csrf = b.csrf()
            for route in routes:
                key = (route["method"], route["pattern"])
                if key not in ROUTE_CALLS or key == ("POST", "/logout"):
                    continue
                path, body = ROUTE_CALLS[key]
                h = {"X-CSRF-Token": csrf}
                if body is None:
                    r = b.request(route["method"], path, headers=h)
                elif route["area"] == "api":
                    r = b.post_json(path, body, headers=h, method=route["method"])
                elif route["csrf"] == "login":
                    # double submit: the cookie and the field carry one value
                    b.cookies["kontor_login"] = "f" * 48
                    r = b.post_form(path, dict(body, _csrf="f" * 48))
                else:
                    r = b.post_form(path, dict(body, _csrf=csrf))
                denied = expected_denied(route, role)
                if denied:
                    ok = r.status == 403
                else:
                    ok = r.status not in (401, 403) and r.status < 500
                check(ok, f"{role['code']:<20} {route['method']:<6} {route['pattern']:<24} "
                      f"{'403' if denied else 'allowed'}", r)
            # the session still works after the sweep (no route logged us out)
            check(b.get("/account").status == 200, f"{role['code']}: still logged in")
            b.post_form("/logout", {"_csrf": csrf})
    finally:
        srv.stop()


# --- session expiry ---------------------------------------------------------------

def group_expiry(tmp):
    srv = make_server(tmp, "session_idle_min = 1")
    add_user(srv, "ada", "admin")
    srv.start("--no-worker")
    try:
        b = Browser(srv)
        r = b.login("ada")
        check(r.status == 303 and b.get("/account").status == 200, "logged in", r)
        time.sleep(20)
        check(b.get("/account").status == 200, "20 s later: still logged in")
        # access writes last_seen at most once a minute, so the idle clock
        # runs from the login here
        time.sleep(45)
        r = b.get("/account")
        check(r.status == 303 and r.header("Location") == "/login?next=/account" and
              "kontor_session" not in b.cookies,
              "idle longer than session_idle_min: logged out, cookie cleared", r)
        r = b.get("/api/v1/me")
        check(api_error(r, 401), "the API says 401 after the session expired", r)
    finally:
        srv.stop()


def main():
    tmp = tempfile.mkdtemp(prefix="kontor-http-")
    try:
        {"basic": group_basic, "auth": group_auth, "matrix": group_matrix,
         "expiry": group_expiry, "screens": group_screens}[GROUP](tmp)
    except Exception as e:  # a crash is a failed test, with the reason
        import traceback
        check(False, f"group {GROUP} ran to the end", traceback.format_exc())
    finally:
        for url in DATABASES:
            subprocess.run([MKDB, "--drop", url], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{len(results)}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
