/* SPDX-License-Identifier: MIT */
/* judge: libpq's trust judgement of a certificate chain, made by OpenSSL
 * as libpq configures it. GnuTLS is the TLS engine and reads each
 * certificate's facts; whether libpq would trust the chain is OpenSSL's
 * call, with the system's OpenSSL configuration (its security level
 * among it). Safe from any thread. */
#ifndef PGI_JUDGE_H
#define PGI_JUDGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "engine/inspection.h"

/* Judge chain (as the server sent it, leaf first) against tr->rootcert
 * (a PEM file, or "system" for tr->source ROOTCERT_SYSTEM) and, with a
 * root file, tr->crl and tr->crldir, at time at (0: now), and fill tr:
 * chain_ok, chain_code, chain_gap, chain_error (OpenSSL's reason with the
 * depth and subject it concerns), chain_depth and chain_subject (the
 * same, apart), revoked_at, rootcert_certs, rootcert_error, crl_checked,
 * security_level. */
void judge_chain(const struct cert_facts *chain, size_t nchain,
		 struct trust_facts *tr, time_t at);

/* Another OpenSSL-based client's own verifier settings (a stack that is
 * not libpq but verifies with X509_verify_cert: Node's tls, Python's ssl). */
struct judge_settings {
	int security_level; /* the auth level; -1: the system configuration's */
	bool partial_chain; /* X509_V_FLAG_PARTIAL_CHAIN */
	bool crl_file;      /* read tr->crl (CRL_CHECK | CRL_CHECK_ALL if it loads) */
	bool crl_dir;       /* read tr->crldir likewise */
};

/* libpq's settings: the system's level, no partial chains, the CRL file
 * and directory. */
extern const struct judge_settings judge_libpq;

/* The security level the system configuration gives a new client
 * SSL_CTX (what libpq runs at). */
int judge_system_level(void);

/* Whether the root file (as SSL_CTX_load_verify_locations read it, from
 * the same cache as the judgement) holds the certificate der: 1 yes, 0
 * no, -1 the file cannot be read or holds no certificate. A stack whose
 * root pool is a list of certificates (Go, the JDK) trusts such a leaf as
 * it is. */
int judge_root_holds(const char *rootcert, const uint8_t *der, size_t len);

/* judge_chain with settings s instead of libpq's; tr->security_level is
 * the level used. */
void judge_chain_as(const struct cert_facts *chain, size_t nchain,
		    struct trust_facts *tr, time_t at,
		    const struct judge_settings *s);

/* fe-secure-openssl.c initialize_SSL: whether SSL_use_PrivateKey_file
 * loads the client key at path (PEM, then DER) with password as
 * PQssl_passwd_cb gives sslpassword (NULL or "": none, and OpenSSL's
 * prompt reads nothing). NULL when it loads, else the reason libpq
 * prints after "could not load private key file \"F\": " (heap). */
char *judge_client_key(const char *path, const char *password);

#endif
