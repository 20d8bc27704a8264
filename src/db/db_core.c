/* Connection handling, prepared statements and error classification. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xalloc.h"

struct db {
	char *conninfo;
	PGconn *conn;
	const struct db_stmt **prepared;	/* prepared on this connection */
	size_t n_prepared;
	size_t cap_prepared;
	int in_tx;
	char error[512];
};

struct db *db_open(const char *conninfo)
{
	struct db *db = xcalloc(1, sizeof(*db));

	db->conninfo = xstrdup(conninfo);
	return db;
}

static void db_disconnect(struct db *db)
{
	if (db->conn)
		PQfinish(db->conn);
	db->conn = NULL;
	db->n_prepared = 0;
	db->in_tx = 0;
}

struct db *db_close(struct db *db)
{
	if (db == NULL)
		return NULL;
	db_disconnect(db);
	free(db->prepared);
	free(db->conninfo);
	free(db);
	return NULL;
}

void db_set_error(struct db *db, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	vsnprintf(db->error, sizeof(db->error), fmt, ap);
	va_end(ap);
	len = strlen(db->error);
	while (len > 0 && db->error[len - 1] == '\n')
		db->error[--len] = '\0';
}

const char *db_error(const struct db *db)
{
	return db->error;
}

const char *db_status_name(enum db_status st)
{
	static const char *const names[] = {
		[DB_OK] = "ok", [DB_NOTFOUND] = "not found", [DB_CONFLICT] = "conflict",
		[DB_DUPLICATE] = "duplicate", [DB_INVALID] = "invalid", [DB_LOCKED] = "locked",
		[DB_DOWN] = "database unavailable", [DB_ERROR] = "database error",
	};
	return names[st];
}

/* NOTICEs (such as "already exists, skipping") are not errors: drop them. */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int db_connect(struct db *db)
{
	if (db->conn && PQstatus(db->conn) == CONNECTION_OK)
		return 1;
	/* A lost transaction is lost: never continue it on a new connection. */
	if (db->in_tx) {
		db_set_error(db, "connection lost inside a transaction");
		return 0;
	}
	db_disconnect(db);
	db->conn = PQconnectdb(db->conninfo);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db_set_error(db, "%s", PQerrorMessage(db->conn));
		db_disconnect(db);
		return 0;
	}
	PQsetNoticeProcessor(db->conn, ignore_notice, NULL);
	return 1;
}

int db_available(struct db *db)
{
	return db_connect(db);
}

PGconn *db_conn(struct db *db)
{
	return db_connect(db) ? db->conn : NULL;
}

/* True when a failure means the connection is gone (SQLSTATE class 08 etc.). */
static int db_lost(const struct db *db, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK || state == NULL)
		return 1;
	return strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0;
}

static enum db_status db_classify(const struct db *db, const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	if (db_lost(db, res))
		return DB_DOWN;
	if (strcmp(state, "23505") == 0)
		return DB_DUPLICATE;
	if (strncmp(state, "23", 2) == 0)
		return DB_INVALID;
	return DB_ERROR;
}

static int db_is_prepared(const struct db *db, const struct db_stmt *stmt)
{
	for (size_t i = 0; i < db->n_prepared; i++)
		if (db->prepared[i] == stmt)
			return 1;
	return 0;
}

static PGresult *db_prepare(struct db *db, const struct db_stmt *stmt)
{
	PGresult *res = PQprepare(db->conn, stmt->name, stmt->sql, 0, NULL);

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return res;
	PQclear(res);
	if (db->n_prepared == db->cap_prepared) {
		db->cap_prepared = db->cap_prepared ? 2 * db->cap_prepared : 32;
		db->prepared = xrealloc(db->prepared, db->cap_prepared * sizeof(*db->prepared));
	}
	db->prepared[db->n_prepared++] = stmt;
	return NULL;
}

/* One attempt: prepare if needed, execute. NULL result only when not connected. */
static PGresult *db_attempt(struct db *db, const struct db_stmt *stmt, int nparams,
			    const char *const *params)
{
	PGresult *res;

	if (!db_connect(db))
		return NULL;
	if (stmt->name == NULL)
		return PQexecParams(db->conn, stmt->sql, nparams, NULL, params, NULL, NULL, 0);
	if (!db_is_prepared(db, stmt) && (res = db_prepare(db, stmt)) != NULL)
		return res;
	return PQexecPrepared(db->conn, stmt->name, nparams, params, NULL, NULL, 0);
}

