#include "config.h"

#include <stdio.h>
#include <string.h>

#include "maps/render.h"
#include "model/validate.h"

static const char *const names[MAP_COUNT] = {
	[MAP_DOMAINS] = "virtual_mailbox_domains",
	[MAP_MAILBOXES] = "virtual_mailbox_maps",
	[MAP_ALIASES] = "virtual_alias_maps",
	[MAP_TRANSPORT] = "transport_maps",
	[MAP_WEBMAIL] = "webmail.map",
};

const char *map_name(enum map_id id)
{
	return names[id];
}

int map_is_postfix(enum map_id id)
{
	return id != MAP_WEBMAIL;
}

void map_set_init(struct map_set *s)
{
	memset(s, 0, sizeof(*s));
	s->wanted = MAP_ALL;
}

static int wanted(const struct map_set *s, enum map_id id)
{
	return (s->wanted & MAP_BIT(id)) != 0;
}

void map_set_reset(struct map_set *s)
{
	for (int i = 0; i < MAP_COUNT; i++)
		buf_reset(&s->map[i]);
	s->error[0] = '\0';
}

void map_set_release(struct map_set *s)
{
	for (int i = 0; i < MAP_COUNT; i++)
		buf_release(&s->map[i]);
}

/*
 * At most 64 bytes of s for an error message, which goes to the log and
 * to a database text column: printable ASCII but '"' and '\\' as is,
 * every other byte as \\xNN (so no line break, always valid UTF-8).
 */
#define SHOWN 80
static const char *shown(char out[SHOWN], const char *s)
{
	size_t o = 0;

	for (size_t i = 0; s[i] != '\0' && i < 64 && o + 5 <= SHOWN; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, 5, "\\x%02x", c);
	}
	out[o] = '\0';
	return out;
}

/* nginx tokens end at ';', a blank or a brace, '#' starts a comment: one plain token. */
static int nginx_token(const char *s)
{
	return strpbrk(s, " ;{}'\"\\$#") == NULL;
}

int map_line(struct map_set *s, enum map_id id, const char *key, const char *value)
{
	struct buf *b = &s->map[id];
	char k[SHOWN];

	if (!validate_map_key(key, MAP_KEY_MAX) || (id == MAP_WEBMAIL && !nginx_token(key))) {
		snprintf(s->error, sizeof(s->error), "%s: refusing key \"%s\"", names[id], shown(k, key));
		return -1;
	}
	if (!validate_map_value(value, MAP_VALUE_MAX) || (id == MAP_WEBMAIL && !nginx_token(value))) {
		snprintf(s->error, sizeof(s->error), "%s: refusing the value for \"%s\"", names[id],
			 shown(k, key));
		return -1;
	}
	buf_puts(b, key);
	buf_putc(b, ' ');
	buf_puts(b, value);
	if (id == MAP_WEBMAIL)
		buf_putc(b, ';');
	buf_putc(b, '\n');
	return 0;
}

/*
 * Joins the NULL-terminated parts into out (size cap); 0, or -1 when
 * they do not fit. A full build joins millions: cheaper than snprintf().
 */
static int join(char *out, size_t cap, const char *const *parts)
{
	size_t len = 0;

	for (; *parts; parts++) {
		size_t n = strlen(*parts);

		if (len + n >= cap)
			return -1;
		memcpy(out + len, *parts, n);
		len += n;
	}
	out[len] = '\0';
	return 0;
}

static int too_long(struct map_set *s, enum map_id id, const char *domain)
{
	char d[SHOWN];

	snprintf(s->error, sizeof(s->error), "%s: address too long in %s", names[id], shown(d, domain));
	return -1;
}

/* key = local@domain, checked by map_line() like any other key. */
static int address_line(struct map_set *s, enum map_id id, const char *local, const char *domain,
			const char *value)
{
	char key[MAP_KEY_MAX + 2];

	if (join(key, sizeof(key), (const char *const[]){ local, "@", domain, NULL }) != 0)
		return too_long(s, id, domain);
	return map_line(s, id, key, value);
}

