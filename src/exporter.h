/* SPDX-License-Identifier: MIT */
/* exporter: --exporter, a Prometheus exporter in the style of
 * blackbox_exporter: /probe?target=... inspects one listed target and
 * answers its metrics (output/report_prom.c); /metrics answers the
 * exporter's own. Only the targets and root files its configuration file
 * lists may be probed. */
#ifndef PGI_EXPORTER_H
#define PGI_EXPORTER_H

/* The port when --exporter gives none (not postgres_exporter's 9187). */
#define EXPORTER_DEFAULT_PORT 9865

struct exporter_opts {
	const char *listen;  /* [ADDR:]PORT, [v6]:PORT; NULL: 127.0.0.1 and the default port */
	const char *config;  /* --exporter-config FILE (required) */
	int libpq_version;
};

/* Serve until SIGINT or SIGTERM; the exit code (0, or 2 for a bad
 * configuration, address or port, with a one-line message). */
int exporter_run(const struct exporter_opts *o);

#endif
