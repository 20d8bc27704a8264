/*
 * Unit tests for i18n: Accept-Language negotiation, the list of shipped
 * languages, the language of the command line's environment, and
 * numbers and dates written for each language.
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

/* Every language names itself; an unknown code stays as it is. */
static void test_language_names(void **state)
{
	(void)state;
	assert_string_equal(i18n_language_name("en"), "English");
	assert_string_equal(i18n_language_name("fr"), "Français");
	assert_string_equal(i18n_language_name("sv"), "Svenska");
	assert_string_equal(i18n_language_name("de"), "de");
	assert_null(i18n_language_name(NULL));
}

static const struct env_case {
	const char *label;
	const char *language, *lc_all, *lc_messages, *lang;
	const char *want;
} env_cases[] = {
	{ "nothing set", NULL, NULL, NULL, NULL, NULL },
	{ "all empty", "", "", "", "", NULL },
	{ "LANG French", NULL, NULL, NULL, "fr_FR.UTF-8", "fr" },
	{ "LANG Swedish", NULL, NULL, NULL, "sv_SE.UTF-8", "sv" },
	{ "LANG Swiss French", NULL, NULL, NULL, "fr_CH", "fr" },
	{ "LANG with modifier", NULL, NULL, NULL, "fr_FR@euro", "fr" },
	{ "LANG bare language", NULL, NULL, NULL, "sv", "sv" },
	{ "LANG unsupported", NULL, NULL, NULL, "de_DE.UTF-8", NULL },
	{ "LANG C", NULL, NULL, NULL, "C", NULL },
	{ "LANG C.UTF-8", NULL, NULL, NULL, "C.UTF-8", NULL },
	{ "LANG POSIX", NULL, NULL, NULL, "POSIX", NULL },
	{ "LC_MESSAGES beats LANG", NULL, NULL, "sv_SE.UTF-8", "fr_FR.UTF-8", "sv" },
	{ "LC_ALL beats both", NULL, "fr_FR.UTF-8", "sv_SE.UTF-8", "en_US.UTF-8", "fr" },
	{ "empty LC_ALL ignored", NULL, "", NULL, "sv_SE.UTF-8", "sv" },
	{ "LANGUAGE beats the locale", "sv", NULL, NULL, "fr_FR.UTF-8", "sv" },
	{ "LANGUAGE list, first ours", "de:fr_FR:sv", NULL, NULL, "en_US.UTF-8", "fr" },
	{ "LANGUAGE list, empty items", "::sv", NULL, NULL, "en_US.UTF-8", "sv" },
	{ "LANGUAGE none ours: the locale", "de:es", NULL, NULL, "sv_SE.UTF-8", "sv" },
	{ "LANGUAGE under C.UTF-8", "fr", NULL, NULL, "C.UTF-8", "fr" },
	{ "LANGUAGE ignored under C", "fr", "C", NULL, "sv_SE.UTF-8", NULL },
	{ "LANGUAGE without a locale", "fr", NULL, NULL, NULL, NULL },
	{ "prefix is not a language", NULL, NULL, NULL, "f", NULL },
	{ "longer is not a language", NULL, NULL, NULL, "french", NULL },
};

static void test_env_language(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(env_cases); i++) {
		const struct env_case *c = &env_cases[i];
		const char *got = i18n_env_language(c->language, c->lc_all, c->lc_messages, c->lang);

		if (!str_eq(got, c->want))
			fail_msg("%s: gives \"%s\", want \"%s\"", c->label, SHOW(got), SHOW(c->want));
	}
}

#define NNBSP "\xe2\x80\xaf"		/* U+202F NARROW NO-BREAK SPACE */
#define NBSP "\xc2\xa0"		/* U+00A0 NO-BREAK SPACE */

static const struct number_case {
	const char *lang;
	long long n;
	const char *want;
} number_cases[] = {
	{ "en", 0, "0" },
	{ "en", 7, "7" },
	{ "en", 999, "999" },
	{ "en", 1000, "1,000" },
	{ "en", 12345, "12,345" },
	{ "en", 100000, "100,000" },
	{ "en", 1000000, "1,000,000" },
	{ "en", -1234, "-1,234" },
	{ "en", 9223372036854775807LL, "9,223,372,036,854,775,807" },
	{ "en", -9223372036854775807LL - 1, "-9,223,372,036,854,775,808" },
	{ "fr", 999, "999" },
	{ "fr", 1000, "1" NNBSP "000" },
	{ "fr", 250000, "250" NNBSP "000" },
	{ "fr", 1000000, "1" NNBSP "000" NNBSP "000" },
	{ "fr", -45678, "-45" NNBSP "678" },
	{ "sv", 42, "42" },
	{ "sv", 1000, "1" NBSP "000" },
	{ "sv", 1234567, "1" NBSP "234" NBSP "567" },
	/* No table: digits only. */
	{ "de", 1234567, "1234567" },
	{ NULL, 1000, "1000" },
};

