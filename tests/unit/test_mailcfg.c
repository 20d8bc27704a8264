/*
 * Unit tests for model/mailcfg: every field of struct mail_input, the
 * rules that tie fields together, and the small helpers around them.
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

#include "model/mailcfg.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SHOW(s) ((s) ? (s) : "(null)")

#define E10 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
#define E100 E10 E10 E10 E10 E10 E10 E10 E10 E10 E10
#define E200 E100 E100
#define E201 E200 "\xc3\xa9"

/* Message ids of model/mailcfg.c ... */
#define M_SERVICE "Choose whether the mail service is on or off."
#define M_POLICY "Choose what happens to mail for nonexistent users."
#define M_FWD_NEEDED "Enter the address that will receive mail sent to nonexistent users."
#define M_FWD_DOMAIN "Outgoing mail control is on: the address must belong to the domain %s."
#define M_IP_NEEDED "Enter the IP address of the external mail server."
#define M_WEBMAIL "This webmail is not installed on the server; choose another one."
#define M_LIMIT_MODE "Choose the default, unlimited, or a number of messages."
#define M_DEFAULT_BOUNCE "This address does not exist here. Please check the spelling of the address."
/* ... and of model/validate.c, which it passes on. */
#define LIM_EMPTY "Enter the number of messages per hour."
#define LIM_RANGE "The limit must be a whole number from 1 to 1,000,000 messages per hour."
#define AD_AT "An e-mail address must contain exactly one @, as in name@example.com."
#define AD_CHAR "The part of the address before the @ contains a character that is not allowed."
#define DOM_TWO_LABELS "The domain name needs at least two labels, such as example.com."
#define IP_BAD "This is not an IPv4 or IPv6 address."
#define IP_V4_NO "This IPv4 address cannot receive mail (unspecified, multicast or reserved)."
#define IP_V6_NO "This IPv6 address cannot receive mail (unspecified or multicast)."
#define PORT_RANGE "The port must be a whole number from 1 to 65535."
#define BT_UTF8 "The message contains bytes that are not valid UTF-8 text."
#define BT_CONTROL "The message must be a single line without tabs or control characters."
#define BT_LONG "The message is longer than 200 characters."

/* struct mail_settings with constant strings, for tables. */
struct spec {
	int service;
	enum mail_policy policy;
	const char *bounce;
	const char *forward;
	const char *ip;
	int port;
	const char *webmail;
	enum limit_mode dmode;
	int dlimit;
	enum limit_mode mmode;
	int mlimit;
};

#define SPEC_DEF { 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 }
#define SPEC_FULL { 0, POLICY_FORWARD, "Gone fishing.", "info@example.com", "192.0.2.1", 2525, \
		    "roundcube", LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 }

enum base_id { B_DEF, B_FULL };
static const struct spec bases[] = { [B_DEF] = SPEC_DEF, [B_FULL] = SPEC_FULL };

static const char *const installed[] = { "roundcube", "horde" };

enum ctx_id { C_PLAIN, C_CTRL, C_CTRL_NET, C_CTRL_NODOMAIN, C_NOWEB };
static const struct mail_context contexts[] = {
	[C_PLAIN] = { "example.com", 0, installed, 2 },
	[C_CTRL] = { "example.com", 1, installed, 2 },
	[C_CTRL_NET] = { "example.net", 1, installed, 2 },
	[C_CTRL_NODOMAIN] = { NULL, 1, installed, 2 },
	[C_NOWEB] = { "example.com", 0, NULL, 0 },
};

struct err {
	const char *field;
	const char *msgid;
	const char *arg;
};

static int str_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static char *dup_or_null(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	assert_non_null(d);
	return d;
}

static void settings_from(const struct spec *sp, struct mail_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->service = sp->service;
	s->policy = sp->policy;
	s->bounce_message = dup_or_null(sp->bounce);
	s->forward_address = dup_or_null(sp->forward);
	s->redirect_ip = dup_or_null(sp->ip);
	s->redirect_port = sp->port;
	s->webmail = dup_or_null(sp->webmail);
	s->domain_limit_mode = sp->dmode;
	s->domain_limit = sp->dlimit;
	s->mailbox_limit_mode = sp->mmode;
	s->mailbox_limit = sp->mlimit;
}

static void check_int(const char *label, const char *what, int got, int want)
{
	if (got != want)
		fail_msg("%s: %s is %d, want %d", label, what, got, want);
}

static void check_str(const char *label, const char *what, const char *got, const char *want)
{
	if (!str_eq(got, want))
		fail_msg("%s: %s is \"%s\", want \"%s\"", label, what, SHOW(got), SHOW(want));
}

