/* SPDX-License-Identifier: MIT */
/* server: the demo's PostgreSQL look-alike. It answers as the PostgreSQL
 * backend does (backend_startup.c ProcessStartupPacket, auth.c
 * ClientAuthentication): 'S' or 'N' to an SSLRequest, 'N' to a
 * GSSENCRequest, a TLS handshake, then pg_hba's FATAL or an authentication
 * request; and the scenario's deliberate faults. Blocking sockets with
 * timeouts, a thread per connection. Loopback only. */
#include "config.h"
#include "demo/server.h"
#include "engine/pgwire.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct demo_server {
	const struct scenario *sc;
	const struct demo_pki *pki;
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	bool trust;
	int fd;
	pthread_t acceptor;
	/* the connections' threads, joined when they are done (by the
	 * acceptor) or when the server stops; the lock guards the list and
	 * each connection's fd while it is open */
	pthread_mutex_t lock;
	struct conn *conns;
	bool started;          /* the acceptor runs */
	bool stopping;         /* under the lock */
};

struct conn {
	struct demo_server *srv;
	int fd;
	gnutls_session_t tls; /* NULL in clear */
	gnutls_datum_t ticket_key; /* hostile "ticket-flood": tickets enabled */
	bool sni;
	bool client_cert_ok;
	pthread_t thread;
	bool done; /* the thread is past its last use of the connection */
	struct conn *next;
};

/* Neon's proxy without SNI: it routes by the SNI name and refuses a
 * session without one */
#define NEON_NO_SNI                                                                       \
	"The endpoint ID is not specified. Either please upgrade the postgres client library " \
	"(libpq) for SNI support or pass the endpoint ID (first part of the domain name) as a " \
	"parameter: '?options=endpoint%3D<endpoint-id>'. See more at https://neon.tech/sni"

static bool hostile(const struct conn *c, const char *what)
{
	return c->srv->sc->hostile && !strcmp(c->srv->sc->hostile, what);
}

