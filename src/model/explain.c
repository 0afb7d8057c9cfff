/* SPDX-License-Identifier: MIT */
/* explain: the findings catalogue. Each rule looks at the facts (and the
 * verdicts the model drew from them) and, when it applies, says what is
 * wrong or worth knowing in plain words, with the fix: the connection-string
 * or server change that works. The rules are grouped by topic, one function
 * each, and the topics table fixes the order of the list. Ids are stable:
 * tests and other programs match on them. The texts may quote server data;
 * the sinks escape. */
#include "config.h"
#include "model/explain.h"
#include "engine/tls.h"
#include "engine/x509.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct flist {
	struct finding *f;
	int n;
};

static void add(struct flist *l, const char *id, enum severity sev, char *title,
		char *detail, char *fix)
{
	l->f = xrealloc(l->f, (size_t)(l->n + 1) * sizeof(*l->f));
	l->f[l->n++] = (struct finding){ id, sev, title, detail, fix, NULL, NULL };
}

#define S(...) xasprintf(__VA_ARGS__)

const char *severity_name(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "info";
}

void findings_free(struct finding *f, int n)
{
	for (int i = 0; i < n; i++) {
		free(f[i].title);
		free(f[i].detail);
		free(f[i].fix);
		free(f[i].cause);
		free(f[i].remedy);
	}
	free(f);
}

/* The one-line cause and fix of the finding just added (model/summary). */
static void brief(struct flist *l, char *cause, char *remedy)
{
	l->f[l->n - 1].cause = cause;
	l->f[l->n - 1].remedy = remedy;
}

/* Each id's place among the root causes (lower: nearer the root) and what
 * it can explain; an id not listed comes last and explains nothing. */
static const struct {
	const char *id;
	int rank;
	unsigned explains;
} causes[] = {
	{ "unreachable", 0, FIND_ANY },
	{ "not-postgres", 1, FIND_ANY },
	{ "server-stalled", 1, FIND_ANY },
	{ "sslrequest-error", 1, FIND_TLS },
	{ "unencrypted-after-s", 2, FIND_TLS },
	{ "ssl-refused", 2, FIND_TLS },
	{ "tls-version", 2, FIND_TLS },
	{ "tls-handshake-failed", 2, FIND_TLS },
	{ "client-files", 2, FIND_TLS },
	{ "server-slow", 2, FIND_ANY },
	{ "root-file-missing", 3, FIND_CHAIN },
	{ "cert-expired", 3, FIND_CHAIN },
	{ "cert-not-yet-valid", 3, FIND_CHAIN },
	{ "cert-revoked", 3, FIND_CHAIN },
	{ "missing-intermediate", 3, FIND_CHAIN },
	{ "untrusted-root", 3, FIND_CHAIN },
	{ "weak-key", 3, FIND_CHAIN },
	{ "weak-digest", 3, FIND_CHAIN },
	{ "cert-purpose", 3, FIND_CHAIN },
	{ "no-server-auth", 3, FIND_CHAIN },
	{ "crl-missing", 3, FIND_CHAIN },
	{ "crl-stale", 3, FIND_CHAIN },
	{ "crl-invalid", 3, FIND_CHAIN },
	{ "host-name-mismatch", 4, FIND_NAME },
	{ "cloudsql-classic-cn", 4, FIND_NAME },
	{ "sni-required", 5, FIND_TLS },
	{ "tls-alert-after-handshake", 5, FIND_TLS },
	{ "hba-rejects-tls", 5, FIND_TLS },
	{ "message-flood", 5, FIND_ANY },
	{ "tls-message-flood", 5, FIND_ANY },
	{ "malformed-message", 5, FIND_ANY },
	{ "startup-rejected", 5, FIND_ANY },
	{ "plaintext-accepted", 6, 0 },
	{ "cert-expiring-soon", 6, 0 },
	{ "prefer-plaintext", 8, 0 },
	{ "allow-plaintext", 8, 0 },
};

static int cause_at(const char *id)
{
	for (size_t i = 0; i < sizeof(causes) / sizeof(*causes); i++)
		if (!strcmp(causes[i].id, id))
			return (int)i;
	return -1;
}

unsigned finding_explains(const char *id)
{
	int i = cause_at(id);
	return i < 0 ? 0 : causes[i].explains;
}

static int cause_rank(const struct finding *f)
{
	int i = cause_at(f->id);
	return (int)f->severity * 16 + (i < 0 ? 7 : causes[i].rank);
}

void findings_sort(struct finding *f, int n)
{
	/* insertion sort: stable, and the lists are short */
	for (int i = 1; i < n; i++) {
		struct finding t = f[i];
		int k = cause_rank(&t), j = i;
		for (; j > 0 && cause_rank(&f[j - 1]) > k; j--)
			f[j] = f[j - 1];
		f[j] = t;
	}
}

static bool contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle);
}

/* Server text, matched only where no SQLSTATE or structure tells: in any
 * case (proxies and translations capitalise differently). */
static bool says(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle);
}

/* An SNI-routing proxy's refusal of a startup it cannot route: Neon's
 * "The endpoint ID is not specified", "Endpoint ID is not specified." as
 * other such proxies send it, and the older "Project ID is not specified".
 * They send no distinctive SQLSTATE, so the words decide. */
static bool endpoint_refused(const struct startup_answer *a)
{
	return a->accepted == 0 &&
	       (says(a->message, "endpoint ID is not specified") ||
		says(a->message, "project ID is not specified"));
}

/* pg_hba.conf refused the startup over TLS: SQLSTATE 28000
 * (invalid_authorization_specification, ClientAuthentication's "no
 * pg_hba.conf entry" and "rejects connection") while the startup in clear
 * went through, whatever the server's language; else, both refused, its
 * English words name the TLS line ("SSL encryption"). */
static bool hba_refused_tls(const struct server_facts *sf)
{
	if (!sf->tls.attempted || sf->tls.accepted != 0 || !sf->tls.sqlstate ||
	    strcmp(sf->tls.sqlstate, "28000"))
		return false;
	return (sf->plain.attempted && sf->plain.accepted == 1) ||
	       says(sf->tls.message, "SSL encryption");
}

static bool provider_is(const struct provider_match *p, const char *prefix)
{
	return p && p->id && !strncmp(p->id, prefix, strlen(prefix));
}

/* The names verify-full could match, for "which host would pass"; every
 * byte of each (an embedded NUL as \x00). */
static char *names_of(const struct cert_facts *c)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < c->nsan_dns; i++) {
		char *t = cert_name_text(c->san_dns, c->san_dns_len, i);
		sb_addf(&sb, "%sDNS:%s", sb.len ? ", " : "", t);
		free(t);
	}
	for (char **p = c->san_ip; p && *p; p++)
		sb_addf(&sb, "%sIP:%s", sb.len ? ", " : "", *p);
	if (c->ncn) {
		char *t = cert_name_text(c->cn, c->cn_len, 0);
		sb_addf(&sb, "%sCN:%s%s", sb.len ? ", " : "", t,
			c->nsan_dns || c->nsan_ip ? " (not used: SANs exist)" : "");
		free(t);
	}
	if (!sb.len)
		sb_adds(&sb, "none");
	return sb_detach(&sb);
}