static void check_settings(const char *label, const struct mail_settings *s, const struct spec *w)
{
	check_int(label, "service", s->service, w->service);
	check_int(label, "policy", (int)s->policy, (int)w->policy);
	check_str(label, "bounce_message", s->bounce_message, w->bounce);
	check_str(label, "forward_address", s->forward_address, w->forward);
	check_str(label, "redirect_ip", s->redirect_ip, w->ip);
	check_int(label, "redirect_port", s->redirect_port, w->port);
	check_str(label, "webmail", s->webmail, w->webmail);
	check_int(label, "domain_limit_mode", (int)s->domain_limit_mode, (int)w->dmode);
	check_int(label, "domain_limit", s->domain_limit, w->dlimit);
	check_int(label, "mailbox_limit_mode", (int)s->mailbox_limit_mode, (int)w->mmode);
	check_int(label, "mailbox_limit", s->mailbox_limit, w->mlimit);
}

static void check_errors(const char *label, const struct mail_errors *errs, const struct err *want,
			 size_t n)
{
	for (size_t i = 0; i < errs->n && i < n; i++) {
		if (!str_eq(errs->e[i].field, want[i].field) || !str_eq(errs->e[i].msgid, want[i].msgid) ||
		    !str_eq(errs->e[i].arg, want[i].arg))
			fail_msg("%s: error %zu is %s: \"%s\" (%s), want %s: \"%s\" (%s)", label, i,
				 SHOW(errs->e[i].field), SHOW(errs->e[i].msgid), SHOW(errs->e[i].arg),
				 SHOW(want[i].field), SHOW(want[i].msgid), SHOW(want[i].arg));
	}
	if (errs->n != n)
		fail_msg("%s: %zu errors (first: %s), want %zu", label, errs->n,
			 errs->n ? errs->e[0].field : "none", n);
}

#define MAX_ERRS 10

