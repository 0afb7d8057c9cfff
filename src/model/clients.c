/* SPDX-License-Identifier: MIT */
/* clients: the "other client stacks" matrix. For the observed chain and a
 * host name it says what libpq, pgjdbc, node-postgres, postgres.js, pgx,
 * lib/pq, the rustls-based Rust drivers, Npgsql, asyncpg and pg8000 would do
 * under their own verify-ca and verify-full (and, for a driver whose TLS mode
 * verifies nothing, that mode), and names the fact that decides. This file holds the rows,
 * one function per stack with the words of its name check, and the matrix
 * that runs them; what the rows share is clients_ctx, how each stack
 * matches one name is model/hostmatch. Every rule follows what is
 * established about each stack's code and measured behaviour; what is not
 * established is UNKNOWN, never guessed. For an OpenSSL-based stack (Node,
 * Python, .NET on Linux) the chain's trust is OpenSSL's judgement with that
 * stack's own settings (judge_chain_as); for the others it is libpq's own
 * result against the root file (trust_facts); a row adds its stack's
 * departures from it (webpki's v3-only rule, Go's and Node's name rules,
 * ...). Pure: it reads the inspection and may re-verify the chain through
 * x509 and judge; no sockets, no printing. Certificate names quoted in a rule pass
 * sanitize. */
#include "config.h"
#include "model/clients.h"
#include "model/clients_ctx.h"
#include "engine/x509.h"
#include "model/hostmatch.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *client_outcome_name(enum client_outcome o)
{
	switch (o) {
	case CLIENT_ACCEPTS:
		return "accepts";
	case CLIENT_REJECTS:
		return "rejects";
	default:
		return "unknown";
	}
}

/* OpenSSL X509_check_host / X509_check_ip, as asyncpg (Python >= 3.7,
 * hostname_checks_common_name on) and .NET on Linux for DNS names use
 * it: dNSName SANs; the CNs only when there is no dNSName SAN
 * (iPAddress SANs do not block them). */
static int names_openssl(struct clients_ctx *c, struct strbuf *why,
			 const char *fn)
{
	const struct cert_facts *l = c->leaf;
	const char *h = q(c, c->host);

	if (c->iplen)
		return clients_ip_only(c, why, fn);
	if (l->nsan_dns) {
		for (int i = 0; i < l->nsan_dns; i++)
			if (hostmatch_openssl(DNS_AT(l, i), c->host)) {
				sb_addf(why, "\"%s\" matches dNSName SAN \"%s\"", h,
					qn(c, l->san_dns, l->san_dns_len, i));
				return 1;
			}
		sb_addf(why, "%s: no dNSName SAN matches \"%s\" (", fn, h);
		clients_first_of(c, why, l->san_dns, l->san_dns_len, l->nsan_dns);
		sb_adds(why, "; CN not consulted when dNSName SANs exist; \"*\" only as a whole label with two labels after it)");
		return 0;
	}
	for (int i = 0; i < l->ncn; i++)
		if (hostmatch_openssl(CN_AT(l, i), c->host)) {
			sb_addf(why, "\"%s\" matches the CN \"%s\" (%s falls back to the CN: no dNSName SAN)",
				h, qn(c, l->cn, l->cn_len, i), fn);
			return 1;
		}
	if (l->ncn) {
		sb_addf(why, "%s: no dNSName SAN and the CN ", fn);
		clients_first_of(c, why, l->cn, l->cn_len, l->ncn);
		sb_addf(why, " does not match \"%s\"", h);
	} else {
		sb_addf(why, "%s: the certificate names no host (no dNSName SAN, no CN)", fn);
	}
	return 0;
}

/* Node tls.checkServerIdentity for the name node-postgres hands it. */
static int names_node(struct clients_ctx *c, const char *name,
		      struct strbuf *why)
{
	const struct cert_facts *l = c->leaf;
	uint8_t ip[16];
	int iplen = hostmatch_parse_ip(name, ip);
	const char *h = q(c, name);

	if (iplen) {
		if (clients_any_ip_san(c, ip, iplen)) {
			sb_addf(why, "%s matches an iPAddress SAN", h);
			return 1;
		}
		sb_addf(why, "checkServerIdentity: IP: %s is not in the cert's list of iPAddress SANs (no CN or dNSName for an IP)",
			h);
		return 0;
	}
	if (l->nsan_dns) {
		for (int i = 0; i < l->nsan_dns; i++)
			if (hostmatch_node(DNS_AT(l, i), name)) {
				sb_addf(why, "\"%s\" matches dNSName SAN \"%s\"", h,
					qn(c, l->san_dns, l->san_dns_len, i));
				return 1;
			}
		sb_addf(why, "checkServerIdentity: Host: %s. is not in the cert's altnames ", h);
		clients_first_of(c, why, l->san_dns, l->san_dns_len, l->nsan_dns);
		sb_adds(why, " (CN ignored when dNSName SANs exist)");
		return 0;
	}
	for (int i = 0; i < l->ncn; i++)
		if (hostmatch_node(CN_AT(l, i), name)) {
			sb_addf(why, "\"%s\" matches the CN \"%s\" (Node falls back to the CN: no dNSName SAN)",
				h, qn(c, l->cn, l->cn_len, i));
			return 1;
		}
	if (l->ncn) {
		sb_addf(why, "checkServerIdentity: Host: %s. is not cert's CN ", h);
		clients_first_of(c, why, l->cn, l->cn_len, l->ncn);
	} else {
		sb_adds(why, "checkServerIdentity: Cert does not contain a DNS name");
	}
	return 0;
}

/* Go VerifyHostname: IPs against iPAddress SANs, names against
 * dNSName SANs; the CN is ignored since Go 1.15. */
static int names_go(struct clients_ctx *c, struct strbuf *why)
{
	const struct cert_facts *l = c->leaf;
	const char *h = q(c, c->host);

	if (c->iplen)
		return clients_ip_only(c, why, "Go VerifyHostname compares an IP only with iPAddress SANs");
	for (int i = 0; i < l->nsan_dns; i++)
		if (hostmatch_go(DNS_AT(l, i), c->host)) {
			sb_addf(why, "\"%s\" matches dNSName SAN \"%s\"", h,
				qn(c, l->san_dns, l->san_dns_len, i));
			return 1;
		}
	if (!l->nsan_dns && !l->nsan_ip && l->ncn) {
		sb_addf(why, "Go ignores the CN since 1.15 and there is no SAN (CN \"%s\"): x509: certificate relies on legacy Common Name field",
			qn(c, l->cn, l->cn_len, 0));
		return 0;
	}
	if (!l->nsan_dns) {
		sb_addf(why, "Go VerifyHostname: no dNSName SAN for \"%s\" (CN ignored since Go 1.15)", h);
		return 0;
	}
	sb_addf(why, "Go VerifyHostname: no dNSName SAN matches \"%s\" (", h);
	clients_first_of(c, why, l->san_dns, l->san_dns_len, l->nsan_dns);
	sb_adds(why, "; CN ignored)");
	return 0;
}

/* webpki: dNSName SANs for names, iPAddress SANs for IPs, no CN.
 * rustls >= 0.21 (rustls-webpki) checks both through
 * verify_is_valid_for_subject_name; rustls 0.20 (webpki 0.22) has
 * verify_is_valid_for_dns_name only and refuses an IP host (row_tpr). */
