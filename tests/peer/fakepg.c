/* SPDX-License-Identifier: MIT */
/* fakepg: a tiny PostgreSQL-shaped peer for the tests, for the answers a
 * real server never gives to an SSLRequest: silence, an ErrorResponse, an
 * arbitrary byte, 'S' with bytes after it, an immediate close; or 'S' and
 * then, once the ClientHello is in, no TLS at all (an ErrorResponse, any
 * text) or a bare fatal alert. It answers a plaintext StartupMessage with
 * an ErrorResponse; in the scram: modes ('N' to an SSLRequest) with a
 * SCRAM-SHA-256 exchange a real server never ends that way: a server
 * signature that is wrong (scram:badsig), a nonce that is not the
 * client's (scram:nonce), an e= error (scram:error). In n-then:STRING
 * it answers an SSLRequest with 'N' and STRING in the same write, and a
 * plaintext StartupMessage with AuthenticationOk, then one query with one
 * row, "plaintext". It listens on
 * 127.0.0.1 only, prints its port, and exits after LIFETIME seconds. With
 * PORT_FILE it writes the port there instead, atomically (a temporary
 * file renamed over it), so a reader never sees a part or an old port.
 * FAKEPG_START_DELAY_MS makes it wait that long before it listens (the
 * tests' slow start under load). */
#include "config.h"
#include "engine/pgwire.h"
#include "util/strbuf.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void error_response(struct strbuf *sb, const char *code, const char *msg)
{
	struct strbuf body = STRBUF_INIT;
	sb_adds(&body, "SFATAL");
	sb_addc(&body, 0);
	sb_adds(&body, "VFATAL");
	sb_addc(&body, 0);
	sb_addc(&body, 'C');
	sb_adds(&body, code);
	sb_addc(&body, 0);
	sb_addc(&body, 'M');
	sb_adds(&body, msg);
	sb_addc(&body, 0);
	sb_addc(&body, 0);
	sb_addc(sb, 'E');
	sb_add_u32be(sb, (uint32_t)body.len + 4);
	sb_add(sb, body.buf, body.len);
	sb_free(&body);
}

/* Read exactly n bytes; 0 on success. */
static int read_full(int fd, void *buf, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* Read one startup-phase packet (length-prefixed); 0 on success. */
static int read_packet(int fd, uint32_t *code)
{
	uint8_t hdr[8];
	if (read_full(fd, hdr, 8) < 0)
		return -1;
	uint32_t len = (uint32_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3];
	*code = (uint32_t)hdr[4] << 24 | hdr[5] << 16 | hdr[6] << 8 | hdr[7];
	for (uint32_t left = len > 8 ? len - 8 : 0; left > 0;) {
		uint8_t buf[512];
		ssize_t n = read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));
		if (n <= 0)
			return -1;
		left -= (uint32_t)n;
	}
	return 0;
}

/* 'S', then wait for the client's ClientHello, then answer it with no
 * TLS: "s-then:error" an ErrorResponse, "s-then:TEXT" the text, or
 * "s-alert:N" a TLS record holding fatal alert N (RFC 8446 6). */
static void after_s(int fd, const char *mode, struct strbuf *out)
{
	char hello[4096];
	struct pollfd p = { fd, POLLIN, 0 };

	if (write(fd, "S", 1) != 1 || poll(&p, 1, 5000) <= 0 ||
	    read(fd, hello, sizeof(hello)) <= 0)
		return;
	if (!strcmp(mode, "s-then:error")) {
		error_response(out, "08P01", "fake: this is not TLS");
	} else if (!strncmp(mode, "s-then:", 7)) {
		sb_adds(out, mode + 7);
	} else {
		static const uint8_t head[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02 };
		sb_add(out, head, sizeof(head));
		sb_addc(out, (char)atoi(mode + 8));
	}
}

/* Read one typed frontend message ('p'): its body, NUL-terminated, into
 * buf; its length, or -1. */
