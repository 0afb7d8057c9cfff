/* SPDX-License-Identifier: MIT */
/* fuzz-x509: libFuzzer target for certificate facts from DER and libpq's
 * host-name check. The input is DER, optionally preceded by a host name:
 * when the first byte is 0xff, the host runs up to the next NUL and the DER
 * follows it; otherwise the host is fixed and the whole input is DER. */
#include "config.h"
#include "engine/inspection.h"
#include "engine/x509.h"
#include <stdint.h>
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
	if (x509_cert_facts(copy, len, &cf, &err) == 0) {
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
	cert_facts_free(&cf);
	free(err);
	free(copy);
	free(host);
	return 0;
}
