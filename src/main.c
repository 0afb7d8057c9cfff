/* SPDX-License-Identifier: MIT */
/* main: options, the choice of mode (inspect, replay, demo, fleet, the
 * interface) and of sink (text report or JSON), exit codes. A dispatcher:
 * every mode inspects through the session module. The only place besides
 * the interface that prints to the terminal or exits. */
#include "config.h"
#include "app/session.h"
#include "model/sslmode.h"
#include "model/summary.h"
#include "demo/demo.h"
#include "engine/conninfo.h"
#include "engine/wire.h"
#include "tui/tui.h"
#include "fleet.h"
#include "exporter.h"
#include "output/report.h"
#include "output/report_nagios.h"
#include "util/sanitize.h"
#include "util/strlist.h"
#include "util/ufile.h"
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

enum sink { SINK_DEFAULT, SINK_TEXT, SINK_JSON, SINK_PROM };

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
	      "  --prometheus          write the metrics the exporter's /probe answers (for\n"
	      "                        node_exporter's textfile collector)\n"
	      "  --save-events FILE    also save the event log (JSON) to FILE\n"
	      "  --pcap FILE           also write every byte the probes sent and received as\n"
	      "                        pcapng, TLS secrets included (Wireshark decrypts it)\n"
	      "  --replay FILE         render a saved event log (16 MiB at most); no network\n"
	      "  --svg FILE            also draw the negotiation as an SVG ladder diagram\n"
	      "  --svg-scale N         the SVG's type, spacing and lines times N (1 to 4)\n"
	      "  --html FILE           also write a self-contained HTML page (no script)\n"
	      "Connection (as libpq's keywords of the same name):\n"
	      "  --host HOST  --hostaddr ADDR  --port PORT  --user USER  --dbname DB\n"
	      "  --sslmode MODE  --sslrootcert FILE  --sslcert FILE  --sslkey FILE\n"
	      "  --sslcrl FILE  --sslcrldir DIR\n"
	      "  --timeout SECONDS     bound every network wait (libpq's connect_timeout;\n"
	      "                        default 10)\n"
	      "  --login[=any]         answer the server's password request as libpq would\n"
	      "                        (SCRAM, md5; a cleartext password only over TLS, or\n"
	      "                        also without with =any), with PGPASSWORD, only on a\n"
	      "                        connection libpq would send it on; off by default\n"
	      "Verdicts:\n"
	      "  --libpq-version N     predict libpq N's behaviour: 15, 16, 17 or 18 (default 18)\n"
	      "  --at TIME|now         judge the chain at TIME (UTC, 2027-03-01T12:00:00Z or a\n"
	      "                        date); a replay is judged at its recorded time otherwise\n"
	      "  --step                in the interface: hold after each network event\n"
	      "  --check MODE          one line, MODE's outcome, cause and fix; exit 0 when MODE\n"
	      "                        would connect, 1 when it would fail\n"
	      "Monitoring (a Nagios/Icinga plugin, as check_ssl_cert):\n"
	      "  --nagios              one status line with performance data; exit 0 OK,\n"
	      "                        1 WARNING, 2 CRITICAL (the mode fails, unreachable, no\n"
	      "                        certificate, expiry under -c), 3 UNKNOWN (usage)\n"
	      "  -w, --warning DAYS    WARNING when a certificate of the chain has fewer days\n"
	      "                        left (default 20)\n"
	      "  -c, --critical DAYS   CRITICAL under DAYS (default 15); --check MODE decides\n"
	      "                        which sslmode must connect (default: the target's)\n"
	      "Demo (servers inside this process, on 127.0.0.1; no database needed):\n"
	      "  --demo [NAME]         inspect a built-in scenario (no NAME on a terminal: a menu)\n"
	      "  --demo list           list the scenarios and what each teaches\n"
	      "  --demo-serve NAME     keep a scenario's server running for psql or other clients\n"
	      "                        (--port N to choose the port, --trust to skip authentication)\n"
	      "Fleet (several TARGETs, or a list):\n"
	      "  --targets FILE        one target a line (- for standard input; # comments),\n"
	      "                        read as the inspections go; lines up to 64 KiB\n"
	      "  --jobs N              inspect N at once (default 8; fewer if ulimit -n is\n"
	      "                        too low for N); --json gives one JSON object a line,\n"
	      "                        else a summary table; --check MODE counts\n"
	      "                        the servers that pass\n"
	      "Prometheus exporter (blackbox_exporter's style):\n"
	      "  --exporter [[ADDR:]PORT]  serve /probe?target=... and /metrics on ADDR:PORT\n"
	      "                        (default 127.0.0.1:9865) until interrupted\n"
	      "  --exporter-config FILE  the targets (target HOST:PORT, target-pattern GLOB)\n"
	      "                        and root files (rootcert FILE) it may probe; required\n"
	      "  --help  --version\n"
	      "\n"
	      "Exit status: 0 inspection done (with --check: MODE connects), 1 with --check:\n"
	      "MODE would fail, 2 usage or input error, 3 server not reachable, 4 internal\n"
	      "error. With --nagios: the plugin's 0 to 3 above.\n",
	      out);
}

