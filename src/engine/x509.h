/* SPDX-License-Identifier: MIT */
/* x509: certificate facts through GnuTLS's X.509 API, chain verification
 * configured to agree with libpq's OpenSSL check, and libpq's host-name
 * rules. No sockets, no printing. */
#ifndef PGI_X509_H
#define PGI_X509_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "engine/inspection.h"
#include "engine/x509_ossl.h"

/* Fill *out from one DER certificate: 0 when GnuTLS read it, 1 when it
 * could not (*err and out->parse_error say why, and the facts are what
 * OpenSSL could read), -1 with *err when nothing could be allocated. */
int x509_cert_facts(const uint8_t *der, size_t len, struct cert_facts *out,
		    char **err);

/* "Now" for x509_verify: the present, on GnuTLS's own clock. Any other
 * time is set on GnuTLS's global clock for the call, under a lock, which
 * stalls every handshake in the process meanwhile: tests and replays only. */
#define X509_NOW ((time_t)0)
/* The time to judge these trust facts at again: when they were judged
 * (a replay's recorded time), else the present. */
#define X509_JUDGED_AT(tr) ((tr)->verified_at > 0 ? (tr)->verified_at : X509_NOW)

/* Verify ins->chain against ins->trust.rootcert (a PEM file, as libpq's
 * SSL_CTX_load_verify_locations reads it) and the CRLs of ins->trust.crl
 * and crldir at time now, and fill ins->trust as judge_chain does. */
void x509_verify_chain(struct inspection *ins, time_t now);
/* The same for any chain and trust source: tr->rootcert, source and
 * rootcert_exists are the input; the rest of *tr is the result. The
 * verdict model re-checks a chain this way for a root file other than the
 * probed one, without reconnecting. */
void x509_verify(const struct cert_facts *chain, size_t nchain,
		 struct trust_facts *tr, time_t now);

/* libpq's IP-literal test for host names (fe-secure-openssl.c
 * is_ip_address): inet_aton or inet_pton(AF_INET6). */
int x509_host_is_ip(const char *host);
/* The subjects of the certificates a PEM file holds (the first max), as
 * the chain's subjects are written; NULL-terminated, NULL when the file
 * cannot be read. Bounded: a file over 4 MiB is not read. */
char **x509_file_subjects(const char *path, int max);

#endif
