/* SPDX-License-Identifier: MIT */
/* Unit tests for the Prometheus exposition writer (output/report_prom):
 * the samples of a made-up inspection (success, reply, TLS, each sslmode's
 * outcome, the chain's dates by position, the earliest notAfter and the
 * seconds to it, findings counted by severity and id, plaintext), a
 * HELP and a TYPE line before each family's samples, a hostile subject
 * (quote, backslash, newline, escape byte, a very long one) escaped and
 * clipped, and an unreachable server's two samples only. With an argument,
 * the hostile output is also written to that file (tests/cli/exporter.sh
 * hands it to promtool). */
#include "config.h"
#include "engine/inspection.h"
#include "model/explain.h"
#include "output/report.h"
#include "util/xalloc.h"
#include "check.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *render(const struct report *r, double d, time_t now)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CHECK_INT(report_prom_write(f, r, d, now), 0);
	fclose(f);
	return buf;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

/* Every sample's family has its HELP and TYPE lines before it. */
static void check_families(const char *text)
{
	char *copy = xstrdup(text);
	for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (l[0] == '#')
			continue;
		char name[128];
		size_t n = strcspn(l, "{ ");
		CHECK(n < sizeof(name));
		memcpy(name, l, n);
		name[n] = '\0';
		char help[160], type[160];
		snprintf(help, sizeof(help), "# HELP %s ", name);
		snprintf(type, sizeof(type), "# TYPE %s gauge", name);
		const char *h = strstr(text, help), *t = strstr(text, type);
		CHECK(h && t && h < t && t < text + (l - copy));
	}
	free(copy);
}

int main(int argc, char **argv)
{
	struct inspection ins;
	inspection_init(&ins);
	ins.reachable = 1;
	ins.server.sslrequest_reply = REPLY_S;
	ins.server.plain.attempted = true;
	ins.server.plain.accepted = 0;
	ins.tls.ok = true;
	ins.tls.version = xstrdup("TLS1.3");
	ins.tls.cipher = xstrdup("TLS_AES_128_GCM_SHA256");
	ins.nchain = 3;
	ins.chain = xcalloc(3, sizeof(*ins.chain));
	ins.chain[0].subject = xstrdup("CN=a\"b\\,c\nd\x1b");
	ins.chain[0].not_before = 1700000000;
	ins.chain[0].not_after = 1800000000;
	char longname[600];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	memcpy(longname, "CN=", 3);
	ins.chain[1].subject = xstrdup(longname);
	ins.chain[1].not_before = 1600000000;
	ins.chain[1].not_after = 1750000000; /* the earliest */
	ins.chain[2].subject = xstrdup("CN=unknown dates");
	ins.chain[2].not_before = (time_t)-1;
	ins.chain[2].not_after = (time_t)-1;

	struct verdict modes[SSLMODE_COUNT] = { 0 };
	for (int m = 0; m < SSLMODE_COUNT; m++)
		modes[m].outcome = OUTCOME_ENCRYPTED;
	modes[SSLMODE_VERIFY_FULL].outcome = OUTCOME_FAILS;
	struct finding fs[3] = {
		{ .id = "name-mismatch", .severity = SEV_ERROR },
		{ .id = "weak-thing", .severity = SEV_WARNING },
		{ .id = "weak-thing", .severity = SEV_WARNING },
	};
	struct report r = { .ins = &ins, .modes = modes, .libpq_version = 18,
			    .findings = fs, .nfindings = 3 };
	char *t = render(&r, 0.25, 1740000000);
	CHECK(has_line(t, "pgtls_probe_success 1"));
	CHECK(has_line(t, "pgtls_probe_duration_seconds 0.250000"));
	CHECK(has_line(t, "pgtls_sslrequest_reply_info{reply=\"S\"} 1"));
	CHECK(has_line(t, "pgtls_tls_info{version=\"TLS1.3\",cipher=\"TLS_AES_128_GCM_SHA256\"} 1"));
	CHECK(has_line(t, "pgtls_sslmode_outcome{sslmode=\"verify-full\",outcome=\"fails\"} 1"));
	CHECK(has_line(t, "pgtls_sslmode_outcome{sslmode=\"verify-full\",outcome=\"encrypted\"} 0"));
	CHECK(has_line(t, "pgtls_sslmode_outcome{sslmode=\"require\",outcome=\"encrypted\"} 1"));
	/* the subject made visible (newline, ESC), the DN's escape kept,
	 * then the format's escapes */
	CHECK(has_line(t, "pgtls_cert_not_after_timestamp_seconds{position=\"0\",subject=\"CN=a\\\"b\\\\,c\\\\nd\\\\x1b\"} 1800000000"));
	CHECK(has_line(t, "pgtls_cert_not_before_timestamp_seconds{position=\"0\",subject=\"CN=a\\\"b\\\\,c\\\\nd\\\\x1b\"} 1700000000"));
	/* a long subject clipped */
	char want[400];
	snprintf(want, sizeof(want), "pgtls_cert_not_after_timestamp_seconds{position=\"1\",subject=\"%.256s...\"} 1750000000",
		 longname);
	CHECK(has_line(t, want));
	CHECK(!strstr(t, "position=\"2\""));
	CHECK(has_line(t, "pgtls_cert_earliest_not_after_timestamp_seconds 1750000000"));
	CHECK(has_line(t, "pgtls_cert_earliest_expiry_seconds 10000000"));
	CHECK(has_line(t, "pgtls_findings{severity=\"error\",id=\"name-mismatch\"} 1"));
	CHECK(has_line(t, "pgtls_findings{severity=\"warning\",id=\"weak-thing\"} 2"));
	CHECK(has_line(t, "pgtls_plaintext_accepted 0"));
	check_families(t);
	if (argc > 1) {
		FILE *f = fopen(argv[1], "w");
		CHECK(f != NULL);
		if (f) {
			fputs(t, f);
			fclose(f);
		}
	}
	free(t);

	/* an expired chain: negative seconds */
	t = render(&r, -1, 1760000000);
	CHECK(has_line(t, "pgtls_cert_earliest_expiry_seconds -10000000"));
	CHECK(!strstr(t, "pgtls_probe_duration_seconds"));
	free(t);

	/* nothing reached: success 0 and the duration, nothing else */
	ins.reachable = 0;
	t = render(&r, 1.5, 1740000000);
	CHECK(has_line(t, "pgtls_probe_success 0"));
	CHECK(has_line(t, "pgtls_probe_duration_seconds 1.500000"));
	CHECK(!strstr(t, "pgtls_tls_info"));
	CHECK(!strstr(t, "pgtls_cert_"));
	check_families(t);
	free(t);
	inspection_free(&ins);
	return check_status("test-prom");
}
