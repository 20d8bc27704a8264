#include "config.h"

#include <ctype.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n/i18n.h"

/* Bumped to make gettext drop its cache after LANGUAGE changes. */
extern int _nl_msg_cat_cntr;

static const char *const languages[] = { "en", "fr", "sv", NULL };
static const char *const names[] = { "English", "Français", "Svenska", NULL };
static char current[16] = I18N_DEFAULT;

void i18n_init(const char *localedir)
{
	/*
	 * C.UTF-8 always exists, unlike fr_FR.UTF-8; with any locale other
	 * than plain "C", gettext honours LANGUAGE, which i18n_use() sets.
	 */
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, localedir);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
	i18n_use(I18N_DEFAULT);
}

void i18n_use(const char *lang)
{
	const char *cur = getenv("LANGUAGE");

	if (!i18n_supported(lang))
		lang = I18N_DEFAULT;
	snprintf(current, sizeof(current), "%s", lang);
	if (cur != NULL && strcmp(cur, lang) == 0)
		return;
	setenv("LANGUAGE", lang, 1);
	++_nl_msg_cat_cntr;
}

int i18n_supported(const char *lang)
{
	for (size_t i = 0; lang != NULL && languages[i] != NULL; i++)
		if (strcmp(languages[i], lang) == 0)
			return 1;
	return 0;
}

char *i18n_gettext_in(const char *lang, const char *msgid)
{
	const char *cur = getenv("LANGUAGE");
	char saved[16], *text;

	snprintf(saved, sizeof(saved), "%s", cur ? cur : I18N_DEFAULT);
	i18n_use(lang);
	text = strdup(gettext(msgid));
	i18n_use(saved);
	if (text == NULL)
		abort();
	return text;
}

const char *const *i18n_languages(void)
{
	return languages;
}

const char *i18n_language_name(const char *lang)
{
	for (size_t i = 0; lang != NULL && languages[i] != NULL; i++)
		if (strcmp(languages[i], lang) == 0)
			return names[i];
	return lang;
}

const char *i18n_current(void)
{
	return current;
}

/* The shipped language whose code starts "fr", "fr_FR", "fr-CA", "fr.UTF-8"... */
static const char *language_of(const char *tag, size_t len)
{
	size_t n = strcspn(tag, "_-.@:");

	if (n > len)
		n = len;
	for (size_t i = 0; languages[i] != NULL; i++)
		if (strlen(languages[i]) == n && strncasecmp(languages[i], tag, n) == 0)
			return languages[i];
	return NULL;
}

const char *i18n_env_language(const char *language, const char *lc_all,
			      const char *lc_messages, const char *lang)
{
	const char *locale = lc_all && *lc_all ? lc_all :
			     lc_messages && *lc_messages ? lc_messages : lang;

	if (locale == NULL || *locale == '\0' || strcmp(locale, "C") == 0 ||
	    strcmp(locale, "POSIX") == 0)
		return NULL;
	/* gettext ignores LANGUAGE under the C locale, and so do we. */
	for (const char *p = language; p && *p; ) {
		size_t len = strcspn(p, ":");
		const char *found = len > 0 ? language_of(p, len) : NULL;

		if (found)
			return found;
		p += len;
		if (*p == ':')
			p++;
	}
	return language_of(locale, strlen(locale));
}

/* How each language writes numbers and dates; NULL fields: ISO 8601. */
struct style {
	const char *lang;
	const char *group;		/* thousands separator */
	const char *months[12];		/* abbreviated month names */
	int day_first;			/* "22 nov. 2026" rather than "Nov 22, 2026" */
	const char *first_day;		/* how the 1st is written, or NULL */
	const char *at;			/* between date and time */
};

static const struct style styles[] = {
	{ "en", ",", { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }, 0, NULL, ", " },
	{ "fr", "\xe2\x80\xaf", { "janv.", "févr.", "mars", "avr.", "mai", "juin",
			    "juil.", "août", "sept.", "oct.", "nov.", "déc." }, 1, "1er", " à " },
	{ "sv", "\xc2\xa0", { "jan.", "feb.", "mars", "apr.", "maj", "juni",
			    "juli", "aug.", "sep.", "okt.", "nov.", "dec." }, 1, NULL, " kl. " },
};

static const struct style *style_of(const char *lang)
{
	for (size_t i = 0; lang != NULL && i < sizeof(styles) / sizeof(styles[0]); i++)
		if (strcmp(styles[i].lang, lang) == 0)
			return &styles[i];
	return NULL;
}