static int names_webpki_in(struct clients_ctx *c, struct strbuf *why,
			   bool rustls020)
{
	const struct cert_facts *l = c->leaf;
	const char *h = q(c, c->host);
	const char *fn = rustls020 ? "webpki 0.22 verify_is_valid_for_dns_name (rustls 0.20)" :
				     "webpki verify_is_valid_for_subject_name (rustls >= 0.21)";

	if (c->iplen && rustls020) {
		sb_addf(why, "rustls 0.20 WebPkiVerifier::verify_server_cert refuses the IP host %s: presented server name type wasn't supported (UnsupportedNameType; webpki 0.22 verifies DNS names only)",
			h);
		return 0;
	}
	if (c->iplen) {
		int ok = clients_ip_only(c, why, "webpki verify_is_valid_for_subject_name compares an IP only with iPAddress SANs (rustls >= 0.21; rustls 0.20 refuses every IP host)");
		if (ok)
			sb_adds(why, " (webpki verify_is_valid_for_subject_name, rustls >= 0.21; rustls 0.20 refuses every IP host)");
		return ok;
	}
	for (int i = 0; i < l->nsan_dns; i++)
		if (hostmatch_webpki(DNS_AT(l, i), c->host)) {
			sb_addf(why, "\"%s\" matches dNSName SAN \"%s\"", h,
				qn(c, l->san_dns, l->san_dns_len, i));
			return 1;
		}
	if (!l->nsan_dns) {
		sb_addf(why, "%s: no dNSName SAN for \"%s\" and no CN path at all (NotValidForName)",
			fn, h);
		return 0;
	}
	sb_addf(why, "%s: no dNSName SAN matches \"%s\" (", fn, h);
	clients_first_of(c, why, l->san_dns, l->san_dns_len, l->nsan_dns);
	sb_adds(why, "; \"*\" needs two labels after it and covers one)");
	return 0;
}

static int names_webpki(struct clients_ctx *c, struct strbuf *why)
{
	return names_webpki_in(c, why, false);
}

static int names_webpki020(struct clients_ctx *c, struct strbuf *why)
{
	return names_webpki_in(c, why, true);
}

/* PGjdbcHostnameVerifier.verify: DNS and IP SANs by text, the most
 * specific CN only when there is no dNSName SAN. */
static int names_jdbc(struct clients_ctx *c, struct strbuf *why)
{
	const struct cert_facts *l = c->leaf;
	char host[256];
	size_t hl = strlen(c->host);
	const char *h;

	if (hl >= 3 && hl - 2 < sizeof(host) && c->host[0] == '[' &&
	    c->host[hl - 1] == ']') {
		memcpy(host, c->host + 1, hl - 2);
		host[hl - 2] = '\0';
	} else {
		snprintf(host, sizeof(host), "%s", c->host);
	}
	h = q(c, host);
	for (int i = 0; i < l->nsan_ip; i++) {
		char *t = hostmatch_java_ip(l->san_ip[i]);
		bool ok = hostmatch_jdbc(t, host);
		if (ok)
			sb_addf(why, "\"%s\" equals iPAddress SAN \"%s\" as Java prints it",
				h, q(c, t));
		free(t);
		if (ok)
			return 1;
	}
	for (int i = 0; i < l->nsan_dns; i++)
		if (hostmatch_jdbc(DNS_AT(l, i), host)) {
			sb_addf(why, "\"%s\" matches dNSName SAN \"%s\"", h,
				qn(c, l->san_dns, l->san_dns_len, i));
			return 1;
		}
	if (l->nsan_dns) {
		sb_addf(why, "PGjdbcHostnameVerifier: no SAN matches \"%s\" (", h);
		clients_first_of(c, why, l->san_dns, l->san_dns_len, l->nsan_dns);
		sb_adds(why, "; CN ignored when a dNSName SAN exists)");
		if (c->iplen == 16 && l->nsan_ip)
			sb_adds(why, "; Java prints IPv6 SANs uncompressed");
		return 0;
	}
	if (!l->ncn) {
		sb_addf(why, "PGjdbcHostnameVerifier: no SAN matches \"%s\" and there is no CN", h);
		return 0;
	}
	int best = 0;
	for (int i = 1; i < l->ncn; i++)
		if (hostmatch_jdbc_more_specific(l->cn[i], l->cn[best]))
			best = i;
	if (hostmatch_jdbc(CN_AT(l, best), host)) {
		sb_addf(why, "\"%s\" matches the CN \"%s\" (pgjdbc falls back to the most specific CN: no dNSName SAN)",
			h, qn(c, l->cn, l->cn_len, best));
		return 1;
	}
	sb_addf(why, "PGjdbcHostnameVerifier: no dNSName SAN and the CN \"%s\" does not match \"%s\"",
		qn(c, l->cn, l->cn_len, best), h);
	if (c->iplen == 16 && l->nsan_ip)
		sb_adds(why, " (Java prints IPv6 SANs uncompressed)");
	return 0;
}

/* .NET on Linux: an IP host matches iPAddress SAN bytes, or else a
 * CN equal to the IP text even when SANs exist; a name goes through
 * X509_check_host with NO_PARTIAL_WILDCARDS. */
static int names_dotnet(struct clients_ctx *c, struct strbuf *why)
{
	const struct cert_facts *l = c->leaf;

	if (!c->iplen)
		return names_openssl(c, why, ".NET (OpenSSL X509_check_host)");
	if (clients_any_ip_san(c, c->ip, c->iplen)) {
		sb_addf(why, "%s matches an iPAddress SAN", q(c, c->host));
		return 1;
	}
	for (int i = 0; i < l->ncn; i++)
		if (hostmatch_equal(CN_AT(l, i), c->host)) {
			sb_addf(why, "%s equals the CN (CryptoNative_CheckX509IpAddress takes a CN with the IP text)",
				q(c, c->host));
			return 1;
		}
	sb_addf(why, "CryptoNative_CheckX509IpAddress: no iPAddress SAN and no CN is %s",
		q(c, c->host));
	clients_ip_elsewhere(c, why);
	return 0;
}

static int names_openssl_py(struct clients_ctx *c, struct strbuf *why)
{
	return names_openssl(c, why, "OpenSSL X509_check_host (Python ssl)");
}

/* ---- the rows ---------------------------------------------------------- */

/* libpq: the chain against the root file and pq_verify_peer_name_
 * matches_certificate, as the verdict model has them. */
