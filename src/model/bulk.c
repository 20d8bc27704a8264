#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "model/bulk.h"
#include "util/buf.h"
#include "util/xalloc.h"

static const char *const action_names[] = {
	[BULK_SERVICE] = "service",
	[BULK_WEBMAIL] = "webmail",
	[BULK_POLICY] = "policy",
	[BULK_LIMITS] = "limits",
};

const char *bulk_action_name(enum bulk_action a)
{
	return action_names[a];
}

static const char *field(bulk_field_fn get, void *ctx, const char *name)
{
	const char *v = get(ctx, name);

	return v ? v : "";
}

/* "keep" (or nothing chosen) leaves that limit as it is. */
static void parse_limit(bulk_field_fn get, void *ctx, const char *mode_name, const char *value_name,
			const char **mode, const char **value)
{
	const char *m = get(ctx, mode_name);

	*mode = *value = NULL;
	if (m == NULL || *m == '\0' || strcmp(m, "keep") == 0)
		return;
	*mode = m;
	/* The number matters only for "at most"; elsewhere the stored one stays. */
	if (strcmp(m, "custom") == 0)
		*value = field(get, ctx, value_name);
}

int bulk_parse(const char *button, bulk_field_fn get, void *ctx, struct bulk_request *out)
{
	struct mail_input *in = &out->in;

	memset(out, 0, sizeof(*out));
	if (button == NULL)
		return -1;
	if (strcmp(button, "activate") == 0 || strcmp(button, "deactivate") == 0) {
		out->action = BULK_SERVICE;
		in->service = button[0] == 'a' ? "on" : "off";
	} else if (strcmp(button, "webmail") == 0) {
		out->action = BULK_WEBMAIL;
		in->webmail = field(get, ctx, "webmail");
	} else if (strcmp(button, "policy") == 0) {
		out->action = BULK_POLICY;
		in->policy = field(get, ctx, "policy");
		/* Only the chosen policy's own value changes. */
		if (strcmp(in->policy, "bounce") == 0) {
			in->bounce_message = field(get, ctx, "bounce_message");
		} else if (strcmp(in->policy, "forward") == 0) {
			in->forward_address = field(get, ctx, "forward_address");
		} else if (strcmp(in->policy, "redirect") == 0) {
			in->redirect_ip = field(get, ctx, "redirect_ip");
			in->redirect_port = field(get, ctx, "redirect_port");
		}
	} else if (strcmp(button, "limits") == 0) {
		out->action = BULK_LIMITS;
		parse_limit(get, ctx, "domain_limit_mode", "domain_limit", &in->domain_limit_mode,
			    &in->domain_limit);
		parse_limit(get, ctx, "mailbox_limit_mode", "mailbox_limit", &in->mailbox_limit_mode,
			    &in->mailbox_limit);
	} else {
		return -1;
	}
	return 0;
}

const char *bulk_button(const struct bulk_request *req)
{
	if (req->action == BULK_SERVICE)
		return req->in.service && strcmp(req->in.service, "on") == 0 ? "activate" : "deactivate";
	return action_names[req->action];
}

size_t bulk_fields(const struct bulk_request *req, const char *names[], const char *values[],
		   size_t max)
{
	const struct mail_input *in = &req->in;
	const struct { const char *name, *value; } all[] = {
		{ "policy", in->policy },
		{ "bounce_message", in->bounce_message },
		{ "forward_address", in->forward_address },
		{ "redirect_ip", in->redirect_ip },
		{ "redirect_port", in->redirect_port },
		{ "webmail", in->webmail },
		{ "domain_limit_mode", in->domain_limit_mode ? in->domain_limit_mode :
				       req->action == BULK_LIMITS ? "keep" : NULL },
		{ "domain_limit", in->domain_limit },
		{ "mailbox_limit_mode", in->mailbox_limit_mode ? in->mailbox_limit_mode :
					req->action == BULK_LIMITS ? "keep" : NULL },
		{ "mailbox_limit", in->mailbox_limit },
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]) && n < max; i++) {
		if (all[i].value == NULL)
			continue;
		names[n] = all[i].name;
		values[n] = all[i].value;
		n++;
	}
	return n;
}

