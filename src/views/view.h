/*
 * NAME
 *	view - rendering a ClearSilver template from an HDF data tree
 * SYNOPSIS
 *	struct views *views = views_new(templates_dir, 1);   once per process
 *	HDF *hdf = view_data_new();                           per request
 *	view_set(hdf, "domain.name", name);
 *	if (view_render(views, hdf, "mail.cs", &out) != 0) fail();
 *	view_data_free(hdf);
 * DESCRIPTION
 *	Handlers only fill the data tree; HTML lives in templates/ alone,
 *	and every var: is HTML-escaped (Config.VarEscapeMode = html). The
 *	templates' _() calls gettext in the current language (i18n_use()).
 *	Templates also have, in the current language:
 *	  n_(count, "%d domain", "%d domains")	ngettext, %d replaced by
 *						the count written for it
 *	  C_("noun", "Change")			pgettext: a word in a context
 *	  num(count)				"1,000", "1 000"
 *	  date(iso)				a database UTC timestamp as
 *						"Nov 22, 2026, 18:05 UTC"
 *	tools/cs-xgettext extracts _() and n_() strings for the catalog.
 *
 *	A struct views belongs to one worker process and holds its parsed
 *	templates: each template is parsed once, on first use, and rendered
 *	again for every request against that request's own data tree, which
 *	is detached again before view_render() returns. With cache off,
 *	templates are parsed for every render (edit-and-reload development).
 *	view_render() appends the page to out and returns 0, or -1 after
 *	logging why.
 *	view_set() and view_setf() set one value; view_setf() formats the
 *	name only, never the value, so data cannot inject HDF paths.
 */
#ifndef PP_VIEW_H
#define PP_VIEW_H

#include "util/buf.h"

/* ClearSilver's data tree; only view.c sees ClearSilver itself. */
typedef struct _hdf HDF;

struct views;

struct views *views_new(const char *templates_dir, int cache);
struct views *views_free(struct views *v);
HDF *view_data_new(void);
void view_data_free(HDF *hdf);
void view_set(HDF *hdf, const char *name, const char *value);
void view_set_int(HDF *hdf, const char *name, long long value);
void view_setf(HDF *hdf, const char *value, const char *name_fmt, ...)
	__attribute__((format(printf, 3, 4)));
void view_setf_int(HDF *hdf, long long value, const char *name_fmt, ...)
	__attribute__((format(printf, 3, 4)));
int view_render(struct views *v, HDF *hdf, const char *template_name, struct buf *out);

#endif
