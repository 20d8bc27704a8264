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
 *
 *	Numbers and dates are written for the language by pure functions
 *	with their own tables (no locale data needed): i18n_format_number()
 *	groups digits ("1,000", "1 000"), i18n_format_time() turns the
 *	database's UTC timestamps into "Nov 22, 2026, 18:05 UTC" and its
 *	French and Swedish equivalents. A language without a table gets
 *	ISO 8601 and ungrouped digits.
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
/* The language's own name ("Français"), for a language switch. */
const char *i18n_language_name(const char *lang);
/* The language i18n_use() set last. */
const char *i18n_current(void);
/*
 * The shipped language a command-line user asked for through the
 * environment, as gettext reads it: LANGUAGE (a colon-separated list)
 * unless the locale is C or POSIX, else the locale named by LC_ALL,
 * LC_MESSAGES or LANG ("fr_FR.UTF-8" is French). NULL when none is ours.
 * Any argument may be NULL (variable not set).
 */
const char *i18n_env_language(const char *language, const char *lc_all,
			      const char *lc_messages, const char *lang);

/* Room for any formatted long long: 19 digits, 6 separators of 3 bytes, sign. */
#define I18N_NUMBER_MAX 48
/*
 * n with the language's digit grouping: en 1,234,567; fr 1 234 567 with
 * narrow no-break spaces (U+202F); sv 1 234 567 with no-break spaces
 * (U+00A0). Returns out.
 */
char *i18n_format_number(const char *lang, long long n, char *out, size_t size);

#define I18N_TIME_MAX 64
/*
 * A UTC timestamp as the database writes it ("2026-11-22T18:05:09Z", with
 * optional fractions of a second) as a reader of lang expects it:
 *	en	Nov 22, 2026, 18:05 UTC
 *	fr	22 nov. 2026 à 18:05 UTC	(1er for the first of the month)
 *	sv	22 nov. 2026 kl. 18:05 UTC
 * Text that is not such a timestamp is copied unchanged. Returns out.
 */
char *i18n_format_time(const char *lang, const char *iso, char *out, size_t size);

#endif
