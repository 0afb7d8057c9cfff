/* SPDX-License-Identifier: MIT */
/* clients_ctx: the facts every row of the client-stack matrix reads (the
 * chain, the host, libpq's trust result sorted into classes, the weak
 * signatures and keys, the leaf's purpose), the checks more than one stack
 * shares, and the words of a name check. Pure, like model/clients: it may
 * re-verify the chain through x509, nothing else. */
#include "config.h"
#include "model/clients_ctx.h"
#include "engine/x509.h"
#include "model/hostmatch.h"

/* libpq's chain result as the rows tell it apart. */
static enum clients_chain classify(const struct trust_facts *t)
{
	enum chain_gap gap;

	if (t->chain_ok < 0)
		return CC_UNCHECKED;
	if (t->chain_ok > 0)
		return CC_OK;
	switch (facts_chain_failure(t, &gap)) {
	case CHAIN_FAIL_EXPIRED:
		return CC_EXPIRED;
	case CHAIN_FAIL_NOT_YET_VALID:
		return CC_NOTYET;
	case CHAIN_FAIL_SIGNATURE:
		return CC_SIGNATURE;
	case CHAIN_FAIL_ISSUER_UNKNOWN:
		return gap == CHAIN_GAP_NO_ANCHOR ? CC_NO_ANCHOR : CC_ISSUER;
	case CHAIN_FAIL_ISSUER_MISSING:
		return gap == CHAIN_GAP_NO_ANCHOR ? CC_PARTIAL : CC_OTHER;
	case CHAIN_FAIL_NOT_CA:
		return CC_NOT_CA;
	case CHAIN_FAIL_PURPOSE:
		return CC_PURPOSE;
	case CHAIN_FAIL_INSECURE:
	case CHAIN_FAIL_MD_WEAK: /* X509_V_ERR_CA_MD_TOO_WEAK: SHA-1 at level 1+ */
		return CC_INSECURE;
	case CHAIN_FAIL_EE_KEY_WEAK:
	case CHAIN_FAIL_CA_KEY_WEAK:
		return CC_KEY_WEAK;
	case CHAIN_FAIL_ROOT_UNREADABLE:
		return CC_UNREADABLE;
	default:
		return CC_OTHER;
	}
}

