/* Configuration, the routing table, authentication and CSRF checks. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "util/log.h"
#include "util/token.h"
#include "util/xalloc.h"
#include "web/app.h"
#include "web/handlers.h"

enum access {
	OPEN_NODB,	/* no session, no database: the FastCGI ceiling page */
	OPEN,		/* anyone; the session is looked at if present */
	LOGGED_IN,	/* any account */
	ADMIN_ONLY	/* administrators */
};

struct route {
	const char *method;
	const char *pattern;	/* a '*' stands for one path segment */
	enum access access;
	void (*handler)(struct request *r, const char *arg);
	/*
	 * The page shows the mail settings of the domain in '*': they are
	 * read with the session, in one round trip (r->mail).
	 */
	int reads_mail;
};

static const struct route routes[] = {
	{ "GET", "/ping", OPEN_NODB, page_ping, 0 },
	{ "GET", "/", LOGGED_IN, page_home, 0 },
	{ "GET", "/login", OPEN, page_login_form, 0 },
	{ "POST", "/login", OPEN, page_login, 0 },
	{ "POST", "/logout", LOGGED_IN, page_logout, 0 },
	{ "GET", "/domains", LOGGED_IN, page_domains, 0 },
	{ "GET", "/domains/*/mail", LOGGED_IN, page_mail_form, 1 },
	{ "POST", "/domains/*/mail", LOGGED_IN, page_mail_save, 0 },
	{ "GET", "/domains/*/addresses", LOGGED_IN, page_addresses, 0 },
	{ "POST", "/domains/*/addresses", LOGGED_IN, page_addresses_save, 0 },
	{ "GET", "/domains/*/history", LOGGED_IN, page_domain_history, 0 },
	/* Bulk changes: resellers and administrators (the handlers refuse others). */
	{ "GET", "/bulk", LOGGED_IN, page_bulk, 0 },
	{ "POST", "/bulk/preview", LOGGED_IN, page_bulk_preview, 0 },
	{ "POST", "/bulk/apply", LOGGED_IN, page_bulk_apply, 0 },
	{ "GET", "/changes", LOGGED_IN, page_changes, 0 },
	{ "GET", "/changes/*", LOGGED_IN, page_change, 0 },
	{ "POST", "/changes/*/undo", LOGGED_IN, page_change_undo, 0 },
	{ "GET", "/server", ADMIN_ONLY, page_server_form, 0 },
	{ "POST", "/server", ADMIN_ONLY, page_server_save, 0 },
	{ "POST", "/language", LOGGED_IN, page_language_save, 0 },
};

const char *app_config(struct web_config *cfg, const struct conf *c)
{
	int ok = 1, all = 1;

#define NUM(field, key, def, min, max) \
	cfg->field = conf_get_long(c, key, def, min, max, &ok); \
	if (!ok) all = 0
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = conf_get(c, "listen", "/run/postpanel/web.sock");
	cfg->database = conf_get(c, "database", "dbname=postpanel");
	cfg->templates_dir = conf_get(c, "templates_dir", PKGDATADIR "/templates");
	cfg->locale_dir = conf_get(c, "locale_dir", LOCALEDIR);
	cfg->default_language = conf_get(c, "default_language", I18N_DEFAULT);
	cfg->static_url = conf_get(c, "static_url", "/static");
	NUM(backlog, "backlog", 128, 1, 65535);
	NUM(workers, "workers", 4, 1, 256);
	cfg->socket_mode = conf_get_octal(c, "socket_mode", 0660, 0777, &ok);
	if (!ok)
		all = 0;
	NUM(drain_seconds, "drain_seconds", 10, 1, 3600);
	NUM(max_body, "max_body", 65536, 1024, 16 << 20);
	NUM(max_fields, "max_fields", 256, 8, 100000);
	NUM(max_field_len, "max_field_len", 8192, 256, 1 << 20);
	NUM(secure_cookies, "secure_cookies", 0, 0, 1);
	NUM(cache_templates, "cache_templates", 1, 0, 1);
#undef NUM
	if (!all)
		return "a numeric setting is out of range";
	if (!i18n_supported(cfg->default_language))
		return "default_language must be en, fr or sv";
	return NULL;
}

/* Matches path against pattern; *arg receives the '*' segment (malloc'd). */
static int route_match(const char *pattern, const char *path, char **arg)
{
	const char *star = strchr(pattern, '*');
	size_t pre, post, seg;

	*arg = NULL;
	if (star == NULL)
		return strcmp(pattern, path) == 0;
	pre = (size_t)(star - pattern);
	post = strlen(star + 1);
	if (strncmp(pattern, path, pre) != 0 || strlen(path) < pre + post + 1)
		return 0;
	seg = strlen(path) - pre - post;
	if (strcmp(path + pre + seg, star + 1) != 0 || memchr(path + pre, '/', seg) != NULL)
		return 0;
	*arg = strndup(path + pre, seg);
	return *arg != NULL;
}

