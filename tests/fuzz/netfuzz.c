/* SPDX-License-Identifier: MIT */
/* netfuzz: a network fuzzer. It plays a mutating PostgreSQL/TLS server on
 * 127.0.0.1 and runs pgtls-inspect against it, iteration after iteration.
 * Each connection the program opens gets a server behaviour drawn from a
 * seed: a reply to the SSLRequest (S, N, an ErrorResponse, any byte, bytes
 * after the reply, silence, a close), a TLS handshake with odd
 * certificates (control characters, bidi and NUL bytes in names, a
 * 1,100-byte dNSName, thousands of names, a huge subject, expired, a CA
 * as leaf), a CertificateRequest, odd ALPN, a NewSessionTicket flood, TLS
 * alerts and non-TLS bytes, then a backend message stream (authentication
 * requests, a SCRAM exchange with the client's nonce, ParameterStatus,
 * ErrorResponse, NegotiateProtocolVersion, unknown types) cut, flipped
 * and with lying lengths.
 *
 * An iteration fails when the program is killed by a signal, exits with a
 * status other than 0 or 3, prints a sanitizer report, runs past the
 * deadline, or writes output that is not valid JSON (--json) or that holds
 * a raw control character. The failing seed, arguments and outputs go to
 * the findings directory; the same seed replays the same servers.
 *
 * usage: netfuzz --pgi PATH [--iterations N] [--seed S] [--findings DIR]
 *                [--deadline SECONDS] [--verbose]
 *        netfuzz --serve --seed S [--lifetime SECONDS]
 * --serve plays iteration S's servers on a free port (printed) for psql or
 * the program by hand, until --lifetime (default 60) runs out. */
#include "config.h"
#include "demo/certgen.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- randomness: splitmix64, reproducible from the seed ---- */

static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)(next(s) % n) : 0;
}

static int chance(uint64_t *s, int percent)
{
	return (int)below(s, 100) < percent;
}

/* ---- the certificates: made once, chosen per connection ---- */

#define NPOOL 8
static struct {
	struct demo_cert root, leaf;
	gnutls_certificate_credentials_t cred;
} pool[NPOOL];
static struct demo_cert odd_ca; /* named in CertificateRequests */

static char *dns_a[] = { "localhost", "db.example.com", NULL };
static char *ip_a[] = { "127.0.0.1", NULL };

static void make_pool(const char *roots_file)
{
	FILE *f = fopen(roots_file, "w");
	if (!f) {
		perror(roots_file);
		exit(2);
	}
	static char long_san[1101];
	memset(long_san, 'a', sizeof(long_san) - 1);
	for (int i = 0; i < NPOOL; i++) {
		struct certgen_spec root = { .dn = "CN=netfuzz root,O=pgtls-inspect", .ca = true,
					     .not_before_days = -10, .not_after_days = 3650 };
		struct certgen_spec leaf = { .dn = "CN=localhost,O=netfuzz", .dns = dns_a, .ip = ip_a,
					     .not_before_days = -1, .not_after_days = 365 };
		switch (i) {
		case 1:
			leaf.raw_cn = "db\x1b[2J\x00.evil\xe2\x80\xae\xff";
			leaf.raw_cn_len = 16;
			leaf.dns = NULL;
			break;
		case 2:
			leaf.raw_san = long_san;
			leaf.raw_san_len = sizeof(long_san) - 1;
			break;
		case 3:
			leaf.extra_sans = 2000;
			break;
		case 4:
			leaf.pad_ous = 40;
			break;
		case 5:
			leaf.not_before_days = -400;
			leaf.not_after_days = -1;
			break;
		case 6:
			leaf.ca = true;
			leaf.rsa = true;
			break;
		case 7:
			leaf.dn = "CN=db\\,evil\\+x,OU=\xe2\x80\x8b\xc2\xad,O=\\\"q\\\"";
			leaf.raw_san = "x\x00y.localhost";
			leaf.raw_san_len = 13;
			break;
		}
		char *err = NULL;
		if (certgen_make(&root, NULL, &pool[i].root, &err) < 0 ||
		    certgen_make(&leaf, &pool[i].root, &pool[i].leaf, &err) < 0) {
			fprintf(stderr, "netfuzz: certificate %d: %s\n", i, err);
			exit(2);
		}
		fputs(pool[i].root.pem, f);
		gnutls_certificate_allocate_credentials(&pool[i].cred);
		gnutls_x509_crt_t chain[2] = { pool[i].leaf.crt, pool[i].root.crt };
		if (gnutls_certificate_set_x509_key(pool[i].cred, chain, 2, pool[i].leaf.key) < 0) {
			fprintf(stderr, "netfuzz: credentials %d\n", i);
			exit(2);
		}
	}
	struct certgen_spec ca = { .dn = "CN=client CA \\, \xe2\x80\xae odd,O=\\#x", .ca = true,
				   .not_before_days = -1, .not_after_days = 30 };
	char *err = NULL;
	if (certgen_make(&ca, NULL, &odd_ca, &err) < 0) {
		fprintf(stderr, "netfuzz: client CA: %s\n", err);
		exit(2);
	}
	for (int i = 0; i < NPOOL; i++)
		gnutls_certificate_set_x509_trust(pool[i].cred, &odd_ca.crt, 1);
	fclose(f);
}

