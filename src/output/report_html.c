/* SPDX-License-Identifier: MIT */
/* report_html: one self-contained page for a ticket or a colleague without
 * the tool: the answer and the fix first, the verdicts, the ladder and the
 * chain (inline SVG from report_svg), then in collapsible sections
 * (<details>) the findings, each mode's path, the other client stacks, the
 * trust facts and the raw events in hex. Inline CSS; no script, no link,
 * nothing fetched. Every piece of text goes through report_markup, the
 * markup sinks' one escape; nothing else writes text into the page. The
 * page is also well-formed XML (void elements closed), which the tests
 * check with xmllint. */
#include "config.h"
#include "output/report.h"
#include "model/summary.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

/* A raw event's bytes shown in hex up to this; --json has every byte. */
#define HEX_LIMIT 4096

static const char style[] =
	"body{font-family:sans-serif;margin:1.5em auto;max-width:1400px;padding:0 1em;"
	"color:#111;line-height:1.4}\n"
	"h1{font-size:1.5em;margin:0}h2{font-size:1.2em;margin:1.4em 0 .4em;border-bottom:"
	"1px solid #ccc}\n"
	".meta{color:#555}.answer{font-size:1.15em;font-weight:bold;margin:.3em 0}\n"
	".fix{background:#eef6ff;border-left:5px solid #1565c0;padding:.5em .8em}\n"
	".encrypted{color:#2e7d32}.plaintext{color:#a35f00}.fails{color:#c62828}"
	".unknown{color:#666}\n"
	"table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ccc;"
	"padding:.25em .5em;text-align:left;vertical-align:top}\n"
	"th{background:#f3f3f3}code,pre,.mono{font-family:monospace}\n"
	"pre{background:#f7f7f7;padding:.5em;overflow-x:auto;margin:.3em 0}\n"
	"details{margin:.3em 0}summary{cursor:pointer}\n"
	"details.event summary{font-family:monospace;white-space:pre-wrap}\n"
	".sev-error{color:#c62828}.sev-warning{color:#a35f00}.sev-info{color:#1565c0}\n"
	"svg{max-width:100%;height:auto}\n"
	"footer{margin-top:2em;color:#555;font-size:.9em}\n";

/* Text into the page: the one way anything but markup is written. */
static void put(FILE *out, const char *s, enum markup_text how)
{
	struct strbuf sb = STRBUF_INIT;
	report_markup(&sb, s, how, 0);
	fputs(sb_str(&sb), out);
	sb_free(&sb);
}

/* libpq's message, escaped already by the model but for its newlines and
 * tabs: a line at a time (the first only when first), a tab as spaces. */
static void put_message(FILE *out, const char *msg, bool first)
{
	char *copy = xstrdup(msg);
	for (char *line = copy, *nl; line; line = nl ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')))
			*nl = '\0';
		struct strbuf sb = STRBUF_INIT;
		for (const char *p = line; *p; p++)
			if (*p == '\t')
				sb_adds(&sb, "    ");
			else
				sb_addc(&sb, *p);
		put(out, sb_str(&sb), MARKUP_CLEAN);
		sb_free(&sb);
		if (first)
			break;
		if (nl)
			fputc('\n', out);
	}
	free(copy);
}

/* <tag class="cls">text</tag> */
static void elem(FILE *out, const char *tag, const char *cls, const char *s,
		 enum markup_text how)
{
	fprintf(out, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	put(out, s, how);
	fprintf(out, "</%s>\n", tag);
}

static void head(FILE *out, const struct report *r)
{
	const struct conn_target *t = &r->ins->target;
	const char *h = t->host && *t->host ? t->host : t->hostaddr ? t->hostaddr : "localhost";
	char *ep = xasprintf("pgtls-inspect: %s:%d", h, t->port);
	/* void elements closed with "/>": the page is well-formed XML too,
	 * so a test reads it with an XML parser */
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n",
	      out);
	elem(out, "title", NULL, ep, MARKUP_RAW);
	fprintf(out, "<style>\n%s</style>\n</head>\n<body>\n<header>\n", style);
	elem(out, "h1", NULL, ep, MARKUP_RAW);
	struct strbuf meta = STRBUF_INIT;
	if (r->ins->scenario)
		sb_addf(&meta, "Demo scenario %s. ", r->ins->scenario);
	sb_addf(&meta, "What libpq %d would do.", r->libpq_version);
	if (r->ins->started) {
		char when[32];
		report_iso_time(r->ins->started, when, sizeof(when));
		sb_addf(&meta, " Inspected %s.", when);
	}
	if (r->nlisted > 1)
		sb_addf(&meta, " The first host of a list of %d.", r->nlisted);
	elem(out, "p", "meta", sb_str(&meta), MARKUP_RAW);
	sb_free(&meta);
	if (r->ins->teaches && *r->ins->teaches)
		elem(out, "p", "meta", r->ins->teaches, MARKUP_RAW);
	fputs("</header>\n", out);
	free(ep);
}

