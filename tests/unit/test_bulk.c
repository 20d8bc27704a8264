/*
 * Unit tests for model/bulk: the toolbar's forms, {domain} templates,
 * the form check, each domain's outcome, the before → after fields, the
 * input that undoes a change, and the selection digest.
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

#include "model/bulk.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SHOW(s) ((s) ? (s) : "(null)")

/* Message ids of model/bulk.c and model/mailcfg.c ... */
#define M_PLACEHOLDER "Only {domain} can stand for each domain's name in the address."
#define M_LIMIT_CHOICE "Choose a limit to change."
#define M_POLICY "Choose what happens to mail for nonexistent users."
#define M_FWD_NEEDED "Enter the address that will receive mail sent to nonexistent users."
#define M_FWD_DOMAIN "Outgoing mail control is on: the address must belong to the domain %s."
#define M_IP_NEEDED "Enter the IP address of the external mail server."
#define M_WEBMAIL "This webmail is not installed on the server; choose another one."
/* ... and of model/validate.c, which mailcfg passes on. */
#define LIM_EMPTY "Enter the number of messages per hour."
#define AD_AT "An e-mail address must contain exactly one @, as in name@example.com."
#define IP_BAD "This is not an IPv4 or IPv6 address."

static int str_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* ---- a form as name=value pairs ---- */

struct kv {
	const char *name;
	const char *value;
};

#define MAX_KV 12
struct form {
	struct kv f[MAX_KV];
};

static const char *get(void *ctx, const char *name)
{
	const struct form *form = ctx;

	for (size_t i = 0; i < MAX_KV && form->f[i].name; i++)
		if (strcmp(form->f[i].name, name) == 0)
			return form->f[i].value;
	return NULL;
}

/* The fields of a struct mail_input in a fixed order, for comparisons. */
static void input_fields(const struct mail_input *in, const char *out[11])
{
	out[0] = in->service;
	out[1] = in->policy;
	out[2] = in->bounce_message;
	out[3] = in->forward_address;
	out[4] = in->redirect_ip;
	out[5] = in->redirect_port;
	out[6] = in->webmail;
	out[7] = in->domain_limit_mode;
	out[8] = in->domain_limit;
	out[9] = in->mailbox_limit_mode;
	out[10] = in->mailbox_limit;
}

static const char *const input_names[11] = {
	"service", "policy", "bounce_message", "forward_address", "redirect_ip", "redirect_port",
	"webmail", "domain_limit_mode", "domain_limit", "mailbox_limit_mode", "mailbox_limit",
};

static void check_input(const char *label, const struct mail_input *got, const struct mail_input *want)
{
	const char *g[11], *w[11];

	input_fields(got, g);
	input_fields(want, w);
	for (int i = 0; i < 11; i++)
		if (!str_eq(g[i], w[i]))
			fail_msg("%s: %s is \"%s\", want \"%s\"", label, input_names[i], SHOW(g[i]),
				 SHOW(w[i]));
}

/* ---- bulk_parse, bulk_button, bulk_fields ---- */

