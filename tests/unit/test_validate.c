/*
 * Unit tests for model/validate: every grammar, with the exact message
 * id each refusal returns.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "model/validate.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Long inputs built from literals. */
#define A10 "aaaaaaaaaa"
#define A60 A10 A10 A10 A10 A10 A10
#define A61 A60 "a"
#define A62 A60 "aa"
#define A63 A60 "aaa"
#define A64 A60 "aaaa"
#define A65 A60 "aaaaa"
#define A100 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
#define A200 A100 A100
#define A201 A200 "a"
#define E10 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
#define E100 E10 E10 E10 E10 E10 E10 E10 E10 E10 E10
#define E200 E100 E100
#define E201 E200 "\xc3\xa9"
/* 253 and 254 characters, all labels at most 63. */
#define D253 A63 "." A63 "." A63 "." A61
#define D254 A63 "." A63 "." A63 "." A62

/* The message ids, exactly as src/model/validate.c returns them. */
#define DOM_EMPTY "Enter a domain name."
#define DOM_LONG "The domain name is longer than 253 characters."
#define DOM_EMPTY_LABEL "The domain name has an empty label (two dots in a row, or a dot at the start or end)."
#define DOM_HYPHEN_END "A label of the domain name ends with a hyphen."
#define DOM_CHARS "The domain name may contain only letters, digits, hyphens and dots."
#define DOM_HYPHEN_START "A label of the domain name starts with a hyphen."
#define DOM_LABEL_LONG "A label of the domain name is longer than 63 characters."
#define DOM_TWO_LABELS "The domain name needs at least two labels, such as example.com."
#define DOM_TLD_DIGITS "The last label of the domain name cannot be all digits."

#define LP_EMPTY "Enter the part of the address before the @."
#define LP_LONG "The part of the address before the @ is longer than 64 characters."
#define LP_START "The part of the address before the @ must start with a lower-case letter or a digit."
#define LP_CHARS "The part of the address before the @ may contain only lower-case letters, digits, dots, hyphens and underscores."
#define LP_DOTS "The part of the address before the @ cannot end with a dot or contain two dots in a row."

#define AD_EMPTY "Enter an e-mail address."
#define AD_LONG "The e-mail address is longer than 254 characters."
#define AD_AT "An e-mail address must contain exactly one @, as in name@example.com."
#define AD_DOTS "The part of the address before the @ cannot start or end with a dot or contain two dots in a row."
#define AD_CHAR "The part of the address before the @ contains a character that is not allowed."
#define AD_NO_DOMAIN "Enter the domain after the @."

#define IP_EMPTY "Enter an IP address."
#define IP_BAD "This is not an IPv4 or IPv6 address."
#define IP_V4_NO "This IPv4 address cannot receive mail (unspecified, multicast or reserved)."
#define IP_V6_NO "This IPv6 address cannot receive mail (unspecified or multicast)."

#define PORT_EMPTY "Enter a port number."
#define PORT_RANGE "The port must be a whole number from 1 to 65535."

#define BT_UTF8 "The message contains bytes that are not valid UTF-8 text."
#define BT_CONTROL "The message must be a single line without tabs or control characters."
#define BT_EMPTY "Enter the message that senders will receive."
#define BT_LONG "The message is longer than 200 characters."
#define BT_SPACE "The message cannot start or end with a space."

#define LIM_EMPTY "Enter the number of messages per hour."
#define LIM_RANGE "The limit must be a whole number from 1 to 1,000,000 messages per hour."

#define LOGIN_EMPTY "Enter a login name."
#define LOGIN_LONG "The login name is longer than 64 characters."
#define LOGIN_START "The login name must start with a lower-case letter or a digit."
#define LOGIN_CHARS "The login name may contain only lower-case letters, digits, dots, hyphens, underscores and @."

#define PW_BAD "The password contains control characters or bytes that are not valid UTF-8 text."
#define PW_SHORT "The password must be at least 10 characters long."
#define PW_LONG "The password is longer than 200 bytes."

static int str_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void check_msg(const char *label, const char *input, const char *got, const char *want)
{
	if (!str_eq(got, want))
		fail_msg("%s: \"%s\" gives \"%s\", want \"%s\"", label, input,
			 got ? got : "(accepted)", want ? want : "(accepted)");
}

/* Rows for the functions that take a string and return a message. */
struct msg_case {
	const char *label;
	const char *input;
	const char *want;
};