static void row_libpq(struct clients_ev *e, struct clients_ctx *c, bool full)
{
	if (!clients_start(e, c, "libpq's ssl_min_protocol_version defaults to TLSv1.2"))
		return;
	if (c->src == ROOTCERT_SYSTEM && !full) {
		ev_set(e, L_REJECT, "sslrootcert=system allows only verify-full (libpq 16+: weak sslmode; libpq 15 looks for a file named \"system\")");
		return;
	}
	if (c->src != ROOTCERT_SYSTEM && !c->file) {
		ev_set(e, L_REJECT, "root certificate file \"%s\" does not exist",
		       q(c, c->rootcert ? c->rootcert : "~/.postgresql/root.crt"));
		return;
	}
	if (c->src == ROOTCERT_SYSTEM && c->cls == CC_OK)
		ev_ok(e, "chain trusted by the system store (sslrootcert=system)");
	else
		clients_file_trust(e, c, P_OPENSSL, "libpq");
	if (!full)
		return;
	if (!c->host) {
		ev_set(e, L_REJECT, "host name must be specified for a verified SSL connection");
		return;
	}

	const struct trust_facts *t = &c->ins->trust;
	char *msg = NULL;
	int ok;
	if (t->name_checked && t->name_ok >= 0 && hostmatch_equal(t->name_host, c->host)) {
		ok = t->name_ok;
		msg = t->name_error ? xstrdup(t->name_error) : NULL;
	} else {
		ok = x509_name_check(c->leaf->der, c->leaf->der_len, c->host, &msg);
	}
	if (ok == 1) {
		/* which identity libpq used: SANs of the host's type when any
		 * exist, else the first CN (x509.c) */
		const struct cert_facts *l = c->leaf;
		const char *via;
		if (!x509_host_is_ip(c->host))
			via = l->nsan_dns ? "a dNSName SAN" :
					    "the CN (libpq falls back to it: no dNSName SAN)";
		else if (l->nsan_ip)
			via = "an iPAddress SAN";
		else
			via = "a name with the address text (libpq compares dNSName SANs and, with no iPAddress SAN, the CN as text)";
		ev_ok(e, "\"%s\" matches %s", q(c, c->host), via);
	} else {
		ev_set(e, L_REJECT, "%s", q(c, msg ? msg : "host name check failed"));
	}
	free(msg);
}

/* pgjdbc with LibPQFactory: sslrootcert (default
 * ~/.postgresql/root.crt) into PKIX anchors, no JDK cacerts, no "system". */
static void row_jdbc(struct clients_ev *e, struct clients_ctx *c, bool full)
{
	if (!clients_start(e, c, "JDK 17 disables TLS 1.0/1.1 (jdk.tls.disabledAlgorithms)"))
		return;
	if (c->src == ROOTCERT_SYSTEM) {
		ev_set(e, L_REJECT, "no sslrootcert=system in pgjdbc: LibPQFactory opens a file named \"system\" (Could not open SSL root certificate file)");
		return;
	}
	if (c->src == ROOTCERT_ENV) {
		ev_set(e, L_UNKNOWN, "the root file comes from PGSSLROOTCERT; whether pgjdbc reads it was not verified against the driver (LibPQFactory reads sslrootcert, default ~/.postgresql/root.crt)");
	} else if (!c->file) {
		ev_set(e, L_REJECT, "Could not open SSL root certificate file %s (LibPQFactory: no fallback to the JDK cacerts)",
		       q(c, c->rootcert ? c->rootcert : "~/.postgresql/root.crt"));
		return;
	} else {
		/* PKIXValidator.engineValidate: a chain whose first certificate
		 * is itself a trust anchor is trusted as it is (pgjdbc 42.5.5 on
		 * Java 17 connects with the leaf alone as sslrootcert) */
		if (c->leaf_pinned == 1)
			ev_ok(e, "the leaf is in \"%s\": JDK PKIX trusts a chain whose first certificate is a trust anchor (PKIXValidator)",
			      q(c, c->rootcert));
		else if (c->leaf_pinned < 0 && c->cls == CC_NO_ANCHOR)
			ev_set(e, L_UNKNOWN, "\"%s\" holds no self-signed CA and cannot be read again to see whether it holds the leaf, which the JDK would trust as it is",
			       q(c, c->rootcert));
		else
			clients_file_trust(e, c, P_JDK, "JDK PKIX");
	}
	if (c->md5_subject)
		ev_set(e, L_REJECT, "MD5 signature on \"%s\" (jdk.certpath.disabledAlgorithms)",
		       q(c, c->md5_subject));
	if (c->min_rsa && c->min_rsa < 1024)
		ev_set(e, L_REJECT, "RSA-%d key on \"%s\" (JDK: RSA keySize < 1024 disabled)",
		       c->min_rsa, q(c, c->min_rsa_subject));
	clients_leaf_eku(e, c, P_JDK, "JDK PKIX");
	/* JSSE's X509TrustManagerImpl -> EndEntityChecker.checkTLSServer: a
	 * key that signs the handshake (TLS 1.3, ECDHE) needs digitalSignature
	 * when keyUsage is present (pgjdbc 42.5.5 on Java 17, tests/clients) */
	const struct cert_facts *l = c->leaf;
	if (l->nkey_usage && !has(l->key_usage, l->nkey_usage, "digitalSignature"))
		ev_set(e, L_REJECT, "the leaf's keyUsage lacks digitalSignature: \"KeyUsage does not allow digital signatures\" (JDK EndEntityChecker; the TLS 1.3 or ECDHE handshake signs with the key)");
	if (full)
		clients_name_step(e, c, names_jdbc, NULL);
}

/* Node's tls.connect with a ca option: tls.createSecureContext puts the ca
 * certificates alone into the context's own X509_STORE
 * (SecureContext::AddCACert: ca replaces the bundled roots), sets no
 * X509_V_FLAG_PARTIAL_CHAIN (allowPartialTrustChain is off by default) and
 * reads no CRL unless given one; OpenSSL's ssl_verify_cert_chain runs
 * X509_verify_cert. Node 20 bundles OpenSSL 3.0 and reads only the
 * nodejs_conf section of openssl.cnf, so the compiled-in security level 1
 * holds (Debian's SECLEVEL=2 default does not reach it: RSA-1024 connects,
 * tests/clients/drivers.sh). */
static const struct judge_settings node_tls = { 1, false, false, false };
#define NODE_TLS_HOW "Node tls.connect -> SecureContext with ca as the only roots, OpenSSL X509_verify_cert, no partial chains, no CRL"

/* What Node's OpenSSL refuses whatever the roots (the bundled Mozilla set):
 * at level 1, SHA-1 and MD5 signatures (OpenSSL 3.0 rates them below 80
 * bits: "CA signature digest algorithm too weak", tests/clients) and
 * RSA < 1024. */
static void node_default_store(struct clients_ev *e, struct clients_ctx *c)
{
	clients_validity(e, c);
	clients_weak_crypto(e, c, "Node's OpenSSL 3.0 at security level 1",
			    "below OpenSSL's level 1");
}

enum node_variant { NODE_CA_DEFAULT, NODE_CA_COMPAT, NODE_FULL };

/* node-postgres: pg-connection-string turns sslrootcert into
 * ssl.ca (replacing Node's bundled CAs); default parsing treats verify-ca
 * as verify-full, uselibpqcompat makes checkServerIdentity a no-op; Node's
 * OpenSSL checks the chain. */
static void row_node(struct clients_ev *e, struct clients_ctx *c,
		     enum node_variant v)
{
	bool full = v != NODE_CA_COMPAT;

