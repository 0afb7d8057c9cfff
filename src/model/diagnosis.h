/* SPDX-License-Identifier: MIT */
/* diagnosis: everything drawn from the facts besides the verdicts, in one
 * call for the sinks: the managed service, the findings, the matrix of
 * other client stacks. */
#ifndef PGI_DIAGNOSIS_H
#define PGI_DIAGNOSIS_H
#include "model/clients.h"
#include "model/explain.h"
#include "model/provider.h"
#include "model/summary.h"

struct diagnosis {
	struct provider_match provider;
	struct finding *findings;
	int nfindings;
	struct client_verdict *clients;
	int nclients;
	char *warning; /* the provider patterns could not be read, or NULL */
	struct summary summary; /* the answer first, drawn from the above once */
};

void diagnosis_run(const struct inspection *ins, const struct verdict *modes,
		   const struct verdict_opts *o, struct diagnosis *d);
void diagnosis_free(struct diagnosis *d);

#endif
