/* SPDX-License-Identifier: MIT */
/* hostmatch: one certificate name against one host, as each client stack
 * matches it: wildcards, case, trailing dots, IDNA labels and IP literals
 * by that stack's own rules. Pure functions of their strings; which names
 * of a certificate a stack consults is the caller's concern. */
#ifndef PGI_HOSTMATCH_H
#define PGI_HOSTMATCH_H
#include <stdbool.h>
#include <stdint.h>

/* The two names are equal ignoring ASCII case (strcasecmp, as every
 * stack compares a name without a wildcard); false when either is NULL. */
bool hostmatch_equal(const char *a, const char *b);

/* Whether the certificate name pattern (a dNSName SAN or a CN) matches
 * host under one stack. Neither may be NULL. */
/* OpenSSL X509_check_host without partial wildcards (asyncpg, .NET) */
bool hostmatch_openssl(const char *pattern, const char *host);
/* Node's tls.checkServerIdentity (node-postgres) */
bool hostmatch_node(const char *pattern, const char *host);
/* Go crypto/x509 VerifyHostname (pgx) */
bool hostmatch_go(const char *pattern, const char *host);
/* webpki (the rustls drivers) */
bool hostmatch_webpki(const char *pattern, const char *host);
/* PGjdbcHostnameVerifier (pgjdbc) */
bool hostmatch_jdbc(const char *pattern, const char *host);

/* A strict IP literal (inet_pton; brackets allowed around IPv6): its
 * bytes in out and their count, 4 or 16; 0 when s is not one (or NULL). */
int hostmatch_parse_ip(const char *s, uint8_t out[16]);
/* The iPAddress SAN san (as the facts print it) is the address ip. */
bool hostmatch_ip_is(const char *san, const uint8_t *ip, int iplen);
/* san as Java prints an address (IPv6 uncompressed), on the heap. */
char *hostmatch_java_ip(const char *san);
/* pgjdbc prefers CN a over CN b. */
bool hostmatch_jdbc_more_specific(const char *a, const char *b);

#endif
