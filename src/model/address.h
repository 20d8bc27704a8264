/*
 * NAME
 *	address - what users type for mailboxes and alias targets
 * SYNOPSIS
 *	char lp[VALIDATE_LOCAL_MAX + 1];
 *	const char *why = address_local_part(" Alice ", lp);     lp = "alice"
 *	struct buf t = BUF_INIT;
 *	why = address_targets("bob@Example.ORG, x@bücher.example", &t);
 *	... t.data = "bob@example.org,x@xn--bcher-kva.example" ...
 * DESCRIPTION
 *	address_local_part() trims and lower-cases the part before the @ of
 *	a mailbox or alias we host and checks its grammar (validate.h).
 *	address_targets() splits a list of addresses (separated by commas,
 *	blanks or line breaks), normalises each (domain lower case, IDN to
 *	punycode), checks it, drops repeats, and appends them joined by
 *	commas to out — the form stored and rendered. At most
 *	ADDRESS_MAX_TARGETS. Both return NULL or a message id (for the
 *	targets, the first bad address is appended to out instead, so the
 *	caller can name it).
 */
#ifndef PP_ADDRESS_H
#define PP_ADDRESS_H

#include "model/validate.h"
#include "util/buf.h"

#define ADDRESS_MAX_TARGETS 50

const char *address_local_part(const char *input, char out[VALIDATE_LOCAL_MAX + 1]);
const char *address_targets(const char *input, struct buf *out);

#endif
