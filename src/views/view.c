#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ClearSilver's cs_config.h defines autoconf's PACKAGE_* macros again. */
#undef PACKAGE_NAME
#undef PACKAGE_STRING
#undef PACKAGE_TARNAME
#undef PACKAGE_VERSION
#include <ClearSilver.h>

#include "i18n/i18n.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "views/view.h"

static void log_neoerr(const char *what, NEOERR *err)
{
	STRING s;

	string_init(&s);
	nerr_error_string(err, &s);
	log_error("%s: %s", what, s.buf ? s.buf : "?");
	string_clear(&s);
	nerr_ignore(&err);
}

struct template {
	char *name;
	CSPARSE *parse;
};

struct views {
	HDF *base;			/* escaping mode and include path, for parsing */
	int cache;
	struct template *t;
	size_t n;
};

struct views *views_new(const char *templates_dir, int cache)
{
	struct views *v = xcalloc(1, sizeof(*v));
	NEOERR *err = hdf_init(&v->base);

	if (err != STATUS_OK) {
		log_neoerr("hdf_init", err);
		abort();
	}
	hdf_set_value(v->base, "Config.VarEscapeMode", "html");
	hdf_set_value(v->base, "hdf.loadpaths.0", templates_dir);
	v->cache = cache;
	return v;
}

struct views *views_free(struct views *v)
{
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		free(v->t[i].name);
		cs_destroy(&v->t[i].parse);
	}
	free(v->t);
	hdf_destroy(&v->base);
	free(v);
	return NULL;
}

HDF *view_data_new(void)
{
	HDF *hdf = NULL;
	NEOERR *err = hdf_init(&hdf);

	if (err != STATUS_OK) {
		log_neoerr("hdf_init", err);
		abort();
	}
	return hdf;
}

void view_data_free(HDF *hdf)
{
	if (hdf)
		hdf_destroy(&hdf);
}

void view_set(HDF *hdf, const char *name, const char *value)
{
	NEOERR *err = hdf_set_value(hdf, name, value ? value : "");

	if (err != STATUS_OK)
		log_neoerr(name, err);
}

void view_set_int(HDF *hdf, const char *name, long long value)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", value);
	view_set(hdf, name, num);
}

void view_setf(HDF *hdf, const char *value, const char *name_fmt, ...)
{
	char name[256];
	va_list ap;

	va_start(ap, name_fmt);
	vsnprintf(name, sizeof(name), name_fmt, ap);
	va_end(ap);
	view_set(hdf, name, value);
}

void view_setf_int(HDF *hdf, long long value, const char *name_fmt, ...)
{
	char name[256];
	va_list ap;

	va_start(ap, name_fmt);
	vsnprintf(name, sizeof(name), name_fmt, ap);
	va_end(ap);
	view_set_int(hdf, name, value);
}

/* url_escape() for templates: percent-encodes all but RFC 3986 unreserved. */
static NEOERR *url_escape(const char *in, char **out)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = BUF_INIT;

	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			buf_putc(&b, (char)*p);
		} else {
			buf_putc(&b, '%');
			buf_putc(&b, hex[*p >> 4]);
			buf_putc(&b, hex[*p & 15]);
		}
	}
	*out = buf_steal(&b);
	return STATUS_OK;
}

/* text with its first "%d" replaced by number (malloc'd). */
static char *put_number(const char *text, const char *number)
{
	const char *hole = strstr(text, "%d");

	if (hole == NULL)
		return xstrdup(text);
	return xasprintf("%.*s%s%s", (int)(hole - text), text, number, hole + 2);
}

/*
 * n_(count, "%d domain", "%d domains"): ngettext in the current language,
 * with %d replaced by count written for it ("1,000", "1 000").
 * tools/cs-xgettext extracts the two strings as a plural message.
 */
static NEOERR *cs_ngettext(CSPARSE *parse, CS_FUNCTION *csf, CSARG *args, CSARG *result)
{
	char *one = NULL, *many = NULL, number[I18N_NUMBER_MAX];
	long int n = 0;
	NEOERR *err;

	(void)csf;
	result->op_type = CS_TYPE_STRING;
	result->s = "";
	if ((err = cs_arg_parse(parse, args, "iss", &n, &one, &many)) != STATUS_OK) {
		free(one);
		free(many);
		return nerr_pass(err);
	}
	if (one != NULL && many != NULL) {
		i18n_format_number(i18n_current(), n, number, sizeof(number));
		result->s = put_number(ngettext(one, many, (unsigned long)(n < 0 ? -n : n)), number);
		result->alloc = 1;
	}
	free(one);
	free(many);
	return STATUS_OK;
}