/* --nagios: errors are the plugin's UNKNOWN, on standard output */
static bool nagios_mode;

static void die_usage(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
static void die_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (nagios_mode) {
		char *m = xvasprintf(fmt, ap);
		va_end(ap);
		report_nagios_unknown(stdout, m);
		free(m);
		exit(NAGIOS_UNKNOWN);
	}
	fputs("pgtls-inspect: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

static int write_sink(enum sink sink, const struct report *r)
{
	int rc = sink == SINK_JSON ? report_json_write(stdout, r) :
		 sink == SINK_PROM ? report_prom_write(stdout, r, -1, time(NULL)) :
				     report_text_write(stdout, r);
	if (fflush(stdout) != 0)
		rc = -1;
	return rc;
}

/* --check MODE without --report or --json: MODE's summary line. */
static int write_check_line(const struct report *r, int mode)
{
	struct summary_line l;
	summary_line_build(r->ins, r->modes, r->findings, r->nfindings, r->provider,
			   (enum sslmode)mode, &l);
	char *t = sanitize_dn(l.text);
	printf("%s\n", t);
	free(t);
	summary_line_free(&l);
	return fflush(stdout) != 0 ? -1 : 0;
}

static int fail_with(char *err, int code);

/* Write the event log to an already opened file. */
static int save_events(FILE *f, const char *path, const struct report *r)
{
	int rc = report_json_write(f, r);
	if (fclose(f) != 0 || rc < 0) {
		fail_with(xasprintf("could not write %s", path), EXIT_INTERNAL);
		return -1;
	}
	return 0;
}

/* Open the files of --svg and --html (pics[0], pics[1]) before any
 * network traffic, as --save-events does: a bad path is an input error. */
static int open_pictures(const char *svg, const char *html, FILE *pics[2])
{
	const char *paths[2] = { svg, html };
	for (int i = 0; i < 2; i++) {
		if (!paths[i])
			continue;
		char *err = NULL;
		if (!(pics[i] = ufile_write(paths[i], 0666, &err))) {
			fail_with(err, EXIT_USAGE);
			return -1;
		}
	}
	return 0;
}

/* Write and close the files of --svg (at scale, 0 for 1) and --html. */
static int write_pictures(const char *svg, const char *html, int scale, FILE *pics[2],
			  const struct report *r)
{
	struct svg_opts so = { scale ? scale : 1, SVG_ALL, false };
	const char *paths[2] = { svg, html };
	int rc = 0;
	for (int i = 0; i < 2; i++) {
		if (!pics[i])
			continue;
		int w = i == 0 ? report_svg_write(pics[i], r, &so) : report_html_write(pics[i], r);
		if (fclose(pics[i]) != 0 || w < 0) {
			char *pth = sanitize(paths[i]);
			fprintf(stderr, "pgtls-inspect: could not write %s\n", pth);
			free(pth);
			rc = -1;
		}
		pics[i] = NULL;
	}
	return rc;
}

/* Write the capture to an already opened file. */
static int save_pcap(FILE *f, const char *path, const struct report *r)
{
	char *err = NULL;
	int rc = report_pcap_write(f, r, &err);
	if (fclose(f) != 0 && rc == 0) {
		rc = -1;
		err = xasprintf("could not write %s", path);
	}
	if (rc < 0) {
		char *e = sanitize(err);
		fprintf(stderr, "pgtls-inspect: %s\n", e);
		free(e);
		free(err);
	}
	return rc;
}

/* --demo-serve NAME: keep the scenario's server up for other clients and
 * say how to reach it; ends on SIGINT or SIGTERM. */
static int serve_demo(const char *name, const char *target, int nsets,
		      const struct opt_set *sets, bool trust)
{
	int port = 0;
	char *conninfo = NULL, *err = NULL;
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
	if (demo_start(name, port, trust, &conninfo, &err) < 0) {
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

/* Everything the command line asked for. */
struct options {
	struct opt_set sets[32]; /* connection options, in order */
	int nsets;
	enum sink sink;
	const char *save, *replay, *targets_file, *demo_serve;
	const char *svg, *html; /* --svg, --html: pictures to write */
	int svg_scale;
	const char *pcap; /* --pcap FILE */
	bool exporter; /* --exporter[=ADDR:PORT] */
	const char *exporter_listen, *exporter_config;
	const char *at; /* --at: judge the chain at this time */
	int libpq_version, check, jobs;
	int login; /* PROBE_LOGIN_* */
	int warn_days, crit_days; /* -w, -c; -1 not given */
	bool demo, trust, step, nagios;
	char **args; /* the TARGETs */
	int nargs;
};

enum { O_JSON = 256, O_REPORT, O_HOST, O_HOSTADDR, O_PORT, O_USER,
       O_DBNAME, O_SSLMODE, O_ROOTCERT, O_CERT, O_KEY, O_TIMEOUT,
       O_SAVE, O_REPLAY, O_HELP, O_VERSION, O_LIBPQ, O_CHECK, O_DEMO,
       O_DEMO_SERVE, O_TRUST, O_STEP, O_TARGETS, O_JOBS, O_CRL, O_CRLDIR, O_AT,
       O_LOGIN, O_SVG, O_SVG_SCALE, O_HTML, O_PCAP, O_NAGIOS, O_EXPORTER, O_EXPORTER_CONFIG,
       O_PROM, O_KEYWORDS };

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
	{ "sslcrl", required_argument, NULL, O_CRL },
	{ "sslcrldir", required_argument, NULL, O_CRLDIR },
	{ "at", required_argument, NULL, O_AT },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "login", optional_argument, NULL, O_LOGIN },
	{ "save-events", required_argument, NULL, O_SAVE },
	{ "pcap", required_argument, NULL, O_PCAP },
	{ "replay", required_argument, NULL, O_REPLAY },
	{ "svg", required_argument, NULL, O_SVG },
	{ "svg-scale", required_argument, NULL, O_SVG_SCALE },
	{ "html", required_argument, NULL, O_HTML },
	{ "libpq-version", required_argument, NULL, O_LIBPQ },
	{ "check", required_argument, NULL, O_CHECK },
	{ "nagios", no_argument, NULL, O_NAGIOS },
	{ "warning", required_argument, NULL, 'w' },
	{ "critical", required_argument, NULL, 'c' },
	{ "demo", no_argument, NULL, O_DEMO },
	{ "demo-serve", required_argument, NULL, O_DEMO_SERVE },
	{ "trust", no_argument, NULL, O_TRUST },
	{ "step", no_argument, NULL, O_STEP },
	{ "targets", required_argument, NULL, O_TARGETS },
	{ "jobs", required_argument, NULL, O_JOBS },
	{ "exporter", optional_argument, NULL, O_EXPORTER },
	{ "prometheus", no_argument, NULL, O_PROM },
	{ "exporter-config", required_argument, NULL, O_EXPORTER_CONFIG },
	{ "help", no_argument, NULL, O_HELP },
	{ "version", no_argument, NULL, O_VERSION },
	/* hidden, for the shell's completion (completion/pgtls-inspect.bash):
	 * the connection keywords libpq 15 to 18 know, one a line */
	{ "keywords", no_argument, NULL, O_KEYWORDS },
	{ NULL, 0, NULL, 0 },
};

/* option -> libpq keyword */
static const char *const keyword_of[] = {
	[O_HOST - O_JSON] = "host",	   [O_HOSTADDR - O_JSON] = "hostaddr",
	[O_PORT - O_JSON] = "port",	   [O_USER - O_JSON] = "user",
	[O_DBNAME - O_JSON] = "dbname",	   [O_SSLMODE - O_JSON] = "sslmode",
	[O_ROOTCERT - O_JSON] = "sslrootcert", [O_CERT - O_JSON] = "sslcert",
	[O_KEY - O_JSON] = "sslkey",	   [O_TIMEOUT - O_JSON] = "connect_timeout",
	[O_CRL - O_JSON] = "sslcrl",	   [O_CRLDIR - O_JSON] = "sslcrldir",
};

/* A whole number from lo to hi, or -1. */
static long number_in(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	return *s == '\0' || *end || v < lo || v > hi ? -1 : v;
}

/* getopt found no valid option: say which and how. */
static void bad_option(char **argv)
{
	const char *bad = argv[optind - 1];
	if (optopt == 'w' || optopt == 'c')
		die_usage("option -%c needs a value (see --help)", optopt);
	if (optopt > 0 && optopt < 256)
		die_usage("unknown option -%c (see --help)", optopt);
	if (optopt >= O_JSON && strchr(bad, '='))
		die_usage("option %s takes no value (see --help)", bad);
	if (optopt >= O_JSON)
		die_usage("option %s needs a value (see --help)", bad);
	die_usage("unknown option %s (see --help)", bad);
}

/* One option; exits for --help, --version and bad values. */
static void take_option(struct options *o, int c, char **argv)
{
	switch (c) {
	case O_JSON:
	case O_REPORT:
	case O_PROM:
		if (o->sink != SINK_DEFAULT)
			die_usage("%s", "give only one of --json and --report (or --prometheus)");
		o->sink = c == O_JSON ? SINK_JSON : c == O_PROM ? SINK_PROM : SINK_TEXT;
		break;
	case O_SAVE: o->save = optarg; break;
	case O_PCAP: o->pcap = optarg; break;
	case O_EXPORTER: o->exporter = true, o->exporter_listen = optarg; break;
	case O_EXPORTER_CONFIG: o->exporter_config = optarg; break;
	case O_AT: o->at = optarg; break;
	case O_REPLAY: o->replay = optarg; break;
	case O_SVG: o->svg = optarg; break;
	case O_HTML: o->html = optarg; break;
	case O_SVG_SCALE:
		o->svg_scale = (int)number_in(optarg, 1, SVG_SCALE_MAX);
		if (o->svg_scale < 0)
			die_usage("--svg-scale wants a whole number from 1 to %d, not \"%s\"",
				  SVG_SCALE_MAX, optarg);
		break;
	case O_DEMO: o->demo = true; break;
	case O_DEMO_SERVE: o->demo_serve = optarg; break;
	case O_TRUST: o->trust = true; break;
	case O_STEP: o->step = true; break;
	case O_TARGETS: o->targets_file = optarg; break;
	case O_LOGIN:
		if (optarg && strcmp(optarg, "any"))
			die_usage("--login takes no value, or =any, not \"%s\"", optarg);
		o->login = optarg ? PROBE_LOGIN_ANY : PROBE_LOGIN_ON;
		break;
	case O_LIBPQ:
		o->libpq_version = (int)number_in(optarg, LIBPQ_VERSION_MIN, LIBPQ_VERSION_MAX);
		if (o->libpq_version < 0)
			die_usage("--libpq-version wants 15, 16, 17 or 18, not \"%s\"", optarg);
		break;
	case O_CHECK:
		o->check = sslmode_parse(optarg);
		if (o->check < 0)
			die_usage("--check wants an sslmode (disable, allow, prefer, require, verify-ca, verify-full), not \"%s\"",
				  optarg);
		break;
	case O_NAGIOS:
		o->nagios = nagios_mode = true;
		break;
	case 'w':
	case 'c': {
		int days = (int)number_in(optarg, 0, NAGIOS_DAYS_MAX);
		if (days < 0)
			die_usage("-%c wants whole days from 0 to %d, not \"%s\"", c,
				  NAGIOS_DAYS_MAX, optarg);
		*(c == 'w' ? &o->warn_days : &o->crit_days) = days;
		break;
	}
	case O_JOBS:
		o->jobs = (int)number_in(optarg, 1, 1024);
		if (o->jobs < 0)
			die_usage("--jobs wants a number from 1 to 1024, not \"%s\"", optarg);
		break;
	case O_HELP:
		usage(stdout);
		exit(EXIT_DONE);
	case O_VERSION:
		printf("pgtls-inspect %s\n", PACKAGE_VERSION);
		exit(EXIT_DONE);
	case O_KEYWORDS:
		for (int i = 0; conninfo_keyword(i); i++)
			printf("%s\n", conninfo_keyword(i));
		exit(EXIT_DONE);
	case O_TIMEOUT:
		if (number_in(optarg, 1, 3600) < 0)
			die_usage("--timeout wants whole seconds from 1 to 3600, not \"%s\"", optarg);
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
	case O_CRL:
	case O_CRLDIR:
		if (o->nsets == (int)(sizeof(o->sets) / sizeof(*o->sets)))
			die_usage("%s", "too many options");
		/* the tool's own option: a typo is a usage error (in the
		 * TARGET it is libpq's refusal, reported) */
		if (c == O_SSLMODE && sslmode_parse(optarg) < 0)
			die_usage("--sslmode wants disable, allow, prefer, require, verify-ca or verify-full, not \"%s\"",
				  optarg);
		o->sets[o->nsets].keyword = keyword_of[c - O_JSON];
		o->sets[o->nsets++].value = optarg;
		break;
	default:
		bad_option(argv);
	}
}

/* --nagios and its -w and -c: what goes with them, the defaults. */
static void nagios_options(struct options *o)
{
	if (!o->nagios && (o->warn_days >= 0 || o->crit_days >= 0))
		die_usage("%s", "-w and -c go with --nagios");
	if (!o->nagios)
		return;
	if (o->sink != SINK_DEFAULT || o->save || o->pcap || o->svg || o->html || o->step ||
	    o->demo_serve || o->nargs > 1 || o->targets_file)
		die_usage("%s", "--nagios checks one target and writes the plugin's answer alone: not with --json, --report, --save-events, --pcap, --svg, --html, --step, --demo-serve or several targets");
	if (o->warn_days < 0)
		o->warn_days = NAGIOS_WARN_DAYS;
	if (o->crit_days < 0)
		o->crit_days = NAGIOS_CRIT_DAYS;
	if (o->warn_days < o->crit_days)
		die_usage("-w %d is under -c %d: warning comes first, with more days left",
			  o->warn_days, o->crit_days);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	int c;
	memset(o, 0, sizeof(*o));
	o->check = -1;
	o->jobs = 8;
	o->warn_days = o->crit_days = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "w:c:", longopts, NULL)) != -1)
		take_option(o, c, argv);
	o->args = argv + optind;
	o->nargs = argc - optind;
	nagios_options(o);
}