/*
 * The account's language, else the one this browser chose (the pp_lang
 * cookie), else the browser's Accept-Language, else the administrator's
 * default, else the configured one. A visitor chooses with ?lang=CODE on
 * any page (the switch on the login page); the first call of a request
 * (may_choose) also keeps it in the cookie. A logged-in user chooses
 * through POST /language (pages_language.c), which saves the account's
 * language.
 */
static void choose_language(struct request *r, int may_choose)
{
	const char *lang = NULL, *asked = request_param(r, "lang");

	if (r->logged_in && i18n_supported(r->who.language))
		lang = r->who.language;
	if (lang == NULL && strcmp(r->method, "GET") == 0 && i18n_supported(asked)) {
		lang = asked;
		if (may_choose)
			request_set_cookie(r, LANGUAGE_COOKIE, lang, LANGUAGE_COOKIE_AGE);
	}
	if (lang == NULL && i18n_supported(request_cookie(r, LANGUAGE_COOKIE)))
		lang = request_cookie(r, LANGUAGE_COOKIE);
	if (lang == NULL)
		lang = i18n_negotiate(request_env(r, "HTTP_ACCEPT_LANGUAGE"));
	if (lang == NULL && r->logged_in && i18n_supported(r->who.server_language))
		lang = r->who.server_language;
	r->lang = lang ? lang : r->cfg->default_language;
	i18n_use(r->lang);
}

/* Looks up the session cookie; DB_OK when the caller is logged in. */
static enum db_status authenticate(struct request *r, const struct route *route, const char *arg)
{
	const char *token = request_cookie(r, SESSION_COOKIE);
	enum db_status st;

	if (token == NULL || strlen(token) != TOKEN_HEX_LEN)
		return DB_NOTFOUND;
	if (route->reads_mail && arg) {
		r->mail = xcalloc(1, sizeof(*r->mail));
		st = db_mail_get_session(r->db, token, arg, &r->who, r->mail, &r->mail_st);
	} else {
		st = db_session_get(r->db, token, &r->who);
	}
	if (st != DB_OK)
		return st;
	r->logged_in = 1;
	r->actor.id = r->who.account_id;
	r->actor.role = r->who.role;
	r->actor.login = r->who.login;
	r->actor.source = "web";
	view_set(r->hdf, "user.login", r->who.login);
	view_set(r->hdf, "user.role", role_name(r->who.role));
	view_set_int(r->hdf, "user.is_admin", r->who.role == ROLE_ADMIN);
	view_set(r->hdf, "csrf", r->who.csrf);
	return DB_OK;
}

static int csrf_ok(const struct request *r, enum access access)
{
	const char *sent = request_param(r, "csrf");
	const char *want = access == OPEN ? request_cookie(r, LOGIN_CSRF_COOKIE) : r->who.csrf;

	return sent && want && token_equal(sent, want);
}

static void dispatch(struct request *r)
{
	const struct route *found = NULL;
	int path_known = 0;
	char *arg = NULL;
	enum db_status st;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]) && !found; i++) {
		free(arg);
		if (!route_match(routes[i].pattern, r->path, &arg))
			continue;
		path_known = 1;
		if (strcmp(routes[i].method, r->method) == 0)
			found = &routes[i];
	}
	if (found == NULL) {
		/* A logged-in user's error page is in their language, with their menu. */
		if (authenticate(r, &routes[0], NULL) == DB_OK)
			choose_language(r, 0);
		request_error(r, path_known ? 405 : 404);
		goto end;
	}
	if (found->access == OPEN_NODB) {
		found->handler(r, arg);
		goto end;
	}
	st = authenticate(r, found, arg);
	if (st != DB_OK && st != DB_NOTFOUND) {
		page_db_error(r, st);
		goto end;
	}
	choose_language(r, 0);
	if (found->access != OPEN && !r->logged_in) {
		if (strcmp(r->method, "GET") == 0)
			request_redirect(r, "/login");
		else
			request_error(r, 403);
		goto end;
	}
	if (found->access == ADMIN_ONLY && !role_can_manage_server(r->who.role)) {
		request_error(r, 403);
		goto end;
	}
	if (strcmp(r->method, "POST") == 0 && !csrf_ok(r, found->access)) {
		request_error(r, 403);
		goto end;
	}
	found->handler(r, arg);
end:
	free(arg);
}

void app_handle(FCGX_Request *fcgi, const struct web_config *cfg, struct db *db,
		struct views *views)
{
	struct request *r = request_create(fcgi, cfg, db, views);

	choose_language(r, 1);
	if (r->input_error) {
		request_error(r, r->input_error);
	} else {
		dispatch(r);
	}
	request_send(r);
	request_destroy(r);
}