static const struct msg_case domain_cases[] = {
	{ "plain", "example.com", NULL },
	{ "shortest", "a.b", NULL },
	{ "punycode", "xn--bcher-kva.example", NULL },
	{ "many labels", "mail.sub.example.co.uk", NULL },
	{ "hyphen inside", "my-host.example-domain.com", NULL },
	{ "numeric first label", "123.example", NULL },
	{ "mixed last label", "example.1a", NULL },
	{ "label of 63", A63 ".com", NULL },
	{ "name of 253", D253, NULL },
	{ "empty", "", DOM_EMPTY },
	{ "name of 254", D254, DOM_LONG },
	{ "label of 64", A64 ".com", DOM_LABEL_LONG },
	{ "last label of 64", "example." A64, DOM_LABEL_LONG },
	{ "one label", "example", DOM_TWO_LABELS },
	{ "all-digit last label", "example.123", DOM_TLD_DIGITS },
	{ "IPv4 address", "192.0.2.1", DOM_TLD_DIGITS },
	{ "leading dot", ".example.com", DOM_EMPTY_LABEL },
	{ "two dots", "example..com", DOM_EMPTY_LABEL },
	{ "trailing dot", "example.com.", DOM_EMPTY_LABEL },
	{ "only a dot", ".", DOM_EMPTY_LABEL },
	{ "label starts with hyphen", "-a.com", DOM_HYPHEN_START },
	{ "later label starts with hyphen", "a.-com", DOM_HYPHEN_START },
	{ "label ends with hyphen", "a-.com", DOM_HYPHEN_END },
	{ "last label ends with hyphen", "a.com-", DOM_HYPHEN_END },
	{ "upper case", "Example.com", DOM_CHARS },
	{ "underscore", "a_b.com", DOM_CHARS },
	{ "space", "a b.com", DOM_CHARS },
	{ "trailing space", "example.com ", DOM_CHARS },
	{ "non-ASCII", "b\xc3\xbc" "cher.example", DOM_CHARS },
	{ "newline", "example.com\n", DOM_CHARS },
	{ "at sign", "a@example.com", DOM_CHARS },
};

static const struct msg_case local_cases[] = {
	{ "plain", "john", NULL },
	{ "with dot", "j.doe", NULL },
	{ "all allowed characters", "a_b-c.d9", NULL },
	{ "starts with digit", "0abc", NULL },
	{ "one character", "x", NULL },
	{ "64 characters", A64, NULL },
	{ "empty", "", LP_EMPTY },
	{ "65 characters", A65, LP_LONG },
	{ "starts with dot", ".a", LP_START },
	{ "starts with underscore", "_a", LP_START },
	{ "starts with hyphen", "-a", LP_START },
	{ "starts with upper case", "John", LP_START },
	{ "upper case inside", "jOhn", LP_CHARS },
	{ "plus", "a+b", LP_CHARS },
	{ "at sign", "a@b", LP_CHARS },
	{ "space", "a b", LP_CHARS },
	{ "non-ASCII", "a\xc3\xa9", LP_CHARS },
	{ "two dots", "a..b", LP_DOTS },
	{ "ends with dot", "a.", LP_DOTS },
};

static const struct msg_case address_cases[] = {
	{ "plain", "john@example.com", NULL },
	{ "upper-case local part", "John.Doe+tag@example.com", NULL },
	{ "all atext", "a!#$%&'*+/=?^_{}~-@example.com", NULL },
	{ "punycode domain", "info@xn--bcher-kva.example", NULL },
	{ "local part of 64", A64 "@example.com", NULL },
	{ "254 characters", A64 "@" A63 "." A63 "." A61, NULL },
	{ "empty", "", AD_EMPTY },
	{ "255 characters", A64 "@" A63 "." A63 "." A62, AD_LONG },
	{ "no @", "example.com", AD_AT },
	{ "two @", "a@b@example.com", AD_AT },
	{ "empty local part", "@example.com", LP_EMPTY },
	{ "local part of 65", A65 "@example.com", LP_LONG },
	{ "leading dot", ".a@example.com", AD_DOTS },
	{ "trailing dot", "a.@example.com", AD_DOTS },
	{ "two dots", "a..b@example.com", AD_DOTS },
	{ "only a dot", ".@example.com", AD_DOTS },
	{ "space", "a b@example.com", AD_CHAR },
	{ "pipe", "a|b@example.com", AD_CHAR },
	{ "backquote", "a`b@example.com", AD_CHAR },
	{ "quote", "\"a\"@example.com", AD_CHAR },
	{ "parenthesis", "a(b)@example.com", AD_CHAR },
	{ "comma", "a,b@example.com", AD_CHAR },
	{ "non-ASCII", "\xc3\xa9@example.com", AD_CHAR },
	{ "control", "a\rb@example.com", AD_CHAR },
	{ "nothing after @", "a@", AD_NO_DOMAIN },
	{ "one-label domain", "a@example", DOM_TWO_LABELS },
	{ "upper-case domain", "a@Example.com", DOM_CHARS },
	{ "domain with empty label", "a@example..com", DOM_EMPTY_LABEL },
	{ "IP literal domain", "a@[192.0.2.1]", DOM_CHARS },
};