/* The answer first: the summary's lines, then the fix on its own. */
static void answer(FILE *out, const struct report *r)
{
	struct summary sm;
	summary_build(r->ins, r->modes, r->findings, r->nfindings, r->provider, &sm);
	fputs("<section id=\"answer\">\n", out);
	char *cls = xasprintf("answer %s", outcome_name(sm.mode.outcome));
	for (char *line = sm.text, *nl; line; line = nl ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')))
			*nl = '\0';
		elem(out, "p", cls, line, MARKUP_DN);
	}
	free(cls);
	const char *fix = sm.mode.fix ? sm.mode.fix :
			  sm.has_verify_full ? sm.verify_full.fix : NULL;
	if (fix) {
		fputs("<p class=\"fix\"><strong>Fix:</strong> ", out);
		put(out, fix, MARKUP_DN);
		fputs("</p>\n", out);
	}
	fputs("</section>\n", out);
	summary_free(&sm);
}

static void verdict_table(FILE *out, const struct report *r)
{
	const char *mine = r->ins->target.sslmode ? r->ins->target.sslmode : "prefer";
	fputs("<section id=\"modes\">\n<h2>The six sslmodes</h2>\n<table>\n"
	      "<tr><th>sslmode</th><th>libpq</th><th>libpq says</th></tr>\n",
	      out);
	for (int m = 0; m < SSLMODE_COUNT; m++) {
		const struct verdict *v = &r->modes[m];
		const char *name = sslmode_name((enum sslmode)m);
		fprintf(out, "<tr id=\"mode-%s\"><td><strong>%s</strong>%s</td><td class=\"%s\">", name,
			name, strcmp(mine, name) ? "" : " (this target)", outcome_name(v->outcome));
		put(out, report_outcome_words(v->outcome), MARKUP_CLEAN);
		fputs("</td><td><code>", out);
		put_message(out, v->error ? v->error : "", true);
		fputs("</code></td></tr>\n", out);
	}
	fputs("</table>\n</section>\n", out);
}

static void picture(FILE *out, const struct report *r, const char *id, const char *title,
		    unsigned parts)
{
	fprintf(out, "<section id=\"%s\">\n", id);
	elem(out, "h2", NULL, title, MARKUP_CLEAN);
	struct svg_opts o = { 1, parts, true };
	report_svg_write(out, r, &o);
	fputs("</section>\n", out);
}

static void provider(FILE *out, const struct provider_match *p)
{
	fputs("<section id=\"provider\">\n<h2>Managed service</h2>\n", out);
	elem(out, "p", NULL, p->name, MARKUP_RAW);
	elem(out, "p", "meta", p->evidence, MARKUP_DN);
	const char *const advice[] = { p->ca_bundle, p->host_advice, p->advice };
	for (size_t i = 0; i < sizeof(advice) / sizeof(*advice); i++)
		if (advice[i])
			elem(out, "p", NULL, advice[i], MARKUP_RAW);
	fputs("</section>\n", out);
}

static void findings(FILE *out, const struct report *r)
{
	fprintf(out, "<section id=\"findings\">\n<h2>Findings (%d)</h2>\n", r->nfindings);
	for (int i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		const char *sev = severity_name(f->severity);
		fprintf(out, "<details class=\"finding\" id=\"finding-%s\"%s>\n<summary>"
			     "<span class=\"sev-%s\">[%s]</span> ",
			f->id, f->severity == SEV_ERROR ? " open=\"open\"" : "", sev, sev);
		put(out, f->title, MARKUP_RAW);
		fprintf(out, " <code>(%s)</code></summary>\n<p><strong>What:</strong> ", f->id);
		put(out, f->detail, MARKUP_DN);
		fputs("</p>\n<p><strong>Fix:</strong> ", out);
		put(out, f->fix, MARKUP_DN);
		fputs("</p>\n</details>\n", out);
	}
	fputs("</section>\n", out);
}

