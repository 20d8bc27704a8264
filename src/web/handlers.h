/*
 * NAME
 *	handlers - one function per page; each fills r->hdf and renders
 * DESCRIPTION
 *	The router (app.c) has already decoded the input, authenticated the
 *	caller where the route demands it, checked the CSRF token of every
 *	POST and chosen the language. arg is the variable path segment of
 *	the route (a domain name), or NULL.
 */
#ifndef PP_HANDLERS_H
#define PP_HANDLERS_H

#include "web/request.h"

#define SESSION_COOKIE "pp_session"
#define LOGIN_CSRF_COOKIE "pp_login"
/* The language a browser chose (visitors, and after logging out). */
#define LANGUAGE_COOKIE "pp_lang"
/* A year: the choice of a browser outlives its sessions. */
#define LANGUAGE_COOKIE_AGE (365 * 24 * 3600)

void page_ping(struct request *r, const char *arg);
void page_home(struct request *r, const char *arg);
void page_login_form(struct request *r, const char *arg);
void page_login(struct request *r, const char *arg);
void page_logout(struct request *r, const char *arg);
void page_domains(struct request *r, const char *arg);
void page_mail_form(struct request *r, const char *arg);
void page_mail_save(struct request *r, const char *arg);
void page_addresses(struct request *r, const char *arg);
void page_addresses_save(struct request *r, const char *arg);
void page_server_form(struct request *r, const char *arg);
void page_server_save(struct request *r, const char *arg);
void page_bulk(struct request *r, const char *arg);
void page_bulk_preview(struct request *r, const char *arg);
void page_bulk_apply(struct request *r, const char *arg);
void page_changes(struct request *r, const char *arg);
void page_change(struct request *r, const char *arg);
void page_change_undo(struct request *r, const char *arg);
void page_domain_history(struct request *r, const char *arg);
void page_language_save(struct request *r, const char *arg);

/* The fields of a bulk change as asked (NULL: not part of it). */
struct action_words {
	const char *action;		/* service, webmail, policy, limits */
	const char *service, *policy, *bounce_message, *forward_address, *redirect_ip,
		   *redirect_port, *webmail, *domain_limit_mode, *domain_limit,
		   *mailbox_limit_mode, *mailbox_limit;
};
/* What the change does, as one sentence in the current language (malloc'd). */
char *page_action_text(const struct action_words *w, const char *lang);

/* Renders the error page for a database status other than DB_OK. */
void page_db_error(struct request *r, enum db_status st);
/* Puts each field's message under errors.FIELD and the summary notice. */
void page_put_errors(struct request *r, const struct mail_errors *errs);
/*
 * Puts under apply.lines.N (kind, text) whether the domain's last change
 * is applied on every mail server, and why not; see apply_status.cs. st
 * is how reading it went: the page still renders when it failed.
 */
void page_put_apply_status(struct request *r, const struct apply_status *as, enum db_status st);

#endif
