#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "web/form.h"

struct form *form_new(void)
{
	return xcalloc(1, sizeof(struct form));
}

struct form *form_free(struct form *f)
{
	if (f == NULL)
		return NULL;
	for (size_t i = 0; i < f->n; i++) {
		free(f->fields[i].name);
		free(f->fields[i].value);
	}
	free(f->fields);
	free(f);
	return NULL;
}

static void form_push(struct form *f, char *name, char *value)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 16;
		f->fields = xrealloc(f->fields, f->cap * sizeof(*f->fields));
	}
	f->fields[f->n].name = name;
	f->fields[f->n].value = value;
	f->n++;
}

void form_add(struct form *f, const char *name, const char *value)
{
	form_push(f, xstrdup(name), xstrdup(value));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes src[0..len) into a new string. The decoded length is at most
 * len, so the limit can be checked on the raw length first.
 */
static enum form_status decode(const char *src, size_t len, char **out)
{
	char *dst = xmalloc(len + 1), *d = dst;

	for (size_t i = 0; i < len; i++) {
		char c = src[i];

		if (c == '+') {
			*d++ = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (i + 2 >= len) {
				free(dst);
				return FORM_BAD_ENCODING;
			}
			hi = hexval(src[i + 1]);
			lo = hexval(src[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				free(dst);
				return FORM_BAD_ENCODING;
			}
			*d++ = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '\0') {
			free(dst);
			return FORM_BAD_ENCODING;
		} else {
			*d++ = c;
		}
	}
	*d = '\0';
	*out = dst;
	return FORM_OK;
}

enum form_status form_parse_urlencoded(struct form *f, const char *data, size_t len,
				       const struct form_limits *lim)
{
	size_t pos = 0, count = 0;

	while (pos < len) {
		const char *pair = data + pos, *amp, *eq;
		size_t plen, nlen, vlen;
		char *name, *value;
		enum form_status st;

		amp = memchr(pair, '&', len - pos);
		plen = amp ? (size_t)(amp - pair) : len - pos;
		pos += plen + 1;
		if (plen == 0)
			continue;
		if (++count > lim->max_fields)
			return FORM_TOO_MANY;
		eq = memchr(pair, '=', plen);
		nlen = eq ? (size_t)(eq - pair) : plen;
		vlen = eq ? plen - nlen - 1 : 0;
		if (nlen > 3 * lim->max_name || vlen > 3 * lim->max_value)
			return FORM_TOO_LONG;
		if ((st = decode(pair, nlen, &name)) != FORM_OK)
			return st;
		if ((st = decode(eq ? eq + 1 : pair + plen, vlen, &value)) != FORM_OK) {
			free(name);
			return st;
		}
		if (strlen(name) > lim->max_name || strlen(value) > lim->max_value) {
			free(name);
			free(value);
			return FORM_TOO_LONG;
		}
		if (*name == '\0') {	/* "=value": nothing can ask for it */
			free(name);
			free(value);
			continue;
		}
		form_push(f, name, value);
	}
	return FORM_OK;
}

enum form_status form_parse_cookies(struct form *f, const char *header,
				    const struct form_limits *lim)
{
	const char *p = header;
	size_t count = 0;

	while (*p) {
		const char *end, *eq, *nend, *vstart, *vend;

		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL) {
			nend = eq;
			while (nend > p && (nend[-1] == ' ' || nend[-1] == '\t'))
				nend--;
			vstart = eq + 1;
			vend = end;
			while (vstart < vend && (*vstart == ' ' || *vstart == '\t'))
				vstart++;
			while (vend > vstart && (vend[-1] == ' ' || vend[-1] == '\t'))
				vend--;
			/* RFC 6265 allows one pair of double quotes around a value. */
			if (vend - vstart >= 2 && *vstart == '"' && vend[-1] == '"') {
				vstart++;
				vend--;
			}
			if (nend > p) {
				if (++count > lim->max_fields)
					return FORM_TOO_MANY;
				if ((size_t)(nend - p) > lim->max_name ||
				    (size_t)(vend - vstart) > lim->max_value)
					return FORM_TOO_LONG;
				form_push(f, xstrndup(p, (size_t)(nend - p)),
					  xstrndup(vstart, (size_t)(vend - vstart)));
			}
		}
		p = end;
	}
	return FORM_OK;
}

const char *form_get(const struct form *f, const char *name)
{
	long i = f ? form_next(f, name, 0) : -1;

	return i < 0 ? NULL : f->fields[i].value;
}

long form_next(const struct form *f, const char *name, size_t pos)
{
	for (size_t i = pos; i < f->n; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return (long)i;
	return -1;
}
