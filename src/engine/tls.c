/* SPDX-License-Identifier: MIT */
/* tls: the GnuTLS client session of the TLS probe. It mirrors libpq's
 * fe-secure-openssl.c initialize_SSL for what goes on the wire: SNI from
 * the host keyword, ssl_min/max_protocol_version (default TLSv1.2 and up),
 * ALPN "postgresql" (libpq 17+), and the client certificate libpq would
 * load. Verification is left to x509.c, after the handshake. */
#include "config.h"
#include "engine/tls.h"
#include "engine/judge.h"
#include "engine/wire.h"
#include "engine/x509.h"
#include "util/strbuf.h"
#include "util/oserror.h"
#include "util/xalloc.h"
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <unistd.h>

struct tls_client {
	gnutls_session_t session;
	gnutls_certificate_credentials_t cred;
	struct tls_facts *facts;
	tls_event_fn fn;
	void *ctx;
	struct tls_hooks hooks;
	gnutls_pcert_st *pcerts;
	unsigned npcerts;
	gnutls_privkey_t key;
	bool have_client_cert;
	bool handshake_done;
	int failed_rc; /* GnuTLS's code for a failed handshake */
	int fd;
	uint8_t head[5]; /* the first record header the server sent */
	size_t nhead;
	/* the server's Certificate message as it came (GnuTLS bounds a
	 * handshake message's size), and whether in TLS 1.3's form */
	uint8_t *cert_msg;
	size_t cert_msg_len;
	bool cert_msg_tls13;
	/* the handshake messages after the handshake (NewSessionTicket,
	 * KeyUpdate, HelloRequest, ...), counted a type, and their bytes */
	unsigned post_count[256];
	size_t post_bytes;
};

/* "CLIENT HELLO" -> "ClientHello" */
static char *camel(const char *name)
{
	char *out = xmalloc(strlen(name) + 1), *o = out;
	bool up = true;
	for (const char *p = name; *p; p++) {
		if (*p == ' ' || *p == '_') {
			up = true;
			continue;
		}
		*o++ = up ? (char)toupper((unsigned char)*p) :
			    (char)tolower((unsigned char)*p);
		up = false;
	}
	*o = '\0';
	return out;
}

/* A message GnuTLS read after the handshake (it handles them inside
 * gnutls_record_recv): true when it is over the bounds, the session's
 * flood facts set and the event that says so logged (once). */
static bool post_flood(struct tls_client *c, unsigned htype, size_t size, const char *kind)
{
	struct tls_facts *f = c->facts;
	unsigned *n = &c->post_count[htype & 0xffu];
	if (f->flood_kind)
		return true;
	++*n;
	c->post_bytes += size;
	if (*n <= TLS_MAX_POST_MESSAGES && c->post_bytes <= TLS_MAX_POST_BYTES)
		return false;
	f->flood_kind = xstrdup(kind);
	f->flood_count = (int)*n;
	char *what = xasprintf("the server sent %u %s messages (%zu bytes of messages after the "
			       "handshake) without answering; giving up (the bound: %u of a kind, "
			       "%u KiB in all)",
			       *n, kind, c->post_bytes, TLS_MAX_POST_MESSAGES,
			       TLS_MAX_POST_BYTES >> 10);
	c->fn(c->ctx, EV_NOTE, "TooMuch", NULL, 0, what);
	free(what);
	return true;
}

static int hs_hook(gnutls_session_t s, unsigned htype, unsigned when,
		   unsigned incoming, const gnutls_datum_t *msg)
{
	struct tls_client *c = gnutls_session_get_ptr(s);
	const char *name = gnutls_handshake_description_get_name(htype);
	char *kind = camel(name ? name : "Handshake");
	/* after the handshake every kind of message is bounded, as the
	 * PostgreSQL messages are: past the bound nothing is logged, and the
	 * error ends gnutls_record_recv (tls_client_recv) */
	if (c->handshake_done && incoming &&
	    post_flood(c, htype, msg ? msg->size : 0, kind)) {
		free(kind);
		return GNUTLS_E_TOO_MANY_HANDSHAKE_PACKETS;
	}
	char *summary = xasprintf("%s (%u bytes)", kind, msg ? msg->size : 0);
	c->fn(c->ctx, incoming ? EV_RECV : EV_SEND, kind, msg ? msg->data : NULL,
	      msg ? msg->size : 0, summary);
	if (incoming && htype == GNUTLS_HANDSHAKE_CERTIFICATE_PKT && msg && !c->cert_msg) {
		c->cert_msg = xmemdup(msg->data, msg->size);
		c->cert_msg_len = msg->size;
		c->cert_msg_tls13 = gnutls_protocol_get_version(s) == GNUTLS_TLS1_3;
	}
	free(summary);
	free(kind);
	(void)when;
	return 0;
}

