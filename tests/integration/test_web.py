"""Integration tests of postpanel-web: the real pages, through nginx and
FastCGI, against a private PostgreSQL.

One private stack (tests/harness.py) serves the whole module. Fixture
accounts and domains are made with the postpanel CLI; every test that
changes state works on its own domains, so the tests do not depend on
each other's side effects or on their order. Each check is exact: the
HTTP status, the text shown beside a field, and the rows in the database
(read back with psql, values passed as psql variables, never pasted).

Run: top_srcdir=SRC top_builddir=BUILD python3 tests/integration/test_web.py -v
"""
import json
import os
import re
import signal
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import Client, mail_form, unescape  # noqa: E402

STACK = None

ADMIN = "admin"
RES_A, RES_B = "res-a", "res-b"
CUST_A1, CUST_A2 = "cust-a1", "cust-a2"      # customers of reseller A
CUST_B1 = "cust-b1"                           # customer of reseller B
CUST_SOLO = "cust-solo"                       # customer without reseller
PASSWORDS = {}

# Texts of the application (src/web/request.c, pages_*.c, model/*.c).
NOTHING_SAVED = "Nothing was saved. Correct the fields marked below and save again."
SAVED = "The mail settings were saved."
WRONG_LOGIN = "Wrong login name or password."
FORBIDDEN = ("This request was refused: it did not carry a valid security token, or your "
             "account may not do this. Reload the page and try again.")
NOT_FOUND = "There is no such page, or it does not belong to your account."
DB_DOWN = ("The control panel cannot reach its database at the moment. Your settings are "
           "safe; nothing was changed. Please try again in a minute.")
BAD_REQUEST = "The request could not be understood. Reload the page and try again."
MSG_SERVICE = "Choose whether the mail service is on or off."
MSG_POLICY = "Choose what happens to mail for nonexistent users."
MSG_BOUNCE_CONTROL = "The message must be a single line without tabs or control characters."
MSG_BOUNCE_LONG = "The message is longer than 200 characters."
MSG_ADDRESS_AT = "An e-mail address must contain exactly one @, as in name@example.com."
MSG_ADDRESS_DOMAIN = "The domain name needs at least two labels, such as example.com."
MSG_OUTGOING = "Outgoing mail control is on: the address must belong to the domain %s."
MSG_FORWARD_MISSING = "Enter the address that will receive mail sent to nonexistent users."
MSG_IP = "This is not an IPv4 or IPv6 address."
MSG_IP4_RESERVED = "This IPv4 address cannot receive mail (unspecified, multicast or reserved)."
MSG_IP6_RESERVED = "This IPv6 address cannot receive mail (unspecified or multicast)."
MSG_IP_MISSING = "Enter the IP address of the external mail server."
MSG_PORT = "The port must be a whole number from 1 to 65535."
MSG_WEBMAIL = "This webmail is not installed on the server; choose another one."
MSG_LIMIT = "The limit must be a whole number from 1 to 1,000,000 messages per hour."
MSG_LIMIT_MISSING = "Enter the number of messages per hour."
MSG_LIMIT_MODE = "Choose the default, unlimited, or a number of messages."
MSG_SERVER_LIMIT_MODE = "Choose unlimited or a number of messages."
MSG_OVER_LIMIT = "Choose to defer or to reject messages over the limit."
MSG_LANGUAGE = "Choose one of the offered languages."
MSG_OUTGOING_CHOICE = "Choose whether outgoing mail control is on or off."
CONFLICT_TITLE = "Changed by someone else"
SERVER_CONFLICT = ("Someone else changed the server settings since you opened this page. Nothing was "
                   "saved; the form shows your values, the page their time of change. Save again to overwrite.")

# The server settings as the schema creates them; tests that change them restore these.
SERVER_DEFAULTS_SQL = """
UPDATE server_settings SET outgoing_control = false, default_domain_limit = 1000,
       default_mailbox_limit = 100, over_limit_action = 'defer', default_language = 'en';
UPDATE webmails SET installed = (name = 'roundcube')
 WHERE installed IS DISTINCT FROM (name = 'roundcube');
"""

_serial = [0]


def unique(prefix):
    _serial[0] += 1
    return "%s-%d" % (prefix, _serial[0])


def add_account(login, role, reseller=None, language=None):
    password = "pw-%s-0123456789" % login
    STACK.add_user(login, role, password, reseller=reseller, language=language)
    PASSWORDS[login] = password


def setUpModule():
    global STACK
    STACK = harness.Stack(workers=3).start()
    add_account(ADMIN, "admin")
    add_account(RES_A, "reseller")
    add_account(RES_B, "reseller")
    add_account(CUST_A1, "customer", reseller=RES_A)
    add_account(CUST_A2, "customer", reseller=RES_A)
    add_account(CUST_B1, "customer", reseller=RES_B)
    add_account(CUST_SOLO, "customer")
    for name, owner in (("a1.example", CUST_A1), ("a1-second.example", CUST_A1),
                        ("a2.example", CUST_A2), ("b1.example", CUST_B1),
                        ("solo.example", CUST_SOLO)):
        STACK.add_domain(name, owner)


def tearDownModule():
    if STACK is not None:
        STACK.stop()


# ---------------------------------------------------------------- helpers

_account_ids = {}


def account_id(login):
    if login not in _account_ids:
        _account_ids[login] = int(STACK.sql("SELECT id FROM accounts WHERE login = :'v1'", login)[0][0])
    return _account_ids[login]


def mail_row(domain):
    """The stored state of domain's mail settings, in one query.

    settings (in the shape of the audit log's JSON), version, updated_by,
    updated_at, audits (the domain's mail_settings audit rows) and
    audit_total (all audit rows, so that equality also means "nothing was
    logged anywhere")."""
    rows = STACK.sql("""
        SELECT jsonb_build_object(
                 'service', m.service_enabled, 'policy', m.unknown_policy,
                 'bounce_message', m.bounce_message, 'forward_address', m.forward_address,
                 'redirect_ip', host(m.redirect_ip), 'redirect_port', m.redirect_port,
                 'webmail', m.webmail,
                 'domain_limit_mode', m.domain_limit_mode, 'domain_limit', m.domain_limit,
                 'mailbox_limit_mode', m.mailbox_limit_mode, 'mailbox_limit', m.mailbox_limit),
               m.version, coalesce(u.login, ''), m.updated_at,
               (SELECT coalesce(jsonb_agg(to_jsonb(a) ORDER BY a.id), '[]') FROM audit_log a
                 WHERE a.domain_id = d.id AND a.action = 'mail_settings'),
               (SELECT count(*) FROM audit_log)
          FROM mail_settings m
          JOIN domains d ON d.id = m.domain_id
          LEFT JOIN accounts u ON u.id = m.updated_by
         WHERE d.name = :'v1'""", domain)
    assert len(rows) == 1, "no mail settings for %s" % domain
    return {"settings": json.loads(rows[0][0]), "version": int(rows[0][1]),
            "updated_by": rows[0][2], "updated_at": rows[0][3],
            "audits": json.loads(rows[0][4]), "audit_total": int(rows[0][5])}


def audit_rows(domain):
    return mail_row(domain)["audits"]


def server_row():
    rows = STACK.sql("""
        SELECT jsonb_build_object(
                 'outgoing_control', outgoing_control,
                 'default_domain_limit', default_domain_limit,
                 'default_mailbox_limit', default_mailbox_limit,
                 'over_limit_action', over_limit_action,
                 'default_language', default_language,
                 'version', version,
                 'installed', (SELECT jsonb_agg(name ORDER BY name) FROM webmails WHERE installed),
                 'audit_total', (SELECT count(*) FROM audit_log))
          FROM server_settings""")
    return json.loads(rows[0][0])


def session_exists(token):
    return STACK.sql("SELECT count(*) FROM sessions WHERE token_hash = sha256(convert_to(:'v1', 'UTF8'))",
                     token)[0][0] == "1"


def login(user, password=None, client=None):
    c = client or Client(STACK)
    r = c.login(user, password or PASSWORDS[user])
    assert r.status == 303 and r.header("Location") == "/domains", \
        "login %s: %d %s" % (user, r.status, r.body[:300])
    return c


def mail_url(domain):
    return "/domains/%s/mail" % domain


def checked(page, name):
    m = re.search(r'name="%s" value="([^"]*)" checked' % re.escape(name), page.body)
    return m.group(1) if m else None


def service_checked(page):
    return re.search(r'name="service" value="on" checked', page.body) is not None


def selected_webmail(page):
    m = re.search(r'<select id="webmail".*?</select>', page.body, re.S)
    s = re.search(r'<option value="([^"]*)" selected', m.group(0))
    return s.group(1) if s else None


def webmail_options(page):
    m = re.search(r'<select id="webmail".*?</select>', page.body, re.S)
    return re.findall(r'<option value="([^"]*)"', m.group(0))


def error_fields(page):
    return sorted(re.findall(r'id="error-([a-z_]+)"', page.body))


