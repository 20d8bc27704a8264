/*
 * Bulk changes: the selection (role scope and filter, in SQL), the
 * preview's read, the all-or-nothing apply, undo, and the audit history
 * that shows them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define ISO_UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/*
 * The selection. $1 the caller's role, $2 the caller's id; $3..$7 the
 * filter ('' = any; $3 a LIKE pattern), $8 the ticked names (NULL = any).
 * Statements built on it run unnamed: each is planned with its actual
 * parameters, so the conditions that are '' fold away and the scope
 * becomes one index range (domains_reseller, domains_owner) or none.
 */
#define SEL_FROM \
	" FROM domains d" \
	" JOIN mail_settings m ON m.domain_id = d.id" \
	" JOIN accounts o ON o.id = d.owner_id"
#define SEL_WHERE \
	" WHERE ($1 = 'admin' OR ($1 = 'reseller' AND d.reseller_id = $2::bigint)" \
	"        OR ($1 = 'customer' AND d.owner_id = $2::bigint))" \
	"   AND ($3 = '' OR d.name LIKE $3)" \
	"   AND ($4 = '' OR o.login = $4)" \
	"   AND ($5 = '' OR m.service_enabled = ($5 = 'on'))" \
	"   AND ($6 = '' OR m.unknown_policy::text = $6)" \
	"   AND ($7 = '' OR ($7 = 'none' AND m.webmail IS NULL) OR m.webmail = $7)" \
	"   AND ($8::text[] IS NULL OR d.name = ANY($8::text[]))"
#define SEL_PARAMS 8

/* The eleven settings columns, in the order read_settings() expects. */
#define SETTINGS_COLS \
	"m.service_enabled, m.unknown_policy, m.bounce_message, m.forward_address," \
	" host(m.redirect_ip), m.redirect_port, m.webmail, m.domain_limit_mode, m.domain_limit," \
	" m.mailbox_limit_mode, m.mailbox_limit"
#define SETTINGS_JSON(j) \
	"(" j "->>'service')::boolean, " j "->>'policy', " j "->>'bounce_message'," \
	" " j "->>'forward_address', " j "->>'redirect_ip', (" j "->>'redirect_port')::integer," \
	" " j "->>'webmail', " j "->>'domain_limit_mode', (" j "->>'domain_limit')::integer," \
	" " j "->>'mailbox_limit_mode', (" j "->>'mailbox_limit')::integer"

/* A time sent to the browser and back: microseconds since 1970, exact. */
#define FROM_MICROS(p) "('epoch'::timestamptz + " p "::bigint * interval '1 microsecond')"

static void read_settings(const PGresult *res, int row, int col, struct mail_settings *s)
{
	s->service = db_col_bool(res, row, col);
	if (PQgetisnull(res, row, col + 1) ||
	    mailcfg_policy_parse(PQgetvalue(res, row, col + 1), &s->policy) != 0)
		s->policy = POLICY_REJECT;
	s->bounce_message = db_col_dup(res, row, col + 2);
	s->forward_address = db_col_dup(res, row, col + 3);
	s->redirect_ip = db_col_dup(res, row, col + 4);
	s->redirect_port = PQgetisnull(res, row, col + 5) ? MAILCFG_DEFAULT_PORT
							  : (int)db_col_ll(res, row, col + 5);
	s->webmail = db_col_dup(res, row, col + 6);
	if (PQgetisnull(res, row, col + 7) ||
	    mailcfg_limit_mode_parse(PQgetvalue(res, row, col + 7), &s->domain_limit_mode) != 0)
		s->domain_limit_mode = LIMIT_DEFAULT;
	s->domain_limit = (int)db_col_ll(res, row, col + 8);
	if (PQgetisnull(res, row, col + 9) ||
	    mailcfg_limit_mode_parse(PQgetvalue(res, row, col + 9), &s->mailbox_limit_mode) != 0)
		s->mailbox_limit_mode = LIMIT_DEFAULT;
	s->mailbox_limit = (int)db_col_ll(res, row, col + 10);
}

/* The selection's parameters; frees with sel_params_clear(). */
struct sel_params {
	const char *v[SEL_PARAMS + 4];
	char id[24];
	char *pattern;
	char *names;
};

static void sel_params_init(struct sel_params *p, const struct actor *actor,
			    const struct bulk_filter *f)
{
	memset(p, 0, sizeof(*p));
	db_actor_params(actor, p->id, &p->v[0]);
	p->v[1] = p->id;
	p->pattern = f->name && *f->name ? db_like_pattern(f->name) : NULL;
	p->v[2] = p->pattern ? p->pattern : "";
	p->v[3] = f->owner ? f->owner : "";
	p->v[4] = f->service ? f->service : "";
	p->v[5] = f->policy ? f->policy : "";
	p->v[6] = f->webmail ? f->webmail : "";
	p->names = f->names ? db_array_literal(f->names, f->n_names) : NULL;
	p->v[7] = p->names;
}

static void sel_params_clear(struct sel_params *p)
{
	free(p->pattern);
	free(p->names);
}

/* ---- the list page ---- */

#define LIST_COLS "SELECT d.name, o.login, m.service_enabled, m.unknown_policy, m.webmail"
static const struct db_stmt stmt_list_next = {
	NULL, LIST_COLS SEL_FROM SEL_WHERE " AND d.name > $9 ORDER BY d.name LIMIT 51"
};
static const struct db_stmt stmt_list_prev = {
	NULL, LIST_COLS SEL_FROM SEL_WHERE " AND d.name < $9 ORDER BY d.name DESC LIMIT 51"
};
static const struct db_stmt stmt_count = { NULL, "SELECT count(*)" SEL_FROM SEL_WHERE };