static long read_typed(int fd, char *buf, size_t size)
{
	uint8_t hdr[5];
	if (read_full(fd, hdr, 5) < 0)
		return -1;
	uint32_t len = (uint32_t)hdr[1] << 24 | hdr[2] << 16 | hdr[3] << 8 | hdr[4];
	if (len < 4 || len - 4 >= size || read_full(fd, buf, len - 4) < 0)
		return -1;
	buf[len - 4] = '\0';
	return (long)(len - 4);
}

static void auth_request(struct strbuf *sb, uint32_t code, const void *data, size_t n)
{
	sb_addc(sb, 'R');
	sb_add_u32be(sb, (uint32_t)(8 + n));
	sb_add_u32be(sb, code);
	sb_add(sb, data, n);
}

/* scram:VARIANT: AuthenticationSASL, the client's first message, a
 * server-first-message, the client's proof, then the wrong ending. */
static void scram(int fd, const char *variant, struct strbuf *out)
{
	char buf[4096], first[512];
	static const char mechs[] = "SCRAM-SHA-256\0";
	auth_request(out, PGWIRE_AUTH_SASL, mechs, sizeof(mechs));
	if (write(fd, out->buf, out->len) < 0)
		return;
	sb_reset(out);
	long n = read_typed(fd, buf, sizeof(buf));
	/* mechanism, length, "n,,n=,r=NONCE" */
	size_t m = n > 0 ? strlen(buf) + 1 + 4 : 0;
	const char *r = n > 0 && (long)m < n ? strstr(buf + m, ",r=") : NULL;
	if (!r)
		return;
	snprintf(first, sizeof(first), "r=%s%s,s=c2FsdHNhbHQ=,i=4096",
		 strcmp(variant, "nonce") ? r + 3 : "someone-else", "SERVERNONCE");
	auth_request(out, PGWIRE_AUTH_SASL_CONTINUE, first, strlen(first));
	if (write(fd, out->buf, out->len) < 0 || read_typed(fd, buf, sizeof(buf)) < 0)
		return;
	sb_reset(out);
	const char *final = !strcmp(variant, "error") ?
		"e=invalid-proof" : "v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
	auth_request(out, PGWIRE_AUTH_SASL_FINAL, final, strlen(final));
}

/* n-then: a plaintext session that logs in with no password and answers
 * one Query with one text row "plaintext" (the word the tests' SQL prints). */
static void plain_session(int fd, struct strbuf *out)
{
	static const char col[] = "ssl";
	char buf[4096];
	auth_request(out, PGWIRE_AUTH_OK, NULL, 0);
	sb_adds(out, "Z");
	sb_add_u32be(out, 5);
	sb_addc(out, 'I');
	if (write(fd, out->buf, out->len) < 0 || read_typed(fd, buf, sizeof(buf)) < 0)
		return;
	sb_reset(out);
	sb_addc(out, 'T'); /* one text column */
	sb_add_u32be(out, (uint32_t)(4 + 2 + sizeof(col) + 18));
	sb_add_u16be(out, 1);
	sb_add(out, col, sizeof(col));
	sb_add_u32be(out, 0);
	sb_add_u16be(out, 0);
	sb_add_u32be(out, 25); /* text */
	sb_add_u16be(out, 0xffff);
	sb_add_u32be(out, 0xffffffffu);
	sb_add_u16be(out, 0);
	sb_addc(out, 'D');
	sb_add_u32be(out, 4 + 2 + 4 + 9);
	sb_add_u16be(out, 1);
	sb_add_u32be(out, 9);
	sb_adds(out, "plaintext");
	sb_addc(out, 'C');
	sb_add_u32be(out, 4 + 9);
	sb_add(out, "SELECT 1", 9);
	sb_adds(out, "Z");
	sb_add_u32be(out, 5);
	sb_addc(out, 'I');
}

