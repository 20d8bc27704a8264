/*
 * Unit tests for maps/render: the exact lines each policy produces in
 * the five maps (../shared/design/POSTFIX.md), the values the renderer
 * refuses, and a golden file (render.ref) for a realistic set of domains.
 *
 * What a caller sees after a refusal: the call returns -1 and out->error
 * names the map and the key (bytes outside printable ASCII shown as \xNN,
 * so the text is safe for the log and the database). map_line() itself is
 * all or nothing, but a render call appends its lines one by one, so the
 * lines it rendered before the refused one stay in the map_set (e.g. the
 * domain's "dom OK" when its bounce text is refused). Never the refused
 * line or part of it. maps/build.c discards the whole output on any
 * refusal; the refusal tables below record exactly what is left.
 *
 * render.ref: when it must change, run the test with RENDER_REGEN=1; it
 * rewrites the file and fails so that nobody forgets to review the diff.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maps/render.h"
#include "map_grammar.h"
#include "util/buf.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SHOW(s) ((s) ? (s) : "(null)")

#define BOUNCE_TEXT "This address does not exist here. Please check the spelling of the address."

/* Long values, built from literals. */
#define A10 "aaaaaaaaaa"
#define A60 A10 A10 A10 A10 A10 A10
#define A63 A60 "aaa"
#define A64 A60 "aaaa"
#define A65 A60 "aaaaa"
#define E10 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
#define E100 E10 E10 E10 E10 E10 E10 E10 E10 E10 E10
#define E200 E100 E100
#define X10 "xxxxxxxxxx"
#define X100 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10
#define X800 X100 X100 X100 X100 X100 X100 X100 X100
#define D255 A63 "." A63 "." A63 "." A63		/* 255 bytes */
#define D256 D255 "a"
#define D300 D255 "." A10 A10 A10 A10 "aaaa"	/* 300 bytes */
#define D319 D300 A10 "aaaaaaaaa"
#define D320 D319 "a"
#define D321 D320 "a"
/* A valid address of 200 bytes; 20 of them (4019 bytes) fit a value, 21 (4220) do not. */
#define T200 A64 "@" A63 "." A63 ".example"
#define T5 T200 "," T200 "," T200 "," T200 "," T200
#define T20 T5 "," T5 "," T5 "," T5
#define T21 T20 "," T200
/* Addresses of 254 bytes (the most validate_address() allows) and 255. */
#define T254 A64 "@" A63 "." A63 "." A10 A10 A10 A10 A10 "aaa.example"
#define T255 A64 "@" A63 "." A63 "." A10 A10 A10 A10 A10 "aaaa.example"

static void check_map_text(const char *label, enum map_id id, const struct buf *b)
{
	const char *p = buf_cstr(b), *end = p + b->len;

	if (memchr(p, '\0', b->len) != NULL)
		fail_msg("%s: %s holds a NUL byte", label, map_name(id));
	if (b->len > 0 && end[-1] != '\n')
		fail_msg("%s: %s does not end with a newline", label, map_name(id));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *why = map_grammar_problem(id, p, (size_t)(nl - p));

		if (why != NULL)
			fail_msg("%s: %s line \"%.*s\": %s", label, map_name(id), (int)(nl - p), p, why);
		p = nl + 1;
	}
}

static void check_set_text(const char *label, const struct map_set *s)
{
	for (int i = 0; i < MAP_COUNT; i++)
		check_map_text(label, (enum map_id)i, &s->map[i]);
}