static void paths(FILE *out, const struct report *r)
{
	fputs("<section id=\"paths\">\n<h2>What libpq does, mode by mode</h2>\n", out);
	for (int m = 0; m < SSLMODE_COUNT; m++) {
		const struct verdict *v = &r->modes[m];
		fprintf(out, "<details class=\"path\" id=\"path-%s\">\n<summary><strong>sslmode=%s"
			     "</strong>: <span class=\"%s\">",
			sslmode_name((enum sslmode)m), sslmode_name((enum sslmode)m),
			outcome_name(v->outcome));
		put(out, report_outcome_words(v->outcome), MARKUP_CLEAN);
		fputs("</span></summary>\n<ol>\n", out);
		for (int i = 0; i < v->npath; i++)
			elem(out, "li", NULL, v->path[i], MARKUP_RAW);
		fputs("</ol>\n", out);
		if (v->error) {
			fputs("<p>libpq says:</p>\n<pre>", out);
			put_message(out, v->error, false);
			fputs("</pre>\n", out);
		}
		if (v->caveat) {
			fputs("<p><strong>Caveat:</strong> ", out);
			put(out, v->caveat, MARKUP_RAW);
			fputs("</p>\n", out);
		}
		fputs("</details>\n", out);
	}
	fputs("</section>\n", out);
}

