/*
 * NAME
 *	db_internal - what the db_*.c files share; not part of the db API
 * DESCRIPTION
 *	A struct db_stmt names one SQL statement; db_exec() prepares it on
 *	first use per connection and runs it with text parameters. It returns
 *	a result with status TUPLES_OK or COMMAND_OK (PQclear it), or NULL
 *	with *st set (DB_DOWN, DB_DUPLICATE, DB_INVALID or DB_ERROR) and the
 *	error text kept for db_error().
 */
#ifndef PP_DB_INTERNAL_H
#define PP_DB_INTERNAL_H

#include <libpq-fe.h>

#include "db/db.h"

struct db_stmt {
	const char *name;
	const char *sql;
};

PGresult *db_exec(struct db *db, const struct db_stmt *stmt, int nparams,
		  const char *const *params, enum db_status *st);
/* Runs one statement and only reports its status. */
enum db_status db_run(struct db *db, const struct db_stmt *stmt, int nparams,
		      const char *const *params);
/* BEGIN and record actor and source for the audit triggers. */
enum db_status db_begin(struct db *db, const struct actor *actor);
/*
 * Inside a transaction begun with db_begin(): the change (changes.id)
 * that the audit triggers record with every row they write.
 */
enum db_status db_set_change(struct db *db, long long change_id);
/* BEGIN a read-only repeatable-read transaction: one snapshot for many reads. */
enum db_status db_begin_snapshot(struct db *db);
enum db_status db_commit(struct db *db);
void db_rollback(struct db *db);
/* The raw connection, for the rare caller that needs it (migrations). */
PGconn *db_conn(struct db *db);
void db_set_error(struct db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Column helpers: a malloc'd copy (NULL for SQL NULL), or a number. */
char *db_col_dup(const PGresult *res, int row, int col);
long long db_col_ll(const PGresult *res, int row, int col);
int db_col_bool(const PGresult *res, int row, int col);
void db_col_copy(const PGresult *res, int row, int col, char *dst, size_t size);

/*
 * A text[] literal of the items, each element quoted and escaped, for a
 * single array parameter (malloc'd).
 */
char *db_array_literal(const char *const *items, size_t n);

/* A LIKE pattern that matches s as a plain substring (malloc'd). */
char *db_like_pattern(const char *s);

/*
 * Role and ownership of domain d, with $2 the caller's role and $3 the
 * caller's id: pasted into every statement that reads one domain, so the
 * check happens in the query that reads the row.
 */
#define OWNED_BY_CALLER \
	" ($2 = 'admin' OR ($2 = 'reseller' AND d.reseller_id = $3::bigint)" \
	"  OR ($2 = 'customer' AND d.owner_id = $3::bigint))"

/*
 * The state of every map node for the domain d, as one text column
 * (nodes separated by \x1e, fields by \x1f), for statements that read it
 * along with the domain; db_apply_status_parse() reads it back.
 */
#define APPLY_STATUS_COLUMN \
	"(SELECT string_agg(concat_ws(E'\\x1f', n.name," \
	"         (n.applied_generation < coalesce(c.generation, 0))::int," \
	"         (n.heartbeat_at IS NULL OR n.heartbeat_at < now() - interval '30 seconds')::int," \
	"         coalesce(to_char(c.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')," \
	"         coalesce(CASE WHEN n.error_generation > n.applied_generation" \
	"                  THEN regexp_replace(n.error, '[\\x1c-\\x1f]', ' ', 'g') END, ''))," \
	"         E'\\x1e' ORDER BY n.name)" \
	"   FROM map_nodes n" \
	"   LEFT JOIN LATERAL (SELECT generation, at FROM audit_log" \
	"                       WHERE domain_id = d.id ORDER BY id DESC LIMIT 1) c ON true)"

void db_apply_status_parse(const char *column, struct apply_status *out);

/*
 * The session lookup (db_account.c), for statements that read a session
 * and more in one: DB_SESSION_COLS columns, and its tables.
 */
#define SESSION_SELECT \
	"SELECT a.id, a.login, a.role, coalesce(a.language, ''), s.csrf_token," \
	"       s.seen_at < now() - interval '5 minutes', ss.default_language"
#define SESSION_FROM \
	"  FROM sessions s JOIN accounts a ON a.id = s.account_id CROSS JOIN server_settings ss"
#define SESSION_WHERE(token) \
	" WHERE s.token_hash = sha256(convert_to(" token ", 'UTF8')) AND s.expires_at > now()"
/*
 * Reads the session from the first columns of row 0 of a result (those of
 * session_get, which other statements may start with), touches it when
 * due; DB_NOTFOUND when there is no row. The caller clears the result.
 */
#define DB_SESSION_COLS 7
enum db_status db_session_from_row(struct db *db, const PGresult *res, const char *token,
				   struct session_info *who);

/* The $2 and $3 parameters of OWNED_BY_CALLER; id must hold 24 bytes. */
void db_actor_params(const struct actor *actor, char *id, const char **role);

#endif