enum db_status db_bulk_list(struct db *db, const struct actor *actor, const struct bulk_filter *f,
			    const char *after, const char *before, struct domain_page *out)
{
	int prev = before && *before;
	struct sel_params p;
	enum db_status st;
	PGresult *res;
	int n;

	memset(out, 0, sizeof(*out));
	sel_params_init(&p, actor, f);
	p.v[8] = prev ? before : (after ? after : "");
	res = db_exec(db, prev ? &stmt_list_prev : &stmt_list_next, 9, p.v, &st);
	if (res == NULL)
		goto end;
	n = PQntuples(res);
	out->n = (size_t)(n > DB_PAGE_SIZE ? DB_PAGE_SIZE : n);
	out->rows = xcalloc(out->n, sizeof(*out->rows));
	for (size_t i = 0; i < out->n; i++) {
		int r = prev ? (int)(out->n - 1 - i) : (int)i;
		struct domain_row *d = &out->rows[i];

		d->name = db_col_dup(res, r, 0);
		d->owner = db_col_dup(res, r, 1);
		d->service = db_col_bool(res, r, 2);
		if (mailcfg_policy_parse(PQgetvalue(res, r, 3), &d->policy) != 0)
			d->policy = POLICY_REJECT;
		d->webmail = db_col_dup(res, r, 4);
	}
	out->has_prev = prev ? n > DB_PAGE_SIZE : after && *after;
	out->has_next = prev ? 1 : n > DB_PAGE_SIZE;
	PQclear(res);
	res = db_exec(db, &stmt_count, SEL_PARAMS, p.v, &st);
	if (res == NULL)
		goto end;
	out->total = db_col_ll(res, 0, 0);
	PQclear(res);
end:
	sel_params_clear(&p);
	return st;
}

/* ---- reading the selection (preview and apply) ---- */

#define READ_COLS \
	"SELECT d.id, d.name, o.login, " SETTINGS_COLS ", m.version," \
	"       m.updated_at >= " FROM_MICROS("$9") ", u.login, " ISO_UTC("m.updated_at")
#define READ_FROM SEL_FROM " LEFT JOIN accounts u ON u.id = m.updated_by"
static const struct db_stmt stmt_read = {
	NULL, READ_COLS READ_FROM SEL_WHERE " ORDER BY d.name"
};
/*
 * The apply's read locks in name order: two bulk changes never wait for
 * each other in a cycle. Who saved a domain, when, and its owner are
 * only shown for domains saved since the preview: the rest go without.
 */
#define EDITED "m.updated_at >= " FROM_MICROS("$9")
static const struct db_stmt stmt_read_lock = {
	NULL,
	"SELECT d.id, d.name, CASE WHEN " EDITED " THEN o.login END, " SETTINGS_COLS ", m.version,"
	"       " EDITED ", CASE WHEN " EDITED " THEN u.login END,"
	"       CASE WHEN " EDITED " THEN " ISO_UTC("m.updated_at") " END"
	READ_FROM SEL_WHERE " ORDER BY d.name FOR UPDATE OF m"
};
static const struct db_stmt stmt_now = {
	"bulk_now", "SELECT (extract(epoch FROM now()) * 1000000)::bigint"
};
static const struct db_stmt stmt_context = {
	"bulk_context",
	"SELECT ss.outgoing_control, w.name FROM server_settings ss"
	"  LEFT JOIN webmails w ON w.installed ORDER BY w.sort, w.name"
};

static enum db_status read_context(struct db *db, struct bulk_set *out)
{
	enum db_status st;
	PGresult *res = db_exec(db, &stmt_context, 0, NULL, &st);

	if (res == NULL)
		return st;
	out->outgoing_control = PQntuples(res) > 0 && db_col_bool(res, 0, 0);
	out->installed = xcalloc((size_t)PQntuples(res) + 1, sizeof(char *));
	for (int r = 0; r < PQntuples(res); r++)
		if (!PQgetisnull(res, r, 1))
			out->installed[out->n_installed++] = db_col_dup(res, r, 1);
	PQclear(res);
	return DB_OK;
}

static enum db_status read_selection(struct db *db, const struct db_stmt *stmt,
				     const struct actor *actor, const struct bulk_filter *f,
				     const char *snapshot, struct bulk_set *out)
{
	struct sel_params p;
	enum db_status st;
	PGresult *res;

	sel_params_init(&p, actor, f);
	p.v[8] = snapshot;
	res = db_exec(db, stmt, 9, p.v, &st);
	sel_params_clear(&p);
	if (res == NULL)
		return st;
	out->n = (size_t)PQntuples(res);
	out->d = xcalloc(out->n, sizeof(*out->d));
	for (size_t i = 0; i < out->n; i++) {
		struct bulk_domain *d = &out->d[i];
		int r = (int)i;

		d->id = db_col_ll(res, r, 0);
		d->name = db_col_dup(res, r, 1);
		d->owner = db_col_dup(res, r, 2);
		read_settings(res, r, 3, &d->s);
		d->version = db_col_ll(res, r, 14);
		d->edited_since = db_col_bool(res, r, 15);
		d->updated_by = db_col_dup(res, r, 16);
		d->updated_at = db_col_dup(res, r, 17);
	}
	PQclear(res);
	return DB_OK;
}

enum db_status db_bulk_read(struct db *db, const struct actor *actor, const struct bulk_filter *f,
			    struct bulk_set *out)
{
	enum db_status st;
	PGresult *res;