/* ---- one connection's server ---- */

struct io {
	int fd;
	gnutls_session_t tls; /* NULL: in clear */
};

static void io_write(struct io *io, const void *p, size_t n)
{
	const char *b = p;
	while (n > 0) {
		ssize_t w = io->tls ? gnutls_record_send(io->tls, b, n) : write(io->fd, b, n);
		if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
			continue;
		if (w <= 0)
			_exit(0); /* the program went away: fine */
		b += w;
		n -= (size_t)w;
	}
}

/* Up to max bytes within ms milliseconds; 0 on close, timeout or error. */
static size_t io_read(struct io *io, void *p, size_t max, int ms)
{
	if (!(io->tls && gnutls_record_check_pending(io->tls))) {
		struct pollfd pf = { .fd = io->fd, .events = POLLIN };
		if (poll(&pf, 1, ms) <= 0)
			return 0;
	}
	ssize_t r = io->tls ? gnutls_record_recv(io->tls, p, max) : read(io->fd, p, max);
	return r > 0 ? (size_t)r : 0;
}

static void put_msg(struct strbuf *sb, char type, const void *body, size_t n)
{
	sb_addc(sb, type);
	sb_add_u32be(sb, (uint32_t)n + 4);
	sb_add(sb, body, n);
}

static void put_auth(struct strbuf *sb, uint32_t code, const void *extra, size_t n)
{
	struct strbuf b = STRBUF_INIT;
	sb_add_u32be(&b, code);
	sb_add(&b, extra, n);
	put_msg(sb, 'R', b.buf, b.len);
	sb_free(&b);
}

static const char *const odd_text[] = {
	"plain words", "esc \x1b[31mred\x1b[0m", "bidi \xe2\x80\xae" "desrever", "zero\xe2\x80\x8bwidth",
	"bad utf8 \xff\xfe", "c1 \xc2\x9b" "2J", "nul-less but long ", "Endpoint ID is not specified.",
	"no pg_hba.conf entry for host \"127.0.0.1\", user \"fuzz\", database \"fuzz\", SSL encryption",
	"",
};

static void put_text(struct strbuf *sb, uint64_t *r)
{
	const char *t = odd_text[below(r, sizeof(odd_text) / sizeof(*odd_text))];
	sb_adds(sb, t);
	if (chance(r, 10))
		for (uint32_t i = below(r, 3000); i > 0; i--)
			sb_addc(sb, (char)('a' + i % 26));
	sb_addc(sb, 0);
}

