/* SPDX-License-Identifier: MIT */
/* demo: scenarios for workshops and tests. The server runs in this
 * process (server.c), one scenario at a time; this file owns it and the
 * temporary directory that holds the root certificate a scenario gives
 * its client, and removes them when the scenario stops (another starts)
 * and at exit, signals included. */
#include "config.h"
#include "demo/demo.h"
#include "demo/scenario.h"
#include "demo/server.h"
#include "util/xalloc.h"
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
	int w = 0, gw = 0;
	for (int i = 0; i < set.n; i++) {
		if ((int)strlen(set.sc[i].name) > w)
			w = (int)strlen(set.sc[i].name);
		if ((int)strlen(set.sc[i].group) > gw)
			gw = (int)strlen(set.sc[i].group);
	}
	int *order = xcalloc((size_t)set.n + 1, sizeof(*order));
	scenarios_grouped(&set, order);
	for (int k = 0; k < set.n; k++) {
		const struct scenario *sc = &set.sc[order[k]];
		fprintf(out, "%-*s  %-*s  %s\n", w, sc->name, gw, sc->group, sc->title);
	}
	free(order);
	scenarios_free(&set);
	return 0;
}

/* the scenario running: its set, certificates and server */
static struct {
	struct scenario_set set;
	struct demo_pki pki;
	struct demo_server *srv;
	const struct scenario *sc; /* once its server runs */
	bool running;
} cur;

/* its temporary directory, removed when it stops and at exit */
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

const struct scenario *demo_current(void)
{
	return cur.running ? cur.sc : NULL;
}

void demo_stop(void)
{
	if (!cur.running)
		return;
	demo_server_stop(cur.srv);
	cur.srv = NULL;
	cur.sc = NULL;
	demo_pki_free(&cur.pki);
	scenarios_free(&cur.set);
	cleanup();
	rootfile[0] = passfile[0] = tmpdir[0] = '\0';
	cur.running = false;
}

/* Once: the files go at exit and on the signals that end us. */
static void clean_at_exit(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
}

static int start(const char *name, int port, bool trust, char **conninfo, char **err)
{
	struct scenario_set *set = &cur.set;
	struct demo_pki *pki = &cur.pki;
	const struct scenario *sc;
	int bound;

	if (scenarios_load(set, err) < 0)
		return -1;
	cur.running = true; /* from here demo_stop undoes what is done */
	sc = scenarios_find(set, name);
	if (!sc) {
		*err = xasprintf("no demo scenario \"%s\" (see --demo list)", name);
		return -1;
	}
	if (demo_pki_make(sc, pki, err) < 0)
		return -1;
	strcpy(tmpdir, "/tmp/pgtls-demo-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		tmpdir[0] = '\0';
		*err = xstrdup("cannot make a temporary directory");
		return -1;
	}
	clean_at_exit();
	snprintf(rootfile, sizeof(rootfile), "%s/root.crt", tmpdir);
	const char *root_pem = sc->rootcert == SC_ROOT_OTHER ? pki->other.pem :
			       sc->self_signed		   ? pki->leaf.pem :
							     pki->root.pem;
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
	if (demo_server_start(sc, pki, port, trust, &cur.srv, &bound, err) < 0)
		return -1;
	/* no client certificate from the user's ~/.postgresql: a scenario
	 * is the same on every machine */
	*conninfo = xasprintf("host=%s hostaddr=127.0.0.1 port=%d user=postgres dbname=postgres "
			      "sslrootcert=%s sslcert=%s/none.crt sslkey=%s/none.key passfile=%s%s%s",
			      sc->host, bound, rootfile, tmpdir, tmpdir, passfile,
			      *sc->conninfo ? " " : "", sc->conninfo);
	cur.sc = sc;
	return 0;
}

int demo_start(const char *name, int port, bool trust, char **conninfo, char **err)
{
	demo_stop();
	if (start(name, port, trust, conninfo, err) < 0) {
		demo_stop();
		return -1;
	}
	return 0;
}
