/* The Mailboxes and aliases page of one domain. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "model/address.h"
#include "model/idn.h"
#include "util/xalloc.h"
#include "web/handlers.h"

/* What the user typed into the two forms, kept on an error. */
struct address_input {
	const char *mailbox;
	const char *alias;
	const char *targets;
};

/* What a successful change says after the redirect (?done=CODE&address=LOCAL). */
enum done { DONE_NONE, DONE_MAILBOX_ADDED, DONE_ALIAS_ADDED, DONE_ALIAS_REPLACED,
	    DONE_MAILBOX_DELETED, DONE_ALIAS_DELETED };

static const char *const done_codes[] = {
	[DONE_NONE] = "",
	[DONE_MAILBOX_ADDED] = "mailbox_added",
	[DONE_ALIAS_ADDED] = "alias_added",
	[DONE_ALIAS_REPLACED] = "alias_replaced",
	[DONE_MAILBOX_DELETED] = "mailbox_deleted",
	[DONE_ALIAS_DELETED] = "alias_deleted",
};

static char *done_text(enum done done, const char *address)
{
	switch (done) {
	case DONE_MAILBOX_ADDED:
		return xasprintf(_("The mailbox %s was added."), address);
	case DONE_ALIAS_ADDED:
		return xasprintf(_("The alias %s was added."), address);
	case DONE_ALIAS_REPLACED:
		return xasprintf(_("The targets of the alias %s were replaced."), address);
	case DONE_MAILBOX_DELETED:
		return xasprintf(_("The mailbox %s was deleted."), address);
	case DONE_ALIAS_DELETED:
		return xasprintf(_("The alias %s was deleted."), address);
	default:
		return NULL;
	}
}

static const struct address_row *find(const struct address_row *rows, size_t n, const char *lp)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].local_part, lp) == 0)
			return &rows[i];
	return NULL;
}

/* "local@domain" with the domain in its Unicode form (malloc'd). */
static char *shown_address(const char *local_part, const char *ascii_domain)
{
	char *display = idn_to_display(ascii_domain), *s = xasprintf("%s@%s", local_part, display);

	free(display);
	return s;
}

/* Stored targets ("a@x,b@xn--...") as people read them: "a@x, b@bücher..." */
static char *shown_targets(const char *stored, const char *sep)
{
	char *copy = xstrdup(stored), *save = NULL, *tok;
	struct buf out = BUF_INIT;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *at = strrchr(tok, '@');

		if (out.len > 0)
			buf_puts(&out, sep);
		if (at == NULL) {
			buf_puts(&out, tok);
		} else {
			char *display = idn_to_display(at + 1);

			buf_append(&out, tok, (size_t)(at + 1 - tok));
			buf_puts(&out, display);
			free(display);
		}
	}
	free(copy);
	return buf_steal(&out);
}

static void put_rows(struct request *r, const char *kind, const struct address_row *rows, size_t n,
		     const char *domain)
{
	for (size_t i = 0; i < n; i++) {
		char *address = shown_address(rows[i].local_part, domain);
		/* TRANSLATORS: the accessible name of a Delete button; %s is an e-mail address. */
		char *label = xasprintf(_("Delete %s"), address);

		view_setf(r->hdf, rows[i].local_part, "%s.%zu.local_part", kind, i);
		view_setf(r->hdf, address, "%s.%zu.address", kind, i);
		view_setf(r->hdf, label, "%s.%zu.delete_label", kind, i);
		free(label);
		if (rows[i].targets) {
			char *targets = shown_targets(rows[i].targets, ", ");

			view_setf(r->hdf, targets, "%s.%zu.targets", kind, i);
			free(targets);
		}
		free(address);
	}
}

