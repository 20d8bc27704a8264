/*
 * NAME
 *	log - one-line diagnostics on standard error
 * DESCRIPTION
 *	log_init() records the program name once per process. Messages carry
 *	the program name, pid and level, so the lines of several preforked
 *	workers can be told apart. Nothing here is user-visible text.
 */
#ifndef PP_LOG_H
#define PP_LOG_H

void log_init(const char *progname);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