static int write_all(struct conn *c, const void *p, size_t n)
{
	const char *b = p;
	while (n) {
		/* hostile "drip": one byte a second */
		size_t chunk = hostile(c, "drip") ? 1 : n;
		if (chunk < n || hostile(c, "drip"))
			sleep(1);
		ssize_t w = c->tls ? gnutls_record_send(c->tls, b, chunk) :
				     send(c->fd, b, chunk, MSG_NOSIGNAL);
		if (w < 0 && (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED ||
			      errno == EINTR))
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_full(struct conn *c, void *p, size_t n)
{
	char *b = p;
	while (n) {
		ssize_t r = c->tls ? gnutls_record_recv(c->tls, b, n) : recv(c->fd, b, n, 0);
		if (r < 0 && c->tls && (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED))
			continue;
		if (r < 0 && !c->tls && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A startup-phase packet: length, then body (code + rest). */
static int read_packet(struct conn *c, struct strbuf *body, uint32_t *code)
{
	uint8_t hdr[4];
	if (read_full(c, hdr, 4) < 0)
		return -1;
	uint32_t len = be32(hdr);
	if (len < 8 || len > 10000)
		return -1;
	sb_reset(body);
	char *buf = xmalloc(len - 4);
	int rc = read_full(c, buf, len - 4);
	if (rc == 0)
		sb_add(body, buf, len - 4);
	free(buf);
	if (rc < 0)
		return -1;
	*code = be32((uint8_t *)body->buf);
	return 0;
}

static void msg(struct strbuf *out, char type, const struct strbuf *body)
{
	sb_addc(out, type);
	sb_add_u32be(out, (uint32_t)body->len + 4);
	sb_add(out, body->buf, body->len);
}

static void addz(struct strbuf *b, const char *s)
{
	sb_add(b, s, strlen(s) + 1);
}

static void send_error(struct conn *c, const char *severity, const char *code,
		       const char *text)
{
	struct strbuf body = STRBUF_INIT, out = STRBUF_INIT;
	sb_addc(&body, 'S');
	addz(&body, severity);
	sb_addc(&body, 'V');
	addz(&body, severity);
	sb_addc(&body, 'C');
	addz(&body, code);
	sb_addc(&body, 'M');
	addz(&body, text);
	sb_addc(&body, 0);
	msg(&out, 'E', &body);
	write_all(c, out.buf, out.len);
	sb_free(&body);
	sb_free(&out);
}

static const char *param(const struct strbuf *body, const char *name)
{
	/* after the 4-byte protocol version: name\0value\0...\0 */
	const char *p = body->buf + 4, *end = body->buf + body->len;
	while (p < end && *p) {
		const char *v = p + strnlen(p, (size_t)(end - p)) + 1;
		if (v >= end)
			return NULL;
		if (!strcmp(p, name))
			return v;
		p = v + strnlen(v, (size_t)(end - v)) + 1;
	}
	return NULL;
}

static void ready(struct conn *c, struct strbuf *out)
{
	struct strbuf b = STRBUF_INIT;
	sb_addc(&b, 'I');
	msg(out, 'Z', &b);
	sb_free(&b);
}

/* Simple queries get one row: whether this session is encrypted. */
static void serve_queries(struct conn *c)
{
	struct strbuf out = STRBUF_INIT, b = STRBUF_INIT;
	for (;;) {
		uint8_t hdr[5];
		if (read_full(c, hdr, 5) < 0)
			break;
		uint32_t len = be32(hdr + 1);
		if (len < 4 || len > 100000)
			break;
		char *skip = xmalloc(len - 4 + 1);
		int rc = read_full(c, skip, len - 4);
		free(skip);
		if (rc < 0 || hdr[0] == 'X')
			break;
		sb_reset(&out);
		if (hdr[0] == 'Q') {
			const char *val = c->tls ? "encrypted" : "plaintext";
			sb_reset(&b);
			sb_add_u16be(&b, 1);
			addz(&b, "ssl");
			sb_add_u32be(&b, 0);
			sb_add_u16be(&b, 0);
			sb_add_u32be(&b, 25); /* text */
			sb_add_u16be(&b, 0xffff);
			sb_add_u32be(&b, 0xffffffff);
			sb_add_u16be(&b, 0);
			msg(&out, 'T', &b);
			sb_reset(&b);
			sb_add_u16be(&b, 1);
			sb_add_u32be(&b, (uint32_t)strlen(val));
			sb_adds(&b, val);
			msg(&out, 'D', &b);
			sb_reset(&b);
			addz(&b, "SELECT 1");
			msg(&out, 'C', &b);
		}
		ready(c, &out);
		if (write_all(c, out.buf, out.len) < 0)
			break;
	}
	sb_free(&out);
	sb_free(&b);
}

/* Hostile answers to a StartupMessage, for the tests: true when one was
 * given (the connection is then closed). */
static bool hostile_answer(struct conn *c)
{
	struct strbuf out = STRBUF_INIT;
	if (hostile(c, "huge-length")) {
		/* an Authentication message announcing 1 GiB */
		sb_addc(&out, 'R');
		sb_add_u32be(&out, 0x40000000u);
		sb_add_u32be(&out, 0);
	} else if (hostile(c, "short-length")) {
		sb_addc(&out, 'E');
		sb_add_u32be(&out, 3); /* below the minimum of 4 */
	} else if (hostile(c, "unterminated-error")) {
		static const char body[] = "SFATAL" "C28000" "Mno terminator anywhere";
		sb_addc(&out, 'E');
		sb_add_u32be(&out, (uint32_t)(sizeof(body) - 1 + 4));
		sb_add(&out, body, sizeof(body) - 1);
	} else if (hostile(c, "escapes")) {
		/* terminal escapes, an OSC title, a bidi override, bad UTF-8,
		 * and a NUL that ends the message field early */
		static const char body[] = "SFATAL\0VFATAL\0C28000\0"
					   "Mboom \x1b[2J\x1b]0;pwned\x07 \xe2\x80\xae"
					   "gnp.exe \xff\xfe \x9b" "31m\0"
					   "Dsecond \x1b[31mred\0\0";
		sb_addc(&out, 'E');
		sb_add_u32be(&out, (uint32_t)(sizeof(body) - 1 + 4));
		sb_add(&out, body, sizeof(body) - 1);
	} else if (hostile(c, "ticket-flood") && c->tls && c->ticket_key.data) {
		/* TLS 1.3 NewSessionTickets without end and no answer, until
		 * the client leaves (gnutls_session_ticket_send fails) */
		for (int i = 0; i < 10000000; i++)
			if (gnutls_session_ticket_send(c->tls, 1, 0) < 0)
				break;
		sb_free(&out);
		return true;
	} else if (hostile(c, "notice-flood")) {
		/* NoticeResponses without end (bounded here only by a minute) */
		static const char body[] = "SNOTICE\0VNOTICE\0C00000\0Mstill here\0\0";
		for (int i = 0; i < 10000000; i++) {
			sb_reset(&out);
			for (int k = 0; k < 64; k++) {
				sb_addc(&out, 'N');
				sb_add_u32be(&out, (uint32_t)(sizeof(body) - 1 + 4));
				sb_add(&out, body, sizeof(body) - 1);
			}
			if (write_all(c, out.buf, out.len) < 0)
				break;
		}
		sb_free(&out);
		return true;
	} else {
		return false;
	}
	write_all(c, out.buf, out.len);
	sb_free(&out);
	return true;
}

/* The answer to a StartupMessage (auth.c ClientAuthentication). */
static void startup(struct conn *c, const struct strbuf *body)
{
	const struct scenario *sc = c->srv->sc;
	const char *user = param(body, "user"), *db = param(body, "database");
	char text[512];
	if (!user)
		user = "";
	if (!db)
		db = user;
	if (hostile_answer(c))
		return;
	if (c->tls && sc->require_sni && !c->sni) {
		send_error(c, "ERROR", "XX000", NEON_NO_SNI);
		return;
	}
	if ((sc->hba == SC_HBA_HOSTSSL && !c->tls) || (sc->hba == SC_HBA_HOSTNOSSL && c->tls)) {
		snprintf(text, sizeof(text),
			 "no pg_hba.conf entry for host \"127.0.0.1\", user \"%s\", database \"%s\", %s",
			 user, db, c->tls ? "SSL encryption" : "no encryption");
		send_error(c, "FATAL", "28000", text);
		return;
	}
	if (c->tls && sc->client_cert_require && !c->client_cert_ok) {
		send_error(c, "FATAL", "28000", "connection requires a valid client certificate");
		return;
	}
	if (!c->tls && sc->client_cert_require) {
		snprintf(text, sizeof(text),
			 "no pg_hba.conf entry for host \"127.0.0.1\", user \"%s\", database \"%s\", no encryption",
			 user, db);
		send_error(c, "FATAL", "28000", text);
		return;
	}
	struct strbuf out = STRBUF_INIT, b = STRBUF_INIT;
	if (c->srv->trust) {
		sb_add_u32be(&b, 0);
		msg(&out, 'R', &b);
		static const char *const params[][2] = {
			{ "server_version", "17.2 (pgtls-inspect demo)" },
			{ "server_encoding", "UTF8" },
			{ "client_encoding", "UTF8" },
			{ "DateStyle", "ISO, MDY" },
			{ "integer_datetimes", "on" },
			{ "standard_conforming_strings", "on" },
		};
		for (size_t i = 0; i < sizeof(params) / sizeof(*params); i++) {
			sb_reset(&b);
			addz(&b, params[i][0]);
			addz(&b, params[i][1]);
			msg(&out, 'S', &b);
		}
		sb_reset(&b);
		sb_add_u32be(&b, (uint32_t)getpid());
		sb_add_u32be(&b, 0x5eed);
		msg(&out, 'K', &b);
		ready(c, &out);
		if (write_all(c, out.buf, out.len) == 0)
			serve_queries(c);
	} else {
		/* SCRAM: PLUS only where channel binding is possible */
		sb_add_u32be(&b, 10);
		if (c->tls)
			addz(&b, "SCRAM-SHA-256-PLUS");
		addz(&b, "SCRAM-SHA-256");
		sb_addc(&b, 0);
		msg(&out, 'R', &b);
		if (write_all(c, out.buf, out.len) == 0) {
			/* wait for the client to give up (no password comes) */
			char buf[256];
			read_full(c, buf, sizeof(buf));
		}
	}
	sb_free(&out);
	sb_free(&b);
}

/* A handshake that failed for want of a client certificate ends as
 * OpenSSL's server ends it (ssl3_send_alert from the statem's SSLfatal):
 * with the alert, which in TLS 1.3 is certificate_required (116). The
 * client finished its side before the server read its empty Certificate,
 * so its StartupMessage is already on the way: read it away before the
 * close, or the close would reset the connection and the client could
 * lose the alert. */
static void refuse_handshake(struct conn *c, int rc)
{
	char buf[4096];
	struct pollfd p = { c->fd, POLLIN, 0 };

	gnutls_alert_send_appropriate(c->tls, rc);
	shutdown(c->fd, SHUT_WR);
	while (poll(&p, 1, 1000) > 0 && recv(c->fd, buf, sizeof(buf), 0) > 0)
		;
}

/* The server's side of the secrets is the client's too: written nowhere.
 * (GnuTLS's own writer would append them to SSLKEYLOGFILE, a file the
 * client's probes already write, with none of the tool's checks.) */
static int no_keylog(gnutls_session_t session, const char *label, const gnutls_datum_t *secret)
{
	(void)session;
	(void)label;
	(void)secret;
	return 0;
}

static int handshake(struct conn *c, bool direct)
{
	struct demo_server *s = c->srv;
	gnutls_init(&c->tls, GNUTLS_SERVER | GNUTLS_NO_SIGNAL);
	gnutls_session_set_keylog_function(c->tls, no_keylog);
	gnutls_priority_set(c->tls, s->prio);
	gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, s->cred);
	if (s->sc->client_cert_handshake)
		gnutls_certificate_server_set_request(c->tls, GNUTLS_CERT_REQUIRE);
	else if (s->pki->have_client_ca)
		gnutls_certificate_server_set_request(c->tls, GNUTLS_CERT_REQUEST);
	if (hostile(c, "ticket-flood") &&
	    gnutls_session_ticket_key_generate(&c->ticket_key) == 0)
		gnutls_session_ticket_enable_server(c->tls, &c->ticket_key);
	if (s->sc->direct) {
		/* a PostgreSQL 17 server offers ALPN; direct TLS requires it */
		gnutls_datum_t alpn = { (unsigned char *)"postgresql", 10 };
		gnutls_alpn_set_protocols(c->tls, &alpn, 1,
					  direct ? GNUTLS_ALPN_MANDATORY : 0);
	}
	gnutls_transport_set_int(c->tls, c->fd);
	gnutls_handshake_set_timeout(c->tls, 10000);
	int rc;
	do
		rc = gnutls_handshake(c->tls);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0) {
		if (s->sc->client_cert_handshake)
			refuse_handshake(c, rc);
		return -1;
	}
	char name[256];
	size_t nl = sizeof(name);
	unsigned type;
	c->sni = gnutls_server_name_get(c->tls, name, &nl, &type, 0) == 0;
	if (s->pki->have_client_ca) {
		unsigned status = 0;
		c->client_cert_ok = gnutls_certificate_verify_peers2(c->tls, &status) == 0 &&
				    status == 0 && gnutls_certificate_get_peers(c->tls, &status);
	}
	return 0;
}

/* 'S', then no TLS: a close, garbage, an alert, or a reset. */
static void hostile_after_s(struct conn *c)
{
	char hello[4096];
	if (write_all(c, "S", 1) < 0 || hostile(c, "close-after-s"))
		return;
	/* read the ClientHello first */
	if (recv(c->fd, hello, sizeof(hello), 0) <= 0)
		return;
	if (hostile(c, "garbage-after-s")) {
		static const char junk[] = "HTTP/1.1 400 Bad Request\r\n\x1b[2J\x00\xff garbage";
		write_all(c, junk, sizeof(junk) - 1);
	} else if (hostile(c, "tls-alert")) {
		/* a fatal handshake_failure alert record */
		static const unsigned char alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
		write_all(c, alert, sizeof(alert));
	} else if (hostile(c, "reset-handshake")) {
		struct linger lg = { 1, 0 };
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		return; /* the close sends an RST */
	}
	struct pollfd p = { c->fd, POLLIN, 0 };
	poll(&p, 1, 300);
}

static void *serve(void *arg)
{
	struct conn *c = arg;
	const struct scenario *sc = c->srv->sc;
	struct strbuf body = STRBUF_INIT;
	uint32_t code;
	struct timeval tv = { 20, 0 };
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

	/* direct TLS: a ClientHello (record type 22) comes first */
	uint8_t first;
	if (recv(c->fd, &first, 1, MSG_PEEK) != 1)
		goto out;
	if (first == 0x16) {
		if (sc->direct && sc->ssl && handshake(c, true) == 0 &&
		    read_packet(c, &body, &code) == 0 && (code >> 16) == 3)
			startup(c, &body);
		goto out;
	}
	for (int round = 0; round < 3; round++) {
		if (read_packet(c, &body, &code) < 0)
			goto out;
		if (code == PGWIRE_GSSENCREQUEST_CODE) {
			if (write_all(c, "N", 1) < 0)
				goto out;
			continue;
		}
		if (code == PGWIRE_SSLREQUEST_CODE) {
			if (sc->reply == SC_REPLY_STALL) {
				char buf[64];
				read_full(c, buf, sizeof(buf)); /* until the client leaves */
				goto out;
			}
			if (sc->reply == SC_REPLY_E) {
				/* postmaster.c report_fork_failure_to_client */
				send_error(c, "FATAL", "53300",
					   "could not fork new process for connection: Resource temporarily unavailable");
				goto out;
			}
			if (!sc->ssl) {
				if (write_all(c, "N", 1) < 0)
					goto out;
				continue;
			}
			if (sc->hostile && (!strcmp(sc->hostile, "close-after-s") ||
					    !strcmp(sc->hostile, "garbage-after-s") ||
					    !strcmp(sc->hostile, "tls-alert") ||
					    !strcmp(sc->hostile, "reset-handshake"))) {
				hostile_after_s(c);
				goto out;
			}
			const char *reply = sc->reply == SC_REPLY_EXTRA ? "Sgarbage" : "S";
			if (write_all(c, reply, strlen(reply)) < 0 || handshake(c, false) < 0)
				goto out;
			if (read_packet(c, &body, &code) == 0 && (code >> 16) == 3)
				startup(c, &body);
			goto out;
		}
		if ((code >> 16) == 3)
			startup(c, &body);
		goto out;
	}
out:
	if (c->tls) {
		gnutls_bye(c->tls, GNUTLS_SHUT_WR);
		gnutls_deinit(c->tls);
	}
	gnutls_free(c->ticket_key.data);
	sb_free(&body);
	/* closed under the lock: demo_server_stop never shuts a reused fd */
	pthread_mutex_lock(&c->srv->lock);
	close(c->fd);
	c->fd = -1;
	c->done = true;
	pthread_mutex_unlock(&c->srv->lock);
	return NULL;
}

/* Join the threads of the connections that are over (all of them, waiting,
 * when all is set) and free them. */
static void reap(struct demo_server *s, bool all)
{
	pthread_mutex_lock(&s->lock);
	struct conn **pp = &s->conns, *gone = NULL;
	while (*pp) {
		struct conn *c = *pp;
		if (all || c->done) {
			*pp = c->next;
			c->next = gone;
			gone = c;
		} else {
			pp = &c->next;
		}
	}
	pthread_mutex_unlock(&s->lock);
	while (gone) {
		struct conn *c = gone;
		gone = c->next;
		pthread_join(c->thread, NULL);
		free(c);
	}
}

static void *acceptor(void *arg)
{
	struct demo_server *s = arg;
	for (;;) {
		int fd = accept(s->fd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;
		}
		reap(s, false);
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		struct conn *c = xcalloc(1, sizeof(*c));
		c->srv = s;
		c->fd = fd;
		pthread_mutex_lock(&s->lock);
		if (s->stopping || pthread_create(&c->thread, NULL, serve, c) != 0) {
			pthread_mutex_unlock(&s->lock);
			close(fd);
			free(c);
			continue;
		}
		c->next = s->conns;
		s->conns = c;
		pthread_mutex_unlock(&s->lock);
	}
}

int demo_server_start(const struct scenario *sc, const struct demo_pki *pki, int port,
		      bool trust, struct demo_server **out, int *port_out, char **err)
{
	struct demo_server *s = xcalloc(1, sizeof(*s));
	const char *prio = !strcmp(sc->tls, "TLS1.3")	 ? "NORMAL:-VERS-ALL:+VERS-TLS1.3" :
			   !strcmp(sc->tls, "TLS1.2")	 ? "NORMAL:-VERS-ALL:+VERS-TLS1.2" :
			   !strcmp(sc->tls, "TLS1.0-1.1") ? "NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0" :
							   "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
	int rc;
	s->sc = sc;
	s->pki = pki;
	s->trust = trust;
	s->fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	gnutls_certificate_allocate_credentials(&s->cred);
	gnutls_x509_crt_t chain[102] = { pki->leaf.crt, pki->inter.crt };
	unsigned n = pki->have_inter && sc->send_inter ? 2 : 1;
	for (int i = pki->nchain - 1; i >= 0; i--)
		chain[n++] = pki->chain[i].crt;
	rc = gnutls_certificate_set_x509_key(s->cred, chain, n, pki->leaf.key);
	if (rc >= 0 && pki->have_client_ca)
		rc = gnutls_certificate_set_x509_trust(s->cred,
						       (gnutls_x509_crt_t *)&pki->client_ca.crt, 1);
	if (rc >= 0)
		rc = gnutls_priority_init(&s->prio, prio, NULL);
	if (rc < 0) {
		*err = xasprintf("demo server TLS setup: %s", gnutls_strerror(rc));
		demo_server_stop(s);
		return -1;
	}
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof(a);
	if (bind(s->fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s->fd, 64) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&a, &al) < 0) {
		*err = xasprintf("cannot listen on 127.0.0.1:%d: %s", port, strerror(errno));
		demo_server_stop(s);
		return -1;
	}
	*port_out = ntohs(a.sin_port);
	if (pthread_create(&s->acceptor, NULL, acceptor, s) != 0) {
		*err = xstrdup("cannot start the demo server thread");
		demo_server_stop(s);
		return -1;
	}
	s->started = true;
	*out = s;
	return 0;
}

void demo_server_stop(struct demo_server *s)
{
	if (!s)
		return;
	if (s->started) {
		/* accept() returns once the listening socket is shut down */
		pthread_mutex_lock(&s->lock);
		s->stopping = true;
		pthread_mutex_unlock(&s->lock);
		shutdown(s->fd, SHUT_RDWR);
		pthread_join(s->acceptor, NULL);
		/* every open connection reads its end (a drip waits its second) */
		pthread_mutex_lock(&s->lock);
		for (struct conn *c = s->conns; c; c = c->next)
			if (c->fd >= 0)
				shutdown(c->fd, SHUT_RDWR);
		pthread_mutex_unlock(&s->lock);
		reap(s, true);
	}
	if (s->fd >= 0)
		close(s->fd);
	if (s->prio)
		gnutls_priority_deinit(s->prio);
	gnutls_certificate_free_credentials(s->cred);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* ---- certificates ---- */

int demo_pki_make(const struct scenario *sc, struct demo_pki *pki, char **err)
{
	memset(pki, 0, sizeof(*pki));
	char *ca_usage[] = { NULL };
	struct certgen_spec root = { .dn = sc->root_dn, .eku = ca_usage,
				     .not_before_days = -30, .not_after_days = 3650,
				     .ca = true, .rsa = sc->rsa };
	if (certgen_make(&root, NULL, &pki->root, err) < 0)
		return -1;
	const struct demo_cert *issuer = &pki->root;
	if (sc->chain_length > 0) {
		/* a long chain: CA i signs CA i+1 */
		pki->chain = xcalloc((size_t)sc->chain_length, sizeof(*pki->chain));
		for (int i = 0; i < sc->chain_length; i++) {
			char dn[64];
			snprintf(dn, sizeof(dn), "CN=pgtls-inspect chain CA %d", i + 1);
			struct certgen_spec ca = root;
			ca.dn = dn;
			if (certgen_make(&ca, issuer, &pki->chain[i], err) < 0)
				return -1;
			pki->nchain++;
			issuer = &pki->chain[i];
		}
	} else if (sc->inter_dn) {
		struct certgen_spec inter = root;
		inter.dn = sc->inter_dn;
		inter.not_after_days = 1825;
		if (certgen_make(&inter, &pki->root, &pki->inter, err) < 0)
			return -1;
		pki->have_inter = true;
		issuer = &pki->inter;
	}
	/* names that try to reach the terminal: ANSI escapes, an OSC title
	 * sequence, BEL, and in the CN (a UTF8String) a bidi override and a
	 * C1 CSI; the dNSName (an IA5String) stays ASCII, as GnuTLS insists.
	 * NUL and invalid UTF-8 come in the ErrorResponse of hostile-escapes. */
	static const char evil_cn[] = "evil\x1b[2J\x1b]0;pwned\x07\xe2\x80\xaegnp.exe\xc2\x9b" "31m.example";
	static const char evil_san[] = "evil\x1b[2J\x1b]0;pwned\x07.example";
	struct certgen_spec leaf = { .dn = sc->leaf_dn, .dns = sc->dns, .ip = sc->ip,
				     .eku = sc->eku, .not_before_days = sc->not_before_days,
				     .not_after_days = sc->not_after_days, .rsa = sc->rsa,
				     .extra_sans = sc->san_count,
				     .pad_ous = sc->subject_bytes / 100,
				     .ca_issuers = sc->ca_issuers };
	if (sc->hostile_names) {
		leaf.raw_cn = evil_cn;
		leaf.raw_cn_len = sizeof(evil_cn) - 1;
		leaf.raw_san = evil_san;
		leaf.raw_san_len = sizeof(evil_san) - 1;
	}
	if (certgen_make(&leaf, sc->self_signed ? NULL : issuer, &pki->leaf, err) < 0)
		return -1;
	if (sc->client_ca_dn) {
		struct certgen_spec cca = root;
		cca.dn = sc->client_ca_dn;
		if (certgen_make(&cca, NULL, &pki->client_ca, err) < 0)
			return -1;
		pki->have_client_ca = true;
	}
	if (sc->rootcert == SC_ROOT_OTHER) {
		struct certgen_spec other = root;
		other.dn = "CN=Some Other Root CA,O=Not Your Provider";
		if (certgen_make(&other, NULL, &pki->other, err) < 0)
			return -1;
	}
	return 0;
}

void demo_pki_free(struct demo_pki *pki)
{
	certgen_free(&pki->root);
	certgen_free(&pki->inter);
	certgen_free(&pki->leaf);
	certgen_free(&pki->client_ca);
	certgen_free(&pki->other);
	for (int i = 0; i < pki->nchain; i++)
		certgen_free(&pki->chain[i]);
	free(pki->chain);
}