static void test_format_number(void **state)
{
	char out[I18N_NUMBER_MAX], small[4];

	(void)state;
	for (size_t i = 0; i < N(number_cases); i++) {
		const struct number_case *c = &number_cases[i];

		i18n_format_number(c->lang, c->n, out, sizeof(out));
		if (strcmp(out, c->want) != 0)
			fail_msg("%s %lld: \"%s\", want \"%s\"", SHOW(c->lang), c->n, out, c->want);
	}
	/* A short buffer is cut, never overrun, and still terminated. */
	assert_string_equal(i18n_format_number("en", 123456, small, sizeof(small)), "123");
}

static const struct time_case {
	const char *label;
	const char *lang;
	const char *iso;
	const char *want;
} time_cases[] = {
	{ "English", "en", "2026-11-22T18:05:09Z", "Nov 22, 2026, 18:05 UTC" },
	{ "French", "fr", "2026-11-22T18:05:09Z", "22 nov. 2026 à 18:05 UTC" },
	{ "Swedish", "sv", "2026-11-22T18:05:09Z", "22 nov. 2026 kl. 18:05 UTC" },
	{ "English, morning", "en", "2026-01-05T07:00:00Z", "Jan 5, 2026, 07:00 UTC" },
	{ "French first of the month", "fr", "2026-03-01T00:00:00Z", "1er mars 2026 à 00:00 UTC" },
	{ "Swedish first of the month", "sv", "2026-03-01T00:00:00Z", "1 mars 2026 kl. 00:00 UTC" },
	{ "French February", "fr", "2027-02-28T23:59:59Z", "28 févr. 2027 à 23:59 UTC" },
	{ "French August", "fr", "2026-08-15T12:30:00Z", "15 août 2026 à 12:30 UTC" },
	{ "Swedish May", "sv", "2026-05-17T09:45:00Z", "17 maj 2026 kl. 09:45 UTC" },
	{ "Swedish December", "sv", "2026-12-31T23:59:00Z", "31 dec. 2026 kl. 23:59 UTC" },
	{ "English September", "en", "2026-09-09T09:09:09Z", "Sep 9, 2026, 09:09 UTC" },
	{ "fractions of a second", "en", "2026-11-22T18:05:09.123456Z", "Nov 22, 2026, 18:05 UTC" },
	{ "blank instead of T", "sv", "2026-11-22 18:05:09Z", "22 nov. 2026 kl. 18:05 UTC" },
	{ "29 February", "en", "2028-02-29T10:00:00Z", "Feb 29, 2028, 10:00 UTC" },
	{ "leap second", "en", "2016-12-31T23:59:60Z", "Dec 31, 2016, 23:59 UTC" },
	{ "no table: ISO", "de", "2026-11-22T18:05:09Z", "2026-11-22 18:05 UTC" },
	{ "no language: ISO", NULL, "2026-11-22T18:05:09Z", "2026-11-22 18:05 UTC" },
	/* Anything else is shown as it came. */
	{ "empty", "fr", "", "" },
	{ "NULL", "fr", NULL, "" },
	{ "not a time", "fr", "?", "?" },
	{ "date only", "fr", "2026-11-22", "2026-11-22" },
	{ "without Z", "fr", "2026-11-22T18:05:09", "2026-11-22T18:05:09" },
	{ "offset", "fr", "2026-11-22T18:05:09+01:00", "2026-11-22T18:05:09+01:00" },
	{ "trailing junk", "fr", "2026-11-22T18:05:09Zx", "2026-11-22T18:05:09Zx" },
	{ "month 13", "en", "2026-13-22T18:05:09Z", "2026-13-22T18:05:09Z" },
	{ "month 0", "en", "2026-00-22T18:05:09Z", "2026-00-22T18:05:09Z" },
	{ "day 0", "en", "2026-11-00T18:05:09Z", "2026-11-00T18:05:09Z" },
	{ "31 November", "en", "2026-11-31T18:05:09Z", "2026-11-31T18:05:09Z" },
	{ "hour 24", "en", "2026-11-22T24:00:00Z", "2026-11-22T24:00:00Z" },
	{ "minute 60", "en", "2026-11-22T18:60:00Z", "2026-11-22T18:60:00Z" },
	{ "short year", "en", "226-11-22T18:05:09Z", "226-11-22T18:05:09Z" },
	{ "letters in the date", "en", "2026-1a-22T18:05:09Z", "2026-1a-22T18:05:09Z" },
	{ "cut short", "en", "2026-11-22T18:0", "2026-11-22T18:0" },
};

static void test_format_time(void **state)
{
	char out[I18N_TIME_MAX], small[8];

	(void)state;
	for (size_t i = 0; i < N(time_cases); i++) {
		const struct time_case *c = &time_cases[i];

		i18n_format_time(c->lang, c->iso, out, sizeof(out));
		if (strcmp(out, c->want) != 0)
			fail_msg("%s: %s \"%s\" gives \"%s\", want \"%s\"", c->label, SHOW(c->lang),
				 SHOW(c->iso), out, c->want);
	}
	assert_string_equal(i18n_format_time("en", "2026-11-22T18:05:09Z", small, sizeof(small)), "Nov 22,");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_supported),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_language_names),
		cmocka_unit_test(test_env_language),
		cmocka_unit_test(test_format_number),
		cmocka_unit_test(test_format_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