/* The domain, its addresses and the state of the mail servers. */
static void put_page(struct request *r, const char *domain, const struct address_list *l)
{
	char *display = idn_to_display(domain);

	view_set(r->hdf, "domain.name", domain);
	if (strcmp(display, domain) != 0)
		view_set(r->hdf, "domain.display", display);
	free(display);
	put_rows(r, "mailboxes", l->mailboxes, l->n_mailboxes, domain);
	put_rows(r, "aliases", l->aliases, l->n_aliases, domain);
	{
		struct apply_status as;
		enum db_status st = db_apply_status(r->db, l->domain_id, &as);

		page_put_apply_status(r, &as, st);
		db_apply_status_clear(&as);
	}
	view_set(r->hdf, "page.title", _("Mailboxes and aliases"));
	view_set(r->hdf, "page.nav", "domains");
}

static void put_input(struct request *r, const struct address_input *in)
{
	view_set(r->hdf, "form.mailbox", in->mailbox);
	view_set(r->hdf, "form.alias", in->alias);
	view_set(r->hdf, "form.targets", in->targets);
}

/* Shows the page again, as it was, with what was typed and the messages set. */
static void render_again(struct request *r, int status, const char *domain, const struct address_list *l,
			 const struct address_input *in)
{
	put_page(r, domain, l);
	put_input(r, in);
	request_render(r, status, "addresses.cs");
}

static void put_field_error(struct request *r, const char *field, const char *text)
{
	view_setf(r->hdf, text, "errors.%s", field);
	view_set(r->hdf, "notice.error", _("Nothing was saved. Correct the fields marked below and save again."));
}

/* Checks a typed local part into lp; -1 after putting the message beside field. */
static int check_local_part(struct request *r, const char *field, const char *typed,
			    char lp[VALIDATE_LOCAL_MAX + 1])
{
	const char *why = address_local_part(typed ? typed : "", lp);

	if (why == NULL)
		return 0;
	put_field_error(r, field, _(why));
	return -1;
}

void page_addresses(struct request *r, const char *domain)
{
	struct address_list l;
	enum db_status st = db_address_list(r->db, &r->actor, domain, &l);
	const char *done = request_param(r, "done"), *edit = request_param(r, "edit");
	const char *address = request_param(r, "address");
	char lp[VALIDATE_LOCAL_MAX + 1];

	if (st != DB_OK) {
		db_address_list_clear(&l);
		page_db_error(r, st);
		return;
	}
	put_page(r, domain, &l);
	/* The notice of a change just made: a known code and a valid local part only. */
	if (done && address && address_local_part(address, lp) == NULL) {
		for (size_t i = 1; i < sizeof(done_codes) / sizeof(done_codes[0]); i++) {
			if (strcmp(done, done_codes[i]) == 0) {
				char *shown = shown_address(lp, domain), *text = done_text((enum done)i, shown);

				view_set(r->hdf, "notice.ok", text);
				free(text);
				free(shown);
			}
		}
	}
	/* "Change" on an alias: its local part and targets in the alias form. */
	if (edit && address_local_part(edit, lp) == NULL) {
		const struct address_row *a = find(l.aliases, l.n_aliases, lp);

		if (a) {
			char *targets = shown_targets(a->targets, "\n");

			view_set(r->hdf, "form.alias", a->local_part);
			view_set(r->hdf, "form.targets", targets);
			free(targets);
		}
	}
	request_render(r, 200, "addresses.cs");
	db_address_list_clear(&l);
}

static void redirect_done(struct request *r, const char *domain, enum done done, const char *lp)
{
	char *location = xasprintf("/domains/%s/addresses?done=%s&address=%s", domain, done_codes[done], lp);

	request_redirect(r, location);
	free(location);
}

/* DB_DUPLICATE: the address exists already, as a mailbox or as an alias. */
static void show_taken(struct request *r, const char *domain, const char *field, const char *lp)
{
	char *address = shown_address(lp, domain), *text;

	text = xasprintf(_("The address %s is already taken by a mailbox or an alias."), address);
	put_field_error(r, field, text);
	free(text);
	free(address);
}

