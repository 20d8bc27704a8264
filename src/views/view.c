#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ClearSilver's cs_config.h defines autoconf's PACKAGE_* macros again. */
#undef PACKAGE_NAME
#undef PACKAGE_STRING
#undef PACKAGE_TARNAME
#undef PACKAGE_VERSION
#include <ClearSilver.h>

#include "util/log.h"
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

HDF *view_data_new(const char *templates_dir)
{
	HDF *hdf = NULL;
	NEOERR *err = hdf_init(&hdf);

	if (err != STATUS_OK) {
		log_neoerr("hdf_init", err);
		return NULL;
	}
	hdf_set_value(hdf, "Config.VarEscapeMode", "html");
	hdf_set_value(hdf, "hdf.loadpaths.0", templates_dir);
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

static NEOERR *append_out(void *ctx, char *s)
{
	buf_puts(ctx, s);
	return STATUS_OK;
}

int view_render(HDF *hdf, const char *template_name, struct buf *out)
{
	CSPARSE *cs = NULL;
	NEOERR *err;

	if ((err = cs_init(&cs, hdf)) != STATUS_OK ||
	    (err = cs_register_esc_strfunc(cs, "url_escape", url_escape)) != STATUS_OK) {
		log_neoerr("cs_init", err);
		cs_destroy(&cs);
		return -1;
	}
	if ((err = cs_parse_file(cs, template_name)) != STATUS_OK ||
	    (err = cs_render(cs, out, append_out)) != STATUS_OK) {
		log_neoerr(template_name, err);
		cs_destroy(&cs);
		return -1;
	}
	cs_destroy(&cs);
	return 0;
}
