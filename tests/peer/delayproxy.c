/* SPDX-License-Identifier: MIT */
/* delayproxy: a TCP proxy that adds a fixed one-way delay, for the latency
 * benchmark. It listens on 127.0.0.1 only, connects each accepted client to
 * an upstream on 127.0.0.1, and delivers every chunk it reads DELAY_MS after
 * reading it, in order, in both directions. An end of stream is passed on
 * (as a half-close) once the chunks before it are delivered; a connection
 * ends when both directions have ended, or at once on an error. It stops
 * reading a side whose queue holds more than 1 MiB. Single process, poll
 * based; prints its port and exits after LIFETIME_S seconds (default 600).
 * Only the data is delayed: the TCP handshake with the proxy is not. */
#include "config.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define QUEUE_MAX (1024 * 1024)
#define READ_MAX 65536
#define MAX_CONNS 400

struct chunk {
	struct chunk *next;
	int64_t due; /* monotonic ms */
	size_t len, off;
	char data[];
};

/* One direction: bytes read from fd[i] wait here for fd[1 - i]. */
struct dir {
	struct chunk *head, *tail;
	size_t queued;
	int eof;	 /* the source sent its end of stream */
	int64_t eof_due; /* when to pass it on */
	int shut;	 /* shutdown(destination, SHUT_WR) done */
	int blocked;	 /* the destination's buffer is full */
};

struct conn {
	int fd[2]; /* 0: client, 1: upstream */
	int connecting;
	int dead;
	struct dir d[2];
};