def notice_error(page):
    m = re.search(r'<p class="notice error" role="alert">([^<]*)</p>', page.body)
    return unescape(m.group(1)) if m else None


def error_page(page):
    """(title, text) of the error page."""
    m = re.search(r'<section class="error-page">\s*<h1>([^<]*)</h1>\s*<p>([^<]*)</p>', page.body)
    return (unescape(m.group(1)), unescape(m.group(2))) if m else None


def login_error(page):
    m = re.search(r'id="login-error">([^<]*)<', page.body)
    return unescape(m.group(1)) if m else None


def set_cookie_headers(resp, name):
    return [v for k, v in resp.headers if k.lower() == "set-cookie" and v.startswith(name + "=")]


def domain_rows(page):
    """The rows of the domain list: dicts with name, text, service, policy, label."""
    rows = []
    for m in re.finditer(r'<tr>\s*<td><a href="/domains/([^"/]+)/mail">(.*?)</a></td>(.*?)</tr>',
                         page.body, re.S):
        rest = m.group(3)
        svc = re.search(r'<span class="state (on|off)">', rest)
        pol = re.search(r'<td class="policy-([a-z]+)">([^<]*)</td>', rest)
        rows.append({"name": urllib.parse.unquote(m.group(1)), "text": unescape(m.group(2)),
                     "service": svc.group(1) if svc else None,
                     "policy": pol.group(1) if pol else None,
                     "label": unescape(pol.group(2)) if pol else None})
    return rows


def paging_link(page, rel):
    m = re.search(r'<a rel="%s" href="([^"]*)"' % rel, page.body)
    return unescape(m.group(1)) if m else None


def count_text(page):
    m = re.search(r'<p class="count" id="domain-count">([^<]*)</p>', page.body)
    return unescape(m.group(1)) if m else None


def server_form(page, **changes):
    """The complete server settings form as a browser posts it."""
    body = page.body
    form = {"csrf": page.field("csrf"), "version": page.field("version"),
            "domain_limit": page.field("domain_limit") or "",
            "mailbox_limit": page.field("mailbox_limit") or ""}
    for name in re.findall(r'<input type="checkbox" name="([^"]+)" value="on" checked', body):
        form[name] = "on"
    for radio in ("domain_limit_mode", "mailbox_limit_mode"):
        v = checked(page, radio)
        if v is not None:
            form[radio] = v
    for sel in ("over_limit_action", "default_language"):
        block = re.search(r'<select id="%s".*?</select>' % sel, body, re.S).group(0)
        m = re.search(r'<option value="([^"]*)" selected', block)
        if m:
            form[sel] = m.group(1)
    for k, v in changes.items():
        if v is None:
            form.pop(k, None)
        else:
            form[k] = v
    return form


def all_domain_names():
    return [r[0] for r in STACK.sql("SELECT name FROM domains ORDER BY name")]


