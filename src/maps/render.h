/*
 * NAME
 *	render - the one renderer of Postfix (and nginx) lookup-table lines
 * SYNOPSIS
 *	struct map_set out;
 *	map_set_init(&out);
 *	if (map_render_domain(&out, &domain) != 0 ||
 *	    map_render_mailbox(&out, &domain, "alice") != 0) refuse(out.error);
 *	write(out.map[MAP_MAILBOXES].data, ...);
 *	map_set_release(&out);
 * DESCRIPTION
 *	Turns a domain's settings, mailboxes and aliases into the lines of
 *	the maps postpanel-mapd installs (see ../shared/design/POSTFIX.md):
 *
 *	MAP_DOMAINS    virtual_mailbox_domains  "dom OK" when the service is on
 *	MAP_MAILBOXES  virtual_mailbox_maps     "user@dom dom/user/"; "@dom ..."
 *	               when unknown recipients must be accepted (bounce, redirect)
 *	MAP_ALIASES    virtual_alias_maps       aliases; for forward, "@dom target"
 *	               and an identity line per mailbox, so the catch-all never
 *	               swallows a real mailbox
 *	MAP_TRANSPORT  transport_maps           bounce: "dom error:5.1.1 TEXT";
 *	               redirect: "dom smtp:[IP]:PORT"; mailboxes first routed
 *	               locally with "user@dom virtual:"
 *	MAP_WEBMAIL    nginx map include        "webmail.dom roundcube;"
 *
 *	A domain whose mail service is off renders nothing at all.
 *
 *	Every line goes through map_line(), which checks key and value
 *	against the map grammar (no control characters, no CR/LF, no blank
 *	in keys, bounded length) — a second line of defence behind the
 *	validation done before values are stored. A value that fails stops
 *	the rendering: the function returns -1 and out->error says what and
 *	where (the caller keeps the previous maps). The buffers belong to
 *	the map_set; map_set_release() frees them.
 */
#ifndef PP_RENDER_H
#define PP_RENDER_H

#include "model/mailcfg.h"
#include "util/buf.h"

enum map_id { MAP_DOMAINS, MAP_MAILBOXES, MAP_ALIASES, MAP_TRANSPORT, MAP_WEBMAIL, MAP_COUNT };

#define MAP_KEY_MAX 320		/* local part, @, domain, some slack */
#define MAP_VALUE_MAX 4096	/* an alias with many targets */

struct map_domain {
	const char *name;		/* ASCII */
	int service;
	enum mail_policy policy;
	const char *bounce_text;	/* the effective text: own or default */
	const char *forward_address;
	const char *redirect_ip;	/* canonical IPv4 or IPv6 text */
	int redirect_port;
	const char *webmail;		/* NULL: none */
};

struct map_set {
	struct buf map[MAP_COUNT];
	/*
	 * The maps rendered (bit 1 << id); map_set_init() selects all. A
	 * builder can render one map in its own pass: values of the maps left
	 * out are neither rendered nor needed (they may be NULL).
	 */
	unsigned wanted;
	char error[256];
};

#define MAP_BIT(id) (1u << (id))
#define MAP_ALL ((1u << MAP_COUNT) - 1)

/* File name of a map inside the map directory. */
const char *map_name(enum map_id id);
/* 1 for maps compiled with postmap, 0 for plain text (the nginx map). */
int map_is_postfix(enum map_id id);

void map_set_init(struct map_set *s);
void map_set_reset(struct map_set *s);
void map_set_release(struct map_set *s);

/* Appends "key value\n" (or "key value;\n" for the nginx map); -1 if refused. */
int map_line(struct map_set *s, enum map_id id, const char *key, const char *value);
/* The lines a domain has regardless of its mailboxes and aliases. */
int map_render_domain(struct map_set *s, const struct map_domain *d);
int map_render_mailbox(struct map_set *s, const struct map_domain *d, const char *local_part);
/* targets: addresses separated by commas, as stored. */
int map_render_alias(struct map_set *s, const struct map_domain *d, const char *local_part,
		     const char *targets);

#endif