/* An error is printable ASCII: safe for a log line and a text column. */
static void check_error_text(const char *label, const char *error)
{
	if (error[0] == '\0')
		fail_msg("%s: refused without an error", label);
	for (const char *p = error; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			fail_msg("%s: error \"%s\" holds byte 0x%02x", label, error, (unsigned char)*p);
}

static void check_maps(const char *label, const struct map_set *s, const char *const want[MAP_COUNT])
{
	for (int i = 0; i < MAP_COUNT; i++) {
		const char *got = buf_cstr(&s->map[i]), *w = want[i] ? want[i] : "";

		if (strcmp(got, w) != 0)
			fail_msg("%s: %s is\n---\n%s---\nwant\n---\n%s---", label, map_name((enum map_id)i), got, w);
	}
}

/* ---- rendering: the exact lines of each policy ---- */

#define MAX_ITEMS 8

struct alias {
	const char *local;
	const char *targets;
};

static const struct render_case {
	const char *label;
	struct map_domain d;
	const char *mailboxes[MAX_ITEMS];	/* NULL-terminated */
	struct alias aliases[MAX_ITEMS];	/* ended by local == NULL */
	const char *want[MAP_COUNT];		/* NULL: nothing */
} render_cases[] = {
	/* reject: the Postfix default, no wildcard anywhere */
	{ "reject: the domain alone", { "example.com", 1, POLICY_REJECT, BOUNCE_TEXT, NULL, NULL, 25, NULL },
	  { NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n" } },
	{ "reject: mailboxes and an alias, other policies' settings unused",
	  { "example.com", 1, POLICY_REJECT, BOUNCE_TEXT, "catchall@example.org", "192.0.2.1", 2525, NULL },
	  { "alice", "bob", NULL }, { { "info", "alice@example.com" }, { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "alice@example.com example.com/alice/\n"
			      "bob@example.com example.com/bob/\n",
	    [MAP_ALIASES] = "info@example.com alice@example.com\n" } },

	/* service off: nothing at all, whatever the rest says */
	{ "service off, bounce", { "example.com", 0, POLICY_BOUNCE, BOUNCE_TEXT, NULL, NULL, 25, "roundcube" },
	  { "alice", NULL }, { { "info", "alice@example.com" }, { NULL, NULL } }, { NULL } },
	{ "service off, forward",
	  { "example.com", 0, POLICY_FORWARD, BOUNCE_TEXT, "catchall@example.org", NULL, 25, "roundcube" },
	  { "alice", NULL }, { { "info", "alice@example.com" }, { NULL, NULL } }, { NULL } },
	{ "service off, redirect",
	  { "example.com", 0, POLICY_REDIRECT, BOUNCE_TEXT, NULL, "192.0.2.25", 25, "roundcube" },
	  { "alice", NULL }, { { "info", "alice@example.com" }, { NULL, NULL } }, { NULL } },
	{ "service off, reject", { "example.com", 0, POLICY_REJECT, BOUNCE_TEXT, NULL, NULL, 25, "roundcube" },
	  { "alice", NULL }, { { "info", "alice@example.com" }, { NULL, NULL } }, { NULL } },
	{ "service off: even invalid settings are not looked at",
	  { "bad domain", 0, POLICY_BOUNCE, "a\nb", "nobody", "999.1.1.1", 0, "x;y" },
	  { "Bad Local", NULL }, { { "info", "not an address" }, { NULL, NULL } }, { NULL } },

	/* bounce: accepted, then refused with the text */
	{ "bounce: wildcard, text, mailboxes routed locally",
	  { "example.com", 1, POLICY_BOUNCE, "Nobody here by that name.", NULL, NULL, 25, NULL },
	  { "alice", "bob", NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n"
			      "alice@example.com example.com/alice/\n"
			      "bob@example.com example.com/bob/\n",
	    [MAP_TRANSPORT] = "example.com error:5.1.1 Nobody here by that name.\n"
			      "alice@example.com virtual:\n"
			      "bob@example.com virtual:\n" } },
	{ "bounce with the default text and no mailbox",
	  { "example.com", 1, POLICY_BOUNCE, BOUNCE_TEXT, NULL, NULL, 25, NULL },
	  { NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n",
	    [MAP_TRANSPORT] = "example.com error:5.1.1 " BOUNCE_TEXT "\n" } },
	{ "bounce text of 200 characters in UTF-8",
	  { "example.com", 1, POLICY_BOUNCE, E200, NULL, NULL, 25, NULL },
	  { NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n",
	    [MAP_TRANSPORT] = "example.com error:5.1.1 " E200 "\n" } },
	{ "bounce text with inner blanks, quotes, '#' and non-Latin script",
	  { "example.com", 1, POLICY_BOUNCE,
	    "Sorry: \"x\" isn't here; write to <info@example.com> #1 \xe3\x81\x94\xe3\x82\x81\xe3\x82\x93",
	    NULL, NULL, 25, NULL },
	  { "alice", NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n"
			      "alice@example.com example.com/alice/\n",
	    [MAP_TRANSPORT] = "example.com error:5.1.1 Sorry: \"x\" isn't here; write to <info@example.com> #1 "
			      "\xe3\x81\x94\xe3\x82\x81\xe3\x82\x93\n"
			      "alice@example.com virtual:\n" } },
	{ "bounce: aliases get no transport line",
	  { "example.com", 1, POLICY_BOUNCE, "Gone.", NULL, NULL, 25, NULL },
	  { "alice", NULL }, { { "info", "alice@example.com" }, { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n"
			      "alice@example.com example.com/alice/\n",
	    [MAP_ALIASES] = "info@example.com alice@example.com\n",
	    [MAP_TRANSPORT] = "example.com error:5.1.1 Gone.\n"
			      "alice@example.com virtual:\n" } },

	/* forward: catch-all in virtual_alias_maps, identity line per mailbox */
	{ "forward: catch-all and one identity line per mailbox",
	  { "example.com", 1, POLICY_FORWARD, BOUNCE_TEXT, "catchall@example.org", NULL, 25, NULL },
	  { "alice", "bob", NULL }, { { "info", "alice@example.com" }, { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "alice@example.com example.com/alice/\n"
			      "bob@example.com example.com/bob/\n",
	    [MAP_ALIASES] = "@example.com catchall@example.org\n"
			    "alice@example.com alice@example.com\n"
			    "bob@example.com bob@example.com\n"
			    "info@example.com alice@example.com\n" } },
	{ "forward inside the domain, no mailbox",
	  { "example.com", 1, POLICY_FORWARD, BOUNCE_TEXT, "office@example.com", NULL, 25, NULL },
	  { NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_ALIASES] = "@example.com office@example.com\n" } },
	{ "forward address of 254 bytes",
	  { "example.com", 1, POLICY_FORWARD, NULL, T254, NULL, 25, NULL },
	  { NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_ALIASES] = "@example.com " T254 "\n" } },
	{ "forward to an address with atext and upper case",
	  { "example.com", 1, POLICY_FORWARD, NULL, "First.O'Brien+tag@example.org", NULL, 25, NULL },
	  { "a", NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "a@example.com example.com/a/\n",
	    [MAP_ALIASES] = "@example.com First.O'Brien+tag@example.org\n"
			    "a@example.com a@example.com\n" } },

	/* redirect: accepted, mailboxes local, the rest relayed */
	{ "redirect IPv4 on port 25",
	  { "example.com", 1, POLICY_REDIRECT, BOUNCE_TEXT, NULL, "192.0.2.25", 25, NULL },
	  { "alice", NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n"
			      "alice@example.com example.com/alice/\n",
	    [MAP_TRANSPORT] = "example.com smtp:[192.0.2.25]:25\n"
			      "alice@example.com virtual:\n" } },
	{ "redirect IPv6 written long: canonical form in brackets",
	  { "example.com", 1, POLICY_REDIRECT, NULL, NULL, "2001:DB8:0:0:0:0:0:25", 2525, NULL },
	  { "alice", "bob", NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n"
			      "alice@example.com example.com/alice/\n"
			      "bob@example.com example.com/bob/\n",
	    [MAP_TRANSPORT] = "example.com smtp:[2001:db8::25]:2525\n"
			      "alice@example.com virtual:\n"
			      "bob@example.com virtual:\n" } },
	{ "redirect IPv6 given in brackets",
	  { "example.com", 1, POLICY_REDIRECT, NULL, NULL, "[2001:db8:0:1::1]", 587, NULL },
	  { NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n",
	    [MAP_TRANSPORT] = "example.com smtp:[2001:db8:0:1::1]:587\n" } },
	{ "redirect IPv4-mapped IPv6",
	  { "example.com", 1, POLICY_REDIRECT, NULL, NULL, "::FFFF:192.0.2.1", 25, NULL },
	  { NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n",
	    [MAP_TRANSPORT] = "example.com smtp:[::ffff:192.0.2.1]:25\n" } },
	{ "redirect to port 1",
	  { "example.com", 1, POLICY_REDIRECT, NULL, NULL, "198.51.100.7", 1, NULL },
	  { NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n",
	    [MAP_TRANSPORT] = "example.com smtp:[198.51.100.7]:1\n" } },
	{ "redirect to port 65535, with an alias",
	  { "example.com", 1, POLICY_REDIRECT, NULL, NULL, "198.51.100.7", 65535, NULL },
	  { NULL }, { { "old", "new@example.com" }, { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n",
	    [MAP_ALIASES] = "old@example.com new@example.com\n",
	    [MAP_TRANSPORT] = "example.com smtp:[198.51.100.7]:65535\n" } },

	/* aliases */
	{ "aliases with several targets",
	  { "example.com", 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL },
	  { NULL },
	  { { "team", "alice@example.com,bob@example.com,carol@example.org" },
	    { "list", "a@b.example,c@d.example" },
	    { "x.y_z-0", "Somebody.Else+x@mail.example.net" },
	    { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_ALIASES] = "team@example.com alice@example.com,bob@example.com,carol@example.org\n"
			    "list@example.com a@b.example,c@d.example\n"
			    "x.y_z-0@example.com Somebody.Else+x@mail.example.net\n" } },
	{ "alias with 20 long targets (4019 bytes)",
	  { "example.com", 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL },
	  { NULL }, { { "many", T20 }, { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_ALIASES] = "many@example.com " T20 "\n" } },

	/* webmail */
	{ "webmail line", { "example.com", 1, POLICY_REJECT, NULL, NULL, NULL, 25, "roundcube" },
	  { NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_WEBMAIL] = "webmail.example.com roundcube;\n" } },
	{ "webmail with bounce, forward-free name with dots and hyphens",
	  { "example.com", 1, POLICY_BOUNCE, "Gone.", NULL, NULL, 25, "snappy-mail.2" },
	  { NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n",
	    [MAP_TRANSPORT] = "example.com error:5.1.1 Gone.\n",
	    [MAP_WEBMAIL] = "webmail.example.com snappy-mail.2;\n" } },

	/* names at the edges of the grammar */
	{ "punycode domain, local parts with digits, dots, underscores, hyphens",
	  { "xn--bcher-kva.example", 1, POLICY_REJECT, NULL, NULL, NULL, 25, "horde" },
	  { "0day", "first.last", "no_reply", "a-b", NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = "xn--bcher-kva.example OK\n",
	    [MAP_MAILBOXES] = "0day@xn--bcher-kva.example xn--bcher-kva.example/0day/\n"
			      "first.last@xn--bcher-kva.example xn--bcher-kva.example/first.last/\n"
			      "no_reply@xn--bcher-kva.example xn--bcher-kva.example/no_reply/\n"
			      "a-b@xn--bcher-kva.example xn--bcher-kva.example/a-b/\n",
	    [MAP_WEBMAIL] = "webmail.xn--bcher-kva.example horde;\n" } },
	{ "key of 320 bytes: 64-byte local part at a 255-byte domain",
	  { D255, 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL },
	  { A64, NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = D255 " OK\n",
	    [MAP_MAILBOXES] = A64 "@" D255 " " D255 "/" A64 "/\n" } },
	{ "domain key of 320 bytes",
	  { D320, 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL },
	  { NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = D320 " OK\n" } },
	{ "wildcard key of 320 bytes",
	  { D319, 1, POLICY_BOUNCE, "Gone.", NULL, NULL, 25, NULL },
	  { NULL }, { { NULL, NULL } },
	  { [MAP_DOMAINS] = D319 " OK\n",
	    [MAP_MAILBOXES] = "@" D319 " " D319 "/.unknown/\n",
	    [MAP_TRANSPORT] = D319 " error:5.1.1 Gone.\n" } },
};

static int render_all(struct map_set *s, const struct map_domain *d, const char *const *mailboxes,
		      const struct alias *aliases)
{
	if (map_render_domain(s, d) != 0)
		return -1;
	for (size_t i = 0; i < MAX_ITEMS && mailboxes[i] != NULL; i++)
		if (map_render_mailbox(s, d, mailboxes[i]) != 0)
			return -1;
	for (size_t i = 0; i < MAX_ITEMS && aliases[i].local != NULL; i++)
		if (map_render_alias(s, d, aliases[i].local, aliases[i].targets) != 0)
			return -1;
	return 0;
}

static void test_render(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(render_cases); i++) {
		const struct render_case *c = &render_cases[i];
		struct map_set s;

		map_set_init(&s);
		if (render_all(&s, &c->d, c->mailboxes, c->aliases) != 0)
			fail_msg("%s: refused: %s", c->label, s.error);
		if (s.error[0] != '\0')
			fail_msg("%s: error \"%s\" after success", c->label, s.error);
		check_maps(c->label, &s, c->want);
		check_set_text(c->label, &s);
		map_set_release(&s);
	}
}

/* Belt and braces over the table: where a wildcard may appear, and where not. */
static void test_wildcards(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(render_cases); i++) {
		const struct render_case *c = &render_cases[i];
		struct map_set s;
		int wild[MAP_COUNT] = { 0 };

		if (!c->d.service)
			continue;
		map_set_init(&s);
		assert_int_equal(render_all(&s, &c->d, c->mailboxes, c->aliases), 0);
		for (int m = 0; m < MAP_COUNT; m++) {
			const char *p = buf_cstr(&s.map[m]);

			for (; *p; p = strchr(p, '\n') + 1)
				if (*p == '@')
					wild[m]++;
		}
		if (wild[MAP_DOMAINS] || wild[MAP_TRANSPORT] || wild[MAP_WEBMAIL])
			fail_msg("%s: wildcard in domains, transport or webmail", c->label);
		switch (c->d.policy) {
		case POLICY_REJECT:
			if (wild[MAP_MAILBOXES] || wild[MAP_ALIASES])
				fail_msg("%s: reject has a wildcard", c->label);
			break;
		case POLICY_BOUNCE:
		case POLICY_REDIRECT:
			if (wild[MAP_MAILBOXES] != 1 || wild[MAP_ALIASES])
				fail_msg("%s: want exactly one wildcard, in %s", c->label, map_name(MAP_MAILBOXES));
			break;
		case POLICY_FORWARD:
			if (wild[MAP_MAILBOXES] || wild[MAP_ALIASES] != 1)
				fail_msg("%s: want exactly one wildcard, in %s", c->label, map_name(MAP_ALIASES));
			break;
		}
		map_set_release(&s);
	}
}

/* ---- refusals of the render calls ---- */

enum step { AT_DOMAIN, AT_MAILBOX, AT_ALIAS };

#define DOM(pol) { "example.com", 1, pol, BOUNCE_TEXT, "catchall@example.org", "192.0.2.25", 25, NULL }
#define BOUNCE(text) { "example.com", 1, POLICY_BOUNCE, text, NULL, NULL, 25, NULL }
#define FORWARD(addr) { "example.com", 1, POLICY_FORWARD, NULL, addr, NULL, 25, NULL }
#define REDIRECT(ip, port) { "example.com", 1, POLICY_REDIRECT, NULL, NULL, ip, port, NULL }
#define WEBMAIL(name) { "example.com", 1, POLICY_REJECT, NULL, NULL, NULL, 25, name }
#define NAMED(name) { name, 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL }

/* What is left after each kind of refusal (see the comment at the top). */
#define SEEN_NOTHING { NULL }
#define SEEN_DOMAIN { [MAP_DOMAINS] = "example.com OK\n" }
#define SEEN_ACCEPT { [MAP_DOMAINS] = "example.com OK\n", \
		      [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n" }
#define SEEN_FORWARD { [MAP_DOMAINS] = "example.com OK\n", \
		       [MAP_ALIASES] = "@example.com catchall@example.org\n" }

#define E_BOUNCE "transport_maps: refusing the bounce settings of example.com"
#define E_FORWARD "virtual_alias_maps: refusing the forward settings of example.com"
#define E_REDIRECT "transport_maps: refusing the redirect settings of example.com"
#define E_WEBMAIL "webmail.map: refusing the value for \"webmail.example.com\""
#define E_MAILBOX(shown) "virtual_mailbox_maps: refusing mailbox \"" shown "\" of example.com"
#define E_ALIAS(shown) "virtual_alias_maps: refusing alias \"" shown "\" of example.com"
#define E_DOMAIN_KEY(shown) "virtual_mailbox_domains: refusing key \"" shown "\""

static const struct refuse_case {
	const char *label;
	struct map_domain d;
	enum step at;			/* the refused call; the domain renders first */
	const char *local;
	const char *targets;
	const char *error;		/* exact */
	const char *seen[MAP_COUNT];	/* what the map_set holds afterwards */
} refuse_cases[] = {
	/* the domain name, as the key of virtual_mailbox_domains */
	{ "domain name with LF", NAMED("exa\nmple.com"), AT_DOMAIN, NULL, NULL,
	  E_DOMAIN_KEY("exa\\x0ample.com"), SEEN_NOTHING },
	{ "domain name with CR", NAMED("example.com\r"), AT_DOMAIN, NULL, NULL,
	  E_DOMAIN_KEY("example.com\\x0d"), SEEN_NOTHING },
	{ "domain name with CRLF and a forged line", NAMED("example.com OK\r\nevil.example"), AT_DOMAIN, NULL,
	  NULL, E_DOMAIN_KEY("example.com OK\\x0d\\x0aevil.example"), SEEN_NOTHING },
	{ "domain name with TAB", NAMED("exa\tmple.com"), AT_DOMAIN, NULL, NULL,
	  E_DOMAIN_KEY("exa\\x09mple.com"), SEEN_NOTHING },
	{ "domain name with ESC", NAMED("exa\x1bmple.com"), AT_DOMAIN, NULL, NULL,
	  E_DOMAIN_KEY("exa\\x1bmple.com"), SEEN_NOTHING },
	{ "domain name with DEL", NAMED("exa\x7fmple.com"), AT_DOMAIN, NULL, NULL,
	  E_DOMAIN_KEY("exa\\x7fmple.com"), SEEN_NOTHING },
	{ "domain name with C1 NEL", NAMED("exa\xc2\x85mple.com"), AT_DOMAIN, NULL, NULL,
	  E_DOMAIN_KEY("exa\\xc2\\x85mple.com"), SEEN_NOTHING },
	{ "domain name with U+2028", NAMED("exa\xe2\x80\xa8mple.com"), AT_DOMAIN, NULL, NULL,
	  E_DOMAIN_KEY("exa\\xe2\\x80\\xa8mple.com"), SEEN_NOTHING },
	{ "domain name in Latin-1", NAMED("caf\xe9.example"), AT_DOMAIN, NULL, NULL,
	  E_DOMAIN_KEY("caf\\xe9.example"), SEEN_NOTHING },
	{ "domain name with a blank inside", NAMED("example .com"), AT_DOMAIN, NULL, NULL,
	  E_DOMAIN_KEY("example .com"), SEEN_NOTHING },
	{ "domain name with a leading blank", NAMED(" example.com"), AT_DOMAIN, NULL, NULL,
	  E_DOMAIN_KEY(" example.com"), SEEN_NOTHING },
	{ "domain name with a trailing blank", NAMED("example.com "), AT_DOMAIN, NULL, NULL,
	  E_DOMAIN_KEY("example.com "), SEEN_NOTHING },
	{ "domain name starting with #", NAMED("#example.com"), AT_DOMAIN, NULL, NULL,
	  E_DOMAIN_KEY("#example.com"), SEEN_NOTHING },
	{ "empty domain name", NAMED(""), AT_DOMAIN, NULL, NULL, E_DOMAIN_KEY(""), SEEN_NOTHING },
	{ "domain name of 321 bytes: the error shows 64", NAMED(D321), AT_DOMAIN, NULL, NULL,
	  E_DOMAIN_KEY(A63 "."), SEEN_NOTHING },
	{ "wildcard key of 321 bytes", { D320, 1, POLICY_BOUNCE, "Gone.", NULL, NULL, 25, NULL }, AT_DOMAIN,
	  NULL, NULL, "virtual_mailbox_maps: refusing key \"@" A63 "\"",
	  { [MAP_DOMAINS] = D320 " OK\n" } },

	/* bounce text, inside the transport_maps value */
	{ "bounce text missing", BOUNCE(NULL), AT_DOMAIN, NULL, NULL, E_BOUNCE, SEEN_ACCEPT },
	{ "bounce text empty", BOUNCE(""), AT_DOMAIN, NULL, NULL, E_BOUNCE, SEEN_ACCEPT },
	{ "bounce text with LF", BOUNCE("Gone.\nexample.org OK"), AT_DOMAIN, NULL, NULL, E_BOUNCE, SEEN_ACCEPT },
	{ "bounce text with CR", BOUNCE("Gone.\r"), AT_DOMAIN, NULL, NULL, E_BOUNCE, SEEN_ACCEPT },
	{ "bounce text with TAB", BOUNCE("Gone\tfishing."), AT_DOMAIN, NULL, NULL, E_BOUNCE, SEEN_ACCEPT },
	{ "bounce text with a C0 control", BOUNCE("Gone\x01"), AT_DOMAIN, NULL, NULL, E_BOUNCE, SEEN_ACCEPT },
	{ "bounce text with DEL", BOUNCE("Gone\x7f"), AT_DOMAIN, NULL, NULL, E_BOUNCE, SEEN_ACCEPT },
	{ "bounce text with C1 U+0080", BOUNCE("Gone\xc2\x80"), AT_DOMAIN, NULL, NULL, E_BOUNCE, SEEN_ACCEPT },
	{ "bounce text with U+2029", BOUNCE("Gone\xe2\x80\xa9."), AT_DOMAIN, NULL, NULL, E_BOUNCE, SEEN_ACCEPT },
	{ "bounce text in Latin-1", BOUNCE("Adresse ung\xfcltig."), AT_DOMAIN, NULL, NULL, E_BOUNCE, SEEN_ACCEPT },
	{ "bounce text with an overlong sequence", BOUNCE("a\xc0\xaf"), AT_DOMAIN, NULL, NULL, E_BOUNCE,
	  SEEN_ACCEPT },
	{ "bounce text with a surrogate", BOUNCE("a\xed\xa0\x80"), AT_DOMAIN, NULL, NULL, E_BOUNCE, SEEN_ACCEPT },
	{ "bounce text with a truncated sequence", BOUNCE("a\xe2\x80"), AT_DOMAIN, NULL, NULL, E_BOUNCE,
	  SEEN_ACCEPT },
	{ "bounce text with a leading blank", BOUNCE(" Gone."), AT_DOMAIN, NULL, NULL, E_BOUNCE, SEEN_ACCEPT },
	{ "bounce text with a trailing blank", BOUNCE("Gone. "), AT_DOMAIN, NULL, NULL, E_BOUNCE, SEEN_ACCEPT },
	{ "bounce text of 801 bytes", BOUNCE(X800 "x"), AT_DOMAIN, NULL, NULL, E_BOUNCE, SEEN_ACCEPT },

	/* forward address, the value of the catch-all */
	{ "forward address missing", FORWARD(NULL), AT_DOMAIN, NULL, NULL, E_FORWARD, SEEN_DOMAIN },
	{ "forward address empty", FORWARD(""), AT_DOMAIN, NULL, NULL, E_FORWARD, SEEN_DOMAIN },
	{ "forward address without @", FORWARD("catchall"), AT_DOMAIN, NULL, NULL, E_FORWARD, SEEN_DOMAIN },
	{ "forward address with two @", FORWARD("a@b@example.org"), AT_DOMAIN, NULL, NULL, E_FORWARD,
	  SEEN_DOMAIN },
	{ "forward address with a blank", FORWARD("a b@example.org"), AT_DOMAIN, NULL, NULL, E_FORWARD,
	  SEEN_DOMAIN },
	{ "forward address with LF", FORWARD("a@example.org\n@evil.example x@evil.example"), AT_DOMAIN, NULL,
	  NULL, E_FORWARD, SEEN_DOMAIN },
	{ "forward to two addresses", FORWARD("a@example.org,b@example.org"), AT_DOMAIN, NULL, NULL, E_FORWARD,
	  SEEN_DOMAIN },
	{ "forward to a one-label domain", FORWARD("a@localhost"), AT_DOMAIN, NULL, NULL, E_FORWARD,
	  SEEN_DOMAIN },
	{ "forward address of 255 bytes", FORWARD(T255), AT_DOMAIN, NULL, NULL, E_FORWARD, SEEN_DOMAIN },

	/* redirect IP and port, inside the transport_maps value */
	{ "redirect IP missing", REDIRECT(NULL, 25), AT_DOMAIN, NULL, NULL, E_REDIRECT, SEEN_ACCEPT },
	{ "redirect IP empty", REDIRECT("", 25), AT_DOMAIN, NULL, NULL, E_REDIRECT, SEEN_ACCEPT },
	{ "redirect IP out of range", REDIRECT("999.1.1.1", 25), AT_DOMAIN, NULL, NULL, E_REDIRECT, SEEN_ACCEPT },
	{ "redirect to a host name", REDIRECT("mail.example.com", 25), AT_DOMAIN, NULL, NULL, E_REDIRECT,
	  SEEN_ACCEPT },
	{ "redirect IP with a port", REDIRECT("192.0.2.1:25", 25), AT_DOMAIN, NULL, NULL, E_REDIRECT,
	  SEEN_ACCEPT },
	{ "redirect IPv4 in brackets", REDIRECT("[192.0.2.1]", 25), AT_DOMAIN, NULL, NULL, E_REDIRECT,
	  SEEN_ACCEPT },
	{ "redirect IP with LF", REDIRECT("192.0.2.1\n", 25), AT_DOMAIN, NULL, NULL, E_REDIRECT, SEEN_ACCEPT },
	{ "redirect IP with a trailing blank", REDIRECT("192.0.2.1 ", 25), AT_DOMAIN, NULL, NULL, E_REDIRECT,
	  SEEN_ACCEPT },
	{ "redirect IPv6 with a zone", REDIRECT("fe80::1%eth0", 25), AT_DOMAIN, NULL, NULL, E_REDIRECT,
	  SEEN_ACCEPT },
	{ "redirect IPv4 multicast", REDIRECT("224.0.0.1", 25), AT_DOMAIN, NULL, NULL, E_REDIRECT, SEEN_ACCEPT },
	{ "redirect IPv4 unspecified", REDIRECT("0.0.0.0", 25), AT_DOMAIN, NULL, NULL, E_REDIRECT, SEEN_ACCEPT },
	{ "redirect IPv6 multicast", REDIRECT("ff02::1", 25), AT_DOMAIN, NULL, NULL, E_REDIRECT, SEEN_ACCEPT },
	{ "redirect IPv6 unspecified", REDIRECT("::", 25), AT_DOMAIN, NULL, NULL, E_REDIRECT, SEEN_ACCEPT },
	{ "redirect port 0", REDIRECT("192.0.2.1", 0), AT_DOMAIN, NULL, NULL, E_REDIRECT, SEEN_ACCEPT },
	{ "redirect port -1", REDIRECT("192.0.2.1", -1), AT_DOMAIN, NULL, NULL, E_REDIRECT, SEEN_ACCEPT },
	{ "redirect port 65536", REDIRECT("192.0.2.1", 65536), AT_DOMAIN, NULL, NULL, E_REDIRECT, SEEN_ACCEPT },
	{ "redirect port 70000", REDIRECT("2001:db8::1", 70000), AT_DOMAIN, NULL, NULL, E_REDIRECT,
	  SEEN_ACCEPT },

	/* webmail: one nginx token, or the map include can be hijacked */
	{ "webmail with ';'", WEBMAIL("roundcube;"), AT_DOMAIN, NULL, NULL, E_WEBMAIL, SEEN_DOMAIN },
	{ "webmail with a blank", WEBMAIL("round cube"), AT_DOMAIN, NULL, NULL, E_WEBMAIL, SEEN_DOMAIN },
	{ "webmail with '{'", WEBMAIL("x{"), AT_DOMAIN, NULL, NULL, E_WEBMAIL, SEEN_DOMAIN },
	{ "webmail with '}'", WEBMAIL("x}"), AT_DOMAIN, NULL, NULL, E_WEBMAIL, SEEN_DOMAIN },
	{ "webmail with '$'", WEBMAIL("$http_x"), AT_DOMAIN, NULL, NULL, E_WEBMAIL, SEEN_DOMAIN },
	{ "webmail with double quotes", WEBMAIL("\"x\""), AT_DOMAIN, NULL, NULL, E_WEBMAIL, SEEN_DOMAIN },
	{ "webmail with single quotes", WEBMAIL("'x'"), AT_DOMAIN, NULL, NULL, E_WEBMAIL, SEEN_DOMAIN },
	{ "webmail with a backslash", WEBMAIL("a\\b"), AT_DOMAIN, NULL, NULL, E_WEBMAIL, SEEN_DOMAIN },
	{ "webmail starting with # (nginx comment)", WEBMAIL("#x"), AT_DOMAIN, NULL, NULL, E_WEBMAIL,
	  SEEN_DOMAIN },
	{ "webmail with LF", WEBMAIL("a\nb"), AT_DOMAIN, NULL, NULL, E_WEBMAIL, SEEN_DOMAIN },
	{ "webmail with TAB", WEBMAIL("roundcube\t"), AT_DOMAIN, NULL, NULL, E_WEBMAIL, SEEN_DOMAIN },
	{ "webmail empty", WEBMAIL(""), AT_DOMAIN, NULL, NULL, E_WEBMAIL, SEEN_DOMAIN },
	{ "webmail refused after the policy lines",
	  { "example.com", 1, POLICY_BOUNCE, "Gone.", NULL, NULL, 25, "x;" }, AT_DOMAIN, NULL, NULL, E_WEBMAIL,
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n",
	    [MAP_TRANSPORT] = "example.com error:5.1.1 Gone.\n" } },
	{ "domain name with ';' in the nginx key",
	  { "example.com;x", 1, POLICY_REJECT, NULL, NULL, NULL, 25, "roundcube" }, AT_DOMAIN, NULL, NULL,
	  "webmail.map: refusing key \"webmail.example.com;x\"",
	  { [MAP_DOMAINS] = "example.com;x OK\n" } },
	{ "domain name with '{' in the nginx key",
	  { "a{b.example", 1, POLICY_REJECT, NULL, NULL, NULL, 25, "roundcube" }, AT_DOMAIN, NULL, NULL,
	  "webmail.map: refusing key \"webmail.a{b.example\"",
	  { [MAP_DOMAINS] = "a{b.example OK\n" } },

	/* mailboxes: the local part grammar */
	{ "mailbox empty", DOM(POLICY_REJECT), AT_MAILBOX, "", NULL, E_MAILBOX(""), SEEN_DOMAIN },
	{ "mailbox in upper case", DOM(POLICY_REJECT), AT_MAILBOX, "Alice", NULL, E_MAILBOX("Alice"),
	  SEEN_DOMAIN },
	{ "mailbox starting with a dot", DOM(POLICY_REJECT), AT_MAILBOX, ".alice", NULL, E_MAILBOX(".alice"),
	  SEEN_DOMAIN },
	{ "mailbox ending with a dot", DOM(POLICY_REJECT), AT_MAILBOX, "alice.", NULL, E_MAILBOX("alice."),
	  SEEN_DOMAIN },
	{ "mailbox with two dots", DOM(POLICY_REJECT), AT_MAILBOX, "a..b", NULL, E_MAILBOX("a..b"),
	  SEEN_DOMAIN },
	{ "mailbox starting with '-'", DOM(POLICY_REJECT), AT_MAILBOX, "-a", NULL, E_MAILBOX("-a"), SEEN_DOMAIN },
	{ "mailbox starting with '_'", DOM(POLICY_REJECT), AT_MAILBOX, "_a", NULL, E_MAILBOX("_a"), SEEN_DOMAIN },
	{ "mailbox starting with '#'", DOM(POLICY_REJECT), AT_MAILBOX, "#a", NULL, E_MAILBOX("#a"), SEEN_DOMAIN },
	{ "mailbox with a blank", DOM(POLICY_REJECT), AT_MAILBOX, "a b", NULL, E_MAILBOX("a b"), SEEN_DOMAIN },
	{ "mailbox with LF", DOM(POLICY_REJECT), AT_MAILBOX, "a\nb", NULL, E_MAILBOX("a\\x0ab"), SEEN_DOMAIN },
	{ "mailbox with CR", DOM(POLICY_REJECT), AT_MAILBOX, "a\r", NULL, E_MAILBOX("a\\x0d"), SEEN_DOMAIN },
	{ "mailbox with TAB", DOM(POLICY_REJECT), AT_MAILBOX, "a\tb", NULL, E_MAILBOX("a\\x09b"), SEEN_DOMAIN },
	{ "mailbox with DEL", DOM(POLICY_REJECT), AT_MAILBOX, "a\x7f", NULL, E_MAILBOX("a\\x7f"), SEEN_DOMAIN },
	{ "mailbox with U+2028", DOM(POLICY_REJECT), AT_MAILBOX, "a\xe2\x80\xa8", NULL,
	  E_MAILBOX("a\\xe2\\x80\\xa8"), SEEN_DOMAIN },
	{ "mailbox with @", DOM(POLICY_REJECT), AT_MAILBOX, "a@b", NULL, E_MAILBOX("a@b"), SEEN_DOMAIN },
	{ "mailbox with '+'", DOM(POLICY_REJECT), AT_MAILBOX, "a+b", NULL, E_MAILBOX("a+b"), SEEN_DOMAIN },
	{ "mailbox with a path", DOM(POLICY_REJECT), AT_MAILBOX, "a/../b", NULL, E_MAILBOX("a/../b"),
	  SEEN_DOMAIN },
	{ "mailbox in UTF-8", DOM(POLICY_REJECT), AT_MAILBOX, "jos\xc3\xa9", NULL, E_MAILBOX("jos\\xc3\\xa9"),
	  SEEN_DOMAIN },
	{ "mailbox with quotes", DOM(POLICY_REJECT), AT_MAILBOX, "\"a\"", NULL, E_MAILBOX("\\x22a\\x22"),
	  SEEN_DOMAIN },
	{ "mailbox of 65 bytes: the error shows 64", DOM(POLICY_REJECT), AT_MAILBOX, A65, NULL, E_MAILBOX(A64),
	  SEEN_DOMAIN },
	{ "mailbox refused under bounce", DOM(POLICY_BOUNCE), AT_MAILBOX, "A", NULL, E_MAILBOX("A"),
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n",
	    [MAP_TRANSPORT] = "example.com error:5.1.1 " BOUNCE_TEXT "\n" } },
	{ "mailbox refused under forward", DOM(POLICY_FORWARD), AT_MAILBOX, "a b", NULL, E_MAILBOX("a b"),
	  SEEN_FORWARD },
	{ "mailbox refused under redirect", DOM(POLICY_REDIRECT), AT_MAILBOX, "a\n", NULL, E_MAILBOX("a\\x0a"),
	  { [MAP_DOMAINS] = "example.com OK\n",
	    [MAP_MAILBOXES] = "@example.com example.com/.unknown/\n",
	    [MAP_TRANSPORT] = "example.com smtp:[192.0.2.25]:25\n" } },
	{ "mailbox key of 321 bytes", NAMED(D256), AT_MAILBOX, A64, NULL,
	  "virtual_mailbox_maps: refusing key \"" A64 "\"", { [MAP_DOMAINS] = D256 " OK\n" } },
	{ "mailbox address longer than any key", NAMED(D300), AT_MAILBOX, "a" A10 A10 "aaaaaaaaa", NULL,
	  "virtual_mailbox_maps: address too long in " A63 ".", { [MAP_DOMAINS] = D300 " OK\n" } },

	/* aliases: local part and targets */
	{ "alias in upper case", DOM(POLICY_REJECT), AT_ALIAS, "Info", "alice@example.com", E_ALIAS("Info"),
	  SEEN_DOMAIN },
	{ "alias with LF", DOM(POLICY_REJECT), AT_ALIAS, "info\n", "alice@example.com", E_ALIAS("info\\x0a"),
	  SEEN_DOMAIN },
	{ "alias empty", DOM(POLICY_REJECT), AT_ALIAS, "", "alice@example.com", E_ALIAS(""), SEEN_DOMAIN },
	{ "alias without targets", DOM(POLICY_REJECT), AT_ALIAS, "info", "", E_ALIAS("info"), SEEN_DOMAIN },
	{ "alias target without @", DOM(POLICY_REJECT), AT_ALIAS, "info", "alice", E_ALIAS("info"),
	  SEEN_DOMAIN },
	{ "alias target without domain", DOM(POLICY_REJECT), AT_ALIAS, "info", "alice@", E_ALIAS("info"),
	  SEEN_DOMAIN },
	{ "alias target without local part", DOM(POLICY_REJECT), AT_ALIAS, "info", "@example.com",
	  E_ALIAS("info"), SEEN_DOMAIN },
	{ "alias targets with a trailing comma", DOM(POLICY_REJECT), AT_ALIAS, "info", "a@b.example,",
	  E_ALIAS("info"), SEEN_DOMAIN },
	{ "alias targets with a leading comma", DOM(POLICY_REJECT), AT_ALIAS, "info", ",a@b.example",
	  E_ALIAS("info"), SEEN_DOMAIN },
	{ "alias targets with an empty one", DOM(POLICY_REJECT), AT_ALIAS, "info", "a@b.example,,c@d.example",
	  E_ALIAS("info"), SEEN_DOMAIN },
	{ "alias targets separated by comma and blank", DOM(POLICY_REJECT), AT_ALIAS, "info",
	  "a@b.example, c@d.example", E_ALIAS("info"), SEEN_DOMAIN },
	{ "alias targets separated by a blank", DOM(POLICY_REJECT), AT_ALIAS, "info", "a@b.example c@d.example",
	  E_ALIAS("info"), SEEN_DOMAIN },
	{ "alias targets separated by ';'", DOM(POLICY_REJECT), AT_ALIAS, "info", "a@b.example;c@d.example",
	  E_ALIAS("info"), SEEN_DOMAIN },
	{ "alias targets separated by LF", DOM(POLICY_REJECT), AT_ALIAS, "info",
	  "a@b.example\n@example.com x@evil.example", E_ALIAS("info"), SEEN_DOMAIN },
	{ "alias target with CR", DOM(POLICY_REJECT), AT_ALIAS, "info", "a@b.example\r", E_ALIAS("info"),
	  SEEN_DOMAIN },
	{ "alias target with TAB", DOM(POLICY_REJECT), AT_ALIAS, "info", "a\t@b.example", E_ALIAS("info"),
	  SEEN_DOMAIN },
	{ "alias target with DEL", DOM(POLICY_REJECT), AT_ALIAS, "info", "a\x7f@b.example", E_ALIAS("info"),
	  SEEN_DOMAIN },
	{ "alias target with a one-label domain", DOM(POLICY_REJECT), AT_ALIAS, "info", "a@localhost",
	  E_ALIAS("info"), SEEN_DOMAIN },
	{ "alias target of 255 bytes", DOM(POLICY_REJECT), AT_ALIAS, "info", T255, E_ALIAS("info"),
	  SEEN_DOMAIN },
	{ "alias targets over 4096 bytes", DOM(POLICY_REJECT), AT_ALIAS, "info", T21,
	  "virtual_alias_maps: refusing the value for \"info@example.com\"", SEEN_DOMAIN },
	{ "alias refused under forward", DOM(POLICY_FORWARD), AT_ALIAS, "info", "nobody", E_ALIAS("info"),
	  SEEN_FORWARD },
};

