/*
 * NAME
 *	password - hashing and checking account passwords with crypt(3)
 * DESCRIPTION
 *	password_hash() returns a yescrypt hash ("$y$...") of plain, malloc'd,
 *	or NULL when the system cannot produce one. password_check() returns 1
 *	when plain matches hash. password_check_dummy() spends the same time
 *	as a real check, so that an unknown login answers as slowly as a
 *	wrong password.
 */
#ifndef PP_PASSWORD_H
#define PP_PASSWORD_H

char *password_hash(const char *plain);
int password_check(const char *plain, const char *hash);
void password_check_dummy(const char *plain);

#endif
