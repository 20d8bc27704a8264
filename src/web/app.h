/*
 * NAME
 *	app - the postpanel-web application: configuration and one request
 * DESCRIPTION
 *	struct web_config is read once per process from the configuration
 *	file and never changes afterwards. app_handle() answers one FastCGI
 *	request: it creates the per-request state, routes, renders, writes
 *	the response and destroys every piece of per-request state again.
 *	db and views belong to the worker process and outlive requests.
 */
#ifndef PP_APP_H
#define PP_APP_H

#include <fcgiapp.h>
#include <stddef.h>

#include "db/db.h"
#include "util/conf.h"
#include "views/view.h"

struct web_config {
	const char *listen;		/* unix socket path or host:port */
	int backlog;
	int workers;
	int socket_mode;		/* permissions of a unix socket */
	int drain_seconds;		/* grace period on SIGTERM */
	const char *database;		/* libpq connection string */
	const char *templates_dir;
	const char *locale_dir;
	const char *default_language;
	const char *static_url;		/* where nginx serves static/ */
	size_t max_body;
	size_t max_fields;
	size_t max_field_len;
	int secure_cookies;		/* 1: always, 0: when HTTPS=on */
	int cache_templates;		/* 0: parse templates at every request */
};

/* Fills cfg from c (values are borrowed from c); NULL or an error message. */
const char *app_config(struct web_config *cfg, const struct conf *c);
void app_handle(FCGX_Request *fcgi, const struct web_config *cfg, struct db *db,
		struct views *views);

#endif
