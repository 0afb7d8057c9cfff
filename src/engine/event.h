/* SPDX-License-Identifier: MIT */
/* event: the append-only log of everything a probe did and saw: time offset,
 * probe, direction, kind, a one-line decoded summary and the raw bytes. The
 * summary is sanitized when the event is added, so sinks can print it as is. */
#ifndef PGI_EVENT_H
#define PGI_EVENT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ev_dir { EV_SEND, EV_RECV, EV_NOTE };

struct event {
	double t_ms;     /* milliseconds since the inspection started */
	char *probe;     /* "tls", "plain", or "setup" */
	enum ev_dir dir;
	char *kind;      /* "SSLRequest", "ServerHello", "ErrorResponse", ... */
	char *summary;   /* sanitized, one line */
	uint8_t *raw;    /* the bytes on the wire, or NULL */
	size_t rawlen;
};

struct event_log {
	struct event *ev;
	size_t n, cap; /* a live sink watches n grow between probe steps */
};

/* Append one event. summary is printf-formatted and then sanitized, so
 * server text may be passed through %s unescaped. raw is copied. */
void event_add(struct event_log *log, double t_ms, const char *probe,
	       enum ev_dir dir, const char *kind, const void *raw,
	       size_t rawlen, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));
/* Append an event whose summary is already escaped text (a replayed log):
 * kept as is when it holds no control character, escaped otherwise. */
void event_add_clean(struct event_log *log, double t_ms, const char *probe,
		     enum ev_dir dir, const char *kind, const void *raw,
		     size_t rawlen, const char *summary);
void event_log_free(struct event_log *log);
const char *event_dir_name(enum ev_dir d);
/* "send" | "recv" | "note" -> dir; -1 when unknown */
int event_dir_parse(const char *s);

#endif
