/* SPDX-License-Identifier: MIT */
/* Unit tests for engine/event_fields: the lines the detail pane shows for
 * the packets we send (SSLRequest, StartupMessage), the server's one-byte
 * SSL reply and a received ErrorResponse, server text escaped; truncated or
 * malformed bytes give no lines. Bytes are copied into exactly-sized heap
 * buffers so a sanitizer build catches any overread. */
#include "config.h"
#include "engine/event_fields.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include "check.h"
#include <stdlib.h>

/* The lines of an event of this kind, direction and bytes, joined by '|';
 * *head gets event_fields' count of lines about the message as a whole. */
static char *fields_of(const char *kind, enum ev_dir dir, const void *raw,
		       size_t n, int *head)
{
	struct event e = { .probe = "tls", .dir = dir, .kind = (char *)kind };
	struct strbuf sb = STRBUF_INIT;
	char **lines = NULL;

	e.raw = n ? xmemdup(raw, n) : NULL;
	e.rawlen = n;
	*head = event_fields(&e, &lines);
	CHECK(lines != NULL);
	sb_add(&sb, "", 0);
	for (char **p = lines; p && *p; p++)
		sb_addf(&sb, "%s%s", p == lines ? "" : "|", *p);
	strlist_free(lines);
	free(e.raw);
	return sb_detach(&sb);
}

static void fields_are(int line, const char *kind, enum ev_dir dir,
		       const void *raw, size_t n, int want_head,
		       const char *want)
{
	int head;
	char *got = fields_of(kind, dir, raw, n, &head);

	if (strcmp(got, want) || head != want_head)
		fprintf(stderr, "test-event-fields.c:%d: %s\n", line, kind);
	CHECK_STR(got, want);
	CHECK_INT(head, want_head);
	free(got);
}

#define FIELDS(kind, dir, raw, n, head, want) \
	fields_are(__LINE__, kind, dir, raw, n, head, want)

/* An ErrorResponse: a hostile message (ESC, BEL, a backslash), a field
 * whose code is a control byte, then the terminator. */
static const uint8_t error_response[] =
	"E\x00\x00\x00\x3f"
	"SFATAL\0"
	"C28000\0"
	"Mno \x1b[2J entry\x07 \\ here\0"
	"\x01" "odd code\0"
	"Dtab\tthere\0"
	"\0";

int main(void)
{
	static const uint8_t sslrequest[] = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };
	static const uint8_t startup[] = { 0, 0, 0, 17, 0, 3, 0, 0, 'u', 's',
					   'e', 'r', 0, 'a', 0, 0, 0 };

	FIELDS("SSLRequest", EV_SEND, sslrequest, sizeof(sslrequest), 2,
	       "length 8|code 80877103 = 1234.5679 (SSLRequest)");
	FIELDS("StartupMessage", EV_SEND, startup, sizeof(startup), 1,
	       "length 17, protocol 3.0");
	FIELDS("SSLResponse", EV_RECV, "S", 1, 1, "one byte: 0x53 'S'");
	FIELDS("SSLResponse", EV_RECV, "N", 1, 1, "one byte: 0x4e 'N'");
	FIELDS("SSLResponse", EV_RECV, "\x1b", 1, 1, "one byte: 0x1b '?'");

	CHECK_INT(sizeof(error_response) - 1, 0x3f + 1);
	FIELDS("ErrorResponse", EV_RECV, error_response,
	       sizeof(error_response) - 1, 1,
	       "type 'E', length 63|S: FATAL|C: 28000"
	       "|M: no \\x1b[2J entry\\x07 \\\\ here|\\x01: odd code"
	       "|D: tab\\tthere");
	/* cut anywhere: no lines, and no read past the end */
	for (size_t n = 0; n < sizeof(error_response) - 1; n++)
		FIELDS("ErrorResponse", EV_RECV, error_response, n, 0, "");
	/* a declared length beyond what libpq would take */
	FIELDS("ErrorResponse", EV_RECV, "E\xff\xff\xff\xff\0", 6, 0, "");
	/* a message body that does not hold what its type needs */
	FIELDS("ErrorResponse", EV_RECV, "E\0\0\0\x06Sx", 7, 0, "");
	/* too short for what a kind names; no bytes at all; sent bytes and
	 * certificates are not backend messages */
	FIELDS("SSLRequest", EV_SEND, sslrequest, 7, 0, "");
	FIELDS("StartupMessage", EV_SEND, startup, 7, 0, "");
	FIELDS("Connected", EV_NOTE, NULL, 0, 0, "");
	FIELDS("Terminate", EV_SEND, error_response,
	       sizeof(error_response) - 1, 0, "");
	FIELDS("PeerCertificate", EV_RECV, error_response,
	       sizeof(error_response) - 1, 0, "");
	return check_status("test-event-fields");
}
