/*
 * Bulk mail settings (resellers and administrators): the list of the
 * caller's domains with a filter and checkboxes, the toolbar's actions,
 * the preview (nothing written) and the all-or-nothing apply.
 *
 * The selection travels with every form: the filter's fields, and either
 * "select=all" (every domain matching the filter, whatever its number) or
 * the names ticked on the page. The database intersects either with the
 * caller's scope, so a forged name or filter never reaches a domain that
 * is not the caller's.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "model/bulk.h"
#include "model/idn.h"
#include "model/validate.h"
#include "util/xalloc.h"
#include "web/handlers.h"

#define PREVIEW_REFUSALS_SHOWN 200	/* refused domains listed; the count is exact */
#define MAX_TICKED 1000			/* names one form may carry */

struct bulk_form {
	const char *typed;		/* the name filter as typed */
	char *term;			/* ... in the form names are stored in */
	char owner[72];
	const char *service;
	const char *policy;
	const char *webmail;
	int all;			/* select=all: every domain matching the filter */
	const char **names;		/* select=ticked: the ticked names */
	size_t n_names;
	struct bulk_filter filter;	/* what the database gets */
	int has_action;
	struct bulk_request req;
};

/* What one domain becomes; parallel to a struct bulk_set. */
struct outcome {
	enum bulk_outcome o;
	struct mail_settings next;
	struct field_error why;		/* BULK_REFUSED */
};

struct evaluation {
	struct outcome *o;
	size_t n;
	size_t change, same, refused;
	uint64_t digest;
};

static const char *get_field(void *ctx, const char *name)
{
	return request_param(ctx, name);
}

static int allowed(struct request *r)
{
	if (role_can_edit_bulk(r->actor.role))
		return 1;
	request_error(r, 403);
	return 0;
}

static int one_of(const char *v, const char *const *options)
{
	for (; *options; options++)
		if (strcmp(v, *options) == 0)
			return 1;
	return 0;
}