/* The connection options as two parallel lists, for the session. */
static void option_lists(const struct options *o, const char ***kw, const char ***val)
{
	*kw = xcalloc((size_t)o->nsets + 1, sizeof(char *));
	*val = xcalloc((size_t)o->nsets + 1, sizeof(char *));
	for (int i = 0; i < o->nsets; i++) {
		(*kw)[i] = o->sets[i].keyword;
		(*val)[i] = o->sets[i].value;
	}
}

/* Several targets: the TARGETs given and the lines of --targets FILE. */
static int run_fleet(const struct options *o)
{
	if (o->sink == SINK_PROM)
		die_usage("%s", "--prometheus writes one target's metrics (several: --exporter)");
	if (o->replay || o->demo || o->demo_serve || o->save || o->step || o->svg || o->html ||
	    o->pcap)
		die_usage("%s", "several targets go with neither --replay, --demo, --save-events, --svg, --html, --pcap nor --step");
	FILE *tf = NULL;
	if (o->targets_file) {
		tf = strcmp(o->targets_file, "-") ? fopen(o->targets_file, "r") : stdin;
		if (!tf)
			die_usage("cannot read %s: %s", o->targets_file, strerror(errno));
	}
	const char **kw, **val;
	option_lists(o, &kw, &val);
	/* the file is read as the inspections go (fleet.c) */
	struct fleet_opts fo = { o->args, o->nargs, tf, kw, val, o->nsets, o->jobs,
				 o->sink == SINK_JSON, o->check,
				 o->libpq_version ? o->libpq_version : LIBPQ_VERSION_DEFAULT,
				 o->login };
	int rc = fleet_run(&fo);
	if (tf && tf != stdin)
		fclose(tf);
	if (rc == FLEET_NO_TARGET)
		die_usage("%s", "no target in the list");
	free(kw);
	free(val);
	return rc;
}

