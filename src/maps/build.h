/*
 * NAME
 *	build - from the database to the installed maps
 * SYNOPSIS
 *	struct maps_run run = { .opts = opts };
 *	maps_full(db, &run);                     rebuild everything
 *	maps_update(db, &run, applied);          apply what changed since
 * DESCRIPTION
 *	maps_full() reads one consistent snapshot (every domain, mailbox and
 *	alias), renders every line through maps/render and installs the maps
 *	with mapdir (atomic replacement). maps_update() reads, in one
 *	snapshot, the changes after generation `applied` and re-renders only
 *	the domains they touch, changing lmdb tables in place: routes are
 *	added before acceptance widens and removed after it narrows, so
 *	Postfix never accepts mail it cannot route. When the changes are
 *	server-wide, remove a domain, touch many domains or lines, or the
 *	tables are cdb, maps_update() does a full rebuild instead.
 *
 *	Both set run->generation to the generation now installed and return
 *	0, or -1 with run->error set (a database failure, a value the
 *	renderer refused, a postmap failure); on failure the installed maps
 *	are the previous ones. run->full tells which way was taken and
 *	run->domains how many domains were rendered. When postmap failed on
 *	the stream of virtual_mailbox_maps (see mapdir_build_stream()) and
 *	the build was redone from files, run->note says so and why.
 *
 *	A full build reads and renders on a thread of its own, at nice
 *	run->nice (build_nice; maps_configure() sets the default): the
 *	postmap of virtual_mailbox_maps keeps the caller's priority and the
 *	rest of the build, the other maps' postmaps included, uses the CPU it
 *	leaves. The calling thread keeps its priority.
 *
 *	maps_lock() takes an exclusive lock on the map directory so that two
 *	builders never interleave; it returns the lock descriptor or -1.
 */
#ifndef PP_BUILD_H
#define PP_BUILD_H

#include "db/db.h"
#include "maps/mapdir.h"

#define MAPS_UPDATE_MAX_DOMAINS 500	/* more changed domains: rebuild all */
/*
 * postmap changes a table in place one transaction per line (a few
 * tenths of a millisecond each): more lines than this, rebuild all.
 */
#define MAPS_UPDATE_MAX_LINES 2000
#define MAPS_BUILD_NICE 10		/* default build_nice */

struct maps_run {
	struct mapdir_opts opts;
	long long generation;
	int full;
	size_t domains;
	size_t lines;
	char error[512];
	char note[640];			/* set when a streamed build had to be redone */
	int nice;			/* of a full build's rendering (see maps_full()) */
};

struct conf;
/* Fills run->opts and run->nice from the configuration (postmap, postfix_config_dir,
 * lmdb_map_size, build_nice). */
int maps_configure(struct maps_run *run, const struct conf *conf, char *err, size_t errlen);

int maps_full(struct db *db, struct maps_run *run);
int maps_update(struct db *db, struct maps_run *run, long long applied);
int maps_lock(const char *dir, char *err, size_t errlen);

#endif
