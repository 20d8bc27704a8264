/*
 * Unit tests for model/servercfg: server-wide settings and their rules.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "model/servercfg.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SHOW(s) ((s) ? (s) : "(null)")

/* Message ids of model/servercfg.c and model/validate.c. */
#define M_OUTGOING "Choose whether outgoing mail control is on or off."
#define M_MODE "Choose unlimited or a number of messages."
#define M_ACTION "Choose to defer or to reject messages over the limit."
#define M_LANGUAGE "Choose one of the offered languages."
#define LIM_EMPTY "Enter the number of messages per hour."
#define LIM_RANGE "The limit must be a whole number from 1 to 1,000,000 messages per hour."

#define BASE { 0, 0, 200, "defer", "en" }

static const struct server_config base = BASE;

struct err {
	const char *field;
	const char *msgid;
};

#define MAX_ERRS 6

static const struct apply_case {
	const char *label;
	struct server_input in;
	size_t n_errs;
	struct err errs[MAX_ERRS];
	struct server_config want;
} cases[] = {
	{ "nothing given", { 0 }, 0, { { 0 } }, BASE },
	{ "outgoing control on", { .outgoing_control = "on" }, 0, { { 0 } }, { 1, 0, 200, "defer", "en" } },
	{ "outgoing control off", { .outgoing_control = "off" }, 0, { { 0 } }, BASE },
	{ "outgoing control garbage", { .outgoing_control = "yes" }, 1, { { "outgoing_control", M_OUTGOING } },
	  BASE },
	{ "outgoing control upper case", { .outgoing_control = "ON" }, 1,
	  { { "outgoing_control", M_OUTGOING } }, BASE },
	{ "outgoing control empty", { .outgoing_control = "" }, 1, { { "outgoing_control", M_OUTGOING } },
	  BASE },

	{ "custom domain limit", { .domain_limit_mode = "custom", .domain_limit = "500" }, 0, { { 0 } },
	  { 0, 500, 200, "defer", "en" } },
	{ "highest domain limit", { .domain_limit_mode = "custom", .domain_limit = "1000000" }, 0, { { 0 } },
	  { 0, 1000000, 200, "defer", "en" } },
	{ "custom domain limit without a number", { .domain_limit_mode = "custom" }, 1,
	  { { "domain_limit", LIM_EMPTY } }, BASE },
	{ "custom domain limit with an empty number", { .domain_limit_mode = "custom", .domain_limit = "" },
	  1, { { "domain_limit", LIM_EMPTY } }, BASE },
	{ "custom domain limit zero", { .domain_limit_mode = "custom", .domain_limit = "0" }, 1,
	  { { "domain_limit", LIM_RANGE } }, BASE },
	{ "custom domain limit over the maximum", { .domain_limit_mode = "custom", .domain_limit = "1000001" },
	  1, { { "domain_limit", LIM_RANGE } }, BASE },
	{ "custom domain limit not a number", { .domain_limit_mode = "custom", .domain_limit = "lots" }, 1,
	  { { "domain_limit", LIM_RANGE } }, BASE },
	{ "unlimited mailbox limit", { .mailbox_limit_mode = "unlimited" }, 0, { { 0 } },
	  { 0, 0, 0, "defer", "en" } },
	{ "unlimited ignores the number", { .mailbox_limit_mode = "unlimited", .mailbox_limit = "5" }, 0,
	  { { 0 } }, { 0, 0, 0, "defer", "en" } },
	{ "a number without a mode is ignored", { .mailbox_limit = "5" }, 0, { { 0 } }, BASE },
	{ "an invalid number without a mode is reported", { .mailbox_limit = "x5" }, 1,
	  { { "mailbox_limit", "The limit must be a whole number from 1 to 1,000,000 messages per hour." } }, BASE },
	{ "unlimited with an invalid number", { .domain_limit_mode = "unlimited", .domain_limit = "0" }, 1,
	  { { "domain_limit", "The limit must be a whole number from 1 to 1,000,000 messages per hour." } }, BASE },
	{ "custom number with blanks around it", { .mailbox_limit_mode = "custom", .mailbox_limit = " 42\t" }, 0,
	  { { 0 } }, { 0, 0, 42, "defer", "en" } },
	{ "custom without a number", { .mailbox_limit_mode = "custom", .mailbox_limit = "  " }, 1,
	  { { "mailbox_limit", "Enter the number of messages per hour." } }, BASE },
	{ "default is not a server mode", { .domain_limit_mode = "default" }, 1,
	  { { "domain_limit", M_MODE } }, BASE },
	{ "empty mode", { .mailbox_limit_mode = "" }, 1, { { "mailbox_limit", M_MODE } }, BASE },
	{ "mode upper case", { .mailbox_limit_mode = "Custom", .mailbox_limit = "5" }, 1,
	  { { "mailbox_limit", M_MODE } }, BASE },
	{ "custom mailbox limit", { .mailbox_limit_mode = "custom", .mailbox_limit = "10" }, 0, { { 0 } },
	  { 0, 0, 10, "defer", "en" } },
	{ "custom mailbox limit invalid", { .mailbox_limit_mode = "custom", .mailbox_limit = "-10" }, 1,
	  { { "mailbox_limit", LIM_RANGE } }, BASE },

	{ "over limit: reject", { .over_limit_action = "reject" }, 0, { { 0 } },
	  { 0, 0, 200, "reject", "en" } },
	{ "over limit: defer", { .over_limit_action = "defer" }, 0, { { 0 } }, BASE },
	{ "over limit: unknown", { .over_limit_action = "bounce" }, 1, { { "over_limit_action", M_ACTION } },
	  BASE },
	{ "over limit: upper case", { .over_limit_action = "Reject" }, 1,
	  { { "over_limit_action", M_ACTION } }, BASE },
	{ "over limit: empty", { .over_limit_action = "" }, 1, { { "over_limit_action", M_ACTION } }, BASE },
	{ "over limit: too long to fit", { .over_limit_action = "rejected-later" }, 1,
	  { { "over_limit_action", M_ACTION } }, BASE },

	{ "language fr", { .default_language = "fr" }, 0, { { 0 } }, { 0, 0, 200, "defer", "fr" } },
	{ "language sv", { .default_language = "sv" }, 0, { { 0 } }, { 0, 0, 200, "defer", "sv" } },
	{ "language en", { .default_language = "en" }, 0, { { 0 } }, BASE },
	{ "language not shipped", { .default_language = "de" }, 1, { { "default_language", M_LANGUAGE } },
	  BASE },
	{ "language upper case", { .default_language = "FR" }, 1, { { "default_language", M_LANGUAGE } },
	  BASE },
	{ "language with region", { .default_language = "fr-CH" }, 1,
	  { { "default_language", M_LANGUAGE } }, BASE },
	{ "language empty", { .default_language = "" }, 1, { { "default_language", M_LANGUAGE } }, BASE },
	{ "language too long to fit", { .default_language = "francais-de-france" }, 1,
	  { { "default_language", M_LANGUAGE } }, BASE },

	{ "one message per field, in field order",
	  { .outgoing_control = "x", .domain_limit_mode = "x", .mailbox_limit_mode = "custom",
	    .over_limit_action = "x", .default_language = "x" }, 5,
	  { { "outgoing_control", M_OUTGOING }, { "domain_limit", M_MODE }, { "mailbox_limit", LIM_EMPTY },
	    { "over_limit_action", M_ACTION }, { "default_language", M_LANGUAGE } }, BASE },
	{ "valid fields applied beside an invalid one",
	  { .outgoing_control = "on", .domain_limit_mode = "custom", .domain_limit = "0",
	    .mailbox_limit_mode = "custom", .mailbox_limit = "30", .default_language = "sv" }, 1,
	  { { "domain_limit", LIM_RANGE } }, { 1, 0, 30, "defer", "sv" } },
	{ "everything changed at once",
	  { .outgoing_control = "on", .domain_limit_mode = "custom", .domain_limit = "1000",
	    .mailbox_limit_mode = "unlimited", .over_limit_action = "reject", .default_language = "fr" }, 0,
	  { { 0 } }, { 1, 1000, 0, "reject", "fr" } },
};

