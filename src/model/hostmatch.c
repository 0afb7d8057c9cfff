/* SPDX-License-Identifier: MIT */
/* hostmatch: whether one certificate name matches one host the way each
 * client stack decides it (OpenSSL's X509_check_host, Node's
 * checkServerIdentity, Go's VerifyHostname, webpki, pgjdbc's
 * PGjdbcHostnameVerifier), and the IP-literal parsing they share. Pure
 * functions of two strings: which names a stack consults (SANs, CN) is the
 * caller's business. libpq's own rule is x509_name_check. */
#include "config.h"
#include "model/hostmatch.h"
#include "util/xalloc.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool hostmatch_equal(const char *a, const char *b)
{
	return a && b && !strcasecmp(a, b);
}

/* A strict IP literal (inet_pton, as Node's net.isIP, Go's ParseIP and
 * rustls's ServerName do), brackets allowed around IPv6: 4, 16 or 0. */
int hostmatch_parse_ip(const char *s, uint8_t out[16])
{
	char buf[64];
	size_t n;

	if (!s)
		return 0;
	n = strlen(s);
	if (n >= 3 && s[0] == '[' && s[n - 1] == ']' && n - 2 < sizeof(buf)) {
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
		s = buf;
	}
	if (inet_pton(AF_INET, s, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, out) == 1)
		return 16;
	return 0;
}

/* Split s (a copy, modified) at dots, keeping empty labels: an array of
 * *n labels, as many as the name has (no stack puts a limit on them). */
static char **split_labels(char *s, int *n)
{
	size_t count = 1;
	for (const char *p = s; *p; p++)
		count += *p == '.';
	char **parts = xcalloc(count, sizeof(*parts));
	int i = 0;
	for (char *p = s;;) {
		char *dot = strchr(p, '.');
		parts[i++] = p;
		if (!dot)
			break;
		*dot = '\0';
		p = dot + 1;
	}
	*n = i;
	return parts;
}

static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static bool ldh(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '-';
}

/* OpenSSL X509_check_host with X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS
 * (v3_utl.c valid_star/wildcard_match): "*" is the whole leftmost label,
 * at least two dots follow it, it covers one label of LDH chars. */
bool hostmatch_openssl(const char *pat, const char *host)
{
	size_t hl = strlen(host), rl;
	const char *rest;
	int dots = 0;

	if (hostmatch_equal(pat, host))
		return true;
	if (hl <= 1 || host[0] == '.' || pat[0] != '*' || pat[1] != '.')
		return false;
	rest = pat + 1;
	for (const char *p = rest; *p; p++) {
		if (*p == '.') {
			dots++;
			if (p[1] == '\0' || p[1] == '.' || p[1] == '-' ||
			    (p > rest && p[-1] == '-'))
				return false;
		} else if (!ldh(*p)) {
			return false;
		}
	}
	if (dots < 2 || pat[strlen(pat) - 1] == '-')
		return false;
	rl = strlen(rest);
	if (hl <= rl || strcasecmp(host + hl - rl, rest) != 0)
		return false;
	for (size_t i = 0; i < hl - rl; i++)
		if (!ldh(host[i]))
			return false;
	return true;
}

/* Node's splitHost: one trailing dot dropped (unfqdn), A-Z lowered. */
static void unfqdn_lower(char *s)
{
	size_t l = strlen(s);
	if (l && s[l - 1] == '.')
		s[l - 1] = '\0';
	lower_ascii(s);
}

/* Node's tls.js check(): equal label counts, no empty or non-ASCII
 * pattern label, one "*" in the leftmost label with a prefix and/or
 * suffix, not in an xn-- label, and never "*.tld". ASCII-lowercase, one
 * trailing dot dropped (unfqdn). */
bool hostmatch_node(const char *pattern, const char *hostname)
{
	char *pat = xstrdup(pattern), *host = xstrdup(hostname);
	char **pp = NULL, **hp = NULL;
	int np, nh;
	bool ok = false;

	if (!*pat)
		goto out;
	unfqdn_lower(pat);
	unfqdn_lower(host);
	pp = split_labels(pat, &np);
	hp = split_labels(host, &nh);
	if (np != nh)
		goto out;
	for (int i = 0; i < np; i++) {
		if (!*pp[i])
			goto out;
		for (const unsigned char *p = (const unsigned char *)pp[i]; *p; p++)
			if (*p < 0x21 || *p > 0x7f)
				goto out;
	}
	for (int i = np - 1; i > 0; i--)
		if (strcmp(hp[i], pp[i]) != 0)
			goto out;
	char *star = strchr(pp[0], '*');
	if (!star || strstr(pp[0], "xn--")) {
		ok = !strcmp(hp[0], pp[0]);
		goto out;
	}
	if (strchr(star + 1, '*') || np <= 2)
		goto out;
	size_t pre = (size_t)(star - pp[0]), suf = strlen(star + 1);
	size_t hl = strlen(hp[0]);
	ok = pre + suf <= hl && !strncmp(hp[0], pp[0], pre) &&
	     !strcmp(hp[0] + hl - suf, star + 1);
out:
	free(pp);
	free(hp);
	free(pat);
	free(host);
	return ok;
}

