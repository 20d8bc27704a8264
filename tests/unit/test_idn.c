/*
 * Unit tests for model/idn: Unicode domain names to their ASCII form and
 * back.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "model/idn.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define A10 "aaaaaaaaaa"
#define A60 A10 A10 A10 A10 A10 A10
#define A63 A60 "aaa"
#define A64 A60 "aaaa"
#define U10 "\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc"
#define U50 U10 U10 U10 U10 U10
#define U60 U50 U10
#define D254 A63 "." A63 "." A63 "." A60 "aa"
#define D1100 D254 "." D254 "." D254 "." D254 "." A60 A60 "." A10 A10

/* Message ids, exactly as model/idn.c and model/validate.c return them. */
#define EMPTY "Enter a domain name."
#define TOO_LONG "The domain name is longer than 253 characters."
#define LABEL_LONG "A label of the domain name is longer than 63 characters."
#define NOT_UTF8 "The domain name is not valid UTF-8 text."
#define DISALLOWED "The domain name contains characters that are not allowed in domain names."
#define CHARS "The domain name may contain only letters, digits, hyphens and dots."
#define TWO_LABELS "The domain name needs at least two labels, such as example.com."
#define EMPTY_LABEL "The domain name has an empty label (two dots in a row, or a dot at the start or end)."
#define TLD_DIGITS "The last label of the domain name cannot be all digits."

static int str_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

#define SHOW(s) ((s) ? (s) : "(null)")

static const struct ascii_case {
	const char *label;
	const char *input;
	const char *want;	/* message, or NULL */
	const char *ascii;	/* the ASCII form; NULL when refused */
	const char *display;	/* idn_to_display() of the ASCII form */
} ascii_cases[] = {
	{ "mixed case with a trailing dot", "B\xc3\xbc" "cher.Example.", NULL,
	  "xn--bcher-kva.example", "b\xc3\xbc" "cher.example" },
	{ "blanks trimmed", " \tB\xc3\xbc" "cher.Example. \t", NULL,
	  "xn--bcher-kva.example", "b\xc3\xbc" "cher.example" },
	{ "upper-case ASCII lowered", "EXAMPLE.COM", NULL, "example.com", "example.com" },
	{ "plain ASCII", "example.com", NULL, "example.com", "example.com" },
	{ "tab before ASCII", "\tx.com", NULL, "x.com", "x.com" },
	{ "German umlaut", "m\xc3\xbcnchen.de", NULL, "xn--mnchen-3ya.de", "m\xc3\xbcnchen.de" },
	{ "sharp s is not mapped to ss", "fa\xc3\x9f.de", NULL, "xn--fa-hia.de", "fa\xc3\x9f.de" },
	{ "Japanese", "\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88", NULL,
	  "xn--r8jz45g.xn--zckzah", "\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88" },
	{ "decomposed input normalised", "Bu\xcc\x88" "cher.example", NULL,
	  "xn--bcher-kva.example", "b\xc3\xbc" "cher.example" },
	{ "full-width letters mapped", "\xef\xbc\xa5\xef\xbc\xb8\xef\xbc\xa1\xef\xbc\xad\xef\xbc\xb0"
	  "\xef\xbc\xac\xef\xbc\xa5.com", NULL, "example.com", "example.com" },
	{ "already punycode", "xn--bcher-kva.example", NULL, "xn--bcher-kva.example",
	  "b\xc3\xbc" "cher.example" },
	{ "label of 63", A63 ".com", NULL, A63 ".com", A63 ".com" },
	{ "Unicode label just fitting", U50 ".com", NULL,
	  "xn--tdaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", U50 ".com" },
	{ "empty", "", EMPTY, NULL, NULL },
	{ "only blanks", " \t ", EMPTY, NULL, NULL },
	{ "only a dot", ".", EMPTY, NULL, NULL },
	{ "one label", "example", TWO_LABELS, NULL, NULL },
	{ "one label with a dot", "Example.", TWO_LABELS, NULL, NULL },
	{ "two dots in a row", "example..com", EMPTY_LABEL, NULL, NULL },
	{ "two trailing dots", "example.com..", EMPTY_LABEL, NULL, NULL },
	{ "leading dot", ".example.com", EMPTY_LABEL, NULL, NULL },
	{ "inner space", "exa mple.com", CHARS, NULL, NULL },
	{ "underscore", "under_score.com", CHARS, NULL, NULL },
	{ "at sign", "a@b.com", CHARS, NULL, NULL },
	{ "all-digit last label", "1.2.3.4", TLD_DIGITS, NULL, NULL },
	{ "ASCII label of 64", A64 ".com", LABEL_LONG, NULL, NULL },
	{ "Unicode label over 63 once encoded", U60 ".com", LABEL_LONG, NULL, NULL },
	{ "name of 254", D254, TOO_LONG, NULL, NULL },
	{ "name over 1024 bytes", D1100, TOO_LONG, NULL, NULL },
	{ "invalid UTF-8", "\xff.com", NOT_UTF8, NULL, NULL },
	{ "symbol not allowed by IDNA2008", "\xe2\x98\x83.com", DISALLOWED, NULL, NULL },
	{ "leading hyphen", "-example.com", DISALLOWED, NULL, NULL },
	{ "trailing hyphen", "example-.com", DISALLOWED, NULL, NULL },
	{ "hyphens in positions 3 and 4", "ab--c.com", DISALLOWED, NULL, NULL },
	{ "invalid punycode", "xn--zz.com", DISALLOWED, NULL, NULL },
};