/* Called by GnuTLS when the server sends a CertificateRequest. Record the
 * CA names, then offer the certificate libpq would have loaded. */
static int cert_cb(gnutls_session_t s, const gnutls_datum_t *req_ca_rdn,
		   int nreqs, const gnutls_pk_algorithm_t *algos, int nalgos,
		   gnutls_pcert_st **pcert, unsigned *npcert,
		   gnutls_privkey_t *key)
{
	struct tls_client *c = gnutls_session_get_ptr(s);
	struct tls_facts *f = c->facts;
	f->client_cert_requested = true;
	for (int i = 0; i < nreqs; i++) {
		gnutls_datum_t str;
		if (gnutls_x509_rdn_get2(&req_ca_rdn[i], &str, 0) >= 0) {
			char *dn = xstrndup((char *)str.data, str.size);
			strlist_add(&f->client_ca_names, &f->nclient_ca, dn);
			free(dn);
			gnutls_free(str.data);
		}
	}
	char *summary = xasprintf("server asks for a client certificate (%d CA name%s)",
				  nreqs, nreqs == 1 ? "" : "s");
	c->fn(c->ctx, EV_NOTE, "ClientCertificateRequested", NULL, 0, summary);
	free(summary);
	if (c->have_client_cert) {
		*pcert = c->pcerts;
		*npcert = c->npcerts;
		*key = c->key;
		f->client_cert_sent = true;
	} else {
		*pcert = NULL;
		*npcert = 0;
		*key = NULL;
	}
	(void)algos;
	(void)nalgos;
	return 0;
}

int tls_client_files_check(const struct conn_target *t, char **msg);

/* A client key as GnuTLS reads it: PEM, then DER; unencrypted, or
 * decrypted with sslpassword (PKCS #8 or OpenSSL's traditional PEM). */
static int import_key(gnutls_x509_privkey_t key, const gnutls_datum_t *kd,
		      const char *password)
{
	unsigned flags = password && *password ? 0 : GNUTLS_PKCS_PLAIN;
	const char *pw = password && *password ? password : NULL;
	if (gnutls_x509_privkey_import2(key, kd, GNUTLS_X509_FMT_PEM, pw, flags) >= 0)
		return 0;
	return gnutls_x509_privkey_import2(key, kd, GNUTLS_X509_FMT_DER, pw, flags) < 0 ? -1 : 0;
}

/* libpq loads sslcert when the file exists, then sslkey (PEM, then DER). */
static void load_client_cert(struct tls_client *c, const struct conn_target *t)
{
	gnutls_datum_t cd = { 0 }, kd = { 0 };
	int rc;
	char *why = NULL;
	if (!t->sslcert || !t->sslcert_exists)
		return;
	/* libpq's attempt ends before the handshake when its checks of the
	 * files fail: offer no certificate then (the probe goes on, for the
	 * facts) */
	if (tls_client_files_check(t, &why) < 0) {
		c->facts->client_cert_error = why;
		return;
	}
	rc = gnutls_load_file(t->sslcert, &cd);
	if (rc < 0) {
		c->facts->client_cert_error = xasprintf(
			"could not read certificate file \"%s\": %s", t->sslcert,
			gnutls_strerror(rc));
		return;
	}
	c->npcerts = 16;
	c->pcerts = xcalloc(c->npcerts, sizeof(*c->pcerts));
	rc = gnutls_pcert_list_import_x509_raw(c->pcerts, &c->npcerts, &cd,
					       GNUTLS_X509_FMT_PEM, 0);
	if (rc < 0) {
		c->npcerts = 1;
		rc = gnutls_pcert_import_x509_raw(c->pcerts, &cd,
						  GNUTLS_X509_FMT_DER, 0);
	}
	gnutls_free(cd.data);
	if (rc < 0) {
		c->npcerts = 0;
		c->facts->client_cert_error = xasprintf(
			"could not read certificate file \"%s\": %s", t->sslcert,
			gnutls_strerror(rc));
		return;
	}
	rc = t->sslkey ? gnutls_load_file(t->sslkey, &kd) : GNUTLS_E_FILE_ERROR;
	if (rc < 0) {
		c->facts->client_cert_error = xasprintf(
			"certificate present, but not private key file \"%s\"",
			t->sslkey ? t->sslkey : "");
		return;
	}
	/* decrypted with sslpassword, as PQssl_passwd_cb gives it */
	gnutls_x509_privkey_t xkey = NULL;
	gnutls_x509_privkey_init(&xkey);
	gnutls_privkey_init(&c->key);
	rc = import_key(xkey, &kd, t->sslpassword) < 0 ? GNUTLS_E_DECRYPTION_FAILED :
		gnutls_privkey_import_x509(c->key, xkey, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE);
	if (rc < 0)
		gnutls_x509_privkey_deinit(xkey);
	gnutls_free(kd.data);
	if (rc < 0) {
		c->facts->client_cert_error = xasprintf(
			"could not load private key file \"%s\": %s", t->sslkey,
			gnutls_strerror(rc));
		gnutls_privkey_deinit(c->key);
		c->key = NULL;
		return;
	}
	c->have_client_cert = true;
}

