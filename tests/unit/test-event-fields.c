/* SPDX-License-Identifier: MIT */
/* Unit tests for engine/event_fields: the lines the detail pane shows for
 * the packets we send (SSLRequest, StartupMessage), the server's one-byte
 * SSL reply, a received ErrorResponse, the TLS handshake messages (the
 * demo's own, from tests/golden, and hand-built ones) and alerts, with
 * their ladder labels, server text escaped; truncated or
 * malformed bytes give no lines. Bytes are copied into exactly-sized heap
 * buffers so a sanitizer build catches any overread. */
#include "config.h"
#include "engine/event_fields.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include "check.h"
#include <stdlib.h>
#include <string.h>

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

/* from tests/golden: the demo's handshake as GnuTLS's hook gave it */
static const char golden_clienthello[] =
	"030336c2cde1715c1b69d760bcb02d385a97f88d9d842da6089a60a53fb4b15d868e20f1"
	"7a0dce2ec5f1b2dbf2c28542c9d676ae19e483bd0fbefdce2a985092c56746003a130213"
	"0313011304c02ccca9c0adc00ac02bc0acc009c030cca8c014c02fc013009dc09d003500"
	"9cc09c002f009fccaac09f0039009ec09e003301000108000500050100000000000a0016"
	"0014001700180019001d001e01000101010201030104000b00020100000d002200200401"
	"08090804040308070501080a0805050308080601080b08060603020102030010000d000b"
	"0a706f737467726573716c0016000000170000002300000033006b006900170041046391"
	"456fd5caf00beaac3825036a2aa628f53298c4cdd90d0e5660d382c09c5ee1f81c2fdf36"
	"7e96636a187a055cf127ec160d592c2245a633d9fd5f3b41abe7001d0020e3fc33aeca3d"
	"da99e06d54715b67094a6060b5426239475963586c25df481a06002b00050403030304ff"
	"010001000000000e000c0000096c6f63616c686f7374002d0003020100001c00024001"
;
static const char golden_certificate[] =
	"0000037f0001cf308201cb30820171a00302010202145a4cc2643e868cfc307134b17a1b"
	"9be2204c5702300a06082a8648ce3d04030230223120301e060355040313177067746c73"
	"207465737420696e7465726d656469617465301e170d3236313132383230303332375a17"
	"0d3336313132353230303332375a301431123010060355040313096c6f63616c686f7374"
	"3059301306072a8648ce3d020106082a8648ce3d030107034200046a786179a717384316"
	"1f7ed86eb85ef10c04cf0b54434313032532efc3e07c42990de68df9f833a5eac57cd4c3"
	"c22c7d4e6722b4d8ec818785722cb012d552a6a3819230818f300c0603551d130101ff04"
	"023000301a0603551d110413301182096c6f63616c686f737487047f0000013013060355"
	"1d25040c300a06082b06010505070301300e0603551d0f0101ff040403020780301d0603"
	"551d0e041604141909783afc17c78c2b8ccb36bf5cddfb09ffdf43301f0603551d230418"
	"30168014e4590d4c05c9f04be01db525ff14c44a12bfc87a300a06082a8648ce3d040302"
	"034800304502207f5ff161fd908710fe8bc845367b097a53da427e20114779345933f90d"
	"3e376d022100ce9efc5c34f363a2e5bd7afdc255137babd44392d839d282466b9e8c4257"
	"cd0500000001a6308201a230820147a00302010202145306c0e38aa8d5bee4be793b0388"
	"31db9e8fb9d1300a06082a8648ce3d040302301a311830160603550403130f7067746c73"
	"207465737420726f6f74301e170d3236313132383230303332375a170d33363131323532"
	"30303332375a30223120301e060355040313177067746c73207465737420696e7465726d"
	"6564696174653059301306072a8648ce3d020106082a8648ce3d03010703420004d93ed6"
	"4a9125ef44f4bf16f5799fc0bdb06f9950c0855e4d97effa8f9b6e10b04c56d39900feb0"
	"c2e4e1049ef8647b465799995976809c3da124a303b2149798a3633061300f0603551d13"
	"0101ff040530030101ff300e0603551d0f0101ff040403020106301d0603551d0e041604"
	"14e4590d4c05c9f04be01db525ff14c44a12bfc87a301f0603551d230418301680146fd2"
	"a19e30489ed5cea8eb01180778d7a07e0bf0300a06082a8648ce3d040302034900304602"
	"2100af284928ac8404e54f844dd6e48b05c7248f9d8b35d73b853792ea6d81d28bcf0221"
	"0096edf46cd27c9be606125e0ef99d2df095645059ae0c7b8db12e6bb5d2b3ca3e0000"