/* Go crypto/x509 validHostname: LDH plus "_", no empty label, "-" not
 * first; a pattern may have "*" as its whole first label. */
static bool go_valid(const char *s, bool pattern)
{
	size_t n = strlen(s);
	bool first = true, start = true;

	if (!pattern && n && s[n - 1] == '.')
		n--;
	if (n == 0 || (n == 1 && s[0] == '*'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '.') {
			if (start)
				return false;
			first = false;
			start = true;
			continue;
		}
		if (pattern && first && start && ch == '*' &&
		    (i + 1 == n || s[i + 1] == '.')) {
			start = false;
			continue;
		}
		if (!(ldh(ch) || ch == '_') || (ch == '-' && start))
			return false;
		start = false;
	}
	return !start;
}

/* Go VerifyHostname/matchHostnames: a whole leftmost "*" label,
 * equal label counts, no two-labels rule ("*.test" matches "db.test");
 * names that are not valid host names only match exactly. */
bool hostmatch_go(const char *pat, const char *hostname)
{
	char *host = xstrdup(hostname), *p = xstrdup(pat);
	char **pp = NULL, **hp = NULL;
	bool ok;
	size_t l = strlen(host);

	if (!go_valid(hostname, false) || !go_valid(pat, true)) {
		ok = *pat && hostmatch_equal(pat, hostname);
		goto out;
	}
	if (l && host[l - 1] == '.')
		host[l - 1] = '\0';
	lower_ascii(host);
	lower_ascii(p);
	int np, nh;
	pp = split_labels(p, &np);
	hp = split_labels(host, &nh);
	ok = np == nh;
	for (int i = 0; ok && i < np; i++)
		if (!(i == 0 && !strcmp(pp[i], "*")) && strcmp(pp[i], hp[i]))
			ok = false;
out:
	free(pp);
	free(hp);
	free(host);
	free(p);
	return ok;
}

/* webpki (subject_name/dns_name.rs): a wildcard label is exactly "*",
 * leftmost, with at least two labels after it, covering one label. */
bool hostmatch_webpki(const char *pat, const char *host)
{
	const char *rest, *dot;

	if (hostmatch_equal(pat, host))
		return true;
	if (pat[0] != '*' || pat[1] != '.')
		return false;
	rest = pat + 2;
	if (!strchr(rest, '.') || strchr(rest, '*'))
		return false;
	dot = strchr(host, '.');
	return dot && dot > host && hostmatch_equal(dot + 1, rest);
}

/* PGjdbcHostnameVerifier.verifyHostName, ported line by line: the
 * only "*" must come first, the pattern needs a dot, the star covers one
 * label; "*.com" matches "longhostname.com". */
bool hostmatch_jdbc(const char *pattern, const char *host)
{
	const char *last = strrchr(pattern, '*');
	size_t hl = strlen(host), pl = strlen(pattern);

	if (!last)
		return hostmatch_equal(host, pattern);
	if (last != pattern || !strchr(pattern, '.') || hl < pl - 1)
		return false;
	size_t toff = hl - pl + 1;
	for (size_t i = 0; i < toff; i++)
		if (host[i] == '.')
			return false;
	return !strcasecmp(host + toff, pattern + 1);
}

/* The address of an iPAddress SAN as the facts print it (inet_ntop). */
bool hostmatch_ip_is(const char *san, const uint8_t *ip, int iplen)
{
	uint8_t b[16];
	return hostmatch_parse_ip(san, b) == iplen && !memcmp(b, ip, (size_t)iplen);
}

/* How Java prints an iPAddress SAN: dotted IPv4, IPv6 as eight
 * uncompressed hex groups (0:0:0:0:0:0:0:1), which is the text
 * PGjdbcHostnameVerifier compares. */
char *hostmatch_java_ip(const char *san)
{
	uint8_t b[16];
	int n = hostmatch_parse_ip(san, b);

	if (n != 16)
		return xstrdup(san);
	return xasprintf("%x:%x:%x:%x:%x:%x:%x:%x", b[0] << 8 | b[1],
			 b[2] << 8 | b[3], b[4] << 8 | b[5], b[6] << 8 | b[7],
			 b[8] << 8 | b[9], b[10] << 8 | b[11], b[12] << 8 | b[13],
			 b[14] << 8 | b[15]);
}

static int count_char(const char *s, char ch)
{
	int n = 0;
	for (; *s; s++)
		n += *s == ch;
	return n;
}

/* pgjdbc's HOSTNAME_PATTERN_COMPARATOR, which picks the CN it checks:
 * more dots, fewer stars, longer wins. */
bool hostmatch_jdbc_more_specific(const char *a, const char *b)
{
	int da = count_char(a, '.'), db = count_char(b, '.');
	if (da != db)
		return da > db;
	int sa = count_char(a, '*'), sb = count_char(b, '*');
	if (sa != sb)
		return sa < sb;
	return strlen(a) > strlen(b);
}