/* libpq's TLSv1..TLSv1.3 names as GnuTLS priority tokens. */
static int version_rank(const char *v, int dflt)
{
	static const char *const names[] = { "TLSv1", "TLSv1.1", "TLSv1.2",
					     "TLSv1.3" };
	if (!v || !*v)
		return dflt;
	for (int i = 0; i < 4; i++)
		if (!strcasecmp(v, names[i]))
			return i;
	return dflt;
}

/* GnuTLS reads through here so that the first five bytes the server sends
 * are kept: OpenSSL judges the first record by its header alone (see
 * first_record_failure). */
static ssize_t pull(gnutls_transport_ptr_t ptr, void *buf, size_t n)
{
	struct tls_client *c = ptr;
	ssize_t got = recv(c->fd, buf, n, 0);
	int e = errno; /* GnuTLS and the failure's facts read it */

	if (got > 0 && c->hooks.wire)
		c->hooks.wire(c->ctx, EV_RECV, buf, (size_t)got);
	else if (got == 0 && c->hooks.wire_end)
		c->hooks.wire_end(c->ctx, false);
	else if (got < 0 && e == ECONNRESET && c->hooks.wire_end)
		c->hooks.wire_end(c->ctx, true);
	if (got > 0 && c->nhead < sizeof(c->head)) {
		size_t take = sizeof(c->head) - c->nhead;
		if (take > (size_t)got)
			take = (size_t)got;
		memcpy(c->head + c->nhead, buf, take);
		c->nhead += take;
	}
	errno = e;
	return got;
}

/* GnuTLS writes through here (as its own writev would, without SIGPIPE),
 * so that the bytes that went out are journalled. */
static ssize_t vec_push(gnutls_transport_ptr_t ptr, const giovec_t *iov, int iovcnt)
{
	struct tls_client *c = ptr;
	struct msghdr m = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt };
	ssize_t put = sendmsg(c->fd, &m, MSG_NOSIGNAL);
	int e = errno;

	if (put > 0 && c->hooks.wire) {
		size_t left = (size_t)put;
		for (int i = 0; i < iovcnt && left > 0; i++) {
			size_t take = iov[i].iov_len < left ? iov[i].iov_len : left;
			c->hooks.wire(c->ctx, EV_SEND, iov[i].iov_base, take);
			left -= take;
		}
	}
	errno = e;
	return put;
}

/* GnuTLS derived a secret: its NSS key log line, to the owner (in place
 * of GnuTLS's own writer, which would append to SSLKEYLOGFILE by itself). */
static int keylog(gnutls_session_t s, const char *label, const gnutls_datum_t *secret)
{
	struct tls_client *c = gnutls_session_get_ptr(s);
	gnutls_datum_t crandom = { 0 }, srandom = { 0 };
	char line[WIRE_KEYLOG_LINE];

	if (!c->hooks.keylog)
		return 0;
	gnutls_session_get_random(s, &crandom, &srandom);
	if (wire_keylog_line(line, sizeof(line), label, crandom.data, crandom.size,
			     secret->data, secret->size) > 0)
		c->hooks.keylog(c->ctx, line);
	explicit_bzero(line, sizeof(line));
	return 0;
}

static int pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms)
{
	struct tls_client *c = ptr;
	struct pollfd p = { c->fd, POLLIN, 0 };

	return poll(&p, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);
}

