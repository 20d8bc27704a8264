#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include "i18n/i18n.h"
#include "maps/build.h"
#include "util/conf.h"
#include "util/xalloc.h"

#define FLUSH_AT (1 << 20)	/* bytes of rendered lines kept before writing */

/*
 * What later rows of a domain need: mailboxes and aliases are rendered
 * from the name, service and policy (the policy's values only matter to
 * the domain's own lines).
 */
struct dom {
	long long id;
	size_t name_at;			/* in snapshot.names */
	int service;
	enum mail_policy policy;
};

/* What one build holds while it reads its snapshot. */
struct snapshot {
	struct maps_run *run;
	struct dom *doms;		/* ordered by id, as read */
	size_t n, cap;
	struct buf names;		/* the domains' names, one after another */
	size_t last;			/* cache: mailboxes come grouped by domain */
	char *default_bounce[8];	/* per shipped language */
	struct map_set out;
	struct mapdir_build *build;	/* NULL: keep everything in out */
	struct mapdir_touch *touch;	/* full build: the generation table, compiling */
	struct buf *addresses;		/* if set, "domain\tlocal\n" of each address read */
};

static void snapshot_init(struct snapshot *s, struct maps_run *run)
{
	const char *const *langs = i18n_languages();

	memset(s, 0, sizeof(*s));
	s->run = run;
	map_set_init(&s->out);
	/* gettext once per language, not once per domain. */
	for (size_t i = 0; langs[i] != NULL && i < 8; i++)
		s->default_bounce[i] = i18n_gettext_in(langs[i], mailcfg_default_bounce());
}

static void snapshot_release(struct snapshot *s)
{
	free(s->doms);
	buf_release(&s->names);
	for (size_t i = 0; i < 8; i++)
		free(s->default_bounce[i]);
	map_set_release(&s->out);
	mapdir_build_abort(s->build);
	mapdir_touch_abort(s->touch);
}

static const char *default_bounce(const struct snapshot *s, const char *lang)
{
	const char *const *langs = i18n_languages();

	for (size_t i = 0; langs[i] != NULL && i < 8; i++)
		if (lang && strcmp(langs[i], lang) == 0)
			return s->default_bounce[i];
	return s->default_bounce[0];
}

static int refuse(struct snapshot *s)
{
	snprintf(s->run->error, sizeof(s->run->error), "renderer refused a value: %s", s->out.error);
	return -1;
}

/* Writes what has been rendered to the build files once enough piled up. */
static int flush(struct snapshot *s, int force)
{
	if (s->build == NULL)
		return 0;
	for (int i = 0; i < MAP_COUNT; i++) {
		struct buf *b = &s->out.map[i];

		if (b->len == 0 || (!force && b->len < FLUSH_AT))
			continue;
		if (mapdir_build_write(s->build, i, b->data, b->len) != 0) {
			snprintf(s->run->error, sizeof(s->run->error), "writing %s: %s", map_name(i),
				 strerror(errno));
			return -1;
		}
		buf_reset(b);
	}
	return 0;
}

/* id, name, service, policy, bounce, language, forward, redirect ip, port, webmail */
static int on_domain(void *ctx, const char *const *c)
{
	struct snapshot *s = ctx;
	struct map_domain md = {
		.name = c[1],
		.service = c[2][0] == 't',
		.policy = POLICY_REJECT,
		.bounce_text = c[4] ? c[4] : default_bounce(s, c[5]),
		.forward_address = c[6],
		.redirect_ip = c[7],
		.redirect_port = c[8] ? atoi(c[8]) : 25,
		.webmail = c[9],
	};
	struct dom *d;

	(void)mailcfg_policy_parse(c[3], &md.policy);
	if (map_render_domain(&s->out, &md) != 0)
		return refuse(s);
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->doms = xrealloc(s->doms, s->cap * sizeof(*s->doms));
	}
	d = &s->doms[s->n++];
	d->id = strtoll(c[0], NULL, 10);
	d->name_at = s->names.len;
	d->service = md.service;
	d->policy = md.policy;
	s->last = s->n - 1;
	buf_append(&s->names, c[1], strlen(c[1]) + 1);
	s->run->domains++;
	return flush(s, 0);
}

