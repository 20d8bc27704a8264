/*
 * NAME
 *	role - who may do what
 * DESCRIPTION
 *	Administrators see every domain and the server settings; resellers
 *	see their customers' domains and may edit them in bulk; customers see
 *	their own domains. Which rows a caller may read is decided in SQL
 *	(db module, same query that reads the row); these predicates decide
 *	which pages and actions exist for a role.
 */
#ifndef PP_ROLE_H
#define PP_ROLE_H

enum role { ROLE_ADMIN, ROLE_RESELLER, ROLE_CUSTOMER };

const char *role_name(enum role r);
int role_parse(const char *name, enum role *r);
int role_can_manage_server(enum role r);
int role_can_edit_bulk(enum role r);
int role_can_own_domains(enum role r);

#endif