void clients_ctx_init(struct clients_ctx *c, const struct inspection *ins,
		      const char *host)
{
	const struct tls_facts *tf = &ins->tls;

	memset(c, 0, sizeof(*c));
	c->ins = ins;
	c->chain = ins->chain;
	c->n = ins->chain ? ins->nchain : 0;
	c->leaf = c->n ? &ins->chain[0] : NULL;
	if (!host || !*host)
		host = ins->trust.name_host ? ins->trust.name_host : ins->target.host;
	c->host = host && *host ? host : NULL;
	c->iplen = hostmatch_parse_ip(c->host, c->ip);
	c->now = inspection_now(ins);

	c->rootcert = ins->trust.rootcert ? ins->trust.rootcert : ins->target.sslrootcert;
	c->src = ins->trust.rootcert ? ins->trust.source : ins->target.rootcert_source;
	bool exists = ins->trust.rootcert ? ins->trust.rootcert_exists :
					    ins->target.rootcert_exists;
	c->file = c->rootcert && exists && c->src != ROOTCERT_NONE &&
		  c->src != ROOTCERT_SYSTEM;

	/* the probe's result; a fresh check of the same file when it made
	 * none (x509_verify reads only the file) */
	c->tr = &ins->trust;
	if (ins->trust.chain_ok < 0 && c->n && c->rootcert && exists &&
	    c->src != ROOTCERT_NONE) {
		c->local.chain_ok = -1;
		c->local.name_ok = -1;
		c->local.rootcert = (char *)c->rootcert;
		c->local.source = c->src;
		c->local.rootcert_exists = true;
		c->local.crl = ins->trust.crl;       /* borrowed */
		c->local.crldir = ins->trust.crldir; /* borrowed */
		x509_verify(c->chain, c->n, &c->local, X509_JUDGED_AT(&ins->trust));
		c->tr = &c->local;
	}
	c->cls = classify(c->tr);
	c->leaf_pinned = c->file && c->leaf ?
				 judge_root_holds(c->rootcert, c->leaf->der, c->leaf->der_len) :
				 0;

	/* libpq's default floor is TLSv1.2 (ssl_min_protocol_version):
	 * a version refusal under it means the server offers only older ones */
	const char *min = ins->target.ssl_min_protocol_version;
	if (tf->version && (!strcmp(tf->version, "SSL3.0") ||
			    !strcmp(tf->version, "TLS1.0") ||
			    !strcmp(tf->version, "TLS1.1"))) {
		c->tls_old = true;
		c->tls_old_text = tf->version;
	} else if (tf->attempted && !tf->ok &&
		   (facts_tls_failure(tf) == TLS_FAIL_VERSION || tf->alert_code == 70) &&
		   (!min || !strcmp(min, "TLSv1.2")) &&
		   !ins->target.ssl_max_protocol_version) {
		c->tls_old = true;
		c->tls_old_text = "only a version below TLS 1.2";
	}

	for (size_t i = 0; i < c->n; i++) {
		const struct cert_facts *cf = &c->chain[i];
		int bits = rsa_bits(cf->key);
		if (bits && (!c->min_rsa || bits < c->min_rsa)) {
			c->min_rsa = bits;
			c->min_rsa_subject = cf->subject;
		}
		if (cf->self_signed || !cf->signature)
			continue;
		if (!c->sha1_subject && strstr(cf->signature, "SHA1"))
			c->sha1_subject = cf->subject;
		if (!c->md5_subject && (strstr(cf->signature, "MD5") ||
					strstr(cf->signature, "MD2")))
			c->md5_subject = cf->subject;
	}
	if (c->leaf) {
		const struct cert_facts *l = c->leaf;
		if (has(l->ext_key_usage, l->next_key_usage, "serverAuth"))
			c->eku = EKU_SERVER;
		else if (has(l->ext_key_usage, l->next_key_usage,
			     "anyExtendedKeyUsage"))
			c->eku = EKU_ANY_ONLY;
		else if (l->next_key_usage > 0)
			c->eku = EKU_WRONG;
	}
}

void clients_ctx_free(struct clients_ctx *c)
{
	free(c->local.chain_error);
	free(c->local.chain_subject);
	free(c->local.ssl_error);
	free(c->local.rootcert_error);
	free(c->local.name_error);
	free(c->local.name_host);
	strlist_free(c->tmp);
}

/* ---- checks every stack shares ----------------------------------------- */

/* The TLS 1.2 floor of a stack (its minimum TLS version); NULL
 * for a stack whose floor is the OS's. */
static void tls_floor(struct clients_ev *e, struct clients_ctx *c,
		      const char *floor)
{
	if (!c->tls_old)
		return;
	if (floor)
		ev_set(e, L_REJECT, "the server offers %s; %s", c->tls_old_text,
		       floor);
	else
		ev_set(e, L_UNKNOWN, "the server offers %s; this stack's floor is the OS default (not verified against the driver)",
		       c->tls_old_text);
}

/* A row begins with the stack's protocol floor, then needs a certificate:
 * without one there is no verdict, the handshake did not get that far. */
bool clients_start(struct clients_ev *e, struct clients_ctx *c,
		   const char *floor)
{
	const struct tls_facts *tf = &c->ins->tls;

	tls_floor(e, c, floor);
	if (c->n)
		return true;
	if (!tf->attempted)
		ev_set(e, L_UNKNOWN, "no TLS handshake was made: no certificate to judge");
	else if (!tf->ok)
		ev_set(e, L_UNKNOWN, "the TLS handshake did not complete (%s): no certificate to judge",
		       q(c, tf->error ? tf->error : "no reason recorded"));
	else
		ev_set(e, L_UNKNOWN, "the server sent no certificate");
	return false;
}

/* The depth of libpq's chain error ("...; depth N: subject"), -1 none. */
static int anchor_depth(const struct trust_facts *t)
{
	const char *d = t->chain_error ? strstr(t->chain_error, "; depth ") : NULL;

	return d ? atoi(d + 8) : -1;
}

/* The chain against the root file, as libpq judged it, translated for a
 * stack that uses the same file. */
