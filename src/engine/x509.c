/* SPDX-License-Identifier: MIT */
/* x509: certificate facts through GnuTLS's X.509 API (no hand-written
 * ASN.1), libpq's IP-literal test (is_ip_address) and the entry point of
 * the chain verdict, which OpenSSL makes as libpq's initialize_SSL sets it
 * up (engine/judge.c; the host-name rules are engine/x509_ossl.c's). It
 * does not know about sslmodes (the verdict model decides what a failed
 * check means). */
#include "config.h"
#include "engine/x509.h"
#include "engine/judge.h"
#include "engine/x509_ossl.h"
#include "util/oserror.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <errno.h>
#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static char *datum_str(gnutls_datum_t *d)
{
	char *s = xstrndup((const char *)d->data, d->size);
	gnutls_free(d->data);
	d->data = NULL;
	return s;
}

static char *hexstr(const uint8_t *p, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addhex(&sb, p, n, 0);
	return sb_detach(&sb);
}

static const struct {
	const char *oid, *name;
} eku_names[] = {
	{ GNUTLS_KP_TLS_WWW_SERVER, "serverAuth" },
	{ GNUTLS_KP_TLS_WWW_CLIENT, "clientAuth" },
	{ GNUTLS_KP_CODE_SIGNING, "codeSigning" },
	{ GNUTLS_KP_EMAIL_PROTECTION, "emailProtection" },
	{ GNUTLS_KP_TIME_STAMPING, "timeStamping" },
	{ GNUTLS_KP_OCSP_SIGNING, "OCSPSigning" },
	{ GNUTLS_KP_ANY, "anyExtendedKeyUsage" },
};

static const struct {
	unsigned bit;
	const char *name;
} ku_names[] = {
	{ GNUTLS_KEY_DIGITAL_SIGNATURE, "digitalSignature" },
	{ GNUTLS_KEY_NON_REPUDIATION, "nonRepudiation" },
	{ GNUTLS_KEY_KEY_ENCIPHERMENT, "keyEncipherment" },
	{ GNUTLS_KEY_DATA_ENCIPHERMENT, "dataEncipherment" },
	{ GNUTLS_KEY_KEY_AGREEMENT, "keyAgreement" },
	{ GNUTLS_KEY_KEY_CERT_SIGN, "keyCertSign" },
	{ GNUTLS_KEY_CRL_SIGN, "cRLSign" },
	{ GNUTLS_KEY_ENCIPHER_ONLY, "encipherOnly" },
	{ GNUTLS_KEY_DECIPHER_ONLY, "decipherOnly" },
};

static char *key_desc(gnutls_x509_crt_t crt)
{
	unsigned bits = 0;
	int pk = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
	if (pk < 0)
		return xstrdup("unknown");
	if (pk == GNUTLS_PK_ECDSA) {
		gnutls_ecc_curve_t curve;
		if (gnutls_x509_crt_get_pk_ecc_raw(crt, &curve, NULL, NULL) >= 0)
			return xasprintf("ECDSA %s (%u bits)",
					 gnutls_ecc_curve_get_name(curve), bits);
	}
	if (pk == GNUTLS_PK_EDDSA_ED25519 || pk == GNUTLS_PK_EDDSA_ED448)
		return xstrdup(gnutls_pk_get_name(pk));
	return xasprintf("%s %u", gnutls_pk_get_name(pk), bits);
}

/* Self-signed the way OpenSSL means it: issuer is subject, and the
 * certificate's signature verifies with its own key. */
static int is_self_signed(gnutls_x509_crt_t crt)
{
	unsigned status = 0;
	if (gnutls_x509_crt_check_issuer(crt, crt) != 1)
		return 0;
	if (gnutls_x509_crt_verify(crt, &crt, 1,
				   GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
					   GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 |
					   GNUTLS_VERIFY_ALLOW_BROKEN,
				   &status) < 0)
		return 0;
	return !(status & GNUTLS_CERT_SIGNATURE_FAILURE);
}

