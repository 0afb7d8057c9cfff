/* SPDX-License-Identifier: MIT */
/* event: the append-only event log. Saving and loading go through the JSON
 * writer and reader (output/report_json.c), which own the file format. */
#include "config.h"
#include "engine/event.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void event_add(struct event_log *log, double t_ms, const char *probe,
	       enum ev_dir dir, const char *kind, const void *raw,
	       size_t rawlen, const char *fmt, ...)
{
	if (log->n == log->cap) {
		log->cap = log->cap ? log->cap * 2 : 32;
		log->ev = xrealloc(log->ev, log->cap * sizeof(*log->ev));
	}
	struct event *e = &log->ev[log->n++];
	char *text;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	e->t_ms = t_ms;
	/* probe and kind are ours when probing, but a replayed file is
	 * untrusted: every string of an event is clean once stored */
	e->probe = sanitize_keep_clean(probe);
	e->dir = dir;
	e->kind = sanitize_keep_clean(kind);
	e->summary = sanitize(text ? text : "");
	free(text);
	e->raw = raw && rawlen ? xmemdup(raw, rawlen) : NULL;
	e->rawlen = raw ? rawlen : 0;
}

void event_add_clean(struct event_log *log, double t_ms, const char *probe,
		     enum ev_dir dir, const char *kind, const void *raw,
		     size_t rawlen, const char *summary)
{
	event_add(log, t_ms, probe, dir, kind, raw, rawlen, "%s", "");
	struct event *e = &log->ev[log->n - 1];
	free(e->summary);
	e->summary = sanitize_keep_clean(summary);
}

void event_log_free(struct event_log *log)
{
	for (size_t i = 0; i < log->n; i++) {
		free(log->ev[i].probe);
		free(log->ev[i].kind);
		free(log->ev[i].summary);
		free(log->ev[i].raw);
	}
	free(log->ev);
	log->ev = NULL;
	log->n = log->cap = 0;
}

const char *event_dir_name(enum ev_dir d)
{
	switch (d) {
	case EV_SEND:
		return "send";
	case EV_RECV:
		return "recv";
	default:
		return "note";
	}
}

int event_dir_parse(const char *s)
{
	if (!strcmp(s, "send"))
		return EV_SEND;
	if (!strcmp(s, "recv"))
		return EV_RECV;
	if (!strcmp(s, "note"))
		return EV_NOTE;
	return -1;
}
