/*
 * Unit tests for web/form: application/x-www-form-urlencoded and Cookie
 * header decoding, limits, and field look-up.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "web/form.h"

#define MAX_PAIRS 8

/* A string literal and its length (so raw NUL bytes can be part of the data). */
#define S(x) x, sizeof(x) - 1

#define A10 "aaaaaaaaaa"
#define A16 A10 "aaaaaa"
#define A17 A16 "a"
#define A32 A10 A10 A10 "aa"
#define A33 A32 "a"
#define E8 "%41%41%41%41%41%41%41%41"
#define E32 E8 E8 E8 E8
#define SP32 "++++++++++++++++++++++++++++++++"
#define SPACES32 "                                "

struct pair {
	const char *name;
	const char *value;
};

/* Limits used by most rows: small enough to reach in a literal. */
static const struct form_limits small = { 10, 16, 32 };
static const struct form_limits three = { 3, 16, 32 };

static int str_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Checks that f holds exactly the n fields of want, in order. */
static void check_fields(const char *label, const struct form *f, const struct pair *want, size_t n)
{
	if (f->n != n)
		fail_msg("%s: %zu fields, want %zu", label, f->n, n);
	for (size_t i = 0; i < n; i++) {
		if (!str_eq(f->fields[i].name, want[i].name))
			fail_msg("%s: field %zu name \"%s\", want \"%s\"", label, i,
				 f->fields[i].name, want[i].name);
		if (!str_eq(f->fields[i].value, want[i].value))
			fail_msg("%s: field %zu (%s) value \"%s\", want \"%s\"", label, i,
				 want[i].name, f->fields[i].value, want[i].value);
	}
}

