/* SPDX-License-Identifier: MIT */
/* sanitize: escape untrusted text before any terminal or report sees it. */
#include "config.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Code points that are escaped although they are valid UTF-8: C1 controls
 * (U+0080..U+009F) are terminal escapes; the bidirectional controls can
 * make text read differently from what it is (CVE-2021-42574's "Trojan
 * Source"); and the characters a reader cannot see or that break a line
 * where none shows: the soft hyphen, the zero-width space, joiners and
 * marks, the line and paragraph separators, the word joiner and the
 * invisible operators, the byte order mark (zero-width no-break space),
 * the Mongolian vowel separator and the interlinear annotation marks. A
 * name "db.example.com" with a zero-width space inside must not look
 * like the name it is not. */
static bool invisible(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0xad || cp == 0x061c || cp == 0x180e ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when it is not valid
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	uint32_t cp;
	size_t len;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return invisible(cp) ? 0 : len;
}

char *sanitize_bytes(const void *data, size_t n)
{
	const uint8_t *p = data;
	struct strbuf sb = STRBUF_INIT;
	size_t i = 0;
	sb_add(&sb, "", 0);
	while (i < n) {
		uint8_t c = p[i];
		if (c == '\\') {
			sb_adds(&sb, "\\\\");
			i++;
		} else if (c == '\n') {
			sb_adds(&sb, "\\n");
			i++;
		} else if (c == '\r') {
			sb_adds(&sb, "\\r");
			i++;
		} else if (c == '\t') {
			sb_adds(&sb, "\\t");
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			sb_addf(&sb, "\\x%02x", c);
			i++;
		} else if (c == 0xc0 && i + 1 < n && p[i + 1] == 0x80) {
			/* the overlong NUL: a NUL carried in a C string */
			sb_adds(&sb, "\\x00");
			i += 2;
		} else {
			size_t len = utf8_len(p + i, n - i);
			if (len == 0) {
				/* bad UTF-8, or a C1 control encoded as UTF-8 */
				sb_addf(&sb, "\\x%02x", c);
				i++;
			} else {
				sb_add(&sb, p + i, len);
				i += len;
			}
		}
	}
	return sb_detach(&sb);
}

char *sanitize(const char *s)
{
	return sanitize_bytes(s ? s : "", s ? strlen(s) : 0);
}

int sanitize_is_clean(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), i = 0;
	while (i < n) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 0;
		size_t len = utf8_len(p + i, n - i);
		if (len == 0)
			return 0;
		i += len;
	}
	return 1;
}

char *sanitize_keep_clean(const char *s)
{
	return sanitize_is_clean(s) ? xstrdup(s) : sanitize(s);
}

char *unsanitize(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, "", 0);
	for (const char *p = s; *p; p++) {
		if (*p != '\\' || !p[1]) {
			sb_addc(&sb, *p);
			continue;
		}
		switch (p[1]) {
		case '\\':
			sb_addc(&sb, '\\');
			p++;
			continue;
		case 'n':
			sb_addc(&sb, '\n');
			p++;
			continue;
		case 'r':
			sb_addc(&sb, '\r');
			p++;
			continue;
		case 't':
			sb_addc(&sb, '\t');
			p++;
			continue;
		case 'x': {
			static const char hex[] = "0123456789abcdef";
			const char *h = p[2] ? strchr(hex, p[2]) : NULL;
			const char *l = h && p[3] ? strchr(hex, p[3]) : NULL;
			int v = h && l ? (int)((h - hex) << 4 | (l - hex)) : 0;
			/* a NUL cannot live in a C string: keep its escape */
			if (v) {
				sb_addc(&sb, (char)v);
				p += 3;
				continue;
			}
		}
			/* fall through */
		default:
			sb_addc(&sb, *p);
		}
	}
	return sb_detach(&sb);
}

/* An RFC 4514 escape: a backslash before one of the characters a DN
 * string escapes, or before two hex digits. */
static size_t dn_escape_len(const char *p)
{
	if (p[0] != '\\' || !p[1])
		return 0;
	if (strchr(",+\"<>;=# ", p[1]))
		return 2;
	if (isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2]))
		return 3;
	return 0;
}

char *sanitize_dn(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	const char *run = s;
	for (const char *p = s; *p;) {
		size_t n = dn_escape_len(p);
		if (!n) {
			p++;
			continue;
		}
		char *part = sanitize_bytes(run, (size_t)(p - run));
		sb_adds(&sb, part);
		free(part);
		sb_addf(&sb, "%.*s", (int)n, p);
		p += n;
		run = p;
	}
	char *part = sanitize(run);
	sb_adds(&sb, part);
	free(part);
	return sb_detach(&sb);
}
