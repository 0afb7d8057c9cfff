/* SPDX-License-Identifier: MIT */
/* certgen: certificates made at start for the demo servers, with GnuTLS:
 * self-signed roots, intermediates and leaves with the names, validity and
 * usages a scenario asks for. No files: the caller writes what it needs. */
#ifndef PGI_CERTGEN_H
#define PGI_CERTGEN_H
#include <stdbool.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

struct certgen_spec {
	const char *dn;          /* RFC 4514 subject */
	char **dns;              /* subjectAltName dNSNames, NULL-terminated */
	char **ip;               /* subjectAltName iPAddresses (literals) */
	char **eku;              /* "serverAuth", "clientAuth"; NULL: none */
	int not_before_days;     /* relative to now */
	int not_after_days;
	bool ca;
	bool rsa;                /* RSA 2048, else ECDSA P-256 */
	/* hostile shapes for the tests: raw bytes set as they are */
	const char *raw_cn;      /* an extra CN of any bytes, or NULL */
	size_t raw_cn_len;
	const char *raw_san;     /* an extra dNSName of any bytes, or NULL */
	size_t raw_san_len;
	int pad_ous;             /* this many 100-byte OU entries in the subject */
	int extra_sans;          /* this many generated dNSNames */
	const char *ca_issuers;  /* authorityInfoAccess caIssuers URI, or NULL */
};

struct demo_cert {
	gnutls_x509_crt_t crt;
	gnutls_x509_privkey_t key;
	char *pem;               /* the certificate, PEM */
};

/* Make a certificate signed by issuer (NULL: self-signed). -1 with a
 * one-line *err (e.g. a DN GnuTLS cannot parse). */
int certgen_make(const struct certgen_spec *spec, const struct demo_cert *issuer,
		 struct demo_cert *out, char **err);
void certgen_free(struct demo_cert *c);

#endif