/* An ErrorResponse ('E') or NoticeResponse ('N') with odd fields. */
static void put_fields(struct strbuf *sb, char type, uint64_t *r)
{
	static const char codes[] = "SVCMDHPpqWstcdnFLR";
	struct strbuf b = STRBUF_INIT;
	for (uint32_t i = 1 + below(r, 8); i > 0; i--) {
		char c = chance(r, 90) ? codes[below(r, sizeof(codes) - 1)] : (char)below(r, 256);
		if (!c)
			c = 'M';
		sb_addc(&b, c);
		if (c == 'C')
			sb_adds(&b, chance(r, 50) ? "28000" : chance(r, 50) ? "57P03" : "XX\x1b\xff"), sb_addc(&b, 0);
		else
			put_text(&b, r);
	}
	sb_addc(&b, 0);
	put_msg(sb, type, b.buf, b.len);
	sb_free(&b);
}

/* What the server says after the client's startup: a few messages. */
static void backend_messages(struct strbuf *sb, uint64_t *r, int *scram)
{
	for (uint32_t n = 1 + below(r, 6); n > 0; n--) {
		switch (below(r, 12)) {
		case 0:
			put_auth(sb, 0, NULL, 0);
			break;
		case 1:
			put_auth(sb, 3, NULL, 0);
			break;
		case 2:
			put_auth(sb, 5, "salt", 4);
			break;
		case 3: {
			static const char mechs[] = "SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0";
			put_auth(sb, 10, mechs, sizeof(mechs));
			*scram = 1;
			return; /* the exchange goes on in answer to the client */
		}
		case 4: {
			struct strbuf b = STRBUF_INIT;
			static const char *const names[] = { "in_hot_standby", "server_version",
							     "default_transaction_read_only",
							     "client_encoding", "x\x1b" };
			sb_adds(&b, names[below(r, 5)]);
			sb_addc(&b, 0);
			put_text(&b, r);
			put_msg(sb, 'S', b.buf, b.len);
			sb_free(&b);
			break;
		}
		case 5:
			put_msg(sb, 'K', "\0\0\0\1\0\0\0\2", 8);
			break;
		case 6:
			put_msg(sb, 'Z', chance(r, 80) ? "I" : "\x1b", 1);
			break;
		case 7:
		case 8:
			put_fields(sb, chance(r, 70) ? 'E' : 'N', r);
			break;
		case 9: {
			struct strbuf b = STRBUF_INIT;
			sb_add_u32be(&b, below(r, 4));
			uint32_t k = below(r, 4);
			sb_add_u32be(&b, chance(r, 80) ? k : 0x7fffffff);
			while (k--)
				sb_adds(&b, "_pq_.odd"), sb_addc(&b, 0);
			put_msg(sb, 'v', b.buf, b.len);
			sb_free(&b);
			break;
		}
		case 10: {
			/* any type, any body */
			char body[64];
			uint32_t len = below(r, sizeof(body));
			for (uint32_t i = 0; i < len; i++)
				body[i] = (char)below(r, 256);
			put_msg(sb, (char)below(r, 256), body, len);
			break;
		}
		default:
			/* a length that lies */
			sb_addc(sb, chance(r, 50) ? 'E' : 'R');
			sb_add_u32be(sb, chance(r, 50) ? 0x7fffffff : below(r, 4));
			sb_adds(sb, "short");
			break;
		}
	}
}

/* Flip, overwrite, cut or grow a stream a few times. */
static void mutate(struct strbuf *sb, uint64_t *r)
{
	for (uint32_t m = below(r, 4); m > 0 && sb->len > 0; m--) {
		size_t at = below(r, (uint32_t)sb->len);
		switch (below(r, 4)) {
		case 0:
			sb->buf[at] ^= (char)(1u << below(r, 8));
			break;
		case 1:
			sb->buf[at] = (char)(chance(r, 50) ? 0xff : 0);
			break;
		case 2:
			sb->len = at;
			break;
		default:
			for (uint32_t i = below(r, 16); i > 0; i--)
				sb_addc(sb, (char)below(r, 256));
		}
	}
}

