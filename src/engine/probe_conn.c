/* SPDX-License-Identifier: MIT */
/* probe_conn: one probe's connection as a state machine: connect (each
 * address in turn), SSLRequest and its one-byte reply, the TLS handshake,
 * the StartupMessage and the answer read up to a decision. It mirrors
 * libpq's PQconnectPoll (fe-connect.c) for a TCP connection; each step
 * that touches the wire is an event, and what the server answered becomes
 * facts. It never waits: the run (probe.c) polls and calls in. No password
 * is sent unless --login asked for it (probe_login.c answers then). */
#include "config.h"
#include "engine/probe_int.h"
#include "engine/facts.h"
#include "engine/pgwire.h"
#include "util/oserror.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* What one probe keeps of a server's messages before it gives up: a
 * server that floods (NoticeResponses without end) costs at most this, plus
 * one message of PGWIRE_MAX_MSG and a read buffer of twice that. */
#define MAX_MESSAGES 1000
#define MAX_MESSAGE_BYTES (4u << 20)

static void tls_event(void *ctx, enum ev_dir dir, const char *kind,
		      const void *raw, size_t len, const char *summary)
{
	struct probe *p = ctx;
	EV(p, dir, kind, raw, len, "%s", summary);
}

void probe_wire(struct probe *p, enum ev_dir dir, const void *buf, size_t n)
{
	if (wire_record(p->ws, &p->wire_used, dir == EV_SEND ? WIRE_TO_SERVER : WIRE_TO_CLIENT,
			probe_clock(p->run), buf, n) || p->wire_full)
		return;
	p->wire_full = true;
	EV(p, EV_NOTE, "JournalFull", NULL, 0,
	   "the byte journal keeps %u MiB a probe: later bytes are counted, not kept (a capture shows the gap)",
	   WIRE_MAX_BYTES >> 20);
}

void probe_wire_end(struct probe *p, bool reset)
{
	wire_peer_end(p->ws, &p->wire_used, probe_clock(p->run), reset);
}

static void tls_wire(void *ctx, enum ev_dir dir, const void *buf, size_t len)
{
	probe_wire(ctx, dir, buf, len);
}

static void tls_wire_end(void *ctx, bool reset)
{
	probe_wire_end(ctx, reset);
}

static void tls_keylog(void *ctx, const char *line)
{
	probe_keylog(ctx, line);
}

static void drop_shown(struct probe *p)
{
	free(p->out_shown);
	p->out_shown = NULL;
}

/* Close the socket; its journal ends with our FIN. */
static void close_fd(struct probe *p)
{
	close(p->fd);
	p->fd = -1;
	if (p->ws) {
		p->ws->t_close = probe_clock(p->run);
		p->ws = NULL;
	}
}

void probe_conn_finish(struct probe *p)
{
	probe_login_end(p);
	sb_wipe(&p->out);
	drop_shown(p);
	if (p->tls) {
		tls_client_free(p->tls);
		p->tls = NULL;
	}
	if (p->fd >= 0) {
		close_fd(p);
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
	drop_shown(p);
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

/* The connection is made: its journal starts, with the socket's own
 * address and port (getsockname) and the server's. */
static void open_journal(struct probe *p)
{
	struct sockaddr_storage local;
	socklen_t len = sizeof(local);
	memset(&local, 0, sizeof(local));
	if (getsockname(p->fd, (struct sockaddr *)&local, &len) != 0)
		local.ss_family = p->ai->ai_family;
	p->ws = wire_stream_open(&p->ins->wire, p->name, (struct sockaddr *)&local,
				 p->ai->ai_addr, p->connect_start);
	p->ws->t_established = probe_clock(p->run);
}

static void on_connected(struct probe *p)
{
	open_journal(p);
	p->conn->ok = true;
	p->conn->ms = probe_clock(p->run) - p->connect_start;
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
	if (p->fd >= 0)
		close_fd(p);
	if (p->ai && p->ai->ai_next) {
		probe_conn_start(p, p->ai->ai_next);
		return;
	}
	probe_conn_finish(p);
}

void probe_conn_start(struct probe *p, const struct addrinfo *ai)
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
	p->connect_start = probe_clock(p->run);
	p->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       ai->ai_protocol);
	if (p->fd < 0) {
		fail_connect(p, OS_ERROR(os_note_fd_error(errno)));
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

static int fill(struct probe *p, bool *ended, const char **why);
static bool consume(struct probe *p);

/* fe-misc.c pqSendSome: a write that fails is noted (write_failed) and
 * libpq reads on, for what the server said before it went: a message, or
 * over TLS the alert that ended the session (a TLS 1.3 server refusing the
 * client's certificate closes while the client is still writing, and its
 * reset can fail the write; the alert before it can still be read). true
 * when that decided the answer and the probe is done. */
static bool read_after_send_failure(struct probe *p)
{
	const char *why = NULL;
	bool ended;

	if (!p->ans->attempted || p->ans->accepted >= 0 ||
	    p->ans->failure_code != STARTUP_FAIL_NONE)
		return false;
	p->st = P_ANSWER;
	int n = fill(p, &ended, &why);
	if (n > 0 && consume(p))
		return true;
	if (ended && why && p->over_tls && p->tlsf->alert_code >= 0) {
		facts_set_startup_failure(p->ans, STARTUP_FAIL_TLS_ALERT, NULL);
		EV(p, EV_RECV, "EOF", NULL, 0, "%s", why);
		probe_conn_finish(p);
		return true;
	}
	return false;
}

static void send_failure(struct probe *p, const char *why)
{
	char *text = facts_startup_failure_message(STARTUP_FAIL_SEND, why);

	EV(p, EV_NOTE, "IOError", NULL, 0, "%s", text);
	if (read_after_send_failure(p)) {
		free(text);
		return;
	}
	if (p->ans->attempted && p->ans->accepted < 0 &&
	    p->ans->failure_code == STARTUP_FAIL_NONE)
		facts_set_startup_failure(p->ans, STARTUP_FAIL_SEND, why);
	free(text);
	probe_conn_finish(p);
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
			probe_wire(p, EV_SEND, p->out_shown ? (const char *)p->out_shown + p->out_off :
							      p->out.buf + p->out_off,
				   (size_t)n);
		}
		p->out_off += (size_t)n;
	}
	sb_wipe(&p->out); /* what went out may have been a password */
	drop_shown(p);
	p->st = p->after_send;
	if (p->st == P_DONE)
		probe_conn_finish(p);
}

