/* SPDX-License-Identifier: MIT */
/* x509_ossl: libpq's host-name check and the facts of certificates GnuTLS
 * refuses, both read through OpenSSL as libpq reads them. */
#include "config.h"
#include "engine/x509_ossl.h"
#include "engine/login.h"
#include "engine/x509.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdbool.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static X509 *parse(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = der && len <= (size_t)LONG_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
	ERR_clear_error();
	return x;
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

/* fe-secure-common.c: pq_verify_peer_name_matches_certificate_name, on
 * the ASN1_STRING's raw bytes (no conversion from BMPString or any other
 * type: libpq compares what ASN1_STRING_get0_data gives). */
static int match_name(const ASN1_STRING *s, const char *host, char **first,
		      int *examined, char **msg)
{
	const unsigned char *data = ASN1_STRING_get0_data(s);
	int len = ASN1_STRING_length(s);

	(*examined)++;
	if (!data || len < 0) {
		*msg = xstrdup("SSL certificate's name entry is missing");
		return -1;
	}
	char *name = xstrndup((const char *)data, (size_t)len);
	if (strlen(name) != (size_t)len) {
		free(name);
		*msg = xstrdup("SSL certificate's name contains embedded null");
		return -1;
	}
	int ok = strcasecmp(name, host) == 0 || wildcard_match(name, host);
	if (!*first)
		*first = name;
	else
		free(name);
	return ok;
}

/* fe-secure-common.c: pq_verify_peer_name_matches_certificate_ip */
static int match_ip(const ASN1_OCTET_STRING *s, const char *host, char **first,
		    int *examined, char **msg)
{
	const unsigned char *addr = ASN1_STRING_get0_data(s);
	int len = ASN1_STRING_length(s);
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
		return inet_pton(AF_INET6, host, &a) == 1 && memcmp(&a, addr, 16) == 0;
	}
	*msg = xasprintf("certificate contains IP address with invalid length %d", len);
	return -1;
}

/* fe-secure-openssl.c: pgtls_verify_peer_name_matches_certificate_guts.
 * The SANs as X509_get_ext_d2i decodes them (none when the extension does
 * not decode), in order; the first CN (X509_NAME_get_index_by_NID from -1)
 * only when no SAN of the host's own type (dNSName or iPAddress) exists. */
int x509_name_check(const uint8_t *der, size_t len, const char *host, char **msg)
{
	int rc = 0, examined = 0;
	bool check_cn = true;
	char *first = NULL;

	*msg = NULL;
	if (!host || !*host) {
		*msg = xstrdup("host name must be specified for a verified SSL connection");
		return -1;
	}
	X509 *peer = parse(der, len);
	if (!peer) {
		*msg = xstrdup("could not get server certificate");
		return -1;
	}
	int host_type = x509_host_is_ip(host) ? GEN_IPADD : GEN_DNS;
	GENERAL_NAMES *sans = X509_get_ext_d2i(peer, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
		if (gn->type == host_type)
			check_cn = false;
		if (gn->type == GEN_DNS)
			rc = match_name(gn->d.dNSName, host, &first, &examined, msg);
		else if (gn->type == GEN_IPADD)
			rc = match_ip(gn->d.iPAddress, host, &first, &examined, msg);
		else
			continue;
		if (rc != 0) {
			check_cn = false;
			break;
		}
	}
	GENERAL_NAMES_free(sans);
	if (check_cn) {
		const X509_NAME *subject = X509_get_subject_name(peer);
		int at = subject ? X509_NAME_get_index_by_NID(subject, NID_commonName, -1) : -1;
		if (at >= 0) {
			X509_NAME_ENTRY *e = X509_NAME_get_entry(subject, at);
			rc = match_name(X509_NAME_ENTRY_get_data(e), host, &first, &examined, msg);
		}
	}
	X509_free(peer);
	ERR_clear_error();
	if (rc == 0) {
		if (examined > 1)
			*msg = xasprintf(
				"server certificate for \"%s\" (and %d other name%s) does not match host name \"%s\"",
				first, examined - 1, examined - 1 == 1 ? "" : "s", host);
		else if (examined == 1)
			*msg = xasprintf("server certificate for \"%s\" does not match host name \"%s\"",
					 first, host);
		else
			*msg = xstrdup("could not get server's host name from server certificate");
	}
	free(first);
	return rc;
}

static char *name_text(const X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *out = NULL, *p;
	if (b && n && X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253) >= 0) {
		long l = BIO_get_mem_data(b, &p);
		out = xstrndup(p, (size_t)l);
	}
	BIO_free(b);
	return out;
}

static time_t time_of(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return (time_t)-1;
	return timegm(&tm);
}

static char *hex_of(const unsigned char *p, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addhex(&sb, p, n, 0);
	return sb_detach(&sb);
}

/* "RSA 2048", "EC 256", "ED25519": the key as OpenSSL names it */
static char *key_text(X509 *x)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	if (!k)
		return NULL;
	const char *type = OBJ_nid2sn(EVP_PKEY_get_base_id(k));
	return xasprintf("%s %d", type ? type : "unknown", EVP_PKEY_get_bits(k));
}

