/*
 * NAME
 *	mailcfg - a domain's mail settings and the rules that govern them
 * SYNOPSIS
 *	struct mail_settings next;
 *	struct mail_errors errs = { 0 };
 *	if (mailcfg_apply(&current, &input, &ctx, &next, &errs) == 0)
 *		save(&next);
 *	mailcfg_clear(&next);
 * DESCRIPTION
 *	One place decides what a valid setting is, for every way in: the
 *	per-domain page, the command line, bulk edits and the XML API all
 *	describe a change as a struct mail_input (raw strings, NULL = leave
 *	as it is) and call mailcfg_apply(). It copies base into out, applies
 *	each present field, checks the rules that tie fields together (the
 *	chosen policy needs its value; with outgoing mail control the forward
 *	address stays inside the domain; the webmail must be installed) and
 *	records a message per field in errs. It returns the number of errors;
 *	out is complete either way and must be released with mailcfg_clear().
 *	Strings in struct mail_settings are owned by it (malloc'd).
 */
#ifndef PP_MAILCFG_H
#define PP_MAILCFG_H

#include <stddef.h>

enum mail_policy { POLICY_BOUNCE, POLICY_FORWARD, POLICY_REDIRECT, POLICY_REJECT };
enum limit_mode { LIMIT_DEFAULT, LIMIT_UNLIMITED, LIMIT_CUSTOM };

#define MAILCFG_DEFAULT_PORT 25


struct mail_settings {
	int service;			/* 1: the server hosts this domain's mail */
	enum mail_policy policy;	/* mail to addresses that do not exist */
	char *bounce_message;		/* NULL: the default text */
	char *forward_address;		/* NULL: never set */
	char *redirect_ip;		/* canonical text; NULL: never set */
	int redirect_port;
	char *webmail;			/* NULL: no webmail */
	enum limit_mode domain_limit_mode;
	int domain_limit;		/* kept when the mode is not custom */
	enum limit_mode mailbox_limit_mode;
	int mailbox_limit;
};

struct mail_input {
	const char *service;		/* "on" or "off" */
	const char *policy;		/* "bounce", "forward", "redirect", "reject" */
	const char *bounce_message;	/* "" = the default text */
	const char *forward_address;
	const char *redirect_ip;
	const char *redirect_port;	/* "" = 25 */
	const char *webmail;		/* "" or "none" = no webmail */
	const char *domain_limit_mode;	/* "default", "unlimited", "custom" */
	const char *domain_limit;
	const char *mailbox_limit_mode;
	const char *mailbox_limit;
};

struct mail_context {
	const char *domain;		/* ASCII name of the domain being edited */
	int outgoing_control;		/* forward target must be in the domain */
	const char *const *webmails;	/* installed webmail names */
	size_t n_webmails;
};

#define MAILCFG_MAX_ERRORS 16

struct field_error {
	const char *field;		/* form field name */
	const char *msgid;		/* English message id; may hold one %s */
	const char *arg;		/* the %s argument, or NULL */
};

struct mail_errors {
	struct field_error e[MAILCFG_MAX_ERRORS];
	size_t n;
};

void mailcfg_defaults(struct mail_settings *s);
void mailcfg_copy(struct mail_settings *dst, const struct mail_settings *src);
void mailcfg_clear(struct mail_settings *s);
int mailcfg_apply(const struct mail_settings *base, const struct mail_input *in,
		  const struct mail_context *ctx, struct mail_settings *out,
		  struct mail_errors *errs);
/* Adds an error unless the field already has one. */
void mailcfg_error(struct mail_errors *errs, const char *field, const char *msgid, const char *arg);
/* The message recorded for field, or NULL. */
const struct field_error *mailcfg_error_for(const struct mail_errors *errs, const char *field);

/* The bounce text when the domain has none of its own: a message id. */
const char *mailcfg_default_bounce(void);
/* The error in the current language, its %s replaced by arg. */
void mailcfg_error_text(const struct field_error *e, char *out, size_t size);
const char *mailcfg_policy_name(enum mail_policy p);
int mailcfg_policy_parse(const char *name, enum mail_policy *p);
const char *mailcfg_limit_mode_name(enum limit_mode m);
int mailcfg_limit_mode_parse(const char *name, enum limit_mode *m);

#endif
