"""Localisation: the catalogs, every page in English, French and Swedish,
the choice of language, the language switch, dates and numbers, and the
default bounce text in the domain owner's language.

The catalogs (po/fr.po, po/sv.po) are checked with msgfmt and read with a
small PO parser below; they must be complete, with no fuzzy entry, and
hold every string that tools/cs-xgettext finds in templates/*.cs and
xgettext finds in src/**/*.c. One private stack (tests/harness.py) then
serves every page -- every GET route of src/web/app.c, found at run time,
plus the states a form can be in (saved, invalid, conflict, error pages,
503 with the database stopped) -- in each language, and a French or
Swedish page fails the test when it shows the English text of a message
whose translation differs. The CLI is checked the same way.

Run: top_srcdir=SRC top_builddir=BUILD python3 tests/integration/test_i18n.py -v
"""
import functools
import html
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import Client, mail_form  # noqa: E402

SRC = harness.SRCDIR
LANGS = ("en", "fr", "sv")
TRANSLATED = ("fr", "sv")
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "sv": "nplurals=2; plural=(n != 1);"}
NNBSP, NBSP = "\u202f", "\u00a0"
GROUP = {"en": ",", "fr": NNBSP, "sv": NBSP}
MONTHS = {"en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
          "fr": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.".split(),
          "sv": "jan. feb. mars apr. maj juni juli aug. sep. okt. nov. dec.".split()}
DEFAULT_BOUNCE = "This address does not exist here. Please check the spelling of the address."
PASSWORD = "i18n-password-0123"
STACK = None


# ------------------------------------------------------------- catalogs

def po_unquote(s):
    s = s.strip()
    assert s[0] == '"' and s[-1] == '"', s
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s[1:-1])


def read_po(path):
    """The entries of a PO file: dicts with msgid, plural, msgstr (list), flags, refs, obsolete."""
    entries, cur, key = [], None, None

    def new():
        return {"msgid": None, "plural": None, "msgstr": {}, "flags": set(), "refs": [], "obsolete": False,
                "ctxt": None}
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n") + [""]
    for line in lines:
        if line.startswith("#~"):
            if cur is None or cur["msgid"] is not None:
                if cur is not None:
                    entries.append(cur)
                cur = new()
            cur["obsolete"] = True
            line = line[2:].strip()
            if not line:
                continue
        elif line.startswith("#"):
            if cur is not None and cur["msgid"] is not None:
                entries.append(cur)
                cur = None
            if cur is None:
                cur = new()
            if line.startswith("#,"):
                cur["flags"] |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#:"):
                cur["refs"] += line[2:].split()
            continue
        if not line.strip():
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if m:
            if m.group(1) in ("msgid", "msgctxt") and cur is not None and cur["msgid"] is not None:
                entries.append(cur)
                cur = None
            if cur is None:
                cur = new()
            k = m.group(1)
            if k == "msgid":
                key = ("msgid",)
                cur["msgid"] = po_unquote(m.group(3))
            elif k == "msgid_plural":
                key = ("plural",)
                cur["plural"] = po_unquote(m.group(3))
            elif k.startswith("msgstr"):
                n = int(m.group(2) or 0)
                key = ("msgstr", n)
                cur["msgstr"][n] = po_unquote(m.group(3))
            else:
                key = ("ctxt",)
                cur["ctxt"] = po_unquote(m.group(3))
            continue
        # A continuation line.
        value = po_unquote(line)
        if key[0] == "msgstr":
            cur["msgstr"][key[1]] += value
        elif key[0] in ("msgid", "plural", "ctxt"):
            cur[key[0]] += value
    if cur is not None and cur["msgid"] is not None:
        entries.append(cur)
    return entries


def key_of(e):
    """How gettext finds an entry: "context\\004msgid", or the msgid alone."""
    return e["msgid"] if e["ctxt"] is None else e["ctxt"] + "\x04" + e["msgid"]


@functools.lru_cache(maxsize=None)
def catalog(lang):
    """key_of(entry) -> entry of po/LANG.po, without the header and obsolete entries."""
    return {key_of(e): e for e in read_po(os.path.join(SRC, "po", lang + ".po"))
            if e["msgid"] and not e["obsolete"]}


def header(lang):
    for e in read_po(os.path.join(SRC, "po", lang + ".po")):
        if e["msgid"] == "":
            return e
    raise AssertionError("po/%s.po has no header" % lang)