static const struct urlencoded_case {
	const char *label;
	const char *data;
	size_t len;
	const struct form_limits *lim;
	enum form_status want;
	size_t n;			/* fields in the form afterwards */
	struct pair fields[MAX_PAIRS];
} urlencoded_cases[] = {
	{ "two fields", S("a=1&b=2"), &small, FORM_OK, 2, { { "a", "1" }, { "b", "2" } } },
	{ "empty input", S(""), &small, FORM_OK, 0, { { NULL, NULL } } },
	{ "plus is a space", S("q=hello+world"), &small, FORM_OK, 1, { { "q", "hello world" } } },
	{ "plus in a name", S("a+b=c"), &small, FORM_OK, 1, { { "a b", "c" } } },
	{ "upper-case escapes", S("q=%41%62%2B"), &small, FORM_OK, 1, { { "q", "Ab+" } } },
	{ "lower-case escapes", S("q=%c3%a9"), &small, FORM_OK, 1, { { "q", "\xc3\xa9" } } },
	{ "escape in a name", S("a%20b=c"), &small, FORM_OK, 1, { { "a b", "c" } } },
	{ "encoded = and &", S("q=a%3Db%26c"), &small, FORM_OK, 1, { { "q", "a=b&c" } } },
	{ "encoded percent is not decoded twice", S("q=%2541"), &small, FORM_OK, 1, { { "q", "%41" } } },
	{ "encoded CR LF kept for validate", S("q=a%0D%0Ab"), &small, FORM_OK, 1, { { "q", "a\r\nb" } } },
	{ "high bytes kept as they are", S("q=\xff\xfe"), &small, FORM_OK, 1, { { "q", "\xff\xfe" } } },
	{ "semicolon is not a separator", S("a=1;b=2"), &small, FORM_OK, 1, { { "a", "1;b=2" } } },
	{ "empty pairs skipped", S("&&a=1&&b=2&"), &small, FORM_OK, 2, { { "a", "1" }, { "b", "2" } } },
	{ "only ampersands", S("&&&"), &small, FORM_OK, 0, { { NULL, NULL } } },
	{ "name without =", S("flag&a=1"), &small, FORM_OK, 2, { { "flag", "" }, { "a", "1" } } },
	{ "empty value", S("a="), &small, FORM_OK, 1, { { "a", "" } } },
	{ "value containing =", S("a=b=c"), &small, FORM_OK, 1, { { "a", "b=c" } } },
	{ "empty name dropped", S("=v"), &small, FORM_OK, 0, { { NULL, NULL } } },
	{ "lone = dropped", S("="), &small, FORM_OK, 0, { { NULL, NULL } } },
	{ "empty name between fields", S("a=1&=x&b=2"), &small, FORM_OK, 2, { { "a", "1" }, { "b", "2" } } },
	{ "duplicates kept in order", S("a=1&a=2&b=3"), &small, FORM_OK, 3,
	  { { "a", "1" }, { "a", "2" }, { "b", "3" } } },
	{ "non-hex escape", S("a=%zz"), &small, FORM_BAD_ENCODING, 0, { { NULL, NULL } } },
	{ "half-hex escape", S("a=%4g"), &small, FORM_BAD_ENCODING, 0, { { NULL, NULL } } },
	{ "truncated escape at the end", S("a=%4"), &small, FORM_BAD_ENCODING, 0, { { NULL, NULL } } },
	{ "lone percent", S("a=%"), &small, FORM_BAD_ENCODING, 0, { { NULL, NULL } } },
	{ "truncated escape before &", S("a=%4&b=1"), &small, FORM_BAD_ENCODING, 0, { { NULL, NULL } } },
	{ "bad escape in a name", S("%=1"), &small, FORM_BAD_ENCODING, 0, { { NULL, NULL } } },
	{ "bad escape in a bare name", S("a%g1"), &small, FORM_BAD_ENCODING, 0, { { NULL, NULL } } },
	{ "encoded NUL in a value", S("a=x%00y"), &small, FORM_BAD_ENCODING, 0, { { NULL, NULL } } },
	{ "encoded NUL in a name", S("%00=1"), &small, FORM_BAD_ENCODING, 0, { { NULL, NULL } } },
	{ "raw NUL byte", S("a=x\0y"), &small, FORM_BAD_ENCODING, 0, { { NULL, NULL } } },
	{ "fields before an error are kept", S("a=1&b=%zz&c=3"), &small, FORM_BAD_ENCODING, 1,
	  { { "a", "1" } } },
	{ "length argument bounds the data", "a=1&b=2", 3, &small, FORM_OK, 1, { { "a", "1" } } },
	{ "exactly max_fields", S("a=1&b=2&c=3"), &three, FORM_OK, 3,
	  { { "a", "1" }, { "b", "2" }, { "c", "3" } } },
	{ "one field too many", S("a=1&b=2&c=3&d=4"), &three, FORM_TOO_MANY, 3,
	  { { "a", "1" }, { "b", "2" }, { "c", "3" } } },
	{ "empty pairs do not count", S("&&a&&b&&c&&"), &three, FORM_OK, 3,
	  { { "a", "" }, { "b", "" }, { "c", "" } } },
	{ "name at the limit", S(A16 "=1"), &small, FORM_OK, 1, { { A16, "1" } } },
	{ "name over the limit", S(A17 "=1"), &small, FORM_TOO_LONG, 0, { { NULL, NULL } } },
	{ "bare name over the limit", S(A17), &small, FORM_TOO_LONG, 0, { { NULL, NULL } } },
	{ "value at the limit", S("v=" A32), &small, FORM_OK, 1, { { "v", A32 } } },
	{ "value over the limit", S("v=" A33), &small, FORM_TOO_LONG, 0, { { NULL, NULL } } },
	{ "limit counts decoded bytes", S("v=" E32), &small, FORM_OK, 1,
	  { { "v", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } } },
	{ "decoded value over the limit", S("v=" E32 "%41"), &small, FORM_TOO_LONG, 0, { { NULL, NULL } } },
	{ "decoded value over the limit by a plain byte", S("v=" E32 "A"), &small, FORM_TOO_LONG, 0,
	  { { NULL, NULL } } },
	{ "plus signs count as one byte", S("v=" SP32), &small, FORM_OK, 1, { { "v", SPACES32 } } },
	{ "too long after good fields", S("a=1&v=" A33), &small, FORM_TOO_LONG, 1, { { "a", "1" } } },
};

static void test_urlencoded(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(urlencoded_cases) / sizeof(urlencoded_cases[0]); i++) {
		const struct urlencoded_case *c = &urlencoded_cases[i];
		struct form *f = form_new();
		enum form_status st = form_parse_urlencoded(f, c->data, c->len, c->lim);

		if (st != c->want)
			fail_msg("%s: status %d, want %d", c->label, (int)st, (int)c->want);
		check_fields(c->label, f, c->fields, c->n);
		form_free(f);
	}
}

