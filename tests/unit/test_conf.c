/*
 * Unit tests for util/conf: the key = value configuration file and its
 * number look-ups.
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
#include <unistd.h>

#include "util/conf.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SHOW(s) ((s) ? (s) : "(null)")

#define A10 "aaaaaaaaaa"
#define A100 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
#define A1000 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100
#define A4200 A1000 A1000 A1000 A1000 A100 A100
#define A5000 A1000 A1000 A1000 A1000 A1000

#define EXPECTED ": expected key = value"
#define BAD_KEY ": bad key"

static int str_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Writes text to a new temporary file; its name goes to path. */
static void write_temp(char *path, size_t size, const char *text)
{
	const char *dir = getenv("TMPDIR");
	size_t len = strlen(text);
	int fd;

	snprintf(path, size, "%s/test_conf.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

struct lookup {
	const char *key;
	const char *want;	/* NULL: absent */
};

#define MAX_LOOKUPS 4

static const struct file_case {
	const char *label;
	const char *text;
	const char *err;	/* NULL: loads; else what follows "path:" */
	struct lookup lookups[MAX_LOOKUPS];
} file_cases[] = {
	{ "simple", "database = dbname=pp\nlisten=127.0.0.1:9000\n", NULL,
	  { { "database", "dbname=pp" }, { "listen", "127.0.0.1:9000" }, { "absent", NULL } } },
	{ "comments and blank lines", "# comment\n\n   \n\t# indented = no\nkey=v\n#other = x\n", NULL,
	  { { "key", "v" }, { "other", NULL }, { "indented", NULL } } },
	{ "blanks trimmed", "  key  =   value with  spaces  \t\n", NULL,
	  { { "key", "value with  spaces" } } },
	{ "tabs around =", "key\t=\tv\n", NULL, { { "key", "v" } } },
	{ "CRLF line ends", "a = 1\r\nb = 2\r\n", NULL, { { "a", "1" }, { "b", "2" } } },
	{ "no final newline", "key = v", NULL, { { "key", "v" } } },
	{ "empty value", "key =\nnext = 1\n", NULL, { { "key", "" }, { "next", "1" } } },
	{ "value with = signs", "dsn = host=db port=5432\n", NULL, { { "dsn", "host=db port=5432" } } },
	{ "last value wins", "a=1\nb=x\na=2\n", NULL, { { "a", "2" }, { "b", "x" } } },
	{ "hash in a value is kept", "a = x # not a comment\n", NULL, { { "a", "x # not a comment" } } },
	{ "empty file", "", NULL, { { "a", NULL } } },
	{ "only comments", "# a\n# b = c\n", NULL, { { "b", NULL }, { "a", NULL } } },
	{ "digits and underscores in keys", "max_fields_2 = 10\n_x = y\n", NULL,
	  { { "max_fields_2", "10" }, { "_x", "y" } } },
	{ "keys are case-sensitive", "mode = 1\n", NULL, { { "mode", "1" }, { "Mode", NULL } } },
	{ "long line", "k = " A5000 "\nz = 1\n", NULL, { { "k", A5000 }, { "z", "1" } } },
	{ "long line with = in its tail", "k = " A4200 "b=c\n", NULL,
	  { { "k", A4200 "b=c" }, { "b", NULL } } },
	{ "line without =", "a=1\nbogus\n", ":2" EXPECTED, { { NULL, NULL } } },
	{ "line numbers count comments and blanks", "# c\n\n\nx\n", ":4" EXPECTED, { { NULL, NULL } } },
	{ "a comment must start the line", "a = 1\n  x # y = z\n", ":2" BAD_KEY, { { NULL, NULL } } },
	{ "empty key", "= v\n", ":1" BAD_KEY, { { NULL, NULL } } },
	{ "blank key", "  \t= v\n", ":1" BAD_KEY, { { NULL, NULL } } },
	{ "upper-case key", "Key = v\n", ":1" BAD_KEY, { { NULL, NULL } } },
	{ "dash in key", "a-b = v\n", ":1" BAD_KEY, { { NULL, NULL } } },
	{ "dot in key", "a.b = v\n", ":1" BAD_KEY, { { NULL, NULL } } },
	{ "blank inside key", "a b = v\n", ":1" BAD_KEY, { { NULL, NULL } } },
	{ "non-ASCII key", "\xc3\xa9 = v\n", ":1" BAD_KEY, { { NULL, NULL } } },
	{ "error after good lines", "a=1\nb=2\nB=3\n", ":3" BAD_KEY, { { NULL, NULL } } },
	{ "error on a last line without newline", "a=1\nbogus", ":2" EXPECTED, { { NULL, NULL } } },
};

static void test_load(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(file_cases); i++) {
		const struct file_case *c = &file_cases[i];
		char path[512], want_err[600];
		char *err = NULL;
		struct conf *conf;

		write_temp(path, sizeof(path), c->text);
		conf = conf_load(path, &err);
		unlink(path);
		if (c->err != NULL) {
			snprintf(want_err, sizeof(want_err), "%s%s", path, c->err);
			if (conf != NULL)
				fail_msg("%s: loaded, want error \"%s\"", c->label, want_err);
			if (!str_eq(err, want_err))
				fail_msg("%s: error \"%s\", want \"%s\"", c->label, SHOW(err), want_err);
			free(err);
			continue;
		}
		if (conf == NULL)
			fail_msg("%s: not loaded: %s", c->label, SHOW(err));
		if (err != NULL)
			fail_msg("%s: loaded but error set: %s", c->label, err);
		for (size_t j = 0; j < MAX_LOOKUPS && c->lookups[j].key != NULL; j++) {
			const struct lookup *l = &c->lookups[j];
			const char *got = conf_get(conf, l->key, NULL);

			if (!str_eq(got, l->want))
				fail_msg("%s: %s is \"%.60s\", want \"%.60s\"", c->label, l->key, SHOW(got),
					 SHOW(l->want));
			if (got == NULL && !str_eq(conf_get(conf, l->key, "dflt"), "dflt"))
				fail_msg("%s: %s absent but the default is not returned", c->label, l->key);
		}
		conf_free(conf);
	}
}

/* Paths that cannot be read. */
static void test_load_fails(void **state)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[512], missing[600], want[700];
	const struct {
		const char *label;
		const char *path;
		const char *reason;
	} rows[] = {
		{ "missing file", missing, "No such file or directory" },
		{ "directory", tmpl, "Is a directory" },
	};

	(void)state;
	snprintf(tmpl, sizeof(tmpl), "%s/test_conf_dir.XXXXXX", dir && *dir ? dir : "/tmp");
	assert_non_null(mkdtemp(tmpl));
	snprintf(missing, sizeof(missing), "%s/absent.conf", tmpl);
	for (size_t i = 0; i < N(rows); i++) {
		char *err = NULL;
		struct conf *c = conf_load(rows[i].path, &err);

		snprintf(want, sizeof(want), "%s: %s", rows[i].path, rows[i].reason);
		if (c != NULL) {
			conf_free(c);
			rmdir(tmpl);
			fail_msg("%s: loaded, want error \"%s\"", rows[i].label, want);
		}
		if (!str_eq(err, want)) {
			rmdir(tmpl);
			fail_msg("%s: error \"%s\", want \"%s\"", rows[i].label, SHOW(err), want);
		}
		free(err);
	}
	assert_int_equal(rmdir(tmpl), 0);
}

