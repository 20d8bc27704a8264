/*
 * What the map daemons read: a consistent snapshot of every domain, its
 * mailboxes and aliases (streamed with COPY for a full rebuild, queried
 * by name for an incremental one), the changes since a generation, and
 * where each mail server stands.
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define MAX_COLS 16

static const struct db_stmt stmt_generation = {
	"maps_generation", "SELECT value FROM change_generation"
};

enum db_status db_maps_begin(struct db *db, long long *generation)
{
	enum db_status st = db_begin_snapshot(db);
	PGresult *res;

	if (st != DB_OK)
		return st;
	if ((res = db_exec(db, &stmt_generation, 0, NULL, &st)) == NULL) {
		db_maps_end(db);
		return st;
	}
	*generation = db_col_ll(res, 0, 0);
	PQclear(res);
	return DB_OK;
}

void db_maps_end(struct db *db)
{
	/* Read-only: ending it by rollback loses nothing. */
	db_rollback(db);
}

/*
 * The three readers share their SELECT between the COPY (all domains)
 * and the query by name ($1, a text[] of names): the filter is the only
 * difference.
 */
#define DOMAINS_SELECT \
	"SELECT d.id, d.name, m.service_enabled, m.unknown_policy, m.bounce_message," \
	"       coalesce(o.language, ss.default_language), m.forward_address, host(m.redirect_ip)," \
	"       m.redirect_port, m.webmail"
#define DOMAINS_FROM \
	"  FROM domains d JOIN mail_settings m ON m.domain_id = d.id" \
	"  JOIN accounts o ON o.id = d.owner_id CROSS JOIN server_settings ss"
#define MAILBOXES_SELECT \
	"SELECT b.domain_id, b.local_part FROM mailboxes b"
#define ALIASES_SELECT \
	"SELECT a.domain_id, a.local_part, array_to_string(a.targets, ',') FROM aliases a"
#define BY_NAME(alias) " WHERE " alias ".domain_id IN (SELECT id FROM domains WHERE name = ANY($1::text[]))"

struct reader {
	const char *copy_sql;		/* COPY (...) TO STDOUT */
	struct db_stmt by_name;
};

static const struct reader domains_reader = {
	"COPY (" DOMAINS_SELECT DOMAINS_FROM " ORDER BY d.id) TO STDOUT",
	{ "maps_domains", DOMAINS_SELECT DOMAINS_FROM " WHERE d.name = ANY($1::text[]) ORDER BY d.id" },
};
static const struct reader mailboxes_reader = {
	"COPY (" MAILBOXES_SELECT " ORDER BY b.domain_id) TO STDOUT",
	{ "maps_mailboxes", MAILBOXES_SELECT BY_NAME("b") " ORDER BY b.domain_id" },
};
static const struct reader aliases_reader = {
	"COPY (" ALIASES_SELECT " ORDER BY a.domain_id) TO STDOUT",
	{ "maps_aliases", ALIASES_SELECT BY_NAME("a") " ORDER BY a.domain_id" },
};

/*
 * Splits one line of COPY text format in place: fields separated by tabs,
 * \N for NULL, backslash escapes for \t \n \r \\ and friends. Returns the
 * number of fields, or -1 when there are more than max.
 */
static int copy_split(char *line, char **cols, int max)
{
	int n = 0;
	char *r = line, *w = line;

	cols[n++] = w;
	for (; *r && *r != '\n'; r++) {
		if (*r == '\t') {
			*w++ = '\0';
			if (n == max)
				return -1;
			cols[n++] = w;
		} else if (*r == '\\' && r[1] != '\0') {
			r++;
			switch (*r) {
			case 'N': cols[n - 1] = NULL; break;
			case 't': *w++ = '\t'; break;
			case 'n': *w++ = '\n'; break;
			case 'r': *w++ = '\r'; break;
			case 'b': *w++ = '\b'; break;
			case 'f': *w++ = '\f'; break;
			case 'v': *w++ = '\v'; break;
			default: *w++ = *r; break;
			}
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return n;
}

static enum db_status read_copy(struct db *db, const char *sql, db_row_fn fn, void *ctx)
{
	PGconn *conn = db_conn(db);
	PGresult *res = conn ? PQexecParams(conn, sql, 0, NULL, NULL, NULL, NULL, 0) : NULL;
	enum db_status st = DB_OK;
	char *line, *cols[MAX_COLS];
	int len;

	if (res == NULL)
		return DB_DOWN;
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		db_set_error(db, "COPY: %s", PQresultErrorMessage(res));
		PQclear(res);
		return PQstatus(conn) == CONNECTION_OK ? DB_ERROR : DB_DOWN;
	}
	PQclear(res);
	while ((len = PQgetCopyData(conn, &line, 0)) > 0) {
		if (st == DB_OK && (copy_split(line, cols, MAX_COLS) < 0 || fn(ctx, (const char *const *)cols) != 0))
			st = DB_ERROR;	/* keep reading: the COPY must run to its end */
		PQfreemem(line);
	}
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && st == DB_OK) {
			db_set_error(db, "COPY: %s", PQresultErrorMessage(res));
			st = PQstatus(conn) == CONNECTION_OK ? DB_ERROR : DB_DOWN;
		}
		PQclear(res);
	}
	return st;
}