int tls_client_new(struct tls_client **out, int fd,
		   const struct conn_target *t, struct tls_facts *facts,
		   bool lax_key_usage, const struct tls_hooks *hooks, char **err)
{
	static const char *const tokens[] = { "+VERS-TLS1.0", "+VERS-TLS1.1",
					      "+VERS-TLS1.2", "+VERS-TLS1.3" };
	struct tls_client *c = xcalloc(1, sizeof(*c));
	const char *where = NULL;
	int rc;

	c->facts = facts;
	c->hooks = *hooks;
	c->fn = hooks->event;
	c->ctx = hooks->ctx;
	facts->attempted = true;
	gnutls_certificate_allocate_credentials(&c->cred);
	load_client_cert(c, t);
	gnutls_certificate_set_retrieve_function2(c->cred, cert_cb);
	gnutls_init(&c->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL);
	gnutls_session_set_ptr(c->session, c);

	/* libpq: ssl_min_protocol_version defaults to TLSv1.2, max unbounded */
	int lo = version_rank(t->ssl_min_protocol_version, 2);
	int hi = version_rank(t->ssl_max_protocol_version, 3);
	struct strbuf prio = STRBUF_INIT;
	sb_adds(&prio, "NORMAL:-VERS-ALL");
	for (int i = lo; i <= hi; i++) {
		sb_addc(&prio, ':');
		sb_adds(&prio, tokens[i]);
	}
	rc = gnutls_priority_set_direct(c->session, sb_str(&prio), &where);
	if (rc < 0) {
		*err = xasprintf("GnuTLS refused the priority \"%s\": %s",
				 sb_str(&prio), gnutls_strerror(rc));
		sb_free(&prio);
		tls_client_free(c);
		return -1;
	}
	sb_free(&prio);
	/* OpenSSL's client does not hold the server's handshake signature to
	 * the leaf's keyUsage (an RSA leaf with keyEncipherment only signs a
	 * TLS 1.3 CertificateVerify, and libpq connects); GnuTLS lets that go
	 * only in its compatibility mode (set after the priorities, which
	 * would reset it), which also drops two extensions from the
	 * ClientHello, so only a second attempt asks for it */
	if (lax_key_usage)
		gnutls_session_enable_compatibility_mode(c->session);
	gnutls_credentials_set(c->session, GNUTLS_CRD_CERTIFICATE, c->cred);
	/* libpq fails the attempt when SNI cannot be set
	 * (fe-secure-openssl.c initialize_SSL) */
	if (t->sni) {
		rc = gnutls_server_name_set(c->session, GNUTLS_NAME_DNS, t->sni,
					    strlen(t->sni));
		if (rc < 0) {
			*err = xasprintf("could not set SSL Server Name Indication (SNI): %s",
					 gnutls_strerror(rc));
			tls_client_free(c);
			return -1;
		}
		facts->sni = xstrdup(t->sni);
	}
	/* libpq 17+ always offers ALPN "postgresql" (PG_ALPN_PROTOCOL) */
	gnutls_datum_t alpn = { (unsigned char *)"postgresql", 10 };
	gnutls_alpn_set_protocols(c->session, &alpn, 1, 0);
	/* room for big chains (OpenSSL, hence libpq, allows 100 KiB by
	 * default: larger ones are flagged, not refused here) */
	gnutls_handshake_set_max_packet_length(c->session, 1u << 20);
	gnutls_handshake_set_hook_function(c->session, GNUTLS_HANDSHAKE_ANY,
					   GNUTLS_HOOK_POST, hs_hook);
	/* reads through pull and writes through vec_push, both journalled */
	c->fd = fd;
	gnutls_transport_set_ptr(c->session, c);
	gnutls_transport_set_pull_function(c->session, pull);
	gnutls_transport_set_vec_push_function(c->session, vec_push);
	gnutls_session_set_keylog_function(c->session, keylog);
	gnutls_transport_set_pull_timeout_function(c->session, pull_timeout);
	*out = c;
	return 0;
}