/* names_of without the CN that SANs make unused. */
static const char *short_names(const struct cert_facts *c, char *names)
{
	char *cn = c->nsan_dns || c->nsan_ip ? strstr(names, ", CN:") : NULL;
	if (cn)
		*cn = '\0';
	return names;
}

/* A name that would pass verify-full as it is (no wildcard, no NUL), or
 * NULL. */
static const char *passing_name(const struct cert_facts *c)
{
	for (int i = 0; i < c->nsan_dns; i++)
		if (strncmp(c->san_dns[i], "*.", 2) != 0 &&
		    !cert_name_has_nul(c->san_dns, c->san_dns_len, i))
			return c->san_dns[i];
	if (c->nsan_ip)
		return c->san_ip[0];
	if (!c->nsan_dns && c->ncn && strncmp(c->cn[0], "*.", 2) != 0 &&
	    !cert_name_has_nul(c->cn, c->cn_len, 0))
		return c->cn[0];
	return NULL;
}

/* What every topic reads: the facts, the verdicts the model drew from
 * them, the options and the recognised provider, and what an earlier
 * topic already said. */
struct topic_ctx {
	const struct inspection *ins;
	const struct verdict *modes;
	const struct verdict_opts *o;
	const struct provider_match *prov;
	time_t now;
	bool slow; /* a server-slow finding was made for a startup answer */
	/* the certificate of the chain as sent whose weak key or digest
	 * OpenSSL refused (weak-key, weak-digest), -1 none: cert_findings
	 * does not tell it again */
	int weak_key_at, weak_digest_at;
};

/* Reaching the server, and its answer to the SSLRequest. */
static void reach_findings(struct flist *l, struct topic_ctx *x)
{
	const struct server_facts *sf = &x->ins->server;

	if (x->ins->reachable == 0) {
		const char *e = sf->tls_connect.error ? sf->tls_connect.error : sf->plain_connect.error;
		add(l, "unreachable", SEV_ERROR, S("Server not reachable"),
		    S("No TCP connection could be made: %s.", e ? e : "unknown reason"),
		    S("Check the host, port and firewall; is PostgreSQL listening "
		      "(listen_addresses, port) on that address?"));
		brief(l, S("no TCP connection could be made (%s)", e ? e : "unknown reason"),
		      S("check the host, the port and the firewall"));
	}
	switch (sf->sslrequest_reply) {
	case REPLY_N:
		add(l, "ssl-refused", SEV_ERROR, S("The server does not do TLS"),
		    S("It answered 'N' to the SSLRequest: ssl = off, or built without OpenSSL. "
		      "require and stricter fail; prefer and allow connect unencrypted."),
		    S("On the server: ssl = on with ssl_cert_file and ssl_key_file, then reload."));
		brief(l, S("the server answered 'N' to the SSLRequest: it does not do TLS"),
		      S("ssl = on on the server, with ssl_cert_file and ssl_key_file"));
		break;
	case REPLY_E:
		add(l, "sslrequest-error", SEV_ERROR, S("ErrorResponse instead of a TLS answer"),
		    S("The server answered the SSLRequest with an ErrorResponse (%s), as PostgreSQL "
		      "does when it cannot start a backend. libpq fails at once, in every mode that "
		      "sends an SSLRequest.",
		      sf->ssl_error.message ? sf->ssl_error.message : "no message"),
		    S("Look at the server: max_connections, memory, process limits."));
		break;
	case REPLY_OTHER:
		add(l, "not-postgres", SEV_ERROR, S("Not a PostgreSQL answer"),
		    S("The reply to the SSLRequest was the byte 0x%02x%s: something other than "
		      "PostgreSQL listens on this port (an HTTP server answers 'H').",
		      sf->reply_byte, sf->reply_byte == 'H' ? " ('H')" : ""),
		    S("Check the port (PostgreSQL's default is 5432) and any proxy in between."));
		break;
	case REPLY_TIMEOUT:
		add(l, "server-stalled", SEV_ERROR, S("No answer to the SSLRequest"),
		    S("The server accepted the connection but never answered: an overloaded "
		      "server, a proxy that does not speak PostgreSQL, or a firewall that drops."),
		    S("Set connect_timeout in the application so it fails fast; check what "
		      "listens on the port."));
		break;
	default:
		break;
	}
	if (sf->n_after_reply > 0 && sf->sslrequest_reply == REPLY_S)
		add(l, "unencrypted-after-s", SEV_ERROR, S("Unencrypted bytes after 'S'"),
		    S("%zu bytes came with the 'S' before any TLS: libpq refuses the connection "
		      "(CVE-2021-23222), since a man in the middle could inject them.",
		      sf->n_after_reply),
		    S("Find what sits between client and server (a proxy or load balancer that "
		      "buffers wrongly) and fix or remove it."));
}

/* The TLS session: its version, and the client certificate it asks for. */
static void tls_findings(struct flist *l, struct topic_ctx *x)
{
	const struct tls_facts *f = &x->ins->tls;
	const struct trust_facts *tr = &x->ins->trust;
	enum tls_failure fail = facts_tls_failure(f);

	if (f->attempted && !f->ok && fail != TLS_FAIL_NONE &&
	    (fail == TLS_FAIL_VERSION || f->alert_code == 70))
		add(l, "tls-version", SEV_ERROR, S("No common TLS version"),
		    S("The handshake failed on the protocol version: the server allows only "
		      "versions outside libpq's range (TLS 1.2 and up by default)."),
		    S("On the server: ssl_min_protocol_version = 'TLSv1.2' (the default since "
		      "PostgreSQL 14); only if you must, lower the client's "
		      "ssl_min_protocol_version."));
	if (f->ok && f->version && (!strcmp(f->version, "TLS1.0") || !strcmp(f->version, "TLS1.1")))
		add(l, "tls-below-1.2", SEV_WARNING, S("TLS below 1.2"),
		    S("The session used %s, which is deprecated.", f->version),
		    S("Raise ssl_min_protocol_version to TLSv1.2 on the server."));
	if (f->client_cert_requested) {
		struct strbuf sb = STRBUF_INIT;
		for (char **p = f->client_ca_names; p && *p; p++)
			sb_addf(&sb, "%s\"%s\"", sb.len ? ", " : "", *p);
		add(l, "client-cert-requested", SEV_INFO, S("The server asks for a client certificate"),
		    S("It accepts certificates issued by %s; %s.", sb.len ? sb_str(&sb) : "any CA",
		      f->client_cert_sent ? "one was sent" : "none was sent"),
		    S("Give libpq one with sslcert=FILE sslkey=FILE (or ~/.postgresql/postgresql.crt "
		      "and .key, key mode 0600)."));
		sb_free(&sb);
	}
	if (tr->client_files_error)
		add(l, "client-files", SEV_ERROR, S("Client certificate files unusable"),
		    S("libpq stops before the handshake: %s.", tr->client_files_error),
		    S("Fix the files: key mode 0600 (chmod 600), the key that matches the "
		      "certificate, both readable."));
}