/* The value of "r=" in a SCRAM client message, or "x". */
static void client_nonce(const char *msg, size_t n, char *out, size_t max)
{
	snprintf(out, max, "x");
	for (size_t i = 0; i + 2 < n; i++)
		if ((i == 0 || msg[i - 1] == ',') && msg[i] == 'r' && msg[i + 1] == '=') {
			size_t j = i + 2, k = 0;
			while (j < n && msg[j] != ',' && msg[j] && k + 1 < max)
				out[k++] = msg[j++];
			out[k] = 0;
			return;
		}
}

/* Read the client's startup, answer with a mutated stream, then close or
 * stall. In clear or over TLS. */
static void backend(struct io *io, uint64_t *r)
{
	char in[4096];
	if (!io_read(io, in, sizeof(in), 3000))
		return;
	struct strbuf sb = STRBUF_INIT;
	int scram = 0;
	backend_messages(&sb, r, &scram);
	if (!scram)
		mutate(&sb, r);
	io_write(io, sb.buf, sb.len);
	sb.len = 0;
	if (scram) {
		/* SASLInitialResponse: answer with the client's own nonce
		 * (mostly), an iteration count and a salt, odd at times */
		size_t n = io_read(io, in, sizeof(in) - 1, 3000);
		char nonce[512];
		client_nonce(in, n, nonce, sizeof(nonce));
		static const char *const iters[] = { "4096", "1", "0", "-5", "99999999999", "x" };
		char *first = xasprintf("r=%s%s,s=%s,i=%s", chance(r, 85) ? nonce : "other",
					"srv", chance(r, 85) ? "QSXCR+Q6sek8bf92" : "!!",
					iters[chance(r, 70) ? 0 : below(r, 6)]);
		put_auth(&sb, 11, first, strlen(first));
		free(first);
		mutate(&sb, r);
		io_write(io, sb.buf, sb.len);
		sb.len = 0;
		if (io_read(io, in, sizeof(in), 3000)) {
			static const char *const finals[] = { "v=AAAA", "e=invalid-proof", "v=",
							      "garbage\x1b" };
			const char *f = finals[below(r, 4)];
			put_auth(&sb, 12, f, strlen(f));
			backend_messages(&sb, r, &scram);
			mutate(&sb, r);
			io_write(io, sb.buf, sb.len);
		}
	}
	sb_free(&sb);
	if (chance(r, 15))
		sleep(3); /* stall: the program's timeout must end it */
}

static void tls_server(int fd, uint64_t *r)
{
	gnutls_session_t s;
	static const char *const prio[] = { "NORMAL", "NORMAL:-VERS-TLS1.3",
					    "NORMAL:-VERS-ALL:+VERS-TLS1.3", "NORMAL:%COMPAT" };
	gnutls_init(&s, GNUTLS_SERVER);
	gnutls_priority_set_direct(s, prio[below(r, 4)], NULL);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, pool[below(r, NPOOL)].cred);
	if (chance(r, 25))
		gnutls_certificate_server_set_request(s, chance(r, 50) ? GNUTLS_CERT_REQUEST :
									 GNUTLS_CERT_REQUIRE);
	if (chance(r, 30)) {
		static const char *const alpn[] = { "postgresql", "h2", "x\x1b" };
		const char *a = alpn[below(r, 3)];
		gnutls_datum_t p = { (unsigned char *)a, (unsigned)strlen(a) };
		gnutls_alpn_set_protocols(s, &p, 1, 0);
	}
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, 3000);
	int rc;
	do
		rc = gnutls_handshake(s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0)
		return;
	if (chance(r, 10) && gnutls_protocol_get_version(s) == GNUTLS_TLS1_3)
		for (uint32_t i = below(r, 2000); i > 0; i--)
			if (gnutls_session_ticket_send(s, 1, 0) < 0)
				break;
	struct io io = { .fd = fd, .tls = s };
	switch (below(r, 10)) {
	case 0:
		gnutls_alert_send(s, GNUTLS_AL_FATAL, (gnutls_alert_description_t)below(r, 120));
		break;
	case 1: {
		char junk[200];
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (char)below(r, 256);
		if (write(fd, junk, below(r, sizeof(junk))) < 0)
			break;
		break;
	}
	default:
		backend(&io, r);
	}
	gnutls_bye(s, GNUTLS_SHUT_WR);
	gnutls_deinit(s);
}