static const struct parse_case {
	const char *label;
	const char *button;
	struct form form;
	int rc;
	enum bulk_action action;
	struct mail_input want;
} parse_cases[] = {
	{ "activate", "activate", { { { "service", "off" }, { "policy", "bounce" } } }, 0, BULK_SERVICE,
	  { .service = "on" } },
	{ "deactivate ignores every other field", "deactivate",
	  { { { "webmail", "horde" }, { "domain_limit_mode", "custom" } } }, 0, BULK_SERVICE,
	  { .service = "off" } },
	{ "webmail", "webmail", { { { "webmail", "roundcube" }, { "policy", "reject" } } }, 0,
	  BULK_WEBMAIL, { .webmail = "roundcube" } },
	{ "webmail none", "webmail", { { { "webmail", "none" } } }, 0, BULK_WEBMAIL,
	  { .webmail = "none" } },
	{ "webmail missing is empty", "webmail", { { { 0 } } }, 0, BULK_WEBMAIL, { .webmail = "" } },
	{ "bounce takes only its message", "policy",
	  { { { "policy", "bounce" }, { "bounce_message", "Gone." }, { "forward_address", "a@b.example" },
	      { "redirect_ip", "192.0.2.1" } } }, 0, BULK_POLICY,
	  { .policy = "bounce", .bounce_message = "Gone." } },
	{ "bounce without a message: the default text", "policy", { { { "policy", "bounce" } } }, 0,
	  BULK_POLICY, { .policy = "bounce", .bounce_message = "" } },
	{ "forward takes only its address", "policy",
	  { { { "policy", "forward" }, { "forward_address", "catchall@{domain}" },
	      { "bounce_message", "x" } } }, 0, BULK_POLICY,
	  { .policy = "forward", .forward_address = "catchall@{domain}" } },
	{ "redirect takes IP and port", "policy",
	  { { { "policy", "redirect" }, { "redirect_ip", "192.0.2.7" }, { "redirect_port", "2525" },
	      { "forward_address", "x@y.example" } } }, 0, BULK_POLICY,
	  { .policy = "redirect", .redirect_ip = "192.0.2.7", .redirect_port = "2525" } },
	{ "reject takes nothing else", "policy",
	  { { { "policy", "reject" }, { "forward_address", "x@y.example" } } }, 0, BULK_POLICY,
	  { .policy = "reject" } },
	{ "no policy chosen", "policy", { { { "bounce_message", "x" } } }, 0, BULK_POLICY,
	  { .policy = "" } },
	{ "unknown policy left to mailcfg", "policy", { { { "policy", "drop" } } }, 0, BULK_POLICY,
	  { .policy = "drop" } },
	{ "both limits", "limits",
	  { { { "domain_limit_mode", "custom" }, { "domain_limit", "300" },
	      { "mailbox_limit_mode", "unlimited" }, { "mailbox_limit", "5" } } }, 0, BULK_LIMITS,
	  { .domain_limit_mode = "custom", .domain_limit = "300", .mailbox_limit_mode = "unlimited" } },
	{ "keep leaves a limit alone", "limits",
	  { { { "domain_limit_mode", "keep" }, { "domain_limit", "300" },
	      { "mailbox_limit_mode", "default" } } }, 0, BULK_LIMITS,
	  { .mailbox_limit_mode = "default" } },
	{ "custom without its number", "limits", { { { "domain_limit_mode", "custom" } } }, 0,
	  BULK_LIMITS, { .domain_limit_mode = "custom", .domain_limit = "" } },
	{ "nothing chosen", "limits", { { { 0 } } }, 0, BULK_LIMITS, { 0 } },
	{ "unknown button", "explode", { { { 0 } } }, -1, BULK_SERVICE, { 0 } },
	{ "empty button", "", { { { 0 } } }, -1, BULK_SERVICE, { 0 } },
	{ "no button", NULL, { { { 0 } } }, -1, BULK_SERVICE, { 0 } },
	{ "button names are exact", "Activate", { { { 0 } } }, -1, BULK_SERVICE, { 0 } },
};

static void test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct bulk_request req;
		int rc = bulk_parse(c->button, get, (void *)&c->form, &req);

		if (rc != c->rc)
			fail_msg("%s: returns %d, want %d", c->label, rc, c->rc);
		if (rc != 0)
			continue;
		if (req.action != c->action)
			fail_msg("%s: action %d, want %d", c->label, (int)req.action, (int)c->action);
		check_input(c->label, &req.in, &c->want);
	}
}

/* What bulk_fields() writes is what bulk_parse() reads back: the preview's hidden fields. */
static void test_fields_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct bulk_request req, again;
		const char *names[16], *values[16];
		struct form carried;
		size_t n;

		if (c->rc != 0)
			continue;
		assert_int_equal(bulk_parse(c->button, get, (void *)&c->form, &req), 0);
		n = bulk_fields(&req, names, values, 16);
		assert_true(n < MAX_KV);
		memset(&carried, 0, sizeof(carried));
		for (size_t k = 0; k < n; k++)
			carried.f[k] = (struct kv){ names[k], values[k] };
		if (bulk_parse(bulk_button(&req), get, &carried, &again) != 0)
			fail_msg("%s: button %s not read back", c->label, bulk_button(&req));
		assert_int_equal(again.action, req.action);
		check_input(c->label, &again.in, &req.in);
	}
	assert_string_equal(bulk_action_name(BULK_SERVICE), "service");
	assert_string_equal(bulk_action_name(BULK_WEBMAIL), "webmail");
	assert_string_equal(bulk_action_name(BULK_POLICY), "policy");
	assert_string_equal(bulk_action_name(BULK_LIMITS), "limits");
}

