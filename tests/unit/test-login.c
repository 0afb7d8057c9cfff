/* SPDX-License-Identifier: MIT */
/* test-login: the client side of libpq's password authentication
 * (engine/login.c) against known answers: SCRAM-SHA-256 against RFC 7677's
 * example exchange, MD5 against PostgreSQL's well-known "postgres" hash and
 * an independently computed salted answer, SASLprep against RFC 4013's
 * examples, the tls-server-end-point hash by libpq's digest rule, and
 * libpq's words for each failure. */
#include "config.h"
#include "check.h"
#include "engine/login.h"
#include "engine/pgwire.h"
#include "util/strbuf.h"
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

/* RFC 7677, section 3 */
#define RFC_NONCE "rOprNGfwEbeRWgbNEkqO"
#define RFC_SERVER_FIRST \
	"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
#define RFC_CLIENT_FINAL                                             \
	"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0," \
	"p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
#define RFC_SERVER_FINAL "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="

/* A SCRAM exchange up to the client-final-message; NULL with *err. */
static char *final_for(struct scram *s, const char *user, const char *server_first,
		       size_t *proof_at, char **err)
{
	char *first = scram_client_first(s, user, RFC_NONCE, err);
	free(first);
	return scram_client_final(s, server_first, strlen(server_first), NULL, 0, proof_at, err);
}

static void test_scram_rfc7677(void)
{
	struct scram *s = scram_new("pencil", 'n');
	char *err = NULL;
	size_t proof_at = 0;
	char *first = scram_client_first(s, "user", RFC_NONCE, &err);
	CHECK_STR(first, "n,,n=user,r=" RFC_NONCE);
	free(first);
	char *final = scram_client_final(s, RFC_SERVER_FIRST, strlen(RFC_SERVER_FIRST), NULL, 0,
					 &proof_at, &err);
	CHECK_STR(final, RFC_CLIENT_FINAL);
	CHECK_STR(err, NULL);
	CHECK(final && !strcmp(final + proof_at, "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
	CHECK(scram_proof_sent(s));
	CHECK_INT(scram_server_final(s, RFC_SERVER_FINAL, strlen(RFC_SERVER_FINAL), &err), 0);
	CHECK_STR(err, NULL);
	free(final);
	scram_free(s);

	/* a server that does not know the password: its signature is not
	 * the one the exchange gives */
	s = scram_new("pencil", 'n');
	final = final_for(s, "user", RFC_SERVER_FIRST, &proof_at, &err);
	const char *bad = "v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
	CHECK_INT(scram_server_final(s, bad, strlen(bad), &err), -1);
	CHECK_STR(err, "incorrect server signature");
	free(err);
	free(final);
	scram_free(s);

	/* another password: another proof, and the RFC's server signature
	 * no longer matches */
	s = scram_new("pencil2", 'n');
	final = final_for(s, "user", RFC_SERVER_FIRST, &proof_at, &err);
	CHECK(final && strcmp(final, RFC_CLIENT_FINAL) != 0);
	CHECK(final && !strncmp(final, RFC_CLIENT_FINAL, proof_at));
	CHECK_INT(scram_server_final(s, RFC_SERVER_FINAL, strlen(RFC_SERVER_FINAL), &err), -1);
	CHECK_STR(err, "incorrect server signature");
	free(err);
	free(final);
	scram_free(s);
}

/* libpq's words for what a server may get wrong */
static void bad_first(const char *server_first, size_t len, const char *want)
{
	struct scram *s = scram_new("pencil", 'n');
	char *err = NULL, *first = scram_client_first(s, "", RFC_NONCE, &err);
	size_t at;
	free(first);
	char *final = scram_client_final(s, server_first, len, NULL, 0, &at, &err);
	CHECK(final == NULL);
	CHECK_STR(err, want);
	CHECK(!scram_proof_sent(s));
	free(err);
	free(final);
	scram_free(s);
}

static void test_scram_errors(void)
{
	bad_first("", 0, "malformed SCRAM message (empty message)");
	bad_first("r=x\0y", 5, "malformed SCRAM message (length mismatch)");
	bad_first("s=abc", 5, "malformed SCRAM message (attribute \"r\" expected)");
	bad_first("rX", 2, "malformed SCRAM message (expected character \"=\" for attribute \"r\")");
	bad_first("r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", 47,
		  "invalid SCRAM response (nonce mismatch)");
	const char *salt = "r=" RFC_NONCE "x,s=W22Z!J0S,i=4096";
	bad_first(salt, strlen(salt), "malformed SCRAM message (invalid salt)");
	const char *it = "r=" RFC_NONCE "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0";
	bad_first(it, strlen(it), "malformed SCRAM message (invalid iteration count)");
	it = "r=" RFC_NONCE "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=12ab";
	bad_first(it, strlen(it), "malformed SCRAM message (invalid iteration count)");
	const char *noi = "r=" RFC_NONCE "x,s=W22ZaJ0SNY7soEsUEjb6gQ==";
	bad_first(noi, strlen(noi), "malformed SCRAM message (attribute \"i\" expected)");

	/* the tool's own bound on the work a server can ask for */
	struct scram *s = scram_new("pencil", 'n');
	char *err = NULL;
	size_t at;
	const char *costly = "r=" RFC_NONCE "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=2000000000";
	char *final = final_for(s, "", costly, &at, &err);
	CHECK(final == NULL && scram_too_costly(s));
	free(err);
	scram_free(s);

	/* the server-final-message */
	s = scram_new("pencil", 'n');
	final = final_for(s, "user", RFC_SERVER_FIRST, &at, &err);
	const char *e = "e=invalid-proof";
	CHECK_INT(scram_server_final(s, e, strlen(e), &err), -1);
	CHECK_STR(err, "error received from server in SCRAM exchange: invalid-proof");
	free(err);
	free(final);
	scram_free(s);
	s = scram_new("pencil", 'n');
	final = final_for(s, "user", RFC_SERVER_FIRST, &at, &err);
	const char *shortsig = "v=AAAA";
	CHECK_INT(scram_server_final(s, shortsig, strlen(shortsig), &err), -1);
	CHECK_STR(err, "malformed SCRAM message (invalid server signature)");
	free(err);
	free(final);
	scram_free(s);
}

/* A self-signed certificate with key type and digest md (NULL for
 * Ed25519, which has none), as DER. */
static unsigned char *make_cert(const char *keytype, const EVP_MD *md, int *len)
{
	EVP_PKEY *k = !strcmp(keytype, "ED25519") ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519") :
						    EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *x = X509_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)"test", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, k);
	X509_sign(x, k, md);
	unsigned char *der = NULL;
	*len = i2d_X509(x, &der);
	X509_free(x);
	EVP_PKEY_free(k);
	return der;
}