static void test_to_ascii(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(ascii_cases); i++) {
		const struct ascii_case *c = &ascii_cases[i];
		char sentinel[] = "untouched", *ascii = sentinel;
		const char *why = idn_to_ascii(c->input, &ascii);

		if (!str_eq(why, c->want))
			fail_msg("%s: message \"%s\", want \"%s\"", c->label, SHOW(why), SHOW(c->want));
		if (!str_eq(ascii, c->ascii))
			fail_msg("%s: ASCII form \"%s\", want \"%s\"", c->label, SHOW(ascii), SHOW(c->ascii));
		if (ascii != NULL) {
			char *display = idn_to_display(ascii), *again = NULL;

			if (!str_eq(display, c->display))
				fail_msg("%s: display form \"%s\", want \"%s\"", c->label, display,
					 SHOW(c->display));
			/* Round trip: the display form converts back to the same name. */
			why = idn_to_ascii(display, &again);
			if (why != NULL || !str_eq(again, ascii))
				fail_msg("%s: round trip gives \"%s\" (%s)", c->label, SHOW(again), SHOW(why));
			free(again);
			free(display);
		}
		free(ascii);
	}
}

static const struct display_case {
	const char *label;
	const char *ascii;
	const char *want;
} display_cases[] = {
	{ "punycode label", "xn--bcher-kva.example", "b\xc3\xbc" "cher.example" },
	{ "two punycode labels", "xn--r8jz45g.xn--zckzah",
	  "\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88" },
	{ "punycode in a subdomain", "mail.xn--mnchen-3ya.de", "mail.m\xc3\xbcnchen.de" },
	{ "plain ASCII copied", "example.com", "example.com" },
	{ "invalid punycode copied", "xn--zz.com", "xn--zz.com" },
	{ "empty copied", "", "" },
};

static void test_to_display(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(display_cases); i++) {
		const struct display_case *c = &display_cases[i];
		char *got = idn_to_display(c->ascii);

		if (!str_eq(got, c->want))
			fail_msg("%s: \"%s\" displays as \"%s\", want \"%s\"", c->label, c->ascii,
				 SHOW(got), c->want);
		/* Always a new string, never the argument. */
		if (got == c->ascii)
			fail_msg("%s: not a copy", c->label);
		free(got);
	}
}

static const struct search_case {
	const char *label;
	const char *typed;
	const char *want;
} search_cases[] = {
	{ "plain word lowered", "Example", "example" },
	{ "blanks trimmed", " \tshop.example \t", "shop.example" },
	{ "single Unicode label", "B\xc3\xbc" "cher", "xn--bcher-kva" },
	{ "Unicode name", "b\xc3\xbc" "cher.Example", "xn--bcher-kva.example" },
	{ "fragment that does not convert kept", "\xc3\xbc" "-", "\xc3\xbc" "-" },
	{ "pattern characters kept for the caller to escape", "a%_b", "a%_b" },
	{ "empty", "", "" },
};

static void test_search_term(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(search_cases); i++) {
		const struct search_case *c = &search_cases[i];
		char *got = idn_search_term(c->typed);

		if (!str_eq(got, c->want))
			fail_msg("%s: \"%s\" searches \"%s\", want \"%s\"", c->label, c->typed,
				 SHOW(got), c->want);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_to_ascii),
		cmocka_unit_test(test_to_display),
		cmocka_unit_test(test_search_term),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