class WebTest(unittest.TestCase):
    maxDiff = None

    def new_domain(self, owner, prefix="d"):
        name = unique(prefix) + ".example"
        STACK.add_domain(name, owner)
        return name

    def assertSecurityHeaders(self, r):
        self.assertEqual(r.header("Cache-Control"), "no-store")
        self.assertEqual(r.header("X-Frame-Options"), "DENY")
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        csp = r.header("Content-Security-Policy")
        self.assertIsNotNone(csp)
        self.assertIn("default-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)

    def assertErrorPage(self, r, status, text):
        self.assertEqual(r.status, status, r.body[:500])
        ep = error_page(r)
        self.assertIsNotNone(ep, r.body[:500])
        self.assertEqual(ep[1], text)

    def set_server(self, admin, **changes):
        page = admin.get("/server")
        self.assertEqual(page.status, 200)
        r = admin.post("/server", server_form(page, **changes))
        self.assertEqual(r.status, 303, r.body[:2000])
        self.assertEqual(r.header("Location"), "/server?saved=1")

    def restore_server(self):
        STACK.sql(SERVER_DEFAULTS_SQL)

    def save_ok(self, c, actor, domain, **changes):
        """Posts the page's form with changes; checks redirect, version, audit row.

        Returns (the page after the save, the stored settings)."""
        url = mail_url(domain)
        page = c.get(url)
        self.assertEqual(page.status, 200)
        before = mail_row(domain)
        r = c.post(url, mail_form(page, **changes))
        self.assertEqual(r.status, 303, "%s: %s" % (changes, error_fields(r)))
        self.assertEqual(r.header("Location"), url + "?saved=1")
        self.assertSecurityHeaders(r)
        after = mail_row(domain)
        self.assertEqual(after["version"], before["version"] + 1)
        self.assertEqual(after["updated_by"], actor)
        new = after["audits"][len(before["audits"]):]
        if after["settings"] != before["settings"]:
            self.assertEqual(len(new), 1, new)
            a = new[0]
            self.assertEqual(a["actor_login"], actor)
            self.assertEqual(a["actor_id"], account_id(actor))
            self.assertEqual(a["source"], "web")
            self.assertEqual(a["before"], before["settings"])
            self.assertEqual(a["after"], after["settings"])
        else:
            self.assertEqual(new, [])
        shown = c.get(r.header("Location"))
        self.assertEqual(shown.status, 200)
        self.assertIn('<p class="notice ok" role="status">%s</p>' % SAVED, shown.body)
        self.assertEqual(shown.field("version"), str(after["version"]))
        self.assertIn("Last changed by " + actor, shown.body)
        return shown, after["settings"]

    def save_invalid(self, c, domain, field, message, **changes):
        """Posts an invalid form; checks 422, the message, the typed value, nothing stored."""
        url = mail_url(domain)
        page = c.get(url)
        self.assertEqual(page.status, 200)
        before = mail_row(domain)
        form = mail_form(page, **changes)
        r = c.post(url, form)
        self.assertEqual(r.status, 422, "%s: %s" % (changes, r.body[:300]))
        self.assertEqual(error_fields(r), [field], changes)
        self.assertEqual(r.error_for(field), message)
        self.assertEqual(notice_error(r), NOTHING_SAVED)
        self.assertSecurityHeaders(r)
        # What the user typed is still in the form.
        for name in ("bounce_message", "forward_address", "redirect_ip", "redirect_port",
                     "domain_limit", "mailbox_limit"):
            if name in form and not (name == "bounce_message" and form[name] == ""):
                self.assertEqual(r.field(name), form[name], name)
        if "policy" in form:
            self.assertEqual(checked(r, "policy"), form["policy"] if form["policy"] in
                             ("bounce", "forward", "redirect", "reject") else None)
        for radio in ("domain_limit_mode", "mailbox_limit_mode"):
            if form.get(radio) in ("default", "unlimited", "custom"):
                self.assertEqual(checked(r, radio), form[radio])
        self.assertEqual(service_checked(r), form.get("service") == "on")
        if form.get("webmail") in webmail_options(r):
            self.assertEqual(selected_webmail(r), form["webmail"])
        self.assertEqual(r.field("version"), str(before["version"]))
        self.assertEqual(mail_row(domain), before)    # settings, version, audit rows
        return r


# ---------------------------------------------------------------- tests

class T01Login(WebTest):
    def test_wrong_password(self):
        add_account("login-wrong", "customer")
        c = Client(STACK)
        r = c.login("login-wrong", "not-the-password-1")
        self.assertEqual(r.status, 200)
        self.assertEqual(login_error(r), WRONG_LOGIN)
        self.assertEqual(set_cookie_headers(r, "pp_session"), [])
        self.assertNotIn("pp_session", c.cookies)
        self.assertEqual(r.field("login"), "login-wrong")
        # An unknown login gets the very same answer.
        r = c.login("nobody-here", "whatever-password")
        self.assertEqual(r.status, 200)
        self.assertEqual(login_error(r), WRONG_LOGIN)
        self.assertEqual(set_cookie_headers(r, "pp_session"), [])
        self.assertEqual(STACK.sql("SELECT count(*) FROM sessions s JOIN accounts a ON a.id = s.account_id"
                                   " WHERE a.login = :'v1'", "login-wrong"), [["0"]])
        self.assertEqual(c.get("/domains").status, 303)

    def test_login_cookie_rotation_logout(self):
        add_account("login-ok", "customer")
        c = Client(STACK)
        r = c.login("login-ok", PASSWORDS["login-ok"])
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/domains")
        self.assertSecurityHeaders(r)
        cookies = set_cookie_headers(r, "pp_session")
        self.assertEqual(len(cookies), 1)
        attrs = [a.strip() for a in cookies[0].split(";")]
        token1 = attrs[0].split("=", 1)[1]
        self.assertRegex(token1, r"^[0-9a-f]{64}$")
        self.assertIn("HttpOnly", attrs)
        self.assertIn("SameSite=Lax", attrs)
        self.assertIn("Path=/", attrs)
        self.assertTrue(session_exists(token1))
        page = c.get("/domains")
        self.assertEqual(page.status, 200)
        self.assertIn('<span class="who">login-ok', page.body)
        self.assertEqual(c.get("/login").status, 303)

        # Logging in again (a login form open in another tab) gives a new
        # session id and ends the old one.
        r = c.post("/login", {"csrf": c.cookies["pp_login"], "login": "login-ok",
                              "password": PASSWORDS["login-ok"]})
        self.assertEqual(r.status, 303)
        token2 = c.cookies["pp_session"]
        self.assertNotEqual(token2, token1)
        self.assertFalse(session_exists(token1))
        self.assertTrue(session_exists(token2))
        old = Client(STACK)
        old.cookies["pp_session"] = token1
        r = old.get("/domains")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/login")
        self.assertEqual(c.get("/domains").status, 200)

        # Logout: POST with the token; the cookie is cleared, the session gone.
        csrf = c.csrf()
        r = c.post("/logout", {"csrf": csrf})
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/login")
        cleared = set_cookie_headers(r, "pp_session")
        self.assertEqual(len(cleared), 1)
        self.assertIn("Max-Age=0", cleared[0])
        self.assertFalse(session_exists(token2))
        r = c.get("/domains")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/login")
        # Replaying the old cookie does not bring the session back.
        replay = Client(STACK)
        replay.cookies["pp_session"] = token2
        self.assertEqual(replay.get("/domains").status, 303)

    def test_login_throttling(self):
        add_account("throttled", "customer")
        add_account("not-throttled", "customer")
        c = Client(STACK)
        for i in range(5):
            r = c.login("throttled", "wrong-password-%d" % i)
            self.assertEqual(r.status, 200, "attempt %d" % (i + 1))
            self.assertEqual(login_error(r), WRONG_LOGIN)
        r = c.login("throttled", PASSWORDS["throttled"])
        self.assertEqual(r.status, 429)
        self.assertEqual(login_error(r), "Too many failed attempts. Try again in 15 minutes.")
        self.assertEqual(set_cookie_headers(r, "pp_session"), [])
        self.assertEqual(STACK.sql("SELECT count(*) FROM sessions s JOIN accounts a ON a.id = s.account_id"
                                   " WHERE a.login = :'v1'", "throttled"), [["0"]])
        self.assertEqual(c.get("/domains").status, 303)
        # The lock is per login: another account logs in from the same address.
        login("not-throttled")


class T02Csrf(WebTest):
    def test_login_without_token(self):
        c = Client(STACK)
        page = c.get("/login")
        self.assertIsNotNone(page.field("csrf"))
        for form in ({"login": CUST_SOLO, "password": PASSWORDS[CUST_SOLO]},
                     {"csrf": "0" * 64, "login": CUST_SOLO, "password": PASSWORDS[CUST_SOLO]},
                     {"csrf": "", "login": CUST_SOLO, "password": PASSWORDS[CUST_SOLO]}):
            r = c.post("/login", form)
            self.assertErrorPage(r, 403, FORBIDDEN)
            self.assertEqual(set_cookie_headers(r, "pp_session"), [])
        # The form's token without its cookie is refused too.
        other = Client(STACK)
        r = other.post("/login", {"csrf": page.field("csrf"), "login": CUST_SOLO,
                                  "password": PASSWORDS[CUST_SOLO]})
        self.assertErrorPage(r, 403, FORBIDDEN)
        self.assertEqual(STACK.sql("SELECT count(*) FROM sessions s JOIN accounts a ON a.id = s.account_id"
                                   " WHERE a.login = :'v1'", CUST_SOLO), [["0"]])

    def test_logout_without_token(self):
        c = login(CUST_B1)
        token = c.cookies["pp_session"]
        other = login(CUST_A1)
        for form in ({}, {"csrf": "f" * 64}, {"csrf": other.csrf()}):
            r = c.post("/logout", form)
            self.assertErrorPage(r, 403, FORBIDDEN)
            self.assertTrue(session_exists(token))
            self.assertEqual(c.get("/domains").status, 200)

    def test_mail_without_token(self):
        domain = self.new_domain(CUST_A1, "csrf")
        c = login(CUST_A1)
        other = login(CUST_A2)
        page = c.get(mail_url(domain))
        before = mail_row(domain)
        changes = {"policy": "forward", "forward_address": "x@" + domain, "service": None}
        for csrf in (None, "", "a" * 64, other.csrf()):
            form = mail_form(page, csrf=csrf, **changes)
            if csrf is None:
                self.assertNotIn("csrf", form)
            r = c.post(mail_url(domain), form)
            self.assertErrorPage(r, 403, FORBIDDEN)
            self.assertSecurityHeaders(r)
            self.assertEqual(mail_row(domain), before)
        # The same form with the right token is accepted.
        r = c.post(mail_url(domain), mail_form(page, **changes))
        self.assertEqual(r.status, 303)

    def test_server_without_token(self):
        admin = login(ADMIN)
        page = admin.get("/server")
        self.assertEqual(page.status, 200)
        before = server_row()
        for csrf in (None, "b" * 64):
            r = admin.post("/server", server_form(page, csrf=csrf, outgoing_control="on",
                                                  over_limit_action="reject"))
            self.assertErrorPage(r, 403, FORBIDDEN)
            self.assertEqual(server_row(), before)
        # The same form with the right token is accepted.
        self.addCleanup(self.restore_server)
        r = admin.post("/server", server_form(page, outgoing_control="on", over_limit_action="reject"))
        self.assertEqual(r.status, 303)
        self.assertEqual(server_row()["version"], before["version"] + 1)


class T03DomainList(WebTest):
    def list_all(self, c, q=None):
        """Walks the Next links from the first page; returns the names and pages."""
        url = "/domains" + ("?q=" + urllib.parse.quote(q) if q is not None else "")
        names, pages = [], []
        while url:
            page = c.get(url)
            self.assertEqual(page.status, 200, url)
            pages.append(page)
            names += [row["name"] for row in domain_rows(page)]
            url = paging_link(page, "next")
            self.assertLess(len(pages), 100)
        return names, pages

    def walk_back(self, c, last):
        """Follows the Previous links from the page last; returns each page's names, first page first."""
        back = [[r["name"] for r in domain_rows(last)]]
        page = last
        while True:
            url = paging_link(page, "prev")
            if url is None:
                return back
            page = c.get(url)
            self.assertEqual(page.status, 200, url)
            back.insert(0, [r["name"] for r in domain_rows(page)])
            self.assertIsNotNone(paging_link(page, "next"))
            self.assertLess(len(back), 100)

    def assertWalks(self, c, expect, q=None):
        """Next to the end gives expect in pages of 50; Previous back gives the same pages."""
        forward, pages = self.list_all(c, q)
        self.assertEqual(forward, expect)
        sizes = [len(domain_rows(p)) for p in pages]
        self.assertTrue(all(n == 50 for n in sizes[:-1]), sizes)
        self.assertEqual(sum(sizes), len(expect))
        back = self.walk_back(c, pages[-1])
        self.assertEqual(back, [[r["name"] for r in domain_rows(p)] for p in pages])
        return pages

    def test_visibility_by_role(self):
        res_a_id = account_id(RES_A)
        expect_admin = all_domain_names()
        names, pages = self.list_all(login(ADMIN))
        self.assertEqual(names, expect_admin)
        self.assertEqual(count_text(pages[0]), "%d domains" % len(expect_admin))

        expect = [r[0] for r in STACK.sql(
            "SELECT name FROM domains WHERE reseller_id = :'v1' ORDER BY name", res_a_id)]
        names, pages = self.list_all(login(RES_A))
        self.assertEqual(names, expect)
        self.assertIn("a1.example", names)
        self.assertIn("a2.example", names)
        self.assertNotIn("b1.example", names)
        self.assertNotIn("solo.example", names)
        self.assertEqual(count_text(pages[0]), "%d domains" % len(expect))
        self.assertIn("<th scope=\"col\">Owner</th>", pages[0].body)

        names, _ = self.list_all(login(RES_B))
        self.assertIn("b1.example", names)
        self.assertNotIn("a1.example", names)

        expect = [r[0] for r in STACK.sql(
            "SELECT d.name FROM domains d JOIN accounts a ON a.id = d.owner_id"
            " WHERE a.login = :'v1' ORDER BY d.name", CUST_A1)]
        names, pages = self.list_all(login(CUST_A1))
        self.assertEqual(names, expect)
        self.assertIn("a1.example", names)
        self.assertIn("a1-second.example", names)
        self.assertNotIn("a2.example", names)
        self.assertNotIn("<th scope=\"col\">Owner</th>", pages[0].body)

        names, pages = self.list_all(login(CUST_SOLO))
        self.assertIn("solo.example", names)
        self.assertEqual(set(names), {r[0] for r in STACK.sql(
            "SELECT d.name FROM domains d JOIN accounts a ON a.id = d.owner_id"
            " WHERE a.login = :'v1'", CUST_SOLO)})

    def test_state_and_policy_shown(self):
        off = self.new_domain(CUST_SOLO, "listed-off")
        red = self.new_domain(CUST_SOLO, "listed-redirect")
        fwd = self.new_domain(CUST_SOLO, "listed-forward")
        bnc = self.new_domain(CUST_SOLO, "listed-bounce")
        STACK.cli("mail", "set", off, "--service", "off")
        STACK.cli("mail", "set", red, "--policy", "redirect", "--redirect-ip", "192.0.2.7")
        STACK.cli("mail", "set", fwd, "--policy", "forward", "--forward", "all@" + fwd)
        STACK.cli("mail", "set", bnc, "--policy", "bounce", "--webmail", "roundcube")
        page = login(CUST_SOLO).get("/domains?q=listed-")
        self.assertEqual(page.status, 200)
        rows = {row["name"]: row for row in domain_rows(page)}
        self.assertEqual(sorted(rows), sorted([off, red, fwd, bnc]))
        self.assertEqual((rows[off]["service"], rows[off]["policy"], rows[off]["label"]),
                         ("off", "reject", "Reject"))
        self.assertEqual((rows[red]["service"], rows[red]["policy"], rows[red]["label"]),
                         ("on", "redirect", "Redirect to external server"))
        self.assertEqual((rows[fwd]["service"], rows[fwd]["policy"], rows[fwd]["label"]),
                         ("on", "forward", "Forward to address"))
        self.assertEqual((rows[bnc]["service"], rows[bnc]["policy"], rows[bnc]["label"]),
                         ("on", "bounce", "Bounce with message"))
        self.assertEqual(count_text(page), "4 domains match.")

    def test_search(self):
        one = self.new_domain(CUST_B1, "findme-one")
        two = self.new_domain(CUST_A1, "findme-two")
        self.new_domain(CUST_B1, "hidden")
        admin = login(ADMIN)
        for q in ("findme", "FINDME", "  FindMe  ", "FINDME-"):
            names, pages = self.list_all(admin, q)
            self.assertEqual(names, sorted([one, two]), q)
            self.assertEqual(count_text(pages[0]), "2 domains match.")
            # The box keeps what was typed.
            self.assertEqual(pages[0].field("q"), q)
        names, pages = self.list_all(admin, "findme-one")
        self.assertEqual(names, [one])
        self.assertEqual(count_text(pages[0]), "1 domain matches.")
        # LIKE wildcards are plain characters.
        names, pages = self.list_all(admin, "find%")
        self.assertEqual(names, [])
        self.assertIn("No domain matches this search.", pages[0].body)
        names, _ = self.list_all(admin, "findme_one")
        self.assertEqual(names, [])
        # Search stays inside the caller's domains.
        names, _ = self.list_all(login(RES_B), "findme")
        self.assertEqual(names, [one])
        names, _ = self.list_all(login(CUST_A1), "FindMe")
        self.assertEqual(names, [two])

    def test_idn_search(self):
        STACK.add_domain("Bücher.example", CUST_B1)
        self.assertEqual(STACK.sql("SELECT count(*) FROM domains WHERE name = 'xn--bcher-kva.example'"),
                         [["1"]])
        admin = login(ADMIN)
        for q in ("bücher", "BÜCHER", "Bücher", "bücher.example", "xn--bcher"):
            page = admin.get("/domains?q=" + urllib.parse.quote(q))
            self.assertEqual(page.status, 200)
            rows = domain_rows(page)
            self.assertEqual([r["name"] for r in rows], ["xn--bcher-kva.example"], q)
            self.assertEqual(rows[0]["text"], 'bücher.example <span class="ascii">(xn--bcher-kva.example)</span>')
        page = login(CUST_B1).get(mail_url("xn--bcher-kva.example"))
        self.assertEqual(page.status, 200)
        self.assertIn("<h1>Mail settings — bücher.example</h1>", page.body)
        names = [r["name"] for r in domain_rows(login(RES_A).get("/domains?q=" + urllib.parse.quote("bücher")))]
        self.assertEqual(names, [])

    def test_keyset_pagination(self):
        add_account("cust-pager", "customer", reseller=RES_B)
        names = ["page-%03d.example" % i for i in range(120)]
        shuffled = names[7::11] + [n for n in names if n not in names[7::11]]
        shuffled.reverse()
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("# name owner\n")
            for n in shuffled:
                f.write("%s cust-pager\n" % n)
            path = f.name
        try:
            os.chmod(path, 0o644)
            out = STACK.cli("domain", "import", path)
            self.assertIn("Imported 120 domains.", out.stdout)
        finally:
            os.unlink(path)
        c = login("cust-pager")
        forward, pages = self.list_all(c)
        self.assertEqual([len(domain_rows(p)) for p in pages], [50, 50, 20])
        self.assertEqual(forward, names)  # sorted, no duplicates, no gaps
        self.assertEqual(count_text(pages[0]), "120 domains")
        self.assertIsNone(paging_link(pages[0], "prev"))
        self.assertIsNotNone(paging_link(pages[1], "prev"))
        self.assertIsNone(paging_link(pages[2], "next"))
        # And back with Previous from the last page.
        back = self.walk_back(c, pages[2])
        self.assertEqual([len(p) for p in back], [50, 50, 20])
        self.assertEqual(sum(back, []), names)
        self.assertEqual(back[0], [r["name"] for r in domain_rows(pages[0])])
        # The same both ways for a reseller and for the administrator.
        self.assertWalks(login(RES_B), [r[0] for r in STACK.sql(
            "SELECT name FROM domains WHERE reseller_id = :'v1' ORDER BY name", account_id(RES_B))])
        self.assertWalks(login(ADMIN), all_domain_names())
        # Pages of a search keep the search term in their links.
        found, pages = self.list_all(c, "page-0")
        self.assertEqual(found, names[:100])
        self.assertEqual([len(domain_rows(p)) for p in pages], [50, 50])
        self.assertEqual(count_text(pages[0]), "100 domains match.")
        self.assertIn("q=page-0", paging_link(pages[0], "next"))
        prev = c.get(paging_link(pages[1], "prev"))
        self.assertEqual([r["name"] for r in domain_rows(prev)], names[:50])
        # The reseller sees them too, the other reseller not.
        self.assertWalks(login(RES_B), names, "page-")
        self.assertWalks(login(ADMIN), names[100:], "page-1")
        self.assertEqual(self.list_all(login(RES_A), "page-")[0], [])


class T04MailSettings(WebTest):
    def test_change_each_setting(self):
        domain = self.new_domain(CUST_A1, "mailset")
        c = login(CUST_A1)
        page = c.get(mail_url(domain))
        self.assertEqual(page.status, 200)
        self.assertSecurityHeaders(page)
        self.assertIn("<h1>Mail settings — %s</h1>" % domain, page.body)
        self.assertTrue(service_checked(page))
        self.assertEqual(checked(page, "policy"), "reject")

        # Mail service off and on again.
        shown, s = self.save_ok(c, CUST_A1, domain, service=None)
        self.assertFalse(s["service"])
        self.assertFalse(service_checked(shown))
        shown, s = self.save_ok(c, CUST_A1, domain, service="on")
        self.assertTrue(s["service"])
        self.assertTrue(service_checked(shown))

        # Bounce with a message of one's own.
        text = "Nobody by that name works at Mailset; write to info@ instead, merci ✓"
        shown, s = self.save_ok(c, CUST_A1, domain, policy="bounce", bounce_message=text)
        self.assertEqual((s["policy"], s["bounce_message"]), ("bounce", text))
        self.assertEqual(checked(shown, "policy"), "bounce")
        self.assertEqual(shown.field("bounce_message"), text)
        # Emptying the message goes back to the default text.
        shown, s = self.save_ok(c, CUST_A1, domain, bounce_message="")
        self.assertIsNone(s["bounce_message"])
        self.assertEqual(shown.field("bounce_message"),
                         "This address does not exist here. Please check the spelling of the address.")

        # Forward to an address (its domain part is stored in lower case).
        shown, s = self.save_ok(c, CUST_A1, domain, policy="forward",
                                forward_address=" Catch-All@%s " % domain.upper())
        self.assertEqual((s["policy"], s["forward_address"]), ("forward", "Catch-All@" + domain))
        self.assertEqual(checked(shown, "policy"), "forward")
        self.assertEqual(shown.field("forward_address"), "Catch-All@" + domain)

        # Redirect to an IPv4 address and a port, then to an IPv6 address.
        shown, s = self.save_ok(c, CUST_A1, domain, policy="redirect", redirect_ip=" 192.0.2.25 ",
                                redirect_port="2525")
        self.assertEqual((s["policy"], s["redirect_ip"], s["redirect_port"]), ("redirect", "192.0.2.25", 2525))
        self.assertEqual(checked(shown, "policy"), "redirect")
        self.assertEqual((shown.field("redirect_ip"), shown.field("redirect_port")), ("192.0.2.25", "2525"))
        row = [r for r in domain_rows(c.get("/domains?q=" + domain)) if r["name"] == domain]
        self.assertEqual((row[0]["policy"], row[0]["label"]), ("redirect", "Redirect to external server"))
        shown, s = self.save_ok(c, CUST_A1, domain, redirect_ip="[2001:DB8:0:0::25]", redirect_port="587")
        self.assertEqual((s["redirect_ip"], s["redirect_port"]), ("2001:db8::25", 587))
        self.assertEqual((shown.field("redirect_ip"), shown.field("redirect_port")), ("2001:db8::25", "587"))
        # An empty port is the default port 25.
        shown, s = self.save_ok(c, CUST_A1, domain, redirect_port="")
        self.assertEqual(s["redirect_port"], 25)
        self.assertEqual(shown.field("redirect_port"), "25")

        # Reject; the other values are kept for later.
        shown, s = self.save_ok(c, CUST_A1, domain, policy="reject")
        self.assertEqual(s["policy"], "reject")
        self.assertEqual(s["forward_address"], "Catch-All@" + domain)
        self.assertEqual(s["redirect_ip"], "2001:db8::25")
        self.assertEqual(checked(shown, "policy"), "reject")

        # Webmail: an installed one, then none.
        self.assertIn("roundcube", webmail_options(shown))
        shown, s = self.save_ok(c, CUST_A1, domain, webmail="roundcube")
        self.assertEqual(s["webmail"], "roundcube")
        self.assertEqual(selected_webmail(shown), "roundcube")
        shown, s = self.save_ok(c, CUST_A1, domain, webmail="none")
        self.assertIsNone(s["webmail"])
        self.assertEqual(selected_webmail(shown), "none")

        # Limits: custom, unlimited, default; for the domain and the mailboxes.
        for kind, number in (("domain", "500"), ("mailbox", "25")):
            mode, value = kind + "_limit_mode", kind + "_limit"
            shown, s = self.save_ok(c, CUST_A1, domain, **{mode: "custom", value: number})
            self.assertEqual((s[mode], s[value]), ("custom", int(number)))
            self.assertEqual((checked(shown, mode), shown.field(value)), ("custom", number))
            shown, s = self.save_ok(c, CUST_A1, domain, **{mode: "unlimited"})
            self.assertEqual(s[mode], "unlimited")
            self.assertEqual(checked(shown, mode), "unlimited")
            shown, s = self.save_ok(c, CUST_A1, domain, **{mode: "default"})
            self.assertEqual(s[mode], "default")
            self.assertEqual(checked(shown, mode), "default")
        final = mail_row(domain)
        self.assertEqual(final["settings"]["domain_limit_mode"], "default")
        self.assertEqual(final["settings"]["mailbox_limit_mode"], "default")
        self.assertEqual(len(audit_rows(domain)), 17)

    def test_reseller_and_admin_edit(self):
        domain = self.new_domain(CUST_A2, "byreseller")
        _, s = self.save_ok(login(RES_A), RES_A, domain, policy="bounce", bounce_message="Reseller text")
        self.assertEqual(s["bounce_message"], "Reseller text")
        _, s = self.save_ok(login(ADMIN), ADMIN, domain, webmail="roundcube")
        self.assertEqual(s["webmail"], "roundcube")

    def test_save_without_changes(self):
        domain = self.new_domain(CUST_A1, "unchanged")
        c = login(CUST_A1)
        shown, s = self.save_ok(c, CUST_A1, domain)
        self.assertEqual(audit_rows(domain), [])


class T05InvalidInput(WebTest):
    def test_invalid_fields(self):
        domain = self.new_domain(CUST_A2, "invalid")
        c = login(RES_A)
        # A non-default starting point, so that "unchanged" means something.
        self.save_ok(c, RES_A, domain, policy="bounce", bounce_message="Original text",
                     forward_address="keep@" + domain, redirect_ip="192.0.2.1",
                     domain_limit_mode="custom", domain_limit="700",
                     mailbox_limit_mode="custom", mailbox_limit="70", webmail="roundcube")
        inv = self.save_invalid
        inv(c, domain, "service", MSG_SERVICE, service="garbage")
        inv(c, domain, "service", MSG_SERVICE, service="")
        inv(c, domain, "policy", MSG_POLICY, policy=None)
        inv(c, domain, "policy", MSG_POLICY, policy="drop")
        inv(c, domain, "bounce_message", MSG_BOUNCE_CONTROL, bounce_message="Gone\x01away")
        inv(c, domain, "bounce_message", MSG_BOUNCE_CONTROL, bounce_message="Gone\taway")
        # (A line break as a browser sends it; the HTML parser would turn CR LF into LF.)
        inv(c, domain, "bounce_message", MSG_BOUNCE_CONTROL, bounce_message="Gone\nBcc: x@y.example")
        inv(c, domain, "bounce_message", MSG_BOUNCE_CONTROL, bounce_message="Gone\u0085away")
        inv(c, domain, "bounce_message", MSG_BOUNCE_LONG, bounce_message="x" * 201)
        inv(c, domain, "bounce_message", MSG_BOUNCE_LONG, bounce_message="é" * 201)
        inv(c, domain, "forward_address", MSG_ADDRESS_AT, policy="forward",
            forward_address="not an address")
        inv(c, domain, "forward_address", MSG_ADDRESS_AT, policy="forward",
            forward_address="a@b@" + domain)
        inv(c, domain, "forward_address", MSG_ADDRESS_DOMAIN, policy="forward",
            forward_address="someone@localhost")
        inv(c, domain, "forward_address", MSG_FORWARD_MISSING, policy="forward", forward_address="")
        inv(c, domain, "redirect_ip", MSG_IP, policy="redirect", redirect_ip="300.1.2.3")
        inv(c, domain, "redirect_ip", MSG_IP, policy="redirect", redirect_ip="mail.example.com")
        inv(c, domain, "redirect_ip", MSG_IP4_RESERVED, policy="redirect", redirect_ip="224.0.0.1")
        inv(c, domain, "redirect_ip", MSG_IP6_RESERVED, policy="redirect", redirect_ip="ff02::1")
        inv(c, domain, "redirect_ip", MSG_IP_MISSING, policy="redirect", redirect_ip="")
        inv(c, domain, "redirect_ip", MSG_IP_MISSING, policy="redirect", redirect_ip="   ")
        for port in ("0", "70000", "abc", "-25", "25.0"):
            inv(c, domain, "redirect_port", MSG_PORT, policy="redirect", redirect_ip="192.0.2.9",
                redirect_port=port)
        inv(c, domain, "webmail", MSG_WEBMAIL, webmail="squirrelmail")
        missing = STACK.sql("SELECT name FROM webmails WHERE NOT installed ORDER BY sort LIMIT 1")
        self.assertTrue(missing, "every webmail is installed")
        inv(c, domain, "webmail", MSG_WEBMAIL, webmail=missing[0][0])
        for kind in ("domain", "mailbox"):
            mode, value = kind + "_limit_mode", kind + "_limit"
            for bad in ("0", "abc", "2000000", "-5", "1e3"):
                inv(c, domain, value, MSG_LIMIT, **{mode: "custom", value: bad})
            inv(c, domain, value, MSG_LIMIT_MISSING, **{mode: "custom", value: ""})
            inv(c, domain, value, MSG_LIMIT_MISSING, **{mode: "custom", value: "  "})
            # A number typed beside another choice must still be a number.
            inv(c, domain, value, MSG_LIMIT, **{mode: "unlimited", value: "abc"})
            inv(c, domain, value, MSG_LIMIT_MODE, **{mode: "sometimes"})
        # Several errors at once: each beside its own field.
        r = c.post(mail_url(domain), mail_form(c.get(mail_url(domain)), policy="redirect",
                                               redirect_ip="1.2.3", redirect_port="0",
                                               domain_limit="abc", webmail="nope"))
        self.assertEqual(r.status, 422)
        self.assertEqual(error_fields(r), ["domain_limit", "redirect_ip", "redirect_port", "webmail"])
        self.assertEqual(r.error_for("redirect_ip"), MSG_IP)
        self.assertEqual(r.error_for("domain_limit"), MSG_LIMIT)

    def test_forward_with_outgoing_control(self):
        domain = self.new_domain(CUST_B1, "outgoing")
        admin = login(ADMIN)
        c = login(CUST_B1)
        self.addCleanup(self.restore_server)
        self.set_server(admin, outgoing_control="on")
        self.assertTrue(server_row()["outgoing_control"])
        page = c.get(mail_url(domain))
        self.assertIn("Outgoing mail control is on: the address must belong to this domain.", page.body)
        r = self.save_invalid(c, domain, "forward_address", MSG_OUTGOING % domain,
                              policy="forward", forward_address="someone@elsewhere.example")
        self.assertEqual(r.field("forward_address"), "someone@elsewhere.example")
        self.save_invalid(c, domain, "forward_address", MSG_OUTGOING % domain,
                          policy="forward", forward_address="someone@sub." + domain)
        # Inside the domain it is fine.
        _, s = self.save_ok(c, CUST_B1, domain, policy="forward", forward_address="desk@" + domain)
        self.assertEqual(s["forward_address"], "desk@" + domain)
        # With the control off again, the outside address is accepted.
        self.set_server(admin, outgoing_control=None)
        self.assertFalse(server_row()["outgoing_control"])
        page = c.get(mail_url(domain))
        self.assertNotIn("Outgoing mail control is on", page.body)
        _, s = self.save_ok(c, CUST_B1, domain, forward_address="someone@elsewhere.example")
        self.assertEqual(s["forward_address"], "someone@elsewhere.example")

    def test_bad_version(self):
        domain = self.new_domain(CUST_A1, "version")
        c = login(CUST_A1)
        page = c.get(mail_url(domain))
        before = mail_row(domain)
        for version in (None, "", "abc", "0", "-1"):
            r = c.post(mail_url(domain), mail_form(page, version=version, policy="bounce"))
            self.assertErrorPage(r, 400, BAD_REQUEST)
        self.assertEqual(mail_row(domain), before)


class T06Conflict(WebTest):
    def test_concurrent_edit(self):
        domain = self.new_domain(CUST_B1, "conflict")
        a = login(CUST_B1)
        b = login(RES_B)
        page_a = a.get(mail_url(domain))
        page_b = b.get(mail_url(domain))
        self.assertEqual(page_a.field("version"), page_b.field("version"))
        r = a.post(mail_url(domain), mail_form(page_a, policy="forward",
                                               forward_address="alice@" + domain,
                                               domain_limit_mode="custom", domain_limit="321"))
        self.assertEqual(r.status, 303)
        after_a = mail_row(domain)

        typed = {"policy": "bounce", "bounce_message": "Bob's message", "webmail": "roundcube",
                 "mailbox_limit_mode": "unlimited"}
        r = b.post(mail_url(domain), mail_form(page_b, **typed))
        self.assertEqual(r.status, 409)
        self.assertSecurityHeaders(r)
        conflict = re.search(r'<section class="notice error conflict" role="alert" id="conflict">(.*?)</section>',
                             r.body, re.S)
        self.assertIsNotNone(conflict)
        theirs = conflict.group(1)
        self.assertIn("<h2>%s</h2>" % CONFLICT_TITLE, theirs)
        self.assertIn("<dd>%s, <time" % CUST_B1, theirs)
        self.assertIn("Forward to address: alice@" + domain, theirs)
        self.assertIn("<dt>Messages per hour for the domain</dt><dd>321</dd>", theirs)
        self.assertIn("<dt>Webmail</dt><dd>None</dd>", theirs)
        # B's values are still in the form, with the current version.
        self.assertEqual(checked(r, "policy"), "bounce")
        self.assertEqual(r.field("bounce_message"), "Bob's message")
        self.assertEqual(r.field("forward_address"), "")
        self.assertEqual(selected_webmail(r), "roundcube")
        self.assertEqual(checked(r, "mailbox_limit_mode"), "unlimited")
        self.assertEqual(checked(r, "domain_limit_mode"), "default")
        self.assertEqual(r.field("version"), str(after_a["version"]))
        # Nothing of B's was stored.
        self.assertEqual(mail_row(domain), after_a)

        # Saving again from the conflict page overwrites deliberately.
        r2 = b.post(mail_url(domain), mail_form(r))
        self.assertEqual(r2.status, 303)
        final = mail_row(domain)
        self.assertEqual(final["version"], after_a["version"] + 1)
        self.assertEqual(final["updated_by"], RES_B)
        s = final["settings"]
        self.assertEqual((s["policy"], s["bounce_message"], s["forward_address"], s["webmail"]),
                         ("bounce", "Bob's message", None, "roundcube"))
        self.assertEqual((s["domain_limit_mode"], s["mailbox_limit_mode"]), ("default", "unlimited"))
        last = audit_rows(domain)[-1]
        self.assertEqual((last["actor_login"], last["source"]), (RES_B, "web"))
        self.assertEqual(last["before"], after_a["settings"])
        self.assertEqual(last["after"], s)
        # A's stale page now conflicts in turn.
        r3 = a.post(mail_url(domain), mail_form(page_a, policy="reject"))
        self.assertEqual(r3.status, 409)
        self.assertEqual(mail_row(domain), final)


class T07Ownership(WebTest):
    def test_other_customers_domain(self):
        domain = self.new_domain(CUST_B1, "owned-b1")
        sibling = self.new_domain(CUST_A2, "owned-a2")
        c = login(CUST_A1)
        for d in (domain, sibling, "solo.example"):
            r = c.get(mail_url(d))
            self.assertErrorPage(r, 404, NOT_FOUND)
            self.assertNotIn(d, r.body)
        # A POST with the attacker's valid token and a plausible form changes nothing.
        own = c.get(mail_url("a1.example"))
        for d in (domain, sibling):
            before = mail_row(d)
            form = mail_form(own, version=str(before["version"]), policy="forward",
                             forward_address="thief@evil.example", service=None)
            r = c.post(mail_url(d), form)
            self.assertErrorPage(r, 404, NOT_FOUND)
            self.assertEqual(mail_row(d), before)

    def test_other_resellers_domain(self):
        domain = self.new_domain(CUST_B1, "owned-rb")
        c = login(RES_A)
        self.assertEqual(c.get(mail_url("a1.example")).status, 200)
        self.assertEqual(c.get(mail_url("a2.example")).status, 200)
        for d in (domain, "b1.example", "solo.example"):
            self.assertErrorPage(c.get(mail_url(d)), 404, NOT_FOUND)
        before = mail_row(domain)
        form = mail_form(c.get(mail_url("a1.example")), version=str(before["version"]),
                         policy="reject", webmail="roundcube", service=None)
        self.assertErrorPage(c.post(mail_url(domain), form), 404, NOT_FOUND)
        self.assertEqual(mail_row(domain), before)
        # The administrator reaches every domain.
        admin = login(ADMIN)
        for d in (domain, "b1.example", "solo.example", "a1.example"):
            self.assertEqual(admin.get(mail_url(d)).status, 200)

    def test_unknown_domain_and_paths(self):
        c = login(ADMIN)
        self.assertErrorPage(c.get(mail_url("no-such-domain.example")), 404, NOT_FOUND)
        page = c.get(mail_url("a1.example"))
        self.assertErrorPage(c.post(mail_url("no-such-domain.example"), mail_form(page)), 404, NOT_FOUND)
        self.assertErrorPage(c.get("/domains/a1.example/other"), 404, NOT_FOUND)
        r = c.request("DELETE", mail_url("a1.example"))
        self.assertEqual(r.status, 405)

    def test_server_page_for_non_admins(self):
        for user in (CUST_A1, RES_A):
            c = login(user)
            r = c.get("/server")
            self.assertErrorPage(r, 403, FORBIDDEN)
            before = server_row()
            r = c.post("/server", {"csrf": c.csrf(), "version": str(before["version"]),
                                   "outgoing_control": "on", "default_language": "sv"})
            self.assertErrorPage(r, 403, FORBIDDEN)
            self.assertEqual(server_row(), before)
            self.assertNotIn('href="/server"', c.get("/domains").body)
        self.assertIn('href="/server"', login(ADMIN).get("/domains").body)

    def test_not_logged_in(self):
        anon = Client(STACK)
        for path in ("/", "/domains", "/domains?q=a1", mail_url("a1.example"), "/server"):
            r = anon.get(path)
            self.assertEqual(r.status, 303, path)
            self.assertEqual(r.header("Location"), "/login", path)
        before = mail_row("a1.example")
        page = login(CUST_A1).get(mail_url("a1.example"))
        for path, form in ((mail_url("a1.example"), mail_form(page, service=None)),
                           ("/server", {"csrf": page.field("csrf"), "version": "1"}),
                           ("/logout", {"csrf": page.field("csrf")})):
            r = anon.post(path, form)
            self.assertErrorPage(r, 403, FORBIDDEN)
        self.assertEqual(mail_row("a1.example"), before)
        # A made-up session cookie is not a session.
        fake = Client(STACK)
        fake.cookies["pp_session"] = "0123456789abcdef" * 4
        self.assertEqual(fake.get("/domains").status, 303)


class T08Server(WebTest):
    def test_change_server_settings(self):
        self.addCleanup(self.restore_server)
        domain = self.new_domain(CUST_SOLO, "server")
        admin = login(ADMIN)
        admin.accept_language = "en"    # the server's default language changes below
        cust = login(CUST_SOLO)
        page = admin.get("/server")
        self.assertEqual(page.status, 200)
        self.assertSecurityHeaders(page)
        mail = cust.get(mail_url(domain))
        self.assertIn("Use the default (1,000 messages per hour)", mail.body)
        self.assertIn("Use the default (100 messages per hour)", mail.body)
        self.assertIn('<html lang="en">', mail.body)
        self.assertEqual(webmail_options(mail), ["none", "roundcube"])
        before = server_row()
        last_audit = STACK.sql("SELECT max(id) FROM audit_log")[0][0]

        form = server_form(page, outgoing_control="on", domain_limit_mode="custom",
                           domain_limit="250", mailbox_limit_mode="custom", mailbox_limit="1",
                           over_limit_action="reject", default_language="fr",
                           webmail_horde="on")
        self.assertEqual(form["webmail_roundcube"], "on")
        r = admin.post("/server", form)
        self.assertEqual(r.status, 303, error_fields(r))
        self.assertEqual(r.header("Location"), "/server?saved=1")
        after = server_row()
        self.assertEqual(after, dict(before, outgoing_control=True, default_domain_limit=250,
                                     default_mailbox_limit=1, over_limit_action="reject",
                                     default_language="fr", version=before["version"] + 1,
                                     installed=["horde", "roundcube"],
                                     audit_total=before["audit_total"] + 2))
        new = STACK.sql("SELECT action, actor_login, source FROM audit_log WHERE id > :'v1' ORDER BY id",
                        last_audit)
        self.assertEqual(sorted(new), [["server_settings", ADMIN, "web"], ["webmail", ADMIN, "web"]])
        shown = admin.get("/server?saved=1")
        self.assertIn("The server settings were saved.", shown.body)
        self.assertEqual((checked(shown, "domain_limit_mode"), shown.field("domain_limit")), ("custom", "250"))
        self.assertEqual((checked(shown, "mailbox_limit_mode"), shown.field("mailbox_limit")), ("custom", "1"))
        self.assertEqual(server_form(shown)["over_limit_action"], "reject")
        self.assertEqual(server_form(shown)["default_language"], "fr")
        self.assertEqual(server_form(shown).get("outgoing_control"), "on")
        self.assertEqual(server_form(shown).get("webmail_horde"), "on")

        # What a customer's mail page inherits from it, in the new default language.
        mail = cust.get(mail_url(domain))
        self.assertIn("Utiliser la valeur par défaut (250 messages par heure)", mail.body)
        self.assertIn("Utiliser la valeur par défaut (1 message par heure)", mail.body)
        self.assertIn("Le contrôle des mails sortants est activé", mail.body)
        self.assertIn('<html lang="fr">', mail.body)   # the customer has no language of their own
        self.assertEqual(webmail_options(mail), ["none", "roundcube", "horde"])
        # Horde, now installed, can be chosen (the browser asks for English).
        cust.accept_language = "en"
        _, s = self.save_ok(cust, CUST_SOLO, domain, webmail="horde")
        self.assertEqual(s["webmail"], "horde")

        # Unlimited defaults.
        self.set_server(admin, domain_limit_mode="unlimited", mailbox_limit_mode="unlimited",
                        default_language="en")
        row = server_row()
        self.assertEqual((row["default_domain_limit"], row["default_mailbox_limit"]), (None, None))
        mail = cust.get(mail_url(domain))
        self.assertIn("Use the default (unlimited)", mail.body)
        self.assertNotIn("messages per hour)", mail.body)

        # Uninstalling a webmail a domain still uses is refused; nothing is saved.
        in_use = int(STACK.sql("SELECT count(*) FROM mail_settings WHERE webmail = 'horde'")[0][0])
        self.assertGreaterEqual(in_use, 1)
        page = admin.get("/server")
        before = server_row()
        r = admin.post("/server", server_form(page, webmail_horde=None, over_limit_action="defer",
                                              outgoing_control=None))
        self.assertEqual(r.status, 422)
        expect = ("1 domain still uses a webmail you removed. Choose another webmail for it first."
                  if in_use == 1 else
                  "%d domains still use a webmail you removed. Choose another webmail for them first." % in_use)
        self.assertEqual(r.error_for("webmails"), expect)
        self.assertEqual(notice_error(r), NOTHING_SAVED)
        self.assertIsNone(server_form(r).get("webmail_horde"))     # what the admin ticked
        self.assertEqual(server_form(r)["over_limit_action"], "defer")
        self.assertEqual(server_row(), before)
        self.assertEqual(mail_row(domain)["settings"]["webmail"], "horde")
        # Once the domain has another webmail, horde can go.
        self.save_ok(cust, CUST_SOLO, domain, webmail="roundcube")
        others = int(STACK.sql("SELECT count(*) FROM mail_settings WHERE webmail = 'horde'")[0][0])
        if others == 0:
            self.set_server(admin, webmail_horde=None)
            self.assertEqual(server_row()["installed"], ["roundcube"])
            self.assertNotIn("horde", webmail_options(cust.get(mail_url(domain))))

    def test_invalid_server_settings(self):
        self.addCleanup(self.restore_server)
        admin = login(ADMIN)
        cases = [
            ("domain_limit", MSG_LIMIT, {"domain_limit_mode": "custom", "domain_limit": "abc"}),
            ("domain_limit", MSG_LIMIT, {"domain_limit_mode": "custom", "domain_limit": "0"}),
            ("domain_limit", MSG_LIMIT, {"domain_limit_mode": "custom", "domain_limit": "1000001"}),
            ("domain_limit", MSG_LIMIT_MISSING, {"domain_limit_mode": "custom", "domain_limit": ""}),
            ("domain_limit", MSG_SERVER_LIMIT_MODE, {"domain_limit_mode": "default"}),
            ("domain_limit", MSG_LIMIT, {"domain_limit_mode": "unlimited", "domain_limit": "abc"}),
            ("mailbox_limit", MSG_LIMIT, {"mailbox_limit_mode": "custom", "mailbox_limit": "-3"}),
            ("mailbox_limit", MSG_SERVER_LIMIT_MODE, {"mailbox_limit_mode": "weird"}),
            ("over_limit_action", MSG_OVER_LIMIT, {"over_limit_action": "bounce"}),
            ("default_language", MSG_LANGUAGE, {"default_language": "de"}),
            ("outgoing_control", MSG_OUTGOING_CHOICE, {"outgoing_control": "yes"}),
        ]
        for field, message, changes in cases:
            page = admin.get("/server")
            before = server_row()
            r = admin.post("/server", server_form(page, webmail_snappymail="on", **changes))
            self.assertEqual(r.status, 422, changes)
            self.assertEqual(error_fields(r), [field], changes)
            self.assertEqual(r.error_for(field), message)
            self.assertEqual(notice_error(r), NOTHING_SAVED)
            for k in ("domain_limit", "mailbox_limit"):
                if k in changes:
                    self.assertEqual(r.field(k), changes[k])
            self.assertEqual(server_form(r).get("webmail_snappymail"), "on")
            self.assertEqual(server_row(), before)
        # A stale version.
        page = admin.get("/server")
        self.set_server(admin, over_limit_action="reject")
        before = server_row()
        r = admin.post("/server", server_form(page, default_language="sv"))
        self.assertEqual(r.status, 409)
        self.assertEqual(notice_error(r), SERVER_CONFLICT)
        self.assertEqual(server_row(), before)
        self.assertEqual(server_form(r)["default_language"], "sv")     # the admin's value
        self.assertEqual(server_form(r)["over_limit_action"], "defer")  # from the stale page
        self.assertEqual(r.field("version"), str(before["version"]))
        # Saving again from that page overwrites deliberately.
        r = admin.post("/server", server_form(r))
        self.assertEqual(r.status, 303)
        after = server_row()
        self.assertEqual((after["default_language"], after["over_limit_action"], after["version"]),
                         ("sv", "defer", before["version"] + 1))


class T09Database(WebTest):
    def test_database_restart(self):
        c = login(CUST_A1)
        page = c.get(mail_url("a1.example"))
        self.assertEqual(page.status, 200)
        anon = Client(STACK)
        anon.get("/login")
        workers = sorted(STACK.worker_pids())
        master = STACK.web_pid()
        before = mail_row("a1.example")
        STACK.stack("pg-stop")
        try:
            # More requests than workers, so that every worker meets the outage.
            for i in range(8):
                for path in ("/domains", mail_url("a1.example")):
                    r = c.get(path)
                    self.assertErrorPage(r, 503, DB_DOWN)
                    self.assertEqual(r.header("Retry-After"), "30")
                    self.assertSecurityHeaders(r)
            r = c.post(mail_url("a1.example"), mail_form(page, service=None))
            self.assertErrorPage(r, 503, DB_DOWN)
            r = anon.post("/login", {"csrf": anon.cookies["pp_login"], "login": CUST_A1,
                                     "password": PASSWORDS[CUST_A1]})
            self.assertErrorPage(r, 503, DB_DOWN)
            self.assertEqual(sorted(STACK.worker_pids()), workers)
        finally:
            STACK.stack("pg-start")
        for i in range(8):
            r = c.get("/domains")
            self.assertEqual(r.status, 200)
            self.assertIn("a1.example", r.body)
        self.assertEqual(STACK.web_pid(), master)
        self.assertEqual(sorted(STACK.worker_pids()), workers)
        self.assertEqual(mail_row("a1.example"), before)
        # And a save works on the same session.
        domain = self.new_domain(CUST_A1, "afterdb")
        self.save_ok(c, CUST_A1, domain, policy="bounce")


class T10Workers(WebTest):
    def test_killed_worker_is_replaced(self):
        c = login(CUST_A2)
        master = STACK.web_pid()
        workers = STACK.worker_pids()
        self.assertEqual(len(workers), STACK.workers)
        victim = workers[0]
        os.kill(victim, signal.SIGKILL)
        deadline = time.time() + 3
        now = workers
        while time.time() < deadline:
            now = STACK.worker_pids()
            if victim not in now and len(now) == STACK.workers:
                break
            time.sleep(0.05)
        self.assertNotIn(victim, now)
        self.assertEqual(len(now), STACK.workers)
        self.assertEqual(STACK.web_pid(), master)
        for i in range(12):
            r = c.get("/domains")
            self.assertEqual(r.status, 200)
            self.assertIn("a2.example", r.body)


class T11RequestLimits(WebTest):
    def setUp(self):
        self.domain = self.new_domain(CUST_A1, "limits")
        self.c = login(CUST_A1)
        self.page = self.c.get(mail_url(self.domain))
        self.form = mail_form(self.page, policy="bounce", bounce_message="Limits")
        self.before = mail_row(self.domain)

    def post_raw(self, body, ctype="application/x-www-form-urlencoded"):
        return self.c.request("POST", mail_url(self.domain), form=body, headers={"Content-Type": ctype})

    def unchanged(self):
        self.assertEqual(mail_row(self.domain), self.before)

    def test_body_too_large(self):
        body = urllib.parse.urlencode(self.form) + "&pad=" + "x" * (64 * 1024)
        self.assertGreater(len(body), 65536)
        r = self.post_raw(body)
        self.assertEqual(r.status, 413)
        self.unchanged()
        # postpanel's own page (nginx hands the request over), in the
        # user's language.
        self.assertIn("Request too large", r.body)
        self.assertNotIn("nginx", r.body)
        r = self.c.request("POST", mail_url(self.domain), form=body,
                           headers={"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "fr"})
        self.assertEqual(r.status, 413)
        self.assertIn("Requête trop volumineuse", r.body)
        self.unchanged()
        # Exactly 64 KiB is accepted.
        body = urllib.parse.urlencode(self.form)
        n = 0
        while len(body) < 65536:
            room = 65536 - len(body) - len("&padNN=")
            body += "&pad%02d=%s" % (n, "y" * max(0, min(8000, room)))
            n += 1
        self.assertEqual(len(body), 65536)
        r = self.post_raw(body)
        self.assertEqual(r.status, 303, r.body[:300])
        self.assertEqual(mail_row(self.domain)["settings"]["bounce_message"], "Limits")

    def test_malformed_escape(self):
        base = urllib.parse.urlencode(self.form)
        for bad in ("&bounce_message=%zz", "&bounce_message=100%", "&x=%4", "&x=%00", "&%g1=1"):
            r = self.post_raw(base + bad)
            self.assertErrorPage(r, 400, BAD_REQUEST)
            self.assertSecurityHeaders(r)
            self.unchanged()
        # In the query string of a GET as well.
        self.assertErrorPage(self.c.get("/domains?q=%zz"), 400, BAD_REQUEST)
        self.assertEqual(self.c.get("/domains?q=%25zz").status, 200)
        # A correct escape of the same characters is fine.
        r = self.post_raw(base + "&x=%25zz")
        self.assertEqual(r.status, 303)

    def test_too_many_fields(self):
        base = urllib.parse.urlencode(self.form)
        n = len(self.form)
        r = self.post_raw(base + "".join("&f%d=1" % i for i in range(257 - n)))
        self.assertErrorPage(r, 400, BAD_REQUEST)
        self.unchanged()
        r = self.post_raw(base + "".join("&f%d=1" % i for i in range(256 - n)))
        self.assertEqual(r.status, 303)
        # An over-long field name or value is refused as well.
        r = self.c.post(mail_url(self.domain), dict(self.form, **{"n" * 65: "1"}))
        self.assertErrorPage(r, 400, BAD_REQUEST)
        r = self.c.post(mail_url(self.domain), dict(self.form, x="v" * 8193))
        self.assertErrorPage(r, 400, BAD_REQUEST)

    def test_wrong_content_type(self):
        body = urllib.parse.urlencode(self.form)
        for ctype in ("multipart/form-data; boundary=xyz", "text/plain", "application/json"):
            r = self.post_raw(body, ctype)
            self.assertEqual(r.status, 415, ctype)
            self.assertEqual(error_page(r)[1],
                             "The form was sent in an encoding the server does not accept.")
            self.unchanged()
        r = self.post_raw(body, "application/x-www-form-urlencoded; charset=UTF-8")
        self.assertEqual(r.status, 303)


class T12Escaping(WebTest):
    NASTY = "<script>alert(\"x\")</script> & 'quotes' <b>"

    def test_escaped_output(self):
        domain = self.new_domain(CUST_A1, "escape")
        c = login(CUST_A1)
        shown, s = self.save_ok(c, CUST_A1, domain, policy="bounce", bounce_message=self.NASTY)
        self.assertEqual(s["bounce_message"], self.NASTY)
        self.assertNotIn("<script>", shown.body)
        self.assertNotIn("<b>", shown.body)
        self.assertIn('value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; &lt;b&gt;"',
                      shown.body)
        self.assertEqual(shown.field("bounce_message"), self.NASTY)
        # Typed back into the form after an error.
        r = c.post(mail_url(domain), mail_form(shown, bounce_message=self.NASTY + "!", redirect_port="x"))
        self.assertEqual(r.status, 422)
        self.assertNotIn("<script>", r.body)
        self.assertEqual(r.field("bounce_message"), self.NASTY + "!")
        # In the conflict section.
        stale = c.get(mail_url(domain))
        self.save_ok(login(RES_A), RES_A, domain, bounce_message="<script>2</script>")
        r = c.post(mail_url(domain), mail_form(stale, bounce_message="mine"))
        self.assertEqual(r.status, 409)
        self.assertNotIn("<script>", r.body)
        self.assertIn("Bounce with message: &lt;script&gt;2&lt;/script&gt;", r.body)
        # In the search box and in error texts of other fields.
        r = c.get("/domains?q=" + urllib.parse.quote("<script>x"))
        self.assertEqual(r.status, 200)
        self.assertNotIn("<script>", r.body)
        r = c.post(mail_url(domain), mail_form(c.get(mail_url(domain)), policy="forward",
                                               forward_address="<script>@evil.example"))
        self.assertEqual(r.status, 422)
        self.assertNotIn("<script>", r.body)
        self.assertEqual(r.field("forward_address"), "<script>@evil.example")

    def test_security_headers(self):
        c = Client(STACK)
        responses = [c.get("/login"), c.get("/domains"), c.post("/logout", {})]
        login(CUST_A1, client=c)
        responses += [c.get("/domains"), c.get(mail_url("a1.example")), c.get(mail_url("b1.example")),
                      c.get("/server"), c.post(mail_url("a1.example"), {"csrf": "x"})]
        self.assertEqual([r.status for r in responses], [200, 303, 403, 200, 200, 404, 403, 403])
        for r in responses:
            self.assertSecurityHeaders(r)
            self.assertEqual(r.header("Content-Security-Policy"),
                             "default-src 'self'; frame-ancestors 'none'; form-action 'self'")
        self.assertTrue(responses[0].header("Content-Type").startswith("text/html; charset=utf-8"))


class T99Shutdown(WebTest):
    """Runs last: stops postpanel-web with SIGTERM while requests are in flight."""

    def test_sigterm_drains_and_exits(self):
        c = login(CUST_A2)
        master = STACK.web_pid()
        workers = STACK.worker_pids()
        statuses, stop = [], threading.Event()

        def load():
            while not stop.is_set():
                try:
                    statuses.append(c.get("/domains").status)
                except OSError:
                    statuses.append("refused")

        threads = [threading.Thread(target=load) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        os.kill(master, signal.SIGTERM)
        deadline = time.time() + 10
        while time.time() < deadline and os.path.exists("/proc/%d" % master):
            time.sleep(0.05)
        time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join()
        self.assertFalse(os.path.exists("/proc/%d" % master), "the master exited")
        self.assertEqual([w for w in workers if os.path.exists("/proc/%d" % w)], [], "no worker left")
        self.assertFalse(os.path.exists(os.path.join(STACK.dir, "run", "web.sock")), "socket removed")
        # Every request was answered in full: 200 while serving, then nginx's
        # 502 once the socket is gone; never a cut response or a 500.
        self.assertGreater(statuses.count(200), 10)
        self.assertEqual(sorted(set(statuses) - {200, 502}), [])
        self.assertIn("stopped", open(os.path.join(STACK.dir, "log", "web.log")).read())


if __name__ == "__main__":
    unittest.main()