/* OpenSSL's record layer (ssl3_get_record in ssl/record/ssl3_record.c,
 * tls_get_more_records in 3.2's ssl/record/methods/tls_common.c) reads the
 * five header bytes of the first record and, when its version is not 3.x,
 * gives up on the bytes alone: SSL_R_HTTP_REQUEST for "GET ", "POST ",
 * "HEAD " or "PUT ", SSL_R_HTTPS_PROXY_REQUEST for "CONNE", else
 * SSL_R_WRONG_VERSION_NUMBER. GnuTLS fails on such a record too, with
 * codes that also mean other things (GNUTLS_E_UNEXPECTED_PACKET for an
 * unknown record type, as "HTTP/" or an 'E' ErrorResponse give,
 * GNUTLS_E_UNSUPPORTED_VERSION_PACKET, also for a ServerHello below the
 * minimum), so the header decides. NONE when it looks like TLS or fewer
 * than five bytes came. */
static enum tls_failure first_record_failure(const struct tls_client *c)
{
	const char *h = (const char *)c->head;

	if (c->nhead < sizeof(c->head) || c->head[1] == 3)
		return TLS_FAIL_NONE;
	if (!strncmp(h, "GET ", 4) || !strncmp(h, "POST ", 5) ||
	    !strncmp(h, "HEAD ", 5) || !strncmp(h, "PUT ", 4))
		return TLS_FAIL_HTTP_REQUEST;
	if (!strncmp(h, "CONNE", 5))
		return TLS_FAIL_PROXY_REQUEST;
	return TLS_FAIL_NOT_TLS;
}

/* The alert the server sent, by number and by GnuTLS's name for it (its
 * event carries the two bytes, level and description). */
static void record_alert(struct tls_client *c)
{
	struct tls_facts *f = c->facts;
	gnutls_alert_description_t a = gnutls_alert_get(c->session);
	const char *name = gnutls_alert_get_name(a);

	free(f->alert);
	f->alert = xstrdup(name ? name : "unknown alert");
	f->alert_code = (int)a;
}