static const struct number_case {
	const char *label;
	const char *value;	/* NULL: key absent */
	int octal;		/* conf_get_octal instead of conf_get_long */
	long def, min, max;	/* min unused for octal */
	long want;
	int ok;
} number_cases[] = {
	{ "absent gives the default", NULL, 0, 7, 0, 100, 7, 1 },
	{ "absent default outside the range", NULL, 0, -5, 0, 100, -5, 1 },
	{ "in range", "42", 0, 7, 0, 100, 42, 1 },
	{ "at the minimum", "0", 0, 7, 0, 100, 0, 1 },
	{ "at the maximum", "100", 0, 7, 0, 100, 100, 1 },
	{ "over the maximum", "101", 0, 7, 0, 100, -1, 0 },
	{ "under the minimum", "-1", 0, 7, 0, 100, -1, 0 },
	{ "negative allowed", "-5", 0, 7, -10, 10, -5, 1 },
	{ "plus sign", "+7", 0, 1, 0, 100, 7, 1 },
	{ "leading zero is decimal", "010", 0, 1, 0, 100, 10, 1 },
	{ "empty", "", 0, 7, 0, 100, -1, 0 },
	{ "trailing junk", "12abc", 0, 7, 0, 100, -1, 0 },
	{ "hexadecimal", "0x10", 0, 7, 0, 100, -1, 0 },
	{ "decimal point", "1.5", 0, 7, 0, 100, -1, 0 },
	{ "overflow", "99999999999999999999", 0, 7, 0, 100, -1, 0 },
	{ "large in range", "1048576", 0, 7, 1, 1073741824, 1048576, 1 },
	{ "octal 0660", "0660", 1, 0600, 0, 0777, 0660, 1 },
	{ "octal without leading zero", "660", 1, 0600, 0, 0777, 0660, 1 },
	{ "octal maximum", "0777", 1, 0600, 0, 0777, 0777, 1 },
	{ "octal zero", "0", 1, 0600, 0, 0777, 0, 1 },
	{ "octal absent", NULL, 1, 0640, 0, 0777, 0640, 1 },
	{ "octal over the maximum", "01000", 1, 0600, 0, 0777, -1, 0 },
	{ "octal with digit 8", "0680", 1, 0600, 0, 0777, -1, 0 },
	{ "octal 9", "9", 1, 0600, 0, 0777, -1, 0 },
	{ "octal negative", "-1", 1, 0600, 0, 0777, -1, 0 },
	{ "octal empty", "", 1, 0600, 0, 0777, -1, 0 },
	{ "octal with 0o prefix", "0o660", 1, 0600, 0, 0777, -1, 0 },
	{ "octal symbolic", "rw-rw----", 1, 0600, 0, 0777, -1, 0 },
};

