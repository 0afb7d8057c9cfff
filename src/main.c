/* SPDX-License-Identifier: MIT */
/* main: options, the choice of mode (probe or replay) and of sink (text
 * report or JSON), exit codes. The only place besides the TUI that prints
 * to the terminal or exits. */
#include "config.h"
#include "engine/conninfo.h"
#include "engine/inspection.h"
#include "engine/probe.h"
#include "model/diagnosis.h"
#include "model/sslmode.h"
#include "demo/demo.h"
#include "tui/tui.h"
#include "fleet.h"
#include "output/report.h"
#include "util/sanitize.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum exit_code {
	EXIT_DONE = 0,
	EXIT_CHECK_FAILS = 1,
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,
	EXIT_INTERNAL = 4,
};

enum sink { SINK_DEFAULT, SINK_TEXT, SINK_JSON };

/* a connection option given on the command line */
struct opt_set {
	const char *keyword, *value;
};

static void usage(FILE *out)
{
	fputs("Usage: pgtls-inspect [OPTIONS] [TARGET]\n"
	      "Show how a PostgreSQL client negotiates TLS with a server, byte by byte.\n"
	      "\n"
	      "TARGET is host, host:port, [ipv6]:port, a postgresql:// URI or a libpq\n"
	      "\"key=value ...\" string. libpq's PG* environment variables and defaults apply.\n"
	      "\n"
	      "Output:\n"
	      "  --report              write the text report (the default without a terminal)\n"
	      "  --json                write the JSON report\n"
	      "  --save-events FILE    also save the event log (JSON) to FILE\n"
	      "  --replay FILE         render a saved event log; no network\n"
	      "Connection (as libpq's keywords of the same name):\n"
	      "  --host HOST  --hostaddr ADDR  --port PORT  --user USER  --dbname DB\n"
	      "  --sslmode MODE  --sslrootcert FILE  --sslcert FILE  --sslkey FILE\n"
	      "  --timeout SECONDS     bound every network wait (libpq's connect_timeout;\n"
	      "                        default 10)\n"
	      "Verdicts:\n"
	      "  --libpq-version N     predict libpq N's behaviour: 15, 16, 17 or 18 (default 18)\n"
	      "  --step                in the interface: hold after each network event\n"
	      "  --check MODE          exit 0 when sslmode MODE would connect, 1 when it would fail\n"
	      "Demo (servers inside this process, on 127.0.0.1; no database needed):\n"
	      "  --demo [NAME]         inspect a built-in scenario (no NAME on a terminal: pick one)\n"
	      "  --demo list           list the scenarios and what each teaches\n"
	      "  --demo-serve NAME     keep a scenario's server running for psql or other clients\n"
	      "                        (--port N to choose the port, --trust to skip authentication)\n"
	      "Fleet (several TARGETs, or a list):\n"
	      "  --targets FILE        one target a line (- for standard input; # comments)\n"
	      "  --jobs N              inspect N at once (default 8); --json gives one JSON\n"
	      "                        object a line, else a summary table; --check MODE counts\n"
	      "                        the servers that pass\n"
	      "  --help  --version\n"
	      "\n"
	      "Exit status: 0 inspection done (with --check: MODE connects), 1 with --check:\n"
	      "MODE would fail, 2 usage or input error, 3 server not reachable, 4 internal\n"
	      "error.\n",
	      out);
}