/* ---- bulk_expand ---- */

static const struct expand_case {
	const char *tmpl;
	const char *domain;
	const char *want;		/* NULL: refused */
} expand_cases[] = {
	{ "catchall@{domain}", "example.com", "catchall@example.com" },
	{ "{domain}@archive.example", "shop.example", "shop.example@archive.example" },
	{ "x-{domain}@{domain}", "a.example", "x-a.example@a.example" },
	{ "fixed@example.net", "a.example", "fixed@example.net" },
	{ "", "a.example", "" },
	{ "catchall@{domain}", "xn--bcher-kva.example", "catchall@xn--bcher-kva.example" },
	{ "catchall@{Domain}", "a.example", NULL },
	{ "catchall@{domian}", "a.example", NULL },
	{ "catchall@{domain", "a.example", NULL },
	{ "catchall@domain}", "a.example", NULL },
	{ "{}@a.example", "a.example", NULL },
	{ "{{domain}}", "a.example", NULL },
};

static void test_expand(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(expand_cases); i++) {
		const struct expand_case *c = &expand_cases[i];
		char *got = bulk_expand(c->tmpl, c->domain);

		if (!str_eq(got, c->want))
			fail_msg("expand \"%s\" for %s: \"%s\", want \"%s\"", c->tmpl, c->domain,
				 SHOW(got), SHOW(c->want));
		free(got);
	}
	assert_true(bulk_is_template("a@{domain}"));
	assert_false(bulk_is_template("a@example.com"));
	assert_false(bulk_is_template(NULL));
}

/* ---- settings in tables ---- */

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
#define SPEC_FULL { 0, POLICY_FORWARD, "Gone fishing.", "info@a.example", "192.0.2.1", 2525, \
		    "roundcube", LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 }

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
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

static void check_settings(const char *label, const struct mail_settings *got, const struct spec *w)
{
	struct mail_settings want;

	settings_from(w, &want);
	if (!bulk_settings_equal(got, &want)) {
		struct bulk_field f[BULK_FIELDS];
		size_t n = bulk_diff(&want, got, f);

		fail_msg("%s: %zu fields differ, first %s is \"%s\", want \"%s\"", label, n,
			 n ? f[0].name : "?", n ? SHOW(f[0].after) : "", n ? SHOW(f[0].before) : "");
	}
	mailcfg_clear(&want);
}

static const char *const installed[] = { "roundcube", "horde" };

/* ---- bulk_check ---- */