/* A webmail name as the schema allows it: [a-z][a-z0-9-]{0,31}. */
static int webmail_name_ok(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n > 32 || !islower((unsigned char)v[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!islower((unsigned char)v[i]) && !isdigit((unsigned char)v[i]) && v[i] != '-')
			return 0;
	return 1;
}

static void bulk_form_clear(struct bulk_form *f)
{
	free(f->term);
	free(f->names);
	memset(f, 0, sizeof(*f));
}

/*
 * Reads the filter, the selection and (need_action) the toolbar button
 * and its fields. Returns 0, or 400 for values no form of ours sends.
 */
static int bulk_form_read(struct request *r, struct bulk_form *f, int need_action)
{
	static const char *const services[] = { "", "on", "off", NULL };
	static const char *const policies[] = { "", "bounce", "forward", "redirect", "reject", NULL };
	const char *v, *select;
	size_t len;

	memset(f, 0, sizeof(*f));
	f->typed = (v = request_param(r, "f_name")) ? v : "";
	if (strlen(f->typed) > 253)
		return 400;
	f->term = idn_search_term(f->typed);
	v = (v = request_param(r, "f_owner")) ? v : "";
	while (*v == ' ')
		v++;
	len = strlen(v);
	while (len > 0 && v[len - 1] == ' ')
		len--;
	if (len >= sizeof(f->owner))
		return 400;
	for (size_t i = 0; i < len; i++)
		f->owner[i] = (char)tolower((unsigned char)v[i]);
	f->service = (v = request_param(r, "f_service")) ? v : "";
	f->policy = (v = request_param(r, "f_policy")) ? v : "";
	f->webmail = (v = request_param(r, "f_webmail")) ? v : "";
	if (!one_of(f->service, services) || !one_of(f->policy, policies) ||
	    (*f->webmail && strcmp(f->webmail, "none") != 0 && !webmail_name_ok(f->webmail)))
		return 400;
	select = request_param(r, "select");
	f->all = select && strcmp(select, "all") == 0;
	if (select && !f->all && strcmp(select, "ticked") != 0)
		return 400;
	if (strcmp(r->method, "POST") == 0) {
		for (long pos = form_next(r->body, "d", 0); pos >= 0;
		     pos = form_next(r->body, "d", (size_t)pos + 1)) {
			if (f->n_names == MAX_TICKED)
				return 400;
			f->names = xrealloc(f->names, (f->n_names + 1) * sizeof(*f->names));
			f->names[f->n_names++] = r->body->fields[pos].value;
		}
	}
	if (f->all) {
		f->filter = (struct bulk_filter){ f->term, f->owner, f->service, f->policy, f->webmail,
						  NULL, 0 };
	} else {
		/* Ticked names are the selection; an empty list selects nothing. */
		static const char *const none[] = { NULL };

		f->filter = (struct bulk_filter){ "", "", "", "", "", f->names ? f->names : none,
						  f->n_names };
	}
	if (need_action) {
		if (bulk_parse(request_param(r, "action"), get_field, r, &f->req) != 0)
			return 400;
		f->has_action = 1;
	}
	return 0;
}

static int filter_active(const struct bulk_form *f)
{
	return *f->term || *f->owner || *f->service || *f->policy || *f->webmail;
}

/* The filter and the selection, as fields of the forms that carry them on. */
static size_t put_carry(struct request *r, const struct bulk_form *f, size_t k, int with_action)
{
	const char *names[16], *values[16];
	size_t n;

#define CARRY(name, value) \
	do { \
		view_setf(r->hdf, name, "carry.%zu.name", k); \
		view_setf(r->hdf, value, "carry.%zu.value", k); \
		k++; \
	} while (0)
	CARRY("f_name", f->typed);
	CARRY("f_owner", f->owner);
	CARRY("f_service", f->service);
	CARRY("f_policy", f->policy);
	CARRY("f_webmail", f->webmail);
	CARRY("select", f->all ? "all" : "ticked");
	if (!f->all)
		for (size_t i = 0; i < f->n_names; i++)
			CARRY("d", f->names[i]);
	if (with_action && f->has_action) {
		CARRY("action", bulk_button(&f->req));
		n = bulk_fields(&f->req, names, values, 16);
		for (size_t i = 0; i < n; i++)
			CARRY(names[i], values[i]);
	}
#undef CARRY
	return k;
}

static void put_filter(struct request *r, const struct bulk_form *f)
{
	view_set(r->hdf, "filter.name", f->typed);
	view_set(r->hdf, "filter.owner", f->owner);
	view_set(r->hdf, "filter.service", f->service);
	view_set(r->hdf, "filter.policy", f->policy);
	view_set(r->hdf, "filter.webmail", f->webmail);
	view_set_int(r->hdf, "filter.active", filter_active(f));
}

/* The action as asked, for its description (bulk_action.cs) and the sticky form. */
static void put_action(struct request *r, const char *prefix, const struct bulk_request *req)
{
	const struct mail_input *in = &req->in;
	const struct { const char *name, *value; } fields[] = {
		{ "service", in->service }, { "policy", in->policy },
		{ "bounce_message", in->bounce_message }, { "forward_address", in->forward_address },
		{ "redirect_ip", in->redirect_ip }, { "redirect_port", in->redirect_port },
		{ "webmail", in->webmail },
		{ "domain_limit_mode", in->domain_limit_mode ? in->domain_limit_mode : "keep" },
		{ "domain_limit", in->domain_limit },
		{ "mailbox_limit_mode", in->mailbox_limit_mode ? in->mailbox_limit_mode : "keep" },
		{ "mailbox_limit", in->mailbox_limit },
	};

	view_setf(r->hdf, bulk_action_name(req->action), "%s.action", prefix);
	view_setf(r->hdf, bulk_button(req), "%s.button", prefix);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].value)
			view_setf(r->hdf, fields[i].value, "%s.%s", prefix, fields[i].name);
	if (in->forward_address && bulk_is_template(in->forward_address))
		view_setf_int(r->hdf, 1, "%s.forward_template", prefix);
}

static void put_webmails(struct request *r)
{
	struct webmail_list wl;

	if (db_webmail_list(r->db, &wl) != DB_OK)
		return;
	for (size_t i = 0; i < wl.n; i++) {
		view_setf(r->hdf, wl.items[i].name, "webmails.%zu.name", i);
		view_setf(r->hdf, wl.items[i].label, "webmails.%zu.label", i);
		view_setf_int(r->hdf, wl.items[i].installed, "webmails.%zu.installed", i);
	}
	db_webmail_list_clear(&wl);
}

static void put_domain(struct request *r, const char *prefix, size_t i, const char *name,
		       const char *owner)
{
	char *display = idn_to_display(name);

	view_setf(r->hdf, name, "%s.%zu.name", prefix, i);
	if (strcmp(display, name) != 0)
		view_setf(r->hdf, display, "%s.%zu.display", prefix, i);
	view_setf(r->hdf, owner, "%s.%zu.owner", prefix, i);
	free(display);
}

