/* SPDX-License-Identifier: MIT */
/* Unit tests for engine/pgwire: exact frontend bytes, framing, decoding of
 * every backend message we know, malformed and truncated input (which must
 * fail cleanly, never overread), and sanitized summaries. Messages are copied
 * into exactly-sized heap buffers so a sanitizer build catches any overread. */
#include "config.h"
#include "engine/pgwire.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "check.h"
#include <stdint.h>
#include <stdlib.h>

/* A backend message: type, length (body + 4), body */
static void build(struct strbuf *sb, char type, const void *body, size_t n)
{
	sb_reset(sb);
	sb_addc(sb, type);
	sb_add_u32be(sb, (uint32_t)(n + 4));
	sb_add(sb, body, n);
}

/* Decode n bytes from an exact-size copy; returns rc, fills *m */
static int decode_exact(const void *p, size_t n, struct pgwire_msg *m,
			const char **why)
{
	uint8_t *copy = xmemdup(p, n);
	int rc = pgwire_decode(copy, n, m, why);

	free(copy);
	return rc;
}

/* Decode a message with the given body; returns its summary (or NULL when
 * decoding failed) and leaves the decoded message in *m for more checks. */
static char *decode_body(char type, const void *body, size_t n,
			 struct pgwire_msg *m)
{
	struct strbuf sb = STRBUF_INIT;
	const char *why = NULL;
	char *sum = NULL;
	int rc;

	build(&sb, type, body, n);
	rc = decode_exact(sb.buf, sb.len, m, &why);
	if (rc == 0) {
		CHECK(why == NULL);
		CHECK_INT(m->type, type);
		CHECK_INT(m->length, n + 4);
		sum = pgwire_summary(m);
	} else {
		CHECK(why != NULL);
	}
	sb_free(&sb);
	return sum;
}

/* The body must decode and summarize to want */
static void summary_is(int line, char type, const void *body, size_t n,
		       const char *want)
{
	struct pgwire_msg m;
	char *sum = decode_body(type, body, n, &m);

	if (!sum || strcmp(sum, want) != 0)
		fprintf(stderr, "(from line %d)\n", line);
	CHECK_STR(sum, want);
	free(sum);
	pgwire_msg_free(&m);
}
#define SUMMARY_IS(type, body, want) \
	summary_is(__LINE__, type, body, sizeof(body) - 1, want)

/* The body must be rejected with a reason */
static void rejected(int line, char type, const void *body, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	struct pgwire_msg m;
	const char *why = NULL;
	int rc;

	build(&sb, type, body, n);
	rc = decode_exact(sb.buf, sb.len, &m, &why);
	if (rc != -1 || !why)
		fprintf(stderr, "(from line %d)\n", line);
	CHECK_INT(rc, -1);
	CHECK(why != NULL && why[0] != '\0');
	/* a failed decode leaves nothing to free, but freeing is harmless */
	CHECK_INT(m.type, 0);
	pgwire_msg_free(&m);
	sb_free(&sb);
}
#define REJECTED(type, body) rejected(__LINE__, type, body, sizeof(body) - 1)

/* Every strict prefix of a whole message: the framer wants more and the
 * decoder refuses. Then every shorter body with a consistent length header:
 * the decoder may accept or refuse, but must stay inside the buffer and
 * leave nothing allocated on refusal (the sanitizer build checks both). */
static void truncations(const uint8_t *msg, size_t total)
{
	struct pgwire_msg m;
	const char *why;
	size_t got;
	int bad = 0;

	for (size_t k = 0; k < total; k++) {
		uint8_t *copy = xmemdup(msg, k);
		if (pgwire_frame(copy, k, &got) != PGWIRE_FRAME_INCOMPLETE)
			bad++;
		if (pgwire_decode(copy, k, &m, &why) != -1 || !why)
			bad++;
		free(copy);
	}
	CHECK_INT(bad, 0);

	for (size_t body = 0; body + 5 < total; body++) {
		struct strbuf sb = STRBUF_INIT;
		build(&sb, (char)msg[0], msg + 5, body);
		int rc = decode_exact(sb.buf, sb.len, &m, &why);
		if (rc == 0) {
			char *sum = pgwire_summary(&m);
			if (!sum)
				bad++;
			free(sum);
			pgwire_msg_free(&m);
		} else if (rc != -1 || !why) {
			bad++;
		}
		sb_free(&sb);
	}
	CHECK_INT(bad, 0);
}

