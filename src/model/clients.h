/* SPDX-License-Identifier: MIT */
/* clients: what other client stacks would accept for the observed chain
 * and host, each under its own meaning of verify-ca and verify-full.
 * Pure: reads only the inspection's facts (it may re-verify the chain
 * against the same root file through x509). */
#ifndef PGI_CLIENTS_H
#define PGI_CLIENTS_H
#include "engine/inspection.h"

enum client_outcome { CLIENT_ACCEPTS, CLIENT_REJECTS, CLIENT_UNKNOWN };

struct client_verdict {
	const char *client;  /* "libpq", "pgjdbc", "node-postgres", "pgx", "lib/pq", "rustls", "Npgsql", "asyncpg", "postgres.js", "pg8000" (static) */
	const char *mode;    /* the stack's own setting, e.g. "sslmode=verify-full", "ssl: {rejectUnauthorized: true}" (static) */
	const char *meaning; /* "verify-ca", "verify-full" or "require" (a mode that verifies nothing): the libpq mode the row answers for (static) */
	enum client_outcome outcome;
	char *rule;          /* the rule that decides, one line (heap; raw
			      * text, server text among it: sinks escape) */
};

/* The matrix for host (the name the client would check). *out is a heap
 * array of *n verdicts. */
void clients_evaluate(const struct inspection *ins, const char *host,
		      struct client_verdict **out, int *n);
void clients_free(struct client_verdict *v, int n);
const char *client_outcome_name(enum client_outcome o);

#endif
