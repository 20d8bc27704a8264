/* The domain list (keyset pagination, scoped by role) and adding domains. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/buf.h"
#include "util/xalloc.h"

/*
 * Every list statement reads one index range in the order of its index:
 * name for administrators, (reseller_id, name) for resellers, (owner_id,
 * name) for customers; with the scope column fixed by equality that order
 * is the name order. The LIMIT is a constant so that the statements keep
 * one generic plan per connection (no planning per request). $1 is the
 * cursor name, $2 the caller's id.
 */
#define LIST_SELECT \
	"SELECT d.name, o.login, m.service_enabled, m.unknown_policy, m.webmail" \
	"  FROM domains d" \
	"  JOIN mail_settings m ON m.domain_id = d.id" \
	"  JOIN accounts o ON o.id = d.owner_id WHERE "
#define LIMIT " LIMIT 51"	/* DB_PAGE_SIZE + 1: tells whether a next page exists */

enum { SCOPE_ADMIN, SCOPE_RESELLER, SCOPE_CUSTOMER };

/* [scope][previous page] */
static const struct db_stmt list_stmts[3][2] = {
	{ { "list_a", LIST_SELECT "$2::bigint IS NOT NULL AND d.name > $1 ORDER BY d.name" LIMIT },
	  { "list_a_p", LIST_SELECT "$2::bigint IS NOT NULL AND d.name < $1 ORDER BY d.name DESC" LIMIT } },
	{ { "list_r", LIST_SELECT "d.reseller_id = $2 AND d.name > $1 ORDER BY d.reseller_id, d.name" LIMIT },
	  { "list_r_p", LIST_SELECT "d.reseller_id = $2 AND d.name < $1 ORDER BY d.reseller_id DESC, d.name DESC" LIMIT } },
	{ { "list_c", LIST_SELECT "d.owner_id = $2 AND d.name > $1 ORDER BY d.owner_id, d.name" LIMIT },
	  { "list_c_p", LIST_SELECT "d.owner_id = $2 AND d.name < $1 ORDER BY d.owner_id DESC, d.name DESC" LIMIT } },
};

/*
 * Searches add a LIKE pattern ($3). They run unnamed, so each is planned
 * with its pattern: a rare substring is found through the trigram index,
 * a common one by walking the name order.
 */
#define MATCH " AND d.name LIKE $3"
static const struct db_stmt search_stmts[3][2] = {
	{ { NULL, LIST_SELECT "$2::bigint IS NOT NULL" MATCH " AND d.name > $1 ORDER BY d.name" LIMIT },
	  { NULL, LIST_SELECT "$2::bigint IS NOT NULL" MATCH " AND d.name < $1 ORDER BY d.name DESC" LIMIT } },
	{ { NULL, LIST_SELECT "d.reseller_id = $2" MATCH " AND d.name > $1 ORDER BY d.name" LIMIT },
	  { NULL, LIST_SELECT "d.reseller_id = $2" MATCH " AND d.name < $1 ORDER BY d.name DESC" LIMIT } },
	{ { NULL, LIST_SELECT "d.owner_id = $2" MATCH " AND d.name > $1 ORDER BY d.name" LIMIT },
	  { NULL, LIST_SELECT "d.owner_id = $2" MATCH " AND d.name < $1 ORDER BY d.name DESC" LIMIT } },
};

static const struct db_stmt stmt_count = {
	"domain_count", "SELECT coalesce((SELECT n FROM domain_counts WHERE scope = $1 AND id = $2), 0)"
};

/* Counting matches stops at 1000: the page says "more than 1000". */
#define MATCH_COUNT_CAP 1000
#define COUNT_MATCHES(scope) \
	"SELECT count(*) FROM (SELECT 1 FROM domains d WHERE " scope " AND d.name LIKE $2 LIMIT 1001) m"
static const struct db_stmt count_match_stmts[3] = {
	{ NULL, COUNT_MATCHES("$1::bigint IS NOT NULL") },
	{ NULL, COUNT_MATCHES("d.reseller_id = $1::bigint") },
	{ NULL, COUNT_MATCHES("d.owner_id = $1::bigint") },
};

static int scope_of(const struct actor *a)
{
	return a->role == ROLE_ADMIN ? SCOPE_ADMIN :
	       a->role == ROLE_RESELLER ? SCOPE_RESELLER : SCOPE_CUSTOMER;
}