static int ticked(const struct bulk_form *f, const char *name)
{
	for (size_t i = 0; i < f->n_names; i++)
		if (strcmp(f->names[i], name) == 0)
			return 1;
	return 0;
}

/*
 * The list page: filter, one page of checkboxes, the toolbar. Also the
 * answer to a preview whose form had errors (status 422, errs set).
 */
static void render_list(struct request *r, struct bulk_form *f, int status,
			const struct mail_errors *errs, const char *selection_error,
			const char *notice)
{
	const char *after = request_param(r, "after"), *before = request_param(r, "before");
	int check_page = request_param(r, "check") && strcmp(request_param(r, "check"), "page") == 0;
	struct server_settings ss;
	struct domain_page page;
	enum db_status st;

	/* The list shows what the filter matches, whatever the selection mode. */
	struct bulk_filter list = { f->term, f->owner, f->service, f->policy, f->webmail, NULL, 0 };

	if ((st = db_bulk_list(r->db, &r->actor, &list, after, before, &page)) != DB_OK) {
		page_db_error(r, st);
		return;
	}
	if ((st = db_server_get(r->db, &ss)) != DB_OK) {
		db_domain_page_clear(&page);
		page_db_error(r, st);
		return;
	}
	for (size_t i = 0; i < page.n; i++) {
		const struct domain_row *d = &page.rows[i];

		put_domain(r, "domains", i, d->name, d->owner);
		view_setf_int(r->hdf, d->service, "domains.%zu.service", i);
		view_setf(r->hdf, mailcfg_policy_name(d->policy), "domains.%zu.policy", i);
		view_setf(r->hdf, d->webmail, "domains.%zu.webmail", i);
		view_setf_int(r->hdf, check_page || ticked(f, d->name), "domains.%zu.checked", i);
	}
	if (page.n > 0 && page.has_next)
		view_set(r->hdf, "paging.after", page.rows[page.n - 1].name);
	if (page.n > 0 && page.has_prev)
		view_set(r->hdf, "paging.before", page.rows[0].name);
	view_set(r->hdf, "cursor.after", after);
	view_set(r->hdf, "cursor.before", before);
	view_set_int(r->hdf, "paging.total", page.total);
	view_set_int(r->hdf, "outgoing_control", ss.c.outgoing_control);
	db_server_clear(&ss);
	put_filter(r, f);
	put_webmails(r);
	view_set(r->hdf, "form.select", f->all ? "all" : "ticked");
	if (f->has_action) {
		put_action(r, "form", &f->req);
	} else if (strcmp(r->method, "POST") == 0) {
		/* No button said which change: keep every field as typed. */
		static const char *const typed[] = {
			"policy", "bounce_message", "forward_address", "redirect_ip", "redirect_port",
			"webmail", "domain_limit_mode", "domain_limit", "mailbox_limit_mode",
			"mailbox_limit",
		};

		for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++)
			if (request_param(r, typed[i]))
				view_setf(r->hdf, request_param(r, typed[i]), "form.%s", typed[i]);
	}
	if (errs)
		page_put_errors(r, errs);
	if (selection_error) {
		view_set(r->hdf, "errors.selection", selection_error);
		view_set(r->hdf, "notice.error", _("Nothing was changed. Correct the fields marked below and preview again."));
	} else if (errs && errs->n > 0) {
		view_set(r->hdf, "notice.error", _("Nothing was changed. Correct the fields marked below and preview again."));
	} else if (notice) {
		view_set(r->hdf, "notice.error", notice);
	}
	view_set(r->hdf, "page.title", _("Bulk mail settings"));
	view_set(r->hdf, "page.nav", "bulk");
	request_render(r, status, "bulk.cs");
	db_domain_page_clear(&page);
}

void page_bulk(struct request *r, const char *arg)
{
	struct bulk_form f;
	int bad;

	(void)arg;
	if (!allowed(r))
		return;
	if ((bad = bulk_form_read(r, &f, 0)) != 0)
		request_error(r, bad);
	else
		render_list(r, &f, 200, NULL, NULL, NULL);
	bulk_form_clear(&f);
}

/* ---- evaluation, shared by the preview and the apply ---- */

static void evaluation_clear(struct evaluation *ev)
{
	for (size_t i = 0; i < ev->n; i++)
		mailcfg_clear(&ev->o[i].next);
	free(ev->o);
	memset(ev, 0, sizeof(*ev));
}