	if (!clients_start(e, c, "Node's tls.DEFAULT_MIN_VERSION is TLSv1.2"))
		return;
	if (c->src == ROOTCERT_SYSTEM) {
		ev_set(e, L_REJECT, "pg-connection-string reads sslrootcert=system as a file named \"system\" (no special case)");
		return;
	}
	if (c->src == ROOTCERT_PARAM && !c->file) {
		ev_set(e, L_REJECT, "pg-connection-string cannot read sslrootcert \"%s\"",
		       q(c, c->rootcert));
		return;
	}
	if (c->src == ROOTCERT_PARAM) {
		clients_openssl_trust(e, c, &node_tls, P_OPENSSL, "Node", NODE_TLS_HOW);
		/* OpenSSL 3.2 raised the compiled-in level to 2 (Node >= 24.5) */
		if (c->min_rsa >= 1024 && c->min_rsa < 2048)
			ev_ok(e, "RSA-%d key on \"%s\": Node 20 (OpenSSL 3.0, level 1) takes it; Node >= 24.5 (OpenSSL 3.2, level 2) would refuse it",
			      c->min_rsa, q(c, c->min_rsa_subject));
	} else if (v == NODE_CA_COMPAT) {
		if (c->src == ROOTCERT_ENV)
			ev_set(e, L_UNKNOWN, "uselibpqcompat verify-ca needs sslrootcert; whether pg reads PGSSLROOTCERT was not verified against the driver");
		else
			ev_set(e, L_REJECT, "uselibpqcompat verify-ca throws without sslrootcert in the connection string (pg does not read ~/.postgresql/root.crt)");
		return;
	} else {
		ev_set(e, L_UNKNOWN, "no sslrootcert in the connection string%s: Node checks against its bundled Mozilla CA set, which this tool does not hold",
		       c->src == ROOTCERT_ENV ? " (pg reading PGSSLROOTCERT was not verified against the driver)" : "");
		node_default_store(e, c);
	}
	clients_leaf_eku(e, c, P_OPENSSL, "Node");
	if (!full)
		return;
	if (!c->host) {
		ev_set(e, L_UNKNOWN, "no host name to check");
		return;
	}

	/* pg 8.23.1 (run by tests/clients/drivers.sh) hands an IP host to
	 * tls.connect as host, so Node checks the IP; pg <= 8.23.0 set
	 * servername only for non-IP hosts and never passed host, so Node
	 * checked "localhost" instead (#2263, fixed by PR #3756) */
	struct strbuf why = STRBUF_INIT, old = STRBUF_INIT;
	const char *tag = v == NODE_CA_DEFAULT ?
				  " (pg-connection-string's default parsing treats verify-ca as verify-full)" :
				  "";
	if (c->iplen) {
		int now_ok = names_node(c, c->host, &why);
		int old_ok = names_node(c, "localhost", &old);
		const char *before = old_ok == now_ok ? (old_ok ? "accepted too" : "rejected too") :
					   (old_ok ? "accepted" : "rejected");
		if (now_ok)
			ev_ok(e, "pg 8.23.1 checks the IP host itself: %s; pg <= 8.23.0 checked \"localhost\" instead (#2263) and %s%s",
			      sb_str(&why), before, tag);
		else
			ev_set(e, L_REJECT, "pg 8.23.1 checks the IP host itself: %s; pg <= 8.23.0 checked \"localhost\" instead (#2263) and %s%s",
			       sb_str(&why), before, tag);
	} else if (names_node(c, c->host, &why)) {
		ev_ok(e, "%s%s", sb_str(&why), tag);
	} else {
		ev_set(e, L_REJECT, "%s%s", sb_str(&why), tag);
	}
	sb_free(&why);
	sb_free(&old);
}

#define GO_FLOOR "Go's client minimum is TLS 1.2 (Go >= 1.18)"

/* Go crypto/x509 Certificate.Verify (Go 1.19, as in Debian 12; version
 * ranges named where they matter) for a root file when file (else the
 * caller has judged the roots): a leaf that is itself in Roots is taken as
 * it is, with no chain and no signature checked (measured: pgx 4.15.0 and
 * lib/pq 1.10.7 connect with the leaf alone, not self-signed, as the root
 * file); otherwise the file's verdict, intermediates need
 * BasicConstraintsValid && IsCA, the EKU (ServerAuth when KeyUsages is
 * empty) is enforced down the chain, SHA-1 and MD5 signatures fail. */
static void go_verify(struct clients_ev *e, struct clients_ctx *c, bool file)
{
	const struct cert_facts *l = c->leaf;
	int pinned = file ? c->leaf_pinned : 0;

	if (pinned == 1) {
		ev_ok(e, "the leaf is in \"%s\": Go's x509 Verify takes a leaf that is itself in the root pool as it is (Roots.contains), no chain built",
		      q(c, c->rootcert));
		if ((l->not_after && c->now > l->not_after) ||
		    (l->not_before && c->now < l->not_before))
			ev_set(e, L_REJECT, "the leaf is outside its validity period (x509: certificate has expired or is not yet valid)");
		clients_leaf_eku(e, c, P_GO, "Go");
		return;
	}
	if (file && pinned < 0 && c->cls == CC_NO_ANCHOR)
		ev_set(e, L_UNKNOWN, "\"%s\" holds no self-signed CA and cannot be read again to see whether it holds the leaf, which Go would take as it is",
		       q(c, c->rootcert));
	else if (file)
		clients_file_trust(e, c, P_GO, "Go");
	for (size_t i = 1; i < c->n; i++) {
		const struct cert_facts *cf = &c->chain[i];
		if (cf->self_signed)
			continue;
		if (cf->ca != 1)
			ev_set(e, L_REJECT, "intermediate \"%s\" is not a CA (Go needs basicConstraints CA:TRUE)",
			       q(c, cf->subject));
		if (cf->next_key_usage &&
		    !has(cf->ext_key_usage, cf->next_key_usage, "serverAuth") &&
		    !has(cf->ext_key_usage, cf->next_key_usage, "anyExtendedKeyUsage"))
			ev_set(e, L_REJECT, "intermediate \"%s\" has an EKU without serverAuth (Go checkChainForKeyUsage enforces it down the chain)",
			       q(c, cf->subject));
	}
	clients_weak_crypto(e, c, "Go >= 1.18 refuses SHA-1 signatures",
			    "Go >= 1.24 refuses RSA < 1024; Go 1.19 to 1.23 have no floor");
	clients_leaf_eku(e, c, P_GO, "Go");
}

/* The three modes the Go drivers' rows answer for. */
enum go_mode { GO_REQUIRE, GO_CA, GO_FULL };

/* pgx (pgconn configTLS): sslrootcert, PGSSLROOTCERT or
 * ~/.postgresql/root.crt when it exists (pgconn defaultSettings), else the
 * Go system pool; verify-ca is InsecureSkipVerify plus a
 * VerifyPeerCertificate that calls x509 Verify without a DNSName;
 * verify-full sets ServerName; require is verify-ca when sslrootcert is
 * set (the home default included), else it verifies nothing.
 * sslrootcert=system (pgx >= 5.7.0) silently becomes verify-full with the
 * system pool; pgx v4 and v5 < 5.7.0 read a file named "system". */