/* --exporter: serve until interrupted; the connection options of the
 * command line do not apply (each probe's come from its request). */
static int run_exporter(const struct options *o)
{
	if (!o->exporter)
		die_usage("%s", "--exporter-config goes with --exporter");
	/* --exporter [ADDR:]PORT as well as --exporter=[ADDR:]PORT */
	const char *listen = o->exporter_listen;
	int nargs = o->nargs;
	if (!listen && nargs == 1)
		listen = o->args[0], nargs = 0;
	if (nargs || o->targets_file || o->replay || o->demo || o->demo_serve || o->save ||
	    o->svg || o->html || o->pcap || o->step || o->check >= 0 || o->sink != SINK_DEFAULT ||
	    o->nsets || o->login || o->at)
		die_usage("%s", "--exporter takes only --exporter-config and --libpq-version: the targets and their options come from the requests");
	struct exporter_opts eo = { listen, o->exporter_config,
				    o->libpq_version ? o->libpq_version : LIBPQ_VERSION_DEFAULT };
	return exporter_run(&eo);
}

/* Print a tool error (sanitized: it may quote the input) and give code. */
static int fail_with(char *err, int code)
{
	if (nagios_mode) {
		report_nagios_unknown(stdout, err);
		free(err);
		return NAGIOS_UNKNOWN;
	}
	char *e = sanitize(err ? err : "error");
	fprintf(stderr, "pgtls-inspect: %s\n", e);
	free(e);
	free(err);
	return code;
}