char *i18n_format_number(const char *lang, long long n, char *out, size_t size)
{
	const struct style *st = style_of(lang);
	const char *sep = st ? st->group : "";
	char digits[24], tmp[I18N_NUMBER_MAX];
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
	size_t len, k = 0;

	if (size == 0)
		return out;
	len = (size_t)snprintf(digits, sizeof(digits), "%llu", u);
	if (n < 0)
		tmp[k++] = '-';
	for (size_t i = 0; i < len; i++) {
		/* A separator before each group of three counted from the right. */
		if (i > 0 && (len - i) % 3 == 0)
			for (const char *p = sep; *p; p++)
				tmp[k++] = *p;
		tmp[k++] = digits[i];
	}
	tmp[k] = '\0';
	snprintf(out, size, "%s", tmp);
	return out;
}

/* Reads exactly n digits; -1 when they are not there. */
static int digits_at(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

char *i18n_format_time(const char *lang, const char *iso, char *out, size_t size)
{
	const struct style *st = style_of(lang);
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi;
	const char *rest;
	char day[8];

	if (size == 0)
		return out;
	if (iso == NULL)
		iso = "";
	/* YYYY-MM-DDTHH:MM:SS[.fraction]Z, nothing else. */
	y = digits_at(iso, 4);
	mo = y < 0 || iso[4] != '-' ? -1 : digits_at(iso + 5, 2);
	d = mo < 0 || iso[7] != '-' ? -1 : digits_at(iso + 8, 2);
	h = d < 0 || (iso[10] != 'T' && iso[10] != ' ') ? -1 : digits_at(iso + 11, 2);
	mi = h < 0 || iso[13] != ':' ? -1 : digits_at(iso + 14, 2);
	if (mi < 0 || iso[16] != ':' || digits_at(iso + 17, 2) < 0 || mo < 1 || mo > 12 ||
	    d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || digits_at(iso + 17, 2) > 60) {
		snprintf(out, size, "%s", iso);
		return out;
	}
	rest = iso + 19;
	if (*rest == '.')
		for (rest++; isdigit((unsigned char)*rest); rest++)
			;
	if (strcmp(rest, "Z") != 0) {
		snprintf(out, size, "%s", iso);
		return out;
	}
	if (st == NULL) {
		snprintf(out, size, "%04d-%02d-%02d %02d:%02d UTC", y, mo, d, h, mi);
		return out;
	}
	if (d == 1 && st->first_day)
		snprintf(day, sizeof(day), "%s", st->first_day);
	else
		snprintf(day, sizeof(day), "%d", d);
	if (st->day_first)
		snprintf(out, size, "%s %s %04d%s%02d:%02d UTC", day, st->months[mo - 1], y, st->at, h, mi);
	else
		snprintf(out, size, "%s %s, %04d%s%02d:%02d UTC", st->months[mo - 1], day, y, st->at, h, mi);
	return out;
}

/* Parses a "q=0.8" weight into thousandths; -1 when malformed. */
static int parse_q(const char *p)
{
	int q = 0, scale = 100;

	p += strspn(p, " ");
	if ((p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
		return -1;
	p += 2;
	if (*p == '1')
		q = 1000;
	else if (*p != '0')
		return -1;
	p++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p) && scale > 0; p++, scale /= 10)
			q += (*p - '0') * scale;
	p += strspn(p, " ");
	return *p == '\0' && q <= 1000 ? q : -1;
}

const char *i18n_negotiate(const char *header)
{
	const char *best = NULL, *p = header;
	int best_q = 0;

	while (p && *p) {
		char item[64], *semi;
		size_t len = strcspn(p, ","), tag_len;
		int q = 1000;

		/* Elements longer than any tag we know cannot name one of ours. */
		if (len < sizeof(item)) {
			memcpy(item, p, len);
			item[len] = '\0';
			semi = strchr(item, ';');
			if (semi) {
				*semi = '\0';
				q = parse_q(semi + 1);
			}
			/* Only the primary subtag matters: fr-CH is French. */
			tag_len = strcspn(item + strspn(item, " "), "-_ ");
			for (size_t i = 0; languages[i] != NULL && q > best_q; i++) {
				const char *tag = item + strspn(item, " ");

				if (strlen(languages[i]) == tag_len &&
				    strncasecmp(languages[i], tag, tag_len) == 0) {
					best = languages[i];
					best_q = q;
				}
			}
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return best;
}