static const struct msg_case bounce_cases[] = {
	{ "plain", "Sorry, no such user here.", NULL },
	{ "inner spaces", "a  b", NULL },
	{ "one character", "x", NULL },
	{ "200 ASCII characters", A200, NULL },
	{ "200 two-byte characters", E200, NULL },
	{ "three-byte characters", "\xe4\xbe\x8b\xe3\x81\x88", NULL },
	{ "four-byte character", "Hi \xf0\x9f\x98\x80", NULL },
	{ "replacement character", "\xef\xbf\xbd", NULL },
	{ "highest code point", "\xf4\x8f\xbf\xbf", NULL },
	{ "empty", "", BT_EMPTY },
	{ "201 ASCII characters", A201, BT_LONG },
	{ "201 two-byte characters", E201, BT_LONG },
	{ "leading space", " Sorry", BT_SPACE },
	{ "trailing space", "Sorry ", BT_SPACE },
	{ "only a space", " ", BT_SPACE },
	{ "tab", "a\tb", BT_CONTROL },
	{ "CR", "a\rb", BT_CONTROL },
	{ "LF", "a\nb", BT_CONTROL },
	{ "CRLF at the end", "Sorry\r\n", BT_CONTROL },
	{ "other C0", "a\x01" "b", BT_CONTROL },
	{ "escape", "\x1b[1m", BT_CONTROL },
	{ "DEL", "a\x7f", BT_CONTROL },
	{ "C1 NEL", "a\xc2\x85" "b", BT_CONTROL },
	{ "C1 first", "\xc2\x80", BT_CONTROL },
	{ "C1 last", "\xc2\x9f", BT_CONTROL },
	{ "line separator U+2028", "a\xe2\x80\xa8" "b", BT_CONTROL },
	{ "paragraph separator U+2029", "a\xe2\x80\xa9" "b", BT_CONTROL },
	{ "control in a long text", A201 "\n", BT_CONTROL },
	{ "overlong slash, two bytes", "\xc0\xaf", BT_UTF8 },
	{ "overlong two-byte C1 lead", "\xc1\xbf", BT_UTF8 },
	{ "overlong slash, three bytes", "\xe0\x80\xaf", BT_UTF8 },
	{ "overlong three bytes, top", "\xe0\x9f\xbf", BT_UTF8 },
	{ "overlong slash, four bytes", "\xf0\x80\x80\xaf", BT_UTF8 },
	{ "overlong NUL", "a\xc0\x80" "b", BT_UTF8 },
	{ "high surrogate", "\xed\xa0\x80", BT_UTF8 },
	{ "low surrogate", "\xed\xbf\xbf", BT_UTF8 },
	{ "above U+10FFFF", "\xf4\x90\x80\x80", BT_UTF8 },
	{ "lead byte F5", "\xf5\x80\x80\x80", BT_UTF8 },
	{ "byte FF", "a\xff", BT_UTF8 },
	{ "lone continuation byte", "a\x80" "b", BT_UTF8 },
	{ "truncated two-byte", "a\xc3", BT_UTF8 },
	{ "truncated three-byte", "\xe2\x82", BT_UTF8 },
	{ "two-byte lead then ASCII", "\xc3(", BT_UTF8 },
	{ "Latin-1 text", "caf\xe9", BT_UTF8 },
};

