"""Integration tests of the Mailboxes and aliases page (/domains/NAME/addresses)
and of the apply status shown there and on the Mail settings page.

Its own private stack (tests/harness.py), like test_web.py. Fixture
accounts are made with the postpanel CLI; every test works on its own
domains. Each check is exact: the HTTP status, the text beside a field or
in the notice, and the rows in the database (mailboxes, aliases and the
audit log written by the schema's triggers), read back with psql. The
apply-status tests write map_nodes directly, as the map daemons would.

Run: top_srcdir=SRC top_builddir=BUILD python3 tests/integration/test_addresses.py -v
"""
import json
import os
import re
import sys
import tempfile
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
PASSWORDS = {}

# Texts of the application (src/web/request.c, pages_addresses.c, pages_common.c).
NOTHING_SAVED = "Nothing was saved. Correct the fields marked below and save again."
FORBIDDEN = ("This request was refused: it did not carry a valid security token, or your "
             "account may not do this. Reload the page and try again.")
NOT_FOUND = "There is no such page, or it does not belong to your account."
BAD_REQUEST = "The request could not be understood. Reload the page and try again."
MAILBOX_ADDED = "The mailbox %s was added."
ALIAS_ADDED = "The alias %s was added."
ALIAS_REPLACED = "The targets of the alias %s were replaced."
MAILBOX_DELETED = "The mailbox %s was deleted."
ALIAS_DELETED = "The alias %s was deleted."
NO_SUCH_ADDRESS = "There is no address %s: nothing was deleted."
TAKEN = "The address %s is already taken by a mailbox or an alias."
NO_MAILBOXES = "There are no mailboxes yet."
NO_ALIASES = "There are no aliases yet."
APPLIED = "Applied on all mail servers."
NO_NODES = "No mail server is connected yet."
PENDING = "Pending on %s since %s."
DOWN = "The map service on %s is not running: changes will apply when it is back."
FAILING = "Failing on %s: %s"
FAILING_HIDDEN = "Failing on %s: a problem on this mail server keeps the change from being applied."


def shown_time(epoch):
    """A time as the English pages write it (src/i18n): "Nov 22, 2026, 18:05 UTC"."""
    t = time.gmtime(int(epoch))
    month = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()[t.tm_mon - 1]
    return "%s %d, %d, %02d:%02d UTC" % (month, t.tm_mday, t.tm_year, t.tm_hour, t.tm_min)


# Messages of src/model/validate.c and src/model/address.c.
LP_EMPTY = "Enter the part of the address before the @."
LP_LONG = "The part of the address before the @ is longer than 64 characters."
LP_START = "The part of the address before the @ must start with a lower-case letter or a digit."
LP_CHARS = ("The part of the address before the @ may contain only lower-case letters, digits, "
            "dots, hyphens and underscores.")
LP_DOTS = "The part of the address before the @ cannot end with a dot or contain two dots in a row."
AD_AT = "An e-mail address must contain exactly one @, as in name@example.com."
AD_CHAR = "The part of the address before the @ contains a character that is not allowed."
AD_DOTS = ("The part of the address before the @ cannot start or end with a dot or contain two "
           "dots in a row.")
DOM_TWO_LABELS = "The domain name needs at least two labels, such as example.com."
NO_TARGET = "Enter at least one target address."
TOO_MANY = "An alias can have at most 50 target addresses."

_serial = [0]


def unique(prefix):
    _serial[0] += 1
    return "%s-%d" % (prefix, _serial[0])


def add_account(login, role, reseller=None):
    password = "pw-%s-0123456789" % login
    STACK.add_user(login, role, password, reseller=reseller)
    PASSWORDS[login] = password


def setUpModule():
    global STACK
    STACK = harness.Stack(workers=2).start()
    add_account(ADMIN, "admin")
    add_account(RES_A, "reseller")
    add_account(RES_B, "reseller")
    add_account(CUST_A1, "customer", reseller=RES_A)
    add_account(CUST_A2, "customer", reseller=RES_A)
    add_account(CUST_B1, "customer", reseller=RES_B)


def tearDownModule():
    if STACK is not None:
        STACK.stop()


# ---------------------------------------------------------------- helpers

_account_ids = {}


def account_id(login):
    if login not in _account_ids:
        _account_ids[login] = int(STACK.sql("SELECT id FROM accounts WHERE login = :'v1'", login)[0][0])
    return _account_ids[login]