def source_messages():
    """Every message of the sources, extracted now: {key_of(entry): plural or None}."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        templates = sorted(f for f in os.listdir(os.path.join(SRC, "templates")) if f.endswith(".cs"))
        tpot = os.path.join(tmp, "templates.pot")
        subprocess.run([os.path.join(SRC, "tools", "cs-xgettext"), "-o", tpot] +
                       ["templates/" + t for t in templates], cwd=SRC, check=True)
        sources = []
        for root, _, files in os.walk(os.path.join(SRC, "src")):
            sources += [os.path.relpath(os.path.join(root, f), SRC) for f in files if f.endswith(".c")]
        cpot = os.path.join(tmp, "c.pot")
        subprocess.run(["xgettext", "--keyword=_", "--keyword=N_", "--from-code=UTF-8",
                        "--add-comments=TRANSLATORS:", "-o", cpot] + sorted(sources),
                       cwd=SRC, check=True, capture_output=True)
        for pot in (tpot, cpot):
            for e in read_po(pot):
                if e["msgid"]:
                    out[key_of(e)] = e["plural"]
    return out


# ----------------------------------------------------- untranslated text

FORMAT = re.compile(r"%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|z|j|t)?[sdiuxXc%]")


class Texts(html.parser.HTMLParser):
    """The text people read or hear in a page: text nodes, and the
    attributes that are shown or spoken (not form values)."""
    SHOWN = ("aria-label", "title", "placeholder", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.segments = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for k, v in attrs:
            if k in self.SHOWN and v:
                self.segments.append(norm(v))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.segments.append(norm(data))


def norm(s):
    """Blanks collapsed; no-break spaces are kept (they are part of the text)."""
    return re.sub(r"[ \t\r\n]+", " ", s).strip()


def text_segments(body):
    p = Texts()
    p.feed(body)
    p.close()
    return p.segments


class Matcher:
    """Finds the English text of translated messages in what people see."""

    def __init__(self, lang):
        self.lang = lang
        self.rules = []
        for e in catalog(lang).values():
            for english, index in ((e["msgid"], 0), (e["plural"], 1)):
                if english is None:
                    continue
                if e["msgstr"].get(index, e["msgstr"].get(0)) == english:
                    continue        # the same word in both languages ("port", "Actions")
                text = norm(english)
                words = re.findall(r"[A-Za-z]{2,}", FORMAT.sub(" ", text))
                if not words:
                    continue        # only placeholders and punctuation ("%s: %s")
                if FORMAT.search(text):
                    core = "(?:.+?)".join(re.escape(p) for p in FORMAT.split(text))
                    if len(words) >= 3:     # a sentence: anywhere, as whole words
                        rx = re.compile(r"(?<!\w)" + core + r"(?!\w)")
                        self.rules.append((english, lambda seg, rx=rx: rx.search(seg) is not None))
                    else:                   # "%d domains", "Owner: %s": the whole text
                        rx = re.compile(core)
                        self.rules.append((english, lambda seg, rx=rx: rx.fullmatch(seg) is not None))
                elif len(words) >= 4:
                    self.rules.append((english, lambda seg, t=text: t in seg))
                else:
                    self.rules.append((english, lambda seg, t=text: seg == t))

    def untranslated(self, segments):
        found = []
        for seg in segments:
            for english, hit in self.rules:
                if hit(seg):
                    found.append((english, seg))
        return found


# ---------------------------------------------------------------- helpers

def routes():
    """The routes of src/web/app.c, read now: [(method, pattern, access)]."""
    with open(os.path.join(SRC, "src", "web", "app.c"), encoding="utf-8") as f:
        text = f.read()
    return re.findall(r'\{\s*"(GET|POST)",\s*"([^"]+)",\s*([A-Z_]+),\s*\w+\s*\}', text)


def html_lang(page):
    m = re.search(r'<html lang="([^"]*)"', page.body)
    return m.group(1) if m else None


def when_text(lang, iso):
    """What src/i18n writes for a UTC timestamp, computed independently."""
    y, mo, d, h, mi = (int(x) for x in re.match(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)", iso).groups())
    month = MONTHS[lang][mo - 1]
    if lang == "en":
        return "%s %d, %d, %02d:%02d UTC" % (month, d, y, h, mi)
    day = "1er" if (lang == "fr" and d == 1) else str(d)
    return "%s %s %d %s %02d:%02d UTC" % (day, month, y, "à" if lang == "fr" else "kl.", h, mi)


def number_text(lang, n):
    s = str(n)
    groups = []
    while len(s) > 3:
        groups.insert(0, s[-3:])
        s = s[:-3]
    return GROUP[lang].join([s] + groups)


def msgstr(lang, msgid, form=0):
    """The text of msgid (plural form form) in lang, from the catalog."""
    if lang == "en":
        return catalog("fr")[msgid]["plural"] if form == 1 else msgid
    return catalog(lang)[msgid]["msgstr"][form]


def client(lang, login=None):
    c = Client(STACK, accept_language=lang)
    if login:
        r = c.login(login, PASSWORD)
        assert r.status == 303 and r.header("Location") == "/domains", (login, r.status, r.body[:300])
    return c


def setUpModule():
    global STACK
    # The CLI records $USER (else "cli") as the actor of its changes; a login
    # that is also a message ("cli") would look untranslated on the history page.
    os.environ["USER"] = "i-operator"
    os.environ.pop("SUDO_USER", None)
    STACK = harness.Stack(workers=3).start()
    STACK.add_user("i-admin", "admin", PASSWORD)
    STACK.add_user("i-res", "reseller", PASSWORD)
    STACK.add_user("i-cust", "customer", PASSWORD, reseller="i-res")
    STACK.add_user("i-marie", "customer", PASSWORD, language="fr")
    STACK.add_user("i-sven", "customer", PASSWORD, language="sv")
    STACK.add_user("i-emma", "customer", PASSWORD, language="en")
    for name, owner in (("shop.example", "i-cust"), ("spare.example", "i-cust"),
                        ("marie.example", "i-marie"), ("sven.example", "i-sven"),
                        ("emma.example", "i-emma")):
        STACK.add_domain(name, owner)
    for addr in ("anna@shop.example", "bo@shop.example"):
        STACK.cli("mailbox", "add", addr)
    STACK.cli("alias", "add", "info@shop.example", "anna@shop.example,bo@shop.example")
    STACK.cli("mail", "set", "spare.example", "--webmail", "roundcube", "--policy", "redirect",
              "--redirect-ip", "192.0.2.7", "--redirect-port", "2525")
    for name in ("marie.example", "sven.example", "emma.example"):
        STACK.cli("mail", "set", name, "--policy", "bounce")
    # More than a thousand domains: counts show the language's digit grouping.
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for i in range(1200):
            f.write("bulk%04d.example i-emma\n" % i)
    try:
        STACK.cli("domain", "import", f.name)
    finally:
        os.unlink(f.name)


def tearDownModule():
    if STACK is not None:
        STACK.stop()


# ------------------------------------------------------------------ tests

class T01Catalogs(unittest.TestCase):
    maxDiff = None

    def test_msgfmt_check(self):
        for lang in TRANSLATED:
            p = subprocess.run(["msgfmt", "--check", "-v", "--statistics", "-o", "/dev/null",
                                os.path.join(SRC, "po", lang + ".po")],
                               capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertRegex(p.stderr, r"^[^\n]*: \d+ translated messages\.\n?$", lang)

    def test_complete_without_fuzzy(self):
        for lang in TRANSLATED:
            h = header(lang)
            self.assertIn("Plural-Forms: %s\n" % PLURAL_FORMS[lang], h["msgstr"][0])
            self.assertIn("Language: %s\n" % lang, h["msgstr"][0])
            self.assertIn("charset=UTF-8", h["msgstr"][0])
            self.assertNotIn("fuzzy", h["flags"], "%s.po: fuzzy header" % lang)
            for e in read_po(os.path.join(SRC, "po", lang + ".po")):
                if not e["msgid"]:
                    continue
                self.assertFalse(e["obsolete"], "%s.po: obsolete entry %r" % (lang, e["msgid"]))
                self.assertNotIn("fuzzy", e["flags"], "%s.po: fuzzy %r" % (lang, e["msgid"]))
                forms = [0, 1] if e["plural"] is not None else [0]
                for n in forms:
                    self.assertTrue(e["msgstr"].get(n), "%s.po: %r has no translation [%d]" %
                                    (lang, e["msgid"], n))

    def test_placeholders_kept(self):
        """Every printf directive of a message is in its translation (reordered as %1$s at most)."""
        def directives(s):
            return sorted(re.sub(r"^%\d+\$", "%", d) for d in FORMAT.findall(s) if d != "%%")
        for lang in TRANSLATED:
            for e in catalog(lang).values():
                for n, text in e["msgstr"].items():
                    english = e["msgid"] if n == 0 or e["plural"] is None else e["plural"]
                    self.assertEqual(directives(text), directives(english),
                                     "%s.po: %r -> %r" % (lang, english, text))

    def test_every_source_string_in_catalog(self):
        wanted = source_messages()
        self.assertGreater(len(wanted), 200)
        for lang in TRANSLATED:
            have = catalog(lang)
            missing = sorted(m for m in wanted if m not in have)
            self.assertEqual(missing, [], "%s.po lacks these messages: run make update-po "
                             "and translate them" % lang)
            for m, plural in wanted.items():
                self.assertEqual(have[m]["plural"], plural, "%s.po: plural of %r" % (lang, m))

    def test_potfiles_lists_every_translated_source(self):
        with open(os.path.join(SRC, "po", "POTFILES.in")) as f:
            listed = {l.strip() for l in f if l.strip() and not l.startswith("#")}
        for root, _, files in os.walk(os.path.join(SRC, "src")):
            for name in files:
                if not name.endswith(".c"):
                    continue
                path = os.path.relpath(os.path.join(root, name), SRC)
                with open(os.path.join(SRC, path), encoding="utf-8") as f:
                    if re.search(r'\b(_|N_|ngettext)\s*\(\s*"', f.read()):
                        self.assertIn(path, listed, "po/POTFILES.in must list %s" % path)

    def test_extractor(self):
        """tools/cs-xgettext on a template with every form it knows."""
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "t.cs")
            with open(path, "w", encoding="utf-8") as f:
                f.write('<p><?cs var:_("Plain") ?> <?cs var:_(\'Single "quoted"\') ?></p>\n'
                        '<?cs # TRANSLATORS: a note for the next one ?>\n'
                        '<?cs var:n_(subcount(x.y), "%d thing", "%d things") ?>\n'
                        '<?cs if:a ?><?cs var:_("Plain") ?><?cs /if ?> text _("not in a tag")\n'
                        '<?cs var:html_(x) ?><?cs var:n_( 3 , "%d cat" , "%d cats" ) ?>\n'
                        '<?cs var:C_("noun", "Plain") ?>\n')
            p = subprocess.run([os.path.join(SRC, "tools", "cs-xgettext"), path],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            pot = os.path.join(tmp, "t.pot")
            with open(pot, "w", encoding="utf-8") as f:
                f.write(p.stdout)
            got = {key_of(e): e for e in read_po(pot) if e["msgid"]}
            self.assertEqual(sorted(got), sorted(["Plain", 'Single "quoted"', "%d thing", "%d cat",
                                                  "noun\x04Plain"]))
            self.assertEqual(got["noun\x04Plain"]["refs"], [path + ":6"])
            self.assertEqual(got["Plain"]["refs"], [path + ":1", path + ":4"])
            self.assertEqual(got["%d thing"]["plural"], "%d things")
            self.assertIn("c-format", got["%d thing"]["flags"])
            self.assertIn("#. TRANSLATORS: a note for the next one", p.stdout)
            self.assertEqual(subprocess.run(["msgfmt", "--check", "-o", "/dev/null", pot],
                                            capture_output=True).returncode, 0)
            # A message that is not a literal cannot be extracted: an error, not a silent loss.
            with open(path, "w", encoding="utf-8") as f:
                f.write('<?cs var:_(page.title) ?>\n')
            p = subprocess.run([os.path.join(SRC, "tools", "cs-xgettext"), path],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 1)
            self.assertIn("t.cs:1", p.stderr)

    def test_matcher(self):
        """The untranslated-text check itself finds English and ignores French."""
        m = Matcher("fr")
        self.assertEqual([e for e, _ in m.untranslated(["Mail settings", "Paramètres de la messagerie"])],
                         ["Mail settings"])
        self.assertTrue(m.untranslated(["Pending on mx1 since 22 nov. 2026 à 18:05 UTC."]))
        self.assertTrue(m.untranslated(["12 domains"]))
        self.assertEqual(m.untranslated(["port", "Actions", "Propriétaire : i-cust", "example.com"]), [])


class T02Pages(unittest.TestCase):
    """Every page, in every state we can bring it into, in each language."""
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.pages = {lang: [] for lang in LANGS}
        cls.covered = set()
        # One change through the page so the meta line and the apply status have a time.
        admin = client("en", "i-admin")
        page = admin.get("/domains/shop.example/mail")
        r = admin.post("/domains/shop.example/mail", mail_form(page, domain_limit_mode="custom",
                                                              domain_limit="2500"))
        assert r.status == 303, r.body[:500]
        STACK.sql("UPDATE server_settings SET default_domain_limit = 1500")
        cls.shop_changed = STACK.sql(
            "SELECT to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
            "  FROM mail_settings m JOIN domains d ON d.id = m.domain_id WHERE d.name = 'shop.example'")[0][0]
        for lang in LANGS:
            cls.render_all(lang)
        cls.render_db_down()

    @classmethod
    def keep(cls, lang, name, r, status=200):
        assert r.status == status, "%s %s: %d, want %d: %s" % (lang, name, r.status, status, r.body[:400])
        cls.pages[lang].append((name, r))
        return r

    @classmethod
    def render_all(cls, lang):
        keep = lambda name, r, status=200: cls.keep(lang, name, r, status)  # noqa: E731
        # Visitors.
        anon = client(lang)
        login_page = keep("login", anon.get("/login"))
        keep("login, empty", anon.post("/login", {"csrf": login_page.field("csrf"), "login": "",
                                                  "password": ""}))
        keep("login, wrong", anon.post("/login", {"csrf": login_page.field("csrf"), "login": "i-admin",
                                                  "password": "wrong-password-1"}))
        keep("login, locked", cls.locked_login(anon, login_page), 429)
        keep("404, visitor", anon.get("/no/such/page"), 404)
        keep("403, visitor", anon.post("/logout", {"csrf": "x"}), 403)

        admin = client(lang, "i-admin")
        # Every GET route of the application, whatever it is.
        for method, pattern, access in routes():
            if method != "GET" or pattern in ("/ping", "/", "/login"):
                continue
            path = pattern.replace("*", "shop.example" if pattern.startswith("/domains/") else "1")
            r = admin.get(path)
            if r.status == 303:
                r = admin.get(r.header("Location"))
            keep("route " + pattern, r, r.status if r.status in (200, 404) else 200)
            cls.covered.add(pattern)
        # The domain list: search, no match, the next page.
        keep("domains, search", admin.get("/domains?q=shop"))
        keep("domains, no match", admin.get("/domains?q=zzzz"))
        r = keep("domains", admin.get("/domains"))
        nxt = re.search(r'rel="next" href="([^"]+)"', r.body)
        keep("domains, page 2", admin.get(html.unescape(nxt.group(1))))
        # Mail settings: saved, every field wrong, a conflict, another's domain, outgoing control.
        keep("mail, saved", admin.get("/domains/shop.example/mail?saved=1"))
        page = admin.get("/domains/spare.example/mail")
        keep("mail, redirect", page)
        keep("mail, invalid", admin.post("/domains/spare.example/mail", mail_form(
            page, service="maybe", policy="bounce", bounce_message="x" * 201, forward_address="nobody",
            redirect_ip="999.1.1.1", redirect_port="70000", webmail="horde", domain_limit_mode="custom",
            domain_limit="0", mailbox_limit_mode="custom", mailbox_limit="lots")), 422)
        keep("mail, all missing", admin.post("/domains/spare.example/mail", mail_form(
            page, policy="redirect", redirect_ip="", domain_limit_mode="sometimes", mailbox_limit_mode="custom",
            mailbox_limit="")), 422)
        stale = admin.get("/domains/spare.example/mail")
        other = client("en", "i-admin")
        r = other.post("/domains/spare.example/mail", mail_form(other.get("/domains/spare.example/mail"),
                                                                   domain_limit_mode="custom",
                                                                   domain_limit=str(12000 + len(lang))))
        assert r.status == 303
        keep("mail, conflict", admin.post("/domains/spare.example/mail",
                                          mail_form(stale, mailbox_limit_mode="default")), 409)
        STACK.sql("UPDATE server_settings SET outgoing_control = true")
        try:
            page = keep("mail, outgoing control", admin.get("/domains/shop.example/mail"))
            keep("mail, outgoing control refuses", admin.post("/domains/shop.example/mail", mail_form(
                page, policy="forward", forward_address="x@elsewhere.example")), 422)
            keep("mail, forward missing", admin.post("/domains/shop.example/mail", mail_form(
                page, policy="forward", forward_address="")), 422)
        finally:
            STACK.sql("UPDATE server_settings SET outgoing_control = false")
        # The state of the mail servers, as an administrator and as a customer sees it.
        cust = client(lang, "i-cust")
        g = STACK.generation()
        STACK.sql("DELETE FROM map_nodes")
        keep("mail, no node", admin.get("/domains/shop.example/mail"))
        STACK.sql("INSERT INTO map_nodes (name, applied_generation, heartbeat_at) VALUES ('mx0', :'v1', now())", g)
        keep("mail, applied", admin.get("/domains/shop.example/mail"))
        STACK.sql("INSERT INTO map_nodes (name, applied_generation, heartbeat_at, error, error_generation) VALUES"
                  " ('mx1', 0, now(), NULL, NULL),"
                  " ('mx2', 0, now() - interval '5 minutes', NULL, NULL),"
                  " ('mx3', 0, now(), 'postmap: fatal: something', :'v1')", g)
        try:
            keep("mail, nodes behind (admin)", admin.get("/domains/shop.example/mail"))
            keep("mail, nodes behind (customer)", cust.get("/domains/shop.example/mail"))
            keep("addresses, nodes behind", cust.get("/domains/shop.example/addresses"))
        finally:
            STACK.sql("DELETE FROM map_nodes")
        # Mailboxes and aliases: every notice, every refusal.
        for done, lp in (("mailbox_added", "anna"), ("alias_added", "info"), ("alias_replaced", "info"),
                         ("mailbox_deleted", "old"), ("alias_deleted", "old")):
            keep("addresses, " + done, cust.get("/domains/shop.example/addresses?done=%s&address=%s" % (done, lp)))
        keep("addresses, edit", cust.get("/domains/shop.example/addresses?edit=info"))
        keep("addresses, empty", cust.get("/domains/spare.example/addresses"))
        csrf = cust.csrf()
        url = "/domains/shop.example/addresses"
        keep("addresses, bad mailbox", cust.post(url, {"csrf": csrf, "action": "add_mailbox", "mailbox": ".x"}), 422)
        keep("addresses, taken", cust.post(url, {"csrf": csrf, "action": "add_mailbox", "mailbox": "info"}), 409)
        keep("addresses, bad targets", cust.post(url, {"csrf": csrf, "action": "set_alias", "alias": "a..b",
                                                       "targets": "x@y.example nobody"}), 422)
        keep("addresses, no targets", cust.post(url, {"csrf": csrf, "action": "set_alias", "alias": "z",
                                                      "targets": ""}), 422)
        keep("addresses, delete gone", cust.post(url, {"csrf": csrf, "action": "delete", "local_part": "gone"}), 404)
        keep("domains, customer", cust.get("/domains"))
        res = client(lang, "i-res")
        keep("domains, reseller", res.get("/domains"))
        # Server settings: saved, invalid, webmail still in use, conflict.
        keep("server, saved", admin.get("/server?saved=1"))
        page = admin.get("/server")
        form = cls.server_form(page)
        keep("server, invalid", admin.post("/server", dict(form, outgoing_control="maybe", domain_limit_mode="x",
                                                            mailbox_limit_mode="custom", mailbox_limit="",
                                                            over_limit_action="bounce", default_language="de")), 422)
        keep("server, webmail in use", admin.post("/server", {k: v for k, v in form.items()
                                                              if k != "webmail_roundcube"}), 422)
        other = client("en", "i-admin")
        r = other.post("/server", cls.server_form(other.get("/server")))
        assert r.status == 303, r.body[:300]
        keep("server, conflict", admin.post("/server", form), 409)
        # Error pages of a logged-in user.
        keep("403", admin.post("/domains/shop.example/mail", {"version": "1"}), 403)
        keep("404", admin.get("/domains/nonexistent.example/mail"), 404)
        keep("404, unknown path", admin.get("/nowhere"), 404)
        keep("405", admin.get("/logout"), 405)
        page = admin.get("/domains/shop.example/mail")
        keep("400", admin.post("/domains/shop.example/mail", mail_form(page, version="x")), 400)
        keep("415", admin.request("POST", "/domains/shop.example/mail", form="a=b",
                                  headers={"Content-Type": "text/plain"}), 415)
        if any(p == "/bulk/preview" for _, p, _ in routes()):
            cls.render_bulk(lang, admin)

    @classmethod
    def render_bulk(cls, lang, admin):
        """The bulk pages in their states: previews, refusals, apply, the change, undo, history."""
        keep = lambda name, r, status=200: cls.keep(lang, name, r, status)  # noqa: E731
        csrf = admin.get("/bulk").field("csrf")

        def form(action, select="ticked", names=("spare.example",), f_name="", **fields):
            f = [("csrf", csrf), ("f_name", f_name), ("f_owner", ""), ("f_service", ""), ("f_policy", ""),
                 ("f_webmail", ""), ("select", select)] + [("d", n) for n in names]
            if action is not None:
                f.append(("action", action))
            return f + list(fields.items())
        keep("bulk, filtered", admin.get("/bulk?f_name=shop&f_service=on"))
        keep("bulk, no match", admin.get("/bulk?f_name=zzzz"))
        keep("bulk, nothing ticked", admin.post("/bulk/preview", form("deactivate", names=())), 422)
        keep("bulk, no action", admin.post("/bulk/preview", form(None)), 422)
        keep("bulk, invalid", admin.post("/bulk/preview", form("policy", policy="redirect", redirect_ip="x",
                                                               redirect_port="0")), 422)
        keep("bulk, no limit", admin.post("/bulk/preview", form("limits", domain_limit_mode="keep",
                                                                mailbox_limit_mode="keep")), 422)
        keep("bulk, nothing to change", admin.post("/bulk/preview", form("activate")))
        keep("bulk, limits", admin.post("/bulk/preview", form("limits", domain_limit_mode="custom",
                                                              domain_limit="2500", mailbox_limit_mode="default")))
        keep("bulk, every match", admin.post("/bulk/preview", form("webmail", select="all", names=(),
                                                                   f_name="shop", webmail="none")))
        for policy, extra in (("bounce", {"bounce_message": ""}), ("bounce", {"bounce_message": "Gone."}),
                              ("forward", {"forward_address": "catchall@{domain}"}), ("reject", {}),
                              ("redirect", {"redirect_ip": "192.0.2.9", "redirect_port": "2525"})):
            keep("bulk, %s %s" % (policy, extra), admin.post("/bulk/preview", form("policy", policy=policy, **extra)))
        STACK.sql("UPDATE server_settings SET outgoing_control = true")
        try:
            keep("bulk, refused", admin.post("/bulk/preview", form(
                "policy", select="all", names=(), f_name="example", policy="forward",
                forward_address="x@shop.example")))
        finally:
            STACK.sql("UPDATE server_settings SET outgoing_control = false")
        preview = keep("bulk, preview", admin.post("/bulk/preview", form("deactivate")))
        block = re.search(r'<form method="post" action="/bulk/apply" id="apply-form"[^>]*>(.*?)</form>',
                          preview.body, re.S).group(1)
        carry = [(k, html.unescape(v)) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                                                               block) if k != "csrf"]
        r = admin.post("/bulk/apply", [("csrf", csrf)] + carry)
        assert r.status == 303, r.body[:500]
        change = keep("change, applied", admin.get(r.header("Location")))
        keep("changes", admin.get("/changes"))
        keep("history", admin.get("/domains/spare.example/history"))
        undo = re.search(r'action="(/changes/\d+/undo)"', change.body).group(1)
        r = admin.post(undo, {"csrf": csrf})
        assert r.status == 303, r.body[:500]
        keep("change, undo", admin.get(r.header("Location")))
        keep("change, undone", admin.get(undo[:-len("/undo")]))
        keep("change, undo again", admin.post(undo, {"csrf": csrf}), 409)

    @classmethod
    def locked_login(cls, anon, login_page):
        """The lockout message: five wrong passwords for one login lock it (once per module)."""
        csrf = login_page.field("csrf")
        form = {"csrf": csrf, "login": "i-locked", "password": "wrong-password-1"}
        for _ in range(10):
            r = anon.post("/login", form)
            if r.status == 429:
                break
        return r

    @staticmethod
    def server_form(page):
        body = page.body
        form = {"csrf": page.field("csrf"), "version": page.field("version"),
                "domain_limit": page.field("domain_limit") or "", "mailbox_limit": page.field("mailbox_limit") or ""}
        for name in re.findall(r'<input type="checkbox" name="([^"]+)" value="on" checked', body):
            form[name] = "on"
        for radio in ("domain_limit_mode", "mailbox_limit_mode"):
            m = re.search(r'name="%s" value="([^"]*)" checked' % radio, body)
            if m:
                form[radio] = m.group(1)
        for sel in ("over_limit_action", "default_language"):
            block = re.search(r'<select id="%s".*?</select>' % sel, body, re.S).group(0)
            form[sel] = re.search(r'<option value="([^"]*)" selected', block).group(1)
        return form

    @classmethod
    def render_db_down(cls):
        clients = {lang: client(lang, "i-cust") for lang in LANGS}
        STACK.stack("pg-stop")
        try:
            for lang in LANGS:
                cls.keep(lang, "503", clients[lang].get("/domains"), 503)
                cls.keep(lang, "503, visitor", client(lang).post("/login", {"csrf": "x", "login": "a",
                                                                             "password": "b"}), 403)
        finally:
            STACK.stack("pg-start")

    def test_every_get_route_rendered(self):
        want = {p for m, p, a in routes() if m == "GET" and p not in ("/ping", "/", "/login")}
        self.assertEqual(want - self.covered, set())

    def test_nothing_untranslated(self):
        for lang in TRANSLATED:
            m = Matcher(lang)
            for name, r in self.pages[lang]:
                found = m.untranslated(text_segments(r.body))
                self.assertEqual(found, [], "%s page %r shows English text" % (lang, name))

    def test_lang_attribute_and_switch(self):
        for lang in LANGS:
            for name, r in self.pages[lang]:
                self.assertEqual(html_lang(r), lang, "%s %s" % (lang, name))
                switch = re.search(r'id="language-switch".*?</(form|div)>', r.body, re.S)
                self.assertIsNotNone(switch, "%s %s: no language switch" % (lang, name))
                for code, label in (("en", "English"), ("fr", "Français"), ("sv", "Svenska")):
                    self.assertIn('lang="%s"' % code, switch.group(0))
                    self.assertIn(">%s<" % label, switch.group(0))
                self.assertRegex(switch.group(0), r'value="%s" lang="%s" aria-pressed="true"|'
                                                  r'hreflang="%s" lang="%s" aria-current="true"' %
                                 (lang, lang, lang, lang), "%s %s" % (lang, name))

    def test_translated_pages_read_translated(self):
        """A sample of what each page must say, from the catalog."""
        def page(lang, name):
            return dict(self.pages[lang])[name]
        for lang in LANGS:
            for name, msgid in (("login", "Log in to postpanel"), ("login, wrong", "Wrong login name or password."),
                                ("503", "The control panel cannot reach its database at the moment. Your settings "
                                        "are safe; nothing was changed. Please try again in a minute."),
                                ("404", "Not found"), ("mail, saved", "Mail settings"),
                                ("mail, saved", "The mail settings were saved."),
                                ("mail, outgoing control", "Activate mail service on this domain")):
                self.assertIn(msgstr(lang, msgid), text_segments(page(lang, name).body), (lang, name))

    def test_counts_dates_and_numbers(self):
        for lang in LANGS:
            pages = dict(self.pages[lang])
            segs = text_segments(pages["domains"].body)
            # 1,205 domains for the administrator; plural form from the catalog, grouped digits.
            n = int(STACK.sql("SELECT count(*) FROM domains")[0][0])
            self.assertGreater(n, 1000)
            want = msgstr(lang, "%d domain", 1).replace("%d", number_text(lang, n))
            self.assertIn(want, segs, lang)
            one = msgstr(lang, "%d domain matches.", 0).replace("%d", "1")
            self.assertIn(one, text_segments(pages["domains, search"].body), lang)
            # Singular and plural of the templates' n_().
            segs = text_segments(pages["addresses, edit"].body)
            self.assertIn(msgstr(lang, "%d mailbox", 1).replace("%d", "2"), segs)
            self.assertIn(msgstr(lang, "%d alias", 0).replace("%d", "1"), segs)
            # The inherited limit, with the language's grouping.
            label = msgstr(lang, "Use the default (%s message per hour)", 1).replace("%s", number_text(lang, 1500))
            self.assertIn(label, text_segments(pages["mail, saved"].body), lang)
            # The last change, with the date written for the language.
            changed = msgstr(lang, "Last changed by %s on %s.").replace("%s", "i-admin", 1).replace(
                "%s", when_text(lang, self.shop_changed), 1)
            self.assertIn(changed, text_segments(pages["mail, saved"].body), lang)
            # Pending since the change's time.
            since = [s for s in text_segments(pages["mail, nodes behind (admin)"].body) if "mx1" in s]
            self.assertEqual(len(since), 1, since)
            self.assertRegex(since[0], r"\d{4}(,| à| kl\.) \d\d:\d\d UTC\.$")

    def test_conflict_shows_numbers_for_the_language(self):
        for lang in LANGS:
            body = dict(self.pages[lang])["mail, conflict"].body
            dl = re.search(r'<dl class="theirs">.*?</dl>', body, re.S).group(0)
            segs = text_segments(dl)
            redirect = msgstr(lang, "%s, port %d").replace("%s", "192.0.2.7").replace("%d", "2525")
            self.assertTrue([x for x in segs if x.endswith(": " + redirect)], segs)
            self.assertIn(number_text(lang, 12000 + len(lang)), segs)


class T03Negotiation(unittest.TestCase):
    """Which language a page is in: account, then the pp_lang cookie, then
    Accept-Language (q-values), then the administrator's default."""

    CASES = [
        # (who, Accept-Language, pp_lang cookie, server default, expected)
        (None, None, None, "en", "en"),
        (None, "fr", None, "en", "fr"),
        (None, "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", None, "en", "fr"),
        (None, "de-DE, sv;q=0.5, fr;q=0.4", None, "en", "sv"),
        (None, "en;q=0.2, sv;q=0.9", None, "en", "sv"),
        (None, "fr;q=0, sv;q=0.1", None, "en", "sv"),
        (None, "de, es", None, "en", "en"),
        (None, "fr", "sv", "en", "sv"),            # the cookie beats the browser
        (None, "fr", "xx", "en", "fr"),            # a cookie that names no language is ignored
        (None, "SV-se", None, "en", "sv"),
        ("i-cust", None, None, "fr", "fr"),        # no preference, no browser choice: the default
        ("i-cust", "sv", None, "fr", "sv"),
        ("i-cust", "de", None, "sv", "sv"),
        ("i-cust", "sv", "en", "fr", "en"),
        ("i-marie", "sv", "en", "en", "fr"),       # the account's language wins
        ("i-sven", "fr;q=1", None, "fr", "sv"),
        ("i-emma", "fr", "sv", "sv", "en"),
    ]

    def test_table(self):
        try:
            for who, accept, cookie, default, want in self.CASES:
                STACK.sql("UPDATE server_settings SET default_language = :'v1'", default)
                c = Client(STACK, accept_language=accept)
                if cookie:
                    c.cookies["pp_lang"] = cookie
                path = "/login"
                if who:
                    r = c.login(who, PASSWORD)
                    self.assertEqual(r.status, 303)
                    path = "/domains"
                r = c.get(path)
                self.assertEqual(r.status, 200)
                self.assertEqual(html_lang(r), want, (who, accept, cookie, default))
        finally:
            STACK.sql("UPDATE server_settings SET default_language = 'en'")


