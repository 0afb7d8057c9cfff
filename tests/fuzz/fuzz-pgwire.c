/* SPDX-License-Identifier: MIT */
/* fuzz-pgwire: libFuzzer target for the backend message codec. The input is
 * a byte stream as a server would send it: it is framed message by message
 * (pgwire_frame), each message decoded, summarized and freed, as the probes
 * do; the whole input is also read as a frontend startup packet. Every
 * message is copied into an exactly sized buffer so ASan sees overreads. */
#include "config.h"
#include "engine/pgwire.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const uint8_t *msg, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);
	if (!copy)
		abort();
	memcpy(copy, msg, n);
	struct pgwire_msg m;
	const char *why = NULL;
	if (pgwire_decode(copy, n, &m, &why) == 0) {
		char *s = pgwire_summary(&m);
		free(s);
		(void)pgwire_error_field(&m, 'M');
		(void)pgwire_error_field(&m, 'C');
		(void)pgwire_type_name(m.type);
		if (m.type == 'R')
			(void)pgwire_auth_name(m.u.auth.code);
	} else if (!why) {
		abort(); /* a failure always has a reason */
	}
	pgwire_msg_free(&m);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	while (off < size) {
		size_t total = 0;
		enum pgwire_frame_status st = pgwire_frame(data + off, size - off, &total);
		if (st != PGWIRE_FRAME_OK) {
			/* a truncated or bad frame still goes through decode */
			one(data + off, size - off);
			break;
		}
		if (total == 0 || total > size - off)
			abort(); /* the framer promised a whole message */
		one(data + off, total);
		off += total;
	}
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	free(pgwire_frontend_summary(copy, size));
	free(copy);
	return 0;
}
