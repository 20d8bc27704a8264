/* Server-wide settings and the installed webmails. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/xalloc.h"

static const struct db_stmt stmt_webmail_list = {
	"webmail_list", "SELECT name, label, installed FROM webmails ORDER BY sort, name"
};

enum db_status db_webmail_list(struct db *db, struct webmail_list *out)
{
	enum db_status st;
	PGresult *res = db_exec(db, &stmt_webmail_list, 0, NULL, &st);

	memset(out, 0, sizeof(*out));
	if (res == NULL)
		return st;
	out->n = (size_t)PQntuples(res);
	out->items = xcalloc(out->n, sizeof(*out->items));
	for (size_t i = 0; i < out->n; i++) {
		out->items[i].name = db_col_dup(res, (int)i, 0);
		out->items[i].label = db_col_dup(res, (int)i, 1);
		out->items[i].installed = db_col_bool(res, (int)i, 2);
	}
	PQclear(res);
	return DB_OK;
}

void db_webmail_list_clear(struct webmail_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].name);
		free(l->items[i].label);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static const struct db_stmt stmt_server_get = {
	"server_get",
	"SELECT s.outgoing_control, coalesce(s.default_domain_limit, 0),"
	"       coalesce(s.default_mailbox_limit, 0), s.over_limit_action, s.default_language,"
	"       s.version, to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"       u.login"
	"  FROM server_settings s LEFT JOIN accounts u ON u.id = s.updated_by"
};

enum db_status db_server_get(struct db *db, struct server_settings *out)
{
	enum db_status st;
	PGresult *res = db_exec(db, &stmt_server_get, 0, NULL, &st);

	memset(out, 0, sizeof(*out));
	if (res == NULL)
		return st;
	if (PQntuples(res) != 1) {
		PQclear(res);
		db_set_error(db, "server_settings has no row");
		return DB_ERROR;
	}
	out->c.outgoing_control = db_col_bool(res, 0, 0);
	out->c.default_domain_limit = (int)db_col_ll(res, 0, 1);
	out->c.default_mailbox_limit = (int)db_col_ll(res, 0, 2);
	db_col_copy(res, 0, 3, out->c.over_limit_action, sizeof(out->c.over_limit_action));
	db_col_copy(res, 0, 4, out->c.default_language, sizeof(out->c.default_language));
	out->version = db_col_ll(res, 0, 5);
	out->updated_at = db_col_dup(res, 0, 6);
	out->updated_by = db_col_dup(res, 0, 7);
	PQclear(res);
	return DB_OK;
}

void db_server_clear(struct server_settings *s)
{
	free(s->updated_at);
	free(s->updated_by);
	memset(s, 0, sizeof(*s));
}

static const struct db_stmt stmt_server_save = {
	"server_save",
	"UPDATE server_settings SET outgoing_control = $2,"
	"       default_domain_limit = nullif($3::int, 0), default_mailbox_limit = nullif($4::int, 0),"
	"       over_limit_action = $5, default_language = $6,"
	"       version = version + 1, updated_at = now(), updated_by = pp_actor_id()"
	" WHERE version = $1 RETURNING version"
};

static const struct db_stmt stmt_webmail_in_use = {
	"webmail_in_use",
	"SELECT count(*) FROM mail_settings WHERE webmail IS NOT NULL AND NOT webmail = ANY($1::text[])"
};

static const struct db_stmt stmt_webmail_install = {
	"webmail_install",
	"UPDATE webmails SET installed = (name = ANY($1::text[]))"
	" WHERE installed IS DISTINCT FROM (name = ANY($1::text[]))"
};

enum db_status db_server_save(struct db *db, const struct actor *actor, long long version,
			      const struct server_config *c, const char *const *installed,
			      size_t n_installed, long long *in_use)
{
	char ver[24], dl[16], ml[16], *names = db_array_literal(installed, n_installed);
	const char *params[6] = { ver, c->outgoing_control ? "true" : "false", dl, ml,
				  c->over_limit_action, c->default_language };
	enum db_status st;
	PGresult *res;

	*in_use = 0;
	snprintf(ver, sizeof(ver), "%lld", version);
	snprintf(dl, sizeof(dl), "%d", c->default_domain_limit);
	snprintf(ml, sizeof(ml), "%d", c->default_mailbox_limit);
	if ((st = db_begin(db, actor)) != DB_OK)
		goto end;
	res = db_exec(db, &stmt_server_save, 6, params, &st);
	if (res == NULL)
		goto fail;
	if (PQntuples(res) != 1) {
		PQclear(res);
		st = DB_CONFLICT;
		goto fail;
	}
	PQclear(res);
	params[0] = names;
	res = db_exec(db, &stmt_webmail_in_use, 1, params, &st);
	if (res == NULL)
		goto fail;
	*in_use = db_col_ll(res, 0, 0);
	PQclear(res);
	if (*in_use > 0) {
		st = DB_INVALID;
		goto fail;
	}
	if ((st = db_run(db, &stmt_webmail_install, 1, params)) != DB_OK)
		goto fail;
	st = db_commit(db);
	goto end;
fail:
	db_rollback(db);
end:
	free(names);
	return st;
}