void clients_file_trust(struct clients_ev *e, struct clients_ctx *c,
			enum clients_pers p, const char *who)
{
	const char *f = q(c, c->rootcert);
	/* OpenSSL's reason only; GnuTLS's own text stays in the trust view */
	char *reason = facts_chain_reason(c->tr);
	const char *err = q(c, reason);

	free(reason);

	switch (c->cls) {
	case CC_OK:
		ev_ok(e, "chain trusted by \"%s\"", f);
		return;
	case CC_UNCHECKED:
		ev_set(e, L_UNKNOWN, "the chain was not checked against \"%s\"", f);
		return;
	case CC_EXPIRED:
	case CC_NOTYET:
	case CC_SIGNATURE:
	case CC_ISSUER:
	case CC_UNREADABLE:
		ev_set(e, L_REJECT, "chain not trusted by \"%s\": %s", f, err);
		return;
	case CC_NO_ANCHOR:
		if (p == P_OPENSSL)
			ev_set(e, L_REJECT, "chain not trusted by \"%s\": %s", f, err);
		else if (p == P_GO)
			/* the caller has ruled out the leaf itself in the file
			 * (Go's Roots.contains); OpenSSL found no issuer of the
			 * chain in it, Go's buildChains finds none either */
			ev_set(e, L_REJECT, "chain not trusted by \"%s\": %s; Go finds no issuer in it either (x509: certificate signed by unknown authority)",
			       f, err);
		else if (p == P_JDK)
			/* likewise ruled out by the caller: JDK PKIX builds
			 * no path without an anchor (pgjdbc 42.5.5 on Java 17:
			 * "PKIX path building failed", tests/clients) */
			ev_set(e, L_REJECT, "chain not trusted by \"%s\": %s; the JDK finds no anchor in it either (PKIX path building failed: unable to find valid certification path)",
			       f, err);
		else
			ev_set(e, L_UNKNOWN, "\"%s\" holds no self-signed CA, which OpenSSL needs; whether %s anchors at a non-self-signed certificate was not verified against the driver",
			       f, who);
		return;
	case CC_PARTIAL:
		/* a PKIX trust anchor need not be self-signed: pgjdbc 42.5.5 on
		 * Java 17.0.15 connects with the intermediate alone as
		 * sslrootcert (tests/clients/drivers.sh); only when the
		 * anchor is above the leaf (depth >= 1 in libpq's error) */
		if (p == P_JDK && anchor_depth(c->tr) >= 1) {
			ev_ok(e, "JDK PKIX anchors at a certificate of \"%s\" that is not self-signed (libpq says \"%s\"; pgjdbc 42.5.5 on Java 17.0.15 connects)",
			      f, err);
			return;
		}
		/* Go's buildChains stops at any certificate of the root pool,
		 * self-signed or not (pgx 4.15.0 and lib/pq 1.10.7 on Go 1.19
		 * connect: tests/clients/drivers.sh) */
		if (p == P_GO && anchor_depth(c->tr) >= 1) {
			ev_ok(e, "Go anchors at a certificate of \"%s\" that is not self-signed (x509 buildChains takes any certificate of the root pool; libpq says \"%s\")",
			      f, err);
			return;
		}
		/* a rustls RootCertStore entry is a subject and a key, any
		 * certificate will do: tokio-postgres 0.7.7 + rustls 0.20.8
		 * connects with the intermediate alone (tests/clients) */
		if (p == P_WEBPKI && anchor_depth(c->tr) >= 1) {
			ev_ok(e, "webpki anchors at any certificate of \"%s\", self-signed or not (libpq says \"%s\"; RootCertStore keeps a subject and a key: webpki TrustAnchor::try_from_cert_der up to rustls 0.21, anchor_from_trusted_cert from 0.22; rustls 0.20.8 connects)",
			      f, err);
			return;
		}
		ev_set(e, p == P_OPENSSL ? L_REJECT : L_UNKNOWN,
		       p == P_OPENSSL ? "chain not trusted by \"%s\": %s" :
					"libpq's check of \"%s\" says \"%s\"; whether %s anchors there is not recorded",
		       f, err, who);
		return;
	case CC_NOT_CA:
		/* Go: intermediates need BasicConstraintsValid && IsCA;
		 * webpki: v3 with basicConstraints (no v1 intermediate) */
		if (p == P_OPENSSL || p == P_GO || p == P_WEBPKI)
			ev_set(e, L_REJECT, "chain not trusted by \"%s\": %s", f, err);
		else
			ev_set(e, L_UNKNOWN, "libpq's check says \"%s\"; %s's rule for it was not verified against the driver",
			       err, who);
		return;
	case CC_PURPOSE:
		/* every stack refuses an EKU without serverAuth */
		if (p == P_OPENSSL || c->eku == EKU_WRONG)
			ev_set(e, L_REJECT, "leaf's extended key usage lacks serverAuth (%s)", err);
		else if (p == P_GO && c->eku == EKU_ANY_ONLY)
			/* x509 checkChainForKeyUsage skips a certificate
			 * with anyExtendedKeyUsage; Go checks no keyUsage or
			 * nsCertType (pgx 4.15.0 and lib/pq 1.10.7 on Go 1.19
			 * connect: tests/clients/drivers.sh) */
			ev_ok(e, "libpq refuses the leaf's purpose (%s); Go takes anyExtendedKeyUsage as good for any usage (x509 checkChainForKeyUsage)",
			      err);
		else if (p == P_JDK && c->eku == EKU_ANY_ONLY)
			/* JSSE EndEntityChecker.checkTLSServer: the EKU must
			 * hold serverAuth or anyExtendedKeyUsage (pgjdbc
			 * 42.5.5 on Java 17 connects: tests/clients) */
			ev_ok(e, "libpq refuses the leaf's purpose (%s); the JDK takes anyExtendedKeyUsage for a TLS server (EndEntityChecker.checkTLSServer)",
			      err);
		else
			ev_set(e, L_UNKNOWN, "libpq refuses the leaf's purpose (%s); how %s treats it was not verified against the driver",
			       err, who);
		return;
	case CC_INSECURE:
		if (p == P_OPENSSL)
			ev_set(e, L_REJECT, "chain not trusted by \"%s\": %s", f, err);
		else if (p == P_JDK && c->sha1_subject && !c->md5_subject &&
			 (!c->min_rsa || c->min_rsa >= 1024))
			/* jdk.certpath.disabledAlgorithms restricts SHA1
			 * only for jdkCA roots; LibPQFactory's anchors come from
			 * the root file (measured: both modes accept) */
			ev_ok(e, "libpq refuses the SHA-1 signature on \"%s\", JDK PKIX takes it under a root-file anchor (lab)",
			      q(c, c->sha1_subject));
		else
			ev_set(e, L_UNKNOWN, "libpq's check says \"%s\"; %s's algorithm policy may differ",
			       err, who);
		return;
	case CC_KEY_WEAK:
		if (p == P_OPENSSL) {
			ev_set(e, L_REJECT, "chain not trusted by \"%s\": %s", f, err);
		} else if (p == P_GO && c->min_rsa >= 1024 && c->min_rsa < 2048 &&
			   !c->sha1_subject && !c->md5_subject) {
			/* crypto/x509 and crypto/tls have no RSA floor above
			 * 1024 bits (measured with pgx 4.15.0 and lib/pq 1.10.7
			 * on Go 1.19 by tests/clients/drivers.sh) */
			ev_ok(e, "libpq refuses the RSA-%d key on \"%s\" (%s at OpenSSL's security level), Go takes it (no RSA floor at 1024 bits)",
			      c->min_rsa, q(c, c->min_rsa_subject), err);
		} else if (p == P_JDK && c->min_rsa >= 1024 && c->min_rsa < 2048) {
			/* JDK 17 disables RSA keySize < 1024 only (measured
			 * by tests/clients/drivers.sh) */
			ev_ok(e, "libpq refuses the RSA-%d key on \"%s\" (%s at OpenSSL's security level), JDK PKIX takes it (pgjdbc 42.5.5 on Java 17.0.15 connects)",
			      c->min_rsa, q(c, c->min_rsa_subject), err);
		} else {
			ev_set(e, L_UNKNOWN, "libpq's check says \"%s\"; %s's key-size policy may differ",
			       err, who);
		}
		return;
	case CC_OTHER:
		if (p == P_OPENSSL)
			ev_set(e, L_REJECT, "chain not trusted by \"%s\": %s", f, err);
		else
			ev_set(e, L_UNKNOWN, "libpq's check says \"%s\"; whether %s agrees is not recorded",
			       err, who);
		return;
	}
}

