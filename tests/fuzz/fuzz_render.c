/*
 * libFuzzer target: maps/render. Built with --enable-fuzzing (clang).
 *
 * The input is split on '\x01' into fields (a missing field is NULL):
 *   0  flags: first byte, bit 0 = service off, bits 1-2 = policy,
 *      bit 3 = no webmail
 *   1  domain name      2  bounce text      3  forward address
 *   4  redirect IP      5  redirect port (decimal, may be signed)
 *   6  webmail
 *   7… one call each, rendered in order until the first refusal:
 *      "a" local '\x02' targets    map_render_alias
 *      "l" id-byte key '\x02' value map_line (map = id-byte % MAP_COUNT)
 *      anything else               map_render_mailbox (the whole field)
 *
 * Checks, besides the sanitizers:
 *  - every byte in every map forms complete lines that follow the grammar
 *    (checked here without model/validate.c): "key value\n", exactly one
 *    blank between key and value, no blank in the key, no leading '#',
 *    no control character (C0, DEL, C1, U+2028/9), valid UTF-8, bounded
 *    lengths; the nginx map: "key value;\n" with one plain token each;
 *    a '\r' or a line that is not one call's line aborts;
 *  - each call appends exactly the lines POSTFIX.md asks for (a model
 *    built here); a refused call appends a prefix of them, never a part
 *    of a line, returns -1 and leaves a printable-ASCII error that starts
 *    with a map name;
 *  - a domain whose service is off renders nothing at all; reject has no
 *    wildcard anywhere (for a name without '@', as the schema ensures).
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maps/render.h"
#include "map_grammar.h"
#include "model/validate.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 64

/* ---- the line grammar: tests/map_grammar.c ---- */

/* One line without its '\n'; aborts when it breaks the grammar. */
static void check_line(enum map_id id, const char *line, size_t len)
{
	if (map_grammar_problem(id, line, len) != NULL)
		abort();
}

static void check_map(enum map_id id, const struct buf *b)
{
	const char *p = buf_cstr(b), *end = p + b->len;

	if (memchr(p, '\0', b->len) != NULL || (b->len > 0 && end[-1] != '\n'))
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		check_line(id, p, (size_t)(nl - p));
		p = nl + 1;
	}
}

/* ---- the model: the lines one call must append, in order ---- */

struct expect {
	int n;
	enum map_id map[8];
	struct buf line[8];	/* with '\n' */
};

