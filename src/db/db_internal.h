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

/* The $2 and $3 parameters of OWNED_BY_CALLER; id must hold 24 bytes. */
void db_actor_params(const struct actor *actor, char *id, const char **role);

#endif
