#include "config.h"

#include <ctype.h>
#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "model/idn.h"
#include "model/validate.h"
#include "util/xalloc.h"

const char *idn_to_ascii(const char *input, char **ascii)
{
	const char *start = input, *end = input + strlen(input);
	char *name, *out = NULL;
	const char *why;
	int rc;

	*ascii = NULL;
	while (*start == ' ' || *start == '\t')
		start++;
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end > start && end[-1] == '.')
		end--;
	if (end == start)
		return N_("Enter a domain name.");
	if (end - start > 1024)
		return N_("The domain name is longer than 253 characters.");
	name = xstrndup(start, (size_t)(end - start));
	rc = idn2_to_ascii_8z(name, &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	free(name);
	if (rc != IDN2_OK) {
		idn2_free(out);
		if (rc == IDN2_TOO_BIG_DOMAIN)
			return N_("The domain name is longer than 253 characters.");
		/* PUNYCODE_BIG_OUTPUT: the encoded label does not fit in 63. */
		if (rc == IDN2_TOO_BIG_LABEL || rc == IDN2_PUNYCODE_BIG_OUTPUT)
			return N_("A label of the domain name is longer than 63 characters.");
		if (rc == IDN2_ENCODING_ERROR)
			return N_("The domain name is not valid UTF-8 text.");
		return N_("The domain name contains characters that are not allowed in domain names.");
	}
	why = validate_domain(out);
	if (why) {
		idn2_free(out);
		return why;
	}
	*ascii = xstrdup(out);
	idn2_free(out);
	return NULL;
}

char *idn_to_display(const char *ascii)
{
	char *out = NULL, *copy;

	if (strstr(ascii, "xn--") == NULL ||
	    idn2_to_unicode_8z8z(ascii, &out, 0) != IDN2_OK) {
		idn2_free(out);
		return xstrdup(ascii);
	}
	copy = xstrdup(out);
	idn2_free(out);
	return copy;
}

char *idn_search_term(const char *typed)
{
	const char *start = typed + strspn(typed, " \t"), *end;
	char *t, *ascii = NULL;
	int non_ascii = 0;

	end = start + strnlen(start, VALIDATE_DOMAIN_MAX);
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	t = xstrndup(start, (size_t)(end - start));
	for (char *p = t; *p; p++) {
		if ((unsigned char)*p >= 0x80)
			non_ascii = 1;
		else
			*p = (char)tolower((unsigned char)*p);
	}
	/* A single label is fine here: no idn_to_ascii() whole-name checks. */
	if (non_ascii && idn2_to_ascii_8z(t, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) == IDN2_OK) {
		free(t);
		t = xstrdup(ascii);
	}
	idn2_free(ascii);
	return t;
}
