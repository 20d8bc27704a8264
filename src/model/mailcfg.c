#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "model/idn.h"
#include "model/mailcfg.h"
#include "model/validate.h"
#include "util/xalloc.h"

static const char *const policy_names[] = {
	[POLICY_BOUNCE] = "bounce",
	[POLICY_FORWARD] = "forward",
	[POLICY_REDIRECT] = "redirect",
	[POLICY_REJECT] = "reject",
};

static const char *const limit_names[] = {
	[LIMIT_DEFAULT] = "default",
	[LIMIT_UNLIMITED] = "unlimited",
	[LIMIT_CUSTOM] = "custom",
};

const char *mailcfg_default_bounce(void)
{
	return N_("This address does not exist here. Please check the spelling of the address.");
}

const char *mailcfg_policy_name(enum mail_policy p)
{
	return policy_names[p];
}

int mailcfg_policy_parse(const char *name, enum mail_policy *p)
{
	for (size_t i = 0; i < sizeof(policy_names) / sizeof(policy_names[0]); i++) {
		if (strcmp(name, policy_names[i]) == 0) {
			*p = (enum mail_policy)i;
			return 0;
		}
	}
	return -1;
}

const char *mailcfg_limit_mode_name(enum limit_mode m)
{
	return limit_names[m];
}

int mailcfg_limit_mode_parse(const char *name, enum limit_mode *m)
{
	for (size_t i = 0; i < sizeof(limit_names) / sizeof(limit_names[0]); i++) {
		if (strcmp(name, limit_names[i]) == 0) {
			*m = (enum limit_mode)i;
			return 0;
		}
	}
	return -1;
}