static void row_pgx(struct clients_ev *e, struct clients_ctx *c, enum go_mode m)
{
	bool full = m == GO_FULL, sys_full = false;

	if (!clients_start(e, c, GO_FLOOR))
		return;
	if (m == GO_REQUIRE && (c->src == ROOTCERT_NONE ||
				(c->src == ROOTCERT_DEFAULT && !c->file))) {
		ev_ok(e, "no sslrootcert and no ~/.postgresql/root.crt: pgx's require verifies nothing (configTLS: InsecureSkipVerify)");
		return;
	}
	if (m == GO_REQUIRE)
		ev_ok(e, "require with sslrootcert verifies like verify-ca (configTLS)");
	if (c->src == ROOTCERT_SYSTEM) {
		sys_full = !full;
		if (c->cls == CC_OK)
			ev_ok(e, "chain trusted by the system store (Go's system pool, taken as the OS bundle libpq's check used)");
		else
			clients_file_trust(e, c, P_GO, "Go");
		ev_ok(e, "pgx >= 5.7.0 reads sslrootcert=system as the system pool; pgx v4 and v5 < 5.7.0 open a file named \"system\" (configTLS: unable to read CA file)");
	} else if (c->file) {
		/* go_verify judges the file */
	} else if ((c->src == ROOTCERT_PARAM || c->src == ROOTCERT_ENV) &&
		   c->rootcert) {
		ev_set(e, L_REJECT, "pgx cannot read sslrootcert \"%s\" (configTLS: unable to read CA file)",
		       q(c, c->rootcert));
		return;
	} else {
		ev_set(e, L_UNKNOWN, "no root file: pgx verifies against the Go system pool, which this tool does not hold");
		clients_validity(e, c);
	}
	go_verify(e, c, c->file);
	if (full || sys_full)
		clients_name_step(e, c, names_go,
				  sys_full ? " (sslrootcert=system: pgx >= 5.7.0 forces verify-full)" : NULL);
	else
		ev_ok(e, "the name is not checked (configTLS verify-ca: VerifyPeerCertificate calls x509 Verify without a DNSName)");
}

/* lib/pq 1.10.7 (ssl.go ssl): the roots are sslrootcert or PGSSLROOTCERT
 * only (no ~/.postgresql/root.crt, no sslrootcert=system before 1.12.0),
 * else the Go system pool; verify-full sets ServerName; verify-ca, and
 * require when the sslrootcert file exists, run
 * sslVerifyCertificateAuthority after the handshake, which passes the SNI
 * name as DNSName (sslsni defaults on; crypto/tls drops an IP from SNI),
 * so a DNS host is checked as in verify-full (lib/pq >= 1.10.7 before
 * 1.11.0). require without a readable root file verifies nothing. */
static void row_pq(struct clients_ev *e, struct clients_ctx *c, enum go_mode m)
{
	if (!clients_start(e, c, GO_FLOOR))
		return;
	bool named = c->src == ROOTCERT_PARAM || c->src == ROOTCERT_ENV ||
		     c->src == ROOTCERT_SYSTEM;
	if (m == GO_REQUIRE && !(named && c->file)) {
		if (!named)
			ev_ok(e, "no sslrootcert: lib/pq's require verifies nothing (ssl.go ssl: InsecureSkipVerify; lib/pq < 1.12.0 does not read ~/.postgresql/root.crt)");
		else if (c->src == ROOTCERT_SYSTEM)
			ev_ok(e, "lib/pq < 1.12.0 takes sslrootcert=system as a file named \"system\"; none exists, so require verifies nothing (ssl.go ssl drops it); lib/pq >= 1.12.0 refuses require with sslrootcert=system");
		else
			ev_ok(e, "sslrootcert \"%s\" does not exist: lib/pq's require drops it and verifies nothing (ssl.go ssl)",
			      q(c, c->rootcert));
		return;
	}
	if (c->src == ROOTCERT_SYSTEM) {
		ev_set(e, L_REJECT, "lib/pq < 1.12.0 opens a file named \"system\" (ssl.go sslCertificateAuthority: no such file)");
		return;
	}
	if (named && !c->file) {
		ev_set(e, L_REJECT, "lib/pq cannot read sslrootcert \"%s\" (ssl.go sslCertificateAuthority)",
		       q(c, c->rootcert));
		return;
	}
	if (!named) {
		ev_set(e, L_UNKNOWN, "no sslrootcert: lib/pq verifies against the Go system pool, which this tool does not hold%s",
		       c->src == ROOTCERT_DEFAULT ? " (lib/pq < 1.12.0 does not read ~/.postgresql/root.crt)" : "");
		clients_validity(e, c);
	}
	if (m == GO_REQUIRE)
		ev_ok(e, "require with an existing sslrootcert verifies like verify-ca (ssl.go ssl)");
	go_verify(e, c, named);
	if (m == GO_FULL) {
		clients_name_step(e, c, names_go, NULL);
	} else if (c->iplen) {
		ev_ok(e, "the name is not checked: crypto/tls sends no SNI for an IP, so sslVerifyCertificateAuthority's DNSName is empty");
	} else {
		clients_name_step(e, c, names_go,
				  " (lib/pq >= 1.10.7 before 1.11.0: sslVerifyCertificateAuthority passes the SNI name as DNSName, so it checks a DNS host's name as verify-full does; sslsni=0 skips that)");
	}
}

#define RUSTLS_FLOOR "rustls speaks only TLS 1.2 and 1.3"

/* webpki's certificate rules: v3 only for the end entity and the
 * intermediates (a v1 trust anchor is fine), no CA:TRUE end entity (a
 * self-signed leaf without it may be its own anchor), serverAuth if an EKU
 * is present, validity, and its algorithm list (no SHA-1, RSA 2048-8192,
 * ECDSA P-256/P-384, Ed25519). */
static void webpki_rules(struct clients_ev *e, struct clients_ctx *c)
{
	const struct cert_facts *l = c->leaf;

	if (l->version != 3)
		ev_set(e, L_REJECT, "the leaf is X.509 v%d: webpki takes only v3 (UnsupportedCertVersion)",
		       l->version);
	for (size_t i = 1; i < c->n; i++)
		if (!c->chain[i].self_signed && c->chain[i].version != 3)
			ev_set(e, L_REJECT, "intermediate \"%s\" is X.509 v%d: webpki takes only v3 (UnsupportedCertVersion)",
			       q(c, c->chain[i].subject), c->chain[i].version);
	if (l->ca == 1)
		ev_set(e, L_REJECT, "the leaf has CA:TRUE: webpki refuses a CA used as end entity (CaUsedAsEndEntity)");
	/* a self-signed leaf without CA:TRUE is its own anchor when the
	 * RootCertStore holds it: no check in webpki refuses it (only the
	 * docs of anchor_from_trusted_cert advise against it); tokio-postgres
	 * 0.7.7 + rustls 0.20.8 connects (tests/clients) */
	if (l->self_signed && l->ca != 1 && l->version == 3 && c->cls == CC_OK)
		ev_ok(e, "webpki takes the self-signed leaf as its own trust anchor (no CA:TRUE, so no CaUsedAsEndEntity; webpki 0.22 and rustls-webpki have no check against it, only advice in their docs; rustls 0.20.8 connects)");
	else if (l->self_signed && c->file && c->cls != CC_OK && c->cls != CC_UNCHECKED)
		ev_set(e, L_REJECT, "the leaf is self-signed and \"%s\" does not hold it: webpki could anchor it only at itself (UnknownIssuer)",
		       q(c, c->rootcert));
	if (c->eku == EKU_WRONG)
		ev_set(e, L_REJECT, "the leaf's EKU lacks serverAuth (webpki: required if present)");
	else if (c->eku == EKU_ANY_ONLY)
		ev_set(e, L_UNKNOWN, "the leaf's EKU is anyExtendedKeyUsage only; webpki's view is not recorded");
	if (c->sha1_subject || c->md5_subject)
		ev_set(e, L_REJECT, "%s signature on \"%s\" (not in webpki's algorithm list)",
		       c->sha1_subject ? "SHA-1" : "MD5",
		       q(c, c->sha1_subject ? c->sha1_subject : c->md5_subject));
	for (size_t i = 0; i < c->n; i++) {
		const char *k = c->chain[i].key ? c->chain[i].key : "";
		int bits = rsa_bits(k);
		if (bits && (bits < 2048 || bits > 8192))
			ev_set(e, L_REJECT, "RSA-%d key on \"%s\" (webpki takes 2048-8192 bits)",
			       bits, q(c, c->chain[i].subject));
		else if (!bits && !starts(k, "ECDSA SECP256R1") &&
			 !starts(k, "ECDSA SECP384R1") && !strstr(k, "Ed25519"))
			ev_set(e, L_UNKNOWN, "key \"%s\" on \"%s\" is outside webpki's algorithm list as read (RSA 2048-8192, ECDSA P-256/P-384, Ed25519); not verified against the driver",
			       q(c, k), q(c, c->chain[i].subject));
	}
	clients_validity(e, c);
}

