/* The domain list: search, keyset pagination, the caller's domains only. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "model/idn.h"
#include "model/validate.h"
#include "util/xalloc.h"
#include "web/handlers.h"

void page_domains(struct request *r, const char *arg)
{
	const char *typed = request_param(r, "q");
	char *term = idn_search_term(typed ? typed : "");
	struct domain_query q = { term, request_param(r, "after"), request_param(r, "before") };
	struct domain_page page;
	enum db_status st = db_domain_list(r->db, &r->actor, &q, &page);

	(void)arg;
	if (st != DB_OK) {
		free(term);
		page_db_error(r, st);
		return;
	}
	for (size_t i = 0; i < page.n; i++) {
		const struct domain_row *d = &page.rows[i];
		char *display = idn_to_display(d->name);

		view_setf(r->hdf, d->name, "domains.%zu.name", i);
		if (strcmp(display, d->name) != 0)
			view_setf(r->hdf, display, "domains.%zu.display", i);
		view_setf(r->hdf, d->owner, "domains.%zu.owner", i);
		view_setf_int(r->hdf, d->service, "domains.%zu.service", i);
		view_setf(r->hdf, mailcfg_policy_name(d->policy), "domains.%zu.policy", i);
		view_setf(r->hdf, d->webmail, "domains.%zu.webmail", i);
		free(display);
	}
	if (page.n > 0 && page.has_next)
		view_set(r->hdf, "paging.after", page.rows[page.n - 1].name);
	if (page.n > 0 && page.has_prev)
		view_set(r->hdf, "paging.before", page.rows[0].name);
	/* The box shows what was typed ("bücher"), not its punycode. */
	view_set(r->hdf, "search.q", typed);
	/* domains.cs says "1 domain", "5 domains match." with n_(). */
	view_set_int(r->hdf, "paging.total", page.total);
	view_set_int(r->hdf, "paging.capped", page.total_capped);
	view_set_int(r->hdf, "paging.searched", *term != '\0');
	view_set(r->hdf, "page.title", _("Domains"));
	view_set(r->hdf, "page.nav", "domains");
	request_render(r, 200, "domains.cs");
	db_domain_page_clear(&page);
	free(term);
}