int bulk_is_template(const char *tmpl)
{
	return tmpl && strstr(tmpl, BULK_DOMAIN_PLACEHOLDER) != NULL;
}

char *bulk_expand(const char *tmpl, const char *domain)
{
	static const size_t plen = sizeof(BULK_DOMAIN_PLACEHOLDER) - 1;
	struct buf b = BUF_INIT;

	buf_puts(&b, "");
	for (const char *p = tmpl; *p;) {
		if (strncmp(p, BULK_DOMAIN_PLACEHOLDER, plen) == 0) {
			buf_puts(&b, domain);
			p += plen;
		} else if (*p == '{' || *p == '}') {
			buf_release(&b);
			return NULL;
		} else {
			buf_putc(&b, *p++);
		}
	}
	return buf_steal(&b);
}

static const char *const msg_placeholder =
	N_("Only {domain} can stand for each domain's name in the address.");

int bulk_check(const struct bulk_request *req, const struct mail_context *ctx,
	       struct mail_errors *errs)
{
	struct mail_context neutral = { NULL, 0, ctx->webmails, ctx->n_webmails };
	struct mail_input in = req->in;
	struct mail_settings base, out;
	char *expanded = NULL;
	size_t before = errs->n;

	if (req->action == BULK_LIMITS && in.domain_limit_mode == NULL && in.mailbox_limit_mode == NULL)
		mailcfg_error(errs, "domain_limit", N_("Choose a limit to change."), NULL);
	if (in.forward_address) {
		expanded = bulk_expand(in.forward_address, "example.com");
		if (expanded == NULL)
			mailcfg_error(errs, "forward_address", msg_placeholder, NULL);
		else
			in.forward_address = expanded;
	}
	mailcfg_defaults(&base);
	mailcfg_apply(&base, &in, &neutral, &out, errs);
	mailcfg_clear(&out);
	free(expanded);
	return (int)(errs->n - before);
}

enum bulk_outcome bulk_evaluate(const struct bulk_request *req, const struct mail_context *ctx,
				const struct mail_settings *current, struct mail_settings *next,
				struct mail_errors *errs)
{
	struct mail_input in = req->in;
	char *expanded = NULL;
	enum bulk_outcome o;

	if (in.forward_address) {
		expanded = bulk_expand(in.forward_address, ctx->domain ? ctx->domain : "");
		if (expanded == NULL) {
			mailcfg_copy(next, current);
			mailcfg_error(errs, "forward_address", msg_placeholder, NULL);
			return BULK_REFUSED;
		}
		in.forward_address = expanded;
	}
	if (mailcfg_apply(current, &in, ctx, next, errs) > 0)
		o = BULK_REFUSED;
	else
		o = bulk_settings_equal(current, next) ? BULK_SAME : BULK_CHANGE;
	free(expanded);
	return o;
}

static int str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* A limit of 0 is "none given" (SQL NULL). */
static int limit_of(int v)
{
	return v > 0 ? v : 0;
}

int bulk_settings_equal(const struct mail_settings *a, const struct mail_settings *b)
{
	return a->service == b->service && a->policy == b->policy &&
	       str_eq(a->bounce_message, b->bounce_message) &&
	       str_eq(a->forward_address, b->forward_address) &&
	       str_eq(a->redirect_ip, b->redirect_ip) && a->redirect_port == b->redirect_port &&
	       str_eq(a->webmail, b->webmail) &&
	       a->domain_limit_mode == b->domain_limit_mode &&
	       limit_of(a->domain_limit) == limit_of(b->domain_limit) &&
	       a->mailbox_limit_mode == b->mailbox_limit_mode &&
	       limit_of(a->mailbox_limit) == limit_of(b->mailbox_limit);
}

static void put_str(struct bulk_field *out, size_t *n, const char *name, const char *a,
		    const char *b)
{
	if (str_eq(a, b))
		return;
	out[*n].name = name;
	out[*n].before = a;
	out[*n].after = b;
	(*n)++;
}