static void serve(int fd, uint64_t seed)
{
	uint64_t r = seed;
	unsigned char hdr[8];
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	if (poll(&pf, 1, 5000) <= 0)
		return;
	ssize_t n = recv(fd, hdr, sizeof(hdr), MSG_PEEK);
	if (n <= 0)
		return;
	if (hdr[0] == 0x16) { /* a ClientHello: direct TLS */
		tls_server(fd, &r);
		return;
	}
	if (n < 8 || (hdr[4] << 24 | hdr[5] << 16 | hdr[6] << 8 | hdr[7]) != 80877103) {
		struct io io = { .fd = fd };
		backend(&io, &r); /* a StartupMessage in clear */
		return;
	}
	if (read(fd, hdr, 8) != 8)
		return;
	struct strbuf sb = STRBUF_INIT;
	uint32_t what = below(&r, 20);
	struct io io = { .fd = fd };
	if (what < 9) {
		io_write(&io, "S", 1);
		tls_server(fd, &r);
	} else if (what < 13) {
		io_write(&io, "N", 1);
		if (chance(&r, 20))
			io_write(&io, "Xjunk", 5);
		backend(&io, &r);
	} else if (what == 13) {
		put_fields(&sb, 'E', &r);
		mutate(&sb, &r);
		io_write(&io, sb.buf, sb.len);
	} else if (what == 14) {
		unsigned char b = (unsigned char)below(&r, 256);
		io_write(&io, &b, 1);
	} else if (what == 15) {
		io_write(&io, "S\x16\x03\x03\0\x02\x02\x28", 8); /* 'S' and bytes in clear */
		tls_server(fd, &r);
	} else if (what == 16) {
		io_write(&io, "SHTTP/1.1 400 Bad Request\r\n\r\n", 30);
	} else if (what == 17) {
		sleep(3); /* silence */
	} else if (what == 18) {
		io_write(&io, "S", 1);
		char junk[300];
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (char)below(&r, 256);
		junk[0] = (char)(chance(&r, 50) ? 0x16 : 0x15);
		io_write(&io, junk, 5 + below(&r, sizeof(junk) - 5));
	} /* else: close at once */
	sb_free(&sb);
}

/* ---- the driver ---- */

struct run {
	char *argv[16];
	int argc;
	bool json;
	char *password;
};

static void add_arg(struct run *ru, char *a)
{
	ru->argv[ru->argc++] = a;
	ru->argv[ru->argc] = NULL;
}

static void choose(struct run *ru, uint64_t *r, const char *pgi, int port, const char *roots)
{
	static const char *const modes[] = { "disable", "allow", "prefer", "require", "verify-ca",
					     "verify-full" };
	memset(ru, 0, sizeof(*ru));
	add_arg(ru, xstrdup(pgi));
	ru->json = chance(r, 60);
	add_arg(ru, xstrdup(ru->json ? "--json" : "--report"));
	add_arg(ru, xstrdup("--timeout"));
	add_arg(ru, xstrdup("1"));
	if (chance(r, 30)) {
		add_arg(ru, xstrdup("--libpq-version"));
		add_arg(ru, xstrdup(chance(r, 50) ? "15" : "17"));
	}
	if (chance(r, 30)) {
		add_arg(ru, xstrdup("--login"));
		ru->password = "fuzz-secret";
	}
	int direct = chance(r, 15);
	const char *mode = direct ? "require" : modes[below(r, 6)];
	int rooted = chance(r, 60);
	add_arg(ru, xasprintf("host=%s hostaddr=127.0.0.1 port=%d user=fuzz dbname=fuzz sslmode=%s%s%s%s",
			      chance(r, 50) ? "localhost" : "db.example.com", port, mode,
			      rooted ? " sslrootcert=" : "", rooted ? roots : "",
			      direct ? " sslnegotiation=direct" : ""));
}

