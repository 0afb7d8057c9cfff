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

static int generate_key(gnutls_x509_privkey_t key, bool rsa)
{
	if (rsa)
		return gnutls_x509_privkey_generate(key, GNUTLS_PK_RSA, 2048, 0);
	return gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
					    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
}

static void set_serial(gnutls_x509_crt_t crt)
{
	unsigned char serial[16];

	gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial));
	serial[0] &= 0x7f; /* positive */
	serial[0] |= 0x01; /* and no leading zero byte */
	gnutls_x509_crt_set_serial(crt, serial, sizeof(serial));
}

/* The DN, then the hostile shapes set by OID (a DN string cannot carry a
 * CN of raw bytes): long OUs and that CN. -1 with *err when the DN does
 * not parse. */
static int set_subject(gnutls_x509_crt_t crt, const struct certgen_spec *spec, char **err)
{
	const char *bad = NULL;
	int rc = gnutls_x509_crt_set_dn(crt, spec->dn, &bad);

	if (rc < 0) {
		*err = xasprintf("bad subject \"%s\": %s", spec->dn, gnutls_strerror(rc));
		return -1;
	}
	for (int i = 0; i < spec->pad_ous; i++) {
		char ou[101];
		memset(ou, 'a' + i % 26, 100);
		ou[100] = '\0';
		gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, 0,
					      ou, 100);
	}
	if (spec->raw_cn)
		gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
					      spec->raw_cn, (unsigned)spec->raw_cn_len);
	return 0;
}

static void set_usages(gnutls_x509_crt_t crt, const struct certgen_spec *spec)
{
	gnutls_x509_crt_set_basic_constraints(crt, spec->ca ? 1 : 0, -1);
	if (spec->ca)
		gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
	else
		gnutls_x509_crt_set_key_usage(crt,
					      GNUTLS_KEY_DIGITAL_SIGNATURE |
						      (spec->rsa ? GNUTLS_KEY_KEY_ENCIPHERMENT : 0));
}

static void add_dns(gnutls_subject_alt_names_t sans, const char *name, size_t len)
{
	gnutls_datum_t d = { (unsigned char *)name, (unsigned)len };
	gnutls_subject_alt_names_set(sans, GNUTLS_SAN_DNSNAME, &d, NULL);
}

/* The dNSNames: the spec's, the raw one, then the generated ones; how
 * many. */
static unsigned add_dns_sans(gnutls_subject_alt_names_t sans, const struct certgen_spec *spec)
{
	unsigned nsans = 0;

	for (char **p = spec->dns; p && *p; p++, nsans++)
		add_dns(sans, *p, strlen(*p));
	if (spec->raw_san) {
		add_dns(sans, spec->raw_san, spec->raw_san_len);
		nsans++;
	}
	for (int i = 0; i < spec->extra_sans; i++, nsans++) {
		char name[64];
		int n = snprintf(name, sizeof(name), "n%05d.x", i);
		add_dns(sans, name, (size_t)n);
	}
	return nsans;
}

/* The iPAddresses, 4 or 16 bytes as inet_pton reads the literal. -1 with
 * *err for one that is neither. */
static int add_ip_sans(gnutls_subject_alt_names_t sans, char **ip, unsigned *nsans,
		       char **err)
{
	for (char **p = ip; p && *p; p++) {
		unsigned char addr[16];
		unsigned len = 0;
		if (inet_pton(AF_INET, *p, addr) == 1)
			len = 4;
		else if (inet_pton(AF_INET6, *p, addr) == 1)
			len = 16;
		if (!len) {
			*err = xasprintf("bad IP address \"%s\" for a subjectAltName", *p);
			return -1;
		}
		gnutls_datum_t d = { addr, len };
		gnutls_subject_alt_names_set(sans, GNUTLS_SAN_IPADDRESS, &d, NULL);
		(*nsans)++;
	}
	return 0;
}

/* All names into one extension, encoded once (appending one by one
 * re-encodes the whole list each time). -1 with *err. */
