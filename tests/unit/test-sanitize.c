/* SPDX-License-Identifier: MIT */
/* Unit tests for util/sanitize: hostile bytes never reach a terminal raw. */
#include "config.h"
#include "util/sanitize.h"
#include "check.h"
#include <stdlib.h>

static void same(const char *in, size_t n, const char *want)
{
	char *got = sanitize_bytes(in, n);
	CHECK_STR(got, want);
	free(got);
}

static void dn(const char *in, const char *want)
{
	char *got = sanitize_dn(in);
	CHECK_STR(got, want);
	free(got);
}

int main(void)
{
	/* a DN's RFC 4514 escapes keep one backslash; controls are still
	 * escaped, and a backslash before anything else is doubled */
	dn("CN=Google Cloud SQL Server CA,O=Google\\, Inc,C=US",
	   "CN=Google Cloud SQL Server CA,O=Google\\, Inc,C=US");
	dn("CN=a\\+b\\=c\\\"d\\3C", "CN=a\\+b\\=c\\\"d\\3C");
	dn("O=x\\,\x1b[2J\\, y", "O=x\\,\\x1b[2J\\, y");
	dn("O=a\\x1b", "O=a\\\\x1b");
	dn("O=tail\\", "O=tail\\\\");
	dn("O=\x07" "bell\n", "O=\\x07bell\\n");
	same("plain text", 10, "plain text");
	same("a\nb\tc\rd", 7, "a\\nb\\tc\\rd");
	same("\x1b[2J", 4, "\\x1b[2J");
	same("back\\slash", 10, "back\\\\slash");
	same("nul\0x", 5, "nul\\x00x");
	same("del\x7f", 4, "del\\x7f");
	/* valid UTF-8 passes: é, €, 😀 */
	same("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9,
	     "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	/* C1 control CSI (U+009B) encoded as UTF-8 is escaped */
	same("\xc2\x9b" "31m", 5, "\\xc2\\x9b31m");
	/* invalid: lone continuation, overlong, truncated, surrogate */
	same("\x80", 1, "\\x80");
	same("\xc0\xaf", 2, "\\xc0\\xaf");
	/* the overlong NUL (SANITIZE_NUL) is how composed text carries a NUL
	 * byte: shown as a NUL is; alone, C0 is bad UTF-8 */
	same("db" SANITIZE_NUL ".x", 6, "db\\x00.x");
	same("\xc0", 1, "\\xc0");
	same("\xc0\x81", 2, "\\xc0\\x81");
	same("\xe2\x82", 2, "\\xe2\\x82");
	same("\xed\xa0\x80", 3, "\\xed\\xa0\\x80");
	/* bidi overrides are escaped: U+202E, U+2066 */
	same("a\xe2\x80\xae" "b", 5, "a\\xe2\\x80\\xaeb");
	same("\xe2\x81\xa6x", 4, "\\xe2\\x81\\xa6x");
	/* invisible characters are escaped: a zero-width space (U+200B), the
	 * line and paragraph separators (U+2028, U+2029), the byte order mark
	 * (U+FEFF), the soft hyphen (U+00AD), the word joiner (U+2060) */
	same("db\xe2\x80\x8b.x", 7, "db\\xe2\\x80\\x8b.x");
	same("a\xe2\x80\xa8" "b\xe2\x80\xa9", 8, "a\\xe2\\x80\\xa8b\\xe2\\x80\\xa9");
	same("\xef\xbb\xbfx", 4, "\\xef\\xbb\\xbfx");
	same("ex\xc2\xad" "ample", 9, "ex\\xc2\\xadample");
	same("w\xe2\x81\xa0j", 5, "w\\xe2\\x81\\xa0j");
	/* visible non-ASCII text is kept */
	same("caf\xc3\xa9 \xe2\x82\xac", 9, "caf\xc3\xa9 \xe2\x82\xac");
	CHECK(!sanitize_is_clean("zero\xe2\x80\x8bwidth"));
	CHECK(sanitize_is_clean("hello"));
	CHECK(!sanitize_is_clean("a\x1b"));
	CHECK(!sanitize_is_clean("bad \xff utf8"));
	CHECK(!sanitize_is_clean("c1 \xc2\x9b"));
	/* escaped text is clean: keeping it must not double its backslashes */
	CHECK(sanitize_is_clean("already \\x1b escaped"));
	char *k = sanitize_keep_clean("already \\x1b escaped");
	CHECK_STR(k, "already \\x1b escaped");
	free(k);
	k = sanitize_keep_clean("raw \x1b");
	CHECK_STR(k, "raw \\x1b");
	free(k);
	/* sanitize and unsanitize round-trip, hostile bytes included */
	static const char *const samples[] = {
		"plain", "a\\b", "esc \x1b[2J bell \x07", "tab\tnl\ncr\r",
		"utf8 \xc3\xa9 bad \xff c1 \xc2\x9b", "literal \\x1b text",
	};
	for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		char *esc = sanitize(samples[i]);
		char *back = unsanitize(esc);
		CHECK_STR(back, samples[i]);
		free(esc);
		free(back);
	}
	char *u = unsanitize("trailing \\");
	CHECK_STR(u, "trailing \\");
	free(u);
	u = unsanitize("nul \\x00 kept, short \\x4");
	CHECK_STR(u, "nul \\x00 kept, short \\x4");
	free(u);
	char *n = sanitize(NULL);
	CHECK_STR(n, "");
	free(n);
	return check_status("test-sanitize");
}