static void test_refuse(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(refuse_cases); i++) {
		const struct refuse_case *c = &refuse_cases[i];
		struct map_set s;
		int rc;

		map_set_init(&s);
		rc = map_render_domain(&s, &c->d);
		if (c->at != AT_DOMAIN) {
			if (rc != 0)
				fail_msg("%s: the domain itself was refused: %s", c->label, s.error);
			if (c->at == AT_MAILBOX)
				rc = map_render_mailbox(&s, &c->d, c->local);
			else
				rc = map_render_alias(&s, &c->d, c->local, c->targets);
		}
		if (rc != -1)
			fail_msg("%s: returned %d, want -1", c->label, rc);
		check_error_text(c->label, s.error);
		if (strcmp(s.error, c->error) != 0)
			fail_msg("%s: error is\n  %s\nwant\n  %s", c->label, s.error, c->error);
		check_maps(c->label, &s, c->seen);
		check_set_text(c->label, &s);
		map_set_release(&s);
	}
}

/* ---- map_line(), the one gate every line goes through ---- */

static const struct bad_text {
	const char *label;
	const char *text;
	int key_only;		/* acceptable as a value in a Postfix map */
} bad_texts[] = {
	{ "CR", "a\rb", 0 },
	{ "LF", "a\nb", 0 },
	{ "CRLF", "a\r\nb", 0 },
	{ "final LF", "ab\n", 0 },
	{ "TAB", "a\tb", 0 },
	{ "SOH", "a\x01z", 0 },
	{ "ESC", "a\x1bz", 0 },
	{ "VT", "a\vb", 0 },
	{ "FF", "a\fb", 0 },
	{ "DEL", "a\x7fz", 0 },
	{ "C1 U+0085 (NEL)", "a\xc2\x85z", 0 },
	{ "C1 U+009F", "a\xc2\x9fz", 0 },
	{ "U+2028", "a\xe2\x80\xa8z", 0 },
	{ "U+2029", "a\xe2\x80\xa9z", 0 },
	{ "lone byte 0x85", "a\x85z", 0 },
	{ "Latin-1", "caf\xe9", 0 },
	{ "overlong '/'", "a\xc0\xafz", 0 },
	{ "overlong NUL", "a\xc0\x80z", 0 },
	{ "overlong 3 bytes", "a\xe0\x80\xafz", 0 },
	{ "surrogate", "a\xed\xa0\x80z", 0 },
	{ "beyond U+10FFFF", "a\xf4\x90\x80\x80z", 0 },
	{ "byte 0xff", "a\xffz", 0 },
	{ "truncated sequence at the end", "a\xe2\x80", 0 },
	{ "continuation byte alone", "\x80z", 0 },
	{ "leading blank", " ab", 0 },
	{ "trailing blank", "ab ", 0 },
	{ "only a blank", " ", 0 },
	{ "empty", "", 0 },
	{ "blank inside", "a b", 1 },
	{ "two blanks inside", "a  b", 1 },
	{ "leading #", "#ab", 1 },
};

