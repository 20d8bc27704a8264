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