/* What the root file holds, for the texts: "; it holds A; B" (every
 * subject, up to 20), or "" when it cannot be read now (a replay). */
static char *root_holds(const struct trust_facts *tr)
{
	char **subjects = tr->source == ROOTCERT_SYSTEM ? NULL :
			  x509_file_subjects(tr->rootcert, 20);
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, "", 0);
	if (subjects && !subjects[0])
		sb_adds(&sb, " (it holds no certificate)");
	for (int i = 0; subjects && subjects[i]; i++)
		sb_addf(&sb, "%s%s", i ? "; " : " (it holds ", subjects[i]);
	if (subjects && subjects[0])
		sb_adds(&sb, ")");
	strlist_free(subjects);
	return sb_detach(&sb);
}

/* The root file and the chain against it. */
static void trust_findings(struct flist *l, struct topic_ctx *x)
{
	const struct inspection *ins = x->ins;
	const struct trust_facts *tr = &ins->trust;
	enum chain_gap gap;
	enum chain_failure fail = facts_chain_failure(tr, &gap);

	if (tr->rootcert && !tr->rootcert_exists && tr->source != ROOTCERT_SYSTEM)
		add(l, "root-file-missing", SEV_WARNING, S("No root certificate file"),
		    S("libpq looked for %s (%s) and found nothing: verify-ca and verify-full fail; "
		      "require and prefer connect without checking who answers.",
		      tr->rootcert, rootcert_source_name(tr->source)),
		    S("Put the CA certificate there, or set sslrootcert=FILE%s.",
		      x->o && x->o->libpq_version >= 16 ? " (or sslrootcert=system for a public CA)" : ""));
	if (tr->rootcert && !tr->rootcert_exists && tr->source != ROOTCERT_SYSTEM)
		brief(l, S("there is no root certificate file (%s)", tr->rootcert),
		      S("sslrootcert=FILE with the server's CA certificate"));
	if (tr->chain_ok != 0)
		return;
	/* a missing issuer is told even when the leaf has also expired */
	const char *root = tr->rootcert ? tr->rootcert : "(none)";
	char *holds = root_holds(tr);
	const char *issuer = ins->nchain && ins->chain[0].issuer ? ins->chain[0].issuer : "?";
	if (gap == CHAIN_GAP_INTERMEDIATE) {
		add(l, "missing-intermediate", SEV_ERROR, S("Intermediate certificate missing"),
		    S("The server sends only its own certificate, issued by %s: an intermediate CA "
		      "(the certificate names where it is published), which the server does not send "
		      "and the root file %s does not hold%s. The chain cannot be built.",
		      issuer, root, holds),
		    S("On the server, put the intermediate after the leaf in ssl_cert_file; or "
		      "add the intermediate to the client's root file."));
		brief(l, S("the server sends only its certificate, and its issuer, the intermediate "
			   "%s, is in neither the chain nor %s", issuer, root),
		      S("put the intermediate after the leaf in the server's ssl_cert_file"));
	} else if (gap == CHAIN_GAP_LEAF_ONLY) {
		add(l, "untrusted-root", SEV_ERROR, S("The root file does not hold the issuer"),
		    S("The server sends only its own certificate, issued by %s, and the root file %s "
		      "does not hold %s%s. If %s is a root CA, the root file is for another CA; if "
		      "it is an intermediate, the server must also send it.",
		      issuer, root, issuer, holds, issuer),
		    S("Use a root file with the certificate of \"%s\" (the CA that issued the "
		      "server's certificate).", issuer));
		brief(l, S("the server's certificate is issued by %s, which the root file %s does "
			   "not hold%s", issuer, root, holds),
		      S("sslrootcert=FILE with the certificate of \"%s\"", issuer));
	} else if (ins->nchain > 0 &&
		   (fail == CHAIN_FAIL_ISSUER_UNKNOWN || fail == CHAIN_FAIL_ISSUER_MISSING ||
		    fail == CHAIN_FAIL_SELF_SIGNED || fail == CHAIN_FAIL_SELF_SIGNED_IN_CHAIN ||
		    fail == CHAIN_FAIL_NOT_CA || fail == CHAIN_FAIL_ROOT_UNREADABLE)) {
		const struct cert_facts *top = &ins->chain[ins->nchain - 1];
		const char *anchor = top->self_signed ? top->subject : top->issuer;
		add(l, "untrusted-root", SEV_ERROR, S("The chain does not lead to the root file"),
		    S("The chain ends at %s (issued by %s); the root file %s holds no certificate "
		      "that verifies it (%s)%s.",
		      top->subject ? top->subject : "?", top->issuer ? top->issuer : "?",
		      tr->rootcert ? tr->rootcert : "", tr->chain_error ? tr->chain_error : "",
		      holds),
		    S("Use a root file with the certificate of \"%s\" (the CA that issued the "
		      "chain's top).", anchor ? anchor : "?"));
		brief(l, S("the chain leads to %s, which the root file %s does not hold%s",
			   anchor ? anchor : "?", root, holds),
		      S("sslrootcert=FILE with the certificate of \"%s\"", anchor ? anchor : "?"));
	}
	free(holds);
}

/* OpenSSL's security levels (SSL_CTX_set_security_level): the bits of
 * security a key or digest must give at each, and the RSA and EC key
 * sizes that give them (ssl_security_default_callback, and
 * X509_VERIFY_PARAM_set_auth_level for a chain). */
static const struct {
	int bits, rsa, ec;
} levels[] = { { 0, 0, 0 },	   { 80, 1024, 160 },	{ 112, 2048, 224 },
	       { 128, 3072, 256 }, { 192, 7680, 384 }, { 256, 15360, 512 } };

static bool level_known(int level)
{
	return level >= 0 && level < (int)(sizeof(levels) / sizeof(*levels));
}

/* How the security level decides, for the detail of a weak key or digest. */
static char *level_words(int level)
{
	if (!level_known(level))
		return S("the security level of the system's OpenSSL configuration, which libpq's "
			 "SSL_CTX inherits,");
	return S("OpenSSL security level %d (the system's OpenSSL configuration, which libpq's "
		 "SSL_CTX inherits: at least %d bits of security, RSA %d or EC %d bits)",
		 level, levels[level].bits, levels[level].rsa, levels[level].ec);
}

/* A key that passes the level: RSA 2048+ or ECDSA P-256, larger when the
 * level asks for more. */
static char *strong_key(int level)
{
	int rsa = level_known(level) && levels[level].rsa > 2048 ? levels[level].rsa : 2048;
	int ec = level_known(level) && levels[level].ec > 256 ? levels[level].ec : 256;
	return S("an RSA key of %d bits or more, or an ECDSA %s key", rsa,
		 ec <= 256 ? "P-256" : ec <= 384 ? "P-384" : "P-521");
}