static void die_usage(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
static void die_usage(const char *fmt, ...)
{
	va_list ap;
	fputs("pgtls-inspect: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

static int write_sink(enum sink sink, const struct report *r)
{
	int rc = sink == SINK_JSON ? report_json_write(stdout, r) :
				     report_text_write(stdout, r);
	if (fflush(stdout) != 0)
		rc = -1;
	return rc;
}

/* Write the event log to an already opened file. */
static int save_events(FILE *f, const char *path, const struct report *r)
{
	int rc = report_json_write(f, r);
	if (fclose(f) != 0 || rc < 0) {
		fprintf(stderr, "pgtls-inspect: could not write %s\n", path);
		return -1;
	}
	return 0;
}

/* --demo-serve NAME: keep the scenario's server up for other clients and
 * say how to reach it; ends on SIGINT or SIGTERM. */
static int serve_demo(const char *name, const char *target, int nsets,
		      const struct opt_set *sets, bool trust)
{
	int port = 0;
	char *conninfo = NULL, *teaches = NULL, *err = NULL;
	if (target)
		die_usage("--demo-serve takes one scenario name, not \"%s\" too", target);
	for (int i = 0; i < nsets; i++) {
		if (strcmp(sets[i].keyword, "port"))
			die_usage("with --demo-serve only --port and --trust apply, not --%s",
				  strcmp(sets[i].keyword, "connect_timeout") ? sets[i].keyword : "timeout");
		char *end;
		long v = strtol(sets[i].value, &end, 10);
		if (*sets[i].value == '\0' || *end || v < 0 || v > 65535)
			die_usage("invalid port number: \"%s\"", sets[i].value);
		port = (int)v;
	}
	if (demo_start(name, port, trust, &conninfo, &teaches, &err) < 0) {
		char *e = sanitize(err);
		fprintf(stderr, "pgtls-inspect: %s\n", e);
		free(e);
		free(err);
		return EXIT_USAGE;
	}
	printf("Serving demo scenario \"%s\" on 127.0.0.1 until interrupted (Ctrl-C).\n", name);
	printf("conninfo: %s\n", conninfo);
	printf("try:      psql \"%s\"\n", conninfo);
	printf("          pgtls-inspect \"%s\"\n", conninfo);
	fflush(stdout);
	for (;;)
		pause(); /* the signal handler cleans up and ends the process */
}

int main(int argc, char **argv)
{
	enum { O_JSON = 256, O_REPORT, O_HOST, O_HOSTADDR, O_PORT, O_USER,
	       O_DBNAME, O_SSLMODE, O_ROOTCERT, O_CERT, O_KEY, O_TIMEOUT,
	       O_SAVE, O_REPLAY, O_HELP, O_VERSION, O_LIBPQ, O_CHECK, O_DEMO,
	       O_DEMO_SERVE, O_TRUST, O_STEP, O_TARGETS, O_JOBS };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, O_JSON },
		{ "report", no_argument, NULL, O_REPORT },
		{ "host", required_argument, NULL, O_HOST },
		{ "hostaddr", required_argument, NULL, O_HOSTADDR },
		{ "port", required_argument, NULL, O_PORT },
		{ "user", required_argument, NULL, O_USER },
		{ "dbname", required_argument, NULL, O_DBNAME },
		{ "sslmode", required_argument, NULL, O_SSLMODE },
		{ "sslrootcert", required_argument, NULL, O_ROOTCERT },
		{ "sslcert", required_argument, NULL, O_CERT },
		{ "sslkey", required_argument, NULL, O_KEY },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "save-events", required_argument, NULL, O_SAVE },
		{ "replay", required_argument, NULL, O_REPLAY },
		{ "libpq-version", required_argument, NULL, O_LIBPQ },
		{ "check", required_argument, NULL, O_CHECK },
		{ "demo", no_argument, NULL, O_DEMO },
		{ "demo-serve", required_argument, NULL, O_DEMO_SERVE },
		{ "trust", no_argument, NULL, O_TRUST },
		{ "step", no_argument, NULL, O_STEP },
		{ "targets", required_argument, NULL, O_TARGETS },
		{ "jobs", required_argument, NULL, O_JOBS },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	/* option -> libpq keyword */
	static const char *const keyword_of[] = {
		[O_HOST - O_JSON] = "host",	   [O_HOSTADDR - O_JSON] = "hostaddr",
		[O_PORT - O_JSON] = "port",	   [O_USER - O_JSON] = "user",
		[O_DBNAME - O_JSON] = "dbname",	   [O_SSLMODE - O_JSON] = "sslmode",
		[O_ROOTCERT - O_JSON] = "sslrootcert", [O_CERT - O_JSON] = "sslcert",
		[O_KEY - O_JSON] = "sslkey",	   [O_TIMEOUT - O_JSON] = "connect_timeout",
	};
	struct opt_set sets[32];
	int nsets = 0;
	enum sink sink = SINK_DEFAULT;
	const char *save = NULL, *replay = NULL;
	int libpq_version = 0, check = -1;
	bool demo = false, trust = false, step = false;
	const char *targets_file = NULL;
	int jobs = 8;
	const char *demo_serve = NULL;
	int c;

	/* a peer that closes must be an event, never a SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_JSON:
		case O_REPORT:
			if (sink != SINK_DEFAULT)
				die_usage("%s", "give only one of --json and --report");
			sink = c == O_JSON ? SINK_JSON : SINK_TEXT;
			break;
		case O_SAVE:
			save = optarg;
			break;
		case O_REPLAY:
			replay = optarg;
			break;
		case O_LIBPQ: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || v < LIBPQ_VERSION_MIN ||
			    v > LIBPQ_VERSION_MAX)
				die_usage("--libpq-version wants 15, 16, 17 or 18, not \"%s\"",
					  optarg);
			libpq_version = (int)v;
			break;
		}
		case O_CHECK:
			check = sslmode_parse(optarg);
			if (check < 0)
				die_usage("--check wants an sslmode (disable, allow, prefer, require, verify-ca, verify-full), not \"%s\"",
					  optarg);
			break;
		case O_DEMO:
			demo = true;
			break;
		case O_DEMO_SERVE:
			demo_serve = optarg;
			break;
		case O_TRUST:
			trust = true;
			break;
		case O_STEP:
			step = true;
			break;
		case O_TARGETS:
			targets_file = optarg;
			break;
		case O_JOBS: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || v < 1 || v > 1024)
				die_usage("--jobs wants a number from 1 to 1024, not \"%s\"", optarg);
			jobs = (int)v;
			break;
		}
		case O_HELP:
			usage(stdout);
			return EXIT_DONE;
		case O_VERSION:
			printf("pgtls-inspect %s\n", PACKAGE_VERSION);
			return EXIT_DONE;
		case O_TIMEOUT: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || v <= 0 || v > 3600)
				die_usage("--timeout wants whole seconds from 1 to 3600, not \"%s\"",
					  optarg);
		}
			/* fall through */
		case O_HOST:
		case O_HOSTADDR:
		case O_PORT:
		case O_USER:
		case O_DBNAME:
		case O_SSLMODE:
		case O_ROOTCERT:
		case O_CERT:
		case O_KEY:
			if (nsets == (int)(sizeof(sets) / sizeof(*sets)))
				die_usage("%s", "too many options");
			sets[nsets].keyword = keyword_of[c - O_JSON];
			sets[nsets++].value = optarg;
			break;
		case '?':
		default: {
			const char *bad = argv[optind - 1];
			if (optopt > 0 && optopt < 256)
				die_usage("unknown option -%c (see --help)", optopt);
			if (optopt >= O_JSON && strchr(bad, '='))
				die_usage("option %s takes no value (see --help)", bad);
			if (optopt >= O_JSON)
				die_usage("option %s needs a value (see --help)", bad);
			die_usage("unknown option %s (see --help)", bad);
		}
		}
	}
	if (argc - optind > 1 || targets_file) {
		/* a fleet: several targets at once */
		if (replay || demo || demo_serve || save || step)
			die_usage("%s", "several targets go with neither --replay, --demo, --save-events nor --step");
		char **list = NULL;
		int n = 0;
		for (int i = optind; i < argc; i++)
			strlist_add(&list, &n, argv[i]);
		if (targets_file) {
			FILE *tf = strcmp(targets_file, "-") ? fopen(targets_file, "r") : stdin;
			if (!tf)
				die_usage("cannot read %s: %s", targets_file, strerror(errno));
			char line[4096];
			while (fgets(line, sizeof(line), tf)) {
				char *p = line + strspn(line, " \t");
				p[strcspn(p, "\r\n")] = '\0';
				if (*p && *p != '#')
					strlist_add(&list, &n, p);
			}
			if (tf != stdin)
				fclose(tf);
		}
		if (n == 0)
			die_usage("%s", "no target in the list");
		const char **kw = xcalloc((size_t)nsets + 1, sizeof(char *));
		const char **val = xcalloc((size_t)nsets + 1, sizeof(char *));
		for (int i = 0; i < nsets; i++) {
			kw[i] = sets[i].keyword;
			val[i] = sets[i].value;
		}
		struct fleet_opts fo = { list, n, kw, val, nsets, jobs, sink == SINK_JSON, check,
					 libpq_version ? libpq_version : LIBPQ_VERSION_DEFAULT };
		int rc = fleet_run(&fo);
		strlist_free(list);
		free(kw);
		free(val);
		return rc;
	}
	const char *target = optind < argc ? argv[optind] : NULL;
	char *demo_conninfo = NULL, *teaches = NULL, *demo_name = NULL;
	/* the interface opens on a terminal when no output was asked for
	 * (or under a test's key script) */
	const char *script = getenv("PGTLS_INSPECT_SCRIPT");
	bool tui = sink == SINK_DEFAULT && check < 0 && !save &&
		   ((script && *script) || (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)));
	if (step && !tui)
		die_usage("%s", "--step needs the interactive interface (a terminal, no --json or --report)");

	if (demo_serve)
		return serve_demo(demo_serve, target, nsets, sets, trust);
	if (trust)
		die_usage("%s", "--trust goes with --demo-serve");
	if (demo) {
		char *derr = NULL;
		if (replay || nsets)
			die_usage("%s", "--demo takes a scenario name, not --replay or connection options");
		if (target && !strcmp(target, "list")) {
			if (demo_list(stdout, &derr) < 0)
				die_usage("%s", derr);
			return EXIT_DONE;
		}
		if (!target) {
			if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
				die_usage("%s", "--demo needs a scenario name without a terminal (see --demo list)");
			if (demo_pick(&demo_name, &derr) < 0)
				die_usage("%s", derr);
			if (!demo_name)
				return EXIT_DONE;
			target = demo_name;
		}
		if (demo_start(target, 0, false, &demo_conninfo, &teaches, &derr) < 0) {
			char *e = sanitize(derr);
			fprintf(stderr, "pgtls-inspect: %s\n", e);
			free(e);
			free(derr);
			return EXIT_USAGE;
		}
		if (!demo_name)
			demo_name = xstrdup(target);
		target = demo_conninfo;
	}

	struct inspection ins;
	inspection_init(&ins);
	char *err = NULL;
	FILE *savef = NULL;

	if (replay) {
		if (target)
			die_usage("%s", "--replay takes no TARGET");
		for (int i = 0; i < nsets; i++) {
			const char *k = sets[i].keyword;
			if (strcmp(k, "host") && strcmp(k, "sslmode") &&
			    strcmp(k, "sslrootcert") && strcmp(k, "sslcert") &&
			    strcmp(k, "sslkey"))
				die_usage("with --replay only --host, --sslmode, --sslrootcert, --sslcert and --sslkey can change (a what-if), not --%s",
					  strcmp(k, "connect_timeout") ? k : "timeout");
			if (!strcmp(k, "sslmode") && sslmode_parse(sets[i].value) < 0)
				die_usage("invalid sslmode value: \"%s\"", sets[i].value);
		}
		if (save)
			die_usage("%s", "--replay and --save-events do not go together");
		int recorded = 0;
		if (report_json_load(replay, &ins, &recorded, &err) < 0) {
			char *e = sanitize(err);
			fprintf(stderr, "pgtls-inspect: %s\n", e);
			free(e);
			free(err);
			inspection_free(&ins);
			return EXIT_USAGE;
		}
		if (!libpq_version && recorded >= LIBPQ_VERSION_MIN &&
		    recorded <= LIBPQ_VERSION_MAX)
			libpq_version = recorded;
		for (int i = 0; i < nsets; i++)
			probe_what_if(&ins, sets[i].keyword, sets[i].value);
		if (tui) {
			struct tui_start ts = { .ins = &ins, .replayed = true,
						.libpq_version = libpq_version ? libpq_version :
										 LIBPQ_VERSION_DEFAULT,
						.script = script };
			return tui_run(&ts);
		}
	} else {
		struct conninfo ci;
		conninfo_init(&ci);
		if (target && conninfo_parse_target(&ci, target, &err) < 0)
			goto bad_input;
		for (int i = 0; i < nsets; i++)
			if (conninfo_set(&ci, sets[i].keyword, sets[i].value,
					 CI_SRC_OPTION, &err) < 0)
				goto bad_input;
		if (conninfo_resolve(&ci, &ins.target, &err) < 0)
			goto bad_input;
		for (int i = 0; i < ci.nwarnings; i++) {
			char *w = sanitize(ci.warnings[i]);
			fprintf(stderr, "pgtls-inspect: warning: %s\n", w);
			free(w);
		}
		conninfo_free(&ci);

		/* open the log file first: a bad path is an input error, found
		 * before any network traffic */
		if (save && !(savef = fopen(save, "w"))) {
			char *pth = sanitize(save);
			fprintf(stderr, "pgtls-inspect: cannot write %s: %s\n", pth,
				strerror(errno));
			free(pth);
			inspection_free(&ins);
			return EXIT_USAGE;
		}
		int secs = ins.target.probe_timeout; /* bounded by conninfo */
		if (tui) {
			if (demo_name) {
				ins.scenario = demo_name;
				ins.teaches = teaches;
			}
			struct tui_start ts = {
				.ins = &ins,
				.libpq_version = libpq_version ? libpq_version : LIBPQ_VERSION_DEFAULT,
				.step = step,
				.timeout_ms = secs * 1000,
				.direct = ins.target.sslnegotiation &&
					  !strcmp(ins.target.sslnegotiation, "direct"),
				.script = script,
			};
			int rc = tui_run(&ts);
			free(demo_conninfo);
			return rc;
		}
		struct probe_opts po = {
			.timeout_ms = secs * 1000,
			.tls = true,
			.plaintext = true,
			.direct = ins.target.sslnegotiation &&
				  !strcmp(ins.target.sslnegotiation, "direct"),
		};
		if (probe_run(&ins, &po, &err) < 0) {
			fprintf(stderr, "pgtls-inspect: internal error: %s\n", err);
			return EXIT_INTERNAL;
		}
		goto render;
bad_input:
		{
			char *e = sanitize(err);
			fprintf(stderr, "pgtls-inspect: %s\n", e);
			free(e);
			free(err);
			conninfo_free(&ci);
			inspection_free(&ins);
			return EXIT_USAGE;
		}
	}
