/* SPDX-License-Identifier: MIT */
/* sslerr: the words OpenSSL 3 gives libpq for a TLS alert the server sent,
 * as fe-secure-openssl.c SSLerrmessage prints them after "SSL error: ".
 * Pure data and lookups: no OpenSSL call, so a prediction does not depend
 * on the OpenSSL this program happens to run with. */
#ifndef PGI_SSLERR_H
#define PGI_SSLERR_H

/* TLS alert numbers the model names (RFC 8446 section 6) */
#define SSLERR_AD_PROTOCOL_VERSION 70
#define SSLERR_AD_UNKNOWN_PSK_IDENTITY 115
#define SSLERR_AD_CERTIFICATE_REQUIRED 116
#define SSLERR_AD_NO_APPLICATION_PROTOCOL 120

/* OpenSSL's reason string for the fatal alert numbered alert, or NULL
 * when OpenSSL has none. */
const char *sslerr_alert_reason(int alert);

/* What SSLerrmessage makes of that alert: its reason string, else
 * "SSL error code N" with OpenSSL 3's packed error code. On the heap. */
char *sslerr_alert_message(int alert);

/* Why that text may not be the one printed with every OpenSSL 3 release
 * (an alert whose string came late), for libpq libpq_version; NULL when it
 * is. */
const char *sslerr_alert_caveat(int alert, int libpq_version);

#endif
