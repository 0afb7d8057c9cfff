/* SPDX-License-Identifier: MIT */
/* x509: certificate facts, chain verification and libpq's host-name rules,
 * all through GnuTLS's X.509 API (no hand-written ASN.1). It owns how GnuTLS
 * is configured so that its verdict agrees with the OpenSSL check libpq runs;
 * it does not know about sslmodes (the verdict model decides what a failed
 * check means). */
#include "config.h"
#include "engine/x509.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
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

/* OpenSSL's X509_verify_cert_error_string() wording for the GnuTLS status
 * bit, so the reason reads as libpq's users see it elsewhere. */
static enum chain_failure status_failure(unsigned status)
{
	if (status & GNUTLS_CERT_EXPIRED)
		return CHAIN_FAIL_EXPIRED;
	if (status & GNUTLS_CERT_NOT_ACTIVATED)
		return CHAIN_FAIL_NOT_YET_VALID;
	if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
		return CHAIN_FAIL_SIGNATURE;
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
		return CHAIN_FAIL_ISSUER_UNKNOWN;
	if (status & GNUTLS_CERT_SIGNER_NOT_CA)
		return CHAIN_FAIL_NOT_CA;
	if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
		return CHAIN_FAIL_PURPOSE;
	if (status & GNUTLS_CERT_REVOKED)
		return CHAIN_FAIL_REVOKED;
	if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
		return CHAIN_FAIL_INSECURE;
	return CHAIN_FAIL_OTHER;
}

/* Record a failed chain: its code, its gap and their text. */
static void chain_fails(struct trust_facts *tr, enum chain_failure c,
			enum chain_gap gap, const char *detail)
{
	tr->chain_ok = 0;
	tr->chain_code = c;
	tr->chain_gap = gap;
	free(tr->chain_error);
	tr->chain_error = facts_chain_failure_message(c, gap, detail);
}

/* OpenSSL's SSL-server purpose test of the leaf (v3_purp.c,
 * check_purpose_ssl_server, xku_reject): an extended key usage, when
 * present, must list serverAuth or one of the old SGC purposes. GnuTLS
 * also takes anyExtendedKeyUsage, and the self-signed leaf decided below
 * never reaches GnuTLS; psql 15 refuses both. */
static int leaf_purpose_ok(const struct cert_facts *leaf)
{
	static const char *const ok[] = {
		"serverAuth",
		"2.16.840.1.113730.4.1",  /* Netscape SGC */
		"1.3.6.1.4.1.311.10.3.3", /* Microsoft SGC */
	};
	if (leaf->next_key_usage == 0)
		return 1;
	for (int i = 0; i < leaf->next_key_usage; i++)
		for (size_t k = 0; k < sizeof(ok) / sizeof(*ok); k++)
			if (!strcmp(leaf->ext_key_usage[i], ok[k]))
				return 1;
	return 0;
}

/* GnuTLS verifies at the time its global clock gives. A caller that asks
 * for another time (a test, a replay) points that clock here for the one
 * call, under the lock; at the present time (every live inspection, the
 * fleet's threads) the clock is left alone and nothing is shared. */
static pthread_mutex_t clock_lock = PTHREAD_MUTEX_INITIALIZER;
static time_t verify_time;

static time_t verify_clock(time_t *t)
{
	if (t)
		*t = verify_time;
	return verify_time;
}

/* Read the PEM root file as SSL_CTX_load_verify_locations would: every
 * certificate in it; none at all is an error. */
