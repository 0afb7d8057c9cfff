/* SPDX-License-Identifier: MIT */
/* conninfo_env.h: what the conninfo unit tests share: HOME at a fresh
 * directory under /tmp, an environment without the caller's PG* variables
 * (the tool reads them as libpq does), and the warnings of a conninfo. */
#ifndef PGI_CONNINFO_ENV_H
#define PGI_CONNINFO_ENV_H
#include "engine/conninfo.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char home[64];

/* No PG* variable leaks in from the caller's environment. */
static void reset_env(void)
{
	for (int i = 0; conninfo_keyword(i); i++) {
		const char *e = conninfo_envvar(conninfo_keyword(i));

		if (e)
			unsetenv(e);
	}
	unsetenv("PGREQUIRESSL");
	unsetenv("PGSERVICEFILE");
	/* no system service file leaks in either */
	setenv("PGSYSCONFDIR", "/nonexistent", 1);
	setenv("HOME", home, 1);
}

/* home: a fresh /tmp/pgti-NAME-XXXXXX, and the environment reset; 0, or
 * -1 after a message. */
static int make_home(const char *name)
{
	char tmpl[48];

	snprintf(tmpl, sizeof(tmpl), "/tmp/pgti-%s-XXXXXX", name);
	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(home, sizeof(home), "%s", tmpl);
	reset_env();
	return 0;
}

static bool has_warning(const struct conninfo *ci, const char *text)
{
	for (int i = 0; i < ci->nwarnings; i++)
		if (strcmp(ci->warnings[i], text) == 0)
			return true;
	return false;
}

#include "check.h"

/* Parse and resolve TARGET into a fresh ci and t; the caller frees both
 * (done). */
static void resolve_ok(const char *target, struct conninfo *ci, struct conn_target *t)
{
	char *err = NULL;

	conninfo_init(ci);
	CHECK_INT(conninfo_parse_target(ci, target, &err), 0);
	CHECK_STR(err, NULL);
	free(err);
	err = NULL;
	CHECK_INT(conninfo_resolve(ci, t, &err), 0);
	CHECK_STR(err, NULL);
	free(err);
}

static void done(struct conninfo *ci, struct conn_target *t)
{
	conninfo_target_free(t);
	conninfo_free(ci);
}

#endif