	memset(out, 0, sizeof(*out));
	if ((st = db_begin_snapshot(db)) != DB_OK)
		return st;
	if ((res = db_exec(db, &stmt_now, 0, NULL, &st)) == NULL)
		goto end;
	out->snapshot = db_col_ll(res, 0, 0);
	PQclear(res);
	if ((st = read_context(db, out)) != DB_OK)
		goto end;
	st = read_selection(db, &stmt_read, actor, f, NULL, out);
end:
	db_rollback(db);	/* read-only: nothing to keep */
	return st;
}

void db_bulk_set_clear(struct bulk_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->d[i].name);
		free(s->d[i].owner);
		free(s->d[i].updated_by);
		free(s->d[i].updated_at);
		mailcfg_clear(&s->d[i].s);
		mailcfg_clear(&s->d[i].next);
	}
	free(s->d);
	for (size_t i = 0; i < s->n_installed; i++)
		free(s->installed[i]);
	free(s->installed);
	memset(s, 0, sizeof(*s));
}

/* ---- apply ---- */

static const struct db_stmt stmt_change_insert = {
	"bulk_change_insert",
	"INSERT INTO changes (actor_id, actor_login, source, action, params, selection, previewed_at)"
	" VALUES (pp_actor_id(), pp_actor_login(), pp_source(), $1,"
	"   jsonb_strip_nulls(jsonb_build_object("
	"     'service', $2::text, 'policy', $3::text, 'bounce_message', $4::text,"
	"     'forward_address', $5::text, 'redirect_ip', $6::text, 'redirect_port', $7::text,"
	"     'webmail', $8::text, 'domain_limit_mode', $9::text, 'domain_limit', $10::text,"
	"     'mailbox_limit_mode', $11::text, 'mailbox_limit', $12::text)),"
	"   jsonb_strip_nulls(jsonb_build_object("
	"     'filter', jsonb_build_object('name', nullif($13, ''), 'owner', nullif($14, ''),"
	"       'service', nullif($15, ''), 'policy', nullif($16, ''), 'webmail', nullif($17, '')),"
	"     'names', to_jsonb($18::text[]))),"
	"   " FROM_MICROS("$19") ")"
	" RETURNING id"
};

/* Every changed domain in one statement: one audit insert, one generation. */
static const struct db_stmt stmt_bulk_update = {
	"bulk_update",
	"UPDATE mail_settings m SET"
	"       service_enabled = u.service, unknown_policy = u.policy::unknown_policy,"
	"       bounce_message = u.bounce, forward_address = u.forward, redirect_ip = u.ip::inet,"
	"       redirect_port = u.port, webmail = u.webmail,"
	"       domain_limit_mode = u.dlm::limit_mode, domain_limit = u.dl,"
	"       mailbox_limit_mode = u.mlm::limit_mode, mailbox_limit = u.ml,"
	"       version = m.version + 1, updated_at = now(), updated_by = pp_actor_id()"
	"  FROM unnest($1::bigint[], $2::boolean[], $3::text[], $4::text[], $5::text[], $6::text[],"
	"              $7::integer[], $8::text[], $9::text[], $10::integer[], $11::text[],"
	"              $12::integer[])"
	"       AS u(id, service, policy, bounce, forward, ip, port, webmail, dlm, dl, mlm, ml)"
	" WHERE m.domain_id = u.id"
};

static const struct db_stmt stmt_change_counts = {
	"bulk_change_counts", "UPDATE changes SET selected = $2, domains = $3 WHERE id = $1"
};

/* Array literals with SQL NULL elements, built column by column. */
static void arr_open(struct buf *b)
{
	buf_putc(b, '{');
}

static void arr_add(struct buf *b, const char *s)
{
	if (b->len > 1)
		buf_putc(b, ',');
	if (s == NULL) {
		buf_puts(b, "NULL");
		return;
	}
	buf_putc(b, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *p);
	}
	buf_putc(b, '"');
}

static void arr_add_int(struct buf *b, long long v, int null_below)
{
	if (b->len > 1)
		buf_putc(b, ',');
	if (v < null_below)
		buf_puts(b, "NULL");
	else
		buf_appendf(b, "%lld", v);
}

enum { U_ID, U_SERVICE, U_POLICY, U_BOUNCE, U_FORWARD, U_IP, U_PORT, U_WEBMAIL,
       U_DLM, U_DL, U_MLM, U_ML, U_COLS };

static size_t build_update(const struct bulk_set *set, struct buf cols[U_COLS])
{
	size_t n = 0;

	for (int c = 0; c < U_COLS; c++) {
		cols[c] = (struct buf)BUF_INIT;
		arr_open(&cols[c]);
	}
	for (size_t i = 0; i < set->n; i++) {
		const struct bulk_domain *d = &set->d[i];
		const struct mail_settings *s = &d->next;

		if (!d->write)
			continue;
		n++;
		arr_add_int(&cols[U_ID], d->id, 1);
		if (cols[U_SERVICE].len > 1)
			buf_putc(&cols[U_SERVICE], ',');
		buf_putc(&cols[U_SERVICE], s->service ? 't' : 'f');
		arr_add(&cols[U_POLICY], mailcfg_policy_name(s->policy));
		arr_add(&cols[U_BOUNCE], s->bounce_message);
		arr_add(&cols[U_FORWARD], s->forward_address);
		arr_add(&cols[U_IP], s->redirect_ip);
		arr_add_int(&cols[U_PORT], s->redirect_port, 0);
		arr_add(&cols[U_WEBMAIL], s->webmail);
		arr_add(&cols[U_DLM], mailcfg_limit_mode_name(s->domain_limit_mode));
		arr_add_int(&cols[U_DL], s->domain_limit, 1);
		arr_add(&cols[U_MLM], mailcfg_limit_mode_name(s->mailbox_limit_mode));
		arr_add_int(&cols[U_ML], s->mailbox_limit, 1);
	}
	for (int c = 0; c < U_COLS; c++)
		buf_putc(&cols[c], '}');
	return n;
}

