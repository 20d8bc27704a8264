"""Integration tests of bulk mail settings: the list and its filter, every
toolbar action through preview and apply, scoping, all-or-nothing, the
concurrent-edit report, undo, the Changes and History pages, CSRF.

One private stack (tests/harness.py) serves the module, as for
test_web.py. Every test makes its own domains under a name prefix of its
own and selects them by that prefix, so tests do not see each other's
domains. Pages are checked exactly (status, counts, each before → after,
each refusal and its message) and so is the database: the settings, the
audit rows (actor, source, change, before and after), the changes rows
and the change generation. Everything goes through plain form posts, as
a browser without JavaScript sends them.

Run: top_srcdir=SRC top_builddir=BUILD python3 tests/integration/test_bulk.py -v
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import Client, unescape  # noqa: E402

STACK = None

ADMIN = "admin"
RES_A, RES_B = "res-a", "res-b"
CUST_A1, CUST_A2 = "cust-a1", "cust-a2"      # customers of reseller A
CUST_B1 = "cust-b1"                           # customer of reseller B
CUST_SOLO = "cust-solo"                       # customer without reseller
PASSWORDS = {}
# Who the command line says it is (src/cli/main.c).
CLI_USER = os.environ.get("SUDO_USER") or os.environ.get("USER") or "cli"

# Texts of the application.
FORBIDDEN = ("This request was refused: it did not carry a valid security token, or your "
             "account may not do this. Reload the page and try again.")
NOT_FOUND = "There is no such page, or it does not belong to your account."
DB_DOWN = ("The control panel cannot reach its database at the moment. Your settings are "
           "safe; nothing was changed. Please try again in a minute.")
INTERNAL = "Something went wrong on the server. Nothing was changed."
M_FWD_DOMAIN = "Outgoing mail control is on: the address must belong to the domain %s."
M_WEBMAIL = "This webmail is not installed on the server; choose another one."
M_IP = "This is not an IPv4 or IPv6 address."
M_IP_NEEDED = "Enter the IP address of the external mail server."
M_POLICY = "Choose what happens to mail for nonexistent users."
M_LIMIT_CHOICE = "Choose a limit to change."
M_LIMIT_EMPTY = "Enter the number of messages per hour."
M_PLACEHOLDER = "Only {domain} can stand for each domain's name in the address."
FIELDS_WRONG = "Nothing was changed. Correct the fields marked below and preview again."
TICK_ONE = "Tick at least one domain, or choose all domains matching the filter."
NO_BUTTON = "Nothing was changed. Press the button of the change you want to preview."
STALE = ("Nothing was changed: some of the selected domains were changed since the preview. "
         "Check the new preview below and apply again.")
REFUSED_NOW = ("Nothing was changed: some of the selected domains cannot take this setting. "
               "They are listed below.")
ALL_SAME = "Nothing was changed: every selected domain already has this setting."
UNDONE_ALREADY = "Nothing was changed: this change was undone already, by change %d."
NOTHING_TO_UNDO = ("Nothing was changed: none of the domains of this change can go back. "
                   "They are listed below.")
MEMBERSHIP = ("Some of the selected domains were saved at the very moment of the preview, or left the "
              "selection since.")

SERVER_DEFAULTS_SQL = """
UPDATE server_settings SET outgoing_control = false, default_domain_limit = 1000,
       default_mailbox_limit = 100, over_limit_action = 'defer', default_language = 'en';
UPDATE webmails SET installed = (name = 'roundcube')
 WHERE installed IS DISTINCT FROM (name = 'roundcube');
"""

DEFAULTS = {"service": True, "policy": "reject", "bounce_message": None, "forward_address": None,
            "redirect_ip": None, "redirect_port": 25, "webmail": None,
            "domain_limit_mode": "default", "domain_limit": None,
            "mailbox_limit_mode": "default", "mailbox_limit": None}

_serial = [0]


def prefix(tag):
    """A name prefix no other test's domains contain."""
    _serial[0] += 1
    return "bk%02d%s-" % (_serial[0], tag)


def add_account(login, role, reseller=None):
    password = "pw-%s-0123456789" % login
    STACK.add_user(login, role, password, reseller=reseller)
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


def tearDownModule():
    if STACK is not None:
        STACK.stop()


# ---------------------------------------------------------------- helpers

def make_domains(pfx, owners):
    """Adds one domain per owner (PREFIX-N.example, in order) in one import."""
    names = ["%s%02d.example" % (pfx, i) for i in range(len(owners))]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for n, o in zip(names, owners):
            f.write("%s %s\n" % (n, o))
    try:
        STACK.cli("domain", "import", f.name)
    finally:
        os.unlink(f.name)
    return names


SETTINGS_SQL = """
SELECT d.name, jsonb_build_object(
         'service', m.service_enabled, 'policy', m.unknown_policy,
         'bounce_message', m.bounce_message, 'forward_address', m.forward_address,
         'redirect_ip', host(m.redirect_ip), 'redirect_port', m.redirect_port,
         'webmail', m.webmail,
         'domain_limit_mode', m.domain_limit_mode, 'domain_limit', m.domain_limit,
         'mailbox_limit_mode', m.mailbox_limit_mode, 'mailbox_limit', m.mailbox_limit),
       m.version, coalesce(u.login, '')
  FROM mail_settings m JOIN domains d ON d.id = m.domain_id
  LEFT JOIN accounts u ON u.id = m.updated_by
 WHERE d.name LIKE :'v1' || '%' ORDER BY d.name"""


def settings(pfx):
    """{name: settings JSON} of every domain whose name starts with pfx."""
    return {r[0]: json.loads(r[1]) for r in STACK.sql(SETTINGS_SQL, pfx)}


def versions(pfx):
    return {r[0]: (int(r[2]), r[3]) for r in STACK.sql(SETTINGS_SQL, pfx)}


def counters():
    """What any write changes: audit rows, generation, changes rows."""
    r = STACK.sql("SELECT (SELECT count(*) FROM audit_log), (SELECT value FROM change_generation),"
                  "       (SELECT count(*) FROM changes)")[0]
    return {"audit": int(r[0]), "generation": int(r[1]), "changes": int(r[2])}


def audit_of_change(change_id):
    rows = STACK.sql("SELECT coalesce(jsonb_agg(to_jsonb(a) ORDER BY a.domain_name), '[]')"
                     "  FROM audit_log a WHERE a.change_id = :'v1'", str(change_id))
    return json.loads(rows[0][0])


def change_row(change_id):
    rows = STACK.sql("SELECT to_jsonb(c) FROM changes c WHERE c.id = :'v1'", str(change_id))
    return json.loads(rows[0][0]) if rows else None


def account_id(login):
    return int(STACK.sql("SELECT id FROM accounts WHERE login = :'v1'", login)[0][0])


def with_(base, **changes):
    d = dict(base)
    d.update(changes)
    return d


def login(user):
    c = Client(STACK)
    r = c.login(user, PASSWORDS[user])
    assert r.status == 303, "login %s: %d" % (user, r.status)
    return c


def error_page(r):
    m = re.search(r'<section class="error-page">\s*<h1>([^<]*)</h1>\s*<p>([^<]*)</p>', r.body)
    return unescape(m.group(2)) if m else None


def notice(r, kind):
    m = re.search(r'<p class="notice %s" role="(?:alert|status)">([^<]*)</p>' % kind, r.body)
    return unescape(m.group(1)) if m else None


def field_error(r, name):
    m = re.search(r'id="error-%s">([^<]*)<' % re.escape(name), r.body)
    return unescape(m.group(1)) if m else None


