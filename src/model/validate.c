#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "model/validate.h"

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

const char *validate_domain(const char *name)
{
	size_t len = strlen(name), label = 0;
	int labels = 1, tld_numeric = 1;

	if (len == 0)
		return N_("Enter a domain name.");
	if (len > VALIDATE_DOMAIN_MAX)
		return N_("The domain name is longer than 253 characters.");
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (c == '.') {
			if (label == 0)
				return N_("The domain name has an empty label (two dots in a row, or a dot at the start or end).");
			if (name[i - 1] == '-')
				return N_("A label of the domain name ends with a hyphen.");
			labels++;
			label = 0;
			tld_numeric = 1;
			continue;
		}
		if (!is_lower_alnum(c) && c != '-')
			return N_("The domain name may contain only letters, digits, hyphens and dots.");
		if (c == '-' && label == 0)
			return N_("A label of the domain name starts with a hyphen.");
		if (!is_digit(c))
			tld_numeric = 0;
		if (++label > 63)
			return N_("A label of the domain name is longer than 63 characters.");
	}
	if (label == 0)
		return N_("The domain name has an empty label (two dots in a row, or a dot at the start or end).");
	if (name[len - 1] == '-')
		return N_("A label of the domain name ends with a hyphen.");
	if (labels < 2)
		return N_("The domain name needs at least two labels, such as example.com.");
	if (tld_numeric)
		return N_("The last label of the domain name cannot be all digits.");
	return NULL;
}

const char *validate_local_part(const char *lp)
{
	size_t len = strlen(lp);

	if (len == 0)
		return N_("Enter the part of the address before the @.");
	if (len > VALIDATE_LOCAL_MAX)
		return N_("The part of the address before the @ is longer than 64 characters.");
	if (!is_lower_alnum(lp[0]))
		return N_("The part of the address before the @ must start with a lower-case letter or a digit.");
	for (size_t i = 0; i < len; i++) {
		char c = lp[i];

		if (!is_lower_alnum(c) && c != '.' && c != '_' && c != '-')
			return N_("The part of the address before the @ may contain only lower-case letters, digits, dots, hyphens and underscores.");
		if (c == '.' && (lp[i + 1] == '.' || lp[i + 1] == '\0'))
			return N_("The part of the address before the @ cannot end with a dot or contain two dots in a row.");
	}
	return NULL;
}

/* RFC 5322 atext, without '|' and '`' which no real mailbox needs. */
static int is_atext(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c))
		return 1;
	return c != '\0' && strchr("!#$%&'*+/=?^_{}~-", c) != NULL;
}

const char *validate_address(const char *addr)
{
	const char *at = strchr(addr, '@');
	size_t llen;

	if (*addr == '\0')
		return N_("Enter an e-mail address.");
	if (strlen(addr) > VALIDATE_ADDRESS_MAX)
		return N_("The e-mail address is longer than 254 characters.");
	if (at == NULL || strchr(at + 1, '@') != NULL)
		return N_("An e-mail address must contain exactly one @, as in name@example.com.");
	llen = (size_t)(at - addr);
	if (llen == 0)
		return N_("Enter the part of the address before the @.");
	if (llen > VALIDATE_LOCAL_MAX)
		return N_("The part of the address before the @ is longer than 64 characters.");
	for (size_t i = 0; i < llen; i++) {
		char c = addr[i];

		if (c == '.') {
			if (i == 0 || i + 1 == llen || addr[i + 1] == '.')
				return N_("The part of the address before the @ cannot start or end with a dot or contain two dots in a row.");
			continue;
		}
		if (!is_atext(c))
			return N_("The part of the address before the @ contains a character that is not allowed.");
	}
	if (at[1] == '\0')
		return N_("Enter the domain after the @.");
	return validate_domain(at + 1);
}

const char *validate_ip(const char *text, char *canon)
{
	char tmp[VALIDATE_IP_TEXT + 2];
	size_t len = strlen(text);
	unsigned char bin[16];

	canon[0] = '\0';
	if (len == 0)
		return N_("Enter an IP address.");
	if (len >= sizeof(tmp))
		return N_("This is not an IPv4 or IPv6 address.");
	if (text[0] == '[') {
		if (text[len - 1] != ']')
			return N_("This is not an IPv4 or IPv6 address.");
		memcpy(tmp, text + 1, len - 2);
		tmp[len - 2] = '\0';
		if (inet_pton(AF_INET6, tmp, bin) != 1)
			return N_("This is not an IPv4 or IPv6 address.");
	} else {
		memcpy(tmp, text, len + 1);
	}
	if (inet_pton(AF_INET, tmp, bin) == 1) {
		if (bin[0] == 0 || bin[0] >= 224)
			return N_("This IPv4 address cannot receive mail (unspecified, multicast or reserved).");
		inet_ntop(AF_INET, bin, canon, VALIDATE_IP_TEXT);
		return NULL;
	}
	if (inet_pton(AF_INET6, tmp, bin) == 1) {
		static const unsigned char zero[16];

		if (memcmp(bin, zero, 16) == 0 || bin[0] == 0xff)
			return N_("This IPv6 address cannot receive mail (unspecified or multicast).");
		inet_ntop(AF_INET6, bin, canon, VALIDATE_IP_TEXT);
		return NULL;
	}
	return N_("This is not an IPv4 or IPv6 address.");
}

