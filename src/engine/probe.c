/* SPDX-License-Identifier: MIT */
/* probe: the TLS probe and the plaintext probe as state machines driven by
 * one poll() loop under one deadline. Each step that touches the wire is an
 * event; what the server answered becomes facts in the inspection. The
 * order of steps mirrors libpq's PQconnectPoll (fe-connect.c) for a TCP
 * connection with sslnegotiation=postgres: connect, SSLRequest, one reply
 * byte, handshake, StartupMessage. No password is ever sent. */
#include "config.h"
#include "engine/probe.h"
#include "engine/pgwire.h"
#include "engine/tls.h"
#include "engine/x509.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum pstate {
	P_CONNECT,
	P_SEND,      /* flushing out, then after_send */
	P_SSL_REPLY, /* waiting for the one-byte answer to SSLRequest */
	P_SSL_ERROR, /* the answer was 'E': read the ErrorResponse */
	P_HANDSHAKE,
	P_ANSWER,    /* reading the answer to the StartupMessage */
	P_DONE,
};

struct probe {
	const char *name;
	bool is_tls;
	bool direct;           /* TLS first, no SSLRequest (libpq 17+ direct) */
	struct tls_facts *tlsf; /* where this probe's TLS facts go */
	int fd;
	enum pstate st, after_send;
	struct strbuf out;
	size_t out_off;
	struct strbuf in;
	struct tls_client *tls;
	bool over_tls;
	bool auth_ok;
	struct startup_answer *ans;
	struct connect_fact *conn;
	struct inspection *ins;
	const struct timespec *t0;
	double connect_start;
	const struct addrinfo *ai; /* the address being tried; ai_next next */
	int nmsgs;               /* backend messages read */
	size_t nbytes;           /* and their bytes */
};

/* What one probe keeps of a server's messages before it gives up: a
 * server that floods (NoticeResponses without end) costs at most this, plus
 * one message of PGWIRE_MAX_MSG and a read buffer of twice that. */
#define MAX_MESSAGES 1000
#define MAX_MESSAGE_BYTES (4u << 20)