static void check_config(const char *label, const struct server_config *got,
			 const struct server_config *want)
{
	if (got->outgoing_control != want->outgoing_control)
		fail_msg("%s: outgoing_control %d, want %d", label, got->outgoing_control,
			 want->outgoing_control);
	if (got->default_domain_limit != want->default_domain_limit)
		fail_msg("%s: default_domain_limit %d, want %d", label, got->default_domain_limit,
			 want->default_domain_limit);
	if (got->default_mailbox_limit != want->default_mailbox_limit)
		fail_msg("%s: default_mailbox_limit %d, want %d", label, got->default_mailbox_limit,
			 want->default_mailbox_limit);
	if (memchr(got->over_limit_action, '\0', sizeof(got->over_limit_action)) == NULL ||
	    strcmp(got->over_limit_action, want->over_limit_action) != 0)
		fail_msg("%s: over_limit_action \"%.8s\", want \"%s\"", label, got->over_limit_action,
			 want->over_limit_action);
	if (memchr(got->default_language, '\0', sizeof(got->default_language)) == NULL ||
	    strcmp(got->default_language, want->default_language) != 0)
		fail_msg("%s: default_language \"%.8s\", want \"%s\"", label, got->default_language,
			 want->default_language);
}

static void test_apply(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		const struct apply_case *c = &cases[i];
		struct server_config out;
		struct mail_errors errs = { 0 };
		int rc;

		memset(&out, 0x5a, sizeof(out));
		rc = servercfg_apply(&base, &c->in, &out, &errs);
		for (size_t j = 0; j < errs.n && j < c->n_errs; j++) {
			if (strcmp(errs.e[j].field, c->errs[j].field) != 0 ||
			    strcmp(errs.e[j].msgid, c->errs[j].msgid) != 0 || errs.e[j].arg != NULL)
				fail_msg("%s: error %zu is %s: \"%s\", want %s: \"%s\"", c->label, j,
					 errs.e[j].field, errs.e[j].msgid, c->errs[j].field, c->errs[j].msgid);
		}
		if (errs.n != c->n_errs)
			fail_msg("%s: %zu errors (first: %s), want %zu", c->label, errs.n,
				 errs.n ? errs.e[0].field : "none", c->n_errs);
		if (rc != (int)c->n_errs)
			fail_msg("%s: returns %d, want %zu", c->label, rc, c->n_errs);
		check_config(c->label, &out, &c->want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
