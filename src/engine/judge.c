/* SPDX-License-Identifier: MIT */
/* judge: the chain verdict as libpq reaches it. libpq's initialize_SSL
 * (fe-secure-openssl.c) builds an SSL_CTX: the root file through
 * SSL_CTX_load_verify_locations (or SSL_CTX_set_default_verify_paths for
 * sslrootcert=system, 16+), then, for a root file, the CRL file and
 * directory through X509_STORE_load_locations with X509_V_FLAG_CRL_CHECK |
 * X509_V_FLAG_CRL_CHECK_ALL when that load succeeds; SSL_VERIFY_PEER with a
 * verify_cb that changes nothing, and never X509_V_FLAG_PARTIAL_CHAIN.
 * OpenSSL's handshake then verifies in ssl_verify_cert_chain
 * (ssl/ssl_cert.c): the peer's chain as untrusted certificates, the
 * "ssl_server" defaults (purpose and trust sslServer), the SSL's security
 * level as the auth level. This module does the same with the chain GnuTLS
 * received. judge_chain_as does the same with another OpenSSL-based
 * client's settings (its security level as the auth level,
 * X509_V_FLAG_PARTIAL_CHAIN, which CRLs it reads), for the client-stack
 * matrix. The SSL_CTX of one root file and CRL set is kept and reused
 * while the files are unchanged, so the system store or a large bundle is
 * read once per process, not once per target. It owns no TLS session and
 * prints nothing. */
#include "config.h"
#include "engine/judge.h"
#include "engine/facts.h"
#include "util/oserror.h"
#include "util/xalloc.h"
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the verifier of one root file and CRL set, cached ---- */

struct store {
	char *key;            /* root file, CRL file, CRL directory */
	struct stat root_st, crl_st; /* as read (a change means a reload) */
	SSL_CTX *ctx;         /* NULL when the root file could not be read */
	char *error;          /* why not: libpq's text after the file name */
	int ncerts, nanchors; /* certificates in the store, self-signed ones */
	bool crl_checked;     /* the CRL load succeeded: CRL_CHECK flags on */
	bool shortage;        /* the root file could not be opened for want of
			       * descriptors: dropped once read */
};

#define NSTORES 8
static pthread_mutex_t stores_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store *stores[NSTORES];
static unsigned next_victim;