def hidden_inputs(block):
    return [(unescape(n), unescape(v)) for n, v in
            re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', block)]


def fields_of(ul):
    """{field: (before, after)} of one <ul class="fields">."""
    out = {}
    for f, b, a in re.findall(r'<li data-field="([^"]+)"><span class="field">[^<]*</span>: '
                              r'<span class="before">([^<]*)</span> → <span class="after">([^<]*)</span></li>',
                              ul):
        out[f] = (unescape(b), unescape(a))
    return out


class Preview:
    """A preview page, read the way a person reads it."""

    def __init__(self, r):
        self.r = r
        self.status = r.status
        body = r.body
        self.counts = {k: unescape(v) for k, v in
                       re.findall(r'<li id="count-([a-z]+)"[^>]*>([^<]*)</li>', body)}
        self.rows = []
        table = re.search(r'<table class="list" id="preview-table">(.*?)</table>', body, re.S)
        if table:
            for name, owner, ul in re.findall(
                    r'<tr><td class="domain">([^<]*)(?: <span class="ascii">[^<]*</span>)?</td>'
                    r'<td>([^<]*)</td><td>(<ul class="fields">.*?</ul>)</td></tr>', table.group(1), re.S):
                self.rows.append((unescape(name), unescape(owner), fields_of(ul)))
        self.refusals = []
        section = re.search(r'<section class="refusals" id="refusals">(.*?)</section>', body, re.S)
        if section:
            for name, owner, fld, msg in re.findall(
                    r'<tr><td class="domain">([^<]*)(?: <span class="ascii">[^<]*</span>)?</td><td>([^<]*)</td>'
                    r'<td class="why" data-field="([^"]*)">([^<]*)</td></tr>', section.group(1)):
                self.refusals.append((unescape(name), unescape(owner), fld, unescape(msg)))
        form = re.search(r'<form method="post" action="/bulk/apply" id="apply-form"[^>]*>(.*?)</form>', body, re.S)
        self.apply_form = [kv for kv in hidden_inputs(form.group(1)) if kv[0] != "csrf"] if form else None
        m = re.search(r'id="apply-form" class="apply" data-working="([^"]*)"', body)
        self.working = unescape(m.group(1)) if m else None
        self.next_form = self._paging_form("next")
        m = re.search(r'<h1 id="title">(.*?)</h1>', body, re.S)
        self.action_text = re.sub(r"\s+", " ", unescape(m.group(1))).strip() if m else None
        self.edited = [(unescape(n), unescape(b)) for n, b in re.findall(
            r'<tr><td class="domain">([^<]*)</td><td class="by">([^<]*)</td>', body)]

    def _paging_form(self, rel):
        for form in re.findall(r'<form method="post" action="/bulk/preview">(.*?)</form>', self.r.body, re.S):
            if 'rel="%s"' % rel in form:
                return [kv for kv in hidden_inputs(form) if kv[0] != "csrf"]
        return None

    def names(self):
        return [r[0] for r in self.rows]


class Bulk:
    """A logged-in person on the bulk pages."""

    def __init__(self, user):
        self.user = user
        self.c = login(user)
        self.csrf = self.c.get("/bulk" if user in (ADMIN, RES_A, RES_B) else "/domains").field("csrf")

    def form(self, button, select="all", names=(), filt=None, csrf=True, **fields):
        f = [("f_name", ""), ("f_owner", ""), ("f_service", ""), ("f_policy", ""), ("f_webmail", "")]
        f = [(k, (filt or {}).get(k[2:], v)) for k, v in f]
        if csrf:
            f.insert(0, ("csrf", self.csrf))
        f.append(("select", select))
        f += [("d", n) for n in names]
        if button is not None:
            f.append(("action", button))
        f += list(fields.items())
        return f

    def preview(self, button, **kw):
        return Preview(self.c.post("/bulk/preview", self.form(button, **kw)))

    def apply(self, preview):
        assert preview.apply_form is not None, "no apply form in the preview (%d)" % preview.status
        return self.c.post("/bulk/apply", [("csrf", self.csrf)] + preview.apply_form)


def domain_rows(page):
    """The domains of the /bulk list: (name, checked)."""
    return [(unescape(n), c == " checked") for n, c in
            re.findall(r'<input type="checkbox" name="d" value="([^"]*)" id="d-\d+"( checked)?>', page.body)]


class BulkTest(unittest.TestCase):
    maxDiff = None

    def assertErrorPage(self, r, status, text):
        self.assertEqual(r.status, status, r.body[:800])
        self.assertEqual(error_page(r), text)

    def restore_server(self):
        STACK.sql(SERVER_DEFAULTS_SQL)

    def applied(self, who, preview, n_changed):
        """Applies preview; checks the redirect and the result page; returns the change id."""
        before = counters()
        r = who.apply(preview)
        self.assertEqual(r.status, 303, r.body[:1500])
        m = re.match(r"^/changes/(\d+)\?applied=1$", r.header("Location"))
        self.assertIsNotNone(m, r.header("Location"))
        change_id = int(m.group(1))
        after = counters()
        # One change, one generation, one audit row per changed domain.
        self.assertEqual(after["generation"], before["generation"] + 1)
        self.assertEqual(after["changes"], before["changes"] + 1)
        self.assertEqual(after["audit"], before["audit"] + n_changed)
        page = who.c.get(r.header("Location"))
        self.assertEqual(page.status, 200)
        self.assertEqual(notice(page, "ok"), "The change was applied to %d domain%s." %
                         (n_changed, "" if n_changed == 1 else "s"))
        return change_id

    def check_audit(self, change_id, actor, before, after, source="bulk"):
        """The change's audit rows: exactly the domains whose settings changed, before and after."""
        rows = audit_of_change(change_id)
        changed = sorted(n for n in after if after[n] != before[n])
        self.assertEqual([a["domain_name"] for a in rows], changed)
        self.assertEqual(len({a["generation"] for a in rows}), 1)
        for a in rows:
            n = a["domain_name"]
            self.assertEqual((a["actor_login"], a["actor_id"], a["source"], a["action"]),
                             (actor, account_id(actor), source, "mail_settings"))
            self.assertEqual(a["before"], before[n])
            self.assertEqual(a["after"], after[n])
        return rows


# ---------------------------------------------------------------- tests

class T01Access(BulkTest):
    def test_customers_get_403(self):
        c = login(CUST_A1)
        page = c.get("/domains")
        csrf = page.field("csrf")
        self.assertNotIn('href="/bulk"', page.body)
        for path in ("/bulk", "/changes", "/changes/1"):
            self.assertErrorPage(c.get(path), 403, FORBIDDEN)
        before = counters()
        for path in ("/bulk/preview", "/bulk/apply", "/changes/1/undo"):
            r = c.post(path, {"csrf": csrf, "select": "all", "action": "deactivate",
                              "snapshot": "1", "digest": "0" * 16, "count": "1"})
            self.assertErrorPage(r, 403, FORBIDDEN)
        self.assertEqual(counters(), before)

    def test_nav_link_and_login(self):
        for user in (ADMIN, RES_A):
            page = login(user).get("/domains")
            self.assertIn('<a href="/bulk" id="nav-bulk">Bulk mail settings</a>', page.body)
        anon = Client(STACK)
        r = anon.get("/bulk")
        self.assertEqual((r.status, r.header("Location")), (303, "/login"))
        self.assertErrorPage(anon.post("/bulk/apply", {"select": "all"}), 403, FORBIDDEN)

    def test_wrong_methods_and_ids(self):
        admin = Bulk(ADMIN)
        self.assertEqual(admin.c.get("/bulk/apply").status, 405)
        self.assertEqual(admin.c.get("/changes/1/undo").status, 405)
        for path in ("/changes/0", "/changes/abc", "/changes/-1", "/changes/999999999"):
            self.assertErrorPage(admin.c.get(path), 404, NOT_FOUND)
        self.assertErrorPage(admin.c.post("/changes/x/undo", {"csrf": admin.csrf}), 404, NOT_FOUND)
        # Values no form of ours sends.
        for bad in ({"select": "some"}, {"f_service": "maybe"}, {"f_policy": "drop"},
                    {"f_webmail": "Round Cube"}):
            f = dict(admin.form("activate"))
            f.update(bad)
            self.assertEqual(admin.c.post("/bulk/preview", f).status, 400, bad)
        f = dict(admin.form("explode"))
        self.assertEqual(admin.c.post("/bulk/preview", f).status, 400)
        form = dict(admin.form("activate", filt={"name": prefix("none")}))
        for k, v in (("snapshot", "x"), ("digest", "123"), ("count", "-1")):
            f = dict(form, snapshot="1", digest="0" * 16, count="0")
            f[k] = v
            self.assertEqual(admin.c.post("/bulk/apply", f).status, 400, k)


class T02Csrf(BulkTest):
    def test_every_post_needs_the_token(self):
        pfx = prefix("csrf")
        names = make_domains(pfx, [CUST_A1, CUST_A2])
        admin = Bulk(ADMIN)
        other = Bulk(RES_A)
        p = admin.preview("deactivate", filt={"name": pfx})
        self.assertEqual(p.counts["change"], "2 will change.")
        before, state = settings(pfx), counters()
        for token in (None, "", "0" * 64, other.csrf):
            form = [kv for kv in p.apply_form]
            if token is not None:
                form = [("csrf", token)] + form
            r = admin.c.post("/bulk/apply", form)
            self.assertErrorPage(r, 403, FORBIDDEN)
            r = admin.c.post("/bulk/preview", [kv for kv in admin.form("deactivate", filt={"name": pfx}, csrf=False)]
                             + ([("csrf", token)] if token is not None else []))
            self.assertErrorPage(r, 403, FORBIDDEN)
        self.assertEqual((settings(pfx), counters()), (before, state))
        change = self.applied(admin, p, 2)
        state = counters()
        after = settings(pfx)
        for token in (None, "f" * 64, other.csrf):
            r = admin.c.post("/changes/%d/undo" % change, {} if token is None else {"csrf": token})
            self.assertErrorPage(r, 403, FORBIDDEN)
        self.assertEqual((settings(pfx), counters()), (after, state))
        self.assertIsNone(change_row(change)["undone_by"])
        self.assertEqual(sorted(after), names)


class T03Actions(BulkTest):
    """Each toolbar button through preview and apply, for an administrator."""

    def run_action(self, pfx, button, fields, want, n_change, n_same=0, who=ADMIN, action=None):
        """Preview (nothing written), apply, and check pages, settings, audit and change."""
        b = Bulk(who)
        before, state = settings(pfx), counters()
        p = b.preview(button, filt={"name": pfx}, **fields)
        self.assertEqual(p.status, 200, p.r.body[:2000])
        n = len(before)
        self.assertEqual(p.counts, {
            "selected": "%d domain%s selected." % (n, "" if n == 1 else "s"),
            "change": "%d will change." % n_change,
            "same": "%d already %s this setting." % (n_same, "has" if n_same == 1 else "have"),
            "refused": "0 would be refused."})
        self.assertEqual(p.refusals, [])
        expected = {name: want(name, s) for name, s in before.items()}
        shown = {name: flds for name, _, flds in p.rows}
        self.assertEqual(sorted(shown), sorted(x for x in before if expected[x] != before[x]))
        self.assertEqual(p.working, "Working on %d domain%s…" % (n_change, "" if n_change == 1 else "s"))
        # A preview writes nothing.
        self.assertEqual((settings(pfx), counters()), (before, state))
        change = self.applied(b, p, n_change)
        after = settings(pfx)
        self.assertEqual(after, expected)
        self.check_audit(change, who, before, after)
        row = change_row(change)
        self.assertEqual((row["source"], row["action"], row["actor_login"], row["actor_id"],
                          row["selected"], row["domains"], row["undoes"], row["undone_by"]),
                         ("bulk", action or button, who, account_id(who), n, n_change, None, None))
        self.assertEqual(row["selection"], {"filter": {"name": pfx}})
        for name, (version, by) in versions(pfx).items():
            if expected[name] != before[name]:
                self.assertEqual(by, who)
        return p, change, row

    def test_deactivate_activate(self):
        pfx = prefix("svc")
        names = make_domains(pfx, [CUST_A1, CUST_A2, CUST_B1])
        p, _, row = self.run_action(pfx, "deactivate", {}, lambda n, s: with_(s, service=False), 3,
                                    action="service")
        self.assertEqual(row["params"], {"service": "off"})
        self.assertEqual(p.action_text, "Preview: Deactivate mail service")
        self.assertEqual(p.rows[0], (names[0], CUST_A1, {"service": ("On", "Off")}))
        # One domain back on by hand: activating changes the other two only.
        STACK.cli("mail", "set", names[1], "--service", "on")
        p, _, row = self.run_action(pfx, "activate", {}, lambda n, s: with_(s, service=True), 2, n_same=1,
                                    action="service")
        self.assertEqual(row["params"], {"service": "on"})
        self.assertEqual(p.names(), [names[0], names[2]])

    def test_webmail(self):
        pfx = prefix("wm")
        make_domains(pfx, [CUST_A1, CUST_A2])
        _, _, row = self.run_action(pfx, "webmail", {"webmail": "roundcube"},
                                    lambda n, s: with_(s, webmail="roundcube"), 2)
        self.assertEqual(row["params"], {"webmail": "roundcube"})
        p, _, _ = self.run_action(pfx, "webmail", {"webmail": "none"}, lambda n, s: with_(s, webmail=None), 2)
        self.assertEqual(p.rows[0][2], {"webmail": ("roundcube", "None")})

    def test_webmail_not_installed(self):
        pfx = prefix("wmx")
        make_domains(pfx, [CUST_A1])
        b = Bulk(ADMIN)
        state, before = counters(), settings(pfx)
        r = b.c.post("/bulk/preview", b.form("webmail", filt={"name": pfx}, webmail="horde"))
        self.assertEqual(r.status, 422)
        self.assertEqual(field_error(r, "webmail"), M_WEBMAIL)
        self.assertEqual(notice(r, "error"), FIELDS_WRONG)
        self.assertIn('<input type="radio" name="select" value="all" checked>', r.body)
        self.assertEqual((settings(pfx), counters()), (before, state))

    def test_bounce(self):
        pfx = prefix("bnc")
        make_domains(pfx, [CUST_A1, CUST_A2])
        p, _, row = self.run_action(pfx, "policy", {"policy": "bounce", "bounce_message": "  Nobody here.  ",
                                                    "forward_address": "ignored@x.example"},
                                    lambda n, s: with_(s, policy="bounce", bounce_message="Nobody here."), 2)
        self.assertEqual(row["params"], {"policy": "bounce", "bounce_message": "  Nobody here.  "})
        self.assertEqual(p.rows[0][2], {"policy": ("Reject", "Bounce with message"),
                                        "bounce_message": ("the default text", "Nobody here.")})
        # Empty: back to the default text, in each owner's language.
        self.run_action(pfx, "policy", {"policy": "bounce", "bounce_message": ""},
                        lambda n, s: with_(s, bounce_message=None), 2)

    def test_forward_template(self):
        pfx = prefix("fwd")
        names = make_domains(pfx, [CUST_A1, CUST_B1, CUST_SOLO])
        p, _, row = self.run_action(pfx, "policy", {"policy": "forward", "forward_address": "catchall@{domain}"},
                                    lambda n, s: with_(s, policy="forward", forward_address="catchall@" + n), 3)
        self.assertEqual(row["params"], {"policy": "forward", "forward_address": "catchall@{domain}"})
        self.assertEqual(p.action_text, "Preview: Mail to nonexistent users: forward to catchall@{domain}")
        self.assertEqual(p.rows[1], (names[1], CUST_B1, {
            "policy": ("Reject", "Forward to address"), "forward_address": ("—", "catchall@" + names[1])}))

    def test_forward_fixed_without_control(self):
        pfx = prefix("fwf")
        make_domains(pfx, [CUST_A1, CUST_A2])
        self.run_action(pfx, "policy", {"policy": "forward", "forward_address": "Hub@Central.Example"},
                        lambda n, s: with_(s, policy="forward", forward_address="Hub@central.example"), 2)

    def test_forward_fixed_with_outgoing_control(self):
        """A fixed address is refused for every domain but its own, and the preview says which."""
        pfx = prefix("fwc")
        names = make_domains(pfx, [CUST_A1, CUST_A2, CUST_B1])
        self.addCleanup(self.restore_server)
        STACK.sql("UPDATE server_settings SET outgoing_control = true")
        b = Bulk(ADMIN)
        page = b.c.get("/bulk?f_name=" + pfx)
        self.assertIn('<strong id="outgoing-control">', page.body)
        state, before = counters(), settings(pfx)
        p = b.preview("policy", filt={"name": pfx}, policy="forward", forward_address="all@" + names[1])
        self.assertEqual(p.status, 200)
        self.assertEqual(p.counts, {"selected": "3 domains selected.", "change": "1 will change.",
                                    "same": "0 already have this setting.", "refused": "2 would be refused."})
        self.assertEqual(p.refusals, [(names[0], CUST_A1, "forward_address", M_FWD_DOMAIN % names[0]),
                                      (names[2], CUST_B1, "forward_address", M_FWD_DOMAIN % names[2])])
        self.assertIsNone(p.apply_form)
        self.assertEqual((settings(pfx), counters()), (before, state))
        # With the template every domain is fine.
        p = b.preview("policy", filt={"name": pfx}, policy="forward", forward_address="postmaster@{domain}")
        self.assertEqual((p.counts["change"], p.refusals), ("3 will change.", []))

    def test_forward_bad_template(self):
        pfx = prefix("fwt")
        make_domains(pfx, [CUST_A1])
        b = Bulk(ADMIN)
        state = counters()
        for address, message in (("catchall@{domian}", M_PLACEHOLDER), ("no-at-all", None), ("", None)):
            r = b.c.post("/bulk/preview", b.form("policy", filt={"name": pfx}, policy="forward",
                                                 forward_address=address))
            self.assertEqual(r.status, 422, address)
            self.assertIsNotNone(field_error(r, "forward_address"))
            if message:
                self.assertEqual(field_error(r, "forward_address"), message)
            self.assertEqual(r.field("forward_address"), address)
        self.assertEqual(counters(), state)

    def test_redirect(self):
        pfx = prefix("red")
        make_domains(pfx, [CUST_A1, CUST_A2])
        p, _, _ = self.run_action(pfx, "policy", {"policy": "redirect", "redirect_ip": "2001:DB8:0::25",
                                                  "redirect_port": "2525"},
                                  lambda n, s: with_(s, policy="redirect", redirect_ip="2001:db8::25",
                                                     redirect_port=2525), 2)
        self.assertEqual(p.rows[0][2], {"policy": ("Reject", "Redirect to external server"),
                                        "redirect_ip": ("—", "2001:db8::25"), "redirect_port": ("25", "2525")})
        b = Bulk(ADMIN)
        for ip, port, fld, msg in (("mx.example", "", "redirect_ip", M_IP), ("", "", "redirect_ip", M_IP_NEEDED)):
            r = b.c.post("/bulk/preview", b.form("policy", filt={"name": pfx}, policy="redirect",
                                                 redirect_ip=ip, redirect_port=port))
            self.assertEqual(r.status, 422)
            self.assertEqual(field_error(r, fld), msg)

    def test_reject(self):
        pfx = prefix("rej")
        names = make_domains(pfx, [CUST_A1, CUST_A2, CUST_B1])
        STACK.cli("mail", "set", names[0], "--policy", "bounce")
        STACK.cli("mail", "set", names[1], "--policy", "forward", "--forward", "a@" + names[1])
        self.run_action(pfx, "policy", {"policy": "reject"}, lambda n, s: with_(s, policy="reject"), 2, n_same=1)
        b = Bulk(ADMIN)
        r = b.c.post("/bulk/preview", b.form("policy", filt={"name": pfx}))
        self.assertEqual((r.status, field_error(r, "policy")), (422, M_POLICY))

    def test_limits(self):
        pfx = prefix("lim")
        make_domains(pfx, [CUST_A1, CUST_A2])
        p, _, row = self.run_action(pfx, "limits", {"domain_limit_mode": "custom", "domain_limit": "250",
                                                    "mailbox_limit_mode": "unlimited", "mailbox_limit": "9"},
                                    lambda n, s: with_(s, domain_limit_mode="custom", domain_limit=250,
                                                       mailbox_limit_mode="unlimited"), 2)
        self.assertEqual(row["params"], {"domain_limit_mode": "custom", "domain_limit": "250",
                                         "mailbox_limit_mode": "unlimited"})
        self.assertEqual(p.rows[0][2], {"domain_limit_mode": ("Use the default", "At most"),
                                        "domain_limit": ("—", "250"),
                                        "mailbox_limit_mode": ("Use the default", "Unlimited")})
        # "Leave as it is" keeps the mailbox limit; the domain's number stays stored.
        self.run_action(pfx, "limits", {"domain_limit_mode": "default", "mailbox_limit_mode": "keep"},
                        lambda n, s: with_(s, domain_limit_mode="default"), 2)
        b = Bulk(ADMIN)
        state = counters()
        for fields, fld, msg in (({}, "domain_limit", M_LIMIT_CHOICE),
                                 ({"domain_limit_mode": "keep", "mailbox_limit_mode": "keep"}, "domain_limit",
                                  M_LIMIT_CHOICE),
                                 ({"mailbox_limit_mode": "custom", "mailbox_limit": ""}, "mailbox_limit",
                                  M_LIMIT_EMPTY),
                                 ({"domain_limit_mode": "custom", "domain_limit": "0"}, "domain_limit", None)):
            r = b.c.post("/bulk/preview", b.form("limits", filt={"name": pfx}, **fields))
            self.assertEqual(r.status, 422, fields)
            if msg:
                self.assertEqual(field_error(r, fld), msg)
            else:
                self.assertIsNotNone(field_error(r, fld))
        self.assertEqual(counters(), state)

    def test_enter_in_a_text_box(self):
        """The form's first button carries no action: a clear message, the typing kept."""
        pfx = prefix("ent")
        make_domains(pfx, [CUST_A1])
        b = Bulk(ADMIN)
        state = counters()
        r = b.c.post("/bulk/preview", b.form("", filt={"name": pfx}, policy="forward",
                                             forward_address="x@{domain}"))
        self.assertEqual(r.status, 422)
        self.assertEqual(notice(r, "error"), NO_BUTTON)
        self.assertEqual(r.field("forward_address"), "x@{domain}")
        self.assertEqual(counters(), state)

    def test_everything_already_set(self):
        pfx = prefix("same")
        make_domains(pfx, [CUST_A1, CUST_A2])
        b = Bulk(ADMIN)
        p = b.preview("activate", filt={"name": pfx})
        self.assertEqual((p.counts["change"], p.counts["same"]), ("0 will change.", "2 already have this setting."))
        self.assertIsNone(p.apply_form)
        self.assertIn('<p class="empty" id="nothing">', p.r.body)


class T04Selection(BulkTest):
    def test_filters(self):
        pfx = prefix("flt")
        names = make_domains(pfx, [CUST_A1, CUST_A1, CUST_A2, CUST_A2, CUST_B1, CUST_SOLO])
        STACK.cli("mail", "set", names[0], "--service", "off", "--webmail", "roundcube")
        STACK.cli("mail", "set", names[2], "--policy", "bounce", "--webmail", "roundcube")
        STACK.cli("mail", "set", names[3], "--policy", "bounce", "--service", "off")
        STACK.cli("mail", "set", names[5], "--policy", "redirect", "--redirect-ip", "192.0.2.5")
        b = Bulk(ADMIN)
        cases = [
            ({"name": pfx}, names),
            ({"name": pfx.upper()}, names),                      # typed in capitals
            ({"name": pfx, "owner": CUST_A2}, names[2:4]),
            ({"name": pfx, "owner": " CUST-A2 "}, names[2:4]),
            ({"name": pfx, "service": "off"}, [names[0], names[3]]),
            ({"name": pfx, "service": "on"}, [names[1], names[2], names[4], names[5]]),
            ({"name": pfx, "policy": "bounce"}, names[2:4]),
            ({"name": pfx, "policy": "redirect"}, [names[5]]),
            ({"name": pfx, "policy": "forward"}, []),
            ({"name": pfx, "webmail": "roundcube"}, [names[0], names[2]]),
            ({"name": pfx, "webmail": "none"}, [names[1], names[3], names[4], names[5]]),
            ({"name": pfx, "policy": "bounce", "service": "on", "webmail": "roundcube"}, [names[2]]),
            ({"name": pfx + "%"}, []),                           # LIKE specials are plain characters
            ({"name": pfx[:-1] + "_"}, []),
        ]
        for filt, want in cases:
            q = urllib.parse.urlencode({"f_" + k: v for k, v in filt.items()})
            page = b.c.get("/bulk?" + q)
            self.assertEqual(page.status, 200, filt)
            self.assertEqual([n for n, _ in domain_rows(page)], want, filt)
            m = re.search(r'<p class="count" id="domain-count">([^<]*)</p>', page.body)
            self.assertEqual(m.group(1), "%d domain%s the filter." % (
                len(want), " matches" if len(want) == 1 else "s match"), filt)
            p = b.preview("deactivate", filt=filt)
            self.assertEqual(p.counts["selected"], "%d domain%s selected." % (len(want), "" if len(want) == 1 else "s"))
            self.assertEqual(p.names(), [n for n in want if n not in (names[0], names[3])], filt)

    def test_ticked_names(self):
        pfx = prefix("tick")
        names = make_domains(pfx, [CUST_A1, CUST_A1, CUST_A2, CUST_B1])
        b = Bulk(ADMIN)
        before = settings(pfx)
        p = b.preview("deactivate", select="ticked", names=[names[1], names[3]], filt={"name": pfx})
        self.assertEqual((p.counts["selected"], p.names()), ("2 domains selected.", [names[1], names[3]]))
        self.assertEqual(sum(1 for k, _ in p.apply_form if k == "d"), 2)
        change = self.applied(b, p, 2)
        after = settings(pfx)
        self.assertEqual(after, {n: with_(s, service=False) if n in (names[1], names[3]) else s
                                 for n, s in before.items()})
        self.assertEqual(change_row(change)["selection"], {"filter": {}, "names": [names[1], names[3]]})
        # Nothing ticked: a message beside the choice, nothing read or written.
        r = b.c.post("/bulk/preview", b.form("activate", select="ticked", filt={"name": pfx}))
        self.assertEqual(r.status, 422)
        self.assertEqual(field_error(r, "selection"), TICK_ONE)
        # Ticked names that do not exist select nothing.
        p = b.preview("activate", select="ticked", names=["nowhere.example", "x' OR 1=1 --"])
        self.assertEqual(p.counts["selected"], "0 domains selected.")

    def test_pages_and_select_all(self):
        """60 domains: pages of 50, "select all on this page" without JavaScript, all 60 by filter."""
        pfx = prefix("pg")
        names = make_domains(pfx, [CUST_A1, CUST_A2, CUST_B1] * 20)
        b = Bulk(ADMIN)
        page = b.c.get("/bulk?f_name=" + pfx)
        rows = domain_rows(page)
        self.assertEqual([n for n, _ in rows], names[:50])
        self.assertFalse(any(c for _, c in rows))
        self.assertIn("All 60 domains matching the filter", page.body)
        self.assertIn('id="check-page"', page.body)
        self.assertIn('<script src="/static/bulk.js" defer></script>', page.body)
        self.assertIn('data-working-all="Working on 60 domains…"', page.body)
        nxt = re.search(r'<a rel="next" href="([^"]*)"', page.body).group(1)
        page2 = b.c.get(unescape(nxt))
        self.assertEqual([n for n, _ in domain_rows(page2)], names[50:])
        # The plain form that ticks a whole page (no JavaScript needed).
        form = re.search(r'<form class="check-page" method="get" action="/bulk" id="check-page-form">(.*?)</form>',
                         page2.body, re.S).group(1)
        q = urllib.parse.urlencode(hidden_inputs(form))
        ticked = b.c.get("/bulk?" + q)
        self.assertEqual(domain_rows(ticked), [(n, True) for n in names[50:]])
        # A ticked page previews those 10; "all matching" previews 60, paged by 50.
        p = b.preview("deactivate", select="ticked", names=names[50:], filt={"name": pfx})
        self.assertEqual(p.counts["selected"], "10 domains selected.")
        p = b.preview("deactivate", filt={"name": pfx})
        self.assertEqual(p.counts["selected"], "60 domains selected.")
        self.assertEqual(p.names(), names[:50])
        self.assertIn('<span class="range">(1–50 / 60)</span>', p.r.body)
        p2 = Preview(b.c.post("/bulk/preview", [("csrf", b.csrf)] + p.next_form))
        self.assertEqual(p2.names(), names[50:])
        change = self.applied(b, p, 60)
        self.assertEqual(set(s["service"] for s in settings(pfx).values()), {False})
        # The change's page lists its domains by name, 50 a page.
        cp = b.c.get("/changes/%d" % change)
        listed = re.findall(r'<td class="domain"><a href="/domains/([^/]+)/history">', cp.body)
        self.assertEqual(listed, names[:50])
        self.assertIn('<dd id="change-count">60 domains changed of 60 selected.</dd>', cp.body)
        nxt = unescape(re.search(r'<a rel="next" href="([^"]*)"', cp.body).group(1))
        cp2 = b.c.get(nxt)
        self.assertEqual(re.findall(r'<td class="domain"><a href="/domains/([^/]+)/history">', cp2.body), names[50:])
        prev = unescape(re.search(r'<a rel="prev" href="([^"]*)"', cp2.body).group(1))
        self.assertEqual(re.findall(r'<td class="domain"><a href="/domains/([^/]+)/history">', b.c.get(prev).body),
                         names[:50])


class T05Scope(BulkTest):
    def test_reseller_select_all_stays_in_scope(self):
        pfx = prefix("scope")
        names = make_domains(pfx, [CUST_A1, CUST_A2, CUST_B1, CUST_SOLO, CUST_A1])
        a = Bulk(RES_A)
        page = a.c.get("/bulk?f_name=" + pfx)
        self.assertEqual([n for n, _ in domain_rows(page)], [names[0], names[1], names[4]])
        # No filter at all: every domain of reseller A, and only those.
        p = a.preview("deactivate")
        mine = int(STACK.sql("SELECT count(*) FROM domains d JOIN accounts r ON r.id = d.reseller_id"
                             " WHERE r.login = :'v1'", RES_A)[0][0])
        self.assertEqual(p.counts["selected"], "%d domains selected." % mine)
        before = settings(pfx)
        others = settings("")
        p = a.preview("deactivate", filt={"name": pfx})
        self.assertEqual(p.names(), [names[0], names[1], names[4]])
        change = self.applied(a, p, 3)
        after = settings(pfx)
        self.assertEqual(after, {n: with_(s, service=False) if n in (names[0], names[1], names[4]) else s
                                 for n, s in before.items()})
        # Nothing outside the prefix moved either.
        self.assertEqual({n: s for n, s in settings("").items() if not n.startswith(pfx)},
                         {n: s for n, s in others.items() if not n.startswith(pfx)})
        self.assertEqual([r["domain_name"] for r in audit_of_change(change)], [names[0], names[1], names[4]])

    def test_forged_names_and_filters(self):
        pfx = prefix("forge")
        names = make_domains(pfx, [CUST_A1, CUST_B1, CUST_SOLO, CUST_A2])
        a = Bulk(RES_A)
        before = settings(pfx)
        # Names of B's and of the administrator's customers' domains, ticked by hand.
        p = a.preview("deactivate", select="ticked", names=names)
        self.assertEqual(p.names(), [names[0], names[3]])
        self.assertEqual(p.counts["selected"], "2 domains selected.")
        forged = [kv for kv in p.apply_form if kv[0] != "d"] + [("d", n) for n in names]
        r = a.c.post("/bulk/apply", [("csrf", a.csrf)] + forged)
        self.assertEqual(r.status, 303, r.body[:500])
        change = int(re.search(r"/changes/(\d+)", r.header("Location")).group(1))
        self.assertEqual(settings(pfx), {n: with_(s, service=False) if n in (names[0], names[3]) else s
                                         for n, s in before.items()})
        self.assertEqual(change_row(change)["domains"], 2)
        # A filter on another reseller's customer finds nothing.
        p = a.preview("activate", filt={"name": pfx, "owner": CUST_B1})
        self.assertEqual((p.counts["selected"], p.apply_form), ("0 domains selected.", None))
        page = a.c.get("/bulk?f_owner=" + CUST_B1)
        self.assertEqual(domain_rows(page), [])
        # Forged apply with the digest of the empty selection: nothing to change, nothing written.
        state = counters()
        form = [("csrf", a.csrf)] + a.form("deactivate", filt={"name": pfx, "owner": CUST_B1}, csrf=False) + [
            ("snapshot", "1"), ("digest", "cbf29ce484222325"), ("count", "0")]
        r = a.c.post("/bulk/apply", form)
        self.assertEqual(r.status, 409)
        self.assertEqual(notice(r, "error"), ALL_SAME)
        self.assertEqual(counters(), state)
        self.assertEqual(settings(pfx)[names[1]], before[names[1]])

    def test_changes_are_private(self):
        pfx = prefix("priv")
        names = make_domains(pfx, [CUST_A1, CUST_B1])
        a, bb, admin = Bulk(RES_A), Bulk(RES_B), Bulk(ADMIN)
        ca = self.applied(a, a.preview("deactivate", filt={"name": pfx}), 1)
        cb = self.applied(bb, bb.preview("deactivate", filt={"name": pfx}), 1)
        la = a.c.get("/changes")
        self.assertIn('data-change="%d"' % ca, la.body)
        self.assertNotIn('data-change="%d"' % cb, la.body)
        ladmin = admin.c.get("/changes")
        self.assertIn('data-change="%d"' % ca, ladmin.body)
        self.assertIn('data-change="%d"' % cb, ladmin.body)
        self.assertErrorPage(a.c.get("/changes/%d" % cb), 404, NOT_FOUND)
        self.assertEqual(a.c.get("/changes/%d?after=x" % ca).status, 200)
        state, before = counters(), settings(pfx)
        self.assertErrorPage(a.c.post("/changes/%d/undo" % cb, {"csrf": a.csrf}), 404, NOT_FOUND)
        self.assertEqual((counters(), settings(pfx)), (state, before))
        # The administrator may undo anyone's change.
        r = admin.c.post("/changes/%d/undo" % cb, {"csrf": admin.csrf})
        self.assertEqual(r.status, 303)
        self.assertTrue(settings(pfx)[names[1]]["service"])

    def test_history_scope(self):
        pfx = prefix("hsc")
        names = make_domains(pfx, [CUST_A1, CUST_B1])
        c = login(CUST_A1)
        self.assertEqual(c.get("/domains/%s/history" % names[0]).status, 200)
        for who, name in ((c, names[1]), (login(RES_A), names[1]), (login(CUST_A2), names[0])):
            self.assertErrorPage(who.get("/domains/%s/history" % name), 404, NOT_FOUND)
        self.assertErrorPage(c.get("/domains/nowhere.example/history"), 404, NOT_FOUND)


class T06AllOrNothing(BulkTest):
    def test_failure_in_the_middle(self):
        """A statement that fails on one domain leaves every domain, the audit log and the generation as they were."""
        pfx = prefix("aon")
        names = make_domains(pfx, [CUST_A1, CUST_A2, CUST_B1, CUST_SOLO, CUST_A1])
        b = Bulk(ADMIN)
        p = b.preview("policy", filt={"name": pfx}, policy="bounce", bounce_message="Closed.")
        self.assertEqual(p.counts["change"], "5 will change.")
        # The database refuses the third domain's row, after two were written in the same statement.
        STACK.sql("""
            CREATE FUNCTION test_fail_one() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.domain_id = (SELECT id FROM domains WHERE name = current_setting('test.fail_domain', true))
                   OR NEW.domain_id = (SELECT id FROM domains WHERE name = '%s') THEN
                    RAISE EXCEPTION 'refused by the test';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_fail_one BEFORE UPDATE ON mail_settings
                FOR EACH ROW EXECUTE FUNCTION test_fail_one();""" % names[2])
        try:
            state, before = counters(), settings(pfx)
            r = b.apply(p)
            self.assertErrorPage(r, 500, INTERNAL)
            self.assertEqual((settings(pfx), counters()), (before, state))
        finally:
            STACK.sql("DROP TRIGGER test_fail_one ON mail_settings; DROP FUNCTION test_fail_one()")
        # The same preview applies once the obstacle is gone.
        self.applied(b, p, 5)
        self.assertEqual({s["policy"] for s in settings(pfx).values()}, {"bounce"})

    def test_connection_lost_in_the_middle(self):
        """The database connection dies while the statement runs: 503, nothing written."""
        pfx = prefix("kill")
        names = make_domains(pfx, [CUST_A1, CUST_A2, CUST_B1])
        b = Bulk(ADMIN)
        p = b.preview("deactivate", filt={"name": pfx})
        STACK.sql("""
            CREATE FUNCTION test_slow_one() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.domain_id = (SELECT id FROM domains WHERE name = '%s') THEN
                    PERFORM pg_sleep(5);
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_slow_one BEFORE UPDATE ON mail_settings
                FOR EACH ROW EXECUTE FUNCTION test_slow_one();""" % names[1])
        state, before = counters(), settings(pfx)
        result = {}
        t = threading.Thread(target=lambda: result.setdefault("r", b.apply(p)))
        try:
            t.start()
            deadline = time.monotonic() + 10
            killed = []
            while not killed and time.monotonic() < deadline:
                killed = STACK.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                   " WHERE query LIKE 'UPDATE mail_settings m SET%' AND wait_event = 'PgSleep'")
                time.sleep(0.05)
            self.assertEqual(killed, [["t"]])
            t.join(20)
        finally:
            STACK.sql("DROP TRIGGER test_slow_one ON mail_settings; DROP FUNCTION test_slow_one()")
        self.assertErrorPage(result["r"], 503, DB_DOWN)
        self.assertEqual((settings(pfx), counters()), (before, state))
        # The worker reconnects by itself.
        self.applied(b, b.preview("deactivate", filt={"name": pfx}), 3)

    def test_refused_at_apply_time(self):
        """The rules changed between preview and apply: refused domains are listed, nothing is written."""
        pfx = prefix("late")
        names = make_domains(pfx, [CUST_A1, CUST_A2])
        b = Bulk(ADMIN)
        p = b.preview("policy", filt={"name": pfx}, policy="forward", forward_address="hub@" + names[0])
        self.assertEqual((p.counts["change"], p.refusals), ("2 will change.", []))
        self.addCleanup(self.restore_server)
        STACK.sql("UPDATE server_settings SET outgoing_control = true")
        state, before = counters(), settings(pfx)
        r = b.apply(p)
        self.assertEqual(r.status, 409)
        self.assertEqual(notice(r, "error"), REFUSED_NOW)
        again = Preview(r)
        self.assertEqual(again.refusals, [(names[1], CUST_A2, "forward_address", M_FWD_DOMAIN % names[1])])
        self.assertIsNone(again.apply_form)
        self.assertEqual((settings(pfx), counters()), (before, state))