/* A second parse adds to the fields already there. */
static void test_urlencoded_appends(void **state)
{
	static const struct pair want[] = { { "a", "1" }, { "b", "2" }, { "a", "3" } };
	struct form *f = form_new();

	(void)state;
	assert_int_equal(form_parse_urlencoded(f, S("a=1&b=2"), &small), FORM_OK);
	assert_int_equal(form_parse_urlencoded(f, S("a=3"), &small), FORM_OK);
	check_fields("two parses", f, want, 3);
	assert_string_equal(form_get(f, "a"), "1");
	assert_null(form_free(f));
}

static const struct cookie_case {
	const char *label;
	const char *header;
	const struct form_limits *lim;
	enum form_status want;
	size_t n;
	struct pair fields[MAX_PAIRS];
} cookie_cases[] = {
	{ "one cookie", "sid=abc", &small, FORM_OK, 1, { { "sid", "abc" } } },
	{ "two cookies", "a=1; b=2", &small, FORM_OK, 2, { { "a", "1" }, { "b", "2" } } },
	{ "no space after ;", "a=1;b=2", &small, FORM_OK, 2, { { "a", "1" }, { "b", "2" } } },
	{ "blanks and stray semicolons", "  ;a=1 ;  b=2 ; ", &small, FORM_OK, 2,
	  { { "a", "1" }, { "b", "2" } } },
	{ "blanks around =", "a = 1 ;b= 2", &small, FORM_OK, 2, { { "a", "1" }, { "b", "2" } } },
	{ "tabs around names and values", "\ta\t=\t1\t;\tb=2", &small, FORM_OK, 2,
	  { { "a", "1" }, { "b", "2" } } },
	{ "quoted value", "a=\"x y\"", &small, FORM_OK, 1, { { "a", "x y" } } },
	{ "quoted value with blanks outside", "a= \"x\" ", &small, FORM_OK, 1, { { "a", "x" } } },
	{ "empty quoted value", "a=\"\"", &small, FORM_OK, 1, { { "a", "" } } },
	{ "a lone quote is kept", "a=\"", &small, FORM_OK, 1, { { "a", "\"" } } },
	{ "unbalanced quote kept", "a=\"x", &small, FORM_OK, 1, { { "a", "\"x" } } },
	{ "only one pair of quotes removed", "a=\"\"x\"\"", &small, FORM_OK, 1, { { "a", "\"x\"" } } },
	{ "blanks inside quotes kept", "a=\" x \"", &small, FORM_OK, 1, { { "a", " x " } } },
	{ "values are not percent-decoded", "a=%41+b", &small, FORM_OK, 1, { { "a", "%41+b" } } },
	{ "value containing =", "a=b=c", &small, FORM_OK, 1, { { "a", "b=c" } } },
	{ "empty value", "a=", &small, FORM_OK, 1, { { "a", "" } } },
	{ "item without = ignored", "junk; a=1", &small, FORM_OK, 1, { { "a", "1" } } },
	{ "empty name ignored", "=x; a=1", &small, FORM_OK, 1, { { "a", "1" } } },
	{ "blank name ignored", " \t=x; a=1", &small, FORM_OK, 1, { { "a", "1" } } },
	{ "duplicates kept in order", "a=1; a=2", &small, FORM_OK, 2, { { "a", "1" }, { "a", "2" } } },
	{ "empty header", "", &small, FORM_OK, 0, { { NULL, NULL } } },
	{ "only separators", " ; ;;\t ", &small, FORM_OK, 0, { { NULL, NULL } } },
	{ "exactly max_fields", "a=1;b=2;c=3", &three, FORM_OK, 3,
	  { { "a", "1" }, { "b", "2" }, { "c", "3" } } },
	{ "one cookie too many", "a=1;b=2;c=3;d=4", &three, FORM_TOO_MANY, 3,
	  { { "a", "1" }, { "b", "2" }, { "c", "3" } } },
	{ "ignored items do not count", "x;y;=z;a=1;b=2;c=3", &three, FORM_OK, 3,
	  { { "a", "1" }, { "b", "2" }, { "c", "3" } } },
	{ "name at the limit", A16 "=1", &small, FORM_OK, 1, { { A16, "1" } } },
	{ "name over the limit", A17 "=1", &small, FORM_TOO_LONG, 0, { { NULL, NULL } } },
	{ "value at the limit", "v=" A32, &small, FORM_OK, 1, { { "v", A32 } } },
	{ "value over the limit", "v=" A33, &small, FORM_TOO_LONG, 0, { { NULL, NULL } } },
	{ "quotes do not count against the limit", "v=\"" A32 "\"", &small, FORM_OK, 1, { { "v", A32 } } },
	{ "too long after a good cookie", "a=1; v=" A33, &small, FORM_TOO_LONG, 1, { { "a", "1" } } },
};