static uint32_t be(const uint8_t *p, int n)
{
	uint32_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* The certificates of a Certificate message (RFC 8446 4.4.2: a request
 * context, then entries of a certificate and its extensions; RFC 5246
 * 7.4.2: the certificates alone), leaf first, pointing into msg; at most
 * max. The count, or -1 when the message does not hold together. */
static int split_certificates(const uint8_t *msg, size_t n, bool tls13,
			      gnutls_datum_t *out, int max)
{
	size_t at = 0;
	int count = 0;
	if (tls13) {
		if (n < 1 || n - 1 < msg[0])
			return -1;
		at = 1 + msg[0];
	}
	if (n - at < 3 || be(msg + at, 3) != n - at - 3)
		return -1;
	at += 3;
	while (at < n) {
		if (n - at < 3)
			return -1;
		size_t len = be(msg + at, 3);
		at += 3;
		if (len == 0 || n - at < len)
			return -1;
		if (count < max) {
			out[count].data = (unsigned char *)msg + at;
			out[count].size = (unsigned)len;
			count++;
		}
		at += len;
		if (tls13) {
			if (n - at < 2 || n - at - 2 < be(msg + at, 2))
				return -1;
			at += 2 + be(msg + at, 2);
		}
	}
	return count;
}

#define MAX_CHAIN 16

/* The index of the first certificate of the server's Certificate message
 * that GnuTLS cannot import, with GnuTLS's reason; -1 when all import or
 * none came. */
static int unparsable_certificate(const struct tls_client *c, int *rc_out)
{
	gnutls_datum_t certs[MAX_CHAIN];
	int n = c->cert_msg ? split_certificates(c->cert_msg, c->cert_msg_len,
						 c->cert_msg_tls13, certs, MAX_CHAIN) : -1;
	for (int i = 0; i < n; i++) {
		gnutls_x509_crt_t crt;
		if (gnutls_x509_crt_init(&crt) < 0)
			return -1;
		int rc = gnutls_x509_crt_import(crt, &certs[i], GNUTLS_X509_FMT_DER);
		gnutls_x509_crt_deinit(crt);
		if (rc < 0) {
			*rc_out = rc;
			return i;
		}
	}
	return -1;
}

static void record_failure(struct tls_client *c, int rc)
{
	struct tls_facts *f = c->facts;
	int err = errno;
	enum tls_failure first = first_record_failure(c);
	free(f->error);
	if (first != TLS_FAIL_NONE) {
		facts_set_tls_failure(f, first);
		f->error = xasprintf("the server's first bytes are not a TLS record (%02x %02x %02x %02x %02x) (GnuTLS: %s)",
				     c->head[0], c->head[1], c->head[2], c->head[3],
				     c->head[4], gnutls_strerror(rc));
		c->fn(c->ctx, EV_NOTE, "HandshakeFailed", NULL, 0, f->error);
		return;
	}
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED ||
	    rc == GNUTLS_E_WARNING_ALERT_RECEIVED) {
		record_alert(c);
		facts_set_tls_failure(f, TLS_FAIL_ALERT);
		f->error = xasprintf("%s: %s", gnutls_strerror(rc), f->alert);
		uint8_t al[2] = { rc == GNUTLS_E_FATAL_ALERT_RECEIVED ? 2 : 1,
				  (uint8_t)f->alert_code };
		c->fn(c->ctx, EV_RECV, "Alert", al, sizeof(al), f->error);
		return;
	}
	if (rc == GNUTLS_E_PREMATURE_TERMINATION ||
	    (rc == GNUTLS_E_PULL_ERROR && err == 0)) {
		facts_set_tls_failure(f, TLS_FAIL_EOF);
		f->error = xasprintf("the server closed the connection during the TLS handshake (GnuTLS: %s)",
				     gnutls_strerror(rc));
	} else if (rc == GNUTLS_E_PULL_ERROR || rc == GNUTLS_E_PUSH_ERROR) {
		facts_set_tls_failure(f, err == ECONNRESET ? TLS_FAIL_RESET : TLS_FAIL_IO);
		free(f->failure_errno);
		f->failure_errno = xstrdup(OS_ERROR(err));
		f->error = xasprintf("%s during the TLS handshake (GnuTLS: %s)",
				     f->failure_errno, gnutls_strerror(rc));
	} else if (rc == GNUTLS_E_UNSUPPORTED_VERSION_PACKET) {
		/* the server chose a version below our (libpq's) minimum */
		facts_set_tls_failure(f, TLS_FAIL_VERSION);
		f->error = xasprintf("the server chose a TLS version outside the range allowed (GnuTLS: %s)",
				     gnutls_strerror(rc));
	} else {
		int why = 0, bad = unparsable_certificate(c, &why);
		if (bad >= 0) {
			/* OpenSSL's client reads what GnuTLS refuses (duplicate
			 * or undecodable extensions, mismatching signature
			 * algorithms): libpq's handshake goes on and judges the
			 * chain (tls_client_collect_failed keeps it) */
			facts_set_tls_failure(f, TLS_FAIL_CERT_UNPARSABLE);
			f->error = xasprintf("GnuTLS cannot parse certificate %d the server sent (%s; GnuTLS: %s)",
					     bad, gnutls_strerror(why), gnutls_strerror(rc));
		} else {
			facts_set_tls_failure(f, TLS_FAIL_OTHER);
			f->error = xstrdup(gnutls_strerror(rc));
		}
	}
	c->fn(c->ctx, EV_NOTE, "HandshakeFailed", NULL, 0, f->error);
}

int tls_client_handshake(struct tls_client *c)
{
	errno = 0;
	int rc = gnutls_handshake(c->session);
	if (rc == GNUTLS_E_SUCCESS) {
		c->handshake_done = true;
		c->facts->ok = true;
		return 1;
	}
	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED ||
	    !gnutls_error_is_fatal(rc))
		return 0;
	c->failed_rc = rc;
	record_failure(c, rc);
	return -1;
}

bool tls_client_key_usage_refused(const struct tls_client *c)
{
	return c->failed_rc == GNUTLS_E_KEY_USAGE_VIOLATION;
}

bool tls_client_wants_write(struct tls_client *c)
{
	return gnutls_record_get_direction(c->session) == 1;
}

ssize_t tls_client_send(struct tls_client *c, const void *p, size_t n,
			const char **why)
{
	ssize_t rc = gnutls_record_send(c->session, p, n);
	if (rc >= 0)
		return rc;
	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
		return 0;
	*why = gnutls_strerror((int)rc);
	return -1;
}

ssize_t tls_client_recv(struct tls_client *c, void *p, size_t n, bool *eof,
			const char **why)
{
	*eof = false;
	ssize_t rc = gnutls_record_recv(c->session, p, n);
	if (rc > 0)
		return rc;
	if (rc == 0) {
		*eof = true;
		return 0;
	}
	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
		return 0;
	if (rc == GNUTLS_E_PREMATURE_TERMINATION) {
		*eof = true;
		return 0;
	}
	*why = gnutls_strerror((int)rc);
	/* in TLS 1.3 the client's handshake ends before the server has read
	 * the client's certificate, so the server's verdict on it (alert 116
	 * certificate_required, 48 unknown_ca, ...) comes on the first read */
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		record_alert(c);
		char *what = xasprintf("%s: %s", *why, c->facts->alert);
		uint8_t al[2] = { 2, (uint8_t)c->facts->alert_code }; /* level, description */
		c->fn(c->ctx, EV_RECV, "Alert", al, sizeof(al), what);
		free(what);
	}
	return -1;
}