static enum db_status insert_change(struct db *db, const char *action, const struct mail_input *in,
				    const struct bulk_filter *f, long long snapshot,
				    long long *change_id)
{
	char snap[24], *names = f->names ? db_array_literal(f->names, f->n_names) : NULL;
	const char *params[19] = {
		action, in->service, in->policy, in->bounce_message, in->forward_address,
		in->redirect_ip, in->redirect_port, in->webmail, in->domain_limit_mode,
		in->domain_limit, in->mailbox_limit_mode, in->mailbox_limit,
		f->name ? f->name : "", f->owner ? f->owner : "", f->service ? f->service : "",
		f->policy ? f->policy : "", f->webmail ? f->webmail : "", names, snap,
	};
	enum db_status st;
	PGresult *res;

	snprintf(snap, sizeof(snap), "%lld", snapshot);
	res = db_exec(db, &stmt_change_insert, 19, params, &st);
	free(names);
	if (res == NULL)
		return st;
	*change_id = db_col_ll(res, 0, 0);
	PQclear(res);
	return db_set_change(db, *change_id);
}

enum db_status db_bulk_apply(struct db *db, const struct actor *actor, const char *action,
			     const struct mail_input *in, const struct bulk_filter *f,
			     long long snapshot, db_bulk_decide_fn decide, void *ctx,
			     struct bulk_set *set, long long *change_id)
{
	struct actor bulk = *actor;
	struct buf cols[U_COLS];
	const char *params[U_COLS];
	char snap[24], id[24], sel[24], cnt[24];
	const char *counts[3] = { id, sel, cnt };
	size_t n;
	enum db_status st;
	PGresult *res;

	memset(set, 0, sizeof(*set));
	bulk.source = "bulk";
	snprintf(snap, sizeof(snap), "%lld", snapshot);
	if ((st = db_begin(db, &bulk)) != DB_OK)
		return st;
	if ((st = insert_change(db, action, in, f, snapshot, change_id)) != DB_OK ||
	    (st = read_context(db, set)) != DB_OK ||
	    (st = read_selection(db, &stmt_read_lock, actor, f, snap, set)) != DB_OK) {
		db_rollback(db);
		return st;
	}
	if (decide(ctx, set) != 0) {
		db_rollback(db);
		return DB_CONFLICT;
	}
	n = build_update(set, cols);
	for (int c = 0; c < U_COLS; c++)
		params[c] = buf_cstr(&cols[c]);
	res = n > 0 ? db_exec(db, &stmt_bulk_update, U_COLS, params, &st) : NULL;
	for (int c = 0; c < U_COLS; c++)
		buf_release(&cols[c]);
	if (n > 0 && res == NULL) {
		db_rollback(db);
		return st;
	}
	if (res != NULL && strtoull(PQcmdTuples(res), NULL, 10) != n) {
		db_set_error(db, "bulk update: %s rows updated, %zu expected", PQcmdTuples(res), n);
		PQclear(res);
		db_rollback(db);
		return DB_ERROR;
	}
	PQclear(res);
	snprintf(id, sizeof(id), "%lld", *change_id);
	snprintf(sel, sizeof(sel), "%zu", set->n);
	snprintf(cnt, sizeof(cnt), "%zu", n);
	if ((st = db_run(db, &stmt_change_counts, 3, counts)) != DB_OK) {
		db_rollback(db);
		return st;
	}
	return db_commit(db);
}

/* ---- recorded changes ---- */

#define CHANGE_VISIBLE " ($2 = 'admin' OR c.actor_id = $3::bigint)"
#define CHANGE_COLS \
	"SELECT c.id, " ISO_UTC("c.at") ", c.actor_login, c.source, c.action," \
	"       c.params->>'service', c.params->>'policy', c.params->>'bounce_message'," \
	"       c.params->>'forward_address', c.params->>'redirect_ip', c.params->>'redirect_port'," \
	"       c.params->>'webmail', c.params->>'domain_limit_mode', c.params->>'domain_limit'," \
	"       c.params->>'mailbox_limit_mode', c.params->>'mailbox_limit'," \
	"       c.selection->'filter'->>'name', c.selection->'filter'->>'owner'," \
	"       c.selection->'filter'->>'service', c.selection->'filter'->>'policy'," \
	"       c.selection->'filter'->>'webmail'," \
	"       (SELECT string_agg(x, ', ') FROM jsonb_array_elements_text(c.selection->'names') x)," \
	"       " ISO_UTC("c.previewed_at") ", c.selected, c.domains, c.undoes, c.undone_by" \
	"  FROM changes c"

static const struct db_stmt stmt_change_list = {
	"change_list",
	CHANGE_COLS " WHERE ($1::bigint = 0 OR c.id < $1::bigint) AND" CHANGE_VISIBLE
	" ORDER BY c.id DESC LIMIT 51"
};
static const struct db_stmt stmt_change_get = {
	"change_get", CHANGE_COLS " WHERE c.id = $1::bigint AND" CHANGE_VISIBLE
};
static const struct db_stmt stmt_change_skipped = {
	"change_skipped",
	"SELECT s->>'domain', s->>'reason', s->>'field', s->>'message', s->>'arg'"
	"  FROM changes c, jsonb_array_elements(c.skipped) s WHERE c.id = $1::bigint"
};