static const struct apply_case {
	const char *label;
	enum base_id base;
	struct mail_input in;
	enum ctx_id ctx;
	size_t n_errs;
	struct err errs[MAX_ERRS];
	struct spec want;
} apply_cases[] = {
	/* Nothing given: everything is left as it is, rules still hold. */
	{ "nothing given keeps the defaults", B_DEF, { 0 }, C_PLAIN, 0, { { 0 } }, SPEC_DEF },
	{ "nothing given keeps every field", B_FULL, { 0 }, C_PLAIN, 0, { { 0 } }, SPEC_FULL },
	{ "nothing given, forward inside the domain", B_FULL, { 0 }, C_CTRL, 0, { { 0 } }, SPEC_FULL },
	{ "rules checked on the unchanged base", B_FULL, { 0 }, C_CTRL_NET,
	  1, { { "forward_address", M_FWD_DOMAIN, "example.net" } }, SPEC_FULL },

	/* service */
	{ "service off", B_DEF, { .service = "off" }, C_PLAIN, 0, { { 0 } },
	  { 0, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "service on", B_FULL, { .service = "on" }, C_PLAIN, 0, { { 0 } },
	  { 1, POLICY_FORWARD, "Gone fishing.", "info@example.com", "192.0.2.1", 2525, "roundcube",
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 } },
	{ "service garbage", B_DEF, { .service = "yes" }, C_PLAIN,
	  1, { { "service", M_SERVICE, NULL } }, SPEC_DEF },
	{ "service upper case", B_FULL, { .service = "ON" }, C_PLAIN,
	  1, { { "service", M_SERVICE, NULL } }, SPEC_FULL },
	{ "service empty", B_DEF, { .service = "" }, C_PLAIN,
	  1, { { "service", M_SERVICE, NULL } }, SPEC_DEF },

	/* policy */
	{ "policy bounce", B_DEF, { .policy = "bounce" }, C_PLAIN, 0, { { 0 } },
	  { 1, POLICY_BOUNCE, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "policy reject", B_FULL, { .policy = "reject" }, C_PLAIN, 0, { { 0 } },
	  { 0, POLICY_REJECT, "Gone fishing.", "info@example.com", "192.0.2.1", 2525, "roundcube",
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 } },
	{ "policy garbage", B_FULL, { .policy = "Forward" }, C_PLAIN,
	  1, { { "policy", M_POLICY, NULL } }, SPEC_FULL },
	{ "policy empty", B_DEF, { .policy = "" }, C_PLAIN,
	  1, { { "policy", M_POLICY, NULL } }, SPEC_DEF },

	/* forward */
	{ "policy forward needs an address", B_DEF, { .policy = "forward" }, C_PLAIN,
	  1, { { "forward_address", M_FWD_NEEDED, NULL } },
	  { 1, POLICY_FORWARD, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "policy forward with an address, domain lowered", B_DEF,
	  { .policy = "forward", .forward_address = "Sales@Example.COM" }, C_PLAIN, 0, { { 0 } },
	  { 1, POLICY_FORWARD, NULL, "Sales@example.com", NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "forward address with a Unicode domain stored in punycode", B_DEF,
	  { .forward_address = "Info@B\xc3\xbc" "cher.Example" }, C_PLAIN, 0, { { 0 } },
	  { 1, POLICY_REJECT, NULL, "Info@xn--bcher-kva.example", NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "forward address with an invalid Unicode domain", B_DEF,
	  { .forward_address = "a@\xc3\xbc" }, C_PLAIN,
	  1, { { "forward_address", "The domain name needs at least two labels, such as example.com.", NULL } },
	  { 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "forward address trimmed", B_DEF, { .forward_address = "  a@example.org \t" }, C_PLAIN, 0, { { 0 } },
	  { 1, POLICY_REJECT, NULL, "a@example.org", NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "forward address cleared while forwarding", B_FULL, { .forward_address = "" }, C_PLAIN,
	  1, { { "forward_address", M_FWD_NEEDED, NULL } },
	  { 0, POLICY_FORWARD, "Gone fishing.", NULL, "192.0.2.1", 2525, "roundcube",
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 } },
	{ "blank forward address cleared", B_DEF, { .forward_address = "   " }, C_PLAIN, 0, { { 0 } }, SPEC_DEF },
	{ "invalid forward address: one message", B_DEF,
	  { .policy = "forward", .forward_address = "not-an-address" }, C_PLAIN,
	  1, { { "forward_address", AD_AT, NULL } },
	  { 1, POLICY_FORWARD, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "invalid forward address reported under another policy", B_DEF,
	  { .forward_address = "a@@example.com" }, C_PLAIN,
	  1, { { "forward_address", AD_AT, NULL } }, SPEC_DEF },
	{ "invalid forward address keeps the stored one", B_FULL,
	  { .forward_address = "bad address@example.com" }, C_PLAIN,
	  1, { { "forward_address", AD_CHAR, NULL } }, SPEC_FULL },
	{ "forward to a one-label domain", B_DEF, { .forward_address = "a@localhost" }, C_PLAIN,
	  1, { { "forward_address", DOM_TWO_LABELS, NULL } }, SPEC_DEF },

	/* forward under outgoing mail control */
	{ "outgoing control, address in the domain", B_DEF,
	  { .policy = "forward", .forward_address = "info@example.com" }, C_CTRL, 0, { { 0 } },
	  { 1, POLICY_FORWARD, NULL, "info@example.com", NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "outgoing control, domain lowered before the rule", B_DEF,
	  { .policy = "forward", .forward_address = "info@EXAMPLE.com" }, C_CTRL, 0, { { 0 } },
	  { 1, POLICY_FORWARD, NULL, "info@example.com", NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "outgoing control, other domain", B_DEF,
	  { .policy = "forward", .forward_address = "a@example.org" }, C_CTRL,
	  1, { { "forward_address", M_FWD_DOMAIN, "example.com" } },
	  { 1, POLICY_FORWARD, NULL, "a@example.org", NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "outgoing control, subdomain", B_DEF,
	  { .policy = "forward", .forward_address = "a@mail.example.com" }, C_CTRL,
	  1, { { "forward_address", M_FWD_DOMAIN, "example.com" } },
	  { 1, POLICY_FORWARD, NULL, "a@mail.example.com", NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "outgoing control, look-alike domain", B_DEF,
	  { .policy = "forward", .forward_address = "a@badexample.com" }, C_CTRL,
	  1, { { "forward_address", M_FWD_DOMAIN, "example.com" } },
	  { 1, POLICY_FORWARD, NULL, "a@badexample.com", NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "outgoing control, local part naming the domain", B_DEF,
	  { .policy = "forward", .forward_address = "example.com@example.org" }, C_CTRL,
	  1, { { "forward_address", M_FWD_DOMAIN, "example.com" } },
	  { 1, POLICY_FORWARD, NULL, "example.com@example.org", NULL, 25, NULL, LIMIT_DEFAULT, 0,
	    LIMIT_DEFAULT, 0 } },
	{ "outgoing control, policy changed away from forward", B_FULL, { .policy = "bounce" }, C_CTRL_NET,
	  0, { { 0 } },
	  { 0, POLICY_BOUNCE, "Gone fishing.", "info@example.com", "192.0.2.1", 2525, "roundcube",
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 } },
	{ "outgoing control only matters when forwarding", B_DEF,
	  { .policy = "bounce", .forward_address = "a@example.org" }, C_CTRL, 0, { { 0 } },
	  { 1, POLICY_BOUNCE, NULL, "a@example.org", NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "outgoing control without a domain in the context", B_DEF,
	  { .policy = "forward", .forward_address = "a@example.org" }, C_CTRL_NODOMAIN, 0, { { 0 } },
	  { 1, POLICY_FORWARD, NULL, "a@example.org", NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "outgoing control, invalid address: one message", B_DEF,
	  { .policy = "forward", .forward_address = "nobody" }, C_CTRL,
	  1, { { "forward_address", AD_AT, NULL } },
	  { 1, POLICY_FORWARD, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "outgoing control off, other domain", B_DEF,
	  { .policy = "forward", .forward_address = "a@example.org" }, C_PLAIN, 0, { { 0 } },
	  { 1, POLICY_FORWARD, NULL, "a@example.org", NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },

	/* redirect */
	{ "policy redirect needs an IP address", B_DEF, { .policy = "redirect" }, C_PLAIN,
	  1, { { "redirect_ip", M_IP_NEEDED, NULL } },
	  { 1, POLICY_REDIRECT, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "policy redirect, IPv6 canonical, default port", B_DEF,
	  { .policy = "redirect", .redirect_ip = "2001:DB8:0::1" }, C_PLAIN, 0, { { 0 } },
	  { 1, POLICY_REDIRECT, NULL, NULL, "2001:db8::1", 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "IPv6 in brackets with blanks", B_DEF, { .redirect_ip = " [::1] " }, C_PLAIN, 0, { { 0 } },
	  { 1, POLICY_REJECT, NULL, NULL, "::1", 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "policy redirect with IP and port", B_DEF,
	  { .policy = "redirect", .redirect_ip = "192.0.2.7", .redirect_port = "587" }, C_PLAIN, 0, { { 0 } },
	  { 1, POLICY_REDIRECT, NULL, NULL, "192.0.2.7", 587, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "redirect port trimmed", B_FULL, { .redirect_port = " 465 " }, C_PLAIN, 0, { { 0 } },
	  { 0, POLICY_FORWARD, "Gone fishing.", "info@example.com", "192.0.2.1", 465, "roundcube",
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 } },
	{ "empty redirect port means 25", B_FULL, { .redirect_port = "" }, C_PLAIN, 0, { { 0 } },
	  { 0, POLICY_FORWARD, "Gone fishing.", "info@example.com", "192.0.2.1", 25, "roundcube",
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 } },
	{ "blank redirect port means 25", B_FULL, { .redirect_port = "  " }, C_PLAIN, 0, { { 0 } },
	  { 0, POLICY_FORWARD, "Gone fishing.", "info@example.com", "192.0.2.1", 25, "roundcube",
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 } },
	{ "redirect port out of range", B_FULL, { .redirect_port = "70000" }, C_PLAIN,
	  1, { { "redirect_port", PORT_RANGE, NULL } }, SPEC_FULL },
	{ "redirect port zero", B_DEF, { .redirect_port = "0" }, C_PLAIN,
	  1, { { "redirect_port", PORT_RANGE, NULL } }, SPEC_DEF },
	{ "redirect port not a number", B_DEF, { .redirect_port = "smtp" }, C_PLAIN,
	  1, { { "redirect_port", PORT_RANGE, NULL } }, SPEC_DEF },
	{ "invalid redirect IP: one message", B_DEF, { .policy = "redirect", .redirect_ip = "999.1.1.1" },
	  C_PLAIN, 1, { { "redirect_ip", IP_BAD, NULL } },
	  { 1, POLICY_REDIRECT, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "multicast redirect IP keeps the stored one", B_FULL, { .redirect_ip = "224.0.0.1" }, C_PLAIN,
	  1, { { "redirect_ip", IP_V4_NO, NULL } }, SPEC_FULL },
	{ "IPv6 multicast redirect IP", B_DEF, { .redirect_ip = "ff02::1" }, C_PLAIN,
	  1, { { "redirect_ip", IP_V6_NO, NULL } }, SPEC_DEF },
	{ "redirect IP cleared", B_FULL, { .redirect_ip = "" }, C_PLAIN, 0, { { 0 } },
	  { 0, POLICY_FORWARD, "Gone fishing.", "info@example.com", NULL, 2525, "roundcube",
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 } },
	{ "redirect IP cleared while redirecting", B_FULL, { .policy = "redirect", .redirect_ip = "" },
	  C_PLAIN, 1, { { "redirect_ip", M_IP_NEEDED, NULL } },
	  { 0, POLICY_REDIRECT, "Gone fishing.", "info@example.com", NULL, 2525, "roundcube",
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 } },
	{ "invalid redirect IP reported under another policy", B_DEF,
	  { .redirect_ip = "mail.example.com" }, C_PLAIN, 1, { { "redirect_ip", IP_BAD, NULL } }, SPEC_DEF },
	{ "invalid redirect IP and port both reported", B_DEF, { .redirect_ip = "x", .redirect_port = "x" },
	  C_PLAIN, 2, { { "redirect_ip", IP_BAD, NULL }, { "redirect_port", PORT_RANGE, NULL } }, SPEC_DEF },

	/* webmail */
	{ "installed webmail", B_DEF, { .webmail = "horde" }, C_PLAIN, 0, { { 0 } },
	  { 1, POLICY_REJECT, NULL, NULL, NULL, 25, "horde", LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "webmail not installed keeps the stored one", B_FULL, { .webmail = "squirrelmail" }, C_PLAIN,
	  1, { { "webmail", M_WEBMAIL, NULL } }, SPEC_FULL },
	{ "webmail none", B_FULL, { .webmail = "none" }, C_PLAIN, 0, { { 0 } },
	  { 0, POLICY_FORWARD, "Gone fishing.", "info@example.com", "192.0.2.1", 2525, NULL,
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 } },
	{ "webmail empty", B_FULL, { .webmail = "" }, C_PLAIN, 0, { { 0 } },
	  { 0, POLICY_FORWARD, "Gone fishing.", "info@example.com", "192.0.2.1", 2525, NULL,
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 } },
	{ "webmail names are case-sensitive", B_DEF, { .webmail = "Horde" }, C_PLAIN,
	  1, { { "webmail", M_WEBMAIL, NULL } }, SPEC_DEF },
	{ "no webmail installed", B_DEF, { .webmail = "roundcube" }, C_NOWEB,
	  1, { { "webmail", M_WEBMAIL, NULL } }, SPEC_DEF },
	{ "no webmail installed, none chosen", B_FULL, { .webmail = "none" }, C_NOWEB, 0, { { 0 } },
	  { 0, POLICY_FORWARD, "Gone fishing.", "info@example.com", "192.0.2.1", 2525, NULL,
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 } },

	/* bounce message */
	{ "bounce message trimmed", B_DEF, { .bounce_message = "  Nobody here.  " }, C_PLAIN, 0, { { 0 } },
	  { 1, POLICY_REJECT, "Nobody here.", NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "empty bounce message means the default", B_FULL, { .bounce_message = "" }, C_PLAIN, 0, { { 0 } },
	  { 0, POLICY_FORWARD, NULL, "info@example.com", "192.0.2.1", 2525, "roundcube",
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 } },
	{ "blank bounce message means the default", B_FULL, { .bounce_message = " \t " }, C_PLAIN, 0, { { 0 } },
	  { 0, POLICY_FORWARD, NULL, "info@example.com", "192.0.2.1", 2525, "roundcube",
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 } },
	{ "bounce message of 200 characters", B_DEF, { .bounce_message = E200 }, C_PLAIN, 0, { { 0 } },
	  { 1, POLICY_REJECT, E200, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "bounce message of 201 characters", B_FULL, { .bounce_message = E201 }, C_PLAIN,
	  1, { { "bounce_message", BT_LONG, NULL } }, SPEC_FULL },
	{ "bounce message with a newline", B_DEF, { .bounce_message = "a\nb" }, C_PLAIN,
	  1, { { "bounce_message", BT_CONTROL, NULL } }, SPEC_DEF },
	{ "bounce message in Latin-1", B_DEF, { .bounce_message = "caf\xe9" }, C_PLAIN,
	  1, { { "bounce_message", BT_UTF8, NULL } }, SPEC_DEF },

	/* domain limit */
	{ "custom domain limit", B_DEF, { .domain_limit_mode = "custom", .domain_limit = "500" }, C_PLAIN,
	  0, { { 0 } },
	  { 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_CUSTOM, 500, LIMIT_DEFAULT, 0 } },
	{ "custom domain limit trimmed", B_DEF, { .domain_limit_mode = "custom", .domain_limit = " 20 " },
	  C_PLAIN, 0, { { 0 } },
	  { 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_CUSTOM, 20, LIMIT_DEFAULT, 0 } },
	{ "custom domain limit without a number", B_DEF, { .domain_limit_mode = "custom" }, C_PLAIN,
	  1, { { "domain_limit", LIM_EMPTY, NULL } },
	  { 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_CUSTOM, 0, LIMIT_DEFAULT, 0 } },
	{ "custom domain limit with an empty number", B_DEF,
	  { .domain_limit_mode = "custom", .domain_limit = "" }, C_PLAIN,
	  1, { { "domain_limit", LIM_EMPTY, NULL } },
	  { 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_CUSTOM, 0, LIMIT_DEFAULT, 0 } },
	{ "custom domain limit with a bad number", B_DEF,
	  { .domain_limit_mode = "custom", .domain_limit = "ten" }, C_PLAIN,
	  1, { { "domain_limit", LIM_RANGE, NULL } },
	  { 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_CUSTOM, 0, LIMIT_DEFAULT, 0 } },
	{ "custom domain limit over the maximum", B_FULL,
	  { .domain_limit_mode = "custom", .domain_limit = "1000001" }, C_PLAIN,
	  1, { { "domain_limit", LIM_RANGE, NULL } }, SPEC_FULL },
	{ "custom domain limit keeps the stored number", B_FULL, { .domain_limit_mode = "custom" }, C_PLAIN,
	  0, { { 0 } }, SPEC_FULL },
	{ "domain limit unlimited keeps the number", B_FULL, { .domain_limit_mode = "unlimited" }, C_PLAIN,
	  0, { { 0 } },
	  { 0, POLICY_FORWARD, "Gone fishing.", "info@example.com", "192.0.2.1", 2525, "roundcube",
	    LIMIT_UNLIMITED, 100, LIMIT_UNLIMITED, 50 } },
	{ "domain limit default keeps the number", B_FULL, { .domain_limit_mode = "default" }, C_PLAIN,
	  0, { { 0 } },
	  { 0, POLICY_FORWARD, "Gone fishing.", "info@example.com", "192.0.2.1", 2525, "roundcube",
	    LIMIT_DEFAULT, 100, LIMIT_UNLIMITED, 50 } },
	{ "domain limit unlimited with an empty number", B_FULL,
	  { .domain_limit_mode = "unlimited", .domain_limit = "" }, C_PLAIN, 0, { { 0 } },
	  { 0, POLICY_FORWARD, "Gone fishing.", "info@example.com", "192.0.2.1", 2525, "roundcube",
	    LIMIT_UNLIMITED, 100, LIMIT_UNLIMITED, 50 } },
	{ "unknown domain limit mode", B_DEF, { .domain_limit_mode = "max" }, C_PLAIN,
	  1, { { "domain_limit", M_LIMIT_MODE, NULL } }, SPEC_DEF },
	{ "domain limit mode upper case", B_FULL, { .domain_limit_mode = "Custom", .domain_limit = "5" },
	  C_PLAIN, 1, { { "domain_limit", M_LIMIT_MODE, NULL } }, SPEC_FULL },
	{ "bad number reported when not custom", B_DEF, { .domain_limit_mode = "default", .domain_limit = "0" },
	  C_PLAIN, 1, { { "domain_limit", LIM_RANGE, NULL } }, SPEC_DEF },
	{ "number without a mode", B_DEF, { .domain_limit = "20" }, C_PLAIN, 0, { { 0 } },
	  { 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 20, LIMIT_DEFAULT, 0 } },
	{ "empty number with the stored custom mode", B_FULL, { .domain_limit = "" }, C_PLAIN,
	  1, { { "domain_limit", LIM_EMPTY, NULL } }, SPEC_FULL },

	/* mailbox limit */
	{ "custom mailbox limit", B_DEF, { .mailbox_limit_mode = "custom", .mailbox_limit = "10" }, C_PLAIN,
	  0, { { 0 } },
	  { 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_CUSTOM, 10 } },
	{ "custom mailbox limit keeps the stored number", B_FULL, { .mailbox_limit_mode = "custom" },
	  C_PLAIN, 0, { { 0 } },
	  { 0, POLICY_FORWARD, "Gone fishing.", "info@example.com", "192.0.2.1", 2525, "roundcube",
	    LIMIT_CUSTOM, 100, LIMIT_CUSTOM, 50 } },
	{ "custom mailbox limit without a number", B_DEF, { .mailbox_limit_mode = "custom" }, C_PLAIN,
	  1, { { "mailbox_limit", LIM_EMPTY, NULL } },
	  { 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_CUSTOM, 0 } },
	{ "unknown mailbox limit mode", B_DEF, { .mailbox_limit_mode = "none" }, C_PLAIN,
	  1, { { "mailbox_limit", M_LIMIT_MODE, NULL } }, SPEC_DEF },
	{ "bad mailbox number", B_FULL, { .mailbox_limit = "-1" }, C_PLAIN,
	  1, { { "mailbox_limit", LIM_RANGE, NULL } }, SPEC_FULL },

	/* several fields */
	{ "one message per field, in field order", B_DEF,
	  { .service = "x", .policy = "drop", .bounce_message = "a\x7f", .forward_address = "x",
	    .redirect_ip = "x", .redirect_port = "x", .webmail = "x", .domain_limit_mode = "x",
	    .mailbox_limit_mode = "x" }, C_PLAIN,
	  9, { { "service", M_SERVICE, NULL }, { "policy", M_POLICY, NULL },
	       { "bounce_message", BT_CONTROL, NULL }, { "forward_address", AD_AT, NULL },
	       { "redirect_ip", IP_BAD, NULL }, { "redirect_port", PORT_RANGE, NULL },
	       { "webmail", M_WEBMAIL, NULL }, { "domain_limit", M_LIMIT_MODE, NULL },
	       { "mailbox_limit", M_LIMIT_MODE, NULL } }, SPEC_DEF },
	{ "a valid field applied beside an invalid one", B_DEF,
	  { .service = "off", .webmail = "horde", .redirect_port = "0" }, C_PLAIN,
	  1, { { "redirect_port", PORT_RANGE, NULL } },
	  { 0, POLICY_REJECT, NULL, NULL, NULL, 25, "horde", LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 } },
	{ "everything changed at once", B_DEF,
	  { .service = "off", .policy = "redirect", .bounce_message = "Go away.",
	    .forward_address = "X@Example.Net", .redirect_ip = "192.0.2.9", .redirect_port = "2525",
	    .webmail = "roundcube", .domain_limit_mode = "custom", .domain_limit = "300",
	    .mailbox_limit_mode = "unlimited", .mailbox_limit = "7" }, C_CTRL, 0, { { 0 } },
	  { 0, POLICY_REDIRECT, "Go away.", "X@example.net", "192.0.2.9", 2525, "roundcube",
	    LIMIT_CUSTOM, 300, LIMIT_UNLIMITED, 7 } },
};

static void test_apply(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(apply_cases); i++) {
		const struct apply_case *c = &apply_cases[i];
		struct mail_settings base, out;
		struct mail_errors errs = { 0 };
		int rc;

		settings_from(&bases[c->base], &base);
		rc = mailcfg_apply(&base, &c->in, &contexts[c->ctx], &out, &errs);
		check_errors(c->label, &errs, c->errs, c->n_errs);
		check_int(c->label, "return value", rc, (int)c->n_errs);
		check_settings(c->label, &out, &c->want);
		/* base is not changed, and out owns its own strings. */
		check_settings(c->label, &base, &bases[c->base]);
		if ((out.bounce_message && out.bounce_message == base.bounce_message) ||
		    (out.forward_address && out.forward_address == base.forward_address) ||
		    (out.redirect_ip && out.redirect_ip == base.redirect_ip) ||
		    (out.webmail && out.webmail == base.webmail))
			fail_msg("%s: out shares a string with base", c->label);
		mailcfg_clear(&out);
		mailcfg_clear(&base);
	}
}

/* The return value counts the errors added by this call only. */
static void test_apply_appends(void **state)
{
	struct mail_settings base, out;
	struct mail_errors errs = { 0 };
	struct mail_input in = { .service = "maybe" };

	(void)state;
	mailcfg_defaults(&base);
	mailcfg_error(&errs, "other", "Earlier.", NULL);
	assert_int_equal(mailcfg_apply(&base, &in, &contexts[C_PLAIN], &out, &errs), 1);
	assert_int_equal(errs.n, 2);
	assert_string_equal(errs.e[0].field, "other");
	assert_string_equal(errs.e[1].field, "service");
	mailcfg_clear(&out);
}

static void test_defaults(void **state)
{
	static const struct spec want = SPEC_DEF;
	struct mail_settings s;

	(void)state;
	memset(&s, 0xa5, sizeof(s));
	mailcfg_defaults(&s);
	check_settings("mailcfg_defaults", &s, &want);
	assert_int_equal(MAILCFG_DEFAULT_PORT, 25);
	assert_string_equal(mailcfg_default_bounce(), M_DEFAULT_BOUNCE);
	mailcfg_clear(&s);
}

static void test_copy_clear(void **state)
{
	static const struct spec empty = { 0, POLICY_FORWARD, NULL, NULL, NULL, 2525, NULL,
					   LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 };
	struct mail_settings src, dst;

	(void)state;
	settings_from(&bases[B_FULL], &src);
	mailcfg_copy(&dst, &src);
	check_settings("copy", &dst, &bases[B_FULL]);
	assert_ptr_not_equal(dst.bounce_message, src.bounce_message);
	assert_ptr_not_equal(dst.forward_address, src.forward_address);
	assert_ptr_not_equal(dst.redirect_ip, src.redirect_ip);
	assert_ptr_not_equal(dst.webmail, src.webmail);
	mailcfg_clear(&src);
	/* The copy survives the original and clearing leaves NULL strings. */
	check_settings("copy after clearing the original", &dst, &bases[B_FULL]);
	mailcfg_clear(&dst);
	check_settings("cleared", &dst, &empty);
	mailcfg_clear(&dst);
	mailcfg_clear(NULL);

	/* Copying settings without strings. */
	mailcfg_defaults(&src);
	mailcfg_copy(&dst, &src);
	check_settings("copy of defaults", &dst, &bases[B_DEF]);
	mailcfg_clear(&dst);
}

static const struct error_text_case {
	const char *label;
	const char *msgid;
	const char *arg;
	size_t size;
	const char *want;
} error_text_cases[] = {
	{ "no argument", "Plain text.", NULL, 100, "Plain text." },
	{ "argument in the middle", "Domain %s here.", "example.com", 100, "Domain example.com here." },
	{ "argument at the start", "%s is wrong.", "x", 100, "x is wrong." },
	{ "argument at the end", "Wrong: %s", "x", 100, "Wrong: x" },
	{ "only the argument", "%s", "abc", 100, "abc" },
	{ "empty argument", "[%s]", "", 100, "[]" },
	{ "hole without an argument", "Domain %s here.", NULL, 100, "Domain %s here." },
	{ "argument without a hole", "No hole.", "x", 100, "No hole." },
	{ "only the first hole", "%s and %s", "x", 100, "x and %s" },
	{ "argument is not a format", "a%sb", "%d%s%n", 100, "a%d%s%nb" },
	{ "other directives kept", "100%% %d %s", "x", 100, "100%% %d x" },
	{ "outgoing control message", M_FWD_DOMAIN, "example.com", 200,
	  "Outgoing mail control is on: the address must belong to the domain example.com." },
	{ "truncated before the argument", "Domain %s here.", "example.com", 8, "Domain " },
	{ "truncated inside the argument", "Domain %s here.", "example.com", 12, "Domain exam" },
	{ "truncated without an argument", "Plain text.", NULL, 6, "Plain" },
	{ "room for the terminator only", "Plain text.", NULL, 1, "" },
	{ "exact fit", "ab%s", "cd", 5, "abcd" },
};

static void test_error_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(error_text_cases); i++) {
		const struct error_text_case *c = &error_text_cases[i];
		struct field_error e = { "field", c->msgid, c->arg };
		char out[256];

		memset(out, 'x', sizeof(out));
		mailcfg_error_text(&e, out, c->size);
		if (memchr(out, '\0', c->size) == NULL)
			fail_msg("%s: not terminated within %zu bytes", c->label, c->size);
		check_str(c->label, "text", out, c->want);
		for (size_t j = c->size; j < sizeof(out); j++)
			if (out[j] != 'x')
				fail_msg("%s: wrote past %zu bytes", c->label, c->size);
	}
}

static const struct name_case {
	const char *label;
	const char *name;
	int policy;		/* the enum, or -1 when not a policy */
	int mode;		/* the enum, or -1 when not a limit mode */
} name_cases[] = {
	{ "bounce", "bounce", POLICY_BOUNCE, -1 },
	{ "forward", "forward", POLICY_FORWARD, -1 },
	{ "redirect", "redirect", POLICY_REDIRECT, -1 },
	{ "reject", "reject", POLICY_REJECT, -1 },
	{ "default", "default", -1, LIMIT_DEFAULT },
	{ "unlimited", "unlimited", -1, LIMIT_UNLIMITED },
	{ "custom", "custom", -1, LIMIT_CUSTOM },
	{ "upper case", "Bounce", -1, -1 },
	{ "upper-case mode", "CUSTOM", -1, -1 },
	{ "trailing blank", "reject ", -1, -1 },
	{ "leading blank", " custom", -1, -1 },
	{ "prefix", "redir", -1, -1 },
	{ "longer", "customs", -1, -1 },
	{ "empty", "", -1, -1 },
	{ "unknown", "drop", -1, -1 },
};

static void test_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(name_cases); i++) {
		const struct name_case *c = &name_cases[i];
		enum mail_policy p = (enum mail_policy)77;
		enum limit_mode m = (enum limit_mode)77;
		int prc = mailcfg_policy_parse(c->name, &p);
		int mrc = mailcfg_limit_mode_parse(c->name, &m);

		if (c->policy < 0) {
			if (prc != -1 || (int)p != 77)
				fail_msg("%s: \"%s\" parsed as policy %d (rc %d)", c->label, c->name, (int)p, prc);
		} else {
			if (prc != 0 || (int)p != c->policy)
				fail_msg("%s: \"%s\" parsed as policy %d (rc %d), want %d", c->label, c->name,
					 (int)p, prc, c->policy);
			check_str(c->label, "policy name", mailcfg_policy_name(p), c->name);
		}
		if (c->mode < 0) {
			if (mrc != -1 || (int)m != 77)
				fail_msg("%s: \"%s\" parsed as limit mode %d (rc %d)", c->label, c->name, (int)m, mrc);
		} else {
			if (mrc != 0 || (int)m != c->mode)
				fail_msg("%s: \"%s\" parsed as limit mode %d (rc %d), want %d", c->label, c->name,
					 (int)m, mrc, c->mode);
			check_str(c->label, "limit mode name", mailcfg_limit_mode_name(m), c->name);
		}
	}
}

static void test_errors(void **state)
{
	static const char *const fields[] = {
		"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9",
		"f10", "f11", "f12", "f13", "f14", "f15", "f16", "f17",
	};
	struct mail_errors errs = { 0 };
	const struct field_error *e;

	(void)state;
	mailcfg_error(&errs, "service", "First.", NULL);
	mailcfg_error(&errs, "service", "Second.", "x");
	mailcfg_error(&errs, "policy", "Third %s.", "y");
	assert_int_equal(errs.n, 2);
	e = mailcfg_error_for(&errs, "service");
	assert_non_null(e);
	assert_string_equal(e->msgid, "First.");
	assert_null(e->arg);
	e = mailcfg_error_for(&errs, "policy");
	assert_non_null(e);
	assert_string_equal(e->msgid, "Third %s.");
	assert_string_equal(e->arg, "y");
	assert_null(mailcfg_error_for(&errs, "webmail"));
	assert_null(mailcfg_error_for(&errs, "servic"));

	/* At most MAILCFG_MAX_ERRORS are kept. */
	memset(&errs, 0, sizeof(errs));
	for (size_t i = 0; i < N(fields); i++)
		mailcfg_error(&errs, fields[i], "Bad.", NULL);
	assert_int_equal(errs.n, MAILCFG_MAX_ERRORS);
	assert_string_equal(errs.e[MAILCFG_MAX_ERRORS - 1].field, "f15");
	assert_null(mailcfg_error_for(&errs, "f16"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_apply_appends),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_copy_clear),
		cmocka_unit_test(test_error_text),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