static void test_numbers(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(number_cases); i++) {
		const struct number_case *c = &number_cases[i];
		struct conf *conf = conf_new();
		int ok = 42;
		long got;

		conf_set(conf, "other", "1");
		if (c->value != NULL)
			conf_set(conf, "n", c->value);
		if (c->octal)
			got = conf_get_octal(conf, "n", c->def, c->max, &ok);
		else
			got = conf_get_long(conf, "n", c->def, c->min, c->max, &ok);
		conf_free(conf);
		if (got != c->want || ok != c->ok)
			fail_msg("%s: \"%s\" gives %ld (ok %d), want %ld (ok %d)", c->label, SHOW(c->value),
				 got, ok, c->want, c->ok);
	}
}

/* conf_new/conf_set/conf_get without a file. */
static void test_set_get(void **state)
{
	struct conf *c = conf_new();

	(void)state;
	assert_null(conf_get(c, "a", NULL));
	assert_string_equal(conf_get(c, "a", "def"), "def");
	conf_set(c, "a", "1");
	conf_set(c, "b", "2");
	conf_set(c, "a", "3");
	assert_string_equal(conf_get(c, "a", "def"), "3");
	assert_string_equal(conf_get(c, "b", NULL), "2");
	assert_null(conf_free(c));
	assert_null(conf_free(NULL));
	assert_string_equal(conf_get(NULL, "a", "def"), "def");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_fails),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_set_get),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
