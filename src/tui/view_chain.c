/* SPDX-License-Identifier: MIT */
/* view_chain: the pane of the certificate chain as the server sent it
 * (subject, issuer, the leaf's names, validity and key, a mark on the one
 * OpenSSL refused), whether it verifies against the root file and with
 * which CRLs and security level, and how verify-full compares the host
 * with the leaf's names. It draws the inspection's trust facts as they
 * are; it verifies nothing. */
#include "config.h"
#include "tui/tui_int.h"
#include "engine/x509.h"
#include "output/report.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include <stdio.h>
#include <stdlib.h>

/* The leaf's names, as verify-full would look at them, on one row; every
 * byte of each name, escaped (an embedded NUL as \x00). */
static void names_rows(const struct cert_facts *c, struct tui_rows *r, int w)
{
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, "    names: ");
	for (int i = 0; i < c->nsan_dns; i++) {
		char *t = cert_name_show(c->san_dns, c->san_dns_len, i);
		sb_addf(&sb, "DNS:%s ", t);
		free(t);
	}
	for (char **p = c->san_ip; p && *p; p++) {
		char *t = sanitize(*p);
		sb_addf(&sb, "IP:%s ", t);
		free(t);
	}
	if (c->ncn) {
		char *t = cert_name_show(c->cn, c->cn_len, 0);
		sb_addf(&sb, "CN:%s", t);
		free(t);
	}
	rows_add(r, w, 1, A_NORMAL, sb_str(&sb));
	sb_free(&sb);
}

/* Certificate i of the chain, indented by its depth, marked when it is
 * the one OpenSSL refused. */
static void cert_rows(struct tui *t, const struct cert_facts *c, size_t i, bool refused,
		      struct tui_rows *r, int w)
{
	char buf[1024];
	char *subj = sanitize_dn(c->subject ? c->subject : "(subject unreadable)"),
	     *iss = sanitize_dn(c->issuer ? c->issuer : "(unreadable)");
	snprintf(buf, sizeof(buf), "%*s%s[%zu] %s%s%s", (int)(2 * i), "",
		 i ? (t->utf8 ? "\u2514\u2500" : "`-") : "", i,
		 refused ? (t->utf8 ? "\u2718 " : "X ") : "", subj, c->ca == 1 ? " (CA)" : "");
	rows_add(r, w, 1,
		 (i == 0 ? A_BOLD : A_NORMAL) |
			 (refused ? tui_outcome_attr(t, OUTCOME_FAILS) : A_NORMAL),
		 buf);
	snprintf(buf, sizeof(buf), "%*s    issuer %s", (int)(2 * i), "", iss);
	rows_add(r, w, 1, A_NORMAL, buf);
	free(subj);
	free(iss);
	if (c->parse_error) {
		char *pe = sanitize(c->parse_error);
		snprintf(buf, sizeof(buf), "%*s    %s (facts read by OpenSSL)", (int)(2 * i), "", pe);
		rows_add(r, w, 1, tui_outcome_attr(t, OUTCOME_FAILS), buf);
		free(pe);
	}
	if (i == 0)
		names_rows(c, r, w);
	char nb[32] = "unknown", na[32] = "unknown";
	if (c->not_before != (time_t)-1)
		report_iso_time(c->not_before, nb, sizeof(nb));
	if (c->not_after != (time_t)-1)
		report_iso_time(c->not_after, na, sizeof(na));
	snprintf(buf, sizeof(buf), "%*s    valid %.10s to %.10s, %s", (int)(2 * i), "", nb, na,
		 c->key ? c->key : "");
	rows_add(r, w, 1, A_NORMAL, buf);
}

/* The CRLs loaded with the root file and OpenSSL's security level, on one
 * row, when the inspection knows them (a log older than these facts does
 * not). */
static void trust_config(const struct trust_facts *tr, char *buf, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	if (tr->security_level >= 0)
		sb_addf(&sb, "security level %d", tr->security_level);
	const char *sep = sb.len ? "; " : "";
	if (tr->crl || tr->crldir) {
		sb_addf(&sb, "%sCRL %s", sep,
			tr->crl_checked > 0  ? "checked: " :
			tr->crl_checked == 0 ? "not loaded: " :
					       "");
		if (tr->crl)
			sb_adds(&sb, tr->crl);
		if (tr->crldir)
			sb_addf(&sb, "%sdir %s", tr->crl ? ", " : "", tr->crldir);
	} else if (tr->crl_checked >= 0) {
		sb_addf(&sb, "%sno CRL", sep);
	}
	char *clean = sanitize(sb_str(&sb));
	snprintf(buf, n, "%s%s", *clean ? "  " : "", clean);
	free(clean);
	sb_free(&sb);
}

/* Whether the chain verifies against the root file, which file that is,
 * with which CRLs and at which security level. */
static void trust_rows(struct tui *t, const struct trust_facts *tr, struct tui_rows *r, int w)
{
	char buf[1024];
	char *root = sanitize(tr->rootcert ? tr->rootcert : "none");
	snprintf(buf, sizeof(buf), "Trust: %s",
		 tr->chain_ok < 0 ? "not checked (no root file, or no chain)" :
		 tr->chain_ok	  ? "the chain verifies against the root file" :
				    "the chain does NOT verify against the root file");
	rows_add(r, w, 1, A_BOLD | (tr->chain_ok == 0 ? tui_outcome_attr(t, OUTCOME_FAILS) : A_NORMAL),
		 buf);
	snprintf(buf, sizeof(buf), "  root file (%s%s): %s", rootcert_source_name(tr->source),
		 tr->rootcert_exists ? "" : ", absent", root);
	free(root);
	rows_add(r, w, 1, A_NORMAL, buf);
	trust_config(tr, buf, sizeof(buf));
	if (*buf)
		rows_add(r, w, 1, A_NORMAL, buf);
	if (tr->chain_error) {
		char *ce = sanitize(tr->chain_error);
		rows_add(r, w, 3, A_NORMAL, ce);
		free(ce);
	}
}

/* How verify-full compares the host with the leaf's names, and what came
 * of it. */
static void host_check_rows(const struct inspection *ins, struct tui_rows *r, int w)
{
	const struct trust_facts *tr = &ins->trust;
	const char *host = ins->target.host;
	char buf[1024];
	char *hs = sanitize(host ? host : "(none)");
	char *ne = sanitize(tr->name_error ? tr->name_error : "");
	snprintf(buf, sizeof(buf), "verify-full compares host \"%s\" with the %s: %s%s%s", hs,
		 host && x509_host_is_ip(host) ?
			 "IP SANs and, as text, the DNS SANs (CN if no IP SAN)" :
			 "DNS SANs (CN if none)",
		 tr->name_ok < 0 ? "not checked" : tr->name_ok ? "match" : "no match",
		 tr->name_ok == 0 ? " - " : "", ne);
	rows_add(r, w, 1, A_NORMAL, buf);
	free(hs);
	free(ne);
}

void view_chain_rows(struct tui *t, struct tui_rows *r, int w)
{
	const struct inspection *ins = tui_ins(t);
	rows_add(r, w, 0, A_BOLD, " Certificate chain, as the server sent it");
	if (ins->nchain == 0)
		rows_add(r, w, 1, A_NORMAL, "no certificate was received");
	for (size_t i = 0; i < ins->nchain; i++)
		cert_rows(t, &ins->chain[i], i, ins->trust.chain_depth == (int)i, r, w);
	trust_rows(t, &ins->trust, r, w);
	host_check_rows(ins, r, w);
}
