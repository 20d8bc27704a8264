#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "web/request.h"

const char *request_env(const struct request *r, const char *name)
{
	const char *v = FCGX_GetParam(name, r->fcgi->envp);

	return v ? v : "";
}

/* Reads the body; returns 0 or the HTTP status that refuses it. */
static int read_body(struct request *r, const struct form_limits *lim)
{
	const char *ctype = request_env(r, "CONTENT_TYPE");
	const char *clen = request_env(r, "CONTENT_LENGTH");
	char *data, *end;
	unsigned long len = strtoul(clen, &end, 10);
	int got;

	if (*clen == '\0' || len == 0)
		return 0;
	if (*end != '\0')
		return 400;
	if (len > r->cfg->max_body)
		return 413;
	if (strncmp(ctype, "application/x-www-form-urlencoded", 33) != 0)
		return 415;
	data = xmalloc(len + 1);
	got = FCGX_GetStr(data, (int)len, r->fcgi->in);
	if (got < 0 || (unsigned long)got != len) {
		free(data);
		return 400;
	}
	data[len] = '\0';
	got = form_parse_urlencoded(r->body, data, len, lim) == FORM_OK ? 0 : 400;
	free(data);
	return got;
}

struct request *request_create(FCGX_Request *fcgi, const struct web_config *cfg, struct db *db,
			       struct views *views)
{
	struct request *r = xcalloc(1, sizeof(*r));
	struct form_limits lim = { cfg->max_fields, 64, cfg->max_field_len };
	const char *qs, *cookie;

	r->fcgi = fcgi;
	r->cfg = cfg;
	r->db = db;
	r->views = views;
	r->status = 200;
	r->method = request_env(r, "REQUEST_METHOD");
	r->path = request_env(r, "DOCUMENT_URI");
	r->client = request_env(r, "REMOTE_ADDR");
	r->https = strcmp(request_env(r, "HTTPS"), "on") == 0;
	r->query = form_new();
	r->body = form_new();
	r->cookies = form_new();
	r->lang = cfg->default_language;
	r->hdf = view_data_new();

	qs = request_env(r, "QUERY_STRING");
	if (form_parse_urlencoded(r->query, qs, strlen(qs), &lim) != FORM_OK)
		r->input_error = 400;
	cookie = request_env(r, "HTTP_COOKIE");
	if (form_parse_cookies(r->cookies, cookie, &lim) != FORM_OK)
		r->input_error = 400;
	if (strcmp(r->method, "POST") == 0 && r->input_error == 0)
		r->input_error = read_body(r, &lim);
	return r;
}

struct request *request_destroy(struct request *r)
{
	if (r == NULL)
		return NULL;
	form_free(r->query);
	form_free(r->body);
	form_free(r->cookies);
	if (r->mail) {
		db_mail_view_clear(r->mail);
		free(r->mail);
	}
	view_data_free(r->hdf);
	buf_release(&r->headers);
	buf_release(&r->out);
	free(r);
	return NULL;
}

const char *request_param(const struct request *r, const char *name)
{
	return form_get(strcmp(r->method, "POST") == 0 ? r->body : r->query, name);
}

const char *request_cookie(const struct request *r, const char *name)
{
	return form_get(r->cookies, name);
}

void request_add_header(struct request *r, const char *name, const char *value)
{
	/* Header values come from our code; refuse line breaks all the same. */
	if (strpbrk(value, "\r\n") != NULL) {
		log_error("refusing header %s with a line break", name);
		return;
	}
	buf_appendf(&r->headers, "%s: %s\r\n", name, value);
}

void request_set_cookie(struct request *r, const char *name, const char *value, int max_age)
{
	char *v = xasprintf("%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s", name, value,
			    max_age, r->https || r->cfg->secure_cookies ? "; Secure" : "");

	request_add_header(r, "Set-Cookie", v);
	free(v);
}

void request_redirect(struct request *r, const char *location)
{
	r->status = 303;
	request_add_header(r, "Location", location);
}

/*
 * What every page's language switch needs (language_switch.cs); back is
 * where POST /language returns, NULL for this page as it was asked for.
 */