/*
 * The error's picture of a text: its first 64 bytes, printable ASCII but
 * '"' and '\' as is, other bytes as \xNN, ending before it would pass 79
 * characters.
 */
static void shown(char *out, size_t size, const char *s)
{
	size_t o = 0;

	for (size_t i = 0; s[i] != '\0' && i < 64 && o + 5 <= 80; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
			o += (size_t)snprintf(out + o, size - o, "%c", ch);
		else
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", ch);
	}
	out[o] = '\0';
}

/* map_line() must refuse with this error and leave every map as it was. */
static void expect_line_refused(const char *label, enum map_id id, const char *key, const char *value,
				int bad_key)
{
	struct map_set s;
	char pic[300], want[400];

	map_set_init(&s);
	assert_int_equal(map_line(&s, MAP_DOMAINS, "before.example", "OK"), 0);
	if (map_line(&s, id, key, value) != -1)
		fail_msg("%s: %s accepted key \"%s\" value \"%s\"", label, map_name(id), key, value);
	shown(pic, sizeof(pic), key);
	if (bad_key)
		snprintf(want, sizeof(want), "%s: refusing key \"%s\"", map_name(id), pic);
	else
		snprintf(want, sizeof(want), "%s: refusing the value for \"%s\"", map_name(id), pic);
	check_error_text(label, s.error);
	if (strcmp(s.error, want) != 0)
		fail_msg("%s: error is\n  %s\nwant\n  %s", label, s.error, want);
	for (int i = 0; i < MAP_COUNT; i++)
		if (strcmp(buf_cstr(&s.map[i]), i == MAP_DOMAINS ? "before.example OK\n" : "") != 0)
			fail_msg("%s: %s changed by a refused line: \"%s\"", label, map_name((enum map_id)i),
				 buf_cstr(&s.map[i]));
	map_set_release(&s);
}