static const struct check_case {
	const char *label;
	const char *button;
	struct form form;
	int outgoing_control;
	const char *field;		/* NULL: no error */
	const char *msgid;
} check_cases[] = {
	{ "activate", "activate", { { { 0 } } }, 0, NULL, NULL },
	{ "webmail installed", "webmail", { { { "webmail", "horde" } } }, 0, NULL, NULL },
	{ "webmail none", "webmail", { { { "webmail", "none" } } }, 0, NULL, NULL },
	{ "webmail not installed", "webmail", { { { "webmail", "snappymail" } } }, 0, "webmail", M_WEBMAIL },
	{ "no policy", "policy", { { { 0 } } }, 0, "policy", M_POLICY },
	{ "bad policy", "policy", { { { "policy", "drop" } } }, 0, "policy", M_POLICY },
	{ "reject", "policy", { { { "policy", "reject" } } }, 0, NULL, NULL },
	{ "bounce default", "policy", { { { "policy", "bounce" } } }, 0, NULL, NULL },
	{ "forward template", "policy",
	  { { { "policy", "forward" }, { "forward_address", "catchall@{domain}" } } }, 0, NULL, NULL },
	{ "forward template with outgoing control", "policy",
	  { { { "policy", "forward" }, { "forward_address", "catchall@{domain}" } } }, 1, NULL, NULL },
	/* A fixed address is each domain's business: refused per domain, not here. */
	{ "forward fixed with outgoing control", "policy",
	  { { { "policy", "forward" }, { "forward_address", "all@elsewhere.example" } } }, 1, NULL, NULL },
	{ "forward empty", "policy", { { { "policy", "forward" }, { "forward_address", " " } } }, 0,
	  "forward_address", M_FWD_NEEDED },
	{ "forward without @", "policy",
	  { { { "policy", "forward" }, { "forward_address", "catchall.{domain}" } } }, 0,
	  "forward_address", AD_AT },
	{ "forward with a wrong placeholder", "policy",
	  { { { "policy", "forward" }, { "forward_address", "catchall@{domian}" } } }, 0,
	  "forward_address", M_PLACEHOLDER },
	{ "redirect", "policy", { { { "policy", "redirect" }, { "redirect_ip", "2001:db8::25" } } }, 0,
	  NULL, NULL },
	{ "redirect without IP", "policy", { { { "policy", "redirect" } } }, 0, "redirect_ip",
	  M_IP_NEEDED },
	{ "redirect bad IP", "policy", { { { "policy", "redirect" }, { "redirect_ip", "mx.example" } } },
	  0, "redirect_ip", IP_BAD },
	{ "limits: nothing chosen", "limits", { { { 0 } } }, 0, "domain_limit", M_LIMIT_CHOICE },
	{ "limits: custom without number", "limits", { { { "mailbox_limit_mode", "custom" } } }, 0,
	  "mailbox_limit", LIM_EMPTY },
	{ "limits: custom", "limits",
	  { { { "domain_limit_mode", "custom" }, { "domain_limit", "42" } } }, 0, NULL, NULL },
	{ "limits: default and unlimited", "limits",
	  { { { "domain_limit_mode", "default" }, { "mailbox_limit_mode", "unlimited" } } }, 0, NULL, NULL },
};

static void test_check(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(check_cases); i++) {
		const struct check_case *c = &check_cases[i];
		struct mail_context ctx = { "ignored.example", c->outgoing_control, installed, 2 };
		struct mail_errors errs = { .n = 0 };
		struct bulk_request req;
		int n;

		assert_int_equal(bulk_parse(c->button, get, (void *)&c->form, &req), 0);
		n = bulk_check(&req, &ctx, &errs);
		if (c->field == NULL && n != 0)
			fail_msg("%s: error %s: %s", c->label, errs.e[0].field, errs.e[0].msgid);
		if (c->field == NULL)
			continue;
		if (n < 1 || !str_eq(errs.e[0].field, c->field) || !str_eq(errs.e[0].msgid, c->msgid))
			fail_msg("%s: %d errors, first %s: %s; want %s: %s", c->label, n,
				 n ? errs.e[0].field : "-", n ? errs.e[0].msgid : "-", c->field, c->msgid);
	}
}

/* ---- bulk_evaluate ---- */

