/* SPDX-License-Identifier: MIT */
/* pgwire: the PostgreSQL wire codec for a connection start. Owns the byte
 * layout of the frontend packets we send, the framing and decoding of backend
 * messages, and their one-line summaries. It does no I/O and prints nothing;
 * every byte it gets is untrusted, so decoding checks each length against the
 * buffer before reading, and summaries pass server text through sanitize. */
#include "config.h"
#include "engine/pgwire.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

/* The largest cancel key protocol 3.2 allows (libpq 18: getBackendKeyData) */
#define PGWIRE_MAX_CANCEL_KEY 256u
/* The smallest one libpq accepts; protocol 3.0 always sends 4 bytes */
#define PGWIRE_MIN_CANCEL_KEY 4u

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Frontend encoders */

/* An 8-byte request: length 8, then the magic code (pqcomm.h) */
static void add_request(struct strbuf *out, uint32_t code)
{
	sb_add_u32be(out, 8);
	sb_add_u32be(out, code);
}

void pgwire_sslrequest(struct strbuf *out)
{
	add_request(out, PGWIRE_SSLREQUEST_CODE);
}

void pgwire_gssencrequest(struct strbuf *out)
{
	add_request(out, PGWIRE_GSSENCREQUEST_CODE);
}

void pgwire_startup(struct strbuf *out, uint32_t version,
		    const char *const *params)
{
	size_t start = out->len;
	uint32_t n;

	/* the length is patched in once the parameters are known */
	sb_add_u32be(out, 0);
	sb_add_u32be(out, version);
	/* a NULL value ends the list too, so a short list is never overread */
	for (size_t i = 0; params && params[i] && params[i + 1]; i += 2) {
		sb_add(out, params[i], strlen(params[i]) + 1);
		sb_add(out, params[i + 1], strlen(params[i + 1]) + 1);
	}
	sb_addc(out, '\0');
	n = (uint32_t)(out->len - start);
	out->buf[start] = (char)(n >> 24);
	out->buf[start + 1] = (char)(n >> 16);
	out->buf[start + 2] = (char)(n >> 8);
	out->buf[start + 3] = (char)n;
}

void pgwire_terminate(struct strbuf *out)
{
	sb_addc(out, 'X');
	sb_add_u32be(out, 4);
}

/* The 'p' messages carry secrets: the whole message's room is reserved
 * first, so that no copy of it is left behind by a reallocation. */
static void add_p_header(struct strbuf *out, size_t body)
{
	sb_reserve(out, 5 + body);
	sb_addc(out, 'p');
	sb_add_u32be(out, (uint32_t)(4 + body));
}

void pgwire_password(struct strbuf *out, const char *password)
{
	size_t n = strlen(password) + 1;
	add_p_header(out, n);
	sb_add(out, password, n);
}

void pgwire_sasl_initial(struct strbuf *out, const char *mechanism,
			 const char *data, size_t len)
{
	size_t m = strlen(mechanism) + 1;
	add_p_header(out, m + 4 + len);
	sb_add(out, mechanism, m);
	sb_add_u32be(out, (uint32_t)len);
	sb_add(out, data, len);
}

void pgwire_sasl_response(struct strbuf *out, const char *data, size_t len)
{
	add_p_header(out, len);
	sb_add(out, data, len);
}

/* Framing */

enum pgwire_frame_status pgwire_frame(const uint8_t *buf, size_t len,
				      size_t *total)
{
	uint32_t length;

	if (len < 5)
		return PGWIRE_FRAME_INCOMPLETE;
	length = get_u32(buf + 1);
	if (length < 4 || length > PGWIRE_MAX_MSG)
		return PGWIRE_FRAME_BAD;
	if (len - 1 < length)
		return PGWIRE_FRAME_INCOMPLETE;
	if (total)
		*total = (size_t)length + 1;
	return PGWIRE_FRAME_OK;
}

/* Decoding. A reader walks the body; every step checks what is left. */

struct reader {
	const uint8_t *p;
	size_t left;
};

static int rd_u32(struct reader *r, uint32_t *v)
{
	if (r->left < 4)
		return -1;
	*v = get_u32(r->p);
	r->p += 4;
	r->left -= 4;
	return 0;
}

