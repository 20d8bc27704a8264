"""What the Mail Settings page promises is what Postfix does.

A private PostgreSQL + postpanel-web + postpanel-mapd + Postfix (tools/stack
--postfix): every case changes a setting through the web form or the CLI,
waits until mapd has applied the generation, and then shows the behaviour
over SMTP against the real Postfix, fed only by postpanel's maps.
Needs root (the Postfix master runs as root, like the system one).
"""
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import postfix_harness  # noqa: E402
from postfix_harness import SmtpSink  # noqa: E402

STACK = None
PF = None
ADMIN = ("admin", "admin-password-1")
CUSTOMER = ("cust", "customer-password-1")
USER_UNKNOWN = "550 5.1.1 <%s>: Recipient address rejected: User unknown in virtual mailbox table"
RELAY_DENIED = "554 5.7.1 <%s>: Relay access denied"


def setUpModule():
    global STACK, PF
    STACK = harness.Stack(workers=2, postfix=True).start()
    # The instance tools/stack started: this object only reads its files
    # and talks SMTP to it (started = False: never stopped from here).
    PF = postfix_harness.Postfix(map_dir=STACK.map_dir, base_dir=os.path.join(STACK.dir, "postfix"),
                                 port=STACK.smtp_port, submission_port=STACK.smtp_port + 1, ipv6=False)
    STACK.add_user(ADMIN[0], "admin", ADMIN[1])
    STACK.add_user(CUSTOMER[0], "customer", CUSTOMER[1])


def tearDownModule():
    if STACK:
        STACK.stop()


def rcpt(address, submission=False):
    code, text = PF.rcpt_reply(address, submission=submission)
    return "%d %s" % (code, text)


def cli(*args):
    return STACK.cli(*args)


def new_domain(prefix, mailboxes=("alice", "bob"), aliases=None):
    """A fresh domain owned by the customer, with mailboxes (and aliases)."""
    name = "%s-%d.test" % (prefix, random.randrange(10 ** 9))
    STACK.add_domain(name, CUSTOMER[0])
    for m in mailboxes:
        cli("mailbox", "add", "%s@%s" % (m, name))
    for a, targets in (aliases or {}).items():
        cli("alias", "add", "%s@%s" % (a, name), targets)
    STACK.wait_applied()
    return name


def web_set(domain, **changes):
    """Changes mail settings through the real form, as the customer."""
    c = harness.Client(STACK)
    c.login(*CUSTOMER)
    page = c.get("/domains/%s/mail" % domain)
    assert page.status == 200, page.status
    r = c.post("/domains/%s/mail" % domain, harness.mail_form(page, **changes))
    assert r.status == 303, (r.status, r.body[-2000:])
    STACK.wait_applied()


def delivered(domain, user, needle, timeout=15):
    return PF.wait_message(domain, user, needle, timeout=timeout)


def dump_maps(directory):
    out = {}
    for name in ("virtual_mailbox_domains", "virtual_mailbox_maps", "virtual_alias_maps", "transport_maps"):
        p = subprocess.run(["postmap", "-s", "lmdb:%s/%s" % (directory, name)],
                           capture_output=True, text=True, check=True)
        out[name] = sorted(p.stdout.splitlines())
    return out


