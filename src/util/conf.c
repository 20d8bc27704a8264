#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "util/conf.h"
#include "util/xalloc.h"

struct conf_item {
	char *key;
	char *value;
};

struct conf {
	struct conf_item *items;
	size_t n;
};

struct conf *conf_new(void)
{
	return xcalloc(1, sizeof(struct conf));
}

void conf_set(struct conf *c, const char *key, const char *value)
{
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->items[i].key, key) == 0) {
			free(c->items[i].value);
			c->items[i].value = xstrdup(value);
			return;
		}
	}
	c->items = xrealloc(c->items, (c->n + 1) * sizeof(*c->items));
	c->items[c->n].key = xstrdup(key);
	c->items[c->n].value = xstrdup(value);
	c->n++;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

struct conf *conf_load(const char *path, char **err)
{
	FILE *fp = fopen(path, "r");
	struct conf *c;
	char *line = NULL;	/* getline(): values run to the end of the line */
	size_t cap = 0;
	int lineno = 0;

	if (fp == NULL) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	c = conf_new();
	while (getline(&line, &cap, fp) != -1) {
		char *p = trim(line), *eq, *key;

		lineno++;
		if (*p == '\0' || *p == '#')
			continue;
		eq = strchr(p, '=');
		if (eq == NULL) {
			*err = xasprintf(_("%s:%d: expected key = value"), path, lineno);
			goto fail;
		}
		*eq = '\0';
		key = trim(p);
		if (*key == '\0' || strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(key)) {
			*err = xasprintf(_("%s:%d: bad key"), path, lineno);
			goto fail;
		}
		conf_set(c, key, trim(eq + 1));
	}
	if (ferror(fp)) {	/* a directory, or an I/O error */
		*err = xasprintf("%s: %s", path, strerror(errno));
		goto fail;
	}
	free(line);
	fclose(fp);
	return c;
fail:
	free(line);
	fclose(fp);
	return conf_free(c);
}

const char *conf_get(const struct conf *c, const char *key, const char *def)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (strcmp(c->items[i].key, key) == 0)
			return c->items[i].value;
	return def;
}

static long get_number(const struct conf *c, const char *key, int base, long def, long min,
		       long max, int *ok)
{
	const char *v = conf_get(c, key, NULL);
	char *end;
	long n;

	*ok = 1;
	if (v == NULL)
		return def;
	errno = 0;
	n = strtol(v, &end, base);
	if (errno || end == v || *end != '\0' || n < min || n > max) {
		*ok = 0;
		return -1;
	}
	return n;
}

long conf_get_long(const struct conf *c, const char *key, long def, long min, long max, int *ok)
{
	return get_number(c, key, 10, def, min, max, ok);
}

long conf_get_octal(const struct conf *c, const char *key, long def, long max, int *ok)
{
	return get_number(c, key, 8, def, 0, max, ok);
}

struct conf *conf_free(struct conf *c)
{
	if (c == NULL)
		return NULL;
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].key);
		free(c->items[i].value);
	}
	free(c->items);
	free(c);
	return NULL;
}
