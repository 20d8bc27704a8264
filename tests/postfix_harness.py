"""Test harness: a private Postfix instance, an SMTP client and an SMTP sink.

Python 3 standard library only (runs on Debian's /usr/bin/python3).  Must
run as root: the Postfix master is started as root and drops privileges to
mail_owner (postfix) like the system one.  The system Postfix is never
touched: /etc/postfix/main.cf and master.cf are not read for settings (only
meta_directory=/etc/postfix is shared, read-only, for dynamicmaps.cf, which
is what makes lmdb: and cdb: available) and the system service is not
started, stopped or reloaded.

Postfix()
    A private instance under one temporary directory:

        DIR/etc      config_directory (main.cf, master.cf written here)
        DIR/queue    queue_directory (pid/master.pid lives here)
        DIR/data     data_directory
        DIR/vmail    virtual_mailbox_base (owned by nobody:nogroup, the
                     static virtual_uid_maps/virtual_gid_maps)
        DIR/maps     map directory, unless map_dir= is given
        DIR/maillog  maillog_file (postlogd; no syslog needed)

    smtpd listens on 127.0.0.1:port (the "MX": unknown domains get
    "554 5.7.1 <x@dom>: Relay access denied", unknown users of a domain
    without wildcard get "550 5.1.1 ... User unknown in virtual mailbox
    table") and on 127.0.0.1:submission_port (behaves like an authenticated
    submission service: every recipient is accepted at RCPT time, so mail to
    unknown users is bounced later by error(8) with a DSN to the sender).

    `postfix -c DIR start|stop|check` and `postqueue -c DIR` work as root
    without listing DIR in alternate_config_directories of the system
    main.cf: postfix(1) is not set-gid, and the set-gid postqueue does not
    apply the check to the super-user.  Every command also gets
    MAIL_CONFIG=DIR in its environment.

    Postfix(map_dir=None, map_type="lmdb", ipv6=None, main_extra={...},
            smtpd_extra={...}, submission_extra={...})
    main_extra overrides/adds main.cf parameters; smtpd_extra and
    submission_extra add "-o name=value" to the two smtpd listeners.

    Methods: start(), stop() (registered with atexit), reload() (not needed
    by the recipes: see postfix_recipes_test.py), flush() (postqueue -f),
    postqueue(*args), queue_files(), wait_queue_empty(timeout),
    maildir_messages(domain, user) / maildir_raw(...) (delivered messages,
    oldest first), wait_maildir(domain, user, count, timeout),
    wait_message(domain, user, needle, timeout), maildirs(), maillog(),
    wait_log(regex, timeout), postconf(*args), postmap(*args),
    install_map(name, text) / install_maps({name: text}) (write
    MAPDIR/.name.XXXX, postmap it, rename(2) the table over
    MAPDIR/name.lmdb: the atomic replacement postpanel does),
    postmap_source(name, text) (source + `postmap lmdb:MAPDIR/name` in
    place), postmap_update(name, lines) (postmap -i -r), postmap_delete(name,
    key) (postmap -d), rcpt_reply(rcpt, sender=, submission=, raw=),
    send(sender, rcpts, body, submission=, raw=, subject=).
    Attributes: dir, config_dir, queue_dir, data_dir, vmail, map_dir,
    maillog_file, host, port, submission_port, ipv6.

    Table changes (measured, Postfix 3.7.11): a renamed
    virtual_mailbox_maps / virtual_alias_maps is used by the next SMTP
    session (smtpd restarts itself before accept()); a renamed
    virtual_mailbox_domains / transport_maps only when trivial-rewrite runs
    its table check, every 10 s (hard-coded).  In-place lmdb updates are
    read live by every process; smtpd still caches resolved addresses per
    process until it restarts.

rcpt_reply(host, port, sender, rcpt) -> (code, text)
send(host, port, sender, rcpts, body) -> SendResult
    Tiny smtplib client; text is the reply text exactly as received (lines
    of a multi-line reply joined with "\\n", decoded as UTF-8; raw=True
    returns bytes).

SmtpSink()
    Minimal SMTP server on 127.0.0.1 (or ::1) and a free port that accepts
    everything and records helo, envelope sender, recipients and data
    (dot-unstuffed bytes) in .messages.  No STARTTLS offered, and the private
    Postfix has smtp_tls_security_level=none.

Set KEEP_TEST_DIR=1 to keep the temporary directory for inspection.
"""
import atexit
import email.utils
import os
import grp
import pwd
import re
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time