static void evaluate(const struct bulk_request *req, const struct bulk_set *set,
		     struct evaluation *ev)
{
	struct mail_context mc = { NULL, set->outgoing_control,
				   (const char *const *)set->installed, set->n_installed };

	memset(ev, 0, sizeof(*ev));
	ev->n = set->n;
	ev->o = xcalloc(set->n, sizeof(*ev->o));
	ev->digest = BULK_DIGEST_INIT;
	for (size_t i = 0; i < set->n; i++) {
		struct mail_errors errs = { .n = 0 };
		struct outcome *o = &ev->o[i];

		mc.domain = set->d[i].name;
		o->o = bulk_evaluate(req, &mc, &set->d[i].s, &o->next, &errs);
		if (o->o == BULK_REFUSED) {
			o->why = errs.e[0];
			ev->refused++;
		} else if (o->o == BULK_CHANGE) {
			ev->change++;
		} else {
			ev->same++;
		}
		ev->digest = bulk_digest_add(ev->digest, set->d[i].id, set->d[i].version);
	}
}

/* Form-level errors, with the server's webmails and outgoing control from set. */
static int check_form(const struct bulk_form *f, const struct bulk_set *set,
		      struct mail_errors *errs)
{
	struct mail_context mc = { NULL, set->outgoing_control,
				   (const char *const *)set->installed, set->n_installed };

	return bulk_check(&f->req, &mc, errs);
}

static void put_fields(struct request *r, const char *prefix, const struct mail_settings *a,
		       const struct mail_settings *b)
{
	struct bulk_field fields[BULK_FIELDS];
	size_t n = bulk_diff(a, b, fields);

	for (size_t k = 0; k < n; k++) {
		view_setf(r->hdf, fields[k].name, "%s.fields.%zu.name", prefix, k);
		if (fields[k].before)
			view_setf(r->hdf, fields[k].before, "%s.fields.%zu.before", prefix, k);
		else
			view_setf_int(r->hdf, 1, "%s.fields.%zu.before_none", prefix, k);
		if (fields[k].after)
			view_setf(r->hdf, fields[k].after, "%s.fields.%zu.after", prefix, k);
		else
			view_setf_int(r->hdf, 1, "%s.fields.%zu.after_none", prefix, k);
	}
}

static long parse_offset(const char *v)
{
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return 0;
	n = strtol(v, &end, 10);
	return *end == '\0' && n >= 0 ? n : -1;
}

/*
 * The preview: counts, one page of before → after, the refused domains
 * and why, and the apply form carrying the action, the selection and
 * the snapshot it was computed from.
 */
static void render_preview(struct request *r, const struct bulk_form *f,
			   const struct bulk_set *set, const struct evaluation *ev, long offset,
			   int status)
{
	size_t k = 0, shown = 0, nr = 0;
	char num[32];

	for (size_t i = 0; i < set->n; i++) {
		const struct outcome *o = &ev->o[i];
		char prefix[48];

		if (o->o == BULK_REFUSED && nr < PREVIEW_REFUSALS_SHOWN) {
			char msg[512];

			put_domain(r, "refusals", nr, set->d[i].name, set->d[i].owner);
			view_setf(r->hdf, o->why.field, "refusals.%zu.field", nr);
			mailcfg_error_text(&o->why, msg, sizeof(msg));
			view_setf(r->hdf, msg, "refusals.%zu.message", nr);
			nr++;
		}
		if (o->o != BULK_CHANGE)
			continue;
		if ((long)k++ < offset || shown == DB_PAGE_SIZE)
			continue;
		put_domain(r, "changes", shown, set->d[i].name, set->d[i].owner);
		snprintf(prefix, sizeof(prefix), "changes.%zu", shown);
		put_fields(r, prefix, &set->d[i].s, &o->next);
		shown++;
	}
	view_set_int(r->hdf, "preview.selected", (long long)set->n);
	view_set_int(r->hdf, "preview.change", (long long)ev->change);
	view_set_int(r->hdf, "preview.same", (long long)ev->same);
	view_set_int(r->hdf, "preview.refused", (long long)ev->refused);
	view_set_int(r->hdf, "preview.first", offset + 1);
	view_set_int(r->hdf, "preview.last", offset + (long)shown);
	if (offset > 0)
		view_set_int(r->hdf, "preview.prev_offset", offset > DB_PAGE_SIZE ? offset - DB_PAGE_SIZE : 0);
	if ((size_t)offset + shown < ev->change)
		view_set_int(r->hdf, "preview.next_offset", offset + (long)shown);
	if (ev->refused > nr)
		view_set_int(r->hdf, "preview.refused_more", (long long)(ev->refused - nr));

	put_carry(r, f, 0, 1);
	snprintf(num, sizeof(num), "%lld", set->snapshot);
	view_set(r->hdf, "preview.snapshot", num);
	snprintf(num, sizeof(num), "%016" PRIx64, ev->digest);
	view_set(r->hdf, "preview.digest", num);
	view_set_int(r->hdf, "preview.count", (long long)set->n);
	put_filter(r, f);
	put_action(r, "act", &f->req);
	view_set_int(r->hdf, "act.outgoing_control", set->outgoing_control);
	view_set_int(r->hdf, "sel.all", f->all);
	view_set_int(r->hdf, "sel.ticked", (long long)f->n_names);
	{
		struct action_words w = {
			bulk_action_name(f->req.action), f->req.in.service, f->req.in.policy,
			f->req.in.bounce_message, f->req.in.forward_address, f->req.in.redirect_ip,
			f->req.in.redirect_port, f->req.in.webmail, f->req.in.domain_limit_mode,
			f->req.in.domain_limit, f->req.in.mailbox_limit_mode, f->req.in.mailbox_limit,
		};
		char *what = page_action_text(&w, r->lang), *title;

		/* TRANSLATORS: what the bulk change does ("Deactivate mail service"). */
		title = xasprintf(_("Preview: %s"), what);
		view_set(r->hdf, "preview.title", title);
		free(title);
		free(what);
	}
	view_set(r->hdf, "page.title", _("Preview of a bulk change"));
	view_set(r->hdf, "page.nav", "bulk");
	request_render(r, status, "bulk_preview.cs");
}

