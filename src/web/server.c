#include "config.h"

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/xalloc.h"
#include "web/server.h"

/* Set by the SIGTERM handler of a worker process. */
static volatile sig_atomic_t worker_stop;

static void on_worker_term(int sig)
{
	(void)sig;
	worker_stop = 1;
}

int server_stopping(void)
{
	return worker_stop;
}

void server_hold_signals(int hold)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

static pid_t spawn(int fd, server_worker worker, void *ctx)
{
	pid_t pid = fork();
	struct sigaction sa;
	sigset_t none;

	if (pid != 0)
		return pid;
	/* In the worker: die with the master, stop on SIGTERM between requests. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_worker_term;	/* no SA_RESTART: accept() must return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (getppid() == 1)
		_exit(0);
	worker(fd, ctx);
	_exit(0);
}

static int open_socket(const struct server_opts *o)
{
	int fd;

	if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
		return -1;
	}
	if (o->listen[0] == '/')
		unlink(o->listen);
	fd = FCGX_OpenSocket(o->listen, o->backlog);
	if (fd < 0) {
		log_error("cannot listen on %s: %s", o->listen, strerror(errno));
		return -1;
	}
	if (o->listen[0] == '/' && chmod(o->listen, (mode_t)o->socket_mode) != 0) {
		log_error("chmod %s: %s", o->listen, strerror(errno));
		return -1;
	}
	return fd;
}

static void signal_all(const pid_t *pids, int n, int sig)
{
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], sig);
}

/* Reaps exited workers; returns how many are still alive. */
static int reap(pid_t *pids, int n)
{
	pid_t pid;
	int status, alive = 0;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < n; i++) {
			if (pids[i] != pid)
				continue;
			pids[i] = 0;
			if (WIFSIGNALED(status))
				log_warn("worker %ld killed by signal %d", (long)pid, WTERMSIG(status));
			else if (WEXITSTATUS(status) != 0)
				log_warn("worker %ld exited with status %d", (long)pid, WEXITSTATUS(status));
		}
	}
	for (int i = 0; i < n; i++)
		alive += pids[i] > 0;
	return alive;
}

int server_run(const struct server_opts *o, server_worker worker, void *ctx)
{
	int fd = open_socket(o), stopping = 0, started = 0;
	pid_t *pids;
	sigset_t set;
	time_t deadline = 0, last_spawn = 0;

	if (fd < 0)
		return 1;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pids = xcalloc((size_t)o->workers, sizeof(*pids));
	log_info("listening on %s with %d workers", o->listen, o->workers);

	for (;;) {
		struct timespec tick = { 1, 0 };
		int sig, alive = reap(pids, o->workers);

		if (stopping && alive == 0)
			break;
		if (stopping && time(NULL) >= deadline) {
			log_warn("killing %d workers still busy after %d s", alive, o->drain_seconds);
			signal_all(pids, o->workers, SIGKILL);
		} else if (stopping) {
			/* Again, for a worker that was between its check and accept(). */
			signal_all(pids, o->workers, SIGTERM);
		}
		for (int i = 0; !stopping && i < o->workers; i++) {
			if (pids[i] > 0)
				continue;
			/* All at start; then at most one replacement per second. */
			if (last_spawn != 0 && last_spawn == time(NULL))
				break;
			if ((pids[i] = spawn(fd, worker, ctx)) < 0) {
				log_error("fork: %s", strerror(errno));
				pids[i] = 0;
				break;
			}
			if (started)
				last_spawn = time(NULL);
		}
		started = 1;
		sig = sigtimedwait(&set, NULL, &tick);
		if ((sig == SIGTERM || sig == SIGINT) && !stopping) {
			log_info("stopping: draining %d workers", alive);
			stopping = 1;
			deadline = time(NULL) + o->drain_seconds;
			signal_all(pids, o->workers, SIGTERM);
		}
	}
	if (o->listen[0] == '/')
		unlink(o->listen);
	free(pids);
	log_info("stopped");
	return 0;
}