;
static const char golden_serverhello[] =
	"03035fc4e80ee8e4a61f88e45422144975f33ab9001dc62c32742e34f09b51d5c41c206d"
	"0d6bbc59d3d657bdbbbc4dc4325ed278e8f5d85d714ec9291beb8893d8eacd130200004f"
	"002b00020304003300450017004104ca3b481b33b547a96cc8aee33e4a17fb28b05ac7fe"
	"69c59aa96a04adcbc68f201066738954927421e59b495e5299790560906fc0060ca5d24b"
	"24134741b79414"
;
static const char golden_certificaterequest[] =
	"00004f000d00220020040305030603080708080809080a080b0804080508060401050106"
	"0103030301002f002500230021301f311d301b060355040313147067746c732074657374"
	"20636c69656e74204341"
;

/* hex text -> bytes (fresh), *n their count */
static uint8_t *unhex(const char *h, size_t *n)
{
	size_t len = strlen(h) / 2;
	uint8_t *out = xmalloc(len ? len : 1);
	for (size_t i = 0; i < len; i++)
		out[i] = (uint8_t)(hex_digit(h[2 * i]) << 4 | hex_digit(h[2 * i + 1]));
	*n = len;
	return out;
}

/* event_label of an event of this kind and bytes */
static char *label_of(const char *kind, enum ev_dir dir, const void *raw, size_t n,
		      const char *summary)
{
	struct event e = { .probe = "tls", .dir = dir, .kind = (char *)kind,
			   .summary = (char *)summary };
	e.raw = n ? xmemdup(raw, n) : NULL;
	e.rawlen = n;
	char *l = event_label(&e);
	free(e.raw);
	return l;
}

#define LABEL(kind, dir, raw, n, want)                                         \
	do {                                                                   \
		char *got_ = label_of(kind, dir, raw, n, "summary");           \
		CHECK_STR(got_, want);                                         \
		free(got_);                                                    \
	} while (0)

/* A ClientHello as libpq 17 over OpenSSL would send it for
 * db.example.com: TLS 1.3 and 1.2 offered, a GREASE suite, SNI, ALPN
 * postgresql, groups and a key share. */
static const uint8_t client_hello[] = {
	0x03, 0x03, /* legacy version */
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
	0, /* session id */
	0, 6, 0x1a, 0x1a, 0x13, 0x01, 0xc0, 0x2f, /* suites */
	1, 0, /* compression */
	0, 70, /* extensions */
	0, 0, 0, 19, 0, 17, 0, 0, 14, 'd', 'b', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.',
	'c', 'o', 'm', /* server_name */
	0, 16, 0, 13, 0, 11, 10, 'p', 'o', 's', 't', 'g', 'r', 'e', 's', 'q', 'l', /* ALPN */
	0, 43, 0, 5, 4, 3, 4, 3, 3, /* supported_versions */
	0, 10, 0, 6, 0, 4, 0, 0x1d, 0, 0x17, /* supported_groups */
	0, 51, 0, 7, 0, 5, 0, 0x1d, 0, 1, 0x42, /* key_share: x25519 */
};

/* EncryptedExtensions with ALPN postgresql */
static const uint8_t ee_alpn[] = { 0, 17, 0, 16, 0, 13, 0, 11, 10, 'p', 'o', 's', 't', 'g',
				   'r', 'e', 's', 'q', 'l' };

/* Every prefix of a message decodes without reading past it. */
static void every_prefix(const char *kind, const uint8_t *p, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		int head;
		free(fields_of(kind, EV_RECV, p, k, &head));
		free(label_of(kind, EV_RECV, p, k, kind));
	}
}

/* A received message from its hex: its fields, its label, its prefixes. */
static void golden(int line, const char *kind, const char *hex, int head, const char *fields,
		   const char *label)
{
	size_t n;
	uint8_t *b = unhex(hex, &n);
	fields_are(line, kind, EV_RECV, b, n, head, fields);
	LABEL(kind, EV_RECV, b, n, label);
	every_prefix(kind, b, n);
	free(b);
}

