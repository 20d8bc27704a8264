/*
 * NAME
 *	db - every query postpanel makes, over one libpq connection
 * SYNOPSIS
 *	struct db *db = db_open("host=/run/pp dbname=postpanel");
 *	struct mail_view v;
 *	switch (db_mail_get(db, &actor, "example.com", &v)) { ... }
 *	db_mail_view_clear(&v);
 *	db = db_close(db);
 * DESCRIPTION
 *	All SQL lives in this module; every statement is parameterised and
 *	prepared once per connection. The connection is opened lazily and
 *	re-opened after the server restarted: a statement that fails because
 *	the connection died is retried once on a new connection, unless it
 *	ran inside a transaction (then the caller gets DB_DOWN and nothing
 *	was written).
 *
 *	Reads of a domain take the caller (struct actor) and check role and
 *	ownership in the same query that reads the row: a domain the caller
 *	may not see is DB_NOTFOUND, exactly like one that does not exist.
 *
 *	Writes set the actor and source for the transaction; triggers in the
 *	schema then write the audit log, bump the change generation and
 *	notify the map daemons (sql/001_schema.sql).
 *
 *	Result structures own their strings; release them with the matching
 *	*_clear() function (which accepts a zeroed structure).
 */
#ifndef PP_DB_H
#define PP_DB_H

#include <stddef.h>
#include <stdio.h>

#include "model/mailcfg.h"
#include "model/role.h"
#include "model/servercfg.h"
#include "util/token.h"

enum db_status {
	DB_OK = 0,
	DB_NOTFOUND,	/* no such row, or not the caller's */
	DB_CONFLICT,	/* changed by someone else since it was read */
	DB_DUPLICATE,	/* would create a second row with the same key */
	DB_INVALID,	/* refused by a constraint (bad reference, wrong role) */
	DB_LOCKED,	/* login throttled */
	DB_DOWN,	/* the database cannot be reached */
	DB_ERROR	/* anything else; logged */
};

struct db;

/* The person or program behind a request. Strings are borrowed. */
struct actor {
	long long id;		/* 0: a command-line administrator without account */
	enum role role;
	const char *login;
	const char *source;	/* "web", "cli", "bulk", "api" */
};

struct db *db_open(const char *conninfo);
struct db *db_close(struct db *db);
/* Connects if needed; 1 when the database answers. */
int db_available(struct db *db);
/* Text of the last error, for logs and the command line; owned by db. */
const char *db_error(const struct db *db);
const char *db_status_name(enum db_status st);

/* ---- schema migrations (db_migrate.c) ---- */
/* Applies sql/NNN_*.sql files from dir not yet applied, each once, in order. */
enum db_status db_migrate(struct db *db, const char *dir, FILE *report);

/* ---- accounts, sessions, logins (db_account.c) ---- */
struct session_info {
	long long account_id;
	char login[72];
	enum role role;
	char language[8];		/* "" when the account has no preference */
	char server_language[8];	/* the administrator's default */
	char csrf[TOKEN_HEX_LEN + 1];
};

enum db_status db_account_add(struct db *db, const struct actor *actor, const char *login,
			      const char *password_hash, enum role role,
			      const char *reseller_login, const char *language);
/*
 * Checks a login attempt, with throttling by login name and by client
 * address. DB_OK fills *who; DB_NOTFOUND means wrong login or password;
 * DB_LOCKED sets *retry_after (seconds).
 */
enum db_status db_login(struct db *db, const char *login, const char *password,
			const char *client, struct session_info *who, int *retry_after);
/* Creates a session for who; token receives the cookie value. */
enum db_status db_session_create(struct db *db, struct session_info *who,
				 char token[TOKEN_HEX_LEN + 1]);
enum db_status db_session_get(struct db *db, const char *token, struct session_info *who);
enum db_status db_session_delete(struct db *db, const char *token);
/*
 * Saves the account's language ("en", "fr", "sv"; NULL or "": no
 * preference, the browser and the server decide). Audited; the owner's
 * language chooses the default bounce text, so the maps follow.
 */