static void truncations_of(char type, const void *body, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	build(&sb, type, body, n);
	truncations((const uint8_t *)sb.buf, sb.len);
	sb_free(&sb);
}
#define TRUNCATIONS_OF(type, body) truncations_of(type, body, sizeof(body) - 1)

static int bytes_eq(const struct strbuf *sb, const void *want, size_t n)
{
	return sb->len == n && memcmp(sb->buf, want, n) == 0;
}

static void test_encoders(void)
{
	struct strbuf sb = STRBUF_INIT;
	static const char *const params[] = {
		"user", "postgres", "database", "db", NULL
	};

	pgwire_sslrequest(&sb);
	CHECK(bytes_eq(&sb, "\x00\x00\x00\x08\x04\xd2\x16\x2f", 8));
	sb_reset(&sb);
	pgwire_gssencrequest(&sb);
	CHECK(bytes_eq(&sb, "\x00\x00\x00\x08\x04\xd2\x16\x30", 8));
	sb_reset(&sb);
	pgwire_terminate(&sb);
	CHECK(bytes_eq(&sb, "X\x00\x00\x00\x04", 5));
	sb_reset(&sb);

	/* 4 + 4 + "user\0postgres\0" (14) + "database\0db\0" (12) + 1 = 35 */
	pgwire_startup(&sb, PGWIRE_PROTOCOL_3_0, params);
	CHECK(bytes_eq(&sb,
		       "\x00\x00\x00\x23\x00\x03\x00\x00"
		       "user\0postgres\0database\0db\0\0",
		       35));
	sb_reset(&sb);

	/* no parameters: length, version, final NUL */
	pgwire_startup(&sb, PGWIRE_PROTOCOL_3_0, NULL);
	CHECK(bytes_eq(&sb, "\x00\x00\x00\x09\x00\x03\x00\x00\x00", 9));
	sb_reset(&sb);

	/* grease version 3.9999, appended after existing bytes: the length
	 * is patched at the packet's own start, not the buffer's */
	static const char *const one[] = { "user", "u", NULL };
	sb_adds(&sb, "pre");
	pgwire_startup(&sb, 0x0003270fu, one);
	CHECK(bytes_eq(&sb,
		       "pre\x00\x00\x00\x10\x00\x03\x27\x0f"
		       "user\0u\0\0",
		       19));
	sb_reset(&sb);

	/* a name without a value ends the list */
	static const char *const odd[] = { "user", "u", "dangling", NULL };
	pgwire_startup(&sb, PGWIRE_PROTOCOL_3_0, odd);
	CHECK(bytes_eq(&sb,
		       "\x00\x00\x00\x10\x00\x03\x00\x00"
		       "user\0u\0\0",
		       16));
	sb_free(&sb);
}

static void test_frame(void)
{
	size_t total = 12345;

	CHECK_INT(pgwire_frame((const uint8_t *)"", 0, &total),
		  PGWIRE_FRAME_INCOMPLETE);
	CHECK_INT(pgwire_frame((const uint8_t *)"Z", 1, &total),
		  PGWIRE_FRAME_INCOMPLETE);
	CHECK_INT(pgwire_frame((const uint8_t *)"Z\0\0\0", 4, &total),
		  PGWIRE_FRAME_INCOMPLETE);
	CHECK_INT(total, 12345);
	/* length counts itself but not the type byte */
	CHECK_INT(pgwire_frame((const uint8_t *)"Z\0\0\0\x05I", 6, &total),
		  PGWIRE_FRAME_OK);
	CHECK_INT(total, 6);
	CHECK_INT(pgwire_frame((const uint8_t *)"Z\0\0\0\x05", 5, &total),
		  PGWIRE_FRAME_INCOMPLETE);
	/* extra bytes after the message belong to the next one */
	total = 0;
	CHECK_INT(pgwire_frame((const uint8_t *)"X\0\0\0\x04Z\0\0\0\x05I", 11,
			       &total),
		  PGWIRE_FRAME_OK);
	CHECK_INT(total, 5);
	CHECK_INT(pgwire_frame((const uint8_t *)"X\0\0\0\x04", 5, NULL),
		  PGWIRE_FRAME_OK);
	/* absurd lengths */
	CHECK_INT(pgwire_frame((const uint8_t *)"E\0\0\0\0", 5, &total),
		  PGWIRE_FRAME_BAD);
	CHECK_INT(pgwire_frame((const uint8_t *)"E\0\0\0\x03", 5, &total),
		  PGWIRE_FRAME_BAD);
	CHECK_INT(pgwire_frame((const uint8_t *)"E\xff\xff\xff\xff", 5, &total),
		  PGWIRE_FRAME_BAD);
	CHECK_INT(pgwire_frame((const uint8_t *)"E\x80\0\0\0", 5, &total),
		  PGWIRE_FRAME_BAD);
	/* exactly the limit is allowed (incomplete here); one more is not */
	CHECK_INT(pgwire_frame((const uint8_t *)"E\x00\x10\x00\x00", 5, &total),
		  PGWIRE_FRAME_INCOMPLETE);
	CHECK_INT(pgwire_frame((const uint8_t *)"E\x00\x10\x00\x01", 5, &total),
		  PGWIRE_FRAME_BAD);
	/* a server answering an SSLRequest in plain HTTP */
	CHECK_INT(pgwire_frame((const uint8_t *)"HTTP/1.1 400", 12, &total),
		  PGWIRE_FRAME_BAD);
}