enum tpr_variant { TPR_NO_CA, TPR_FULL, TPR_FULL_RUSTLS020 };

/* tokio-postgres + tokio-postgres-rustls: sslmode is only
 * disable|prefer|require and sslrootcert an unknown option; the default
 * WebPkiServerVerifier (WebPkiVerifier up to rustls 0.21) checks chain and
 * name against the application's RootCertStore. Over rustls 0.20 an IP
 * host fails before any check (tokio-postgres 0.7.7 + rustls 0.20.8 in
 * tests/clients/drivers.sh). */
static void row_tpr(struct clients_ev *e, struct clients_ctx *c,
		    enum tpr_variant v)
{
	if (v == TPR_NO_CA) {
		struct clients_ev w = { L_ACCEPT, NULL, STRBUF_INIT };
		if (c->n)
			webpki_rules(&w, c);
		ev_set(e, L_UNKNOWN, "no verify-ca: tokio-postgres knows only disable|prefer|require and the default WebPkiServerVerifier always checks the name; it takes a custom ServerCertVerifier%s%s%s",
		       w.level == L_REJECT ? ", and one built on webpki would still refuse: " : "",
		       w.level == L_REJECT ? w.why : "",
		       c->iplen ? "; over rustls 0.20 one that calls WebPkiVerifier refuses an IP host before the chain (UnsupportedNameType)" : "");
		free(w.why);
		sb_free(&w.ok);
		return;
	}
	if (!clients_start(e, c, RUSTLS_FLOOR))
		return;
	if (v == TPR_FULL_RUSTLS020 && c->iplen) {
		struct strbuf why = STRBUF_INIT;
		names_webpki020(c, &why);
		ev_set(e, L_REJECT, "%s", sb_str(&why));
		sb_free(&why);
	}
	if (c->file) {
		clients_file_trust(e, c, P_WEBPKI, "webpki");
		if (c->cls == CC_OK)
			ev_ok(e, "taking the RootCertStore to hold that file (sslrootcert is not an option here)");
	} else {
		ev_set(e, L_UNKNOWN, "no root file: the roots are whatever RootCertStore the application builds");
	}
	webpki_rules(e, c);
	clients_name_step(e, c, v == TPR_FULL_RUSTLS020 ? names_webpki020 : names_webpki, NULL);
}

/* sqlx with rustls: verify modes use webpki-roots or the OS store
 * plus every certificate of sslrootcert/PGSSLROOTCERT (not root.crt);
 * verify-ca forgives only NotValidForName. */
static void row_sqlx(struct clients_ev *e, struct clients_ctx *c, bool full)
{
	if (!clients_start(e, c, RUSTLS_FLOOR))
		return;
	if (c->src == ROOTCERT_SYSTEM) {
		ev_set(e, L_REJECT, "sqlx reads sslrootcert=system as a file named \"system\" (no special case)");
		return;
	}
	if ((c->src == ROOTCERT_PARAM || c->src == ROOTCERT_ENV) && !c->file) {
		ev_set(e, L_REJECT, "sqlx cannot read sslrootcert \"%s\"",
		       q(c, c->rootcert ? c->rootcert : ""));
		return;
	}
	if (c->file && c->src != ROOTCERT_DEFAULT) {
		if (c->cls == CC_ISSUER || c->cls == CC_NO_ANCHOR)
			ev_set(e, L_UNKNOWN, "not trusted by \"%s\", but sqlx also trusts webpki-roots/the OS store, which this tool does not hold",
			       q(c, c->rootcert));
		else
			clients_file_trust(e, c, P_WEBPKI, "webpki");
	} else {
		ev_set(e, L_UNKNOWN, "%s: sqlx verifies against webpki-roots or the OS store, which this tool does not hold",
		       c->src == ROOTCERT_DEFAULT ? "sqlx does not read ~/.postgresql/root.crt" :
						    "no sslrootcert");
	}
	webpki_rules(e, c);
	if (full)
		clients_name_step(e, c, names_webpki, NULL);
	else
		ev_ok(e, "the name is not checked (NoHostnameTlsVerifier forgives NotValidForName)");
}

/* Npgsql's SslRootValidation rebuilds the chain with an X509Chain in
 * CustomRootTrust (the root file alone, RevocationMode NoCheck unless Check
 * Certificate Revocation); on Linux .NET's OpenSslX509ChainProcessor runs
 * X509_verify_cert outside any TLS context, so no security level applies.
 * Read from Npgsql 6.0+ (NpgsqlConnector.cs) and dotnet/runtime, not run:
 * whether a non-self-signed root anchors there stays unknown (P_DOTNET). */
static const struct judge_settings dotnet_chain = { 0, false, false, false };
#define DOTNET_HOW ".NET X509Chain CustomRootTrust on Linux, OpenSSL X509_verify_cert, no CRL; read from Npgsql 6.0+ source, not run"

/* Npgsql: RootCertificate / PGSSLROOTCERT / ~/.postgresql/root.crt
 * as the only roots (CustomRootTrust), else the OS store; VerifyCA ignores
 * RemoteCertificateNameMismatch; names by .NET (Linux rules here). */
static void row_npgsql(struct clients_ev *e, struct clients_ctx *c, bool full)
{
	if (!clients_start(e, c, NULL))
		return;
	if (c->src == ROOTCERT_SYSTEM) {
		ev_set(e, L_REJECT, "Npgsql reads sslrootcert=system as a file named \"system\" (no special case)");
		return;
	}
	if ((c->src == ROOTCERT_PARAM || c->src == ROOTCERT_ENV) && !c->file) {
		ev_set(e, L_REJECT, "Npgsql cannot load the root certificate \"%s\"",
		       q(c, c->rootcert ? c->rootcert : ""));
		return;
	}
	if (c->file) {
		clients_openssl_trust(e, c, &dotnet_chain, P_DOTNET, ".NET", DOTNET_HOW);
	} else {
		ev_set(e, L_UNKNOWN, "no root file: Npgsql falls back to the OS trust store, which this tool does not consult");
		clients_validity(e, c);
	}
	/* the Linux chain policy for SHA-1, RSA-1024 and EKU is unverified */
	if (e->level == L_ACCEPT && (c->sha1_subject || (c->min_rsa && c->min_rsa < 2048)))
		ev_set(e, L_UNKNOWN, "weak signature or key in the chain: .NET's Linux policy for it is unverified (macOS refuses)");
	if (c->eku == EKU_WRONG)
		ev_set(e, L_UNKNOWN, "the leaf's EKU lacks serverAuth: .NET's Linux chain policy for it is unverified");
	if (!full) {
		ev_ok(e, "the name is not checked (VerifyCA ignores RemoteCertificateNameMismatch)");
		return;
	}
	struct strbuf why = STRBUF_INIT;
	if (!c->host) {
		ev_set(e, L_UNKNOWN, "no host name to check");
	} else if (names_dotnet(c, &why)) {
		const struct cert_facts *l = c->leaf;
		bool san = c->iplen ? clients_any_ip_san(c, c->ip, c->iplen) : l->nsan_dns > 0;
		ev_ok(e, "%s (Linux)%s", sb_str(&why),
		      san ? "" : "; on macOS Apple's policy requires a SAN and refuses this");
	} else {
		ev_set(e, L_REJECT, "%s (Linux rules)", sb_str(&why));
	}
	sb_free(&why);
}

