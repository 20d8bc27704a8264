/*
 * NAME
 *	idn - internationalised domain names to and from their ASCII form
 * SYNOPSIS
 *	char *ascii = NULL;
 *	const char *why = idn_to_ascii(" Bücher.Example. ", &ascii);
 *	... ascii is "xn--bcher-kva.example" ...
 *	free(ascii);
 * DESCRIPTION
 *	idn_to_ascii() trims blanks and one trailing dot, maps the name with
 *	IDNA2008/UTS#46 (lower case, NFC), converts it to punycode and checks
 *	the result with validate_domain(). It returns NULL and a malloc'd
 *	*ascii, or a message id and leaves *ascii NULL.
 *	idn_to_display() returns the Unicode form of an ASCII name for
 *	display (malloc'd; a copy of the input when it is not convertible).
 *	idn_search_term() turns what was typed in a search box — a part of a
 *	name such as "Bücher", not a whole domain name — into the form names
 *	are stored in: trimmed, lower case, punycode when it has non-ASCII
 *	letters and converts (malloc'd; never NULL).
 */
#ifndef PP_IDN_H
#define PP_IDN_H

const char *idn_to_ascii(const char *input, char **ascii);
char *idn_to_display(const char *ascii);
char *idn_search_term(const char *typed);

#endif
