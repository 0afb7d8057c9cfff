/* SPDX-License-Identifier: MIT */
/* fuzz-eventfields: libFuzzer target for engine/event_fields, the decoders
 * of the detail pane and the ladder's labels: the first byte picks the
 * event's kind (a TLS handshake message, an alert, or a PostgreSQL one) and
 * direction, the rest are its bytes, copied into an exactly sized buffer so
 * ASan sees overreads. Every line must be printable (server text escaped). */
#include "config.h"
#include "engine/event_fields.h"
#include "util/strlist.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[] = {
	"ClientHello", "ServerHello", "EncryptedExtensions", "Certificate",
	"CertificateRequest", "Alert", "SSLResponse", "StartupMessage",
	"ErrorResponse", "PeerCertificate",
};

/* No control character reaches a line. */
static void printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t nk = sizeof(kinds) / sizeof(*kinds);
	struct event e = { .probe = "tls", .kind = (char *)kinds[data[0] % nk],
			   .dir = data[0] / nk % 2 ? EV_RECV : EV_SEND, .summary = "summary" };
	e.rawlen = size - 1;
	e.raw = malloc(e.rawlen ? e.rawlen : 1);
	if (!e.raw)
		abort();
	memcpy(e.raw, data + 1, e.rawlen);
	if (!e.rawlen) {
		free(e.raw);
		e.raw = NULL;
	}
	char **lines;
	event_fields(&e, &lines);
	for (char **p = lines; *p; p++)
		printable(*p);
	strlist_free(lines);
	char *label = event_label(&e);
	printable(label);
	free(label);
	free(e.raw);
	return 0;
}
