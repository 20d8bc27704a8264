/* The language switch of every page, for logged-in users. */
#include "config.h"

#include <string.h>

#include "i18n/i18n.h"
#include "web/handlers.h"

/* A path on this site to go back to: "/..." in plain printable ASCII. */
static int local_path(const char *p)
{
	if (p == NULL || p[0] != '/' || p[1] == '/' || p[1] == '\\' || strlen(p) > 2048)
		return 0;
	for (; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '\\')
			return 0;
	return 1;
}

/*
 * POST /language (csrf, lang, back): saves the account's language, keeps
 * it for this browser (the login page after logging out), and goes back
 * to the page the switch was on.
 */
void page_language_save(struct request *r, const char *arg)
{
	const char *lang = request_param(r, "lang"), *back = request_param(r, "back");
	enum db_status st;

	(void)arg;
	if (!i18n_supported(lang)) {
		request_error(r, 400);
		return;
	}
	st = db_account_set_language(r->db, &r->actor, r->who.account_id, lang);
	if (st != DB_OK) {
		page_db_error(r, st);
		return;
	}
	request_set_cookie(r, LANGUAGE_COOKIE, lang, LANGUAGE_COOKIE_AGE);
	request_redirect(r, local_path(back) ? back : "/domains");
}
