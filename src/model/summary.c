/* SPDX-License-Identifier: MIT */
/* summary: one line per mode, from the verdicts and the findings. The
 * root cause of a mode that fails (or that ends in plaintext) is the first
 * finding, in the sorted order, that can explain a failure of that mode
 * (finding_explains); with none, libpq's own message. */
#include "config.h"
#include "model/summary.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const char *summary_outcome_words(enum outcome o)
{
	return o == OUTCOME_ENCRYPTED ? "connects" :
	       o == OUTCOME_PLAINTEXT ? "connects in plaintext" :
	       o == OUTCOME_FAILS     ? "fails" :
					"cannot be told";
}

/* What can make mode m fail (or, for prefer and allow, end in clear). */
static unsigned explainable(const struct inspection *ins, enum sslmode m)
{
	unsigned verify = ins->trust.rootcert_exists ? FIND_CHAIN : 0;
	switch (m) {
	case SSLMODE_DISABLE:
		return FIND_ANY | FIND_PLAIN;
	case SSLMODE_ALLOW:
	case SSLMODE_PREFER:
		return FIND_ANY | FIND_PLAIN | FIND_TLS | verify;
	case SSLMODE_REQUIRE:
		return FIND_ANY | FIND_TLS | verify;
	case SSLMODE_VERIFY_CA:
		return FIND_ANY | FIND_TLS | FIND_CHAIN;
	default:
		return FIND_ANY | FIND_TLS | FIND_CHAIN | FIND_NAME;
	}
}

/* The first sentence of a text, without its full stop. */
static char *first_sentence(const char *s)
{
	const char *end = s;
	while ((end = strchr(end, '.')) && end[1] && end[1] != ' ')
		end++;
	size_t n = end ? (size_t)(end - s) : strlen(s);
	char *t = xasprintf("%.*s", (int)n, s);
	/* "The server ..." reads on in lower case; "ErrorResponse" or "TLS"
	 * keep theirs (a capital later in the first word) */
	bool name = false;
	for (const char *c = t + 1; *c && *c != ' '; c++)
		name |= isupper((unsigned char)*c) != 0;
	if (*t && !name)
		*t = (char)tolower((unsigned char)*t);
	return t;
}

/* libpq's message, its last line without the "connection to server at
 * ... failed: " that every line begins with. */
static char *libpq_words(const char *error)
{
	const char *line = strrchr(error, '\n');
	line = line ? line + 1 : error;
	const char *p = strstr(line, " failed: ");
	if (!strncmp(line, "connection to server", 20) && p)
		line = p + 9;
	size_t n = strlen(line);
	while (n && (line[n - 1] == '.' || line[n - 1] == ' '))
		n--;
	return xasprintf("libpq says \"%.*s\"", (int)n, line);
}

/* How a mode that connects encrypted connects. */
static char *how_encrypted(const struct inspection *ins, enum sslmode m)
{
	if (m == SSLMODE_VERIFY_FULL)
		return xstrdup("encrypted, the chain and the name verify");
	if (m == SSLMODE_VERIFY_CA)
		return xstrdup("encrypted, the chain verifies (the host name is not checked)");
	if (ins->trust.rootcert_exists && ins->trust.chain_ok == 1)
		return xstrdup("encrypted, the chain verifies because a root file exists (the "
			       "host name is not checked)");
	return xstrdup("encrypted, but who answers is not verified");
}