static void expect_line(const char *label, enum map_id id, const char *key, const char *value,
			const char *want)
{
	struct map_set s;

	map_set_init(&s);
	if (map_line(&s, id, key, value) != 0)
		fail_msg("%s: %s refused: %s", label, map_name(id), s.error);
	if (strcmp(buf_cstr(&s.map[id]), want) != 0)
		fail_msg("%s: %s is \"%s\", want \"%s\"", label, map_name(id), buf_cstr(&s.map[id]), want);
	check_set_text(label, &s);
	map_set_release(&s);
}

static void test_line_refuse(void **state)
{
	(void)state;
	for (int m = 0; m < MAP_COUNT; m++) {
		enum map_id id = (enum map_id)m;
		const char *good_value = id == MAP_WEBMAIL ? "roundcube" : "OK";

		for (size_t i = 0; i < N(bad_texts); i++) {
			const struct bad_text *b = &bad_texts[i];
			char label[128];

			snprintf(label, sizeof(label), "%s key with %s", map_name(id), b->label);
			expect_line_refused(label, id, b->text, good_value, 1);
			snprintf(label, sizeof(label), "%s value with %s", map_name(id), b->label);
			if (b->key_only && id != MAP_WEBMAIL) {
				char want[64];

				snprintf(want, sizeof(want), "k %s\n", b->text);
				expect_line(label, id, "k", b->text, want);
			} else {
				expect_line_refused(label, id, "k", b->text, 0);
			}
		}
	}
}