static void test_auth(void)
{
	struct pgwire_msg m;
	char *s;

	SUMMARY_IS('R', "\0\0\0\0", "AuthenticationOk");
	SUMMARY_IS('R', "\0\0\0\x02", "AuthenticationKerberosV5");
	SUMMARY_IS('R', "\0\0\0\x03", "AuthenticationCleartextPassword");
	SUMMARY_IS('R', "\0\0\0\x05\x0a\x0b\x0c\x0d",
		   "AuthenticationMD5Password salt=0a0b0c0d");
	SUMMARY_IS('R', "\0\0\0\x07", "AuthenticationGSS");
	SUMMARY_IS('R', "\0\0\0\x08" "gssdata", "AuthenticationGSSContinue");
	SUMMARY_IS('R', "\0\0\0\x09", "AuthenticationSSPI");
	SUMMARY_IS('R', "\0\0\0\x0a" "SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0",
		   "AuthenticationSASL [SCRAM-SHA-256-PLUS, SCRAM-SHA-256]");
	SUMMARY_IS('R', "\0\0\0\x0a\0", "AuthenticationSASL []");
	SUMMARY_IS('R', "\0\0\0\x0b" "r=abc,s=xyz,i=4096",
		   "AuthenticationSASLContinue");
	SUMMARY_IS('R', "\0\0\0\x0b", "AuthenticationSASLContinue");
	SUMMARY_IS('R', "\0\0\0\x0c" "v=sig", "AuthenticationSASLFinal");
	SUMMARY_IS('R', "\0\0\0\x63" "whatever",
		   "Authentication(unknown) code=99");
	SUMMARY_IS('R', "\xff\xff\xff\xff",
		   "Authentication(unknown) code=4294967295");

	/* decoded fields */
	s = decode_body('R', "\0\0\0\x05\xde\xad\xbe\xef", 8, &m);
	CHECK_INT(m.u.auth.code, PGWIRE_AUTH_MD5);
	CHECK(memcmp(m.u.auth.md5_salt, "\xde\xad\xbe\xef", 4) == 0);
	free(s);
	pgwire_msg_free(&m);

	s = decode_body('R', "\0\0\0\x0a" "A\0B\0C\0\0", 11, &m);
	CHECK_INT(m.u.auth.code, PGWIRE_AUTH_SASL);
	CHECK_INT(m.u.auth.nmechanisms, 3);
	CHECK_STR(m.u.auth.mechanisms[0], "A");
	CHECK_STR(m.u.auth.mechanisms[2], "C");
	CHECK(m.u.auth.mechanisms[3] == NULL);
	free(s);
	pgwire_msg_free(&m);
	CHECK(m.u.auth.mechanisms == NULL);
	pgwire_msg_free(&m); /* twice is harmless */

	/* hostile mechanism names are escaped */
	SUMMARY_IS('R', "\0\0\0\x0a" "SCRAM\x1b[31m\0\0",
		   "AuthenticationSASL [SCRAM\\x1b[31m]");

	/* malformed */
	REJECTED('R', "");
	REJECTED('R', "\0\0\0");
	REJECTED('R', "\0\0\0\0\0");           /* Ok with trailing byte */
	REJECTED('R', "\0\0\0\x03" "x");       /* cleartext, trailing */
	REJECTED('R', "\0\0\0\x07" "x");       /* GSS, trailing */
	REJECTED('R', "\0\0\0\x09" "x");       /* SSPI, trailing */
	REJECTED('R', "\0\0\0\x02" "x");       /* KerberosV5, trailing */
	REJECTED('R', "\0\0\0\x05");           /* MD5 without salt */
	REJECTED('R', "\0\0\0\x05\x01\x02\x03"); /* short salt */
	REJECTED('R', "\0\0\0\x05\x01\x02\x03\x04\x05"); /* long salt */
	REJECTED('R', "\0\0\0\x0a");           /* SASL, empty list */
	REJECTED('R', "\0\0\0\x0a" "SCRAM-SHA-256"); /* no NUL */
	REJECTED('R', "\0\0\0\x0a" "SCRAM-SHA-256\0"); /* no end marker */
	REJECTED('R', "\0\0\0\x0a" "A\0\0junk"); /* trailing after list */
	REJECTED('R', "\0\0\0\x0a" "A\0\0\0");

	TRUNCATIONS_OF('R', "\0\0\0\x05\x0a\x0b\x0c\x0d");
	TRUNCATIONS_OF('R',
		       "\0\0\0\x0a" "SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0");
	TRUNCATIONS_OF('R', "\0\0\0\0");
}

