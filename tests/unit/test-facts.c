/* SPDX-License-Identifier: MIT */
/* Unit tests for engine/facts: each outcome table read both ways (a code's
 * stored form reads back as that code, with the exact texts the JSON
 * carries), the reading of facts held only as text, and the probe deciding
 * the code where it sees the failure, against a scripted peer on
 * 127.0.0.1 (a forked child per case). */
#include "config.h"
#include "engine/conninfo.h"
#include "engine/facts.h"
#include "engine/inspection.h"
#include "engine/probe.h"
#include "util/xalloc.h"
#include "check.h"
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Every code has its own name; the stored form reads back as the code. */
static void test_tls_table(void)
{
	CHECK_INT(TLS_FAILURE_COUNT, 12);
	for (int c = 1; c < TLS_FAILURE_COUNT; c++) {
		const char *name = facts_tls_failures[c].name;
		CHECK(name != NULL);
		CHECK(facts_tls_failures[c].text != NULL);
		CHECK_INT(facts_tls_failure_parse(name), c);
		for (int k = 0; k < c; k++)
			CHECK(strcmp(name, facts_tls_failures[k].name));
	}
	/* the names the JSON has always carried */
	CHECK_STR(facts_tls_failures[TLS_FAIL_ALERT].name, "alert");
	CHECK_STR(facts_tls_failures[TLS_FAIL_EOF].name, "eof");
	CHECK_STR(facts_tls_failures[TLS_FAIL_RESET].name, "reset");
	CHECK_STR(facts_tls_failures[TLS_FAIL_IO].name, "io");
	CHECK_STR(facts_tls_failures[TLS_FAIL_VERSION].name, "version");
	CHECK_STR(facts_tls_failures[TLS_FAIL_NOT_TLS].name, "not-tls");
	CHECK_STR(facts_tls_failures[TLS_FAIL_HTTP_REQUEST].name, "http-request");
	CHECK_STR(facts_tls_failures[TLS_FAIL_PROXY_REQUEST].name, "proxy-request");
	CHECK_STR(facts_tls_failures[TLS_FAIL_TIMEOUT].name, "timeout");
	CHECK_STR(facts_tls_failures[TLS_FAIL_OTHER].name, "other");
	CHECK_INT(facts_tls_failure_parse(NULL), TLS_FAIL_NONE);
	/* an unknown name is some other failure, as "none" is */
	CHECK_INT(facts_tls_failure_parse("gremlins"), TLS_FAIL_OTHER);
	CHECK_INT(facts_tls_failure_parse("none"), TLS_FAIL_OTHER);

	struct tls_facts f;
	memset(&f, 0, sizeof(f));
	facts_set_tls_failure(&f, TLS_FAIL_RESET);
	CHECK_INT(f.failure_code, TLS_FAIL_RESET);
	CHECK_STR(f.failure_kind, "reset");
	facts_set_tls_failure(&f, TLS_FAIL_NONE);
	CHECK_STR(f.failure_kind, NULL);
	CHECK_INT(facts_tls_failure(&f), TLS_FAIL_NONE);
	/* held only as text: read through the table */
	f.failure_kind = xstrdup("version");
	CHECK_INT(facts_tls_failure(&f), TLS_FAIL_VERSION);
	/* the observer's code decides */
	f.failure_code = TLS_FAIL_TIMEOUT;
	CHECK_INT(facts_tls_failure(&f), TLS_FAIL_TIMEOUT);
	free(f.failure_kind);
}

