/*
 * NAME
 *	form - decoding of application/x-www-form-urlencoded data and cookies
 * SYNOPSIS
 *	struct form *f = form_new();
 *	if (form_parse_urlencoded(f, body, len, &limits) != FORM_OK) reject();
 *	const char *v = form_get(f, "policy");
 *	f = form_free(f);
 * DESCRIPTION
 *	Pure functions over bytes, with hard limits on the number of fields
 *	and on name and value lengths, so a hostile request costs bounded
 *	memory. Values are percent-decoded ('+' is a space); a decoded NUL or
 *	a malformed escape makes the whole input FORM_BAD_ENCODING. Other
 *	bytes are kept as they are: deciding what a field may contain is the
 *	job of model/validate. A field given twice keeps both (form_get()
 *	returns the first; form_get_all() walks them in order).
 *	All strings belong to the form; form_free() accepts NULL.
 */
#ifndef PP_FORM_H
#define PP_FORM_H

#include <stddef.h>

enum form_status {
	FORM_OK = 0,
	FORM_TOO_MANY,		/* more than max_fields fields */
	FORM_TOO_LONG,		/* a name or value over its limit */
	FORM_BAD_ENCODING	/* malformed %-escape or encoded NUL */
};

struct form_limits {
	size_t max_fields;
	size_t max_name;
	size_t max_value;
};

struct form_field {
	char *name;
	char *value;
};

struct form {
	struct form_field *fields;
	size_t n;
	size_t cap;
};

struct form *form_new(void);
struct form *form_free(struct form *f);
/* Adds fields from "a=1&b=2"; on error f keeps the fields added before. */
enum form_status form_parse_urlencoded(struct form *f, const char *data, size_t len,
				       const struct form_limits *lim);
/* Adds cookies from a Cookie header ("a=1; b=2"); values are not %-decoded. */
enum form_status form_parse_cookies(struct form *f, const char *header,
				    const struct form_limits *lim);
void form_add(struct form *f, const char *name, const char *value);
const char *form_get(const struct form *f, const char *name);
/* Index of the next field called name at or after *pos, or -1. */
long form_next(const struct form *f, const char *name, size_t pos);

#endif