def state(domain):
    """The domain's addresses and their audit rows, and global counts, in one query.

    mailboxes: sorted local parts; aliases: {local part: [targets]};
    audits: the domain's mailbox_*/alias_* audit rows; audit_total and
    addresses_total: all rows, so that equality also means "nothing was
    written anywhere"."""
    rows = STACK.sql("""
        SELECT (SELECT coalesce(jsonb_agg(m.local_part ORDER BY m.local_part), '[]')
                  FROM mailboxes m WHERE m.domain_id = d.id),
               (SELECT coalesce(jsonb_object_agg(a.local_part, a.targets), '{}')
                  FROM aliases a WHERE a.domain_id = d.id),
               (SELECT coalesce(jsonb_agg(jsonb_build_object(
                         'action', l.action, 'source', l.source, 'actor_login', l.actor_login,
                         'actor_id', l.actor_id, 'domain_name', l.domain_name,
                         'before', l.before, 'after', l.after) ORDER BY l.id), '[]')
                  FROM audit_log l
                 WHERE l.domain_id = d.id AND (l.action LIKE 'mailbox%' OR l.action LIKE 'alias%')),
               (SELECT count(*) FROM audit_log),
               (SELECT count(*) FROM mailboxes) + (SELECT count(*) FROM aliases)
          FROM domains d WHERE d.name = :'v1'""", domain)
    assert len(rows) == 1, "no domain %s" % domain
    return {"mailboxes": json.loads(rows[0][0]), "aliases": json.loads(rows[0][1]),
            "audits": json.loads(rows[0][2]), "audit_total": int(rows[0][3]),
            "addresses_total": int(rows[0][4])}


def audit(action, actor, domain, before=None, after=None):
    return {"action": action, "source": "web", "actor_login": actor, "actor_id": account_id(actor),
            "domain_name": domain, "before": before, "after": after}


def login(user, client=None):
    c = client or Client(STACK)
    r = c.login(user, PASSWORDS[user])
    assert r.status == 303 and r.header("Location") == "/domains", \
        "login %s: %d %s" % (user, r.status, r.body[:300])
    return c


def url(domain):
    return "/domains/%s/addresses" % domain


def table(page, name):
    m = re.search(r'<table class="list" id="%s">.*?</table>' % name, page.body, re.S)
    return m.group(0) if m else ""


def mailbox_list(page):
    return [unescape(a) for a in re.findall(r'<td class="address">([^<]*)</td>', table(page, "mailboxes"))]


def alias_list(page):
    return [(unescape(a), unescape(t)) for a, t in
            re.findall(r'<td class="address">([^<]*)</td>\s*<td class="targets">([^<]*)</td>',
                       table(page, "aliases"))]


def apply_lines(page):
    m = re.search(r'<section class="apply-status" id="apply-status"[^>]*>(.*?)</section>', page.body, re.S)
    if m is None:
        return None
    return [(k, unescape(t)) for k, t in re.findall(r'<li class="apply-([a-z]+)">([^<]*)</li>', m.group(1))]


def notice_ok(page):
    m = re.search(r'<p class="notice ok" role="status">([^<]*)</p>', page.body)
    return unescape(m.group(1)) if m else None


def notice_error(page):
    m = re.search(r'<p class="notice error" role="alert">([^<]*)</p>', page.body)
    return unescape(m.group(1)) if m else None


def error_fields(page):
    return sorted(re.findall(r'id="error-([a-z_]+)"', page.body))


def textarea(page, name):
    m = re.search(r'<textarea[^>]*name="%s"[^>]*>(.*?)</textarea>' % re.escape(name), page.body, re.S)
    return unescape(m.group(1)) if m else None


def error_page(page):
    m = re.search(r'<section class="error-page">\s*<h1>([^<]*)</h1>\s*<p>([^<]*)</p>', page.body)
    return (unescape(m.group(1)), unescape(m.group(2))) if m else None


