/* SPDX-License-Identifier: MIT */
/* login: the client side of PostgreSQL's password authentication, computed
 * as libpq computes it: SCRAM-SHA-256 and SCRAM-SHA-256-PLUS
 * (fe-auth-scram.c, with tls-server-end-point channel binding as
 * fe-secure-openssl.c pgtls_get_peer_certificate_hash hashes the server's
 * certificate), MD5 and cleartext (fe-auth.c pg_password_sendauth). The
 * primitives are OpenSSL's (HMAC, SHA-256, PBKDF2, MD5, RAND_bytes, base64),
 * SASLprep is libidn's. No sockets, no printing. Every buffer that held the
 * password or a key derived from it is wiped before it is freed; failures
 * come back in libpq's words. */
#ifndef PGI_LOGIN_H
#define PGI_LOGIN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOGIN_SCRAM_KEY_LEN 32 /* SHA-256 */
/* libpq computes any iteration count a server names; a probe is bounded
 * in time, so it refuses more than this (PostgreSQL's default is 4096) */
#define LOGIN_SCRAM_MAX_ITERATIONS 1000000
/* "md5" and 32 hex digits */
#define LOGIN_MD5_LEN 35

/* fe-auth-scram.c scram_init: the password as SCRAM uses it, through
 * pg_saslprep: an ASCII password as it is; one that is not valid UTF-8,
 * that SASLprep prohibits or that maps to nothing, as it is too; else
 * SASLprep's output (libidn's "SASLprep" profile, unassigned code points
 * prohibited). Heap; wipe it with login_free_secret. */
char *login_saslprep(const char *password);
/* explicit_bzero, then free. NULL is fine. */
void login_free_secret(char *s);

/* pg_password_sendauth, AUTH_REQ_MD5: pg_md5_encrypt twice, "md5" +
 * md5hex(md5hex(password + user) + salt), into out (LOGIN_MD5_LEN + 1
 * bytes, NUL-terminated). -1 when OpenSSL has no MD5. */
int login_md5(const char *password, const char *user, const uint8_t salt[4],
	      char out[LOGIN_MD5_LEN + 1]);

/* pgtls_get_peer_certificate_hash: the tls-server-end-point hash of the
 * server's certificate (DER): SHA-256 when the certificate's signature
 * digest is MD5 or SHA-1, else that digest (X509_get_signature_info,
 * EVP_get_digestbynid). Returns the hash's length, with the digest's
 * name in *digest ("SHA256") when digest is not NULL, or -1 with libpq's
 * message in *err (heap): "could not find digest for NID UNDEF" for an
 * Ed25519 signature. */
int login_cert_hash(const uint8_t *der, size_t len, uint8_t *hash, size_t size,
		    const char **digest, char **err);

/* One SCRAM exchange (fe-auth-scram.c fe_scram_state). */
struct scram;

/* scram_init. flag is the gs2 channel-binding flag libpq's
 * build_client_first_message chooses: 'p' for SCRAM-SHA-256-PLUS
 * (tls-server-end-point), 'y' for SCRAM-SHA-256 over TLS when
 * channel_binding is not disable, 'n' otherwise. */
struct scram *scram_new(const char *password, char flag);
void scram_free(struct scram *s);

/* build_client_first_message: "n,,n=USER,r=NONCE" (libpq sends USER empty:
 * the server takes the StartupMessage's). nonce NULL: 18 random bytes in
 * base64, as libpq makes it. Heap, or NULL with *err. */
char *scram_client_first(struct scram *s, const char *user, const char *nonce,
			 char **err);

/* read_server_first_message, then build_client_final_message: the
 * server-first-message in (inlen bytes, checked as scram_exchange checks
 * it), the server's certificate for 'p' (its hash is computed here, as
 * libpq computes it here). Heap client-final-message with the proof at
 * *proof_at (to the end, base64), or NULL with *err in libpq's words. */
char *scram_client_final(struct scram *s, const char *in, size_t inlen,
			 const uint8_t *cert, size_t cert_len, size_t *proof_at,
			 char **err);

/* read_server_final_message and verify_server_signature: 0 when the
 * server proved it knows the password, -1 with *err ("incorrect server
 * signature", "error received from server in SCRAM exchange: ..."). */
int scram_server_final(struct scram *s, const char *in, size_t inlen, char **err);

/* The exchange has sent its proof (the server-final-message is next). */
bool scram_proof_sent(const struct scram *s);
/* scram_client_final failed on the tool's own bound, not a libpq rule:
 * more than LOGIN_SCRAM_MAX_ITERATIONS iterations. */
bool scram_too_costly(const struct scram *s);

#endif
