/*
 * NAME
 *	conf - the process configuration file (key = value lines)
 * SYNOPSIS
 *	struct conf *c = conf_load(path, &err);
 *	const char *db = conf_get(c, "database", "dbname=postpanel");
 *	c = conf_free(c);
 * DESCRIPTION
 *	Blank lines and lines starting with '#' are ignored; keys are
 *	[a-z0-9_]+, values run to the end of the line with surrounding blanks
 *	removed. A key given twice keeps the last value. conf_load() returns
 *	NULL and sets *err (free(3) it) when the file cannot be read or a
 *	line is malformed. Strings returned by conf_get() belong to the conf.
 */
#ifndef PP_CONF_H
#define PP_CONF_H

struct conf;

struct conf *conf_load(const char *path, char **err);
struct conf *conf_new(void);
void conf_set(struct conf *c, const char *key, const char *value);
const char *conf_get(const struct conf *c, const char *key, const char *def);
/*
 * Integer value in [min, max], decimal (conf_get_octal: octal, as 0660);
 * def when absent; *ok = 0 when present but invalid.
 */
long conf_get_long(const struct conf *c, const char *key, long def, long min, long max, int *ok);
long conf_get_octal(const struct conf *c, const char *key, long def, long max, int *ok);
struct conf *conf_free(struct conf *c);

#endif