/* The certificate OpenSSL refused, as the chain sent it (NULL when it is
 * beyond, e.g. the root from the root file), and its name for the texts:
 * its subject at its depth. */
static const struct cert_facts *refused_cert(const struct inspection *ins, char **name)
{
	const struct trust_facts *tr = &ins->trust;
	const struct cert_facts *c = tr->chain_depth >= 0 && (size_t)tr->chain_depth < ins->nchain ?
					     &ins->chain[tr->chain_depth] :
					     NULL;
	const char *subject = tr->chain_subject ? tr->chain_subject :
			      c && c->subject	? c->subject :
						  NULL;
	if (tr->chain_depth < 0)
		*name = S("%s", subject ? subject : "a certificate of the chain");
	else
		*name = S("%s (depth %d%s)", subject ? subject : "a certificate", tr->chain_depth,
			  tr->chain_depth == 0 ? ", the server's own" : "");
	return c;
}

/* The CRL files libpq loaded, for the texts. */
static char *crl_files(const struct trust_facts *tr)
{
	if (tr->crl && tr->crldir)
		return S("sslcrl %s and sslcrldir %s", tr->crl, tr->crldir);
	if (tr->crldir)
		return S("sslcrldir %s", tr->crldir);
	return S("sslcrl %s", tr->crl ? tr->crl : "(unknown)");
}

/* OpenSSL's check_purpose_ssl_server takes no EKU, serverAuth, or one of
 * the two old SGC purposes (as x509.c does). */
static bool eku_for_server(const struct cert_facts *c)
{
	bool ok = c->next_key_usage == 0;
	for (int i = 0; i < c->next_key_usage; i++) {
		const char *e = c->ext_key_usage[i];
		ok |= !strcmp(e, "serverAuth") || !strcmp(e, "2.16.840.1.113730.4.1") ||
		      !strcmp(e, "1.3.6.1.4.1.311.10.3.3");
	}
	return ok;
}

/* A weak key or digest, as X509_verify_cert refuses it at the auth level
 * ssl_verify_cert_chain sets from the security level. */
static void weak_findings(struct flist *l, struct topic_ctx *x, enum chain_failure fail)
{
	const struct inspection *ins = x->ins;
	const struct trust_facts *tr = &ins->trust;
	char *name;
	const struct cert_facts *c = refused_cert(ins, &name);
	char *level = level_words(tr->security_level);
	const char *lower = " Lowering the level (CipherString = DEFAULT:@SECLEVEL=N in the system's "
			    "openssl.cnf, or OPENSSL_CONF) would only hide it on this client.";

	if (fail == CHAIN_FAIL_MD_WEAK) {
		add(l, "weak-digest", SEV_ERROR, S("Certificate signed with a weak digest"),
		    S("OpenSSL refuses the chain: %s is signed with %s, a digest too weak for %s. "
		      "libpq fails every mode that verifies the chain (\"certificate verify "
		      "failed\").",
		      name, c && c->signature ? c->signature : "a weak digest (SHA-1 or MD5)", level),
		    S("Have the CA reissue %s signed with SHA-256 (or stronger).%s", name, lower));
		x->weak_digest_at = c ? tr->chain_depth : -1;
	} else {
		bool ca = fail == CHAIN_FAIL_CA_KEY_WEAK;
		char *strong = strong_key(tr->security_level);
		add(l, "weak-key", SEV_ERROR, S("Certificate key too weak"),
		    S("OpenSSL refuses the chain: %s%s has a key (%s) too weak for %s. libpq fails "
		      "every mode that verifies the chain (\"certificate verify failed\").",
		      ca ? "the CA certificate " : "", name,
		      c && c->key ? c->key : "size not known", level),
		    ca ? S("Reissue the CA certificate %s with %s, and the certificates it signed "
			   "under it.%s", name, strong, lower) :
			 S("Reissue %s with %s.%s", name, strong, lower));
		x->weak_key_at = c ? tr->chain_depth : -1;
		free(strong);
	}
	free(level);
	free(name);
}

/* A certificate OpenSSL will not take for a TLS server
 * (X509_PURPOSE_SSL_SERVER: the leaf's keyUsage and extendedKeyUsage, a
 * CA's basicConstraints, keyUsage and extendedKeyUsage). A leaf whose EKU
 * leaves out serverAuth is no-server-auth's (chain_findings). */
static void purpose_findings(struct flist *l, struct topic_ctx *x)
{
	const struct inspection *ins = x->ins;
	char *name;
	const struct cert_facts *c = refused_cert(ins, &name);

	if (ins->trust.chain_depth == 0 && c && !eku_for_server(c)) {
		free(name);
		return;
	}
	struct strbuf usage = STRBUF_INIT;
	for (int i = 0; c && i < c->nkey_usage; i++)
		sb_addf(&usage, "%s%s", usage.len ? ", " : "keyUsage ", c->key_usage[i]);
	for (int i = 0; c && i < c->next_key_usage; i++)
		sb_addf(&usage, "%s%s", i ? ", " : usage.len ? "; extendedKeyUsage " :
							    "extendedKeyUsage ",
			c->ext_key_usage[i]);
	add(l, "cert-purpose", SEV_ERROR, S("Certificate not usable for a TLS server"),
	    S("OpenSSL refuses %s for a TLS server (unsupported certificate purpose)%s%s. libpq "
	      "fails every mode that verifies the chain.",
	      name, usage.len ? ": it has " : "", sb_str(&usage)),
	    ins->trust.chain_depth > 0 ?
		    S("Reissue the CA certificate %s with basicConstraints CA:TRUE, keyUsage "
		      "keyCertSign, and no extendedKeyUsage or one that includes serverAuth.",
		      name) :
		    S("Reissue %s with extendedKeyUsage serverAuth (or none) and keyUsage "
		      "digitalSignature (with keyEncipherment for an RSA key).",
		      name));
	sb_free(&usage);
	free(name);
}

/* Revocation, as OpenSSL checks it once initialize_SSL loaded CRLs
 * (X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL: every certificate
 * of the chain, each against its issuer's CRL). */
