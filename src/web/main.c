/*
 * postpanel-web: the FastCGI application behind nginx.
 *
 *	postpanel-web [-c CONFIG]
 *
 * Reads the configuration (default SYSCONFDIR/postpanel/postpanel.conf, or
 * $POSTPANEL_CONF), opens the socket and serves requests in preforked
 * workers, each with its own database connection.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "i18n/i18n.h"
#include "util/conf.h"
#include "util/log.h"
#include "web/app.h"
#include "web/server.h"

static void worker_main(int fd, void *ctx)
{
	const struct web_config *cfg = ctx;
	struct db *db = db_open(cfg->database);
	struct views *views = views_new(cfg->templates_dir, cfg->cache_templates);
	FCGX_Request fcgi;

	if (FCGX_InitRequest(&fcgi, fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_error("FCGX_InitRequest failed");
		views_free(views);
		db_close(db);
		return;
	}
	/* Connect now so the first request does not pay for it; not fatal. */
	if (!db_available(db))
		log_warn("database not available yet: %s", db_error(db));
	while (!server_stopping()) {
		if (FCGX_Accept_r(&fcgi) < 0) {
			if (!server_stopping()) {
				struct timespec pause = { 0, 10 * 1000 * 1000 };
				nanosleep(&pause, NULL);
			}
			continue;
		}
		server_hold_signals(1);
		app_handle(&fcgi, cfg, db, views);
		FCGX_Finish_r(&fcgi);
		server_hold_signals(0);
	}
	FCGX_Free(&fcgi, 1);
	views_free(views);
	db_close(db);
}

static void usage(void)
{
	fprintf(stderr, "usage: postpanel-web [-c CONFIG]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *path = getenv("POSTPANEL_CONF");
	struct web_config cfg;
	struct server_opts opts;
	struct conf *conf;
	const char *why;
	char *err = NULL;
	int opt, rc;

	log_init("postpanel-web");
	while ((opt = getopt(argc, argv, "c:")) != -1) {
		if (opt == 'c')
			path = optarg;
		else
			usage();
	}
	if (optind != argc)
		usage();
	if (path == NULL)
		path = SYSCONFDIR "/postpanel/postpanel.conf";
	if ((conf = conf_load(path, &err)) == NULL) {
		log_error("%s", err);
		free(err);
		return 1;
	}
	if ((why = app_config(&cfg, conf)) != NULL) {
		log_error("%s: %s", path, why);
		conf_free(conf);
		return 1;
	}
	i18n_init(cfg.locale_dir);
	opts = (struct server_opts){ cfg.listen, cfg.backlog, cfg.workers, cfg.socket_mode,
				     cfg.drain_seconds };
	rc = server_run(&opts, worker_main, &cfg);
	conf_free(conf);
	return rc;
}