enum db_status db_account_set_language(struct db *db, const struct actor *actor,
				       long long account_id, const char *language);

/* ---- domains (db_domain.c) ---- */
struct domain_row {
	char *name;
	char *owner;
	int service;
	enum mail_policy policy;
	char *webmail;			/* NULL: none */
};

#define DB_PAGE_SIZE 50	/* domains per list page */

struct domain_query {
	const char *search;		/* substring of the name; "" for all */
	const char *after;		/* next page: names after this one */
	const char *before;		/* previous page: names before this one */
};

struct domain_page {
	struct domain_row *rows;
	size_t n;
	int has_prev;
	int has_next;
	long long total;		/* domains in the caller's scope (matching search) */
	int total_capped;		/* total is a lower bound */
};

enum db_status db_domain_list(struct db *db, const struct actor *actor,
			      const struct domain_query *q, struct domain_page *out);
void db_domain_page_clear(struct domain_page *p);
enum db_status db_domain_add(struct db *db, const struct actor *actor, const char *name,
			     const char *owner_login);
/*
 * Adds n domains in one transaction: all or none. DB_NOTFOUND: some
 * owner is not a customer; DB_DUPLICATE: some name exists (db_error()
 * names it).
 */
enum db_status db_domain_import(struct db *db, const struct actor *actor,
				const char *const *names, const char *const *owners,
				size_t n);

/* ---- mail settings (db_mail.c) ---- */
struct webmail {
	char *name;
	char *label;
	int installed;
};

struct webmail_list {
	struct webmail *items;
	size_t n;
};

/* Whether a domain's last change is applied on every mail server. */
struct node_state {
	char *node;
	int pending;			/* the domain's last change is not applied yet */
	int down;			/* no heartbeat for a while */
	char *since;			/* pending since (the change's time), ISO 8601 */
	char *error;			/* the node's last failure, if it is failing */
};

struct apply_status {
	struct node_state *nodes;
	size_t n;
};

struct mail_view {
	long long domain_id;
	char *name;
	char *owner;
	char *owner_language;		/* the owner's, else the server default */
	struct mail_settings s;
	long long version;
	char *updated_at;		/* ISO 8601, UTC */
	char *updated_by;		/* login, or NULL */
	int outgoing_control;
	int default_domain_limit;	/* 0: unlimited */
	int default_mailbox_limit;	/* 0: unlimited */
	struct webmail_list webmails;	/* every webmail the server knows */
	struct apply_status apply;	/* read with it: one round trip for the page */
};

enum db_status db_mail_get(struct db *db, const struct actor *actor, const char *domain,
			   struct mail_view *out);
void db_mail_view_clear(struct mail_view *v);
/*
 * The session lookup (db_session_get) and the domain's mail settings for
 * that session's caller, in one round trip: the page's two reads. The
 * return value is the session's status; *mail_st the domain's (DB_OK, or
 * DB_NOTFOUND when the caller may not see it), valid when the session is.
 */
enum db_status db_mail_get_session(struct db *db, const char *token, const char *domain,
				   struct session_info *who, struct mail_view *out,
				   enum db_status *mail_st);
/*
 * Saves s for the domain if its version is still `version`: DB_OK sets
 * *new_version; DB_CONFLICT means someone saved in between (nothing
 * written); DB_NOTFOUND that the caller may not edit it.
 */
enum db_status db_mail_save(struct db *db, const struct actor *actor, long long domain_id,
			    long long version, const struct mail_settings *s,
			    long long *new_version);

/* ---- server settings and webmails (db_server.c) ---- */
struct server_settings {
	struct server_config c;
	long long version;
	char *updated_at;
	char *updated_by;
};

enum db_status db_webmail_list(struct db *db, struct webmail_list *out);
void db_webmail_list_clear(struct webmail_list *l);
enum db_status db_server_get(struct db *db, struct server_settings *out);
void db_server_clear(struct server_settings *s);
/*
 * Saves the server settings and which webmails are installed (names in
 * installed[]), if the settings are still at `version`. A webmail still
 * chosen by some domain cannot be uninstalled: DB_INVALID, *in_use set.
 */
