/*
 * NAME
 *	validate - the grammar of every value a user can give us
 * SYNOPSIS
 *	const char *why = validate_domain("example.com");
 *	if (why) show(_(why));
 * DESCRIPTION
 *	Each function returns NULL when the value is acceptable, or an English
 *	message id (marked with N_, translated by the caller with _()) that
 *	says precisely what is wrong. The grammars are deliberately strict:
 *	every accepted value is safe to place in a Postfix lookup table (no
 *	whitespace in keys, no control characters, no CR/LF, bounded length).
 *	Pure functions: no allocation, no global state.
 */
#ifndef PP_VALIDATE_H
#define PP_VALIDATE_H

#include <stddef.h>

#define VALIDATE_DOMAIN_MAX 253
#define VALIDATE_LOCAL_MAX 64
#define VALIDATE_ADDRESS_MAX 254
#define VALIDATE_BOUNCE_MAX 200	/* characters, not bytes */
#define VALIDATE_LIMIT_MAX 1000000
#define VALIDATE_IP_TEXT 46	/* INET6_ADDRSTRLEN */

/* ASCII (punycode) domain name, lower case, at least two labels. */
const char *validate_domain(const char *name);
/* Local part of a mailbox we host: [a-z0-9._-], starts with a letter or digit. */
const char *validate_local_part(const char *lp);
/* Any deliverable address (a forward target): dot-atom local part @ domain. */
const char *validate_address(const char *addr);
/*
 * IPv4 or IPv6 literal (IPv6 may be written in brackets). On success the
 * canonical text form is written to canon (VALIDATE_IP_TEXT bytes).
 */
const char *validate_ip(const char *text, char *canon);
/* Decimal port 1..65535 written to *port. */
const char *validate_port(const char *text, int *port);
/* One line of printable UTF-8, 1..VALIDATE_BOUNCE_MAX characters. */
const char *validate_bounce_text(const char *text);
/* Messages per hour, 1..VALIDATE_LIMIT_MAX, written to *limit. */
const char *validate_limit(const char *text, int *limit);
/* Account login: [a-z0-9][a-z0-9._@-]{0,63}. */
const char *validate_login(const char *login);
/* Password: 10..200 bytes, no control characters. */
const char *validate_password(const char *password);
/*
 * True when s is safe as a map-file value: no control characters (C0,
 * DEL, C1), valid UTF-8, no leading or trailing blank, 1..max bytes. Keys
 * additionally need validate_map_key(): the same and no blank at all.
 */
int validate_map_value(const char *s, size_t max);
int validate_map_key(const char *s, size_t max);

#endif
