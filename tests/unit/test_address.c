/*
 * Unit tests for model/address: the local part of a hosted address, and
 * the target list of an alias (splitting, normalising, repeats, limits,
 * and which address is named when one is refused).
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

#include "model/address.h"
#include "util/buf.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SHOW(s) ((s) ? (s) : "(null)")

#define A10 "aaaaaaaaaa"
#define A60 A10 A10 A10 A10 A10 A10
#define A64 A60 "aaaa"
#define A65 A60 "aaaaa"
#define U_UML "\xc3\xbc"	/* ü */
#define E_ACUTE "\xc3\xa9"	/* é */
#define SNOWMAN "\xe2\x98\x83"	/* U+2603, not allowed in IDNA2008 */

/* Message ids of model/address.c ... */
#define M_TOO_MANY "An alias can have at most 50 target addresses."
#define M_NO_TARGET "Enter at least one target address."
/* ... and of model/validate.c and model/idn.c, which it passes on. */
#define LP_EMPTY "Enter the part of the address before the @."
#define LP_LONG "The part of the address before the @ is longer than 64 characters."
#define LP_START "The part of the address before the @ must start with a lower-case letter or a digit."
#define LP_CHARS "The part of the address before the @ may contain only lower-case letters, digits, dots, hyphens and underscores."
#define LP_DOTS "The part of the address before the @ cannot end with a dot or contain two dots in a row."
#define AD_AT "An e-mail address must contain exactly one @, as in name@example.com."
#define AD_DOTS "The part of the address before the @ cannot start or end with a dot or contain two dots in a row."
#define AD_CHAR "The part of the address before the @ contains a character that is not allowed."
#define DOM_EMPTY "Enter a domain name."
#define DOM_TWO_LABELS "The domain name needs at least two labels, such as example.com."
#define DOM_CHARS "The domain name may contain only letters, digits, hyphens and dots."
#define DOM_EMPTY_LABEL "The domain name has an empty label (two dots in a row, or a dot at the start or end)."
#define DOM_DISALLOWED "The domain name contains characters that are not allowed in domain names."

static int str_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static const struct local_case {
	const char *label;
	const char *input;
	const char *want;	/* message, or NULL */
	const char *out;	/* the normalised local part when accepted */
} local_cases[] = {
	{ "plain", "alice", NULL, "alice" },
	{ "one character", "a", NULL, "a" },
	{ "one digit", "7", NULL, "7" },
	{ "upper case lowered", "Alice.Smith", NULL, "alice.smith" },
	{ "blanks trimmed", "  Alice \t", NULL, "alice" },
	{ "tabs trimmed", "\tbob\t", NULL, "bob" },
	{ "dots, hyphens, underscores, digits", "a.b-c_d9", NULL, "a.b-c_d9" },
	{ "starts with a digit", "1st", NULL, "1st" },
	{ "hyphen and underscore at the end", "a-_", NULL, "a-_" },
	{ "64 characters", A64, NULL, A64 },
	{ "64 characters between blanks", "  " A64 "  ", NULL, A64 },
	{ "empty", "", LP_EMPTY, NULL },
	{ "only blanks", " \t ", LP_EMPTY, NULL },
	{ "65 characters", A65, LP_LONG, NULL },
	{ "starts with a dot", ".alice", LP_START, NULL },
	{ "starts with a hyphen", "-alice", LP_START, NULL },
	{ "starts with an underscore", "_alice", LP_START, NULL },
	{ "starts with a non-ASCII letter", E_ACUTE "lise", LP_START, NULL },
	{ "two dots", "a..b", LP_DOTS, NULL },
	{ "ends with a dot", "alice.", LP_DOTS, NULL },
	{ "blank inside", "a b", LP_CHARS, NULL },
	{ "plus sign", "a+tag", LP_CHARS, NULL },
	{ "an @", "a@example.com", LP_CHARS, NULL },
	{ "non-ASCII inside", "r" E_ACUTE "sum" E_ACUTE, LP_CHARS, NULL },
	{ "newline inside", "a\nb", LP_CHARS, NULL },
	{ "trailing newline is not trimmed", "alice\n", LP_CHARS, NULL },
};

