/* SPDX-License-Identifier: MIT */
/* event_fields: decodes an event's raw bytes into lines of text with
 * engine/pgwire. It reads only the event; what is shown, and where, stays
 * with the reader. */
#include "config.h"
#include "engine/event_fields.h"
#include "engine/pgwire.h"
#include "util/sanitize.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lines {
	char **list;
	int n;
};

/* Append s and free it (the calls build it with xasprintf). */
static void add(struct lines *l, char *s)
{
	strlist_add(&l->list, &l->n, s);
	free(s);
}

/* A type or field code byte: printable ASCII as itself, anything else
 * escaped, so that no line carries a control character. */
static char *byte_text(char c)
{
	if (c >= 0x20 && c < 0x7f)
		return xasprintf("%c", c);
	return sanitize_bytes(&c, 1);
}

/* The backend message at the front of a received event: its type and
 * length, then an ErrorResponse's or NoticeResponse's fields. */
static int backend_fields(const struct event *e, struct lines *l)
{
	struct pgwire_msg m;
	const char *why;
	size_t total;

	if (pgwire_frame(e->raw, e->rawlen, &total) != PGWIRE_FRAME_OK ||
	    pgwire_decode(e->raw, total, &m, &why) != 0)
		return 0;
	char *type = byte_text(m.type);
	add(l, xasprintf("type '%s', length %u", type, m.length));
	free(type);
	if (m.type == 'E' || m.type == 'N') {
		for (int i = 0; i < m.u.error.nfields; i++) {
			char *code = byte_text(m.u.error.fields[i].code);
			char *val = sanitize(m.u.error.fields[i].value);
			add(l, xasprintf("%s: %s", code, val));
			free(code);
			free(val);
		}
	}
	pgwire_msg_free(&m);
	return 1;
}

int event_fields(const struct event *e, char ***lines)
{
	struct lines l = { xcalloc(1, sizeof(char *)), 0 };
	int head = 0;

	if (!e->raw) {
		/* nothing on the wire: a note */
	} else if (!strcmp(e->kind, "SSLRequest") && e->rawlen == 8) {
		add(&l, xstrdup("length 8"));
		add(&l, xstrdup("code 80877103 = 1234.5679 (SSLRequest)"));
		head = 2;
	} else if (!strcmp(e->kind, "StartupMessage") && e->rawlen >= 8) {
		add(&l, xasprintf("length %zu, protocol %u.%u", e->rawlen,
				  (unsigned)(e->raw[4] << 8 | e->raw[5]),
				  (unsigned)(e->raw[6] << 8 | e->raw[7])));
		head = 1;
	} else if (!strcmp(e->kind, "SSLResponse")) {
		add(&l, xasprintf("one byte: 0x%02x '%c'", e->raw[0],
				  e->raw[0] >= 0x20 && e->raw[0] < 0x7f ?
					  e->raw[0] : '?'));
		head = 1;
	} else if (e->rawlen >= 5 && e->dir == EV_RECV &&
		   strcmp(e->kind, "PeerCertificate")) {
		head = backend_fields(e, &l);
	}
	*lines = l.list;
	return head;
}
