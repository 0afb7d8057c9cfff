/* SPDX-License-Identifier: MIT */
/* judge: libpq's trust judgement of a certificate chain, made by OpenSSL
 * as libpq configures it. GnuTLS is the TLS engine and reads each
 * certificate's facts; whether libpq would trust the chain is OpenSSL's
 * call, with the system's OpenSSL configuration (its security level
 * among it). Safe from any thread. */
#ifndef PGI_JUDGE_H
#define PGI_JUDGE_H
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

#endif
