/*
 * NAME
 *	xalloc - memory allocation that either succeeds or does not return
 * DESCRIPTION
 *	Thin wrappers around malloc(3) and friends. On exhaustion they log and
 *	abort: a FastCGI worker that cannot allocate a few bytes cannot answer
 *	the request anyway, and the master replaces it.
 *	Everything returned is owned by the caller and released with free(3).
 */
#ifndef PP_XALLOC_H
#define PP_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
