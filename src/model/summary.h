/* SPDX-License-Identifier: MIT */
/* summary: the answer first. For the target's sslmode, and for
 * verify-full when that differs, one line each: the outcome, the root
 * cause and the fix, drawn from the verdicts and the findings (the
 * root-cause finding of the mode), naming the managed service when one is
 * recognised. Pure; the texts may quote server data: sinks escape. */
#ifndef PGI_SUMMARY_H
#define PGI_SUMMARY_H
#include "model/explain.h"
#include "model/provider.h"
#include "model/sslmode.h"

struct summary_line {
	enum sslmode mode;
	enum outcome outcome;
	char *cause; /* one line, heap; for a mode that connects, how */
	char *fix;   /* one line, heap, or NULL */
	char *text;  /* "verify-full fails: CAUSE. Fix: FIX." */
	const char *finding; /* the id of the root-cause finding, or NULL */
};

struct summary {
	struct summary_line mode;	/* the target's sslmode */
	struct summary_line verify_full; /* when the target's mode is another */
	bool has_verify_full;
	/* what the sinks show: the lines, one a mode ("\n" between), or one
	 * for both when they say the same ("prefer and verify-full fail: ...") */
	char *text;
};

/* The target's sslmode is ins->target.sslmode (prefer when unset). The
 * findings are in their sorted order (findings_sort); provider may be
 * NULL. modes NULL: no verdicts, the summary says so. */
void summary_build(const struct inspection *ins, const struct verdict *modes,
		   const struct finding *findings, int nfindings,
		   const struct provider_match *provider, struct summary *out);
void summary_free(struct summary *s);
/* One line, for any mode (--check MODE). */
void summary_line_build(const struct inspection *ins, const struct verdict *modes,
			const struct finding *findings, int nfindings,
			const struct provider_match *provider, enum sslmode m,
			struct summary_line *out);
void summary_line_free(struct summary_line *l);

/* "connects", "connects in plaintext", "fails", "cannot be told" */
const char *summary_outcome_words(enum outcome o);

#endif
