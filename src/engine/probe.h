/* SPDX-License-Identifier: MIT */
/* probe: the probes of one inspection, run side by side in one poll() loop
 * with every wait bounded: the TLS probe (SSLRequest, reply, handshake,
 * StartupMessage over TLS) and the plaintext probe (StartupMessage in
 * clear). Failures of the inspected server are recorded as events and facts;
 * only the tool's own failures return an error. No curses, no printing. */
#ifndef PGI_PROBE_H
#define PGI_PROBE_H
#include "engine/inspection.h"

struct probe_opts {
	int timeout_ms;   /* for everything, each probe; > 0 */
	bool tls;         /* run the TLS probe */
	bool plaintext;   /* run the plaintext probe */
	bool direct;      /* run the direct-TLS probe (sslnegotiation=direct) */
};

/* Run the probes for ins->target and fill ins. Returns 0 (even when the
 * server could not be reached: see ins->reachable), -1 with *err for a
 * failure of the tool itself. */
int probe_run(struct inspection *ins, const struct probe_opts *opts,
	      char **err);

/* A what-if on captured facts: change one option that needs no new
 * connection (host, sslmode, sslrootcert, sslcert, sslkey) and redo the
 * trust facts it affects (the chain against another root file, the name
 * against another host, other client files) offline. false when keyword
 * needs a new connection. */
bool probe_what_if(struct inspection *ins, const char *keyword, const char *value);

#endif
