"""Proves each recipe of shared/design/POSTFIX.md through a real Postfix 3.7.

One private Postfix (tests/postfix_harness.py) on 127.0.0.1 serves every
policy, one domain per policy.  The maps are written BY HAND here, line for
line in the format src/maps/render.h documents ("key value", one line each),
and compiled with `postmap lmdb:` in the map directory; nothing of postpanel
is run.  Every check compares exact SMTP reply codes and texts or the
delivered messages.

Run as root:
    cd /work/main && top_srcdir=/work/main /usr/bin/python3 tests/postfix_recipes_test.py -v
Measured timings are printed to stderr at the end.
"""
import os
import re
import smtplib
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import postfix_harness as ph  # noqa: E402

PF = None	# the Postfix instance
SINK = None	# SmtpSink on 127.0.0.1
SINK6 = None	# SmtpSink on ::1, if the sandbox has IPv6 loopback
REPORT = []	# (what, value) lines printed at the end

BOUNCE_TEXT = 'No such user here; please see <https://example.test/help?a=1&b=2> (ask "admin")!'
BOUNCE_TEXT_UTF8 = "Adressen finns inte här"
UNKNOWN_TABLE = "Recipient address rejected: User unknown in virtual mailbox table"


def domain_lines():
    """{map name: [lines]} exactly as render.h would emit them, per domain."""
    m = {n: [] for n in ph.MAP_NAMES}

    def add(name, key, value):
        m[name].append("%s %s" % (key, value))

    D, MB, AL, TR = ph.MAP_NAMES[:4]
    # service on, reject policy (the default): mailboxes only
    add(D, "on.test", "OK")
    for u in ("alice", "sender", "sender2", "fwdbox", "swallow"):
        add(MB, "%s@on.test" % u, "on.test/%s/" % u)
    # off.test: service off renders nothing at all
    # reject: mailboxes + an alias, no wildcard anywhere
    add(D, "reject.test", "OK")
    add(MB, "bob@reject.test", "reject.test/bob/")
    add(MB, "carol@reject.test", "reject.test/carol/")
    add(AL, "info@reject.test", "bob@reject.test")
    # bounce with message (ASCII with punctuation, and UTF-8)
    for dom, text in (("bounce.test", BOUNCE_TEXT), ("bounceu.test", BOUNCE_TEXT_UTF8)):
        add(D, dom, "OK")
        add(MB, "@" + dom, dom + "/.unknown/")
        add(TR, dom, "error:5.1.1 " + text)
        add(MB, "dave@" + dom, dom + "/dave/")
        add(TR, "dave@" + dom, "virtual:")
        add(AL, "help@" + dom, "dave@" + dom)
    # forward (catch-all) with identity lines; and the same without them
    for dom, target, identity in (("fwd.test", "fwdbox@on.test", True),
                                  ("fwdnoid.test", "swallow@on.test", False)):
        add(D, dom, "OK")
        add(AL, "@" + dom, target)
        add(MB, "erin@" + dom, dom + "/erin/")
        if identity:
            add(AL, "erin@" + dom, "erin@" + dom)
        add(AL, "sales@" + dom, "erin@" + dom)
    # redirect by IP
    redirects = [("redir.test", "smtp:[127.0.0.1]:%d" % SINK.port)]
    if SINK6:
        redirects += [("redir6.test", "smtp:[::1]:%d" % SINK6.port),
                      ("redir6b.test", "smtp:[ipv6:::1]:%d" % SINK6.port)]
    for dom, nexthop in redirects:
        add(D, dom, "OK")
        add(MB, "@" + dom, dom + "/.unknown/")
        add(TR, dom, nexthop)
        add(MB, "frank@" + dom, dom + "/frank/")
        add(TR, "frank@" + dom, "virtual:")
        add(AL, "post@" + dom, "frank@" + dom)
    # the same recipes with one kind of line left out, to show what it does
    add(D, "bouncenovirt.test", "OK")		# no "user@dom virtual:"
    add(MB, "@bouncenovirt.test", "bouncenovirt.test/.unknown/")
    add(MB, "dave@bouncenovirt.test", "bouncenovirt.test/dave/")
    add(TR, "bouncenovirt.test", "error:5.1.1 gone")
    add(D, "bouncenoat.test", "OK")			# no "@dom"
    add(MB, "dave@bouncenoat.test", "bouncenoat.test/dave/")
    add(TR, "dave@bouncenoat.test", "virtual:")
    add(TR, "bouncenoat.test", "error:5.1.1 gone")
    add(D, "redirnoat.test", "OK")			# no "@dom"
    add(MB, "frank@redirnoat.test", "redirnoat.test/frank/")
    add(TR, "frank@redirnoat.test", "virtual:")
    add(TR, "redirnoat.test", "smtp:[127.0.0.1]:%d" % SINK.port)
    # domains for the table-replacement tests
    add(D, "swap.test", "OK")
    add(MB, "old@swap.test", "swap.test/old/")
    add(D, "bounce2.test", "OK")
    add(MB, "@bounce2.test", "bounce2.test/.unknown/")
    add(TR, "bounce2.test", "error:5.1.1 first text")
    return m