static void read_change(const PGresult *res, int r, struct change_info *c)
{
	char **params[] = {
		&c->service, &c->policy, &c->bounce_message, &c->forward_address, &c->redirect_ip,
		&c->redirect_port, &c->webmail, &c->domain_limit_mode, &c->domain_limit,
		&c->mailbox_limit_mode, &c->mailbox_limit,
		&c->f_name, &c->f_owner, &c->f_service, &c->f_policy, &c->f_webmail, &c->names,
		&c->previewed_at,
	};

	c->id = db_col_ll(res, r, 0);
	c->at = db_col_dup(res, r, 1);
	c->actor = db_col_dup(res, r, 2);
	c->source = db_col_dup(res, r, 3);
	c->action = db_col_dup(res, r, 4);
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		*params[i] = db_col_dup(res, r, 5 + (int)i);
	c->selected = db_col_ll(res, r, 23);
	c->domains = db_col_ll(res, r, 24);
	c->undoes = db_col_ll(res, r, 25);
	c->undone_by = db_col_ll(res, r, 26);
}

enum db_status db_change_list(struct db *db, const struct actor *actor, long long before,
			      struct change_list *out)
{
	char b[24], id[24];
	const char *params[3] = { b, NULL, id };
	enum db_status st;
	PGresult *res;
	int n;

	memset(out, 0, sizeof(*out));
	snprintf(b, sizeof(b), "%lld", before);
	db_actor_params(actor, id, &params[1]);
	if ((res = db_exec(db, &stmt_change_list, 3, params, &st)) == NULL)
		return st;
	n = PQntuples(res);
	out->n = (size_t)(n > DB_PAGE_SIZE ? DB_PAGE_SIZE : n);
	out->has_more = n > DB_PAGE_SIZE;
	out->items = xcalloc(out->n, sizeof(*out->items));
	for (size_t i = 0; i < out->n; i++)
		read_change(res, (int)i, &out->items[i]);
	PQclear(res);
	return DB_OK;
}

enum db_status db_change_get(struct db *db, const struct actor *actor, long long id,
			     struct change_info *out)
{
	char cid[24], aid[24];
	const char *params[3] = { cid, NULL, aid };
	enum db_status st;
	PGresult *res;

	memset(out, 0, sizeof(*out));
	snprintf(cid, sizeof(cid), "%lld", id);
	db_actor_params(actor, aid, &params[1]);
	if ((res = db_exec(db, &stmt_change_get, 3, params, &st)) == NULL)
		return st;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return DB_NOTFOUND;
	}
	read_change(res, 0, out);
	PQclear(res);
	if ((res = db_exec(db, &stmt_change_skipped, 1, params, &st)) == NULL)
		return st;
	out->n_skipped = (size_t)PQntuples(res);
	out->skipped = xcalloc(out->n_skipped, sizeof(*out->skipped));
	for (size_t i = 0; i < out->n_skipped; i++) {
		struct undo_skip *s = &out->skipped[i];

		s->domain = db_col_dup(res, (int)i, 0);
		s->reason = db_col_dup(res, (int)i, 1);
		s->field = db_col_dup(res, (int)i, 2);
		s->message = db_col_dup(res, (int)i, 3);
		s->arg = db_col_dup(res, (int)i, 4);
	}
	PQclear(res);
	return DB_OK;
}

static void skips_free(struct undo_skip *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].domain);
		free(s[i].reason);
		free(s[i].field);
		free(s[i].message);
		free(s[i].arg);
	}
	free(s);
}

void db_change_info_clear(struct change_info *c)
{
	char *strings[] = {
		c->at, c->actor, c->source, c->action, c->service, c->policy, c->bounce_message,
		c->forward_address, c->redirect_ip, c->redirect_port, c->webmail,
		c->domain_limit_mode, c->domain_limit, c->mailbox_limit_mode, c->mailbox_limit,
		c->f_name, c->f_owner, c->f_service, c->f_policy, c->f_webmail, c->names,
		c->previewed_at,
	};

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		free(strings[i]);
	skips_free(c->skipped, c->n_skipped);
	memset(c, 0, sizeof(*c));
}