#define GOLDEN(kind, hex, head, fields, label) golden(__LINE__, kind, hex, head, fields, label)

static void tls_messages(void)
{
	size_t n;
	uint8_t *b;
	int head;
	char *got;

	CHECK_INT(sizeof(client_hello), 2 + 32 + 1 + 8 + 2 + 2 + 70);
	FIELDS("ClientHello", EV_SEND, client_hello, sizeof(client_hello), 1,
	       "legacy version TLS1.2, 3 cipher suites|versions offered: TLS1.3, TLS1.2"
	       "|SNI: db.example.com|ALPN: postgresql"
	       "|cipher suites: GREASE, TLS_AES_128_GCM_SHA256, ECDHE-RSA-AES128-GCM-SHA256"
	       "|supported groups: x25519, secp256r1|key shares: x25519");
	LABEL("ClientHello", EV_SEND, client_hello, sizeof(client_hello),
	      "ClientHello TLS1.3 SNI db.example.com ALPN postgresql");
	every_prefix("ClientHello", client_hello, sizeof(client_hello));
	/* below the fixed part: nothing */
	FIELDS("ClientHello", EV_SEND, client_hello, 40, 0, "");

	b = unhex(golden_clienthello, &n);
	got = fields_of("ClientHello", EV_SEND, b, n, &head);
	CHECK(strstr(got, "versions offered: TLS1.2, TLS1.3") != NULL);
	CHECK(strstr(got, "AES128-CCM, AES128-SHA") != NULL);
	CHECK(strstr(got, "SNI: localhost") != NULL);
	CHECK(strstr(got, "ALPN: postgresql") != NULL);
	CHECK(strstr(got, "TLS_AES_256_GCM_SHA384") != NULL);
	free(got);
	LABEL("ClientHello", EV_SEND, b, n, "ClientHello TLS1.3 SNI localhost ALPN postgresql");
	free(b);

	GOLDEN("ServerHello", golden_serverhello, 1,
	       "version TLS1.3 (supported_versions)|cipher suite: TLS_AES_256_GCM_SHA384"
	       "|key-share group: secp256r1",
	       "ServerHello TLS1.3 TLS_AES_256_GCM_SHA384 secp256r1");
	FIELDS("ServerHello", EV_RECV, client_hello, 37, 0, "");

	FIELDS("EncryptedExtensions", EV_RECV, ee_alpn, sizeof(ee_alpn), 1, "ALPN: postgresql");
	LABEL("EncryptedExtensions", EV_RECV, ee_alpn, sizeof(ee_alpn),
	      "EncryptedExtensions ALPN postgresql");
	FIELDS("EncryptedExtensions", EV_RECV, "\0\0", 2, 1,
	       "ALPN: (none: the server chose no protocol)");
	every_prefix("EncryptedExtensions", ee_alpn, sizeof(ee_alpn));

	GOLDEN("Certificate", golden_certificate, 0,
	       "[0] subject: CN=localhost|    issuer:  CN=pgtls test intermediate"
	       "|[1] subject: CN=pgtls test intermediate|    issuer:  CN=pgtls test root",
	       "Certificate 2 certs: CN=localhost");
	GOLDEN("CertificateRequest", golden_certificaterequest, 0, "CA: CN=pgtls test client CA",
	       "CertificateRequest 1 CA name");
	/* TLS 1.3 with no certificate_authorities */
	FIELDS("CertificateRequest", EV_RECV, "\0\0\0", 3, 0, "CA names: none (any certificate)");

	FIELDS("Alert", EV_RECV, "\x02\x30", 2, 1, "level 2 (fatal), description 48 (unknown_ca)");
	LABEL("Alert", EV_RECV, "\x02\x30", 2, "Alert fatal unknown_ca");
	FIELDS("Alert", EV_RECV, "\x01\xfe", 2, 1, "level 1 (warning), description 254 (0x00fe)");
	FIELDS("Alert", EV_RECV, "\x02", 1, 0, "");
	/* an alert of an older log: no bytes, the summary */
	LABEL("Alert", EV_RECV, NULL, 0, "Alert: summary");
	/* not TLS: the summary, with its kind when it lacks it */
	LABEL("SSLRequest", EV_SEND, NULL, 0, "SSLRequest: summary");
	LABEL("summary", EV_NOTE, NULL, 0, "summary");
}

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
	tls_messages();
	return check_status("test-event-fields");
}
