/* SPDX-License-Identifier: MIT */
/* auth: what libpq does with the server's authentication request, per
 * libpq release (fe-auth.c pg_fe_sendauth, check_expected_areq,
 * pg_SASL_init; fe-auth-scram.c and pgtls_get_peer_certificate_hash for
 * SCRAM-SHA-256-PLUS): answer it, refuse it with libpq's words, or accept
 * the AuthenticationOk that ends it. channel_binding, require_auth (16+),
 * sslcertmode (16+) and whether libpq has a password decide. Pure: the
 * verdict model asks it over the probe's facts, and --login asks it before
 * it answers, so the tool never sends what libpq would not. */
#ifndef PGI_AUTH_H
#define PGI_AUTH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The connection options that bear on authentication. */
struct auth_opts {
	int libpq_version;           /* 15..18 */
	const char *channel_binding; /* disable | prefer | require; NULL prefer */
	const char *require_auth;    /* as given, or NULL */
	const char *sslcertmode;     /* disable | allow | require; NULL allow */
	int password;                /* libpq has a password: 1, 0 none, -1 unknown */
};

/* The connection the request came over. */
struct auth_link {
	bool ssl_in_use;
	bool cert_requested;  /* the server sent a CertificateRequest */
	bool cert_sent;       /* and a client certificate went back */
	const uint8_t *leaf;  /* the server's certificate (DER) over TLS */
	size_t leaf_len;
	/* its signature algorithm as recorded ("RSA-SHA256", "EdDSA
	 * (Ed25519)"), for facts that lack the DER; NULL unknown */
	const char *leaf_signature;
};

enum auth_result {
	AUTH_PROCEEDS, /* libpq answers (method) or accepts the OK */
	AUTH_FAILS,    /* libpq stops: message */
	AUTH_UNKNOWN,  /* outside what the facts tell (GSSAPI, OAUTH): message says why */
};

struct auth_outcome {
	enum auth_result result;
	/* what libpq answers with: "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256",
	 * "md5", "password"; NULL when the request was AuthenticationOk or
	 * libpq refuses it (set with at_ok: libpq answers, then fails) */
	const char *method;
	/* libpq's text (no trailing newline) or the reason it is unknown;
	 * heap, NULL when it proceeds */
	char *message;
	/* the failure comes after libpq sent its first SASL message, with no
	 * password in it (the channel-binding hash is computed on the
	 * server's first answer) */
	bool after_first_message;
	/* the failure is check_expected_areq's at the AuthenticationOk that
	 * would end the exchange (sslcertmode=require, require_auth,
	 * channel_binding=require): libpq answers the request first */
	bool at_ok;
};

/* The server's first request: "ok", "cleartext", "md5", "sasl" (with its
 * mechanisms), "gss", "sspi", "kerberos", "unknown". For a request that
 * starts an exchange, a PROCEEDS outcome also passed the checks libpq
 * makes at the AuthenticationOk that would end it (sslcertmode=require,
 * require_auth, channel_binding=require); the password itself is the
 * server's to judge. */
void auth_judge(const struct auth_opts *o, const struct auth_link *l,
		const char *areq, char *const *mechs, struct auth_outcome *out);
void auth_outcome_free(struct auth_outcome *out);

#endif