render:;
	/* the verdicts: one pass of the model over the facts */
	if (!libpq_version)
		libpq_version = LIBPQ_VERSION_DEFAULT;
	struct verdict_opts vo;
	struct verdict modes[SSLMODE_COUNT];
	verdict_opts_from_target(&vo, &ins.target, libpq_version);
	sslmode_verdicts(&ins, &vo, modes);
	if (demo_name) {
		ins.scenario = demo_name;
		ins.teaches = teaches;
		demo_name = teaches = NULL;
	}
	struct diagnosis dg;
	diagnosis_run(&ins, modes, &vo, &dg);
	if (dg.warning)
		fprintf(stderr, "pgtls-inspect: warning: %s\n", dg.warning);
	struct report rep = { &ins, modes, libpq_version, dg.findings, dg.nfindings,
			      &dg.provider, dg.clients, dg.nclients };
	int code = ins.reachable == 0 ? EXIT_UNREACHABLE : EXIT_DONE;

	if (savef && save_events(savef, save, &rep) < 0)
		code = EXIT_INTERNAL;
	else if (write_sink(sink, &rep) < 0) {
		fprintf(stderr, "pgtls-inspect: could not write the report\n");
		code = EXIT_INTERNAL;
	} else if (check >= 0 && code == EXIT_DONE) {
		/* --check: does MODE connect? (unknown counts as not) */
		enum outcome o = modes[check].outcome;
		code = o == OUTCOME_ENCRYPTED || o == OUTCOME_PLAINTEXT ? EXIT_DONE :
									    EXIT_CHECK_FAILS;
	}
	diagnosis_free(&dg);
	for (int m = 0; m < SSLMODE_COUNT; m++)
		verdict_free(&modes[m]);
	inspection_free(&ins);
	free(demo_conninfo);
	free(demo_name);
	free(teaches);
	return code;
}