/* The domain with this id, as later rows need it; 0 if not in the snapshot. */
static int find_dom(struct snapshot *s, const char *id_text, struct map_domain *md)
{
	long long id = strtoll(id_text, NULL, 10);
	size_t lo = 0, hi = s->n;
	const struct dom *d;

	if (!(s->last < s->n && s->doms[s->last].id == id)) {
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (s->doms[mid].id < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == s->n || s->doms[lo].id != id)
			return 0;
		s->last = lo;
	}
	d = &s->doms[s->last];
	*md = (struct map_domain){ .name = s->names.data + d->name_at, .service = d->service,
				   .policy = d->policy };
	return 1;
}

static int on_mailbox(void *ctx, const char *const *c)
{
	struct snapshot *s = ctx;
	struct map_domain d;

	if (!find_dom(s, c[0], &d))
		return 0;	/* not in this snapshot's domain list: nothing to render */
	if (s->addresses)
		buf_appendf(s->addresses, "%s\t%s\n", d.name, c[1]);
	if (map_render_mailbox(&s->out, &d, c[1]) != 0)
		return refuse(s);
	return flush(s, 0);
}

static int on_alias(void *ctx, const char *const *c)
{
	struct snapshot *s = ctx;
	struct map_domain d;

	if (!find_dom(s, c[0], &d))
		return 0;
	if (s->addresses)
		buf_appendf(s->addresses, "%s\t%s\n", d.name, c[1]);
	if (map_render_alias(&s->out, &d, c[1], c[2]) != 0)
		return refuse(s);
	return flush(s, 0);
}

static int db_failed(struct snapshot *s, struct db *db, enum db_status st)
{
	if (s->run->error[0] == '\0')
		snprintf(s->run->error, sizeof(s->run->error), "database: %s: %s", db_status_name(st),
			 db_error(db));
	return -1;
}

/* Reads and renders the domains named (NULL: all) from the open snapshot. */
static int render(struct snapshot *s, struct db *db, const char *const *names, size_t n)
{
	enum db_status st;

	if ((st = db_maps_domains(db, names, n, on_domain, s)) != DB_OK ||
	    (st = db_maps_mailboxes(db, names, n, on_mailbox, s)) != DB_OK ||
	    (st = db_maps_aliases(db, names, n, on_alias, s)) != DB_OK)
		return db_failed(s, db, st);
	return 0;
}

/*
 * Renders a domain's mailboxes given as their number and their local
 * parts separated by spaces (see db_maps_full()).
 */
static int each_mailbox(struct snapshot *s, const struct map_domain *d, const char *count,
			const char *list)
{
	long want = count ? strtol(count, NULL, 10) : 0, got = 0;
	char local[256];

	for (const char *p = list; p && *p; got++) {
		size_t len = strcspn(p, " "), n = len < sizeof(local) ? len : sizeof(local) - 1;

		/* Cut to 255 bytes, a local part too long is still refused. */
		memcpy(local, p, n);
		local[n] = '\0';
		if (map_render_mailbox(&s->out, d, local) != 0)
			return refuse(s);
		p += len + (p[len] == ' ');
	}
	if (got != want) {
		snprintf(s->out.error, sizeof(s->out.error),
			 "%s: refusing the mailboxes of a domain: %ld names for %ld mailboxes",
			 map_name(MAP_MAILBOXES), got, want);
		return refuse(s);
	}
	return 0;
}

/* The domain's columns (see on_domain()), then its mailboxes: count, local parts. */
static int on_full_domain(void *ctx, const char *const *c)
{
	struct snapshot *s = ctx;
	struct map_domain d;

	if (on_domain(ctx, c) != 0 || !find_dom(s, c[0], &d))
		return -1;
	if (each_mailbox(s, &d, c[10], c[11]) != 0)
		return -1;
	return flush(s, 0);
}

