/* SPDX-License-Identifier: MIT */
/* provider: recognises the managed PostgreSQL service from the chain and
 * the host name, with patterns read from data/providers.json, so they can
 * be updated without code changes. Pure apart from reading that file. */
#ifndef PGI_PROVIDER_H
#define PGI_PROVIDER_H
#include "engine/inspection.h"

struct provider_match {
	char *id;       /* "aws-rds", "gcp-cloudsql-classic", ...; NULL: none */
	char *name;     /* "Amazon RDS" */
	char *evidence; /* one line: what matched ("issuer CN=Amazon RDS us-east-1 Root CA RSA2048 G1; host ...rds.amazonaws.com") */
	char *ca_bundle; /* where its CA bundle comes from (fix text), or NULL */
	char *host_advice; /* which host name to connect with (fix text), or NULL */
	char *advice;   /* the provider's recommended sslmode/setup (fix text), or NULL */
};

/* Fill *out (out->id NULL when no provider matches). -1 with a one-line
 * *err when data/providers.json cannot be read or parsed. */
int provider_recognise(const struct inspection *ins, struct provider_match *out,
		       char **err);
/* The same, with the rules read from TEXT (a providers.json document of
 * LEN bytes) instead of the file: for checking a file and for fuzzing. */
int provider_recognise_text(const char *text, size_t len, const struct inspection *ins,
			    struct provider_match *out, char **err);
void provider_match_free(struct provider_match *m);

#endif