void summary_line_build(const struct inspection *ins, const struct verdict *modes,
			const struct finding *f, int nf, const struct provider_match *prov,
			enum sslmode m, struct summary_line *out)
{
	memset(out, 0, sizeof(*out));
	out->mode = m;
	out->outcome = modes ? modes[m].outcome : OUTCOME_UNKNOWN;
	if (out->outcome == OUTCOME_ENCRYPTED) {
		out->cause = how_encrypted(ins, m);
		if (m != SSLMODE_VERIFY_FULL)
			out->fix = xstrdup("sslmode=verify-full to check who answers");
	} else if (out->outcome == OUTCOME_UNKNOWN) {
		/* what the probes could not see, not a finding's cause */
		out->cause = xstrdup(modes && modes[m].caveat ? modes[m].caveat :
				     "the probes could not see what decides it");
	} else if (out->outcome == OUTCOME_PLAINTEXT && m == SSLMODE_DISABLE) {
		out->cause = xstrdup("sslmode=disable never tries TLS");
		out->fix = xstrdup("sslmode=verify-full");
	} else {
		unsigned can = out->outcome == OUTCOME_PLAINTEXT ? explainable(ins, m) & ~FIND_PLAIN :
								   explainable(ins, m);
		/* an error first; a warning (a missing root file) only when no
		 * error explains it */
		const struct finding *why = NULL;
		for (int pass = 0; pass < 2 && !why; pass++)
			for (int i = 0; i < nf && !why; i++)
				if ((pass || f[i].severity == SEV_ERROR) &&
				    (finding_explains(f[i].id) & can))
					why = &f[i];
		if (why) {
			out->finding = why->id;
			out->cause = why->cause ? xstrdup(why->cause) : first_sentence(why->title);
			out->fix = why->remedy ? xstrdup(why->remedy) : first_sentence(why->fix);
		} else if (out->outcome == OUTCOME_PLAINTEXT && m == SSLMODE_ALLOW) {
			out->cause = xstrdup("allow tries plaintext first and the server accepts it");
			out->fix = xstrdup("sslmode=verify-full");
		} else if (out->outcome == OUTCOME_PLAINTEXT) {
			out->cause = xstrdup("the TLS attempt fails and libpq falls back to plaintext");
			out->fix = xstrdup("sslmode=verify-full, and fix what the findings say");
		} else {
			out->cause = modes && modes[m].error ? libpq_words(modes[m].error) :
							       xstrdup("libpq fails");
			/* fe-connect.c refused the string before connecting */
			if (modes && (ins->refused || (modes[m].npath &&
			    !strncmp(modes[m].path[0], "refused while reading the options", 33))))
				out->fix = xstrdup("change the connection string as libpq's message "
						   "says: it refuses it before connecting");
			/* the server refuses this way in and takes another: the
			 * strongest mode that connects encrypted */
			for (int k = SSLMODE_VERIFY_FULL; modes && !out->fix && k >= SSLMODE_REQUIRE; k--)
				if (modes[k].outcome == OUTCOME_ENCRYPTED)
					out->fix = xasprintf("sslmode=%s, which connects encrypted",
							     sslmode_name((enum sslmode)k));
		}
	}
	if (out->outcome != OUTCOME_ENCRYPTED && prov && prov->id && prov->name) {
		char *c = xasprintf(strchr(prov->name, '(') ? "%s, on %s" : "%s (%s)", out->cause,
				    prov->name);
		free(out->cause);
		out->cause = c;
	}
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s %s: %s", sslmode_name(m), summary_outcome_words(out->outcome),
		out->cause);
	if (out->fix)
		sb_addf(&sb, ". Fix: %s.", out->fix);
	out->text = sb_detach(&sb);
}

void summary_build(const struct inspection *ins, const struct verdict *modes,
		   const struct finding *findings, int nfindings,
		   const struct provider_match *provider, struct summary *out)
{
	int m = ins->target.sslmode ? sslmode_parse(ins->target.sslmode) : SSLMODE_PREFER;
	if (m < 0)
		m = SSLMODE_PREFER;
	memset(out, 0, sizeof(*out));
	summary_line_build(ins, modes, findings, nfindings, provider, (enum sslmode)m, &out->mode);
	if (m != SSLMODE_VERIFY_FULL) {
		out->has_verify_full = true;
		summary_line_build(ins, modes, findings, nfindings, provider, SSLMODE_VERIFY_FULL,
			   &out->verify_full);
	}
	const struct summary_line *a = &out->mode, *b = &out->verify_full;
	if (!out->has_verify_full)
		out->text = xstrdup(a->text);
	else if (a->outcome == b->outcome && a->outcome == OUTCOME_FAILS &&
		 !strcmp(a->cause, b->cause) && (a->fix == NULL) == (b->fix == NULL) &&
		 (!a->fix || !strcmp(a->fix, b->fix)))
		out->text = xasprintf("%s and verify-full fail: %s%s%s%s", sslmode_name(a->mode),
				      a->cause, a->fix ? ". Fix: " : "", a->fix ? a->fix : "",
				      a->fix ? "." : "");
	else
		out->text = xasprintf("%s\n%s", a->text, b->text);
}

void summary_line_free(struct summary_line *l)
{
	free(l->cause);
	free(l->fix);
	free(l->text);
}

void summary_free(struct summary *s)
{
	summary_line_free(&s->mode);
	summary_line_free(&s->verify_full);
	free(s->text);
	memset(s, 0, sizeof(*s));
}