static void crl_findings(struct flist *l, struct topic_ctx *x, enum chain_failure fail)
{
	const struct inspection *ins = x->ins;
	const struct trust_facts *tr = &ins->trust;
	char *name, *files = crl_files(tr);
	const struct cert_facts *c = refused_cert(ins, &name);
	const char *issuer = c && c->issuer ? c->issuer : "its issuer";

	if (fail == CHAIN_FAIL_REVOKED) {
		char since[48] = "";
		struct tm tm;
		if (tr->revoked_at != (time_t)-1 && gmtime_r(&tr->revoked_at, &tm))
			strftime(since, sizeof(since), " since %Y-%m-%d %H:%M:%S UTC", &tm);
		add(l, "cert-revoked", SEV_ERROR, S("Certificate revoked"),
		    S("%s is revoked%s: its issuer's CRL (in %s) lists %s%s. OpenSSL refuses the "
		      "chain, and libpq every mode that verifies it.",
		      name, since, files, c && c->serial ? "its serial " : "it",
		      c && c->serial ? c->serial : ""),
		    S("The server needs a new certificate: have the CA issue one, install it as "
		      "ssl_cert_file (with its intermediates) and reload PostgreSQL. If the "
		      "revocation is a mistake, only the CA can publish a CRL without it."));
	} else if (fail == CHAIN_FAIL_CRL_MISSING) {
		add(l, "crl-missing", SEV_ERROR, S("No CRL for a level of the chain"),
		    S("With CRLs loaded, libpq has OpenSSL check every certificate of the chain "
		      "against its issuer's CRL, and %s holds none from %s, the issuer of %s: the "
		      "chain is refused.", files, issuer, name),
		    S("Add the CRL of %s to the CRLs (concatenated PEM in the sslcrl file; in "
		      "sslcrldir, named by hash as openssl rehash names them), or, if revocation "
		      "is not to be checked, drop sslcrl and sslcrldir (and ~/.postgresql/root.crl).",
		      issuer));
	} else if (fail == CHAIN_FAIL_CRL_EXPIRED || fail == CHAIN_FAIL_CRL_NOT_YET_VALID) {
		bool expired = fail == CHAIN_FAIL_CRL_EXPIRED;
		add(l, "crl-stale", SEV_ERROR,
		    expired ? S("A CRL has expired") : S("A CRL is not valid yet"),
		    S("The CRL from %s (checking %s, in %s) %s: OpenSSL refuses the chain rather "
		      "than trust it.", issuer, name, files,
		      expired ? "is past its nextUpdate" :
				"starts (thisUpdate) in the future: a clock problem, or a CRL "
				"issued ahead"),
		    expired ? S("Renew the CRL: fetch %s's current one and replace it in the CRL "
				"files; CRLs expire at their nextUpdate, so refresh them on a "
				"schedule.", issuer) :
			      S("Check the clocks (NTP) of this client and of the CA; or replace "
				"the CRL with one already in force."));
	} else if (fail == CHAIN_FAIL_CRL_SIGNATURE) {
		add(l, "crl-invalid", SEV_ERROR, S("A CRL does not verify"),
		    S("The CRL from %s (checking %s, in %s) is not signed by that issuer's key "
		      "(another CA of the same name, or a damaged file): OpenSSL refuses the chain.",
		      issuer, name, files),
		    S("Replace it with the CRL %s publishes.", issuer));
	}
	free(files);
	free(name);
}

/* OpenSSL's reason for refusing the chain, where a fix depends on it:
 * keys and digests under the security level, the purpose, revocation. */
static void refusal_findings(struct flist *l, struct topic_ctx *x)
{
	const struct trust_facts *tr = &x->ins->trust;
	enum chain_gap gap;
	enum chain_failure fail = facts_chain_failure(tr, &gap);

	if (tr->chain_ok != 0)
		return;
	switch (fail) {
	case CHAIN_FAIL_EE_KEY_WEAK:
	case CHAIN_FAIL_CA_KEY_WEAK:
	case CHAIN_FAIL_MD_WEAK:
		weak_findings(l, x, fail);
		break;
	case CHAIN_FAIL_PURPOSE:
		purpose_findings(l, x);
		break;
	case CHAIN_FAIL_REVOKED:
	case CHAIN_FAIL_CRL_MISSING:
	case CHAIN_FAIL_CRL_EXPIRED:
	case CHAIN_FAIL_CRL_NOT_YET_VALID:
	case CHAIN_FAIL_CRL_SIGNATURE:
		crl_findings(l, x, fail);
		break;
	default:
		break;
	}
}

/* A Cloud SQL per-instance CN ("project:instance"): no host name has it. */
static bool classic_cn(const struct cert_facts *leaf)
{
	return leaf->ncn && strchr(leaf->cn[0], ':') && !leaf->nsan_dns && !leaf->nsan_ip;
}

/* The host name against the server's certificate. */
static void name_findings(struct flist *l, struct topic_ctx *x)
{
	const struct inspection *ins = x->ins;
	const struct conn_target *t = &ins->target;
	const struct trust_facts *tr = &ins->trust;

	if (ins->nchain == 0)
		return;
	const struct cert_facts *leaf = &ins->chain[0];
	if (tr->name_checked && tr->name_ok == 0) {
		char *names = names_of(leaf);
		const char *pass = passing_name(leaf);
		char *first_dns = leaf->nsan_dns ? cert_name_text(leaf->san_dns, leaf->san_dns_len, 0) : NULL;
		bool nul_name = false;
		for (int i = 0; i < leaf->nsan_dns; i++)
			nul_name |= cert_name_has_nul(leaf->san_dns, leaf->san_dns_len, i);
		if (!leaf->nsan_dns && leaf->ncn)
			nul_name = cert_name_has_nul(leaf->cn, leaf->cn_len, 0);
		/* libpq compares the raw ASN.1 string: a CN the facts read
		 * as clean UTF-8 is a BMPString or UniversalString, whose
		 * zero bytes are its embedded null */
		bool wide_cn = !nul_name && tr->name_error &&
			       strstr(tr->name_error, "contains embedded null");
		add(l, "host-name-mismatch", SEV_ERROR, S("verify-full: the name does not match"),
		    S("libpq compared host \"%s\" with the certificate's names: %s. %s",
		      t->host ? t->host : "(none)", names, tr->name_error ? tr->name_error : ""),
		    classic_cn(leaf) ? S("No host name can match a CN like \"%s\": see the Cloud SQL finding.",
					 leaf->cn[0]) :
		    wide_cn ? S("libpq compares the CN's raw bytes, and this CN is a BMPString or "
				"UniversalString (two or four bytes a character): libpq refuses its zero "
				"bytes as an embedded null, whatever the host. Reissue the certificate with "
				"\"%s\" in its subjectAltName (or a UTF8String CN).",
				t->host ? t->host : "the host name") :
		    nul_name ? S("No host name can match a name with a NUL byte in it (libpq refuses it "
				 "outright as an embedded null; such a name is a known attack on "
				 "certificate checks): reissue the certificate with \"%s\" in its "
				 "subjectAltName, and find out who issued this one.",
				 t->host ? t->host : "the host name") :
		    pass    ? S("Connect with host=%s (with hostaddr=%s if DNS does not resolve it), "
				"or reissue the certificate with \"%s\" in its subjectAltName.",
				pass, t->hostaddr ? t->hostaddr : "<its address>",
				t->host ? t->host : "the host") :
		    leaf->nsan_dns ? S("Connect with a host name the wildcard %s covers (exactly one "
				       "label in place of *), or reissue the certificate with \"%s\" "
				       "in its subjectAltName.", first_dns,
				       t->host ? t->host : "the host") :
			      S("Reissue the certificate with the host name in its subjectAltName."));
		if (classic_cn(leaf))
			brief(l, S("the certificate names %s, never a host name", leaf->cn[0]),
			      S("sslmode=verify-ca with server-ca.pem, or use the instance's DNS "
				"name with a shared-CA instance"));
		else
			brief(l, S("host \"%s\" is not among the certificate's names (%s)",
				   t->host ? t->host : "(none)", short_names(leaf, names)),
			      pass && !nul_name && !wide_cn ?
				      S("host=%s, or a certificate with \"%s\" in its subjectAltName",
					pass, t->host ? t->host : "the host") :
				      S("reissue the certificate with \"%s\" in its subjectAltName",
					t->host ? t->host : "the host name"));
		free(names);
		free(first_dns);
	}
	if (classic_cn(leaf))
		add(l, "cloudsql-classic-cn", SEV_WARNING,
		    S("Cloud SQL per-instance certificate: verify-full is impossible"),
		    S("The certificate names the instance as CN \"%s\" with no subjectAltName, "
		      "so no host name matches it.", leaf->cn[0]),
		    S("Use sslmode=verify-ca with the instance's server CA (server-ca.pem), which "
		      "pins this instance; or move the instance to the shared-CA mode and connect "
		      "by its DNS name with verify-full."));
}