void mailcfg_defaults(struct mail_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->service = 1;
	s->policy = POLICY_REJECT;
	s->redirect_port = MAILCFG_DEFAULT_PORT;
	s->domain_limit_mode = LIMIT_DEFAULT;
	s->mailbox_limit_mode = LIMIT_DEFAULT;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void mailcfg_copy(struct mail_settings *dst, const struct mail_settings *src)
{
	*dst = *src;
	dst->bounce_message = dup_or_null(src->bounce_message);
	dst->forward_address = dup_or_null(src->forward_address);
	dst->redirect_ip = dup_or_null(src->redirect_ip);
	dst->webmail = dup_or_null(src->webmail);
}

void mailcfg_clear(struct mail_settings *s)
{
	if (s == NULL)
		return;
	free(s->bounce_message);
	free(s->forward_address);
	free(s->redirect_ip);
	free(s->webmail);
	s->bounce_message = s->forward_address = s->redirect_ip = s->webmail = NULL;
}

void mailcfg_error(struct mail_errors *errs, const char *field, const char *msgid, const char *arg)
{
	if (mailcfg_error_for(errs, field) != NULL || errs->n == MAILCFG_MAX_ERRORS)
		return;
	errs->e[errs->n].field = field;
	errs->e[errs->n].msgid = msgid;
	errs->e[errs->n].arg = arg;
	errs->n++;
}

const struct field_error *mailcfg_error_for(const struct mail_errors *errs, const char *field)
{
	for (size_t i = 0; i < errs->n; i++)
		if (strcmp(errs->e[i].field, field) == 0)
			return &errs->e[i];
	return NULL;
}

void mailcfg_error_text(const struct field_error *e, char *out, size_t size)
{
	const char *text = _(e->msgid), *hole = e->arg ? strstr(text, "%s") : NULL;

	if (hole == NULL)
		snprintf(out, size, "%s", text);
	else
		snprintf(out, size, "%.*s%s%s", (int)(hole - text), text, e->arg, hole + 2);
}

/* Copies s without surrounding blanks into a new string. */
static char *trimmed(const char *s)
{
	const char *end = s + strlen(s);

	while (*s == ' ' || *s == '\t')
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return xstrndup(s, (size_t)(end - s));
}

static void replace(char **slot, char *value)
{
	free(*slot);
	*slot = value;
}

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

static void apply_service(const char *v, struct mail_settings *out, struct mail_errors *errs)
{
	if (strcmp(v, "on") == 0)
		out->service = 1;
	else if (strcmp(v, "off") == 0)
		out->service = 0;
	else
		mailcfg_error(errs, "service", N_("Choose whether the mail service is on or off."), NULL);
}

static void apply_bounce(const char *v, struct mail_settings *out, struct mail_errors *errs)
{
	char *t = trimmed(v);
	const char *why;

	if (*t == '\0') {
		free(t);
		replace(&out->bounce_message, NULL);
		return;
	}
	why = validate_bounce_text(t);
	if (why) {
		mailcfg_error(errs, "bounce_message", why, NULL);
		free(t);
		return;
	}
	replace(&out->bounce_message, t);
}

static void apply_forward(const char *v, struct mail_settings *out, struct mail_errors *errs)
{
	char *t = trimmed(v), *at;
	const char *why;

	if (*t == '\0') {
		free(t);
		replace(&out->forward_address, NULL);
		return;
	}
	/* Domains are case-insensitive; store the canonical lower case. */
	at = strchr(t, '@');
	for (char *p = at; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	/* x@bücher.example is stored as x@xn--bcher-kva.example. */
	if (at && strchr(at + 1, '@') == NULL && !is_ascii(at + 1)) {
		char *ascii = NULL;

		if ((why = idn_to_ascii(at + 1, &ascii)) != NULL) {
			mailcfg_error(errs, "forward_address", why, NULL);
			free(t);
			return;
		}
		*at = '\0';
		replace(&t, xasprintf("%s@%s", t, ascii));
		free(ascii);
	}
	why = validate_address(t);
	if (why) {
		mailcfg_error(errs, "forward_address", why, NULL);
		free(t);
		return;
	}
	replace(&out->forward_address, t);
}

static void apply_redirect(const char *ip, const char *port, struct mail_settings *out,
			   struct mail_errors *errs)
{
	if (ip != NULL) {
		char *t = trimmed(ip);
		char canon[VALIDATE_IP_TEXT];
		const char *why = NULL;

		if (*t == '\0')
			replace(&out->redirect_ip, NULL);
		else if ((why = validate_ip(t, canon)) != NULL)
			mailcfg_error(errs, "redirect_ip", why, NULL);
		else
			replace(&out->redirect_ip, xstrdup(canon));
		free(t);
	}
	if (port != NULL) {
		char *t = trimmed(port);
		int n;
		const char *why;

		if (*t == '\0')
			out->redirect_port = MAILCFG_DEFAULT_PORT;
		else if ((why = validate_port(t, &n)) != NULL)
			mailcfg_error(errs, "redirect_port", why, NULL);
		else
			out->redirect_port = n;
		free(t);
	}
}

static void apply_webmail(const char *v, const struct mail_context *ctx,
			  struct mail_settings *out, struct mail_errors *errs)
{
	if (*v == '\0' || strcmp(v, "none") == 0) {
		replace(&out->webmail, NULL);
		return;
	}
	for (size_t i = 0; i < ctx->n_webmails; i++) {
		if (strcmp(ctx->webmails[i], v) == 0) {
			replace(&out->webmail, xstrdup(v));
			return;
		}
	}
	mailcfg_error(errs, "webmail", N_("This webmail is not installed on the server; choose another one."), NULL);
}

static void apply_limit(const char *field, const char *mode, const char *value,
			enum limit_mode *out_mode, int *out_value, struct mail_errors *errs)
{
	enum limit_mode m = *out_mode;

	if (mode != NULL && mailcfg_limit_mode_parse(mode, &m) != 0) {
		mailcfg_error(errs, field, N_("Choose the default, unlimited, or a number of messages."), NULL);
		return;
	}
	if (value != NULL) {
		char *t = trimmed(value);
		int n;
		const char *why = NULL;

		if (*t != '\0' && (why = validate_limit(t, &n)) != NULL)
			mailcfg_error(errs, field, why, NULL);
		else if (*t != '\0')
			*out_value = n;
		else if (m == LIMIT_CUSTOM)
			mailcfg_error(errs, field, N_("Enter the number of messages per hour."), NULL);
		free(t);
	} else if (m == LIMIT_CUSTOM && *out_value < 1) {
		mailcfg_error(errs, field, N_("Enter the number of messages per hour."), NULL);
	}
	*out_mode = m;
}

/* The rules that tie fields together, checked on the complete result. */
static void check_rules(const struct mail_context *ctx, const struct mail_settings *out,
			struct mail_errors *errs)
{
	if (out->policy == POLICY_FORWARD) {
		const char *at;

		if (out->forward_address == NULL) {
			mailcfg_error(errs, "forward_address", N_("Enter the address that will receive mail sent to nonexistent users."), NULL);
		} else if (ctx->outgoing_control && ctx->domain &&
			   ((at = strchr(out->forward_address, '@')) == NULL ||
			    strcmp(at + 1, ctx->domain) != 0)) {
			mailcfg_error(errs, "forward_address", N_("Outgoing mail control is on: the address must belong to the domain %s."), ctx->domain);
		}
	}
	if (out->policy == POLICY_REDIRECT && out->redirect_ip == NULL)
		mailcfg_error(errs, "redirect_ip", N_("Enter the IP address of the external mail server."), NULL);
}

int mailcfg_apply(const struct mail_settings *base, const struct mail_input *in,
		  const struct mail_context *ctx, struct mail_settings *out,
		  struct mail_errors *errs)
{
	size_t before = errs->n;

	mailcfg_copy(out, base);
	if (in->service)
		apply_service(in->service, out, errs);
	if (in->policy && mailcfg_policy_parse(in->policy, &out->policy) != 0)
		mailcfg_error(errs, "policy", N_("Choose what happens to mail for nonexistent users."), NULL);
	if (in->bounce_message)
		apply_bounce(in->bounce_message, out, errs);
	if (in->forward_address)
		apply_forward(in->forward_address, out, errs);
	apply_redirect(in->redirect_ip, in->redirect_port, out, errs);
	if (in->webmail)
		apply_webmail(in->webmail, ctx, out, errs);
	apply_limit("domain_limit", in->domain_limit_mode, in->domain_limit,
		    &out->domain_limit_mode, &out->domain_limit, errs);
	apply_limit("mailbox_limit", in->mailbox_limit_mode, in->mailbox_limit,
		    &out->mailbox_limit_mode, &out->mailbox_limit, errs);
	check_rules(ctx, out, errs);
	return (int)(errs->n - before);
}
