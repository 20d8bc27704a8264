#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "model/address.h"
#include "model/idn.h"
#include "util/xalloc.h"

const char *address_local_part(const char *input, char out[VALIDATE_LOCAL_MAX + 1])
{
	const char *start = input + strspn(input, " \t"), *end = start + strlen(start);
	size_t len;

	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	len = (size_t)(end - start);
	out[0] = '\0';
	if (len > VALIDATE_LOCAL_MAX)
		return N_("The part of the address before the @ is longer than 64 characters.");
	for (size_t i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)start[i]);
	out[len] = '\0';
	return validate_local_part(out);
}

/* One target: domain lower case and in punycode, then the grammar. */
static const char *normalise(char *addr, char **result)
{
	char *at = strrchr(addr, '@'), *ascii = NULL;
	const char *why;

	*result = NULL;
	if (at == NULL || strchr(addr, '@') != at)
		return validate_address(addr);
	*at = '\0';
	if ((why = idn_to_ascii(at + 1, &ascii)) != NULL) {
		*at = '@';
		return why;
	}
	*result = xasprintf("%s@%s", addr, ascii);
	free(ascii);
	*at = '@';
	if ((why = validate_address(*result)) != NULL) {
		free(*result);
		*result = NULL;
	}
	return why;
}

const char *address_targets(const char *input, struct buf *out)
{
	char *copy = xstrdup(input), *save = NULL, *tok, *list[ADDRESS_MAX_TARGETS];
	size_t n = 0;
	const char *why = NULL;

	for (tok = strtok_r(copy, ", \t\r\n", &save); tok && !why; tok = strtok_r(NULL, ", \t\r\n", &save)) {
		char *one;
		int repeat = 0;

		if ((why = normalise(tok, &one)) != NULL) {
			buf_puts(out, tok);	/* name the bad address */
			break;
		}
		for (size_t i = 0; i < n; i++)
			repeat |= strcmp(list[i], one) == 0;
		if (repeat) {
			free(one);
		} else if (n == ADDRESS_MAX_TARGETS) {
			why = N_("An alias can have at most 50 target addresses.");
			free(one);
		} else {
			list[n++] = one;
		}
	}
	if (why == NULL && n == 0)
		why = N_("Enter at least one target address.");
	for (size_t i = 0; i < n; i++) {
		if (why == NULL) {
			if (i > 0)
				buf_putc(out, ',');
			buf_puts(out, list[i]);
		}
		free(list[i]);
	}
	free(copy);
	return why;
}
