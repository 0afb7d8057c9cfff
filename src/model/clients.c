/* SPDX-License-Identifier: MIT */
/* clients: the "other client stacks" matrix. For the observed chain and a
 * host name it says what libpq, pgjdbc, node-postgres, pgx, the rustls-based
 * Rust drivers, Npgsql and asyncpg would do under their own verify-ca and
 * verify-full, and names the fact that decides. This file holds the rows,
 * one function per stack with the words of its name check, and the matrix
 * that runs them; what the rows share is clients_ctx, how each stack
 * matches one name is model/hostmatch. Every rule follows what is
 * established about each stack's code and measured behaviour; what is not
 * established is UNKNOWN, never guessed. The chain's trust is libpq's own
 * result against the root file (trust_facts); a row adds its stack's
 * departures from it (webpki's v3-only rule, Go's and Node's name rules,
 * ...). Pure: it reads the inspection and may re-verify the chain through
 * x509; no sockets, no printing. Certificate names quoted in a rule pass
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
			if (hostmatch_openssl(l->san_dns[i], c->host)) {
				sb_addf(why, "\"%s\" matches dNSName SAN \"%s\"", h,
					q(c, l->san_dns[i]));
				return 1;
			}
		sb_addf(why, "%s: no dNSName SAN matches \"%s\" (", fn, h);
		clients_first_of(c, why, l->san_dns, l->nsan_dns);
		sb_adds(why, "; CN not consulted when dNSName SANs exist; \"*\" only as a whole label with two labels after it)");
		return 0;
	}
	for (int i = 0; i < l->ncn; i++)
		if (hostmatch_openssl(l->cn[i], c->host)) {
			sb_addf(why, "\"%s\" matches the CN \"%s\" (%s falls back to the CN: no dNSName SAN)",
				h, q(c, l->cn[i]), fn);
			return 1;
		}
	if (l->ncn) {
		sb_addf(why, "%s: no dNSName SAN and the CN ", fn);
		clients_first_of(c, why, l->cn, l->ncn);
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
			if (hostmatch_node(l->san_dns[i], name)) {
				sb_addf(why, "\"%s\" matches dNSName SAN \"%s\"", h,
					q(c, l->san_dns[i]));
				return 1;
			}
		sb_addf(why, "checkServerIdentity: Host: %s. is not in the cert's altnames ", h);
		clients_first_of(c, why, l->san_dns, l->nsan_dns);
		sb_adds(why, " (CN ignored when dNSName SANs exist)");
		return 0;
	}
	for (int i = 0; i < l->ncn; i++)
		if (hostmatch_node(l->cn[i], name)) {
			sb_addf(why, "\"%s\" matches the CN \"%s\" (Node falls back to the CN: no dNSName SAN)",
				h, q(c, l->cn[i]));
			return 1;
		}
	if (l->ncn) {
		sb_addf(why, "checkServerIdentity: Host: %s. is not cert's CN ", h);
		clients_first_of(c, why, l->cn, l->ncn);
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
		if (hostmatch_go(l->san_dns[i], c->host)) {
			sb_addf(why, "\"%s\" matches dNSName SAN \"%s\"", h,
				q(c, l->san_dns[i]));
			return 1;
		}
	if (!l->nsan_dns && !l->nsan_ip && l->ncn) {
		sb_addf(why, "Go ignores the CN since 1.15 and there is no SAN (CN \"%s\"): x509: certificate relies on legacy Common Name field",
			q(c, l->cn[0]));
		return 0;
	}
	if (!l->nsan_dns) {
		sb_addf(why, "Go VerifyHostname: no dNSName SAN for \"%s\" (CN ignored since Go 1.15)", h);
		return 0;
	}
	sb_addf(why, "Go VerifyHostname: no dNSName SAN matches \"%s\" (", h);
	clients_first_of(c, why, l->san_dns, l->nsan_dns);
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
		if (hostmatch_webpki(l->san_dns[i], c->host)) {
			sb_addf(why, "\"%s\" matches dNSName SAN \"%s\"", h,
				q(c, l->san_dns[i]));
			return 1;
		}
	if (!l->nsan_dns) {
		sb_addf(why, "%s: no dNSName SAN for \"%s\" and no CN path at all (NotValidForName)",
			fn, h);
		return 0;
	}
	sb_addf(why, "%s: no dNSName SAN matches \"%s\" (", fn, h);
	clients_first_of(c, why, l->san_dns, l->nsan_dns);
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
		if (hostmatch_jdbc(l->san_dns[i], host)) {
			sb_addf(why, "\"%s\" matches dNSName SAN \"%s\"", h,
				q(c, l->san_dns[i]));
			return 1;
		}
	if (l->nsan_dns) {
		sb_addf(why, "PGjdbcHostnameVerifier: no SAN matches \"%s\" (", h);
		clients_first_of(c, why, l->san_dns, l->nsan_dns);
		sb_adds(why, "; CN ignored when a dNSName SAN exists)");
		if (c->iplen == 16 && l->nsan_ip)
			sb_adds(why, "; Java prints IPv6 SANs uncompressed");
		return 0;
	}
	if (!l->ncn) {
		sb_addf(why, "PGjdbcHostnameVerifier: no SAN matches \"%s\" and there is no CN", h);
		return 0;
	}
	const char *cn = l->cn[0];
	for (int i = 1; i < l->ncn; i++)
		if (hostmatch_jdbc_more_specific(l->cn[i], cn))
			cn = l->cn[i];
	if (hostmatch_jdbc(cn, host)) {
		sb_addf(why, "\"%s\" matches the CN \"%s\" (pgjdbc falls back to the most specific CN: no dNSName SAN)",
			h, q(c, cn));
		return 1;
	}
	sb_addf(why, "PGjdbcHostnameVerifier: no dNSName SAN and the CN \"%s\" does not match \"%s\"",
		q(c, cn), h);
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
		if (hostmatch_equal(l->cn[i], c->host)) {
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
		ev_set(e, L_UNKNOWN, "the root file comes from PGSSLROOTCERT, which clients.md does not record pgjdbc reading (it reads sslrootcert, default ~/.postgresql/root.crt)");
	} else if (!c->file) {
		ev_set(e, L_REJECT, "Could not open SSL root certificate file %s (LibPQFactory: no fallback to the JDK cacerts)",
		       q(c, c->rootcert ? c->rootcert : "~/.postgresql/root.crt"));
		return;
	} else {
		clients_file_trust(e, c, P_JDK, "JDK PKIX");
	}
	if (c->md5_subject)
		ev_set(e, L_REJECT, "MD5 signature on \"%s\" (jdk.certpath.disabledAlgorithms)",
		       q(c, c->md5_subject));
	if (c->min_rsa && c->min_rsa < 1024)
		ev_set(e, L_REJECT, "RSA-%d key on \"%s\" (JDK: RSA keySize < 1024 disabled)",
		       c->min_rsa, q(c, c->min_rsa_subject));
	clients_leaf_eku(e, c, P_JDK, "JDK PKIX");
	if (full)
		clients_name_step(e, c, names_jdbc, NULL);
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
	/* libpq's check runs the system OpenSSL (Debian: security level 2);
	 * Node 20 bundles OpenSSL 3.0 at level 1, which takes RSA-1024 */
	bool rsa_only = !c->sha1_subject && !c->md5_subject && c->min_rsa >= 1024 &&
			c->min_rsa < 2048;
	if (c->src == ROOTCERT_PARAM && c->cls == CC_KEY_WEAK && rsa_only) {
		ev_ok(e, "chain trusted by \"%s\" at Node's security level 1 (libpq's level 2 refuses it)",
		      q(c, c->rootcert));
	} else if (c->src == ROOTCERT_PARAM) {
		clients_file_trust(e, c, P_OPENSSL, "Node");
	} else if (v == NODE_CA_COMPAT) {
		if (c->src == ROOTCERT_ENV)
			ev_set(e, L_UNKNOWN, "uselibpqcompat verify-ca needs sslrootcert; whether pg reads PGSSLROOTCERT is not recorded in clients.md");
		else
			ev_set(e, L_REJECT, "uselibpqcompat verify-ca throws without sslrootcert in the connection string (pg does not read ~/.postgresql/root.crt)");
		return;
	} else {
		ev_set(e, L_UNKNOWN, "no sslrootcert in the connection string%s: Node checks against its bundled Mozilla CA set, which this tool does not hold",
		       c->src == ROOTCERT_ENV ? " (pg reading PGSSLROOTCERT is not recorded)" : "");
		clients_validity(e, c);
	}
	/* OpenSSL 3.x rejects SHA-1 (measured); RSA < 1024 fails at any level;
	 * RSA-1024 connects on Node 20.20.2 with pg 8.23.1 (tests/clients), but
	 * Node >= 24.5 bundles OpenSSL 3.2 at level 2 */
	if (c->sha1_subject || c->md5_subject)
		ev_set(e, L_REJECT, "%s signature on \"%s\" (OpenSSL 3 security level)",
		       c->sha1_subject ? "SHA-1" : "MD5",
		       q(c, c->sha1_subject ? c->sha1_subject : c->md5_subject));
	if (c->min_rsa && c->min_rsa < 1024)
		ev_set(e, L_REJECT, "RSA-%d key on \"%s\" (below OpenSSL's level 1)",
		       c->min_rsa, q(c, c->min_rsa_subject));
	else if (c->min_rsa && c->min_rsa < 2048)
		ev_ok(e, "RSA-%d key on \"%s\": Node 20.20.2 (OpenSSL 3.0, security level 1) takes it; Node >= 24.5 (OpenSSL 3.2, level 2) would refuse it",
		      c->min_rsa, q(c, c->min_rsa_subject));
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

