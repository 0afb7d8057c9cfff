/* SPDX-License-Identifier: MIT */
/* wire: the byte journal (see wire.h) and the key log lines. */
#include "config.h"
#include "engine/wire.h"
#include "util/oserror.h"
#include "util/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* what a record costs against the bound besides its bytes */
#define CHUNK_COST sizeof(struct wire_chunk)

static void take_addr(const struct sockaddr *sa, uint8_t ip[16], uint16_t *port)
{
	if (!sa)
		return;
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		memcpy(ip, &s6->sin6_addr, 16);
		*port = ntohs(s6->sin6_port);
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		memcpy(ip, &s4->sin_addr, 4);
		*port = ntohs(s4->sin_port);
	}
}

struct wire_stream *wire_stream_open(struct wire_journal *j, const char *probe,
				     const struct sockaddr *local, const struct sockaddr *remote,
				     double t_syn)
{
	struct wire_stream *s = xcalloc(1, sizeof(*s));
	s->probe = xstrdup(probe);
	s->family = remote->sa_family;
	take_addr(local, s->client_ip, &s->client_port);
	take_addr(remote, s->server_ip, &s->server_port);
	s->t_syn = t_syn;
	s->t_established = -1;
	s->t_close = -1;
	j->s = xrealloc(j->s, (j->n + 1) * sizeof(*j->s));
	j->s[j->n++] = s;
	return s;
}

static void add_chunk(struct wire_stream *s, double t, enum wire_dir dir, enum wire_what what,
		      const void *buf, size_t n)
{
	if (s->nchunks == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->chunks = xrealloc(s->chunks, s->cap * sizeof(*s->chunks));
	}
	if (n > s->datacap - s->len) {
		while (n > s->datacap - s->len)
			s->datacap = s->datacap ? s->datacap * 2 : 4096;
		s->data = xrealloc(s->data, s->datacap);
	}
	if (n)
		memcpy(s->data + s->len, buf, n);
	s->chunks[s->nchunks++] = (struct wire_chunk){ t, dir, what, s->len, n };
	s->len += n;
}

bool wire_record(struct wire_stream *s, size_t *used, enum wire_dir dir, double t,
		 const void *buf, size_t n)
{
	if (!s || n == 0)
		return true;
	/* once a byte was dropped, every later one is: the kept bytes stay
	 * a prefix of what moved, with one gap at the end */
	if (s->dropped[0] || s->dropped[1] || n + CHUNK_COST > WIRE_MAX_BYTES - *used) {
		s->dropped[dir] += n;
		*used = WIRE_MAX_BYTES;
		return false;
	}
	*used += n + CHUNK_COST;
	add_chunk(s, t, dir, WIRE_DATA, buf, n);
	return true;
}

void wire_peer_end(struct wire_stream *s, size_t *used, double t, bool reset)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nchunks; i++)
		if (s->chunks[i].what != WIRE_DATA)
			return; /* one end only */
	*used += CHUNK_COST; /* one a connection: always kept */
	add_chunk(s, t, WIRE_TO_CLIENT, reset ? WIRE_RST : WIRE_FIN, NULL, 0);
}

void wire_keylog_add(struct wire_stream *s, const char *line)
{
	size_t n = strlen(line);
	if (!s)
		return;
	if (n + 1 > sizeof(s->keylog) - s->keylog_len) {
		s->keylog_full = true;
		return;
	}
	memcpy(s->keylog + s->keylog_len, line, n);
	s->keylog[s->keylog_len + n] = '\n';
	s->keylog_len += n + 1;
}

void wire_journal_free(struct wire_journal *j)
{
	for (size_t i = 0; i < j->n; i++) {
		struct wire_stream *s = j->s[i];
		explicit_bzero(s->keylog, sizeof(s->keylog));
		free(s->probe);
		free(s->chunks);
		free(s->data);
		free(s);
	}
	free(j->s);
	j->s = NULL;
	j->n = 0;
}

static size_t add_hex(char *out, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	return 2 * n;
}

size_t wire_keylog_line(char *buf, size_t cap, const char *label, const uint8_t *random,
			size_t rlen, const uint8_t *secret, size_t slen)
{
	size_t ll = strlen(label);
	if (ll + 2 * rlen + 2 * slen + 3 > cap)
		return 0;
	size_t at = 0;
	memcpy(buf, label, ll);
	at += ll;
	buf[at++] = ' ';
	at += add_hex(buf + at, random, rlen);
	buf[at++] = ' ';
	at += add_hex(buf + at, secret, slen);
	buf[at] = '\0';
	return at;
}

static int not_regular(const char *path, char **err)
{
	*err = xasprintf("could not open SSL key logging file \"%s\": not a regular file", path);
	return -1;
}

int wire_keylog_file_open(const char *path, char **err)
{
	struct stat st;
	/* a file that exists must be a regular file before it is opened (a
	 * device is never opened); O_NONBLOCK: a FIFO put there meanwhile
	 * fails at once (ENXIO without a reader) rather than wait, and fstat
	 * refuses it with one */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return not_regular(path, err);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
		      0600);
	if (fd < 0) {
		int e = errno;
		if (e == ENXIO)
			return not_regular(path, err);
		*err = xasprintf("could not open SSL key logging file \"%s\": %s", path, OS_ERROR(e));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return not_regular(path, err);
	}
	return fd;
}

const char *wire_keylog_file(const char *kw)
{
	if (kw && *kw)
		return kw;
	const char *env = getenv("SSLKEYLOGFILE");
	return env && *env ? env : NULL;
}
