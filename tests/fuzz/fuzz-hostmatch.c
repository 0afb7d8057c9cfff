/* SPDX-License-Identifier: MIT */
/* fuzz-hostmatch: libFuzzer target for the per-stack name matchers. The
 * input is a certificate name pattern, a NUL, then a host (up to the next
 * NUL or the end); without a NUL the same text is both. Each matcher must
 * hold, beside not crashing: the same answer twice; ASCII case does not
 * count; a name without "*" matches only itself (a trailing dot aside);
 * a star covers exactly one label, so a match never changes the label
 * count; and a name matches itself under every stack that takes plain
 * names as they are. Any broken rule aborts. */
#include "config.h"
#include "model/hostmatch.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef bool (*matcher)(const char *, const char *);

static const matcher matchers[] = {
	hostmatch_openssl, hostmatch_node, hostmatch_go, hostmatch_webpki, hostmatch_jdbc,
};

static char *dup_n(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);
	if (!s)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static char *with_case(const char *s, bool upper)
{
	char *t = dup_n((const uint8_t *)s, strlen(s));
	for (char *p = t; *p; p++) {
		if (upper && *p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
		else if (!upper && *p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	return t;
}

/* s without one trailing dot, lowercased */
static char *plain(const char *s)
{
	char *t = with_case(s, false);
	size_t n = strlen(t);
	if (n && t[n - 1] == '.')
		t[n - 1] = '\0';
	return t;
}

static int dots(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '.';
	return n;
}

/* Node takes a plain name as it is when it has no empty label and only
 * printable ASCII (tls.js check()). */
static bool node_takes(const char *s)
{
	char *t = plain(s);
	bool ok = *t && t[0] != '.' && !strstr(t, "..") && t[strlen(t) - 1] != '.';
	for (const unsigned char *p = (const unsigned char *)t; *p; p++)
		ok &= *p >= 0x21 && *p <= 0x7f;
	free(t);
	return ok;
}

static void check_pair(const char *pat, const char *host)
{
	char *lp = with_case(pat, false), *lh = with_case(host, false);
	char *up = with_case(pat, true), *uh = with_case(host, true);
	char *pp = plain(pat), *ph = plain(host);
	bool star = strchr(pat, '*') != NULL;

	for (size_t i = 0; i < sizeof(matchers) / sizeof(*matchers); i++) {
		bool m = matchers[i](pat, host);
		if (m != matchers[i](pat, host))
			abort();
		if (m != matchers[i](lp, lh) || m != matchers[i](up, uh))
			abort();
		if (m && dots(pp) != dots(ph))
			abort();
		if (m && !star && strcmp(pp, ph) != 0)
			abort();
		if (!star && *pat && !strcmp(pat, host) && !m &&
		    (matchers[i] != hostmatch_node || node_takes(pat)))
			abort();
	}
	/* OpenSSL, webpki and pgjdbc fold nothing but case for a plain name */
	if (!star && (hostmatch_openssl(pat, host) != hostmatch_equal(pat, host) ||
		      hostmatch_webpki(pat, host) != hostmatch_equal(pat, host) ||
		      hostmatch_jdbc(pat, host) != hostmatch_equal(pat, host)))
		abort();
	if (hostmatch_jdbc_more_specific(pat, host) && hostmatch_jdbc_more_specific(host, pat))
		abort();
	free(lp);
	free(lh);
	free(up);
	free(uh);
	free(pp);
	free(ph);
}

static void check_ip(const char *s)
{
	uint8_t ip[16];
	int n = hostmatch_parse_ip(s, ip);
	if (n != 0 && n != 4 && n != 16)
		abort();
	if (n && !hostmatch_ip_is(s, ip, n))
		abort();
	/* Java's IPv6 text: eight hex groups; anything else as it was */
	char *j = hostmatch_java_ip(s);
	int colons = 0;
	for (const char *p = j; *p; p++)
		colons += *p == ':';
	if (n == 16 ? colons != 7 || strspn(j, "0123456789abcdef:") != strlen(j) :
		      strcmp(j, s) != 0)
		abort();
	free(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	char *pat = dup_n(data, nul ? (size_t)(nul - data) : size);
	char *host;

	if (nul) {
		const uint8_t *h = nul + 1;
		const uint8_t *end = memchr(h, 0, size - (size_t)(h - data));
		host = dup_n(h, end ? (size_t)(end - h) : size - (size_t)(h - data));
	} else {
		host = dup_n(data, size);
	}
	check_pair(pat, host);
	check_ip(host);
	free(pat);
	free(host);
	return 0;
}
