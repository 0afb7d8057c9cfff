/* SPDX-License-Identifier: MIT */
/* fuzz-x509: libFuzzer target for certificate facts from DER, libpq's
 * host-name check, and OpenSSL's judgement of the certificate as a leaf
 * (judge.c: d2i_X509 and X509_verify_cert against the unit tests' root
 * file, with and without a CRL file), whether or not GnuTLS could read it.
 * The input is DER, optionally preceded by a host name: when the first
 * byte is 0xff, the host runs up to the next NUL and the DER follows it;
 * otherwise the host is fixed and the whole input is DER. */
#include "config.h"
#include "engine/inspection.h"
#include "engine/facts.h"
#include "engine/x509.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *host = NULL;
	const uint8_t *der = data;
	size_t len = size;
	if (size > 0 && data[0] == 0xff) {
		const uint8_t *nul = memchr(data + 1, 0, size - 1);
		size_t hl = nul ? (size_t)(nul - data - 1) : size - 1;
		host = malloc(hl + 1);
		if (!host)
			abort();
		memcpy(host, data + 1, hl);
		host[hl] = '\0';
		der = nul ? nul + 1 : data + size;
		len = nul ? size - hl - 2 : 0;
	}
	/* an exactly sized copy, so ASan sees any overread */
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		abort();
	memcpy(copy, der, len);

	struct cert_facts cf;
	char *err = NULL;
	memset(&cf, 0, sizeof(cf));
	int parsed = x509_cert_facts(copy, len, &cf, &err);
	/* kept either way; refused by GnuTLS, it says why */
	if (parsed == 1 && (!cf.parse_error || !err))
		abort();
	if (parsed == 0 && cf.parse_error)
		abort();
	/* every name keeps its bytes: a length at least what strlen sees */
	for (int i = 0; i < cf.nsan_dns; i++)
		if (cert_name_len(cf.san_dns, cf.san_dns_len, i) < strlen(cf.san_dns[i]))
			abort();
	free(err);
	err = NULL;
	{
		char *msg = NULL;
		const char *h = host ? host : "db.example.com";
		int rc = x509_name_check(copy, len, h, &msg);
		if (rc != 1 && !msg)
			abort(); /* mismatch and error carry libpq's message */
		free(msg);
		msg = NULL;
		x509_name_check(copy, len, "127.0.0.1", &msg);
		free(msg);
		(void)x509_host_is_ip(h);
	}
	/* the chain verdict, judged by OpenSSL: a verdict always, never a
	 * crash; a refusal always carries its reason */
	static char *root, *crl;
	if (!root) {
		const char *top = getenv("PGTLS_FUZZ_SRCDIR");
		root = malloc(4096);
		crl = malloc(4096);
		if (!root || !crl)
			abort();
		snprintf(root, 4096, "%s/tests/unit/data/root.pem", top ? top : ".");
		snprintf(crl, 4096, "%s/tests/fuzz/x509-empty.crl", top ? top : ".");
	}
	struct cert_facts leaf = { .der = copy, .der_len = len };
	for (int withcrl = 0; withcrl < 2; withcrl++) {
		struct trust_facts tr = { .rootcert = root, .source = ROOTCERT_PARAM,
					  .rootcert_exists = true,
					  .crl = withcrl ? crl : NULL };
		x509_verify(&leaf, 1, &tr, X509_NOW);
		if (tr.chain_ok == 0 && (!tr.chain_error || tr.chain_code == CHAIN_FAIL_NONE))
			abort();
		free(tr.chain_error);
		free(tr.chain_subject);
		free(tr.ssl_error);
		free(tr.rootcert_error);
	}
	cert_facts_free(&cf);
	free(err);
	free(copy);
	free(host);
	return 0;
}
