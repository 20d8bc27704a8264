/* One domain's mail settings: read with ownership, save with a version check. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/xalloc.h"

static enum db_status view_read(const PGresult *res, int c0, struct mail_view *v);

/* The domain's columns; ss is server_settings, joined by the statement. */
#define MAIL_SELECT \
	"SELECT d.id, d.name, o.login, coalesce(o.language, ss.default_language)," \
	"       m.service_enabled, m.unknown_policy, m.bounce_message, m.forward_address," \
	"       host(m.redirect_ip), m.redirect_port, m.webmail," \
	"       m.domain_limit_mode, m.domain_limit, m.mailbox_limit_mode, m.mailbox_limit," \
	"       m.version, to_char(m.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')," \
	"       u.login, ss.outgoing_control, coalesce(ss.default_domain_limit, 0)," \
	"       coalesce(ss.default_mailbox_limit, 0), w.name, w.label, w.installed, st.nodes," \
	"       w.sort AS webmail_sort, w.name AS webmail_name" \
	"  FROM domains d" \
	"  JOIN mail_settings m ON m.domain_id = d.id" \
	"  JOIN accounts o ON o.id = d.owner_id" \
	"  LEFT JOIN accounts u ON u.id = m.updated_by" \
	"  LEFT JOIN LATERAL (SELECT " APPLY_STATUS_COLUMN " AS nodes) st ON true" \
	"  LEFT JOIN webmails w ON true"	/* one row per webmail: saves a round trip */

static const struct db_stmt stmt_mail_get = {
	"mail_get",
	MAIL_SELECT " CROSS JOIN server_settings ss"
	" WHERE d.name = $1 AND" OWNED_BY_CALLER " ORDER BY w.sort, w.name"
};

/*
 * The session of a cookie ($2) and, when its account may see it, the
 * domain ($1), in one statement: the session's columns, then the
 * domain's (NULL when it is not there or not the caller's). The domain
 * uses the session's server_settings row (ss).
 */
static const struct db_stmt stmt_mail_get_session = {
	"mail_get_session",
	SESSION_SELECT ", x.*" SESSION_FROM
	"  LEFT JOIN LATERAL (" MAIL_SELECT
	"       WHERE d.name = $1 AND (a.role = 'admin' OR (a.role = 'reseller' AND d.reseller_id = a.id)"
	"             OR (a.role = 'customer' AND d.owner_id = a.id))) x ON true"
	SESSION_WHERE("$2") " ORDER BY x.webmail_sort, x.webmail_name"
};

enum db_status db_mail_get(struct db *db, const struct actor *actor, const char *domain,
			   struct mail_view *v)
{
	char id[24];
	const char *params[3] = { domain, NULL, id };
	enum db_status st;
	PGresult *res;

	memset(v, 0, sizeof(*v));
	db_actor_params(actor, id, &params[1]);
	res = db_exec(db, &stmt_mail_get, 3, params, &st);
	if (res == NULL)
		return st;
	st = PQntuples(res) > 0 ? view_read(res, 0, v) : DB_NOTFOUND;
	PQclear(res);
	return st;
}

enum db_status db_mail_get_session(struct db *db, const char *token, const char *domain,
				   struct session_info *who, struct mail_view *v,
				   enum db_status *mail_st)
{
	const char *params[2] = { domain, token };
	PGresult *res;
	enum db_status st;

	memset(v, 0, sizeof(*v));
	*mail_st = DB_ERROR;
	if ((res = db_exec(db, &stmt_mail_get_session, 2, params, &st)) == NULL)
		return st;
	st = db_session_from_row(db, res, token, who);
	if (st == DB_OK)
		*mail_st = PQgetisnull(res, 0, DB_SESSION_COLS) ? DB_NOTFOUND
							       : view_read(res, DB_SESSION_COLS, v);
	PQclear(res);
	return st;
}

