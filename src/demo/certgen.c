/* SPDX-License-Identifier: MIT */
/* certgen: demo certificates through GnuTLS's X.509 writing API. */
#include "config.h"
#include "demo/certgen.h"
#include "util/xalloc.h"
#include <arpa/inet.h>
#include <gnutls/crypto.h>
#include <gnutls/x509-ext.h>
#include <stdio.h>
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
	for (int i = 0; i < spec->pad_ous; i++) {
		char ou[101];
		memset(ou, 'a' + i % 26, 100);
		ou[100] = '\0';
		gnutls_x509_crt_set_dn_by_oid(out->crt, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, 0,
					      ou, 100);
	}
	if (spec->raw_cn)
		gnutls_x509_crt_set_dn_by_oid(out->crt, GNUTLS_OID_X520_COMMON_NAME, 0,
					      spec->raw_cn, (unsigned)spec->raw_cn_len);
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
	/* all names into one extension, encoded once (appending one by one
	 * re-encodes the whole list each time) */
	gnutls_subject_alt_names_t sans;
	gnutls_subject_alt_names_init(&sans);
	unsigned nsans = 0;
	for (char **p = spec->dns; p && *p; p++, nsans++) {
		gnutls_datum_t d = { (unsigned char *)*p, (unsigned)strlen(*p) };
		gnutls_subject_alt_names_set(sans, GNUTLS_SAN_DNSNAME, &d, NULL);
	}
	if (spec->raw_san) {
		gnutls_datum_t d = { (unsigned char *)spec->raw_san, (unsigned)spec->raw_san_len };
		gnutls_subject_alt_names_set(sans, GNUTLS_SAN_DNSNAME, &d, NULL);
		nsans++;
	}
	for (int i = 0; i < spec->extra_sans; i++, nsans++) {
		char name[64];
		int n = snprintf(name, sizeof(name), "n%05d.x", i);
		gnutls_datum_t d = { (unsigned char *)name, (unsigned)n };
		gnutls_subject_alt_names_set(sans, GNUTLS_SAN_DNSNAME, &d, NULL);
	}
	for (char **p = spec->ip; p && *p; p++) {
		unsigned char addr[16];
		unsigned len = 0;
		if (inet_pton(AF_INET, *p, addr) == 1)
			len = 4;
		else if (inet_pton(AF_INET6, *p, addr) == 1)
			len = 16;
		if (!len) {
			*err = xasprintf("bad IP address \"%s\" for a subjectAltName", *p);
			gnutls_subject_alt_names_deinit(sans);
			certgen_free(out);
			return -1;
		}
		gnutls_datum_t d = { addr, len };
		gnutls_subject_alt_names_set(sans, GNUTLS_SAN_IPADDRESS, &d, NULL);
		nsans++;
	}
	if (nsans) {
		gnutls_datum_t ext;
		if (gnutls_x509_ext_export_subject_alt_names(sans, &ext) >= 0) {
			gnutls_x509_crt_set_extension_by_oid(out->crt, "2.5.29.17", ext.data,
							     ext.size, 0);
			gnutls_free(ext.data);
		}
	}
	gnutls_subject_alt_names_deinit(sans);
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