enum db_status db_server_save(struct db *db, const struct actor *actor, long long version,
			      const struct server_config *c, const char *const *installed,
			      size_t n_installed, long long *in_use);

/* ---- mailboxes and aliases (db_address.c) ---- */
struct address_row {
	char *local_part;
	char *targets;			/* aliases: comma-separated; NULL for mailboxes */
};

struct address_list {
	long long domain_id;		/* for db_apply_status() */
	struct address_row *mailboxes;
	size_t n_mailboxes;
	struct address_row *aliases;
	size_t n_aliases;
};

/* A domain's mailboxes and aliases, if the caller may see the domain. */
enum db_status db_address_list(struct db *db, const struct actor *actor, const char *domain,
			       struct address_list *out);
void db_address_list_clear(struct address_list *l);
/* DB_DUPLICATE: the address is taken (by a mailbox or an alias). */
enum db_status db_mailbox_add(struct db *db, const struct actor *actor, const char *domain,
			      const char *local_part);
/*
 * Adds n mailboxes (domain i, local part i; validated) in one transaction:
 * all or none. DB_NOTFOUND when a domain does not exist or is not the
 * caller's, DB_DUPLICATE when an address exists already (or twice).
 */
enum db_status db_mailbox_import(struct db *db, const struct actor *actor, const char *const *domains,
				 const char *const *local_parts, size_t n);
/* targets: comma-separated validated addresses. Creates or replaces. */
enum db_status db_alias_set(struct db *db, const struct actor *actor, const char *domain,
			    const char *local_part, const char *targets);
/* Deletes a mailbox or alias; DB_NOTFOUND when there is none. */
enum db_status db_address_delete(struct db *db, const struct actor *actor, const char *domain,
				 const char *local_part);

/* ---- what the map daemons read and record (db_maps.c) ---- */
/*
 * A consistent snapshot: db_maps_begin() starts a read-only repeatable
 * read transaction and returns the change generation it sees; every read
 * until db_maps_end() comes from that same snapshot.
 */
enum db_status db_maps_begin(struct db *db, long long *generation);
void db_maps_end(struct db *db);

/*
 * Row callbacks get the columns as strings (NULL for SQL NULL) and return
 * 0 to go on, anything else to stop (the read then returns DB_ERROR).
 * names: the domains to read, or NULL for all (streamed with COPY).
 *
 * domains:   id, name, service (t/f), policy, bounce_message, owner language,
 *            forward_address, redirect_ip, redirect_port, webmail
 * mailboxes: domain id, local part          (ordered by domain)
 * aliases:   domain id, local part, targets (comma-separated)
 * changes:   domain name (NULL for server-wide changes), action,
 *            local part before the change (mailboxes and aliases)
 */
typedef int (*db_row_fn)(void *ctx, const char *const *cols);
enum db_status db_maps_domains(struct db *db, const char *const *names, size_t n, db_row_fn fn, void *ctx);
enum db_status db_maps_mailboxes(struct db *db, const char *const *names, size_t n, db_row_fn fn, void *ctx);
enum db_status db_maps_aliases(struct db *db, const char *const *names, size_t n, db_row_fn fn, void *ctx);
enum db_status db_maps_changes(struct db *db, long long after, long long upto, db_row_fn fn, void *ctx);
/*
 * Every domain for a full build, in one pass: the columns of
 * db_maps_domains(), then the number of its mailboxes and their local
 * parts separated by spaces (a local part with a space in it shows as a
 * count that does not match); both NULL when it has none or its service
 * is off.
 */
enum db_status db_maps_full(struct db *db, db_row_fn fn, void *ctx);