POSTFIX = "/usr/sbin/postfix"
POSTMAP = "/usr/sbin/postmap"
POSTQUEUE = "/usr/sbin/postqueue"
POSTCONF = "/usr/sbin/postconf"

# "generation" is the tiny table postpanel-mapd replaces after every change
# so that smtpd restarts and drops cached routing (see src/maps/mapdir.h).
MAP_NAMES = ("virtual_mailbox_domains", "virtual_mailbox_maps", "virtual_alias_maps", "transport_maps",
             "generation")


def free_port(host="127.0.0.1"):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def ipv6_loopback_works():
    """True if a socket can be bound to ::1 and connected to."""
    try:
        with socket.socket(socket.AF_INET6) as srv:
            srv.bind(("::1", 0))
            srv.listen(1)
            with socket.create_connection(("::1", srv.getsockname()[1]), timeout=2):
                pass
        return True
    except OSError:
        return False


def _wait_port(host, port, timeout):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)


# ---------------------------------------------------------------- client

def _text(msg, raw):
    return msg if raw else msg.decode("utf-8", "replace")


def _connect(host, port, helo, timeout):
    s = smtplib.SMTP(host, port, local_hostname=helo, timeout=timeout)
    code, _ = s.ehlo()
    if code != 250:
        s.close()
        raise smtplib.SMTPHeloError(code, "EHLO refused")
    return s


def rcpt_reply(host, port, sender, rcpt, helo="client.test.invalid", timeout=10, raw=False):
    """The (code, text) the server gives to RCPT TO:<rcpt> after MAIL FROM:<sender>."""
    s = _connect(host, port, helo, timeout)
    try:
        code, msg = s.mail(sender)
        if code != 250:
            raise AssertionError("MAIL FROM:<%s> refused: %d %r" % (sender, code, msg))
        code, msg = s.rcpt(rcpt)
        return code, _text(msg, raw)
    finally:
        try:
            s.quit()
        except (smtplib.SMTPException, OSError):
            s.close()


class SendResult:
    """mail, data: (code, text) or None; rcpt: {address: (code, text)}."""

    def __init__(self):
        self.mail = None
        self.rcpt = {}
        self.data = None

    @property
    def accepted(self):
        return [r for r, (c, _) in self.rcpt.items() if c in (250, 251)]

    @property
    def delivered(self):
        """True if at least one recipient was accepted and DATA got 250."""
        return self.data is not None and self.data[0] == 250

    def __repr__(self):
        return "SendResult(mail=%r, rcpt=%r, data=%r)" % (self.mail, self.rcpt, self.data)


