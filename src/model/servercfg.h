/*
 * NAME
 *	servercfg - server-wide mail settings and their rules
 * DESCRIPTION
 *	What the administrator decides for the whole server: outgoing mail
 *	control (forward targets stay inside the domain), the default
 *	outbound limits that domains inherit, what happens over a limit, and
 *	the default language. servercfg_apply() validates a struct
 *	server_input (raw strings from the form or command line, NULL = keep)
 *	onto a copy of base, recording errors per field like mailcfg_apply().
 *	Plain values only: nothing to free.
 */
#ifndef PP_SERVERCFG_H
#define PP_SERVERCFG_H

#include "model/mailcfg.h"

struct server_config {
	int outgoing_control;
	int default_domain_limit;	/* 0: unlimited */
	int default_mailbox_limit;	/* 0: unlimited */
	char over_limit_action[8];	/* "defer" or "reject" */
	char default_language[8];
};

struct server_input {
	const char *outgoing_control;		/* "on" / "off" */
	const char *domain_limit_mode;		/* "unlimited" / "custom" */
	const char *domain_limit;
	const char *mailbox_limit_mode;
	const char *mailbox_limit;
	const char *over_limit_action;
	const char *default_language;
};

int servercfg_apply(const struct server_config *base, const struct server_input *in,
		    struct server_config *out, struct mail_errors *errs);

#endif
