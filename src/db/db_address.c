/* Mailboxes and aliases of one domain, with the caller's ownership checked. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/xalloc.h"

static const struct db_stmt stmt_address_list = {
	"address_list",
	"SELECT d.id, x.kind, x.local_part, x.targets"
	"  FROM domains d"
	"  LEFT JOIN LATERAL ("
	"       SELECT 'm' AS kind, local_part, NULL AS targets FROM mailboxes WHERE domain_id = d.id"
	"       UNION ALL"
	"       SELECT 'a', local_part, array_to_string(targets, ',') FROM aliases WHERE domain_id = d.id"
	"  ) x ON true"
	" WHERE d.name = $1 AND" OWNED_BY_CALLER
	" ORDER BY x.local_part"
};

static void push(struct address_row **rows, size_t *n, const PGresult *res, int r)
{
	*rows = xrealloc(*rows, (*n + 1) * sizeof(**rows));
	(*rows)[*n].local_part = db_col_dup(res, r, 2);
	(*rows)[*n].targets = db_col_dup(res, r, 3);
	(*n)++;
}

enum db_status db_address_list(struct db *db, const struct actor *actor, const char *domain,
			       struct address_list *out)
{
	char id[24];
	const char *params[3] = { domain, NULL, id };
	enum db_status st;
	PGresult *res;

	memset(out, 0, sizeof(*out));
	db_actor_params(actor, id, &params[1]);
	if ((res = db_exec(db, &stmt_address_list, 3, params, &st)) == NULL)
		return st;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return DB_NOTFOUND;
	}
	out->domain_id = db_col_ll(res, 0, 0);
	for (int r = 0; r < PQntuples(res); r++) {
		if (PQgetisnull(res, r, 1))
			continue;
		if (PQgetvalue(res, r, 1)[0] == 'm')
			push(&out->mailboxes, &out->n_mailboxes, res, r);
		else
			push(&out->aliases, &out->n_aliases, res, r);
	}
	PQclear(res);
	return DB_OK;
}

static void rows_free(struct address_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].local_part);
		free(rows[i].targets);
	}
	free(rows);
}

void db_address_list_clear(struct address_list *l)
{
	rows_free(l->mailboxes, l->n_mailboxes);
	rows_free(l->aliases, l->n_aliases);
	memset(l, 0, sizeof(*l));
}

static const struct db_stmt stmt_mailbox_add = {
	"mailbox_add",
	"INSERT INTO mailboxes (domain_id, local_part)"
	" SELECT d.id, $4 FROM domains d WHERE d.name = $1 AND" OWNED_BY_CALLER
};

static const struct db_stmt stmt_mailbox_import = {
	"mailbox_import",
	"INSERT INTO mailboxes (domain_id, local_part)"
	" SELECT d.id, u.local_part FROM unnest($1::text[], $4::text[]) AS u(domain, local_part)"
	"   JOIN domains d ON d.name = u.domain WHERE" OWNED_BY_CALLER
};

static const struct db_stmt stmt_alias_set = {
	"alias_set",
	"INSERT INTO aliases (domain_id, local_part, targets)"
	" SELECT d.id, $4, string_to_array($5, ',') FROM domains d WHERE d.name = $1 AND" OWNED_BY_CALLER
	" ON CONFLICT (domain_id, local_part) DO UPDATE SET targets = EXCLUDED.targets"
};

static const struct db_stmt stmt_address_delete = {
	"address_delete",
	"WITH d AS (SELECT d.id FROM domains d WHERE d.name = $1 AND" OWNED_BY_CALLER "),"
	" m AS (DELETE FROM mailboxes WHERE domain_id IN (SELECT id FROM d) AND local_part = $4 RETURNING 1),"
	" a AS (DELETE FROM aliases WHERE domain_id IN (SELECT id FROM d) AND local_part = $4 RETURNING 1)"
	" SELECT (SELECT count(*) FROM m) + (SELECT count(*) FROM a)"
};

/*
 * Runs one write for the caller in its own transaction; the statement
 * answers with a row count (RETURNING/count) or a command tag. Zero rows
 * means the domain is not the caller's (or the address does not exist).
 */
static enum db_status write_one(struct db *db, const struct actor *actor, const struct db_stmt *stmt,
				int nparams, const char **params, int counted)
{
	enum db_status st;
	PGresult *res;
	long long n;

	if ((st = db_begin(db, actor)) != DB_OK)
		return st;
	if ((res = db_exec(db, stmt, nparams, params, &st)) == NULL) {
		db_rollback(db);
		return st;
	}
	n = counted ? db_col_ll(res, 0, 0) : strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	if (n == 0) {
		db_rollback(db);
		return DB_NOTFOUND;
	}
	return db_commit(db);
}

enum db_status db_mailbox_add(struct db *db, const struct actor *actor, const char *domain,
			      const char *local_part)
{
	char id[24];
	const char *params[4] = { domain, NULL, id, local_part };

	db_actor_params(actor, id, &params[1]);
	return write_one(db, actor, &stmt_mailbox_add, 4, params, 0);
}

enum db_status db_mailbox_import(struct db *db, const struct actor *actor, const char *const *domains,
				 const char *const *local_parts, size_t n)
{
	char id[24], *a_domains = db_array_literal(domains, n), *a_locals = db_array_literal(local_parts, n);
	const char *params[4] = { a_domains, NULL, id, a_locals };
	enum db_status st;
	PGresult *res;

	db_actor_params(actor, id, &params[1]);
	if ((st = db_begin(db, actor)) != DB_OK)
		goto end;
	if ((res = db_exec(db, &stmt_mailbox_import, 4, params, &st)) == NULL) {
		db_rollback(db);
		goto end;
	}
	/* Fewer rows: some domain does not exist or is not the caller's. */
	if (strtoull(PQcmdTuples(res), NULL, 10) != n) {
		db_rollback(db);
		st = DB_NOTFOUND;
	} else {
		st = db_commit(db);
	}
	PQclear(res);
end:
	free(a_domains);
	free(a_locals);
	return st;
}

enum db_status db_alias_set(struct db *db, const struct actor *actor, const char *domain,
			    const char *local_part, const char *targets)
{
	char id[24];
	const char *params[5] = { domain, NULL, id, local_part, targets };

	db_actor_params(actor, id, &params[1]);
	return write_one(db, actor, &stmt_alias_set, 5, params, 0);
}

enum db_status db_address_delete(struct db *db, const struct actor *actor, const char *domain,
				 const char *local_part)
{
	char id[24];
	const char *params[4] = { domain, NULL, id, local_part };

	db_actor_params(actor, id, &params[1]);
	return write_one(db, actor, &stmt_address_delete, 4, params, 1);
}
