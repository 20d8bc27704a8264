/*
 * Unit tests for model/role: role names and what each role may do.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "model/role.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SHOW(s) ((s) ? (s) : "(null)")

static const struct role_case {
	const char *label;
	enum role role;
	const char *name;
	int manage_server;
	int edit_bulk;
	int own_domains;
} role_cases[] = {
	{ "administrator", ROLE_ADMIN, "admin", 1, 1, 0 },
	{ "reseller", ROLE_RESELLER, "reseller", 0, 1, 0 },
	{ "customer", ROLE_CUSTOMER, "customer", 0, 0, 1 },
};

static void test_roles(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(role_cases); i++) {
		const struct role_case *c = &role_cases[i];
		const char *name = role_name(c->role);
		enum role parsed = (enum role)99;
		int rc;

		if (name == NULL || strcmp(name, c->name) != 0)
			fail_msg("%s: role_name is \"%s\", want \"%s\"", c->label, SHOW(name), c->name);
		rc = role_parse(name, &parsed);
		if (rc != 0 || parsed != c->role)
			fail_msg("%s: role_parse(\"%s\") gives %d (rc %d), want %d", c->label, name,
				 (int)parsed, rc, (int)c->role);
		if (role_can_manage_server(c->role) != c->manage_server)
			fail_msg("%s: role_can_manage_server is %d, want %d", c->label,
				 role_can_manage_server(c->role), c->manage_server);
		if (role_can_edit_bulk(c->role) != c->edit_bulk)
			fail_msg("%s: role_can_edit_bulk is %d, want %d", c->label,
				 role_can_edit_bulk(c->role), c->edit_bulk);
		if (role_can_own_domains(c->role) != c->own_domains)
			fail_msg("%s: role_can_own_domains is %d, want %d", c->label,
				 role_can_own_domains(c->role), c->own_domains);
	}
}

static const struct parse_case {
	const char *label;
	const char *name;
} bad_names[] = {
	{ "upper case", "Admin" },
	{ "all upper case", "CUSTOMER" },
	{ "trailing blank", "admin " },
	{ "leading blank", " reseller" },
	{ "prefix", "adm" },
	{ "longer", "administrator" },
	{ "unknown", "root" },
	{ "empty", "" },
	{ "NULL", NULL },
};

static void test_parse_refuses(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(bad_names); i++) {
		const struct parse_case *c = &bad_names[i];
		enum role r = (enum role)99;
		int rc = role_parse(c->name, &r);

		if (rc != -1 || (int)r != 99)
			fail_msg("%s: role_parse(\"%s\") gives %d (rc %d), want -1 and r untouched", c->label,
				 SHOW(c->name), (int)r, rc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_parse_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