static void test_error(void)
{
	struct pgwire_msg m;
	char *s;

	static const char fatal[] =
		"SFATAL\0VFATAL\0C28000\0"
		"Mno pg_hba.conf entry for host \"10.0.0.1\", user \"u\", "
		"database \"d\", no encryption\0"
		"Fauth.c\0L543\0RClientAuthentication\0\0";
	SUMMARY_IS('E', fatal,
		   "ErrorResponse FATAL 28000: no pg_hba.conf entry for host "
		   "\"10.0.0.1\", user \"u\", database \"d\", no encryption");

	s = decode_body('E', fatal, sizeof(fatal) - 1, &m);
	CHECK_INT(m.u.error.nfields, 7);
	CHECK_INT(m.u.error.fields[0].code, 'S');
	CHECK_STR(m.u.error.fields[0].value, "FATAL");
	CHECK_STR(pgwire_error_field(&m, 'C'), "28000");
	CHECK_STR(pgwire_error_field(&m, 'L'), "543");
	CHECK_STR(pgwire_error_field(&m, 'R'), "ClientAuthentication");
	CHECK(pgwire_error_field(&m, 'D') == NULL);
	CHECK(pgwire_error_field(&m, 'H') == NULL);
	free(s);
	pgwire_msg_free(&m);
	CHECK(m.u.error.fields == NULL);
	CHECK_INT(m.u.error.nfields, 0);

	/* 'V' is the untranslated severity and wins over 'S' */
	SUMMARY_IS('E', "SFEHLER\0VERROR\0C42601\0MSyntaxfehler\0\0",
		   "ErrorResponse ERROR 42601: Syntaxfehler");
	/* 'V' after 'S' or before: order does not matter */
	SUMMARY_IS('E', "VERROR\0SFEHLER\0C42601\0Mx\0\0",
		   "ErrorResponse ERROR 42601: x");
	/* pre-9.6 servers send only 'S' */
	SUMMARY_IS('E', "SFATAL\0C53300\0Msorry, too many clients already\0\0",
		   "ErrorResponse FATAL 53300: "
		   "sorry, too many clients already");
	/* missing pieces */
	SUMMARY_IS('E', "Monly a message\0\0", "ErrorResponse only a message");
	SUMMARY_IS('E', "C08P01\0\0", "ErrorResponse 08P01");
	SUMMARY_IS('E', "SFATAL\0Mno code\0\0", "ErrorResponse FATAL: no code");
	SUMMARY_IS('E', "\0", "ErrorResponse");
	/* empty values and unknown field codes are kept */
	SUMMARY_IS('E', "S\0Z\0M\0\0", "ErrorResponse : ");
	SUMMARY_IS('N', "SNOTICE\0VNOTICE\0C00000\0Mhello\0\0",
		   "NoticeResponse NOTICE 00000: hello");

	/* control characters from the server never reach the summary raw */
	SUMMARY_IS('E', "SFATAL\0C28000\0Mbad\x1b[2J\0\0",
		   "ErrorResponse FATAL 28000: bad\\x1b[2J");
	SUMMARY_IS('E', "VFA\x07TAL\0C2\r8000\0Mline1\nline2\ttab\\\0\0",
		   "ErrorResponse FA\\x07TAL 2\\r8000: "
		   "line1\\nline2\\ttab\\\\");
	SUMMARY_IS('N', "Mbad utf8 \xff\xfe \xc2\x9b" "31m\0\0",
		   "NoticeResponse bad utf8 \\xff\\xfe \\xc2\\x9b31m");
	/* valid UTF-8 passes */
	SUMMARY_IS('E', "VFATAL\0Mauthentification échouée\0\0",
		   "ErrorResponse FATAL: authentification échouée");

	/* error_field on a message that is not an error */
	s = decode_body('Z', "I", 1, &m);
	CHECK(pgwire_error_field(&m, 'M') == NULL);
	free(s);
	pgwire_msg_free(&m);
	CHECK(pgwire_error_field(NULL, 'M') == NULL);

	/* malformed */
	REJECTED('E', "");                       /* no terminator at all */
	REJECTED('N', "");
	REJECTED('E', "SFATAL\0");               /* no final zero */
	REJECTED('E', "SFATAL");                 /* value not terminated */
	REJECTED('E', "SFATAL\0M");              /* code without value */
	REJECTED('E', "SFATAL\0Mtext");
	REJECTED('E', "SFATAL\0\0junk");         /* trailing bytes */
	REJECTED('E', "\0\0");
	REJECTED('N', "Mx\0\0\0");

	TRUNCATIONS_OF('E', fatal);
	TRUNCATIONS_OF('N', "SNOTICE\0VNOTICE\0C00000\0Mhello\0\0");
}