def map_text(lines):
    return "".join(l + "\n" for l in lines)


def setUpModule():
    global PF, SINK, SINK6
    if os.geteuid() != 0:
        raise unittest.SkipTest("needs root (the Postfix master runs as root)")
    if not os.path.exists(ph.POSTFIX):
        raise unittest.SkipTest("postfix is not installed")
    t0 = time.monotonic()
    SINK = ph.SmtpSink("127.0.0.1").start()
    if ph.ipv6_loopback_works():
        SINK6 = ph.SmtpSink("::1").start()
    PF = ph.Postfix()
    # maps in place before the start: nothing to pick up later
    PF.install_maps({n: map_text(l) for n, l in domain_lines().items()})
    PF.start()
    REPORT.append(("postfix start (s)", round(time.monotonic() - t0, 2)))


def tearDownModule():
    for x in (PF, SINK, SINK6):
        if x:
            x.stop()
    if REPORT:
        sys.stderr.write("\n--- measurements\n")
        for k, v in REPORT:
            sys.stderr.write("%s: %s\n" % (k, v))


def unfold(text):
    """Undoes header/notification line folding (newline + blanks)."""
    return re.sub(r"\r?\n[ \t]+", " ", text)


class Base(unittest.TestCase):
    maxDiff = None

    def deliver(self, sender, rcpts, subject, submission=False):
        r = PF.send(sender, rcpts, "body of " + subject, subject=subject, submission=submission)
        self.assertEqual(r.mail, (250, "2.1.0 Ok"))
        for a in ([rcpts] if isinstance(rcpts, str) else rcpts):
            self.assertEqual(r.rcpt[a], (250, "2.1.5 Ok"), a)
        self.assertEqual(r.data[0], 250, r)
        self.assertTrue(r.data[1].startswith("2.0.0 Ok: queued as "), r)
        return r

    def assertDelivered(self, domain, user, subject, original_to):
        m = PF.wait_message(domain, user, "Subject: " + subject)
        self.assertIsNotNone(m, "%s not delivered to %s/%s; maildirs %s\n%s"
                             % (subject, domain, user, PF.maildirs(), PF.maillog()[-3000:]))
        self.assertIn("\nX-Original-To: %s\n" % original_to, m)
        self.assertIn("\nDelivered-To: %s@%s\n" % (user, domain), m)
        return m

    def assertLog(self, pattern, timeout=5):
        m = PF.wait_log(pattern, timeout)
        if not m:
            self.fail("not in the maillog: %s\n--- tail:\n%s" % (pattern, PF.maillog()[-2500:]))
        return m

    def assertNotDelivered(self, domain, user, subject):
        PF.wait_queue_empty(10)
        self.assertIsNone(PF.wait_message(domain, user, "Subject: " + subject, timeout=0),
                          "%s unexpectedly delivered to %s/%s" % (subject, domain, user))


class T1ServiceOn(Base):
    def test_existing_mailbox_receives(self):
        self.assertEqual(PF.rcpt_reply("alice@on.test"), (250, "2.1.5 Ok"))
        self.deliver("someone@client.test.invalid", "alice@on.test", "on-alice")
        self.assertDelivered("on.test", "alice", "on-alice", "alice@on.test")
        self.assertLog(r"to=<alice@on\.test>, relay=virtual, .*status=sent \(delivered to maildir\)")


class T2ServiceOff(Base):
    def test_relay_access_denied(self):
        for a in ("x@off.test", "alice@off.test", "postmaster@off.test"):
            self.assertEqual(PF.rcpt_reply(a), (554, "5.7.1 <%s>: Relay access denied" % a))