/* The map daemon of node records itself, its progress and its failures. */
enum db_status db_node_start(struct db *db, const char *node, long long *applied);
enum db_status db_node_applied(struct db *db, const char *node, long long generation);
enum db_status db_node_failed(struct db *db, const char *node, long long generation, const char *error);
enum db_status db_node_heartbeat(struct db *db, const char *node);
/* Waits for NOTIFY postpanel_changes: 1 notified, 0 timeout, -1 connection lost. */
int db_wait_change(struct db *db, int timeout_ms);
enum db_status db_listen_changes(struct db *db);

enum db_status db_apply_status(struct db *db, long long domain_id, struct apply_status *out);
void db_apply_status_clear(struct apply_status *s);

/* ---- bulk changes, their undo, and the audit history (db_bulk.c) ---- */
/*
 * Which domains a bulk change selects: the caller's scope (by role, in
 * SQL) and every condition given here. Strings "" mean "any"; names
 * (the domains ticked on a page) is one more condition, so a name
 * outside the caller's scope selects nothing.
 */
struct bulk_filter {
	const char *name;		/* substring of the (ASCII) name */
	const char *owner;		/* the owner's login */
	const char *service;		/* "on" or "off" */
	const char *policy;		/* a policy name */
	const char *webmail;		/* a webmail name, or "none" */
	const char *const *names;	/* NULL: no such condition */
	size_t n_names;
};

struct bulk_domain {
	long long id;
	char *name;
	char *owner;
	struct mail_settings s;		/* as stored */
	long long version;
	int edited_since;		/* apply: saved at or after the preview */
	char *updated_by;		/* login of the last editor, or NULL */
	char *updated_at;		/* ISO 8601, UTC */
	/* Set by the decide callback of db_bulk_apply(): */
	int write;			/* 1: store next */
	struct mail_settings next;
};

struct bulk_set {
	struct bulk_domain *d;		/* in name order */
	size_t n;
	long long snapshot;		/* the database's time of the read, in µs since 1970 */
	int outgoing_control;		/* server settings at that time */
	char **installed;		/* installed webmail names */
	size_t n_installed;
};

/* One page (DB_PAGE_SIZE) of the selection in name order, and its exact size. */
enum db_status db_bulk_list(struct db *db, const struct actor *actor, const struct bulk_filter *f,
			    const char *after, const char *before, struct domain_page *out);
/* Every selected domain with its settings, and the server context, from one snapshot. */
enum db_status db_bulk_read(struct db *db, const struct actor *actor, const struct bulk_filter *f,
			    struct bulk_set *out);
void db_bulk_set_clear(struct bulk_set *s);

/*
 * Decides, inside the apply transaction and with every selected row
 * locked, what each domain becomes (d[i].write, d[i].next). Returns 0 to
 * store that, anything else to roll back.
 */
typedef int (*db_bulk_decide_fn)(void *ctx, struct bulk_set *set);
/*
 * One bulk change, all or nothing: records the change (actor from
 * actor, source "bulk", action and in as asked, the selection f, the
 * preview's snapshot), locks and reads the selection into *set (with
 * edited_since against snapshot), lets decide() choose, then writes
 * every chosen domain in one statement (one audit insert, one
 * generation, one notification) and commits. DB_OK: *change_id is the
 * new change; DB_CONFLICT: decide() refused, nothing was written and
 * *set is left for the caller to report. *set must be cleared either way.
 */
enum db_status db_bulk_apply(struct db *db, const struct actor *actor, const char *action,
			     const struct mail_input *in, const struct bulk_filter *f,
			     long long snapshot, db_bulk_decide_fn decide, void *ctx,
			     struct bulk_set *set, long long *change_id);

