/* What several pages share: database failures and field errors. */
#include "config.h"

#include <stdio.h>

#include "i18n/i18n.h"
#include "util/log.h"
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