int x509_cert_facts(const uint8_t *der, size_t len, struct cert_facts *out,
		    char **err)
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t d = { (unsigned char *)der, (unsigned)len };
	gnutls_datum_t s;
	int rc;

	memset(out, 0, sizeof(*out));
	out->ca = -1;
	out->not_before = out->not_after = (time_t)-1;
	out->der = xmemdup(der, len);
	out->der_len = len;
	if (gnutls_x509_crt_init(&crt) < 0) {
		*err = xstrdup("GnuTLS could not allocate a certificate");
		return -1;
	}
	rc = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER);
	if (rc < 0) {
		/* kept, with what OpenSSL reads of it: libpq's OpenSSL may
		 * take a certificate GnuTLS refuses, and judges the chain
		 * with it in its place */
		out->parse_error = xasprintf("GnuTLS cannot parse it: %s",
					     gnutls_strerror(rc));
		*err = xstrdup(out->parse_error);
		gnutls_x509_crt_deinit(crt);
		x509_ossl_facts(der, len, out);
		return 1;
	}
	if (gnutls_x509_crt_get_dn3(crt, &s, 0) >= 0)
		out->subject = datum_str(&s);
	if (gnutls_x509_crt_get_issuer_dn3(crt, &s, 0) >= 0)
		out->issuer = datum_str(&s);

	uint8_t serial[64];
	size_t sl = sizeof(serial);
	if (gnutls_x509_crt_get_serial(crt, serial, &sl) >= 0)
		out->serial = hexstr(serial, sl);

	/* every CN, with its length (a NUL inside stays), as OpenSSL reads it */
	x509_ossl_cns(der, len, out);
	for (unsigned i = 0;; i++) {
		size_t n = 0;
		unsigned type = 0, crit = 0;
		rc = gnutls_x509_crt_get_subject_alt_name2(crt, i, NULL, &n, &type, &crit);
		if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		/* every name, whatever its length (the certificate bounds
		 * it): a dNSName dropped would let a stack that reads the CN
		 * only without one consult it */
		if (rc != GNUTLS_E_SHORT_MEMORY_BUFFER)
			continue;
		char *buf = xmalloc(n + 1);
		rc = gnutls_x509_crt_get_subject_alt_name2(crt, i, buf, &n, &type, &crit);
		if (rc < 0) {
			free(buf);
			continue;
		}
		if (type == GNUTLS_SAN_DNSNAME) {
			/* every byte: the sinks show an embedded NUL as \x00 */
			cert_name_add(&out->san_dns, &out->san_dns_len, &out->nsan_dns, buf, n);
		} else if (type == GNUTLS_SAN_IPADDRESS) {
			char ip[INET6_ADDRSTRLEN];
			if ((n == 4 && inet_ntop(AF_INET, buf, ip, sizeof(ip))) ||
			    (n == 16 && inet_ntop(AF_INET6, buf, ip, sizeof(ip))))
				strlist_add(&out->san_ip, &out->nsan_ip, ip);
			else {
				char *h = hexstr((uint8_t *)buf, n);
				strlist_add(&out->san_ip, &out->nsan_ip, h);
				free(h);
			}
		}
		free(buf);
	}
	out->not_before = gnutls_x509_crt_get_activation_time(crt);
	out->not_after = gnutls_x509_crt_get_expiration_time(crt);
	out->key = key_desc(crt);
	rc = gnutls_x509_crt_get_signature_algorithm(crt);
	out->signature = xstrdup(rc >= 0 && gnutls_sign_get_name(rc) ?
					 gnutls_sign_get_name(rc) :
					 "unknown");
	out->version = gnutls_x509_crt_get_version(crt);
	unsigned crit = 0, ca = 0;
	int pathlen = -1;
	rc = gnutls_x509_crt_get_basic_constraints(crt, &crit, &ca, &pathlen);
	out->ca = rc < 0 ? -1 : (ca ? 1 : 0);
	out->self_signed = is_self_signed(crt);

	unsigned usage = 0;
	if (gnutls_x509_crt_get_key_usage(crt, &usage, &crit) >= 0)
		for (size_t k = 0; k < sizeof(ku_names) / sizeof(*ku_names); k++)
			if (usage & ku_names[k].bit)
				strlist_add(&out->key_usage, &out->nkey_usage,
					    ku_names[k].name);
	for (unsigned i = 0;; i++) {
		char oid[128];
		size_t n = sizeof(oid);
		rc = gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &n, &crit);
		if (rc < 0)
			break;
		const char *name = oid;
		for (size_t k = 0; k < sizeof(eku_names) / sizeof(*eku_names); k++)
			if (!strcmp(oid, eku_names[k].oid))
				name = eku_names[k].name;
		strlist_add(&out->ext_key_usage, &out->next_key_usage, name);
	}
	uint8_t fp[32];
	size_t fl = sizeof(fp);
	if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, fp, &fl) >= 0)
		out->sha256 = hexstr(fp, fl);
	gnutls_x509_crt_deinit(crt);
	return 0;
}

/* The chain verdict is libpq's, so OpenSSL makes it (engine/judge.c);
 * GnuTLS only read the certificates' facts above. */
void x509_verify(const struct cert_facts *chain, size_t nchain,
		 struct trust_facts *tr, time_t now)
{
	judge_chain(chain, nchain, tr, now == X509_NOW ? 0 : now);
}

void x509_verify_chain(struct inspection *ins, time_t now)
{
	x509_verify(ins->chain, ins->nchain, &ins->trust, now);
}

int x509_host_is_ip(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	return inet_aton(host, &a4) || inet_pton(AF_INET6, host, &a6) == 1;
}

char **x509_file_subjects(const char *path, int max)
{
	gnutls_datum_t data = { NULL, 0 };
	gnutls_x509_crt_t *crts = NULL;
	unsigned n = 0;
	struct stat st;
	char **out = NULL;
	int nout = 0;

	if (!path || stat(path, &st) < 0 || st.st_size > 4 * 1024 * 1024)
		return NULL;
	if (gnutls_load_file(path, &data) < 0) {
		os_note_fd_error(errno); /* its fopen's */
		return NULL;
	}
	if (gnutls_x509_crt_list_import2(&crts, &n, &data, GNUTLS_X509_FMT_PEM, 0) < 0)
		n = 0;
	out = xcalloc(1, sizeof(*out)); /* a list, even when empty */
	for (unsigned i = 0; i < n; i++) {
		gnutls_datum_t s;
		if ((int)i < max && gnutls_x509_crt_get_dn3(crts[i], &s, 0) >= 0) {
			char *dn = datum_str(&s);
			strlist_add(&out, &nout, dn);
			free(dn);
		}
		gnutls_x509_crt_deinit(crts[i]);
	}
	gnutls_free(crts);
	gnutls_free(data.data);
	return out;
}