def make_message(sender, rcpts, subject, text):
    """A small RFC 5322 message (bytes, CRLF) with a unique Message-ID."""
    hdr = [
        "From: <%s>" % sender,
        "To: %s" % ", ".join("<%s>" % r for r in rcpts),
        "Subject: %s" % subject,
        "Date: %s" % email.utils.formatdate(localtime=False),
        "Message-ID: %s" % email.utils.make_msgid(domain="client.test.invalid"),
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    return ("\r\n".join(hdr) + "\r\n\r\n" + text.replace("\n", "\r\n") + "\r\n").encode("utf-8")


def send(host, port, sender, rcpts, body, helo="client.test.invalid", timeout=10, raw=False,
         subject="test"):
    """Sends one message; body is a full message (bytes, or str with headers)
    or, if it has no header block, a text wrapped by make_message()."""
    if isinstance(rcpts, str):
        rcpts = [rcpts]
    if isinstance(body, str):
        if "\n\n" in body.replace("\r\n", "\n") and ":" in body.split("\n", 1)[0]:
            body = body.encode("utf-8")
        else:
            body = make_message(sender, rcpts, subject, body)
    res = SendResult()
    s = _connect(host, port, helo, timeout)
    try:
        code, msg = s.mail(sender, ["BODY=8BITMIME"] if s.has_extn("8bitmime") else [])
        res.mail = (code, _text(msg, raw))
        if code != 250:
            return res
        for r in rcpts:
            code, msg = s.rcpt(r)
            res.rcpt[r] = (code, _text(msg, raw))
        if not res.accepted:
            return res
        try:
            code, msg = s.data(body)
        except smtplib.SMTPDataError as e:
            code, msg = e.smtp_code, e.smtp_error
        res.data = (code, _text(msg, raw))
        return res
    finally:
        try:
            s.quit()
        except (smtplib.SMTPException, OSError):
            s.close()


# ---------------------------------------------------------------- sink

class SmtpSink:
    """Accept-everything SMTP server; .messages is a list of dicts with keys
    helo, mail_from, rcpts (list), data (bytes), peer."""

    def __init__(self, host="127.0.0.1", port=0, hostname="sink.test.invalid"):
        self.host = host
        self.hostname = hostname
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.messages = []
        self.commands = []		# every command line received, for debugging
        self.lock = threading.Condition()
        self.running = False
        self.thread = None

    def start(self):
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True, name="smtp-sink")
        self.thread.start()
        atexit.register(self.stop)
        return self

    def stop(self):
        if not self.running:
            return
        self.running = False
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        if self.thread:
            self.thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def wait_for(self, count, timeout=10):
        """Waits until at least count messages arrived; returns the list."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.lock.wait(left)
            return list(self.messages)

    def _serve(self):
        while self.running:
            try:
                conn, peer = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn, peer), daemon=True).start()

    @staticmethod
    def _path(arg):
        """The address inside <...> of a MAIL FROM:/RCPT TO: argument."""
        a = arg.split(":", 1)[1].strip()
        if a.startswith("<"):
            return a[1:a.index(">")] if ">" in a else a[1:]
        return a.split()[0] if a else ""

    def _session(self, conn, peer):
        f = conn.makefile("rwb", buffering=0)

        def reply(line):
            f.write(line.encode("utf-8") + b"\r\n")

        helo, mail_from, rcpts = None, None, []
        try:
            conn.settimeout(30)
            reply("220 %s ESMTP test sink" % self.hostname)
            while True:
                line = f.readline()
                if not line:
                    return
                cmd = line.rstrip(b"\r\n").decode("utf-8", "replace")
                with self.lock:
                    self.commands.append(cmd)
                verb = cmd.split(" ", 1)[0].upper()
                if verb == "EHLO":
                    helo = cmd[5:].strip()
                    f.write(("250-%s\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
                             "250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n"
                             % self.hostname).encode())
                elif verb == "HELO":
                    helo = cmd[5:].strip()
                    reply("250 %s" % self.hostname)
                elif verb == "MAIL" and cmd[5:].upper().startswith("FROM:"):
                    mail_from, rcpts = self._path(cmd), []
                    reply("250 2.1.0 Ok")
                elif verb == "RCPT" and cmd[5:].upper().startswith("TO:"):
                    if mail_from is None:
                        reply("503 5.5.1 Error: need MAIL command")
                    else:
                        rcpts.append(self._path(cmd))
                        reply("250 2.1.5 Ok")
                elif verb == "DATA":
                    if not rcpts:
                        reply("503 5.5.1 Error: need RCPT command")
                        continue
                    reply("354 End data with <CR><LF>.<CR><LF>")
                    data = []
                    while True:
                        dl = f.readline()
                        if not dl:
                            return
                        if dl in (b".\r\n", b".\n"):
                            break
                        if dl.startswith(b"."):
                            dl = dl[1:]
                        data.append(dl)
                    with self.lock:
                        self.messages.append({"helo": helo, "mail_from": mail_from, "rcpts": rcpts,
                                              "data": b"".join(data), "peer": peer})
                        self.lock.notify_all()
                    mail_from, rcpts = None, []
                    reply("250 2.0.0 Ok: queued as SINK%d" % len(self.messages))
                elif verb == "RSET":
                    mail_from, rcpts = None, []
                    reply("250 2.0.0 Ok")
                elif verb == "NOOP":
                    reply("250 2.0.0 Ok")
                elif verb == "QUIT":
                    reply("221 2.0.0 Bye")
                    return
                else:
                    reply("502 5.5.2 Error: command not recognized")
        except OSError:
            pass
        finally:
            try:
                f.close()
                conn.close()
            except OSError:
                pass


# ---------------------------------------------------------------- Postfix

class PostfixError(Exception):
    pass


class Postfix:
    """One private Postfix instance; start() then stop() (also run at exit)."""

    def __init__(self, map_dir=None, map_type="lmdb", ipv6=None, main_extra=None,
                 smtpd_extra=None, submission_extra=None, vmail_user="nobody",
                 vmail_group="nogroup", base_dir=None, port=None, submission_port=None):
        # base_dir: a directory of the caller's (tools/stack), kept on stop.
        self.keep_dir = base_dir is not None
        self.dir = os.path.abspath(base_dir) if base_dir else tempfile.mkdtemp(prefix="postpanel-postfix-")
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o755)	# daemons run as postfix / nobody
        self.config_dir = os.path.join(self.dir, "etc")
        self.queue_dir = os.path.join(self.dir, "queue")
        self.data_dir = os.path.join(self.dir, "data")
        self.vmail = os.path.join(self.dir, "vmail")
        self.map_dir = os.path.abspath(map_dir) if map_dir else os.path.join(self.dir, "maps")
        self.maillog_file = os.path.join(self.dir, "maillog")
        self.map_type = map_type
        self.ipv6 = ipv6_loopback_works() if ipv6 is None else ipv6
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.submission_port = submission_port or free_port()
        while self.submission_port == self.port:
            self.submission_port = free_port()
        self.uid = pwd.getpwnam(vmail_user).pw_uid
        self.gid = grp.getgrnam(vmail_group).gr_gid
        self.main_extra = dict(main_extra or {})
        self.smtpd_extra = dict(smtpd_extra or {})
        self.submission_extra = dict(submission_extra or {})
        self.env = dict(os.environ, MAIL_CONFIG=self.config_dir)
        self.started = False

    # -- configuration

    def map_ref(self, name):
        return "%s:%s" % (self.map_type, os.path.join(self.map_dir, name))

    def main_settings(self):
        """The main.cf parameters, in order (a list of (name, value))."""
        s = [
            ("compatibility_level", "3.6"),
            ("queue_directory", self.queue_dir),
            ("data_directory", self.data_dir),
            ("command_directory", "/usr/sbin"),
            ("daemon_directory", "/usr/lib/postfix/sbin"),
            ("shlib_directory", "/usr/lib/postfix"),
            ("meta_directory", "/etc/postfix"),	# read-only: dynamicmaps.cf (lmdb, cdb)
            ("mail_owner", "postfix"),
            ("setgid_group", "postdrop"),
            ("maillog_file", self.maillog_file),
            ("maillog_file_prefixes", self.dir),
            ("myhostname", "mx.test.invalid"),
            ("mydomain", "test.invalid"),
            ("myorigin", "$myhostname"),
            ("mydestination", ""),
            ("relay_domains", ""),
            ("relayhost", ""),
            ("inet_interfaces", "127.0.0.1"),
            ("inet_protocols", "all" if self.ipv6 else "ipv4"),
            ("mynetworks", "127.0.0.0/8 [::1]/128" if self.ipv6 else "127.0.0.0/8"),
            ("smtp_dns_support_level", "disabled"),
            ("lmtp_dns_support_level", "disabled"),
            ("smtp_host_lookup", "native"),
            ("smtpd_peername_lookup", "no"),
            ("smtp_tls_security_level", "none"),
            ("smtpd_tls_security_level", "none"),
            ("smtpd_banner", "$myhostname ESMTP"),
            ("biff", "no"),
            ("append_dot_mydomain", "no"),
            ("alias_maps", ""),
            ("alias_database", ""),
            ("local_recipient_maps", ""),
            ("smtputf8_enable", "yes"),
            ("virtual_mailbox_domains", self.map_ref("virtual_mailbox_domains")),
            ("virtual_mailbox_maps", self.map_ref("virtual_mailbox_maps")),
            ("virtual_alias_maps", "%s, %s" % (self.map_ref("virtual_alias_maps"), self.map_ref("generation"))),
            ("transport_maps", self.map_ref("transport_maps")),
            ("virtual_mailbox_base", self.vmail),
            ("virtual_uid_maps", "static:%d" % self.uid),
            ("virtual_gid_maps", "static:%d" % self.gid),
            ("virtual_minimum_uid", "100"),
            # Port 25 of the "MX": no permit_mynetworks, because the test
            # client itself connects from 127.0.0.1.
            ("smtpd_relay_restrictions", "reject_unauth_destination"),
            ("smtpd_recipient_restrictions", ""),
            ("smtpd_error_sleep_time", "0"),
            ("smtpd_soft_error_limit", "100"),
            ("smtpd_hard_error_limit", "200"),
            ("smtpd_client_connection_rate_limit", "0"),
            ("anvil_rate_time_unit", "60s"),
            # Fast queue for tests.
            ("queue_run_delay", "1s"),
            ("minimal_backoff_time", "1s"),
            ("maximal_backoff_time", "2s"),
            ("in_flow_delay", "0"),
            ("delay_warning_time", "0"),
            ("smtp_connect_timeout", "5s"),
        ]
        names = [n for n, _ in s]
        for k, v in self.main_extra.items():
            if k in names:
                s[names.index(k)] = (k, v)
            else:
                s.append((k, v))
        return s

    def master_lines(self):
        sub = {
            "syslog_name": "postfix/submission",
            "smtpd_relay_restrictions": "permit_mynetworks,reject",
            "smtpd_recipient_restrictions": "permit_mynetworks,reject",
            "smtpd_reject_unlisted_recipient": "no",
        }
        sub.update(self.submission_extra)
        opts = "".join("\n  -o %s=%s" % kv for kv in sub.items())
        mx = "".join("\n  -o %s=%s" % kv for kv in self.smtpd_extra.items())
        return [
            "# service type  private unpriv  chroot  wakeup  maxproc command + args",
            "%s:%d inet n - n - - smtpd%s" % (self.host, self.port, mx),
            "%s:%d inet n - n - - smtpd%s" % (self.host, self.submission_port, opts),
            "pickup unix n - n 60 1 pickup",	# postqueue -f checks public/pickup
            "cleanup unix n - n - 0 cleanup",
            "qmgr unix n - n 300 1 qmgr",
            "rewrite unix - - n - - trivial-rewrite",
            "bounce unix - - n - 0 bounce",
            "defer unix - - n - 0 bounce",
            "trace unix - - n - 0 bounce",
            "verify unix - - n - 1 verify",
            "flush unix n - n 1000? 0 flush",
            "proxymap unix - - n - - proxymap",
            "proxywrite unix - - n - 1 proxymap",
            "smtp unix - - n - - smtp",
            "relay unix - - n - - smtp",
            "showq unix n - n - - showq",
            "error unix - - n - - error",
            "retry unix - - n - - error",
            "discard unix - - n - - discard",
            "local unix - n n - - local",
            "virtual unix - n n - - virtual",
            "lmtp unix - - n - - lmtp",
            "anvil unix - - n - 1 anvil",
            "scache unix - - n - 1 scache",
            "postlog unix-dgram n - n - 1 postlogd",
        ]

    def write_config(self):
        os.makedirs(self.config_dir, exist_ok=True)
        with open(os.path.join(self.config_dir, "main.cf"), "w") as f:
            f.write("# private test instance written by tests/postfix_harness.py\n")
            for k, v in self.main_settings():
                f.write("%s = %s\n" % (k, v))
        with open(os.path.join(self.config_dir, "master.cf"), "w") as f:
            f.write("\n".join(self.master_lines()) + "\n")

    # -- commands

    def run(self, *argv, check=True, input=None):
        p = subprocess.run(argv, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           input=input, timeout=60)
        out = p.stdout.decode("utf-8", "replace")
        if check and p.returncode != 0:
            raise PostfixError("%s: exit %d\n%s\n--- maillog tail:\n%s"
                               % (" ".join(argv), p.returncode, out, self.maillog()[-3000:]))
        return out

    def postqueue(self, *args):
        return self.run(POSTQUEUE, "-c", self.config_dir, *args, check=False)

    def postconf(self, *args):
        return self.run(POSTCONF, "-c", self.config_dir, *args)

    def map_file(self, name):
        return os.path.join(self.map_dir, name + "." + self.map_type)

    def postmap(self, *args, input=None, check=True, allow_warnings=False):
        """Runs postmap -c CONFIG_DIR args...; returns (exit status, output).
        A "warning:" (e.g. a non-UTF-8 line that postmap skips while still
        exiting 0) raises PostfixError unless allow_warnings."""
        if not os.path.exists(os.path.join(self.config_dir, "main.cf")):
            self.write_config()
        if isinstance(input, str):
            input = input.encode("utf-8")
        p = subprocess.run((POSTMAP, "-c", self.config_dir) + args, env=self.env, input=input,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        out = p.stdout.decode("utf-8", "replace")
        if check and (p.returncode != 0 or (not allow_warnings and "warning:" in out)):
            raise PostfixError("postmap %s: exit %d\n%s" % (" ".join(args), p.returncode, out))
        return p.returncode, out

    def map_source(self, name):
        return os.path.join(self.map_dir, name)

    def postmap_source(self, name, text):
        """Writes MAPDIR/name and compiles it IN PLACE with postmap."""
        src = self.map_source(name)
        with open(src, "wb") as f:
            f.write(text.encode("utf-8") if isinstance(text, str) else text)
        self.postmap("%s:%s" % (self.map_type, src))
        return src

    def postmap_update(self, name, lines):
        """In-place update of one table: postmap -i -r (lines "key value")."""
        return self.postmap("-i", "-r", "%s:%s" % (self.map_type, self.map_source(name)),
                            input="".join(l.rstrip("\n") + "\n" for l in lines))

    def postmap_delete(self, name, key):
        """In-place delete: postmap -d key."""
        return self.postmap("-d", key, "%s:%s" % (self.map_type, self.map_source(name)))

    def install_map(self, name, text):
        """Atomic replacement: compile under a temporary name in the same
        directory, then rename(2) the table over MAPDIR/name.TYPE."""
        os.makedirs(self.map_dir, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".%s." % name, dir=self.map_dir)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(text.encode("utf-8") if isinstance(text, str) else text)
            os.chmod(tmp, 0o644)
            self.postmap("%s:%s" % (self.map_type, tmp))
            os.rename(tmp + "." + self.map_type, self.map_file(name))
            # keep the readable source next to the table, like postmap does
            os.rename(tmp, os.path.join(self.map_dir, name))
        finally:
            for p in (tmp, tmp + "." + self.map_type):
                if os.path.exists(p):
                    os.unlink(p)

    def install_maps(self, maps):
        """maps: {name: text}; missing names get an empty table."""
        for name in MAP_NAMES:
            self.install_map(name, maps.get(name, ""))

    def ensure_maps(self):
        if not os.path.isdir(self.map_dir):
            os.makedirs(self.map_dir)
            os.chmod(self.map_dir, 0o755)
        for name in MAP_NAMES:
            if not os.path.exists(self.map_file(name)):
                self.install_map(name, "")

    # -- life cycle

    def master_pid(self):
        try:
            with open(os.path.join(self.queue_dir, "pid", "master.pid")) as f:
                pid = int(f.read().split()[0])
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError, IndexError):
            return None

    def start(self):
        os.makedirs(self.queue_dir, exist_ok=True)
        os.makedirs(self.data_dir, exist_ok=True)
        pw = pwd.getpwnam("postfix")
        os.chown(self.data_dir, pw.pw_uid, pw.pw_gid)	# master.lock, verify cache
        os.chmod(self.data_dir, 0o700)
        os.makedirs(self.vmail, exist_ok=True)
        os.chown(self.vmail, self.uid, self.gid)
        os.chmod(self.vmail, 0o770)
        self.write_config()
        self.ensure_maps()
        self.started = True
        atexit.register(self.stop)
        # "start" runs "postfix check" (post-install create-missing) first
        self.run(POSTFIX, "-c", self.config_dir, "start")
        for port in (self.port, self.submission_port):
            if not _wait_port(self.host, port, 10):
                raise PostfixError("smtpd is not listening on %d\n%s" % (port, self.maillog()))
        return self

    def stop(self):
        if not self.started:
            return
        self.started = False
        pid = self.master_pid()
        self.run(POSTFIX, "-c", self.config_dir, "stop", check=False)
        deadline = time.monotonic() + 10
        while pid and time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except OSError:
                break
            time.sleep(0.05)
        else:
            if pid:
                self.run(POSTFIX, "-c", self.config_dir, "abort", check=False)
        # children of the master exit on their own once it is gone; wait a bit
        time.sleep(0.2)
        if self.keep_dir:
            pass
        elif os.environ.get("KEEP_TEST_DIR"):
            print("postfix test directory kept:", self.dir, file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def reload(self):
        self.run(POSTFIX, "-c", self.config_dir, "reload")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- queue and mailboxes

    def flush(self):
        self.run(POSTQUEUE, "-c", self.config_dir, "-f", check=False)

    def queue_files(self):
        out = []
        for sub in ("maildrop", "incoming", "active", "deferred", "hold"):
            for root, _, files in os.walk(os.path.join(self.queue_dir, sub)):
                out.extend(os.path.join(root, f) for f in files)
        return out

    def wait_queue_empty(self, timeout=15):
        deadline = time.monotonic() + timeout
        flushed = time.monotonic()
        while self.queue_files():
            if time.monotonic() > deadline:
                raise PostfixError("queue not empty after %ss: %s\n%s"
                                   % (timeout, self.queue_files(), self.maillog()[-3000:]))
            if time.monotonic() - flushed > 1.5:
                self.flush()
                flushed = time.monotonic()
            time.sleep(0.05)

    def maildir_raw(self, domain, user):
        md = os.path.join(self.vmail, domain, user)
        files = []
        for sub in ("new", "cur"):
            d = os.path.join(md, sub)
            if os.path.isdir(d):
                files.extend(os.path.join(d, f) for f in os.listdir(d))
        files.sort(key=lambda p: (os.stat(p).st_mtime_ns, os.path.basename(p)))
        out = []
        for p in files:
            with open(p, "rb") as f:
                out.append(f.read())
        return out

    def maildir_messages(self, domain, user):
        """Delivered messages of vmail/domain/user/ (new and cur), oldest first."""
        return [m.decode("utf-8", "replace") for m in self.maildir_raw(domain, user)]

    def wait_maildir(self, domain, user, count=1, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            msgs = self.maildir_messages(domain, user)
            if len(msgs) >= count or time.monotonic() > deadline:
                return msgs
            time.sleep(0.05)

    def wait_message(self, domain, user, needle, timeout=10):
        """The first delivered message of domain/user containing needle
        (str, or bytes to search the raw message), or None after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            for m in self.maildir_raw(domain, user):
                if (needle.encode("utf-8") if isinstance(needle, str) else needle) in m:
                    return m.decode("utf-8", "replace") if isinstance(needle, str) else m
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)

    def maildirs(self):
        """{(domain, user): count} for every maildir under the base."""
        out = {}
        for domain in sorted(os.listdir(self.vmail)) if os.path.isdir(self.vmail) else ():
            ddir = os.path.join(self.vmail, domain)
            for user in sorted(os.listdir(ddir)):
                out[(domain, user)] = len(self.maildir_raw(domain, user))
        return out

    def wait_log(self, pattern, timeout=5):
        """The first re.search(pattern) match in the maillog, waiting up to
        timeout seconds (postlogd writes asynchronously); None if none."""
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.maillog())
            if m or time.monotonic() > deadline:
                return m
            time.sleep(0.05)

    def maillog(self):
        try:
            with open(self.maillog_file, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    # -- SMTP shortcuts

    def rcpt_reply(self, rcpt, sender="sender@client.test.invalid", submission=False, raw=False):
        port = self.submission_port if submission else self.port
        return rcpt_reply(self.host, port, sender, rcpt, raw=raw)

    def send(self, sender, rcpts, body, submission=False, raw=False, subject="test"):
        port = self.submission_port if submission else self.port
        return send(self.host, port, sender, rcpts, body, raw=raw, subject=subject)


def main(argv):
    """tools/stack's entry: a private Postfix for the demo, fed by mapd.

    postfix_harness.py start DIR MAPDIR PORT SUBMISSION_PORT
    postfix_harness.py stop DIR
    """
    if len(argv) == 6 and argv[1] == "start":
        pf = Postfix(map_dir=argv[3], base_dir=argv[2], port=int(argv[4]),
                     submission_port=int(argv[5]), ipv6=False)
        pf.start()
        pf.started = False	# leave it running: "stop" stops it
        return 0
    if len(argv) == 3 and argv[1] == "stop":
        config_dir = os.path.join(os.path.abspath(argv[2]), "etc")
        if os.path.exists(os.path.join(config_dir, "main.cf")):
            subprocess.run([POSTFIX, "-c", config_dir, "stop"], check=False,
                           env=dict(os.environ, MAIL_CONFIG=config_dir),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return 0
    print(main.__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
