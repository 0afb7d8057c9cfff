/* SPDX-License-Identifier: MIT */
/* Unit tests for output/report_nagios, the --nagios sink: the status each
 * case gives (the certificates' days against -w and -c, the mode's
 * outcome, an unreachable server, no certificate, a refused connection
 * string; the worst wins) and the line's shape (one status line, one '|',
 * the performance data as the plugin guidelines write it, server text
 * escaped). The facts and the verdicts are built by hand, as in
 * test-explain.c. */
#include "config.h"
#include "engine/inspection.h"
#include "model/explain.h"
#include "model/sslmode.h"
#include "output/report_nagios.h"
#include "util/xalloc.h"
#include "check.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY 86400
#define NOW ((time_t)1800000000) /* 2027-01-15T08:00:00Z */

struct fixture {
	struct inspection ins;
	struct verdict modes[SSLMODE_COUNT];
	struct finding findings[3];
	int nfindings;
	struct report r;
};

static void add_cert(struct inspection *ins, const char *subject, time_t not_after)
{
	ins->chain = xrealloc(ins->chain, (ins->nchain + 1) * sizeof(*ins->chain));
	struct cert_facts *c = &ins->chain[ins->nchain++];
	memset(c, 0, sizeof(*c));
	c->subject = xstrdup(subject);
	c->issuer = xstrdup("CN=Example Root CA");
	c->not_before = NOW - 30 * DAY;
	c->not_after = not_after;
}

/* A server reached, a leaf with leaf_days left under a CA with ten
 * years, every mode connecting encrypted, target sslmode verify-full. */
static void setup(struct fixture *f, double leaf_days)
{
	memset(f, 0, sizeof(*f));
	inspection_init(&f->ins);
	f->ins.target.sslmode = xstrdup("verify-full");
	f->ins.reachable = 1;
	f->ins.trust.verified_at = NOW;
	add_cert(&f->ins, "CN=db.example.com", NOW + (time_t)(leaf_days * DAY));
	add_cert(&f->ins, "CN=Example Root CA", NOW + 3650 * DAY);
	for (int m = 0; m < SSLMODE_COUNT; m++)
		f->modes[m].outcome = OUTCOME_ENCRYPTED;
	event_add(&f->ins.log, 12.0, "tls", EV_SEND, "SSLRequest", NULL, 0, "SSLRequest");
	f->r = (struct report){ .ins = &f->ins, .modes = f->modes, .libpq_version = 18,
				.findings = f->findings };
}

static void teardown(struct fixture *f)
{
	for (int m = 0; m < SSLMODE_COUNT; m++)
		free(f->modes[m].error);
	inspection_free(&f->ins);
}

/* The answer for f at NOW with -w warn -c crit and --check mode; *line is
 * the whole output (heap). */
static enum nagios_status run(struct fixture *f, int warn, int crit, int mode, char **out)
{
	size_t n;
	FILE *mf = open_memstream(out, &n);
	struct nagios_opts o = { warn, crit, mode };
	f->r.nfindings = f->nfindings;
	enum nagios_status st = report_nagios_write(mf, &f->r, &o, NOW);
	fclose(mf);
	return st;
}

/* Only the first line of out (NUL-terminated in place). */
static const char *first_line(char *out)
{
	char *nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
	return out;
}

/* A leaf with leaf_days left (the CA with ten years): the status under -w
 * warn -c crit, and a piece of the output. */
static void days_case(double leaf_days, int warn, int crit, enum nagios_status want,
		      const char *has)
{
	struct fixture f;
	char *out;
	setup(&f, leaf_days);
	CHECK_INT(run(&f, warn, crit, -1, &out), want);
	if (!strstr(out, has))
		fprintf(stderr, "%g days: \"%s\" not in: %s", leaf_days, has, out);
	CHECK(strstr(out, has) != NULL);
	free(out);
	teardown(&f);
}