/* Bytes nginx treats specially inside or at the start of a token. */
static void test_line_nginx(void **state)
{
	static const char special[] = " ;{}'\"\\$#";

	(void)state;
	for (const char *c = special; *c; c++) {
		char key[64], value[64], label[64];

		snprintf(key, sizeof(key), "webmail.ex%cample.com", *c);
		snprintf(value, sizeof(value), "round%ccube", *c);
		snprintf(label, sizeof(label), "nginx key with '%c'", *c);
		expect_line_refused(label, MAP_WEBMAIL, key, "roundcube", 1);
		snprintf(label, sizeof(label), "nginx value with '%c'", *c);
		expect_line_refused(label, MAP_WEBMAIL, "webmail.example.com", value, 0);
		snprintf(value, sizeof(value), "%ccube", *c);
		snprintf(label, sizeof(label), "nginx value starting with '%c'", *c);
		expect_line_refused(label, MAP_WEBMAIL, "webmail.example.com", value, 0);
	}
	/* The same values are fine in a Postfix map (but for the blank, not in a key). */
	expect_line("Postfix value with ';' and '#'", MAP_ALIASES, "a@example.com", "#x;{}$'\"\\",
		    "a@example.com #x;{}$'\"\\\n");
	expect_line("Postfix key with '#' inside", MAP_TRANSPORT, "a#b.example", "virtual:",
		    "a#b.example virtual:\n");
}

