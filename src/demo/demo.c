/* SPDX-License-Identifier: MIT */
/* demo: scenarios for workshops and tests. The servers run in this
 * process (server.c); this file owns the temporary directory that holds
 * the root certificate a scenario gives its client, and removes it at exit,
 * signals included. */
#include "config.h"
#include "demo/demo.h"
#include "demo/scenario.h"
#include "demo/server.h"
#include "util/xalloc.h"
#include <readline/readline.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

int demo_list(FILE *out, char **err)
{
	struct scenario_set set;
	if (scenarios_load(&set, err) < 0)
		return -1;
	int w = 0;
	for (int i = 0; i < set.n; i++)
		if ((int)strlen(set.sc[i].name) > w)
			w = (int)strlen(set.sc[i].name);
	for (int i = 0; i < set.n; i++)
		fprintf(out, "%-*s  %s\n", w, set.sc[i].name, set.sc[i].title);
	scenarios_free(&set);
	return 0;
}

int demo_pick(char **name, char **err)
{
	struct scenario_set set;
	*name = NULL;
	if (scenarios_load(&set, err) < 0)
		return -1;
	printf("Built-in scenarios (servers on 127.0.0.1, no database needed):\n\n");
	for (int i = 0; i < set.n; i++)
		printf("  %2d  %-26s %s\n", i + 1, set.sc[i].name, set.sc[i].title);
	printf("\n");
	for (;;) {
		char *line = readline("Scenario number or name (empty to quit): ");
		if (!line || !*line) {
			free(line);
			break;
		}
		char *end;
		long k = strtol(line, &end, 10);
		const struct scenario *sc = NULL;
		if (*end == '\0' && k >= 1 && k <= set.n)
			sc = &set.sc[k - 1];
		else
			sc = scenarios_find(&set, line);
		free(line);
		if (sc) {
			*name = xstrdup(sc->name);
			break;
		}
		printf("No such scenario.\n");
	}
	scenarios_free(&set);
	return 0;
}

/* the temporary directory, removed at exit */
static char tmpdir[64];
static char rootfile[128];
static char passfile[128];

static void cleanup(void)
{
	if (rootfile[0])
		unlink(rootfile);
	if (passfile[0])
		unlink(passfile);
	if (tmpdir[0])
		rmdir(tmpdir);
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int write_file(const char *path, const char *text, char **err)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		*err = xasprintf("cannot write %s", path);
		return -1;
	}
	return 0;
}

int demo_start(const char *name, int port, bool trust, char **conninfo,
	       char **teaches, char **err)
{
	/* the scenario set and certificates live as long as the server */
	static struct scenario_set set;
	static struct demo_pki pki;
	const struct scenario *sc;
	struct demo_server *srv;
	int bound;

	if (scenarios_load(&set, err) < 0)
		return -1;
	sc = scenarios_find(&set, name);
	if (!sc) {
		*err = xasprintf("no demo scenario \"%s\" (see --demo list)", name);
		return -1;
	}
	if (demo_pki_make(sc, &pki, err) < 0)
		return -1;
	strcpy(tmpdir, "/tmp/pgtls-demo-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		tmpdir[0] = '\0';
		*err = xstrdup("cannot make a temporary directory");
		return -1;
	}
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	snprintf(rootfile, sizeof(rootfile), "%s/root.crt", tmpdir);
	const char *root_pem = sc->rootcert == SC_ROOT_OTHER ? pki.other.pem :
			       sc->self_signed		   ? pki.leaf.pem :
							     pki.root.pem;
	if (sc->rootcert != SC_ROOT_NONE && write_file(rootfile, root_pem, err) < 0)
		return -1;
	/* the password a client of the demo has (the demo's SCRAM never
	 * checks it): in a password file of mode 0600, as libpq wants it */
	snprintf(passfile, sizeof(passfile), "%s/pgpass", tmpdir);
	if (write_file(passfile, "*:*:*:*:demo\n", err) < 0)
		return -1;
	if (chmod(passfile, 0600) < 0) {
		*err = xasprintf("cannot make %s private", passfile);
		return -1;
	}
	if (demo_server_start(sc, &pki, port, trust, &srv, &bound, err) < 0)
		return -1;
	/* no client certificate from the user's ~/.postgresql: a scenario
	 * is the same on every machine */
	*conninfo = xasprintf("host=%s hostaddr=127.0.0.1 port=%d user=postgres dbname=postgres "
			      "sslrootcert=%s sslcert=%s/none.crt sslkey=%s/none.key passfile=%s%s%s",
			      sc->host, bound, rootfile, tmpdir, tmpdir, passfile,
			      *sc->conninfo ? " " : "", sc->conninfo);
	*teaches = xstrdup(sc->teaches);
	return 0;
}