/* pgx: sslrootcert (default ~/.postgresql/root.crt) or the Go
 * system pool; verify-ca is x509.Verify without a DNSName (ServerAuth
 * required); verify-full sets ServerName. sslrootcert=system (>= 5.7.0)
 * silently becomes verify-full with the system pool. */
static void row_pgx(struct clients_ev *e, struct clients_ctx *c, bool full)
{
	bool sys_full = false;

	if (!clients_start(e, c, "Go's client minimum is TLS 1.2 (Go >= 1.18)"))
		return;
	if (c->src == ROOTCERT_SYSTEM) {
		sys_full = !full;
		if (c->cls == CC_OK)
			ev_ok(e, "chain trusted by the system store (Go's system pool, taken as the OS bundle libpq's check used)");
		else
			clients_file_trust(e, c, P_GO, "Go");
	} else if (c->file) {
		clients_file_trust(e, c, P_GO, "Go");
	} else if ((c->src == ROOTCERT_PARAM || c->src == ROOTCERT_ENV) &&
		   c->rootcert) {
		ev_set(e, L_REJECT, "pgx cannot read sslrootcert \"%s\"",
		       q(c, c->rootcert));
		return;
	} else {
		ev_set(e, L_UNKNOWN, "no root file: pgx verifies against the Go system pool, which this tool does not hold");
		clients_validity(e, c);
	}
	/* a self-signed leaf that is itself in Roots (unverified against
	 * the exact Go version) */
	if (c->leaf->self_signed && c->cls == CC_OK)
		ev_ok(e, "Go accepts a leaf that is itself a root (code reading)");
	/* intermediates need BasicConstraintsValid && IsCA; the EKU is
	 * enforced down the chain */
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
			ev_set(e, L_REJECT, "intermediate \"%s\" has an EKU without serverAuth (Go enforces it down the chain)",
			       q(c, cf->subject));
	}
	if (c->sha1_subject || c->md5_subject)
		ev_set(e, L_REJECT, "%s signature on \"%s\" (Go >= 1.18 refuses SHA-1 signatures)",
		       c->sha1_subject ? "SHA-1" : "MD5",
		       q(c, c->sha1_subject ? c->sha1_subject : c->md5_subject));
	if (c->min_rsa && c->min_rsa < 1024)
		ev_set(e, L_REJECT, "RSA-%d key on \"%s\" (Go >= 1.24 refuses RSA < 1024)",
		       c->min_rsa, q(c, c->min_rsa_subject));
	clients_leaf_eku(e, c, P_GO, "Go");
	if (full || sys_full)
		clients_name_step(e, c, names_go,
			  sys_full ? " (sslrootcert=system: pgx >= 5.7.0 forces verify-full)" : NULL);
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
			ev_set(e, L_UNKNOWN, "key \"%s\" on \"%s\": webpki's view of it is not known here (its list: ECDSA P-256/P-384, Ed25519, RSA 2048-8192)",
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
		clients_file_trust(e, c, P_DOTNET, ".NET");
	} else {
		ev_set(e, L_UNKNOWN, "no root file: Npgsql falls back to the OS trust store, which this tool does not consult");
		clients_validity(e, c);
	}
	/* the Linux chain policy for SHA-1, RSA-1024 and EKU is unverified */
	if (c->cls == CC_OK && (c->sha1_subject || (c->min_rsa && c->min_rsa < 2048)))
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
	clients_file_trust(e, c, P_OPENSSL, "Python ssl");
	if (c->sha1_subject || c->md5_subject)
		ev_set(e, L_REJECT, "%s signature on \"%s\" (OpenSSL 3 security level)",
		       c->sha1_subject ? "SHA-1" : "MD5",
		       q(c, c->sha1_subject ? c->sha1_subject : c->md5_subject));
	if (c->min_rsa && c->min_rsa < 2048)
		ev_set(e, L_REJECT, "RSA-%d key on \"%s\" (Python >= 3.10 runs OpenSSL at security level 2)",
		       c->min_rsa, q(c, c->min_rsa_subject));
	clients_leaf_eku(e, c, P_OPENSSL, "Python ssl");
	if (full)
		clients_name_step(e, c, names_openssl_py, NULL);
	else
		ev_ok(e, "the name is not checked (check_hostname off below verify-full)");
}

