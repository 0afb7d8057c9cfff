/* SPDX-License-Identifier: MIT */
/* event_fields: the fields of one event's raw bytes, decoded for a reader
 * who looks at that event in detail (the interface's detail pane): the
 * startup packets we sent, the server's one-byte SSL reply, the backend
 * message a received event begins with, and the TLS handshake messages
 * (ClientHello, ServerHello, EncryptedExtensions, Certificate,
 * CertificateRequest) and alerts. Pure: no I/O, no drawing. */
#ifndef PGI_EVENT_FIELDS_H
#define PGI_EVENT_FIELDS_H
#include "engine/event.h"

/* Decode e->raw into *lines, a NULL-terminated list (never NULL; empty when
 * there is nothing to decode, the bytes are truncated or malformed), free
 * with strlist_free. Every line is printable as it is: server text is
 * sanitized. Returns how many leading lines describe the message as a whole
 * (its length, code or type); the lines after them are its fields, one a
 * line (an ErrorResponse's or NoticeResponse's), which a reader short of
 * room drops first. */
int event_fields(const struct event *e, char ***lines);

/* A one-line label for e, fresh and printable: a decoded TLS message's
 * short form ("ClientHello TLS1.3 SNI db.example.com ALPN postgresql",
 * "ServerHello TLS1.3 TLS_AES_256_GCM_SHA384 x25519", "Alert fatal
 * unknown_ca"), else its summary, prefixed by its kind when the summary
 * does not begin with it. */
char *event_label(const struct event *e);

#endif