class T04Switch(unittest.TestCase):
    def test_visitor_switch(self):
        c = Client(STACK, accept_language="en")
        r = c.get("/login?lang=sv")
        self.assertEqual(html_lang(r), "sv")
        self.assertEqual(c.cookies.get("pp_lang"), "sv")
        self.assertIn(msgstr("sv", "Log in to postpanel"), r.body)
        r = c.get("/login")
        self.assertEqual(html_lang(r), "sv")
        self.assertIn('href="?lang=fr" hreflang="fr" lang="fr">Français</a>', r.body)
        r = c.get("/login?lang=de")      # not ours: ignored
        self.assertEqual(html_lang(r), "sv")
        self.assertEqual(c.cookies.get("pp_lang"), "sv")
        # The choice carries over the login, for an account without a language.
        r = c.login("i-cust", PASSWORD)
        self.assertEqual(r.status, 303)
        self.assertEqual(html_lang(c.get("/domains")), "sv")

    def test_account_switch(self):
        c = Client(STACK, accept_language="en")
        self.assertEqual(c.login("i-cust", PASSWORD).status, 303)
        page = c.get("/domains/shop.example/mail")
        self.assertEqual(html_lang(page), "en")
        back = re.search(r'name="back" value="([^"]*)"', page.body).group(1)
        self.assertEqual(back, "/domains/shop.example/mail")
        audits = int(STACK.sql("SELECT count(*) FROM audit_log WHERE action = 'account_language'")[0][0])
        try:
            r = c.post("/language", {"csrf": page.field("csrf"), "lang": "fr", "back": back})
            self.assertEqual(r.status, 303)
            self.assertEqual(r.header("Location"), "/domains/shop.example/mail")
            self.assertEqual(c.cookies.get("pp_lang"), "fr")
            self.assertEqual(STACK.sql("SELECT language FROM accounts WHERE login = 'i-cust'"), [["fr"]])
            rows = STACK.sql("SELECT actor_login, source FROM audit_log WHERE action = 'account_language'"
                             " ORDER BY id DESC LIMIT 1")
            self.assertEqual(rows, [["i-cust", "web"]])
            self.assertEqual(int(STACK.sql("SELECT count(*) FROM audit_log WHERE action = 'account_language'")[0][0]),
                             audits + 1)
            # Saved in the account: another browser, asking for Swedish, gets French.
            other = Client(STACK, accept_language="sv")
            self.assertEqual(other.login("i-cust", PASSWORD).status, 303)
            r = other.get("/domains")
            self.assertEqual(html_lang(r), "fr")
            self.assertIn(msgstr("fr", "Domains"), r.body)
            # Query strings come back; foreign places do not.
            csrf = page.field("csrf")
            for asked, location in (("/domains?q=shop&after=a", "/domains?q=shop&after=a"),
                                    ("//evil.example/", "/domains"), ("https://evil.example/", "/domains"),
                                    ("/\\evil.example", "/domains"), ("", "/domains"),
                                    ("/domains\r\nX-Evil: 1", "/domains")):
                r = c.post("/language", {"csrf": csrf, "lang": "sv", "back": asked})
                self.assertEqual((r.status, r.header("Location")), (303, location), asked)
            # No token, a foreign language, a visitor: refused, nothing saved.
            self.assertEqual(c.post("/language", {"lang": "en", "back": "/domains"}).status, 403)
            self.assertEqual(c.post("/language", {"csrf": csrf, "lang": "de"}).status, 400)
            self.assertEqual(Client(STACK).post("/language", {"csrf": csrf, "lang": "en"}).status, 403)
            self.assertEqual(STACK.sql("SELECT language FROM accounts WHERE login = 'i-cust'"), [["sv"]])
            # After logging out, the login page stays in the chosen language (the cookie).
            c.post("/logout", {"csrf": csrf})
            self.assertEqual(html_lang(c.get("/login")), "sv")
        finally:
            STACK.sql("UPDATE accounts SET language = NULL WHERE login = 'i-cust'")


