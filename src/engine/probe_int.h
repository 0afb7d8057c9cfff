/* SPDX-License-Identifier: MIT */
/* probe_int: what the two halves of the probe engine share: one probe's
 * connection state machine (probe_conn.c) and the run that resolves the
 * name, drives the probes and keeps their clock (probe.c). Private to
 * src/engine/probe*.c. */
#ifndef PGI_PROBE_INT_H
#define PGI_PROBE_INT_H
#include "engine/probe.h"
#include "engine/tls.h"
#include "util/oserror.h"
#include "util/strbuf.h"
#include <netdb.h>
#include <time.h>

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
	/* out as the journal keeps it: a secret as '*' (--login), or NULL
	 * when out holds none */
	uint8_t *out_shown;
	struct strbuf in;
	struct tls_client *tls;
	bool over_tls;
	bool auth_ok;
	struct startup_answer *ans;
	struct connect_fact *conn;
	struct inspection *ins;
	struct probe_run *run;   /* the run it belongs to (its clock) */
	bool lax_key_usage;      /* the second attempt, keyUsage left alone */
	double connect_start;
	const struct addrinfo *ai; /* the address being tried; ai_next next */
	int nmsgs;               /* backend messages read */
	size_t nbytes;           /* and their bytes */
	struct scram *scram;     /* --login: the SCRAM exchange in flight */
	/* --login: the request this probe answers only once the probe libpq
	 * tries first has ended (allow, prefer), its bytes; or NULL */
	uint8_t *parked;
	size_t parked_len;
	const char *parked_areq;
	/* --login refused this connection as one libpq would not complete
	 * (its chain, its name, its client files) */
	bool not_libpqs;
	/* the byte journal of the connection in flight (ins->wire owns it),
	 * the probe's bytes against WIRE_MAX_BYTES, and whether the bound
	 * was reached */
	struct wire_stream *ws;
	size_t wire_used;
	bool wire_full;
};

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
	/* sslkeylogfile (or SSLKEYLOGFILE): the file the TLS secrets are
	 * appended to, -1 none (or it failed: ins->keylog_error says why) */
	int keylog_fd;
	const char *keylog_path; /* the target's, or the environment's */
};

/* The run's clock in milliseconds: wall time less the time step mode held
 * it. */
double probe_clock(const struct probe_run *r);

/* An event of probe p, at the run's time. */
#define EV(p, dir, kind, raw, len, ...)                                        \
	event_add(&(p)->ins->log, probe_clock((p)->run), (p)->name, dir, kind, \
		  raw, len, __VA_ARGS__)

/* The journal (engine/wire.h): n bytes that moved on p's connection, the
 * peer's end of it, one key log line of its TLS session. */
void probe_wire(struct probe *p, enum ev_dir dir, const void *buf, size_t n);
void probe_wire_end(struct probe *p, bool reset);
void probe_keylog(struct probe *p, const char *line);

/* One probe's connection, as fe-connect.c's PQconnectPoll walks it. */
void probe_conn_start(struct probe *p, const struct addrinfo *ai);
void probe_conn_step(struct probe *p);       /* its descriptor is ready */
short probe_conn_events(const struct probe *p); /* POLLIN or POLLOUT */
void probe_conn_time_out(struct probe *p, int timeout_ms);
void probe_conn_finish(struct probe *p);     /* close, and done */
/* Send msg and read the answer after it; the output buffer is wiped once
 * it went out (it may hold a password). */
void probe_conn_send(struct probe *p, const struct strbuf *msg);
/* The same, the journal keeping shown (msg's length, a secret as '*';
 * taken over) in place of msg's bytes; shown NULL: msg's. */
void probe_conn_send_shown(struct probe *p, const struct strbuf *msg, uint8_t *shown);

/* --login (probe_login.c). The server's authentication request m, other
 * than AuthenticationOk (areq: its name as startup_answer.auth has it; raw
 * and len: the message's bytes): answer it as libpq would, wait for the
 * probe libpq tries first, or refuse and close. true when the probe is
 * done reading for now (it sent, waits or closed). */
struct pgwire_msg;
bool probe_login_answer(struct probe *p, const struct pgwire_msg *m, const char *areq,
			const uint8_t *raw, size_t len);
/* A probe that waits for the probe libpq tries first (allow, prefer):
 * answer, or refuse, once that one has ended. Called after each step. */
void probe_login_resume(struct probe *p);
/* In copy (of raw, the message m as received), replace what must not be
 * logged: the server's SCRAM signature. */
void probe_login_scrub(const struct pgwire_msg *m, const uint8_t *raw, uint8_t *copy);
/* The exchange is over: free its state. */
void probe_login_end(struct probe *p);

#endif