static void test_cookies(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cookie_cases) / sizeof(cookie_cases[0]); i++) {
		const struct cookie_case *c = &cookie_cases[i];
		struct form *f = form_new();
		enum form_status st = form_parse_cookies(f, c->header, c->lim);

		if (st != c->want)
			fail_msg("%s: status %d, want %d", c->label, (int)st, (int)c->want);
		check_fields(c->label, f, c->fields, c->n);
		form_free(f);
	}
}

/* Look-ups in the form decoded from LOOKUP_DATA. */
#define LOOKUP_DATA "a=1&b=2&a=3&c=&a=4"

static const struct get_case {
	const char *label;
	const char *name;
	const char *want;
} get_cases[] = {
	{ "first of duplicates", "a", "1" },
	{ "single field", "b", "2" },
	{ "empty value is not absent", "c", "" },
	{ "absent field", "d", NULL },
	{ "names are case-sensitive", "A", NULL },
	{ "empty name is absent", "", NULL },
};

static void test_get(void **state)
{
	struct form *f = form_new();

	(void)state;
	assert_int_equal(form_parse_urlencoded(f, S(LOOKUP_DATA), &small), FORM_OK);
	for (size_t i = 0; i < sizeof(get_cases) / sizeof(get_cases[0]); i++) {
		const struct get_case *c = &get_cases[i];
		const char *got = form_get(f, c->name);

		if (!str_eq(got, c->want))
			fail_msg("%s: form_get(\"%s\") is \"%s\", want \"%s\"", c->label, c->name,
				 got ? got : "(null)", c->want ? c->want : "(null)");
	}
	form_free(f);
	assert_null(form_get(NULL, "a"));
}

static const struct next_case {
	const char *label;
	const char *name;
	size_t pos;
	long want;
} next_cases[] = {
	{ "first a", "a", 0, 0 },
	{ "a at its own index", "a", 2, 2 },
	{ "second a", "a", 1, 2 },
	{ "third a", "a", 3, 4 },
	{ "no a after the last", "a", 5, -1 },
	{ "b from the start", "b", 0, 1 },
	{ "no b after it", "b", 2, -1 },
	{ "c with an empty value", "c", 0, 3 },
	{ "absent name", "z", 0, -1 },
	{ "position past the end", "a", 100, -1 },
};

static void test_next(void **state)
{
	struct form *f = form_new();

	(void)state;
	assert_int_equal(form_parse_urlencoded(f, S(LOOKUP_DATA), &small), FORM_OK);
	for (size_t i = 0; i < sizeof(next_cases) / sizeof(next_cases[0]); i++) {
		const struct next_case *c = &next_cases[i];
		long got = form_next(f, c->name, c->pos);

		if (got != c->want)
			fail_msg("%s: form_next(\"%s\", %zu) is %ld, want %ld", c->label, c->name,
				 c->pos, got, c->want);
	}
	form_free(f);
}

/* Walking all values of a name with form_next, and form_add. */
static void test_walk_and_add(void **state)
{
	static const char *const want[] = { "1", "3", "4", "5" };
	struct form *f = form_new();
	size_t n = 0;

	(void)state;
	assert_int_equal(form_parse_urlencoded(f, S(LOOKUP_DATA), &small), FORM_OK);
	form_add(f, "a", "5");
	for (long i = form_next(f, "a", 0); i >= 0; i = form_next(f, "a", (size_t)i + 1)) {
		assert_true(n < sizeof(want) / sizeof(want[0]));
		assert_string_equal(f->fields[i].value, want[n]);
		n++;
	}
	assert_int_equal(n, 4);
	assert_int_equal(f->n, 6);
	assert_null(form_free(f));
	assert_null(form_free(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urlencoded),
		cmocka_unit_test(test_urlencoded_appends),
		cmocka_unit_test(test_cookies),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_walk_and_add),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