/* A NUL-terminated string; *s points into the body, *n excludes the NUL */
static int rd_str(struct reader *r, const char **s, size_t *n)
{
	const uint8_t *nul = memchr(r->p, '\0', r->left);

	if (!nul)
		return -1;
	*s = (const char *)r->p;
	*n = (size_t)(nul - r->p);
	r->p = nul + 1;
	r->left -= *n + 1;
	return 0;
}

static char *rd_strdup(struct reader *r)
{
	const char *s;
	size_t n;

	if (rd_str(r, &s, &n) < 0)
		return NULL;
	return xstrndup(s, n);
}

static void free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* Copy count strings the caller has already validated into a fresh
 * NULL-terminated vector. */
static char **copy_strv(struct reader *r, size_t count)
{
	char **v = xcalloc(count + 1, sizeof(*v));

	for (size_t i = 0; i < count; i++)
		v[i] = rd_strdup(r);
	return v;
}

static int decode_auth(struct reader *r, struct pgwire_msg *out,
		       const char **why)
{
	if (rd_u32(r, &out->u.auth.code) < 0) {
		*why = "authentication request without a code";
		return -1;
	}
	switch (out->u.auth.code) {
	case PGWIRE_AUTH_OK:
	case PGWIRE_AUTH_KERBEROS_V5:
	case PGWIRE_AUTH_CLEARTEXT:
	case PGWIRE_AUTH_GSS:
	case PGWIRE_AUTH_SSPI:
		if (r->left) {
			*why = "trailing bytes after authentication code";
			return -1;
		}
		return 0;
	case PGWIRE_AUTH_MD5:
		if (r->left != 4) {
			*why = "MD5 request without a 4-byte salt";
			return -1;
		}
		memcpy(out->u.auth.md5_salt, r->p, 4);
		return 0;
	case PGWIRE_AUTH_SASL: {
		/* first pass validates and counts, so nothing is allocated
		 * for a malformed list and the count is bounded by the body */
		struct reader scan = *r;
		size_t count = 0, n;
		const char *s;

		for (;;) {
			if (rd_str(&scan, &s, &n) < 0) {
				*why = "SASL mechanism list not terminated";
				return -1;
			}
			if (n == 0)
				break;
			count++;
		}
		if (scan.left) {
			*why = "trailing bytes after SASL mechanism list";
			return -1;
		}
		out->u.auth.mechanisms = copy_strv(r, count);
		out->u.auth.nmechanisms = (int)count;
		return 0;
	}
	case PGWIRE_AUTH_GSS_CONTINUE:
	case PGWIRE_AUTH_SASL_CONTINUE:
	case PGWIRE_AUTH_SASL_FINAL:
		/* opaque data, to the end of the message */
		out->u.auth.data = r->p;
		out->u.auth.data_len = r->left;
		return 0;
	default:
		/* unknown codes are kept for the summary */
		return 0;
	}
}

static int decode_fields(struct reader *r, struct pgwire_msg *out,
			 const char **why)
{
	struct reader scan = *r;
	size_t count = 0, n;
	const char *s;
	struct pgwire_field *f;

	for (;;) {
		if (!scan.left) {
			*why = "error fields not terminated";
			return -1;
		}
		if (*scan.p == '\0')
			break;
		scan.p++;
		scan.left--;
		if (rd_str(&scan, &s, &n) < 0) {
			*why = "error field value not terminated";
			return -1;
		}
		count++;
	}
	if (scan.left != 1) {
		*why = "trailing bytes after error fields";
		return -1;
	}
	f = xcalloc(count ? count : 1, sizeof(*f));
	for (size_t i = 0; i < count; i++) {
		f[i].code = (char)*r->p;
		r->p++;
		r->left--;
		f[i].value = rd_strdup(r);
	}
	out->u.error.fields = f;
	out->u.error.nfields = (int)count;
	return 0;
}

static int decode_npv(struct reader *r, struct pgwire_msg *out,
		      const char **why)
{
	uint32_t count;
	struct reader scan;
	const char *s;
	size_t n;

	if (rd_u32(r, &out->u.npv.newest_minor) < 0 ||
	    rd_u32(r, &count) < 0) {
		*why = "NegotiateProtocolVersion truncated";
		return -1;
	}
	/* each option takes at least its NUL: a larger count is a lie, and
	 * checking it first keeps a count like 2^31 from allocating */
	if (count > r->left) {
		*why = "NegotiateProtocolVersion option count exceeds message";
		return -1;
	}
	scan = *r;
	for (uint32_t i = 0; i < count; i++) {
		if (rd_str(&scan, &s, &n) < 0) {
			*why = "NegotiateProtocolVersion option not terminated";
			return -1;
		}
	}
	if (scan.left) {
		*why = "trailing bytes after NegotiateProtocolVersion options";
		return -1;
	}
	out->u.npv.options = copy_strv(r, count);
	out->u.npv.noptions = (int)count;
	return 0;
}

