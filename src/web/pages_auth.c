/* Login, logout, the home redirect and the FastCGI ceiling page. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n/i18n.h"
#include "model/validate.h"
#include "web/handlers.h"

#define SESSION_MAX_AGE (7 * 24 * 3600)

void page_ping(struct request *r, const char *arg)
{
	(void)arg;
	request_add_header(r, "Content-Type", "text/plain; charset=utf-8");
	buf_puts(&r->out, "ok\n");
}

void page_home(struct request *r, const char *arg)
{
	(void)arg;
	request_redirect(r, "/domains");
}

/*
 * The login form carries a token that must match a cookie (double
 * submit): reuse the browser's cookie, or set a new one.
 */
static void login_csrf(struct request *r)
{
	const char *have = request_cookie(r, LOGIN_CSRF_COOKIE);
	char token[TOKEN_HEX_LEN + 1];

	if (have && strlen(have) == TOKEN_HEX_LEN && strspn(have, "0123456789abcdef") == TOKEN_HEX_LEN) {
		view_set(r->hdf, "login.csrf", have);
		return;
	}
	if (token_hex(token, TOKEN_BYTES) != 0)
		return;
	request_set_cookie(r, LOGIN_CSRF_COOKIE, token, 3600);
	view_set(r->hdf, "login.csrf", token);
}

static void render_login(struct request *r, int status, const char *error)
{
	login_csrf(r);
	if (error)
		view_set(r->hdf, "login.error", error);
	view_set(r->hdf, "page.title", _("Log in"));
	request_render(r, status, "login.cs");
}

void page_login_form(struct request *r, const char *arg)
{
	(void)arg;
	if (r->logged_in) {
		request_redirect(r, "/domains");
		return;
	}
	render_login(r, 200, NULL);
}

void page_login(struct request *r, const char *arg)
{
	const char *login = request_param(r, "login"), *password = request_param(r, "password");
	const char *old = request_cookie(r, SESSION_COOKIE);
	struct session_info who;
	char token[TOKEN_HEX_LEN + 1], msg[256];
	int retry = 0;
	enum db_status st;

	(void)arg;
	if (login == NULL || password == NULL || *login == '\0' || *password == '\0') {
		view_set(r->hdf, "login.name", login);
		render_login(r, 200, _("Enter your login name and password."));
		return;
	}
	view_set(r->hdf, "login.name", login);
	if (validate_login(login) != NULL) {
		render_login(r, 200, _("Wrong login name or password."));
		return;
	}
	st = db_login(r->db, login, password, r->client, &who, &retry);
	if (st == DB_NOTFOUND) {
		render_login(r, 200, _("Wrong login name or password."));
		return;
	}
	if (st == DB_LOCKED) {
		int minutes = (retry + 59) / 60;

		snprintf(msg, sizeof(msg),
			 ngettext("Too many failed attempts. Try again in %d minute.",
				  "Too many failed attempts. Try again in %d minutes.", (unsigned long)minutes),
			 minutes);
		render_login(r, 429, msg);
		return;
	}
	if (st != DB_OK || (st = db_session_create(r->db, &who, token)) != DB_OK) {
		page_db_error(r, st);
		return;
	}
	/* A new session id at every login: a planted cookie is worth nothing. */
	if (old && strlen(old) == TOKEN_HEX_LEN)
		(void)db_session_delete(r->db, old);
	request_set_cookie(r, SESSION_COOKIE, token, SESSION_MAX_AGE);
	request_redirect(r, "/domains");
}

void page_logout(struct request *r, const char *arg)
{
	enum db_status st = db_session_delete(r->db, request_cookie(r, SESSION_COOKIE));

	(void)arg;
	if (st != DB_OK) {
		page_db_error(r, st);
		return;
	}
	request_set_cookie(r, SESSION_COOKIE, "", 0);
	request_redirect(r, "/login");
}