class T1Policies(unittest.TestCase):
    def test_service_off_refuses_the_domain(self):
        d = new_domain("off")
        self.assertTrue(rcpt("alice@" + d).startswith("250"))
        web_set(d, service=None)
        self.assertEqual(rcpt("alice@" + d), RELAY_DENIED % ("alice@" + d))
        self.assertEqual(rcpt("nobody@" + d), RELAY_DENIED % ("nobody@" + d))
        web_set(d, service="on")
        self.assertTrue(rcpt("alice@" + d).startswith("250"))

    def test_reject(self):
        d = new_domain("reject")
        cli("alias", "add", "sales@" + d, "bob@" + d)
        web_set(d, policy="reject")
        self.assertEqual(rcpt("nobody@" + d), USER_UNKNOWN % ("nobody@" + d))
        marker = "reject-%d" % random.randrange(10 ** 9)
        rcpts = ["alice@" + d, "sales@" + d]
        r = PF.send("someone@client.test.invalid", rcpts, marker)
        self.assertEqual(sorted(r.accepted), sorted(rcpts), r)
        self.assertTrue(r.delivered, r)
        self.assertTrue(delivered(d, "alice", marker))
        self.assertTrue(delivered(d, "bob", marker), "the alias reaches its target mailbox")

    def test_bounce_with_message(self):
        d = new_domain("bounce")
        text = "This mailbox was closed; write to office@example.org instead."
        web_set(d, policy="bounce", bounce_message=text)
        self.assertEqual(rcpt("nobody@" + d),
                         "550 5.1.1 <nobody@%s>: Recipient address rejected: %s" % (d, text))
        self.assertTrue(rcpt("alice@" + d).startswith("250"), "real mailboxes still receive")
        # Already accepted mail (local submission) bounces with the text: the
        # DSN goes back to the sender, a mailbox of the same domain.
        marker = "bounce-%d" % random.randrange(10 ** 9)
        rcpts = ["nobody@" + d]
        r = PF.send("alice@" + d, rcpts, marker, submission=True)
        self.assertEqual(sorted(r.accepted), sorted(rcpts), r)
        self.assertTrue(r.delivered, r)
        # The DSN folds long lines: compare with blanks collapsed.
        dsn, deadline = None, time.monotonic() + 15
        while dsn is None and time.monotonic() < deadline:
            for m in PF.maildir_messages(d, "alice"):
                if text in re.sub(r"\s+", " ", m):
                    dsn = m
            time.sleep(0.1)
        self.assertTrue(dsn, "no DSN with the bounce text in alice's mailbox:\n" + PF.maillog()[-3000:])
        self.assertIn("Status: 5.1.1", dsn)
        self.assertIn("Action: failed", dsn)

    def test_default_bounce_text(self):
        d = new_domain("bouncedef")
        cli("mail", "set", d, "--policy", "bounce")
        STACK.wait_applied()
        self.assertEqual(rcpt("nobody@" + d),
                         "550 5.1.1 <nobody@%s>: Recipient address rejected: "
                         "This address does not exist here. Please check the spelling of the address." % d)

    def test_forward_catch_all(self):
        d = new_domain("forward", mailboxes=("alice", "bob", "catchall"))
        cli("alias", "add", "sales@" + d, "bob@" + d)
        web_set(d, policy="forward", forward_address="catchall@" + d)
        marker = "forward-%d" % random.randrange(10 ** 9)
        rcpts = ["nobody@" + d, "alice@" + d, "sales@" + d]
        r = PF.send("someone@client.test.invalid", rcpts, marker)
        self.assertEqual(sorted(r.accepted), sorted(rcpts), r)
        self.assertTrue(r.delivered, r)
        self.assertTrue(delivered(d, "catchall", marker), "unknown user's mail reaches the catch-all")
        self.assertTrue(delivered(d, "alice", marker), "a real mailbox keeps its mail")
        self.assertTrue(delivered(d, "bob", marker), "an alias keeps its mail")
        time.sleep(1)
        # The catch-all got exactly one copy: alice's and sales' did not go there.
        self.assertEqual(len([m for m in PF.maildir_messages(d, "catchall") if marker in m]), 1)

    def test_redirect_to_external_server(self):
        d = new_domain("redirect")
        with SmtpSink() as sink:
            web_set(d, policy="redirect", redirect_ip="127.0.0.1", redirect_port=str(sink.port))
            marker = "redirect-%d" % random.randrange(10 ** 9)
            rcpts = ["nobody@" + d, "alice@" + d]
            r = PF.send("someone@client.test.invalid", rcpts, marker)
            self.assertEqual(sorted(r.accepted), sorted(rcpts), r)
            self.assertTrue(r.delivered, r)
            self.assertTrue(sink.wait_for(1, timeout=20), "nothing reached the external server:\n" +
                            PF.maillog()[-3000:])
            msg = sink.messages[0]
            self.assertEqual(msg["rcpts"], ["nobody@" + d])
            self.assertIn(marker, msg["data"].decode("utf-8", "replace"))
            self.assertTrue(delivered(d, "alice", marker), "real mailboxes stay local")


