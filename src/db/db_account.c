/* Accounts, login throttling and sessions. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/password.h"
#include "util/xalloc.h"

/* Failures allowed per login name and per client address in 15 minutes. */
#define LOGIN_MAX_FAILURES "5"
#define CLIENT_MAX_FAILURES "20"

static const struct db_stmt stmt_account_add = {
	"account_add",
	"INSERT INTO accounts (login, password_hash, role, reseller_id, language)"
	" SELECT $1, $2, $3::account_role, r.id, nullif($5, '')"
	"   FROM (SELECT 1) one"
	"   LEFT JOIN accounts r ON r.login = $4 AND r.role = 'reseller'"
	"  WHERE $4 = '' OR r.id IS NOT NULL"
};

enum db_status db_account_add(struct db *db, const struct actor *actor, const char *login,
			      const char *password_hash, enum role role,
			      const char *reseller_login, const char *language)
{
	const char *params[5] = {
		login, password_hash, role_name(role),
		reseller_login ? reseller_login : "", language ? language : "",
	};
	enum db_status st;
	PGresult *res = db_exec(db, &stmt_account_add, 5, params, &st);

	(void)actor;
	if (res == NULL)
		return st;
	st = strcmp(PQcmdTuples(res), "1") == 0 ? DB_OK : DB_NOTFOUND;
	PQclear(res);
	return st;
}

static const struct db_stmt stmt_login_locked = {
	"login_locked",
	"SELECT ceil(extract(epoch FROM max(locked_until) - now()))::int"
	"  FROM login_failures WHERE key IN ($1, $2) AND locked_until > now()"
};

static const struct db_stmt stmt_login_failed = {
	"login_failed",
	"INSERT INTO login_failures AS f (key, failures, first_at) VALUES ($1, 1, now())"
	" ON CONFLICT (key) DO UPDATE SET"
	"  failures = CASE WHEN f.first_at < now() - interval '15 minutes' THEN 1 ELSE f.failures + 1 END,"
	"  first_at = CASE WHEN f.first_at < now() - interval '15 minutes' THEN now() ELSE f.first_at END,"
	"  locked_until = CASE WHEN f.first_at >= now() - interval '15 minutes'"
	"                       AND f.failures + 1 >= $2::int"
	"                      THEN now() + interval '15 minutes' ELSE f.locked_until END"
};

static const struct db_stmt stmt_login_cleared = {
	"login_cleared", "DELETE FROM login_failures WHERE key = $1"
};

static const struct db_stmt stmt_account_by_login = {
	"account_by_login",
	"SELECT id, password_hash, role, coalesce(language, '') FROM accounts WHERE login = $1"
};

static int login_locked(struct db *db, const char *lkey, const char *ckey, int *retry_after,
			enum db_status *st)
{
	const char *params[2] = { lkey, ckey };
	PGresult *res = db_exec(db, &stmt_login_locked, 2, params, st);
	int locked = 0;

	if (res == NULL)
		return 0;
	if (!PQgetisnull(res, 0, 0)) {
		*retry_after = (int)db_col_ll(res, 0, 0);
		locked = 1;
	}
	PQclear(res);
	return locked;
}

enum db_status db_login(struct db *db, const char *login, const char *password,
			const char *client, struct session_info *who, int *retry_after)
{
	char *lkey = xasprintf("login:%s", login), *ckey = xasprintf("client:%s", client);
	const char *params[2];
	enum db_status st;
	PGresult *res = NULL;
	int ok = 0;

	if (login_locked(db, lkey, ckey, retry_after, &st) || st != DB_OK) {
		if (st == DB_OK)
			st = DB_LOCKED;
		goto end;
	}
	params[0] = login;
	res = db_exec(db, &stmt_account_by_login, 1, params, &st);
	if (res == NULL)
		goto end;
	if (PQntuples(res) == 1) {
		ok = password_check(password, PQgetvalue(res, 0, 1));
	} else {
		password_check_dummy(password);
	}
	if (!ok) {
		params[0] = lkey;
		params[1] = LOGIN_MAX_FAILURES;
		if ((st = db_run(db, &stmt_login_failed, 2, params)) != DB_OK)
			goto end;
		params[0] = ckey;
		params[1] = CLIENT_MAX_FAILURES;
		if ((st = db_run(db, &stmt_login_failed, 2, params)) != DB_OK)
			goto end;
		st = DB_NOTFOUND;
		goto end;
	}
	memset(who, 0, sizeof(*who));
	who->account_id = db_col_ll(res, 0, 0);
	snprintf(who->login, sizeof(who->login), "%s", login);
	role_parse(PQgetvalue(res, 0, 2), &who->role);
	db_col_copy(res, 0, 3, who->language, sizeof(who->language));
	params[0] = lkey;
	st = db_run(db, &stmt_login_cleared, 1, params);
end:
	PQclear(res);
	free(lkey);
	free(ckey);
	return st;
}