/* --demo [NAME|list]: start the scenario's server in this process; *target
 * becomes its conninfo. Without NAME the interface opens on the demo's
 * menu (*target stays NULL). Returns -1 to go on, else an exit code. */
static int start_demo(const struct options *o, bool tui, const char **target,
		      char **conninfo, char **name, char **teaches)
{
	char *derr = NULL;
	if (o->replay || o->nsets)
		die_usage("%s", "--demo takes a scenario name, not --replay or connection options");
	/* the scenario servers ask for a password and check none */
	if (o->login)
		die_usage("%s", "--login needs a real server, not --demo");
	if (*target && !strcmp(*target, "list")) {
		if (demo_list(stdout, &derr) < 0)
			die_usage("%s", derr);
		return EXIT_DONE;
	}
	if (!*target) {
		if (!tui)
			die_usage("%s", "--demo needs a scenario name without the interface (a terminal, no --json, --report or --check; see --demo list)");
		return -1;
	}
	if (demo_start(*target, 0, false, conninfo, &derr) < 0)
		return fail_with(derr, EXIT_USAGE);
	*name = xstrdup(*target);
	*teaches = xstrdup(demo_current()->teaches);
	*target = *conninfo;
	return -1;
}

/* The options the captured facts answer (conninfo_target_what_if). */
static bool what_if_option(const char *k)
{
	static const char *const what_ifs[] = { "host", "sslmode", "sslrootcert", "sslcert",
						"sslkey", "sslcrl", "sslcrldir" };
	for (size_t i = 0; i < sizeof(what_ifs) / sizeof(*what_ifs); i++)
		if (!strcmp(k, what_ifs[i]))
			return true;
	return false;
}