/* A managed service whose CA signs other customers' servers too: every
 * customer of a region, or anyone under a public root. */
static void provider_findings(struct flist *l, struct topic_ctx *x)
{
	const struct provider_match *prov = x->prov;

	if (prov && prov->id &&
	    (provider_is(prov, "aws-rds") /* and aws-rds-proxy: a public root */ ||
	     provider_is(prov, "gcp-cloudsql-shared") || provider_is(prov, "azure-cosmos") ||
	     provider_is(prov, "azure-flexible") || provider_is(prov, "azure-single") ||
	     provider_is(prov, "neon") || provider_is(prov, "supabase") ||
	     provider_is(prov, "timescale")))
		add(l, "shared-ca", SEV_WARNING, S("The CA is shared with other customers"),
		    S("%s's CA signs other customers' servers too: verify-ca accepts any of them, "
		      "so it proves little.", prov->name),
		    S("Use sslmode=verify-full with host set to the endpoint name%s%s.",
		      prov->ca_bundle ? "; CA bundle: " : "", prov->ca_bundle ? prov->ca_bundle : ""));
}

/* What the modes quietly do: verify under require, fall back to plaintext. */
static void downgrade_findings(struct flist *l, struct topic_ctx *x)
{
	const struct server_facts *sf = &x->ins->server;
	const struct trust_facts *tr = &x->ins->trust;
	const struct conn_target *t = &x->ins->target;
	const struct verdict *modes = x->modes;

	/* the trap of the default root file, where it changes an outcome or
	 * where require was asked for */
	if (tr->rootcert_exists && x->o &&
	    (tr->chain_ok == 0 || (t->sslmode && !strcmp(t->sslmode, "require")))) {
		add(l, "require-verifies", SEV_INFO, S("require acts as verify-ca here"),
		    S("A root file exists (%s), so libpq verifies the chain under require, and "
		      "under prefer and allow too: a chain that does not verify makes prefer and "
		      "allow fall back to plaintext and require fail.", tr->rootcert),
		    S("Say what you mean: verify-ca or verify-full with sslrootcert=FILE; use "
		      "require only where no root file is configured."));
	}
	if (modes && sf->sslrequest_reply == REPLY_S && modes[SSLMODE_PREFER].outcome == OUTCOME_PLAINTEXT)
		add(l, "prefer-plaintext", SEV_ERROR, S("prefer quietly ends in plaintext"),
		    S("The server does TLS, but the TLS attempt fails (%s), so libpq's default "
		      "sslmode=prefer reconnects unencrypted without a word.",
		      modes[SSLMODE_REQUIRE].error ? modes[SSLMODE_REQUIRE].error : "see require"),
		    S("Fix the TLS failure, then use sslmode=verify-full so a failure is an error, "
		      "not a downgrade."));
	if (modes && sf->sslrequest_reply == REPLY_S && modes[SSLMODE_ALLOW].outcome == OUTCOME_PLAINTEXT)
		add(l, "allow-plaintext", SEV_WARNING, S("allow connects in plaintext"),
		    S("sslmode=allow tries plaintext first and the server accepts it, so TLS is "
		      "never used even though the server offers it."),
		    S("Use sslmode=verify-full (or at least require)."));
}

/* pg_hba.conf as the two startups show it. */
static void hba_findings(struct flist *l, struct topic_ctx *x)
{
	const struct server_facts *sf = &x->ins->server;

	if (sf->plain.attempted && sf->plain.accepted == 1)
		add(l, "plaintext-accepted", SEV_WARNING, S("The server accepts unencrypted sessions"),
		    S("A StartupMessage in clear was answered with authentication: pg_hba.conf has "
		      "a host (or hostnossl) line for this client."),
		    S("On the server: hostssl lines instead of host in pg_hba.conf (and reload); "
		      "clients: sslmode=verify-full."));
	if (hba_refused_tls(sf))
		add(l, "hba-rejects-tls", SEV_ERROR, S("pg_hba.conf rejects encrypted sessions"),
		    S("The StartupMessage over TLS got: %s.", sf->tls.message),
		    S("Add a hostssl line for this user and database (or change hostnossl)."));
}

/* What a broken or hostile server does to the startup answers: one
 * finding of each kind, for the first lane it shows in. */
