/*
 * What happened: the bulk changes (list, one change with its domains,
 * undo) and the history of one domain, both read from the audit log.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "model/bulk.h"
#include "model/idn.h"
#include "util/xalloc.h"
#include "web/handlers.h"

static int allowed(struct request *r)
{
	if (role_can_edit_bulk(r->actor.role))
		return 1;
	request_error(r, 403);
	return 0;
}

/* A positive decimal id; 0 when v is not one. */
static long long parse_id(const char *v)
{
	char *end;
	long long id;

	if (v == NULL || *v < '1' || *v > '9')
		return 0;
	id = strtoll(v, &end, 10);
	return *end == '\0' && id > 0 ? id : 0;
}

/* The action as asked, under prefix (see bulk_action.cs). */
static void put_change_action(struct request *r, const char *prefix, const struct change_info *c)
{
	const struct { const char *name, *value; } fields[] = {
		{ "action", c->action }, { "service", c->service }, { "policy", c->policy },
		{ "bounce_message", c->bounce_message }, { "forward_address", c->forward_address },
		{ "redirect_ip", c->redirect_ip }, { "redirect_port", c->redirect_port },
		{ "webmail", c->webmail },
		{ "domain_limit_mode", c->domain_limit_mode ? c->domain_limit_mode : "keep" },
		{ "domain_limit", c->domain_limit },
		{ "mailbox_limit_mode", c->mailbox_limit_mode ? c->mailbox_limit_mode : "keep" },
		{ "mailbox_limit", c->mailbox_limit },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].value)
			view_setf(r->hdf, fields[i].value, "%s.%s", prefix, fields[i].name);
	if (bulk_is_template(c->forward_address))
		view_setf_int(r->hdf, 1, "%s.forward_template", prefix);
}

/* What the change did, or which change it undid and what that did (malloc'd). */
static char *change_text(struct request *r, const struct change_info *c)
{
	struct action_words w = {
		c->action, c->service, c->policy, c->bounce_message, c->forward_address,
		c->redirect_ip, c->redirect_port, c->webmail, c->domain_limit_mode, c->domain_limit,
		c->mailbox_limit_mode, c->mailbox_limit,
	};
	char *what = page_action_text(&w, r->lang), *text;

	if (!c->undoes)
		return what;
	/* TRANSLATORS: the number of the change undone, then what it did. */
	text = xasprintf(_("Undo of change %lld: %s"), c->undoes, what);
	free(what);
	return text;
}

static void put_change(struct request *r, const char *prefix, const struct change_info *c)
{
	char name[64], *text;

	view_setf_int(r->hdf, c->id, "%s.id", prefix);
	view_setf(r->hdf, c->at, "%s.at", prefix);
	view_setf(r->hdf, c->actor, "%s.actor", prefix);
	view_setf(r->hdf, c->source, "%s.source", prefix);
	view_setf_int(r->hdf, c->selected, "%s.selected", prefix);
	view_setf_int(r->hdf, c->domains, "%s.domains", prefix);
	if (c->undoes)
		view_setf_int(r->hdf, c->undoes, "%s.undoes", prefix);
	if (c->undone_by)
		view_setf_int(r->hdf, c->undone_by, "%s.undone_by", prefix);
	snprintf(name, sizeof(name), "%s.act", prefix);
	put_change_action(r, name, c);
	text = change_text(r, c);
	view_setf(r->hdf, text, "%s.text", prefix);
	free(text);
}

void page_changes(struct request *r, const char *arg)
{
	const char *b = request_param(r, "before");
	long long before = parse_id(b);
	struct change_list l;
	enum db_status st;

	(void)arg;
	if (!allowed(r))
		return;
	if (b && *b && before == 0) {
		request_error(r, 400);
		return;
	}
	if ((st = db_change_list(r->db, &r->actor, before, &l)) != DB_OK) {
		page_db_error(r, st);
		return;
	}
	for (size_t i = 0; i < l.n; i++) {
		char prefix[32];

		snprintf(prefix, sizeof(prefix), "changes.%zu", i);
		put_change(r, prefix, &l.items[i]);
	}
	if (l.has_more && l.n > 0)
		view_set_int(r->hdf, "paging.before", l.items[l.n - 1].id);
	if (before > 0)
		view_set_int(r->hdf, "paging.newest", 1);
	view_set(r->hdf, "page.title", _("Bulk changes"));
	view_set(r->hdf, "page.nav", "bulk");
	request_render(r, 200, "changes.cs");
	db_change_list_clear(&l);
}