/* Reads the columns of MAIL_SELECT, from column c0 on, into v. */
static enum db_status view_read(const PGresult *res, int c0, struct mail_view *v)
{
	v->domain_id = db_col_ll(res, 0, c0 + 0);
	v->name = db_col_dup(res, 0, c0 + 1);
	v->owner = db_col_dup(res, 0, c0 + 2);
	v->owner_language = db_col_dup(res, 0, c0 + 3);
	v->s.service = db_col_bool(res, 0, c0 + 4);
	if (mailcfg_policy_parse(PQgetvalue(res, 0, c0 + 5), &v->s.policy) != 0)
		v->s.policy = POLICY_REJECT;
	v->s.bounce_message = db_col_dup(res, 0, c0 + 6);
	v->s.forward_address = db_col_dup(res, 0, c0 + 7);
	v->s.redirect_ip = db_col_dup(res, 0, c0 + 8);
	v->s.redirect_port = (int)db_col_ll(res, 0, c0 + 9);
	v->s.webmail = db_col_dup(res, 0, c0 + 10);
	mailcfg_limit_mode_parse(PQgetvalue(res, 0, c0 + 11), &v->s.domain_limit_mode);
	v->s.domain_limit = (int)db_col_ll(res, 0, c0 + 12);
	mailcfg_limit_mode_parse(PQgetvalue(res, 0, c0 + 13), &v->s.mailbox_limit_mode);
	v->s.mailbox_limit = (int)db_col_ll(res, 0, c0 + 14);
	v->version = db_col_ll(res, 0, c0 + 15);
	v->updated_at = db_col_dup(res, 0, c0 + 16);
	v->updated_by = db_col_dup(res, 0, c0 + 17);
	v->outgoing_control = db_col_bool(res, 0, c0 + 18);
	v->default_domain_limit = (int)db_col_ll(res, 0, c0 + 19);
	v->default_mailbox_limit = (int)db_col_ll(res, 0, c0 + 20);
	db_apply_status_parse(PQgetisnull(res, 0, c0 + 24) ? NULL : PQgetvalue(res, 0, c0 + 24), &v->apply);
	v->webmails.n = PQgetisnull(res, 0, c0 + 21) ? 0 : (size_t)PQntuples(res);
	v->webmails.items = xcalloc(v->webmails.n, sizeof(*v->webmails.items));
	for (size_t i = 0; i < v->webmails.n; i++) {
		v->webmails.items[i].name = db_col_dup(res, (int)i, c0 + 21);
		v->webmails.items[i].label = db_col_dup(res, (int)i, c0 + 22);
		v->webmails.items[i].installed = db_col_bool(res, (int)i, c0 + 23);
	}
	return DB_OK;
}

void db_mail_view_clear(struct mail_view *v)
{
	free(v->name);
	free(v->owner);
	free(v->owner_language);
	free(v->updated_at);
	free(v->updated_by);
	mailcfg_clear(&v->s);
	db_webmail_list_clear(&v->webmails);
	db_apply_status_clear(&v->apply);
	memset(v, 0, sizeof(*v));
}

static const struct db_stmt stmt_mail_save = {
	"mail_save",
	"UPDATE mail_settings m SET"
	"       service_enabled = $5, unknown_policy = $6::unknown_policy,"
	"       bounce_message = $7, forward_address = $8, redirect_ip = $9::inet,"
	"       redirect_port = $10, webmail = $11,"
	"       domain_limit_mode = $12::limit_mode, domain_limit = $13,"
	"       mailbox_limit_mode = $14::limit_mode, mailbox_limit = $15,"
	"       version = m.version + 1, updated_at = now(), updated_by = pp_actor_id()"
	"  FROM domains d"
	" WHERE m.domain_id = $1 AND d.id = m.domain_id AND m.version = $4 AND" OWNED_BY_CALLER
	" RETURNING m.version"
};

static const struct db_stmt stmt_mail_exists = {
	"mail_exists",
	"SELECT 1 FROM domains d WHERE d.id = $1 AND" OWNED_BY_CALLER
};

/* A limit value, or SQL NULL when none was ever given. */
static const char *limit_param(int value, char buf[16])
{
	if (value < 1)
		return NULL;
	snprintf(buf, 16, "%d", value);
	return buf;
}

enum db_status db_mail_save(struct db *db, const struct actor *actor, long long domain_id,
			    long long version, const struct mail_settings *s,
			    long long *new_version)
{
	char did[24], aid[24], ver[24], port[16], dl[16], ml[16];
	const char *params[15];
	enum db_status st;
	PGresult *res;

	snprintf(did, sizeof(did), "%lld", domain_id);
	snprintf(ver, sizeof(ver), "%lld", version);
	snprintf(port, sizeof(port), "%d", s->redirect_port);
	params[0] = did;
	db_actor_params(actor, aid, &params[1]);
	params[2] = aid;
	params[3] = ver;
	params[4] = s->service ? "true" : "false";
	params[5] = mailcfg_policy_name(s->policy);
	params[6] = s->bounce_message;
	params[7] = s->forward_address;
	params[8] = s->redirect_ip;
	params[9] = port;
	params[10] = s->webmail;
	params[11] = mailcfg_limit_mode_name(s->domain_limit_mode);
	params[12] = limit_param(s->domain_limit, dl);
	params[13] = mailcfg_limit_mode_name(s->mailbox_limit_mode);
	params[14] = limit_param(s->mailbox_limit, ml);

	if ((st = db_begin(db, actor)) != DB_OK)
		return st;
	res = db_exec(db, &stmt_mail_save, 15, params, &st);
	if (res == NULL) {
		db_rollback(db);
		return st;
	}
	if (PQntuples(res) == 1) {
		*new_version = db_col_ll(res, 0, 0);
		PQclear(res);
		return db_commit(db);
	}
	PQclear(res);
	/* Nothing updated: either not the caller's domain, or a newer version. */
	res = db_exec(db, &stmt_mail_exists, 3, params, &st);
	if (res != NULL) {
		st = PQntuples(res) == 1 ? DB_CONFLICT : DB_NOTFOUND;
		PQclear(res);
	}
	db_rollback(db);
	return st;
}