void db_change_list_clear(struct change_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		db_change_info_clear(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* ---- audit rows, field by field ---- */

/*
 * Each audit row with the fields that differ between its before and
 * after JSON, in the order of the settings form; one result row per
 * field (one with NULL fields when nothing differs). "a" is the audit
 * row set, already limited to one page.
 */
#define AUDIT_SELECT \
	"SELECT a.id, " ISO_UTC("a.at") ", a.actor_login, a.source, a.change_id, a.domain_name," \
	"       a.action, f.key, f.before, f.after FROM ("
#define AUDIT_FIELDS \
	") a LEFT JOIN LATERAL (" \
	"  SELECT coalesce(b.key, n.key) AS key, b.value AS before, n.value AS after" \
	"    FROM jsonb_each_text(CASE WHEN jsonb_typeof(a.before) = 'object' THEN a.before END) b" \
	"    FULL JOIN jsonb_each_text(CASE WHEN jsonb_typeof(a.after) = 'object' THEN a.after END) n" \
	"      ON n.key = b.key" \
	"   WHERE b.value IS DISTINCT FROM n.value) f ON true"
#define FIELD_ORDER \
	" array_position(ARRAY['service', 'policy', 'bounce_message', 'forward_address'," \
	"   'redirect_ip', 'redirect_port', 'webmail', 'domain_limit_mode', 'domain_limit'," \
	"   'mailbox_limit_mode', 'mailbox_limit'], f.key), f.key"

static const struct db_stmt stmt_history_domain = {
	"history_domain", "SELECT d.id FROM domains d WHERE d.name = $1 AND" OWNED_BY_CALLER
};
static const struct db_stmt stmt_history_older = {
	"history_older",
	AUDIT_SELECT "SELECT * FROM audit_log WHERE domain_id = $1::bigint"
	"  AND ($2::bigint = 0 OR id < $2::bigint) ORDER BY id DESC LIMIT 51"
	AUDIT_FIELDS " ORDER BY a.id DESC," FIELD_ORDER
};
static const struct db_stmt stmt_history_newer = {
	"history_newer",
	AUDIT_SELECT "SELECT * FROM audit_log WHERE domain_id = $1::bigint AND id > $2::bigint"
	"  ORDER BY id LIMIT 51"
	AUDIT_FIELDS " ORDER BY a.id DESC," FIELD_ORDER
};
static const struct db_stmt stmt_change_visible = {
	"change_visible", "SELECT 1 FROM changes c WHERE c.id = $1::bigint AND" CHANGE_VISIBLE
};
static const struct db_stmt stmt_change_rows_next = {
	"change_rows_next",
	AUDIT_SELECT "SELECT * FROM audit_log WHERE change_id = $1::bigint AND domain_name > $2"
	"  ORDER BY domain_name LIMIT 51"
	AUDIT_FIELDS " ORDER BY a.domain_name, a.id," FIELD_ORDER
};
static const struct db_stmt stmt_change_rows_prev = {
	"change_rows_prev",
	AUDIT_SELECT "SELECT * FROM audit_log WHERE change_id = $1::bigint AND domain_name < $2"
	"  ORDER BY domain_name DESC LIMIT 51"
	AUDIT_FIELDS " ORDER BY a.domain_name, a.id," FIELD_ORDER
};

static void audit_entry_free(struct audit_entry *e)
{
	free(e->at);
	free(e->actor);
	free(e->source);
	free(e->domain);
	free(e->action);
	for (size_t k = 0; k < e->n_fields; k++) {
		free(e->fields[k].name);
		free(e->fields[k].before);
		free(e->fields[k].after);
	}
	free(e->fields);
}

/*
 * Groups the result rows into entries. One page has DB_PAGE_SIZE; the
 * query reads one more to tell whether there is another page, which is
 * dropped here from the end (extra_last) or from the start.
 */
static void read_audit(const PGresult *res, int extra_last, struct audit_page *out, int *more)
{
	size_t cap = 0;

	for (int r = 0; r < PQntuples(res); r++) {
		long long id = db_col_ll(res, r, 0);
		struct audit_entry *e;

		if (out->n == 0 || out->e[out->n - 1].id != id) {
			if (out->n == cap) {
				cap = cap ? 2 * cap : 16;
				out->e = xrealloc(out->e, cap * sizeof(*out->e));
			}
			e = &out->e[out->n++];
			memset(e, 0, sizeof(*e));
			e->id = id;
			e->at = db_col_dup(res, r, 1);
			e->actor = db_col_dup(res, r, 2);
			e->source = db_col_dup(res, r, 3);
			e->change_id = db_col_ll(res, r, 4);
			e->domain = db_col_dup(res, r, 5);
			e->action = db_col_dup(res, r, 6);
		}
		e = &out->e[out->n - 1];
		if (PQgetisnull(res, r, 7))
			continue;
		e->fields = xrealloc(e->fields, (e->n_fields + 1) * sizeof(*e->fields));
		e->fields[e->n_fields].name = db_col_dup(res, r, 7);
		e->fields[e->n_fields].before = db_col_dup(res, r, 8);
		e->fields[e->n_fields].after = db_col_dup(res, r, 9);
		e->n_fields++;
	}
	*more = out->n > DB_PAGE_SIZE;
	if (!*more)
		return;
	if (extra_last) {
		audit_entry_free(&out->e[--out->n]);
	} else {
		audit_entry_free(&out->e[0]);
		memmove(&out->e[0], &out->e[1], --out->n * sizeof(*out->e));
	}
}

enum db_status db_domain_history(struct db *db, const struct actor *actor, const char *domain,
				 long long before_id, long long after_id, struct audit_page *out)
{
	char aid[24], did[24], cursor[24];
	const char *params[3] = { domain, NULL, aid };
	int newer = after_id > 0, more;
	enum db_status st;
	PGresult *res;

	memset(out, 0, sizeof(*out));
	db_actor_params(actor, aid, &params[1]);
	if ((res = db_exec(db, &stmt_history_domain, 3, params, &st)) == NULL)
		return st;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return DB_NOTFOUND;
	}
	db_col_copy(res, 0, 0, did, sizeof(did));
	PQclear(res);
	snprintf(cursor, sizeof(cursor), "%lld", newer ? after_id : before_id);
	params[0] = did;
	params[1] = cursor;
	res = db_exec(db, newer ? &stmt_history_newer : &stmt_history_older, 2, params, &st);
	if (res == NULL)
		return st;
	/* Newest first: the extra entry is the oldest going back, the newest going forward. */
	read_audit(res, !newer, out, &more);
	PQclear(res);
	out->has_prev = newer ? more : before_id > 0;
	out->has_next = newer ? 1 : more;
	return DB_OK;
}

enum db_status db_change_domains(struct db *db, const struct actor *actor, long long change_id,
				 const char *after, const char *before, struct audit_page *out)
{
	char cid[24], aid[24];
	int prev = before && *before, more;
	const char *params[4] = { cid, NULL, aid, prev ? before : (after ? after : "") };
	enum db_status st;
	PGresult *res;

	memset(out, 0, sizeof(*out));
	snprintf(cid, sizeof(cid), "%lld", change_id);
	db_actor_params(actor, aid, &params[1]);
	if ((res = db_exec(db, &stmt_change_visible, 3, params, &st)) == NULL)
		return st;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return DB_NOTFOUND;
	}
	PQclear(res);
	params[1] = params[3];
	res = db_exec(db, prev ? &stmt_change_rows_prev : &stmt_change_rows_next, 2, params, &st);
	if (res == NULL)
		return st;
	read_audit(res, !prev, out, &more);
	PQclear(res);
	out->has_prev = prev ? more : after && *after;
	out->has_next = prev ? 1 : more;
	return DB_OK;
}