static const struct eval_case {
	const char *label;
	struct spec current;
	const char *button;
	struct form form;
	const char *domain;
	int outgoing_control;
	enum bulk_outcome outcome;
	struct spec want;		/* BULK_CHANGE and BULK_SAME */
	const char *field;		/* BULK_REFUSED */
	const char *msgid;
	const char *arg;
} eval_cases[] = {
	{ "deactivate", SPEC_DEF, "deactivate", { { { 0 } } }, "a.example", 0, BULK_CHANGE,
	  { 0, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 }, NULL, NULL, NULL },
	{ "activate an active domain", SPEC_DEF, "activate", { { { 0 } } }, "a.example", 0, BULK_SAME,
	  SPEC_DEF, NULL, NULL, NULL },
	{ "forward template expands per domain", SPEC_DEF, "policy",
	  { { { "policy", "forward" }, { "forward_address", "catchall@{domain}" } } }, "b.example", 1,
	  BULK_CHANGE,
	  { 1, POLICY_FORWARD, NULL, "catchall@b.example", NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 }, NULL, NULL, NULL },
	{ "forward fixed, control off", SPEC_DEF, "policy",
	  { { { "policy", "forward" }, { "forward_address", "all@hub.example" } } }, "b.example", 0,
	  BULK_CHANGE,
	  { 1, POLICY_FORWARD, NULL, "all@hub.example", NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 }, NULL, NULL, NULL },
	{ "forward fixed, control on: refused elsewhere", SPEC_DEF, "policy",
	  { { { "policy", "forward" }, { "forward_address", "all@hub.example" } } }, "b.example", 1,
	  BULK_REFUSED, SPEC_DEF, "forward_address", M_FWD_DOMAIN, "b.example" },
	{ "forward fixed, control on: fine in its own domain", SPEC_DEF, "policy",
	  { { { "policy", "forward" }, { "forward_address", "all@hub.example" } } }, "hub.example", 1,
	  BULK_CHANGE,
	  { 1, POLICY_FORWARD, NULL, "all@hub.example", NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 }, NULL, NULL, NULL },
	{ "bounce keeps the forward address stored", SPEC_FULL, "policy",
	  { { { "policy", "bounce" }, { "bounce_message", "Closed." } } }, "a.example", 0, BULK_CHANGE,
	  { 0, POLICY_BOUNCE, "Closed.", "info@a.example", "192.0.2.1", 2525, "roundcube",
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 }, NULL, NULL, NULL },
	/* The per-domain page refuses a save while the stored forward breaks the rule; so does bulk. */
	{ "stored forward outside the domain under control", SPEC_FULL, "webmail",
	  { { { "webmail", "horde" } } }, "b.example", 1, BULK_REFUSED, SPEC_FULL,
	  "forward_address", M_FWD_DOMAIN, "b.example" },
	{ "webmail none", SPEC_FULL, "webmail", { { { "webmail", "none" } } }, "a.example", 1,
	  BULK_CHANGE,
	  { 0, POLICY_FORWARD, "Gone fishing.", "info@a.example", "192.0.2.1", 2525, NULL,
	    LIMIT_CUSTOM, 100, LIMIT_UNLIMITED, 50 }, NULL, NULL, NULL },
	{ "redirect with default port", SPEC_DEF, "policy",
	  { { { "policy", "redirect" }, { "redirect_ip", "192.0.2.9" }, { "redirect_port", "" } } },
	  "a.example", 0, BULK_CHANGE,
	  { 1, POLICY_REDIRECT, NULL, NULL, "192.0.2.9", 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 }, NULL, NULL, NULL },
	{ "limits keep the other one", SPEC_FULL, "limits",
	  { { { "domain_limit_mode", "default" }, { "mailbox_limit_mode", "keep" } } }, "a.example", 0,
	  BULK_CHANGE,
	  { 0, POLICY_FORWARD, "Gone fishing.", "info@a.example", "192.0.2.1", 2525, "roundcube",
	    LIMIT_DEFAULT, 100, LIMIT_UNLIMITED, 50 }, NULL, NULL, NULL },
	{ "limits already so", SPEC_FULL, "limits",
	  { { { "domain_limit_mode", "custom" }, { "domain_limit", "100" } } }, "a.example", 0, BULK_SAME,
	  SPEC_FULL, NULL, NULL, NULL },
	{ "bad placeholder refused per domain", SPEC_DEF, "policy",
	  { { { "policy", "forward" }, { "forward_address", "x@{host}" } } }, "a.example", 0,
	  BULK_REFUSED, SPEC_DEF, "forward_address", M_PLACEHOLDER, NULL },
};

static void test_evaluate(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(eval_cases); i++) {
		const struct eval_case *c = &eval_cases[i];
		struct mail_context ctx = { c->domain, c->outgoing_control, installed, 2 };
		struct mail_errors errs = { .n = 0 };
		struct mail_settings current, next;
		struct bulk_request req;
		enum bulk_outcome o;

		assert_int_equal(bulk_parse(c->button, get, (void *)&c->form, &req), 0);
		settings_from(&c->current, &current);
		memset(&next, 0, sizeof(next));
		o = bulk_evaluate(&req, &ctx, &current, &next, &errs);
		if (o != c->outcome)
			fail_msg("%s: outcome %d, want %d (%s)", c->label, (int)o, (int)c->outcome,
				 errs.n ? errs.e[0].msgid : "no error");
		if (o == BULK_REFUSED) {
			assert_true(errs.n >= 1);
			if (!str_eq(errs.e[0].field, c->field) || !str_eq(errs.e[0].msgid, c->msgid) ||
			    !str_eq(errs.e[0].arg, c->arg))
				fail_msg("%s: refused for %s: %s (%s)", c->label, errs.e[0].field,
					 errs.e[0].msgid, SHOW(errs.e[0].arg));
		} else {
			assert_int_equal(errs.n, 0);
			check_settings(c->label, &next, &c->want);
		}
		mailcfg_clear(&current);
		mailcfg_clear(&next);
	}
}

