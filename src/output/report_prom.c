/* SPDX-License-Identifier: MIT */
/* report_prom: one finished inspection as Prometheus's text exposition
 * format (version 0.0.4), the body of the exporter's /probe (src/exporter.c).
 * Pure: the facts, the verdicts and the findings in, text out; no clock
 * (the caller says what "now" is), no network. Every label value drawn from
 * the server (a certificate's subject) is made visible first (sanitize_dn:
 * no control character, no invalid UTF-8), clipped, then escaped as the
 * format wants (backslash, double quote, newline). Names follow
 * Prometheus's conventions (base units: seconds; _info for a constant 1
 * carrying labels), so `promtool check metrics` finds nothing to say. */
#include "config.h"
#include "output/report.h"
#include "model/explain.h"
#include "util/sanitize.h"
#include <stdlib.h>
#include <string.h>

/* A label value of untrusted text, longest kept (bytes, before escaping):
 * a subject is one series a position, so the length bounds the memory a
 * hostile certificate costs Prometheus, not the cardinality. */
#define PROM_LABEL_MAX 256

/* v as a label value: visible, clipped on a character boundary, then the
 * exposition format's three escapes. */
static void label_value(FILE *out, const char *v)
{
	char *s = sanitize_dn(v ? v : "");
	size_t n = strlen(s);
	if (n > PROM_LABEL_MAX) {
		n = PROM_LABEL_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--; /* not inside a UTF-8 sequence */
	}
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' || s[i] == '"')
			fputc('\\', out);
		if (s[i] == '\n')
			fputs("\\n", out); /* sanitize leaves none; the format's rule */
		else
			fputc(s[i], out);
	}
	if (n < strlen(s))
		fputs("...", out);
	fputc('"', out);
	free(s);
}

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void write_chain(FILE *out, const struct inspection *ins, time_t now)
{
	static const char *const what[2] = { "not_after", "not_before" };
	static const char *const help[2] = {
		"The certificate's notAfter, by position in the chain the server sent (0: its own).",
		"The certificate's notBefore, by position in the chain the server sent (0: its own).",
	};
	for (int k = 0; k < 2; k++) {
		char name[64];
		snprintf(name, sizeof(name), "pgtls_cert_%s_timestamp_seconds", what[k]);
		family(out, name, "gauge", help[k]);
		for (size_t i = 0; i < ins->nchain; i++) {
			time_t t = k == 0 ? ins->chain[i].not_after : ins->chain[i].not_before;
			if (t == (time_t)-1 || t == 0)
				continue; /* unknown: no sample rather than a made-up one */
			fprintf(out, "%s{position=\"%zu\",subject=", name, i);
			label_value(out, ins->chain[i].subject);
			fprintf(out, "} %lld\n", (long long)t);
		}
	}
	/* the earliest notAfter of the chain: what expires first */
	time_t first = (time_t)-1;
	for (size_t i = 0; i < ins->nchain; i++) {
		time_t t = ins->chain[i].not_after;
		if (t != (time_t)-1 && t != 0 && (first == (time_t)-1 || t < first))
			first = t;
	}
	if (first == (time_t)-1)
		return;
	family(out, "pgtls_cert_earliest_not_after_timestamp_seconds", "gauge",
	       "The earliest notAfter of the chain the server sent.");
	fprintf(out, "pgtls_cert_earliest_not_after_timestamp_seconds %lld\n", (long long)first);
	family(out, "pgtls_cert_earliest_expiry_seconds", "gauge",
	       "Seconds from the probe to the earliest notAfter of the chain (negative: expired; divide by 86400 for days).");
	fprintf(out, "pgtls_cert_earliest_expiry_seconds %lld\n", (long long)(first - now));
}

static void write_findings(FILE *out, const struct report *r)
{
	family(out, "pgtls_findings", "gauge",
	       "The diagnosis' findings, by severity and stable id (doc/json.md); 0 series: none.");
	for (int i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = r->findings[j].severity == f->severity && !strcmp(r->findings[j].id, f->id);
		if (seen)
			continue;
		int n = 0;
		for (int j = i; j < r->nfindings; j++)
			n += r->findings[j].severity == f->severity && !strcmp(r->findings[j].id, f->id);
		/* the ids and severities are the program's own words */
		fprintf(out, "pgtls_findings{severity=\"%s\",id=\"%s\"} %d\n",
			severity_name(f->severity), f->id, n);
	}
}

int report_prom_write(FILE *out, const struct report *r, double duration_s, time_t now)
{
	const struct inspection *ins = r->ins;
	const struct server_facts *sf = &ins->server;
	bool ok = ins->reachable == 1 && !ins->refused;

	family(out, "pgtls_probe_success", "gauge",
	       "1 when a TCP connection was made and the server inspected, else 0.");
	fprintf(out, "pgtls_probe_success %d\n", ok);
	if (duration_s >= 0) {
		family(out, "pgtls_probe_duration_seconds", "gauge",
		       "How long the inspection took, in seconds.");
		fprintf(out, "pgtls_probe_duration_seconds %.6f\n", duration_s);
	}
	if (!ok)
		return ferror(out) ? -1 : 0;

	family(out, "pgtls_sslrequest_reply_info", "gauge",
	       "The server's reply to the SSLRequest: S, N, E, other, closed, timeout or none.");
	fprintf(out, "pgtls_sslrequest_reply_info{reply=\"%s\"} 1\n",
		ssl_reply_name(sf->sslrequest_reply));

	if (ins->tls.ok) {
		family(out, "pgtls_tls_info", "gauge",
		       "The TLS session negotiated after the SSLRequest: version and cipher.");
		fputs("pgtls_tls_info{version=", out);
		label_value(out, ins->tls.version);
		fputs(",cipher=", out);
		label_value(out, ins->tls.cipher);
		fputs("} 1\n", out);
	}

	if (r->modes) {
		family(out, "pgtls_sslmode_outcome", "gauge",
		       "1 for each sslmode's predicted outcome with this libpq: encrypted, plaintext, fails or unknown.");
		for (int m = 0; m < SSLMODE_COUNT; m++)
			for (enum outcome o = OUTCOME_ENCRYPTED; o <= OUTCOME_UNKNOWN; o++)
				fprintf(out, "pgtls_sslmode_outcome{sslmode=\"%s\",outcome=\"%s\"} %d\n",
					sslmode_name((enum sslmode)m), outcome_name(o),
					r->modes[m].outcome == o);
	}

	write_chain(out, ins, now);
	if (r->modes)
		write_findings(out, r);

	/* the plaintext probe's StartupMessage: answered with an
	 * authentication request or AuthenticationOk, or refused */
	if (sf->plain.attempted && sf->plain.accepted >= 0) {
		family(out, "pgtls_plaintext_accepted", "gauge",
		       "1 when the server answered a StartupMessage sent without TLS with an authentication request (it accepts plaintext sessions), 0 when it refused.");
		fprintf(out, "pgtls_plaintext_accepted %d\n", sf->plain.accepted);
	}
	return ferror(out) ? -1 : 0;
}