static void test_npv(void)
{
	struct pgwire_msg m;
	char *s;

	SUMMARY_IS('v', "\0\0\0\0\0\0\0\x01_pq_.foo\0",
		   "NegotiateProtocolVersion 3.0, unrecognized: _pq_.foo");
	SUMMARY_IS('v', "\0\0\0\x02\0\0\0\0", "NegotiateProtocolVersion 3.2");
	SUMMARY_IS('v', "\0\0\0\0\0\0\0\x02_pq_.a\0_pq_.b\x1b\0",
		   "NegotiateProtocolVersion 3.0, unrecognized: _pq_.a, "
		   "_pq_.b\\x1b");

	s = decode_body('v', "\0\0\0\x01\0\0\0\x02" "a\0\0", 11, &m);
	CHECK_INT(m.u.npv.newest_minor, 1);
	CHECK_INT(m.u.npv.noptions, 2);
	CHECK_STR(m.u.npv.options[0], "a");
	CHECK_STR(m.u.npv.options[1], "");
	CHECK(m.u.npv.options[2] == NULL);
	CHECK_STR(s, "NegotiateProtocolVersion 3.1, unrecognized: a, ");
	free(s);
	pgwire_msg_free(&m);
	CHECK(m.u.npv.options == NULL);

	REJECTED('v', "");
	REJECTED('v', "\0\0\0\0");                   /* no count */
	REJECTED('v', "\0\0\0\0\0\0\0");
	REJECTED('v', "\0\0\0\0\0\0\0\x01");         /* count 1, no option */
	REJECTED('v', "\0\0\0\0\0\0\0\x01_pq_.foo"); /* not terminated */
	REJECTED('v', "\0\0\0\0\0\0\0\x02_pq_.foo\0");
	REJECTED('v', "\0\0\0\0\0\0\0\x01_pq_.foo\0x"); /* trailing */
	REJECTED('v', "\0\0\0\0\0\0\0\0x");
	/* absurd counts fail before any allocation */
	REJECTED('v', "\0\0\0\0\x80\0\0\0a\0");
	REJECTED('v', "\0\0\0\0\xff\xff\xff\xff" "a\0");
	REJECTED('v', "\0\0\0\0\x7f\xff\xff\xff" "a\0b\0");

	/* a count just at the body size is honest about an upper bound */
	static const char many[] = "\0\0\0\0\0\0\0\x04\0\0\0\0";
	SUMMARY_IS('v', many, "NegotiateProtocolVersion 3.0, unrecognized: "
			      ", , , ");

	TRUNCATIONS_OF('v', "\0\0\0\0\0\0\0\x02_pq_.a\0_pq_.b\0");
}

