/* SPDX-License-Identifier: MIT */
/* x509: certificate facts, chain verification and libpq's host-name rules,
 * all through GnuTLS's X.509 API (no hand-written ASN.1). It owns how GnuTLS
 * is configured so that its verdict agrees with the OpenSSL check libpq runs;
 * it does not know about sslmodes (the verdict model decides what a failed
 * check means). */
#include "config.h"
#include "engine/x509.h"
#include "engine/judge.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
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
	out->der = xmemdup(der, len);
	out->der_len = len;
	if (gnutls_x509_crt_init(&crt) < 0) {
		*err = xstrdup("GnuTLS could not allocate a certificate");
		return -1;
	}
	rc = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER);
	if (rc < 0) {
		*err = xasprintf("certificate could not be parsed: %s",
				 gnutls_strerror(rc));
		gnutls_x509_crt_deinit(crt);
		return -1;
	}
	if (gnutls_x509_crt_get_dn3(crt, &s, 0) >= 0)
		out->subject = datum_str(&s);
	if (gnutls_x509_crt_get_issuer_dn3(crt, &s, 0) >= 0)
		out->issuer = datum_str(&s);

	uint8_t serial[64];
	size_t sl = sizeof(serial);
	if (gnutls_x509_crt_get_serial(crt, serial, &sl) >= 0)
		out->serial = hexstr(serial, sl);

	for (unsigned i = 0;; i++) {
		char buf[1024];
		size_t n = sizeof(buf) - 1;
		rc = gnutls_x509_crt_get_dn_by_oid(
			crt, GNUTLS_OID_X520_COMMON_NAME, i, 0, buf, &n);
		if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (rc < 0)
			continue;
		buf[n] = '\0';
		strlist_add(&out->cn, &out->ncn, buf);
	}
	for (unsigned i = 0;; i++) {
		char buf[1024];
		size_t n = sizeof(buf) - 1;
		unsigned type = 0, crit = 0;
		rc = gnutls_x509_crt_get_subject_alt_name2(crt, i, buf, &n,
							   &type, &crit);
		if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (rc < 0)
			continue;
		if (type == GNUTLS_SAN_DNSNAME) {
			/* keep embedded NULs visible: the sinks escape */
			char *v = xstrndup(buf, n);
			strlist_add(&out->san_dns, &out->nsan_dns, v);
			free(v);
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

int x509_file_holds(const char *path, const uint8_t *der, size_t len)
{
	gnutls_datum_t pem = { NULL, 0 };
	gnutls_x509_crt_t *crts = NULL;
	unsigned n = 0;
	int found = 0;

	if (!path || !der || !len || gnutls_load_file(path, &pem) < 0)
		return -1;
	if (gnutls_x509_crt_list_import2(&crts, &n, &pem, GNUTLS_X509_FMT_PEM, 0) < 0) {
		gnutls_free(pem.data);
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		gnutls_datum_t d = { NULL, 0 };
		if (!found && gnutls_x509_crt_export2(crts[i], GNUTLS_X509_FMT_DER, &d) >= 0 &&
		    d.size == len && memcmp(d.data, der, len) == 0)
			found = 1;
		gnutls_free(d.data);
		gnutls_x509_crt_deinit(crts[i]);
	}
	gnutls_free(crts);
	gnutls_free(pem.data);
	return found;
}

int x509_host_is_ip(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	return inet_aton(host, &a4) || inet_pton(AF_INET6, host, &a6) == 1;
}

/* fe-secure-common.c: wildcard_certificate_match. The pattern must begin
 * with "*." and "*" stands for one or more characters. */
static int wildcard_match(const char *pattern, const char *host)
{
	size_t lp = strlen(pattern), lh = strlen(host);
	if (lp < 3 || pattern[0] != '*' || pattern[1] != '.')
		return 0;
	if (lp > lh)
		return 0;
	const char *tail = host + (lh - (lp - 1));
	if (strcasecmp(pattern + 1, tail) != 0)
		return 0;
	/* libpq rejects a dot only before the last character the star covers,
	 * so "*.example.com" matches "a..example.com" (checked with psql 15).
	 * tail holds a dot, so strchr finds one. */
	return strchr(host, '.') >= tail - 1;
}

/* fe-secure-common.c: pq_verify_peer_name_matches_certificate_name */
static int match_dns(const char *name, size_t len, const char *host,
		     char **first, int *examined, char **msg)
{
	(*examined)++;
	if (strnlen(name, len) != len) {
		*msg = xstrdup("SSL certificate's name contains embedded null");
		return -1;
	}
	if (!*first)
		*first = xstrndup(name, len);
	char *copy = xstrndup(name, len);
	int ok = strcasecmp(copy, host) == 0 || wildcard_match(copy, host);
	free(copy);
	return ok;
}

/* fe-secure-common.c: pq_verify_peer_name_matches_certificate_ip */
static int match_ip(const uint8_t *addr, size_t len, const char *host,
		    char **first, int *examined, char **msg)
{
	char text[INET6_ADDRSTRLEN];
	(*examined)++;
	if (len == 4) {
		struct in_addr a;
		inet_ntop(AF_INET, addr, text, sizeof(text));
		if (!*first)
			*first = xstrdup(text);
		return inet_aton(host, &a) && memcmp(&a, addr, 4) == 0;
	}
	if (len == 16) {
		struct in6_addr a;
		inet_ntop(AF_INET6, addr, text, sizeof(text));
		if (!*first)
			*first = xstrdup(text);
		return inet_pton(AF_INET6, host, &a) == 1 &&
		       memcmp(&a, addr, 16) == 0;
	}
	*msg = xasprintf("certificate contains IP address with invalid length %zu",
			 len);
	return -1;
}

/* fe-secure-openssl.c: pgtls_verify_peer_name_matches_certificate_guts,
 * with the message of fe-secure-common.c:
 * pq_verify_peer_name_matches_certificate. SAN entries are walked in order;
 * the first CN is consulted only when no SAN of the host's own type (DNS
 * name or IP address) exists. */
int x509_name_check(const uint8_t *der, size_t len, const char *host,
		    char **msg)
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t d = { (unsigned char *)der, (unsigned)len };
	int rc = 0, examined = 0, check_cn = 1;
	char *first = NULL;

	*msg = NULL;
	if (!host || !*host) {
		*msg = xstrdup("host name must be specified for a verified SSL connection");
		return -1;
	}
	if (gnutls_x509_crt_init(&crt) < 0) {
		*msg = xstrdup("could not get server certificate");
		return -1;
	}
	if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		*msg = xstrdup("could not get server certificate");
		return -1;
	}
	unsigned host_type = x509_host_is_ip(host) ? GNUTLS_SAN_IPADDRESS :
						     GNUTLS_SAN_DNSNAME;
	for (unsigned i = 0;; i++) {
		char buf[1024];
		size_t n = sizeof(buf);
		unsigned type = 0, crit = 0;
		int r = gnutls_x509_crt_get_subject_alt_name2(crt, i, buf, &n,
							  &type, &crit);
		if (r == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (r < 0)
			continue;
		if (type == host_type)
			check_cn = 0;
		if (type == GNUTLS_SAN_DNSNAME)
			rc = match_dns(buf, n, host, &first, &examined, msg);
		else if (type == GNUTLS_SAN_IPADDRESS)
			rc = match_ip((uint8_t *)buf, n, host, &first, &examined,
				      msg);
		else
			continue;
		if (rc != 0) {
			check_cn = 0;
			break;
		}
	}
	if (check_cn) {
		char buf[1024];
		size_t n = sizeof(buf);
		/* only the first CN counts (X509_NAME_get_index_by_NID(-1)) */
		if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME,
						  0, 0, buf, &n) >= 0)
			rc = match_dns(buf, n, host, &first, &examined, msg);
	}
	gnutls_x509_crt_deinit(crt);
	if (rc == 0) {
		if (examined > 1)
			*msg = xasprintf(
				"server certificate for \"%s\" (and %d other name%s) does not match host name \"%s\"",
				first, examined - 1, examined - 1 == 1 ? "" : "s",
				host);
		else if (examined == 1)
			*msg = xasprintf(
				"server certificate for \"%s\" does not match host name \"%s\"",
				first, host);
		else
			*msg = xstrdup("could not get server's host name from server certificate");
	}
	free(first);
	return rc;
}
