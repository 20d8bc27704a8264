#include "config.h"

#include <string.h>

#include "map_grammar.h"

static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len;
	unsigned min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, min = 0x80, *cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, min = 0x800, *cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, min = 0x10000, *cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3fu);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

const char *map_grammar_problem(enum map_id id, const char *line, size_t len)
{
	const char *sp = memchr(line, ' ', len), *v;
	size_t klen, vlen;

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = utf8_next((const unsigned char *)line + i, len - i, &cp);

		if (n == 0)
			return "invalid UTF-8";
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029)
			return "control character";
		i += n;
	}
	if (sp == NULL)
		return "no separator";
	klen = (size_t)(sp - line);
	v = sp + 1;
	vlen = len - klen - 1;
	if (klen == 0)
		return "empty key";
	if (line[0] == '#')
		return "key starts with #";
	if (klen > MAP_KEY_MAX)
		return "key too long";
	if (id == MAP_WEBMAIL) {
		if (vlen == 0 || v[vlen - 1] != ';')
			return "nginx line without ';'";
		vlen--;
		for (size_t i = 0; i < len - 1; i++)
			if (i != klen && strchr(" ;{}'\"\\$#", line[i]) != NULL)
				return "nginx special character";
	}
	if (vlen == 0)
		return "empty value";
	if (v[0] == ' ')
		return "more than one separator";
	if (v[vlen - 1] == ' ')
		return "trailing blank";
	if (vlen > MAP_VALUE_MAX)
		return "value too long";
	return NULL;
}
