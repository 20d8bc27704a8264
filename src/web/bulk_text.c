/* What a bulk change does, as one sentence for its title. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "util/xalloc.h"
#include "web/handlers.h"

/* One limit: unchanged, the default, unlimited, at most N (malloc'd). */
static char *limit_words(const char *lang, const char *mode, const char *value)
{
	char number[I18N_NUMBER_MAX];

	if (mode == NULL || strcmp(mode, "keep") == 0)
		return xstrdup(_("unchanged"));
	if (strcmp(mode, "default") == 0)
		return xstrdup(_("the default"));
	if (strcmp(mode, "unlimited") == 0)
		return xstrdup(_("unlimited"));
	i18n_format_number(lang, value ? strtoll(value, NULL, 10) : 0, number, sizeof(number));
	/* TRANSLATORS: a limit of outgoing messages per hour, as in "at most 1,000". */
	return xasprintf(_("at most %s"), number);
}

char *page_action_text(const struct action_words *w, const char *lang)
{
	const char *p = w->policy ? w->policy : "";
	char *a, *b, *text;

	if (w->action == NULL)
		return xstrdup("");
	if (strcmp(w->action, "service") == 0)
		return xstrdup(w->service && strcmp(w->service, "on") == 0 ? _("Activate mail service")
									    : _("Deactivate mail service"));
	if (strcmp(w->action, "webmail") == 0) {
		if (w->webmail == NULL || *w->webmail == '\0' || strcmp(w->webmail, "none") == 0)
			return xstrdup(_("Webmail: none"));
		return xasprintf(_("Webmail: %s"), w->webmail);
	}
	if (strcmp(w->action, "limits") == 0) {
		a = limit_words(lang, w->domain_limit_mode, w->domain_limit);
		b = limit_words(lang, w->mailbox_limit_mode, w->mailbox_limit);
		/* TRANSLATORS: the limit for the domain, then for each mailbox ("unchanged", "at most 50", ...). */
		text = xasprintf(_("Limit outgoing messages: %s for the domain, %s for each mailbox"), a, b);
		free(a);
		free(b);
		return text;
	}
	if (strcmp(p, "bounce") == 0) {
		if (w->bounce_message == NULL || *w->bounce_message == '\0')
			return xstrdup(_("Mail to nonexistent users: bounce with the default text"));
		return xasprintf(_("Mail to nonexistent users: bounce with the message “%s”"), w->bounce_message);
	}
	if (strcmp(p, "forward") == 0)
		return xasprintf(_("Mail to nonexistent users: forward to %s"),
				 w->forward_address ? w->forward_address : "");
	if (strcmp(p, "redirect") == 0)
		/* TRANSLATORS: an IP address, then a port number. */
		return xasprintf(_("Mail to nonexistent users: redirect to %s, port %s"),
				 w->redirect_ip ? w->redirect_ip : "",
				 w->redirect_port && *w->redirect_port ? w->redirect_port : "25");
	return xstrdup(_("Mail to nonexistent users: reject"));
}
