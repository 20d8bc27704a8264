/*
 * NAME
 *	bulk - one change of mail settings for many domains
 * SYNOPSIS
 *	struct bulk_request req;
 *	if (bulk_parse("policy", get_field, form, &req) != 0) bad_request();
 *	if (bulk_check(&req, &ctx, &errs) > 0) show_errors();
 *	for each selected domain:
 *		ctx.domain = name;
 *		switch (bulk_evaluate(&req, &ctx, &current, &next, &errs)) { ... }
 * DESCRIPTION
 *	A bulk action is one button of Plesk's Mail Settings toolbar:
 *	activate or deactivate the mail service, the webmail, mail to
 *	nonexistent users, outgoing limits. bulk_parse() turns the form of
 *	that button into a struct mail_input with only the fields of that
 *	action set (NULL: leave as it is), so that every domain goes through
 *	mailcfg_apply(), the one validation of every way in.
 *
 *	A forward address may be a template: "{domain}" is replaced by each
 *	domain's (ASCII) name before mailcfg_apply() sees it, so
 *	catchall@{domain} stays inside every domain; an address without it
 *	is the same for all, and outgoing mail control refuses it for every
 *	domain but its own. No other {...} is accepted.
 *
 *	bulk_check() validates the form once, before any domain is read:
 *	against default settings, with {domain} standing for example.com and
 *	without the rules that depend on the domain (outgoing mail control).
 *	What fails there is the user's typing and is shown beside the field;
 *	what fails only for some domains is that domain's refusal, with
 *	mailcfg's message (bulk_evaluate()).
 *
 *	Pure functions: no database, no global state; strings in the result
 *	of bulk_parse() are borrowed from the form, except the fixed values
 *	of the activate/deactivate buttons.
 */
#ifndef PP_BULK_H
#define PP_BULK_H

#include <stddef.h>
#include <stdint.h>

#include "model/mailcfg.h"

enum bulk_action { BULK_SERVICE, BULK_WEBMAIL, BULK_POLICY, BULK_LIMITS };

/* The placeholder of a forward address template. */
#define BULK_DOMAIN_PLACEHOLDER "{domain}"

struct bulk_request {
	enum bulk_action action;
	struct mail_input in;		/* only the action's fields are set */
};

/* Reads one form field; NULL when absent. */
typedef const char *(*bulk_field_fn)(void *ctx, const char *name);

/*
 * button: the toolbar button that was pressed: "activate", "deactivate",
 * "webmail", "policy" or "limits". Fields the action needs but the form
 * lacks are taken as "" (which mailcfg then refuses where a value is
 * required). Returns 0, or -1 for an unknown button.
 */
int bulk_parse(const char *button, bulk_field_fn get, void *ctx, struct bulk_request *out);
/* The button that bulk_parse() reads back into req ("activate", ...). */
const char *bulk_button(const struct bulk_request *req);
/* The action's name as stored with the change: service, webmail, policy, limits. */
const char *bulk_action_name(enum bulk_action a);
/* Fields of the form of an action, in form order: names set in req->in. */
size_t bulk_fields(const struct bulk_request *req, const char *names[], const char *values[],
		   size_t max);

/*
 * tmpl with every {domain} replaced by domain (malloc'd); NULL when tmpl
 * holds a '{' or '}' that is not part of {domain}.
 */
char *bulk_expand(const char *tmpl, const char *domain);
/* Whether a forward address is a template (holds {domain}). */
int bulk_is_template(const char *tmpl);

/* Validates the form alone; ctx->domain and outgoing control are ignored. */
int bulk_check(const struct bulk_request *req, const struct mail_context *ctx,
	       struct mail_errors *errs);

enum bulk_outcome { BULK_CHANGE, BULK_SAME, BULK_REFUSED };

/*
 * What the action makes of one domain (ctx->domain) whose settings are
 * current: next (release with mailcfg_clear()) and the outcome; for
 * BULK_REFUSED errs says why.
 */
enum bulk_outcome bulk_evaluate(const struct bulk_request *req, const struct mail_context *ctx,
				const struct mail_settings *current, struct mail_settings *next,
				struct mail_errors *errs);

int bulk_settings_equal(const struct mail_settings *a, const struct mail_settings *b);

/*
 * The fields that differ between a and b, with the keys and the text
 * forms the audit log's JSON has (see pp_mail_json() and jsonb_each_text:
 * booleans "true"/"false", numbers in decimal, NULL for none). Returns
 * how many were written to out. A struct bulk_field points into itself:
 * do not copy one.
 */
#define BULK_FIELDS 11
struct bulk_field {
	const char *name;
	const char *before;
	const char *after;
	char num_before[16];
	char num_after[16];
};
size_t bulk_diff(const struct mail_settings *a, const struct mail_settings *b,
		 struct bulk_field out[BULK_FIELDS]);

/*
 * The input that turns current back into before: the fields that differ,
 * written as a user would type them (numbers into the three buffers).
 * Undo validates it with mailcfg_apply() like any other change.
 */
void bulk_restore_input(const struct mail_settings *before, const struct mail_settings *current,
			struct mail_input *in, char port[16], char domain_limit[16],
			char mailbox_limit[16]);

/*
 * A digest of the selection as the preview saw it: every domain's id and
 * version, in the order read. The apply compares it with the digest of
 * the rows it locked: any difference (a domain edited, added to or
 * dropped from the selection) means the preview is out of date.
 */
#define BULK_DIGEST_INIT UINT64_C(0xcbf29ce484222325)
uint64_t bulk_digest_add(uint64_t digest, long long id, long long version);

#endif