/* Writes out what is left of these maps and starts compiling them. */
static int compile_now(struct snapshot *s, const enum map_id *ids, size_t n)
{
	if (flush(s, 1) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (mapdir_build_compile(s->build, ids[i], s->run->error, sizeof(s->run->error)) != 0)
			return -1;
	return 0;
}

/*
 * A full build reads every domain with its mailboxes in one pass:
 * virtual_mailbox_maps, by far the largest map, is streamed to postmap
 * (see full_build()), which starts at once. After that pass the domains
 * and transport maps are complete and start compiling; aliases only add
 * alias lines.
 */
static int render_all(struct snapshot *s, struct db *db)
{
	static const enum map_id after_domains[] = { MAP_DOMAINS, MAP_TRANSPORT };
	enum db_status st;

	if ((st = db_maps_full(db, on_full_domain, s)) != DB_OK)
		return db_failed(s, db, st);
	if (compile_now(s, after_domains, 2) != 0)
		return -1;
	if ((st = db_maps_aliases(db, NULL, 0, on_alias, s)) != DB_OK)
		return db_failed(s, db, st);
	return 0;
}

/* After postmap started on the mailbox stream: the rest of the build. */
static int render_and_commit(struct snapshot *s, struct db *db)
{
	struct maps_run *run = s->run;
	int rc = render_all(s, db);

	db_maps_end(db);
	if (rc != 0 || flush(s, 1) != 0)
		return -1;
	rc = mapdir_build_commit(s->build, run->error, sizeof(run->error));
	s->build = NULL;
	if (rc == 0)
		rc = mapdir_touch_end(s->touch, run->error, sizeof(run->error));
	else
		mapdir_touch_abort(s->touch);
	s->touch = NULL;
	return rc;
}

struct worker {
	struct snapshot *s;
	struct db *db;
	int rc;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	/* Linux keeps a nice value per thread: this thread's, and its children's. */
	if (w->s->run->nice > 0)
		(void)setpriority(PRIO_PROCESS, (id_t)gettid(), w->s->run->nice);
	w->rc = render_and_commit(w->s, w->db);
	return NULL;
}

/*
 * Runs render_and_commit() on a thread of its own, niced: the postmap of
 * virtual_mailbox_maps, started before at normal priority, is what the
 * build waits for; the reading, rendering and the other maps' postmaps
 * (which inherit the thread's nice value) use the CPU it leaves. The
 * thread also waits for the postmaps it started: they are killed when
 * the thread that started them ends (PR_SET_PDEATHSIG).
 */
static int render_behind(struct snapshot *s, struct db *db)
{
	struct worker w = { s, db, -1 };
	sigset_t all, old;
	pthread_t thread;
	int started;

	sigfillset(&all);	/* signals stay with the calling thread */
	pthread_sigmask(SIG_SETMASK, &all, &old);
	started = pthread_create(&thread, NULL, worker_main, &w) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!started)
		return render_and_commit(s, db);
	pthread_join(thread, NULL);
	return w.rc;
}

static int full_build(struct db *db, struct maps_run *run, int stream)
{
	struct snapshot s;
	enum db_status st;
	int rc = -1;

	run->error[0] = '\0';
	run->full = 1;
	run->domains = 0;
	snapshot_init(&s, run);
	/* postmap starts while the database connects: it has files to read too. */
	s.build = mapdir_build_begin(&run->opts, run->error, sizeof(run->error));
	if (s.build == NULL ||
	    (stream && mapdir_build_stream(s.build, MAP_MAILBOXES, run->error, sizeof(run->error)) != 0))
		goto end;
	if ((st = db_maps_begin(db, &run->generation)) != DB_OK) {
		db_failed(&s, db, st);
		goto end;
	}
	if ((s.touch = mapdir_touch_begin(&run->opts, run->generation, run->error, sizeof(run->error))) == NULL) {
		db_maps_end(db);
		goto end;
	}
	rc = render_behind(&s, db);
end:
	snapshot_release(&s);
	return rc;
}

int maps_full(struct db *db, struct maps_run *run)
{
	int rc = full_build(db, run, 1);

	run->note[0] = '\0';
	if (rc != MAPDIR_STREAM_FAILED)
		return rc;
	snprintf(run->note, sizeof(run->note), "streamed compile failed, built again from files"
		 " (a larger lmdb_map_size avoids this): %s", run->error);
	return full_build(db, run, 0);
}

int maps_configure(struct maps_run *run, const struct conf *conf, char *err, size_t errlen)
{
	int ok;

	run->opts.postmap = conf_get(conf, "postmap", "/usr/sbin/postmap");
	run->opts.postfix_conf = conf_get(conf, "postfix_config_dir", NULL);
	run->opts.map_size = (unsigned long)conf_get_long(conf, "lmdb_map_size", 0, 0, 1L << 40, &ok);
	if (!ok) {
		snprintf(err, errlen, "lmdb_map_size must be a number of bytes (0: automatic)");
		return -1;
	}
	run->nice = (int)conf_get_long(conf, "build_nice", MAPS_BUILD_NICE, 0, 19, &ok);
	if (!ok) {
		snprintf(err, errlen, "build_nice must be a number from 0 to 19");
		return -1;
	}
	return 0;
}