class T2Switching(unittest.TestCase):
    def test_no_stale_lines(self):
        """Policies back and forth: the maps always equal a fresh full build."""
        d = new_domain("switch", mailboxes=("alice", "bob", "carol"))
        cli("alias", "add", "sales@" + d, "alice@" + d)
        fresh = os.path.join(STACK.dir, "fresh-maps")
        os.makedirs(fresh, exist_ok=True)
        steps = [
            dict(policy="bounce", bounce_message="Gone away"),
            dict(policy="forward", forward_address="carol@" + d),
            dict(policy="redirect", redirect_ip="192.0.2.7", redirect_port="2525"),
            dict(policy="reject"),
            dict(policy="forward", forward_address="bob@" + d),
            dict(service=None),
            dict(service="on", policy="bounce", bounce_message="Back again"),
            dict(policy="reject"),
        ]
        for step in steps:
            web_set(d, **step)
            if step.get("service", "on") is None:
                cli("mailbox", "del", "carol@" + d)
            cli("maps", "build", "--dir", fresh)
            STACK.wait_applied()
            self.assertEqual(dump_maps(STACK.map_dir), dump_maps(fresh), step)
        # Ends at reject: nothing of this domain but its mailboxes and alias.
        lines = [l for m in dump_maps(STACK.map_dir).values() for l in m if d in l]
        self.assertEqual(sorted(lines), sorted([
            "%s\tOK" % d, "alice@%s\t%s/alice/" % (d, d), "bob@%s\t%s/bob/" % (d, d),
            "sales@%s\talice@%s" % (d, d)]))
        self.assertEqual(rcpt("carol@" + d), USER_UNKNOWN % ("carol@" + d))


class T25Cdb(unittest.TestCase):
    def test_cdb_tables(self):
        """--type cdb: full builds only, same content as the lmdb tables."""
        d = new_domain("cdb")
        cli("mail", "set", d, "--policy", "bounce", "--bounce-message", "Via cdb")
        out = os.path.join(STACK.dir, "cdb-maps")
        os.makedirs(out, exist_ok=True)
        cli("maps", "build", "--dir", out, "--type", "cdb")
        self.assertTrue(os.path.exists(os.path.join(out, "transport_maps.cdb")))
        self.assertFalse(any(f.endswith(".lmdb") for f in os.listdir(out)))
        p = subprocess.run(["postmap", "-q", d, "cdb:%s/transport_maps" % out], capture_output=True, text=True)
        self.assertEqual(p.stdout.strip(), "error:5.1.1 Via cdb")
        STACK.wait_applied()
        for name in ("virtual_mailbox_domains", "virtual_mailbox_maps", "virtual_alias_maps", "transport_maps"):
            lm = subprocess.run(["postmap", "-s", "lmdb:%s/%s" % (STACK.map_dir, name)],
                                capture_output=True, text=True, check=True).stdout
            # cdb cannot be listed: look up every lmdb key in it instead.
            keys = "".join(l.split("\t")[0] + "\n" for l in lm.splitlines())
            cd = subprocess.run(["postmap", "-q", "-", "cdb:%s/%s" % (out, name)], input=keys,
                                capture_output=True, text=True).stdout
            self.assertEqual(sorted(lm.splitlines()), sorted(cd.splitlines()), name)