static int decode_param(struct reader *r, struct pgwire_msg *out,
			const char **why)
{
	struct reader scan = *r;
	const char *s;
	size_t n;

	if (rd_str(&scan, &s, &n) < 0 || rd_str(&scan, &s, &n) < 0) {
		*why = "ParameterStatus string not terminated";
		return -1;
	}
	if (scan.left) {
		*why = "trailing bytes after ParameterStatus";
		return -1;
	}
	out->u.param.name = rd_strdup(r);
	out->u.param.value = rd_strdup(r);
	return 0;
}

static int decode_key(struct reader *r, struct pgwire_msg *out,
		      const char **why)
{
	if (rd_u32(r, &out->u.key.pid) < 0) {
		*why = "BackendKeyData without a process id";
		return -1;
	}
	if (r->left < PGWIRE_MIN_CANCEL_KEY) {
		*why = "BackendKeyData cancel key too short";
		return -1;
	}
	if (r->left > PGWIRE_MAX_CANCEL_KEY) {
		*why = "BackendKeyData cancel key too long";
		return -1;
	}
	out->u.key.key_len = (uint32_t)r->left;
	return 0;
}

static int decode_ready(struct reader *r, struct pgwire_msg *out,
			const char **why)
{
	if (r->left != 1) {
		*why = "ReadyForQuery body is not one byte";
		return -1;
	}
	out->u.ready.status = (char)*r->p;
	return 0;
}

/* msg may hold more than one message: only the declared length is decoded,
 * and bytes after it belong to the next message. */
