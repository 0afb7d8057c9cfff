/* SPDX-License-Identifier: MIT */
/* clients_ctx: what the rows of the client-stack matrix share, private to
 * model/clients: the evidence a row collects (struct clients_ev), the facts
 * every row reads from the inspection (struct clients_ctx), and the checks
 * and name-check wording more than one stack uses. */
#ifndef PGI_CLIENTS_CTX_H
#define PGI_CLIENTS_CTX_H
#include "engine/inspection.h"
#include "engine/judge.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the evidence of one row ------------------------------------------- */

/* A row collects reasons: the first reason at the highest level decides
 * (a rejection beats an unknown, which beats acceptance); what passed is
 * kept for the rule of an accepting row. */
enum clients_level { L_ACCEPT, L_UNKNOWN, L_REJECT };

struct clients_ev {
	enum clients_level level;
	char *why;
	struct strbuf ok;
};

/* printf into a fresh heap string, from a va_list */
static inline char *vfmt(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));
static inline char *vfmt(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		return xstrdup(""); /* only on exhaustion: the rule goes blank */
	return s;
}

/* A reason at level l; the first at the highest level stays. */
static inline void ev_set(struct clients_ev *e, enum clients_level l,
			  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline void ev_set(struct clients_ev *e, enum clients_level l,
			  const char *fmt, ...)
{
	va_list ap;

	if (l < e->level || (l == e->level && e->why))
		return;
	free(e->why);
	va_start(ap, fmt);
	e->why = vfmt(fmt, ap);
	va_end(ap);
	e->level = l;
}

/* What passed, for the rule of an accepting row. */
static inline void ev_ok(struct clients_ev *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void ev_ok(struct clients_ev *e, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vfmt(fmt, ap);
	va_end(ap);
	if (e->ok.len)
		sb_adds(&e->ok, "; ");
	sb_adds(&e->ok, s);
	free(s);
}

/* ---- facts shared by every row ----------------------------------------- */

/* libpq's chain result, sorted by the failure class x509 records. */
enum clients_chain {
	CC_UNCHECKED,
	CC_OK,
	CC_EXPIRED,
	CC_NOTYET,
	CC_SIGNATURE,
	CC_ISSUER,
	CC_NO_ANCHOR,  /* the root file holds no self-signed CA */
	/* the root file holds a certificate of the chain (OpenSSL built the
	 * chain up to it) but no self-signed CA above it */
	CC_PARTIAL,
	CC_NOT_CA,
	CC_PURPOSE,
	CC_INSECURE,
	CC_KEY_WEAK,   /* a key below OpenSSL's security level */
	CC_UNREADABLE,
	CC_OTHER,
};

/* Whose chain check a stack's follows where it differs from OpenSSL's. */
enum clients_pers { P_OPENSSL, P_JDK, P_GO, P_WEBPKI, P_DOTNET };

/* The leaf's extended key usage. */
enum clients_eku { EKU_ABSENT, EKU_SERVER, EKU_ANY_ONLY, EKU_WRONG };

struct clients_ctx {
	const struct inspection *ins;
	const struct cert_facts *chain, *leaf;
	size_t n;
	const char *host;        /* the name to check, or NULL */
	int iplen;               /* 4 or 16 when host is a strict IP literal */
	uint8_t ip[16];
	enum rootcert_source src;
	const char *rootcert;    /* the path (or "system"), or NULL */
	bool file;               /* a root file that exists (not "system") */
	/* that file holds the leaf itself (judge_root_holds: 1, 0, -1
	 * unreadable now); 0 without a file */
	int leaf_pinned;
	const struct trust_facts *tr;
	struct trust_facts local; /* a fresh check when the probe made none */
	enum clients_chain cls;
	time_t now;
	/* the server negotiated (or refused with) a version below TLS 1.2 */
	bool tls_old;
	const char *tls_old_text;
	/* signatures a verifier checks (not a self-signed certificate's own) */
	const char *sha1_subject, *md5_subject;
	int min_rsa;             /* smallest RSA key in the chain, 0 none */
	const char *min_rsa_subject;
	enum clients_eku eku;
	char **tmp;              /* sanitized strings, freed at the end */
	int ntmp;
};

/* Text to quote in a rule (kept until the matrix is done). Rules hold raw
 * text, server text among it; the sinks escape them once, as they do the
 * findings. */
static inline const char *q(struct clients_ctx *c, const char *s)
{
	strlist_add(&c->tmp, &c->ntmp, s ? s : "");
	return c->tmp[c->ntmp - 1];
}

/* Name i of a leaf's name list (CNs, dNSName SANs) to quote in a rule:
 * every byte, an embedded NUL as SANITIZE_NUL (the sinks show \x00). */
static inline const char *qn(struct clients_ctx *c, char *const *names, const size_t *lens, int i)
{
	char *t = cert_name_text(names, lens, i);
	strlist_add(&c->tmp, &c->ntmp, t);
	free(t);
	return c->tmp[c->ntmp - 1];
}

/* Name i as a matcher compares it: "" for a name holding a NUL byte. Every
 * stack compares the whole name (OpenSSL's X509_check_host and Go by length,
 * Node, webpki and Java on the decoded string), no host name holds a NUL,
 * and "" matches no host under any matcher of hostmatch.h. */
static inline const char *name_to_match(char *const *names, const size_t *lens, int i)
{
	return cert_name_has_nul(names, lens, i) ? "" : names[i];
}
#define DNS_AT(l, i) name_to_match((l)->san_dns, (l)->san_dns_len, (i))
#define CN_AT(l, i) name_to_match((l)->cn, (l)->cn_len, (i))

static inline bool starts(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

static inline int rsa_bits(const char *key)
{
	if (starts(key, "RSA "))
		return atoi(key + 4);
	if (starts(key, "RSA-PSS "))
		return atoi(key + 8);
	return 0;
}

static inline bool has(char **list, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

/* The facts for host (the name the client would check; the probe's when
 * NULL or empty); clients_ctx_free releases them. */
void clients_ctx_init(struct clients_ctx *c, const struct inspection *ins,
		      const char *host);
void clients_ctx_free(struct clients_ctx *c);

/* ---- checks every stack shares ----------------------------------------- */

/* The stack's TLS floor (NULL: the OS's), then a certificate to judge:
 * false when there is none, the evidence saying why. */
bool clients_start(struct clients_ev *e, struct clients_ctx *c,
		   const char *floor);
/* The chain against the root file as libpq judged it, for a stack of
 * persuasion p (who names it in the rule). */
void clients_file_trust(struct clients_ev *e, struct clients_ctx *c,
			enum clients_pers p, const char *who);
/* The chain against the root file judged by OpenSSL (judge_chain_as) with
 * an OpenSSL-based stack's own settings s, then read as clients_file_trust
 * reads libpq's result for persuasion p; how names the settings in the
 * rule. libpq's verdict of the file stands in when the file cannot be read
 * now, as in a replay on another machine. */
void clients_openssl_trust(struct clients_ev *e, struct clients_ctx *c,
			   const struct judge_settings *s, enum clients_pers p,
			   const char *who, const char *how);
/* Validity, checked directly where trust is unknown. */
void clients_validity(struct clients_ev *e, struct clients_ctx *c);
/* A SHA-1 or MD5 signature (sig_rule says why) and an RSA key under 1024
 * bits (rsa_rule) refused, for a stack that refuses them whatever the roots. */
void clients_weak_crypto(struct clients_ev *e, struct clients_ctx *c,
			 const char *sig_rule, const char *rsa_rule);
/* The leaf's extended key usage. */
void clients_leaf_eku(struct clients_ev *e, struct clients_ctx *c,
		      enum clients_pers p, const char *who);

/* ---- the words of a name check ----------------------------------------- */

/* The leaf has an iPAddress SAN with this address. */
bool clients_any_ip_san(const struct clients_ctx *c, const uint8_t *ip,
			int iplen);
/* "x" (and N more): the first name of a list, for a mismatch. */
void clients_first_of(struct clients_ctx *c, struct strbuf *sb, char **list,
		      const size_t *lens, int n);
/* A note when an IP host is spelt in a dNSName SAN or the CN instead. */
void clients_ip_elsewhere(struct clients_ctx *c, struct strbuf *sb);
/* An IP host against iPAddress SANs only: 1 match, 0 not (rule names the
 * stack's check in the words). */
int clients_ip_only(struct clients_ctx *c, struct strbuf *why, const char *rule);
/* A verify-full row's name step: fn's verdict and words, then note. */
void clients_name_step(struct clients_ev *e, struct clients_ctx *c,
		       int (*fn)(struct clients_ctx *, struct strbuf *),
		       const char *note);

#endif