/* ---- incremental updates ---- */

struct changes {
	char **domains;			/* names touched, without duplicates */
	size_t n;
	/* "domain\tlocal\n" of every address they have now or had before */
	struct buf addresses;
	int full;			/* something only a full rebuild covers */
};

static int on_change(void *ctx, const char *const *c)
{
	struct changes *ch = ctx;

	/* NULL domain: server settings, webmails, an account's language. */
	if (c[0] == NULL || strcmp(c[1], "domain_delete") == 0) {
		ch->full = 1;
		return 0;
	}
	if (c[2] != NULL)
		buf_appendf(&ch->addresses, "%s\t%s\n", c[0], c[2]);
	for (size_t i = 0; i < ch->n; i++)
		if (strcmp(ch->domains[i], c[0]) == 0)
			return 0;
	if (ch->n == MAPS_UPDATE_MAX_DOMAINS) {
		ch->full = 1;
		return 0;
	}
	ch->domains = xrealloc(ch->domains, (ch->n + 1) * sizeof(char *));
	ch->domains[ch->n++] = xstrdup(c[0]);
	return 0;
}

static void changes_release(struct changes *ch)
{
	for (size_t i = 0; i < ch->n; i++)
		free(ch->domains[i]);
	free(ch->domains);
	buf_release(&ch->addresses);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of a rendered map (first word of each line), sorted. */
static char **keys_of(struct buf *b, size_t *n)
{
	char **keys = NULL;
	size_t cap = 0;

	*n = 0;
	for (char *p = b->data; p && *p;) {
		char *end = strchr(p, '\n');
		size_t klen = strcspn(p, " ");

		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			keys = xrealloc(keys, cap * sizeof(char *));
		}
		keys[(*n)++] = xstrndup(p, klen);
		p = end ? end + 1 : p + strlen(p);
	}
	qsort(keys, *n, sizeof(char *), cmp_str);
	return keys;
}

