/*
 * postpanel: the administrator's command line.
 *
 *	postpanel [-c CONFIG] db migrate
 *	postpanel [-c CONFIG] user add LOGIN --role admin|reseller|customer
 *	          [--reseller LOGIN] [--language en|fr|sv]     (password on stdin)
 *	postpanel [-c CONFIG] domain add NAME --owner LOGIN
 *	postpanel [-c CONFIG] domain import FILE             (lines: NAME OWNER)
 *	postpanel [-c CONFIG] mail show DOMAIN
 *	postpanel [-c CONFIG] mail set DOMAIN [--service on|off] [--policy P]
 *	          [--bounce-message TEXT] [--forward ADDRESS] [--redirect-ip IP]
 *	          [--redirect-port N] [--webmail NAME|none]
 *	          [--domain-limit default|unlimited|N] [--mailbox-limit ...]
 *	postpanel [-c CONFIG] mailbox add|del ADDRESS | mailbox list DOMAIN
 *	postpanel [-c CONFIG] mailbox import FILE            (lines: ADDRESS)
 *	postpanel [-c CONFIG] alias add ADDRESS TARGET[,TARGET...] | alias del ADDRESS
 *	          | alias list DOMAIN
 *	postpanel [-c CONFIG] maps build --dir DIR [--type lmdb|cdb]
 *	postpanel [-c CONFIG] postfix-config --dir DIR [--type lmdb|cdb] [--verify-recipients]
 *
 * Every change goes through the same validation as the web pages and is
 * audited with source "cli".
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "i18n/i18n.h"
#include "util/conf.h"
#include "util/log.h"

static void usage(void)
{
	fprintf(stderr, "%s",
		_("usage: postpanel [-c CONFIG] COMMAND ...\n"
		  "commands:\n"
		  "  db migrate\n"
		  "  user add LOGIN --role admin|reseller|customer [--reseller LOGIN] [--language en|fr|sv]\n"
		  "  domain add NAME --owner LOGIN\n"
		  "  domain import FILE\n"
		  "  mail show DOMAIN\n"
		  "  mail set DOMAIN [--service on|off] [--policy bounce|forward|redirect|reject]\n"
		  "           [--bounce-message TEXT] [--forward ADDRESS] [--redirect-ip IP]\n"
		  "           [--redirect-port PORT] [--webmail NAME|none]\n"
		  "           [--domain-limit default|unlimited|N] [--mailbox-limit default|unlimited|N]\n"
		  "  mailbox add|del ADDRESS\n"
		  "  mailbox list DOMAIN\n"
		  "  mailbox import FILE\n"
		  "  alias add ADDRESS TARGET[,TARGET...]\n"
		  "  alias del ADDRESS\n"
		  "  alias list DOMAIN\n"
		  "  maps build --dir DIR [--type lmdb|cdb]\n"
		  "  postfix-config --dir DIR [--type lmdb|cdb] [--verify-recipients]\n"));
	exit(2);
}

int main(int argc, char **argv)
{
	const char *path = getenv("POSTPANEL_CONF"), *lang;
	struct cli cli;
	char *err = NULL;
	int rc;

	log_init("postpanel");
	/*
	 * maps build writes to postmap through a pipe: a postmap that gives
	 * up is an error to report, not a reason to die.
	 */
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 3 && strcmp(argv[1], "-c") == 0) {
		path = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (path == NULL)
		path = SYSCONFDIR "/postpanel/postpanel.conf";
	memset(&cli, 0, sizeof(cli));
	/* Messages for people follow the user's locale (LANGUAGE, LANG, ...). */
	lang = i18n_env_language(getenv("LANGUAGE"), getenv("LC_ALL"), getenv("LC_MESSAGES"),
				 getenv("LANG"));
	if (lang == NULL)
		lang = I18N_DEFAULT;
	i18n_init(LOCALEDIR);
	i18n_use(lang);
	if ((cli.conf = conf_load(path, &err)) == NULL) {
		fprintf(stderr, _("postpanel: %s\n"), err);
		free(err);
		return 1;
	}
	/* The configuration may keep the catalogs elsewhere. */
	i18n_init(conf_get(cli.conf, "locale_dir", LOCALEDIR));
	i18n_use(lang);
	if (argc < 2)
		usage();
	cli.db = db_open(conf_get(cli.conf, "database", "dbname=postpanel"));
	cli.actor.id = 0;
	cli.actor.role = ROLE_ADMIN;
	cli.actor.login = getenv("SUDO_USER") ? getenv("SUDO_USER") :
			  getenv("USER") ? getenv("USER") : "cli";
	cli.actor.source = "cli";
	if (strcmp(argv[1], "postfix-config") == 0)
		rc = cli_postfix_config(&cli, argc - 1, argv + 1);
	else if (argc < 3)
		usage();
	else if (strcmp(argv[1], "db") == 0 && strcmp(argv[2], "migrate") == 0 && argc == 3)
		rc = cli_db_migrate(&cli);
	else if (strcmp(argv[1], "user") == 0 && strcmp(argv[2], "add") == 0)
		rc = cli_user_add(&cli, argc - 2, argv + 2);
	else if (strcmp(argv[1], "domain") == 0 && strcmp(argv[2], "add") == 0)
		rc = cli_domain_add(&cli, argc - 2, argv + 2);
	else if (strcmp(argv[1], "domain") == 0 && strcmp(argv[2], "import") == 0 && argc == 4)
		rc = cli_domain_import(&cli, argv[3]);
	else if (strcmp(argv[1], "mail") == 0 && strcmp(argv[2], "show") == 0 && argc == 4)
		rc = cli_mail_show(&cli, argv[3]);
	else if (strcmp(argv[1], "mail") == 0 && strcmp(argv[2], "set") == 0)
		rc = cli_mail_set(&cli, argc - 2, argv + 2);
	else if (strcmp(argv[1], "mailbox") == 0)
		rc = cli_mailbox(&cli, argc - 2, argv + 2);
	else if (strcmp(argv[1], "alias") == 0)
		rc = cli_alias(&cli, argc - 2, argv + 2);
	else if (strcmp(argv[1], "maps") == 0 && strcmp(argv[2], "build") == 0)
		rc = cli_maps_build(&cli, argc - 2, argv + 2);
	else
		usage();
	db_close(cli.db);
	conf_free(cli.conf);
	return rc;
}
