/*
 * NAME
 *	cli - the commands of the postpanel command line
 * DESCRIPTION
 *	Each cli_* function runs one command with its own arguments (argv[0]
 *	is the command's verb) and returns the process exit status: 0 done,
 *	1 refused or failed (a message on stderr says why), 2 usage error.
 */
#ifndef PP_CLI_H
#define PP_CLI_H

#include "db/db.h"
#include "util/conf.h"

struct cli {
	struct conf *conf;
	struct db *db;
	struct actor actor;
};

int cli_db_migrate(struct cli *cli);
int cli_user_add(struct cli *cli, int argc, char **argv);
int cli_domain_add(struct cli *cli, int argc, char **argv);
int cli_domain_import(struct cli *cli, const char *file);
int cli_mail_show(struct cli *cli, const char *domain);
int cli_mail_set(struct cli *cli, int argc, char **argv);
/* argv[0] is the verb: add, del or list. */
int cli_mailbox(struct cli *cli, int argc, char **argv);
int cli_alias(struct cli *cli, int argc, char **argv);
int cli_maps_build(struct cli *cli, int argc, char **argv);
int cli_postfix_config(struct cli *cli, int argc, char **argv);
/* Prints the database failure for st; returns 1. */
int cli_db_fail(struct cli *cli, enum db_status st);

#endif