char *db_like_pattern(const char *search)
{
	struct buf b = BUF_INIT;

	buf_putc(&b, '%');
	for (const char *p = search; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	buf_putc(&b, '%');
	return buf_steal(&b);
}

static enum db_status count_scope(struct db *db, const struct actor *actor, const char *id,
				  const char *pattern, struct domain_page *out)
{
	static const char *const scope_names[] = { "all", "reseller", "owner" };
	int scope = scope_of(actor);
	const char *params[2];
	enum db_status st;
	PGresult *res;

	if (pattern) {
		params[0] = id;
		params[1] = pattern;
		res = db_exec(db, &count_match_stmts[scope], 2, params, &st);
	} else {
		params[0] = scope_names[scope];
		params[1] = scope == SCOPE_ADMIN ? "0" : id;
		res = db_exec(db, &stmt_count, 2, params, &st);
	}
	if (res == NULL)
		return st;
	out->total = db_col_ll(res, 0, 0);
	if (pattern && out->total > MATCH_COUNT_CAP) {
		out->total = MATCH_COUNT_CAP;
		out->total_capped = 1;
	}
	PQclear(res);
	return DB_OK;
}

enum db_status db_domain_list(struct db *db, const struct actor *actor,
			      const struct domain_query *q, struct domain_page *out)
{
	int prev = q->before && *q->before;
	int search = q->search && *q->search;
	const struct db_stmt *stmt = search ? &search_stmts[scope_of(actor)][prev]
					    : &list_stmts[scope_of(actor)][prev];
	char id[24], *pattern = search ? db_like_pattern(q->search) : NULL;
	const char *params[3];
	enum db_status st;
	PGresult *res;
	int n;

	memset(out, 0, sizeof(*out));
	snprintf(id, sizeof(id), "%lld", actor->id);
	params[0] = prev ? q->before : (q->after ? q->after : "");
	params[1] = id;
	params[2] = pattern;
	res = db_exec(db, stmt, search ? 3 : 2, params, &st);
	if (res == NULL) {
		free(pattern);
		return st;
	}
	n = PQntuples(res);
	out->n = (size_t)(n > DB_PAGE_SIZE ? DB_PAGE_SIZE : n);
	out->rows = xcalloc(out->n, sizeof(*out->rows));
	for (size_t i = 0; i < out->n; i++) {
		/* The previous page comes in descending order; put it back. */
		int r = prev ? (int)(out->n - 1 - i) : (int)i;
		struct domain_row *d = &out->rows[i];

		d->name = db_col_dup(res, r, 0);
		d->owner = db_col_dup(res, r, 1);
		d->service = db_col_bool(res, r, 2);
		if (mailcfg_policy_parse(PQgetvalue(res, r, 3), &d->policy) != 0)
			d->policy = POLICY_REJECT;
		d->webmail = db_col_dup(res, r, 4);
	}
	if (prev) {
		out->has_prev = n > DB_PAGE_SIZE;
		out->has_next = 1;
	} else {
		out->has_prev = q->after && *q->after;
		out->has_next = n > DB_PAGE_SIZE;
	}
	PQclear(res);
	st = count_scope(db, actor, id, pattern, out);
	free(pattern);
	return st;
}

void db_domain_page_clear(struct domain_page *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->rows[i].name);
		free(p->rows[i].owner);
		free(p->rows[i].webmail);
	}
	free(p->rows);
	memset(p, 0, sizeof(*p));
}

static const struct db_stmt stmt_domain_add = {
	"domain_add",
	"INSERT INTO domains (name, owner_id)"
	" SELECT $1, id FROM accounts WHERE login = $2 AND role = 'customer'"
};

static const struct db_stmt stmt_domain_import = {
	"domain_import",
	"INSERT INTO domains (name, owner_id)"
	" SELECT n.name, a.id FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS n(name, owner, i)"
	"   JOIN accounts a ON a.login = n.owner AND a.role = 'customer' ORDER BY n.i"
};

enum db_status db_domain_add(struct db *db, const struct actor *actor, const char *name,
			     const char *owner_login)
{
	const char *params[2] = { name, owner_login };
	enum db_status st;
	PGresult *res;

	if ((st = db_begin(db, actor)) != DB_OK)
		return st;
	res = db_exec(db, &stmt_domain_add, 2, params, &st);
	if (res == NULL) {
		db_rollback(db);
		return st;
	}
	if (strcmp(PQcmdTuples(res), "1") != 0) {
		PQclear(res);
		db_rollback(db);
		return DB_NOTFOUND;
	}
	PQclear(res);
	return db_commit(db);
}

enum db_status db_domain_import(struct db *db, const struct actor *actor,
				const char *const *names, const char *const *owners,
				size_t n)
{
	char *a_names = db_array_literal(names, n), *a_owners = db_array_literal(owners, n);
	const char *params[2] = { a_names, a_owners };
	enum db_status st;
	PGresult *res;

	if ((st = db_begin(db, actor)) != DB_OK)
		goto end;
	res = db_exec(db, &stmt_domain_import, 2, params, &st);
	if (res == NULL) {
		db_rollback(db);
		goto end;
	}
	if (strtoull(PQcmdTuples(res), NULL, 10) != n) {
		/* Some owner is not a customer account. */
		PQclear(res);
		db_rollback(db);
		st = DB_NOTFOUND;
		goto end;
	}
	PQclear(res);
	st = db_commit(db);
end:
	free(a_names);
	free(a_owners);
	return st;
}