static void store_free(struct store *s)
{
	if (!s)
		return;
	SSL_CTX_free(s->ctx);
	free(s->key);
	free(s->error);
	free(s);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	       a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* OpenSSL's reason for the last failure, as libpq's SSLerrmessage gives
 * it (ERR_reason_error_string), then the error queue cleared. */
static char *ssl_reason(void)
{
	unsigned long e = ERR_get_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;
	char *out = r ? xstrdup(r) : e ? xasprintf("SSL error code %lu", e) : xstrdup("no SSL error reported");
	ERR_clear_error();
	return out;
}

/* Count the certificates of the store and the self-signed ones among them
 * (without X509_V_FLAG_PARTIAL_CHAIN only those end a path). */
static void count_store(struct store *s)
{
	X509_STORE *st = SSL_CTX_get_cert_store(s->ctx);
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(st);
	for (int i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		X509 *x = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
		if (!x)
			continue;
		s->ncerts++;
		s->nanchors += X509_check_issued(x, x) == X509_V_OK;
	}
}

/* initialize_SSL's part that does not depend on the server. */
static struct store *store_load(const char *root, bool system, const char *crl,
				const char *crldir, const char *key,
				const struct stat *root_st, const struct stat *crl_st)
{
	struct store *s = xcalloc(1, sizeof(*s));
	s->key = xstrdup(key);
	s->root_st = *root_st;
	s->crl_st = *crl_st;
	s->ctx = SSL_CTX_new(TLS_client_method());
	if (!s->ctx) {
		s->error = ssl_reason();
		return s;
	}
	if (system) {
		SSL_CTX_set_default_verify_paths(s->ctx);
		ERR_clear_error();
		count_store(s);
		return s;
	}
	errno = 0;
	if (SSL_CTX_load_verify_locations(s->ctx, root, NULL) != 1) {
		/* its fopen's errno: a full descriptor table is this
		 * process's shortage, not the file's; not kept */
		s->shortage = os_note_fd_error(errno) == EMFILE || errno == ENFILE;
		s->error = ssl_reason();
		SSL_CTX_free(s->ctx);
		s->ctx = NULL;
		return s;
	}
	count_store(s);
	/* libpq: "if not found, silently ignore; we do not require CRL" */
	X509_STORE *st = SSL_CTX_get_cert_store(s->ctx);
	if ((crl || crldir) && X509_STORE_load_locations(st, crl, crldir) == 1) {
		X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
		s->crl_checked = true;
	}
	ERR_clear_error();
	return s;
}

/* What a judgement reads of a verifier, copied under the lock: another
 * thread may evict the store itself once the lock is released. ctx (if
 * any) carries a reference of the caller's; error is the caller's too. */
struct store_view {
	SSL_CTX *ctx;
	int ncerts, nanchors;
	bool crl_checked;
	char *error;
};

/* The verifier for these files, loaded or reused. */
static void store_get(const char *root, bool system, const char *crl, const char *crldir,
		      struct store_view *v)
{
	char *key = xasprintf("%s\n%s\n%s", system ? "system" : root, crl ? crl : "",
			      crldir ? crldir : "");
	struct stat rs, cs;
	memset(&rs, 0, sizeof(rs));
	memset(&cs, 0, sizeof(cs));
	if (!system)
		stat(root, &rs);
	if (crl)
		stat(crl, &cs);
	pthread_mutex_lock(&stores_lock);
	struct store *s = NULL;
	for (int i = 0; i < NSTORES && !s; i++)
		if (stores[i] && !strcmp(stores[i]->key, key) &&
		    same_file(&stores[i]->root_st, &rs) && same_file(&stores[i]->crl_st, &cs))
			s = stores[i];
	if (!s) {
		unsigned slot = next_victim++ % NSTORES;
		for (unsigned i = 0; i < NSTORES; i++)
			if (!stores[i]) {
				slot = i;
				break;
			}
		store_free(stores[slot]);
		s = stores[slot] = store_load(root, system, crl, crldir, key, &rs, &cs);
	}
	v->ctx = s->ctx;
	if (v->ctx)
		SSL_CTX_up_ref(v->ctx);
	v->ncerts = s->ncerts;
	v->nanchors = s->nanchors;
	v->crl_checked = s->crl_checked;
	v->error = s->error ? xstrdup(s->error) : NULL;
	if (s->shortage) {
		for (int i = 0; i < NSTORES; i++)
			if (stores[i] == s)
				stores[i] = NULL;
		store_free(s);
	}
	pthread_mutex_unlock(&stores_lock);
	free(key);
}

int judge_root_holds(const char *rootcert, const uint8_t *der, size_t len)
{
	struct store_view v;

	if (!rootcert || !der || !len)
		return -1;
	store_get(rootcert, false, NULL, NULL, &v);
	free(v.error);
	if (!v.ctx)
		return -1;
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	int found = 0;
	if (x && p == der + len) {
		X509_STORE *st = SSL_CTX_get_cert_store(v.ctx);
		X509_STORE_lock(st);
		STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(st);
		for (int i = 0; i < sk_X509_OBJECT_num(objs) && !found; i++) {
			X509 *y = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
			found = y && X509_cmp(x, y) == 0;
		}
		X509_STORE_unlock(st);
	}
	X509_free(x);
	SSL_CTX_free(v.ctx);
	ERR_clear_error();
	return found;
}

/* ---- the judgement ---- */

/* OpenSSL's verify errors, as the facts name them. */
static enum chain_failure failure_of(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return CHAIN_FAIL_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return CHAIN_FAIL_NOT_YET_VALID;
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
		return CHAIN_FAIL_SIGNATURE;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		return CHAIN_FAIL_ISSUER_UNKNOWN;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		return CHAIN_FAIL_ISSUER_MISSING;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		return CHAIN_FAIL_SELF_SIGNED;
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		return CHAIN_FAIL_SELF_SIGNED_IN_CHAIN;
	case X509_V_ERR_INVALID_CA:
		return CHAIN_FAIL_NOT_CA;
	case X509_V_ERR_INVALID_PURPOSE:
		return CHAIN_FAIL_PURPOSE;
	case X509_V_ERR_CERT_REVOKED:
		return CHAIN_FAIL_REVOKED;
	case X509_V_ERR_EE_KEY_TOO_SMALL:
		return CHAIN_FAIL_EE_KEY_WEAK;
	case X509_V_ERR_CA_KEY_TOO_SMALL:
		return CHAIN_FAIL_CA_KEY_WEAK;
	case X509_V_ERR_CA_MD_TOO_WEAK:
		return CHAIN_FAIL_MD_WEAK;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
		return CHAIN_FAIL_CRL_MISSING;
	case X509_V_ERR_CRL_HAS_EXPIRED:
		return CHAIN_FAIL_CRL_EXPIRED;
	case X509_V_ERR_CRL_NOT_YET_VALID:
		return CHAIN_FAIL_CRL_NOT_YET_VALID;
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
		return CHAIN_FAIL_CRL_SIGNATURE;
	default:
		return CHAIN_FAIL_UNRECOGNISED; /* OpenSSL's own words, kept whole */
	}
}

