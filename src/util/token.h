/*
 * NAME
 *	token - unguessable random tokens for sessions and CSRF
 * DESCRIPTION
 *	token_hex() fills out with 2*nbytes hex digits from getrandom(2) and a
 *	NUL; out must hold 2*nbytes+1 bytes. Returns 0, or -1 when the kernel
 *	gave no randomness (then out is empty and must not be used).
 *	token_equal() compares in time independent of where they differ.
 */
#ifndef PP_TOKEN_H
#define PP_TOKEN_H

#include <stddef.h>

#define TOKEN_BYTES 32
#define TOKEN_HEX_LEN (2 * TOKEN_BYTES)

int token_hex(char *out, size_t nbytes);
int token_equal(const char *a, const char *b);

#endif
