/* SPDX-License-Identifier: MIT */
/* login: libpq's side of SCRAM-SHA-256(-PLUS), MD5 and cleartext
 * authentication over OpenSSL's primitives. Each step names the libpq
 * function it follows; the error texts are libpq's, without the newline. */
#include "config.h"
#include "engine/login.h"
#include "util/xalloc.h"
#include <limits.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stringprep.h>

/* fe-auth-scram.c: SCRAM_RAW_NONCE_LEN */
#define RAW_NONCE_LEN 18

void login_free_secret(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* ---- SASLprep ------------------------------------------------------- */

static bool all_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s & 0x80)
			return false;
	return true;
}

/* pg_utf8_islegal over the whole string: no overlong forms, no
 * surrogates, nothing past U+10FFFF. */
static bool valid_utf8(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s;
		int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 :
			(c & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0 || (n == 1 && c < 0xc2) || (n == 3 && c > 0xf4))
			return false;
		for (int i = 1; i <= n; i++)
			if ((s[i] & 0xc0) != 0x80)
				return false;
		if (n == 2 && ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f)))
			return false;
		if (n == 3 && ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f)))
			return false;
		s += n + 1;
	}
	return true;
}

/* scram_init: pg_saslprep, and the raw password whenever it does not
 * succeed (SASLPREP_INVALID_UTF8, SASLPREP_PROHIBITED, and an empty
 * result, which pg_saslprep counts as prohibited). */
char *login_saslprep(const char *password)
{
	char *out = NULL;
	if (all_ascii(password) || !valid_utf8((const unsigned char *)password))
		return xstrdup(password);
	if (stringprep_profile(password, &out, "SASLprep", STRINGPREP_NO_UNASSIGNED) !=
		    STRINGPREP_OK ||
	    !out || !*out) {
		login_free_secret(out);
		return xstrdup(password);
	}
	char *copy = xstrdup(out);
	login_free_secret(out);
	return copy;
}

/* ---- MD5 ------------------------------------------------------------ */

static void hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* common/md5_common.c pg_md5_encrypt: "md5" + md5hex(a + b) */
static int md5_encrypt(const void *a, size_t alen, const void *b, size_t blen,
		       char out[LOGIN_MD5_LEN + 1])
{
	uint8_t d[16];
	int rc = -1;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, a, alen) == 1 && EVP_DigestUpdate(ctx, b, blen) == 1 &&
	    EVP_DigestFinal_ex(ctx, d, NULL) == 1) {
		memcpy(out, "md5", 3);
		hex(d, sizeof(d), out + 3);
		rc = 0;
	}
	EVP_MD_CTX_free(ctx);
	explicit_bzero(d, sizeof(d));
	return rc;
}

/* pg_password_sendauth, AUTH_REQ_MD5 */
int login_md5(const char *password, const char *user, const uint8_t salt[4],
	      char out[LOGIN_MD5_LEN + 1])
{
	char inner[LOGIN_MD5_LEN + 1];
	int rc = md5_encrypt(password, strlen(password), user, strlen(user), inner);
	if (rc == 0)
		rc = md5_encrypt(inner + 3, 32, salt, 4, out);
	explicit_bzero(inner, sizeof(inner));
	return rc;
}

/* ---- tls-server-end-point ------------------------------------------- */