class T3Reject(Base):
    def test_unknown_user_rejected_with_exact_text(self):
        for a in ("x@reject.test", "Nobody@reject.test"):
            self.assertEqual(PF.rcpt_reply(a), (550, "5.1.1 <%s>: %s" % (a, UNKNOWN_TABLE)))

    def test_mailbox_and_alias_still_receive(self):
        self.assertEqual(PF.rcpt_reply("bob@reject.test"), (250, "2.1.5 Ok"))
        self.assertEqual(PF.rcpt_reply("info@reject.test"), (250, "2.1.5 Ok"))
        self.deliver("someone@client.test.invalid", "carol@reject.test", "rej-carol")
        self.deliver("someone@client.test.invalid", "info@reject.test", "rej-info")
        self.assertDelivered("reject.test", "carol", "rej-carol", "carol@reject.test")
        self.assertDelivered("reject.test", "bob", "rej-info", "info@reject.test")


class T4Bounce(Base):
    def test_rcpt_reply_carries_text(self):
        self.assertEqual(PF.rcpt_reply("x@bounce.test"),
                         (550, "5.1.1 <x@bounce.test>: Recipient address rejected: " + BOUNCE_TEXT))

    def test_rcpt_reply_utf8_text_passes_through_raw(self):
        code, raw = PF.rcpt_reply("x@bounceu.test", raw=True)
        self.assertEqual(code, 550)
        self.assertEqual(raw, ("5.1.1 <x@bounceu.test>: Recipient address rejected: "
                               + BOUNCE_TEXT_UTF8).encode("utf-8"))

    def test_mailbox_and_alias_still_receive(self):
        for dom in ("bounce.test", "bounceu.test"):
            self.assertEqual(PF.rcpt_reply("dave@" + dom), (250, "2.1.5 Ok"))
            self.deliver("someone@client.test.invalid", ["dave@" + dom], "b-dave-" + dom)
            self.deliver("someone@client.test.invalid", ["help@" + dom], "b-help-" + dom)
            self.assertDelivered(dom, "dave", "b-dave-" + dom, "dave@" + dom)
            self.assertDelivered(dom, "dave", "b-help-" + dom, "help@" + dom)
        PF.wait_queue_empty(10)
        self.assertEqual(PF.maildirs().get(("bounce.test", ".unknown"), 0), 0)

    def dsn(self, sender_user, dom, text, subject):
        sender = "%s@on.test" % sender_user
        # the accepting listener takes the unknown recipient ...
        self.assertEqual(PF.rcpt_reply("x@" + dom, sender=sender, submission=True), (250, "2.1.5 Ok"))
        self.deliver(sender, ["x@" + dom], subject, submission=True)
        # ... error(8) bounces it, and the DSN lands in the sender's maildir
        raw = PF.wait_message("on.test", sender_user, ("Subject: " + subject).encode())
        self.assertIsNotNone(raw, "no DSN for %s\n%s" % (subject, PF.maillog()[-3000:]))
        m = unfold(raw.decode("utf-8"))
        self.assertIn("Return-Path: <>\n", m)
        self.assertIn("From: Mail Delivery System <MAILER-DAEMON@mx.test.invalid>\n", m)
        self.assertIn("Subject: Undelivered Mail Returned to Sender\n", m)
        self.assertIn("\n<x@%s>: %s\n" % (dom, text), m)
        self.assertIn("\nStatus: 5.1.1\n", m)
        self.assertIn("\nAction: failed\n", m)
        self.assertIn("\nDiagnostic-Code: X-Postfix; %s\n" % text, m)
        self.assertLog(re.escape("status=bounced (%s)" % text))
        return raw

    def test_dsn_to_local_sender_contains_text(self):
        self.dsn("sender", "bounce.test", BOUNCE_TEXT, "dsn-ascii")

    def test_dsn_utf8_text_is_raw_utf8(self):
        raw = self.dsn("sender2", "bounceu.test", BOUNCE_TEXT_UTF8, "dsn-utf8")
        # 8-bit UTF-8, not encoded: text/plain; charset=utf-8 notification and
        # the same raw bytes in message/delivery-status
        self.assertEqual(raw.count(BOUNCE_TEXT_UTF8.encode("utf-8")), 2)
        self.assertIn(b"Content-Type: text/plain; charset=utf-8", raw)
        self.assertIn(b"Content-Type: message/delivery-status", raw)

    def test_non_utf8_line_is_dropped_by_postmap(self):
        # Not a recipe, a trap: postmap skips a non-UTF-8 line with only a
        # warning and exit status 0 (smtputf8_enable=yes).  Scratch table.
        src = os.path.join(PF.map_dir, "scratch_latin1")
        with open(src, "wb") as f:
            f.write(b"latin1.test error:5.1.1 h\xe4r\nok.test OK\n")
        status, out = PF.postmap("lmdb:" + src, allow_warnings=True)
        self.assertEqual(status, 0)
        self.assertIn('line 1: non-UTF-8 input "latin1.test error:5.1.1 h?r" -- ignoring this line', out)
        self.assertEqual(PF.postmap("-q", "latin1.test", "lmdb:" + src, check=False)[0], 1)
        self.assertEqual(PF.postmap("-q", "ok.test", "lmdb:" + src), (0, "OK\n"))
        for p in (src, src + ".lmdb"):
            os.unlink(p)