static enum db_status read_rows(struct db *db, const struct reader *rd, const char *const *names,
				size_t n, db_row_fn fn, void *ctx)
{
	const char *cols[MAX_COLS], *params[1];
	char *list;
	enum db_status st;
	PGresult *res;

	if (names == NULL)
		return read_copy(db, rd->copy_sql, fn, ctx);
	list = db_array_literal(names, n);
	params[0] = list;
	res = db_exec(db, &rd->by_name, 1, params, &st);
	free(list);
	if (res == NULL)
		return st;
	for (int r = 0; r < PQntuples(res) && st == DB_OK; r++) {
		for (int c = 0; c < PQnfields(res) && c < MAX_COLS; c++)
			cols[c] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
		if (fn(ctx, cols) != 0)
			st = DB_ERROR;
	}
	PQclear(res);
	return st;
}

enum db_status db_maps_full(struct db *db, db_row_fn fn, void *ctx)
{
	/*
	 * Merge joins on ordered scans, so the first row comes at once; one
	 * row per domain costs both sides less than one per mailbox.
	 */
	return read_copy(db,
		"COPY (" DOMAINS_SELECT ", b.n, b.local_parts" DOMAINS_FROM
		"  LEFT JOIN (SELECT domain_id, count(*) AS n, string_agg(local_part, ' ') AS local_parts"
		"               FROM mailboxes GROUP BY domain_id) b"
		"    ON b.domain_id = d.id AND m.service_enabled"
		" ORDER BY d.id) TO STDOUT",
		fn, ctx);
}

enum db_status db_maps_domains(struct db *db, const char *const *names, size_t n, db_row_fn fn, void *ctx)
{
	return read_rows(db, &domains_reader, names, n, fn, ctx);
}

enum db_status db_maps_mailboxes(struct db *db, const char *const *names, size_t n, db_row_fn fn, void *ctx)
{
	return read_rows(db, &mailboxes_reader, names, n, fn, ctx);
}

enum db_status db_maps_aliases(struct db *db, const char *const *names, size_t n, db_row_fn fn, void *ctx)
{
	return read_rows(db, &aliases_reader, names, n, fn, ctx);
}

static const struct db_stmt stmt_changes = {
	"maps_changes",
	"SELECT domain_name, action, coalesce(before->>'local_part', after->>'local_part')"
	"  FROM audit_log WHERE generation > $1 AND generation <= $2 ORDER BY id"
};

enum db_status db_maps_changes(struct db *db, long long after, long long upto, db_row_fn fn, void *ctx)
{
	char a[24], b[24];
	const char *params[2] = { a, b }, *cols[3];
	enum db_status st;
	PGresult *res;

	snprintf(a, sizeof(a), "%lld", after);
	snprintf(b, sizeof(b), "%lld", upto);
	if ((res = db_exec(db, &stmt_changes, 2, params, &st)) == NULL)
		return st;
	for (int r = 0; r < PQntuples(res) && st == DB_OK; r++) {
		for (int c = 0; c < 3; c++)
			cols[c] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
		if (fn(ctx, cols) != 0)
			st = DB_ERROR;
	}
	PQclear(res);
	return st;
}

static const struct db_stmt stmt_node_start = {
	"node_start",
	"INSERT INTO map_nodes (name, started_at, heartbeat_at) VALUES ($1, now(), now())"
	" ON CONFLICT (name) DO UPDATE SET started_at = now(), heartbeat_at = now()"
	" RETURNING applied_generation"
};
static const struct db_stmt stmt_node_applied = {
	"node_applied",
	"UPDATE map_nodes SET applied_generation = $2, applied_at = now(), heartbeat_at = now(),"
	"       error = NULL, error_at = NULL, error_generation = NULL WHERE name = $1"
};
static const struct db_stmt stmt_node_failed = {
	"node_failed",
	"UPDATE map_nodes SET error = $3, error_at = now(), error_generation = $2, heartbeat_at = now()"
	" WHERE name = $1"
};
static const struct db_stmt stmt_node_heartbeat = {
	"node_heartbeat", "UPDATE map_nodes SET heartbeat_at = now() WHERE name = $1"
};
static const struct db_stmt stmt_listen = { "maps_listen", "LISTEN postpanel_changes" };

enum db_status db_node_start(struct db *db, const char *node, long long *applied)
{
	const char *params[1] = { node };
	enum db_status st;
	PGresult *res = db_exec(db, &stmt_node_start, 1, params, &st);