class T05Bounce(unittest.TestCase):
    """The default bounce text is the domain owner's language, on the page and in the maps."""

    def default_shown(self, viewer_lang, domain):
        c = client(viewer_lang, "i-admin")
        return c.get("/domains/%s/mail" % domain).field("bounce_message")

    def test_page_shows_owner_language(self):
        for viewer in LANGS:
            self.assertEqual(self.default_shown(viewer, "marie.example"), msgstr("fr", DEFAULT_BOUNCE))
            self.assertEqual(self.default_shown(viewer, "sven.example"), msgstr("sv", DEFAULT_BOUNCE))
            self.assertEqual(self.default_shown(viewer, "emma.example"), DEFAULT_BOUNCE)
        self.assertNotEqual(msgstr("fr", DEFAULT_BOUNCE), DEFAULT_BOUNCE)

    def test_saving_the_default_keeps_following_the_owner(self):
        c = client("en", "i-admin")
        page = c.get("/domains/marie.example/mail")
        r = c.post("/domains/marie.example/mail", mail_form(page))
        self.assertEqual(r.status, 303)
        self.assertEqual(STACK.sql("SELECT coalesce(bounce_message, 'NULL') FROM mail_settings m JOIN domains d"
                                   " ON d.id = m.domain_id WHERE d.name = 'marie.example'"), [["NULL"]])

    def test_maps_get_owner_language(self):
        postmap = shutil.which("postmap") or "/usr/sbin/postmap"
        if not os.access(postmap, os.X_OK):
            self.skipTest("postmap missing: apt-get install postfix postfix-lmdb")
        out = tempfile.mkdtemp(prefix="postpanel-maps-")
        try:
            def lookup(key):
                STACK.cli("maps", "build", "--dir", out)
                p = subprocess.run([postmap, "-c", os.path.join(STACK.dir, "postfix", "etc"), "-q", key,
                                    "lmdb:" + os.path.join(out, "transport_maps")],
                                   capture_output=True, text=True)
                self.assertEqual(p.returncode, 0, p.stderr)
                return p.stdout.rstrip("\n")
            self.assertEqual(lookup("marie.example"), "error:5.1.1 " + msgstr("fr", DEFAULT_BOUNCE))
            self.assertEqual(lookup("sven.example"), "error:5.1.1 " + msgstr("sv", DEFAULT_BOUNCE))
            self.assertEqual(lookup("emma.example"), "error:5.1.1 " + DEFAULT_BOUNCE)
            # The owner switches to Swedish through the page: the map follows.
            c = client("fr", "i-marie")
            page = c.get("/domains/marie.example/mail")
            self.assertEqual(c.post("/language", {"csrf": page.field("csrf"), "lang": "sv",
                                                  "back": "/domains"}).status, 303)
            self.assertEqual(lookup("marie.example"), "error:5.1.1 " + msgstr("sv", DEFAULT_BOUNCE))
        finally:
            STACK.sql("UPDATE accounts SET language = 'fr' WHERE login = 'i-marie'")
            shutil.rmtree(out, ignore_errors=True)


