/* SPDX-License-Identifier: MIT */
/* fleet: many targets at once, with bounded parallelism: one JSON object
 * per line, or a summary table, and a pass count for --check. */
#ifndef PGI_FLEET_H
#define PGI_FLEET_H
#include <stdbool.h>

struct fleet_opts {
	char **targets;          /* NULL-terminated */
	int ntargets;
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
 * reachable). */
int fleet_run(const struct fleet_opts *o);

#endif
