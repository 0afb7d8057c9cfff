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
#include "util/oserror.h"
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
	char errbuf[OS_ERROR_BUFSIZE]; /* the text of a read's errno */
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
	struct probe_run *run;
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

/* The resolution step of a run. */
enum rstate { R_RESOLVING, R_PROBING, R_DONE };

struct lookup;

struct probe_run {
	struct inspection *ins;
	struct probe_opts opts;
	enum rstate st;
	struct timespec t0;     /* CLOCK_MONOTONIC at the start */
	double held_ms;         /* time held in step mode, left out of the clock */
	double hold_since;      /* wall_ms when the current hold began, or -1 */
	double deadline;        /* on the run's clock */
	struct lookup *lookup;  /* the asynchronous name lookup in flight */
	struct addrinfo *res;   /* what it found (freeaddrinfo) */
	bool unresolved;        /* the name did not resolve: no trust facts */
	struct probe probes[PROBE_MAX_FDS];
	int np;
};

static double wall_ms(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The run's clock: wall time less the time step mode held it, so timings
 * and deadlines ignore the pauses. Each run has its own. */
static double run_ms(const struct probe_run *r)
{
	double held = r->held_ms;
	if (r->hold_since >= 0)
		held += wall_ms(&r->t0) - r->hold_since;
	return wall_ms(&r->t0) - held;
}

#define EV(p, dir, kind, raw, len, ...)                                  \
	event_add(&(p)->ins->log, run_ms((p)->run), (p)->name, dir, kind, raw, \
		  len, __VA_ARGS__)

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
	p->conn->ms = run_ms(p->run) - p->connect_start;
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
	p->connect_start = run_ms(p->run);
	p->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       ai->ai_protocol);
	if (p->fd < 0) {
		fail_connect(p, OS_ERROR(errno));
		return;
	}
	int one = 1;
	setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(p->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		on_connected(p);
	} else if (errno == EINPROGRESS) {
		p->st = P_CONNECT;
	} else {
		fail_connect(p, OS_ERROR(errno));
	}
}