static char *subject_of(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *out = NULL, *p;
	if (b && X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) >= 0) {
		long n = BIO_get_mem_data(b, &p);
		out = xasprintf("%.*s", (int)n, p);
	}
	BIO_free(b);
	return out ? out : xstrdup("(no subject)");
}

/* The certificate names where its issuer's certificate is published
 * (authorityInfoAccess caIssuers). */
static bool issuer_published(X509 *x)
{
	AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	bool found = false;
	for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia); i++)
		found |= OBJ_obj2nid(sk_ACCESS_DESCRIPTION_value(aia, i)->method) ==
			 NID_ad_ca_issuers;
	AUTHORITY_INFO_ACCESS_free(aia);
	return found;
}

static void fail(struct trust_facts *tr, enum chain_failure c, enum chain_gap gap,
		 const char *detail, const char *where)
{
	tr->chain_ok = 0;
	tr->chain_code = c;
	tr->chain_gap = gap;
	free(tr->chain_error);
	char *msg = facts_chain_failure_message(c, gap, detail);
	tr->chain_error = where ? xasprintf("%s; %s", msg, where) : msg;
	if (where)
		free(msg);
}

/* The chain as sent, in OpenSSL's form: the leaf, and the rest as the
 * untrusted certificates ssl_verify_cert_chain passes. -1 with the index
 * of a certificate OpenSSL cannot read. */
static int to_openssl(const struct cert_facts *chain, size_t n, X509 **leaf,
		      STACK_OF(X509) **rest)
{
	*leaf = NULL;
	*rest = sk_X509_new_null();
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = chain[i].der;
		X509 *x = chain[i].der ? d2i_X509(NULL, &p, (long)chain[i].der_len) : NULL;
		if (!x)
			return (int)i;
		if (i == 0)
			*leaf = x;
		else
			sk_X509_push(*rest, x);
	}
	return -1;
}

static time_t time_of(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return (time_t)-1;
	return timegm(&tm);
}

/* libpq's verify_cb (fe-secure-openssl.c) returns ok unchanged; so does
 * this one. It only notes, while OpenSSL still holds the CRL it read
 * (check_cert clears current_crl when it returns), when that CRL says the
 * certificate was revoked. */
static int note_revocation(int ok, X509_STORE_CTX *vctx)
{
	time_t *revoked_at = X509_STORE_CTX_get_app_data(vctx);
	X509_CRL *crl = X509_STORE_CTX_get0_current_crl(vctx);
	X509 *cur = X509_STORE_CTX_get_current_cert(vctx);
	X509_REVOKED *rev = NULL;
	if (!ok && revoked_at && crl && cur &&
	    X509_STORE_CTX_get_error(vctx) == X509_V_ERR_CERT_REVOKED &&
	    X509_CRL_get0_by_cert(crl, &rev, cur) > 0 && rev)
		*revoked_at = time_of(X509_REVOKED_get0_revocationDate(rev));
	return ok;
}

/* X509_verify_cert as the handshake runs it; the error, depth and subject
 * of the certificate it concerns when the chain is refused, and when a
 * revoked one was revoked. */