static int64_t delay_ms;
static struct conn *conns[MAX_CONNS];
static int nconns;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nodelay(int fd)
{
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void conn_free(struct conn *c)
{
	for (int i = 0; i < 2; i++) {
		struct chunk *k = c->d[i].head;
		while (k) {
			struct chunk *next = k->next;
			free(k);
			k = next;
		}
		close(c->fd[i]);
	}
	free(c);
}

static void conn_open(int client, const struct sockaddr_in *up)
{
	int u = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (u < 0) {
		perror("delayproxy: socket");
		close(client);
		return;
	}
	struct conn *c = calloc(1, sizeof(*c));
	if (!c) {
		close(u);
		close(client);
		return;
	}
	c->fd[0] = client;
	c->fd[1] = u;
	nodelay(client);
	nodelay(u);
	if (connect(u, (const struct sockaddr *)up, sizeof(*up)) < 0) {
		if (errno != EINPROGRESS) {
			perror("delayproxy: connect upstream");
			conn_free(c);
			return;
		}
		c->connecting = 1;
	}
	conns[nconns++] = c;
}

/* Read what fd[i] has into a new chunk of d[i]. */
static void conn_read(struct conn *c, int i, int64_t now)
{
	struct dir *d = &c->d[i];
	char buf[READ_MAX];
	ssize_t n = recv(c->fd[i], buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			c->dead = 1;
		return;
	}
	if (n == 0) {
		d->eof = 1;
		d->eof_due = now + delay_ms;
		return;
	}
	struct chunk *k = malloc(sizeof(*k) + (size_t)n);
	if (!k) {
		c->dead = 1;
		return;
	}
	k->next = NULL;
	k->due = now + delay_ms;
	k->len = (size_t)n;
	k->off = 0;
	memcpy(k->data, buf, (size_t)n);
	if (d->tail)
		d->tail->next = k;
	else
		d->head = k;
	d->tail = k;
	d->queued += (size_t)n;
}

/* Deliver the chunks of d[i] that are due to fd[1 - i]. */
static void conn_flush(struct conn *c, int i, int64_t now)
{
	struct dir *d = &c->d[i];
	int dst = c->fd[1 - i];
	if (c->connecting || c->dead)
		return;
	d->blocked = 0;
	while (d->head && d->head->due <= now) {
		struct chunk *k = d->head;
		ssize_t n = send(dst, k->data + k->off, k->len - k->off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				d->blocked = 1;
			else if (errno != EINTR)
				c->dead = 1;
			return;
		}
		k->off += (size_t)n;
		if (k->off < k->len)
			continue;
		d->head = k->next;
		if (!d->head)
			d->tail = NULL;
		d->queued -= k->len;
		free(k);
	}
	if (!d->head && d->eof && !d->shut && d->eof_due <= now) {
		shutdown(dst, SHUT_WR);
		d->shut = 1;
	}
}

static void conn_connected(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);
	if (getsockopt(c->fd[1], SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
		fprintf(stderr, "delayproxy: connect upstream: %s\n",
			strerror(err ? err : errno));
		c->dead = 1;
		return;
	}
	c->connecting = 0;
}

/* The poll events fd[i] needs; 0 when it needs none. */
static short conn_events(const struct conn *c, int i)
{
	short ev = 0;
	if (c->connecting)
		return i == 1 ? POLLOUT :
		       (!c->d[0].eof && c->d[0].queued <= QUEUE_MAX ? POLLIN : 0);
	if (!c->d[i].eof && c->d[i].queued <= QUEUE_MAX)
		ev |= POLLIN;
	if (c->d[1 - i].blocked)
		ev |= POLLOUT;
	return ev;
}

/* Milliseconds until the next chunk or end of stream falls due; -1: none. */
static int next_timeout(int64_t now)
{
	int64_t best = -1;
	for (int j = 0; j < nconns; j++) {
		/* a connecting upstream wakes us with POLLOUT */
		for (int i = 0; i < 2 && !conns[j]->connecting; i++) {
			const struct dir *d = &conns[j]->d[i];
			int64_t due;
			if (d->head && !d->blocked)
				due = d->head->due;
			else if (!d->head && d->eof && !d->shut)
				due = d->eof_due;
			else
				continue;
			due = due > now ? due - now : 0;
			if (best < 0 || due < best)
				best = due;
		}
	}
	return best > 60000 ? 60000 : (int)best;
}

static int parse_num(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	long lport, uport, delay, lifetime = 600;
	if (argc < 5 || argc > 6 || parse_num(argv[1], 0, 65535, &lport) ||
	    parse_num(argv[3], 1, 65535, &uport) ||
	    parse_num(argv[4], 0, 3600000, &delay) ||
	    (argc == 6 && parse_num(argv[5], 1, 86400, &lifetime))) {
		fprintf(stderr, "usage: delayproxy LISTEN_PORT UPSTREAM_HOST "
				"UPSTREAM_PORT DELAY_MS [LIFETIME_S]\n"
				"LISTEN_PORT 0 picks a free port; UPSTREAM_HOST "
				"must be 127.0.0.1 (or localhost)\n");
		return 2;
	}
	if (strcmp(argv[2], "127.0.0.1") != 0 && strcmp(argv[2], "localhost") != 0) {
		fprintf(stderr, "delayproxy: refusing upstream %s: only 127.0.0.1\n",
			argv[2]);
		return 2;
	}
	delay_ms = delay;
	alarm((unsigned)lifetime);
	/* a shell starts background jobs with SIGINT ignored; scripts stop
	 * us with it */
	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);

	struct sockaddr_in up = { .sin_family = AF_INET };
	up.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	up.sin_port = htons((uint16_t)uport);

	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)lport);
	socklen_t al = sizeof(a);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(s, 64) < 0 || getsockname(s, (struct sockaddr *)&a, &al) < 0) {
		perror("delayproxy");
		return 1;
	}
	printf("%d\n", ntohs(a.sin_port));
	fflush(stdout);

	static struct pollfd p[1 + 2 * MAX_CONNS];
	for (;;) {
		int64_t now = now_ms();
		p[0].fd = nconns < MAX_CONNS ? s : -1;
		p[0].events = POLLIN;
		p[0].revents = 0;
		for (int j = 0; j < nconns; j++) {
			for (int i = 0; i < 2; i++) {
				struct pollfd *q = &p[1 + 2 * j + i];
				q->events = conn_events(conns[j], i);
				/* no events: leave it out, or a hang-up the
				 * fd reports would wake us in a loop */
				q->fd = q->events ? conns[j]->fd[i] : -1;
				q->revents = 0;
			}
		}
		int polled = nconns;
		if (poll(p, 1 + 2 * (nfds_t)polled, next_timeout(now)) < 0 &&
		    errno != EINTR) {
			perror("delayproxy: poll");
			return 1;
		}
		now = now_ms();
		for (int j = 0; j < polled; j++) {
			struct conn *c = conns[j];
			for (int i = 0; i < 2 && !c->dead; i++) {
				short re = p[1 + 2 * j + i].revents;
				if (c->connecting && i == 1 && re)
					conn_connected(c);
				else if (re & (POLLIN | POLLHUP | POLLERR) &&
					 p[1 + 2 * j + i].events & POLLIN)
					conn_read(c, i, now);
			}
		}
		if (p[0].revents & POLLIN) {
			int c = accept4(s, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (c >= 0)
				conn_open(c, &up);
		}
		for (int j = 0; j < nconns;) {
			struct conn *c = conns[j];
			conn_flush(c, 0, now);
			conn_flush(c, 1, now);
			if (c->dead || (c->d[0].shut && c->d[1].shut)) {
				conn_free(c);
				conns[j] = conns[--nconns];
				continue;
			}
			j++;
		}
	}
}