static void test_startup_table(void)
{
	static const struct {
		enum startup_failure c;
		const char *text;
	} fixed[] = {
		{ STARTUP_FAIL_CLOSED, "server closed the connection unexpectedly" },
		{ STARTUP_FAIL_CLOSED_IN_ERROR,
		  "server closed the connection in the middle of its ErrorResponse" },
		{ STARTUP_FAIL_BAD_LENGTH, "invalid message length from server" },
		{ STARTUP_FAIL_UNEXPECTED, "unexpected message from server" },
		{ STARTUP_FAIL_FLOOD, "too many messages from the server" },
		{ STARTUP_FAIL_TLS_ALERT, "the server ended the TLS session with an alert" },
		{ STARTUP_FAIL_TIMEOUT, "timeout expired" },
	};
	char *m;

	CHECK_INT(STARTUP_FAILURE_COUNT, 10);
	for (int c = 1; c < STARTUP_FAILURE_COUNT; c++) {
		const char *name = facts_startup_failures[c].name;
		CHECK(name != NULL);
		for (int k = 0; k < c; k++)
			CHECK(strcmp(name, facts_startup_failures[k].name));
		m = facts_startup_failure_message((enum startup_failure)c, "Broken pipe");
		CHECK_INT(facts_startup_failure_parse(m), c);
		free(m);
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++) {
		m = facts_startup_failure_message(fixed[i].c, NULL);
		CHECK_STR(m, fixed[i].text);
		CHECK_INT(facts_startup_failure_parse(fixed[i].text), fixed[i].c);
		free(m);
	}
	m = facts_startup_failure_message(STARTUP_FAIL_SEND, "Broken pipe");
	CHECK_STR(m, "could not send data to server: Broken pipe");
	free(m);
	CHECK_STR(facts_startup_failure_message(STARTUP_FAIL_NONE, "x"), NULL);
	CHECK_INT(facts_startup_failure_parse(NULL), STARTUP_FAIL_NONE);
	/* the reasons from below: recv's, GnuTLS's, pgwire_decode's */
	CHECK_INT(facts_startup_failure_parse("Connection reset by peer"),
		  STARTUP_FAIL_UNREADABLE);
	CHECK_INT(facts_startup_failure_parse("error fields not terminated"),
		  STARTUP_FAIL_UNREADABLE);
	/* a whole text, not a beginning */
	CHECK_INT(facts_startup_failure_parse("timeout expired!"),
		  STARTUP_FAIL_UNREADABLE);

	struct startup_answer a;
	memset(&a, 0, sizeof(a));
	a.failure = xstrdup("too many messages from the server");
	CHECK_INT(facts_startup_failure(&a), STARTUP_FAIL_FLOOD);
	facts_set_startup_failure(&a, STARTUP_FAIL_UNREADABLE, "message truncated");
	CHECK_INT(a.failure_code, STARTUP_FAIL_UNREADABLE);
	CHECK_STR(a.failure, "message truncated");
	startup_answer_free(&a);
}

#define GNUTLS_WORDS "; GnuTLS: The certificate is NOT trusted. The certificate issuer is unknown."

static void chain_reads(int line, const char *text, enum chain_failure want,
			enum chain_gap want_gap)
{
	enum chain_gap gap = CHAIN_GAP_NONE;
	enum chain_failure c = facts_chain_failure_parse(text, &gap);

	if (c != want || gap != want_gap)
		fprintf(stderr, "(line %d: \"%s\" read as %s/%s)\n", line,
			text ? text : "(null)", facts_chain_failures[c].name,
			facts_chain_gaps[gap].name);
	CHECK_INT(c, want);
	CHECK_INT(gap, want_gap);
}
#define CHAIN_READS(text, c, gap) chain_reads(__LINE__, text, c, gap)

static void test_chain_table(void)
{
	CHECK_INT(CHAIN_FAILURE_COUNT, 24);
	CHECK_INT(CHAIN_GAP_COUNT, 4);
	for (int c = 1; c < CHAIN_FAILURE_COUNT; c++) {
		const char *name = facts_chain_failures[c].name;
		const char *text = facts_chain_failures[c].text;
		CHECK(name && text);
		for (int k = 0; k < c; k++)
			CHECK(strcmp(name, facts_chain_failures[k].name));
		/* a text with a variable part runs to the end: no gap after it */
		int gaps = strchr(text, '*') ? 1 : CHAIN_GAP_COUNT;
		for (int g = 0; g < gaps; g++) {
			char *m = facts_chain_failure_message((enum chain_failure)c,
							      (enum chain_gap)g, "3");
			char *full = xasprintf("%s%s", m, GNUTLS_WORDS);
			CHAIN_READS(m, (enum chain_failure)c, (enum chain_gap)g);
			if (strcmp(text, "*") != 0)
				CHAIN_READS(full, (enum chain_failure)c, (enum chain_gap)g);
			free(m);
			free(full);
		}
	}
	for (int g = 1; g < CHAIN_GAP_COUNT; g++)
		CHECK(facts_chain_gaps[g].name &&
		      strcmp(facts_chain_gaps[g].name,
			     facts_chain_gaps[CHAIN_GAP_NONE].name));

	/* the texts libpq users see, and logs hold */
	char *m = facts_chain_failure_message(CHAIN_FAIL_UNPARSABLE, CHAIN_GAP_NONE, "2");
	CHECK_STR(m, "certificate 2 of the chain could not be parsed");
	free(m);
	m = facts_chain_failure_message(CHAIN_FAIL_ISSUER_UNKNOWN, CHAIN_GAP_INTERMEDIATE, NULL);
	CHECK_STR(m, "unable to get local issuer certificate (the server sent only its own "
		     "certificate; is an intermediate certificate missing?)");
	free(m);
	CHAIN_READS(NULL, CHAIN_FAIL_NONE, CHAIN_GAP_NONE);
	CHAIN_READS("unable to get local issuer certificate" GNUTLS_WORDS,
		    CHAIN_FAIL_ISSUER_UNKNOWN, CHAIN_GAP_NONE);
	CHAIN_READS("unable to get local issuer certificate (the root file holds no "
		    "self-signed CA certificate)" GNUTLS_WORDS,
		    CHAIN_FAIL_ISSUER_UNKNOWN, CHAIN_GAP_NO_ANCHOR);
	/* GnuTLS reports a lone expired leaf of an unknown CA as both */
	CHAIN_READS("certificate has expired (the server sent only its own certificate; "
		    "is an intermediate certificate missing?)" GNUTLS_WORDS,
		    CHAIN_FAIL_EXPIRED, CHAIN_GAP_INTERMEDIATE);
	CHAIN_READS("the root certificate file could not be read",
		    CHAIN_FAIL_ROOT_UNREADABLE, CHAIN_GAP_NONE);
	CHAIN_READS("verification could not run: The request is invalid.",
		    CHAIN_FAIL_NOT_RUN, CHAIN_GAP_NONE);
	CHAIN_READS("certificate verify failed", CHAIN_FAIL_OTHER, CHAIN_GAP_NONE);
	CHAIN_READS("unknown issuer", CHAIN_FAIL_UNRECOGNISED, CHAIN_GAP_NONE);

	/* OpenSSL's words: the code's and the gap's, not GnuTLS's */
	struct trust_facts t;
	memset(&t, 0, sizeof(t));
	t.chain_ok = 0;
	t.chain_error = xstrdup("unable to get local issuer certificate (the root file holds "
				"no self-signed CA certificate)" GNUTLS_WORDS);
	m = facts_chain_reason(&t);
	CHECK_STR(m, "unable to get local issuer certificate (the root file holds no "
		     "self-signed CA certificate)");
	free(m);
	free(t.chain_error);
	t.chain_error = xstrdup("unknown issuer; GnuTLS: kept whole");
	m = facts_chain_reason(&t);
	CHECK_STR(m, "unknown issuer; GnuTLS: kept whole");
	free(m);
	/* the observer's code decides over the text */
	t.chain_code = CHAIN_FAIL_EXPIRED;
	t.chain_gap = CHAIN_GAP_NONE;
	m = facts_chain_reason(&t);
	CHECK_STR(m, "certificate has expired");
	free(m);
	free(t.chain_error);
}