static int verify(SSL_CTX *ctx, X509 *leaf, STACK_OF(X509) *rest, time_t at,
		  int level, unsigned long flags, int *depth, char **subject,
		  time_t *revoked_at, char **ssl_error)
{
	X509_STORE_CTX *vctx = X509_STORE_CTX_new();
	int err = X509_V_ERR_UNSPECIFIED;
	if (!vctx || !X509_STORE_CTX_init(vctx, SSL_CTX_get_cert_store(ctx), leaf, rest))
		goto out;
	X509_STORE_CTX_set_app_data(vctx, revoked_at);
	X509_STORE_CTX_set_verify_cb(vctx, note_revocation);
	/* ssl_verify_cert_chain: the server's defaults, the SSL's params,
	 * the security level as the auth level */
	X509_STORE_CTX_set_default(vctx, "ssl_server");
	X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(vctx);
	X509_VERIFY_PARAM_set1(param, SSL_CTX_get0_param(ctx));
	X509_VERIFY_PARAM_set_auth_level(param, level);
	if (flags)
		X509_VERIFY_PARAM_set_flags(param, flags);
	if (at)
		X509_VERIFY_PARAM_set_time(param, at);
	ERR_clear_error();
	if (X509_verify_cert(vctx) == 1) {
		err = X509_V_OK;
	} else {
		/* ssl_verify_cert_chain's caller queues "certificate verify
		 * failed" after whatever the verifier queued; libpq prints the
		 * first of them */
		unsigned long first = ERR_peek_error();
		const char *reason = first ? ERR_reason_error_string(first) : NULL;
		*ssl_error = xstrdup(reason ? reason : "certificate verify failed");
		err = X509_STORE_CTX_get_error(vctx);
		*depth = X509_STORE_CTX_get_error_depth(vctx);
		X509 *cur = X509_STORE_CTX_get_current_cert(vctx);
		*subject = cur ? subject_of(cur) : NULL;
	}
out:
	X509_STORE_CTX_free(vctx);
	ERR_clear_error();
	return err;
}

static int system_level = -1;
static pthread_once_t system_level_once = PTHREAD_ONCE_INIT;

static void read_system_level(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (ctx)
		system_level = SSL_CTX_get_security_level(ctx);
	SSL_CTX_free(ctx);
	ERR_clear_error();
}

int judge_system_level(void)
{
	pthread_once(&system_level_once, read_system_level);
	return system_level;
}

const struct judge_settings judge_libpq = { -1, false, true, true };

void judge_chain(const struct cert_facts *chain, size_t nchain, struct trust_facts *tr,
		 time_t at)
{
	judge_chain_as(chain, nchain, tr, at, &judge_libpq);
}