static void check_days(void)
{
	struct fixture f;
	char *out;

	days_case(100.5, 20, 15, NAGIOS_OK, "PGTLS OK - verify-full connects");
	days_case(100.5, 20, 15, NAGIOS_OK, "Certificate CN=db.example.com expires in 100 days (");
	days_case(100.5, 20, 15, NAGIOS_OK,
		  " | days=100;20:;15:;; time=0.012s;;;0; errors=0;;;0; warnings=0;;;0;\n");
	days_case(17, 20, 15, NAGIOS_WARNING,
		  "PGTLS WARNING - Certificate CN=db.example.com expires in 17 days");
	days_case(17, 20, 15, NAGIOS_WARNING, "days=17;20:;15:;;");
	/* the boundary: exactly 15 days left is not under 15 */
	days_case(15, 20, 15, NAGIOS_WARNING, "days=15;");
	days_case(14.9, 20, 15, NAGIOS_CRITICAL, "days=14;");
	/* expired is critical even with -c 0 */
	days_case(-3, 0, 0, NAGIOS_CRITICAL, "expired 3 days ago");
	days_case(-3, 0, 0, NAGIOS_CRITICAL, "days=-3;0:;0:;;");
	days_case(1, 0, 0, NAGIOS_OK, "expires in 1 day (");

	/* no long output without findings */
	setup(&f, 100);
	run(&f, 20, 15, -1, &out);
	CHECK_INT(strchr(out, '\n')[1], '\0');
	free(out);
	/* the earliest of the chain decides, whichever it is */
	f.ins.chain[1].not_after = NOW + 5 * DAY;
	CHECK_INT(run(&f, 30, 7, -1, &out), NAGIOS_CRITICAL);
	CHECK(strstr(out, "Certificate CN=Example Root CA expires in 5 days") != NULL);
	free(out);
	/* not valid yet */
	f.ins.chain[1].not_after = NOW + 500 * DAY;
	f.ins.chain[0].not_before = NOW + DAY;
	CHECK_INT(run(&f, 20, 15, -1, &out), NAGIOS_CRITICAL);
	CHECK(strstr(out, "is not valid before") != NULL);
	free(out);
	teardown(&f);
}

static void check_modes(void)
{
	struct fixture f;
	char *out;

	/* the mode fails: CRITICAL with libpq's words, whatever the days */
	setup(&f, 100);
	f.modes[SSLMODE_VERIFY_FULL].outcome = OUTCOME_FAILS;
	f.modes[SSLMODE_VERIFY_FULL].error =
		xstrdup("server certificate for \"a.example\" does not match host name \"b.example\"");
	CHECK_INT(run(&f, 20, 15, SSLMODE_VERIFY_FULL, &out), NAGIOS_CRITICAL);
	CHECK(!strncmp(out, "PGTLS CRITICAL - verify-full fails: ", 36));
	CHECK(strstr(out, "does not match host name") != NULL);
	free(out);
	/* --check require connects: OK; no --check: the target's verify-full */
	CHECK_INT(run(&f, 20, 15, SSLMODE_REQUIRE, &out), NAGIOS_OK);
	CHECK(!strncmp(out, "PGTLS OK - require connects", 27));
	free(out);
	CHECK_INT(run(&f, 20, 15, -1, &out), NAGIOS_CRITICAL);
	free(out);
	/* the target's sslmode unset: libpq's prefer */
	free(f.ins.target.sslmode);
	f.ins.target.sslmode = NULL;
	CHECK_INT(run(&f, 20, 15, -1, &out), NAGIOS_OK);
	CHECK(!strncmp(out, "PGTLS OK - prefer connects", 26));
	free(out);
	teardown(&f);

	/* cannot be told: UNKNOWN, but a WARNING of the days is worse */
	setup(&f, 100);
	f.modes[SSLMODE_VERIFY_FULL].outcome = OUTCOME_UNKNOWN;
	CHECK_INT(run(&f, 20, 15, -1, &out), NAGIOS_UNKNOWN);
	free(out);
	f.ins.chain[0].not_after = NOW + 16 * DAY;
	CHECK_INT(run(&f, 20, 15, -1, &out), NAGIOS_WARNING);
	free(out);
	teardown(&f);

	/* plaintext connects, no certificate: CRITICAL */
	setup(&f, 100);
	for (size_t i = 0; i < f.ins.nchain; i++)
		cert_facts_free(&f.ins.chain[i]);
	f.ins.nchain = 0;
	f.modes[SSLMODE_PREFER].outcome = OUTCOME_PLAINTEXT;
	CHECK_INT(run(&f, 20, 15, SSLMODE_PREFER, &out), NAGIOS_CRITICAL);
	CHECK(strstr(out, "No certificate was received from the server.") != NULL);
	CHECK(strstr(out, "| days=U;20:;15:;; ") != NULL);
	free(out);
	teardown(&f);

	/* unreachable: CRITICAL, no days */
	setup(&f, 100);
	f.ins.reachable = 0;
	f.modes[SSLMODE_VERIFY_FULL].outcome = OUTCOME_FAILS;
	f.modes[SSLMODE_VERIFY_FULL].error = xstrdup("connection to server failed: Connection refused");
	CHECK_INT(run(&f, 20, 15, -1, &out), NAGIOS_CRITICAL);
	CHECK(strstr(out, "Connection refused") != NULL);
	CHECK(strstr(out, "Certificate") == NULL);
	CHECK(strstr(out, "days=U;") != NULL);
	free(out);
	teardown(&f);

	/* libpq refuses the string: the check's configuration, UNKNOWN */
	setup(&f, 100);
	inspection_set_refused(&f.ins, "invalid connection option \"nonsense\"");
	f.modes[SSLMODE_VERIFY_FULL].outcome = OUTCOME_FAILS;
	CHECK_INT(run(&f, 20, 15, -1, &out), NAGIOS_UNKNOWN);
	CHECK(!strncmp(out, "PGTLS UNKNOWN - ", 16));
	free(out);
	teardown(&f);
}

