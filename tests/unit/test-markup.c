/* SPDX-License-Identifier: MIT */
/* Unit tests for report_markup, the one escape of the SVG and HTML sinks:
 * control characters, C1 controls, bidi overrides and invalid UTF-8 are
 * made visible first, then markup characters become entities; text escaped
 * once already is not escaped twice; a DN keeps its RFC 4514 escapes;
 * clipping counts characters, never cuts one, and never cuts an entity. */
#include "config.h"
#include "output/report.h"
#include "util/strbuf.h"
#include "check.h"
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *in;
	enum markup_text how;
	int max;
	const char *want;
} cases[] = {
	{ "plain text", MARKUP_RAW, 0, "plain text" },
	{ "<script>a & b</script>", MARKUP_RAW, 0, "&lt;script&gt;a &amp; b&lt;/script&gt;" },
	{ "\"q\" 'a' ]]>", MARKUP_RAW, 0, "&quot;q&quot; &#39;a&#39; ]]&gt;" },
	/* made visible before anything else, never raw */
	{ "boom \x1b[2J\x07", MARKUP_RAW, 0, "boom \\x1b[2J\\x07" },
	{ "a\xe2\x80\xae" "b", MARKUP_RAW, 0, "a\\xe2\\x80\\xaeb" },
	{ "c1 \xc2\x9b" "31m", MARKUP_RAW, 0, "c1 \\xc2\\x9b31m" },
	{ "bad \xff\xfe", MARKUP_RAW, 0, "bad \\xff\\xfe" },
	{ "line\nnext\ttab", MARKUP_RAW, 0, "line\\nnext\\ttab" },
	/* a visible escape from the server is not taken for ours */
	{ "back\\slash", MARKUP_RAW, 0, "back\\\\slash" },
	/* valid UTF-8 that XML forbids */
	{ "x\xef\xbf\xbey\xef\xbf\xbf", MARKUP_RAW, 0, "x\\xef\\xbf\\xbey\\xef\\xbf\\xbf" },
	{ "caf\xc3\xa9 \xe2\x9c\x93", MARKUP_RAW, 0, "caf\xc3\xa9 \xe2\x9c\x93" },
	/* escaped once already: kept; not clean: escaped */
	{ "ErrorResponse \\x1b[2J <b>", MARKUP_CLEAN, 0, "ErrorResponse \\x1b[2J &lt;b&gt;" },
	{ "raw \x1b", MARKUP_CLEAN, 0, "raw \\x1b" },
	/* a DN's escapes kept, its controls escaped */
	{ "O=Google\\, Inc,CN=a\x1b", MARKUP_DN, 0, "O=Google\\, Inc,CN=a\\x1b" },
	/* clipping: characters, not bytes; an entity whole */
	{ "abcdefghij", MARKUP_RAW, 8, "abcde..." },
	{ "abcdefgh", MARKUP_RAW, 8, "abcdefgh" },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", MARKUP_RAW, 5, "\xc3\xa9\xc3\xa9..." },
	{ "a<b<c<d<e", MARKUP_RAW, 6, "a&lt;b..." },
	{ NULL, MARKUP_RAW, 0, "" },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct strbuf sb = STRBUF_INIT;
		report_markup(&sb, cases[i].in, cases[i].how, cases[i].max);
		CHECK_STR(sb_str(&sb), cases[i].want);
		sb_free(&sb);
	}
	/* report_visible: what is measured and wrapped is what is written */
	char *v = report_visible("x\x1by", MARKUP_RAW);
	CHECK_STR(v, "x\\x1by");
	free(v);
	return check_status("test-markup");
}