static void answer_findings(struct flist *l, struct topic_ctx *x)
{
	const struct server_facts *sf = &x->ins->server;
	const struct startup_answer *answers[] = { &sf->plain, &sf->tls, &sf->direct_startup };
	const char *lanes[] = { "in clear", "over TLS", "over direct TLS" };
	const struct tls_facts *sessions[] = { NULL, &x->ins->tls, &x->ins->direct_tls };
	bool flood = false, malformed = false, alert = false;

	for (int i = 0; i < 3; i++) {
		const struct startup_answer *a = answers[i];
		enum startup_failure fail = facts_startup_failure(a);
		if (!a->attempted || fail == STARTUP_FAIL_NONE)
			continue;
		if (fail == STARTUP_FAIL_TLS_ALERT && !alert) {
			/* TLS 1.3: the server judges the client's certificate after
			 * the client's handshake is over */
			const struct tls_facts *f = sessions[i];
			int code = f ? f->alert_code : -1;
			alert = true;
			add(l, "tls-alert-after-handshake", SEV_ERROR,
			    S("The server ends the TLS session with an alert"),
			    S("After the handshake %s, the server sent alert %d (%s) instead of answering "
			      "the StartupMessage. libpq reports it as an SSL error and gives up: no "
			      "plaintext fallback, not even under prefer.",
			      lanes[i], code, f && f->alert ? f->alert : "unknown"),
			    S("%s", code == 116 || code == 42 || code == 48 ?
					    "The server wants a client certificate it trusts: give libpq one "
					    "with sslcert=FILE sslkey=FILE, issued by a CA the server names "
					    "(ssl_ca_file)." :
					    "Read the server's log (or the proxy's) for why it refused the "
					    "session."));
		} else if (fail == STARTUP_FAIL_FLOOD && !flood && sessions[i] &&
			   sessions[i]->flood_kind) {
			/* the flood was of TLS messages after the handshake
			 * (engine/tls.c), not of PostgreSQL's */
			flood = true;
			add(l, "tls-message-flood", SEV_ERROR, S("The server floods TLS messages"),
			    S("After the handshake %s, the server sent too many %s messages (%d read) "
			      "without answering the StartupMessage; pgtls-inspect stops after %u of "
			      "one kind of TLS message, or %u KiB of them (libpq would read on until "
			      "its timeout).",
			      lanes[i], sessions[i]->flood_kind, sessions[i]->flood_count,
			      TLS_MAX_POST_MESSAGES, TLS_MAX_POST_BYTES >> 10),
			    S("Look at the server or the proxy in front of it (its session-ticket "
			      "settings); set connect_timeout in clients."));
		} else if (fail == STARTUP_FAIL_FLOOD && !flood) {
			flood = true;
			add(l, "message-flood", SEV_ERROR, S("The server floods messages"),
			    S("Answering the StartupMessage %s, the server sent message after message "
			      "without deciding; pgtls-inspect stopped after 1000 (libpq would read on "
			      "until its timeout).", lanes[i]),
			    S("Look at the server or the proxy in front of it; set connect_timeout in "
			      "clients."));
		} else if (fail == STARTUP_FAIL_TIMEOUT && !x->slow) {
			x->slow = true;
			add(l, "server-slow", SEV_ERROR, S("The server answers too slowly"),
			    S("The answer to the StartupMessage %s did not complete within the timeout.",
			      lanes[i]),
			    S("Check the server's load and the network; clients need connect_timeout so "
			      "they fail rather than hang."));
		} else if (fail != STARTUP_FAIL_TIMEOUT && fail != STARTUP_FAIL_FLOOD &&
			   fail != STARTUP_FAIL_CLOSED && fail != STARTUP_FAIL_CLOSED_IN_ERROR &&
			   fail != STARTUP_FAIL_TLS_ALERT && !malformed) {
			malformed = true;
			add(l, "malformed-message", SEV_ERROR, S("The server broke the protocol"),
			    S("Its answer to the StartupMessage %s could not be read: %s.", lanes[i],
			      a->failure),
			    S("Something other than PostgreSQL (or a broken proxy) answers on this port."));
		}
	}
}

/* A handshake that failed for another reason than the version. */
static void handshake_findings(struct flist *l, struct topic_ctx *x)
{
	const struct tls_facts *f = &x->ins->tls;
	enum tls_failure fail = facts_tls_failure(f);

	if (!f->attempted || f->ok || fail == TLS_FAIL_NONE)
		return;
	if (fail == TLS_FAIL_TIMEOUT && !x->slow)
		add(l, "server-slow", SEV_ERROR, S("The server answers too slowly"),
		    S("The TLS handshake did not complete within the timeout."),
		    S("Check the server's load and the network; clients need connect_timeout so they "
		      "fail rather than hang."));
	if (fail != TLS_FAIL_TIMEOUT && fail != TLS_FAIL_VERSION && f->alert_code != 70)
		add(l, "tls-handshake-failed", SEV_ERROR, S("The TLS handshake fails"),
		    S("After 'S' the handshake failed: %s.", f->error ? f->error : f->failure_kind),
		    S("Check the server's TLS setup (ssl_cert_file, ssl_key_file, ssl_ciphers) and "
		      "anything in between that may speak another protocol."));
}

/* The server's ErrorResponses to the StartupMessages, and SNI routing. */
static void startup_findings(struct flist *l, struct topic_ctx *x)
{
	const struct server_facts *sf = &x->ins->server;

	if (sf->plain.attempted && sf->plain.accepted == 0 && sf->tls.attempted &&
	    sf->tls.accepted == 0 && !hba_refused_tls(sf) && !endpoint_refused(&sf->tls))
		add(l, "startup-rejected", SEV_ERROR, S("The server refuses both startups"),
		    S("In clear: %s %s: %s. Over TLS: %s %s: %s.",
		      sf->plain.severity ? sf->plain.severity : "", sf->plain.sqlstate ? sf->plain.sqlstate : "",
		      sf->plain.message ? sf->plain.message : "",
		      sf->tls.severity ? sf->tls.severity : "", sf->tls.sqlstate ? sf->tls.sqlstate : "",
		      sf->tls.message ? sf->tls.message : ""),
		    S("Read the server's message: pg_hba.conf, the user and database names, and the "
		      "server log say why."));
	bool sni_refused = endpoint_refused(&sf->tls);
	if (sni_refused || provider_is(x->prov, "neon"))
		add(l, "sni-required", sni_refused ? SEV_ERROR : SEV_INFO,
		    S("The server routes on SNI"),
		    S("%s", sni_refused && !x->ins->tls.sni ?
				    "No SNI was sent (host is an IP address, or sslsni=0), and the "
				    "server cannot tell which database is meant." :
			    sni_refused ? "The server refused the session for want of an endpoint: the "
					  "SNI sent does not name one it knows (a custom name?)." :
					  "It needs the TLS server name (SNI); libpq sends it from the "
					  "host keyword since version 14."),
		    S("Connect by host name (not IP) with sslsni=1 and libpq 14+; or pass "
		      "options=endpoint=<id>."));
}

/* Channel binding over TLS. */
static void binding_findings(struct flist *l, struct topic_ctx *x)
{
	const struct startup_answer *tls = &x->ins->server.tls;

	if (tls->nsasl <= 0)
		return;
	bool plus = false;
	for (int i = 0; i < tls->nsasl; i++)
		plus |= !strcmp(tls->sasl_mechanisms[i], "SCRAM-SHA-256-PLUS");
	add(l, plus ? "channel-binding-available" : "channel-binding-unavailable",
	    SEV_INFO, plus ? S("Channel binding available") : S("No channel binding"),
	    plus ? S("Over TLS the server offers SCRAM-SHA-256-PLUS, which ties the password "
		     "exchange to this TLS session.") :
		   S("The server offers no SCRAM-SHA-256-PLUS over TLS."),
	    plus ? S("channel_binding=require makes libpq insist on it (a man in the "
		     "middle can then not relay the login).") :
		   S("Use SCRAM passwords (password_encryption = scram-sha-256) to get it."));
}

/* The direct-TLS probe (sslnegotiation=direct). */
static void direct_findings(struct flist *l, struct topic_ctx *x)
{
	const struct tls_facts *d = &x->ins->direct_tls;

	if (!d->attempted)
		return;
	bool ok = d->ok && d->alpn && !strcmp(d->alpn, "postgresql");
	add(l, ok ? "direct-tls-supported" : "direct-tls-unsupported", ok ? SEV_INFO : SEV_WARNING,
	    ok ? S("Direct TLS supported") : S("Direct TLS not supported"),
	    ok ? S("The server accepts a TLS ClientHello first with ALPN \"postgresql\" "
		   "(PostgreSQL 17+): one round trip less.") :
		 S("A ClientHello first (sslnegotiation=direct) fails here: the server is "
		   "older than PostgreSQL 17 or a proxy does not pass it."),
	    ok ? S("With libpq 17+, sslnegotiation=direct and sslmode=verify-full.") :
		 S("Use sslnegotiation=postgres (the default) with this server."));
}