static void keys_free(char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/* Adds key to del unless the new rendering still has it. */
static void maybe_delete(struct buf *del, char **keys, size_t n, const char *key)
{
	if (bsearch(&key, keys, n, sizeof(char *), cmp_str) == NULL) {
		buf_puts(del, key);
		buf_putc(del, '\n');
	}
}

/*
 * Every key a touched domain may have had: its domain-level keys and one
 * per address it has now or had before the changes.
 */
static void candidate_deletes(const struct changes *ch, enum map_id id, char **keys, size_t nkeys,
			      struct buf *del)
{
	char key[MAP_KEY_MAX + 2];

	for (size_t i = 0; i < ch->n; i++) {
		const char *dom = ch->domains[i];

		if (id == MAP_DOMAINS || id == MAP_TRANSPORT)
			maybe_delete(del, keys, nkeys, dom);
		if (id == MAP_MAILBOXES || id == MAP_ALIASES) {
			snprintf(key, sizeof(key), "@%s", dom);
			maybe_delete(del, keys, nkeys, key);
		}
	}
	if (id == MAP_DOMAINS)
		return;
	for (const char *p = buf_cstr(&ch->addresses); *p;) {
		const char *tab = strchr(p, '\t'), *nl = strchr(p, '\n');

		snprintf(key, sizeof(key), "%.*s@%.*s", (int)(nl - tab - 1), tab + 1, (int)(tab - p), p);
		maybe_delete(del, keys, nkeys, key);
		p = nl + 1;
	}
}

/* Applies one step of the update order; see build.h. */
static int apply(struct maps_run *run, enum map_id id, const char *upserts, const char *deletes)
{
	if ((upserts == NULL || *upserts == '\0') && (deletes == NULL || *deletes == '\0'))
		return 0;
	return mapdir_update(&run->opts, id, upserts, deletes, run->error, sizeof(run->error));
}

/* The nginx webmail map is small: rewrite it whole from the snapshot. */
static int on_webmail(void *ctx, const char *const *c)
{
	struct map_set *set = ctx;
	char key[MAP_KEY_MAX];

	if (c[9] == NULL || c[2][0] != 't')
		return 0;
	snprintf(key, sizeof(key), "webmail.%s", c[1]);
	return map_line(set, MAP_WEBMAIL, key, c[9]);
}

static int install_changes(struct snapshot *s, struct changes *ch, struct db *db)
{
	static const enum map_id accept_maps[] = { MAP_DOMAINS, MAP_MAILBOXES, MAP_ALIASES };
	struct buf del[MAP_COUNT];
	struct map_set web;
	enum db_status st;
	int rc = -1;

	memset(del, 0, sizeof(del));
	map_set_init(&web);
	for (int i = 0; i < MAP_COUNT; i++) {
		size_t nkeys;
		char **keys;

		if (!map_is_postfix(i))
			continue;
		keys = keys_of(&s->out.map[i], &nkeys);
		candidate_deletes(ch, i, keys, nkeys, &del[i]);
		keys_free(keys, nkeys);
	}
	/* The webmail map needs every domain's line: read them in the snapshot. */
	if ((st = db_maps_domains(db, NULL, 0, on_webmail, &web)) != DB_OK) {
		db_failed(s, db, st);
		goto end;
	}
	/* Routes first, then acceptance widens, then narrows, then routes go. */
	if (apply(s->run, MAP_TRANSPORT, s->out.map[MAP_TRANSPORT].data, NULL) != 0)
		goto end;
	for (size_t k = 0; k < 3; k++)
		if (apply(s->run, accept_maps[k], s->out.map[accept_maps[k]].data, NULL) != 0)
			goto end;
	for (size_t k = 0; k < 3; k++)
		if (apply(s->run, accept_maps[k], NULL, del[accept_maps[k]].data) != 0)
			goto end;
	if (apply(s->run, MAP_TRANSPORT, NULL, del[MAP_TRANSPORT].data) != 0)
		goto end;
	if (mapdir_replace_plain(&s->run->opts, MAP_WEBMAIL, buf_cstr(&web.map[MAP_WEBMAIL]),
				 web.map[MAP_WEBMAIL].len, s->run->error, sizeof(s->run->error)) != 0)
		goto end;
	rc = mapdir_touch(&s->run->opts, s->run->generation, s->run->error, sizeof(s->run->error));
end:
	for (int i = 0; i < MAP_COUNT; i++)
		buf_release(&del[i]);
	map_set_release(&web);
	return rc;
}

static size_t lines_in(const char *text)
{
	size_t n = 0;

	while ((text = strchr(text, '\n')) != NULL) {
		n++;
		text++;
	}
	return n;
}

/* The lines rendered for every map. */
static size_t lines_of(const struct map_set *set)
{
	size_t n = 0;

	for (int i = 0; i < MAP_COUNT; i++)
		n += lines_in(buf_cstr(&set->map[i]));
	return n;
}

int maps_update(struct db *db, struct maps_run *run, long long applied)
{
	struct changes ch;
	struct snapshot s;
	enum db_status st;
	int rc = -1;

	run->error[0] = '\0';
	run->note[0] = '\0';
	run->full = 0;
	run->domains = 0;
	memset(&ch, 0, sizeof(ch));
	snapshot_init(&s, run);
	if ((st = db_maps_begin(db, &run->generation)) != DB_OK) {
		db_failed(&s, db, st);
		goto end;
	}
	if (run->generation == applied) {
		db_maps_end(db);
		rc = 0;
		goto end;
	}
	if (applied <= 0 || run->generation < applied || run->opts.type != MAP_TYPE_LMDB)
		ch.full = 1;
	else if ((st = db_maps_changes(db, applied, run->generation, on_change, &ch)) != DB_OK) {
		db_failed(&s, db, st);
		db_maps_end(db);
		goto end;
	}
	if (ch.full) {
		db_maps_end(db);
		snapshot_release(&s);
		changes_release(&ch);
		return maps_full(db, run);
	}
	s.addresses = &ch.addresses;
	if (render(&s, db, (const char *const *)ch.domains, ch.n) != 0) {
		db_maps_end(db);
		goto end;
	}
	if (lines_of(&s.out) + lines_in(buf_cstr(&ch.addresses)) > MAPS_UPDATE_MAX_LINES) {
		db_maps_end(db);
		snapshot_release(&s);
		changes_release(&ch);
		return maps_full(db, run);
	}
	rc = install_changes(&s, &ch, db);
	db_maps_end(db);
end:
	snapshot_release(&s);
	changes_release(&ch);
	return rc;
}

int maps_lock(const char *dir, char *err, size_t errlen)
{
	char *path = xasprintf("%s/.pp-lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	free(path);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(err, errlen, "%s: %s", dir,
			 fd < 0 ? strerror(errno) : "another postpanel-mapd or maps build is running there");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}