class T3Robustness(unittest.TestCase):
    def test_smuggled_value_is_refused_and_old_maps_stay(self):
        d = new_domain("smuggle")
        cli("mail", "set", d, "--policy", "bounce", "--bounce-message", "Old text")
        STACK.wait_applied()
        before = dump_maps(STACK.map_dir)
        # A line separator passes the database's [[:cntrl:]] check but not
        # the map grammar: written straight into the database, past the UI.
        STACK.sql("UPDATE mail_settings SET bounce_message = 'New' || chr(8232) || 'text'"
                  " WHERE domain_id = (SELECT id FROM domains WHERE name = :'v1')", d)
        want = STACK.generation()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            row = STACK.sql("SELECT coalesce(error, ''), coalesce(error_generation, 0) FROM map_nodes"
                            " WHERE name = 'local'")[0]
            if int(row[1]) >= want:
                break
            time.sleep(0.05)
        self.assertIn("refusing", row[0])
        self.assertIn(d, row[0])
        self.assertEqual(dump_maps(STACK.map_dir), before, "the old maps stay")
        self.assertEqual(rcpt("nobody@" + d), "550 5.1.1 <nobody@%s>: Recipient address rejected: Old text" % d)
        admin = harness.Client(STACK)
        admin.login(*ADMIN)
        self.assertIn("Failing on local", admin.get("/domains/%s/mail" % d).body)
        # Mended through the normal path: applied, error cleared.
        cli("mail", "set", d, "--bounce-message", "Mended")
        STACK.wait_applied()
        self.assertEqual(STACK.sql("SELECT error IS NULL FROM map_nodes WHERE name = 'local'"), [["t"]])
        self.assertEqual(rcpt("nobody@" + d), "550 5.1.1 <nobody@%s>: Recipient address rejected: Mended" % d)

    def test_smuggled_mailbox_is_refused_by_a_full_build(self):
        """A full build reads each domain's mailboxes as one space-separated
        list: a local part with a space in it, smuggled past the database's
        check, must not come out as two mailboxes."""
        d = new_domain("smugglebox")
        out = os.path.join(STACK.dir, "smuggled-box-maps")
        os.makedirs(out, exist_ok=True)
        cli("maps", "build", "--dir", out)
        before = dump_maps(out)
        self.assertIn(["alice@" + d, "%s/alice/" % d], [l.split() for l in before["virtual_mailbox_maps"]])
        STACK.sql("ALTER TABLE mailboxes DROP CONSTRAINT mailboxes_local_part_check;"
                  " INSERT INTO mailboxes (domain_id, local_part)"
                  " SELECT id, 'root carol' FROM domains WHERE name = :'v1'", d)
        try:
            p = STACK.cli("maps", "build", "--dir", out, check=False)
            self.assertEqual(p.returncode, 1, p.stdout)
            self.assertIn("refusing the mailboxes of a domain: 4 names for 3 mailboxes", p.stderr)
            self.assertEqual(dump_maps(out), before, "the old maps stay")
        finally:
            STACK.sql("DELETE FROM mailboxes WHERE local_part = 'root carol';"
                      " ALTER TABLE mailboxes ADD CONSTRAINT mailboxes_local_part_check"
                      "  CHECK (local_part ~ '^[a-z0-9][a-z0-9._-]{0,63}$'"
                      "         AND local_part !~ '\\.\\.' AND local_part !~ '\\.$')")
            STACK.wait_applied()

    def test_postfix_main_cf_with_its_own_lmdb_map_size(self):
        """Postfix's main.cf may set lmdb_map_size itself: the copy the
        builds give postmap keeps one entry (the larger size), so postmap
        has nothing to warn about (any postmap output fails a build)."""
        pf = os.path.join(STACK.dir, "etc", "postfix-own-size")
        os.makedirs(pf, exist_ok=True)
        with open(os.path.join(pf, "main.cf"), "w") as f:
            f.write("compatibility_level = 3.6\nlmdb_map_size =\n    2147483648\nsmtputf8_enable = yes\n")
        conf = os.path.join(STACK.dir, "etc", "own-size.conf")
        with open(STACK.conf) as src, open(conf, "w") as dst:
            dst.write(src.read() + "\npostfix_config_dir = %s\n" % pf)
        out = os.path.join(STACK.dir, "own-size-maps")
        os.makedirs(out, exist_ok=True)
        p = subprocess.run([os.path.join(harness.BUILDDIR, "postpanel"), "-c", conf, "maps", "build",
                            "--dir", out], capture_output=True, text=True)
        self.assertEqual((p.returncode, p.stderr), (0, ""))
        with open(os.path.join(out, ".pp-postmap", "main.cf")) as f:
            private = f.read()
        self.assertEqual(re.findall(r"^lmdb_map_size\s*=\s*(\d+)", private, re.M), ["2147483648"])
        self.assertIn("smtputf8_enable = yes", private)
        STACK.wait_applied()
        self.assertEqual(dump_maps(out), dump_maps(STACK.map_dir))

    def test_streamed_build_is_redone_from_files(self):
        """virtual_mailbox_maps is compiled from a pipe while it is read.
        With an lmdb_map_size too small for it, postmap gives up on the
        pipe (it restarts a table that outgrows its size from the first
        line, which only a file allows): the build is redone from files,
        says so, and installs the same tables as the daemon's."""
        STACK.sql("INSERT INTO domains (name, owner_id) SELECT 'stream' || g || '.test', id"
                  " FROM accounts, generate_series(1, 300) g WHERE login = :'v1'", CUSTOMER[0])
        # More than the pipe holds (1 MB): postmap gives up while the
        # builder still writes, which must not kill the builder (SIGPIPE).
        STACK.sql("INSERT INTO mailboxes (domain_id, local_part) SELECT d.id, 'user' || g"
                  " FROM domains d, generate_series(1, 100) g WHERE d.name LIKE 'stream%'")
        STACK.wait_applied()
        small = os.path.join(STACK.dir, "etc", "small-map-size.conf")
        with open(STACK.conf) as src, open(small, "w") as dst:
            dst.write(src.read() + "\nlmdb_map_size = 65536\n")
        out = os.path.join(STACK.dir, "stream-maps")
        os.makedirs(out, exist_ok=True)
        p = subprocess.run([os.path.join(harness.BUILDDIR, "postpanel"), "-c", small, "maps", "build",
                            "--dir", out], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("built again from files", p.stderr)
        self.assertIn("postmap virtual_mailbox_maps failed", p.stderr)
        self.assertEqual(dump_maps(out), dump_maps(STACK.map_dir))
        # The size chosen from the tables leaves room: streamed, no note.
        p = cli("maps", "build", "--dir", out)
        self.assertEqual(p.stderr, "")
        self.assertEqual(dump_maps(out), dump_maps(STACK.map_dir))
        self.assertEqual([f for f in os.listdir(out) if f.startswith(".pp-tmp.")], [])

    def test_full_build_priorities(self):
        """A full build waits for the postmap of virtual_mailbox_maps: it
        keeps the caller's priority, while the other maps' postmaps (like
        the reading and rendering) run at build_nice. A build_nice out of
        range is refused before anything is built."""
        log = os.path.join(STACK.dir, "postmap-nice.log")
        wrapper = os.path.join(STACK.dir, "etc", "postmap-nice")
        with open(wrapper, "w") as f:
            f.write('#!/bin/sh\necho "$(nice) $*" >> %s\nexec /usr/sbin/postmap "$@"\n' % log)
        os.chmod(wrapper, 0o755)
        out = os.path.join(STACK.dir, "nice-maps")
        os.makedirs(out, exist_ok=True)
        for value, ok in (("7", True), ("20", False), ("x", False)):
            conf = os.path.join(STACK.dir, "etc", "nice-%s.conf" % value)
            with open(STACK.conf) as src, open(conf, "w") as dst:
                dst.write(src.read() + "\npostmap = %s\nbuild_nice = %s\n" % (wrapper, value))
            p = subprocess.run([os.path.join(harness.BUILDDIR, "postpanel"), "-c", conf, "maps", "build",
                                "--dir", out], capture_output=True, text=True)
            if not ok:
                self.assertNotEqual(p.returncode, 0)
                self.assertIn("build_nice must be a number from 0 to 19", p.stderr)
                continue
            self.assertEqual((p.returncode, p.stderr), (0, ""))
        with open(log) as f:
            seen = dict((m.group(2), m.group(1)) for m in
                        (re.match(r"(\d+) .*\.pp-tmp\.\d+\.(\w+)$", line) for line in f) if m)
        self.assertEqual({k: v for k, v in seen.items() if k != "generation"},
                         {"virtual_mailbox_maps": "0", "virtual_mailbox_domains": "7",
                          "transport_maps": "7", "virtual_alias_maps": "7"})
        STACK.wait_applied()
        self.assertEqual(dump_maps(out), dump_maps(STACK.map_dir))

    def test_killed_mapd_never_leaves_a_missing_key(self):
        """SIGKILL mapd at random points of >= 50 rebuilds while postmap -q
        polls a sentinel key: always the old or the new value."""
        # Enough data that a rebuild takes a while to be interrupted.
        STACK.sql("INSERT INTO domains (name, owner_id) SELECT 'bulk' || g || '.test', id"
                  " FROM accounts, generate_series(1, 1500) g WHERE login = :'v1'", CUSTOMER[0])
        STACK.sql("INSERT INTO mailboxes (domain_id, local_part) SELECT d.id, 'user' || g"
                  " FROM domains d, generate_series(1, 8) g WHERE d.name LIKE 'bulk%'")
        sentinel = new_domain("sentinel")
        cli("mail", "set", sentinel, "--policy", "bounce", "--bounce-message", "A0")
        STACK.wait_applied()
        table = "lmdb:%s/transport_maps" % STACK.map_dir
        seen, bad, stop = set(), [], threading.Event()

        def poll():
            while not stop.is_set():
                p = subprocess.run(["postmap", "-q", sentinel, table], capture_output=True, text=True)
                v = p.stdout.strip()
                if p.returncode != 0 or not v.startswith("error:5.1.1 A"):
                    bad.append((p.returncode, v, p.stderr.strip()))
                seen.add(v)

        poller = threading.Thread(target=poll)
        poller.start()
        kills = 0
        try:
            for i in range(1, 56):
                # Half of the rounds force a full rebuild (a server-wide change).
                if i % 2:
                    STACK.sql("UPDATE accounts SET language = CASE WHEN language = 'fr' THEN 'sv' ELSE 'fr' END"
                              " WHERE login = :'v1'", CUSTOMER[0])
                cli("mail", "set", sentinel, "--bounce-message", "A%d" % i)
                time.sleep(random.uniform(0, 0.25))
                pid = int(open(os.path.join(STACK.dir, "run", "mapd.pid")).read())
                os.kill(pid, signal.SIGKILL)
                kills += 1
                time.sleep(0.05)
                STACK.stack("mapd-start", harness.BUILDDIR)
            STACK.wait_applied(timeout=30)
        finally:
            stop.set()
            poller.join()
        self.assertEqual(kills, 55)
        self.assertEqual(bad, [], "postmap -q saw something else than an old or new value")
        self.assertGreater(len(seen), 5, "the poller saw the sentinel change")
        p = subprocess.run(["postmap", "-q", sentinel, table], capture_output=True, text=True)
        self.assertEqual(p.stdout.strip(), "error:5.1.1 A55")
        leftovers = [f for f in os.listdir(STACK.map_dir) if f.startswith(".pp-tmp.")]
        self.assertEqual(leftovers, [], "a restarted mapd cleans up after a killed one")


if __name__ == "__main__":
    unittest.main()