static double wall_ms(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The inspection's clock: wall time less the time a live sink held the
 * probes (step mode), so timings and deadlines ignore the pauses. */
static double run_ms(const struct inspection *ins, const struct timespec *t0)
{
	return wall_ms(t0) - ins->log.paused_ms;
}


#define EV(p, dir, kind, raw, len, ...)                                       \
	event_add(&(p)->ins->log, run_ms((p)->ins, (p)->t0), (p)->name, dir, kind, \
		  raw, len, __VA_ARGS__)

static void tls_event(void *ctx, enum ev_dir dir, const char *kind,
		      const void *raw, size_t len, const char *summary)
{
	struct probe *p = ctx;
	EV(p, dir, kind, raw, len, "%s", summary);
}

static void finish(struct probe *p)
{
	if (p->tls) {
		tls_client_free(p->tls);
		p->tls = NULL;
	}
	if (p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
		EV(p, EV_NOTE, "Close", NULL, 0, "connection closed by us");
	}
	p->st = P_DONE;
}

/* Queue a frontend message and log it. */
static void queue(struct probe *p, const struct strbuf *msg, enum pstate next)
{
	char *summary = pgwire_frontend_summary((const uint8_t *)msg->buf,
						msg->len);
	const char *kind = "Terminate";
	if (summary && !strncmp(summary, "SSLRequest", 10))
		kind = "SSLRequest";
	else if (summary && !strncmp(summary, "StartupMessage", 14))
		kind = "StartupMessage";
	EV(p, EV_SEND, kind, msg->buf, msg->len, "%s%s",
	   summary ? summary : kind, p->over_tls ? " (over TLS)" : "");
	free(summary);
	sb_reset(&p->out);
	sb_add(&p->out, msg->buf, msg->len);
	p->out_off = 0;
	p->st = P_SEND;
	p->after_send = next;
}

static void queue_startup(struct probe *p)
{
	const struct conn_target *t = &p->ins->target;
	const char *params[] = { "user", t->user ? t->user : "",
				 "database", t->dbname ? t->dbname : "",
				 "application_name", "pgtls-inspect", NULL };
	struct strbuf m = STRBUF_INIT;
	pgwire_startup(&m, PGWIRE_PROTOCOL_3_0, params);
	queue(p, &m, P_ANSWER);
	sb_free(&m);
	p->ans->attempted = true;
}

static void queue_terminate(struct probe *p)
{
	struct strbuf m = STRBUF_INIT;
	pgwire_terminate(&m);
	queue(p, &m, P_DONE);
	sb_free(&m);
}

static void start_handshake(struct probe *p);

static void on_connected(struct probe *p)
{
	p->conn->ok = true;
	p->conn->ms = run_ms(p->ins, p->t0) - p->connect_start;
	p->ins->reachable = 1;
	EV(p, EV_NOTE, "Connected", NULL, 0, "TCP connection to %s established in %.1f ms",
	   p->conn->address, p->conn->ms);
	if (p->direct) {
		start_handshake(p);
	} else if (p->is_tls) {
		struct strbuf m = STRBUF_INIT;
		pgwire_sslrequest(&m);
		queue(p, &m, P_SSL_REPLY);
		sb_free(&m);
	} else {
		queue_startup(p);
	}
}

static void start_connect(struct probe *p, const struct addrinfo *ai);

/* fe-connect.c PQconnectPoll (try_next_addr): a failed connect moves on to
 * the host's next address; the last failure is the one reported. */
static void fail_connect(struct probe *p, const char *why)
{
	free(p->conn->error);
	p->conn->error = xstrdup(why);
	if (p->ai && p->ai->ai_next) {
		int n = p->conn->nfailed;
		strlist_add(&p->conn->failed_ips, &n, p->conn->ip);
		n = p->conn->nfailed;
		strlist_add(&p->conn->failed_errors, &n, why);
		p->conn->nfailed = n;
	}
	EV(p, EV_NOTE, "ConnectFailed", NULL, 0, "could not connect to %s: %s",
	   p->conn->address, why);
	if (p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
	}
	if (p->ai && p->ai->ai_next) {
		start_connect(p, p->ai->ai_next);
		return;
	}
	finish(p);
}

static void start_connect(struct probe *p, const struct addrinfo *ai)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	p->ai = ai;
	p->conn->attempted = true;
	getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), serv,
		    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV);
	free(p->conn->ip);
	p->conn->ip = xstrdup(host);
	free(p->conn->address);
	p->conn->address = ai->ai_family == AF_INET6 ?
				   xasprintf("[%s]:%s", host, serv) :
				   xasprintf("%s:%s", host, serv);
	p->connect_start = run_ms(p->ins, p->t0);
	p->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       ai->ai_protocol);
	if (p->fd < 0) {
		fail_connect(p, strerror(errno));
		return;
	}
	int one = 1;
	setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(p->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		on_connected(p);
	} else if (errno == EINPROGRESS) {
		p->st = P_CONNECT;
	} else {
		fail_connect(p, strerror(errno));
	}
}

static void step_connect(struct probe *p)
{
	int err = 0;
	socklen_t len = sizeof(err);
	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err)
		fail_connect(p, strerror(err));
	else
		on_connected(p);
}

static void send_failure(struct probe *p, const char *why)
{
	char *text = facts_startup_failure_message(STARTUP_FAIL_SEND, why);

	if (p->ans->attempted && p->ans->accepted < 0 &&
	    p->ans->failure_code == STARTUP_FAIL_NONE)
		facts_set_startup_failure(p->ans, STARTUP_FAIL_SEND, why);
	EV(p, EV_NOTE, "IOError", NULL, 0, "%s", text);
	free(text);
	finish(p);
}