void db_audit_page_clear(struct audit_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		audit_entry_free(&p->e[i]);
	free(p->e);
	memset(p, 0, sizeof(*p));
}

/* ---- undo ---- */

static const struct db_stmt stmt_undo_lock = {
	"undo_lock",
	"SELECT c.undone_by FROM changes c WHERE c.id = $1::bigint AND" CHANGE_VISIBLE
	" FOR UPDATE"
};
static const struct db_stmt stmt_undo_insert = {
	"undo_insert",
	"INSERT INTO changes (actor_id, actor_login, source, action, params, selection, undoes)"
	" SELECT pp_actor_id(), pp_actor_login(), 'undo', c.action, c.params,"
	"        jsonb_build_object('change', c.id), c.id"
	"   FROM changes c WHERE c.id = $1::bigint RETURNING id"
};
/* Domains of the change that no longer exist. */
static const struct db_stmt stmt_undo_deleted = {
	"undo_deleted",
	"SELECT a.domain_name FROM audit_log a"
	" WHERE a.change_id = $1::bigint AND a.action = 'mail_settings'"
	"   AND NOT EXISTS (SELECT 1 FROM domains d WHERE d.id = a.domain_id)"
	" ORDER BY a.domain_name"
};
/*
 * The others, locked: in the caller's scope? still as the change left
 * them? what they were before, and what they are now.
 */
static const struct db_stmt stmt_undo_rows = {
	"undo_rows",
	"SELECT d.id, d.name," OWNED_BY_CALLER ", pp_mail_json(m) = a.after,"
	"       " SETTINGS_JSON("a.before") ", " SETTINGS_COLS
	"  FROM audit_log a"
	"  JOIN domains d ON d.id = a.domain_id"
	"  JOIN mail_settings m ON m.domain_id = d.id"
	" WHERE a.change_id = $1::bigint AND a.action = 'mail_settings'"
	" ORDER BY d.name FOR UPDATE OF m"
};
static const struct db_stmt stmt_undo_update = {
	"undo_update",
	"UPDATE mail_settings m SET"
	"       service_enabled = (a.before->>'service')::boolean,"
	"       unknown_policy = (a.before->>'policy')::unknown_policy,"
	"       bounce_message = a.before->>'bounce_message',"
	"       forward_address = a.before->>'forward_address',"
	"       redirect_ip = (a.before->>'redirect_ip')::inet,"
	"       redirect_port = (a.before->>'redirect_port')::integer,"
	"       webmail = a.before->>'webmail',"
	"       domain_limit_mode = (a.before->>'domain_limit_mode')::limit_mode,"
	"       domain_limit = (a.before->>'domain_limit')::integer,"
	"       mailbox_limit_mode = (a.before->>'mailbox_limit_mode')::limit_mode,"
	"       mailbox_limit = (a.before->>'mailbox_limit')::integer,"
	"       version = m.version + 1, updated_at = now(), updated_by = pp_actor_id()"
	"  FROM audit_log a"
	" WHERE a.change_id = $1::bigint AND a.action = 'mail_settings'"
	"   AND a.domain_id = ANY($2::bigint[]) AND m.domain_id = a.domain_id"
	"   AND pp_mail_json(m) = a.after"
};
static const struct db_stmt stmt_undo_record = {
	"undo_record",
	"UPDATE changes SET selected = $2, domains = $3,"
	"       skipped = (SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object("
	"                    'domain', s.domain, 'reason', s.reason, 'field', s.field,"
	"                    'message', s.message, 'arg', s.arg)) ORDER BY s.i), '[]')"
	"                    FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[])"
	"                         WITH ORDINALITY AS s(domain, reason, field, message, arg, i))"
	" WHERE id = $1::bigint"
};
static const struct db_stmt stmt_undo_mark = {
	"undo_mark", "UPDATE changes SET undone_by = $2::bigint WHERE id = $1::bigint"
};

static void add_skip(struct undo_result *out, const char *domain, const char *reason,
		     const struct field_error *fe)
{
	struct undo_skip *s;

	out->skipped = xrealloc(out->skipped, (out->n_skipped + 1) * sizeof(*out->skipped));
	s = &out->skipped[out->n_skipped++];
	memset(s, 0, sizeof(*s));
	s->domain = xstrdup(domain);
	s->reason = xstrdup(reason);
	if (fe) {
		s->field = xstrdup(fe->field);
		s->message = xstrdup(fe->msgid);
		s->arg = fe->arg ? xstrdup(fe->arg) : NULL;
	}
}