class T4bLeftOutLines(Base):
    """What each kind of line of the bounce and redirect recipes is for."""

    def test_bounce_without_virtual_transport_line_bounces_mailboxes(self):
        # the domain's error: transport also catches the real mailbox
        self.assertEqual(PF.rcpt_reply("dave@bouncenovirt.test"),
                         (550, "5.1.1 <dave@bouncenovirt.test>: Recipient address rejected: gone"))

    def test_bounce_without_wildcard_mailbox_line_still_gives_text(self):
        # smtpd refuses a recipient whose transport is error: with its text
        # before it looks at virtual_mailbox_maps, so "@dom" is not needed
        # for the RCPT reply of the bounce policy (harmless, though)
        self.assertEqual(PF.rcpt_reply("x@bouncenoat.test"),
                         (550, "5.1.1 <x@bouncenoat.test>: Recipient address rejected: gone"))
        self.assertEqual(PF.rcpt_reply("dave@bouncenoat.test"), (250, "2.1.5 Ok"))

    def test_redirect_without_wildcard_mailbox_line_rejects_unknown(self):
        self.assertEqual(PF.rcpt_reply("x@redirnoat.test"),
                         (550, "5.1.1 <x@redirnoat.test>: " + UNKNOWN_TABLE))
        self.assertEqual(PF.rcpt_reply("frank@redirnoat.test"), (250, "2.1.5 Ok"))


class T5Forward(Base):
    def test_unknown_users_land_in_target(self):
        self.assertEqual(PF.rcpt_reply("x@fwd.test"), (250, "2.1.5 Ok"))
        self.deliver("someone@client.test.invalid", ["nobody@fwd.test"], "fwd-unknown")
        self.assertDelivered("on.test", "fwdbox", "fwd-unknown", "nobody@fwd.test")

    def test_mailbox_and_alias_keep_their_mail(self):
        self.deliver("someone@client.test.invalid", ["erin@fwd.test"], "fwd-erin")
        self.deliver("someone@client.test.invalid", ["sales@fwd.test"], "fwd-sales")
        self.assertDelivered("fwd.test", "erin", "fwd-erin", "erin@fwd.test")
        self.assertDelivered("fwd.test", "erin", "fwd-sales", "sales@fwd.test")
        self.assertNotDelivered("on.test", "fwdbox", "fwd-erin")
        self.assertNotDelivered("on.test", "fwdbox", "fwd-sales")

    def test_without_identity_lines_catch_all_swallows_mailbox(self):
        self.deliver("someone@client.test.invalid", ["erin@fwdnoid.test"], "noid-erin")
        self.deliver("someone@client.test.invalid", ["sales@fwdnoid.test"], "noid-sales")
        # erin's own mail goes to the catch-all target, not to her maildir,
        # and so does mail to an alias of hers: virtual alias expansion is
        # recursive, sales -> erin@fwdnoid.test -> @fwdnoid.test -> target
        self.assertDelivered("on.test", "swallow", "noid-erin", "erin@fwdnoid.test")
        self.assertDelivered("on.test", "swallow", "noid-sales", "sales@fwdnoid.test")
        self.assertNotDelivered("fwdnoid.test", "erin", "noid-erin")
        self.assertNotDelivered("fwdnoid.test", "erin", "noid-sales")
        self.assertEqual(PF.rcpt_reply("erin@fwdnoid.test"), (250, "2.1.5 Ok"))


