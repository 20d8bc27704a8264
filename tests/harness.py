"""Test harness: a private postpanel stack and an HTTP client for it.

Starts PostgreSQL, postpanel-web and nginx through tools/stack in a fresh
temporary directory (unix sockets and 127.0.0.1 only), and stops them
again. Used by the integration and browser tests; Python standard library
only, so it runs on Debian's python3 without anything from PyPI.
"""
import atexit
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

SRCDIR = os.path.abspath(os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..")))
BUILDDIR = os.path.abspath(os.environ.get("top_builddir", os.path.join(SRCDIR, "build")))
STACK = os.path.join(SRCDIR, "tools", "stack")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_pair():
    """A free port p such that p + 1 is free too."""
    for _ in range(100):
        p = free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p + 1))
                return p
            except OSError:
                continue
    raise RuntimeError("no two free ports in a row")


class Stack:
    """One private stack; call start() then stop() (also run at exit)."""

    def __init__(self, workers=3, postfix=False):
        self.dir = tempfile.mkdtemp(prefix="postpanel-test-")
        self.port = free_port()
        # With postfix: postpanel-mapd on DIR/maps and a private Postfix on
        # smtp_port (and a submission listener on smtp_port + 1).
        self.smtp_port = free_port_pair() if postfix else None
        self.map_dir = os.path.join(self.dir, "maps")
        self.workers = workers
        self.conf = os.path.join(self.dir, "etc", "postpanel.conf")
        self.base = "http://127.0.0.1:%d" % self.port
        self.started = False

    def start(self):
        self.started = True
        atexit.register(self.stop)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: sys.exit(1))
        extra = ["--postfix", str(self.smtp_port)] if self.smtp_port else []
        self.stack("up", "--build", BUILDDIR, "--port", str(self.port),
                   "--workers", str(self.workers), "--fast", *extra)
        return self

    def generation(self):
        return int(self.sql("SELECT value FROM change_generation")[0][0])

    def wait_applied(self, timeout=10):
        """Waits until postpanel-mapd recorded the current generation."""
        want = self.generation()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.sql("SELECT applied_generation, coalesce(error, '') FROM map_nodes WHERE name = 'local'")
            if rows and int(rows[0][0]) >= want:
                return want
            time.sleep(0.05)
        raise AssertionError("mapd did not apply generation %d: %s" % (want, self.sql("SELECT * FROM map_nodes")))

    def stop(self):
        if not self.started:
            return
        self.started = False
        subprocess.run([STACK, "down", self.dir], check=False)
        if os.environ.get("KEEP_TEST_DIR"):
            print("test directory kept:", self.dir, file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def stack(self, *args):
        subprocess.run([STACK, args[0], self.dir] + list(args[1:]), check=True)

    def cli(self, *args, stdin=None, check=True):
        """Runs the postpanel CLI; returns the CompletedProcess."""
        p = subprocess.run([os.path.join(BUILDDIR, "postpanel"), "-c", self.conf] + list(args),
                           input=stdin, capture_output=True, text=True)
        if check and p.returncode != 0:
            raise AssertionError("postpanel %s failed: %s%s" % (" ".join(args), p.stdout, p.stderr))
        return p

    def sql(self, query, *params):
        """Runs one query through psql; returns rows as lists of strings.

        Parameters are passed as psql variables (:'v1', :'v2', ...), which
        psql quotes, so test code never pastes values into SQL text.
        """
        cmd = ["psql", "-X", "-h", os.path.join(self.dir, "run"), "-U", "postpanel",
               "-d", "postpanel", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1"]
        for i, p in enumerate(params, 1):
            cmd += ["-v", "v%d=%s" % (i, p)]
        p = subprocess.run(cmd, input=query, capture_output=True, text=True)
        if p.returncode != 0:
            raise AssertionError("psql failed: %s" % p.stderr)
        return [line.split("\t") for line in p.stdout.splitlines() if line != ""]

    def add_user(self, login, role, password, reseller=None, language=None):
        args = ["user", "add", login, "--role", role]
        if reseller:
            args += ["--reseller", reseller]
        if language:
            args += ["--language", language]
        self.cli(*args, stdin=password + "\n")

    def add_domain(self, name, owner):
        self.cli("domain", "add", name, "--owner", owner)

    def web_pid(self):
        with open(os.path.join(self.dir, "run", "web.pid")) as f:
            return int(f.read())

    def worker_pids(self):
        """The preforked workers: children of the postpanel-web master."""
        master = self.web_pid()
        kids = []
        for task in os.listdir("/proc/%d/task" % master):
            with open("/proc/%d/task/%s/children" % (master, task)) as f:
                kids += [int(x) for x in f.read().split()]
        return kids


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def field(self, name):
        """The value="" of the input called name in the page, or None."""
        m = re.search(r'<input[^>]*name="%s"[^>]*value="([^"]*)"' % re.escape(name), self.body)
        return unescape(m.group(1)) if m else None

    def error_for(self, field):
        """The text of the error shown beside a field, or None."""
        m = re.search(r'id="error-%s">([^<]*)<' % re.escape(field), self.body)
        return unescape(m.group(1)) if m else None


def unescape(s):
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&#39;", "'").replace("&amp;", "&"))


class Client:
    """A browser-like HTTP client: keeps cookies, never follows redirects."""

    def __init__(self, stack, accept_language=None):
        self.stack = stack
        self.cookies = {}
        self.accept_language = accept_language

    def request(self, method, path, form=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.stack.port, timeout=30)
        hdrs = dict(headers or {})
        if self.cookies:
            hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if self.accept_language:
            hdrs["Accept-Language"] = self.accept_language
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True) if not isinstance(form, (str, bytes)) else form
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        headers = r.getheaders()
        conn.close()
        for k, v in headers:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";", 1)[0]
                if "Max-Age=0" in v:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        return Response(r.status, headers, data)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, form, **kw):
        return self.request("POST", path, form=form, **kw)

    def login(self, login, password):
        page = self.get("/login")
        r = self.post("/login", {"csrf": page.field("csrf"), "login": login, "password": password})
        return r

    def csrf(self):
        """The session's CSRF token, as found in any logged-in page."""
        return self.get("/domains").field("csrf")


def mail_form(page, **changes):
    """The complete mail settings form as a browser would post it."""
    form = {}
    for name in ("csrf", "version", "bounce_message", "forward_address", "redirect_ip",
                 "redirect_port", "domain_limit", "mailbox_limit"):
        v = page.field(name)
        form[name] = v if v is not None else ""
    if re.search(r'name="service" value="on" checked', page.body):
        form["service"] = "on"
    for radio in ("policy", "domain_limit_mode", "mailbox_limit_mode"):
        m = re.search(r'name="%s" value="([^"]*)" checked' % radio, page.body)
        if m:
            form[radio] = m.group(1)
    m = re.search(r'<option value="([^"]*)" selected', page.body)
    form["webmail"] = m.group(1) if m else "none"
    for k, v in changes.items():
        if v is None:
            form.pop(k, None)
        else:
            form[k] = v
    return form