/* asyncpg's context (connect_utils._parse_connect_dsn_and_args):
 * ssl.SSLContext(PROTOCOL_TLS_CLIENT), load_verify_locations(cafile=
 * sslrootcert), and with sslcrl (PGSSLCRL, ~/.postgresql/root.crl) the CRL
 * into the same store with VERIFY_CRL_CHECK_CHAIN; no sslcrldir. Python's
 * verify_flags stay VERIFY_X509_TRUSTED_FIRST (3.13 adds STRICT and
 * PARTIAL_CHAIN only in create_default_context, which asyncpg does not
 * use); Debian's Python takes OpenSSL's cipher defaults
 * (--with-ssl-default-suites=openssl), so the security level is the system
 * configuration's, the level libpq's SSL_CTX gets. */
static const struct judge_settings asyncpg_ssl = { -1, false, true, false };
#define ASYNCPG_SSL_HOW "Python ssl.SSLContext(PROTOCOL_TLS_CLIENT).load_verify_locations, OpenSSL X509_verify_cert, VERIFY_X509_TRUSTED_FIRST only, sslcrl but no sslcrldir"

/* asyncpg: sslrootcert/PGSSLROOTCERT/~/.postgresql/root.crt
 * only, a missing file is an error; verify-ca clears check_hostname;
 * Python's OpenSSL at security level 2 (3.10+), TLSv1.2 minimum. */
static void row_asyncpg(struct clients_ev *e, struct clients_ctx *c, bool full)
{
	if (!clients_start(e, c, "asyncpg's ssl_min_protocol_version defaults to TLSv1.2"))
		return;
	if (c->src == ROOTCERT_SYSTEM) {
		ev_set(e, L_REJECT, "root certificate file \"system\" does not exist or cannot be accessed (asyncpg has no sslrootcert=system)");
		return;
	}
	if (!c->file) {
		ev_set(e, L_REJECT, "root certificate file \"%s\" does not exist or cannot be accessed (asyncpg trusts no other store)",
		       q(c, c->rootcert ? c->rootcert : "~/.postgresql/root.crt"));
		return;
	}
	clients_openssl_trust(e, c, &asyncpg_ssl, P_OPENSSL, "Python ssl", ASYNCPG_SSL_HOW);
	clients_leaf_eku(e, c, P_OPENSSL, "Python ssl");
	if (full)
		clients_name_step(e, c, names_openssl_py, NULL);
	else
		ev_ok(e, "the name is not checked (check_hostname off below verify-full)");
}

enum pjs_variant { PJS_URL_CA, PJS_URL_FULL, PJS_CA_OPTION, PJS_REQUIRE };

/* postgres.js 3.4.x (src/index.js parseOptions, src/connection.js
 * secure()): sslmode in the URL (or the ssl option, or PGSSL; not
 * PGSSLMODE) becomes ssl. "require", "allow" and "prefer" set
 * rejectUnauthorized: false; an object is Object.assign'ed into the
 * tls.connect options; any other string ("verify-ca", "verify-full") leaves
 * Node's defaults: full verification against Node's bundled CAs.
 * sslrootcert is read only as "system" (it then means ssl "verify-full");
 * any other value stays in the URL's parameters, which go to the server
 * at startup. servername is the host unless it is an IP; Node's
 * tls.checkServerIdentity gets servername, and for an IP host (no
 * servername, no host option) "localhost" (measured with 3.4.10). */
#define PJS_ROOTCERT_PARAM "; an sslrootcert in the URL goes to the server as a startup parameter, which refuses it: unrecognized configuration parameter \"sslrootcert\""
static void row_pjs(struct clients_ev *e, struct clients_ctx *c,
		    enum pjs_variant v)
{
	if (!clients_start(e, c, "Node's tls.DEFAULT_MIN_VERSION is TLSv1.2"))
		return;
	if (v == PJS_REQUIRE) {
		ev_ok(e, "nothing is verified (postgres.js sets rejectUnauthorized: false for require, allow and prefer)%s",
		      c->src == ROOTCERT_PARAM ? PJS_ROOTCERT_PARAM : "");
		return;
	}
	if (v == PJS_CA_OPTION && c->file) {
		clients_openssl_trust(e, c, &node_tls, P_OPENSSL, "Node", NODE_TLS_HOW);
	} else if (v == PJS_CA_OPTION) {
		ev_set(e, L_UNKNOWN, "no root file to read into ssl.ca");
		node_default_store(e, c);
	} else {
		ev_set(e, L_UNKNOWN, "postgres.js checks against Node's bundled Mozilla CA set, which this tool does not hold (%s)",
		       c->src == ROOTCERT_SYSTEM ? "sslrootcert=system only turns on ssl \"verify-full\", not the system store" :
		       c->src == ROOTCERT_PARAM  ? "sslrootcert is not read" PJS_ROOTCERT_PARAM :
						   "postgres.js reads no root file");
		node_default_store(e, c);
	}
	clients_leaf_eku(e, c, P_OPENSSL, "Node");

	/* servername is unset for an IP and tls.connect gets no host: Node's
	 * checkServerIdentity then takes "localhost" (measured with 3.4.10) */
	struct strbuf why = STRBUF_INIT;
	const char *name = c->iplen ? "localhost" : c->host;
	const char *tag = v == PJS_URL_CA ? " (postgres.js hands sslmode=verify-ca to Node's defaults, which check the name)" : "";
	const char *ip = c->iplen ? " (an IP host: postgres.js sets no servername and passes no host, so Node checks \"localhost\")" : "";
	if (!c->host)
		ev_set(e, L_UNKNOWN, "no host name to check");
	else if (names_node(c, name, &why))
		ev_ok(e, "%s%s%s", sb_str(&why), ip, tag);
	else
		ev_set(e, L_REJECT, "%s%s%s", sb_str(&why), ip, tag);
	sb_free(&why);
}

/* pg8000 1.10.x (core.py Connection.__init__, the version Debian 12
 * ships): ssl=True sends SSLRequest, then ssl.wrap_socket(sock): a
 * CERT_NONE context with no host name, so nothing is verified. */
static void row_pg8000(struct clients_ev *e, struct clients_ctx *c)
{
	if (!clients_start(e, c, "Python's ssl (3.10+) sets TLSv1.2 as the minimum"))
		return;
	ev_ok(e, "nothing is verified: pg8000 1.10.x wraps the socket with ssl.wrap_socket() (CERT_NONE, no host name; gone in Python 3.12); the ssl_context of later pg8000 versions is not modelled");
}

/* ---- the matrix -------------------------------------------------------- */