int pgwire_decode(const uint8_t *msg, size_t len, struct pgwire_msg *out,
		  const char **why)
{
	const char *dummy;
	struct reader r;
	uint32_t length;
	int rc;

	if (!why)
		why = &dummy;
	*why = NULL;
	memset(out, 0, sizeof(*out));
	if (!msg || len < 5) {
		*why = "message shorter than its header";
		return -1;
	}
	length = get_u32(msg + 1);
	if (length < 4 || length > PGWIRE_MAX_MSG) {
		*why = "declared message length out of range";
		return -1;
	}
	if (len - 1 < length) {
		*why = "message truncated";
		return -1;
	}
	out->type = (char)msg[0];
	out->length = length;
	r.p = msg + 5;
	r.left = length - 4;

	switch (out->type) {
	case 'R':
		rc = decode_auth(&r, out, why);
		break;
	case 'E':
	case 'N':
		rc = decode_fields(&r, out, why);
		break;
	case 'v':
		rc = decode_npv(&r, out, why);
		break;
	case 'S':
		rc = decode_param(&r, out, why);
		break;
	case 'K':
		rc = decode_key(&r, out, why);
		break;
	case 'Z':
		rc = decode_ready(&r, out, why);
		break;
	default:
		rc = 0;
		break;
	}
	if (rc < 0) {
		/* the decoders validate before allocating, but stay safe */
		pgwire_msg_free(out);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

void pgwire_msg_free(struct pgwire_msg *m)
{
	if (!m)
		return;
	switch (m->type) {
	case 'R':
		free_strv(m->u.auth.mechanisms);
		m->u.auth.mechanisms = NULL;
		m->u.auth.nmechanisms = 0;
		break;
	case 'E':
	case 'N':
		for (int i = 0; i < m->u.error.nfields; i++)
			free(m->u.error.fields[i].value);
		free(m->u.error.fields);
		m->u.error.fields = NULL;
		m->u.error.nfields = 0;
		break;
	case 'v':
		free_strv(m->u.npv.options);
		m->u.npv.options = NULL;
		m->u.npv.noptions = 0;
		break;
	case 'S':
		free(m->u.param.name);
		free(m->u.param.value);
		m->u.param.name = m->u.param.value = NULL;
		break;
	default:
		break;
	}
}

const char *pgwire_error_field(const struct pgwire_msg *m, char code)
{
	if (!m || (m->type != 'E' && m->type != 'N'))
		return NULL;
	for (int i = 0; i < m->u.error.nfields; i++)
		if (m->u.error.fields[i].code == code)
			return m->u.error.fields[i].value;
	return NULL;
}

/* Names and summaries */

static const struct {
	char type;
	const char *name;
} type_names[] = {
	{ 'R', "Authentication" },
	{ 'E', "ErrorResponse" },
	{ 'N', "NoticeResponse" },
	{ 'v', "NegotiateProtocolVersion" },
	{ 'S', "ParameterStatus" },
	{ 'K', "BackendKeyData" },
	{ 'Z', "ReadyForQuery" },
	{ 'C', "CommandComplete" },
	{ 'D', "DataRow" },
	{ 'T', "RowDescription" },
	{ 'I', "EmptyQueryResponse" },
	{ 'A', "NotificationResponse" },
	{ 'G', "CopyInResponse" },
	{ 'H', "CopyOutResponse" },
	{ 'W', "CopyBothResponse" },
	{ 'd', "CopyData" },
	{ 'c', "CopyDone" },
	{ 'n', "NoData" },
	{ 's', "PortalSuspended" },
	{ 't', "ParameterDescription" },
	{ 'V', "FunctionCallResponse" },
	{ '1', "ParseComplete" },
	{ '2', "BindComplete" },
	{ '3', "CloseComplete" },
};

const char *pgwire_type_name(char type)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return "Unknown";
}

/* Indexed by code; gaps are codes the protocol does not define */
static const char *const auth_names[] = {
	[PGWIRE_AUTH_OK] = "AuthenticationOk",
	[PGWIRE_AUTH_KERBEROS_V5] = "AuthenticationKerberosV5",
	[PGWIRE_AUTH_CLEARTEXT] = "AuthenticationCleartextPassword",
	[PGWIRE_AUTH_MD5] = "AuthenticationMD5Password",
	[PGWIRE_AUTH_GSS] = "AuthenticationGSS",
	[PGWIRE_AUTH_GSS_CONTINUE] = "AuthenticationGSSContinue",
	[PGWIRE_AUTH_SSPI] = "AuthenticationSSPI",
	[PGWIRE_AUTH_SASL] = "AuthenticationSASL",
	[PGWIRE_AUTH_SASL_CONTINUE] = "AuthenticationSASLContinue",
	[PGWIRE_AUTH_SASL_FINAL] = "AuthenticationSASLFinal",
};

/* NULL for a code the protocol does not define */
static const char *auth_name(uint32_t code)
{
	if (code >= sizeof(auth_names) / sizeof(auth_names[0]))
		return NULL;
	return auth_names[code];
}

const char *pgwire_auth_name(uint32_t code)
{
	const char *name = auth_name(code);

	return name ? name : "Authentication(unknown)";
}

/* Append untrusted bytes, escaped */
static void add_clean(struct strbuf *sb, const void *p, size_t n)
{
	char *s = sanitize_bytes(p, n);

	sb_adds(sb, s);
	free(s);
}

static void add_clean_str(struct strbuf *sb, const char *s)
{
	if (s)
		add_clean(sb, s, strlen(s));
}

static void add_strv(struct strbuf *sb, char *const *v, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			sb_adds(sb, ", ");
		add_clean_str(sb, v[i]);
	}
}

static void summarize_error(struct strbuf *sb, const struct pgwire_msg *m)
{
	const char *sev = pgwire_error_field(m, 'V');
	const char *code = pgwire_error_field(m, 'C');
	const char *text = pgwire_error_field(m, 'M');

	/* 'V' (9.6+) is never translated; 'S' may be */
	if (!sev)
		sev = pgwire_error_field(m, 'S');
	if (sev) {
		sb_addc(sb, ' ');
		add_clean_str(sb, sev);
	}
	if (code) {
		sb_addc(sb, ' ');
		add_clean_str(sb, code);
	}
	if (text) {
		sb_adds(sb, (sev || code) ? ": " : " ");
		add_clean_str(sb, text);
	}
}

