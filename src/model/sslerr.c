/* SPDX-License-Identifier: MIT */
/* sslerr: OpenSSL 3's words for the alerts a server can send, as libpq
 * prints them. When a fatal alert arrives, OpenSSL's record layer
 * (ssl3_read_bytes in ssl/record/rec_layer_s3.c) raises the reason
 * SSL_AD_REASON_OFFSET + the alert number, so alert 116 is reason 1116,
 * SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED; open_client_SSL and pgtls_read
 * take that error with ERR_get_error and SSLerrmessage turns it into text
 * with ERR_reason_error_string. The table below is OpenSSL's own list of
 * those reason strings, SSL_str_reasons in ssl/ssl_err.c, for every
 * SSL_R_SSLV3_ALERT_*, SSL_R_TLSV1_ALERT_*, SSL_R_TLSV1_* and
 * SSL_R_TLSV13_ALERT_* reason (OpenSSL 3.0.14 and later; see
 * sslerr_alert_caveat for the two added then). */
#include "config.h"
#include "model/sslerr.h"
#include "util/xalloc.h"
#include <stddef.h>

/* ssl/ssl_err.c SSL_str_reasons, the reasons SSL_AD_REASON_OFFSET + n */
static const struct {
	int alert;
	const char *reason;
} alert_reasons[] = {
	{ 10, "sslv3 alert unexpected message" },
	{ 20, "sslv3 alert bad record mac" },
	{ 21, "tlsv1 alert decryption failed" },
	{ 22, "tlsv1 alert record overflow" },
	{ 30, "sslv3 alert decompression failure" },
	{ 40, "sslv3 alert handshake failure" },
	{ 41, "sslv3 alert no certificate" },
	{ 42, "sslv3 alert bad certificate" },
	{ 43, "sslv3 alert unsupported certificate" },
	{ 44, "sslv3 alert certificate revoked" },
	{ 45, "sslv3 alert certificate expired" },
	{ 46, "sslv3 alert certificate unknown" },
	{ 47, "sslv3 alert illegal parameter" },
	{ 48, "tlsv1 alert unknown ca" },
	{ 49, "tlsv1 alert access denied" },
	{ 50, "tlsv1 alert decode error" },
	{ 51, "tlsv1 alert decrypt error" },
	{ 60, "tlsv1 alert export restriction" },
	{ 70, "tlsv1 alert protocol version" },
	{ 71, "tlsv1 alert insufficient security" },
	{ 80, "tlsv1 alert internal error" },
	{ 86, "tlsv1 alert inappropriate fallback" },
	{ 90, "tlsv1 alert user cancelled" },
	{ 100, "tlsv1 alert no renegotiation" },
	{ 109, "tlsv13 alert missing extension" },
	{ 110, "tlsv1 unsupported extension" },
	{ 111, "tlsv1 certificate unobtainable" },
	{ 112, "tlsv1 unrecognized name" },
	{ 113, "tlsv1 bad certificate status response" },
	{ 114, "tlsv1 bad certificate hash value" },
	{ 115, "tlsv1 alert unknown psk identity" },
	{ 116, "tlsv13 alert certificate required" },
	{ 120, "tlsv1 alert no application protocol" },
};

/* include/openssl/err.h and ssl.h: ERR_LIB_SSL, its place in a packed
 * code (ERR_LIB_OFFSET, OpenSSL 3), SSL_AD_REASON_OFFSET */
#define ERR_LIB_SSL_ 20UL
#define ERR_LIB_OFFSET_ 23
#define SSL_AD_REASON_OFFSET_ 1000UL

const char *sslerr_alert_reason(int alert)
{
	for (size_t i = 0; i < sizeof(alert_reasons) / sizeof(*alert_reasons); i++)
		if (alert_reasons[i].alert == alert)
			return alert_reasons[i].reason;
	return NULL;
}

/* SSLerrmessage: ERR_reason_error_string's text, else (no ERR_SYSTEM_ERROR
 * for an SSL reason) "SSL error code %lu" with the packed code, which
 * OpenSSL 3 builds as ERR_PACK(ERR_LIB_SSL, 0, reason) */
char *sslerr_alert_message(int alert)
{
	const char *reason = sslerr_alert_reason(alert);

	if (reason)
		return xstrdup(reason);
	return xasprintf("SSL error code %lu",
			 ERR_LIB_SSL_ << ERR_LIB_OFFSET_ |
				 (SSL_AD_REASON_OFFSET_ + (unsigned long)(alert & 0xff)));
}

/* OpenSSL gave reasons 1115 and 1120 their strings only in 3.0.14, 3.1.6,
 * 3.2.2 and 3.3.1 (openssl/openssl#24300: SSL_R_NO_APPLICATION_PROTOCOL
 * and SSL_R_PSK_IDENTITY_NOT_FOUND had been defined apart from the alert
 * numbers). Before, ERR_reason_error_string returns NULL; SSLerrmessage
 * then prints the code, except that libpq 17 and later word alert 120
 * itself (#ifdef SSL_AD_NO_APPLICATION_PROTOCOL). */
const char *sslerr_alert_caveat(int alert, int libpq_version)
{
	if (alert == SSLERR_AD_NO_APPLICATION_PROTOCOL)
		return libpq_version >= 17 ?
			       "with OpenSSL older than 3.0.14, 3.1.6, 3.2.2 or 3.3.1, which has no "
			       "text for this alert, libpq prints \"SSL error: no application protocol\"" :
			       "with OpenSSL older than 3.0.14, 3.1.6, 3.2.2 or 3.3.1, which has no "
			       "text for this alert, libpq prints \"SSL error: SSL error code 167773280\"";
	if (alert == SSLERR_AD_UNKNOWN_PSK_IDENTITY)
		return "with OpenSSL older than 3.0.14, 3.1.6, 3.2.2 or 3.3.1, which has no "
		       "text for this alert, libpq prints \"SSL error: SSL error code 167773275\"";
	return NULL;
}
