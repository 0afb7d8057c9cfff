/* SPDX-License-Identifier: MIT */
/* fleet: many targets at once, with bounded parallelism: one JSON object
 * per line, or a summary table, and a pass count for --check. */
#ifndef PGI_FLEET_H
#define PGI_FLEET_H
#include <stdbool.h>
#include <stdio.h>

struct fleet_opts {
	char **targets;          /* the targets given as arguments */
	int ntargets;
	FILE *targets_file;      /* then one a line, read as the inspections
				  * go (NULL: none) */
	const char **keywords;   /* options applied to every target */
	const char **values;
	int nsets;
	int jobs;
	bool json;
	int check;               /* an enum sslmode, or -1 */
	int libpq_version;
	int login;               /* --login: PROBE_LOGIN_* */
};

/* Inspect every target; returns the exit code (0, 1 when --check finds a
 * failing server, 2 when a target could not be read, 3 when none was
 * reachable), or FLEET_NO_TARGET when the list held none (nothing was
 * written). */
#define FLEET_NO_TARGET (-1)
int fleet_run(const struct fleet_opts *o);

#endif