/* The RSA size a security level requires (SSL_CTX_set_security_level:
 * 80, 112, 128, 192, 256 bits of security). */
static int rsa_floor(int level)
{
	static const int bits[] = { 0, 1024, 2048, 3072, 7680, 15360 };

	return level <= 0 ? 0 : level > 5 ? bits[5] : bits[level];
}

void clients_openssl_trust(struct clients_ev *e, struct clients_ctx *c,
			   const struct judge_settings *s, enum clients_pers p,
			   const char *who, const char *how)
{
	struct trust_facts t;

	memset(&t, 0, sizeof(t));
	t.rootcert = (char *)c->rootcert;
	t.source = c->src;
	t.rootcert_exists = c->file;
	t.crl = c->tr->crl;       /* borrowed; read only as s says */
	t.crldir = c->tr->crldir; /* borrowed */
	judge_chain_as(c->chain, c->n, &t, X509_JUDGED_AT(&c->ins->trust), s);
	if (t.chain_ok < 0 || t.chain_code == CHAIN_FAIL_ROOT_UNREADABLE) {
		int level = s->security_level >= 0 ? s->security_level : judge_system_level();
		int floor = rsa_floor(level);
		bool rsa_only = !c->sha1_subject && !c->md5_subject;
		if (c->cls == CC_KEY_WEAK && rsa_only && c->min_rsa >= floor)
			ev_ok(e, "chain trusted by \"%s\" at %s's security level %d (libpq's check refused the RSA-%d key on \"%s\")",
			      q(c, c->rootcert), who, level, c->min_rsa,
			      q(c, c->min_rsa_subject));
		else
			clients_file_trust(e, c, p, who);
		if (c->cls == CC_OK && c->min_rsa && c->min_rsa < floor)
			ev_set(e, L_REJECT, "RSA-%d key on \"%s\" (%s's security level %d needs RSA-%d)",
			       c->min_rsa, q(c, c->min_rsa_subject), who, level, floor);
	} else {
		/* the stack's verdict, sorted and worded as libpq's would be */
		const struct trust_facts *tr = c->tr;
		enum clients_chain cls = c->cls;
		struct clients_ev w = { L_ACCEPT, NULL, STRBUF_INIT };

		c->tr = &t;
		c->cls = classify(&t);
		clients_file_trust(&w, c, p, who);
		c->tr = tr;
		c->cls = cls;
		if (w.level == L_ACCEPT)
			ev_ok(e, "%s (%s, security level %d)", sb_str(&w.ok), how,
			      t.security_level);
		else
			ev_set(e, w.level, "%s (%s, security level %d)", w.why, how,
			       t.security_level);
		free(w.why);
		sb_free(&w.ok);
	}
	free(t.chain_error);
	free(t.chain_subject);
	free(t.rootcert_error);
	free(t.ssl_error);
}

