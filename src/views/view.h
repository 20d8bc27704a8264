/*
 * NAME
 *	view - rendering a ClearSilver template from an HDF data tree
 * SYNOPSIS
 *	HDF *hdf = view_data_new(templates_dir);
 *	hdf_set_value(hdf, "domain.name", name);
 *	if (view_render(hdf, "mail/settings.cs", &out) != 0) fail();
 *	view_data_free(hdf);
 * DESCRIPTION
 *	view_data_new() creates the per-request data tree with HTML escaping
 *	on for every var: (Config.VarEscapeMode = html) and the template
 *	directory as include path. Handlers only fill the tree; HTML lives in
 *	templates/ alone. The templates' _() calls gettext in the current
 *	language (i18n_use()). view_render() appends the page to out and
 *	returns 0, or -1 after logging why.
 *	view_set() and view_setf() set one value; view_setf() formats the
 *	name only, never the value, so data cannot inject HDF paths.
 */
#ifndef PP_VIEW_H
#define PP_VIEW_H

#include "util/buf.h"

/* ClearSilver's data tree; only view.c sees ClearSilver itself. */
typedef struct _hdf HDF;

HDF *view_data_new(const char *templates_dir);
void view_data_free(HDF *hdf);
void view_set(HDF *hdf, const char *name, const char *value);
void view_set_int(HDF *hdf, const char *name, long long value);
void view_setf(HDF *hdf, const char *value, const char *name_fmt, ...)
	__attribute__((format(printf, 3, 4)));
void view_setf_int(HDF *hdf, long long value, const char *name_fmt, ...)
	__attribute__((format(printf, 3, 4)));
int view_render(HDF *hdf, const char *template_name, struct buf *out);

#endif
