/*
 * postpanel-mapd: keeps one mail server's Postfix maps in step with the
 * database.
 *
 *	postpanel-mapd [-c CONFIG] --node NAME --dir DIR [--type lmdb|cdb]
 *
 * At start it rebuilds every map in DIR; then it LISTENs for change
 * notifications and applies each new generation (incrementally for lmdb,
 * see maps/build.h), recording in the database which generation this node
 * applied, or why it failed. A failed step leaves the installed maps as
 * they were and is retried. Every few seconds it writes a heartbeat, so
 * the panel can tell a stopped daemon from an idle one.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "i18n/i18n.h"
#include "maps/build.h"
#include "util/conf.h"
#include "util/log.h"

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: postpanel-mapd [-c CONFIG] --node NAME --dir DIR [--type lmdb|cdb]\n");
	exit(2);
}

struct daemon {
	const char *node;
	struct db *db;
	struct maps_run run;
	long long applied;		/* generation installed in the directory */
	int listening;
	int heartbeat_ms;
};

/* Connects and LISTENs; returns 0 when both worked. */
static int attach(struct daemon *d)
{
	long long recorded;

	if (!db_available(d->db))
		return -1;
	if (db_listen_changes(d->db) != DB_OK || db_node_start(d->db, d->node, &recorded) != DB_OK)
		return -1;
	d->listening = 1;
	return 0;
}

static void step(struct daemon *d, int full)
{
	struct timespec t0, t1;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = full ? maps_full(d->db, &d->run) : maps_update(d->db, &d->run, d->applied);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc != 0) {
		log_error("generation %lld not applied: %s", d->run.generation, d->run.error);
		(void)db_node_failed(d->db, d->node, d->run.generation, d->run.error);
		return;
	}
	if (d->run.note[0])
		log_warn("generation %lld: %s", d->run.generation, d->run.note);
	if (d->run.generation == d->applied && !full)
		return;
	d->applied = d->run.generation;
	log_info("applied generation %lld (%s, %zu domains) in %.0f ms", d->applied,
		 d->run.full ? "full rebuild" : "update", d->run.domains,
		 (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	if (db_node_applied(d->db, d->node, d->applied) != DB_OK)
		log_warn("could not record generation %lld: %s", d->applied, db_error(d->db));
}

static int parse_args(int argc, char **argv, const char **conf, struct daemon *d)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "dir", required_argument, NULL, 'd' },
		{ "type", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': *conf = optarg; break;
		case 'n': d->node = optarg; break;
		case 'd': d->run.opts.dir = optarg; break;
		case 't':
			if (mapdir_type_parse(optarg, &d->run.opts.type) != 0)
				usage();
			break;
		default: usage();
		}
	}
	return optind == argc && d->node && d->run.opts.dir ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *path = getenv("POSTPANEL_CONF");
	struct daemon d;
	struct conf *conf;
	struct sigaction sa;
	char *err = NULL, msg[256];
	int lock, ok, full = 1, warned = 0;

	log_init("postpanel-mapd");
	memset(&d, 0, sizeof(d));
	d.run.opts.type = MAP_TYPE_LMDB;
	if (parse_args(argc, argv, &path, &d) != 0)
		usage();
	if (path == NULL)
		path = SYSCONFDIR "/postpanel/postpanel.conf";
	if ((conf = conf_load(path, &err)) == NULL) {
		log_error("%s", err);
		return 1;
	}
	if (maps_configure(&d.run, conf, msg, sizeof(msg)) != 0) {
		log_error("%s: %s", path, msg);
		return 1;
	}
	d.heartbeat_ms = (int)conf_get_long(conf, "heartbeat_seconds", 5, 1, 300, &ok) * 1000;
	if (!ok) {
		log_error("%s: heartbeat_seconds must be 1..300", path);
		return 1;
	}
	i18n_init(conf_get(conf, "locale_dir", LOCALEDIR));
	if ((lock = maps_lock(d.run.opts.dir, msg, sizeof(msg))) < 0) {
		log_error("%s", msg);
		return 1;
	}
	mapdir_clean(&d.run.opts);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	d.db = db_open(conf_get(conf, "database", "dbname=postpanel"));
	log_info("node %s, maps in %s (%s)", d.node, d.run.opts.dir, mapdir_type_name(d.run.opts.type));

	while (!stopping) {
		int r;

		if (!d.listening) {
			if (attach(&d) != 0) {
				if (!warned++)
					log_warn("database not available, retrying: %s", db_error(d.db));
				sleep(1);
				continue;
			}
			if (warned)
				log_info("database available again");
			warned = 0;
			/* Whatever was missed while away: catch up now. */
			step(&d, full);
			full = 0;
			continue;
		}
		r = db_wait_change(d.db, d.heartbeat_ms);
		if (stopping)
			break;
		if (r < 0) {
			log_warn("lost the database connection; reconnecting");
			d.listening = 0;
			continue;
		}
		/* On a notification, and on every tick in case one was missed. */
		step(&d, 0);
		if (r == 0 && db_node_heartbeat(d.db, d.node) != DB_OK)
			d.listening = 0;
	}
	log_info("stopping");
	db_close(d.db);
	conf_free(conf);
	close(lock);
	return 0;
}
