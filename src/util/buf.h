/*
 * NAME
 *	buf - growable byte buffer, always NUL-terminated
 * SYNOPSIS
 *	struct buf b = BUF_INIT;
 *	buf_appendf(&b, "%d domains", n);
 *	use(b.data, b.len);
 *	buf_release(&b);
 * DESCRIPTION
 *	The buffer owns b.data; buf_release() frees it and leaves an empty
 *	buffer. buf_steal() hands the string to the caller (free(3) it).
 */
#ifndef PP_BUF_H
#define PP_BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_grow(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_appendf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
char *buf_steal(struct buf *b);
void buf_release(struct buf *b);
/* Returns the contents as a C string ("" when empty, never NULL). */
const char *buf_cstr(const struct buf *b);

#endif
