/* What several pages share: database failures, field errors, apply status. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "i18n/i18n.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "web/handlers.h"

void page_db_error(struct request *r, enum db_status st)
{
	switch (st) {
	case DB_NOTFOUND:
		request_error(r, 404);
		break;
	case DB_DOWN:
		request_error(r, 503);
		break;
	default:
		log_error("database: %s: %s", db_status_name(st), db_error(r->db));
		request_error(r, 500);
		break;
	}
}

void page_put_errors(struct request *r, const struct mail_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++) {
		char name[64], text[512];

		snprintf(name, sizeof(name), "errors.%s", errs->e[i].field);
		mailcfg_error_text(&errs->e[i], text, sizeof(text));
		view_set(r->hdf, name, text);
	}
	if (errs->n > 0)
		view_set(r->hdf, "notice.error", _("Nothing was saved. Correct the fields marked below and save again."));
}

static void put_apply_line(struct request *r, size_t i, const char *kind, const char *text)
{
	view_setf(r->hdf, kind, "apply.lines.%zu.kind", i);
	view_setf(r->hdf, text, "apply.lines.%zu.text", i);
}

void page_put_apply_status(struct request *r, const struct apply_status *as, enum db_status st)
{
	size_t k = 0;

	if (st != DB_OK) {
		/* The page itself still works: say so instead of failing it. */
		log_error("apply status: %s: %s", db_status_name(st), db_error(r->db));
		put_apply_line(r, k++, "unknown", _("The state of the mail servers cannot be read at the moment."));
		return;
	}
	for (size_t i = 0; i < as->n; i++) {
		const struct node_state *ns = &as->nodes[i];
		char *text;

		/* Only the nodes behind on this domain's last change concern it. */
		if (!ns->pending)
			continue;
		if (ns->down) {
			text = xasprintf(_("The map service on %s is not running: changes will apply when it is back."),
					 ns->node);
			put_apply_line(r, k++, "down", text);
		} else if (ns->error && r->actor.role == ROLE_ADMIN) {
			text = xasprintf(_("Failing on %s: %s"), ns->node, ns->error);
			put_apply_line(r, k++, "failing", text);
		} else if (ns->error) {
			/* The error may name other customers' data: administrators only. */
			text = xasprintf(_("Failing on %s: a problem on this mail server keeps the change from being applied."),
					 ns->node);
			put_apply_line(r, k++, "failing", text);
		} else {
			char since[I18N_TIME_MAX];

			i18n_format_time(r->lang, ns->since ? ns->since : "?", since, sizeof(since));
			text = xasprintf(_("Pending on %s since %s."), ns->node, since);
			put_apply_line(r, k++, "pending", text);
		}
		free(text);
	}
	if (as->n == 0)
		put_apply_line(r, k++, "none", _("No mail server is connected yet."));
	else if (k == 0)
		put_apply_line(r, k++, "applied", _("Applied on all mail servers."));
}