PGresult *db_exec(struct db *db, const struct db_stmt *stmt, int nparams,
		  const char *const *params, enum db_status *st)
{
	PGresult *res = db_attempt(db, stmt, nparams, params);
	ExecStatusType rs;

	if (res == NULL && db->in_tx) {
		*st = DB_DOWN;
		return NULL;
	}
	/* A dead connection outside a transaction: retry once on a new one. */
	if ((res == NULL || (PQresultStatus(res) == PGRES_FATAL_ERROR && db_lost(db, res))) &&
	    !db->in_tx) {
		if (res)
			PQclear(res);
		db_disconnect(db);
		res = db_attempt(db, stmt, nparams, params);
	}
	if (res == NULL) {
		*st = DB_DOWN;
		return NULL;
	}
	rs = PQresultStatus(res);
	if (rs == PGRES_TUPLES_OK || rs == PGRES_COMMAND_OK) {
		*st = DB_OK;
		return res;
	}
	*st = rs == PGRES_FATAL_ERROR ? db_classify(db, res) : DB_ERROR;
	db_set_error(db, "%s: %s", stmt->name ? stmt->name : "query", PQresultErrorMessage(res));
	if (*st == DB_ERROR)
		log_error("%s", db->error);
	if (*st == DB_DOWN) {
		db_disconnect(db);
	}
	PQclear(res);
	return NULL;
}

enum db_status db_run(struct db *db, const struct db_stmt *stmt, int nparams,
		      const char *const *params)
{
	enum db_status st;
	PGresult *res = db_exec(db, stmt, nparams, params, &st);

	PQclear(res);
	return st;
}

static const struct db_stmt stmt_begin = { "tx_begin", "BEGIN" };
static const struct db_stmt stmt_commit = { "tx_commit", "COMMIT" };
static const struct db_stmt stmt_rollback = { "tx_rollback", "ROLLBACK" };
static const struct db_stmt stmt_actor = {
	"tx_actor",
	"SELECT set_config('postpanel.actor_id', $1, true),"
	"       set_config('postpanel.actor_login', $2, true),"
	"       set_config('postpanel.source', $3, true)"
};

enum db_status db_begin(struct db *db, const struct actor *actor)
{
	enum db_status st = db_run(db, &stmt_begin, 0, NULL);
	char id[24];
	const char *params[3];

	if (st != DB_OK)
		return st;
	db->in_tx = 1;
	snprintf(id, sizeof(id), "%lld", actor->id);
	params[0] = actor->id > 0 ? id : "";
	params[1] = actor->login;
	params[2] = actor->source;
	st = db_run(db, &stmt_actor, 3, params);
	if (st != DB_OK)
		db_rollback(db);
	return st;
}

static const struct db_stmt stmt_change = {
	"tx_change", "SELECT set_config('postpanel.change_id', $1, true)"
};

enum db_status db_set_change(struct db *db, long long change_id)
{
	char id[24];
	const char *params[1] = { id };

	snprintf(id, sizeof(id), "%lld", change_id);
	return db_run(db, &stmt_change, 1, params);
}

static const struct db_stmt stmt_snapshot = {
	"tx_snapshot", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
};

enum db_status db_begin_snapshot(struct db *db)
{
	enum db_status st = db_run(db, &stmt_snapshot, 0, NULL);

	if (st == DB_OK)
		db->in_tx = 1;
	return st;
}

enum db_status db_commit(struct db *db)
{
	enum db_status st = db_run(db, &stmt_commit, 0, NULL);

	db->in_tx = 0;
	return st;
}

void db_rollback(struct db *db)
{
	if (db->in_tx && db->conn)
		(void)db_run(db, &stmt_rollback, 0, NULL);
	db->in_tx = 0;
}

char *db_col_dup(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return xstrdup(PQgetvalue(res, row, col));
}

long long db_col_ll(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

int db_col_bool(const PGresult *res, int row, int col)
{
	return !PQgetisnull(res, row, col) && PQgetvalue(res, row, col)[0] == 't';
}

void db_col_copy(const PGresult *res, int row, int col, char *dst, size_t size)
{
	snprintf(dst, size, "%s", PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

char *db_array_literal(const char *const *items, size_t n)
{
	struct buf b = BUF_INIT;

	buf_putc(&b, '{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(&b, ',');
		buf_putc(&b, '"');
		for (const char *p = items[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(&b, '\\');
			buf_putc(&b, *p);
		}
		buf_putc(&b, '"');
	}
	buf_putc(&b, '}');
	return buf_steal(&b);
}

void db_actor_params(const struct actor *actor, char *id, const char **role)
{
	snprintf(id, 24, "%lld", actor->id);
	*role = role_name(actor->role);
}