/* ---- the probe decides the code --------------------------------------- */

enum script {
	S_CLOSE,      /* read the packet, close */
	S_RESET,      /* read the packet, close with a reset */
	S_BAD_LENGTH, /* a message declaring length 2 */
	S_UNEXPECTED, /* a DataRow during startup */
	S_MALFORMED,  /* an authentication request without its code */
	S_FLOOD,      /* notices without end */
	S_SILENT,     /* read the packet, say nothing */
	S_S_CLOSE,    /* 'S', read the ClientHello, close */
	S_S_RESET,    /* 'S', then a reset */
	S_S_SILENT,   /* 'S', then nothing */
};

static void put(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w <= 0)
			return;
		c += w;
		n -= (size_t)w;
	}
}

static bool get(int fd, void *p, size_t n)
{
	char *c = p;
	while (n) {
		ssize_t r = read(fd, c, n);
		if (r <= 0)
			return false;
		c += r;
		n -= (size_t)r;
	}
	return true;
}

/* One length-prefixed startup packet (SSLRequest or StartupMessage). */
static bool read_packet(int fd)
{
	uint8_t len[4], body[1024];
	if (!get(fd, len, 4))
		return false;
	uint32_t n = (uint32_t)len[0] << 24 | len[1] << 16 | len[2] << 8 | len[3];
	return n >= 4 && n - 4 <= sizeof(body) && get(fd, body, n - 4);
}

static void drain(int fd, int ms)
{
	char buf[4096];
	struct pollfd p = { fd, POLLIN, 0 };
	while (poll(&p, 1, ms) > 0 && read(fd, buf, sizeof(buf)) > 0)
		;
}

