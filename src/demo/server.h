/* SPDX-License-Identifier: MIT */
/* server: one demo scenario's PostgreSQL-speaking server, inside this
 * process, on 127.0.0.1: SSLRequest and its reply, TLS through GnuTLS,
 * direct TLS, and the answers PostgreSQL gives to a StartupMessage. A thread
 * accepts; a thread serves each connection; demo_server_stop ends them all
 * (else they end with the process). */
#ifndef PGI_DEMO_SERVER_H
#define PGI_DEMO_SERVER_H
#include <stdbool.h>
#include "demo/certgen.h"
#include "demo/scenario.h"

/* The certificates of a scenario. */
struct demo_pki {
	struct demo_cert root, inter, leaf, client_ca, other;
	bool have_inter, have_client_ca;
	struct demo_cert *chain; /* chain_length CAs, root first (hostile) */
	int nchain;
};

/* Make the certificates scenario sc describes. */
int demo_pki_make(const struct scenario *sc, struct demo_pki *pki, char **err);
void demo_pki_free(struct demo_pki *pki);

struct demo_server;

/* Listen on 127.0.0.1:port (0: the OS picks) and serve sc in the
 * background. trust: answer accepted startups with AuthenticationOk and
 * simple queries (so psql can connect); else with AuthenticationSASL as a
 * SCRAM server. *port_out is the bound port. */
int demo_server_start(const struct scenario *sc, const struct demo_pki *pki, int port,
		      bool trust, struct demo_server **out, int *port_out, char **err);

/* Stop listening, end the open connections, join every thread and free
 * the server (NULL: nothing). sc and pki may go after it returns. */
void demo_server_stop(struct demo_server *s);

#endif
