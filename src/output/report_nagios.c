/* SPDX-License-Identifier: MIT */
/* report_nagios: the --nagios sink (see report_nagios.h). The status text
 * and the long output quote server text (a certificate's subject, libpq's
 * message with the server's words): each part is made visible with
 * sanitize (no control character, so no line break), its '|' (which
 * starts the performance data) replaced, and clipped. */
#include "config.h"
#include "output/report_nagios.h"
#include "model/summary.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PART_MAX 300   /* bytes of one part of the status text */
#define TITLES_MAX 20  /* findings listed in the long output */
#define DAY 86400.0

const char *nagios_status_name(enum nagios_status s)
{
	static const char *const names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
	return s >= NAGIOS_OK && s <= NAGIOS_UNKNOWN ? names[s] : "UNKNOWN";
}

/* The worse of two: CRITICAL, WARNING, UNKNOWN, OK (max_state_alt). */
static enum nagios_status worse(enum nagios_status a, enum nagios_status b)
{
	static const int rank[] = { [NAGIOS_OK] = 0, [NAGIOS_UNKNOWN] = 1,
				    [NAGIOS_WARNING] = 2, [NAGIOS_CRITICAL] = 3 };
	return rank[b] > rank[a] ? b : a;
}

/* s made safe for the plugin's text: visible (sanitize, or sanitize_dn
 * for text with DNs), '|' as '/', clipped to PART_MAX bytes at a
 * character's start with "..."; appended to sb. */
static void add_text(struct strbuf *sb, const char *s, bool dn)
{
	char *t = dn ? sanitize_dn(s) : sanitize(s);
	for (char *p = t; *p; p++)
		if (*p == '|')
			*p = '/';
	size_t n = strlen(t);
	if (n > PART_MAX) {
		n = PART_MAX - 3;
		while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
			n--;
		sb_add(sb, t, n);
		sb_adds(sb, "...");
	} else {
		sb_add(sb, t, n);
	}
	free(t);
}

/* The certificate of the chain that expires first (its not_after known),
 * or NULL. */
static const struct cert_facts *first_to_expire(const struct inspection *ins)
{
	const struct cert_facts *first = NULL;
	for (size_t i = 0; i < ins->nchain; i++) {
		const struct cert_facts *c = &ins->chain[i];
		if (c->not_after != (time_t)-1 && (!first || c->not_after < first->not_after))
			first = c;
	}
	return first;
}

/* A certificate of the chain not valid yet at now, or NULL. */
static const struct cert_facts *not_yet_valid(const struct inspection *ins, time_t now)
{
	for (size_t i = 0; i < ins->nchain; i++)
		if (ins->chain[i].not_before != (time_t)-1 && ins->chain[i].not_before > now)
			return &ins->chain[i];
	return NULL;
}

/* The certificates' part of the text; the status it gives, and the whole
 * days left of the first to expire in *days (floor; negative once expired),
 * *known false when the chain has no readable expiry. */
static enum nagios_status cert_part(struct strbuf *sb, const struct inspection *ins,
				    const struct nagios_opts *o, time_t now,
				    long long *days, bool *known)
{
	const struct cert_facts *c = first_to_expire(ins), *early = not_yet_valid(ins, now);
	char when[32];
	*known = c != NULL;
	if (!c) {
		sb_adds(sb, ins->nchain ? "No certificate of the chain has a readable expiry date." :
					  "No certificate was received from the server.");
		return NAGIOS_CRITICAL;
	}
	double left = difftime(c->not_after, now);
	*days = (long long)floor(left / DAY);
	report_iso_time(c->not_after, when, sizeof(when));
	sb_adds(sb, "Certificate ");
	add_text(sb, c->subject ? c->subject : "(no subject)", true);
	long long n = left <= 0 ? (long long)floor(-left / DAY) : *days;
	sb_addf(sb, left <= 0 ? " expired %lld day%s ago (%s)." : " expires in %lld day%s (%s).",
		n, n == 1 ? "" : "s", when);
	enum nagios_status st = left <= 0 || left < o->crit_days * DAY ? NAGIOS_CRITICAL :
				left < o->warn_days * DAY		  ? NAGIOS_WARNING :
									    NAGIOS_OK;
	if (early) {
		report_iso_time(early->not_before, when, sizeof(when));
		sb_adds(sb, " Certificate ");
		add_text(sb, early->subject ? early->subject : "(no subject)", true);
		sb_addf(sb, " is not valid before %s.", when);
		st = NAGIOS_CRITICAL;
	}
	return st;
}