static void put_language_switch(struct request *r, const char *back_to)
{
	const char *const *langs = i18n_languages();
	const char *query = request_env(r, "QUERY_STRING");
	char *back;

	for (size_t i = 0; langs[i] != NULL; i++) {
		view_setf(r->hdf, langs[i], "langs.%zu.code", i);
		view_setf(r->hdf, i18n_language_name(langs[i]), "langs.%zu.name", i);
	}
	if (back_to)
		back = xstrdup(back_to);
	else if (strcmp(r->method, "GET") == 0 && *query != '\0')
		back = xasprintf("%s?%s", r->path, query);
	else
		back = xstrdup(r->path);
	view_set(r->hdf, "page.back", back);
	free(back);
}

static void render(struct request *r, int status, const char *template_name, const char *back)
{
	r->status = status;
	buf_reset(&r->out);
	view_set(r->hdf, "lang", r->lang);
	view_set(r->hdf, "static", r->cfg->static_url);
	put_language_switch(r, back);
	if (view_render(r->views, r->hdf, template_name, &r->out) != 0) {
		buf_reset(&r->out);
		r->status = 500;
		buf_puts(&r->out, _("Internal error: the page could not be rendered."));
		request_add_header(r, "Content-Type", "text/plain; charset=utf-8");
	}
}

void request_render(struct request *r, int status, const char *template_name)
{
	render(r, status, template_name, NULL);
}

void request_error(struct request *r, int status)
{
	const char *title, *text;

	switch (status) {
	case 400:
		title = _("Bad request");
		text = _("The request could not be understood. Reload the page and try again.");
		break;
	case 403:
		title = _("Forbidden");
		text = _("This request was refused: it did not carry a valid security token, or your account may not do this. Reload the page and try again.");
		break;
	case 404:
		title = _("Not found");
		text = _("There is no such page, or it does not belong to your account.");
		break;
	case 405:
		title = _("Method not allowed");
		text = _("This page cannot be used this way.");
		break;
	case 413:
		title = _("Request too large");
		text = _("The form sent more data than the server accepts.");
		break;
	case 415:
		title = _("Unsupported form encoding");
		text = _("The form was sent in an encoding the server does not accept.");
		break;
	case 503:
		title = _("Temporarily unavailable");
		text = _("The control panel cannot reach its database at the moment. Your settings are safe; nothing was changed. Please try again in a minute.");
		request_add_header(r, "Retry-After", "30");
		break;
	default:
		status = 500;
		title = _("Internal error");
		text = _("Something went wrong on the server. Nothing was changed.");
		break;
	}
	view_set(r->hdf, "error.title", title);
	view_set(r->hdf, "error.text", text);
	view_set_int(r->hdf, "error.status", status);
	/*
	 * The switch of an error page leads to the domain list: the page
	 * names nothing it was asked about (a 404 looks the same whether
	 * the domain exists or not).
	 */
	render(r, status, "error.cs", "/domains");
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

void request_send(struct request *r)
{
	struct buf head = BUF_INIT;

	if (r->sent)
		return;
	r->sent = 1;
	/* libfcgi's own printf lacks %zu and friends: format here instead. */
	buf_appendf(&head, "Status: %d %s\r\n", r->status, reason(r->status));
	if (strstr(buf_cstr(&r->headers), "Content-Type:") == NULL)
		buf_puts(&head, "Content-Type: text/html; charset=utf-8\r\n");
	buf_puts(&head, "Cache-Control: no-store\r\n"
		 "X-Content-Type-Options: nosniff\r\n"
		 "X-Frame-Options: DENY\r\n"
		 "Referrer-Policy: same-origin\r\n"
		 "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'; form-action 'self'\r\n");
	buf_appendf(&head, "Content-Length: %zu\r\n", r->out.len);
	buf_append(&head, buf_cstr(&r->headers), r->headers.len);
	buf_puts(&head, "\r\n");
	FCGX_PutStr(head.data, (int)head.len, r->fcgi->out);
	FCGX_PutStr(buf_cstr(&r->out), (int)r->out.len, r->fcgi->out);
	buf_release(&head);
}
