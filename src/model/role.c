#include "config.h"

#include <string.h>

#include "model/role.h"

static const char *const names[] = {
	[ROLE_ADMIN] = "admin",
	[ROLE_RESELLER] = "reseller",
	[ROLE_CUSTOMER] = "customer",
};

const char *role_name(enum role r)
{
	return names[r];
}

int role_parse(const char *name, enum role *r)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (name && strcmp(name, names[i]) == 0) {
			*r = (enum role)i;
			return 0;
		}
	}
	return -1;
}

int role_can_manage_server(enum role r)
{
	return r == ROLE_ADMIN;
}

int role_can_edit_bulk(enum role r)
{
	return r == ROLE_ADMIN || r == ROLE_RESELLER;
}

int role_can_own_domains(enum role r)
{
	return r == ROLE_CUSTOMER;
}
