/* SPDX-License-Identifier: MIT */
/* report: the text, JSON, SVG and HTML sinks, and the JSON reader that
 * turns a saved event log back into the same model (replay). Sinks read
 * struct inspection only; they never touch the network. */
#ifndef PGI_REPORT_H
#define PGI_REPORT_H
#include <stdbool.h>
#include <stdio.h>
#include "engine/inspection.h"
#include "model/clients.h"
#include "model/explain.h"
#include "model/provider.h"
#include "model/sslmode.h"

/* What a sink renders: the facts and the verdicts drawn from them. */
struct report {
	const struct inspection *ins;
	const struct verdict *modes; /* SSLMODE_COUNT of them, or NULL */
	int libpq_version;           /* whose behaviour the verdicts predict */
	const struct finding *findings;
	int nfindings;
	const struct provider_match *provider; /* NULL or id NULL: none */
	const struct client_verdict *clients;
	int nclients;
	/* a host list: the inspections of the hosts after the first (ins),
	 * and how many hosts the list has (probed or not) */
	const struct inspection *const *extra;
	int nextra;
	int nlisted;
};

/* The JSON document of doc/json.md (and --save-events). */
int report_json_write(FILE *out, const struct report *r);
/* The same document on one line (no newline), for JSON lines; malloc'd
 * (free with free()), NULL on failure. */
char *report_json_line(const struct report *r);
/* Read a document written by report_json_write into ins (initialised by
 * the caller). The chain is rebuilt from the PeerCertificate events' bytes;
 * *libpq_version is the recorded one (0 when absent). -1 with a one-line
 * *err on a missing file or a malformed document. */
int report_json_load(const char *path, struct inspection *ins,
		     int *libpq_version, char **err);
/* The same with a host list: *extra (heap, *nextra inspections, each to
 * be freed with inspection_free) and *nlisted (1 for a log of one host). */
int report_json_load_list(const char *path, struct inspection *ins,
			  struct inspection **extra, int *nextra, int *nlisted,
			  int *libpq_version, char **err);

/* The human report: target, verdicts, timeline with hex, TLS, chain,
 * trust, answers. */
int report_text_write(FILE *out, const struct report *r);
/* Its first lines: the answer for the target's sslmode, and for
 * verify-full when that is another (model/summary), a line each. */
int report_answer_write(FILE *out, const struct report *r);

/* The chain as the server sent it, PEM-encoded, to path (export-chain).
 * -1 with *err. */
int report_pem_save(const struct inspection *ins, const char *path, char **err);

/* The markup sinks (SVG, HTML). Every string they write that is not
 * markup passes report_markup, their one escape: first made visible
 * (control characters, C1 controls, bidi overrides and invalid UTF-8 as
 * \xNN, never raw) as how says, then clipped to max characters (0: no
 * limit; a clipped string ends in "..."), then made safe as XML and HTML
 * text and attribute values (& < > " ' as entities; U+FFFE and U+FFFF,
 * which XML forbids, as \xNN). */
enum markup_text {
	MARKUP_RAW,   /* untrusted text: sanitize */
	MARKUP_DN,    /* text holding RFC 4514 DNs: sanitize_dn */
	MARKUP_CLEAN, /* text escaped once already (event summaries and
		       * labels, the model's own words): kept when clean */
};
struct strbuf;
void report_markup(struct strbuf *sb, const char *s, enum markup_text how, int max);
/* s made visible as report_markup does, before the XML step: a fresh
 * string, clean, for a sink that measures or wraps it first. */
char *report_visible(const char *s, enum markup_text how);

/* The parts of the SVG picture, top to bottom. */
#define SVG_HEAD 1u     /* the target, the answer first */
#define SVG_VERDICTS 2u /* the six sslmodes: outcome, where each fails */
#define SVG_LADDER 4u   /* the probes, an arrow a message */
#define SVG_CHAIN 8u    /* the certificates as sent, subject -> issuer */
#define SVG_ALL 15u
struct svg_opts {
	int scale;     /* 1..4: type, spacing and lines multiplied */
	unsigned parts;
	bool fragment; /* an <svg> element for a page: no XML declaration */
};
#define SVG_SCALE_MAX 4
/* The words the reports use for an outcome: "connects, encrypted",
 * "connects, NOT encrypted", "fails", "unknown". */
const char *report_outcome_words(enum outcome o);
/* The negotiation as a ladder diagram: valid SVG 1.1, no external
 * resource, no script, generic font families. */
int report_svg_write(FILE *out, const struct report *r, const struct svg_opts *o);
/* One self-contained page: the answer and the fix, the ladder and the
 * chain (inline SVG), the findings, each mode's path, the client stacks
 * and the raw events (<details>); inline CSS, no script, no link. */
int report_html_write(FILE *out, const struct report *r);
/* The bytes the probes' sockets carried (ins->wire of the inspection and
 * of each further host) as pcapng: synthetic IP/TCP around them, the TLS
 * secrets in a Decryption Secrets Block (except a connection's that
 * carried a --login secret inside TLS). -1 with *err when no inspection
 * ran live (a replayed log carries no bytes) or writing failed. */
int report_pcap_write(FILE *f, const struct report *r, char **err);
/* Create path for a capture, mode 0600 (it holds secrets); NULL with *err. */
FILE *report_pcap_open(const char *path, char **err);
/* Both, and close. */
int report_pcap_save(const struct report *r, const char *path, char **err);

/* The Prometheus text exposition format of one finished inspection (the
 * exporter's /probe; output/report_prom.c): probe success and duration
 * (duration_s < 0: left out), the SSLRequest reply, TLS version and cipher,
 * each sslmode's outcome, each certificate's notAfter and notBefore, the
 * earliest notAfter and the seconds to it from now, the findings, whether
 * the server accepts plaintext sessions. -1 when writing failed. */
int report_prom_write(FILE *out, const struct report *r, double duration_s, time_t now);

/* ISO 8601 UTC ("2026-11-28T19:55:00Z") into buf of at least 21 bytes. */
void report_iso_time(time_t t, char *buf, size_t n);

#endif