static void serve(int fd, const char *mode)
{
	uint32_t code;
	struct strbuf out = STRBUF_INIT;
	if (read_packet(fd, &code) < 0)
		return;
	if (!strncmp(mode, "scram:", 6)) {
		/* no TLS here: 'N', then the StartupMessage on the same
		 * connection, as libpq sends it */
		if (code == PGWIRE_SSLREQUEST_CODE &&
		    (write(fd, "N", 1) != 1 || read_packet(fd, &code) < 0))
			return;
		scram(fd, mode + 6, &out);
	} else if (!strncmp(mode, "n-then:", 7)) {
		if (code == PGWIRE_SSLREQUEST_CODE) {
			/* then the StartupMessage libpq sends on this connection,
			 * answered as on a new one: libpq's pqReadData needs new
			 * bytes before it parses those it holds */
			sb_addc(&out, 'N');
			sb_adds(&out, mode + 7);
			if (write(fd, out.buf, out.len) < 0 || read_packet(fd, &code) < 0) {
				sb_free(&out);
				return;
			}
			sb_reset(&out);
		}
		plain_session(fd, &out);
	} else if (code != PGWIRE_SSLREQUEST_CODE) {
		if (strcmp(mode, "silent") != 0) {
			error_response(&out, "28000", "fake: plaintext startup rejected");
			if (write(fd, out.buf, out.len) < 0)
				perror("write");
		} else {
			pause();
		}
		sb_free(&out);
		return;
	}
	if (!strcmp(mode, "silent")) {
		pause(); /* the lifetime alarm ends us */
	} else if (!strcmp(mode, "close")) {
		/* nothing: close at once */
	} else if (!strcmp(mode, "error")) {
		error_response(&out, "53300", "sorry, too many clients already");
	} else if (!strcmp(mode, "extra")) {
		sb_adds(&out, "Sgarbage");
	} else if (!strncmp(mode, "byte:", 5)) {
		sb_adds(&out, mode + 5);
	} else if (!strncmp(mode, "s-then:", 7) || !strncmp(mode, "s-alert:", 8)) {
		after_s(fd, mode, &out);
	}
	if (out.len && write(fd, out.buf, out.len) < 0)
		perror("write");
	sb_free(&out);
	/* let the client read before the close */
	struct pollfd p = { fd, POLLIN, 0 };
	poll(&p, 1, 300);
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: fakepg MODE LIFETIME_SECONDS [PORT_FILE]\n"
				"MODE: silent | close | error | extra | byte:STRING |\n"
				"      s-then:error | s-then:STRING | s-alert:N |\n"
				"      scram:badsig | scram:nonce | scram:error |\n"
				"      n-then:STRING\n");
		return 2;
	}
	const char *mode = argv[1];
	alarm((unsigned)atoi(argv[2]));
	const char *delay = getenv("FAKEPG_START_DELAY_MS");
	if (delay)
		usleep((useconds_t)atoi(delay) * 1000u);
	signal(SIGCHLD, SIG_IGN);
	/* a shell starts background jobs with SIGINT ignored; the tests stop
	 * us with it */
	signal(SIGINT, SIG_DFL);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof(a);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 16) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &al) < 0) {
		perror("fakepg");
		return 1;
	}
	if (argc == 4) {
		char tmp[4096];
		snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", argv[3], (long)getpid());
		FILE *f = fopen(tmp, "w");
		if (!f || fprintf(f, "%d\n", ntohs(a.sin_port)) < 0 || fclose(f) != 0 ||
		    rename(tmp, argv[3]) != 0) {
			perror(argv[3]);
			return 1;
		}
	} else {
		printf("%d\n", ntohs(a.sin_port));
		fflush(stdout);
	}
	for (;;) {
		int c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		pid_t pid = fork();
		if (pid == 0) {
			/* never outlive the parent the test stops by pid */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			alarm((unsigned)atoi(argv[2]));
			close(s);
			serve(c, mode);
			close(c);
			_exit(0);
		}
		close(c);
	}
}
