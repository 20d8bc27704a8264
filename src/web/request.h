/*
 * NAME
 *	request - the state of one HTTP request, created and destroyed per request
 * SYNOPSIS
 *	struct request *r = request_create(fcgi, cfg, db, views);
 *	... a handler fills r->hdf and calls request_render(r, 200, "x.cs") ...
 *	request_send(r);
 *	r = request_destroy(r);
 * DESCRIPTION
 *	request_create() reads the FastCGI parameters, the query string, the
 *	cookies and (for POST) the urlencoded body, within the configured
 *	limits; when a limit is exceeded r->input_error holds the HTTP status
 *	to answer (400, 413, 415) and no handler runs. Everything hanging off
 *	the request (forms, HDF tree, response buffers) is owned by it and
 *	freed by request_destroy(), which accepts NULL.
 */
#ifndef PP_REQUEST_H
#define PP_REQUEST_H

#include <fcgiapp.h>

#include "db/db.h"
#include "util/buf.h"
#include "views/view.h"
#include "web/app.h"
#include "web/form.h"

struct request {
	FCGX_Request *fcgi;
	const struct web_config *cfg;
	struct db *db;
	struct views *views;

	const char *method;
	const char *path;
	const char *client;		/* REMOTE_ADDR */
	int https;
	struct form *query;
	struct form *body;
	struct form *cookies;
	int input_error;		/* 0, or the status to answer */

	int logged_in;
	struct session_info who;
	/* Read with the session for pages that show one domain (or NULL). */
	struct mail_view *mail;
	enum db_status mail_st;
	struct actor actor;
	const char *lang;

	HDF *hdf;
	int status;
	struct buf headers;
	struct buf out;
	int sent;
};

struct request *request_create(FCGX_Request *fcgi, const struct web_config *cfg, struct db *db,
			       struct views *views);
struct request *request_destroy(struct request *r);
/* A FastCGI parameter (CGI variable), or "" when absent. */
const char *request_env(const struct request *r, const char *name);
/* A form field: from the body for POST, else from the query string. */
const char *request_param(const struct request *r, const char *name);
const char *request_cookie(const struct request *r, const char *name);
void request_add_header(struct request *r, const char *name, const char *value);
/* Sets a cookie with Path=/, HttpOnly, SameSite=Lax and Secure over HTTPS. */
void request_set_cookie(struct request *r, const char *name, const char *value, int max_age);
void request_redirect(struct request *r, const char *location);
/* Renders the template into the response body with the given status. */
void request_render(struct request *r, int status, const char *template_name);
/* Renders the error page for status (403, 404, 503, ...). */
void request_error(struct request *r, int status);
/* Writes status, headers and body to the web server. */
void request_send(struct request *r);

#endif