static void check_text(void)
{
	struct fixture f;
	char *out;

	/* a subject with a '|', a line break and a terminal escape: one
	 * line, one '|' (the performance data's), nothing raw */
	setup(&f, 100);
	free(f.ins.chain[0].subject);
	f.ins.chain[0].subject = xstrdup("CN=a|b\nPGTLS OK\x1b[2J");
	f.ins.chain[0].not_after = NOW + 3 * DAY;
	f.findings[0] = (struct finding){ .id = "cert-expiring-soon", .severity = SEV_WARNING,
					  .title = "Certificate expires | soon\n" };
	f.findings[1] = (struct finding){ .id = "x", .severity = SEV_INFO, .title = "info" };
	f.findings[2] = (struct finding){ .id = "y", .severity = SEV_ERROR, .title = "an error" };
	f.nfindings = 3;
	CHECK_INT(run(&f, 20, 15, -1, &out), NAGIOS_CRITICAL);
	CHECK(strchr(out, '\x1b') == NULL);
	/* the long output: warnings and errors, not information */
	CHECK(strstr(out, "\nwarning: Certificate expires / soon\\n\nerror: an error\n") != NULL);
	CHECK(strstr(out, "info") == NULL);
	const char *l = first_line(out);
	CHECK(strstr(l, "CN=a/b\\nPGTLS OK\\x1b[2J") != NULL);
	CHECK(strchr(l, '|') == strrchr(l, '|'));
	CHECK(strstr(l, "errors=1;;;0; warnings=1;;;0;") != NULL);
	free(out);

	/* a subject of 16 KiB is clipped */
	free(f.ins.chain[0].subject);
	f.ins.chain[0].subject = xmalloc(16385);
	memset(f.ins.chain[0].subject, 'A', 16384);
	f.ins.chain[0].subject[16384] = '\0';
	run(&f, 20, 15, -1, &out);
	CHECK(strlen(first_line(out)) < 1200);
	CHECK(strstr(out, "AAA...") != NULL);
	free(out);
	teardown(&f);

	size_t n;
	FILE *mf = open_memstream(&out, &n);
	CHECK_INT(report_nagios_unknown(mf, "bad -w | x\n"), NAGIOS_UNKNOWN);
	fclose(mf);
	CHECK_STR(out, "PGTLS UNKNOWN - bad -w / x\\n\n");
	free(out);
	CHECK_STR(nagios_status_name(NAGIOS_WARNING), "WARNING");
}

int main(void)
{
	check_days();
	check_modes();
	check_text();
	return check_status("test-nagios");
}