class T07Concurrent(BulkTest):
    def test_edited_since_the_preview(self):
        pfx = prefix("conc")
        names = make_domains(pfx, [CUST_A1, CUST_A1, CUST_A2])
        b = Bulk(ADMIN)
        p = b.preview("policy", filt={"name": pfx}, policy="bounce", bounce_message="Moved.")
        self.assertEqual(p.counts["change"], "3 will change.")
        # The customer saves the second domain on its own page after the preview.
        c = login(CUST_A1)
        page = c.get("/domains/%s/mail" % names[1])
        form = {"csrf": page.field("csrf"), "version": page.field("version"), "service": "on",
                "policy": "forward", "forward_address": "me@" + names[1], "webmail": "roundcube",
                "domain_limit_mode": "default", "mailbox_limit_mode": "default"}
        self.assertEqual(c.post("/domains/%s/mail" % names[1], form).status, 303)
        state, before = counters(), settings(pfx)
        r = b.apply(p)
        self.assertEqual(r.status, 409)
        self.assertEqual(notice(r, "error"), STALE)
        stale = Preview(r)
        self.assertEqual(stale.edited, [(names[1], CUST_A1)])
        # Nothing was overwritten: the customer's values stay, the others too.
        self.assertEqual((settings(pfx), counters()), (before, state))
        # The new preview shows the customer's values as "before" and can be applied knowingly.
        self.assertEqual(stale.rows[1], (names[1], CUST_A1, {
            "policy": ("Forward to address", "Bounce with message"),
            "bounce_message": ("the default text", "Moved.")}))
        self.assertIsNotNone(stale.apply_form)
        change = self.applied(b, stale, 3)
        after = settings(pfx)
        self.assertEqual(after[names[1]], with_(before[names[1]], policy="bounce", bounce_message="Moved."))
        self.assertEqual(after[names[1]]["webmail"], "roundcube")
        self.check_audit(change, ADMIN, before, after)

    def test_selection_grew_since_the_preview(self):
        pfx = prefix("grow")
        make_domains(pfx, [CUST_A1, CUST_A2])
        b = Bulk(ADMIN)
        p = b.preview("deactivate", filt={"name": pfx})
        STACK.add_domain(pfx + "99.example", CUST_B1)
        state, before = counters(), settings(pfx)
        r = b.apply(p)
        self.assertEqual(r.status, 409)
        self.assertEqual(notice(r, "error"), STALE)
        again = Preview(r)
        # The new domain is listed (nobody saved it: no name), and the counts are told.
        self.assertEqual(again.edited, [(pfx + "99.example", "—")])
        self.assertIn('<p id="stale-count">The selection had 2 domains at the preview; it has 3 now.</p>', r.body)
        self.assertEqual((settings(pfx), counters()), (before, state))
        self.assertEqual(again.counts["selected"], "3 domains selected.")
        self.applied(b, again, 3)

    def test_two_bulk_changes_at_once(self):
        """Two administrators apply at the same moment: one wins, the other is told."""
        pfx = prefix("race")
        make_domains(pfx, [CUST_A1, CUST_A2, CUST_B1, CUST_SOLO])
        one, two = Bulk(ADMIN), Bulk(ADMIN)
        p1 = one.preview("deactivate", filt={"name": pfx})
        p2 = two.preview("webmail", filt={"name": pfx}, webmail="roundcube")
        results = {}
        threads = [threading.Thread(target=lambda: results.setdefault(1, one.apply(p1))),
                   threading.Thread(target=lambda: results.setdefault(2, two.apply(p2)))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        statuses = sorted(r.status for r in results.values())
        self.assertEqual(statuses, [303, 409])
        s = settings(pfx)
        won = [k for k, r in results.items() if r.status == 303][0]
        if won == 1:
            self.assertEqual({(x["service"], x["webmail"]) for x in s.values()}, {(False, None)})
        else:
            self.assertEqual({(x["service"], x["webmail"]) for x in s.values()}, {(True, "roundcube")})


class T08Undo(BulkTest):
    def test_undo_restores_all_but_changed_since(self):
        pfx = prefix("undo")
        names = make_domains(pfx, [CUST_A1, CUST_A2, CUST_B1, CUST_A1])
        STACK.cli("mail", "set", names[0], "--policy", "bounce", "--bounce-message", "Old text.")
        STACK.cli("mail", "set", names[2], "--webmail", "roundcube", "--domain-limit", "77")
        b = Bulk(ADMIN)
        original = settings(pfx)
        change = self.applied(b, b.preview("policy", filt={"name": pfx}, policy="forward",
                                           forward_address="all@{domain}"), 4)
        changed = settings(pfx)
        # Someone edits the last domain afterwards.
        STACK.cli("mail", "set", names[3], "--policy", "reject")
        edited = settings(pfx)[names[3]]
        state = counters()
        r = b.c.post("/changes/%d/undo" % change, {"csrf": b.csrf})
        self.assertEqual(r.status, 303, r.body[:1000])
        m = re.match(r"^/changes/(\d+)\?undone=1$", r.header("Location"))
        undo = int(m.group(1))
        after = settings(pfx)
        self.assertEqual(after, {names[0]: original[names[0]], names[1]: original[names[1]],
                                 names[2]: original[names[2]], names[3]: edited})
        self.assertEqual(counters(), {"audit": state["audit"] + 3, "generation": state["generation"] + 1,
                                      "changes": state["changes"] + 1})
        rows = audit_of_change(undo)
        self.assertEqual([a["domain_name"] for a in rows], names[:3])
        for a in rows:
            self.assertEqual((a["source"], a["actor_login"]), ("undo", ADMIN))
            self.assertEqual(a["before"], changed[a["domain_name"]])
            self.assertEqual(a["after"], original[a["domain_name"]])
        u = change_row(undo)
        self.assertEqual((u["source"], u["undoes"], u["selected"], u["domains"], u["action"]),
                         ("undo", change, 4, 3, "policy"))
        self.assertEqual(u["skipped"], [{"domain": names[3], "reason": "changed"}])
        self.assertEqual(change_row(change)["undone_by"], undo)
        page = b.c.get(r.header("Location"))
        self.assertEqual(notice(page, "ok"), "The change was undone: 3 domains restored.")
        self.assertIn('<li data-reason="changed"><span class="domain">%s</span>: changed since, left as it is'
                      % names[3], page.body)
        self.assertIn('<dd id="change-selection"><a href="/changes/%d">The domains of change %d</a></dd>'
                      % (change, change), page.body)
        self.assertIn('<h1 id="title">Change %d: Undo of change %d: Mail to nonexistent users: forward to '
                      'all@{domain}</h1>' % (undo, change), page.body)
        orig_page = b.c.get("/changes/%d" % change)
        self.assertIn('<dd id="change-state">Undone by <a href="/changes/%d">#%d</a></dd>' % (undo, undo),
                      orig_page.body)
        self.assertNotIn('id="undo-form"', orig_page.body)

        # Undoing it twice is refused, clearly, and writes nothing.
        state, now = counters(), settings(pfx)
        r = b.c.post("/changes/%d/undo" % change, {"csrf": b.csrf})
        self.assertEqual(r.status, 409)
        self.assertEqual(notice(r, "error"), UNDONE_ALREADY % undo)
        self.assertEqual((counters(), settings(pfx)), (state, now))

        # The undo itself can be undone: the change comes back where nothing moved since.
        r = b.c.post("/changes/%d/undo" % undo, {"csrf": b.csrf})
        self.assertEqual(r.status, 303)
        self.assertEqual(settings(pfx), {names[0]: changed[names[0]], names[1]: changed[names[1]],
                                         names[2]: changed[names[2]], names[3]: edited})

    def test_nothing_left_to_undo(self):
        pfx = prefix("gone")
        names = make_domains(pfx, [CUST_A1, CUST_A2])
        b = Bulk(ADMIN)
        change = self.applied(b, b.preview("deactivate", filt={"name": pfx}), 2)
        STACK.cli("mail", "set", names[0], "--webmail", "roundcube")
        STACK.sql("DELETE FROM domains WHERE name = :'v1'", names[1])
        state, now = counters(), settings(pfx)
        r = b.c.post("/changes/%d/undo" % change, {"csrf": b.csrf})
        self.assertEqual(r.status, 409)
        self.assertEqual(notice(r, "error"), NOTHING_TO_UNDO)
        section = re.search(r'<section class="notice error" id="undo-refused">(.*?)</section>', r.body, re.S).group(1)
        self.assertEqual(re.findall(r'<li data-reason="([a-z]+)"><span class="domain">([^<]*)</span>', section),
                         [("deleted", names[1]), ("changed", names[0])])
        self.assertEqual((counters(), settings(pfx)), (state, now))
        self.assertIsNone(change_row(change)["undone_by"])

    def test_undo_under_todays_rules(self):
        """Old values that today's rules refuse are left, with mailcfg's message."""
        pfx = prefix("rules")
        names = make_domains(pfx, [CUST_A1, CUST_A2])
        for n in names:
            STACK.cli("mail", "set", n, "--policy", "forward", "--forward", "hub@outside.example")
        b = Bulk(ADMIN)
        change = self.applied(b, b.preview("policy", filt={"name": pfx}, policy="reject"), 2)
        self.addCleanup(self.restore_server)
        STACK.sql("UPDATE server_settings SET outgoing_control = true")
        state, now = counters(), settings(pfx)
        r = b.c.post("/changes/%d/undo" % change, {"csrf": b.csrf})
        self.assertEqual(r.status, 409)
        section = re.search(r'<section class="notice error" id="undo-refused">(.*?)</section>', r.body, re.S).group(1)
        self.assertIn('<li data-reason="invalid"><span class="domain">%s</span>: its old values are no longer '
                      'allowed: %s</li>' % (names[0], M_FWD_DOMAIN % names[0]), section)
        self.assertEqual((counters(), settings(pfx)), (state, now))

    def test_undo_skips_domains_no_longer_in_scope(self):
        pfx = prefix("moved")
        add_account("cust-moving", "customer", reseller=RES_A)
        names = make_domains(pfx, [CUST_A1, "cust-moving"])
        a = Bulk(RES_A)
        change = self.applied(a, a.preview("deactivate", filt={"name": pfx}), 2)
        # The customer moves to reseller B: its domain is no longer A's to restore.
        STACK.sql("UPDATE accounts SET reseller_id = (SELECT id FROM accounts WHERE login = :'v1')"
                  " WHERE login = 'cust-moving'", RES_B)
        r = a.c.post("/changes/%d/undo" % change, {"csrf": a.csrf})
        self.assertEqual(r.status, 303)
        undo = int(re.search(r"/changes/(\d+)", r.header("Location")).group(1))
        s = settings(pfx)
        self.assertEqual((s[names[0]]["service"], s[names[1]]["service"]), (True, False))
        self.assertEqual(change_row(undo)["skipped"], [{"domain": names[1], "reason": "scope"}])


class T09History(BulkTest):
    def test_every_path_in_the_history(self):
        pfx = prefix("hist")
        name = make_domains(pfx, [CUST_A1])[0]
        # CLI, per-domain page, bulk, undo.
        STACK.cli("mail", "set", name, "--webmail", "roundcube")
        c = login(CUST_A1)
        page = c.get("/domains/%s/mail" % name)
        form = {"csrf": page.field("csrf"), "version": page.field("version"), "service": "on",
                "policy": "bounce", "bounce_message": "Web text.", "webmail": "roundcube",
                "domain_limit_mode": "default", "mailbox_limit_mode": "default"}
        self.assertEqual(c.post("/domains/%s/mail" % name, form).status, 303)
        b = Bulk(ADMIN)
        change = self.applied(b, b.preview("deactivate", filt={"name": pfx}), 1)
        r = b.c.post("/changes/%d/undo" % change, {"csrf": b.csrf})
        undo = int(re.search(r"/changes/(\d+)", r.header("Location")).group(1))
        h = c.get("/domains/%s/history" % name)
        self.assertEqual(h.status, 200)
        self.assertIn('aria-current="page" id="history-link">History</a>', h.body)
        entries = re.findall(r'<tr data-audit="\d+">\s*<td><time datetime="([^"]+)">[^<]*</time></td>\s*'
                             r'<td class="actor">([^<]*)</td>\s*<td class="source">(.*?)</td>\s*'
                             r'<td class="action">([^<]*)</td>\s*<td>(.*?)</td>\s*</tr>', h.body, re.S)
        got = [(actor, re.sub(r"<[^>]+>", "", src).strip(), action, fields_of(ul))
               for _, actor, src, action, ul in entries]
        self.assertEqual(got, [
            (ADMIN, "undo #%d" % undo, "Mail settings", {"service": ("Off", "On")}),
            (ADMIN, "bulk #%d" % change, "Mail settings", {"service": ("On", "Off")}),
            (CUST_A1, "web", "Mail settings", {"policy": ("Reject", "Bounce with message"),
                                               "bounce_message": ("the default text", "Web text.")}),
            (CLI_USER, "cli", "Mail settings", {"webmail": ("None", "roundcube")}),
            (CLI_USER, "cli", "Domain added", {"name": ("—", name), "owner": ("—", CUST_A1)}),
        ])
        # Customers see the change numbers, not links to pages they may not open.
        self.assertNotIn('href="/changes/', h.body)
        self.assertIn('href="/changes/%d"' % change, b.c.get("/domains/%s/history" % name).body)

    def test_history_pages(self):
        pfx = prefix("hpg")
        name = make_domains(pfx, [CUST_A2])[0]
        # 55 more audit rows, one statement each, written outside postpanel (source sql).
        STACK.sql("""DO $$ BEGIN FOR i IN 1..55 LOOP
                       UPDATE mail_settings SET domain_limit_mode = 'custom', domain_limit = i
                        WHERE domain_id = (SELECT id FROM domains WHERE name = '%s');
                     END LOOP; END $$""" % name)
        c = login(CUST_A2)
        page = c.get("/domains/%s/history" % name)
        limits = re.findall(r'<li data-field="domain_limit"><span class="field">[^<]*</span>: '
                            r'<span class="before">([^<]*)</span> → <span class="after">([^<]*)</span>', page.body)
        self.assertEqual(limits[:2], [("54", "55"), ("53", "54")])
        self.assertEqual(len(re.findall(r'<tr data-audit=', page.body)), 50)
        self.assertEqual(re.findall(r'<td class="source">([^<]*)</td>', page.body)[:1], ["sql"])
        older = unescape(re.search(r'<a rel="next" href="([^"]*)"', page.body).group(1))
        page2 = c.get(older)
        self.assertEqual(len(re.findall(r'<tr data-audit=', page2.body)), 6)
        self.assertIn("Domain added", page2.body)
        self.assertIsNone(re.search(r'<a rel="next"', page2.body))
        newer = unescape(re.search(r'<a rel="prev" href="([^"]*)"', page2.body).group(1))
        back = c.get(newer)
        self.assertEqual(re.findall(r'<tr data-audit="(\d+)"', back.body),
                         re.findall(r'<tr data-audit="(\d+)"', page.body))
        self.assertEqual(c.get("/domains/%s/history?before=x" % name).status, 400)

    def test_changes_list(self):
        pfx = prefix("lst")
        make_domains(pfx, [CUST_A1, CUST_A2])
        a = Bulk(RES_A)
        c1 = self.applied(a, a.preview("limits", filt={"name": pfx}, domain_limit_mode="custom",
                                       domain_limit="12"), 2)
        page = a.c.get("/changes")
        row = re.search(r'<tr data-change="%d">(.*?)</tr>' % c1, page.body, re.S).group(1)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", unescape(row))).strip()
        self.assertIn("#%d" % c1, text)
        self.assertIn(RES_A, text)
        self.assertIn("Limit outgoing messages: at most 12 for the domain, unchanged for each mailbox", text)
        self.assertIn("2 domains", text)
        self.assertIn("Applied", text)
        self.assertIn('<a href="/changes" id="changes-link">Changes made in bulk</a>', a.c.get("/bulk").body)


class T10Maps(BulkTest):
    """With postpanel-mapd running: one bulk change is one generation, applied in one step."""

    @classmethod
    def setUpClass(cls):
        STACK.stack("mapd-start", harness.BUILDDIR)

    @classmethod
    def tearDownClass(cls):
        STACK.stack("mapd-stop")

    def mapd_lines(self):
        with open(os.path.join(STACK.dir, "log", "mapd.log")) as f:
            return [line for line in f.read().splitlines() if "applied generation" in line]

    def transport(self, name):
        p = subprocess.run(["postmap", "-c", os.path.join(STACK.dir, "postfix", "etc"), "-q", name,
                            "lmdb:" + os.path.join(STACK.map_dir, "transport_maps")],
                           capture_output=True, text=True)
        return p.stdout.strip()

    def test_one_generation_one_step(self):
        for tag, n, kind in (("mapsmall", 3, "update"), ("mapbig", 600, "full rebuild")):
            pfx = prefix(tag)
            names = make_domains(pfx, [CUST_A1, CUST_A2, CUST_B1] * (n // 3))
            STACK.wait_applied()
            seen = len(self.mapd_lines())
            b = Bulk(ADMIN)
            p = b.preview("policy", filt={"name": pfx}, policy="bounce", bounce_message="Gone south.")
            change = self.applied(b, p, n)
            gen = STACK.wait_applied()
            lines = self.mapd_lines()[seen:]
            self.assertEqual(len(lines), 1, lines)
            self.assertRegex(lines[0], r"applied generation %d \(%s, \d+ domains\)" % (gen, kind))
            for name in (names[0], names[-1]):
                self.assertEqual(self.transport(name), "error:5.1.1 Gone south.")
            # The undo is one more generation, applied in one step too.
            r = b.c.post("/changes/%d/undo" % change, {"csrf": b.csrf})
            self.assertEqual(r.status, 303)
            gen = STACK.wait_applied()
            lines = self.mapd_lines()[seen:]
            self.assertEqual(len(lines), 2, lines)
            self.assertRegex(lines[1], r"applied generation %d \(%s" % (gen, kind))
            self.assertEqual(self.transport(names[0]), "")


class T11Progress(BulkTest):
    def test_script_is_optional_and_served(self):
        r = Client(STACK).get("/static/bulk.js")
        self.assertEqual(r.status, 200)
        self.assertIn("data-working", r.body)
        pfx = prefix("js")
        make_domains(pfx, [CUST_A1])
        b = Bulk(ADMIN)
        p = b.preview("deactivate", filt={"name": pfx})
        self.assertIn('<script src="/static/bulk.js" defer></script>', p.r.body)
        self.assertEqual(p.working, "Working on 1 domain…")
        self.assertIn('<p class="working" role="status" hidden></p>', p.r.body)
        change = self.applied(b, p, 1)
        self.assertIn('data-working="Working on 1 domain…"', b.c.get("/changes/%d" % change).body)


if __name__ == "__main__":
    unittest.main()
