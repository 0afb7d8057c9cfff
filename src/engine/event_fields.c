/* SPDX-License-Identifier: MIT */
/* event_fields: decodes an event's raw bytes into lines of text with
 * engine/pgwire. It reads only the event; what is shown, and where, stays
 * with the reader. */
#include "config.h"
#include "engine/event_fields.h"
#include "engine/pgwire.h"
#include "engine/x509.h"
#include "util/strbuf.h"
#include "util/sanitize.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gnutls/x509.h>

struct lines {
	char **list;
	int n;
};

/* Append s and free it (the calls build it with xasprintf). */
static void add(struct lines *l, char *s)
{
	strlist_add(&l->list, &l->n, s);
	free(s);
}

/* A type or field code byte: printable ASCII as itself, anything else
 * escaped, so that no line carries a control character. */
static char *byte_text(char c)
{
	if (c >= 0x20 && c < 0x7f)
		return xasprintf("%c", c);
	return sanitize_bytes(&c, 1);
}

/* The backend message at the front of a received event: its type and
 * length, then an ErrorResponse's or NoticeResponse's fields. */
static int backend_fields(const struct event *e, struct lines *l)
{
	struct pgwire_msg m;
	const char *why;
	size_t total;

	if (pgwire_frame(e->raw, e->rawlen, &total) != PGWIRE_FRAME_OK ||
	    pgwire_decode(e->raw, total, &m, &why) != 0)
		return 0;
	char *type = byte_text(m.type);
	add(l, xasprintf("type '%s', length %u", type, m.length));
	free(type);
	if (m.type == 'E' || m.type == 'N') {
		for (int i = 0; i < m.u.error.nfields; i++) {
			char *code = byte_text(m.u.error.fields[i].code);
			char *val = sanitize(m.u.error.fields[i].value);
			add(l, xasprintf("%s: %s", code, val));
			free(code);
			free(val);
		}
	}
	pgwire_msg_free(&m);
	return 1;
}

/* ---- TLS handshake messages (the body, without the 4-byte header, as
 * GnuTLS's hook gives it) and alerts: every read bounded by the lengths
 * the message declares and by the bytes there are ---- */

/* A bounded reader: a read past the end marks it bad and returns zeros. */
struct rd {
	const uint8_t *p;
	size_t n;
	bool bad;
};

static unsigned rd_num(struct rd *r, size_t k)
{
	unsigned v = 0;
	if (r->bad || r->n < k) {
		r->bad = true;
		return 0;
	}
	for (size_t i = 0; i < k; i++)
		v = v << 8 | r->p[i];
	r->p += k;
	r->n -= k;
	return v;
}

/* The next k bytes as a reader of their own. */
static struct rd rd_sub(struct rd *r, size_t k)
{
	struct rd s = { r->p, k, r->bad || r->n < k };
	if (s.bad) {
		r->bad = true;
		s.n = 0;
		return s;
	}
	r->p += k;
	r->n -= k;
	return s;
}

/* A vector whose length takes lenbytes bytes. */
static struct rd rd_vec(struct rd *r, size_t lenbytes)
{
	size_t k = rd_num(r, lenbytes);
	return rd_sub(r, k);
}

struct code_name {
	unsigned code;
	const char *name;
};

static const char *code_name(const struct code_name *t, unsigned code, char *buf, size_t n)
{
	for (; t->name; t++)
		if (t->code == code)
			return t->name;
	/* GREASE (RFC 8701): 0x?a?a */
	if ((code & 0x0f0f) == 0x0a0a && (code >> 8) == (code & 0xff))
		snprintf(buf, n, "GREASE");
	else
		snprintf(buf, n, "0x%04x", code);
	return buf;
}

static const struct code_name tls_versions[] = {
	{ 0x0300, "SSL3.0" }, { 0x0301, "TLS1.0" }, { 0x0302, "TLS1.1" },
	{ 0x0303, "TLS1.2" }, { 0x0304, "TLS1.3" }, { 0, NULL },
};