enum row_kind {
	R_LIBPQ,
	R_JDBC,
	R_NODE_CA,
	R_NODE_CA_COMPAT,
	R_NODE_FULL,
	R_PGX,
	R_PGX_REQUIRE,
	R_TPR,
	R_TPR_RUSTLS020,
	R_SQLX,
	R_NPGSQL,
	R_ASYNCPG,
	R_PQ_REQUIRE,
	R_PQ,
	R_PJS_URL_CA,
	R_PJS_URL_FULL,
	R_PJS_CA_OPTION,
	R_PJS_REQUIRE,
	R_PG8000,
};

static const struct row {
	enum row_kind kind;
	bool full;
	const char *client, *mode;
} rows[] = {
	{ R_LIBPQ, false, "libpq", "sslmode=verify-ca" },
	{ R_LIBPQ, true, "libpq", "sslmode=verify-full" },
	{ R_JDBC, false, "pgjdbc", "sslmode=verify-ca (LibPQFactory)" },
	{ R_JDBC, true, "pgjdbc", "sslmode=verify-full (LibPQFactory)" },
	{ R_NODE_CA, false, "node-postgres", "sslmode=verify-ca (default parsing)" },
	{ R_NODE_CA_COMPAT, false, "node-postgres", "sslmode=verify-ca&uselibpqcompat=true" },
	{ R_NODE_FULL, true, "node-postgres", "sslmode=verify-full" },
	{ R_PGX, false, "pgx", "sslmode=verify-ca" },
	{ R_PGX, true, "pgx", "sslmode=verify-full" },
	{ R_PGX_REQUIRE, false, "pgx", "sslmode=require" },
	{ R_TPR, false, "rustls", "tokio-postgres-rustls (no verify-ca)" },
	{ R_TPR, true, "rustls", "tokio-postgres-rustls, WebPkiServerVerifier" },
	{ R_SQLX, false, "rustls", "sqlx sslmode=verify-ca" },
	{ R_SQLX, true, "rustls", "sqlx sslmode=verify-full" },
	{ R_NPGSQL, false, "Npgsql", "SslMode=VerifyCA" },
	{ R_NPGSQL, true, "Npgsql", "SslMode=VerifyFull" },
	{ R_ASYNCPG, false, "asyncpg", "sslmode=verify-ca" },
	{ R_ASYNCPG, true, "asyncpg", "sslmode=verify-full" },
	{ R_PQ_REQUIRE, false, "lib/pq", "sslmode=require" },
	{ R_PQ, false, "lib/pq", "sslmode=verify-ca" },
	{ R_PQ, true, "lib/pq", "sslmode=verify-full" },
	{ R_PJS_URL_CA, false, "postgres.js", "sslmode=verify-ca (Node's default CAs)" },
	{ R_PJS_URL_FULL, true, "postgres.js", "sslmode=verify-full (Node's default CAs)" },
	{ R_PJS_CA_OPTION, true, "postgres.js", "ssl: {ca: sslrootcert}" },
	{ R_PJS_REQUIRE, false, "postgres.js", "sslmode=require/prefer/allow" },
	{ R_PG8000, false, "pg8000", "ssl=True (pg8000 1.10.x)" },
	/* an older version's variant, last: the summaries that show the
	 * rows in order (the TUI) keep the current stacks first */
	{ R_TPR_RUSTLS020, true, "rustls", "tokio-postgres-rustls over rustls 0.20, WebPkiVerifier" },
};

/* The first certificate of the chain GnuTLS could not parse, or -1. */
static int first_unparsed(const struct clients_ctx *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->chain[i].parse_error)
			return (int)i;
	return -1;
}

void clients_evaluate(const struct inspection *ins, const char *host,
		      struct client_verdict **out, int *n)
{
	const int nrows = (int)(sizeof(rows) / sizeof(rows[0]));
	struct client_verdict *v = xcalloc((size_t)nrows, sizeof(*v));
	struct clients_ctx c;

	clients_ctx_init(&c, ins, host);
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		struct clients_ev e = { L_ACCEPT, NULL, STRBUF_INIT };

		switch (r->kind) {
		case R_LIBPQ:
			row_libpq(&e, &c, r->full);
			break;
		case R_JDBC:
			row_jdbc(&e, &c, r->full);
			break;
		case R_NODE_CA:
			row_node(&e, &c, NODE_CA_DEFAULT);
			break;
		case R_NODE_CA_COMPAT:
			row_node(&e, &c, NODE_CA_COMPAT);
			break;
		case R_NODE_FULL:
			row_node(&e, &c, NODE_FULL);
			break;
		case R_PGX:
			row_pgx(&e, &c, r->full ? GO_FULL : GO_CA);
			break;
		case R_PGX_REQUIRE:
			row_pgx(&e, &c, GO_REQUIRE);
			break;
		case R_TPR:
			row_tpr(&e, &c, r->full ? TPR_FULL : TPR_NO_CA);
			break;
		case R_TPR_RUSTLS020:
			row_tpr(&e, &c, TPR_FULL_RUSTLS020);
			break;
		case R_SQLX:
			row_sqlx(&e, &c, r->full);
			break;
		case R_NPGSQL:
			row_npgsql(&e, &c, r->full);
			break;
		case R_ASYNCPG:
			row_asyncpg(&e, &c, r->full);
			break;
		case R_PQ_REQUIRE:
			row_pq(&e, &c, GO_REQUIRE);
			break;
		case R_PQ:
			row_pq(&e, &c, r->full ? GO_FULL : GO_CA);
			break;
		case R_PJS_URL_CA:
		case R_PJS_URL_FULL:
		case R_PJS_CA_OPTION:
		case R_PJS_REQUIRE: /* in the order of enum pjs_variant */
			row_pjs(&e, &c, (enum pjs_variant)(r->kind - R_PJS_URL_CA));
			break;
		case R_PG8000:
			row_pg8000(&e, &c);
			break;
		}
		/* A certificate GnuTLS cannot parse leaves this tool without
		 * the facts the other stacks decide on; only libpq's row,
		 * which OpenSSL judges from the bytes, keeps its answer. A
		 * refusal found before it stands. */
		int bad = first_unparsed(&c);
		if (bad >= 0 && r->kind != R_LIBPQ && e.level == L_ACCEPT)
			ev_set(&e, L_UNKNOWN,
			       "certificate %d of the chain cannot be parsed by GnuTLS (%s); how %s treats it is not predicted",
			       bad, q(&c, c.chain[bad].parse_error), r->client);
		v[i].client = r->client;
		v[i].mode = r->mode;
		/* the sslmode a row answers for: require for a mode below verify-ca */
		v[i].meaning = r->kind == R_PJS_REQUIRE || r->kind == R_PG8000 ||
					       r->kind == R_PGX_REQUIRE || r->kind == R_PQ_REQUIRE ?
				       "require" :
			       r->full ? "verify-full" : "verify-ca";
		if (e.level == L_ACCEPT) {
			v[i].outcome = CLIENT_ACCEPTS;
			v[i].rule = e.ok.len ? sb_detach(&e.ok) : xstrdup("every check passes");
		} else {
			v[i].outcome = e.level == L_REJECT ? CLIENT_REJECTS : CLIENT_UNKNOWN;
			v[i].rule = e.why;
			e.why = NULL;
		}
		free(e.why);
		sb_free(&e.ok);
	}
	clients_ctx_free(&c);
	*out = v;
	*n = nrows;
}

void clients_free(struct client_verdict *v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i].rule);
	free(v);
}