char *pgwire_summary(const struct pgwire_msg *m)
{
	struct strbuf sb = STRBUF_INIT;
	const char *name = pgwire_type_name(m->type);

	switch (m->type) {
	case 'R':
		sb_adds(&sb, pgwire_auth_name(m->u.auth.code));
		if (m->u.auth.code == PGWIRE_AUTH_MD5) {
			sb_adds(&sb, " salt=");
			sb_addhex(&sb, m->u.auth.md5_salt, 4, 0);
		} else if (m->u.auth.code == PGWIRE_AUTH_SASL) {
			sb_adds(&sb, " [");
			add_strv(&sb, m->u.auth.mechanisms,
				 m->u.auth.nmechanisms);
			sb_addc(&sb, ']');
		} else if (!auth_name(m->u.auth.code)) {
			sb_addf(&sb, " code=%u", (unsigned)m->u.auth.code);
		}
		break;
	case 'E':
	case 'N':
		sb_adds(&sb, name);
		summarize_error(&sb, m);
		break;
	case 'v':
		sb_addf(&sb, "%s 3.%u", name, (unsigned)m->u.npv.newest_minor);
		if (m->u.npv.noptions) {
			sb_adds(&sb, ", unrecognized: ");
			add_strv(&sb, m->u.npv.options, m->u.npv.noptions);
		}
		break;
	case 'S':
		sb_adds(&sb, name);
		sb_addc(&sb, ' ');
		add_clean_str(&sb, m->u.param.name);
		sb_addc(&sb, '=');
		add_clean_str(&sb, m->u.param.value);
		break;
	case 'K':
		sb_addf(&sb, "%s pid=%u", name, (unsigned)m->u.key.pid);
		if (m->u.key.key_len != 4)
			sb_addf(&sb, " key=%u bytes",
				(unsigned)m->u.key.key_len);
		break;
	case 'Z':
		sb_adds(&sb, name);
		switch (m->u.ready.status) {
		case 'I':
			sb_adds(&sb, " idle");
			break;
		case 'T':
			sb_adds(&sb, " in transaction");
			break;
		case 'E':
			sb_adds(&sb, " failed transaction");
			break;
		default:
			sb_adds(&sb, " status=");
			add_clean(&sb, &m->u.ready.status, 1);
			break;
		}
		break;
	default:
		if (strcmp(name, "Unknown") != 0) {
			sb_adds(&sb, name);
		} else {
			sb_adds(&sb, "Unknown message type=");
			add_clean(&sb, &m->type, 1);
		}
		sb_addf(&sb, " length=%u", (unsigned)m->length);
		break;
	}
	return sb_detach(&sb);
}

/* Frontend packets: length, then a code or protocol version. Only an exact,
 * well-formed packet is recognised. */
static char *startup_summary(const uint8_t *buf, size_t len, uint32_t version)
{
	struct strbuf sb = STRBUF_INIT;
	struct reader r = { buf + 8, len - 8 };
	const char *name, *value;
	size_t nname, nvalue;

	sb_addf(&sb, "StartupMessage %u.%u", (unsigned)(version >> 16),
		(unsigned)(version & 0xffff));
	for (;;) {
		if (rd_str(&r, &name, &nname) < 0)
			goto bad;
		if (nname == 0)
			break;
		if (rd_str(&r, &value, &nvalue) < 0)
			goto bad;
		sb_addc(&sb, ' ');
		add_clean(&sb, name, nname);
		sb_addc(&sb, '=');
		add_clean(&sb, value, nvalue);
	}
	if (r.left)
		goto bad;
	return sb_detach(&sb);
bad:
	sb_free(&sb);
	return NULL;
}

char *pgwire_frontend_summary(const uint8_t *buf, size_t len)
{
	uint32_t length, code;

	if (!buf || len < 8 || len > PGWIRE_MAX_MSG)
		return NULL;
	length = get_u32(buf);
	code = get_u32(buf + 4);
	if (length != len)
		return NULL;
	switch (code) {
	case PGWIRE_SSLREQUEST_CODE:
		return length == 8 ? xstrdup("SSLRequest") : NULL;
	case PGWIRE_GSSENCREQUEST_CODE:
		return length == 8 ? xstrdup("GSSENCRequest") : NULL;
	case PGWIRE_CANCEL_CODE:
		/* pid, then a key of 4 bytes (3.0) up to 256 (3.2) */
		if (length < 12 + PGWIRE_MIN_CANCEL_KEY ||
		    length > 12 + PGWIRE_MAX_CANCEL_KEY)
			return NULL;
		return xstrdup("CancelRequest");
	default:
		/* protocol 3.x; 2.0's fixed-size packet is long gone */
		if (code >> 16 != 3)
			return NULL;
		return startup_summary(buf, len, code);
	}
}