static void expect_line(struct expect *e, enum map_id id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void expect_line(struct expect *e, enum map_id id, const char *fmt, ...)
{
	struct buf *l = &e->line[e->n];
	va_list ap;
	int n;
	char *text;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = malloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	e->map[e->n++] = id;
	buf_reset(l);
	buf_puts(l, text);
	buf_puts(l, id == MAP_WEBMAIL ? ";\n" : "\n");
	free(text);
}

static int accepts_unknown(const struct map_domain *d)
{
	return d->policy == POLICY_BOUNCE || d->policy == POLICY_REDIRECT;
}

static void expect_domain(struct expect *e, const struct map_domain *d)
{
	char canon[VALIDATE_IP_TEXT] = "";

	expect_line(e, MAP_DOMAINS, "%s OK", d->name);
	if (accepts_unknown(d))
		expect_line(e, MAP_MAILBOXES, "@%s %s/.unknown/", d->name, d->name);
	switch (d->policy) {
	case POLICY_BOUNCE:
		expect_line(e, MAP_TRANSPORT, "%s error:5.1.1 %s", d->name,
			    d->bounce_text ? d->bounce_text : "");
		break;
	case POLICY_FORWARD:
		expect_line(e, MAP_ALIASES, "@%s %s", d->name,
			    d->forward_address ? d->forward_address : "");
		break;
	case POLICY_REDIRECT:
		if (d->redirect_ip != NULL)
			(void)validate_ip(d->redirect_ip, canon);
		expect_line(e, MAP_TRANSPORT, "%s smtp:[%s]:%d", d->name, canon, d->redirect_port);
		break;
	case POLICY_REJECT:
		break;
	}
	if (d->webmail != NULL)
		expect_line(e, MAP_WEBMAIL, "webmail.%s %s", d->name, d->webmail);
}

static void expect_mailbox(struct expect *e, const struct map_domain *d, const char *lp)
{
	expect_line(e, MAP_MAILBOXES, "%s@%s %s/%s/", lp, d->name, d->name, lp);
	if (d->policy == POLICY_FORWARD)
		expect_line(e, MAP_ALIASES, "%s@%s %s@%s", lp, d->name, lp, d->name);
	if (accepts_unknown(d))
		expect_line(e, MAP_TRANSPORT, "%s@%s virtual:", lp, d->name);
}

/* ---- one call, checked against the model ---- */

static const char *map_prefixes[MAP_COUNT];

static void check_error(const char *error)
{
	int named = 0;

	if (error[0] == '\0')
		abort();
	for (const char *p = error; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();	/* goes to the log and a text column */
	for (int i = 0; i < MAP_COUNT; i++)
		if (strncmp(error, map_prefixes[i], strlen(map_prefixes[i])) == 0)
			named = 1;
	if (!named)
		abort();
}

/* What the call appended to each map, given the lengths before it. */
static void check_call(const struct map_set *s, const size_t before[MAP_COUNT], int rc, struct expect *e)
{
	size_t appended_lines = 0;
	int k;

	if (rc != 0 && rc != -1)
		abort();
	for (int i = 0; i < MAP_COUNT; i++) {
		const char *p = s->map[i].data ? s->map[i].data + before[i] : "";

		if (s->map[i].len < before[i])
			abort();
		for (size_t j = 0; j < s->map[i].len - before[i]; j++)
			if (p[j] == '\n')
				appended_lines++;
	}
	/* A refused call appends a prefix of its lines; a successful one all of them. */
	if (rc == 0 && appended_lines != (size_t)e->n)
		abort();
	if (rc == -1) {
		if (appended_lines >= (size_t)e->n)
			abort();
		check_error(s->error);
	}
	k = (int)appended_lines;
	for (int i = 0; i < MAP_COUNT; i++) {
		struct buf want = BUF_INIT;

		for (int j = 0; j < k; j++)
			if (e->map[j] == (enum map_id)i)
				buf_append(&want, e->line[j].data, e->line[j].len);
		if (s->map[i].len - before[i] != want.len ||
		    memcmp(buf_cstr(&s->map[i]) + before[i], buf_cstr(&want), want.len) != 0)
			abort();	/* not the lines POSTFIX.md asks for */
		buf_release(&want);
	}
	/* Accepted lines are single lines: nothing embedded in a key or value. */
	for (int j = 0; j < k; j++) {
		const char *l = e->line[j].data;

		if (memchr(l, '\r', e->line[j].len) != NULL ||
		    memchr(l, '\n', e->line[j].len - 1) != NULL)
			abort();
	}
	for (int i = 0; i < MAP_COUNT; i++)
		check_map((enum map_id)i, &s->map[i]);
}

static void lengths(const struct map_set *s, size_t out[MAP_COUNT])
{
	for (int i = 0; i < MAP_COUNT; i++)
		out[i] = s->map[i].len;
}

/* ---- the input ---- */

static long parse_port(const char *text)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (n > 1000000)
		n = 1000000;
	if (n < -1000000)
		n = -1000000;
	return n;
}

static void run(char **f, size_t nf)
{
	unsigned flags = nf > 0 && f[0][0] ? (unsigned char)f[0][0] : 0;
	struct map_domain d = {
		.name = nf > 1 ? f[1] : "example.com",
		.service = !(flags & 1),
		.policy = (enum mail_policy)((flags >> 1) & 3),
		.bounce_text = nf > 2 ? f[2] : NULL,
		.forward_address = nf > 3 ? f[3] : NULL,
		.redirect_ip = nf > 4 ? f[4] : NULL,
		.redirect_port = nf > 5 ? (int)parse_port(f[5]) : 25,
		.webmail = nf > 6 && !(flags & 8) ? f[6] : NULL,
	};
	struct map_set s;
	struct expect e;
	size_t before[MAP_COUNT];
	int rc;

	memset(&e, 0, sizeof(e));
	map_set_init(&s);
	lengths(&s, before);
	rc = map_render_domain(&s, &d);
	if (d.service)
		expect_domain(&e, &d);
	check_call(&s, before, rc, &e);
	for (size_t i = 7; rc == 0 && i < nf; i++) {
		char *item = f[i], *sep;

		e.n = 0;
		lengths(&s, before);
		if (item[0] == 'a') {
			const char *targets = "";

			if ((sep = strchr(item + 1, '\x02')) != NULL) {
				*sep = '\0';
				targets = sep + 1;
			}
			rc = map_render_alias(&s, &d, item + 1, targets);
			if (d.service)
				expect_line(&e, MAP_ALIASES, "%s@%s %s", item + 1, d.name, targets);
		} else if (item[0] == 'l' && item[1] != '\0') {
			enum map_id id = (enum map_id)((unsigned char)item[1] % MAP_COUNT);
			const char *value = "";

			if ((sep = strchr(item + 2, '\x02')) != NULL) {
				*sep = '\0';
				value = sep + 1;
			}
			rc = map_line(&s, id, item + 2, value);
			expect_line(&e, id, "%s %s", item + 2, value);
			/* map_line() is all or nothing */
			if (rc != 0 && s.map[id].len != before[id])
				abort();
		} else {
			rc = map_render_mailbox(&s, &d, item);
			if (d.service)
				expect_mailbox(&e, &d, item);
		}
		check_call(&s, before, rc, &e);
	}
	/* Service off: nothing at all (map_line() calls aside, which ignore the domain). */
	if (!d.service) {
		int direct = 0;

		for (size_t i = 7; i < nf; i++)
			if (f[i][0] == 'l' && f[i][1] != '\0')
				direct = 1;
		if (!direct)
			for (int i = 0; i < MAP_COUNT; i++)
				if (s.map[i].len != 0)
					abort();
	}
	/*
	 * Reject: no wildcard anywhere (a direct map_line() may write one, and
	 * so does a name holding '@', which the schema's CHECK on domains.name
	 * keeps out of the database: the renderer trusts the domain grammar).
	 */
	if (d.service && d.policy == POLICY_REJECT && strchr(d.name, '@') == NULL) {
		int direct = 0;

		for (size_t i = 7; i < nf; i++)
			if (f[i][0] == 'l')
				direct = 1;
		for (int i = 0; i < MAP_COUNT && !direct; i++) {
			const char *p = buf_cstr(&s.map[i]);

			for (; *p; p = strchr(p, '\n') + 1)
				if (*p == '@')
					abort();
		}
	}
	for (int i = 0; i < 8; i++)
		buf_release(&e.line[i]);
	map_set_release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char prefixes[MAP_COUNT][40];
	char *copy = malloc(size + 1), *f[MAX_FIELDS];
	size_t nf = 0;

	if (map_prefixes[0] == NULL)
		for (int i = 0; i < MAP_COUNT; i++) {
			snprintf(prefixes[i], sizeof(prefixes[i]), "%s: ", map_name((enum map_id)i));
			map_prefixes[i] = prefixes[i];
		}
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *p = copy; nf < MAX_FIELDS;) {
		f[nf++] = p;
		if ((p = strchr(p, '\x01')) == NULL)
			break;
		*p++ = '\0';
	}
	run(f, nf);
	free(copy);
	return 0;
}