static enum db_status undo_record(struct db *db, long long change_id, long long selected,
				  long long restored, const struct undo_result *out)
{
	struct buf col[5];
	const char *params[8];
	char id[24], sel[24], n[24];
	enum db_status st;

	snprintf(id, sizeof(id), "%lld", change_id);
	snprintf(sel, sizeof(sel), "%lld", selected);
	snprintf(n, sizeof(n), "%lld", restored);
	for (int c = 0; c < 5; c++) {
		col[c] = (struct buf)BUF_INIT;
		arr_open(&col[c]);
	}
	for (size_t i = 0; i < out->n_skipped; i++) {
		arr_add(&col[0], out->skipped[i].domain);
		arr_add(&col[1], out->skipped[i].reason);
		arr_add(&col[2], out->skipped[i].field);
		arr_add(&col[3], out->skipped[i].message);
		arr_add(&col[4], out->skipped[i].arg);
	}
	params[0] = id;
	params[1] = sel;
	params[2] = n;
	for (int c = 0; c < 5; c++) {
		buf_putc(&col[c], '}');
		params[3 + c] = buf_cstr(&col[c]);
	}
	st = db_run(db, &stmt_undo_record, 8, params);
	for (int c = 0; c < 5; c++)
		buf_release(&col[c]);
	return st;
}

/* Classifies the locked rows; the ids to restore go into ids (an array literal). */
static long long undo_classify(const PGresult *res, const struct bulk_set *ctxset,
			       db_undo_check_fn check, void *ctx, struct undo_result *out,
			       struct buf *ids)
{
	struct mail_context mc = { NULL, ctxset->outgoing_control,
				   (const char *const *)ctxset->installed, ctxset->n_installed };
	long long n = 0;

	arr_open(ids);
	for (int r = 0; r < PQntuples(res); r++) {
		const char *name = PQgetvalue(res, r, 1);
		struct mail_settings before, current;
		struct mail_errors errs = { .n = 0 };

		if (!db_col_bool(res, r, 2)) {
			add_skip(out, name, "scope", NULL);
			continue;
		}
		if (!db_col_bool(res, r, 3)) {
			add_skip(out, name, "changed", NULL);
			continue;
		}
		memset(&before, 0, sizeof(before));
		memset(&current, 0, sizeof(current));
		read_settings(res, r, 4, &before);
		read_settings(res, r, 15, &current);
		mc.domain = name;
		if (check(ctx, name, &before, &current, &mc, &errs) > 0) {
			add_skip(out, name, "invalid", &errs.e[0]);
		} else {
			arr_add_int(ids, db_col_ll(res, r, 0), 1);
			n++;
		}
		mailcfg_clear(&before);
		mailcfg_clear(&current);
	}
	buf_putc(ids, '}');
	return n;
}

enum db_status db_change_undo(struct db *db, const struct actor *actor, long long id,
			      db_undo_check_fn check, void *ctx, struct undo_result *out)
{
	struct actor undo = *actor;
	struct bulk_set server;
	struct buf ids = BUF_INIT;
	char cid[24], aid[24], nid[24];
	const char *params[3] = { cid, NULL, aid }, *mark[2] = { cid, nid };
	long long selected = 0, restored;
	int nothing = 0;
	enum db_status st;
	PGresult *res;

	memset(out, 0, sizeof(*out));
	memset(&server, 0, sizeof(server));
	undo.source = "undo";
	snprintf(cid, sizeof(cid), "%lld", id);
	db_actor_params(actor, aid, &params[1]);
	if ((st = db_begin(db, &undo)) != DB_OK)
		return st;
	if ((res = db_exec(db, &stmt_undo_lock, 3, params, &st)) == NULL)
		goto fail;
	if (PQntuples(res) != 1 || !PQgetisnull(res, 0, 0)) {
		st = PQntuples(res) != 1 ? DB_NOTFOUND : DB_CONFLICT;
		out->undone_by = PQntuples(res) == 1 ? db_col_ll(res, 0, 0) : 0;
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	if ((res = db_exec(db, &stmt_undo_insert, 1, params, &st)) == NULL)
		goto fail;
	out->change_id = db_col_ll(res, 0, 0);
	PQclear(res);
	snprintf(nid, sizeof(nid), "%lld", out->change_id);
	if ((st = db_set_change(db, out->change_id)) != DB_OK || (st = read_context(db, &server)) != DB_OK)
		goto fail;
	if ((res = db_exec(db, &stmt_undo_deleted, 1, params, &st)) == NULL)
		goto fail;
	for (int r = 0; r < PQntuples(res); r++)
		add_skip(out, PQgetvalue(res, r, 0), "deleted", NULL);
	selected += PQntuples(res);
	PQclear(res);
	if ((res = db_exec(db, &stmt_undo_rows, 3, params, &st)) == NULL)
		goto fail;
	selected += PQntuples(res);
	restored = undo_classify(res, &server, check, ctx, out, &ids);
	PQclear(res);
	if (restored == 0) {
		nothing = 1;
		st = DB_INVALID;
		goto fail;
	}
	params[1] = buf_cstr(&ids);
	if ((res = db_exec(db, &stmt_undo_update, 2, params, &st)) == NULL)
		goto fail;
	out->restored = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	if (out->restored != restored) {
		db_set_error(db, "undo: %lld rows restored, %lld expected", out->restored, restored);
		st = DB_ERROR;
		goto fail;
	}
	if ((st = undo_record(db, out->change_id, selected, restored, out)) != DB_OK ||
	    (st = db_run(db, &stmt_undo_mark, 2, mark)) != DB_OK)
		goto fail;
	buf_release(&ids);
	db_bulk_set_clear(&server);
	return db_commit(db);
fail:
	db_rollback(db);
	buf_release(&ids);
	db_bulk_set_clear(&server);
	out->change_id = 0;
	/* DB_INVALID means "nothing to restore"; a refused statement is an error here. */
	return st == DB_INVALID && !nothing ? DB_ERROR : st;
}

void db_undo_result_clear(struct undo_result *r)
{
	skips_free(r->skipped, r->n_skipped);
	memset(r, 0, sizeof(*r));
}
