/* SPDX-License-Identifier: MIT */
/* fakepg: a tiny PostgreSQL-shaped peer for the tests, for the answers a
 * real server never gives to an SSLRequest: silence, an ErrorResponse, an
 * arbitrary byte, 'S' with bytes after it, an immediate close; or 'S' and
 * then, once the ClientHello is in, no TLS at all (an ErrorResponse, any
 * text) or a bare fatal alert. It answers a plaintext StartupMessage with
 * an ErrorResponse. It listens on 127.0.0.1 only, prints its port, and
 * exits after --lifetime seconds. */
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

/* Read one startup-phase packet (length-prefixed); 0 on success. */
static int read_packet(int fd, uint32_t *code)
{
	uint8_t hdr[8];
	size_t got = 0;
	while (got < 8) {
		ssize_t n = read(fd, hdr + got, 8 - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
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

static void serve(int fd, const char *mode)
{
	uint32_t code;
	struct strbuf out = STRBUF_INIT;
	if (read_packet(fd, &code) < 0)
		return;
	if (code != PGWIRE_SSLREQUEST_CODE) {
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
	if (argc != 3) {
		fprintf(stderr, "usage: fakepg MODE LIFETIME_SECONDS\n"
				"MODE: silent | close | error | extra | byte:STRING |\n"
				"      s-then:error | s-then:STRING | s-alert:N\n");
		return 2;
	}
	const char *mode = argv[1];
	alarm((unsigned)atoi(argv[2]));
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
	printf("%d\n", ntohs(a.sin_port));
	fflush(stdout);
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
