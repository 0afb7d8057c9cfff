/* SPDX-License-Identifier: MIT */
/* report_nagios: the --nagios sink, the answer of a monitoring plugin as
 * the Monitoring Plugins Development Guidelines define it (what Nagios,
 * Icinga, Naemon and check_ssl_cert users read): one status line
 * "PGTLS STATUS - text | perfdata", the findings' titles after it (the
 * long output), and the status as the exit code. Pure: it writes to the
 * stream given and returns the status; the caller exits with it. */
#ifndef PGI_REPORT_NAGIOS_H
#define PGI_REPORT_NAGIOS_H
#include <stdio.h>
#include <time.h>
#include "output/report.h"

/* The plugin's exit codes. */
enum nagios_status {
	NAGIOS_OK = 0,
	NAGIOS_WARNING = 1,
	NAGIOS_CRITICAL = 2,
	NAGIOS_UNKNOWN = 3,
};

/* check_ssl_cert's defaults: warning under 20 days, critical under 15. */
#define NAGIOS_WARN_DAYS 20
#define NAGIOS_CRIT_DAYS 15
#define NAGIOS_DAYS_MAX 36500

struct nagios_opts {
	int warn_days, crit_days; /* -w, -c: fewer days left than these */
	int mode;                 /* --check MODE, or -1: the target's sslmode */
};

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *nagios_status_name(enum nagios_status s);
/* The judged report r at time now (the time the chain was judged at):
 * CRITICAL when no host could be reached, when the mode fails, when no
 * certificate was received, or when a certificate of the chain has
 * expired, is not valid yet or has fewer than crit_days left; WARNING
 * when one has fewer than warn_days left; UNKNOWN when libpq refuses the
 * connection string or the mode's outcome cannot be told. The worst wins
 * (CRITICAL, WARNING, UNKNOWN, OK, as the plugins' max_state_alt). */
enum nagios_status report_nagios_write(FILE *out, const struct report *r,
				       const struct nagios_opts *o, time_t now);
/* A problem of the check itself (a usage error, a connection string that
 * cannot be read, an internal error): "PGTLS UNKNOWN - msg", escaped. */
enum nagios_status report_nagios_unknown(FILE *out, const char *msg);

#endif