def delete_form(page, local_part):
    """The delete form of an address as the page has it (its hidden fields)."""
    for m in re.finditer(r'<form method="post" action="([^"]*)" class="delete">(.*?)</form>', page.body, re.S):
        fields = dict((n, unescape(v)) for n, v in
                      re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', m.group(2)))
        if fields.get("local_part") == local_part:
            return unescape(m.group(1)), fields
    return None, None


def many_targets(n):
    return ", ".join("t%d@example.org" % i for i in range(1, n + 1))


class AddressTest(unittest.TestCase):
    maxDiff = None

    def new_domain(self, owner, prefix="addr"):
        name = unique(prefix) + ".example"
        STACK.add_domain(name, owner)
        return name

    def assertErrorPage(self, r, status, text):
        self.assertEqual(r.status, status, r.body[:500])
        ep = error_page(r)
        self.assertIsNotNone(ep, r.body[:500])
        self.assertEqual(ep[1], text)

    def post_ok(self, c, domain, form, location):
        """Posts a form from the page; checks the redirect; returns the page it leads to."""
        page = c.get(url(domain))
        self.assertEqual(page.status, 200)
        r = c.post(url(domain), dict(form, csrf=page.field("csrf")))
        self.assertEqual(r.status, 303, "%s: %s %s" % (form, error_fields(r), notice_error(r)))
        self.assertEqual(r.header("Location"), location)
        shown = c.get(location)
        self.assertEqual(shown.status, 200)
        return shown

    def post_refused(self, c, domain, form, status, field, message):
        """Posts an invalid form; checks the status, the message, the typed values, nothing stored."""
        page = c.get(url(domain))
        self.assertEqual(page.status, 200)
        before = state(domain)
        r = c.post(url(domain), dict(form, csrf=page.field("csrf")))
        self.assertEqual(r.status, status, "%s: %s" % (form, r.body[:300]))
        self.assertEqual(error_fields(r), [field] if isinstance(field, str) else sorted(field), form)
        if isinstance(field, str):
            self.assertEqual(r.error_for(field), message)
        else:
            for f, msg in zip(field, message):
                self.assertEqual(r.error_for(f), msg, f)
        self.assertEqual(notice_error(r), NOTHING_SAVED)
        self.assertIsNone(notice_ok(r))
        # What the user typed is still in the forms.
        for name in ("mailbox", "alias"):
            if name in form:
                self.assertEqual(r.field(name), form[name], name)
        if "targets" in form:
            self.assertEqual(textarea(r, "targets"), form["targets"])
        # The rest of the page is there: the lists and the apply status.
        self.assertEqual(mailbox_list(r), mailbox_list(page))
        self.assertEqual(alias_list(r), alias_list(page))
        self.assertIsNotNone(apply_lines(r))
        self.assertEqual(state(domain), before)
        return r


# ---------------------------------------------------------------- tests

class T01Addresses(AddressTest):
    def test_empty_page_and_links(self):
        domain = self.new_domain(CUST_A1, "empty")
        c = login(CUST_A1)
        page = c.get(url(domain))
        self.assertEqual(page.status, 200)
        self.assertIn("<h1>Mailboxes and aliases — %s</h1>" % domain, page.body)
        self.assertIn('<p class="empty" id="no-mailboxes">%s</p>' % NO_MAILBOXES, page.body)
        self.assertIn('<p class="empty" id="no-aliases">%s</p>' % NO_ALIASES, page.body)
        self.assertEqual(mailbox_list(page), [])
        self.assertEqual(alias_list(page), [])
        self.assertEqual(page.field("mailbox"), "")
        self.assertEqual(page.field("alias"), "")
        self.assertEqual(textarea(page, "targets"), "")
        self.assertIsNone(notice_ok(page))
        link = '<a href="/domains/%s/addresses"' % domain
        # From the Mail settings page and from the domain list.
        mail = c.get("/domains/%s/mail" % domain)
        self.assertEqual(mail.status, 200)
        self.assertIn(link, mail.body)
        listing = c.get("/domains?q=" + urllib.parse.quote(domain))
        row = re.search(r'<tr>\s*<td><a href="/domains/%s/mail">.*?</tr>' % re.escape(domain), listing.body, re.S)
        self.assertIsNotNone(row)
        self.assertIn('<a class="addresses" href="/domains/%s/addresses">Mailboxes and aliases</a>' % domain,
                      row.group(0))
        # And back to the Mail settings.
        self.assertIn('<a href="/domains/%s/mail">Mail settings</a>' % domain, page.body)

    def test_idn_domain(self):
        STACK.add_domain("Adressen-bücher.example", CUST_A1)
        domain = "adressen-bücher".encode("idna").decode("ascii") + ".example"
        self.assertEqual(STACK.sql("SELECT count(*) FROM domains WHERE name = :'v1'", domain), [["1"]])
        c = login(CUST_A1)
        shown = self.post_ok(c, domain, {"action": "add_mailbox", "mailbox": "anna"},
                             url(domain) + "?done=mailbox_added&address=anna")
        self.assertIn("<h1>Mailboxes and aliases — adressen-bücher.example</h1>", shown.body)
        self.assertEqual(notice_ok(shown), MAILBOX_ADDED % "anna@adressen-bücher.example")
        self.assertEqual(mailbox_list(shown), ["anna@adressen-bücher.example"])
        self.assertEqual(state(domain)["mailboxes"], ["anna"])

    def test_add_mailbox(self):
        domain = self.new_domain(CUST_A1, "mbox")
        c = login(CUST_A1)
        before = state(domain)
        shown = self.post_ok(c, domain, {"action": "add_mailbox", "mailbox": "  Alice.Smith "},
                             url(domain) + "?done=mailbox_added&address=alice.smith")
        self.assertEqual(notice_ok(shown), MAILBOX_ADDED % ("alice.smith@" + domain))
        self.assertEqual(mailbox_list(shown), ["alice.smith@" + domain])
        self.assertEqual(shown.field("mailbox"), "")
        after = state(domain)
        self.assertEqual(after["mailboxes"], ["alice.smith"])
        self.assertEqual(after["aliases"], {})
        self.assertEqual(after["audits"], [audit("mailbox_add", CUST_A1, domain, after={"local_part": "alice.smith"})])
        self.assertEqual(after["addresses_total"], before["addresses_total"] + 1)
        # A second one is listed in order.
        shown = self.post_ok(c, domain, {"action": "add_mailbox", "mailbox": "0-info_x"},
                             url(domain) + "?done=mailbox_added&address=0-info_x")
        self.assertEqual(mailbox_list(shown), ["0-info_x@" + domain, "alice.smith@" + domain])
        self.assertEqual(state(domain)["mailboxes"], ["0-info_x", "alice.smith"])
        self.assertNotIn('id="no-mailboxes"', shown.body)

    def test_alias_add_replace(self):
        domain = self.new_domain(CUST_A2, "alias")
        c = login(CUST_A2)
        typed = "alice@%s, Bob@Example.ORG\nx@Bücher.example  alice@%s" % (domain, domain)
        shown = self.post_ok(c, domain, {"action": "set_alias", "alias": "Info", "targets": typed},
                             url(domain) + "?done=alias_added&address=info")
        self.assertEqual(notice_ok(shown), ALIAS_ADDED % ("info@" + domain))
        stored = ["alice@" + domain, "Bob@example.org", "x@xn--bcher-kva.example"]
        self.assertEqual(alias_list(shown), [("info@" + domain,
                                              "alice@%s, Bob@example.org, x@bücher.example" % domain)])
        after = state(domain)
        self.assertEqual(after["aliases"], {"info": stored})
        self.assertEqual(after["mailboxes"], [])
        self.assertEqual(after["audits"], [audit("alias_add", CUST_A2, domain,
                                                 after={"local_part": "info", "targets": stored})])
        # "Change" puts the alias into the form, one target a line.
        m = re.search(r'<a href="(/domains/[^"]*\?edit=info)#set-alias">Change</a>', shown.body)
        self.assertIsNotNone(m)
        edit = c.get(unescape(m.group(1)))
        self.assertEqual(edit.status, 200)
        self.assertEqual(edit.field("alias"), "info")
        self.assertEqual(textarea(edit, "targets"), "alice@%s\nBob@example.org\nx@bücher.example" % domain)
        # The same local part again replaces the targets.
        shown = self.post_ok(c, domain, {"action": "set_alias", "alias": "info",
                                         "targets": "carol@example.net"},
                             url(domain) + "?done=alias_replaced&address=info")
        self.assertEqual(notice_ok(shown), ALIAS_REPLACED % ("info@" + domain))
        self.assertEqual(alias_list(shown), [("info@" + domain, "carol@example.net")])
        after = state(domain)
        self.assertEqual(after["aliases"], {"info": ["carol@example.net"]})
        self.assertEqual(after["audits"][1:], [audit("alias_update", CUST_A2, domain,
                                                     before={"local_part": "info", "targets": stored},
                                                     after={"local_part": "info",
                                                            "targets": ["carol@example.net"]})])
        # 50 targets are accepted.
        self.post_ok(c, domain, {"action": "set_alias", "alias": "all", "targets": many_targets(50)},
                     url(domain) + "?done=alias_added&address=all")
        self.assertEqual(len(state(domain)["aliases"]["all"]), 50)

    def test_delete(self):
        domain = self.new_domain(CUST_A1, "delete")
        c = login(CUST_A1)
        self.post_ok(c, domain, {"action": "add_mailbox", "mailbox": "alice"},
                     url(domain) + "?done=mailbox_added&address=alice")
        self.post_ok(c, domain, {"action": "add_mailbox", "mailbox": "bob"},
                     url(domain) + "?done=mailbox_added&address=bob")
        page = self.post_ok(c, domain, {"action": "set_alias", "alias": "sales", "targets": "alice@" + domain},
                            url(domain) + "?done=alias_added&address=sales")
        # The page's own delete buttons.
        action, form = delete_form(page, "alice")
        self.assertEqual(action, url(domain))
        self.assertEqual(form, {"csrf": page.field("csrf"), "action": "delete", "local_part": "alice"})
        r = c.post(action, form)
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), url(domain) + "?done=mailbox_deleted&address=alice")
        shown = c.get(r.header("Location"))
        self.assertEqual(notice_ok(shown), MAILBOX_DELETED % ("alice@" + domain))
        self.assertEqual(mailbox_list(shown), ["bob@" + domain])
        action, form = delete_form(shown, "sales")
        r = c.post(action, form)
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), url(domain) + "?done=alias_deleted&address=sales")
        shown = c.get(r.header("Location"))
        self.assertEqual(notice_ok(shown), ALIAS_DELETED % ("sales@" + domain))
        self.assertEqual(alias_list(shown), [])
        self.assertIn('<p class="empty" id="no-aliases">%s</p>' % NO_ALIASES, shown.body)
        after = state(domain)
        self.assertEqual(after["mailboxes"], ["bob"])
        self.assertEqual(after["aliases"], {})
        self.assertEqual([a["action"] for a in after["audits"]],
                         ["mailbox_add", "mailbox_add", "alias_add", "mailbox_delete", "alias_delete"])
        self.assertEqual(after["audits"][3:], [
            audit("mailbox_delete", CUST_A1, domain, before={"local_part": "alice"}),
            audit("alias_delete", CUST_A1, domain, before={"local_part": "sales", "targets": ["alice@" + domain]}),
        ])
        # The same button again (a second tab): the address is gone, nothing happens.
        r = c.post(action, form)
        self.assertEqual(r.status, 404)
        self.assertIsNone(error_page(r))
        self.assertEqual(notice_error(r), NO_SUCH_ADDRESS % ("sales@" + domain))
        self.assertEqual(mailbox_list(r), ["bob@" + domain])
        self.assertEqual(state(domain), after)

    def test_invalid_local_parts(self):
        domain = self.new_domain(CUST_A1, "badlocal")
        c = login(CUST_A1)
        self.post_ok(c, domain, {"action": "add_mailbox", "mailbox": "kept"},
                     url(domain) + "?done=mailbox_added&address=kept")
        cases = [
            ("", LP_EMPTY),
            ("   ", LP_EMPTY),
            ("a" * 65, LP_LONG),
            (".alice", LP_START),
            ("-alice", LP_START),
            ("élise", LP_START),
            ("a..b", LP_DOTS),
            ("alice.", LP_DOTS),
            ("a b", LP_CHARS),
            ("a+tag", LP_CHARS),
            ("alice@" + domain, LP_CHARS),
            ('<script>"x"', LP_START),
        ]
        for typed, message in cases:
            self.post_refused(c, domain, {"action": "add_mailbox", "mailbox": typed}, 422, "mailbox", message)
            self.post_refused(c, domain, {"action": "set_alias", "alias": typed, "targets": "a@example.org"},
                              422, "alias", message)
        # A missing field is an empty one.
        self.post_refused(c, domain, {"action": "add_mailbox"}, 422, "mailbox", LP_EMPTY)
        r = self.post_refused(c, domain, {"action": "add_mailbox", "mailbox": '<b>"x"</b>'}, 422, "mailbox",
                              LP_START)
        self.assertNotIn("<b>", r.body)
        self.assertIn('value="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"', r.body)

    def test_invalid_targets(self):
        domain = self.new_domain(CUST_A2, "badtargets")
        c = login(CUST_A2)
        self.post_ok(c, domain, {"action": "set_alias", "alias": "kept", "targets": "k@example.org"},
                     url(domain) + "?done=alias_added&address=kept")
        cases = [
            ("", NO_TARGET),
            (" ,\n, ", NO_TARGET),
            ("bob", "bob: " + AD_AT),
            ("a@example.org, b@@example.org", "b@@example.org: " + AD_AT),
            ("a@example.org\nb@localhost", "b@localhost: " + DOM_TWO_LABELS),
            ("a..b@example.org", "a..b@example.org: " + AD_DOTS),
            ('<x>@example.org', "<x>@example.org: " + AD_CHAR),
            ("@example.org", "@example.org: " + LP_EMPTY),
            (many_targets(51), TOO_MANY),
        ]
        for typed, message in cases:
            self.post_refused(c, domain, {"action": "set_alias", "alias": "sales", "targets": typed},
                              422, "targets", message)
        # Replacing an existing alias with bad targets keeps the old ones.
        self.post_refused(c, domain, {"action": "set_alias", "alias": "kept", "targets": "nobody"},
                          422, "targets", "nobody: " + AD_AT)
        # Both fields wrong: both messages.
        self.post_refused(c, domain, {"action": "set_alias", "alias": "-x", "targets": "y"},
                          422, ["alias", "targets"], [LP_START, "y: " + AD_AT])
        self.assertEqual(state(domain)["aliases"], {"kept": ["k@example.org"]})

    def test_duplicate_address(self):
        domain = self.new_domain(CUST_A1, "dup")
        c = login(CUST_A1)
        self.post_ok(c, domain, {"action": "add_mailbox", "mailbox": "taken"},
                     url(domain) + "?done=mailbox_added&address=taken")
        self.post_ok(c, domain, {"action": "set_alias", "alias": "fwd", "targets": "x@example.org"},
                     url(domain) + "?done=alias_added&address=fwd")
        # A mailbox twice, a mailbox where an alias is, an alias where a mailbox is.
        self.post_refused(c, domain, {"action": "add_mailbox", "mailbox": "Taken"}, 409, "mailbox",
                          TAKEN % ("taken@" + domain))
        self.post_refused(c, domain, {"action": "add_mailbox", "mailbox": "fwd"}, 409, "mailbox",
                          TAKEN % ("fwd@" + domain))
        self.post_refused(c, domain, {"action": "set_alias", "alias": "taken", "targets": "y@example.org"},
                          409, "alias", TAKEN % ("taken@" + domain))
        # The same local part in another domain is another address.
        other = self.new_domain(CUST_A1, "dup-other")
        self.post_ok(c, other, {"action": "add_mailbox", "mailbox": "taken"},
                     url(other) + "?done=mailbox_added&address=taken")
        self.assertEqual(state(domain)["mailboxes"], ["taken"])
        self.assertEqual(state(domain)["aliases"], {"fwd": ["x@example.org"]})

    def test_other_customers_domain(self):
        domain = self.new_domain(CUST_A1, "theirs")
        owner = login(CUST_A1)
        self.post_ok(owner, domain, {"action": "add_mailbox", "mailbox": "alice"},
                     url(domain) + "?done=mailbox_added&address=alice")
        before = state(domain)
        forms = [{"action": "add_mailbox", "mailbox": "evil"},
                 {"action": "set_alias", "alias": "evil", "targets": "evil@example.org"},
                 {"action": "set_alias", "alias": "alice", "targets": "evil@example.org"},
                 {"action": "delete", "local_part": "alice"}]
        for who in (CUST_A2, CUST_B1, RES_B):
            c = login(who)
            csrf = c.csrf()
            self.assertErrorPage(c.get(url(domain)), 404, NOT_FOUND)
            for form in forms:
                self.assertErrorPage(c.post(url(domain), dict(form, csrf=csrf)), 404, NOT_FOUND)
            self.assertEqual(state(domain), before, who)
        # A domain that does not exist looks the same.
        c = login(CUST_A1)
        self.assertErrorPage(c.get(url("no-such-domain.example")), 404, NOT_FOUND)
        self.assertErrorPage(c.post(url("no-such-domain.example"),
                                    {"csrf": c.csrf(), "action": "add_mailbox", "mailbox": "x"}), 404, NOT_FOUND)
        # The customer's reseller and the administrator may: audited as themselves.
        for who, lp in ((RES_A, "from-reseller"), (ADMIN, "from-admin")):
            c = login(who)
            self.post_ok(c, domain, {"action": "add_mailbox", "mailbox": lp},
                         url(domain) + "?done=mailbox_added&address=" + lp)
            self.assertEqual(state(domain)["audits"][-1], audit("mailbox_add", who, domain, after={"local_part": lp}))
        self.assertEqual(state(domain)["mailboxes"], ["alice", "from-admin", "from-reseller"])

    def test_without_csrf(self):
        domain = self.new_domain(CUST_A1, "csrf")
        c = login(CUST_A1)
        other = login(CUST_A2)
        before = state(domain)
        for csrf in (None, "", "a" * 64, other.csrf()):
            form = {"action": "add_mailbox", "mailbox": "alice"}
            if csrf is not None:
                form["csrf"] = csrf
            self.assertErrorPage(c.post(url(domain), form), 403, FORBIDDEN)
            form = {"action": "set_alias", "alias": "x", "targets": "a@example.org"}
            if csrf is not None:
                form["csrf"] = csrf
            self.assertErrorPage(c.post(url(domain), form), 403, FORBIDDEN)
            self.assertEqual(state(domain), before)
        # Not logged in: the GET goes to the login page, the POST is refused.
        anon = Client(STACK)
        r = anon.get(url(domain))
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/login")
        self.assertErrorPage(anon.post(url(domain), {"action": "add_mailbox", "mailbox": "x"}), 403, FORBIDDEN)
        self.assertEqual(state(domain), before)
        # The right token works.
        self.post_ok(c, domain, {"action": "add_mailbox", "mailbox": "alice"},
                     url(domain) + "?done=mailbox_added&address=alice")

    def test_bad_requests(self):
        domain = self.new_domain(CUST_A1, "badreq")
        c = login(CUST_A1)
        csrf = c.csrf()
        self.post_ok(c, domain, {"action": "add_mailbox", "mailbox": "alice"},
                     url(domain) + "?done=mailbox_added&address=alice")
        before = state(domain)
        for form in ({}, {"action": ""}, {"action": "drop_table", "mailbox": "x"},
                     {"action": "delete"}, {"action": "delete", "local_part": "Not Valid"}):
            self.assertErrorPage(c.post(url(domain), dict(form, csrf=csrf)), 400, BAD_REQUEST)
        self.assertEqual(state(domain), before)
        # The notice after a redirect: only known codes and valid local parts.
        for query in ("?done=nonsense&address=alice", "?done=mailbox_added",
                      "?done=mailbox_added&address=%3Cb%3Ex", "?done=mailbox_added&address=a%20b"):
            page = c.get(url(domain) + query)
            self.assertEqual(page.status, 200, query)
            self.assertIsNone(notice_ok(page), query)
        # Editing an alias that does not exist leaves the form empty.
        page = c.get(url(domain) + "?edit=alice")
        self.assertEqual(page.field("alias"), "")
        self.assertEqual(textarea(page, "targets"), "")
        self.assertEqual(c.request("PUT", url(domain)).status, 405)