static const struct code_name tls_suites[] = {
	{ 0x1301, "TLS_AES_128_GCM_SHA256" },
	{ 0x1302, "TLS_AES_256_GCM_SHA384" },
	{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
	{ 0x1304, "TLS_AES_128_CCM_SHA256" },
	{ 0x1305, "TLS_AES_128_CCM_8_SHA256" },
	{ 0xc02b, "ECDHE-ECDSA-AES128-GCM-SHA256" },
	{ 0xc02c, "ECDHE-ECDSA-AES256-GCM-SHA384" },
	{ 0xc02f, "ECDHE-RSA-AES128-GCM-SHA256" },
	{ 0xc030, "ECDHE-RSA-AES256-GCM-SHA384" },
	{ 0xcca8, "ECDHE-RSA-CHACHA20-POLY1305" },
	{ 0xcca9, "ECDHE-ECDSA-CHACHA20-POLY1305" },
	{ 0xccaa, "DHE-RSA-CHACHA20-POLY1305" },
	{ 0xc009, "ECDHE-ECDSA-AES128-SHA" },
	{ 0xc00a, "ECDHE-ECDSA-AES256-SHA" },
	{ 0xc013, "ECDHE-RSA-AES128-SHA" },
	{ 0xc014, "ECDHE-RSA-AES256-SHA" },
	{ 0xc023, "ECDHE-ECDSA-AES128-SHA256" },
	{ 0xc024, "ECDHE-ECDSA-AES256-SHA384" },
	{ 0xc027, "ECDHE-RSA-AES128-SHA256" },
	{ 0xc028, "ECDHE-RSA-AES256-SHA384" },
	{ 0xc0ac, "ECDHE-ECDSA-AES128-CCM" },
	{ 0xc0ad, "ECDHE-ECDSA-AES256-CCM" },
	{ 0xc09e, "DHE-RSA-AES128-CCM" },
	{ 0xc09f, "DHE-RSA-AES256-CCM" },
	{ 0x009e, "DHE-RSA-AES128-GCM-SHA256" },
	{ 0x009f, "DHE-RSA-AES256-GCM-SHA384" },
	{ 0x0033, "DHE-RSA-AES128-SHA" },
	{ 0x0039, "DHE-RSA-AES256-SHA" },
	{ 0xc09c, "AES128-CCM" },
	{ 0xc09d, "AES256-CCM" },
	{ 0x009c, "AES128-GCM-SHA256" },
	{ 0x009d, "AES256-GCM-SHA384" },
	{ 0x002f, "AES128-SHA" },
	{ 0x0035, "AES256-SHA" },
	{ 0x003c, "AES128-SHA256" },
	{ 0x003d, "AES256-SHA256" },
	{ 0x00ff, "EMPTY_RENEGOTIATION_INFO_SCSV" },
	{ 0x5600, "FALLBACK_SCSV" },
	{ 0, NULL },
};

static const struct code_name tls_groups[] = {
	{ 0x0017, "secp256r1" }, { 0x0018, "secp384r1" }, { 0x0019, "secp521r1" },
	{ 0x001d, "x25519" },    { 0x001e, "x448" },      { 0x0100, "ffdhe2048" },
	{ 0x0101, "ffdhe3072" }, { 0x0102, "ffdhe4096" }, { 0x0103, "ffdhe6144" },
	{ 0x0104, "ffdhe8192" }, { 0x11ec, "X25519MLKEM768" },
	{ 0x6399, "X25519Kyber768Draft00" }, { 0, NULL },
};

static const struct code_name tls_alerts[] = {
	{ 0, "close_notify" }, { 10, "unexpected_message" }, { 20, "bad_record_mac" },
	{ 22, "record_overflow" }, { 40, "handshake_failure" }, { 42, "bad_certificate" },
	{ 43, "unsupported_certificate" }, { 44, "certificate_revoked" },
	{ 45, "certificate_expired" }, { 46, "certificate_unknown" },
	{ 47, "illegal_parameter" }, { 48, "unknown_ca" }, { 49, "access_denied" },
	{ 50, "decode_error" }, { 51, "decrypt_error" }, { 70, "protocol_version" },
	{ 71, "insufficient_security" }, { 80, "internal_error" },
	{ 86, "inappropriate_fallback" }, { 90, "user_canceled" },
	{ 100, "no_renegotiation" }, { 109, "missing_extension" },
	{ 110, "unsupported_extension" }, { 112, "unrecognized_name" },
	{ 113, "bad_certificate_status_response" }, { 115, "unknown_psk_identity" },
	{ 116, "certificate_required" }, { 120, "no_application_protocol" },
	{ 0, NULL },
};

#define EXT_SERVER_NAME 0
#define EXT_GROUPS 10
#define EXT_ALPN 16
#define EXT_CAS 47
#define EXT_VERSIONS 43
#define EXT_KEY_SHARE 51

/* What a hello or EncryptedExtensions says, gathered for the lines and
 * the label. Text is sanitized. */
struct hello {
	unsigned legacy, version, suite, group; /* version: supported_versions' choice */
	bool hrr;
	char *sni, *alpn;      /* the first name of each */
	struct strbuf versions, suites, groups, alpns, shares;
	int nsuites;
};

static void hello_free(struct hello *h)
{
	free(h->sni);
	free(h->alpn);
	sb_free(&h->versions);
	sb_free(&h->suites);
	sb_free(&h->groups);
	sb_free(&h->alpns);
	sb_free(&h->shares);
}

/* ", name" (the first without the comma) */
static void list_add(struct strbuf *sb, const char *name)
{
	sb_addf(sb, "%s%s", sb->len ? ", " : "", name);
}

static void list_codes(struct strbuf *sb, struct rd *r, const struct code_name *t,
		       int *count)
{
	char buf[16];
	while (r->n >= 2 && !r->bad) {
		list_add(sb, code_name(t, rd_num(r, 2), buf, sizeof(buf)));
		if (count)
			++*count;
	}
	if (r->n)
		r->bad = true;
}

static void read_sni(struct hello *h, struct rd r)
{
	struct rd list = rd_vec(&r, 2);
	while (list.n && !list.bad) {
		unsigned type = rd_num(&list, 1);
		struct rd name = rd_vec(&list, 2);
		if (type == 0 && !name.bad && !h->sni)
			h->sni = sanitize_bytes(name.p, name.n);
	}
}

static void read_alpn(struct hello *h, struct rd r)
{
	struct rd list = rd_vec(&r, 2);
	while (list.n && !list.bad) {
		struct rd name = rd_vec(&list, 1);
		if (name.bad)
			break;
		char *s = sanitize_bytes(name.p, name.n);
		list_add(&h->alpns, s);
		if (!h->alpn)
			h->alpn = s;
		else
			free(s);
	}
}

/* key_share: a ClientHello's list of shares, a ServerHello's one share
 * (a HelloRetryRequest's group alone). */
static void read_key_share(struct hello *h, struct rd r, bool client)
{
	char buf[16];
	if (!client) {
		h->group = rd_num(&r, 2);
		return;
	}
	struct rd list = rd_vec(&r, 2);
	while (list.n && !list.bad) {
		unsigned g = rd_num(&list, 2);
		rd_vec(&list, 2);
		if (!list.bad)
			list_add(&h->shares, code_name(tls_groups, g, buf, sizeof(buf)));
	}
}

static void read_extensions(struct hello *h, struct rd r, bool client)
{
	struct rd exts = rd_vec(&r, 2);
	char buf[16];
	while (exts.n && !exts.bad) {
		unsigned type = rd_num(&exts, 2);
		struct rd body = rd_vec(&exts, 2);
		if (exts.bad)
			break;
		if (type == EXT_SERVER_NAME && client)
			read_sni(h, body);
		else if (type == EXT_GROUPS) {
			struct rd list = rd_vec(&body, 2);
			list_codes(&h->groups, &list, tls_groups, NULL);
		} else if (type == EXT_ALPN)
			read_alpn(h, body);
		else if (type == EXT_VERSIONS && client) {
			struct rd list = rd_vec(&body, 1);
			list_codes(&h->versions, &list, tls_versions, NULL);
		} else if (type == EXT_VERSIONS) {
			h->version = rd_num(&body, 2);
			if (!body.bad)
				list_add(&h->versions, code_name(tls_versions, h->version, buf,
								 sizeof(buf)));
		} else if (type == EXT_KEY_SHARE)
			read_key_share(h, body, client);
	}
}

/* The HelloRetryRequest's random (RFC 8446 4.1.3). */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* A ClientHello or ServerHello body; -1 when it does not hold one. */
static int read_hello(struct hello *h, const uint8_t *p, size_t n, bool client)
{
	struct rd r = { p, n, false };
	h->legacy = rd_num(&r, 2);
	struct rd random = rd_sub(&r, 32);
	h->hrr = !client && !random.bad && !memcmp(random.p, hrr_random, 32);
	rd_vec(&r, 1); /* session id */
	if (client) {
		struct rd suites = rd_vec(&r, 2);
		list_codes(&h->suites, &suites, tls_suites, &h->nsuites);
		rd_vec(&r, 1); /* compression methods */
	} else {
		h->suite = rd_num(&r, 2);
		rd_num(&r, 1);
	}
	if (r.bad)
		return -1;
	if (r.n)
		read_extensions(h, r, client);
	if (!h->version)
		h->version = h->legacy;
	return 0;
}

/* The highest version a ClientHello offers: supported_versions', else
 * the legacy field. */
static const char *offered_top(const struct hello *h, char *buf, size_t n)
{
	const char *v = sb_str(&h->versions);
	if (strstr(v, "TLS1.3"))
		return "TLS1.3";
	return code_name(tls_versions, h->legacy, buf, n);
}

static int client_hello(const struct event *e, struct lines *l, char **label)
{
	struct hello h = { 0 };
	char buf[16];
	if (read_hello(&h, e->raw, e->rawlen, true) < 0) {
		hello_free(&h);
		return 0;
	}
	add(l, xasprintf("legacy version %s, %d cipher suites",
			 code_name(tls_versions, h.legacy, buf, sizeof(buf)), h.nsuites));
	add(l, xasprintf("versions offered: %s",
			 h.versions.len ? sb_str(&h.versions) : "(no supported_versions)"));
	add(l, xasprintf("SNI: %s", h.sni ? h.sni : "(none)"));
	add(l, xasprintf("ALPN: %s", h.alpns.len ? sb_str(&h.alpns) : "(none)"));
	add(l, xasprintf("cipher suites: %s", sb_str(&h.suites)));
	if (h.groups.len)
		add(l, xasprintf("supported groups: %s", sb_str(&h.groups)));
	if (h.shares.len)
		add(l, xasprintf("key shares: %s", sb_str(&h.shares)));
	if (label)
		*label = xasprintf("ClientHello %s%s%s%s%s", offered_top(&h, buf, sizeof(buf)),
				   h.sni ? " SNI " : "", h.sni ? h.sni : "",
				   h.alpn ? " ALPN " : "", h.alpn ? h.alpn : "");
	hello_free(&h);
	return 1;
}

static int server_hello(const struct event *e, struct lines *l, char **label)
{
	struct hello h = { 0 };
	char b1[16], b2[16], b3[16];
	if (read_hello(&h, e->raw, e->rawlen, false) < 0) {
		hello_free(&h);
		return 0;
	}
	const char *ver = code_name(tls_versions, h.version, b1, sizeof(b1));
	const char *suite = code_name(tls_suites, h.suite, b2, sizeof(b2));
	const char *group = h.group ? code_name(tls_groups, h.group, b3, sizeof(b3)) : NULL;
	if (h.hrr)
		add(l, xstrdup("HelloRetryRequest: the server wants another key share"));
	add(l, xasprintf("version %s%s", ver,
			 h.versions.len ? " (supported_versions)" : " (legacy field)"));
	add(l, xasprintf("cipher suite: %s", suite));
	add(l, xasprintf("key-share group: %s", group ? group : "(none)"));
	if (h.alpn)
		add(l, xasprintf("ALPN: %s", h.alpn));
	if (label)
		*label = xasprintf("%s %s %s%s%s", h.hrr ? "HelloRetryRequest" : "ServerHello", ver,
				   suite, group ? " " : "", group ? group : "");
	hello_free(&h);
	return 1;
}

static int encrypted_extensions(const struct event *e, struct lines *l, char **label)
{
	struct hello h = { 0 };
	struct rd r = { e->raw, e->rawlen, false };
	struct rd whole = rd_sub(&r, r.n);
	read_extensions(&h, whole, false);
	add(l, xasprintf("ALPN: %s", h.alpn ? h.alpn : "(none: the server chose no protocol)"));
	if (label)
		*label = xasprintf("EncryptedExtensions%s%s", h.alpn ? " ALPN " : "",
				   h.alpn ? h.alpn : "");
	hello_free(&h);
	return 1;
}

/* One certificate's subject and issuer lines (none when l is NULL); its
 * subject in *first when that is still NULL. */
static void cert_names(struct lines *l, int i, const uint8_t *der, size_t n, char **first)
{
	struct cert_facts f;
	char *err = NULL;
	memset(&f, 0, sizeof(f));
	if (x509_cert_facts(der, n, &f, &err) < 0 || (!f.subject && !f.issuer)) {
		if (l)
			add(l, xasprintf("[%d] %zu bytes, not readable", i, n));
	} else {
		char *s = sanitize(f.subject ? f.subject : "?");
		char *is = sanitize(f.issuer ? f.issuer : "?");
		if (l) {
			add(l, xasprintf("[%d] subject: %s", i, s));
			add(l, xasprintf("    issuer:  %s", is));
		}
		if (first && !*first)
			*first = xstrdup(s);
		free(s);
		free(is);
	}
	free(err);
	cert_facts_free(&f);
}

/* The list of a Certificate message: TLS 1.3's (a request context, then
 * each certificate with its extensions) or earlier (certificates alone),
 * each one's lines in l (when given) and the first subject in *first (when
 * given). Returns how many, or -1 when the bytes hold neither. */
static int cert_list(const uint8_t *p, size_t n, bool tls13, struct lines *l, char **first)
{
	struct rd r = { p, n, false };
	if (tls13)
		rd_vec(&r, 1);
	struct rd list = rd_vec(&r, 3);
	if (r.bad || r.n)
		return -1;
	int count = 0;
	while (list.n && !list.bad) {
		struct rd der = rd_vec(&list, 3);
		if (tls13)
			rd_vec(&list, 2);
		if (list.bad)
			return -1;
		if (l || (first && !count))
			cert_names(l, count, der.p, der.n, first);
		count++;
	}
	return list.bad ? -1 : count;
}

static int certificate(const struct event *e, struct lines *l, char **label)
{
	bool tls13 = cert_list(e->raw, e->rawlen, true, NULL, NULL) >= 0;
	if (!tls13 && cert_list(e->raw, e->rawlen, false, NULL, NULL) < 0)
		return 0;
	char *first = NULL;
	/* the label reads the first certificate alone: a redraw of the
	 * ladder does not parse a long chain */
	int count = cert_list(e->raw, e->rawlen, tls13, label ? NULL : l, &first);
	if (label)
		*label = xasprintf("Certificate %d cert%s%s%s", count, count == 1 ? "" : "s",
				   first ? ": " : "", first ? first : "");
	free(first);
	return 0;
}

/* A list of distinguished names, each with a 2-byte length. */
static int ca_names(struct rd list, struct lines *l)
{
	int count = 0;
	while (list.n && !list.bad) {
		struct rd dn = rd_vec(&list, 2);
		if (list.bad)
			break;
		gnutls_datum_t in = { (unsigned char *)dn.p, (unsigned)dn.n }, out;
		if (gnutls_x509_rdn_get2(&in, &out, 0) >= 0) {
			char *s = sanitize_bytes(out.data, out.size);
			add(l, xasprintf("CA: %s", s));
			free(s);
			gnutls_free(out.data);
		} else {
			add(l, xasprintf("CA: (%zu bytes, not a name)", dn.n));
		}
		count++;
	}
	return count;
}

/* TLS 1.3's (a context, extensions, certificate_authorities among them)
 * or earlier (certificate types, signature algorithms, CA names). */
static int certificate_request(const struct event *e, struct lines *l, char **label)
{
	struct rd r = { e->raw, e->rawlen, false };
	int count = -1;
	rd_vec(&r, 1);
	struct rd exts = rd_vec(&r, 2);
	if (!r.bad && !r.n) { /* TLS 1.3 */
		count = 0;
		while (exts.n && !exts.bad) {
			unsigned type = rd_num(&exts, 2);
			struct rd body = rd_vec(&exts, 2);
			if (type == EXT_CAS && !exts.bad)
				count += ca_names(rd_vec(&body, 2), l);
		}
	} else {
		r = (struct rd){ e->raw, e->rawlen, false };
		rd_vec(&r, 1);
		rd_vec(&r, 2);
		struct rd cas = rd_vec(&r, 2);
		if (!r.bad)
			count = ca_names(cas, l);
	}
	if (count < 0)
		return 0;
	if (!count)
		add(l, xstrdup("CA names: none (any certificate)"));
	if (label)
		*label = xasprintf("CertificateRequest %d CA name%s", count, count == 1 ? "" : "s");
	return 0;
}

/* An alert's two bytes: level and description. */
static int alert(const struct event *e, struct lines *l, char **label)
{
	char buf[16];
	if (e->rawlen != 2)
		return 0;
	const char *level = e->raw[0] == 1 ? "warning" : e->raw[0] == 2 ? "fatal" : "unknown";
	const char *desc = code_name(tls_alerts, e->raw[1], buf, sizeof(buf));
	add(l, xasprintf("level %u (%s), description %u (%s)", e->raw[0], level, e->raw[1], desc));
	if (label)
		*label = xasprintf("Alert %s %s", level, desc);
	return 1;
}

static const struct {
	const char *kind;
	int (*decode)(const struct event *e, struct lines *l, char **label);
} tls_decoders[] = {
	{ "ClientHello", client_hello },
	{ "ServerHello", server_hello },
	{ "EncryptedExtensions", encrypted_extensions },
	{ "Certificate", certificate },
	{ "CertificateRequest", certificate_request },
	{ "Alert", alert },
};

/* The decoder for e's kind, or -1. */
static int tls_decoder(const struct event *e)
{
	if (!e->raw)
		return -1;
	for (size_t i = 0; i < sizeof(tls_decoders) / sizeof(*tls_decoders); i++)
		if (!strcmp(e->kind, tls_decoders[i].kind))
			return (int)i;
	return -1;
}

int event_fields(const struct event *e, char ***lines)
{
	struct lines l = { xcalloc(1, sizeof(char *)), 0 };
	int head = 0;

	int tls = tls_decoder(e);
	if (!e->raw) {
		/* nothing on the wire: a note */
	} else if (tls >= 0) {
		head = tls_decoders[tls].decode(e, &l, NULL);
	} else if (!strcmp(e->kind, "SSLRequest") && e->rawlen == 8) {
		add(&l, xstrdup("length 8"));
		add(&l, xstrdup("code 80877103 = 1234.5679 (SSLRequest)"));
		head = 2;
	} else if (!strcmp(e->kind, "StartupMessage") && e->rawlen >= 8) {
		add(&l, xasprintf("length %zu, protocol %u.%u", e->rawlen,
				  (unsigned)(e->raw[4] << 8 | e->raw[5]),
				  (unsigned)(e->raw[6] << 8 | e->raw[7])));
		head = 1;
	} else if (!strcmp(e->kind, "SSLResponse")) {
		add(&l, xasprintf("one byte: 0x%02x '%c'", e->raw[0],
				  e->raw[0] >= 0x20 && e->raw[0] < 0x7f ?
					  e->raw[0] : '?'));
		head = 1;
	} else if (e->rawlen >= 5 && e->dir == EV_RECV &&
		   strcmp(e->kind, "PeerCertificate")) {
		head = backend_fields(e, &l);
	}
	*lines = l.list;
	return head;
}

char *event_label(const struct event *e)
{
	int tls = tls_decoder(e);
	if (tls >= 0) {
		struct lines l = { xcalloc(1, sizeof(char *)), 0 };
		char *label = NULL;
		tls_decoders[tls].decode(e, &l, &label);
		strlist_free(l.list);
		if (label)
			return label;
	}
	size_t k = strlen(e->kind);
	if (!strncmp(e->summary, e->kind, k))
		return xstrdup(e->summary);
	return xasprintf("%s: %s", e->kind, e->summary);
}