static void test_local_part(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(local_cases); i++) {
		const struct local_case *c = &local_cases[i];
		char out[VALIDATE_LOCAL_MAX + 1];
		const char *why;

		memset(out, 'x', sizeof(out));
		why = address_local_part(c->input, out);
		if (!str_eq(why, c->want))
			fail_msg("%s: \"%s\" gives \"%s\", want \"%s\"", c->label, c->input,
				 SHOW(why), SHOW(c->want));
		if (c->want == NULL && strcmp(out, c->out) != 0)
			fail_msg("%s: \"%s\" gives \"%s\", want \"%s\"", c->label, c->input, out, c->out);
		if (memchr(out, '\0', sizeof(out)) == NULL)
			fail_msg("%s: output not terminated", c->label);
	}
}

static const struct targets_case {
	const char *label;
	const char *input;
	const char *want;	/* message, or NULL */
	const char *out;	/* what is appended to the buffer */
} targets_cases[] = {
	/* Accepted: normalised, joined by commas. */
	{ "one address", "bob@example.org", NULL, "bob@example.org" },
	{ "domain lowered, local part kept", "Bob@Example.ORG", NULL, "Bob@example.org" },
	{ "Unicode domain to punycode", "x@B" U_UML "cher.Example", NULL, "x@xn--bcher-kva.example" },
	{ "already punycode", "x@xn--bcher-kva.example", NULL, "x@xn--bcher-kva.example" },
	{ "trailing dot of the domain dropped", "a@example.org.", NULL, "a@example.org" },
	{ "comma separated", "a@example.org,b@example.org", NULL, "a@example.org,b@example.org" },
	{ "comma and blank", "a@example.org, b@example.org", NULL, "a@example.org,b@example.org" },
	{ "every separator", " a@x.example\tb@x.example\nc@x.example\r\nd@x.example,,e@x.example , ",
	  NULL, "a@x.example,b@x.example,c@x.example,d@x.example,e@x.example" },
	{ "order kept", "z@example.org a@example.org", NULL, "z@example.org,a@example.org" },
	{ "repeat dropped", "a@example.org, a@example.org", NULL, "a@example.org" },
	{ "repeat after normalising dropped", "a@example.org A@x.example a@EXAMPLE.org", NULL,
	  "a@example.org,A@x.example" },
	{ "local parts differing in case are different", "a@example.org A@example.org", NULL,
	  "a@example.org,A@example.org" },
	{ "plus and other atext", "a+b!c#d$e%f&g'h*i=j?k^l_m{n}o~p-q/r@example.org", NULL,
	  "a+b!c#d$e%f&g'h*i=j?k^l_m{n}o~p-q/r@example.org" },
	{ "64-character local part", A64 "@example.org", NULL, A64 "@example.org" },

	/* Nothing given. */
	{ "empty", "", M_NO_TARGET, "" },
	{ "only separators", " , \n\t,\r\n", M_NO_TARGET, "" },

	/* Refused: the first bad address is named. */
	{ "no @", "bob", AD_AT, "bob" },
	{ "two @", "a@@example.org", AD_AT, "a@@example.org" },
	{ "two @ apart", "a@b@example.org", AD_AT, "a@b@example.org" },
	{ "bad one after good ones", "a@example.org, b@example.org, nobody", AD_AT, "nobody" },
	{ "first of two bad ones named", "a@example.org x y@localhost", AD_AT, "x" },
	{ "blank splits an address", "a b@example.org", AD_AT, "a" },
	{ "empty local part", "@example.org", LP_EMPTY, "@example.org" },
	{ "empty domain", "a@", DOM_EMPTY, "a@" },
	{ "one-label domain", "a@localhost", DOM_TWO_LABELS, "a@localhost" },
	{ "one-label Unicode domain", "a@" U_UML, DOM_TWO_LABELS, "a@" U_UML },
	{ "empty label", "a@example..org", DOM_EMPTY_LABEL, "a@example..org" },
	{ "underscore in the domain", "a@exa_mple.org", DOM_CHARS, "a@exa_mple.org" },
	{ "symbol in a Unicode domain", "a@snow" SNOWMAN ".example", DOM_DISALLOWED,
	  "a@snow" SNOWMAN ".example" },
	{ "local part starting with a dot", ".a@example.org", AD_DOTS, ".a@example.org" },
	{ "two dots in the local part", "a..b@example.org", AD_DOTS, "a..b@example.org" },
	{ "quote in the local part", "a\"b@example.org", AD_CHAR, "a\"b@example.org" },
	{ "non-ASCII local part", E_ACUTE "@example.org", AD_CHAR, E_ACUTE "@example.org" },
	{ "65-character local part", A65 "@example.org", LP_LONG, A65 "@example.org" },
};