static void put_audit(struct request *r, const struct audit_page *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct audit_entry *e = &p->e[i];
		char *display = e->domain ? idn_to_display(e->domain) : NULL;

		view_setf_int(r->hdf, e->id, "entries.%zu.id", i);
		view_setf(r->hdf, e->at, "entries.%zu.at", i);
		view_setf(r->hdf, e->actor, "entries.%zu.actor", i);
		view_setf(r->hdf, e->source, "entries.%zu.source", i);
		view_setf(r->hdf, e->action, "entries.%zu.action", i);
		if (e->change_id)
			view_setf_int(r->hdf, e->change_id, "entries.%zu.change", i);
		view_setf(r->hdf, e->domain, "entries.%zu.domain", i);
		if (display && strcmp(display, e->domain) != 0)
			view_setf(r->hdf, display, "entries.%zu.display", i);
		free(display);
		for (size_t k = 0; k < e->n_fields; k++) {
			const struct audit_field *f = &e->fields[k];

			view_setf(r->hdf, f->name, "entries.%zu.fields.%zu.name", i, k);
			if (f->before)
				view_setf(r->hdf, f->before, "entries.%zu.fields.%zu.before", i, k);
			else
				view_setf_int(r->hdf, 1, "entries.%zu.fields.%zu.before_none", i, k);
			if (f->after)
				view_setf(r->hdf, f->after, "entries.%zu.fields.%zu.after", i, k);
			else
				view_setf_int(r->hdf, 1, "entries.%zu.fields.%zu.after_none", i, k);
		}
	}
}

static void put_skipped(struct request *r, const char *prefix, const struct undo_skip *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *display = idn_to_display(s[i].domain);

		view_setf(r->hdf, s[i].domain, "%s.%zu.name", prefix, i);
		if (strcmp(display, s[i].domain) != 0)
			view_setf(r->hdf, display, "%s.%zu.display", prefix, i);
		free(display);
		view_setf(r->hdf, s[i].reason, "%s.%zu.reason", prefix, i);
		if (s[i].message) {
			struct field_error fe = { s[i].field, s[i].message, s[i].arg };
			char text[512];

			mailcfg_error_text(&fe, text, sizeof(text));
			view_setf(r->hdf, text, "%s.%zu.message", prefix, i);
		}
	}
}

/* One change: what, by whom, which domains (paged by name), undo. */
static void render_change(struct request *r, long long id, int status)
{
	const char *after = request_param(r, "after"), *before = request_param(r, "before");
	struct change_info c;
	struct audit_page p;
	enum db_status st;
	char text[256], n1[I18N_NUMBER_MAX], n2[I18N_NUMBER_MAX];

	if ((st = db_change_get(r->db, &r->actor, id, &c)) != DB_OK) {
		db_change_info_clear(&c);
		page_db_error(r, st);
		return;
	}
	if ((st = db_change_domains(r->db, &r->actor, id, after, before, &p)) != DB_OK) {
		db_change_info_clear(&c);
		page_db_error(r, st);
		return;
	}
	put_change(r, "change", &c);
	view_set(r->hdf, "change.previewed_at", c.previewed_at);
	view_set(r->hdf, "change.filter.name", c.f_name);
	view_set(r->hdf, "change.filter.owner", c.f_owner);
	view_set(r->hdf, "change.filter.service", c.f_service);
	view_set(r->hdf, "change.filter.policy", c.f_policy);
	view_set(r->hdf, "change.filter.webmail", c.f_webmail);
	view_set_int(r->hdf, "change.filtered", c.f_name || c.f_owner || c.f_service || c.f_policy || c.f_webmail);
	if (c.names)
		view_set(r->hdf, "change.names", c.names);
	if (c.undoes) {
		snprintf(text, sizeof(text), _("The domains of change %lld"), c.undoes);
		view_set(r->hdf, "change.undoes_text", text);
	}
	i18n_format_number(r->lang, c.domains, n1, sizeof(n1));
	i18n_format_number(r->lang, c.selected, n2, sizeof(n2));
	if (strcmp(c.source, "undo") == 0)
		/* TRANSLATORS: domains restored, of the domains of the change undone. */
		snprintf(text, sizeof(text), ngettext("%s domain restored of %s.",
						      "%s domains restored of %s.",
						      (unsigned long)c.domains), n1, n2);
	else
		/* TRANSLATORS: domains changed, of the domains selected. */
		snprintf(text, sizeof(text), ngettext("%s domain changed of %s selected.",
						      "%s domains changed of %s selected.",
						      (unsigned long)c.domains), n1, n2);
	view_set(r->hdf, "change.count_text", text);
	put_skipped(r, "skipped", c.skipped, c.n_skipped);
	put_audit(r, &p);
	if (p.n > 0 && p.has_next)
		view_set(r->hdf, "paging.after", p.e[p.n - 1].domain);
	if (p.n > 0 && p.has_prev)
		view_set(r->hdf, "paging.before", p.e[0].domain);
	if (request_param(r, "applied") && strcmp(r->method, "GET") == 0) {
		snprintf(text, sizeof(text), ngettext("The change was applied to %s domain.",
						      "The change was applied to %s domains.",
						      (unsigned long)c.domains), n1);
		view_set(r->hdf, "notice.ok", text);
	}
	if (request_param(r, "undone") && strcmp(r->method, "GET") == 0) {
		snprintf(text, sizeof(text), ngettext("The change was undone: %s domain restored.",
						      "The change was undone: %s domains restored.",
						      (unsigned long)c.domains), n1);
		view_set(r->hdf, "notice.ok", text);
	}
	snprintf(text, sizeof(text), _("Change %lld"), c.id);	/* an id: no grouping */
	view_set(r->hdf, "page.title", text);
	{
		/* TRANSLATORS: the change's number, then what it does. */
		char *what = change_text(r, &c), *title = xasprintf(_("Change %lld: %s"), c.id, what);

		view_set(r->hdf, "change.title", title);
		free(title);
		free(what);
	}
	view_set(r->hdf, "page.nav", "bulk");
	request_render(r, status, "change.cs");
	db_audit_page_clear(&p);
	db_change_info_clear(&c);
}

