#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "i18n/i18n.h"
#include "model/idn.h"
#include "model/validate.h"
#include "util/buf.h"
#include "util/password.h"
#include "util/xalloc.h"

int cli_db_fail(struct cli *cli, enum db_status st)
{
	if (st == DB_DOWN)
		fprintf(stderr, _("postpanel: cannot reach the database: %s\n"), db_error(cli->db));
	else
		fprintf(stderr, _("postpanel: %s: %s\n"), db_status_name(st), db_error(cli->db));
	return 1;
}

int cli_db_migrate(struct cli *cli)
{
	const char *dir = conf_get(cli->conf, "sql_dir", PKGDATADIR "/sql");
	enum db_status st = db_migrate(cli->db, dir, stdout);

	if (st != DB_OK)
		return cli_db_fail(cli, st);
	printf(_("The database schema is up to date.\n"));
	return 0;
}

/* Reads one line (the password) from stdin without its newline. */
static char *read_line(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);

	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

int cli_user_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "reseller", required_argument, NULL, 's' },
		{ "language", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *role_s = NULL, *reseller = NULL, *lang = NULL, *login, *why;
	char *password, *hash;
	enum role role;
	enum db_status st;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			role_s = optarg;
		else if (c == 's')
			reseller = optarg;
		else if (c == 'l')
			lang = optarg;
		else
			return 2;
	}
	if (optind + 1 != argc || role_s == NULL) {
		fprintf(stderr, _("usage: postpanel user add LOGIN --role admin|reseller|customer [--reseller LOGIN] [--language en|fr|sv]\n"));
		return 2;
	}
	login = argv[optind];
	if ((why = validate_login(login)) != NULL) {
		fprintf(stderr, _("postpanel: %s\n"), _(why));
		return 1;
	}
	if (role_parse(role_s, &role) != 0) {
		fprintf(stderr, _("postpanel: the role must be admin, reseller or customer\n"));
		return 1;
	}
	if (reseller && role != ROLE_CUSTOMER) {
		fprintf(stderr, _("postpanel: only a customer belongs to a reseller\n"));
		return 1;
	}
	if (lang && !i18n_supported(lang)) {
		fprintf(stderr, _("postpanel: the language must be en, fr or sv\n"));
		return 1;
	}
	if (isatty(0))
		fprintf(stderr, _("Password for %s: "), login);
	password = read_line();
	if (password == NULL || (why = validate_password(password)) != NULL) {
		fprintf(stderr, _("postpanel: %s\n"), password ? _(why) : _("no password given on standard input"));
		free(password);
		return 1;
	}
	hash = password_hash(password);
	free(password);
	if (hash == NULL) {
		fprintf(stderr, _("postpanel: the system cannot hash passwords with yescrypt\n"));
		return 1;
	}
	st = db_account_add(cli->db, &cli->actor, login, hash, role, reseller, lang);
	free(hash);
	if (st == DB_DUPLICATE) {
		fprintf(stderr, _("postpanel: the login %s is taken\n"), login);
		return 1;
	}
	if (st == DB_NOTFOUND) {
		fprintf(stderr, _("postpanel: there is no reseller called %s\n"), reseller);
		return 1;
	}
	if (st != DB_OK)
		return cli_db_fail(cli, st);
	printf(_("Added %s (%s).\n"), login, role_name(role));
	return 0;
}

int cli_domain_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "owner", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *owner = NULL, *why;
	char *ascii;
	enum db_status st;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o')
			owner = optarg;
		else
			return 2;
	}
	if (optind + 1 != argc || owner == NULL) {
		fprintf(stderr, _("usage: postpanel domain add NAME --owner LOGIN\n"));
		return 2;
	}
	if ((why = idn_to_ascii(argv[optind], &ascii)) != NULL) {
		fprintf(stderr, _("postpanel: %s: %s\n"), argv[optind], _(why));
		return 1;
	}
	st = db_domain_add(cli->db, &cli->actor, ascii, owner);
	if (st == DB_DUPLICATE)
		fprintf(stderr, _("postpanel: the domain %s exists already\n"), ascii);
	else if (st == DB_NOTFOUND)
		fprintf(stderr, _("postpanel: there is no customer called %s\n"), owner);
	else if (st != DB_OK)
		cli_db_fail(cli, st);
	else
		printf(_("Added %s for %s.\n"), ascii, owner);
	free(ascii);
	return st == DB_OK ? 0 : 1;
}

struct import {
	char **names;
	char **owners;
	size_t n;
	size_t cap;
};

static void import_free(struct import *im)
{
	for (size_t i = 0; i < im->n; i++) {
		free(im->names[i]);
		free(im->owners[i]);
	}
	free(im->names);
	free(im->owners);
}

/* Parses "NAME OWNER" lines; returns the number of bad lines (reported). */
static size_t import_parse(FILE *fp, const char *file, struct import *im)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0, bad = 0;

	while (getline(&line, &cap, fp) >= 0) {
		char *name, *owner, *extra, *save = NULL, *ascii;
		const char *why;

		lineno++;
		name = strtok_r(line, " \t\r\n", &save);
		if (name == NULL || name[0] == '#')
			continue;
		owner = strtok_r(NULL, " \t\r\n", &save);
		extra = strtok_r(NULL, " \t\r\n", &save);
		if (owner == NULL || extra != NULL) {
			fprintf(stderr, _("%s:%zu: expected a domain name and its owner's login\n"), file, lineno);
			bad++;
			continue;
		}
		if ((why = idn_to_ascii(name, &ascii)) != NULL ||
		    (why = validate_login(owner)) != NULL) {
			fprintf(stderr, _("%s:%zu: %s\n"), file, lineno, _(why));
			bad++;
			continue;
		}
		if (im->n == im->cap) {
			im->cap = im->cap ? 2 * im->cap : 1024;
			im->names = xrealloc(im->names, im->cap * sizeof(char *));
			im->owners = xrealloc(im->owners, im->cap * sizeof(char *));
		}
		im->names[im->n] = ascii;
		im->owners[im->n] = xstrdup(owner);
		im->n++;
	}
	free(line);
	return bad;
}

int cli_domain_import(struct cli *cli, const char *file)
{
	FILE *fp = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	struct import im = { NULL, NULL, 0, 0 };
	enum db_status st;
	size_t bad;

	if (fp == NULL) {
		fprintf(stderr, _("postpanel: %s: %s\n"), file, strerror(errno));
		return 1;
	}
	bad = import_parse(fp, file, &im);
	if (fp != stdin)
		fclose(fp);
	if (bad > 0) {
		fprintf(stderr, ngettext("postpanel: %zu line is wrong; nothing was imported\n",
					 "postpanel: %zu lines are wrong; nothing was imported\n", bad), bad);
		import_free(&im);
		return 1;
	}
	st = db_domain_import(cli->db, &cli->actor, (const char *const *)im.names,
			      (const char *const *)im.owners, im.n);
	if (st == DB_NOTFOUND)
		fprintf(stderr, _("postpanel: an owner in the file is not a customer account; nothing was imported\n"));
	else if (st == DB_DUPLICATE)
		fprintf(stderr, _("postpanel: a domain in the file exists already; nothing was imported (%s)\n"), db_error(cli->db));
	else if (st != DB_OK)
		cli_db_fail(cli, st);
	else
		printf(ngettext("Imported %zu domain.\n", "Imported %zu domains.\n", im.n), im.n);
	import_free(&im);
	return st == DB_OK ? 0 : 1;
}