/* Parses 1..max decimal digits without sign or blanks; -1 when invalid. */
static long parse_decimal(const char *text, long max)
{
	long n = 0;

	if (*text == '\0' || strlen(text) > 9)
		return -1;
	for (const char *p = text; *p; p++) {
		if (!is_digit(*p))
			return -1;
		n = n * 10 + (*p - '0');
	}
	return n <= max ? n : -1;
}

const char *validate_port(const char *text, int *port)
{
	long n;

	if (*text == '\0')
		return N_("Enter a port number.");
	n = parse_decimal(text, 65535);
	if (n < 1)
		return N_("The port must be a whole number from 1 to 65535.");
	*port = (int)n;
	return NULL;
}

/*
 * Decodes one UTF-8 sequence at s; returns its length and the code point
 * in *cp, or 0 for an invalid, overlong or surrogate sequence.
 */
static size_t utf8_decode(const unsigned char *s, unsigned *cp)
{
	unsigned c = s[0], min;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		*cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		*cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		*cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

static int is_control(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       cp == 0x2028 || cp == 0x2029;
}

/* Counts characters of printable UTF-8; -1 on bad encoding, -2 on a control. */
static long printable_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long chars = 0;

	while (*p) {
		unsigned cp;
		size_t n;

		if (*p >= 0x20 && *p < 0x7f) {	/* printable ASCII: most of it */
			p++;
			chars++;
			continue;
		}
		n = utf8_decode(p, &cp);

		if (n == 0)
			return -1;
		if (is_control(cp))
			return -2;
		p += n;
		chars++;
	}
	return chars;
}

const char *validate_bounce_text(const char *text)
{
	long chars = printable_chars(text);

	if (chars == -1)
		return N_("The message contains bytes that are not valid UTF-8 text.");
	if (chars == -2)
		return N_("The message must be a single line without tabs or control characters.");
	if (chars == 0)
		return N_("Enter the message that senders will receive.");
	if (chars > VALIDATE_BOUNCE_MAX)
		return N_("The message is longer than 200 characters.");
	if (text[0] == ' ' || text[strlen(text) - 1] == ' ')
		return N_("The message cannot start or end with a space.");
	return NULL;
}

const char *validate_limit(const char *text, int *limit)
{
	long n;

	if (*text == '\0')
		return N_("Enter the number of messages per hour.");
	n = parse_decimal(text, VALIDATE_LIMIT_MAX);
	if (n < 1)
		return N_("The limit must be a whole number from 1 to 1,000,000 messages per hour.");
	*limit = (int)n;
	return NULL;
}

const char *validate_login(const char *login)
{
	size_t len = strlen(login);

	if (len == 0)
		return N_("Enter a login name.");
	if (len > 64)
		return N_("The login name is longer than 64 characters.");
	if (!is_lower_alnum(login[0]))
		return N_("The login name must start with a lower-case letter or a digit.");
	for (size_t i = 0; i < len; i++)
		if (!is_lower_alnum(login[i]) && !strchr("._@-", login[i]))
			return N_("The login name may contain only lower-case letters, digits, dots, hyphens, underscores and @.");
	return NULL;
}

const char *validate_password(const char *password)
{
	long chars = printable_chars(password);
	size_t len = strlen(password);

	if (chars < 0)
		return N_("The password contains control characters or bytes that are not valid UTF-8 text.");
	if (len < 10)
		return N_("The password must be at least 10 characters long.");
	if (len > 200)
		return N_("The password is longer than 200 bytes.");
	return NULL;
}

int validate_map_value(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len == 0 || len > max)
		return 0;
	if (s[0] == ' ' || s[len - 1] == ' ')
		return 0;
	return printable_chars(s) > 0;
}

int validate_map_key(const char *s, size_t max)
{
	return validate_map_value(s, max) && strchr(s, ' ') == NULL && s[0] != '#';
}