static void test_param_key_ready(void)
{
	struct pgwire_msg m;
	char *s;

	SUMMARY_IS('S', "server_version\0" "15.18\0",
		   "ParameterStatus server_version=15.18");
	SUMMARY_IS('S', "\0\0", "ParameterStatus =");
	SUMMARY_IS('S', "application_name\0evil\x1b]0;title\x07\0",
		   "ParameterStatus application_name=evil\\x1b]0;title\\x07");
	s = decode_body('S', "TimeZone\0UTC\0", 13, &m);
	CHECK_STR(m.u.param.name, "TimeZone");
	CHECK_STR(m.u.param.value, "UTC");
	free(s);
	pgwire_msg_free(&m);
	CHECK(m.u.param.name == NULL && m.u.param.value == NULL);
	REJECTED('S', "");
	REJECTED('S', "server_version");
	REJECTED('S', "server_version\0");
	REJECTED('S', "server_version\0" "15");
	REJECTED('S', "a\0b\0c");
	REJECTED('S', "a\0b\0\0");
	TRUNCATIONS_OF('S', "server_version\0" "15.18\0");

	SUMMARY_IS('K', "\0\0\x04\xd2\x01\x02\x03\x04",
		   "BackendKeyData pid=1234");
	s = decode_body('K', "\x7f\xff\xff\xff\xaa\xbb\xcc\xdd", 8, &m);
	CHECK_INT(m.u.key.pid, 0x7fffffff);
	CHECK_INT(m.u.key.key_len, 4);
	free(s);
	pgwire_msg_free(&m);
	/* protocol 3.2: longer keys, up to 256 bytes */
	{
		uint8_t body[4 + 257];
		memset(body, 0xab, sizeof(body));
		memcpy(body, "\0\0\0\x2a", 4);
		s = decode_body('K', body, 4 + 32, &m);
		CHECK_STR(s, "BackendKeyData pid=42 key=32 bytes");
		CHECK_INT(m.u.key.key_len, 32);
		free(s);
		s = decode_body('K', body, 4 + 256, &m);
		CHECK_STR(s, "BackendKeyData pid=42 key=256 bytes");
		free(s);
		rejected(__LINE__, 'K', body, 4 + 257);
		TRUNCATIONS_OF('K', "\0\0\x04\xd2\x01\x02\x03\x04");
	}
	REJECTED('K', "");
	REJECTED('K', "\0\0\x04");
	REJECTED('K', "\0\0\x04\xd2");            /* no key */
	REJECTED('K', "\0\0\x04\xd2\x01\x02\x03"); /* short key */

	SUMMARY_IS('Z', "I", "ReadyForQuery idle");
	SUMMARY_IS('Z', "T", "ReadyForQuery in transaction");
	SUMMARY_IS('Z', "E", "ReadyForQuery failed transaction");
	SUMMARY_IS('Z', "?", "ReadyForQuery status=?");
	SUMMARY_IS('Z', "\x1b", "ReadyForQuery status=\\x1b");
	s = decode_body('Z', "T", 1, &m);
	CHECK_INT(m.u.ready.status, 'T');
	free(s);
	pgwire_msg_free(&m);
	REJECTED('Z', "");
	REJECTED('Z', "II");
	TRUNCATIONS_OF('Z', "I");
}

static void test_unknown(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct pgwire_msg m;
	const char *why = "unset";

	SUMMARY_IS('C', "SELECT 1\0", "CommandComplete length=13");
	SUMMARY_IS('X', "", "Unknown message type=X length=4");
	SUMMARY_IS('\x01', "abc", "Unknown message type=\\x01 length=7");
	SUMMARY_IS('\xff', "", "Unknown message type=\\xff length=4");
	SUMMARY_IS('\n', "", "Unknown message type=\\n length=4");

	/* decode honours the declared length, leaving what follows alone */
	sb_add(&sb, "Z\0\0\0\x05IR\0\0\0\x08\0\0\0\0", 15);
	CHECK_INT(decode_exact(sb.buf, sb.len, &m, &why), 0);
	CHECK(why == NULL);
	CHECK_INT(m.type, 'Z');
	CHECK_INT(m.u.ready.status, 'I');
	pgwire_msg_free(&m);

	/* absurd or short headers */
	CHECK_INT(decode_exact("E\0\0\0\0", 5, &m, &why), -1);
	CHECK(why != NULL);
	CHECK_INT(decode_exact("E\0\0\0\x03", 5, &m, &why), -1);
	CHECK_INT(decode_exact("E\xff\xff\xff\xff" "abc", 8, &m, &why), -1);
	CHECK_INT(decode_exact("E\x00\x10\x00\x01" "abc", 8, &m, &why), -1);
	CHECK_INT(decode_exact("E\0\0\0\x10" "abc", 8, &m, &why), -1);
	CHECK_INT(decode_exact("E\0\0\0", 4, &m, &why), -1);
	CHECK_INT(pgwire_decode(NULL, 0, &m, &why), -1);
	/* why may be NULL */
	CHECK_INT(decode_exact("E\0\0\0\x03", 5, &m, NULL), -1);
	CHECK_INT(decode_exact("Z\0\0\0\x05I", 6, &m, NULL), 0);
	sb_free(&sb);

	/* freeing a zeroed message is harmless */
	memset(&m, 0, sizeof(m));
	pgwire_msg_free(&m);
	pgwire_msg_free(NULL);
}

