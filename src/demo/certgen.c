/* SPDX-License-Identifier: MIT */
/* certgen: demo certificates through GnuTLS's X.509 writing API. */
#include "config.h"
#include "demo/certgen.h"
#include "util/xalloc.h"
#include <arpa/inet.h>
#include <gnutls/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY (24 * 60 * 60)

static const char *eku_oid(const char *name)
{
	if (!strcmp(name, "serverAuth"))
		return GNUTLS_KP_TLS_WWW_SERVER;
	if (!strcmp(name, "clientAuth"))
		return GNUTLS_KP_TLS_WWW_CLIENT;
	return NULL;
}

void certgen_free(struct demo_cert *c)
{
	if (c->crt)
		gnutls_x509_crt_deinit(c->crt);
	if (c->key)
		gnutls_x509_privkey_deinit(c->key);
	free(c->pem);
	memset(c, 0, sizeof(*c));
}

int certgen_make(const struct certgen_spec *spec, const struct demo_cert *issuer,
		 struct demo_cert *out, char **err)
{
	const char *bad = NULL;
	int rc;
	time_t now = time(NULL);
	unsigned char serial[16], id[64];
	size_t idlen = sizeof(id);

	memset(out, 0, sizeof(*out));
	gnutls_x509_privkey_init(&out->key);
	rc = spec->rsa ? gnutls_x509_privkey_generate(out->key, GNUTLS_PK_RSA, 2048, 0) :
			 gnutls_x509_privkey_generate(out->key, GNUTLS_PK_ECDSA,
						      GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
	if (rc < 0)
		goto fail;
	gnutls_x509_crt_init(&out->crt);
	gnutls_x509_crt_set_version(out->crt, 3);
	gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial));
	serial[0] &= 0x7f; /* positive */
	serial[0] |= 0x01; /* and no leading zero byte */
	gnutls_x509_crt_set_serial(out->crt, serial, sizeof(serial));
	rc = gnutls_x509_crt_set_dn(out->crt, spec->dn, &bad);
	if (rc < 0) {
		*err = xasprintf("bad subject \"%s\": %s", spec->dn, gnutls_strerror(rc));
		certgen_free(out);
		return -1;
	}
	gnutls_x509_crt_set_activation_time(out->crt, now + (time_t)spec->not_before_days * DAY);
	gnutls_x509_crt_set_expiration_time(out->crt, now + (time_t)spec->not_after_days * DAY);
	if ((rc = gnutls_x509_crt_set_key(out->crt, out->key)) < 0)
		goto fail;
	gnutls_x509_crt_set_basic_constraints(out->crt, spec->ca ? 1 : 0, -1);
	if (spec->ca)
		gnutls_x509_crt_set_key_usage(out->crt, GNUTLS_KEY_KEY_CERT_SIGN |
								GNUTLS_KEY_CRL_SIGN);
	else
		gnutls_x509_crt_set_key_usage(out->crt,
					      GNUTLS_KEY_DIGITAL_SIGNATURE |
						      (spec->rsa ? GNUTLS_KEY_KEY_ENCIPHERMENT : 0));
	for (char **p = spec->dns; p && *p; p++)
		gnutls_x509_crt_set_subject_alt_name(out->crt, GNUTLS_SAN_DNSNAME, *p,
						     (unsigned)strlen(*p), GNUTLS_FSAN_APPEND);
	for (char **p = spec->ip; p && *p; p++) {
		unsigned char addr[16];
		unsigned len = 0;
		if (inet_pton(AF_INET, *p, addr) == 1)
			len = 4;
		else if (inet_pton(AF_INET6, *p, addr) == 1)
			len = 16;
		if (!len) {
			*err = xasprintf("bad IP address \"%s\" for a subjectAltName", *p);
			certgen_free(out);
			return -1;
		}
		gnutls_x509_crt_set_subject_alt_name(out->crt, GNUTLS_SAN_IPADDRESS, addr,
						     len, GNUTLS_FSAN_APPEND);
	}
	for (char **p = spec->eku; p && *p; p++) {
		const char *oid = eku_oid(*p);
		if (!oid) {
			*err = xasprintf("unknown extended key usage \"%s\"", *p);
			certgen_free(out);
			return -1;
		}
		gnutls_x509_crt_set_key_purpose_oid(out->crt, oid, 0);
	}
	if (gnutls_x509_crt_get_key_id(out->crt, 0, id, &idlen) >= 0)
		gnutls_x509_crt_set_subject_key_id(out->crt, id, idlen);
	if (issuer) {
		idlen = sizeof(id);
		if (gnutls_x509_crt_get_subject_key_id(issuer->crt, id, &idlen, NULL) >= 0)
			gnutls_x509_crt_set_authority_key_id(out->crt, id, idlen);
		rc = gnutls_x509_crt_sign2(out->crt, issuer->crt, issuer->key,
					   GNUTLS_DIG_SHA256, 0);
	} else {
		rc = gnutls_x509_crt_sign2(out->crt, out->crt, out->key, GNUTLS_DIG_SHA256, 0);
	}
	if (rc < 0)
		goto fail;
	gnutls_datum_t pem;
	if ((rc = gnutls_x509_crt_export2(out->crt, GNUTLS_X509_FMT_PEM, &pem)) < 0)
		goto fail;
	out->pem = xstrndup((char *)pem.data, pem.size);
	gnutls_free(pem.data);
	return 0;
fail:
	*err = xasprintf("certificate generation failed: %s", gnutls_strerror(rc));
	certgen_free(out);
	return -1;
}