static int set_sans(gnutls_x509_crt_t crt, const struct certgen_spec *spec, char **err)
{
	gnutls_subject_alt_names_t sans;
	unsigned nsans;

	gnutls_subject_alt_names_init(&sans);
	nsans = add_dns_sans(sans, spec);
	if (add_ip_sans(sans, spec->ip, &nsans, err) < 0) {
		gnutls_subject_alt_names_deinit(sans);
		return -1;
	}
	if (nsans) {
		gnutls_datum_t ext;
		if (gnutls_x509_ext_export_subject_alt_names(sans, &ext) >= 0) {
			gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.17", ext.data,
							     ext.size, 0);
			gnutls_free(ext.data);
		}
	}
	gnutls_subject_alt_names_deinit(sans);
	return 0;
}

static int set_ekus(gnutls_x509_crt_t crt, char **eku, char **err)
{
	for (char **p = eku; p && *p; p++) {
		const char *oid = eku_oid(*p);
		if (!oid) {
			*err = xasprintf("unknown extended key usage \"%s\"", *p);
			return -1;
		}
		gnutls_x509_crt_set_key_purpose_oid(crt, oid, 0);
	}
	return 0;
}

/* Key identifiers, then the signature: by the issuer, whose key ID becomes
 * the authority key ID, or by the certificate's own key for a root. */
static int sign(struct demo_cert *out, const struct demo_cert *issuer)
{
	unsigned char id[64];
	size_t idlen = sizeof(id);

	if (gnutls_x509_crt_get_key_id(out->crt, 0, id, &idlen) >= 0)
		gnutls_x509_crt_set_subject_key_id(out->crt, id, idlen);
	if (!issuer)
		return gnutls_x509_crt_sign2(out->crt, out->crt, out->key, GNUTLS_DIG_SHA256, 0);
	idlen = sizeof(id);
	if (gnutls_x509_crt_get_subject_key_id(issuer->crt, id, &idlen, NULL) >= 0)
		gnutls_x509_crt_set_authority_key_id(out->crt, id, idlen);
	return gnutls_x509_crt_sign2(out->crt, issuer->crt, issuer->key, GNUTLS_DIG_SHA256, 0);
}

static int export_pem(struct demo_cert *out)
{
	gnutls_datum_t pem;
	int rc = gnutls_x509_crt_export2(out->crt, GNUTLS_X509_FMT_PEM, &pem);

	if (rc < 0)
		return rc;
	out->pem = xstrndup((char *)pem.data, pem.size);
	gnutls_free(pem.data);
	return 0;
}

/* The validity counts from before the key is generated (an RSA key may
 * take a while). */
int certgen_make(const struct certgen_spec *spec, const struct demo_cert *issuer,
		 struct demo_cert *out, char **err)
{
	time_t now = time(NULL);
	int rc;

	memset(out, 0, sizeof(*out));
	gnutls_x509_privkey_init(&out->key);
	if ((rc = generate_key(out->key, spec->rsa)) < 0)
		goto fail;
	gnutls_x509_crt_init(&out->crt);
	gnutls_x509_crt_set_version(out->crt, 3);
	set_serial(out->crt);
	if (set_subject(out->crt, spec, err) < 0)
		goto bad;
	gnutls_x509_crt_set_activation_time(out->crt, now + (time_t)spec->not_before_days * DAY);
	gnutls_x509_crt_set_expiration_time(out->crt, now + (time_t)spec->not_after_days * DAY);
	if ((rc = gnutls_x509_crt_set_key(out->crt, out->key)) < 0)
		goto fail;
	set_usages(out->crt, spec);
	if (set_sans(out->crt, spec, err) < 0 || set_ekus(out->crt, spec->eku, err) < 0)
		goto bad;
	if (spec->ca_issuers) {
		/* where the issuer's certificate is published, as public CAs
		 * write it into their leaves */
		gnutls_datum_t uri = { (unsigned char *)spec->ca_issuers,
				       (unsigned)strlen(spec->ca_issuers) };
		if ((rc = gnutls_x509_crt_set_authority_info_access(
			     out->crt, GNUTLS_IA_CAISSUERS_URI, &uri)) < 0)
			goto fail;
	}
	if ((rc = sign(out, issuer)) < 0 || (rc = export_pem(out)) < 0)
		goto fail;
	return 0;
fail:
	*err = xasprintf("certificate generation failed: %s", gnutls_strerror(rc));
bad:
	certgen_free(out);
	return -1;
}