static int load_roots(const char *path, gnutls_x509_crt_t **certs,
		      unsigned *n, char **err)
{
	gnutls_datum_t data;
	struct stat st;
	/* a device or a huge file is no root file (and a replayed log may
	 * name anything) */
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (16 << 20)) {
		*err = xasprintf("could not read \"%s\": not a regular file of a sensible size",
				 path);
		return -1;
	}
	int rc = gnutls_load_file(path, &data);
	if (rc < 0) {
		*err = xasprintf("could not read \"%s\": %s", path,
				 gnutls_strerror(rc));
		return -1;
	}
	rc = gnutls_x509_crt_list_import2(certs, n, &data, GNUTLS_X509_FMT_PEM,
					  0);
	gnutls_free(data.data);
	if (rc < 0 || *n == 0) {
		*err = xasprintf("no certificate found in \"%s\"%s%s", path,
				 rc < 0 ? ": " : "",
				 rc < 0 ? gnutls_strerror(rc) : "");
		*n = 0;
		return -1;
	}
	return 0;
}

void x509_verify(const struct cert_facts *chain, size_t nchain,
		 struct trust_facts *tr, time_t now)
{
	gnutls_x509_crt_t *roots = NULL, *list = NULL;
	unsigned nroots = 0;
	size_t nlist = 0;
	gnutls_x509_trust_list_t tl = NULL;
	char *err = NULL;
	bool own_clock = now != X509_NOW;
	if (!own_clock)
		now = time(NULL);

	free(tr->chain_error);
	tr->chain_error = NULL;
	tr->chain_code = CHAIN_FAIL_NONE;
	tr->chain_gap = CHAIN_GAP_NONE;
	tr->chain_ok = -1;
	if (nchain == 0 || !tr->rootcert ||
	    (!tr->rootcert_exists && tr->source != ROOTCERT_SYSTEM))
		return;
	if (tr->source == ROOTCERT_SYSTEM) {
		/* libpq 16+: SSL_CTX_set_default_verify_paths */
		tr->rootcert_certs = -1;
	} else if (load_roots(tr->rootcert, &roots, &nroots, &err) < 0) {
		tr->rootcert_certs = -1;
		free(tr->rootcert_error);
		tr->rootcert_error = err;
		chain_fails(tr, CHAIN_FAIL_ROOT_UNREADABLE, CHAIN_GAP_NONE, NULL);
		return;
	} else {
		tr->rootcert_certs = (int)nroots;
	}

	/* The peer chain, then the root file's non-self-signed certificates:
	 * OpenSSL may build a path through any certificate in its store, but
	 * without X509_V_FLAG_PARTIAL_CHAIN (libpq never sets it) only a
	 * self-signed one ends a path. GnuTLS trusts every certificate in a
	 * trust list, so only self-signed ones go there. */
	list = xcalloc(nchain + nroots, sizeof(*list));
	for (size_t i = 0; i < nchain; i++) {
		gnutls_datum_t d = { chain[i].der,
				     (unsigned)chain[i].der_len };
		if (gnutls_x509_crt_init(&list[nlist]) < 0)
			break;
		if (gnutls_x509_crt_import(list[nlist], &d,
					   GNUTLS_X509_FMT_DER) < 0) {
			char num[24];
			gnutls_x509_crt_deinit(list[nlist]);
			snprintf(num, sizeof(num), "%zu", i);
			chain_fails(tr, CHAIN_FAIL_UNPARSABLE, CHAIN_GAP_NONE, num);
			goto out;
		}
		nlist++;
	}
	gnutls_x509_trust_list_init(&tl, 0);
	if (tr->source == ROOTCERT_SYSTEM) {
		gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
	}
	int anchors = 0, leaf_listed = 0;
	for (unsigned i = 0; i < nroots; i++) {
		gnutls_datum_t rd;
		if (chain[0].self_signed &&
		    gnutls_x509_crt_export2(roots[i], GNUTLS_X509_FMT_DER, &rd) >= 0) {
			leaf_listed |= rd.size == chain[0].der_len &&
				       !memcmp(rd.data, chain[0].der, rd.size);
			gnutls_free(rd.data);
		}
		if (is_self_signed(roots[i])) {
			/* the trust list takes ownership */
			gnutls_x509_trust_list_add_cas(tl, &roots[i], 1, 0);
			roots[i] = NULL;
			anchors++;
		} else {
			list[nlist++] = roots[i];
			roots[i] = NULL;
		}
	}