/* ---- bulk_diff: the audit log's keys and text forms ---- */

static const struct diff_case {
	const char *label;
	struct spec a, b;
	size_t n;
	struct { const char *name, *before, *after; } f[BULK_FIELDS];
} diff_cases[] = {
	{ "same", SPEC_FULL, SPEC_FULL, 0, { { 0 } } },
	{ "service", SPEC_DEF,
	  { 0, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 }, 1,
	  { { "service", "true", "false" } } },
	{ "every field", SPEC_DEF, SPEC_FULL, 11,
	  { { "service", "true", "false" }, { "policy", "reject", "forward" },
	    { "bounce_message", NULL, "Gone fishing." }, { "forward_address", NULL, "info@a.example" },
	    { "redirect_ip", NULL, "192.0.2.1" }, { "redirect_port", "25", "2525" },
	    { "webmail", NULL, "roundcube" }, { "domain_limit_mode", "default", "custom" },
	    { "domain_limit", NULL, "100" }, { "mailbox_limit_mode", "default", "unlimited" },
	    { "mailbox_limit", NULL, "50" } } },
	{ "limit numbers below 1 are none",
	  { 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, -1 },
	  { 1, POLICY_REJECT, NULL, NULL, NULL, 25, NULL, LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 }, 0,
	  { { 0 } } },
};

static void test_diff(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(diff_cases); i++) {
		const struct diff_case *c = &diff_cases[i];
		struct mail_settings a, b;
		struct bulk_field f[BULK_FIELDS];
		size_t n;

		settings_from(&c->a, &a);
		settings_from(&c->b, &b);
		n = bulk_diff(&a, &b, f);
		if (n != c->n)
			fail_msg("%s: %zu fields, want %zu", c->label, n, c->n);
		for (size_t k = 0; k < n; k++)
			if (!str_eq(f[k].name, c->f[k].name) || !str_eq(f[k].before, c->f[k].before) ||
			    !str_eq(f[k].after, c->f[k].after))
				fail_msg("%s: field %zu is %s \"%s\" -> \"%s\", want %s \"%s\" -> \"%s\"",
					 c->label, k, f[k].name, SHOW(f[k].before), SHOW(f[k].after),
					 c->f[k].name, SHOW(c->f[k].before), SHOW(c->f[k].after));
		assert_int_equal(bulk_settings_equal(&a, &b), n == 0);
		mailcfg_clear(&a);
		mailcfg_clear(&b);
	}
}

/* ---- bulk_restore_input: undo goes through mailcfg like any change ---- */

static const struct spec restore_specs[] = {
	SPEC_DEF,
	SPEC_FULL,
	{ 1, POLICY_BOUNCE, NULL, NULL, NULL, 25, "horde", LIMIT_UNLIMITED, 0, LIMIT_CUSTOM, 7 },
	{ 0, POLICY_REDIRECT, "Old text.", NULL, "2001:db8::1", 587, NULL, LIMIT_DEFAULT, 300,
	  LIMIT_DEFAULT, 0 },
	{ 1, POLICY_FORWARD, NULL, "info@a.example", NULL, 25, NULL, LIMIT_CUSTOM, 1000000,
	  LIMIT_UNLIMITED, 0 },
};