static void add_mailbox(struct request *r, const char *domain, const struct address_list *l,
			const struct address_input *in)
{
	char lp[VALIDATE_LOCAL_MAX + 1];
	enum db_status st;

	if (check_local_part(r, "mailbox", in->mailbox, lp) != 0) {
		render_again(r, 422, domain, l, in);
		return;
	}
	st = db_mailbox_add(r->db, &r->actor, domain, lp);
	if (st == DB_OK) {
		redirect_done(r, domain, DONE_MAILBOX_ADDED, lp);
	} else if (st == DB_DUPLICATE) {
		show_taken(r, domain, "mailbox", lp);
		render_again(r, 409, domain, l, in);
	} else {
		page_db_error(r, st);
	}
}

static void set_alias(struct request *r, const char *domain, const struct address_list *l,
		      const struct address_input *in)
{
	char lp[VALIDATE_LOCAL_MAX + 1];
	struct buf targets = BUF_INIT;
	const char *why;
	int bad = check_local_part(r, "alias", in->alias, lp);
	enum db_status st;

	if ((why = address_targets(in->targets ? in->targets : "", &targets)) != NULL) {
		char *text;

		/* address_targets() names the first bad address, if one is to blame. */
		if (targets.len > 0)
			text = xasprintf(_("%s: %s"), targets.data, _(why));
		else
			text = xstrdup(_(why));
		put_field_error(r, "targets", text);
		free(text);
		bad = 1;
	}
	if (bad) {
		render_again(r, 422, domain, l, in);
		goto end;
	}
	st = db_alias_set(r->db, &r->actor, domain, lp, targets.data);
	if (st == DB_OK) {
		redirect_done(r, domain, find(l->aliases, l->n_aliases, lp) ? DONE_ALIAS_REPLACED : DONE_ALIAS_ADDED,
			      lp);
	} else if (st == DB_DUPLICATE) {
		show_taken(r, domain, "alias", lp);
		render_again(r, 409, domain, l, in);
	} else {
		page_db_error(r, st);
	}
end:
	buf_release(&targets);
}

static void delete_address(struct request *r, const char *domain, const struct address_list *l,
			   const struct address_input *in)
{
	const char *typed = request_param(r, "local_part");
	char lp[VALIDATE_LOCAL_MAX + 1];
	enum db_status st;
	int alias;

	/* The form carries a stored local part: anything else is not ours. */
	if (typed == NULL || address_local_part(typed, lp) != NULL) {
		request_error(r, 400);
		return;
	}
	alias = find(l->aliases, l->n_aliases, lp) != NULL;
	st = db_address_delete(r->db, &r->actor, domain, lp);
	if (st == DB_OK) {
		redirect_done(r, domain, alias ? DONE_ALIAS_DELETED : DONE_MAILBOX_DELETED, lp);
	} else if (st == DB_NOTFOUND) {
		/* The domain is the caller's (listed above): the address is gone. */
		char *address = shown_address(lp, domain), *text;

		text = xasprintf(_("There is no address %s: nothing was deleted."), address);
		view_set(r->hdf, "notice.error", text);
		render_again(r, 404, domain, l, in);
		free(text);
		free(address);
	} else {
		page_db_error(r, st);
	}
}

void page_addresses_save(struct request *r, const char *domain)
{
	struct address_list l;
	enum db_status st = db_address_list(r->db, &r->actor, domain, &l);
	const char *action = request_param(r, "action");
	struct address_input in = {
		.mailbox = request_param(r, "mailbox"),
		.alias = request_param(r, "alias"),
		.targets = request_param(r, "targets"),
	};

	if (st != DB_OK) {
		db_address_list_clear(&l);
		page_db_error(r, st);
		return;
	}
	if (action && strcmp(action, "add_mailbox") == 0)
		add_mailbox(r, domain, &l, &in);
	else if (action && strcmp(action, "set_alias") == 0)
		set_alias(r, domain, &l, &in);
	else if (action && strcmp(action, "delete") == 0)
		delete_address(r, domain, &l, &in);
	else
		request_error(r, 400);
	db_address_list_clear(&l);
}