/* ---- the matrix -------------------------------------------------------- */

enum row_kind {
	R_LIBPQ,
	R_JDBC,
	R_NODE_CA,
	R_NODE_CA_COMPAT,
	R_NODE_FULL,
	R_PGX,
	R_TPR,
	R_TPR_RUSTLS020,
	R_SQLX,
	R_NPGSQL,
	R_ASYNCPG,
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
	{ R_TPR, false, "rustls", "tokio-postgres-rustls (no verify-ca)" },
	{ R_TPR, true, "rustls", "tokio-postgres-rustls, WebPkiServerVerifier" },
	{ R_SQLX, false, "rustls", "sqlx sslmode=verify-ca" },
	{ R_SQLX, true, "rustls", "sqlx sslmode=verify-full" },
	{ R_NPGSQL, false, "Npgsql", "SslMode=VerifyCA" },
	{ R_NPGSQL, true, "Npgsql", "SslMode=VerifyFull" },
	{ R_ASYNCPG, false, "asyncpg", "sslmode=verify-ca" },
	{ R_ASYNCPG, true, "asyncpg", "sslmode=verify-full" },
	/* an older version's variant, last: the summaries that show the
	 * rows in order (the TUI) keep the current stacks first */
	{ R_TPR_RUSTLS020, true, "rustls", "tokio-postgres-rustls over rustls 0.20, WebPkiVerifier" },
};

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
			row_pgx(&e, &c, r->full);
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
		}
		v[i].client = r->client;
		v[i].mode = r->mode;
		v[i].meaning = r->full ? "verify-full" : "verify-ca";
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