static void reset(int fd)
{
	struct linger l = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static void serve(int fd, enum script s)
{
	static const uint8_t bad[] = { 'E', 0, 0, 0, 2 };
	static const uint8_t row[] = { 'D', 0, 0, 0, 4 };
	static const uint8_t auth[] = { 'R', 0, 0, 0, 4 };
	static const uint8_t notice[] = { 'N', 0, 0, 0, 5, 0 };

	if (!read_packet(fd))
		return;
	switch (s) {
	case S_CLOSE:
		break;
	case S_RESET:
		reset(fd);
		return;
	case S_BAD_LENGTH:
		put(fd, bad, sizeof(bad));
		break;
	case S_UNEXPECTED:
		put(fd, row, sizeof(row));
		break;
	case S_MALFORMED:
		put(fd, auth, sizeof(auth));
		break;
	case S_FLOOD:
		for (int i = 0; i < 1100; i++)
			put(fd, notice, sizeof(notice));
		drain(fd, 5000);
		break;
	case S_SILENT:
		drain(fd, 5000);
		break;
	case S_S_CLOSE:
		put(fd, "S", 1);
		drain(fd, 200);
		break;
	case S_S_RESET:
		put(fd, "S", 1);
		drain(fd, 200);
		reset(fd);
		return;
	case S_S_SILENT:
		put(fd, "S", 1);
		drain(fd, 5000);
		break;
	}
	close(fd);
}

/* Probe a peer that follows script s: the plaintext probe, or the TLS
 * probe when tls. */
static void probe(struct inspection *ins, enum script s, bool tls)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	inspection_init(ins);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 1) < 0 || getsockname(lfd, (struct sockaddr *)&sa, &len) < 0) {
		perror("test-facts: listen");
		exit(99);
	}
	pid_t pid = fork();
	if (pid == 0) {
		alarm(10);
		int fd = accept(lfd, NULL, NULL);
		if (fd >= 0)
			serve(fd, s);
		_exit(0);
	}
	close(lfd);

	struct conninfo ci;
	char *err = NULL;
	char *target = xasprintf("host=127.0.0.1 port=%u user=u dbname=d sslmode=disable",
				 ntohs(sa.sin_port));
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci, target, &err), 0);
	CHECK_INT(conninfo_resolve(&ci, &ins->target, &err), 0);
	struct probe_opts po = { .timeout_ms = 700, .tls = tls, .plaintext = !tls };
	struct probe_run *run = NULL;
	CHECK_INT(probe_start(ins, &po, &run, &err), 0);
	while (run && !probe_done(run)) {
		struct pollfd pfd[PROBE_MAX_FDS];
		int ms, n = probe_wait_set(run, pfd, PROBE_MAX_FDS, &ms);
		poll(pfd, (nfds_t)n, ms);
		probe_step(run, pfd, n);
	}
	probe_finish(run);
	free(err);
	free(target);
	conninfo_free(&ci);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void startup_is(int line, enum script s, enum startup_failure want,
		       const char *text)
{
	struct inspection ins;

	probe(&ins, s, false);
	if (ins.server.plain.failure_code != want)
		fprintf(stderr, "(line %d: failure %s, \"%s\")\n", line,
			facts_startup_failures[ins.server.plain.failure_code].name,
			ins.server.plain.failure ? ins.server.plain.failure : "(null)");
	CHECK_INT(ins.server.plain.failure_code, want);
	if (text)
		CHECK_STR(ins.server.plain.failure, text);
	/* the text reads back as the code, as a replay reads it */
	CHECK_INT(facts_startup_failure_parse(ins.server.plain.failure), want);
	inspection_free(&ins);
}

static void handshake_is(int line, enum script s, enum tls_failure want)
{
	struct inspection ins;

	probe(&ins, s, true);
	if (ins.tls.failure_code != want)
		fprintf(stderr, "(line %d: handshake %s, \"%s\")\n", line,
			facts_tls_failures[ins.tls.failure_code].name,
			ins.tls.error ? ins.tls.error : "(null)");
	CHECK_INT(ins.tls.failure_code, want);
	CHECK_STR(ins.tls.failure_kind, facts_tls_failures[want].name);
	CHECK_INT(facts_tls_failure_parse(ins.tls.failure_kind), want);
	inspection_free(&ins);
}

static void test_probe_codes(void)
{
	startup_is(__LINE__, S_CLOSE, STARTUP_FAIL_CLOSED,
		   "server closed the connection unexpectedly");
	startup_is(__LINE__, S_RESET, STARTUP_FAIL_UNREADABLE, NULL);
	startup_is(__LINE__, S_BAD_LENGTH, STARTUP_FAIL_BAD_LENGTH,
		   "invalid message length from server");
	startup_is(__LINE__, S_UNEXPECTED, STARTUP_FAIL_UNEXPECTED,
		   "unexpected message from server");
	startup_is(__LINE__, S_MALFORMED, STARTUP_FAIL_UNREADABLE,
		   "authentication request without a code");
	startup_is(__LINE__, S_FLOOD, STARTUP_FAIL_FLOOD,
		   "too many messages from the server");
	startup_is(__LINE__, S_SILENT, STARTUP_FAIL_TIMEOUT, "timeout expired");
	handshake_is(__LINE__, S_S_CLOSE, TLS_FAIL_EOF);
	handshake_is(__LINE__, S_S_RESET, TLS_FAIL_RESET);
	handshake_is(__LINE__, S_S_SILENT, TLS_FAIL_TIMEOUT);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_tls_table();
	test_startup_table();
	test_chain_table();
	test_probe_codes();
	return check_status("test-facts");
}