static char *name_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void tls_client_collect(struct tls_client *c, struct inspection *ins)
{
	struct tls_facts *f = c->facts;
	gnutls_session_t s = c->session;
	gnutls_datum_t alpn;

	f->version = name_or_null(gnutls_protocol_get_name(gnutls_protocol_get_version(s)));
#ifdef HAVE_GNUTLS_CIPHERSUITE_GET
	f->cipher = name_or_null(gnutls_ciphersuite_get(s));
#endif
	if (!f->cipher)
		f->cipher = name_or_null(gnutls_cipher_suite_get_name(
			gnutls_kx_get(s), gnutls_cipher_get(s), gnutls_mac_get(s)));
	f->group = name_or_null(gnutls_group_get_name(gnutls_group_get(s)));
	/* TLS 1.3 has no key-exchange algorithm apart from the group; GnuTLS
	 * still answers one (ECDHE-RSA even with an ECDSA key): leave it out */
	if (gnutls_protocol_get_version(s) != GNUTLS_TLS1_3)
		f->kx = name_or_null(gnutls_kx_get_name(gnutls_kx_get(s)));
	f->mac = name_or_null(gnutls_mac_get_name(gnutls_mac_get(s)));
	char *desc = gnutls_session_get_desc(s);
	f->description = name_or_null(desc);
	gnutls_free(desc);
	if (gnutls_alpn_get_selected_protocol(s, &alpn) == 0)
		f->alpn = xstrndup((char *)alpn.data, alpn.size);

	/* the first probe through a handshake records the chain */
	if (ins->nchain > 0)
		return;
	unsigned n = 0;
	const gnutls_datum_t *peers = gnutls_certificate_get_peers(s, &n);
	free(ins->chain);
	ins->chain = xcalloc(n ? n : 1, sizeof(*ins->chain));
	ins->nchain = 0;
	for (unsigned i = 0; i < n; i++) {
		char *err = NULL;
		struct cert_facts *cf = &ins->chain[ins->nchain];
		int rc = x509_cert_facts(peers[i].data, peers[i].size, cf, &err);
		if (rc != 0)
			c->fn(c->ctx, EV_NOTE, "CertificateUnparsable", peers[i].data,
			      peers[i].size, err);
		free(err);
		/* a certificate GnuTLS cannot read keeps its place: OpenSSL
		 * judges the chain with it, as libpq's would */
		if (rc < 0) {
			cert_facts_free(cf);
			continue;
		}
		ins->nchain++;
	}
}

const uint8_t *tls_client_peer_cert(struct tls_client *c, size_t *len)
{
	unsigned n = 0;
	const gnutls_datum_t *peers = gnutls_certificate_get_peers(c->session, &n);
	*len = 0;
	if (!peers || n == 0)
		return NULL;
	*len = peers[0].size;
	return peers[0].data;
}

void tls_client_collect_failed(struct tls_client *c, struct inspection *ins)
{
	gnutls_datum_t certs[MAX_CHAIN];
	int n;

	if (ins->nchain > 0 || c->facts->failure_code != TLS_FAIL_CERT_UNPARSABLE ||
	    (n = split_certificates(c->cert_msg, c->cert_msg_len, c->cert_msg_tls13, certs,
				    MAX_CHAIN)) <= 0)
		return;
	free(ins->chain);
	ins->chain = xcalloc((size_t)n, sizeof(*ins->chain));
	for (int i = 0; i < n; i++) {
		char *err = NULL;
		if (x509_cert_facts(certs[i].data, certs[i].size, &ins->chain[ins->nchain], &err) >= 0)
			ins->nchain++;
		else
			cert_facts_free(&ins->chain[ins->nchain]);
		free(err);
	}
}

