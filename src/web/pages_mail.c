/* The Mail Settings page of one domain. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "model/idn.h"
#include "util/xalloc.h"
#include "web/handlers.h"

/* Everything the page needs besides the form values. */
struct mail_page {
	struct mail_view v;
	const char **installed;		/* names of installed webmails */
	size_t n_installed;
	char *default_bounce;		/* in the owner's language */
};

static enum db_status mail_page_load(struct request *r, const char *domain, struct mail_page *p)
{
	enum db_status st;
	const struct webmail_list *wl = &p->v.webmails;

	memset(p, 0, sizeof(*p));
	if (r->mail) {
		/* Already read with the session (app.c): take it over. */
		p->v = *r->mail;
		memset(r->mail, 0, sizeof(*r->mail));
		if ((st = r->mail_st) != DB_OK)
			return st;
	} else if ((st = db_mail_get(r->db, &r->actor, domain, &p->v)) != DB_OK) {
		return st;
	}
	p->installed = xcalloc(wl->n, sizeof(*p->installed));
	for (size_t i = 0; i < wl->n; i++)
		if (wl->items[i].installed)
			p->installed[p->n_installed++] = wl->items[i].name;
	p->default_bounce = i18n_gettext_in(p->v.owner_language, mailcfg_default_bounce());
	return DB_OK;
}

static void mail_page_clear(struct mail_page *p)
{
	db_mail_view_clear(&p->v);
	free(p->installed);
	free(p->default_bounce);
}

/* The label of the "Use the default" choice, with the inherited limit. */
static void put_default_label(struct request *r, const char *name, int limit)
{
	char text[160], number[I18N_NUMBER_MAX];

	if (limit > 0) {
		i18n_format_number(r->lang, limit, number, sizeof(number));
		/* TRANSLATORS: %s is the inherited limit, a number written for the language. */
		snprintf(text, sizeof(text), ngettext("Use the default (%s message per hour)",
						      "Use the default (%s messages per hour)",
						      (unsigned long)limit), number);
	} else {
		snprintf(text, sizeof(text), "%s", _("Use the default (unlimited)"));
	}
	view_set(r->hdf, name, text);
}

/* The domain, its owner, the inherited limits and the webmail choices. */
static void put_context(struct request *r, const struct mail_page *p)
{
	char *display = idn_to_display(p->v.name), *text, when[I18N_TIME_MAX];

	view_set(r->hdf, "domain.name", p->v.name);
	if (strcmp(display, p->v.name) != 0)
		view_set(r->hdf, "domain.display", display);
	free(display);
	view_set(r->hdf, "domain.owner", p->v.owner);
	text = xasprintf(_("Owner: %s"), p->v.owner);
	view_set(r->hdf, "domain.owner_text", text);
	free(text);
	if (p->v.updated_by) {
		i18n_format_time(r->lang, p->v.updated_at, when, sizeof(when));
		/* TRANSLATORS: "Last changed by LOGIN on DATE AND TIME." */
		text = xasprintf(_("Last changed by %s on %s."), p->v.updated_by, when);
		view_set(r->hdf, "domain.changed_text", text);
		free(text);
	}
	view_set_int(r->hdf, "domain.outgoing_control", p->v.outgoing_control);
	view_set(r->hdf, "domain.updated_at", p->v.updated_at);
	view_set(r->hdf, "domain.updated_by", p->v.updated_by);
	view_set(r->hdf, "domain.default_bounce", p->default_bounce);
	put_default_label(r, "domain.default_domain_label", p->v.default_domain_limit);
	put_default_label(r, "domain.default_mailbox_label", p->v.default_mailbox_limit);
	for (size_t i = 0, k = 0; i < p->v.webmails.n; i++) {
		const struct webmail *w = &p->v.webmails.items[i];

		/* A webmail the administrator removed stays visible while chosen. */
		if (!w->installed && !(p->v.s.webmail && strcmp(p->v.s.webmail, w->name) == 0))
			continue;
		view_setf(r->hdf, w->name, "webmails.%zu.name", k);
		view_setf(r->hdf, w->label, "webmails.%zu.label", k);
		view_setf_int(r->hdf, w->installed, "webmails.%zu.installed", k);
		k++;
	}
	page_put_apply_status(r, &p->v.apply, DB_OK);
	view_set(r->hdf, "page.title", _("Mail settings"));
	view_set(r->hdf, "page.nav", "domains");
}

static void put_num(HDF *hdf, const char *prefix, const char *field, int value)
{
	char name[64];

	snprintf(name, sizeof(name), "%s.%s", prefix, field);
	if (value > 0)
		view_set_int(hdf, name, value);
}

/* Stored settings under prefix ("form" for the fields, "theirs" for a conflict). */
static void put_settings(HDF *hdf, const char *prefix, const struct mail_settings *s,
			 const char *default_bounce)
{
	char name[64];

#define PUT(field, value) \
	snprintf(name, sizeof(name), "%s.%s", prefix, field); \
	view_set(hdf, name, value)
	PUT("service", s->service ? "on" : "off");
	PUT("policy", mailcfg_policy_name(s->policy));
	PUT("bounce_message", s->bounce_message ? s->bounce_message : default_bounce);
	PUT("forward_address", s->forward_address);
	PUT("redirect_ip", s->redirect_ip);
	PUT("webmail", s->webmail ? s->webmail : "none");
	PUT("domain_limit_mode", mailcfg_limit_mode_name(s->domain_limit_mode));
	PUT("mailbox_limit_mode", mailcfg_limit_mode_name(s->mailbox_limit_mode));
#undef PUT
	put_num(hdf, prefix, "redirect_port", s->redirect_port);
	put_num(hdf, prefix, "domain_limit", s->domain_limit);
	put_num(hdf, prefix, "mailbox_limit", s->mailbox_limit);
	if (s->redirect_ip) {
		/* TRANSLATORS: an IP address and a port number, as "192.0.2.1, port 25". */
		char *text = xasprintf(_("%s, port %d"), s->redirect_ip, s->redirect_port);

		snprintf(name, sizeof(name), "%s.redirect_text", prefix);
		view_set(hdf, name, text);
		free(text);
	}
}

