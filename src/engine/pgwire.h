/* SPDX-License-Identifier: MIT */
/* pgwire: the PostgreSQL wire protocol as far as a connection start needs it.
 * Encodes the frontend messages we send (SSLRequest, GSSENCRequest,
 * StartupMessage, Terminate) and decodes what a server may answer
 * (Authentication*, ErrorResponse, NoticeResponse, NegotiateProtocolVersion,
 * ParameterStatus, BackendKeyData, ReadyForQuery). Pure: no I/O, no printing.
 * Decoded strings are raw server bytes: callers sanitize before display. */
#ifndef PGI_PGWIRE_H
#define PGI_PGWIRE_H
#include <stddef.h>
#include <stdint.h>
#include "util/strbuf.h"

#define PGWIRE_SSLREQUEST_CODE 80877103u  /* 1234.5679 */
#define PGWIRE_GSSENCREQUEST_CODE 80877104u /* 1234.5680 */
#define PGWIRE_CANCEL_CODE 80877102u      /* 1234.5678 */
#define PGWIRE_PROTOCOL_3_0 0x00030000u
/* libpq's limit for a message during startup (fe-protocol3.c: 30000 for
 * non-error messages); we accept up to this many bytes in one message. */
#define PGWIRE_MAX_MSG (1u << 20)

/* Frontend encoders append to out. */
void pgwire_sslrequest(struct strbuf *out);
void pgwire_gssencrequest(struct strbuf *out);
/* params: NULL-terminated list of name, value, name, value, ... */
void pgwire_startup(struct strbuf *out, uint32_t version,
		    const char *const *params);
void pgwire_terminate(struct strbuf *out);
/* The 'p' messages of authentication (fe-auth.c): a PasswordMessage (the
 * cleartext password, or md5's "md5..." answer, NUL-terminated), a
 * SASLInitialResponse (the mechanism, then the length and bytes of the
 * client-first-message) and a SASLResponse (the bytes). Room for the whole
 * message is reserved before any secret byte goes in. */
void pgwire_password(struct strbuf *out, const char *password);
void pgwire_sasl_initial(struct strbuf *out, const char *mechanism,
			 const char *data, size_t len);
void pgwire_sasl_response(struct strbuf *out, const char *data, size_t len);

enum pgwire_frame_status {
	PGWIRE_FRAME_OK,         /* a whole message is at the front */
	PGWIRE_FRAME_INCOMPLETE, /* need more bytes */
	PGWIRE_FRAME_BAD,        /* declared length < 4 or > PGWIRE_MAX_MSG */
};

/* Find the first backend message (type byte + 4-byte length + body) in
 * buf. On OK *total is the whole message's size (1 + length). */
enum pgwire_frame_status pgwire_frame(const uint8_t *buf, size_t len,
				      size_t *total);

enum pgwire_auth {
	PGWIRE_AUTH_OK = 0,
	PGWIRE_AUTH_KERBEROS_V5 = 2,
	PGWIRE_AUTH_CLEARTEXT = 3,
	PGWIRE_AUTH_MD5 = 5,
	PGWIRE_AUTH_GSS = 7,
	PGWIRE_AUTH_GSS_CONTINUE = 8,
	PGWIRE_AUTH_SSPI = 9,
	PGWIRE_AUTH_SASL = 10,
	PGWIRE_AUTH_SASL_CONTINUE = 11,
	PGWIRE_AUTH_SASL_FINAL = 12,
};

/* One field of an ErrorResponse/NoticeResponse. */
struct pgwire_field {
	char code;   /* 'S','V','C','M','D','H','P','W','s','t','c','d','n','F','L','R' */
	char *value; /* heap copy, NUL-terminated */
};

struct pgwire_msg {
	char type; /* 'R','E','N','v','S','K','Z', or any other byte (unknown) */
	uint32_t length; /* declared length (includes itself) */
	union {
		struct {
			uint32_t code;      /* enum pgwire_auth, or unknown */
			uint8_t md5_salt[4];
			char **mechanisms;  /* SASL: NULL-terminated list */
			int nmechanisms;
			/* GSSContinue, SASLContinue, SASLFinal: the data,
			 * pointing into the decoded message */
			const uint8_t *data;
			size_t data_len;
		} auth;
		struct {
			struct pgwire_field *fields;
			int nfields;
		} error; /* 'E' and 'N' */
		struct {
			uint32_t newest_minor;
			char **options; /* NULL-terminated unrecognised options */
			int noptions;
		} npv; /* 'v' */
		struct {
			char *name, *value;
		} param; /* 'S' */
		struct {
			uint32_t pid;
			uint32_t key_len; /* 4 in protocol 3.0 */
		} key; /* 'K' */
		struct {
			char status; /* 'I', 'T', 'E' */
		} ready; /* 'Z' */
	} u;
};

/* Decode one whole message as framed by pgwire_frame. Returns 0, or -1 with a
 * static reason in *why when the body is malformed (truncated fields, missing
 * terminators, trailing garbage). Never reads past len. */
int pgwire_decode(const uint8_t *msg, size_t len, struct pgwire_msg *out,
		  const char **why);
void pgwire_msg_free(struct pgwire_msg *m);

/* The value of an ErrorResponse field, or NULL. */
const char *pgwire_error_field(const struct pgwire_msg *m, char code);

/* A one-line, already sanitized summary for the event log, e.g.
 * "AuthenticationSASL [SCRAM-SHA-256-PLUS, SCRAM-SHA-256]" or
 * "ErrorResponse FATAL 28000: no pg_hba.conf entry ..." (heap string). */
char *pgwire_summary(const struct pgwire_msg *m);
/* Name of a message type byte ("ErrorResponse"), "Authentication" for 'R' */
const char *pgwire_type_name(char type);
/* Name of an auth code: "AuthenticationOk", "AuthenticationSASL", ... */
const char *pgwire_auth_name(uint32_t code);

/* Decode a frontend startup-phase packet we sent (SSLRequest, GSSENCRequest,
 * StartupMessage, CancelRequest) into a one-line summary (heap string);
 * NULL when it is none of these. */
char *pgwire_frontend_summary(const uint8_t *buf, size_t len);

#endif