class T03MailboxImport(AddressTest):
    """postpanel mailbox import FILE: one address per line, all or none."""

    def run_import(self, text):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write(text)
        os.chmod(f.name, 0o644)
        self.addCleanup(os.unlink, f.name)
        return f.name, STACK.cli("mailbox", "import", f.name, check=False)

    def test_import(self):
        a, b = self.new_domain(CUST_A1, "imp"), self.new_domain(CUST_B1, "imp")
        before_a = state(a)
        path, p = self.run_import("# mailboxes\nanna@%s\n\n  Erik@%s  \ninfo@%s\n" % (a, a, b))
        self.assertEqual((p.returncode, p.stdout, p.stderr), (0, "Imported 3 mailboxes.\n", ""))
        after_a = state(a)
        self.assertEqual(after_a["mailboxes"], ["anna", "erik"])
        self.assertEqual(state(b)["mailboxes"], ["info"])
        self.assertEqual(after_a["audit_total"], before_a["audit_total"] + 3)
        self.assertEqual([(x["action"], x["source"], x["after"]["local_part"]) for x in after_a["audits"]],
                         [("mailbox_add", "cli", "anna"), ("mailbox_add", "cli", "erik")])

    def test_nothing_imported_on_any_error(self):
        a = self.new_domain(CUST_A1, "imp")
        STACK.cli("mailbox", "add", "taken@" + a)
        STACK.cli("alias", "add", "list@" + a, "taken@" + a)
        before = state(a)
        cases = [
            ("ok@%s\nb%%x@%s\nno-at-sign\nx@%s extra\n" % (a, a, a),
             ["%s:2: The part of the address before the @ may contain only lower-case letters, digits, "
              "dots, hyphens and underscores.", "%s:3: expected an address such as name@example.com",
              "%s:4: expected one address per line", "postpanel: 3 lines are wrong; nothing was imported"]),
            ("ok@%s\nsomeone@nowhere-%s\n" % (a, a),
             ["postpanel: a domain in the file does not exist; nothing was imported"]),
            ("ok@%s\ntaken@%s\n" % (a, a),
             ["postpanel: an address in the file exists already (as a mailbox or an alias) or twice;"
              " nothing was imported"]),
            ("ok@%s\nlist@%s\n" % (a, a),
             ["postpanel: an address in the file exists already (as a mailbox or an alias) or twice;"
              " nothing was imported"]),
            ("ok@%s\nok@%s\n" % (a, a),
             ["postpanel: an address in the file exists already (as a mailbox or an alias) or twice;"
              " nothing was imported"]),
        ]
        for text, errors in cases:
            path, p = self.run_import(text)
            self.assertEqual((p.returncode, p.stdout), (1, ""), text)
            self.assertEqual(p.stderr.splitlines(), [e.replace("%s", path) if e.startswith("%s") else e
                                                     for e in errors], text)
            self.assertEqual(state(a), before, text)