class T6Redirect(Base):
    def redirect(self, dom, sink, subject):
        sender = "someone@client.test.invalid"
        before = len(sink.messages)
        self.assertEqual(PF.rcpt_reply("x@" + dom), (250, "2.1.5 Ok"))
        self.deliver(sender, ["x@" + dom], subject)
        self.deliver(sender, ["frank@" + dom], subject + "-frank")
        self.deliver(sender, ["post@" + dom], subject + "-post")
        msgs = sink.wait_for(before + 1)
        self.assertEqual(len(msgs), before + 1, PF.maillog()[-3000:])
        got = msgs[before]
        self.assertEqual((got["mail_from"], got["rcpts"]), (sender, ["x@" + dom]))
        self.assertIn(("Subject: " + subject).encode(), got["data"])
        self.assertEqual(got["helo"], "mx.test.invalid")
        self.assertDelivered(dom, "frank", subject + "-frank", "frank@" + dom)
        self.assertDelivered(dom, "frank", subject + "-post", "post@" + dom)
        PF.wait_queue_empty(10)
        self.assertEqual(len(sink.messages), before + 1)
        self.assertEqual(PF.maildirs().get((dom, ".unknown"), 0), 0)
        return got

    def test_unknown_to_sink_mailboxes_local(self):
        self.redirect("redir.test", SINK, "redir4")
        self.assertLog(r"to=<x@redir\.test>, relay=127\.0\.0\.1\[127\.0\.0\.1\]:%d, "
                       r".*status=sent \(250 2\.0\.0 Ok: queued as SINK" % SINK.port)

    def test_ipv6_nexthop_syntaxes(self):
        if not SINK6:
            self.skipTest("no IPv6 loopback")
        # both [::1] and [ipv6:::1] reach ::1
        self.redirect("redir6.test", SINK6, "redir6")
        self.redirect("redir6b.test", SINK6, "redir6b")
        for r in ("x@redir6.test", "x@redir6b.test"):
            self.assertLog(r"to=<%s>, relay=::1\[::1\]:%d, .*status=sent" % (re.escape(r), SINK6.port))


