#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "maps/mapdir.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* Temporaries are named .pp-tmp.PID.NAME: a killed builder's never collide. */
#define TMP_PREFIX ".pp-tmp."

/*
 * A streamed map: postmap compiles it from a named pipe (the map's
 * temporary source path) while it is written. What postmap has not
 * taken yet waits in pending, so that writing never blocks the reading
 * of the database.
 */
struct stream {
	int fd;				/* the pipe's write end (non-blocking), or -1 */
	struct buf pending;
	size_t sent;			/* bytes of pending already written */
	int broken;			/* postmap went away */
	int err_fd;			/* postmap's output, read while waiting on it */
	struct buf errout;		/* what was read of it */
};

struct mapdir_build {
	struct mapdir_opts o;
	char *conf;			/* the private configuration postmap gets */
	int fd[MAP_COUNT];
	char *src[MAP_COUNT];		/* temporary source files */
	pid_t pid[MAP_COUNT];		/* postmap compiling it, once started */
	int err_fd[MAP_COUNT];
	struct stream *stream[MAP_COUNT];
	int failed;
};

/* Room for the largest table without one restart: see private_conf(). */
#define MAP_SIZE_MIN (256UL << 20)

int mapdir_type_parse(const char *name, enum map_type *type)
{
	if (strcmp(name, "lmdb") == 0)
		*type = MAP_TYPE_LMDB;
	else if (strcmp(name, "cdb") == 0)
		*type = MAP_TYPE_CDB;
	else
		return -1;
	return 0;
}