class T02ApplyStatus(AddressTest):
    """map_nodes is global: each test sets it, and empties it afterwards."""

    def setUp(self):
        STACK.sql("DELETE FROM map_nodes")
        self.addCleanup(STACK.sql, "DELETE FROM map_nodes")

    def changed_domain(self, owner=CUST_B1):
        """A domain with one change made through the page; (name, its last generation, its time)."""
        domain = self.new_domain(owner, "apply")
        self.post_ok(login(owner), domain, {"action": "add_mailbox", "mailbox": "m"},
                     url(domain) + "?done=mailbox_added&address=m")
        row = STACK.sql("""SELECT l.generation, floor(extract(epoch FROM l.at))::bigint
                             FROM audit_log l JOIN domains d ON d.id = l.domain_id
                            WHERE d.name = :'v1' ORDER BY l.id DESC LIMIT 1""", domain)[0]
        return domain, int(row[0]), shown_time(row[1])

    def node(self, name, applied, heartbeat="now()", error=None, error_generation=None):
        STACK.sql("INSERT INTO map_nodes (name, applied_generation, heartbeat_at, error, error_generation)"
                  " VALUES (:'v1', :'v2', " + heartbeat + ", nullif(:'v3', ''), nullif(:'v4', '')::bigint)",
                  name, applied, error or "", "" if error_generation is None else error_generation)

    def both_pages(self, c, domain):
        """The apply status on the Addresses page; checks the Mail settings page says the same."""
        page = c.get(url(domain))
        self.assertEqual(page.status, 200)
        mail = c.get("/domains/%s/mail" % domain)
        self.assertEqual(mail.status, 200)
        self.assertEqual(apply_lines(mail), apply_lines(page))
        return apply_lines(page)

    def test_no_nodes(self):
        domain, _, _ = self.changed_domain()
        self.assertEqual(self.both_pages(login(CUST_B1), domain), [("none", NO_NODES)])

    def test_applied(self):
        domain, g, _ = self.changed_domain()
        c = login(CUST_B1)
        self.node("mx1", g)
        self.node("mx2", g + 5)
        self.assertEqual(self.both_pages(c, domain), [("applied", APPLIED)])
        # A failure after this domain's change, or an old one, is not this domain's.
        STACK.sql("UPDATE map_nodes SET error = 'disk full', error_generation = applied_generation + 1"
                  " WHERE name = 'mx1'")
        STACK.sql("UPDATE map_nodes SET error = 'disk full', error_generation = applied_generation - 1"
                  " WHERE name = 'mx2'")
        self.assertEqual(self.both_pages(c, domain), [("applied", APPLIED)])

    def test_pending(self):
        domain, g, when = self.changed_domain()
        c = login(CUST_B1)
        self.node("mx1", g - 1)
        self.node("mx2", g)
        self.assertEqual(self.both_pages(c, domain), [("pending", PENDING % ("mx1", when))])
        # The node catches up.
        STACK.sql("UPDATE map_nodes SET applied_generation = :'v1'", g)
        self.assertEqual(self.both_pages(c, domain), [("applied", APPLIED)])
        # A new change through the page is pending again, since its own time.
        self.post_ok(c, domain, {"action": "set_alias", "alias": "a", "targets": "b@example.org"},
                     url(domain) + "?done=alias_added&address=a")
        row = STACK.sql("""SELECT floor(extract(epoch FROM l.at))::bigint FROM audit_log l
                            WHERE l.domain_name = :'v1' ORDER BY l.id DESC LIMIT 1""", domain)[0]
        when2 = shown_time(row[0])
        self.assertEqual(self.both_pages(c, domain), [("pending", PENDING % ("mx1", when2)),
                                                      ("pending", PENDING % ("mx2", when2))])

    def test_node_down(self):
        domain, g, when = self.changed_domain()
        c = login(CUST_B1)
        self.node("mx1", g - 1, heartbeat="now() - interval '5 minutes'")
        self.node("mx2", g - 1, heartbeat="NULL")
        self.node("mx3", g - 1)
        self.assertEqual(self.both_pages(c, domain), [("down", DOWN % "mx1"), ("down", DOWN % "mx2"),
                                                      ("pending", PENDING % ("mx3", when))])
        # A node that is down but has applied the change is no concern of this domain.
        STACK.sql("UPDATE map_nodes SET applied_generation = :'v1' WHERE name <> 'mx2'", g)
        self.assertEqual(self.both_pages(c, domain), [("down", DOWN % "mx2")])

    def test_node_failing(self):
        domain, g, when = self.changed_domain()
        c = login(CUST_B1)
        error = "writing virtual_mailbox: No space left on device <disk>"
        self.node("mx1", g - 1, error=error, error_generation=g)
        self.node("mx2", g)
        # The daemon's error may name other customers' data: only administrators read it.
        self.assertEqual(self.both_pages(c, domain), [("failing", FAILING_HIDDEN % "mx1")])
        self.assertNotIn("No space left", c.get(url(domain)).body)
        admin = login(ADMIN)
        self.assertEqual(self.both_pages(admin, domain), [("failing", FAILING % ("mx1", error))])
        page = admin.get(url(domain))
        self.assertNotIn("<disk>", page.body)
        # An error from before what the node has applied is over: just pending.
        STACK.sql("UPDATE map_nodes SET error_generation = applied_generation WHERE name = 'mx1'")
        self.assertEqual(self.both_pages(c, domain), [("pending", PENDING % ("mx1", when))])

    def test_shown_on_refused_forms(self):
        domain, g, when = self.changed_domain()
        c = login(CUST_B1)
        self.node("mx1", g - 1)
        r = self.post_refused(c, domain, {"action": "add_mailbox", "mailbox": ".x"}, 422, "mailbox", LP_START)
        self.assertEqual(apply_lines(r), [("pending", PENDING % ("mx1", when))])
        mail = c.get("/domains/%s/mail" % domain)
        form = {"csrf": mail.field("csrf"), "version": mail.field("version"), "policy": "forward",
                "forward_address": "nobody", "service": "on", "webmail": "none",
                "domain_limit_mode": "default", "mailbox_limit_mode": "default"}
        r = c.post("/domains/%s/mail" % domain, form)
        self.assertEqual(r.status, 422)
        self.assertEqual(apply_lines(r), [("pending", PENDING % ("mx1", when))])


if __name__ == "__main__":
    unittest.main()