/* Reads the selection afresh and shows its preview. */
static void preview(struct request *r, struct bulk_form *f, long offset, int status)
{
	struct mail_errors errs = { .n = 0 };
	struct evaluation ev;
	struct bulk_set set;
	enum db_status st;

	if (!f->all && f->n_names == 0) {
		render_list(r, f, 422, NULL, _("Tick at least one domain, or choose all domains matching the filter."), NULL);
		return;
	}
	if ((st = db_bulk_read(r->db, &r->actor, &f->filter, &set)) != DB_OK) {
		db_bulk_set_clear(&set);
		page_db_error(r, st);
		return;
	}
	if (check_form(f, &set, &errs) > 0) {
		db_bulk_set_clear(&set);
		render_list(r, f, 422, &errs, NULL, NULL);
		return;
	}
	evaluate(&f->req, &set, &ev);
	render_preview(r, f, &set, &ev, offset, status);
	evaluation_clear(&ev);
	db_bulk_set_clear(&set);
}

void page_bulk_preview(struct request *r, const char *arg)
{
	struct bulk_form f;
	long offset = parse_offset(request_param(r, "offset"));
	const char *action;
	int bad;

	(void)arg;
	if (!allowed(r))
		return;
	action = request_param(r, "action");
	if (action == NULL || *action == '\0') {
		/* Enter pressed in a text box: no button says which change. */
		if ((bad = bulk_form_read(r, &f, 0)) != 0)
			request_error(r, bad);
		else
			render_list(r, &f, 422, NULL, NULL,
				    _("Nothing was changed. Press the button of the change you want to preview."));
	} else if ((bad = bulk_form_read(r, &f, 1)) != 0 || offset < 0) {
		request_error(r, bad ? bad : 400);
	} else {
		preview(r, &f, offset, 200);
	}
	bulk_form_clear(&f);
}

/* ---- apply ---- */

enum stop { STOP_NONE, STOP_FORM, STOP_STALE, STOP_REFUSED, STOP_NOTHING };

struct apply_ctx {
	const struct bulk_form *f;
	uint64_t digest;		/* what the preview saw */
	long long count;
	enum stop stop;
	struct mail_errors errs;	/* STOP_FORM */
	struct evaluation ev;
};