static void clients(FILE *out, const struct report *r)
{
	fputs("<section id=\"clients\">\n<h2>Other client stacks</h2>\n<details>\n<summary>"
	      "Their own meaning of verify-ca and verify-full (",
	      out);
	fprintf(out, "%d rows)</summary>\n<table>\n<tr><th>client</th><th>setting</th>"
		     "<th>answers for</th><th>outcome</th><th>rule</th></tr>\n",
		r->nclients);
	for (int i = 0; i < r->nclients; i++) {
		const struct client_verdict *c = &r->clients[i];
		fputs("<tr><td>", out);
		put(out, c->client, MARKUP_CLEAN);
		fputs("</td><td><code>", out);
		put(out, c->mode, MARKUP_CLEAN);
		fputs("</code></td><td>", out);
		put(out, c->meaning, MARKUP_CLEAN);
		fprintf(out, "</td><td class=\"%s\">",
			c->outcome == CLIENT_ACCEPTS ? "encrypted" :
			c->outcome == CLIENT_REJECTS ? "fails" : "unknown");
		put(out, client_outcome_name(c->outcome), MARKUP_CLEAN);
		fputs("</td><td>", out);
		put(out, c->rule, MARKUP_RAW);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n</details>\n</section>\n", out);
}

/* A row of the trust table. */
static void fact(FILE *out, const char *label, const char *value, enum markup_text how)
{
	fputs("<tr><th>", out);
	put(out, label, MARKUP_CLEAN);
	fputs("</th><td>", out);
	put(out, value ? value : "-", how);
	fputs("</td></tr>\n", out);
}

static const char *tri(int v)
{
	return v < 0 ? "not checked" : v ? "yes" : "no";
}

static void trust(FILE *out, const struct inspection *ins)
{
	const struct trust_facts *tr = &ins->trust;
	fputs("<details id=\"trust\">\n<summary>Trust and TLS facts</summary>\n<table>\n", out);
	fact(out, "root file", tr->rootcert, MARKUP_RAW);
	fact(out, "root file source", rootcert_source_name(tr->source), MARKUP_CLEAN);
	fact(out, "chain verifies", tri(tr->chain_ok), MARKUP_CLEAN);
	if (tr->chain_error)
		fact(out, "chain error", tr->chain_error, MARKUP_RAW);
	if (tr->chain_subject)
		fact(out, "refused certificate", tr->chain_subject, MARKUP_DN);
	fact(out, "host name matches", tri(tr->name_ok), MARKUP_CLEAN);
	if (tr->name_error)
		fact(out, "name error", tr->name_error, MARKUP_RAW);
	fact(out, "TLS version", ins->tls.version, MARKUP_RAW);
	fact(out, "cipher suite", ins->tls.cipher, MARKUP_RAW);
	fact(out, "ALPN", ins->tls.alpn, MARKUP_RAW);
	if (ins->tls.error)
		fact(out, "handshake error", ins->tls.error, MARKUP_RAW);
	fputs("</table>\n</details>\n", out);
	if (ins->nchain) {
		fputs("<details id=\"certificates\">\n<summary>Every certificate</summary>\n<table>\n"
		      "<tr><th>#</th><th>subject</th><th>issuer</th><th>not after</th>"
		      "<th>key</th><th>SHA-256</th></tr>\n",
		      out);
		for (size_t i = 0; i < ins->nchain; i++) {
			const struct cert_facts *c = &ins->chain[i];
			char na[32] = "?";
			if (c->not_after != (time_t)-1)
				report_iso_time(c->not_after, na, sizeof(na));
			fprintf(out, "<tr><td>%zu</td><td class=\"mono\">", i);
			put(out, c->subject, MARKUP_DN);
			fputs("</td><td class=\"mono\">", out);
			put(out, c->issuer, MARKUP_DN);
			fputs("</td><td>", out);
			put(out, na, MARKUP_CLEAN);
			fputs("</td><td>", out);
			put(out, c->key, MARKUP_RAW);
			fputs("</td><td class=\"mono\">", out);
			put(out, c->sha256, MARKUP_RAW);
			fputs("</td></tr>\n", out);
		}
		fputs("</table>\n</details>\n", out);
	}
}

/* An event's bytes as the text report dumps them: offset, 16 bytes in hex,
 * the printable ones. */
static void hex(FILE *out, const uint8_t *p, size_t n)
{
	size_t shown = n > HEX_LIMIT ? HEX_LIMIT : n;
	struct strbuf sb = STRBUF_INIT;
	for (size_t off = 0; off < shown; off += 16) {
		sb_addf(&sb, "%04zx  ", off);
		for (size_t i = 0; i < 16; i++) {
			if (off + i < shown)
				sb_addf(&sb, "%02x ", p[off + i]);
			else
				sb_adds(&sb, "   ");
			if (i == 7)
				sb_addc(&sb, ' ');
		}
		sb_adds(&sb, " |");
		for (size_t i = 0; i < 16 && off + i < shown; i++) {
			uint8_t c = p[off + i];
			sb_addc(&sb, c >= 0x20 && c < 0x7f ? (char)c : '.');
		}
		sb_adds(&sb, "|\n");
	}
	if (shown < n)
		sb_addf(&sb, "... %zu more bytes (--json has them all)\n", n - shown);
	fputs("<pre>", out);
	put(out, sb_str(&sb), MARKUP_CLEAN);
	fputs("</pre>\n", out);
	sb_free(&sb);
}

static void events(FILE *out, const struct event_log *log)
{
	fprintf(out, "<section id=\"events\">\n<h2>Raw events</h2>\n<details>\n<summary>%zu events,"
		     " the bytes of each in hex</summary>\n",
		log->n);
	for (size_t i = 0; i < log->n; i++) {
		const struct event *e = &log->ev[i];
		char *line = xasprintf("%9.3f ms  %-6s %s %-22s %s", e->t_ms, e->probe,
				       e->dir == EV_SEND ? "->" : e->dir == EV_RECV ? "<-" : "..",
				       e->kind, e->summary);
		if (e->raw && e->rawlen) {
			fputs("<details class=\"event\">\n<summary>", out);
			put(out, line, MARKUP_CLEAN);
			fputs("</summary>\n", out);
			hex(out, e->raw, e->rawlen);
			fputs("</details>\n", out);
		} else {
			elem(out, "div", "event mono", line, MARKUP_CLEAN);
		}
		free(line);
	}
	fputs("</details>\n</section>\n", out);
}

int report_html_write(FILE *out, const struct report *r)
{
	head(out, r);
	fputs("<main>\n", out);
	answer(out, r);
	if (r->modes)
		verdict_table(out, r);
	picture(out, r, "sec-ladder", "The negotiation, message by message",
		SVG_VERDICTS | SVG_LADDER);
	picture(out, r, "sec-chain", "The certificate chain", SVG_CHAIN);
	trust(out, r->ins);
	if (r->provider && r->provider->id)
		provider(out, r->provider);
	if (r->nfindings)
		findings(out, r);
	if (r->modes)
		paths(out, r);
	if (r->nclients)
		clients(out, r);
	events(out, &r->ins->log);
	fputs("</main>\n<footer>\n", out);
	char *by = xasprintf("Written by pgtls-inspect %s. This page is self-contained: no script,"
			     " nothing fetched.",
			     r->ins->tool_version ? r->ins->tool_version : PACKAGE_VERSION);
	elem(out, "p", NULL, by, MARKUP_RAW);
	free(by);
	fputs("</footer>\n</body>\n</html>\n", out);
	return ferror(out) ? -1 : 0;
}