/* Validity, checked directly where the trust answer is unknown (another
 * trust store): every stack refuses an expired or not yet valid chain. */
void clients_validity(struct clients_ev *e, struct clients_ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct cert_facts *cf = &c->chain[i];
		if (i > 0 && cf->self_signed)
			continue;
		if (cf->not_after && c->now > cf->not_after) {
			ev_set(e, L_REJECT, "\"%s\" has expired", q(c, cf->subject));
			return;
		}
		if (cf->not_before && c->now < cf->not_before) {
			ev_set(e, L_REJECT, "\"%s\" is not yet valid", q(c, cf->subject));
			return;
		}
	}
}

void clients_weak_crypto(struct clients_ev *e, struct clients_ctx *c,
			 const char *sig_rule, const char *rsa_rule)
{
	if (c->sha1_subject || c->md5_subject)
		ev_set(e, L_REJECT, "%s signature on \"%s\" (%s)",
		       c->sha1_subject ? "SHA-1" : "MD5",
		       q(c, c->sha1_subject ? c->sha1_subject : c->md5_subject), sig_rule);
	if (c->min_rsa && c->min_rsa < 1024)
		ev_set(e, L_REJECT, "RSA-%d key on \"%s\" (%s)", c->min_rsa,
		       q(c, c->min_rsa_subject), rsa_rule);
}