void judge_chain_as(const struct cert_facts *chain, size_t nchain, struct trust_facts *tr,
		    time_t at, const struct judge_settings *s)
{
	free(tr->chain_error);
	tr->chain_error = NULL;
	free(tr->chain_subject);
	tr->chain_subject = NULL;
	tr->chain_depth = -1;
	tr->revoked_at = (time_t)-1;
	tr->chain_code = CHAIN_FAIL_NONE;
	tr->chain_gap = CHAIN_GAP_NONE;
	free(tr->ssl_error);
	tr->ssl_error = NULL;
	tr->chain_ok = -1;
	tr->crl_checked = -1;
	tr->security_level = -1;
	tr->verified_at = (time_t)-1;
	bool system = tr->source == ROOTCERT_SYSTEM;
	if (nchain == 0 || !tr->rootcert || (!tr->rootcert_exists && !system))
		return;
	tr->verified_at = at ? at : time(NULL);

	struct store_view v;
	const char *crl = !system && s->crl_file ? tr->crl : NULL;
	const char *crldir = !system && s->crl_dir ? tr->crldir : NULL;
	store_get(tr->rootcert, system, crl, crldir, &v);
	SSL_CTX *ctx = v.ctx;
	char *error = v.error;
	int nanchors = v.nanchors;
	tr->rootcert_certs = system || !ctx ? -1 : v.ncerts;
	tr->crl_checked = ctx && v.crl_checked;
	int level = s->security_level >= 0 ? s->security_level :
		    ctx ? SSL_CTX_get_security_level(ctx) : -1;
	tr->security_level = ctx ? level : -1;
	if (!ctx) {
		/* initialize_SSL: could not read root certificate file */
		free(tr->rootcert_error);
		tr->rootcert_error = xasprintf("could not read root certificate file \"%s\": %s",
					       tr->rootcert, error ? error : "");
		free(error);
		fail(tr, CHAIN_FAIL_ROOT_UNREADABLE, CHAIN_GAP_NONE, NULL, NULL);
		return;
	}
	free(error);

	X509 *leaf;
	STACK_OF(X509) *rest;
	int bad = to_openssl(chain, nchain, &leaf, &rest);
	if (bad >= 0) {
		char num[24];
		snprintf(num, sizeof(num), "%d", bad);
		fail(tr, CHAIN_FAIL_UNPARSABLE, CHAIN_GAP_NONE, num, NULL);
	} else {
		int depth = -1;
		char *subject = NULL;
		unsigned long flags = s->partial_chain ? X509_V_FLAG_PARTIAL_CHAIN : 0;
		int err = verify(ctx, leaf, rest, at, level, flags, &depth, &subject,
				 &tr->revoked_at, &tr->ssl_error);
		if (err == X509_V_OK) {
			tr->chain_ok = 1;
		} else {
			enum chain_failure c = failure_of(err);
			enum chain_gap gap = CHAIN_GAP_NONE;
			/* a lone leaf whose issuer is missing: an intermediate
			 * only when the leaf says its issuer is published
			 * (caIssuers), as a CA under a root does; else the
			 * issuer may as well be a root the file lacks */
			if (c == CHAIN_FAIL_ISSUER_UNKNOWN && nchain == 1 && !chain[0].self_signed)
				gap = issuer_published(leaf) ? CHAIN_GAP_INTERMEDIATE :
							       CHAIN_GAP_LEAF_ONLY;
			else if ((c == CHAIN_FAIL_ISSUER_UNKNOWN || c == CHAIN_FAIL_ISSUER_MISSING) &&
				 nanchors == 0 && !system)
				gap = CHAIN_GAP_NO_ANCHOR;
			char *where = xasprintf("depth %d: %s", depth, subject ? subject : "?");
			fail(tr, c, gap, X509_verify_cert_error_string(err), where);
			free(where);
			tr->chain_depth = depth;
			tr->chain_subject = subject;
			subject = NULL;
		}
		free(subject);
	}
	X509_free(leaf);
	sk_X509_pop_free(rest, X509_free);
	SSL_CTX_free(ctx);
}

/* ---- the client key, as initialize_SSL loads it ---- */

struct pass {
	const char *password; /* NULL or "": libpq installs no callback */
	bool asked;
};

/* PQssl_passwd_cb and PQdefaultSSLKeyPassHook_OpenSSL: sslpassword, cut
 * to the buffer. Without one libpq leaves OpenSSL's PEM_def_callback,
 * which asks on the terminal: here it is only noted, never asked. */
static int pass_cb(char *buf, int size, int rwflag, void *userdata)
{
	struct pass *p = userdata;
	(void)rwflag;
	p->asked = true;
	if (!p->password || !*p->password || size <= 0)
		return -1;
	size_t n = strlen(p->password);
	if (n > (size_t)size - 1)
		n = (size_t)size - 1;
	memcpy(buf, p->password, n);
	buf[n] = '\0';
	return (int)n;
}

char *judge_client_key(const char *path, const char *password)
{
	struct pass p = { password, false };
	char *why = NULL;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		return ssl_reason();
	SSL_CTX_set_default_passwd_cb(ctx, pass_cb);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, &p);
	ERR_clear_error();
	/* SSL_use_PrivateKey_file, PEM then DER; libpq reports the PEM
	 * attempt's first error (SSLerrmessage(ERR_get_error())) */
	if (SSL_CTX_use_PrivateKey_file(ctx, path, SSL_FILETYPE_PEM) != 1) {
		why = ssl_reason();
		if (SSL_CTX_use_PrivateKey_file(ctx, path, SSL_FILETYPE_ASN1) == 1) {
			free(why);
			why = NULL;
		} else if (p.asked && (!password || !*password)) {
			/* PEM_def_callback's prompt ("Enter PEM pass phrase:")
			 * read nothing: OpenSSL's UI says "processing error",
			 * as psql does with no terminal and stdin at EOF */
			free(why);
			why = xstrdup("processing error");
		}
	}
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return why;
}