static const struct {
	uint32_t bit;
	const char *name;
} ku_bits[] = {
	{ KU_DIGITAL_SIGNATURE, "digitalSignature" }, { KU_NON_REPUDIATION, "nonRepudiation" },
	{ KU_KEY_ENCIPHERMENT, "keyEncipherment" },   { KU_DATA_ENCIPHERMENT, "dataEncipherment" },
	{ KU_KEY_AGREEMENT, "keyAgreement" },         { KU_KEY_CERT_SIGN, "keyCertSign" },
	{ KU_CRL_SIGN, "cRLSign" },                   { KU_ENCIPHER_ONLY, "encipherOnly" },
	{ KU_DECIPHER_ONLY, "decipherOnly" },
};

/* Every CN of the subject in UTF-8 (ASN1_STRING_to_UTF8 converts a
 * BMPString or UniversalString), every byte kept: an embedded NUL too. */
static void add_cns(X509 *x, struct cert_facts *out)
{
	const X509_NAME *subject = X509_get_subject_name(x);
	for (int at = -1; subject && (at = X509_NAME_get_index_by_NID(subject, NID_commonName, at)) >= 0;) {
		unsigned char *utf8 = NULL;
		int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at)));
		if (n >= 0)
			cert_name_add(&out->cn, &out->cn_len, &out->ncn, (const char *)utf8, (size_t)n);
		OPENSSL_free(utf8);
	}
}

void x509_ossl_cns(const uint8_t *der, size_t len, struct cert_facts *out)
{
	X509 *x = parse(der, len);
	if (x)
		add_cns(x, out);
	X509_free(x);
}

void x509_ossl_facts(const uint8_t *der, size_t len, struct cert_facts *out)
{
	X509 *x = parse(der, len);
	if (!x)
		return;
	out->subject = name_text(X509_get_subject_name(x));
	out->issuer = name_text(X509_get_issuer_name(x));
	const ASN1_INTEGER *serial = X509_get0_serialNumber(x);
	if (serial)
		out->serial = hex_of(ASN1_STRING_get0_data(serial),
				     (size_t)ASN1_STRING_length(serial));
	add_cns(x, out);
	GENERAL_NAMES *sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
		const unsigned char *d = gn->type == GEN_DNS || gn->type == GEN_IPADD ?
						 ASN1_STRING_get0_data(gn->d.ia5) : NULL;
		int n = d ? ASN1_STRING_length(gn->d.ia5) : -1;
		char ip[INET6_ADDRSTRLEN];
		if (!d || n < 0)
			continue;
		if (gn->type == GEN_DNS)
			cert_name_add(&out->san_dns, &out->san_dns_len, &out->nsan_dns,
				      (const char *)d, (size_t)n);
		else if ((n == 4 && inet_ntop(AF_INET, d, ip, sizeof(ip))) ||
			 (n == 16 && inet_ntop(AF_INET6, d, ip, sizeof(ip))))
			strlist_add(&out->san_ip, &out->nsan_ip, ip);
		else {
			char *h = hex_of(d, (size_t)n);
			strlist_add(&out->san_ip, &out->nsan_ip, h);
			free(h);
		}
	}
	GENERAL_NAMES_free(sans);
	out->not_before = time_of(X509_get0_notBefore(x));
	out->not_after = time_of(X509_get0_notAfter(x));
	out->key = key_text(x);
	const char *sig = OBJ_nid2ln(X509_get_signature_nid(x));
	out->signature = sig ? xstrdup(sig) : NULL;
	out->version = (int)X509_get_version(x) + 1;
	/* X509_get_extension_flags caches the extensions, as the verifier does */
	uint32_t flags = X509_get_extension_flags(x);
	out->ca = X509_get_ext_by_NID(x, NID_basic_constraints, -1) < 0 ? -1 : !!(flags & EXFLAG_CA);
	out->self_signed = (flags & EXFLAG_SS) != 0;
	uint32_t ku = X509_get_key_usage(x);
	if (flags & EXFLAG_KUSAGE)
		for (size_t k = 0; k < sizeof(ku_bits) / sizeof(*ku_bits); k++)
			if (ku & ku_bits[k].bit)
				strlist_add(&out->key_usage, &out->nkey_usage, ku_bits[k].name);
	static const struct {
		uint32_t bit;
		const char *name;
	} xku_bits[] = {
		{ XKU_SSL_SERVER, "serverAuth" },  { XKU_SSL_CLIENT, "clientAuth" },
		{ XKU_CODE_SIGN, "codeSigning" },  { XKU_SMIME, "emailProtection" },
		{ XKU_TIMESTAMP, "timeStamping" }, { XKU_OCSP_SIGN, "OCSPSigning" },
		{ XKU_ANYEKU, "anyExtendedKeyUsage" },
	};
	uint32_t xku = X509_get_extended_key_usage(x);
	if (flags & EXFLAG_XKUSAGE)
		for (size_t k = 0; k < sizeof(xku_bits) / sizeof(*xku_bits); k++)
			if (xku & xku_bits[k].bit)
				strlist_add(&out->ext_key_usage, &out->next_key_usage, xku_bits[k].name);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	if (X509_digest(x, EVP_sha256(), md, &mdlen))
		out->sha256 = hex_of(md, mdlen);
	X509_free(x);
	ERR_clear_error();
}

char *x509_ossl_cbind_error(const uint8_t *der, size_t len, const char **digest)
{
	/* one rule: the hash --login computes (engine/login.c) */
	uint8_t hash[EVP_MAX_MD_SIZE];
	char *err = NULL;
	login_cert_hash(der, len, hash, sizeof(hash), digest, &err);
	return err;
}