/* The probes' duration: the last event of any host, in seconds. */
static double duration(const struct report *r)
{
	double ms = 0;
	for (int h = 0; h <= r->nextra; h++) {
		const struct inspection *ins = h ? r->extra[h - 1] : r->ins;
		for (size_t i = 0; ins && i < ins->log.n; i++)
			if (ins->log.ev[i].t_ms > ms)
				ms = ins->log.ev[i].t_ms;
	}
	return ms / 1000.0;
}

enum nagios_status report_nagios_write(FILE *out, const struct report *r,
				       const struct nagios_opts *o, time_t now)
{
	const struct inspection *ins = r->ins;
	struct strbuf sb = STRBUF_INIT, cert = STRBUF_INIT;
	enum nagios_status st = NAGIOS_OK, cst = NAGIOS_OK;
	bool reached = ins->reachable != 0;
	for (int i = 0; i < r->nextra; i++)
		reached |= r->extra[i]->reachable != 0;
	int mode = o->mode >= 0 ? o->mode : sslmode_parse(ins->target.sslmode);
	if (mode < 0)
		mode = SSLMODE_PREFER;

	/* the mode's outcome, in the words of --check MODE */
	struct summary_line l;
	summary_line_build(ins, r->modes, r->findings, r->nfindings, r->provider,
			   (enum sslmode)mode, &l);
	add_text(&sb, l.text, true);
	if (ins->refused)
		st = NAGIOS_UNKNOWN; /* the check's configuration, not the service */
	else if (l.outcome == OUTCOME_FAILS)
		st = NAGIOS_CRITICAL;
	else if (l.outcome == OUTCOME_UNKNOWN)
		st = NAGIOS_UNKNOWN;
	summary_line_free(&l);

	/* the certificates: only a server that was reached sent any */
	long long days = 0;
	bool known = false;
	if (reached && !ins->refused)
		cst = cert_part(&cert, ins, o, now, &days, &known);
	/* the part that decides the status first */
	const char *parts[2] = { sb_str(&sb), sb_str(&cert) };
	bool cert_first = worse(st, cst) != st;
	st = worse(st, cst);

	int errors = 0, warnings = 0;
	for (int i = 0; i < r->nfindings; i++) {
		errors += r->findings[i].severity == SEV_ERROR;
		warnings += r->findings[i].severity == SEV_WARNING;
	}
	fprintf(out, "PGTLS %s - %s%s%s | ", nagios_status_name(st), parts[cert_first],
		*parts[!cert_first] ? " " : "", parts[!cert_first]);
	/* label=value[UOM];warn;crit;min;max; "20:" is the guidelines' range
	 * for "alert below 20" */
	if (known)
		fprintf(out, "days=%lld;%d:;%d:;; ", days, o->warn_days, o->crit_days);
	else
		fprintf(out, "days=U;%d:;%d:;; ", o->warn_days, o->crit_days);
	fprintf(out, "time=%.3fs;;;0; errors=%d;;;0; warnings=%d;;;0;\n", duration(r), errors,
		warnings);

	/* the long output: the errors' and warnings' titles */
	int listed = 0;
	for (int i = 0; i < r->nfindings && listed < TITLES_MAX; i++) {
		const struct finding *f = &r->findings[i];
		if (f->severity == SEV_INFO || !f->title)
			continue;
		sb_reset(&sb);
		add_text(&sb, f->title, true);
		fprintf(out, "%s: %s\n", severity_name(f->severity), sb_str(&sb));
		listed++;
	}
	sb_free(&sb);
	sb_free(&cert);
	return st;
}

enum nagios_status report_nagios_unknown(FILE *out, const char *msg)
{
	struct strbuf sb = STRBUF_INIT;
	add_text(&sb, msg ? msg : "error", false);
	fprintf(out, "PGTLS UNKNOWN - %s\n", sb_str(&sb));
	sb_free(&sb);
	return NAGIOS_UNKNOWN;
}