static void step_send(struct probe *p)
{
	while (p->out_off < p->out.len) {
		ssize_t n;
		const char *why = NULL;
		if (p->over_tls) {
			n = tls_client_send(p->tls, p->out.buf + p->out_off,
					    p->out.len - p->out_off, &why);
			if (n == 0)
				return;
			if (n < 0) {
				send_failure(p, why);
				return;
			}
		} else {
			n = send(p->fd, p->out.buf + p->out_off,
				 p->out.len - p->out_off, MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return;
			if (n < 0) {
				send_failure(p, strerror(errno));
				return;
			}
		}
		p->out_off += (size_t)n;
	}
	p->st = p->after_send;
	if (p->st == P_DONE)
		finish(p);
}

/* Read what is there into p->in. Returns the bytes added (0: nothing yet);
 * *ended is set when the peer closed or a read failed, with the reason in
 * *why (NULL for a clean EOF), even when some bytes came first. */
static int fill(struct probe *p, bool *ended, const char **why)
{
	uint8_t buf[16384];
	int added = 0;
	*why = NULL;
	*ended = false;
	for (;;) {
		ssize_t n;
		if (p->over_tls) {
			bool eof = false;
			n = tls_client_recv(p->tls, buf, sizeof(buf), &eof, why);
			if (n < 0 || eof) {
				*ended = true;
				return added;
			}
		} else {
			n = recv(p->fd, buf, sizeof(buf), 0);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return added;
			if (n <= 0) {
				*why = n < 0 ? strerror(errno) : NULL;
				*ended = true;
				return added;
			}
		}
		if (n == 0)
			return added;
		sb_add(&p->in, buf, (size_t)n);
		added += (int)n;
		if (p->in.len > PGWIRE_MAX_MSG * 2u)
			return added;
		if (!p->over_tls && p->st == P_SSL_REPLY)
			return added; /* one read, as libpq's pqReadData */
	}
}

static const char *auth_word(uint32_t code)
{
	switch (code) {
	case PGWIRE_AUTH_OK:
		return "ok";
	case PGWIRE_AUTH_KERBEROS_V5:
		return "kerberos";
	case PGWIRE_AUTH_CLEARTEXT:
		return "cleartext";
	case PGWIRE_AUTH_MD5:
		return "md5";
	case PGWIRE_AUTH_GSS:
		return "gss";
	case PGWIRE_AUTH_SSPI:
		return "sspi";
	case PGWIRE_AUTH_SASL:
		return "sasl";
	default:
		return "unknown";
	}
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

static void take_error(struct startup_answer *a, const struct pgwire_msg *m)
{
	const char *sev = pgwire_error_field(m, 'V');
	set_str(&a->severity, sev ? sev : pgwire_error_field(m, 'S'));
	set_str(&a->sqlstate, pgwire_error_field(m, 'C'));
	set_str(&a->message, pgwire_error_field(m, 'M'));
	set_str(&a->detail, pgwire_error_field(m, 'D'));
	set_str(&a->hint, pgwire_error_field(m, 'H'));
}

/* Consume whole backend messages from p->in. Returns true when the answer
 * is decided and the probe moved on. */
static bool consume(struct probe *p)
{
	for (;;) {
		size_t total = 0;
		enum pgwire_frame_status fs = pgwire_frame(
			(const uint8_t *)p->in.buf, p->in.len, &total);
		if (fs == PGWIRE_FRAME_INCOMPLETE)
			return false;
		if (fs == PGWIRE_FRAME_BAD) {
			EV(p, EV_RECV, "InvalidMessage", p->in.buf,
			   p->in.len > 64 ? 64 : p->in.len,
			   "invalid message length from server (type byte 0x%02x)",
			   (uint8_t)p->in.buf[0]);
			facts_set_startup_failure(p->ans, STARTUP_FAIL_BAD_LENGTH, NULL);
			finish(p);
			return true;
		}
		struct pgwire_msg m;
		const char *why = NULL;
		const uint8_t *raw = (const uint8_t *)p->in.buf;
		if (pgwire_decode(raw, total, &m, &why) < 0) {
			EV(p, EV_RECV, "InvalidMessage", raw, total,
			   "malformed '%c' message: %s", raw[0] >= 0x20 && raw[0] < 0x7f ? raw[0] : '?', why);
			facts_set_startup_failure(p->ans, STARTUP_FAIL_UNREADABLE, why);
			finish(p);
			return true;
		}
		if (++p->nmsgs > MAX_MESSAGES || (p->nbytes += total) > MAX_MESSAGE_BYTES) {
			EV(p, EV_NOTE, "TooMuch", NULL, 0,
			   "the server sent %d messages (%zu bytes) without deciding; giving up",
			   p->nmsgs, p->nbytes);
			facts_set_startup_failure(p->ans, STARTUP_FAIL_FLOOD, NULL);
			pgwire_msg_free(&m);
			finish(p);
			return true;
		}
		char *summary = pgwire_summary(&m); /* sanitized already */
		const char *kind = m.type == 'R' ? pgwire_auth_name(m.u.auth.code) :
						   pgwire_type_name(m.type);
		event_add_clean(&p->ins->log, run_ms(p->ins, p->t0), p->name, EV_RECV,
				kind, raw, total, summary);
		free(summary);
		bool decided = false;
		struct startup_answer *a = p->ans;
		switch (m.type) {
		case 'R':
			a->accepted = 1;
			set_str(&a->auth, auth_word(m.u.auth.code));
			if (m.u.auth.code == PGWIRE_AUTH_SASL)
				for (int i = 0; i < m.u.auth.nmechanisms; i++)
					strlist_add(&a->sasl_mechanisms, &a->nsasl,
						    m.u.auth.mechanisms[i]);
			if (m.u.auth.code == PGWIRE_AUTH_OK) {
				p->auth_ok = true;
			} else {
				/* we never answer a password request */
				EV(p, EV_NOTE, "Stop", NULL, 0,
				   "server wants authentication; pgtls-inspect sends no password and closes");
				finish(p);
				decided = true;
			}
			break;
		case 'E':
			a->accepted = 0;
			take_error(a, &m);
			finish(p);
			decided = true;
			break;
		case 'v':
			a->npv_minor = (int)m.u.npv.newest_minor;
			break;
		case 'S':
			if (m.u.param.name && !strcmp(m.u.param.name, "server_version"))
				set_str(&a->server_version, m.u.param.value);
			break;
		case 'Z':
			if (p->auth_ok) {
				memmove(p->in.buf, p->in.buf + total, p->in.len - total);
				p->in.len -= total;
				pgwire_msg_free(&m);
				queue_terminate(p);
				step_send(p);
				return true;
			}
			break;
		case 'N':
		case 'K':
			break;
		default:
			facts_set_startup_failure(a, STARTUP_FAIL_UNEXPECTED, NULL);
			finish(p);
			decided = true;
		}
		pgwire_msg_free(&m);
		memmove(p->in.buf, p->in.buf + total, p->in.len - total);
		p->in.len -= total;
		if (decided)
			return true;
	}
}

static void step_answer(struct probe *p)
{
	const char *why = NULL;
	bool ended;
	int n = fill(p, &ended, &why);
	if (n > 0 && consume(p))
		return;
	if (ended) {
		const char *what = facts_startup_failures[STARTUP_FAIL_CLOSED].text;
		if (p->ans->accepted < 0)
			facts_set_startup_failure(p->ans, why ? STARTUP_FAIL_UNREADABLE :
								STARTUP_FAIL_CLOSED, why);
		EV(p, EV_RECV, "EOF", NULL, 0, "%s", why ? why : what);
		finish(p);
	}
}

static void start_handshake(struct probe *p);

static void step_ssl_reply(struct probe *p)
{
	struct server_facts *sf = &p->ins->server;
	const char *why = NULL;
	bool ended;
	int n = fill(p, &ended, &why);
	if (n == 0 && !ended)
		return;
	if (n == 0) {
		sf->sslrequest_reply = REPLY_CLOSED;
		EV(p, EV_RECV, "EOF", NULL, 0, "%s",
		   why ? why : "server closed the connection before answering the SSLRequest");
		finish(p);
		return;
	}
	uint8_t c = (uint8_t)p->in.buf[0];
	sf->reply_byte = c;
	if (c == 'S') {
		sf->sslrequest_reply = REPLY_S;
		EV(p, EV_RECV, "SSLResponse", p->in.buf, 1, "'S': the server will do TLS");
	} else if (c == 'N') {
		sf->sslrequest_reply = REPLY_N;
		EV(p, EV_RECV, "SSLResponse", p->in.buf, 1,
		   "'N': the server does not do TLS (ssl=off, or built without it)");
	} else if (c == 'E') {
		sf->sslrequest_reply = REPLY_E;
		p->st = P_SSL_ERROR;
		p->ans = &sf->ssl_error;
		p->ans->attempted = true;
		if (!consume(p)) /* the whole ErrorResponse may be here */
			return;
		return;
	} else {
		sf->sslrequest_reply = REPLY_OTHER;
		EV(p, EV_RECV, "SSLResponse", p->in.buf, 1,
		   "0x%02x ('%c'): not a PostgreSQL answer to SSLRequest", c,
		   c >= 0x20 && c < 0x7f ? c : '?');
	}
	if (p->in.len > 1) {
		/* CVE-2021-23222: after 'S' libpq refuses bytes that came with
		 * the reply (fe-connect.c, "received unencrypted data after SSL
		 * response"); after another reply they are only recorded */
		sf->n_after_reply = p->in.len - 1;
		sf->bytes_after_reply = xmemdup(p->in.buf + 1, sf->n_after_reply);
		EV(p, EV_RECV, "DataAfterSSLResponse", p->in.buf + 1, p->in.len - 1,
		   "%zu byte%s came with the reply%s", p->in.len - 1,
		   p->in.len == 2 ? "" : "s",
		   c == 'S' ? ", unencrypted, before the handshake (libpq refuses this)" : "");
	}
	sb_reset(&p->in);
	if (c == 'S')
		start_handshake(p);
	else
		finish(p);
}

static void step_ssl_error(struct probe *p)
{
	const char *why = NULL;
	bool ended;
	int n = fill(p, &ended, &why);
	if (n > 0 && consume(p))
		return;
	if (ended) {
		facts_set_startup_failure(p->ans, why ? STARTUP_FAIL_UNREADABLE :
							STARTUP_FAIL_CLOSED_IN_ERROR, why);
		if (p->in.len)
			EV(p, EV_RECV, "Truncated", p->in.buf, p->in.len,
			   "incomplete ErrorResponse (%zu bytes)", p->in.len);
		finish(p);
	}
}

static void after_handshake(struct probe *p)
{
	struct inspection *ins = p->ins;
	tls_client_collect(p->tls, ins);
	struct tls_facts *f = p->tlsf;
	EV(p, EV_NOTE, "HandshakeDone", NULL, 0, "%s%s%s%s%s",
	   f->description ? f->description : "TLS established",
	   f->group ? ", group " : "", f->group ? f->group : "",
	   f->alpn ? ", ALPN " : "", f->alpn ? f->alpn : "");
	for (size_t i = 0; i < ins->nchain; i++)
		EV(p, EV_NOTE, "PeerCertificate", ins->chain[i].der,
		   ins->chain[i].der_len, "certificate %zu: %s", i,
		   ins->chain[i].subject ? ins->chain[i].subject : "(no subject)");
	p->over_tls = true;
	queue_startup(p);
	step_send(p);
}

static void step_handshake(struct probe *p)
{
	int rc = tls_client_handshake(p->tls);
	if (rc == 1)
		after_handshake(p);
	else if (rc < 0)
		finish(p);
}

static void start_handshake(struct probe *p)
{
	char *err = NULL;
	if (tls_client_new(&p->tls, p->fd, &p->ins->target, p->tlsf,
			   tls_event, p, &err) < 0) {
		p->tlsf->error = err;
		EV(p, EV_NOTE, "TLSSetupFailed", NULL, 0, "%s", err);
		finish(p);
		return;
	}
	p->st = P_HANDSHAKE;
	step_handshake(p);
}

static void step(struct probe *p)
{
	switch (p->st) {
	case P_CONNECT:
		step_connect(p);
		break;
	case P_SEND:
		step_send(p);
		break;
	case P_SSL_REPLY:
		step_ssl_reply(p);
		break;
	case P_SSL_ERROR:
		step_ssl_error(p);
		break;
	case P_HANDSHAKE:
		step_handshake(p);
		break;
	case P_ANSWER:
		step_answer(p);
		break;
	case P_DONE:
		break;
	}
}

static short wanted(const struct probe *p)
{
	switch (p->st) {
	case P_CONNECT:
		return POLLOUT;
	case P_SEND:
		if (p->over_tls && !tls_client_wants_write(p->tls))
			return POLLIN;
		return POLLOUT;
	case P_HANDSHAKE:
		return tls_client_wants_write(p->tls) ? POLLOUT : POLLIN;
	default:
		return POLLIN;
	}
}

static void time_out(struct probe *p, int timeout_ms)
{
	struct server_facts *sf = &p->ins->server;
	const char *what = "timeout expired";
	switch (p->st) {
	case P_CONNECT:
		set_str(&p->conn->error, what);
		break;
	case P_SSL_REPLY:
		sf->sslrequest_reply = REPLY_TIMEOUT;
		break;
	case P_HANDSHAKE:
		set_str(&p->tlsf->error, "timeout expired during the TLS handshake");
		facts_set_tls_failure(p->tlsf, TLS_FAIL_TIMEOUT);
		break;
	default:
		if (p->ans && p->ans->attempted && p->ans->accepted < 0)
			facts_set_startup_failure(p->ans, STARTUP_FAIL_TIMEOUT, NULL);
	}
	EV(p, EV_NOTE, "Timeout", NULL, 0, "no progress within %d ms; giving up",
	   timeout_ms);
	finish(p);
}

/* One name lookup in flight: heap-allocated, because a lookup that cannot be
 * cancelled in time goes on writing into it after we have given up. */
struct lookup {
	struct gaicb req;
	struct addrinfo hints;
	char serv[16];
	char *name;
};

/* getaddrinfo_a, so that name resolution is bounded by the same deadline
 * as everything else. numeric: hostaddr, which libpq never looks up
 * (AI_NUMERICHOST). */
static int resolve(const char *host, int port, bool numeric, int timeout_ms,
		   const struct timespec *t0, struct addrinfo **res, char **why)
{
	struct lookup *l = xcalloc(1, sizeof(*l));
	struct gaicb *list[1] = { &l->req };
	double deadline = wall_ms(t0) + timeout_ms;
	int rc;

	l->name = xstrdup(host);
	l->hints.ai_family = AF_UNSPEC;
	l->hints.ai_socktype = SOCK_STREAM;
	l->hints.ai_flags = numeric ? AI_NUMERICHOST : AI_ADDRCONFIG;
	snprintf(l->serv, sizeof(l->serv), "%d", port);
	l->req.ar_name = l->name;
	l->req.ar_service = l->serv;
	l->req.ar_request = &l->hints;
	rc = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
	if (rc != 0) {
		*why = xstrdup(gai_strerror(rc));
		free(l->name);
		free(l);
		return -1;
	}
	while ((rc = gai_error(&l->req)) == EAI_INPROGRESS) {
		double left = deadline - wall_ms(t0);
		if (left <= 0) {
			*why = xstrdup("timeout expired while resolving the host name");
			if (gai_cancel(&l->req) == EAI_CANCELED) {
				free(l->name);
				free(l);
			}
			/* else the lookup still owns l: leave it to finish on
			 * its own rather than wait past the deadline */
			return -1;
		}
		struct timespec ts = { (time_t)(left / 1000),
				       (long)((long long)left % 1000) * 1000000L };
		const struct gaicb *wait[1] = { &l->req };
		gai_suspend(wait, 1, &ts); /* any return: re-check the deadline */
	}
	if (rc != 0) {
		*why = xstrdup(gai_strerror(rc));
		free(l->name);
		free(l);
		return -1;
	}
	*res = l->req.ar_result;
	free(l->name);
	free(l);
	return 0;
}

int probe_run(struct inspection *ins, const struct probe_opts *opts,
	      char **err)
{
	struct timespec t0;
	struct addrinfo *res = NULL;
	char *why = NULL;
	const struct conn_target *t = &ins->target;
	struct server_facts *sf = &ins->server;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ins->started = time(NULL);
	tls_client_files_check(t, &ins->trust.client_files_error);
	ins->trust.client_cert = t->sslcert ? xstrdup(t->sslcert) : NULL;
	ins->trust.client_key = t->sslkey ? xstrdup(t->sslkey) : NULL;
	if (!t->connect_to) {
		*err = xstrdup("no host to connect to");
		return -1;
	}
	bool numeric = t->hostaddr && *t->hostaddr;
	if (resolve(t->connect_to, t->port, numeric, opts->timeout_ms, &t0, &res,
		    &why) < 0) {
		event_add(&ins->log, run_ms(ins, &t0), "setup", EV_NOTE,
			  "ResolveFailed", NULL, 0,
			  "could not translate host name \"%s\" to address: %s",
			  t->connect_to, why);
		for (int i = 0; i < 2; i++) {
			struct connect_fact *c = i ? &sf->plain_connect : &sf->tls_connect;
			c->attempted = true;
			c->error = xasprintf("could not translate host name \"%s\" to address: %s",
					     t->connect_to, why);
		}
		free(why);
		ins->reachable = 0;
		return 0;
	}
	{
		struct strbuf sb = STRBUF_INIT;
		int n = 0;
		for (struct addrinfo *ai = res; ai; ai = ai->ai_next, n++) {
			char h[NI_MAXHOST];
			getnameinfo(ai->ai_addr, ai->ai_addrlen, h, sizeof(h), NULL,
				    0, NI_NUMERICHOST);
			sb_addf(&sb, "%s%s", n ? ", " : "", h);
		}
		event_add(&ins->log, run_ms(ins, &t0), "setup", EV_NOTE, "Resolved",
			  NULL, 0, "%s resolves to %s; each probe tries them in order, as libpq does",
			  t->connect_to, sb_str(&sb));
		sb_free(&sb);
	}

	struct probe probes[3];
	int np = 0;
	memset(probes, 0, sizeof(probes));
	if (opts->tls) {
		probes[np] = (struct probe){ .name = "tls", .is_tls = true, .fd = -1,
					     .tlsf = &ins->tls,
					     .ans = &sf->tls, .conn = &sf->tls_connect,
					     .ins = ins, .t0 = &t0 };
		np++;
	}
	if (opts->plaintext) {
		probes[np] = (struct probe){ .name = "plain", .fd = -1,
					     .ans = &sf->plain, .conn = &sf->plain_connect,
					     .ins = ins, .t0 = &t0 };
		np++;
	}
	if (opts->direct) {
		probes[np] = (struct probe){ .name = "direct", .is_tls = true,
					     .direct = true, .fd = -1,
					     .tlsf = &ins->direct_tls,
					     .ans = &sf->direct_startup,
					     .conn = &sf->direct_connect,
					     .ins = ins, .t0 = &t0 };
		np++;
	}
	for (int i = 0; i < np; i++)
		start_connect(&probes[i], res);

	double deadline = run_ms(ins, &t0) + opts->timeout_ms;
	for (;;) {
		struct pollfd pfd[3];
		struct probe *who[3];
		int n = 0;
		for (int i = 0; i < np; i++) {
			if (probes[i].st == P_DONE)
				continue;
			pfd[n].fd = probes[i].fd;
			pfd[n].events = wanted(&probes[i]);
			pfd[n].revents = 0;
			who[n++] = &probes[i];
		}
		if (n == 0)
			break;
		if (ins->log.abort) {
			for (int i = 0; i < n; i++) {
				event_add(&ins->log, run_ms(ins, &t0), who[i]->name, EV_NOTE,
					  "Stopped", NULL, 0, "stopped by the user");
				finish(who[i]);
			}
			break;
		}
		double left = deadline - run_ms(ins, &t0);
		if (left <= 0) {
			for (int i = 0; i < n; i++)
				time_out(who[i], opts->timeout_ms);
			break;
		}
		int rc = poll(pfd, (nfds_t)n, (int)left + 1);
		if (rc < 0 && errno != EINTR) {
			*err = xasprintf("poll failed: %s", strerror(errno));
			for (int i = 0; i < n; i++)
				finish(who[i]);
			break;
		}
		for (int i = 0; i < n && rc > 0; i++)
			if (pfd[i].revents)
				step(who[i]);
	}
	for (int i = 0; i < np; i++) {
		sb_free(&probes[i].out);
		sb_free(&probes[i].in);
	}
	freeaddrinfo(res);
	if (ins->reachable < 0)
		ins->reachable = 0;

	/* trust: what libpq would load, checked against the chain as sent */
	struct trust_facts *tr = &ins->trust;
	tr->source = t->rootcert_source;
	tr->rootcert = t->sslrootcert ? xstrdup(t->sslrootcert) : NULL;
	tr->rootcert_exists = t->rootcert_exists;
	if (ins->nchain > 0) {
		x509_verify_chain(ins, time(NULL));
		tr->name_checked = 1;
		tr->name_host = t->host ? xstrdup(t->host) : NULL;
		tr->name_ok = x509_name_check(ins->chain[0].der, ins->chain[0].der_len,
					      t->host, &tr->name_error) == 1;
	}
	return *err ? -1 : 0;
}

bool probe_what_if(struct inspection *ins, const char *keyword, const char *value)
{
	struct conn_target *t = &ins->target;
	struct trust_facts *tr = &ins->trust;
	if (!conninfo_target_what_if(t, keyword, value))
		return false;
	if (!strcmp(keyword, "sslrootcert")) {
		free(tr->rootcert);
		free(tr->rootcert_error);
		tr->rootcert_error = NULL;
		tr->rootcert = xstrdup(value);
		tr->source = t->rootcert_source;
		tr->rootcert_exists = t->rootcert_exists;
		tr->rootcert_certs = -1;
		x509_verify_chain(ins, time(NULL));
	} else if (!strcmp(keyword, "host") && ins->nchain > 0) {
		free(tr->name_host);
		free(tr->name_error);
		tr->name_error = NULL;
		tr->name_host = xstrdup(value);
		tr->name_checked = 1;
		tr->name_ok = x509_name_check(ins->chain[0].der, ins->chain[0].der_len, value,
					      &tr->name_error) == 1;
	} else if (!strcmp(keyword, "sslcert") || !strcmp(keyword, "sslkey")) {
		free(tr->client_files_error);
		tr->client_files_error = NULL;
		free(tr->client_cert);
		free(tr->client_key);
		tr->client_cert = t->sslcert ? xstrdup(t->sslcert) : NULL;
		tr->client_key = t->sslkey ? xstrdup(t->sslkey) : NULL;
		tls_client_files_check(t, &tr->client_files_error);
	}
	return true;
}
