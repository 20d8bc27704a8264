/* postpanel mailbox|alias add|del|list, mailbox import: a domain's addresses from the command line. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "i18n/i18n.h"
#include "model/address.h"
#include "model/idn.h"
#include "util/xalloc.h"

/* The domain argument in ASCII (malloc'd), or NULL after saying why not. */
static char *domain_arg(const char *arg)
{
	char *ascii;
	const char *why = idn_to_ascii(arg, &ascii);

	if (why) {
		fprintf(stderr, _("postpanel: %s: %s\n"), arg, _(why));
		return NULL;
	}
	return ascii;
}

/*
 * Splits "local@domain" into the checked local part and the ASCII domain
 * (the caller frees it); NULL with *why (untranslated) when it is wrong.
 */
static char *parse_address(const char *arg, char local[VALIDATE_LOCAL_MAX + 1], const char **why)
{
	const char *at = strrchr(arg, '@');
	char part[VALIDATE_ADDRESS_MAX + 1], *ascii;

	if (at == NULL || (size_t)(at - arg) >= sizeof(part)) {
		*why = N_("expected an address such as name@example.com");
		return NULL;
	}
	memcpy(part, arg, (size_t)(at - arg));
	part[at - arg] = '\0';
	if ((*why = address_local_part(part, local)) != NULL ||
	    (*why = idn_to_ascii(at + 1, &ascii)) != NULL)
		return NULL;
	return ascii;
}

static char *split_address(const char *arg, char local[VALIDATE_LOCAL_MAX + 1])
{
	const char *why;
	char *domain = parse_address(arg, local, &why);

	if (domain == NULL)
		fprintf(stderr, _("postpanel: %s: %s\n"), arg, _(why));
	return domain;
}

enum done { DONE_NOTHING, DONE_MAILBOX, DONE_ALIAS, DONE_DELETED };

static int report(struct cli *cli, enum db_status st, const char *address, enum done done)
{
	if (st == DB_OK) {
		if (done == DONE_MAILBOX)
			printf(_("Added mailbox %s.\n"), address);
		else if (done == DONE_ALIAS)
			printf(_("Alias %s saved.\n"), address);
		else if (done == DONE_DELETED)
			printf(_("Deleted %s.\n"), address);
		return 0;
	}
	if (st == DB_NOTFOUND)
		fprintf(stderr, _("postpanel: %s: no such domain or address\n"), address);
	else if (st == DB_DUPLICATE)
		fprintf(stderr, _("postpanel: %s exists already (as a mailbox or an alias)\n"), address);
	else
		return cli_db_fail(cli, st);
	return 1;
}

static int list(struct cli *cli, const char *domain_text, int aliases)
{
	struct address_list l;
	char *domain = domain_arg(domain_text);
	enum db_status st;

	if (domain == NULL)
		return 1;
	st = db_address_list(cli->db, &cli->actor, domain, &l);
	if (st == DB_OK) {
		size_t n = aliases ? l.n_aliases : l.n_mailboxes;
		const struct address_row *rows = aliases ? l.aliases : l.mailboxes;

		for (size_t i = 0; i < n; i++) {
			if (aliases)
				printf("%s@%s\t%s\n", rows[i].local_part, domain, rows[i].targets);
			else
				printf("%s@%s\n", rows[i].local_part, domain);
		}
		db_address_list_clear(&l);
	}
	free(domain);
	return st == DB_OK ? 0 : report(cli, st, domain_text, DONE_NOTHING);
}