static void test_names(void)
{
	CHECK_STR(pgwire_type_name('R'), "Authentication");
	CHECK_STR(pgwire_type_name('E'), "ErrorResponse");
	CHECK_STR(pgwire_type_name('N'), "NoticeResponse");
	CHECK_STR(pgwire_type_name('v'), "NegotiateProtocolVersion");
	CHECK_STR(pgwire_type_name('S'), "ParameterStatus");
	CHECK_STR(pgwire_type_name('K'), "BackendKeyData");
	CHECK_STR(pgwire_type_name('Z'), "ReadyForQuery");
	CHECK_STR(pgwire_type_name('C'), "CommandComplete");
	CHECK_STR(pgwire_type_name('\0'), "Unknown");
	CHECK_STR(pgwire_type_name('\x80'), "Unknown");

	CHECK_STR(pgwire_auth_name(0), "AuthenticationOk");
	CHECK_STR(pgwire_auth_name(2), "AuthenticationKerberosV5");
	CHECK_STR(pgwire_auth_name(3), "AuthenticationCleartextPassword");
	CHECK_STR(pgwire_auth_name(5), "AuthenticationMD5Password");
	CHECK_STR(pgwire_auth_name(7), "AuthenticationGSS");
	CHECK_STR(pgwire_auth_name(8), "AuthenticationGSSContinue");
	CHECK_STR(pgwire_auth_name(9), "AuthenticationSSPI");
	CHECK_STR(pgwire_auth_name(10), "AuthenticationSASL");
	CHECK_STR(pgwire_auth_name(11), "AuthenticationSASLContinue");
	CHECK_STR(pgwire_auth_name(12), "AuthenticationSASLFinal");
	CHECK_STR(pgwire_auth_name(1), "Authentication(unknown)");
	CHECK_STR(pgwire_auth_name(4), "Authentication(unknown)");
	CHECK_STR(pgwire_auth_name(6), "Authentication(unknown)");
	CHECK_STR(pgwire_auth_name(13), "Authentication(unknown)");
	CHECK_STR(pgwire_auth_name(0xffffffffu), "Authentication(unknown)");
}

static void frontend_is(int line, const void *p, size_t n, const char *want)
{
	uint8_t *copy = xmemdup(p, n);
	char *got = pgwire_frontend_summary(copy, n);

	if ((got == NULL) != (want == NULL) || (got && strcmp(got, want)))
		fprintf(stderr, "(from line %d)\n", line);
	CHECK_STR(got, want);
	free(got);
	free(copy);
}
#define FRONTEND_IS(bytes, want) \
	frontend_is(__LINE__, bytes, sizeof(bytes) - 1, want)

