/* postpanel maps build | postfix-config: the maps without the daemon. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "i18n/i18n.h"
#include "maps/build.h"

struct maps_args {
	const char *dir;
	enum map_type type;
	int verify;
	int keep_sources;
};

static int parse(int argc, char **argv, struct maps_args *a)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "type", required_argument, NULL, 't' },
		{ "verify-recipients", no_argument, NULL, 'v' },
		{ "keep-sources", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->type = MAP_TYPE_LMDB;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			a->dir = optarg;
		else if (c == 't' && mapdir_type_parse(optarg, &a->type) == 0)
			continue;
		else if (c == 'v')
			a->verify = 1;
		else if (c == 'k')
			a->keep_sources = 1;
		else
			return -1;
	}
	return optind == argc && a->dir && a->dir[0] == '/' ? 0 : -1;
}

int cli_maps_build(struct cli *cli, int argc, char **argv)
{
	struct maps_args a;
	struct maps_run run;
	int lock;

	if (parse(argc, argv, &a) != 0) {
		fprintf(stderr, _("usage: postpanel maps build --dir /ABSOLUTE/DIR [--type lmdb|cdb] [--keep-sources]\n"));
		return 2;
	}
	memset(&run, 0, sizeof(run));
	run.opts.dir = a.dir;
	run.opts.type = a.type;
	run.opts.keep_sources = a.keep_sources;
	if (maps_configure(&run, cli->conf, run.error, sizeof(run.error)) != 0 ||
	    (lock = maps_lock(a.dir, run.error, sizeof(run.error))) < 0) {
		fprintf(stderr, _("postpanel: %s\n"), run.error);
		return 1;
	}
	mapdir_clean(&run.opts);
	if (maps_full(cli->db, &run) != 0) {
		fprintf(stderr, _("postpanel: the maps were not rebuilt; the previous ones stay: %s\n"), run.error);
		close(lock);
		return 1;
	}
	close(lock);
	if (run.note[0])
		fprintf(stderr, _("postpanel: note: %s\n"), run.note);
	printf(ngettext("Built the maps of generation %lld in %s (%zu domain).\n",
			"Built the maps of generation %lld in %s (%zu domains).\n", run.domains),
	       run.generation, a.dir, run.domains);
	return 0;
}

int cli_postfix_config(struct cli *cli, int argc, char **argv)
{
	static const struct { const char *param; enum map_id map; } uses[] = {
		{ "virtual_mailbox_domains", MAP_DOMAINS },
		{ "virtual_mailbox_maps", MAP_MAILBOXES },
		{ "virtual_alias_maps", MAP_ALIASES },
		{ "transport_maps", MAP_TRANSPORT },
	};
	struct maps_args a;

	(void)cli;
	if (parse(argc, argv, &a) != 0) {
		fprintf(stderr, _("usage: postpanel postfix-config --dir /ABSOLUTE/DIR [--type lmdb|cdb] [--verify-recipients]\n"));
		return 2;
	}
	/* One "name = value" per line: postconf -e takes each as it is. */
	for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++) {
		printf("%s = %s:%s/%s", uses[i].param, mapdir_type_name(a.type), a.dir, map_name(uses[i].map));
		/* Replaced after every change: makes smtpd drop cached routing. */
		if (uses[i].map == MAP_ALIASES)
			printf(", %s:%s/generation", mapdir_type_name(a.type), a.dir);
		putchar('\n');
	}
	printf("virtual_transport = virtual\n");
	printf("virtual_mailbox_base = %s\n", conf_get(cli->conf, "mailbox_base", "/var/mail/vhosts"));
	printf("virtual_uid_maps = static:%s\n", conf_get(cli->conf, "mailbox_uid", "5000"));
	printf("virtual_gid_maps = static:%s\n", conf_get(cli->conf, "mailbox_gid", "5000"));
	printf("virtual_minimum_uid = 100\n");
	printf("smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n");
	if (a.verify)
		printf("smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination, reject_unverified_recipient\n");
	return 0;
}