static void test_targets(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(targets_cases); i++) {
		const struct targets_case *c = &targets_cases[i];
		struct buf out = BUF_INIT;
		const char *why = address_targets(c->input, &out);

		if (!str_eq(why, c->want))
			fail_msg("%s: \"%s\" gives \"%s\", want \"%s\"", c->label, c->input,
				 SHOW(why), SHOW(c->want));
		if (strcmp(buf_cstr(&out), c->out) != 0)
			fail_msg("%s: \"%s\" writes \"%s\", want \"%s\"", c->label, c->input,
				 buf_cstr(&out), c->out);
		buf_release(&out);
	}
}

/* n distinct addresses t1@example.org ... separated by sep (malloc'd). */
static char *many(size_t n, const char *sep)
{
	struct buf b = BUF_INIT;

	for (size_t i = 1; i <= n; i++)
		buf_appendf(&b, "%st%zu@example.org", i > 1 ? sep : "", i);
	return buf_steal(&b);
}

static void test_targets_limit(void **state)
{
	static const struct limit_case {
		const char *label;
		size_t n;		/* distinct addresses */
		const char *extra;	/* appended after them */
		const char *want;
	} cases[] = {
		{ "50 addresses", 50, "", NULL },
		{ "51 addresses", 51, "", M_TOO_MANY },
		{ "50 addresses and repeats", 50, " t1@example.org t50@EXAMPLE.org", NULL },
		{ "50 addresses and a bad one", 50, " bad", AD_AT },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		const struct limit_case *c = &cases[i];
		char *list = many(c->n, " "), *joined = many(c->n < 50 ? c->n : 50, ",");
		struct buf input = BUF_INIT, out = BUF_INIT;
		const char *why;

		buf_appendf(&input, "%s%s", list, c->extra);
		why = address_targets(buf_cstr(&input), &out);
		if (!str_eq(why, c->want))
			fail_msg("%s: gives \"%s\", want \"%s\"", c->label, SHOW(why), SHOW(c->want));
		if (c->want == NULL && strcmp(buf_cstr(&out), joined) != 0)
			fail_msg("%s: writes \"%s\", want \"%s\"", c->label, buf_cstr(&out), joined);
		if (c->want && strcmp(c->want, M_TOO_MANY) == 0 && out.len != 0)
			fail_msg("%s: writes \"%s\", want nothing", c->label, buf_cstr(&out));
		if (c->want && strcmp(c->want, AD_AT) == 0 && strcmp(buf_cstr(&out), "bad") != 0)
			fail_msg("%s: writes \"%s\", want \"bad\"", c->label, buf_cstr(&out));
		buf_release(&out);
		buf_release(&input);
		free(joined);
		free(list);
	}
}

/* The result is appended: what the buffer held before stays. */
static void test_targets_append(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	buf_puts(&out, "prefix:");
	assert_null(address_targets("a@Example.org b@example.org", &out));
	assert_string_equal(buf_cstr(&out), "prefix:a@example.org,b@example.org");
	buf_reset(&out);
	buf_puts(&out, "prefix:");
	assert_string_equal(address_targets("a@example.org nope", &out), AD_AT);
	assert_string_equal(buf_cstr(&out), "prefix:nope");
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local_part),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_targets_limit),
		cmocka_unit_test(test_targets_append),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