/* Unknown recipients are accepted (then bounced or relayed by transport). */
static int accepts_unknown(const struct map_domain *d)
{
	return d->policy == POLICY_BOUNCE || d->policy == POLICY_REDIRECT;
}

/* The transport or alias line that carries the domain's policy. */
static int policy_line(struct map_set *s, const struct map_domain *d)
{
	char value[MAP_VALUE_MAX + 64], canon[VALIDATE_IP_TEXT], dn[SHOWN];

	if (!wanted(s, d->policy == POLICY_FORWARD ? MAP_ALIASES : MAP_TRANSPORT))
		return 0;
	switch (d->policy) {
	case POLICY_BOUNCE:
		/* The text is part of the value: check it, then prefix the status. */
		if (d->bounce_text == NULL || !validate_map_value(d->bounce_text, 800))
			break;
		snprintf(value, sizeof(value), "error:5.1.1 %s", d->bounce_text);
		return map_line(s, MAP_TRANSPORT, d->name, value);
	case POLICY_FORWARD:
		if (d->forward_address == NULL || validate_address(d->forward_address) != NULL)
			break;
		return address_line(s, MAP_ALIASES, "", d->name, d->forward_address);
	case POLICY_REDIRECT:
		if (d->redirect_ip == NULL || validate_ip(d->redirect_ip, canon) != NULL ||
		    d->redirect_port < 1 || d->redirect_port > 65535)
			break;
		snprintf(value, sizeof(value), "smtp:[%s]:%d", canon, d->redirect_port);
		return map_line(s, MAP_TRANSPORT, d->name, value);
	case POLICY_REJECT:
		return 0;
	}
	snprintf(s->error, sizeof(s->error), "%s: refusing the %s settings of %s",
		 names[d->policy == POLICY_FORWARD ? MAP_ALIASES : MAP_TRANSPORT],
		 mailcfg_policy_name(d->policy), shown(dn, d->name));
	return -1;
}

int map_render_domain(struct map_set *s, const struct map_domain *d)
{
	char value[MAP_KEY_MAX + 16];

	if (!d->service)
		return 0;
	if (wanted(s, MAP_DOMAINS) && map_line(s, MAP_DOMAINS, d->name, "OK") != 0)
		return -1;
	if (wanted(s, MAP_MAILBOXES) && accepts_unknown(d)) {
		snprintf(value, sizeof(value), "%s/.unknown/", d->name);
		if (address_line(s, MAP_MAILBOXES, "", d->name, value) != 0)
			return -1;
	}
	if (policy_line(s, d) != 0)
		return -1;
	if (wanted(s, MAP_WEBMAIL) && d->webmail != NULL) {
		snprintf(value, sizeof(value), "webmail.%s", d->name);
		return map_line(s, MAP_WEBMAIL, value, d->webmail);
	}
	return 0;
}

/*
 * A full build renders a line per mailbox, millions: when the pieces are
 * known good, its lines are put together directly instead of composed
 * and checked whole. A local part validate_local_part() accepted and a
 * domain name map_line() would accept as a key, joined by '@', make a
 * key map_line() accepts (printable, no blank, cannot start with '#');
 * values made of them and fixed text likewise. Anything else (a bad
 * domain name, an address too long) takes the general way, which
 * refuses it with its own message.
 */
struct piece {
	const char *p;
	size_t n;
};

static void put_pieces(struct buf *b, const struct piece *pc, size_t n)
{
	size_t total = 0;
	char *w;

	for (size_t i = 0; i < n; i++)
		total += pc[i].n;
	buf_grow(b, total);
	w = b->data + b->len;
	for (size_t i = 0; i < n; i++) {
		memcpy(w, pc[i].p, pc[i].n);
		w += pc[i].n;
	}
	*w = '\0';
	b->len += total;
}