static void step_connect(struct probe *p)
{
	int err = 0;
	socklen_t len = sizeof(err);
	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err)
		fail_connect(p, OS_ERROR(err));
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
				send_failure(p, OS_ERROR(errno));
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
				*why = n < 0 ? os_error(errno, p->errbuf, sizeof(p->errbuf)) : NULL;
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
		event_add_clean(&p->ins->log, run_ms(p->run), p->name, EV_RECV,
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

/* glibc's getaddrinfo_a tells of completion only by a signal or a thread of
 * its own; the run asks gai_error() this often instead, which keeps the
 * lookup owned by one side at a time. */
#define LOOKUP_POLL_MS 5

static void lookup_free(struct lookup *l)
{
	free(l->name);
	free(l);
}

/* An event of the run itself (the "setup" lane), not of one probe. */
#define RUN_EV(r, kind, ...) \
	event_add(&(r)->ins->log, run_ms(r), "setup", EV_NOTE, kind, NULL, 0, __VA_ARGS__)

/* The name did not resolve: both connection facts say so, as libpq's
 * "could not translate host name" does, and the run is over. */
static void resolve_failed(struct probe_run *r, const char *why)
{
	const struct conn_target *t = &r->ins->target;
	struct server_facts *sf = &r->ins->server;
	RUN_EV(r, "ResolveFailed",
		  "could not translate host name \"%s\" to address: %s",
		  t->connect_to, why);
	for (int i = 0; i < 2; i++) {
		struct connect_fact *c = i ? &sf->plain_connect : &sf->tls_connect;
		c->attempted = true;
		free(c->error);
		c->error = xasprintf("could not translate host name \"%s\" to address: %s",
				     t->connect_to, why);
	}
	r->ins->reachable = 0;
	r->unresolved = true;
	r->st = R_DONE;
}

static void add_probe(struct probe_run *r, struct probe p)
{
	p.fd = -1;
	p.ins = r->ins;
	p.run = r;
	r->probes[r->np++] = p;
}

/* The addresses are known: log them and start every probe's connection. */
static void resolved(struct probe_run *r)
{
	struct inspection *ins = r->ins;
	struct server_facts *sf = &ins->server;
	struct strbuf sb = STRBUF_INIT;
	int n = 0;
	for (struct addrinfo *ai = r->res; ai; ai = ai->ai_next, n++) {
		char h[NI_MAXHOST];
		getnameinfo(ai->ai_addr, ai->ai_addrlen, h, sizeof(h), NULL, 0,
			    NI_NUMERICHOST);
		sb_addf(&sb, "%s%s", n ? ", " : "", h);
	}
	RUN_EV(r, "Resolved",
		  "%s resolves to %s; each probe tries them in order, as libpq does",
		  ins->target.connect_to, sb_str(&sb));
	sb_free(&sb);

	if (r->opts.tls)
		add_probe(r, (struct probe){ .name = "tls", .is_tls = true,
					     .tlsf = &ins->tls, .ans = &sf->tls,
					     .conn = &sf->tls_connect });
	if (r->opts.plaintext)
		add_probe(r, (struct probe){ .name = "plain", .ans = &sf->plain,
					     .conn = &sf->plain_connect });
	if (r->opts.direct)
		add_probe(r, (struct probe){ .name = "direct", .is_tls = true,
					     .direct = true, .tlsf = &ins->direct_tls,
					     .ans = &sf->direct_startup,
					     .conn = &sf->direct_connect });
	r->st = R_PROBING;
	r->deadline = run_ms(r) + r->opts.timeout_ms;
	for (int i = 0; i < r->np; i++)
		start_connect(&r->probes[i], r->res);
}

/* Resolution as libpq does it (fe-connect.c: connectDBStart, then
 * pg_getaddrinfo_all): a numeric address at once (hostaddr is never looked
 * up: AI_NUMERICHOST); a name through getaddrinfo_a, bounded by the run's
 * deadline. */
static void resolve_start(struct probe_run *r)
{
	const struct conn_target *t = &r->ins->target;
	bool numeric = t->hostaddr && *t->hostaddr;
	char serv[16];
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST |
					      (numeric ? 0 : AI_ADDRCONFIG) };
	snprintf(serv, sizeof(serv), "%d", t->port);
	int rc = getaddrinfo(t->connect_to, serv, &hints, &r->res);
	if (rc == 0) {
		resolved(r);
		return;
	}
	r->res = NULL;
	if (numeric) {
		resolve_failed(r, gai_strerror(rc));
		return;
	}
	struct lookup *l = xcalloc(1, sizeof(*l));
	struct gaicb *list[1] = { &l->req };
	l->name = xstrdup(t->connect_to);
	l->hints.ai_family = AF_UNSPEC;
	l->hints.ai_socktype = SOCK_STREAM;
	l->hints.ai_flags = AI_ADDRCONFIG;
	memcpy(l->serv, serv, sizeof(serv));
	l->req.ar_name = l->name;
	l->req.ar_service = l->serv;
	l->req.ar_request = &l->hints;
	rc = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
	if (rc != 0) {
		lookup_free(l);
		resolve_failed(r, gai_strerror(rc));
		return;
	}
	r->lookup = l;
}

/* Give up on the lookup: cancelled, it is ours to free; still running, it
 * owns its memory and finishes on its own (a few bytes, once per run that
 * timed out on a stuck resolver) rather than make us wait. */
static void lookup_abandon(struct probe_run *r)
{
	if (r->lookup && gai_cancel(&r->lookup->req) == EAI_CANCELED)
		lookup_free(r->lookup);
	else if (r->lookup && gai_error(&r->lookup->req) != EAI_INPROGRESS) {
		if (r->lookup->req.ar_result)
			freeaddrinfo(r->lookup->req.ar_result);
		lookup_free(r->lookup);
	}
	r->lookup = NULL;
}

static void resolve_step(struct probe_run *r)
{
	int rc = gai_error(&r->lookup->req);
	if (rc == EAI_INPROGRESS) {
		if (run_ms(r) >= r->deadline) {
			lookup_abandon(r);
			resolve_failed(r, "timeout expired while resolving the host name");
		}
		return;
	}
	struct lookup *l = r->lookup;
	r->lookup = NULL;
	if (rc != 0) {
		lookup_free(l);
		resolve_failed(r, gai_strerror(rc));
		return;
	}
	r->res = l->req.ar_result;
	lookup_free(l);
	resolved(r);
}

int probe_start(struct inspection *ins, const struct probe_opts *opts,
		struct probe_run **out, char **err)
{
	const struct conn_target *t = &ins->target;
	*out = NULL;
	if (!t->connect_to) {
		*err = xstrdup("no host to connect to");
		return -1;
	}
	struct probe_run *r = xcalloc(1, sizeof(*r));
	r->ins = ins;
	r->opts = *opts;
	r->hold_since = -1;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	ins->started = time(NULL);
	tls_client_files_check(t, &ins->trust.client_files_error);
	ins->trust.client_cert = t->sslcert ? xstrdup(t->sslcert) : NULL;
	ins->trust.client_key = t->sslkey ? xstrdup(t->sslkey) : NULL;
	r->st = R_RESOLVING;
	r->deadline = opts->timeout_ms;
	resolve_start(r);
	*out = r;
	return 0;
}

