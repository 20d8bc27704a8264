/*
 * Unit tests for i18n: Accept-Language negotiation and the list of
 * shipped languages.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "i18n/i18n.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SHOW(s) ((s) ? (s) : "(null)")

#define X70 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static int str_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static const struct negotiate_case {
	const char *label;
	const char *header;
	const char *want;
} negotiate_cases[] = {
	/* Nothing usable. */
	{ "no header", NULL, NULL },
	{ "empty header", "", NULL },
	{ "blank header", "   ", NULL },
	{ "only commas", ",,,", NULL },
	{ "unsupported language", "de", NULL },
	{ "several unsupported languages", "de-DE, es;q=0.9, it;q=0.8", NULL },
	{ "prefix of a language", "e", NULL },
	{ "longer than a language", "french", NULL },
	{ "language as a suffix", "x-fr", NULL },
	/* Plain tags. */
	{ "English", "en", "en" },
	{ "French", "fr", "fr" },
	{ "Swedish", "sv", "sv" },
	{ "unsupported first", "de, fr", "fr" },
	{ "empty elements skipped", " , ,sv", "sv" },
	/* Regional tags fall back to their language. */
	{ "regional tag", "fr-CH", "fr" },
	{ "regional tag with underscore", "en_GB", "en" },
	{ "regional tag with script", "sv-Latn-SE", "sv" },
	{ "browser default", "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "fr" },
	/* Case does not matter. */
	{ "upper case", "FR", "fr" },
	{ "mixed case region", "Fr-ch", "fr" },
	{ "upper-case Swedish", "SV-se", "sv" },
	/* q-values. */
	{ "higher q later", "de-DE, en-US;q=0.7, fr;q=0.8", "fr" },
	{ "higher q for Swedish", "en;q=0.5, sv;q=0.6", "sv" },
	{ "tie goes to the first", "en, sv", "en" },
	{ "tie with q goes to the first", "sv;q=0.5, en;q=0.5", "sv" },
	{ "implicit q=1 beats 0.999", "fr;q=0.999, sv", "sv" },
	{ "three decimals compared", "fr;q=0.501, sv;q=0.5", "fr" },
	{ "q=1", "fr;q=1", "fr" },
	{ "q=1.", "fr;q=1.", "fr" },
	{ "q=1.000", "fr;q=1.000", "fr" },
	{ "smallest q", "fr;q=0.001, de", "fr" },
	{ "upper-case Q", "fr;Q=0.5", "fr" },
	{ "blanks around elements", " fr ; q=0.5 , en ; q=0.4", "fr" },
	{ "q=0 refuses", "fr;q=0", NULL },
	{ "q=0.0 refuses", "fr;q=0.0", NULL },
	{ "q=0.000 refuses", "fr;q=0.000", NULL },
	{ "q=0 then another", "fr;q=0, en", "en" },
	{ "refused then accepted", "fr;q=0, fr-CH;q=0.5", "fr" },
	/* Malformed q-values make the element unusable, not the header. */
	{ "q above 1", "fr;q=2", NULL },
	{ "q=1.5", "fr;q=1.5", NULL },
	{ "q=1.001", "fr;q=1.001", NULL },
	{ "q not a number", "fr;q=abc", NULL },
	{ "q empty", "fr;q=", NULL },
	{ "q without leading digit", "fr;q=.5", NULL },
	{ "q with four decimals", "fr;q=0.1234", NULL },
	{ "negative q", "fr;q=-1", NULL },
	{ "q with trailing junk", "fr;q=0.5x", NULL },
	{ "other parameter", "fr;x=1", NULL },
	{ "blank around =", "fr;q = 0.5", NULL },
	{ "malformed element then a good one", "fr;q=abc, en;q=0.1", "en" },
	/* Wildcard: names no language of its own. */
	{ "only a wildcard", "*", NULL },
	{ "wildcard and a language", "*, fr;q=0.5", "fr" },
	{ "wildcard after an unsupported language", "de, *;q=0.5", NULL },
	/* Elements too long to be a tag are skipped. */
	{ "over-long element", X70 ", sv", "sv" },
	{ "over-long element with our prefix", "fr-" X70 ", en;q=0.1", "en" },
};

static void test_negotiate(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(negotiate_cases); i++) {
		const struct negotiate_case *c = &negotiate_cases[i];
		const char *got = i18n_negotiate(c->header);

		if (!str_eq(got, c->want))
			fail_msg("%s: \"%s\" gives \"%s\", want \"%s\"", c->label, SHOW(c->header),
				 SHOW(got), SHOW(c->want));
	}
}

static const struct supported_case {
	const char *label;
	const char *lang;
	int want;
} supported_cases[] = {
	{ "English", "en", 1 },
	{ "French", "fr", 1 },
	{ "Swedish", "sv", 1 },
	{ "German", "de", 0 },
	{ "upper case", "FR", 0 },
	{ "regional tag", "fr-CH", 0 },
	{ "prefix", "e", 0 },
	{ "longer", "enx", 0 },
	{ "trailing blank", "en ", 0 },
	{ "empty", "", 0 },
	{ "NULL", NULL, 0 },
};

static void test_supported(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(supported_cases); i++) {
		const struct supported_case *c = &supported_cases[i];
		int got = i18n_supported(c->lang);

		if (got != c->want)
			fail_msg("%s: i18n_supported(\"%s\") is %d, want %d", c->label, SHOW(c->lang), got,
				 c->want);
	}
}

/* The shipped list: English first, NULL-terminated, all supported. */
static void test_languages(void **state)
{
	static const char *const want[] = { "en", "fr", "sv" };
	const char *const *langs = i18n_languages();
	size_t n = 0;

	(void)state;
	assert_non_null(langs);
	assert_string_equal(langs[0], I18N_DEFAULT);
	for (; langs[n] != NULL; n++) {
		assert_true(n < N(want));
		assert_string_equal(langs[n], want[n]);
		assert_int_equal(i18n_supported(langs[n]), 1);
		/* Every shipped language can be negotiated. */
		assert_string_equal(i18n_negotiate(langs[n]), langs[n]);
	}
	assert_int_equal(n, N(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_supported),
		cmocka_unit_test(test_languages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