void tls_client_free(struct tls_client *c)
{
	if (!c)
		return;
	free(c->cert_msg);
	if (c->session) {
		if (c->handshake_done)
			gnutls_bye(c->session, GNUTLS_SHUT_WR);
		gnutls_deinit(c->session);
	}
	if (c->cred)
		gnutls_certificate_free_credentials(c->cred);
	for (unsigned i = 0; i < c->npcerts; i++)
		gnutls_pcert_deinit(&c->pcerts[i]);
	free(c->pcerts);
	if (c->key)
		gnutls_privkey_deinit(c->key);
	free(c);
}

/* fe-secure-openssl.c initialize_SSL, the client certificate part, in its
 * order: the certificate file (absent: no certificate at all), then the key
 * file's existence, type and permissions, then loading and matching. The
 * OpenSSL reason strings are the ones OpenSSL 3 gives for these cases. */
int tls_client_files_check(const struct conn_target *t, char **msg)
{
	struct stat st;
	gnutls_datum_t cd = { 0 }, kd = { 0 };
	gnutls_x509_crt_t crt = NULL;
	gnutls_x509_privkey_t key = NULL;
	int rc = -1;

	*msg = NULL;
	if (!t->sslcert || !*t->sslcert)
		return 0;
	if (stat(t->sslcert, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		*msg = xasprintf("could not open certificate file \"%s\": %s",
				 t->sslcert, OS_ERROR(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (16 << 20)) {
		*msg = xasprintf("could not read certificate file \"%s\": not a regular file",
				 t->sslcert);
		return -1;
	}
	if (gnutls_load_file(t->sslcert, &cd) < 0) {
		*msg = xasprintf("could not read certificate file \"%s\": %s",
				 t->sslcert, OS_ERROR(errno ? errno : EIO));
		return -1;
	}
	gnutls_x509_crt_init(&crt);
	if (gnutls_x509_crt_import(crt, &cd, GNUTLS_X509_FMT_PEM) < 0) {
		/* SSL_CTX_use_certificate_chain_file reads PEM only */
		*msg = xasprintf("could not read certificate file \"%s\": no start line",
				 t->sslcert);
		goto out;
	}
	const char *kf = t->sslkey ? t->sslkey : "";
	if (stat(kf, &st) != 0) {
		if (errno == ENOENT)
			*msg = xasprintf("certificate present, but not private key file \"%s\"",
					 kf);
		else
			*msg = xasprintf("could not stat private key file \"%s\": %s",
					 kf, OS_ERROR(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (16 << 20)) {
		*msg = xasprintf("private key file \"%s\" is not a regular file", kf);
		goto out;
	}
	/* root-owned keys may be 0640, others 0600 at most */
	if (st.st_uid == 0 ? (st.st_mode & (S_IWGRP | S_IXGRP | S_IRWXO)) :
			     (st.st_mode & (S_IRWXG | S_IRWXO))) {
		*msg = xasprintf("private key file \"%s\" has group or world access; "
				 "file must have permissions u=rw (0600) or less if owned by the current user, "
				 "or permissions u=rw,g=r (0640) or less if owned by root",
				 kf);
		goto out;
	}
	if (gnutls_load_file(kf, &kd) < 0) {
		*msg = xasprintf("could not load private key file \"%s\": %s", kf,
				 OS_ERROR(errno ? errno : EIO));
		goto out;
	}
	/* OpenSSL decides whether libpq loads the key, and in which words
	 * it refuses it (an encrypted key takes sslpassword); GnuTLS reads
	 * it, with that password, for the comparison below */
	char *why = judge_client_key(kf, t->sslpassword);
	if (why) {
		*msg = xasprintf("could not load private key file \"%s\": %s", kf, why);
		free(why);
		goto out;
	}
	gnutls_x509_privkey_init(&key);
	if (import_key(key, &kd, t->sslpassword) < 0) {
		rc = 0; /* OpenSSL takes what GnuTLS cannot: nothing to compare */
		goto out;
	}
	unsigned char kid1[64], kid2[64];
	size_t l1 = sizeof(kid1), l2 = sizeof(kid2);
	if (gnutls_x509_crt_get_key_id(crt, 0, kid1, &l1) < 0 ||
	    gnutls_x509_privkey_get_key_id(key, 0, kid2, &l2) < 0 || l1 != l2 ||
	    memcmp(kid1, kid2, l1) != 0) {
		*msg = xasprintf("certificate does not match private key file \"%s\": key values mismatch",
				 kf);
		goto out;
	}
	rc = 0;
out:
	if (key)
		gnutls_x509_privkey_deinit(key);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	gnutls_free(cd.data);
	gnutls_free(kd.data);
	return rc;
}