#define PIECE(s) { s, sizeof(s) - 1 }

static void quick_mailbox(struct map_set *s, const struct map_domain *d, struct piece local,
			  struct piece dom)
{
	if (wanted(s, MAP_MAILBOXES))
		put_pieces(&s->map[MAP_MAILBOXES], (const struct piece[]){
			local, PIECE("@"), dom, PIECE(" "), dom, PIECE("/"), local, PIECE("/\n") }, 8);
	if (wanted(s, MAP_ALIASES) && d->policy == POLICY_FORWARD)
		put_pieces(&s->map[MAP_ALIASES], (const struct piece[]){
			local, PIECE("@"), dom, PIECE(" "), local, PIECE("@"), dom, PIECE("\n") }, 8);
	if (wanted(s, MAP_TRANSPORT) && accepts_unknown(d))
		put_pieces(&s->map[MAP_TRANSPORT], (const struct piece[]){
			local, PIECE("@"), dom, PIECE(" virtual:\n") }, 4);
}

int map_render_mailbox(struct map_set *s, const struct map_domain *d, const char *local_part)
{
	char value[MAP_KEY_MAX + 8], lp[SHOWN], dn[SHOWN];
	struct piece local, dom;

	if (!d->service)
		return 0;
	if (validate_local_part(local_part) != NULL) {
		snprintf(s->error, sizeof(s->error), "%s: refusing mailbox \"%s\" of %s",
			 names[MAP_MAILBOXES], shown(lp, local_part), shown(dn, d->name));
		return -1;
	}
	local = (struct piece){ local_part, strlen(local_part) };
	dom = (struct piece){ d->name, strlen(d->name) };
	if (local.n + 1 + dom.n <= MAP_KEY_MAX && validate_map_key(d->name, MAP_KEY_MAX)) {
		quick_mailbox(s, d, local, dom);
		return 0;
	}
	if (wanted(s, MAP_MAILBOXES)) {
		if (join(value, sizeof(value), (const char *const[]){ d->name, "/", local_part, "/", NULL }) != 0)
			return too_long(s, MAP_MAILBOXES, d->name);
		if (address_line(s, MAP_MAILBOXES, local_part, d->name, value) != 0)
			return -1;
	}
	if (wanted(s, MAP_ALIASES) && d->policy == POLICY_FORWARD) {
		if (join(value, sizeof(value), (const char *const[]){ local_part, "@", d->name, NULL }) != 0)
			return too_long(s, MAP_ALIASES, d->name);
		if (map_line(s, MAP_ALIASES, value, value) != 0)
			return -1;
	}
	if (wanted(s, MAP_TRANSPORT) && accepts_unknown(d))
		return address_line(s, MAP_TRANSPORT, local_part, d->name, "virtual:");
	return 0;
}

/* Each comma-separated target must be a valid address. */
static int targets_valid(const char *targets)
{
	char one[VALIDATE_ADDRESS_MAX + 1];
	const char *p = targets;

	do {
		size_t len = strcspn(p, ",");

		if (len == 0 || len > VALIDATE_ADDRESS_MAX)
			return 0;
		memcpy(one, p, len);
		one[len] = '\0';
		if (validate_address(one) != NULL)
			return 0;
		p += len;
	} while (*p++ == ',');
	return 1;
}

int map_render_alias(struct map_set *s, const struct map_domain *d, const char *local_part,
		     const char *targets)
{
	char lp[SHOWN], dn[SHOWN];

	if (!d->service || !wanted(s, MAP_ALIASES))
		return 0;
	if (validate_local_part(local_part) != NULL || !targets_valid(targets)) {
		snprintf(s->error, sizeof(s->error), "%s: refusing alias \"%s\" of %s",
			 names[MAP_ALIASES], shown(lp, local_part), shown(dn, d->name));
		return -1;
	}
	return address_line(s, MAP_ALIASES, local_part, d->name, targets);
}