static void test_frontend(void)
{
	struct strbuf sb = STRBUF_INIT;
	static const char *const params[] = {
		"user", "postgres", "database", "postgres",
		"application_name", "pgtls-inspect", NULL
	};
	char *s;

	pgwire_sslrequest(&sb);
	frontend_is(__LINE__, sb.buf, sb.len, "SSLRequest");
	sb_reset(&sb);
	pgwire_gssencrequest(&sb);
	frontend_is(__LINE__, sb.buf, sb.len, "GSSENCRequest");
	sb_reset(&sb);
	pgwire_startup(&sb, PGWIRE_PROTOCOL_3_0, params);
	frontend_is(__LINE__, sb.buf, sb.len,
		    "StartupMessage 3.0 user=postgres database=postgres "
		    "application_name=pgtls-inspect");

	/* every prefix is refused (its length no longer matches) */
	{
		int bad = 0;
		for (size_t k = 0; k < sb.len; k++) {
			uint8_t *copy = xmemdup(sb.buf, k);
			s = pgwire_frontend_summary(copy, k);
			if (s)
				bad++;
			free(s);
			free(copy);
		}
		CHECK_INT(bad, 0);
	}
	/* every shorter body with a matching length: no overread, and
	 * anything accepted is still a StartupMessage */
	{
		int bad = 0;
		for (size_t k = 8; k < sb.len; k++) {
			uint8_t *copy = xmemdup(sb.buf, k);
			copy[0] = 0;
			copy[1] = 0;
			copy[2] = (uint8_t)(k >> 8);
			copy[3] = (uint8_t)k;
			s = pgwire_frontend_summary(copy, k);
			if (s && strncmp(s, "StartupMessage 3.0", 18))
				bad++;
			free(s);
			free(copy);
		}
		CHECK_INT(bad, 0);
	}
	sb_reset(&sb);

	pgwire_startup(&sb, PGWIRE_PROTOCOL_3_0, NULL);
	frontend_is(__LINE__, sb.buf, sb.len, "StartupMessage 3.0");
	sb_reset(&sb);
	static const char *const one[] = { "user", "me\x1b", NULL };
	pgwire_startup(&sb, 0x0003270fu, one);
	frontend_is(__LINE__, sb.buf, sb.len,
		    "StartupMessage 3.9999 user=me\\x1b");
	sb_free(&sb);

	FRONTEND_IS("\0\0\0\x10\x04\xd2\x16\x2e\0\0\x04\xd2\x01\x02\x03\x04",
		    "CancelRequest");
	/* 3.2 cancel key of 32 bytes */
	{
		uint8_t c[12 + 32] = { 0, 0, 0, 44, 0x04, 0xd2, 0x16, 0x2e };
		frontend_is(__LINE__, c, sizeof(c), "CancelRequest");
	}
	FRONTEND_IS("\0\0\0\x0c\x04\xd2\x16\x2e\0\0\x04\xd2", NULL);

	/* not ours, or malformed */
	FRONTEND_IS("", NULL);
	FRONTEND_IS("\0\0\0\x08\x04\xd2\x16", NULL);
	FRONTEND_IS("\0\0\0\x08\x04\xd2\x16\x31", NULL);  /* unknown code */
	FRONTEND_IS("\0\0\0\x09\x04\xd2\x16\x2f", NULL);  /* length mismatch */
	FRONTEND_IS("\0\0\0\x08\x04\xd2\x16\x2f\0", NULL); /* extra byte */
	FRONTEND_IS("\0\0\0\x0c\x04\xd2\x16\x2f\0\0\0\0", NULL);
	FRONTEND_IS("\0\0\0\x0c\x04\xd2\x16\x30\0\0\0\0", NULL);
	FRONTEND_IS("\0\0\0\x08\0\x03\0\0", NULL);     /* no final NUL */
	FRONTEND_IS("\0\0\0\x0e\0\x03\0\0user\0\0", NULL); /* no final NUL */
	FRONTEND_IS("\0\0\0\x0d\0\x03\0\0user\0", NULL); /* name, no value */
	FRONTEND_IS("\0\0\0\x0c\0\x03\0\0user", NULL);   /* unterminated */
	FRONTEND_IS("\0\0\0\x0b\0\x03\0\0\0x\0", NULL);  /* after final NUL */
	FRONTEND_IS("\0\0\0\x09\0\x02\0\0\0", NULL);     /* protocol 2.0 */
	FRONTEND_IS("\0\0\0\x09\0\x04\0\0\0", NULL);
	FRONTEND_IS("\x16\x03\x01\x02\x00\x01\x00\x01", NULL); /* TLS hello */
	/* a name with an empty value is a valid pair */
	FRONTEND_IS("\0\0\0\x0f\0\x03\0\0user\0\0\0",
		    "StartupMessage 3.0 user=");
	CHECK(pgwire_frontend_summary(NULL, 0) == NULL);
}

int main(void)
{
	test_encoders();
	test_frame();
	test_auth();
	test_error();
	test_npv();
	test_param_key_ready();
	test_unknown();
	test_names();
	test_frontend();
	return check_status("test-pgwire");
}
