#include "config.h"

#include <string.h>

#include "i18n/i18n.h"
#include "model/servercfg.h"
#include "model/validate.h"

/*
 * A default limit: "unlimited", or "custom" with a number. A number typed
 * while "unlimited" is chosen must still be valid, as on the domain page.
 */
static void apply_default_limit(const char *field, const char *mode, const char *value,
				int *out, struct mail_errors *errs)
{
	const char *start = value ? value + strspn(value, " \t") : "";
	size_t len = strlen(start);
	char number[16];
	const char *why = NULL;
	int n = 0;

	while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t'))
		len--;
	if (len >= sizeof(number))
		len = sizeof(number) - 1;	/* too long for any valid limit anyway */
	memcpy(number, start, len);
	number[len] = '\0';
	if (*number != '\0' && (why = validate_limit(number, &n)) != NULL) {
		mailcfg_error(errs, field, why, NULL);
		return;
	}
	if (mode == NULL)
		return;
	if (strcmp(mode, "unlimited") == 0) {
		*out = 0;
	} else if (strcmp(mode, "custom") == 0) {
		if (*number == '\0')
			mailcfg_error(errs, field, N_("Enter the number of messages per hour."), NULL);
		else
			*out = n;
	} else {
		mailcfg_error(errs, field, N_("Choose unlimited or a number of messages."), NULL);
	}
}

int servercfg_apply(const struct server_config *base, const struct server_input *in,
		    struct server_config *out, struct mail_errors *errs)
{
	size_t before = errs->n;

	*out = *base;
	if (in->outgoing_control) {
		if (strcmp(in->outgoing_control, "on") == 0)
			out->outgoing_control = 1;
		else if (strcmp(in->outgoing_control, "off") == 0)
			out->outgoing_control = 0;
		else
			mailcfg_error(errs, "outgoing_control", N_("Choose whether outgoing mail control is on or off."), NULL);
	}
	apply_default_limit("domain_limit", in->domain_limit_mode, in->domain_limit,
			    &out->default_domain_limit, errs);
	apply_default_limit("mailbox_limit", in->mailbox_limit_mode, in->mailbox_limit,
			    &out->default_mailbox_limit, errs);
	if (in->over_limit_action) {
		if (strcmp(in->over_limit_action, "defer") == 0 || strcmp(in->over_limit_action, "reject") == 0)
			strcpy(out->over_limit_action, in->over_limit_action);
		else
			mailcfg_error(errs, "over_limit_action", N_("Choose to defer or to reject messages over the limit."), NULL);
	}
	if (in->default_language) {
		if (i18n_supported(in->default_language))
			strcpy(out->default_language, in->default_language);
		else
			mailcfg_error(errs, "default_language", N_("Choose one of the offered languages."), NULL);
	}
	return (int)(errs->n - before);
}