static int listen_local(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		perror("netfuzz: listen");
		exit(2);
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;
	sb_add(&sb, "", 0);
	while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	if (f)
		fclose(f);
	*len = sb.len;
	return sb_detach(&sb);
}

/* Why the output is wrong, or NULL. */
static const char *judge_output(const char *out, size_t len, bool json)
{
	const unsigned char *p = (const unsigned char *)out;
	for (size_t i = 0; i < len; i++) {
		if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f)
			return "a raw control character in the output";
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			return "a raw C1 control in the output";
		if (p[i] == 0xe2 && i + 2 < len && p[i + 1] == 0x80 && p[i + 2] >= 0xaa && p[i + 2] <= 0xae)
			return "a raw bidi control in the output";
	}
	if (json) {
		json_error_t je;
		json_t *j = json_loadb(out, len, 0, &je);
		if (!j)
			return "the JSON does not parse";
		json_decref(j);
	}
	return NULL;
}

static void keep(const char *dir, unsigned long it, uint64_t seed, const struct run *ru,
		 const char *why, const char *tmp)
{
	char *d = xasprintf("%s/iteration-%lu", dir, it);
	mkdir(dir, 0755);
	mkdir(d, 0755);
	char *p = xasprintf("%s/repro", d);
	FILE *f = fopen(p, "w");
	if (f) {
		fprintf(f, "# %s\n# netfuzz --seed %llu --iterations 1 replays it\n%s", why,
			(unsigned long long)seed, ru->password ? "PGPASSWORD=fuzz-secret " : "");
		for (int i = 0; i < ru->argc; i++)
			fprintf(f, "'%s' ", ru->argv[i]);
		fputc('\n', f);
		fclose(f);
	}
	char *cmd = xasprintf("cp '%s/out' '%s/err' '%s/' 2>/dev/null", tmp, tmp, d);
	if (system(cmd) != 0)
		fprintf(stderr, "netfuzz: could not keep the outputs in %s\n", d);
	free(cmd);
	free(p);
	free(d);
}

