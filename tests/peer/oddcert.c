/* SPDX-License-Identifier: MIT */
/* oddcert: writes one certificate that real servers carry and that GnuTLS
 * and OpenSSL read differently, signed by a CA the tests made, for the
 * tests that compare pgtls-inspect with psql. Built with OpenSSL's own API,
 * which writes what certtool refuses to (names with NUL bytes, BMPString
 * CNs, duplicate or undecodable extensions, mismatching signature
 * algorithms).
 *
 * usage: oddcert KIND ISSUER.crt ISSUER.key OUT.crt OUT.key [NAME]
 * KIND: nul-san     dNSName SAN NAME "\0.attacker.test" (NAME: localhost)
 *       nul-cn      CN NAME "\0.attacker.test", no SAN
 *       bmp-cn      CN NAME as a BMPString, no SAN
 *       long-san    one dNSName SAN of 1,100 bytes, CN NAME
 *       huge-san    one dNSName SAN of 70,000 bytes, CN NAME
 *       dup-ext     a good leaf for NAME with its subjectAltName twice
 *       bad-san     CN NAME and a subjectAltName whose value does not decode
 *       sig-mismatch a good leaf for NAME whose outer signature algorithm
 *                   differs from the one it was signed with
 *       good        a plain leaf for NAME
 *       ca-KIND     an intermediate CA instead of a leaf, for dup-ext (its
 *                   keyUsage twice), bad-san, sig-mismatch and good
 * A leaf gets SAN IP:127.0.0.1 beside its names unless the kind is about
 * its names only (nul-*, bmp-cn, long-san, huge-san, bad-san). Exit 0, or 1 with a
 * message. */
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what)
{
	fprintf(stderr, "oddcert: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!e || !X509_add_ext(x, e, -1))
		die(value);
	X509_EXTENSION_free(e);
}

/* A SAN of one dNSName with these bytes (NULs kept), plus IP:127.0.0.1
 * when ip is set. */
static void add_san_bytes(X509 *x, const char *name, size_t len, int ip)
{
	GENERAL_NAMES *gns = sk_GENERAL_NAME_new_null();
	GENERAL_NAME *gn = GENERAL_NAME_new();
	ASN1_IA5STRING *s = ASN1_IA5STRING_new();
	if (!gns || !gn || !s || !ASN1_STRING_set(s, name, (int)len))
		die("SAN");
	GENERAL_NAME_set0_value(gn, GEN_DNS, s);
	sk_GENERAL_NAME_push(gns, gn);
	if (ip) {
		static const unsigned char lo[4] = { 127, 0, 0, 1 };
		GENERAL_NAME *g2 = GENERAL_NAME_new();
		ASN1_OCTET_STRING *o = ASN1_OCTET_STRING_new();
		if (!g2 || !o || !ASN1_OCTET_STRING_set(o, lo, 4))
			die("SAN IP");
		GENERAL_NAME_set0_value(g2, GEN_IPADD, o);
		sk_GENERAL_NAME_push(gns, g2);
	}
	if (!X509_add1_ext_i2d(x, NID_subject_alt_name, gns, 0, X509V3_ADD_APPEND))
		die("SAN add");
	GENERAL_NAMES_free(gns);
}

static void set_cn(X509 *x, int type, const unsigned char *bytes, int len)
{
	X509_NAME *n = X509_NAME_new();
	if (!n || !X509_NAME_add_entry_by_NID(n, NID_organizationName, MBSTRING_ASC,
					      (const unsigned char *)"pgtls odd", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_NID(n, NID_commonName, type, bytes, len, -1, 0) ||
	    !X509_set_subject_name(x, n))
		die("subject");
	X509_NAME_free(n);
}

int main(int argc, char **argv)
{
	if (argc < 6 || argc > 7) {
		fprintf(stderr, "usage: oddcert KIND ISSUER.crt ISSUER.key OUT.crt OUT.key [NAME]\n");
		return 2;
	}
	const char *kind = argv[1], *name = argc > 6 ? argv[6] : "localhost";
	int ca = !strncmp(kind, "ca-", 3);
	if (ca)
		kind += 3;
	FILE *f = fopen(argv[2], "r");
	X509 *issuer = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	f = fopen(argv[3], "r");
	EVP_PKEY *ikey = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	if (!issuer || !ikey)
		die("cannot read the issuer's certificate or key");

	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	if (!key || !x || !X509_set_version(x, 2) || !X509_set_pubkey(x, key) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(issuer)))
		die("new certificate");
	BIGNUM *bn = BN_new();
	if (!bn || !BN_rand(bn, 64, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
		die("serial");
	BN_free(bn);
	if (!X509_gmtime_adj(X509_getm_notBefore(x), -86400) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 3650L * 86400))
		die("validity");

	char san[2048];
	if (!strcmp(kind, "nul-cn")) {
		char cn[256];
		int n = snprintf(cn, sizeof(cn), "%s%c.attacker.test", name, 0);
		set_cn(x, V_ASN1_UTF8STRING, (unsigned char *)cn, n);
	} else if (!strcmp(kind, "bmp-cn")) {
		unsigned char bmp[256];
		size_t n = strlen(name);
		if (2 * n > sizeof(bmp))
			die("name too long");
		for (size_t i = 0; i < n; i++) {
			bmp[2 * i] = 0;
			bmp[2 * i + 1] = (unsigned char)name[i];
		}
		set_cn(x, V_ASN1_BMPSTRING, bmp, (int)(2 * n));
	} else if (ca) {
		set_cn(x, MBSTRING_ASC, (const unsigned char *)"pgtls odd intermediate", -1);
	} else {
		set_cn(x, MBSTRING_ASC, (const unsigned char *)name, -1);
	}
	add_ext(x, issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	add_ext(x, issuer, NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
	if (ca && !strcmp(kind, "dup-ext"))
		add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
	if (!ca)
		add_ext(x, issuer, NID_ext_key_usage, "serverAuth");
	add_ext(x, issuer, NID_subject_key_identifier, "hash");

	if (!strcmp(kind, "nul-san")) {
		int n = snprintf(san, sizeof(san), "%s%c.attacker.test", name, 0);
		add_san_bytes(x, san, (size_t)n, 0);
	} else if (!strcmp(kind, "long-san")) {
		memset(san, 'a', 1100);
		memcpy(san + 1100 - 12, ".example.com", 12);
		for (int i = 63; i < 1088; i += 64)
			san[i] = '.';
		add_san_bytes(x, san, 1100, 0);
	} else if (!strcmp(kind, "huge-san")) {
		enum { HUGE = 70000 };
		char *big = malloc(HUGE);
		if (!big)
			die("out of memory");
		memset(big, 'a', HUGE);
		memcpy(big + HUGE - 12, ".example.com", 12);
		for (int i = 63; i < HUGE - 12; i += 64)
			big[i] = '.';
		add_san_bytes(x, big, HUGE, 0);
		free(big);
	} else if (ca) {
		if (strcmp(kind, "dup-ext") && strcmp(kind, "sig-mismatch") && strcmp(kind, "good") &&
		    strcmp(kind, "bad-san"))
			die("unknown kind");
	} else if (!strcmp(kind, "dup-ext") || !strcmp(kind, "sig-mismatch") ||
		   !strcmp(kind, "good")) {
		add_san_bytes(x, name, strlen(name), 1);
		if (!strcmp(kind, "dup-ext"))
			add_san_bytes(x, name, strlen(name), 1);
	}
	if (!strcmp(kind, "bad-san")) {
		/* a SEQUENCE that claims more bytes than it holds */
		static const unsigned char junk[] = { 0x30, 0x0a, 0x82, 0x03, 'a', 'b' };
		ASN1_OCTET_STRING *o = ASN1_OCTET_STRING_new();
		if (!o || !ASN1_OCTET_STRING_set(o, junk, sizeof(junk)))
			die("bad SAN");
		X509_EXTENSION *e = X509_EXTENSION_create_by_NID(NULL, NID_subject_alt_name, 0, o);
		if (!e || !X509_add_ext(x, e, -1))
			die("bad SAN add");
		X509_EXTENSION_free(e);
		ASN1_OCTET_STRING_free(o);
	} else if (!ca && strcmp(kind, "nul-san") && strcmp(kind, "long-san") && strcmp(kind, "huge-san") &&
		   strcmp(kind, "nul-cn") &&
		   strcmp(kind, "bmp-cn") && strcmp(kind, "dup-ext") && strcmp(kind, "sig-mismatch") &&
		   strcmp(kind, "good")) {
		die("unknown kind");
	}
	if (!X509_sign(x, ikey, EVP_sha256()))
		die("sign");
	if (!strcmp(kind, "sig-mismatch")) {
		const X509_ALGOR *alg;
		X509_get0_signature(NULL, &alg, x);
		int nid = EVP_PKEY_get_base_id(ikey) == EVP_PKEY_EC ? NID_ecdsa_with_SHA384 :
								      NID_sha384WithRSAEncryption;
		if (!X509_ALGOR_set0((X509_ALGOR *)alg, OBJ_nid2obj(nid),
				     nid == NID_ecdsa_with_SHA384 ? V_ASN1_UNDEF : V_ASN1_NULL, NULL))
			die("signature algorithm");
	}
	f = fopen(argv[4], "w");
	if (!f || !PEM_write_X509(f, x) || fclose(f))
		die("cannot write the certificate");
	f = fopen(argv[5], "w");
	if (!f || !PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) || fclose(f))
		die("cannot write the key");
	X509_free(x);
	X509_free(issuer);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ikey);
	return 0;
}