static void test_line_lengths(void **state)
{
	static char key[MAP_KEY_MAX + 2], value[MAP_VALUE_MAX + 2], want[MAP_KEY_MAX + MAP_VALUE_MAX + 8];

	(void)state;
	memset(key, 'k', MAP_KEY_MAX);
	key[MAP_KEY_MAX] = '\0';
	memset(value, 'v', MAP_VALUE_MAX);
	value[MAP_VALUE_MAX] = '\0';
	for (int m = 0; m < MAP_COUNT; m++) {
		enum map_id id = (enum map_id)m;

		snprintf(want, sizeof(want), "%s %s%s\n", key, value, id == MAP_WEBMAIL ? ";" : "");
		expect_line("key and value at their maximum", id, key, value, want);
		key[MAP_KEY_MAX] = 'k';
		key[MAP_KEY_MAX + 1] = '\0';
		expect_line_refused("key one byte over", id, key, "v", 1);
		key[MAP_KEY_MAX] = '\0';
		value[MAP_VALUE_MAX] = 'v';
		value[MAP_VALUE_MAX + 1] = '\0';
		expect_line_refused("value one byte over", id, "k", value, 0);
		value[MAP_VALUE_MAX] = '\0';
	}
	/* Lengths are bytes: 160 two-byte characters make a full key. */
	{
		char utf[2 * 161 + 1] = "";

		for (int i = 0; i < 160; i++)
			strcat(utf, "\xc3\xa9");
		snprintf(want, sizeof(want), "%s v\n", utf);
		expect_line("key of 160 two-byte characters", MAP_ALIASES, utf, "v", want);
		strcat(utf, "\xc3\xa9");
		expect_line_refused("key of 161 two-byte characters", MAP_ALIASES, utf, "v", 1);
	}
}

/*
 * A mailbox's lines are put together from its local part and domain name
 * when those are known good pieces; a domain name that is no good as a
 * piece (the domain's own line was not rendered in this pass, which
 * would have refused it) takes the general way: the same lines, or the
 * same refusal, as composing and checking them whole.
 */