class T06CommandLine(unittest.TestCase):
    """Messages of the postpanel command line follow the user's locale."""

    def run_cli(self, env, *args, stdin=None):
        e = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
        e.update(env)
        return subprocess.run([os.path.join(harness.BUILDDIR, "postpanel"), "-c", STACK.conf] + list(args),
                              input=stdin, capture_output=True, text=True, env=e)

    def test_cli_messages(self):
        for env, lang in (({"LANG": "fr_FR.UTF-8"}, "fr"), ({"LC_ALL": "sv_SE.UTF-8"}, "sv"),
                          ({"LANGUAGE": "sv:fr", "LANG": "C.UTF-8"}, "sv"), ({"LANG": "C"}, "en"),
                          ({}, "en"), ({"LANG": "de_DE.UTF-8"}, "en")):
            m = Matcher(lang) if lang != "en" else None
            outs = [
                self.run_cli(env),                                            # usage
                self.run_cli(env, "domain", "add", "shop.example", "--owner", "i-cust"),  # exists
                self.run_cli(env, "mail", "show", "nowhere.example"),
                self.run_cli(env, "mail", "set", "shop.example", "--domain-limit", "0", "--redirect-port", "x"),
                self.run_cli(env, "mailbox", "add", "bad"),
                self.run_cli(env, "user", "add", "x", "--role", "admin", stdin="short\n"),
            ]
            text = "\n".join(p.stdout + p.stderr for p in outs)
            self.assertIn(msgstr(lang, "postpanel: the domain %s exists already\n").replace("%s", "shop.example"),
                          text, env)
            self.assertIn(msgstr(lang, "The limit must be a whole number from 1 to 1,000,000 messages per hour."),
                          text, env)
            if m:
                for line in text.splitlines():
                    self.assertEqual(m.untranslated([norm(line)]), [], (env, line))


if __name__ == "__main__":
    unittest.main()