/* Iteration seed's servers, one a connection, for lifetime seconds. */
static int serve_alone(uint64_t seed, int lifetime)
{
	char tmpl[] = "/tmp/netfuzz.XXXXXX";
	char *tmp = mkdtemp(tmpl);
	if (!tmp)
		return 2;
	char *roots = xasprintf("%s/roots.pem", tmp);
	gnutls_global_init();
	make_pool(roots);
	int port, lfd = listen_local(&port);
	printf("%d %s\n", port, roots);
	fflush(stdout);
	signal(SIGCHLD, SIG_IGN);
	time_t end = time(NULL) + lifetime;
	for (uint64_t n = 0; time(NULL) < end;) {
		struct pollfd pf = { .fd = lfd, .events = POLLIN };
		if (poll(&pf, 1, 200) <= 0)
			continue;
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		if (fork() == 0) {
			alarm(15);
			serve(c, seed * 1000003ULL + n);
			_exit(0);
		}
		n++;
		close(c);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *pgi = NULL, *findings = "netfuzz-findings";
	unsigned long iterations = 100;
	uint64_t seed0 = 1;
	int deadline = 40, verbose = 0, serve_only = 0, lifetime = 60;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pgi") && i + 1 < argc)
			pgi = argv[++i];
		else if (!strcmp(argv[i], "--iterations") && i + 1 < argc)
			iterations = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed0 = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--findings") && i + 1 < argc)
			findings = argv[++i];
		else if (!strcmp(argv[i], "--deadline") && i + 1 < argc)
			deadline = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--verbose"))
			verbose = 1;
		else if (!strcmp(argv[i], "--serve"))
			serve_only = 1;
		else if (!strcmp(argv[i], "--lifetime") && i + 1 < argc)
			lifetime = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: netfuzz --pgi PATH [--iterations N] [--seed S] "
					"[--findings DIR] [--deadline SECONDS] [--verbose]\n");
			return 2;
		}
	}
	if (serve_only)
		return serve_alone(seed0, lifetime);
	if (!pgi) {
		fprintf(stderr, "netfuzz: --pgi PATH is required\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	char tmpl[] = "/tmp/netfuzz.XXXXXX";
	char *tmp = mkdtemp(tmpl);
	if (!tmp) {
		perror("netfuzz: mkdtemp");
		return 2;
	}
	char *roots = xasprintf("%s/roots.pem", tmp);
	char *outp = xasprintf("%s/out", tmp), *errp = xasprintf("%s/err", tmp);
	gnutls_global_init();
	make_pool(roots);

	unsigned long found = 0, conns = 0;
	for (unsigned long it = 0; it < iterations; it++) {
		uint64_t seed = seed0 + it, r = seed;
		next(&r);
		int port, lfd = listen_local(&port);
		struct run ru;
		choose(&ru, &r, pgi, port, roots);
		pid_t tool = fork();
		if (tool == 0) {
			int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			int z = open("/dev/null", O_RDONLY);
			if (o < 0 || e < 0 || z < 0)
				_exit(120);
			dup2(z, 0);
			dup2(o, 1);
			dup2(e, 2);
			setenv("HOME", tmp, 1);
			if (ru.password)
				setenv("PGPASSWORD", ru.password, 1);
			else
				unsetenv("PGPASSWORD");
			execv(pgi, ru.argv);
			_exit(121);
		}
		pid_t servers[64];
		int nserv = 0, status = 0;
		time_t start = time(NULL);
		bool hung = false;
		for (;;) {
			pid_t w = waitpid(tool, &status, WNOHANG);
			if (w == tool)
				break;
			if (time(NULL) - start > deadline) {
				kill(tool, SIGKILL);
				waitpid(tool, &status, 0);
				hung = true;
				break;
			}
			struct pollfd pf = { .fd = lfd, .events = POLLIN };
			if (poll(&pf, 1, 50) > 0) {
				int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
				if (c < 0)
					continue;
				conns++;
				uint64_t cs = seed * 1000003ULL + (uint64_t)nserv;
				pid_t sp = nserv < 64 ? fork() : -1;
				if (sp == 0) {
					alarm(15);
					serve(c, cs);
					_exit(0);
				}
				if (sp > 0)
					servers[nserv++] = sp;
				close(c);
			}
		}
		close(lfd);
		for (int i = 0; i < nserv; i++) {
			kill(servers[i], SIGKILL);
			waitpid(servers[i], NULL, 0);
		}
		size_t olen, elen;
		char *out = slurp(outp, &olen), *err = slurp(errp, &elen);
		const char *why = NULL;
		static char sig[64];
		if (hung)
			why = "still running at the deadline";
		else if (WIFSIGNALED(status))
			snprintf(sig, sizeof(sig), "killed by signal %d", WTERMSIG(status)), why = sig;
		else if (strstr(err, "Sanitizer") || strstr(err, "runtime error"))
			why = "a sanitizer report";
		else if (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 3)
			snprintf(sig, sizeof(sig), "exit status %d", WEXITSTATUS(status)), why = sig;
		else
			why = judge_output(out, olen, ru.json);
		if (verbose || why)
			fprintf(stderr, "netfuzz: iteration %lu seed %llu: %d connections, exit %d, %s\n",
				it, (unsigned long long)seed, nserv,
				WIFEXITED(status) ? WEXITSTATUS(status) : -1, why ? why : "ok");
		if (why) {
			found++;
			keep(findings, it, seed, &ru, why, tmp);
		}
		free(out);
		free(err);
		for (int i = 0; i < ru.argc; i++)
			free(ru.argv[i]);
	}
	printf("netfuzz: %lu iterations, %lu connections, %lu findings (seeds %llu to %llu)\n",
	       iterations, conns, found, (unsigned long long)seed0,
	       (unsigned long long)(seed0 + iterations - 1));
	fflush(stdout);
	char *rm = xasprintf("rm -rf '%s'", tmp);
	if (system(rm) != 0)
		fprintf(stderr, "netfuzz: could not remove %s\n", tmp);
	free(rm);
	free(roots);
	free(outp);
	free(errp);
	return found ? 1 : 0;
}