const char *mapdir_type_name(enum map_type type)
{
	return type == MAP_TYPE_LMDB ? "lmdb" : "cdb";
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The compiled table postmap makes of source (source.lmdb, source.cdb). */
static char *table_of(const struct mapdir_opts *o, const char *source)
{
	return xasprintf("%s.%s", source, mapdir_type_name(o->type));
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Starts postmap with argv, stdin from the file in_path (or /dev/null);
 * returns the pid and a pipe that receives its stderr, or -1.
 */
static pid_t spawn_postmap(const struct mapdir_opts *o, const char *const *args, const char *in_path,
			   int *err_fd)
{
	const char *argv[12];
	int n = 0, pipefd[2];
	pid_t pid;

	argv[n++] = "postmap";
	if (o->postfix_conf) {
		argv[n++] = "-c";
		argv[n++] = o->postfix_conf;
	}
	while (*args && n < 11)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		int in = open(in_path ? in_path : "/dev/null", O_RDONLY);

		/* A postmap outliving a killed builder could still write its table. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Tables Postfix can read, whatever the builder's umask (postmap only
		 * takes the mode of a source that is a regular file). */
		umask(022);
		if (getppid() == 1)
			_exit(127);
		if (in < 0 || dup2(in, 0) < 0 || dup2(pipefd[1], 2) < 0 || dup2(pipefd[1], 1) < 0)
			_exit(127);
		execv(o->postmap, (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	*err_fd = pipefd[0];
	return pid;
}

/* Collects a postmap's output; returns its exit status, -1 if it died. */
static int finish_postmap(pid_t pid, int err_fd, struct buf *out)
{
	char chunk[512];
	ssize_t n;
	int status;

	while ((n = read(err_fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (out->len < 2048)
			buf_append(out, chunk, (size_t)n);
	}
	close(err_fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Stops a postmap whose work is given up, and reaps it. */
static void kill_postmap(pid_t pid, int err_fd)
{
	struct buf out = BUF_INIT;

	kill(pid, SIGKILL);
	finish_postmap(pid, err_fd, &out);
	buf_release(&out);
}

static void trim_newlines(struct buf *b)
{
	while (b->len > 0 && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r'))
		b->data[--b->len] = '\0';
	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] == '\n')
			b->data[i] = ' ';
}

/* The size of the largest live table in the directory. */
static off_t largest_table(const struct mapdir_opts *o)
{
	off_t max = 0;

	for (int i = 0; i < MAP_COUNT; i++) {
		char *live = xasprintf("%s/%s", o->dir, map_name(i)), *table = table_of(o, live);
		struct stat st;

		if (map_is_postfix(i) && stat(table, &st) == 0 && st.st_size > max)
			max = st.st_size;
		free(live);
		free(table);
	}
	return max;
}

/*
 * The Postfix main.cf without its lmdb_map_size entry (a second entry
 * would make postmap warn, and any postmap output fails a build), whose
 * value goes to *admin_size (0 when absent or not a number). No main.cf
 * is an empty one; one that cannot be read is an error.
 */
static int read_main_cf(const struct mapdir_opts *o, struct buf *text, unsigned long *admin_size)
{
	char *path = xasprintf("%s/main.cf", o->postfix_conf ? o->postfix_conf : "/etc/postfix");
	struct buf all = BUF_INIT;
	char chunk[4096];
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), skipping = 0;

	free(path);
	*admin_size = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_append(&all, chunk, (size_t)n);
	close(fd);
	for (const char *line = buf_cstr(&all); n == 0 && *line;) {
		size_t len = strcspn(line, "\n");
		size_t key = strspn(line, "abcdefghijklmnopqrstuvwxyz0123456789_");

		/* A line starting with a blank continues the entry before it. */
		if (!(line[0] == ' ' || line[0] == '\t'))
			skipping = key == strlen("lmdb_map_size") && strncmp(line, "lmdb_map_size", key) == 0;
		if (skipping && *admin_size == 0)	/* the value may be on a continuation line */
			*admin_size = strtoul(line + key + strspn(line + key, " \t="), NULL, 10);
		if (!skipping)
			buf_append(text, line, len + (line[len] == '\n'));
		line += len + (line[len] == '\n');
	}
	buf_release(&all);
	return n < 0 ? -1 : 0;
}

/* Whether the file at path holds exactly text. */
static int same_contents(const char *path, const struct buf *text)
{
	struct buf old = BUF_INIT;
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), same;

	while (fd >= 0 && (n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_append(&old, chunk, (size_t)n);
	if (fd >= 0)
		close(fd);
	same = fd >= 0 && old.len == text->len && memcmp(old.data, text->data, old.len) == 0;
	buf_release(&old);
	return same;
}

/* DIR/.pp-postmap exists, is a directory and is ours (postmap may run as root). */
static int own_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return -1;
	if (lstat(dir, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/* Writes text to path through a new temporary file, dated back by a minute. */
static int replace_dated_back(const char *tmp, const char *path, const struct buf *text)
{
	struct timespec past[2];
	int fd, ok;

	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0)
		return -1;
	clock_gettime(CLOCK_REALTIME, &past[0]);
	past[0].tv_sec -= 60;
	past[1] = past[0];
	ok = write_all(fd, text->data, text->len) == 0 && futimens(fd, past) == 0;
	ok = (close(fd) == 0) & ok && rename(tmp, path) == 0;
	if (!ok)
		unlink(tmp);
	return ok ? 0 : -1;
}

/*
 * postmap starts an lmdb table at lmdb_map_size (16 MB by default) and,
 * each time it fills up, doubles the size and starts again from the
 * first line: a 65 MB table is written four times over, and a table fed
 * through a pipe cannot be started again at all. So the builds run
 * postmap with a configuration directory of their own: the Postfix
 * main.cf, with an lmdb_map_size that has room for four times the
 * largest live table (a power of two, so that it rarely changes; the
 * configured map_size instead, if set; Postfix's own if larger). The
 * size only reserves address space; the file grows with its contents.
 *
 * The file is rewritten only when it changes, and dated back: Postfix
 * waits for a main.cf changed within the last seconds to settle.
 * Returns the directory, or NULL.
 */
static char *private_conf(const struct mapdir_opts *o, char *err, size_t errlen)
{
	char *dir = xasprintf("%s/.pp-postmap", o->dir), *to = xasprintf("%s/main.cf", dir);
	char *tmp = xasprintf("%s/" TMP_PREFIX "%ld.main.cf", o->dir, (long)getpid());
	unsigned long size = o->map_size ? o->map_size : MAP_SIZE_MIN, admin;
	unsigned long want = o->map_size ? 0 : (unsigned long)largest_table(o) * 4;
	struct buf text = BUF_INIT;
	int ok;

	while (size < want)
		size *= 2;
	ok = read_main_cf(o, &text, &admin) == 0;
	if (!ok)
		fail(err, errlen, "reading the Postfix main.cf: %s", strerror(errno));
	buf_appendf(&text, "\n# postpanel: room for its largest table without a restart\n"
		    "lmdb_map_size = %lu\n", admin > size ? admin : size);
	if (ok && own_dir(dir) != 0)
		ok = fail(err, errlen, "%s: %s (it must be a directory of this user, writable by no one else)",
			  dir, strerror(errno)) == 0;
	if (ok && !same_contents(to, &text) && replace_dated_back(tmp, to, &text) != 0)
		ok = fail(err, errlen, "%s: %s", to, strerror(errno)) == 0;
	buf_release(&text);
	free(tmp);
	free(to);
	if (ok)
		return dir;
	free(dir);
	return NULL;
}

struct mapdir_build *mapdir_build_begin(const struct mapdir_opts *o, char *err, size_t errlen)
{
	struct mapdir_build *b = xcalloc(1, sizeof(*b));

	b->o = *o;
	for (int i = 0; i < MAP_COUNT; i++)
		b->fd[i] = -1;
	if ((b->conf = private_conf(o, err, errlen)) == NULL) {
		free(b);
		return NULL;
	}
	b->o.postfix_conf = b->conf;
	for (int i = 0; i < MAP_COUNT; i++) {
		b->src[i] = xasprintf("%s/" TMP_PREFIX "%ld.%s", o->dir, (long)getpid(), map_name(i));
		b->fd[i] = open(b->src[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (b->fd[i] < 0) {
			fail(err, errlen, "%s: %s", b->src[i], strerror(errno));
			mapdir_build_abort(b);
			return NULL;
		}
	}
	return b;
}

static void stream_break(struct stream *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	st->broken = 1;
	buf_release(&st->pending);
	st->sent = 0;
}

/*
 * Waits until the pipe takes more, reading postmap's output meanwhile: a
 * postmap blocked on a full stderr would never read its input again.
 */
static void stream_wait(struct stream *st)
{
	struct pollfd pfd[2] = { { .fd = st->fd, .events = POLLOUT }, { .fd = st->err_fd, .events = POLLIN } };
	char chunk[512];
	ssize_t n;

	if (poll(pfd, st->err_fd >= 0 ? 2 : 1, -1) <= 0 || pfd[1].revents == 0)
		return;
	if ((n = read(st->err_fd, chunk, sizeof(chunk))) > 0 && st->errout.len < 2048)
		buf_append(&st->errout, chunk, (size_t)n);
	else if (n == 0)
		st->err_fd = -1;	/* closed: the commit collects the exit status */
}

/* Writes what postmap can take now; with wait, all of it. */
static void stream_push(struct stream *st, int wait)
{
	while (st->fd >= 0 && st->sent < st->pending.len) {
		ssize_t n = write(st->fd, st->pending.data + st->sent, st->pending.len - st->sent);

		if (n > 0)
			st->sent += (size_t)n;
		else if (n < 0 && errno == EAGAIN && wait)
			stream_wait(st);
		else if (n < 0 && errno == EAGAIN)
			return;
		else if (!(n < 0 && errno == EINTR))
			stream_break(st);	/* EPIPE: postmap gave up; its output says why */
	}
	if (st->sent == st->pending.len) {
		buf_reset(&st->pending);
		st->sent = 0;
	}
}

int mapdir_build_write(struct mapdir_build *b, enum map_id id, const char *data, size_t len)
{
	struct stream *st = b->stream[id];

	if (st == NULL) {
		if (b->failed || write_all(b->fd[id], data, len) != 0) {
			b->failed = errno ? errno : EIO;
			return -1;
		}
		return 0;
	}
	if (st->broken)
		return 0;	/* the commit reports it */
	if (st->sent == st->pending.len) {
		/* Nothing waiting: what the pipe takes now need not be copied. */
		ssize_t n = write(st->fd, data, len);

		if (n > 0) {
			data += n;
			len -= (size_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			stream_break(st);
			return 0;
		}
	}
	/* Moving what is left costs less than what was sent: linear overall. */
	if (st->sent > ((size_t)1 << 20) && st->sent > st->pending.len / 2) {
		st->pending.len -= st->sent;
		memmove(st->pending.data, st->pending.data + st->sent, st->pending.len + 1);
		st->sent = 0;
	}
	buf_append(&st->pending, data, len);
	stream_push(st, 0);
	return 0;
}

/* Starts postmap on the map's temporary source (a file or a pipe). */
static int spawn_compile(struct mapdir_build *b, enum map_id id, char *err, size_t errlen)
{
	char *spec = xasprintf("%s:%s", mapdir_type_name(b->o.type), b->src[id]);
	const char *args[2] = { spec, NULL };

	b->pid[id] = spawn_postmap(&b->o, args, NULL, &b->err_fd[id]);
	free(spec);
	if (b->pid[id] < 0) {
		b->pid[id] = 0;
		return fail(err, errlen, "cannot run %s: %s", b->o.postmap, strerror(errno));
	}
	return 0;
}

int mapdir_build_stream(struct mapdir_build *b, enum map_id id, char *err, size_t errlen)
{
	struct stream *st;

	if (b->o.keep_sources)
		return 0;	/* kept sources are files */
	/* The source becomes a pipe; where there are none, it stays a file. */
	close(b->fd[id]);
	unlink(b->src[id]);
	if (mkfifo(b->src[id], 0600) != 0) {
		b->fd[id] = open(b->src[id], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		return b->fd[id] < 0 ? fail(err, errlen, "%s: %s", b->src[id], strerror(errno)) : 0;
	}
	b->fd[id] = -1;
	st = xcalloc(1, sizeof(*st));
	st->fd = -1;
	b->stream[id] = st;
	if (spawn_compile(b, id, err, errlen) != 0)
		return -1;
	st->err_fd = b->err_fd[id];
	/* The write end opens (ENXIO until then) once postmap has opened the pipe. */
	for (int tries = 0; (st->fd = open(b->src[id], O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0; tries++) {
		siginfo_t gone = { 0 };

		/* Exited already? Looked at, not reaped: the commit reports it. */
		if (errno == ENXIO && tries < 10000 &&
		    waitid(P_PID, b->pid[id], &gone, WEXITED | WNOHANG | WNOWAIT) == 0 && gone.si_pid == 0) {
			usleep(1000);
			continue;
		}
		if (gone.si_pid == 0)
			kill(b->pid[id], SIGKILL);
		stream_break(st);
		return 0;
	}
	(void)fcntl(st->fd, F_SETPIPE_SZ, 1 << 20);
	return 0;
}

static void remove_temporaries(struct mapdir_build *b)
{
	for (int i = 0; i < MAP_COUNT; i++) {
		struct stream *st = b->stream[i];
		char *table;

		if (b->fd[i] >= 0)
			close(b->fd[i]);
		b->fd[i] = -1;
		if (st) {
			if (st->fd >= 0)
				close(st->fd);
			buf_release(&st->pending);
			buf_release(&st->errout);
			free(st);
			b->stream[i] = NULL;
		}
		if (b->src[i] == NULL)
			continue;
		unlink(b->src[i]);
		table = table_of(&b->o, b->src[i]);
		unlink(table);
		free(table);
	}
}

void mapdir_build_abort(struct mapdir_build *b)
{
	if (b == NULL)
		return;
	for (int i = 0; i < MAP_COUNT; i++) {
		if (b->pid[i] > 0)
			kill_postmap(b->pid[i], b->err_fd[i]);
	}
	remove_temporaries(b);
	for (int i = 0; i < MAP_COUNT; i++)
		free(b->src[i]);
	free(b->conf);
	free(b);
}

/* Replacement order: routes first, then what decides acceptance. */
static const enum map_id install_order[MAP_COUNT] = {
	MAP_TRANSPORT, MAP_ALIASES, MAP_MAILBOXES, MAP_DOMAINS, MAP_WEBMAIL
};

/* Closes a map's source and starts postmap on it in the background. */
static int start_compile(struct mapdir_build *b, enum map_id id, char *err, size_t errlen)
{
	if (b->fd[id] >= 0) {
		/*
		 * Sources postmap compiles are read back from the page cache and
		 * then deleted: only what gets installed is synced.
		 */
		int bad = (!map_is_postfix(id) && fsync(b->fd[id]) != 0) | (close(b->fd[id]) != 0);

		b->fd[id] = -1;
		if (bad)
			return fail(err, errlen, "%s: %s", b->src[id], strerror(errno));
	}
	if (!map_is_postfix(id) || b->pid[id] > 0 || b->stream[id])
		return 0;
	return spawn_compile(b, id, err, errlen);
}

int mapdir_build_compile(struct mapdir_build *b, enum map_id id, char *err, size_t errlen)
{
	if (b->failed)
		return fail(err, errlen, "writing the maps in %s: %s", b->o.dir, strerror(b->failed));
	return start_compile(b, id, err, errlen);
}

/*
 * Waits for the postmap compiling map i. Any output is a failure:
 * postmap only warns, and exits 0, when it drops a line (for instance
 * one that is not UTF-8).
 */
static int compiled(struct mapdir_build *b, int i, struct buf *out)
{
	int ok;

	if (b->stream[i] && b->stream[i]->errout.len > 0)
		buf_append(out, b->stream[i]->errout.data, b->stream[i]->errout.len);
	ok = finish_postmap(b->pid[i], b->err_fd[i], out) == 0 && out->len == 0;

	b->pid[i] = 0;
	return ok;
}

/* Starts whatever is not compiling yet (all at once) and waits for all. */
static int compile_all(struct mapdir_build *b, char *err, size_t errlen)
{
	int rc = 0;

	for (int i = 0; i < MAP_COUNT && rc == 0; i++)
		rc = start_compile(b, i, err, errlen);
	for (int i = 0; i < MAP_COUNT; i++) {
		if (b->stream[i] && b->stream[i]->fd >= 0) {
			stream_push(b->stream[i], 1);
			close(b->stream[i]->fd);	/* end of input */
			b->stream[i]->fd = -1;
		}
	}
	for (int i = 0; i < MAP_COUNT; i++) {
		struct buf out = BUF_INIT;

		if (b->pid[i] <= 0)
			continue;
		if (!compiled(b, i, &out) && rc == 0) {
			trim_newlines(&out);
			rc = fail(err, errlen, "postmap %s failed: %s", map_name(i), buf_cstr(&out));
			if (b->stream[i])
				rc = MAPDIR_STREAM_FAILED;
		}
		buf_release(&out);
	}
	return rc;
}

int mapdir_build_commit(struct mapdir_build *b, char *err, size_t errlen)
{
	int rc = -1;

	if (b->failed) {
		fail(err, errlen, "writing the maps in %s: %s", b->o.dir, strerror(b->failed));
		goto end;
	}
	if ((rc = compile_all(b, err, errlen)) != 0)
		goto end;
	rc = -1;
	for (int k = 0; k < MAP_COUNT; k++) {
		enum map_id id = install_order[k];
		char *from = map_is_postfix(id) ? table_of(&b->o, b->src[id]) : xstrdup(b->src[id]);
		char *live = xasprintf("%s/%s", b->o.dir, map_name(id));
		char *to = map_is_postfix(id) ? table_of(&b->o, live) : xstrdup(live);
		int bad = fsync_path(from) != 0 || rename(from, to) != 0;

		if (bad)
			fail(err, errlen, "installing %s: %s", to, strerror(errno));
		free(from);
		free(live);
		free(to);
		if (bad)
			goto end;
	}
	for (int i = 0; b->o.keep_sources && i < MAP_COUNT; i++) {
		char *kept = xasprintf("%s/%s.source", b->o.dir, map_name(i));

		if (map_is_postfix(i) && rename(b->src[i], kept) != 0)
			fail(err, errlen, "keeping %s: %s", kept, strerror(errno));
		free(kept);
	}
	rc = fsync_path(b->o.dir) == 0 ? 0 : fail(err, errlen, "%s: %s", b->o.dir, strerror(errno));
end:
	mapdir_build_abort(b);
	return rc;
}

/* Writes data to a temporary file in the map directory for postmap's stdin. */
static char *stdin_file(const struct mapdir_opts *o, const char *what, const char *data)
{
	char *path = xasprintf("%s/" TMP_PREFIX "%ld.%s", o->dir, (long)getpid(), what);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write_all(fd, data, strlen(data)) != 0) {
		if (fd >= 0)
			close(fd);
		unlink(path);
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

static int run_update(const struct mapdir_opts *o, enum map_id id, const char *flags,
		      const char *input, char *err, size_t errlen)
{
	char *spec = xasprintf("%s:%s/%s", mapdir_type_name(o->type), o->dir, map_name(id));
	char *in = stdin_file(o, flags[1] == 'd' ? "delete" : "upsert", input);
	const char *args[4] = { flags, NULL, NULL, NULL };
	struct buf out = BUF_INIT;
	int rc, err_fd;
	pid_t pid;

	if (flags[1] == 'd') {
		args[1] = "-";
		args[2] = spec;
	} else {
		args[1] = spec;
	}
	if (in == NULL) {
		rc = fail(err, errlen, "%s: %s", o->dir, strerror(errno));
	} else if ((pid = spawn_postmap(o, args, in, &err_fd)) < 0) {
		rc = fail(err, errlen, "cannot run %s: %s", o->postmap, strerror(errno));
	} else {
		rc = finish_postmap(pid, err_fd, &out);
		/*
		 * postmap -d exits 1 when none of the keys was there, silently:
		 * for us that is success. Any message is a real failure.
		 */
		if (rc == 1 && flags[1] == 'd' && out.len == 0)
			rc = 0;
		if (rc != 0 || out.len > 0) {
			rc = -1;
			trim_newlines(&out);
			fail(err, errlen, "postmap %s %s failed: %s", flags, map_name(id), buf_cstr(&out));
		}
	}
	if (in) {
		unlink(in);
		free(in);
	}
	buf_release(&out);
	free(spec);
	return rc;
}

int mapdir_update(const struct mapdir_opts *o, enum map_id id, const char *upserts,
		  const char *delete_keys, char *err, size_t errlen)
{
	if (o->type != MAP_TYPE_LMDB)
		return fail(err, errlen, "%s tables cannot be updated in place", mapdir_type_name(o->type));
	if (upserts && *upserts && run_update(o, id, "-ir", upserts, err, errlen) != 0)
		return -1;
	if (delete_keys && *delete_keys && run_update(o, id, "-d", delete_keys, err, errlen) != 0)
		return -1;
	return 0;
}

int mapdir_replace_plain(const struct mapdir_opts *o, enum map_id id, const char *data, size_t len,
			 char *err, size_t errlen)
{
	char *tmp = xasprintf("%s/" TMP_PREFIX "%ld.%s", o->dir, (long)getpid(), map_name(id));
	char *live = xasprintf("%s/%s", o->dir, map_name(id));
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), rc = 0;

	if (fd < 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0 || close(fd) != 0 ||
	    rename(tmp, live) != 0) {
		rc = fail(err, errlen, "installing %s: %s", live, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
	}
	free(tmp);
	free(live);
	return rc;
}

/* The generation table on its way: postmap compiling it into a temporary. */
struct mapdir_touch {
	char *src, *from, *to;
	pid_t pid;
	int err_fd;
};

void mapdir_touch_abort(struct mapdir_touch *t)
{
	if (t == NULL)
		return;
	if (t->pid > 0)
		kill_postmap(t->pid, t->err_fd);
	unlink(t->src);
	unlink(t->from);
	free(t->src);
	free(t->from);
	free(t->to);
	free(t);
}

struct mapdir_touch *mapdir_touch_begin(const struct mapdir_opts *o, long long generation, char *err,
					size_t errlen)
{
	struct mapdir_touch *t = xcalloc(1, sizeof(*t));
	char *live = xasprintf("%s/generation", o->dir);
	char *spec, *text = xasprintf("# postpanel generation %lld: replaced after every change\n", generation);
	const char *args[2];
	int fd;

	t->src = xasprintf("%s/" TMP_PREFIX "%ld.generation", o->dir, (long)getpid());
	t->from = table_of(o, t->src);
	t->to = table_of(o, live);
	spec = xasprintf("%s:%s", mapdir_type_name(o->type), t->src);
	args[0] = spec;
	args[1] = NULL;
	fd = open(t->src, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write_all(fd, text, strlen(text)) != 0) {
		fail(err, errlen, "%s: %s", t->src, strerror(errno));
	} else if ((t->pid = spawn_postmap(o, args, NULL, &t->err_fd)) < 0) {
		t->pid = 0;
		fail(err, errlen, "cannot run %s: %s", o->postmap, strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	free(live);
	free(spec);
	free(text);
	if (t->pid == 0) {
		mapdir_touch_abort(t);
		return NULL;
	}
	return t;
}

int mapdir_touch_end(struct mapdir_touch *t, char *err, size_t errlen)
{
	struct buf out = BUF_INIT;
	int rc = -1;

	if (finish_postmap(t->pid, t->err_fd, &out) != 0 || out.len > 0) {
		trim_newlines(&out);
		fail(err, errlen, "postmap generation failed: %s", buf_cstr(&out));
	} else if (rename(t->from, t->to) != 0) {
		fail(err, errlen, "installing %s: %s", t->to, strerror(errno));
	} else {
		rc = 0;
	}
	t->pid = 0;	/* reaped */
	buf_release(&out);
	mapdir_touch_abort(t);	/* removes what is left */
	return rc;
}

int mapdir_touch(const struct mapdir_opts *o, long long generation, char *err, size_t errlen)
{
	struct mapdir_touch *t = mapdir_touch_begin(o, generation, err, errlen);

	return t ? mapdir_touch_end(t, err, errlen) : -1;
}

int mapdir_clean(const struct mapdir_opts *o)
{
	DIR *d = opendir(o->dir);
	struct dirent *e;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0) {
			char *path = xasprintf("%s/%s", o->dir, e->d_name);

			unlink(path);
			free(path);
		}
	}
	closedir(d);
	return 0;
}