/* --replay FILE: the saved facts, with what-ifs on top. */
static int load_replay(const struct options *o, const char *target, struct session *s)
{
	char *err = NULL;
	if (target)
		die_usage("%s", "--replay takes no TARGET");
	for (int i = 0; i < o->nsets; i++) {
		const char *k = o->sets[i].keyword;
		if (!what_if_option(k))
			die_usage("with --replay only --host, --sslmode, --sslrootcert, --sslcert, --sslkey, --sslcrl and --sslcrldir can change (a what-if), not --%s",
				  strcmp(k, "connect_timeout") ? k : "timeout");
		if (!strcmp(k, "sslmode") && sslmode_parse(o->sets[i].value) < 0)
			die_usage("invalid sslmode value: \"%s\"", o->sets[i].value);
	}
	if (o->save)
		die_usage("%s", "--replay and --save-events do not go together");
	if (o->pcap)
		die_usage("%s", "--pcap needs a live inspection: a saved event log does not carry the bytes on the wire");
	if (o->login)
		die_usage("%s", "--login needs a connection, not --replay");
	if (session_load(s, o->replay, &err) < 0)
		return fail_with(err, EXIT_USAGE);
	for (int i = 0; i < o->nsets; i++)
		if (session_set(s, o->sets[i].keyword, o->sets[i].value, &err) < 0)
			return fail_with(err, EXIT_USAGE);
	return -1;
}