/* The leaf's EKU for a stack that requires serverAuth when an EKU is
 * present (all of them); anyExtendedKeyUsage is OpenSSL's
 * refusal (x509.c) and Go's acceptance (checkChainForKeyUsage), the others
 * are not recorded. */
void clients_leaf_eku(struct clients_ev *e, struct clients_ctx *c,
		      enum clients_pers p, const char *who)
{
	if (c->eku == EKU_WRONG || (c->eku == EKU_ANY_ONLY && p == P_OPENSSL))
		ev_set(e, L_REJECT, "the leaf's extended key usage lacks serverAuth");
	else if (c->eku == EKU_ANY_ONLY && p != P_GO && p != P_JDK)
		ev_set(e, L_UNKNOWN, "the leaf's EKU is anyExtendedKeyUsage only; how %s treats it is not recorded",
		       who);
}

bool clients_any_ip_san(const struct clients_ctx *c, const uint8_t *ip,
			int iplen)
{
	for (int i = 0; i < c->leaf->nsan_ip; i++)
		if (hostmatch_ip_is(c->leaf->san_ip[i], ip, iplen))
			return true;
	return false;
}

/* The first name of a list for a mismatch message: "x" (and N more). */
void clients_first_of(struct clients_ctx *c, struct strbuf *sb, char **list,
		      const size_t *lens, int n)
{
	sb_addf(sb, "\"%s\"", qn(c, list, lens, 0));
	if (n > 1)
		sb_addf(sb, " (and %d more)", n - 1);
}

/* A note for an IP host whose address a stack sees only in iPAddress SANs
 * while the certificate spells it elsewhere. */
void clients_ip_elsewhere(struct clients_ctx *c, struct strbuf *sb)
{
	const struct cert_facts *l = c->leaf;
	for (int i = 0; i < l->nsan_dns; i++)
		if (hostmatch_equal(DNS_AT(l, i), c->host)) {
			sb_addf(sb, "; the dNSName SAN \"%s\" does not count for an IP",
				qn(c, l->san_dns, l->san_dns_len, i));
			return;
		}
	for (int i = 0; i < l->ncn; i++)
		if (hostmatch_equal(CN_AT(l, i), c->host)) {
			sb_addf(sb, "; the CN \"%s\" does not count for an IP",
				qn(c, l->cn, l->cn_len, i));
			return;
		}
}

/* An IP host against iPAddress SANs only (OpenSSL set1_ip, Node, Go,
 * webpki). */
int clients_ip_only(struct clients_ctx *c, struct strbuf *why, const char *rule)
{
	const char *h = q(c, c->host);

	if (clients_any_ip_san(c, c->ip, c->iplen)) {
		sb_addf(why, "%s matches an iPAddress SAN", h);
		return 1;
	}
	sb_addf(why, "%s: no iPAddress SAN is %s", rule, h);
	if (c->leaf->nsan_ip) {
		sb_adds(why, " (has ");
		clients_first_of(c, why, c->leaf->san_ip, NULL, c->leaf->nsan_ip);
		sb_adds(why, ")");
	}
	clients_ip_elsewhere(c, why);
	return 0;
}

/* A verify-full row's name step: the stack's matcher, its verdict kept. */
void clients_name_step(struct clients_ev *e, struct clients_ctx *c,
		       int (*fn)(struct clients_ctx *, struct strbuf *),
		       const char *note)
{
	struct strbuf why = STRBUF_INIT;

	if (!c->host) {
		ev_set(e, L_UNKNOWN, "no host name to check");
		return;
	}
	if (fn(c, &why))
		ev_ok(e, "%s%s", sb_str(&why), note ? note : "");
	else
		ev_set(e, L_REJECT, "%s%s", sb_str(&why), note ? note : "");
	sb_free(&why);
}