/* A recorded change. Strings are owned; NULL when absent. */
struct change_info {
	long long id;
	char *at;			/* ISO 8601, UTC */
	char *actor;
	char *source;			/* bulk, undo, api */
	char *action;			/* service, webmail, policy, limits */
	/* The action's fields as asked (params), NULL when not part of it. */
	char *service, *policy, *bounce_message, *forward_address, *redirect_ip, *redirect_port,
	     *webmail, *domain_limit_mode, *domain_limit, *mailbox_limit_mode, *mailbox_limit;
	/* The selection: the filter's conditions, or the ticked names. */
	char *f_name, *f_owner, *f_service, *f_policy, *f_webmail;
	char *names;			/* ticked names, comma-separated; NULL: the filter */
	char *previewed_at;
	long long selected;		/* domains selected */
	long long domains;		/* domains changed (restored, for an undo) */
	long long undoes;		/* 0, or the change this one undoes */
	long long undone_by;		/* 0, or the change that undid this one */
	struct undo_skip *skipped;	/* undo: domains left as they were */
	size_t n_skipped;
};

/* Why an undo left a domain as it was. */
struct undo_skip {
	char *domain;
	char *reason;			/* changed, deleted, scope, invalid */
	char *field;			/* invalid: the field and mailcfg's message */
	char *message;
	char *arg;
};

struct change_list {
	struct change_info *items;
	size_t n;
	int has_more;			/* older changes exist (before the last id) */
};

/*
 * Changes visible to the caller (administrators: all; others: their
 * own), newest first, DB_PAGE_SIZE from before the id `before` (0: the
 * newest).
 */
enum db_status db_change_list(struct db *db, const struct actor *actor, long long before,
			      struct change_list *out);
void db_change_list_clear(struct change_list *l);
enum db_status db_change_get(struct db *db, const struct actor *actor, long long id,
			     struct change_info *out);
void db_change_info_clear(struct change_info *c);

/* One audit row: who changed what, field by field (computed in SQL). */
struct audit_field {
	char *name;			/* key of the row's JSON */
	char *before;			/* text, NULL for none */
	char *after;
};

struct audit_entry {
	long long id;
	char *at;
	char *actor;
	char *source;
	long long change_id;		/* 0: not part of a change */
	char *domain;
	char *action;			/* mail_settings, mailbox_add, ... */
	struct audit_field *fields;	/* only the fields that differ */
	size_t n_fields;
};

struct audit_page {
	struct audit_entry *e;
	size_t n;
	int has_prev;			/* a page before this one exists */
	int has_next;
};

/*
 * A domain's audit rows, newest first, DB_PAGE_SIZE at a time: older
 * than before_id, or newer than after_id (0: the newest page).
 * DB_NOTFOUND when the caller may not see the domain.
 */
enum db_status db_domain_history(struct db *db, const struct actor *actor, const char *domain,
				 long long before_id, long long after_id, struct audit_page *out);
/* The audit rows of a change, in domain name order, after or before a name. */
enum db_status db_change_domains(struct db *db, const struct actor *actor, long long change_id,
				 const char *after, const char *before, struct audit_page *out);
void db_audit_page_clear(struct audit_page *p);

/*
 * Whether a domain may go back to before: mailcfg's validation of the
 * restoring input, like any other change; returns the number of errors
 * written to errs.
 */
typedef int (*db_undo_check_fn)(void *ctx, const char *domain, const struct mail_settings *before,
				const struct mail_settings *current, const struct mail_context *mc,
				struct mail_errors *errs);

struct undo_result {
	long long change_id;		/* DB_OK: the new change */
	long long undone_by;		/* DB_CONFLICT: the change that undid it already */
	long long restored;
	struct undo_skip *skipped;	/* DB_OK, DB_INVALID: domains left as they were */
	size_t n_skipped;
};

/*
 * Undoes change id in one transaction: every domain of it whose settings
 * are still what the change made of them, is in the caller's scope and
 * passes check() goes back to what it was before (one statement); the
 * others are listed in skipped and left as they are. DB_NOTFOUND: no
 * such change for this caller; DB_CONFLICT: undone already; DB_INVALID:
 * no domain could be restored (nothing written).
 */
enum db_status db_change_undo(struct db *db, const struct actor *actor, long long id,
			      db_undo_check_fn check, void *ctx, struct undo_result *out);
void db_undo_result_clear(struct undo_result *r);

#endif