/* The target with the options on top, as libpq would build it. */
static int load_target(const struct options *o, const char *target, struct session *s)
{
	const char **kw, **val;
	char *err = NULL;
	option_lists(o, &kw, &val);
	int rc = session_set_target(s, target, kw, val, o->nsets, &err);
	free(kw);
	free(val);
	if (rc < 0)
		return fail_with(err, EXIT_USAGE);
	for (int i = 0; i < s->nwarnings; i++) {
		char *w = sanitize(s->warnings[i]);
		fprintf(stderr, "pgtls-inspect: warning: %s\n", w);
		free(w);
	}
	return -1;
}

/* The report (and the saved log, the pictures and the capture) of an
 * inspected session; the exit code. */
static int render(struct session *s, const struct options *o, FILE *savef, FILE *pics[2],
		  FILE *pcapf)
{
	if (s->dg.warning)
		fprintf(stderr, "pgtls-inspect: warning: %s\n", s->dg.warning);
	struct report rep = session_report(s);
	if (o->nagios) {
		struct nagios_opts no = { o->warn_days, o->crit_days, o->check };
		enum nagios_status st = report_nagios_write(stdout, &rep, &no,
							    inspection_now(&s->ins));
		return fflush(stdout) != 0 ? NAGIOS_UNKNOWN : (int)st;
	}
	/* unreachable: no host of the list could be reached */
	bool reached = s->ins.reachable != 0;
	for (int i = 0; i < s->nextra; i++)
		reached |= s->extra[i].reachable != 0;
	int code = reached ? EXIT_DONE : EXIT_UNREACHABLE;
	/* a file that cannot be written is said on stderr and makes the exit
	 * status 4, but the report on stdout is still written */
	bool file_failed = false;
	if (savef && save_events(savef, o->save, &rep) < 0)
		file_failed = true;
	if (pcapf && save_pcap(pcapf, o->pcap, &rep) < 0)
		file_failed = true;
	if (write_pictures(o->svg, o->html, o->svg_scale, pics, &rep) < 0)
		file_failed = true;
	/* --svg or --html alone: the answer on stdout, the pictures in files */
	bool quiet = (o->svg || o->html) && o->sink == SINK_DEFAULT && o->check < 0;
	if (quiet ? (report_answer_write(stdout, &rep) < 0 || fflush(stdout) != 0) :
	    o->check >= 0 && o->sink == SINK_DEFAULT ? write_check_line(&rep, o->check) < 0 :
							 write_sink(o->sink, &rep) < 0) {
		fprintf(stderr, "pgtls-inspect: could not write the report\n");
		return EXIT_INTERNAL;
	}
	if (o->check >= 0 && code == EXIT_DONE) {
		/* --check: does MODE connect? (unknown counts as not) */
		enum outcome oc = s->modes[o->check].outcome;
		code = oc == OUTCOME_ENCRYPTED || oc == OUTCOME_PLAINTEXT ? EXIT_DONE :
									      EXIT_CHECK_FAILS;
	}
	return file_failed ? EXIT_INTERNAL : code;
}

/* Close the files opened for an output that will not be written. */
static void close_files(FILE *savef, FILE *pics[2], FILE *pcapf)
{
	if (savef)
		fclose(savef);
	for (int i = 0; pics && i < 2; i++)
		if (pics[i])
			fclose(pics[i]);
	if (pcapf)
		fclose(pcapf);
}

/* One target (or a replayed log, or a demo scenario): the interface, or a
 * report. */