/* "ADDRESS" lines, '#' comments: the mailboxes, all or none. */
static int import(struct cli *cli, const char *file)
{
	FILE *fp = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	char *line = NULL, **domains = NULL, **locals = NULL;
	size_t cap = 0, lineno = 0, bad = 0, n = 0, room = 0;
	enum db_status st = DB_OK;

	if (fp == NULL) {
		fprintf(stderr, _("postpanel: %s: %s\n"), file, strerror(errno));
		return 1;
	}
	while (getline(&line, &cap, fp) >= 0) {
		char local[VALIDATE_LOCAL_MAX + 1], *save = NULL, *domain;
		char *address = strtok_r(line, " \t\r\n", &save);
		const char *why;

		lineno++;
		if (address == NULL || address[0] == '#')
			continue;
		if (strtok_r(NULL, " \t\r\n", &save) != NULL) {
			fprintf(stderr, _("%s:%zu: expected one address per line\n"), file, lineno);
			bad++;
			continue;
		}
		if ((domain = parse_address(address, local, &why)) == NULL) {
			fprintf(stderr, _("%s:%zu: %s\n"), file, lineno, _(why));
			bad++;
			continue;
		}
		if (n == room) {
			room = room ? 2 * room : 256;
			domains = xrealloc(domains, room * sizeof(char *));
			locals = xrealloc(locals, room * sizeof(char *));
		}
		domains[n] = domain;
		locals[n++] = xstrdup(local);
	}
	free(line);
	if (fp != stdin)
		fclose(fp);
	if (bad > 0) {
		fprintf(stderr, ngettext("postpanel: %zu line is wrong; nothing was imported\n",
					 "postpanel: %zu lines are wrong; nothing was imported\n", bad), bad);
		st = DB_INVALID;
	} else if ((st = db_mailbox_import(cli->db, &cli->actor, (const char *const *)domains,
					     (const char *const *)locals, n)) == DB_NOTFOUND)
		fprintf(stderr, _("postpanel: a domain in the file does not exist; nothing was imported\n"));
	else if (st == DB_DUPLICATE)
		fprintf(stderr, _("postpanel: an address in the file exists already (as a mailbox or an alias) or twice; nothing was imported\n"));
	else if (st != DB_OK)
		cli_db_fail(cli, st);
	else
		printf(ngettext("Imported %zu mailbox.\n", "Imported %zu mailboxes.\n", n), n);
	for (size_t i = 0; i < n; i++) {
		free(domains[i]);
		free(locals[i]);
	}
	free(domains);
	free(locals);
	return st == DB_OK ? 0 : 1;
}

int cli_mailbox(struct cli *cli, int argc, char **argv)
{
	char local[VALIDATE_LOCAL_MAX + 1], *domain;
	char address[VALIDATE_ADDRESS_MAX + 2];
	enum db_status st;

	if (argc == 2 && strcmp(argv[0], "list") == 0)
		return list(cli, argv[1], 0);
	if (argc == 2 && strcmp(argv[0], "import") == 0)
		return import(cli, argv[1]);
	if (argc != 2 || (strcmp(argv[0], "add") != 0 && strcmp(argv[0], "del") != 0)) {
		fprintf(stderr, _("usage: postpanel mailbox add|del ADDRESS | mailbox list DOMAIN | mailbox import FILE\n"));
		return 2;
	}
	if ((domain = split_address(argv[1], local)) == NULL)
		return 1;
	snprintf(address, sizeof(address), "%s@%s", local, domain);
	if (strcmp(argv[0], "add") == 0)
		st = db_mailbox_add(cli->db, &cli->actor, domain, local);
	else
		st = db_address_delete(cli->db, &cli->actor, domain, local);
	free(domain);
	return report(cli, st, address, strcmp(argv[0], "add") == 0 ? DONE_MAILBOX : DONE_DELETED);
}

int cli_alias(struct cli *cli, int argc, char **argv)
{
	char local[VALIDATE_LOCAL_MAX + 1], *domain;
	char address[VALIDATE_ADDRESS_MAX + 2];
	struct buf targets = BUF_INIT;
	const char *why;
	enum db_status st;
	int rc;

	if (argc == 2 && strcmp(argv[0], "list") == 0)
		return list(cli, argv[1], 1);
	if (argc == 2 && strcmp(argv[0], "del") == 0) {
		if ((domain = split_address(argv[1], local)) == NULL)
			return 1;
		snprintf(address, sizeof(address), "%s@%s", local, domain);
		st = db_address_delete(cli->db, &cli->actor, domain, local);
		free(domain);
		return report(cli, st, address, DONE_DELETED);
	}
	if (argc != 3 || strcmp(argv[0], "add") != 0) {
		fprintf(stderr, _("usage: postpanel alias add ADDRESS TARGET[,TARGET...] | alias del ADDRESS | alias list DOMAIN\n"));
		return 2;
	}
	if ((domain = split_address(argv[1], local)) == NULL)
		return 1;
	snprintf(address, sizeof(address), "%s@%s", local, domain);
	if ((why = address_targets(argv[2], &targets)) != NULL) {
		fprintf(stderr, _("postpanel: %s: %s\n"), buf_cstr(&targets), _(why));
		rc = 1;
	} else {
		st = db_alias_set(cli->db, &cli->actor, domain, local, targets.data);
		rc = report(cli, st, address, DONE_ALIAS);
	}
	buf_release(&targets);
	free(domain);
	return rc;
}