/* Inside the transaction, every selected row locked: the same rules as the preview. */
static int decide(void *arg, struct bulk_set *set)
{
	struct apply_ctx *a = arg;

	if (check_form(a->f, set, &a->errs) > 0) {
		a->stop = STOP_FORM;
		return 1;
	}
	evaluate(&a->f->req, set, &a->ev);
	if (a->ev.digest != a->digest || (long long)set->n != a->count) {
		a->stop = STOP_STALE;
		return 1;
	}
	if (a->ev.refused > 0) {
		a->stop = STOP_REFUSED;
		return 1;
	}
	if (a->ev.change == 0) {
		a->stop = STOP_NOTHING;
		return 1;
	}
	for (size_t i = 0; i < set->n; i++) {
		if (a->ev.o[i].o != BULK_CHANGE)
			continue;
		set->d[i].write = 1;
		set->d[i].next = a->ev.o[i].next;	/* moved: the set frees it */
		memset(&a->ev.o[i].next, 0, sizeof(a->ev.o[i].next));
	}
	return 0;
}

static int parse_ll(const char *v, long long *out)
{
	char *end;

	if (v == NULL || *v == '\0')
		return -1;
	*out = strtoll(v, &end, 10);
	return *end == '\0' && *out >= 0 ? 0 : -1;
}

static int parse_digest(const char *v, uint64_t *out)
{
	char *end;

	if (v == NULL || strlen(v) != 16)
		return -1;
	*out = strtoull(v, &end, 16);
	return *end == '\0' ? 0 : -1;
}

/* The domains someone else saved since the preview, above a fresh preview. */
static void put_edited(struct request *r, const struct bulk_set *set)
{
	size_t k = 0;

	for (size_t i = 0; i < set->n && k < PREVIEW_REFUSALS_SHOWN; i++) {
		const struct bulk_domain *d = &set->d[i];

		if (!d->edited_since)
			continue;
		put_domain(r, "edited", k, d->name, d->owner);
		view_setf(r->hdf, d->updated_by ? d->updated_by : "", "edited.%zu.by", k);
		view_setf(r->hdf, d->updated_at, "edited.%zu.at", k);
		k++;
	}
}

void page_bulk_apply(struct request *r, const char *arg)
{
	struct apply_ctx a;
	struct bulk_form f;
	struct bulk_set set;
	long long snapshot, change_id = 0;
	enum db_status st;
	int bad;

	(void)arg;
	if (!allowed(r))
		return;
	memset(&a, 0, sizeof(a));
	if ((bad = bulk_form_read(r, &f, 1)) != 0 ||
	    parse_ll(request_param(r, "snapshot"), &snapshot) != 0 ||
	    parse_digest(request_param(r, "digest"), &a.digest) != 0 ||
	    parse_ll(request_param(r, "count"), &a.count) != 0) {
		request_error(r, bad ? bad : 400);
		bulk_form_clear(&f);
		return;
	}
	a.f = &f;
	st = db_bulk_apply(r->db, &r->actor, bulk_action_name(f.req.action), &f.req.in, &f.filter,
			   snapshot, decide, &a, &set, &change_id);
	if (st == DB_OK) {
		char *location = xasprintf("/changes/%lld?applied=1", change_id);

		request_redirect(r, location);
		free(location);
	} else if (st == DB_CONFLICT && a.stop == STOP_FORM) {
		render_list(r, &f, 422, &a.errs, NULL, NULL);
	} else if (st == DB_CONFLICT) {
		/* Nothing was written; say why above a new preview of the current state. */
		switch (a.stop) {
		case STOP_STALE:
			put_edited(r, &set);
			view_set_int(r->hdf, "stale", 1);
			if (a.count != (long long)set.n) {
				char text[256], then[I18N_NUMBER_MAX], now[I18N_NUMBER_MAX];

				i18n_format_number(r->lang, a.count, then, sizeof(then));
				i18n_format_number(r->lang, (long long)set.n, now, sizeof(now));
				/* TRANSLATORS: the numbers of domains at the preview, then now. */
				snprintf(text, sizeof(text), ngettext("The selection had %s domain at the preview; it has %s now.",
								      "The selection had %s domains at the preview; it has %s now.",
								      (unsigned long)a.count), then, now);
				view_set(r->hdf, "stale_count", text);
			}
			view_set(r->hdf, "notice.error", _("Nothing was changed: some of the selected domains were changed since the preview. Check the new preview below and apply again."));
			break;
		case STOP_REFUSED:
			view_set(r->hdf, "notice.error", _("Nothing was changed: some of the selected domains cannot take this setting. They are listed below."));
			break;
		default:
			view_set(r->hdf, "notice.error", _("Nothing was changed: every selected domain already has this setting."));
			break;
		}
		preview(r, &f, 0, 409);
	} else {
		page_db_error(r, st);
	}
	evaluation_clear(&a.ev);
	db_bulk_set_clear(&set);
	bulk_form_clear(&f);
}
