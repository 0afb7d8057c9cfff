/* SPDX-License-Identifier: MIT */
/* tls: one GnuTLS client session on a non-blocking socket, set up the way
 * libpq sets up its OpenSSL session (SNI, protocol range, ALPN, client
 * certificate), reporting every handshake message as an event and the
 * session's facts when done. It does not verify the chain during the
 * handshake: the facts are wanted even when a check fails (x509 judges). */
#ifndef PGI_TLS_H
#define PGI_TLS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "engine/inspection.h"

struct tls_client;

/* After the handshake, the messages GnuTLS handles inside
 * gnutls_record_recv (NewSessionTicket, KeyUpdate, HelloRequest) are
 * bounded as the PostgreSQL messages are: at most this many of one kind,
 * and this many bytes of them in all; past that the read fails and the
 * session's flood_kind says which kind flooded. */
#define TLS_MAX_POST_MESSAGES 100u
#define TLS_MAX_POST_BYTES (1u << 20)

/* Called for each handshake message and alert. */
typedef void (*tls_event_fn)(void *ctx, enum ev_dir dir, const char *kind,
			     const void *raw, size_t len, const char *summary);

/* What the session tells its owner, each with ctx. */
struct tls_hooks {
	tls_event_fn event; /* each handshake message and alert */
	/* the bytes written to (EV_SEND) or read from (EV_RECV) the socket,
	 * TLS records as they moved; may be NULL */
	void (*wire)(void *ctx, enum ev_dir dir, const void *buf, size_t len);
	/* the peer closed (reset: with a reset) */
	void (*wire_end)(void *ctx, bool reset);
	/* one NSS key log line, without its newline, as GnuTLS derives a
	 * secret (the buffer is wiped after the call); may be NULL */
	void (*keylog)(void *ctx, const char *line);
	void *ctx;
};

/* Set up a session on fd for target t; facts are written to *facts as
 * they become known. -1 with *err when GnuTLS refuses the setup (for
 * example a bad priority string). */
int tls_client_new(struct tls_client **out, int fd,
		   const struct conn_target *t, struct tls_facts *facts,
		   bool lax_key_usage, const struct tls_hooks *hooks, char **err);
/* Drive the handshake: 1 done, 0 call again when the socket is ready
 * (tls_client_wants_write says for what), -1 failed (facts->error set). */
int tls_client_handshake(struct tls_client *c);
/* The handshake failed only because the server's leaf does not allow
 * digital signatures (keyUsage), which GnuTLS checks and OpenSSL does not. */
bool tls_client_key_usage_refused(const struct tls_client *c);
bool tls_client_wants_write(struct tls_client *c);
/* >0 bytes moved, 0 would block (or EOF for recv: see *eof), -1 error with
 * a static GnuTLS reason in *why. A fatal alert that ends a read after the
 * handshake is recorded in the facts (alert, alert_code), as one during
 * the handshake is. */
ssize_t tls_client_send(struct tls_client *c, const void *p, size_t n,
			const char **why);
ssize_t tls_client_recv(struct tls_client *c, void *p, size_t n, bool *eof,
			const char **why);
/* After a completed handshake: session facts and the peer chain (as DER,
 * facts filled through x509) into ins. */
void tls_client_collect(struct tls_client *c, struct inspection *ins);
/* After a handshake that failed because GnuTLS could not parse a
 * certificate of the server's (failure kind CERT_UNPARSABLE): the chain
 * from the Certificate message's bytes, as libpq's OpenSSL would have it,
 * into an inspection that has none yet. */
void tls_client_collect_failed(struct tls_client *c, struct inspection *ins);
/* The server's own certificate (DER) as the handshake received it, or
 * NULL; it lives as long as the session. */
const uint8_t *tls_client_peer_cert(struct tls_client *c, size_t *len);
/* The client certificate and key files as libpq's initialize_SSL reads
 * them (fe-secure-openssl.c): 0 when fine or when there is no certificate
 * file, -1 with libpq's message in *msg (missing key, key permissions,
 * unreadable or mismatched files). */
int tls_client_files_check(const struct conn_target *t, char **msg);

/* Send close_notify without waiting, then free. The fd is not closed. */
void tls_client_free(struct tls_client *c);

#endif