/* Each certificate of the chain: validity, signature, key, version. */
static void cert_findings(struct flist *l, struct topic_ctx *x)
{
	const struct inspection *ins = x->ins;
	time_t now = x->now;

	for (size_t i = 0; i < ins->nchain; i++) {
		const struct cert_facts *c = &ins->chain[i];
		const char *who = i == 0 ? "the server's certificate" : "a CA certificate in the chain";
		if (now > c->not_after)
			add(l, "cert-expired", SEV_ERROR, S("Certificate expired"),
			    S("%s (%s) expired %ld days ago; every mode that verifies the chain fails "
			      "with \"certificate verify failed\".",
			      who, c->subject ? c->subject : "", (long)((now - c->not_after) / 86400)),
			    S("Renew the certificate on the server (ssl_cert_file) and reload "
			      "PostgreSQL (SELECT pg_reload_conf())."));
		if (now > c->not_after)
			brief(l, S("%s (%s) expired %ld days ago", who, c->subject ? c->subject : "",
				   (long)((now - c->not_after) / 86400)),
			      S("renew the certificate on the server and reload PostgreSQL"));
		else if (now < c->not_before)
			add(l, "cert-not-yet-valid", SEV_ERROR, S("Certificate not yet valid"),
			    S("%s (%s) is valid only from %ld days from now: a clock problem on one "
			      "side, or a certificate issued with a future start.",
			      who, c->subject ? c->subject : "", (long)((c->not_before - now) / 86400)),
			    S("Check the clocks (NTP) of client and server; reissue with a start date "
			      "in the past."));
		else if (c->not_after - now < 30 * 86400)
			add(l, "cert-expiring-soon", SEV_WARNING, S("Certificate expires within 30 days"),
			    S("%s (%s) expires in %ld days.", who, c->subject ? c->subject : "",
			      (long)((c->not_after - now) / 86400)),
			    S("Renew it now; clients that verify will fail the day it expires."));
		if (c->signature && (contains(c->signature, "SHA1") || contains(c->signature, "MD5")) &&
		    !c->self_signed && (int)i != x->weak_digest_at)
			add(l, "sha1-signature", SEV_WARNING, S("SHA-1 signature"),
			    S("%s is signed with %s, which modern TLS stacks refuse.", who, c->signature),
			    S("Reissue it with a SHA-256 signature."));
		unsigned bits = 0;
		if (c->key && sscanf(c->key, "RSA %u", &bits) == 1 && bits < 2048 &&
		    (int)i != x->weak_key_at)
			add(l, "short-key", SEV_WARNING, S("Short RSA key"),
			    S("%s has a %u-bit RSA key; 2048 bits is the minimum others accept.", who, bits),
			    S("Reissue it with a 2048-bit (or larger) RSA key, or an ECDSA P-256 key."));
		/* a v1 root is a fine trust anchor even for webpki */
		if (c->version == 1 && !(i > 0 && c->self_signed))
			add(l, "x509-v1", SEV_WARNING, S("X.509 version 1 certificate"),
			    S("%s is a version 1 certificate (no extensions): libpq accepts it, "
			      "rustls/webpki-based clients refuse it.", who),
			    S("Reissue it as a version 3 certificate with basicConstraints."));
	}
}

/* The chain as a whole: its length, the leaf's size and purpose. */
static void chain_findings(struct flist *l, struct topic_ctx *x)
{
	const struct inspection *ins = x->ins;

	if (ins->nchain > 10)
		add(l, "long-chain", SEV_WARNING, S("A very long certificate chain"),
		    S("The server sends %zu certificates. Clients limit the depth they verify "
		      "(GnuTLS 16 by default, OpenSSL 100) and the size of the handshake (OpenSSL "
		      "100 KiB): some will refuse it.", ins->nchain),
		    S("Send only the leaf and the intermediates a client needs (usually one or two)."));
	if (ins->nchain == 0)
		return;
	const struct cert_facts *leaf = &ins->chain[0];
	if (leaf->nsan_dns + leaf->nsan_ip > 100)
		add(l, "many-names", SEV_WARNING, S("A certificate with very many names"),
		    S("The server's certificate has %d subjectAltName entries; the certificate "
		      "message grows with them, and clients cap its size (OpenSSL: 100 KiB).",
		      leaf->nsan_dns + leaf->nsan_ip),
		    S("Issue one certificate per service, or use a wildcard."));
	if (leaf->subject && strlen(leaf->subject) > 4096)
		add(l, "huge-subject", SEV_WARNING, S("A huge certificate subject"),
		    S("The server's certificate subject is %zu bytes long.", strlen(leaf->subject)),
		    S("Reissue it with an ordinary subject (a CN and an O)."));
	struct strbuf ekus = STRBUF_INIT;
	for (int i = 0; i < leaf->next_key_usage; i++)
		sb_addf(&ekus, "%s%s", i ? ", " : "", leaf->ext_key_usage[i]);
	if (!eku_for_server(leaf))
		add(l, "no-server-auth", SEV_ERROR, S("Certificate not for TLS servers"),
		    S("The server's certificate allows only %s (extended key usage), not "
		      "serverAuth; OpenSSL (libpq) and the other stacks refuse it for a server.",
		      sb_str(&ekus)),
		    S("Reissue it with extendedKeyUsage = serverAuth."));
	sb_free(&ekus);
}

/* Kerberos: GSSAPI encryption comes before TLS. */
static void gss_findings(struct flist *l, struct topic_ctx *x)
{
	const struct verdict_opts *o = x->o;

	if (o && o->gss_ticket && !(o->gssencmode && !strcmp(o->gssencmode, "disable")))
		add(l, "gss-may-apply", SEV_INFO, S("Kerberos may take over"),
		    S("A Kerberos ticket exists: libpq tries GSSAPI encryption before TLS, and a "
		      "server that accepts it skips every TLS check."),
		    S("gssencmode=disable to be sure TLS (and its checks) is used."));
}

/* The topics, in the order their findings are listed. */
static void (*const topics[])(struct flist *, struct topic_ctx *) = {
	reach_findings,	    tls_findings,     trust_findings,	  refusal_findings,
	name_findings,	    provider_findings, downgrade_findings, hba_findings,
	answer_findings,    handshake_findings, startup_findings, binding_findings,
	direct_findings,    cert_findings,    chain_findings,	  gss_findings,
};

void explain_findings(const struct inspection *ins, const struct verdict *modes,
		      const struct verdict_opts *o, const struct provider_match *prov,
		      struct finding **out, int *n)
{
	struct flist l = { NULL, 0 };
	struct topic_ctx x = { ins, modes, o, prov, inspection_now(ins), false, -1, -1 };

	for (size_t i = 0; i < sizeof(topics) / sizeof(*topics); i++)
		topics[i](&l, &x);
	*out = l.f;
	*n = l.n;
}
