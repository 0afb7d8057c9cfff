/* SPDX-License-Identifier: MIT */
/* strbuf: a growable byte buffer, NUL-terminated for text use. Used by the
 * codec to build messages and by the sinks to build lines. */
#ifndef PGI_STRBUF_H
#define PGI_STRBUF_H
#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char *buf; /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void sb_add(struct strbuf *sb, const void *data, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_add_u16be(struct strbuf *sb, uint16_t v);
void sb_add_u32be(struct strbuf *sb, uint32_t v);
/* lowercase hex of n bytes, separated by sep (0 for none) */
void sb_addhex(struct strbuf *sb, const uint8_t *p, size_t n, char sep);
/* The value of a hex digit (either case), or -1. */
int hex_digit(char c);
/* the buffer's text ("" when empty); the buffer keeps ownership */
const char *sb_str(const struct strbuf *sb);
/* hand the heap string to the caller and reset the buffer */
char *sb_detach(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
/* room for n more bytes, so that adding them moves nothing: a buffer
 * about to hold a secret leaves no copy behind in freed memory */
void sb_reserve(struct strbuf *sb, size_t n);
/* zero the whole buffer (explicit_bzero) and empty it */
void sb_wipe(struct strbuf *sb);
void sb_free(struct strbuf *sb);

#endif