/*
 * C_("context", "text"): gettext of text in a context (pgettext), for a
 * word that two places use differently ("Change": a link, a column).
 */
static NEOERR *cs_pgettext(CSPARSE *parse, CS_FUNCTION *csf, CSARG *args, CSARG *result)
{
	char *context = NULL, *text = NULL, *key;
	const char *found;
	NEOERR *err;

	(void)csf;
	result->op_type = CS_TYPE_STRING;
	result->s = "";
	if ((err = cs_arg_parse(parse, args, "ss", &context, &text)) != STATUS_OK) {
		free(context);
		free(text);
		return nerr_pass(err);
	}
	if (context != NULL && text != NULL) {
		key = xasprintf("%s\004%s", context, text);
		found = gettext(key);
		/* gettext returns its argument itself when there is no translation. */
		result->s = xstrdup(found == key ? text : found);
		result->alloc = 1;
		free(key);
	}
	free(context);
	free(text);
	return STATUS_OK;
}

/* num(count): a number written for the current language. */
static NEOERR *cs_number(CSPARSE *parse, CS_FUNCTION *csf, CSARG *args, CSARG *result)
{
	char number[I18N_NUMBER_MAX];
	long int n = 0;
	NEOERR *err;

	(void)csf;
	result->op_type = CS_TYPE_STRING;
	result->s = "";
	if ((err = cs_arg_parse(parse, args, "i", &n)) != STATUS_OK)
		return nerr_pass(err);
	result->s = xstrdup(i18n_format_number(i18n_current(), n, number, sizeof(number)));
	result->alloc = 1;
	return STATUS_OK;
}

/* date(iso): a UTC timestamp from the database written for the current language. */
static NEOERR *cs_date(CSPARSE *parse, CS_FUNCTION *csf, CSARG *args, CSARG *result)
{
	char text[I18N_TIME_MAX], *iso = NULL;
	NEOERR *err;

	(void)csf;
	result->op_type = CS_TYPE_STRING;
	result->s = "";
	if ((err = cs_arg_parse(parse, args, "s", &iso)) != STATUS_OK) {
		free(iso);
		return nerr_pass(err);
	}
	result->s = xstrdup(i18n_format_time(i18n_current(), iso ? iso : "", text, sizeof(text)));
	result->alloc = 1;
	free(iso);
	return STATUS_OK;
}

static NEOERR *append_out(void *ctx, char *s)
{
	buf_puts(ctx, s);
	return STATUS_OK;
}

/* Parses a template against the views' base data tree; NULL on error. */
static CSPARSE *parse_template(struct views *v, const char *name)
{
	CSPARSE *cs = NULL;
	NEOERR *err;

	if ((err = cs_init(&cs, v->base)) != STATUS_OK ||
	    (err = cs_register_esc_strfunc(cs, "url_escape", url_escape)) != STATUS_OK ||
	    (err = cs_register_function(cs, "n_", 3, cs_ngettext)) != STATUS_OK ||
	    (err = cs_register_function(cs, "C_", 2, cs_pgettext)) != STATUS_OK ||
	    (err = cs_register_function(cs, "num", 1, cs_number)) != STATUS_OK ||
	    (err = cs_register_function(cs, "date", 1, cs_date)) != STATUS_OK ||
	    (err = cs_parse_file(cs, name)) != STATUS_OK) {
		log_neoerr(name, err);
		cs_destroy(&cs);
		return NULL;
	}
	return cs;
}

static CSPARSE *find_template(struct views *v, const char *name)
{
	CSPARSE *cs;

	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->t[i].name, name) == 0)
			return v->t[i].parse;
	if ((cs = parse_template(v, name)) == NULL || !v->cache)
		return cs;
	v->t = xrealloc(v->t, (v->n + 1) * sizeof(*v->t));
	v->t[v->n].name = xstrdup(name);
	v->t[v->n].parse = cs;
	v->n++;
	return cs;
}

int view_render(struct views *v, HDF *hdf, const char *template_name, struct buf *out)
{
	CSPARSE *cs = find_template(v, template_name);
	NEOERR *err;

	if (cs == NULL)
		return -1;
	/*
	 * Render the parsed tree against this request's data. The tree keeps
	 * no data of its own between renders: locals are popped as loops end
	 * and set: writes into the request's tree, which is detached below.
	 */
	cs->hdf = hdf;
	err = cs_render(cs, out, append_out);
	cs->hdf = v->base;
	if (!v->cache)
		cs_destroy(&cs);
	if (err != STATUS_OK) {
		log_neoerr(template_name, err);
		return -1;
	}
	return 0;
}