/* What the user sent, exactly as typed, so nothing is lost on an error. */
static void put_input(HDF *hdf, const struct mail_input *in, const char *default_bounce)
{
	int empty = in->bounce_message == NULL || *in->bounce_message == '\0';

	view_set(hdf, "form.service", in->service);
	view_set(hdf, "form.policy", in->policy);
	view_set(hdf, "form.bounce_message", empty ? default_bounce : in->bounce_message);
	view_set(hdf, "form.forward_address", in->forward_address);
	view_set(hdf, "form.redirect_ip", in->redirect_ip);
	view_set(hdf, "form.redirect_port", in->redirect_port);
	view_set(hdf, "form.webmail", in->webmail);
	view_set(hdf, "form.domain_limit_mode", in->domain_limit_mode);
	view_set(hdf, "form.domain_limit", in->domain_limit);
	view_set(hdf, "form.mailbox_limit_mode", in->mailbox_limit_mode);
	view_set(hdf, "form.mailbox_limit", in->mailbox_limit);
}

void page_mail_form(struct request *r, const char *domain)
{
	struct mail_page p;
	enum db_status st = mail_page_load(r, domain, &p);

	if (st != DB_OK) {
		mail_page_clear(&p);
		page_db_error(r, st);
		return;
	}
	put_context(r, &p);
	put_settings(r->hdf, "form", &p.v.s, p.default_bounce);
	view_set_int(r->hdf, "form.version", p.v.version);
	if (request_param(r, "saved"))
		view_set(r->hdf, "notice.ok", _("The mail settings were saved."));
	request_render(r, 200, "mail.cs");
	mail_page_clear(&p);
}

static int parse_version(const char *text, long long *version)
{
	char *end;

	if (text == NULL || *text == '\0')
		return -1;
	*version = strtoll(text, &end, 10);
	return *end == '\0' && *version > 0 ? 0 : -1;
}

/* A conflict: show the values saved in between, keep the user's input. */
static void show_conflict(struct request *r, const char *domain, const struct mail_input *in)
{
	struct mail_page p;
	enum db_status st = mail_page_load(r, domain, &p);

	if (st != DB_OK) {
		mail_page_clear(&p);
		page_db_error(r, st);
		return;
	}
	put_context(r, &p);
	put_settings(r->hdf, "theirs", &p.v.s, p.default_bounce);
	put_input(r->hdf, in, p.default_bounce);
	view_set_int(r->hdf, "form.version", p.v.version);
	view_set_int(r->hdf, "conflict", 1);
	request_render(r, 409, "mail.cs");
	mail_page_clear(&p);
}

void page_mail_save(struct request *r, const char *domain)
{
	struct mail_page p;
	struct mail_errors errs = { .n = 0 };
	struct mail_settings next;
	struct mail_context ctx;
	struct mail_input in;
	long long version, new_version;
	enum db_status st = mail_page_load(r, domain, &p);
	const char *service = request_param(r, "service");

	if (st != DB_OK) {
		mail_page_clear(&p);
		page_db_error(r, st);
		return;
	}
	/* The whole form is posted: an unticked checkbox is simply absent. */
	in = (struct mail_input){
		.service = service ? service : "off",
		.policy = request_param(r, "policy"),
		.bounce_message = request_param(r, "bounce_message"),
		.forward_address = request_param(r, "forward_address"),
		.redirect_ip = request_param(r, "redirect_ip"),
		.redirect_port = request_param(r, "redirect_port"),
		.webmail = request_param(r, "webmail"),
		.domain_limit_mode = request_param(r, "domain_limit_mode"),
		.domain_limit = request_param(r, "domain_limit"),
		.mailbox_limit_mode = request_param(r, "mailbox_limit_mode"),
		.mailbox_limit = request_param(r, "mailbox_limit"),
	};
	if (in.policy == NULL)
		in.policy = "";
	/* The default text, left as it was, keeps following the default. */
	if (in.bounce_message && strcmp(in.bounce_message, p.default_bounce) == 0)
		in.bounce_message = "";
	ctx = (struct mail_context){ p.v.name, p.v.outgoing_control, p.installed, p.n_installed };
	if (parse_version(request_param(r, "version"), &version) != 0) {
		mail_page_clear(&p);
		request_error(r, 400);
		return;
	}
	if (mailcfg_apply(&p.v.s, &in, &ctx, &next, &errs) > 0) {
		put_context(r, &p);
		put_input(r->hdf, &in, p.default_bounce);
		view_set_int(r->hdf, "form.version", version);
		page_put_errors(r, &errs);
		request_render(r, 422, "mail.cs");
		goto end;
	}
	st = db_mail_save(r->db, &r->actor, p.v.domain_id, version, &next, &new_version);
	if (st == DB_OK) {
		char *location = xasprintf("/domains/%s/mail?saved=1", p.v.name);

		request_redirect(r, location);
		free(location);
	} else if (st == DB_CONFLICT) {
		show_conflict(r, domain, &in);
	} else {
		page_db_error(r, st);
	}
end:
	mailcfg_clear(&next);
	mail_page_clear(&p);
}