static void test_mailbox_domain_pieces(void **state)
{
	static const struct {
		const char *label, *domain;
		enum mail_policy policy;
		const char *error, *mailboxes, *aliases, *transport;
	} cases[] = {
		{ "blank in the domain", "a b.example", POLICY_REJECT,
		  "virtual_mailbox_maps: refusing key \"alice@a b.example\"", "", "", "" },
		{ "LF in the domain", "a\nb.example", POLICY_REJECT,
		  "virtual_mailbox_maps: refusing key \"alice@a\\x0ab.example\"", "", "", "" },
		{ "domain starting with '#' (fine inside a key)", "#b.example", POLICY_BOUNCE, "",
		  "alice@#b.example #b.example/alice/\n", "", "alice@#b.example virtual:\n" },
		{ "identity line under forward", "b.example", POLICY_FORWARD, "",
		  "alice@b.example b.example/alice/\n", "alice@b.example alice@b.example\n", "" },
		{ "empty domain (as composing it whole)", "", POLICY_REJECT, "", "alice@ /alice/\n", "", "" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct map_domain d = { cases[i].domain, 1, cases[i].policy, "Gone.", "x@y.example",
					"192.0.2.1", 25, NULL };
		struct map_set s;
		int rc;

		map_set_init(&s);
		s.wanted = MAP_ALL & ~MAP_BIT(MAP_DOMAINS);
		rc = map_render_mailbox(&s, &d, "alice");
		if (rc != (cases[i].error[0] ? -1 : 0) || strcmp(s.error, cases[i].error) != 0)
			fail_msg("%s: returned %d, error \"%s\"", cases[i].label, rc, s.error);
		if (strcmp(buf_cstr(&s.map[MAP_MAILBOXES]), cases[i].mailboxes) != 0 ||
		    strcmp(buf_cstr(&s.map[MAP_ALIASES]), cases[i].aliases) != 0 ||
		    strcmp(buf_cstr(&s.map[MAP_TRANSPORT]), cases[i].transport) != 0)
			fail_msg("%s: lines differ: [%s] [%s] [%s]", cases[i].label, buf_cstr(&s.map[MAP_MAILBOXES]),
				 buf_cstr(&s.map[MAP_ALIASES]), buf_cstr(&s.map[MAP_TRANSPORT]));
		map_set_release(&s);
	}
}

static void test_set(void **state)
{
	static const char *const names[MAP_COUNT] = {
		"virtual_mailbox_domains", "virtual_mailbox_maps", "virtual_alias_maps",
		"transport_maps", "webmail.map",
	};
	static const struct map_domain d = { "example.com", 1, POLICY_BOUNCE, "Gone.", NULL, NULL, 25,
					     "roundcube" };
	struct map_set s;

	(void)state;
	for (int i = 0; i < MAP_COUNT; i++) {
		assert_string_equal(map_name((enum map_id)i), names[i]);
		assert_int_equal(map_is_postfix((enum map_id)i), i != MAP_WEBMAIL);
	}
	map_set_init(&s);
	for (int i = 0; i < MAP_COUNT; i++)
		assert_int_equal(s.map[i].len, 0);
	assert_string_equal(s.error, "");
	assert_int_equal(map_render_domain(&s, &d), 0);
	assert_int_equal(map_render_mailbox(&s, &d, "Bad"), -1);
	assert_true(s.error[0] != '\0');
	/* reset: empty maps, no error, ready for the next snapshot */
	map_set_reset(&s);
	for (int i = 0; i < MAP_COUNT; i++)
		assert_string_equal(buf_cstr(&s.map[i]), "");
	assert_string_equal(s.error, "");
	assert_int_equal(map_render_mailbox(&s, &d, "alice"), 0);
	assert_string_equal(buf_cstr(&s.map[MAP_MAILBOXES]), "alice@example.com example.com/alice/\n");
	assert_string_equal(buf_cstr(&s.map[MAP_TRANSPORT]), "alice@example.com virtual:\n");
	/* release, then the set can be used again */
	map_set_release(&s);
	for (int i = 0; i < MAP_COUNT; i++)
		assert_string_equal(buf_cstr(&s.map[i]), "");
	assert_int_equal(map_render_domain(&s, &d), 0);
	assert_string_equal(buf_cstr(&s.map[MAP_WEBMAIL]), "webmail.example.com roundcube;\n");
	map_set_release(&s);
	map_set_release(&s);
}

/* ---- golden file: several domains, rendered as maps/build.c does ---- */

static const char *argv0 = "";

static const struct golden_domain {
	struct map_domain d;
	const char *mailboxes[MAX_ITEMS];
	struct alias aliases[MAX_ITEMS];
} golden[] = {
	{ { "example.com", 1, POLICY_BOUNCE, BOUNCE_TEXT, NULL, NULL, 25, "roundcube" },
	  { "alice", "bob", "first.last", NULL },
	  { { "info", "alice@example.com,bob@example.com" }, { "sales", "orders@partner.example" },
	    { NULL, NULL } } },
	{ { "xn--bcher-kva.example", 1, POLICY_FORWARD, BOUNCE_TEXT, "office@xn--bcher-kva.example", NULL, 25,
	    NULL },
	  { "office", "anna", NULL },
	  { { "kontakt", "anna@xn--bcher-kva.example" }, { NULL, NULL } } },
	{ { "mail-relay.example.net", 1, POLICY_REDIRECT, BOUNCE_TEXT, NULL, "2001:DB8:0:0:0:0:0:25", 2525,
	    "horde" },
	  { "postmaster", NULL }, { { NULL, NULL } } },
	{ { "shop.example.org", 1, POLICY_REJECT, BOUNCE_TEXT, "ignored@example.org", "192.0.2.99", 25, NULL },
	  { "orders", "no_reply", NULL },
	  { { "abuse", "postmaster@example.com" }, { "webmaster", "orders@shop.example.org" }, { NULL, NULL } } },
	{ { "off.example", 0, POLICY_BOUNCE, BOUNCE_TEXT, NULL, NULL, 25, "roundcube" },
	  { "ghost", NULL }, { { "info", "ghost@off.example" }, { NULL, NULL } } },
	{ { "legacy.example", 1, POLICY_REDIRECT, BOUNCE_TEXT, NULL, "192.0.2.25", 25, NULL },
	  { NULL }, { { "old", "new@example.com" }, { NULL, NULL } } },
	{ { "beispiel.de", 1, POLICY_BOUNCE,
	    "Diese Adresse gibt es hier nicht \xe2\x80\x93 bitte pr\xc3\xbc" "fen Sie die Schreibweise.", NULL,
	    NULL, 25, "roundcube" },
	  { "max.mustermann", "0815", NULL }, { { NULL, NULL } } },
	{ { "example.jp", 1, POLICY_FORWARD, NULL, "catch-all@example.com", NULL, 25, "snappymail" },
	  { "tanaka", NULL },
	  { { "team", "tanaka@example.jp,suzuki@example.org,sato@example.net" }, { NULL, NULL } } },
};

static void render_golden(struct buf *out)
{
	struct map_set s;

	map_set_init(&s);
	/* build.c reads all domains, then all mailboxes, then all aliases. */
	for (size_t i = 0; i < N(golden); i++)
		if (map_render_domain(&s, &golden[i].d) != 0)
			fail_msg("golden: %s", s.error);
	for (size_t i = 0; i < N(golden); i++)
		for (size_t j = 0; golden[i].mailboxes[j] != NULL; j++)
			if (map_render_mailbox(&s, &golden[i].d, golden[i].mailboxes[j]) != 0)
				fail_msg("golden: %s", s.error);
	for (size_t i = 0; i < N(golden); i++)
		for (size_t j = 0; golden[i].aliases[j].local != NULL; j++)
			if (map_render_alias(&s, &golden[i].d, golden[i].aliases[j].local,
					     golden[i].aliases[j].targets) != 0)
				fail_msg("golden: %s", s.error);
	check_set_text("golden", &s);
	for (int i = 0; i < MAP_COUNT; i++) {
		buf_appendf(out, "# %s\n", map_name((enum map_id)i));
		buf_append(out, s.map[i].data, s.map[i].len);
	}
	map_set_release(&s);
}

/* $top_srcdir/tests/unit/render.ref, else next to the binary (in-tree build), else above a build dir. */
static void ref_path(char *path, size_t size)
{
	const char *top = getenv("top_srcdir"), *slash = strrchr(argv0, '/');
	int dirlen = slash ? (int)(slash - argv0) : 1;
	const char *dir = slash ? argv0 : ".";
	FILE *f;

	if (top != NULL && *top != '\0') {
		snprintf(path, size, "%s/tests/unit/render.ref", top);
		return;
	}
	snprintf(path, size, "%.*s/render.ref", dirlen, dir);
	if ((f = fopen(path, "r")) != NULL) {
		fclose(f);
		return;
	}
	snprintf(path, size, "%.*s/../../../tests/unit/render.ref", dirlen, dir);
}

static int read_file(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(b, chunk, n);
	fclose(f);
	return 0;
}

static void test_golden(void **state)
{
	struct buf got = BUF_INIT, want = BUF_INIT;
	const char *regen = getenv("RENDER_REGEN");
	char path[4096];
	size_t line = 1, i;

	(void)state;
	render_golden(&got);
	ref_path(path, sizeof(path));
	if (regen != NULL && strcmp(regen, "1") == 0) {
		FILE *f = fopen(path, "wb");

		if (f == NULL || fwrite(got.data, 1, got.len, f) != got.len || fclose(f) != 0)
			fail_msg("RENDER_REGEN=1: cannot write %s", path);
		fail_msg("RENDER_REGEN=1: wrote %s (%zu bytes). Review it (git diff), then run the test "
			 "again without RENDER_REGEN. Failing on purpose.", path, got.len);
	}
	if (read_file(path, &want) != 0)
		fail_msg("cannot read %s (set top_srcdir, or run with RENDER_REGEN=1 to create it)", path);
	for (i = 0; i < got.len && i < want.len && got.data[i] == want.data[i]; i++)
		if (got.data[i] == '\n')
			line++;
	if (i != got.len || i != want.len) {
		const char *g = buf_cstr(&got), *w = buf_cstr(&want);
		size_t start = i;

		while (start > 0 && g[start - 1] != '\n')
			start--;
		fail_msg("rendered output differs from %s at line %zu (byte %zu):\n  got:  %.*s\n  want: %.*s\n"
			 "(if the change is intended: RENDER_REGEN=1 regenerates the file)", path, line, i,
			 (int)strcspn(g + start, "\n"), g + start, (int)strcspn(w + start, "\n"), w + start);
	}
	buf_release(&got);
	buf_release(&want);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_refuse),
		cmocka_unit_test(test_line_refuse),
		cmocka_unit_test(test_line_nginx),
		cmocka_unit_test(test_line_lengths),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_mailbox_domain_pieces),
		cmocka_unit_test(test_golden),
	};

	if (argc > 0)
		argv0 = argv[0];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