	/* A self-signed leaf listed in the root file is its own anchor for
	 * OpenSSL even without the CA flag; GnuTLS wants a CA, so this one case
	 * is decided here: the file holds the very certificate, and only its
	 * purpose and validity period are left to check. */
	if (leaf_listed) {
		if (!leaf_purpose_ok(&chain[0]))
			chain_fails(tr, CHAIN_FAIL_PURPOSE, CHAIN_GAP_NONE, NULL);
		else if (now < chain[0].not_before)
			chain_fails(tr, CHAIN_FAIL_NOT_YET_VALID, CHAIN_GAP_NONE, NULL);
		else if (now > chain[0].not_after)
			chain_fails(tr, CHAIN_FAIL_EXPIRED, CHAIN_GAP_NONE, NULL);
		else
			tr->chain_ok = 1;
		goto out;
	}

	gnutls_typed_vdata_st vdata = {
		.type = GNUTLS_DT_KEY_PURPOSE_OID,
		.data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER,
	};
	unsigned status = 0;
	/* DO_NOT_ALLOW_SAME: a leaf that merely appears in the root file is
	 * not trusted unless a path leads to a self-signed anchor (OpenSSL). */
	unsigned flags = GNUTLS_VERIFY_DO_NOT_ALLOW_SAME;
	if (own_clock) {
		pthread_mutex_lock(&clock_lock);
		verify_time = now;
		gnutls_global_set_time_function(verify_clock);
	}
	int rc = gnutls_x509_trust_list_verify_crt2(tl, list, (unsigned)nlist,
						    &vdata, 1, flags, &status,
						    NULL);
	if (own_clock) {
		gnutls_global_set_time_function(time); /* GnuTLS's default */
		pthread_mutex_unlock(&clock_lock);
	}
	if (rc < 0) {
		chain_fails(tr, CHAIN_FAIL_NOT_RUN, CHAIN_GAP_NONE,
			    gnutls_strerror(rc));
	} else if (status == 0 && !leaf_purpose_ok(&chain[0])) {
		chain_fails(tr, CHAIN_FAIL_PURPOSE, CHAIN_GAP_NONE, NULL);
	} else if (status == 0) {
		tr->chain_ok = 1;
	} else {
		gnutls_datum_t out;
		struct strbuf sb = STRBUF_INIT;
		enum chain_gap gap = CHAIN_GAP_NONE;
		if ((status & GNUTLS_CERT_SIGNER_NOT_FOUND) && nchain == 1 &&
		    !chain[0].self_signed)
			gap = CHAIN_GAP_INTERMEDIATE;
		else if ((status & GNUTLS_CERT_SIGNER_NOT_FOUND) && anchors == 0 &&
			 tr->source != ROOTCERT_SYSTEM)
			gap = CHAIN_GAP_NO_ANCHOR;
		chain_fails(tr, status_failure(status), gap, NULL);
		sb_adds(&sb, tr->chain_error);
		/* GnuTLS's own words follow, for the trust view */
		if (gnutls_certificate_verification_status_print(
			    status, GNUTLS_CRT_X509, &out, 0) >= 0) {
			sb_adds(&sb, "; GnuTLS: ");
			sb_add(&sb, out.data, out.size);
			gnutls_free(out.data);
			while (sb.len && (sb.buf[sb.len - 1] == ' ' || sb.buf[sb.len - 1] == '\n'))
				sb.buf[--sb.len] = '\0';
		}
		free(tr->chain_error);
		tr->chain_error = sb_detach(&sb);
	}
out:
	if (tl)
		gnutls_x509_trust_list_deinit(tl, 1);
	for (size_t i = 0; i < nlist; i++)
		gnutls_x509_crt_deinit(list[i]);
	free(list);
	for (unsigned i = 0; i < nroots; i++)
		if (roots[i])
			gnutls_x509_crt_deinit(roots[i]);
	gnutls_free(roots);
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