/* Numbers: value < min is "none" (NULL). */
static void put_num(struct bulk_field *out, size_t *n, const char *name, int a, int b, int min)
{
	struct bulk_field *f = &out[*n];

	if ((a < min ? min - 1 : a) == (b < min ? min - 1 : b))
		return;
	f->name = name;
	snprintf(f->num_before, sizeof(f->num_before), "%d", a);
	snprintf(f->num_after, sizeof(f->num_after), "%d", b);
	f->before = a < min ? NULL : f->num_before;
	f->after = b < min ? NULL : f->num_after;
	(*n)++;
}

size_t bulk_diff(const struct mail_settings *a, const struct mail_settings *b,
		 struct bulk_field out[BULK_FIELDS])
{
	size_t n = 0;

	put_str(out, &n, "service", a->service ? "true" : "false", b->service ? "true" : "false");
	put_str(out, &n, "policy", mailcfg_policy_name(a->policy), mailcfg_policy_name(b->policy));
	put_str(out, &n, "bounce_message", a->bounce_message, b->bounce_message);
	put_str(out, &n, "forward_address", a->forward_address, b->forward_address);
	put_str(out, &n, "redirect_ip", a->redirect_ip, b->redirect_ip);
	put_num(out, &n, "redirect_port", a->redirect_port, b->redirect_port, 0);
	put_str(out, &n, "webmail", a->webmail, b->webmail);
	put_str(out, &n, "domain_limit_mode", mailcfg_limit_mode_name(a->domain_limit_mode),
		mailcfg_limit_mode_name(b->domain_limit_mode));
	put_num(out, &n, "domain_limit", a->domain_limit, b->domain_limit, 1);
	put_str(out, &n, "mailbox_limit_mode", mailcfg_limit_mode_name(a->mailbox_limit_mode),
		mailcfg_limit_mode_name(b->mailbox_limit_mode));
	put_num(out, &n, "mailbox_limit", a->mailbox_limit, b->mailbox_limit, 1);
	return n;
}

static const char *number(char buf[16], int v)
{
	if (v < 1)
		return "";
	snprintf(buf, 16, "%d", v);
	return buf;
}

void bulk_restore_input(const struct mail_settings *before, const struct mail_settings *current,
			struct mail_input *in, char port[16], char domain_limit[16],
			char mailbox_limit[16])
{
	memset(in, 0, sizeof(*in));
	if (before->service != current->service)
		in->service = before->service ? "on" : "off";
	if (before->policy != current->policy)
		in->policy = mailcfg_policy_name(before->policy);
	if (!str_eq(before->bounce_message, current->bounce_message))
		in->bounce_message = before->bounce_message ? before->bounce_message : "";
	if (!str_eq(before->forward_address, current->forward_address))
		in->forward_address = before->forward_address ? before->forward_address : "";
	if (!str_eq(before->redirect_ip, current->redirect_ip))
		in->redirect_ip = before->redirect_ip ? before->redirect_ip : "";
	if (before->redirect_port != current->redirect_port)
		in->redirect_port = number(port, before->redirect_port);
	if (!str_eq(before->webmail, current->webmail))
		in->webmail = before->webmail ? before->webmail : "none";
	if (before->domain_limit_mode != current->domain_limit_mode ||
	    limit_of(before->domain_limit) != limit_of(current->domain_limit)) {
		in->domain_limit_mode = mailcfg_limit_mode_name(before->domain_limit_mode);
		in->domain_limit = number(domain_limit, before->domain_limit);
	}
	if (before->mailbox_limit_mode != current->mailbox_limit_mode ||
	    limit_of(before->mailbox_limit) != limit_of(current->mailbox_limit)) {
		in->mailbox_limit_mode = mailcfg_limit_mode_name(before->mailbox_limit_mode);
		in->mailbox_limit = number(mailbox_limit, before->mailbox_limit);
	}
}

uint64_t bulk_digest_add(uint64_t digest, long long id, long long version)
{
	char text[48];
	int len = snprintf(text, sizeof(text), "%lld:%lld;", id, version);

	for (int i = 0; i < len; i++) {
		digest ^= (unsigned char)text[i];
		digest *= UINT64_C(0x100000001b3);
	}
	return digest;
}
