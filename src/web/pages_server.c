/* Server settings, for administrators: webmails, outgoing mail control, defaults. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "util/xalloc.h"
#include "web/handlers.h"

static void put_webmails(struct request *r, const struct webmail_list *wl, const char *const *chosen,
			 size_t n_chosen)
{
	for (size_t i = 0; i < wl->n; i++) {
		int on = wl->items[i].installed;

		if (chosen != NULL) {
			on = 0;
			for (size_t k = 0; k < n_chosen; k++)
				on |= strcmp(chosen[k], wl->items[i].name) == 0;
		}
		view_setf(r->hdf, wl->items[i].name, "webmails.%zu.name", i);
		view_setf(r->hdf, wl->items[i].label, "webmails.%zu.label", i);
		view_setf_int(r->hdf, on, "webmails.%zu.installed", i);
	}
}

static void put_config(HDF *hdf, const struct server_config *c)
{
	view_set(hdf, "form.outgoing_control", c->outgoing_control ? "on" : "off");
	view_set(hdf, "form.domain_limit_mode", c->default_domain_limit ? "custom" : "unlimited");
	if (c->default_domain_limit)
		view_set_int(hdf, "form.domain_limit", c->default_domain_limit);
	view_set(hdf, "form.mailbox_limit_mode", c->default_mailbox_limit ? "custom" : "unlimited");
	if (c->default_mailbox_limit)
		view_set_int(hdf, "form.mailbox_limit", c->default_mailbox_limit);
	view_set(hdf, "form.over_limit_action", c->over_limit_action);
	view_set(hdf, "form.default_language", c->default_language);
}

static void put_page(struct request *r, const struct server_settings *s)
{
	const char *const *langs = i18n_languages();

	for (size_t i = 0; langs[i] != NULL; i++)
		view_setf(r->hdf, langs[i], "languages.%zu", i);
	view_set(r->hdf, "server.updated_at", s->updated_at);
	view_set(r->hdf, "server.updated_by", s->updated_by);
	if (s->updated_by) {
		char when[I18N_TIME_MAX], *text;

		i18n_format_time(r->lang, s->updated_at, when, sizeof(when));
		text = xasprintf(_("Last changed by %s on %s."), s->updated_by, when);
		view_set(r->hdf, "server.changed_text", text);
		free(text);
	}
	view_set(r->hdf, "page.title", _("Server settings"));
	view_set(r->hdf, "page.nav", "server");
}

void page_server_form(struct request *r, const char *arg)
{
	struct server_settings s;
	struct webmail_list wl = { NULL, 0 };
	enum db_status st = db_server_get(r->db, &s);

	(void)arg;
	if (st == DB_OK)
		st = db_webmail_list(r->db, &wl);
	if (st != DB_OK) {
		page_db_error(r, st);
		goto end;
	}
	put_page(r, &s);
	put_config(r->hdf, &s.c);
	put_webmails(r, &wl, NULL, 0);
	view_set_int(r->hdf, "form.version", s.version);
	if (request_param(r, "saved"))
		view_set(r->hdf, "notice.ok", _("The server settings were saved."));
	request_render(r, 200, "server.cs");
end:
	db_webmail_list_clear(&wl);
	db_server_clear(&s);
}

void page_server_save(struct request *r, const char *arg)
{
	struct server_settings s;
	struct webmail_list wl = { NULL, 0 };
	struct mail_errors errs = { .n = 0 };
	struct server_config next;
	const char **chosen = NULL;
	size_t n_chosen = 0;
	long long version, in_use = 0;
	int conflict = 0;
	const char *oc = request_param(r, "outgoing_control"), *ver = request_param(r, "version");
	struct server_input in = {
		.outgoing_control = oc ? oc : "off",
		.domain_limit_mode = request_param(r, "domain_limit_mode"),
		.domain_limit = request_param(r, "domain_limit"),
		.mailbox_limit_mode = request_param(r, "mailbox_limit_mode"),
		.mailbox_limit = request_param(r, "mailbox_limit"),
		.over_limit_action = request_param(r, "over_limit_action"),
		.default_language = request_param(r, "default_language"),
	};
	enum db_status st = db_server_get(r->db, &s);
	char *end;

	(void)arg;
	if (st == DB_OK)
		st = db_webmail_list(r->db, &wl);
	if (st != DB_OK) {
		page_db_error(r, st);
		goto out;
	}
	version = ver ? strtoll(ver, &end, 10) : 0;
	if (ver == NULL || *end != '\0' || version < 1) {
		request_error(r, 400);
		goto out;
	}
	/* Only webmails the server knows can be ticked; others are ignored. */
	chosen = xcalloc(wl.n, sizeof(*chosen));
	for (size_t i = 0; i < wl.n; i++) {
		char field[64];

		snprintf(field, sizeof(field), "webmail_%s", wl.items[i].name);
		if (request_param(r, field))
			chosen[n_chosen++] = wl.items[i].name;
	}
	servercfg_apply(&s.c, &in, &next, &errs);
	if (errs.n == 0) {
		st = db_server_save(r->db, &r->actor, version, &next, chosen, n_chosen, &in_use);
		if (st == DB_OK) {
			request_redirect(r, "/server?saved=1");
			goto out;
		}
		if (st == DB_INVALID && in_use > 0) {
			char text[256], number[I18N_NUMBER_MAX];

			i18n_format_number(r->lang, in_use, number, sizeof(number));
			snprintf(text, sizeof(text),
				 ngettext("%s domain still uses a webmail you removed. Choose another webmail for it first.",
					  "%s domains still use a webmail you removed. Choose another webmail for them first.",
					  (unsigned long)in_use), number);
			mailcfg_error(&errs, "webmails", text, NULL);
			page_put_errors(r, &errs);
		} else if (st == DB_CONFLICT) {
			conflict = 1;
			view_set(r->hdf, "notice.error", _("Someone else changed the server settings since you opened this page. Nothing was saved; the form shows your values, the page their time of change. Save again to overwrite."));
			db_server_clear(&s);
			if ((st = db_server_get(r->db, &s)) != DB_OK) {
				page_db_error(r, st);
				goto out;
			}
			version = s.version;
		} else {
			page_db_error(r, st);
			goto out;
		}
	} else {
		page_put_errors(r, &errs);
	}
	put_page(r, &s);
	put_config(r->hdf, &s.c);
	/* Show what the administrator typed, not what was stored. */
	view_set(r->hdf, "form.outgoing_control", in.outgoing_control);
	view_set(r->hdf, "form.domain_limit_mode", in.domain_limit_mode);
	view_set(r->hdf, "form.domain_limit", in.domain_limit);
	view_set(r->hdf, "form.mailbox_limit_mode", in.mailbox_limit_mode);
	view_set(r->hdf, "form.mailbox_limit", in.mailbox_limit);
	view_set(r->hdf, "form.over_limit_action", in.over_limit_action);
	view_set(r->hdf, "form.default_language", in.default_language);
	put_webmails(r, &wl, chosen, n_chosen);
	view_set_int(r->hdf, "form.version", version);
	request_render(r, conflict ? 409 : 422, "server.cs");
out:
	free(chosen);
	db_webmail_list_clear(&wl);
	db_server_clear(&s);
}
