/*
 * libFuzzer target: form and cookie decoding, and the validators that
 * then read the decoded values. Built with --enable-fuzzing (clang).
 * Checks, besides the sanitizers: decoded values never exceed the limits
 * and never contain NUL; a failed parse never leaves more than max_fields.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/mailcfg.h"
#include "model/validate.h"
#include "web/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct form *f, const struct form_limits *lim)
{
	char canon[VALIDATE_IP_TEXT];
	int n;

	if (f->n > lim->max_fields)
		abort();
	for (size_t i = 0; i < f->n; i++) {
		const char *v = f->fields[i].value;

		if (strlen(f->fields[i].name) > lim->max_name || strlen(v) > lim->max_value)
			abort();
		(void)validate_domain(v);
		(void)validate_address(v);
		(void)validate_local_part(v);
		(void)validate_ip(v, canon);
		(void)validate_port(v, &n);
		(void)validate_bounce_text(v);
		(void)validate_limit(v, &n);
		(void)validate_map_key(v, 255);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct form_limits lim = { 32, 64, 512 };
	struct form *f = form_new();
	char *text = malloc(size + 1);

	(void)form_parse_urlencoded(f, (const char *)data, size, &lim);
	check(f, &lim);
	f = form_free(f);

	memcpy(text, data, size);
	text[size] = '\0';
	f = form_new();
	(void)form_parse_cookies(f, text, &lim);
	check(f, &lim);
	form_free(f);
	free(text);
	return 0;
}