/* The live probes: those not done. */
static bool probes_live(const struct probe_run *r)
{
	for (int i = 0; i < r->np; i++)
		if (r->probes[i].st != P_DONE)
			return true;
	return false;
}

int probe_wait_set(const struct probe_run *r, struct pollfd *pfd, int max,
		   int *timeout_ms)
{
	int n = 0;
	*timeout_ms = 0;
	if (r->st == R_DONE)
		return 0;
	if (r->hold_since >= 0) {
		*timeout_ms = -1;
		return 0;
	}
	double left = r->deadline - run_ms(r);
	if (left <= 0)
		return 0;
	*timeout_ms = (int)left + 1;
	if (r->st == R_RESOLVING) {
		if (*timeout_ms > LOOKUP_POLL_MS)
			*timeout_ms = LOOKUP_POLL_MS;
		return 0;
	}
	for (int i = 0; i < r->np && n < max; i++) {
		if (r->probes[i].st == P_DONE)
			continue;
		pfd[n].fd = r->probes[i].fd;
		pfd[n].events = wanted(&r->probes[i]);
		pfd[n].revents = 0;
		n++;
	}
	return n;
}

void probe_step(struct probe_run *r, const struct pollfd *pfd, int n)
{
	if (r->st == R_DONE || r->hold_since >= 0)
		return;
	if (r->st == R_RESOLVING) {
		resolve_step(r);
		return;
	}
	/* readiness first: a probe whose answer came just in time is not
	 * timed out */
	for (int i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		for (int k = 0; k < r->np; k++)
			if (r->probes[k].st != P_DONE && r->probes[k].fd == pfd[i].fd) {
				step(&r->probes[k]);
				break;
			}
	}
	if (probes_live(r) && run_ms(r) >= r->deadline)
		for (int i = 0; i < r->np; i++)
			if (r->probes[i].st != P_DONE)
				time_out(&r->probes[i], r->opts.timeout_ms);
	if (!probes_live(r))
		r->st = R_DONE;
}

bool probe_done(const struct probe_run *r)
{
	return r->st == R_DONE;
}

void probe_hold(struct probe_run *r, bool held)
{
	double now = wall_ms(&r->t0);
	if (held && r->hold_since < 0) {
		r->hold_since = now;
	} else if (!held && r->hold_since >= 0) {
		r->held_ms += now - r->hold_since;
		r->hold_since = -1;
	}
}

void probe_cancel(struct probe_run *r)
{
	probe_hold(r, false);
	if (r->st == R_RESOLVING) {
		lookup_abandon(r);
		RUN_EV(r, "Stopped", "stopped by the user");
	}
	for (int i = 0; i < r->np; i++) {
		if (r->probes[i].st == P_DONE)
			continue;
		EV(&r->probes[i], EV_NOTE, "Stopped", NULL, 0, "stopped by the user");
		finish(&r->probes[i]);
	}
	r->st = R_DONE;
}

void probe_finish(struct probe_run *r)
{
	if (!r)
		return;
	if (r->st != R_DONE)
		probe_cancel(r);
	struct inspection *ins = r->ins;
	const struct conn_target *t = &ins->target;
	for (int i = 0; i < r->np; i++) {
		sb_free(&r->probes[i].out);
		sb_free(&r->probes[i].in);
	}
	if (r->res)
		freeaddrinfo(r->res);
	if (ins->reachable < 0)
		ins->reachable = 0;
	if (r->unresolved) {
		free(r);
		return;
	}

	/* trust: what libpq would load, checked against the chain as sent */
	struct trust_facts *tr = &ins->trust;
	tr->source = t->rootcert_source;
	tr->rootcert = t->sslrootcert ? xstrdup(t->sslrootcert) : NULL;
	tr->rootcert_exists = t->rootcert_exists;
	if (ins->nchain > 0) {
		x509_verify_chain(ins, X509_NOW);
		tr->name_checked = 1;
		tr->name_host = t->host ? xstrdup(t->host) : NULL;
		tr->name_ok = x509_name_check(ins->chain[0].der, ins->chain[0].der_len,
					      t->host, &tr->name_error) == 1;
	}
	free(r);
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
		x509_verify_chain(ins, X509_NOW);
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