/* Sessions expire after 8 idle hours, and 7 days after login at most. */
static const struct db_stmt stmt_session_create = {
	"session_create",
	"INSERT INTO sessions (token_hash, account_id, csrf_token, expires_at)"
	" VALUES (sha256(convert_to($1, 'UTF8')), $2, $3, now() + interval '8 hours')"
};

static const struct db_stmt stmt_session_get = {
	"session_get", SESSION_SELECT SESSION_FROM SESSION_WHERE("$1")
};

static const struct db_stmt stmt_session_touch = {
	"session_touch",
	"UPDATE sessions SET seen_at = now(),"
	"       expires_at = least(created_at + interval '7 days', now() + interval '8 hours')"
	" WHERE token_hash = sha256(convert_to($1, 'UTF8'))"
};

static const struct db_stmt stmt_session_delete = {
	"session_delete",
	"DELETE FROM sessions WHERE token_hash = sha256(convert_to($1, 'UTF8'))"
	"    OR expires_at < now() - interval '1 day'"
};

enum db_status db_session_create(struct db *db, struct session_info *who,
				 char token[TOKEN_HEX_LEN + 1])
{
	char id[24];
	const char *params[3] = { token, id, who->csrf };

	if (token_hex(token, TOKEN_BYTES) != 0 || token_hex(who->csrf, TOKEN_BYTES) != 0) {
		db_set_error(db, "no randomness for a session token");
		return DB_ERROR;
	}
	snprintf(id, sizeof(id), "%lld", who->account_id);
	return db_run(db, &stmt_session_create, 3, params);
}

enum db_status db_session_get(struct db *db, const char *token, struct session_info *who)
{
	const char *params[1] = { token };
	enum db_status st;
	PGresult *res = db_exec(db, &stmt_session_get, 1, params, &st);

	if (res == NULL)
		return st;
	st = db_session_from_row(db, res, token, who);
	PQclear(res);
	return st;
}

enum db_status db_session_from_row(struct db *db, const PGresult *res, const char *token,
				   struct session_info *who)
{
	const char *params[1] = { token };
	enum db_status st = DB_OK;

	if (PQntuples(res) < 1)
		return DB_NOTFOUND;
	memset(who, 0, sizeof(*who));
	who->account_id = db_col_ll(res, 0, 0);
	db_col_copy(res, 0, 1, who->login, sizeof(who->login));
	role_parse(PQgetvalue(res, 0, 2), &who->role);
	db_col_copy(res, 0, 3, who->language, sizeof(who->language));
	db_col_copy(res, 0, 4, who->csrf, sizeof(who->csrf));
	db_col_copy(res, 0, 6, who->server_language, sizeof(who->server_language));
	/* Extend the idle timeout at most every five minutes, not per request. */
	if (db_col_bool(res, 0, 5))
		st = db_run(db, &stmt_session_touch, 1, params);
	return st;
}

enum db_status db_session_delete(struct db *db, const char *token)
{
	const char *params[1] = { token };

	return db_run(db, &stmt_session_delete, 1, params);
}

static const struct db_stmt stmt_account_language = {
	"account_language",
	"UPDATE accounts SET language = nullif($2, '') WHERE id = $1::bigint"
};

enum db_status db_account_set_language(struct db *db, const struct actor *actor,
				       long long account_id, const char *language)
{
	char id[24];
	const char *params[2] = { id, language ? language : "" };
	enum db_status st;
	PGresult *res;

	snprintf(id, sizeof(id), "%lld", account_id);
	if ((st = db_begin(db, actor)) != DB_OK)
		return st;
	res = db_exec(db, &stmt_account_language, 2, params, &st);
	if (res == NULL) {
		db_rollback(db);
		return st;
	}
	st = strcmp(PQcmdTuples(res), "1") == 0 ? DB_OK : DB_NOTFOUND;
	PQclear(res);
	if (st != DB_OK) {
		db_rollback(db);
		return st;
	}
	return db_commit(db);
}
