/*
 * NAME
 *	server - the preforking FastCGI listener of postpanel-web
 * SYNOPSIS
 *	server_run(&opts, worker_main, ctx);
 * DESCRIPTION
 *	server_run() opens the listening socket (a unix socket path, or
 *	host:port), forks opts->workers processes that each call
 *	worker(fd, ctx), and supervises them: a worker that dies is replaced
 *	(at most one replacement per second, so a crashing worker cannot
 *	spin the machine). SIGTERM or SIGINT stops the server gracefully:
 *	workers finish the request they are serving and exit; whatever is
 *	still running after opts->drain_seconds is killed. Returns the exit
 *	status for main().
 *
 *	A worker polls server_stopping() between requests. While it serves
 *	a request it should call server_hold_signals(1), and (0) before it
 *	waits for the next one, so a stop never cuts a response short.
 */
#ifndef PP_SERVER_H
#define PP_SERVER_H

struct server_opts {
	const char *listen;
	int backlog;
	int workers;
	int socket_mode;
	int drain_seconds;
};

typedef void (*server_worker)(int listen_fd, void *ctx);

int server_run(const struct server_opts *opts, server_worker worker, void *ctx);
int server_stopping(void);
void server_hold_signals(int hold);

#endif