/* fe-secure-openssl.c pgtls_get_peer_certificate_hash */
int login_cert_hash(const uint8_t *der, size_t len, uint8_t *hash, size_t size,
		    const char **digest, char **err)
{
	const unsigned char *p = der;
	X509 *x = len <= LONG_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
	const EVP_MD *md = NULL;
	uint8_t buf[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int nid = NID_undef;

	*err = NULL;
	if (digest)
		*digest = NULL;
	if (!x || !X509_get_signature_info(x, &nid, NULL, NULL, NULL)) {
		*err = xstrdup("could not determine server certificate signature algorithm");
	} else if (nid == NID_md5 || nid == NID_sha1) {
		/* RFC 5929 4.1: MD5 and SHA-1 become SHA-256 */
		md = EVP_sha256();
	} else if (!(md = EVP_get_digestbynid(nid))) {
		const char *sn = OBJ_nid2sn(nid);
		*err = xasprintf("could not find digest for NID %s", sn ? sn : "(null)");
	}
	if (md && (!X509_digest(x, md, buf, &n) || n > size))
		*err = xstrdup("could not generate peer certificate hash");
	X509_free(x);
	/* nothing left queued for the judge's next ERR_get_error */
	ERR_clear_error();
	if (*err)
		return -1;
	memcpy(hash, buf, n);
	if (digest)
		*digest = OBJ_nid2sn(EVP_MD_type(md));
	return (int)n;
}

/* ---- base64 (common/base64.c's rules, over OpenSSL's codec) ---------- */

static char *b64_encode(const uint8_t *p, size_t n)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

/* -1 for anything but whole groups of four base64 characters with
 * padding only at the end */
static int b64_decode(const char *s, uint8_t **out)
{
	size_t len = strlen(s);
	*out = NULL;
	if (len % 4 || len > INT_MAX / 2)
		return -1;
	size_t pad = len && s[len - 1] == '=' ? (len > 1 && s[len - 2] == '=' ? 2 : 1) : 0;
	for (size_t i = 0; i < len - pad; i++)
		if (s[i] == '=')
			return -1;
	uint8_t *buf = xmalloc(len / 4 * 3 + 1);
	int n = len ? EVP_DecodeBlock(buf, (const unsigned char *)s, (int)len) : 0;
	if (n < 0 || (size_t)n < pad) {
		free(buf);
		return -1;
	}
	*out = buf;
	return n - (int)pad;
}

/* ---- SCRAM ---------------------------------------------------------- */

enum scram_step { SCRAM_INIT, SCRAM_NONCE_SENT, SCRAM_PROOF_SENT, SCRAM_FINISHED };

struct scram {
	enum scram_step step;
	char flag;                  /* gs2 channel-binding flag: 'p', 'y', 'n' */
	char *password;             /* after SASLprep */
	char *client_nonce;
	char *client_first_bare;
	char *server_first;
	char *nonce;                /* client and server nonce together */
	char *final_without_proof;
	uint8_t salted[LOGIN_SCRAM_KEY_LEN]; /* SaltedPassword */
	bool too_costly;            /* the tool's own bound, not libpq's */
};

struct scram *scram_new(const char *password, char flag)
{
	struct scram *s = xcalloc(1, sizeof(*s));
	s->flag = flag;
	s->password = login_saslprep(password);
	return s;
}

void scram_free(struct scram *s)
{
	if (!s)
		return;
	login_free_secret(s->password);
	free(s->client_nonce);
	free(s->client_first_bare);
	free(s->server_first);
	free(s->nonce);
	free(s->final_without_proof);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

bool scram_proof_sent(const struct scram *s)
{
	return s->step >= SCRAM_PROOF_SENT;
}

bool scram_too_costly(const struct scram *s)
{
	return s->too_costly;
}

/* build_client_first_message */
char *scram_client_first(struct scram *s, const char *user, const char *nonce,
			 char **err)
{
	*err = NULL;
	if (!nonce) {
		uint8_t raw[RAW_NONCE_LEN];
		if (RAND_bytes(raw, sizeof(raw)) != 1) {
			*err = xstrdup("could not generate nonce");
			return NULL;
		}
		s->client_nonce = b64_encode(raw, sizeof(raw));
	} else {
		s->client_nonce = xstrdup(nonce);
	}
	s->client_first_bare = xasprintf("n=%s,r=%s", user ? user : "", s->client_nonce);
	s->step = SCRAM_NONCE_SENT;
	return xasprintf("%s,,%s",
			 s->flag == 'p' ? "p=tls-server-end-point" : s->flag == 'y' ? "y" : "n",
			 s->client_first_bare);
}

/* read_attr_value: "A=value" up to the next ',' (consumed) or the end */
static char *attr(char **in, char a, char **err)
{
	char *b = *in;
	if (*b != a) {
		*err = xasprintf("malformed SCRAM message (attribute \"%c\" expected)", a);
		return NULL;
	}
	if (*++b != '=') {
		*err = xasprintf("malformed SCRAM message (expected character \"=\" for attribute \"%c\")",
				 a);
		return NULL;
	}
	char *v = ++b;
	while (*b && *b != ',')
		b++;
	if (*b)
		*b++ = '\0';
	*in = b;
	return v;
}

/* scram_exchange: the server's message is text of exactly inlen bytes */
static char *message_text(const char *in, size_t inlen, char **err)
{
	if (inlen == 0) {
		*err = xstrdup("malformed SCRAM message (empty message)");
		return NULL;
	}
	if (memchr(in, '\0', inlen)) {
		*err = xstrdup("malformed SCRAM message (length mismatch)");
		return NULL;
	}
	return xstrndup(in, inlen);
}

static int hmac(const uint8_t *key, size_t klen, const void *d, size_t n,
		uint8_t out[LOGIN_SCRAM_KEY_LEN])
{
	unsigned int len = 0;
	return HMAC(EVP_sha256(), key, (int)klen, d, n, out, &len) && len == LOGIN_SCRAM_KEY_LEN ?
		       0 : -1;
}

/* the AuthMessage both signatures sign: client-first-message-bare,
 * server-first-message, client-final-message-without-proof */
static int sign(const struct scram *s, const uint8_t key[LOGIN_SCRAM_KEY_LEN],
		uint8_t out[LOGIN_SCRAM_KEY_LEN])
{
	char *msg = xasprintf("%s,%s,%s", s->client_first_bare, s->server_first,
			      s->final_without_proof);
	int rc = hmac(key, LOGIN_SCRAM_KEY_LEN, msg, strlen(msg), out);
	free(msg);
	return rc;
}

/* read_server_first_message */
static int read_server_first(struct scram *s, char *in, uint8_t **salt, int *saltlen,
			     int *iterations, char **err)
{
	s->server_first = xstrdup(in);
	char *nonce = attr(&in, 'r', err);
	if (!nonce)
		return -1;
	size_t cn = strlen(s->client_nonce);
	if (strlen(nonce) < cn || CRYPTO_memcmp(nonce, s->client_nonce, cn) != 0) {
		*err = xstrdup("invalid SCRAM response (nonce mismatch)");
		return -1;
	}
	s->nonce = xstrdup(nonce);
	char *enc = attr(&in, 's', err);
	if (!enc)
		return -1;
	if ((*saltlen = b64_decode(enc, salt)) < 0) {
		*err = xstrdup("malformed SCRAM message (invalid salt)");
		return -1;
	}
	char *its = attr(&in, 'i', err), *end;
	if (!its)
		return -1;
	/* an int, as libpq stores strtol's answer */
	*iterations = (int)strtol(its, &end, 10);
	if (*end || *iterations < 1) {
		*err = xstrdup("malformed SCRAM message (invalid iteration count)");
		return -1;
	}
	/* anything after is "garbage at end of server-first-message", which
	 * libpq notes and goes on past */
	return 0;
}

/* build_client_final_message: c= (the gs2 header, with the certificate's
 * hash for PLUS), r=, then p= the proof (calculate_client_proof) */
char *scram_client_final(struct scram *s, const char *in, size_t inlen,
			 const uint8_t *cert, size_t cert_len, size_t *proof_at,
			 char **err)
{
	uint8_t *salt = NULL, client_key[LOGIN_SCRAM_KEY_LEN], stored[LOGIN_SCRAM_KEY_LEN],
		sig[LOGIN_SCRAM_KEY_LEN], proof[LOGIN_SCRAM_KEY_LEN];
	int saltlen = 0, iterations = 0;
	char *text, *out = NULL, *cbind = NULL;

	*err = NULL;
	if (s->step != SCRAM_NONCE_SENT) {
		*err = xstrdup("invalid SCRAM exchange state");
		return NULL;
	}
	if (!(text = message_text(in, inlen, err)))
		return NULL;
	if (read_server_first(s, text, &salt, &saltlen, &iterations, err) < 0)
		goto out;
	if (iterations > LOGIN_SCRAM_MAX_ITERATIONS) {
		s->too_costly = true;
		*err = xasprintf("the server asks for %d SCRAM iterations; pgtls-inspect computes at most %d",
				 iterations, LOGIN_SCRAM_MAX_ITERATIONS);
		goto out;
	}
	if (s->flag == 'p') {
		static const char header[] = "p=tls-server-end-point,,";
		uint8_t input[sizeof(header) - 1 + EVP_MAX_MD_SIZE];
		int n = login_cert_hash(cert, cert_len, input + sizeof(header) - 1,
					EVP_MAX_MD_SIZE, NULL, err);
		if (n < 0)
			goto out;
		memcpy(input, header, sizeof(header) - 1);
		cbind = b64_encode(input, sizeof(header) - 1 + (size_t)n);
	}
	/* "eSws" is base64 of "y,,", "biws" of "n,," */
	s->final_without_proof = xasprintf("c=%s,r=%s",
					   cbind ? cbind : s->flag == 'y' ? "eSws" : "biws",
					   s->nonce);
	/* calculate_client_proof: SaltedPassword, ClientKey, StoredKey,
	 * ClientSignature, and ClientKey XOR ClientSignature */
	if (PKCS5_PBKDF2_HMAC(s->password, (int)strlen(s->password), salt, saltlen, iterations,
			      EVP_sha256(), LOGIN_SCRAM_KEY_LEN, s->salted) != 1 ||
	    hmac(s->salted, sizeof(s->salted), "Client Key", 10, client_key) < 0 ||
	    EVP_Digest(client_key, sizeof(client_key), stored, NULL, EVP_sha256(), NULL) != 1 ||
	    sign(s, stored, sig) < 0) {
		*err = xstrdup("could not calculate client proof: could not compute HMAC");
		goto out;
	}
	for (int i = 0; i < LOGIN_SCRAM_KEY_LEN; i++)
		proof[i] = client_key[i] ^ sig[i];
	char *p64 = b64_encode(proof, sizeof(proof));
	out = xasprintf("%s,p=%s", s->final_without_proof, p64);
	*proof_at = strlen(s->final_without_proof) + 3;
	login_free_secret(p64);
	s->step = SCRAM_PROOF_SENT;
out:
	OPENSSL_cleanse(client_key, sizeof(client_key));
	OPENSSL_cleanse(stored, sizeof(stored));
	OPENSSL_cleanse(sig, sizeof(sig));
	OPENSSL_cleanse(proof, sizeof(proof));
	free(salt);
	free(cbind);
	free(text);
	return out;
}

/* read_server_final_message, verify_server_signature */
int scram_server_final(struct scram *s, const char *in, size_t inlen, char **err)
{
	uint8_t key[LOGIN_SCRAM_KEY_LEN], want[LOGIN_SCRAM_KEY_LEN], *got = NULL;
	char *text, *p;
	int rc = -1;

	*err = NULL;
	if (s->step != SCRAM_PROOF_SENT) {
		*err = xstrdup("invalid SCRAM exchange state");
		return -1;
	}
	if (!(text = message_text(in, inlen, err)))
		return -1;
	p = text;
	if (*p == 'e') {
		char *e = attr(&p, 'e', err);
		if (e)
			*err = xasprintf("error received from server in SCRAM exchange: %s", e);
		goto out;
	}
	char *v = attr(&p, 'v', err);
	if (!v)
		goto out;
	if (b64_decode(v, &got) != LOGIN_SCRAM_KEY_LEN) {
		*err = xstrdup("malformed SCRAM message (invalid server signature)");
		goto out;
	}
	if (hmac(s->salted, sizeof(s->salted), "Server Key", 10, key) < 0 || sign(s, key, want) < 0) {
		*err = xstrdup("could not verify server signature: could not compute HMAC");
		goto out;
	}
	s->step = SCRAM_FINISHED;
	if (CRYPTO_memcmp(want, got, LOGIN_SCRAM_KEY_LEN) != 0) {
		*err = xstrdup("incorrect server signature");
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(want, sizeof(want));
	free(got);
	free(text);
	return rc;
}
