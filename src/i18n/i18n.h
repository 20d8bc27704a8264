/*
 * NAME
 *	i18n - gettext set-up and the language of the current request
 * SYNOPSIS
 *	i18n_init(localedir);            once per process
 *	i18n_use("fr");                  per request, before any _()
 *	puts(_("Mail settings"));
 * DESCRIPTION
 *	English is the source language. i18n_use() switches the message
 *	catalog of the whole (single-threaded) process; the caller sets it
 *	at the start of every request, so no request inherits another's
 *	language. i18n_supported() tells whether a code is one we ship.
 */
#ifndef PP_I18N_H
#define PP_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

#define I18N_DEFAULT "en"

void i18n_init(const char *localedir);
void i18n_use(const char *lang);
int i18n_supported(const char *lang);
/*
 * gettext(msgid) in another language than the request's, for text that
 * belongs to someone else (the default bounce message is in the domain
 * owner's language). Returns a malloc'd string.
 */
char *i18n_gettext_in(const char *lang, const char *msgid);
/*
 * The best shipped language for an Accept-Language header ("fr-CH,
 * fr;q=0.9, en;q=0.8"), honouring q-values and falling back from a
 * regional tag to its language; NULL when none is acceptable.
 */
const char *i18n_negotiate(const char *accept_language);
/* The NULL-terminated list of shipped language codes, English first. */
const char *const *i18n_languages(void);

#endif
