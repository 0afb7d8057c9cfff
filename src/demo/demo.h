/* SPDX-License-Identifier: MIT */
/* demo: the built-in scenarios as a user meets them: list them, pick one,
 * start its server and hand back the connection string to inspect (or to
 * give psql with --demo-serve). Temporary files go when the process goes. */
#ifndef PGI_DEMO_H
#define PGI_DEMO_H
#include <stdbool.h>
#include <stdio.h>

/* Print "NAME  title" for every scenario. -1 with *err. */
int demo_list(FILE *out, char **err);

/* Ask on the terminal which scenario to run (readline). NULL when the user
 * gave none (EOF). -1 with *err when the scenarios cannot be read. */
int demo_pick(char **name, char **err);

/* Start scenario NAME's server on 127.0.0.1:port (0: any) and return the
 * libpq connection string that inspects it as the scenario intends (its
 * host name mapped to 127.0.0.1 with hostaddr, its root file). trust: see
 * demo_server_start. *teaches gets the scenario's lesson text. */
int demo_start(const char *name, int port, bool trust, char **conninfo,
	       char **teaches, char **err);

#endif