class T7TableReplacement(Base):
    """rename(2) of a new table over the old one, and in-place postmap."""

    def held_session(self):
        s = smtplib.SMTP(PF.host, PF.port, local_hostname="held.test.invalid", timeout=10)
        s.ehlo()
        self.assertEqual(s.mail("someone@client.test.invalid")[0], 250)
        self.addCleanup(s.close)
        return s

    def poll(self, addr_fn, want, timeout):
        """Seconds until a NEW session's RCPT reply satisfies want."""
        t0 = time.monotonic()
        n = 0
        while True:
            r = PF.rcpt_reply(addr_fn(n))
            n += 1
            if want(r):
                return time.monotonic() - t0, r
            if time.monotonic() - t0 > timeout:
                self.fail("still %r after %.1fs" % (r, timeout))
            time.sleep(0.02)

    def lines(self):
        return domain_lines()

    def test_a_rename_mailbox_and_alias_maps_without_reload(self):
        held = self.held_session()
        self.assertEqual(held.rcpt("new@swap.test"),
                         (550, ("5.1.1 <new@swap.test>: " + UNKNOWN_TABLE).encode()))
        m = self.lines()
        m["virtual_mailbox_maps"].append("new@swap.test swap.test/new/")
        m["virtual_alias_maps"].append("info@swap.test new@swap.test")
        PF.install_map("virtual_mailbox_maps", map_text(m["virtual_mailbox_maps"]))
        PF.install_map("virtual_alias_maps", map_text(m["virtual_alias_maps"]))
        dt, r = self.poll(lambda n: "new@swap.test", lambda r: r[0] == 250, 5)
        REPORT.append(("rename virtual_mailbox_maps -> new session sees it (s)", round(dt, 3)))
        self.assertLess(dt, 1.0)
        dt, r = self.poll(lambda n: "info@swap.test", lambda r: r[0] == 250, 5)
        self.assertLess(dt, 1.0)
        # (smtpd names the first changed table it finds)
        self.assertLog(r"postfix/smtpd\[\d+\]: table lmdb:\S+/virtual_(mailbox|alias)_maps\(\S+\) "
                       r"has changed -- restarting")
        # a session that was already open keeps the table it had opened
        held.rset()
        held.mail("someone@client.test.invalid")
        self.assertEqual(held.rcpt("new@swap.test")[0], 550)
        # and the mail really is delivered with the new tables
        self.deliver("someone@client.test.invalid", ["info@swap.test"], "swap-info")
        self.assertDelivered("swap.test", "new", "swap-info", "info@swap.test")

    def test_b_inplace_postmap_i_and_d(self):
        held = self.held_session()
        self.assertEqual(held.rcpt("carol@swap.test")[0], 550)
        PF.postmap_update("virtual_mailbox_maps", ["carol@swap.test swap.test/carol/"])
        dt, _ = self.poll(lambda n: "carol@swap.test", lambda r: r[0] == 250, 5)
        REPORT.append(("postmap -i -r virtual_mailbox_maps -> seen (s)", round(dt, 3)))
        self.assertLess(dt, 1.0)
        # lmdb is read live: even the session opened before sees it
        self.assertEqual(held.rcpt("carol@swap.test"), (250, b"2.1.5 Ok"))
        PF.postmap_delete("virtual_mailbox_maps", "carol@swap.test")
        dt, r = self.poll(lambda n: "carol@swap.test", lambda r: r[0] == 550, 5)
        REPORT.append(("postmap -d virtual_mailbox_maps -> seen (s)", round(dt, 3)))
        self.assertLess(dt, 1.0)
        self.assertEqual(r, (550, "5.1.1 <carol@swap.test>: " + UNKNOWN_TABLE))

    def test_c_inplace_domains_and_transport(self):
        # virtual_mailbox_domains and transport_maps are read by
        # trivial-rewrite; in place (lmdb, multi-writer) they are live
        self.assertEqual(PF.rcpt_reply("x@inplace.test"),
                         (554, "5.7.1 <x@inplace.test>: Relay access denied"))
        PF.postmap_update("virtual_mailbox_domains", ["inplace.test OK"])
        dt, r = self.poll(lambda n: "v%d@inplace.test" % n, lambda r: r[0] != 554, 5)
        REPORT.append(("postmap -i -r virtual_mailbox_domains -> seen (s)", round(dt, 3)))
        self.assertLess(dt, 1.0)
        self.assertEqual(r[0], 550)
        # smtpd caches resolved addresses per process: a transport change
        # for an address smtpd already resolved shows once smtpd restarts,
        # which renaming virtual_mailbox_maps triggers
        a = "y@bounce2.test"
        self.assertEqual(PF.rcpt_reply(a), (550, "5.1.1 <%s>: Recipient address rejected: first text" % a))
        PF.postmap_update("transport_maps", ["bounce2.test error:5.1.1 second text"])
        m = self.lines()
        m["virtual_mailbox_maps"].append("new@swap.test swap.test/new/")
        PF.install_map("virtual_mailbox_maps", map_text(m["virtual_mailbox_maps"]))
        dt, r = self.poll(lambda n: a, lambda r: r[1].endswith("second text"), 5)
        REPORT.append(("postmap -i -r transport_maps + rename virtual_mailbox_maps -> seen (s)",
                       round(dt, 3)))
        self.assertLess(dt, 1.0)
        self.assertEqual(r, (550, "5.1.1 <%s>: Recipient address rejected: second text" % a))

    def test_d_rename_domain_map_waits_for_trivial_rewrite(self):
        # trivial-rewrite checks its tables every 10 s (hard-coded in 3.7),
        # so a RENAMED virtual_mailbox_domains / transport_maps shows late
        self.assertEqual(PF.rcpt_reply("x@later.test"),
                         (554, "5.7.1 <x@later.test>: Relay access denied"))
        m = self.lines()
        m["virtual_mailbox_domains"] += ["inplace.test OK", "later.test OK"]
        PF.install_map("virtual_mailbox_domains", map_text(m["virtual_mailbox_domains"]))
        t0 = time.monotonic()
        dt, r = self.poll(lambda n: "v%d@later.test" % n, lambda r: r[0] != 554, 13)
        REPORT.append(("rename virtual_mailbox_domains -> seen (s)", round(dt, 3)))
        self.assertEqual(r[0], 550)
        self.assertRegex(r[1], r"^5\.1\.1 <v\d+@later\.test>: %s$" % UNKNOWN_TABLE)
        self.assertLess(time.monotonic() - t0, 12)
        # (it names the first changed table it finds: trivial-rewrite also
        # opens virtual_alias_maps, the default of virtual_alias_domains)
        self.assertLog(r"postfix/trivial-rewrite\[\d+\]: table lmdb:\S+ has changed -- restarting")


if __name__ == "__main__":
    unittest.main()
