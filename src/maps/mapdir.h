/*
 * NAME
 *	mapdir - installing maps in the map directory, atomically
 * SYNOPSIS
 *	struct mapdir_build *b = mapdir_build_begin(&opts, err, sizeof(err));
 *	mapdir_build_write(b, MAP_MAILBOXES, data, len);  ...
 *	if (mapdir_build_commit(b, err, sizeof(err)) != 0) keep_old_maps();
 * DESCRIPTION
 *	A full build writes every map's source to a temporary file in the
 *	map directory, fsyncs it, compiles it with postmap (lmdb or cdb, the
 *	maps in parallel) into a temporary table, fsyncs that, and renames it
 *	over the live table; Postfix only ever opens a complete table, old
 *	or new. mapdir_build_commit() consumes the build whatever happens;
 *	on any failure the temporaries are removed and the live tables are
 *	untouched. The nginx webmail map is a plain file replaced the same
 *	way. mapdir_build_abort() gives up a build (accepts NULL).
 *
 *	mapdir_build_stream(), called before the first write of a map, has
 *	postmap compile that map from a named pipe while it is written
 *	(unless keep_sources is set; callers ignore SIGPIPE). If that compile fails, the commit
 *	returns MAPDIR_STREAM_FAILED: build again without streaming, which
 *	tells a fault of the data from one of the pipe (postmap restarts a
 *	table that outgrows lmdb_map_size from its first line, which a pipe
 *	cannot do). Builds run postmap with a configuration directory of
 *	their own, DIR/.pp-postmap: the Postfix main.cf and an lmdb_map_size
 *	large enough that postmap should never have to restart.
 *
 *	mapdir_update() changes an lmdb table in place through postmap's own
 *	transactions: "postmap -i -r" inserts or replaces the lines given,
 *	then "postmap -d -" removes the keys given (LMDB readers see the
 *	table before or after each step, never in between).
 *
 *	mapdir_touch() replaces the tiny "generation" table. Postfix daemons
 *	restart when a table they opened is replaced, which is what makes
 *	smtpd drop the routing it caches after in-place updates (the
 *	postfix-config output lists the table in virtual_alias_maps).
 *
 *	mapdir_clean() removes temporaries a killed daemon left behind.
 *	All functions return 0, or -1 with a message in err.
 */
#ifndef PP_MAPDIR_H
#define PP_MAPDIR_H

#include <stddef.h>

#include "maps/render.h"

enum map_type { MAP_TYPE_LMDB, MAP_TYPE_CDB };

#define MAPDIR_STREAM_FAILED (-2)

struct mapdir_opts {
	const char *dir;
	enum map_type type;
	const char *postmap;		/* path of postmap(1) */
	const char *postfix_conf;	/* postmap -c DIR, or NULL for the default */
	int keep_sources;		/* full builds also leave NAME.source (for humans, benchmarks) */
	unsigned long map_size;		/* lmdb_map_size of full builds; 0: chosen from the tables */
};

int mapdir_type_parse(const char *name, enum map_type *type);
const char *mapdir_type_name(enum map_type type);

struct mapdir_build;

struct mapdir_build *mapdir_build_begin(const struct mapdir_opts *o, char *err, size_t errlen);
int mapdir_build_stream(struct mapdir_build *b, enum map_id id, char *err, size_t errlen);
int mapdir_build_write(struct mapdir_build *b, enum map_id id, const char *data, size_t len);
/* Starts compiling one map whose source is complete, while others are written. */
int mapdir_build_compile(struct mapdir_build *b, enum map_id id, char *err, size_t errlen);
int mapdir_build_commit(struct mapdir_build *b, char *err, size_t errlen);
void mapdir_build_abort(struct mapdir_build *b);

int mapdir_update(const struct mapdir_opts *o, enum map_id id, const char *upserts,
		  const char *delete_keys, char *err, size_t errlen);
/* Replaces the plain (nginx) map with data, atomically. */
int mapdir_replace_plain(const struct mapdir_opts *o, enum map_id id, const char *data, size_t len,
			 char *err, size_t errlen);
int mapdir_touch(const struct mapdir_opts *o, long long generation, char *err, size_t errlen);
/*
 * The same in two steps, for a build that has the generation table
 * compiled while it works: begin starts postmap, end waits for it and
 * installs the table, abort gives it up (accepts NULL). end and abort
 * consume the handle.
 */
struct mapdir_touch;
struct mapdir_touch *mapdir_touch_begin(const struct mapdir_opts *o, long long generation, char *err,
					size_t errlen);
int mapdir_touch_end(struct mapdir_touch *t, char *err, size_t errlen);
void mapdir_touch_abort(struct mapdir_touch *t);
int mapdir_clean(const struct mapdir_opts *o);

#endif
