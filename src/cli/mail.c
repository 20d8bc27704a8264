/* postpanel mail show|set: a domain's mail settings from the command line. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "i18n/i18n.h"
#include "model/idn.h"
#include "util/xalloc.h"

static void show_limit(const char *label, enum limit_mode mode, int value, int inherited)
{
	if (mode == LIMIT_CUSTOM)
		printf("%-16s %d\n", label, value);
	else if (mode == LIMIT_UNLIMITED)
		printf("%-16s unlimited\n", label);
	else if (inherited > 0)
		printf("%-16s default (%d)\n", label, inherited);
	else
		printf("%-16s default (unlimited)\n", label);
}

int cli_mail_show(struct cli *cli, const char *domain)
{
	struct mail_view v;
	char *ascii;
	const char *why = idn_to_ascii(domain, &ascii);
	enum db_status st;

	if (why) {
		fprintf(stderr, _("postpanel: %s: %s\n"), domain, _(why));
		return 1;
	}
	st = db_mail_get(cli->db, &cli->actor, ascii, &v);
	free(ascii);
	if (st == DB_NOTFOUND) {
		fprintf(stderr, _("postpanel: there is no domain %s\n"), domain);
		return 1;
	}
	if (st != DB_OK)
		return cli_db_fail(cli, st);
	/* Machine-readable keys, one per line, stable for scripts. */
	printf("%-16s %s\n", "domain", v.name);
	printf("%-16s %s\n", "owner", v.owner);
	printf("%-16s %s\n", "service", v.s.service ? "on" : "off");
	printf("%-16s %s\n", "policy", mailcfg_policy_name(v.s.policy));
	printf("%-16s %s\n", "bounce-message", v.s.bounce_message ? v.s.bounce_message : "(default)");
	printf("%-16s %s\n", "forward", v.s.forward_address ? v.s.forward_address : "");
	printf("%-16s %s\n", "redirect-ip", v.s.redirect_ip ? v.s.redirect_ip : "");
	printf("%-16s %d\n", "redirect-port", v.s.redirect_port);
	printf("%-16s %s\n", "webmail", v.s.webmail ? v.s.webmail : "none");
	show_limit("domain-limit", v.s.domain_limit_mode, v.s.domain_limit, v.default_domain_limit);
	show_limit("mailbox-limit", v.s.mailbox_limit_mode, v.s.mailbox_limit, v.default_mailbox_limit);
	printf("%-16s %lld\n", "version", v.version);
	db_mail_view_clear(&v);
	return 0;
}

/* "default", "unlimited" or a number, as the two fields of the web form. */
static void limit_arg(const char *arg, const char **mode, const char **value)
{
	if (strcmp(arg, "default") == 0 || strcmp(arg, "unlimited") == 0) {
		*mode = arg;
		*value = NULL;
	} else {
		*mode = "custom";
		*value = arg;
	}
}

static int parse_mail_args(int argc, char **argv, struct mail_input *in)
{
	static const struct option opts[] = {
		{ "service", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, 'p' },
		{ "bounce-message", required_argument, NULL, 'b' },
		{ "forward", required_argument, NULL, 'f' },
		{ "redirect-ip", required_argument, NULL, 'i' },
		{ "redirect-port", required_argument, NULL, 'P' },
		{ "webmail", required_argument, NULL, 'w' },
		{ "domain-limit", required_argument, NULL, 'd' },
		{ "mailbox-limit", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(in, 0, sizeof(*in));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': in->service = optarg; break;
		case 'p': in->policy = optarg; break;
		case 'b': in->bounce_message = optarg; break;
		case 'f': in->forward_address = optarg; break;
		case 'i': in->redirect_ip = optarg; break;
		case 'P': in->redirect_port = optarg; break;
		case 'w': in->webmail = optarg; break;
		case 'd': limit_arg(optarg, &in->domain_limit_mode, &in->domain_limit); break;
		case 'm': limit_arg(optarg, &in->mailbox_limit_mode, &in->mailbox_limit); break;
		default: return -1;
		}
	}
	return optind + 1 == argc ? optind : -1;
}

int cli_mail_set(struct cli *cli, int argc, char **argv)
{
	struct mail_input in;
	struct mail_view v;
	struct mail_settings next;
	struct mail_errors errs = { .n = 0 };
	struct mail_context ctx;
	const char **installed = NULL, *why;
	size_t n_installed = 0;
	long long new_version;
	enum db_status st;
	char *ascii;
	int at = parse_mail_args(argc, argv, &in), rc = 1;

	if (at < 0) {
		fprintf(stderr, _("usage: postpanel mail set DOMAIN [--service on|off] [--policy P] ...\n"));
		return 2;
	}
	if ((why = idn_to_ascii(argv[at], &ascii)) != NULL) {
		fprintf(stderr, _("postpanel: %s: %s\n"), argv[at], _(why));
		return 1;
	}
	st = db_mail_get(cli->db, &cli->actor, ascii, &v);
	free(ascii);
	if (st == DB_NOTFOUND) {
		fprintf(stderr, _("postpanel: there is no domain %s\n"), argv[at]);
		return 1;
	}
	if (st != DB_OK)
		return cli_db_fail(cli, st);
	installed = xcalloc(v.webmails.n, sizeof(*installed));
	for (size_t i = 0; i < v.webmails.n; i++)
		if (v.webmails.items[i].installed)
			installed[n_installed++] = v.webmails.items[i].name;
	ctx = (struct mail_context){ v.name, v.outgoing_control, installed, n_installed };
	if (mailcfg_apply(&v.s, &in, &ctx, &next, &errs) > 0) {
		for (size_t i = 0; i < errs.n; i++) {
			char text[512];

			mailcfg_error_text(&errs.e[i], text, sizeof(text));
			fprintf(stderr, _("postpanel: %s: %s\n"), errs.e[i].field, text);
		}
		fprintf(stderr, _("postpanel: nothing was changed\n"));
		goto end;
	}
	st = db_mail_save(cli->db, &cli->actor, v.domain_id, v.version, &next, &new_version);
	if (st == DB_CONFLICT)
		fprintf(stderr, _("postpanel: %s was changed by someone else meanwhile; nothing was changed, try again\n"), v.name);
	else if (st != DB_OK)
		cli_db_fail(cli, st);
	else
		rc = 0;
end:
	mailcfg_clear(&next);
	free(installed);
	db_mail_view_clear(&v);
	return rc;
}
