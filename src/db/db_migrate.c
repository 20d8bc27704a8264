/*
 * Schema migrations: sql/NNN_name.sql files applied in order, each once,
 * each in its own transaction. The sha256 of every applied file is kept;
 * a file that changed after it was applied stops the run, because the
 * database no longer matches what the file says.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/buf.h"
#include "util/xalloc.h"

static const struct db_stmt stmt_lock = {
	"migrate_lock", "SELECT pg_advisory_lock(hashtext('postpanel migrate'))"
};
static const struct db_stmt stmt_unlock = {
	"migrate_unlock", "SELECT pg_advisory_unlock(hashtext('postpanel migrate'))"
};
static const struct db_stmt stmt_table = {
	"migrate_table",
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" name text PRIMARY KEY, sha256 text NOT NULL,"
	" applied_at timestamptz NOT NULL DEFAULT now())"
};
static const struct db_stmt stmt_applied = {
	"migrate_applied",
	"SELECT sha256 = encode(sha256(convert_to($2, 'UTF8')), 'hex')"
	"  FROM schema_migrations WHERE name = $1"
};
static const struct db_stmt stmt_record = {
	"migrate_record",
	"INSERT INTO schema_migrations (name, sha256)"
	" VALUES ($1, encode(sha256(convert_to($2, 'UTF8')), 'hex'))"
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the migration files in dir; NULL with errno on failure. */
static char **migration_files(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	regex_t re;
	char **names = NULL;

	*n = 0;
	if (d == NULL)
		return NULL;
	regcomp(&re, "^[0-9]{3}_[a-z0-9_]+\\.sql$", REG_EXTENDED | REG_NOSUB);
	while ((e = readdir(d)) != NULL) {
		if (regexec(&re, e->d_name, 0, NULL, 0) != 0)
			continue;
		names = xrealloc(names, (*n + 1) * sizeof(*names));
		names[(*n)++] = xstrdup(e->d_name);
	}
	regfree(&re);
	closedir(d);
	if (names == NULL)
		names = xcalloc(1, sizeof(*names));
	qsort(names, *n, sizeof(*names), cmp_names);
	return names;
}

static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t got;

	if (fp == NULL)
		return NULL;
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&b, chunk, got);
	fclose(fp);
	return buf_steal(&b);
}

/*
 * Runs the statements of one migration file. This is the one place that
 * sends SQL text without parameters: the text is a file shipped with
 * postpanel, never user input, and may hold many statements.
 */
static enum db_status run_script(struct db *db, const char *name, const char *script)
{
	PGconn *conn = db_conn(db);
	enum db_status st = DB_OK;
	PGresult *res;

	if (conn == NULL)
		return DB_DOWN;
	/* The simple query protocol runs every statement of the file in turn. */
	if (!PQsendQuery(conn, script)) {
		db_set_error(db, "%s: %s", name, PQerrorMessage(conn));
		return DB_DOWN;
	}
	while ((res = PQgetResult(conn)) != NULL) {
		ExecStatusType rs = PQresultStatus(res);

		if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK && st == DB_OK) {
			db_set_error(db, "%s: %s", name, PQresultErrorMessage(res));
			st = DB_ERROR;
		}
		PQclear(res);
	}
	return st;
}

static enum db_status apply_one(struct db *db, const char *dir, const char *name, FILE *report)
{
	static const struct actor migrator = { 0, ROLE_ADMIN, "migrate", "cli" };
	char *path = xasprintf("%s/%s", dir, name), *script = read_file(path);
	const char *params[2] = { name, script };
	enum db_status st;
	PGresult *res;

	if (script == NULL) {
		db_set_error(db, "%s: %s", path, strerror(errno));
		st = DB_ERROR;
		goto end;
	}
	res = db_exec(db, &stmt_applied, 2, params, &st);
	if (res == NULL)
		goto end;
	if (PQntuples(res) == 1) {
		if (!db_col_bool(res, 0, 0)) {
			db_set_error(db, "%s was changed after it was applied; refusing to continue", name);
			st = DB_CONFLICT;
		}
		PQclear(res);
		goto end;
	}
	PQclear(res);
	if ((st = db_begin(db, &migrator)) != DB_OK)
		goto end;
	if ((st = run_script(db, name, script)) != DB_OK ||
	    (st = db_run(db, &stmt_record, 2, params)) != DB_OK) {
		db_rollback(db);
		goto end;
	}
	if ((st = db_commit(db)) == DB_OK && report)
		fprintf(report, "applied %s\n", name);
end:
	free(script);
	free(path);
	return st;
}

enum db_status db_migrate(struct db *db, const char *dir, FILE *report)
{
	size_t n = 0;
	char **names = migration_files(dir, &n);
	enum db_status st;

	if (names == NULL) {
		db_set_error(db, "%s: %s", dir, strerror(errno));
		return DB_ERROR;
	}
	if ((st = db_run(db, &stmt_lock, 0, NULL)) != DB_OK)
		goto end;
	if ((st = db_run(db, &stmt_table, 0, NULL)) == DB_OK) {
		for (size_t i = 0; i < n && st == DB_OK; i++)
			st = apply_one(db, dir, names[i], report);
	}
	(void)db_run(db, &stmt_unlock, 0, NULL);
end:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return st;
}