void page_change(struct request *r, const char *arg)
{
	long long id = parse_id(arg);

	if (!allowed(r))
		return;
	if (id == 0) {
		request_error(r, 404);
		return;
	}
	render_change(r, id, 200);
}

/* Undo restores a domain only if its old values pass today's rules. */
static int undo_check(void *ctx, const char *domain, const struct mail_settings *before,
		      const struct mail_settings *current, const struct mail_context *mc,
		      struct mail_errors *errs)
{
	char port[16], dl[16], ml[16];
	struct mail_settings next;
	struct mail_input in;
	int n;

	(void)ctx;
	(void)domain;
	bulk_restore_input(before, current, &in, port, dl, ml);
	n = mailcfg_apply(current, &in, mc, &next, errs);
	mailcfg_clear(&next);
	return n;
}

void page_change_undo(struct request *r, const char *arg)
{
	long long id = parse_id(arg);
	struct undo_result u;
	enum db_status st;
	char *text;

	if (!allowed(r))
		return;
	if (id == 0) {
		request_error(r, 404);
		return;
	}
	st = db_change_undo(r->db, &r->actor, id, undo_check, NULL, &u);
	switch (st) {
	case DB_OK:
		text = xasprintf("/changes/%lld?undone=1", u.change_id);
		request_redirect(r, text);
		free(text);
		break;
	case DB_CONFLICT:
		text = xasprintf(_("Nothing was changed: this change was undone already, by change %lld."),
				 u.undone_by);
		view_set(r->hdf, "notice.error", text);
		free(text);
		render_change(r, id, 409);
		break;
	case DB_INVALID:
		view_set(r->hdf, "notice.error", _("Nothing was changed: none of the domains of this change can go back. They are listed below."));
		put_skipped(r, "refused", u.skipped, u.n_skipped);
		render_change(r, id, 409);
		break;
	default:
		page_db_error(r, st);
		break;
	}
	db_undo_result_clear(&u);
}

void page_domain_history(struct request *r, const char *domain)
{
	const char *b = request_param(r, "before"), *a = request_param(r, "after");
	long long before = parse_id(b), after = parse_id(a);
	struct audit_page p;
	enum db_status st;
	char *display;

	if ((b && *b && before == 0) || (a && *a && after == 0)) {
		request_error(r, 400);
		return;
	}
	if ((st = db_domain_history(r->db, &r->actor, domain, before, after, &p)) != DB_OK) {
		page_db_error(r, st);
		return;
	}
	view_set(r->hdf, "domain.name", domain);
	display = idn_to_display(domain);
	if (strcmp(display, domain) != 0)
		view_set(r->hdf, "domain.display", display);
	free(display);
	put_audit(r, &p);
	if (p.n > 0 && p.has_next)
		view_set_int(r->hdf, "paging.older", p.e[p.n - 1].id);
	if (p.n > 0 && p.has_prev)
		view_set_int(r->hdf, "paging.newer", p.e[0].id);
	view_set_int(r->hdf, "may_see_changes", role_can_edit_bulk(r->actor.role));
	view_set(r->hdf, "page.title", _("History"));
	view_set(r->hdf, "page.nav", "domains");
	request_render(r, 200, "history.cs");
	db_audit_page_clear(&p);
}
