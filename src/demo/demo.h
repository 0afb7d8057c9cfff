/* SPDX-License-Identifier: MIT */
/* demo: the built-in scenarios as a user meets them: list them, start one's
 * server and hand back the connection string to inspect (or to give psql
 * with --demo-serve), stop it. Temporary files go when the scenario stops
 * or the process goes. (The interface's menu is src/tui/view_demo.c.) */
#ifndef PGI_DEMO_H
#define PGI_DEMO_H
#include <stdbool.h>
#include <stdio.h>
#include "demo/scenario.h"

/* Print "NAME  group  title" for every scenario, group by group. -1
 * with *err. */
int demo_list(FILE *out, char **err);

/* Start scenario NAME's server on 127.0.0.1:port (0: any) and return the
 * libpq connection string that inspects it as the scenario intends (its
 * host name mapped to 127.0.0.1 with hostaddr, its root file). trust: see
 * demo_server_start. The scenario running before, if any, stops first:
 * one runs at a time. */
int demo_start(const char *name, int port, bool trust, char **conninfo, char **err);

/* The scenario running (its name, group, title, what it teaches), or
 * NULL; valid until it stops. */
const struct scenario *demo_current(void);

/* Stop the running scenario, if any: its server, threads and temporary
 * files. */
void demo_stop(void);

#endif