	if (res == NULL)
		return st;
	*applied = db_col_ll(res, 0, 0);
	PQclear(res);
	return DB_OK;
}

enum db_status db_node_applied(struct db *db, const char *node, long long generation)
{
	char g[24];
	const char *params[2] = { node, g };

	snprintf(g, sizeof(g), "%lld", generation);
	return db_run(db, &stmt_node_applied, 2, params);
}

enum db_status db_node_failed(struct db *db, const char *node, long long generation, const char *error)
{
	char g[24];
	const char *params[3] = { node, g, error };

	snprintf(g, sizeof(g), "%lld", generation);
	return db_run(db, &stmt_node_failed, 3, params);
}

enum db_status db_node_heartbeat(struct db *db, const char *node)
{
	const char *params[1] = { node };

	return db_run(db, &stmt_node_heartbeat, 1, params);
}

enum db_status db_listen_changes(struct db *db)
{
	return db_run(db, &stmt_listen, 0, NULL);
}

int db_wait_change(struct db *db, int timeout_ms)
{
	PGconn *conn = db_conn(db);
	struct pollfd pfd;
	PGnotify *note;
	int got = 0;

	if (conn == NULL)
		return -1;
	while ((note = PQnotifies(conn)) != NULL) {
		PQfreemem(note);
		got = 1;
	}
	if (got)
		return 1;
	pfd.fd = PQsocket(conn);
	pfd.events = POLLIN;
	if (poll(&pfd, 1, timeout_ms) < 0)
		return 0;
	if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK)
		return -1;
	/* Drain: many commits in a burst make one rebuild. */
	while ((note = PQnotifies(conn)) != NULL) {
		PQfreemem(note);
		got = 1;
	}
	return got;
}

static const struct db_stmt stmt_apply_status = {
	"apply_status",
	"SELECT n.name,"
	"       n.applied_generation < coalesce(c.generation, 0),"
	"       n.heartbeat_at IS NULL OR n.heartbeat_at < now() - interval '30 seconds',"
	"       to_char(c.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"       CASE WHEN n.error_generation > n.applied_generation THEN n.error END"
	"  FROM map_nodes n"
	"  LEFT JOIN LATERAL (SELECT generation, at FROM audit_log"
	"                      WHERE domain_id = $1 ORDER BY id DESC LIMIT 1) c ON true"
	" ORDER BY n.name"
};

enum db_status db_apply_status(struct db *db, long long domain_id, struct apply_status *out)
{
	char id[24];
	const char *params[1] = { id };
	enum db_status st;
	PGresult *res;

	memset(out, 0, sizeof(*out));
	snprintf(id, sizeof(id), "%lld", domain_id);
	if ((res = db_exec(db, &stmt_apply_status, 1, params, &st)) == NULL)
		return st;
	out->n = (size_t)PQntuples(res);
	out->nodes = xcalloc(out->n, sizeof(*out->nodes));
	for (size_t i = 0; i < out->n; i++) {
		struct node_state *ns = &out->nodes[i];

		ns->node = db_col_dup(res, (int)i, 0);
		ns->pending = db_col_bool(res, (int)i, 1);
		ns->down = db_col_bool(res, (int)i, 2);
		ns->since = db_col_dup(res, (int)i, 3);
		ns->error = db_col_dup(res, (int)i, 4);
	}
	PQclear(res);
	return DB_OK;
}

void db_apply_status_parse(const char *column, struct apply_status *out)
{
	char *copy = xstrdup(column ? column : ""), *save = NULL, *node;

	memset(out, 0, sizeof(*out));
	for (node = strtok_r(copy, "\x1e", &save); node; node = strtok_r(NULL, "\x1e", &save)) {
		char *f[5] = { NULL }, *p = node;
		struct node_state *ns;

		/* Five fields, some empty: split by hand (strtok skips empty ones). */
		for (int i = 0; i < 5; i++) {
			char *sep = strchr(p, '\x1f');

			f[i] = p;
			if (sep == NULL) {
				p += strlen(p);
			} else {
				*sep = '\0';
				p = sep + 1;
			}
		}
		out->nodes = xrealloc(out->nodes, (out->n + 1) * sizeof(*out->nodes));
		ns = &out->nodes[out->n++];
		ns->node = xstrdup(f[0]);
		ns->pending = f[1][0] == '1';
		ns->down = f[2][0] == '1';
		ns->since = *f[3] ? xstrdup(f[3]) : NULL;
		ns->error = *f[4] ? xstrdup(f[4]) : NULL;
	}
	free(copy);
}

void db_apply_status_clear(struct apply_status *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->nodes[i].node);
		free(s->nodes[i].since);
		free(s->nodes[i].error);
	}
	free(s->nodes);
	memset(s, 0, sizeof(*s));
}