static void test_restore(void **state)
{
	(void)state;
	/* From every state back to every other: the input only names what differs. */
	for (size_t i = 0; i < N(restore_specs); i++) {
		for (size_t j = 0; j < N(restore_specs); j++) {
			struct mail_context ctx = { "a.example", 0, installed, 2 };
			struct mail_settings before, current, next;
			struct mail_errors errs = { .n = 0 };
			struct bulk_field f[BULK_FIELDS];
			char port[16], dl[16], ml[16], label[64];
			struct mail_input in;
			const char *fields[11];
			size_t set = 0;

			snprintf(label, sizeof(label), "restore %zu from %zu", i, j);
			settings_from(&restore_specs[i], &before);
			settings_from(&restore_specs[j], &current);
			bulk_restore_input(&before, &current, &in, port, dl, ml);
			input_fields(&in, fields);
			for (int k = 0; k < 11; k++)
				set += fields[k] != NULL;
			if (i == j && set != 0)
				fail_msg("%s: %zu fields for no difference", label, set);
			if (mailcfg_apply(&current, &in, &ctx, &next, &errs) != 0)
				fail_msg("%s: refused: %s %s", label, errs.e[0].field, errs.e[0].msgid);
			/* What mailcfg makes of it is before, except limit numbers not in use. */
			next.domain_limit = before.domain_limit;
			next.mailbox_limit = before.mailbox_limit;
			if (!bulk_settings_equal(&next, &before)) {
				size_t n = bulk_diff(&before, &next, f);

				fail_msg("%s: %zu fields differ, first %s", label, n, f[0].name);
			}
			mailcfg_clear(&before);
			mailcfg_clear(&current);
			mailcfg_clear(&next);
		}
	}
}

/* An undo under today's rules: a forward outside the domain is refused with control on. */
static void test_restore_refused(void **state)
{
	static const struct spec was = { 1, POLICY_FORWARD, NULL, "hub@other.example", NULL, 25, NULL,
					 LIMIT_DEFAULT, 0, LIMIT_DEFAULT, 0 };
	static const struct spec now = SPEC_DEF;
	struct mail_context ctx = { "a.example", 1, installed, 2 };
	struct mail_settings before, current, next;
	struct mail_errors errs = { .n = 0 };
	char port[16], dl[16], ml[16];
	struct mail_input in;

	(void)state;
	settings_from(&was, &before);
	settings_from(&now, &current);
	bulk_restore_input(&before, &current, &in, port, dl, ml);
	assert_string_equal(in.policy, "forward");
	assert_string_equal(in.forward_address, "hub@other.example");
	assert_null(in.service);
	assert_null(in.webmail);
	assert_int_equal(mailcfg_apply(&current, &in, &ctx, &next, &errs), 1);
	assert_string_equal(errs.e[0].field, "forward_address");
	assert_string_equal(errs.e[0].msgid, M_FWD_DOMAIN);
	mailcfg_clear(&before);
	mailcfg_clear(&current);
	mailcfg_clear(&next);
}

/* ---- bulk_digest_add ---- */

static void test_digest(void **state)
{
	uint64_t a = BULK_DIGEST_INIT, b = BULK_DIGEST_INIT, c = BULK_DIGEST_INIT;

	(void)state;
	/* FNV-1a 64 of the empty string is the offset basis. */
	assert_true(BULK_DIGEST_INIT == UINT64_C(0xcbf29ce484222325));
	a = bulk_digest_add(bulk_digest_add(a, 1, 1), 2, 1);
	b = bulk_digest_add(bulk_digest_add(b, 1, 1), 2, 1);
	assert_true(a == b);
	/* Another version, another domain, another order: another digest. */
	c = bulk_digest_add(bulk_digest_add(BULK_DIGEST_INIT, 1, 1), 2, 2);
	assert_true(a != c);
	c = bulk_digest_add(bulk_digest_add(BULK_DIGEST_INIT, 2, 1), 1, 1);
	assert_true(a != c);
	c = bulk_digest_add(BULK_DIGEST_INIT, 1, 1);
	assert_true(a != c);
	/* "1:12;" is not "11:2;". */
	assert_true(bulk_digest_add(BULK_DIGEST_INIT, 1, 12) != bulk_digest_add(BULK_DIGEST_INIT, 11, 2));
	/* A known value: FNV-1a 64 of "1:1;". */
	assert_true(bulk_digest_add(BULK_DIGEST_INIT, 1, 1) == UINT64_C(0xd92066f0dac53106));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_fields_round_trip),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_evaluate),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_restore),
		cmocka_unit_test(test_restore_refused),
		cmocka_unit_test(test_digest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
