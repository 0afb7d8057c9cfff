/* SPDX-License-Identifier: MIT */
/* x509_ossl: what libpq reads of a certificate through OpenSSL, where
 * GnuTLS would read it differently or not at all: libpq's host-name check
 * (OpenSSL's view of the SANs and the raw CN, as libpq compares them), and
 * the facts of a certificate GnuTLS cannot parse. No sockets, no printing. */
#ifndef PGI_X509_OSSL_H
#define PGI_X509_OSSL_H
#include <stddef.h>
#include <stdint.h>
#include "engine/inspection.h"

/* libpq's host-name check (fe-secure-openssl.c
 * pgtls_verify_peer_name_matches_certificate_guts, the messages of
 * fe-secure-common.c pq_verify_peer_name_matches_certificate): 1 match,
 * 0 mismatch, -1 error. For 0 and -1, *msg is the heap message libpq
 * would print. */
int x509_name_check(const uint8_t *der, size_t len, const char *host,
		    char **msg);

/* The subject's CNs as OpenSSL reads them, into out->cn and cn_len: in
 * UTF-8, every byte kept (GnuTLS's DN strings turn a CN holding a NUL into
 * "#hex"). */
void x509_ossl_cns(const uint8_t *der, size_t len, struct cert_facts *out);

/* The facts OpenSSL reads of a DER certificate (d2i_X509), into *out whose
 * der, der_len and parse_error are set: names, validity, key, signature,
 * basicConstraints, usages, fingerprint. Facts it cannot read stay
 * NULL / -1. */
void x509_ossl_facts(const uint8_t *der, size_t len, struct cert_facts *out);

/* libpq's tls-server-end-point hash for SCRAM-SHA-256-PLUS
 * (fe-secure-openssl.c pgtls_get_peer_certificate_hash): NULL when OpenSSL
 * finds the digest (SHA-256 for a certificate signed with MD5 or SHA-1,
 * else the signature's own), else the heap message libpq appends, e.g.
 * "could not find digest for NID UNDEF" for an Ed25519 signature. When
 * digest is not NULL it gets the digest's name ("SHA256"). */
char *x509_ossl_cbind_error(const uint8_t *der, size_t len, const char **digest);

#endif