static int run_one(const struct options *o, const char *target, bool tui,
		   const char *script, struct session *s)
{
	char *err = NULL;
	FILE *savef = NULL, *pics[2] = { NULL, NULL }, *pcapf = NULL;
	int rc;
	if (o->replay) {
		if ((rc = load_replay(o, target, s)) >= 0)
			return rc;
	} else {
		if ((rc = load_target(o, target, s)) >= 0)
			return rc;
		/* open the log file first: a bad path is an input error, found
		 * before any network traffic */
		if (o->save && !(savef = ufile_write(o->save, 0666, &err)))
			return fail_with(err, EXIT_USAGE);
		if (o->pcap && !(pcapf = report_pcap_open(o->pcap, &err))) {
			close_files(savef, NULL, NULL);
			return fail_with(err, EXIT_USAGE);
		}
		/* sslkeylogfile or SSLKEYLOGFILE: a file that cannot be written
		 * is one clear error, before any traffic (the run would only
		 * note it) */
		const char *kl = wire_keylog_file(s->ins.target.sslkeylogfile);
		int kfd = kl ? wire_keylog_file_open(kl, &err) : -1;
		if (kl && kfd < 0) {
			close_files(savef, NULL, pcapf);
			return fail_with(err, EXIT_USAGE);
		}
		if (kfd >= 0)
			close(kfd);
	}
	if (open_pictures(o->svg, o->html, pics) < 0) {
		close_files(savef, pics, pcapf);
		return EXIT_USAGE;
	}
	if (o->at && o->replay && session_set(s, "at", o->at, &err) < 0)
		return fail_with(err, EXIT_USAGE);
	if (tui) {
		if (o->at && !o->replay)
			die_usage("%s", "--at judges a finished inspection: give it with --replay, --report, --json or --check (in the interface: set at TIME)");
		struct tui_start ts = { .s = s, .step = o->step, .script = script,
					.demo = o->demo };
		if ((rc = tui_run(&ts)) != TUI_NO_TERMINAL)
			return rc;
		/* the text report instead: tui_run said why */
	}
	if (!o->replay && session_inspect(s, &err) < 0) {
		close_files(savef, pics, pcapf);
		if (o->nagios) {
			char *m = xasprintf("internal error: %s", err);
			free(err);
			return fail_with(m, NAGIOS_UNKNOWN);
		}
		fprintf(stderr, "pgtls-inspect: internal error: %s\n", err);
		free(err);
		return EXIT_INTERNAL;
	}
	if (o->at && !o->replay && session_set(s, "at", o->at, &err) < 0) {
		close_files(savef, pics, pcapf);
		return fail_with(err, EXIT_USAGE);
	}
	return render(s, o, savef, pics, pcapf);
}

int main(int argc, char **argv)
{
	struct options o;
	/* a peer that closes must be an event, never a SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	/* --nagios anywhere: even an error in the options before it is UNKNOWN */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		nagios_mode |= !strcmp(argv[i], "--nagios");
	parse_options(argc, argv, &o);
	if (o.exporter || o.exporter_config)
		return run_exporter(&o);
	if (o.nargs > 1 || o.targets_file)
		return run_fleet(&o);

	const char *target = o.nargs ? o.args[0] : NULL;
	/* the interface opens on a terminal when no output was asked for
	 * (or under a test's key script) */
	const char *script = getenv("PGTLS_INSPECT_SCRIPT");
	bool tui = o.sink == SINK_DEFAULT && o.check < 0 && !o.nagios && !o.save && !o.svg &&
		   !o.html && !o.pcap &&
		   ((script && *script) || (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)));
	if (o.step && !tui)
		die_usage("%s", "--step needs the interactive interface (a terminal, no --json or --report)");
	if (o.demo_serve && o.login)
		die_usage("%s", "--login goes with an inspection, not --demo-serve");
	if (o.demo_serve)
		return serve_demo(o.demo_serve, target, o.nsets, o.sets, o.trust);
	if (o.trust)
		die_usage("%s", "--trust goes with --demo-serve");
	if (o.svg_scale && !o.svg)
		die_usage("%s", "--svg-scale goes with --svg FILE");

	char *demo_conninfo = NULL, *demo_name = NULL, *teaches = NULL;
	int rc = -1;
	if (o.demo)
		rc = start_demo(&o, tui, &target, &demo_conninfo, &demo_name, &teaches);
	if (rc < 0) {
		struct session s;
		session_init(&s, o.libpq_version);
		session_set_login(&s, o.login);
		if (demo_name)
			session_set_scenario(&s, demo_name, teaches);
		if (o.demo && !target) {
			/* the demo's menu: the interface starts the scenarios */
			struct tui_start ts = { .s = &s, .step = o.step, .script = script,
						.demo = true, .demo_menu = true };
			rc = tui_run(&ts);
		} else {
			rc = run_one(&o, target, tui, script, &s);
		}
		session_free(&s);
	}
	free(demo_conninfo);
	free(demo_name);
	free(teaches);
	/* --nagios: any other end (an internal error) is the plugin's UNKNOWN */
	return o.nagios && rc > NAGIOS_UNKNOWN ? NAGIOS_UNKNOWN : rc;
}