void probe_conn_send(struct probe *p, const struct strbuf *msg)
{
	probe_conn_send_shown(p, msg, NULL);
}

void probe_conn_send_shown(struct probe *p, const struct strbuf *msg, uint8_t *shown)
{
	drop_shown(p);
	p->out_shown = shown;
	sb_wipe(&p->out);
	sb_reserve(&p->out, msg->len);
	sb_add(&p->out, msg->buf, msg->len);
	p->out_off = 0;
	p->st = P_SEND;
	p->after_send = P_ANSWER;
	step_send(p);
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
			int e = errno;
			if (n < 0 && (e == EAGAIN || e == EINTR))
				return added;
			if (n > 0)
				probe_wire(p, EV_RECV, buf, (size_t)n);
			else if (n == 0 || e == ECONNRESET)
				probe_wire_end(p, n < 0);
			if (n <= 0) {
				*why = n < 0 ? os_error(e, p->errbuf, sizeof(p->errbuf)) : NULL;
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

/* ParameterStatus: the server's version, and what target_session_attrs
 * reads (fe-connect.c getParameterStatus keeps in_hot_standby and
 * default_transaction_read_only as "on"/"off") */
static int on_off(const char *v)
{
	return !v ? -1 : !strcmp(v, "on") ? 1 : !strcmp(v, "off") ? 0 : -1;
}

static void take_param(struct startup_answer *a, const struct pgwire_msg *m)
{
	const char *n = m->u.param.name, *v = m->u.param.value;

	if (!n)
		return;
	if (!strcmp(n, "server_version"))
		set_str(&a->server_version, v);
	else if (!strcmp(n, "in_hot_standby"))
		a->in_hot_standby = on_off(v);
	else if (!strcmp(n, "default_transaction_read_only"))
		a->default_transaction_read_only = on_off(v);
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

/* The first off bytes of p->in are read: drop them (once a batch, not
 * after every message, which made a flood's buffer move quadratically). */
static void compact(struct probe *p, size_t *off)
{
	if (*off) {
		memmove(p->in.buf, p->in.buf + *off, p->in.len - *off);
		p->in.len -= *off;
		*off = 0;
	}
}

static bool consume_at(struct probe *p, size_t *off);

/* Consume whole backend messages from p->in. Returns true when the answer
 * is decided and the probe moved on. */
static bool consume(struct probe *p)
{
	size_t off = 0;
	bool done = consume_at(p, &off);
	compact(p, &off);
	return done;
}

/* consume's walk: the messages from p->in.buf + *off on, *off moved past
 * each one read. */
static bool consume_at(struct probe *p, size_t *off)
{
	for (;;) {
		size_t total = 0;
		enum pgwire_frame_status fs = pgwire_frame(
			(const uint8_t *)p->in.buf + *off, p->in.len - *off, &total);
		if (fs == PGWIRE_FRAME_INCOMPLETE)
			return false;
		if (fs == PGWIRE_FRAME_BAD) {
			EV(p, EV_RECV, "InvalidMessage", p->in.buf + *off,
			   p->in.len - *off > 64 ? 64 : p->in.len - *off,
			   "invalid message length from server (type byte 0x%02x)",
			   (uint8_t)p->in.buf[*off]);
			facts_set_startup_failure(p->ans, STARTUP_FAIL_BAD_LENGTH, NULL);
			probe_conn_finish(p);
			return true;
		}
		struct pgwire_msg m;
		const char *why = NULL;
		const uint8_t *raw = (const uint8_t *)p->in.buf + *off;
		if (pgwire_decode(raw, total, &m, &why) < 0) {
			EV(p, EV_RECV, "InvalidMessage", raw, total,
			   "malformed '%c' message: %s", raw[0] >= 0x20 && raw[0] < 0x7f ? raw[0] : '?', why);
			facts_set_startup_failure(p->ans, STARTUP_FAIL_UNREADABLE, why);
			probe_conn_finish(p);
			return true;
		}
		if (++p->nmsgs > MAX_MESSAGES || (p->nbytes += total) > MAX_MESSAGE_BYTES) {
			EV(p, EV_NOTE, "TooMuch", NULL, 0,
			   "the server sent %d messages (%zu bytes) without deciding; giving up",
			   p->nmsgs, p->nbytes);
			facts_set_startup_failure(p->ans, STARTUP_FAIL_FLOOD, NULL);
			pgwire_msg_free(&m);
			probe_conn_finish(p);
			return true;
		}
		char *summary = pgwire_summary(&m); /* sanitized already */
		const char *kind = m.type == 'R' ? pgwire_auth_name(m.u.auth.code) :
						   pgwire_type_name(m.type);
		uint8_t *logged = xmemdup(raw, total);
		probe_login_scrub(&m, raw, logged);
		bool scrubbed = memcmp(logged, raw, total) != 0;
		char *text = scrubbed ? xasprintf("%s (server signature scrubbed)", summary) : summary;
		event_add_clean(&p->ins->log, probe_clock(p->run), p->name, EV_RECV,
				kind, logged, total, text);
		if (scrubbed)
			free(text);
		free(summary);
		free(logged);
		bool decided = false;
		struct startup_answer *a = p->ans;
		switch (m.type) {
		case 'R':
			/* the server goes on: the startup is accepted so far */
			a->accepted = 1;
			/* auth is the first request; a login's later ones
			 * belong to the same exchange */
			if (!a->auth) {
				set_str(&a->auth, auth_word(m.u.auth.code));
				if (m.u.auth.code == PGWIRE_AUTH_SASL)
					for (int i = 0; i < m.u.auth.nmechanisms; i++)
						strlist_add(&a->sasl_mechanisms, &a->nsasl,
							    m.u.auth.mechanisms[i]);
			}
			if (m.u.auth.code == PGWIRE_AUTH_OK) {
				p->auth_ok = true;
				a->authenticated = true;
				probe_login_end(p);
			} else if (p->run->opts.login != PROBE_LOGIN_OFF) {
				/* an answer sends at once, and a failed send
				 * reads on: the message leaves the input first,
				 * its data kept in a copy */
				uint8_t *copy = xmemdup(raw, total);
				if (m.u.auth.data)
					m.u.auth.data = copy + (m.u.auth.data - raw);
				*off += total;
				compact(p, off);
				bool done = probe_login_answer(p, &m, auth_word(m.u.auth.code),
							       copy, total);
				free(copy);
				pgwire_msg_free(&m);
				if (done)
					return true;
				continue;
			} else {
				/* without --login no password request is answered */
				EV(p, EV_NOTE, "Stop", NULL, 0,
				   "server wants authentication; pgtls-inspect sends no password and closes");
				probe_conn_finish(p);
				decided = true;
			}
			break;
		case 'E':
			a->accepted = 0;
			take_error(a, &m);
			probe_conn_finish(p);
			decided = true;
			break;
		case 'v':
			a->npv_minor = (int)m.u.npv.newest_minor;
			break;
		case 'S':
			take_param(a, &m);
			break;
		case 'Z':
			if (p->auth_ok) {
				*off += total;
				compact(p, off);
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
			probe_conn_finish(p);
			decided = true;
		}
		pgwire_msg_free(&m);
		*off += total;
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
	if (ended && p->over_tls && p->tlsf->flood_kind) {
		/* tls.c stopped a flood of TLS messages after the handshake */
		if (p->ans->accepted < 0)
			facts_set_startup_failure(p->ans, STARTUP_FAIL_FLOOD, NULL);
		probe_conn_finish(p);
		return;
	}
	if (ended) {
		const char *what = facts_startup_failures[STARTUP_FAIL_CLOSED].text;
		/* tls_client_recv recorded the alert that ended the read */
		bool alert = p->over_tls && why && p->tlsf->alert_code >= 0;
		if (p->ans->accepted < 0)
			facts_set_startup_failure(p->ans, alert ? STARTUP_FAIL_TLS_ALERT :
							  why	? STARTUP_FAIL_UNREADABLE :
								  STARTUP_FAIL_CLOSED,
						  why);
		EV(p, EV_RECV, "EOF", NULL, 0, "%s", why ? why : what);
		probe_conn_finish(p);
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
		probe_conn_finish(p);
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
		consume(p); /* the whole ErrorResponse may be here */
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
		 * response"); after an 'N' it keeps them and reads them as the
		 * start of the answer to its StartupMessage; after another
		 * reply they are only recorded */
		sf->n_after_reply = p->in.len - 1;
		sf->bytes_after_reply = xmemdup(p->in.buf + 1, sf->n_after_reply);
		EV(p, EV_RECV, "DataAfterSSLResponse", p->in.buf + 1, p->in.len - 1,
		   "%zu byte%s came with the reply%s", p->in.len - 1,
		   p->in.len == 2 ? "" : "s",
		   c == 'S' ? ", unencrypted, before the handshake (libpq refuses this)" :
		   c == 'N' ? " (libpq reads them as the start of the answer to its StartupMessage)" :
			      "");
	}
	sb_reset(&p->in);
	if (c == 'S')
		start_handshake(p);
	else
		probe_conn_finish(p);
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
		probe_conn_finish(p);
	}
}

/* The chain as the inspection holds it, one event per certificate (a
 * replay rebuilds the chain from these bytes). */
static void log_chain(struct probe *p)
{
	struct inspection *ins = p->ins;
	for (size_t i = 0; i < ins->nchain; i++) {
		/* the subject's RFC 4514 escapes keep one backslash */
		char *subject = sanitize_dn(ins->chain[i].subject ? ins->chain[i].subject :
								    "(no subject)");
		char *summary = xasprintf("certificate %zu: %s%s", i, subject,
					  ins->chain[i].parse_error ? " (GnuTLS cannot parse it)" : "");
		event_add_clean(&ins->log, probe_clock(p->run), p->name, EV_NOTE, "PeerCertificate",
				ins->chain[i].der, ins->chain[i].der_len, summary);
		free(summary);
		free(subject);
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
	log_chain(p);
	p->over_tls = true;
	queue_startup(p);
	step_send(p);
}

/* GnuTLS refused the server's handshake signature because the leaf's
 * keyUsage lacks digitalSignature; OpenSSL's client, and so libpq, does not
 * look (the purpose check in the verdict does, as X509_check_purpose
 * would). Connect again to the same address, GnuTLS told to let it go. */
static void retry_lax(struct probe *p)
{
	EV(p, EV_NOTE, "KeyUsageRetry", NULL, 0,
	   "GnuTLS refuses a server key whose keyUsage lacks digitalSignature; "
	   "OpenSSL, which libpq uses, does not check it: connecting again without that check");
	tls_client_free(p->tls);
	p->tls = NULL;
	close_fd(p);
	tls_facts_free(p->tlsf);
	memset(p->tlsf, 0, sizeof(*p->tlsf));
	p->tlsf->alert_code = -1;
	p->lax_key_usage = true;
	probe_conn_start(p, p->ai);
}

static void step_handshake(struct probe *p)
{
	int rc = tls_client_handshake(p->tls);
	if (rc == 1)
		after_handshake(p);
	else if (rc < 0 && !p->lax_key_usage && tls_client_key_usage_refused(p->tls))
		retry_lax(p);
	else if (rc < 0) {
		/* a chain GnuTLS could not parse is still libpq's to judge */
		size_t had = p->ins->nchain;
		tls_client_collect_failed(p->tls, p->ins);
		if (p->ins->nchain > had)
			log_chain(p);
		probe_conn_finish(p);
	}
}

static void start_handshake(struct probe *p)
{
	char *err = NULL;
	const struct tls_hooks hooks = { tls_event, tls_wire, tls_wire_end, tls_keylog, p };
	if (tls_client_new(&p->tls, p->fd, &p->ins->target, p->tlsf, p->lax_key_usage,
			   &hooks, &err) < 0) {
		p->tlsf->error = err;
		EV(p, EV_NOTE, "TLSSetupFailed", NULL, 0, "%s", err);
		probe_conn_finish(p);
		return;
	}
	p->st = P_HANDSHAKE;
	step_handshake(p);
}

void probe_conn_step(struct probe *p)
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

short probe_conn_events(const struct probe *p)
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

void probe_conn_time_out(struct probe *p, int timeout_ms)
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
	probe_conn_finish(p);
}