static void check_hash(const char *keytype, const EVP_MD *sig, const EVP_MD *want,
		       const char *name)
{
	int len;
	unsigned char *der = make_cert(keytype, sig, &len);
	uint8_t got[EVP_MAX_MD_SIZE], exp[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char *err = NULL;
	const char *digest = NULL;
	EVP_Digest(der, (size_t)len, exp, &n, want, NULL);
	CHECK_INT(login_cert_hash(der, (size_t)len, got, sizeof(got), &digest, &err), n);
	CHECK(!memcmp(got, exp, n));
	CHECK_STR(err, NULL);
	CHECK_STR(digest, name);
	OPENSSL_free(der);
}

static void test_cert_hash(void)
{
	/* pgtls_get_peer_certificate_hash: the signature's digest, SHA-256
	 * for SHA-1 (RFC 5929 4.1) */
	check_hash("EC", EVP_sha256(), EVP_sha256(), "SHA256");
	check_hash("EC", EVP_sha384(), EVP_sha384(), "SHA384");
	check_hash("EC", EVP_sha512(), EVP_sha512(), "SHA512");
	check_hash("EC", EVP_sha1(), EVP_sha256(), "SHA256");

	/* Ed25519 signs with no separate digest */
	int len;
	unsigned char *der = make_cert("ED25519", NULL, &len);
	uint8_t got[EVP_MAX_MD_SIZE];
	char *err = NULL;
	CHECK_INT(login_cert_hash(der, (size_t)len, got, sizeof(got), NULL, &err), -1);
	CHECK_STR(err, "could not find digest for NID UNDEF");
	free(err);

	/* and SCRAM-SHA-256-PLUS fails on it where libpq does: building the
	 * client-final-message */
	struct scram *s = scram_new("pencil", 'p');
	size_t at;
	char *first = scram_client_first(s, "", RFC_NONCE, &err);
	CHECK_STR(first, "p=tls-server-end-point,,n=,r=" RFC_NONCE);
	free(first);
	char *final = scram_client_final(s, RFC_SERVER_FIRST, strlen(RFC_SERVER_FIRST), der,
					 (size_t)len, &at, &err);
	CHECK(final == NULL);
	CHECK_STR(err, "could not find digest for NID UNDEF");
	free(err);
	scram_free(s);
	OPENSSL_free(der);

	/* with an ECDSA-SHA256 certificate: c= is the base64 of the gs2
	 * header and the certificate's SHA-256 */
	der = make_cert("EC", EVP_sha256(), &len);
	uint8_t cb[24 + 32];
	memcpy(cb, "p=tls-server-end-point,,", 24);
	EVP_Digest(der, (size_t)len, cb + 24, NULL, EVP_sha256(), NULL);
	char want[128] = "c=";
	EVP_EncodeBlock((unsigned char *)want + 2, cb, sizeof(cb));
	s = scram_new("pencil", 'p');
	first = scram_client_first(s, "", RFC_NONCE, &err);
	free(first);
	final = scram_client_final(s, RFC_SERVER_FIRST, strlen(RFC_SERVER_FIRST), der, (size_t)len,
				   &at, &err);
	CHECK(final && !strncmp(final, want, strlen(want)) && final[strlen(want)] == ',');
	free(final);
	scram_free(s);
	OPENSSL_free(der);

	/* 'y': libpq could bind but the server offered no PLUS */
	s = scram_new("pencil", 'y');
	first = scram_client_first(s, "", RFC_NONCE, &err);
	CHECK_STR(first, "y,,n=,r=" RFC_NONCE);
	free(first);
	final = scram_client_final(s, RFC_SERVER_FIRST, strlen(RFC_SERVER_FIRST), NULL, 0, &at, &err);
	CHECK(final && !strncmp(final, "c=eSws,r=", 9));
	free(final);
	scram_free(s);
}

static void check_prep(const char *in, const char *want)
{
	char *got = login_saslprep(in);
	CHECK_STR(got, want);
	login_free_secret(got);
}

static void test_saslprep(void)
{
	/* RFC 4013, section 3 */
	check_prep("I\xc2\xadX", "IX");           /* SOFT HYPHEN mapped to nothing */
	check_prep("user", "user");
	check_prep("USER", "USER");
	check_prep("\xc2\xaa", "a");              /* FEMININE ORDINAL INDICATOR */
	check_prep("\xe2\x85\xa8", "IX");         /* ROMAN NUMERAL NINE */
	check_prep("a\xc2\xa0" "b", "a b");       /* NO-BREAK SPACE */
	/* pg_saslprep fails on these and libpq uses the password as it is */
	check_prep("\xc3\xa9\x07", "\xc3\xa9\x07");     /* a control character */
	check_prep("\xd8\xa7" "1", "\xd8\xa7" "1");     /* bidi: RandALCat first, not last */
	check_prep("\xff\xfe", "\xff\xfe");             /* not UTF-8 */
	check_prep("\xc0\xaf", "\xc0\xaf");             /* overlong */
	check_prep("\xc2\xad", "\xc2\xad");             /* maps to nothing at all */
	/* ASCII goes as it is, control characters too */
	check_prep("a\x07" "b", "a\x07" "b");
}

static void test_md5(void)
{
	/* pg_md5_encrypt("postgres", "postgres") is PostgreSQL's stored
	 * md53175bce1d3201d16594cebf9d7eb3f9d; the salted answers were
	 * computed apart, with Python's hashlib */
	char out[LOGIN_MD5_LEN + 1];
	const uint8_t salt[4] = { 1, 2, 3, 4 }, salt2[4] = { 0xde, 0xad, 0xbe, 0xef };
	CHECK_INT(login_md5("postgres", "postgres", salt, out), 0);
	CHECK_STR(out, "md568be9ed08db75f318087ab337aaea044");
	CHECK_INT(login_md5("pencil", "user", salt2, out), 0);
	CHECK_STR(out, "md50f5b636d891e9860623ac8ca91fc9dfc");
}

static void test_messages(void)
{
	struct strbuf m = STRBUF_INIT;
	pgwire_password(&m, "pw");
	CHECK_INT(m.len, 8);
	CHECK(!memcmp(m.buf, "p\0\0\0\7pw\0", 8));
	sb_wipe(&m);
	CHECK_INT(m.len, 0);
	CHECK(m.cap == 0 || m.buf[1] == 0);
	pgwire_sasl_initial(&m, "SCRAM-SHA-256", "n,,n=,r=x", 9);
	CHECK_INT(m.len, 1 + 4 + 14 + 4 + 9);
	CHECK(!memcmp(m.buf, "p\0\0\0\x1f" "SCRAM-SHA-256\0\0\0\0\x09n,,n=,r=x", m.len));
	sb_reset(&m);
	pgwire_sasl_response(&m, "c=biws", 6);
	CHECK(m.len == 11 && !memcmp(m.buf, "p\0\0\0\x0a" "c=biws", 11));
	sb_free(&m);
}

int main(void)
{
	test_scram_rfc7677();
	test_scram_errors();
	test_cert_hash();
	test_saslprep();
	test_md5();
	test_messages();
	return check_status("test-login");
}