static const struct msg_case login_cases[] = {
	{ "plain", "admin", NULL },
	{ "address-like", "john.doe@example.com", NULL },
	{ "all allowed characters", "a_b-c.d@e9", NULL },
	{ "starts with digit", "0day", NULL },
	{ "64 characters", A64, NULL },
	{ "empty", "", LOGIN_EMPTY },
	{ "65 characters", A65, LOGIN_LONG },
	{ "upper-case start", "Admin", LOGIN_START },
	{ "underscore start", "_admin", LOGIN_START },
	{ "dot start", ".admin", LOGIN_START },
	{ "at start", "@admin", LOGIN_START },
	{ "non-ASCII start", "\xc3\xa9t\xc3\xa9", LOGIN_START },
	{ "upper case inside", "aDmin", LOGIN_CHARS },
	{ "space", "a b", LOGIN_CHARS },
	{ "plus", "a+b", LOGIN_CHARS },
	{ "non-ASCII inside", "a\xc3\xa9", LOGIN_CHARS },
	{ "newline", "admin\n", LOGIN_CHARS },
};

static const struct msg_case password_cases[] = {
	{ "ten bytes", "0123456789", NULL },
	{ "with spaces", "correct horse battery", NULL },
	{ "leading and trailing spaces", "  secret-pw  ", NULL },
	{ "200 bytes", A200, NULL },
	{ "five two-byte characters are ten bytes", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", NULL },
	{ "empty", "", PW_SHORT },
	{ "nine bytes", "012345678", PW_SHORT },
	{ "four two-byte characters are eight bytes", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", PW_SHORT },
	{ "201 bytes", A201, PW_LONG },
	{ "101 two-byte characters", E100 "\xc3\xa9", PW_LONG },
	{ "tab", "0123456789\t", PW_BAD },
	{ "newline", "0123456789\n", PW_BAD },
	{ "DEL", "0123456789\x7f", PW_BAD },
	{ "C1", "01234\xc2\x85" "56789", PW_BAD },
	{ "invalid UTF-8", "0123456789\xff", PW_BAD },
	{ "short and invalid", "\xff", PW_BAD },
};

static void run_msg_cases(const char *what, const struct msg_case *cases, size_t n,
			  const char *(*fn)(const char *))
{
	for (size_t i = 0; i < n; i++) {
		char label[200];

		snprintf(label, sizeof(label), "%s: %s", what, cases[i].label);
		check_msg(label, cases[i].input, fn(cases[i].input), cases[i].want);
	}
}

static void test_domain(void **state)
{
	(void)state;
	run_msg_cases("validate_domain", domain_cases, N(domain_cases), validate_domain);
}

static void test_local_part(void **state)
{
	(void)state;
	run_msg_cases("validate_local_part", local_cases, N(local_cases), validate_local_part);
}

static void test_address(void **state)
{
	(void)state;
	run_msg_cases("validate_address", address_cases, N(address_cases), validate_address);
}

static void test_bounce_text(void **state)
{
	(void)state;
	run_msg_cases("validate_bounce_text", bounce_cases, N(bounce_cases), validate_bounce_text);
}

static void test_login(void **state)
{
	(void)state;
	run_msg_cases("validate_login", login_cases, N(login_cases), validate_login);
}

static void test_password(void **state)
{
	(void)state;
	run_msg_cases("validate_password", password_cases, N(password_cases), validate_password);
}

static const struct ip_case {
	const char *label;
	const char *input;
	const char *want;	/* message, or NULL */
	const char *canon;	/* canonical text; "" when refused */
} ip_cases[] = {
	{ "IPv4", "192.0.2.1", NULL, "192.0.2.1" },
	{ "IPv4 loopback", "127.0.0.1", NULL, "127.0.0.1" },
	{ "lowest accepted IPv4", "1.0.0.0", NULL, "1.0.0.0" },
	{ "highest accepted IPv4", "223.255.255.255", NULL, "223.255.255.255" },
	{ "IPv6 upper case", "2001:DB8::1", NULL, "2001:db8::1" },
	{ "IPv6 written in full", "2001:0db8:0000:0000:0000:0000:0000:0001", NULL, "2001:db8::1" },
	{ "IPv6 first longest zero run", "2001:db8:0:0:1:0:0:1", NULL, "2001:db8::1:0:0:1" },
	{ "IPv6 no zero run", "1:2:3:4:5:6:7:8", NULL, "1:2:3:4:5:6:7:8" },
	{ "IPv6 in brackets", "[2001:db8::1]", NULL, "2001:db8::1" },
	{ "IPv6 loopback", "::1", NULL, "::1" },
	{ "IPv6 loopback in brackets", "[::1]", NULL, "::1" },
	{ "IPv4-mapped IPv6", "::FFFF:192.0.2.1", NULL, "::ffff:192.0.2.1" },
	{ "empty", "", IP_EMPTY, "" },
	{ "IPv4 unspecified", "0.0.0.0", IP_V4_NO, "" },
	{ "IPv4 this network", "0.1.2.3", IP_V4_NO, "" },
	{ "IPv4 multicast", "224.0.0.1", IP_V4_NO, "" },
	{ "IPv4 reserved", "240.0.0.1", IP_V4_NO, "" },
	{ "IPv4 broadcast", "255.255.255.255", IP_V4_NO, "" },
	{ "IPv6 unspecified", "::", IP_V6_NO, "" },
	{ "IPv6 unspecified in brackets", "[::]", IP_V6_NO, "" },
	{ "IPv6 unspecified in full", "0:0:0:0:0:0:0:0", IP_V6_NO, "" },
	{ "IPv6 multicast", "ff02::1", IP_V6_NO, "" },
	{ "IPv6 multicast upper case", "FF05::2", IP_V6_NO, "" },
	{ "IPv4 octet over 255", "192.0.2.256", IP_BAD, "" },
	{ "IPv4 three parts", "192.0.2", IP_BAD, "" },
	{ "IPv4 leading zero", "192.0.2.01", IP_BAD, "" },
	{ "IPv4 in brackets", "[192.0.2.1]", IP_BAD, "" },
	{ "leading blank", " 192.0.2.1", IP_BAD, "" },
	{ "trailing blank", "192.0.2.1 ", IP_BAD, "" },
	{ "opening bracket only", "[2001:db8::1", IP_BAD, "" },
	{ "closing bracket only", "2001:db8::1]", IP_BAD, "" },
	{ "lone bracket", "[", IP_BAD, "" },
	{ "empty brackets", "[]", IP_BAD, "" },
	{ "bad IPv6 digit", "2001:db8::g", IP_BAD, "" },
	{ "two zero runs", "1::2::3", IP_BAD, "" },
	{ "IPv6 with zone", "fe80::1%eth0", IP_BAD, "" },
	{ "host name", "mail.example.com", IP_BAD, "" },
	{ "too long", "1111:2222:3333:4444:5555:6666:7777:8888:9999:0", IP_BAD, "" },
	{ "way too long", A100, IP_BAD, "" },
};

static void test_ip(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(ip_cases); i++) {
		const struct ip_case *c = &ip_cases[i];
		char canon[VALIDATE_IP_TEXT];
		const char *got;

		memset(canon, 'x', sizeof(canon));
		got = validate_ip(c->input, canon);
		check_msg(c->label, c->input, got, c->want);
		if (memchr(canon, '\0', sizeof(canon)) == NULL)
			fail_msg("%s: canonical form not terminated", c->label);
		if (strcmp(canon, c->canon) != 0)
			fail_msg("%s: canonical form \"%s\", want \"%s\"", c->label, canon, c->canon);
	}
}

/* Rows for the functions that parse a number. */
struct number_case {
	const char *label;
	const char *input;
	const char *want;
	int value;		/* the result; UNTOUCHED when refused */
};

#define UNTOUCHED -7

static const struct number_case port_cases[] = {
	{ "smtp", "25", NULL, 25 },
	{ "lowest", "1", NULL, 1 },
	{ "highest", "65535", NULL, 65535 },
	{ "leading zeros", "0025", NULL, 25 },
	{ "empty", "", PORT_EMPTY, UNTOUCHED },
	{ "zero", "0", PORT_RANGE, UNTOUCHED },
	{ "all zeros", "00000", PORT_RANGE, UNTOUCHED },
	{ "one too high", "65536", PORT_RANGE, UNTOUCHED },
	{ "negative", "-1", PORT_RANGE, UNTOUCHED },
	{ "plus sign", "+25", PORT_RANGE, UNTOUCHED },
	{ "leading blank", " 25", PORT_RANGE, UNTOUCHED },
	{ "trailing blank", "25 ", PORT_RANGE, UNTOUCHED },
	{ "letters", "2a", PORT_RANGE, UNTOUCHED },
	{ "hexadecimal", "0x19", PORT_RANGE, UNTOUCHED },
	{ "ten digits", "0000000025", PORT_RANGE, UNTOUCHED },
	{ "wraps to 25 in 32 bits", "4294967321", PORT_RANGE, UNTOUCHED },
};

static const struct number_case limit_cases[] = {
	{ "one", "1", NULL, 1 },
	{ "typical", "500", NULL, 500 },
	{ "highest", "1000000", NULL, 1000000 },
	{ "leading zero", "0100", NULL, 100 },
	{ "empty", "", LIM_EMPTY, UNTOUCHED },
	{ "zero", "0", LIM_RANGE, UNTOUCHED },
	{ "one too high", "1000001", LIM_RANGE, UNTOUCHED },
	{ "negative", "-5", LIM_RANGE, UNTOUCHED },
	{ "exponent", "1e3", LIM_RANGE, UNTOUCHED },
	{ "decimal point", "100.5", LIM_RANGE, UNTOUCHED },
	{ "leading blank", " 5", LIM_RANGE, UNTOUCHED },
	{ "trailing blank", "5 ", LIM_RANGE, UNTOUCHED },
	{ "huge", "99999999999999999999", LIM_RANGE, UNTOUCHED },
};

static void run_number_cases(const char *what, const struct number_case *cases, size_t n,
			     const char *(*fn)(const char *, int *))
{
	for (size_t i = 0; i < n; i++) {
		const struct number_case *c = &cases[i];
		char label[200];
		int value = UNTOUCHED;

		snprintf(label, sizeof(label), "%s: %s", what, c->label);
		check_msg(label, c->input, fn(c->input, &value), c->want);
		if (value != c->value)
			fail_msg("%s: \"%s\" gives %d, want %d", label, c->input, value, c->value);
	}
}

static void test_port(void **state)
{
	(void)state;
	run_number_cases("validate_port", port_cases, N(port_cases), validate_port);
}

static void test_limit(void **state)
{
	(void)state;
	run_number_cases("validate_limit", limit_cases, N(limit_cases), validate_limit);
}

static const struct map_case {
	const char *label;
	const char *input;
	size_t max;
	int value;		/* validate_map_value() */
	int key;		/* validate_map_key() */
} map_cases[] = {
	{ "plain word", "hello", 255, 1, 1 },
	{ "inner space", "hello world", 255, 1, 0 },
	{ "address", "user@example.com", 255, 1, 1 },
	{ "exactly max bytes", "abc", 3, 1, 1 },
	{ "one byte over max", "abcd", 3, 0, 0 },
	{ "UTF-8 within max bytes", "\xc3\xa9", 2, 1, 1 },
	{ "UTF-8 over max bytes", "\xc3\xa9", 1, 0, 0 },
	{ "leading hash", "#comment", 255, 1, 0 },
	{ "hash inside", "a#b", 255, 1, 1 },
	{ "empty", "", 255, 0, 0 },
	{ "leading space", " a", 255, 0, 0 },
	{ "trailing space", "a ", 255, 0, 0 },
	{ "only a space", " ", 255, 0, 0 },
	{ "tab", "a\tb", 255, 0, 0 },
	{ "CR", "a\rb", 255, 0, 0 },
	{ "LF", "a\nb", 255, 0, 0 },
	{ "DEL", "a\x7f", 255, 0, 0 },
	{ "C1", "a\xc2\x85", 255, 0, 0 },
	{ "U+2028", "a\xe2\x80\xa8", 255, 0, 0 },
	{ "invalid UTF-8", "a\xff", 255, 0, 0 },
	{ "overlong", "\xc0\xaf", 255, 0, 0 },
	{ "surrogate", "\xed\xa0\x80", 255, 0, 0 },
};

static void test_map(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(map_cases); i++) {
		const struct map_case *c = &map_cases[i];
		int value = validate_map_value(c->input, c->max);
		int key = validate_map_key(c->input, c->max);

		if (value != c->value)
			fail_msg("%s: validate_map_value(\"%s\", %zu) is %d, want %d", c->label,
				 c->input, c->max, value, c->value);
		if (key != c->key)
			fail_msg("%s: validate_map_key(\"%s\", %zu) is %d, want %d", c->label,
				 c->input, c->max, key, c->key);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_local_part),
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_ip),
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_bounce_text),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
