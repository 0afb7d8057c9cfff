/* SPDX-License-Identifier: MIT */
/* report_pcap: the byte journal (engine/wire.h) as a pcapng file that
 * Wireshark and tshark open and decrypt with nothing to configure.
 *
 * The format (draft-ietf-opsawg-pcapng): a Section Header Block, one
 * Interface Description Block of LINKTYPE_RAW (IPv4 and IPv6 packets with
 * no link header), a Decryption Secrets Block (type "TLSK": the NSS key
 * log lines of every TLS session, which Wireshark applies to the packets
 * after it), then an Enhanced Packet Block a packet. libpcap's pcap_dump
 * writes neither pcapng nor a DSB, hence this writer; every block is
 * little-endian, as its byte-order magic says.
 *
 * The IP and TCP headers are synthetic but consistent: the real addresses
 * and ports (the client's as the socket had it), a three-way handshake at
 * the times connect() began and ended, the journal's bytes as segments in
 * the order and at the times they moved, sequence and acknowledgement
 * numbers that follow them, the server's FIN or RST when it closed first,
 * our FIN at close and the other side's ACK. Checksums are computed. */
#include "config.h"
#include "output/report.h"
#include "util/oserror.h"
#include "util/strbuf.h"
#include "util/ufile.h"
#include "util/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define BT_DSB 0x0000000Au
#define SECRETS_TLS_KEYLOG 0x544c534bu /* "TLSK" */
#define LINKTYPE_RAW 101
#define OPT_COMMENT 1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME 2

/* the largest TCP payload of one packet (IPv4's total length is 16 bits) */
#define SEGMENT_MAX 32768
/* journal records of one direction closer than this make one segment */
#define READ_GAP_MS 1.0

enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PSH = 0x08, TH_ACK = 0x10 };

static void le16(struct strbuf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	sb_add(b, x, 2);
}

static void le32(struct strbuf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	sb_add(b, x, 4);
}

static void pad4(struct strbuf *b)
{
	while (b->len % 4)
		sb_addc(b, '\0');
}

/* An option: code, length, value padded to 32 bits. */
static void option(struct strbuf *b, uint16_t code, const void *v, size_t n)
{
	le16(b, code);
	le16(b, (uint16_t)n);
	sb_add(b, v, n);
	pad4(b);
}

static void option_text(struct strbuf *b, uint16_t code, const char *text)
{
	size_t n = strlen(text);
	option(b, code, text, n > 65535 ? 65535 : n);
}

/* A block: type, total length, body (padded), total length again. */
static void block(struct strbuf *out, uint32_t type, const struct strbuf *body)
{
	size_t len = 12 + (body->len + 3) / 4 * 4;
	le32(out, type);
	le32(out, (uint32_t)len);
	sb_add(out, body->buf, body->len);
	pad4(out);
	le32(out, (uint32_t)len);
}

static void section_header(struct strbuf *out, const char *comment)
{
	struct strbuf b = STRBUF_INIT;
	le32(&b, 0x1A2B3C4Du); /* byte-order magic */
	le16(&b, 1);           /* version 1.0 */
	le16(&b, 0);
	le32(&b, 0xFFFFFFFFu); /* section length: not given */
	le32(&b, 0xFFFFFFFFu);
	option_text(&b, OPT_SHB_USERAPPL, "pgtls-inspect " PACKAGE_VERSION);
	option_text(&b, OPT_COMMENT, comment);
	option(&b, 0, NULL, 0);
	block(out, BT_SHB, &b);
	sb_free(&b);
}

static void interface(struct strbuf *out)
{
	struct strbuf b = STRBUF_INIT;
	le16(&b, LINKTYPE_RAW);
	le16(&b, 0);
	le32(&b, 0); /* snap length: no limit */
	option_text(&b, OPT_IF_NAME, "pgtls-inspect (synthetic IP/TCP)");
	option(&b, 0, NULL, 0);
	block(out, BT_IDB, &b);
	sb_free(&b);
}

static void secrets(struct strbuf *out, const struct strbuf *keylog)
{
	struct strbuf b = STRBUF_INIT;
	sb_reserve(&b, 8 + keylog->len + 4); /* grows no more: no copy left behind */
	le32(&b, SECRETS_TLS_KEYLOG);
	le32(&b, (uint32_t)keylog->len);
	sb_add(&b, keylog->buf, keylog->len);
	pad4(&b);
	block(out, BT_DSB, &b);
	sb_wipe(&b);
	sb_free(&b);
}

/* ---- IP and TCP ------------------------------------------------------- */

/* The packets of every connection, each an Enhanced Packet Block in data,
 * written in the order of their times (the probes ran side by side; each
 * connection's own packets are in order already, and a stable order keeps
 * them so). */
struct epb_list {
	struct strbuf data;
	struct epb { int64_t us; size_t seq, off, len; } *v;
	size_t n, cap;
};

static int epb_cmp(const void *a, const void *b)
{
	const struct epb *x = a, *y = b;
	if (x->us != y->us)
		return x->us < y->us ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct tcp_conn {
	struct epb_list *out;
	const struct wire_stream *s;
	int64_t t0_us;
	uint32_t next[2];   /* the next sequence number of each side */
	uint16_t ip_id;
};

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n % 2)
		sum += (uint32_t)(p[n - 1] << 8);
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* One packet from side dir (WIRE_TO_SERVER: the client's) at t_ms, as an
 * Enhanced Packet Block; comment NULL or an EPB comment. */
static void packet(struct tcp_conn *c, enum wire_dir dir, uint8_t flags,
		   double t_ms, const uint8_t *data, size_t n, const char *comment)
{
	const struct wire_stream *s = c->s;
	bool v6 = s->family == AF_INET6;
	size_t alen = v6 ? 16 : 4, iph = v6 ? 40 : 20;
	const uint8_t *src = dir == WIRE_TO_SERVER ? s->client_ip : s->server_ip;
	const uint8_t *dst = dir == WIRE_TO_SERVER ? s->server_ip : s->client_ip;
	uint16_t sport = dir == WIRE_TO_SERVER ? s->client_port : s->server_port;
	uint16_t dport = dir == WIRE_TO_SERVER ? s->server_port : s->client_port;
	size_t plen = iph + 20 + n;
	uint8_t *pkt = xcalloc(1, plen);
	uint8_t *tcp = pkt + iph;

	if (v6) {
		pkt[0] = 0x60;
		put16(pkt + 4, (uint16_t)(20 + n));
		pkt[6] = IPPROTO_TCP;
		pkt[7] = 64;
		memcpy(pkt + 8, src, 16);
		memcpy(pkt + 24, dst, 16);
	} else {
		pkt[0] = 0x45;
		put16(pkt + 2, (uint16_t)plen);
		put16(pkt + 4, c->ip_id++);
		put16(pkt + 6, 0x4000); /* don't fragment */
		pkt[8] = 64;
		pkt[9] = IPPROTO_TCP;
		memcpy(pkt + 12, src, 4);
		memcpy(pkt + 16, dst, 4);
		put16(pkt + 10, fold(sum16(0, pkt, 20)));
	}
	put16(tcp, sport);
	put16(tcp + 2, dport);
	put32(tcp + 4, c->next[dir]);
	put32(tcp + 8, flags & TH_ACK ? c->next[!dir] : 0);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	put16(tcp + 14, 65535);
	if (n)
		memcpy(tcp + 20, data, n);
	/* the pseudo-header: addresses, protocol, TCP length */
	uint32_t sum = sum16(0, src, alen);
	sum = sum16(sum, dst, alen);
	sum += IPPROTO_TCP + (uint32_t)(20 + n);
	put16(tcp + 16, fold(sum16(sum, tcp, 20 + n)));

	c->next[dir] += (uint32_t)n + (flags & (TH_SYN | TH_FIN) ? 1 : 0);

	int64_t us = c->t0_us + (int64_t)(t_ms * 1000.0);
	struct strbuf b = STRBUF_INIT;
	le32(&b, 0); /* interface 0 */
	le32(&b, (uint32_t)((uint64_t)us >> 32));
	le32(&b, (uint32_t)us);
	le32(&b, (uint32_t)plen);
	le32(&b, (uint32_t)plen);
	sb_add(&b, pkt, plen);
	pad4(&b);
	if (comment) {
		option_text(&b, OPT_COMMENT, comment);
		option(&b, 0, NULL, 0);
	}
	struct epb_list *l = c->out;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	size_t off = l->data.len;
	block(&l->data, BT_EPB, &b);
	l->v[l->n] = (struct epb){ us, l->n, off, l->data.len - off };
	l->n++;
	sb_free(&b);
	free(pkt);
}

/* One connection: handshake, the journal's segments, the ends. */
static void connection(struct epb_list *out, const struct wire_stream *s, int64_t t0_us,
		       unsigned k, const char *host)
{
	/* initial sequence numbers: made up, and different for each */
	uint32_t isn_client = 0x10000000u * (k % 15 + 1);
	uint32_t isn_server = 0x80000000u + 0x01000000u * (k % 127 + 1);
	struct tcp_conn c = { out, s, t0_us, { isn_client, isn_server }, (uint16_t)(k * 1000) };
	char *first = xasprintf("pgtls-inspect: the %s probe's connection to %s, port %u (the real "
				"addresses and ports; the IP/TCP headers are synthetic)",
				s->probe, host, s->server_port);
	bool reset = false;

	packet(&c, WIRE_TO_SERVER, TH_SYN, s->t_syn, NULL, 0, first);
	free(first);
	packet(&c, WIRE_TO_CLIENT, TH_SYN | TH_ACK, s->t_established, NULL, 0, NULL);
	packet(&c, WIRE_TO_SERVER, TH_ACK, s->t_established, NULL, 0, NULL);
	for (size_t i = 0; i < s->nchunks && !reset; i++) {
		const struct wire_chunk *ch = &s->chunks[i];
		if (ch->what == WIRE_FIN) {
			packet(&c, WIRE_TO_CLIENT, TH_FIN | TH_ACK, ch->t_ms, NULL, 0, NULL);
			continue;
		}
		if (ch->what == WIRE_RST) {
			packet(&c, WIRE_TO_CLIENT, TH_RST | TH_ACK, ch->t_ms, NULL, 0, NULL);
			reset = true;
			continue;
		}
		/* reads or writes less than READ_GAP_MS apart (GnuTLS reads a
		 * record's header, then its body) are one segment */
		size_t len = ch->len;
		while (i + 1 < s->nchunks && s->chunks[i + 1].what == WIRE_DATA &&
		       s->chunks[i + 1].dir == ch->dir && s->chunks[i + 1].t_ms - ch->t_ms < READ_GAP_MS &&
		       len + s->chunks[i + 1].len <= SEGMENT_MAX)
			len += s->chunks[++i].len; /* the data is contiguous */
		for (size_t at = 0; at < len; at += SEGMENT_MAX) {
			size_t n = len - at < SEGMENT_MAX ? len - at : SEGMENT_MAX;
			packet(&c, ch->dir, TH_PSH | TH_ACK, ch->t_ms, s->data + ch->off + at, n,
			       NULL);
		}
	}
	char *gap = NULL;
	if (s->dropped[0] || s->dropped[1]) {
		/* the bytes past the bound: the numbers move on, Wireshark
		 * shows the segments as not captured */
		c.next[WIRE_TO_SERVER] += (uint32_t)s->dropped[WIRE_TO_SERVER];
		c.next[WIRE_TO_CLIENT] += (uint32_t)s->dropped[WIRE_TO_CLIENT];
		gap = xasprintf("pgtls-inspect: %llu bytes to the server and %llu to the client past "
				"the journal's bound (%u MiB a probe) are not in this capture",
				(unsigned long long)s->dropped[0], (unsigned long long)s->dropped[1],
				WIRE_MAX_BYTES >> 20);
	}
	/* our FIN, when we closed (a capture saved while a probe runs has
	 * its connection still open) */
	if (!reset && s->t_close >= 0) {
		packet(&c, WIRE_TO_SERVER, TH_FIN | TH_ACK, s->t_close, NULL, 0, gap);
		packet(&c, WIRE_TO_CLIENT, TH_ACK, s->t_close, NULL, 0, NULL);
	}
	free(gap);
}

static void add_inspection(struct epb_list *pk, struct strbuf *keys, const struct inspection *ins,
			   unsigned *k)
{
	const char *host = ins->target.host ? ins->target.host :
			   ins->target.connect_to ? ins->target.connect_to : "the server";
	for (size_t i = 0; i < ins->wire.n; i++) {
		const struct wire_stream *s = ins->wire.s[i];
		if (s->t_established < 0)
			continue;
		connection(pk, s, ins->wire.t0_us, (*k)++, host);
		if (!s->secret_inside)
			sb_add(keys, s->keylog, s->keylog_len);
	}
}

int report_pcap_write(FILE *f, const struct report *r, char **err)
{
	const struct inspection **all = xcalloc((size_t)r->nextra + 1, sizeof(*all));
	int n = 0;
	all[n++] = r->ins;
	for (int i = 0; i < r->nextra; i++)
		all[n++] = r->extra[i];
	bool live = false;
	for (int i = 0; i < n; i++)
		live |= all[i]->wire.t0_us != 0;
	if (!live) {
		free(all);
		*err = xstrdup("no bytes to capture: a saved event log does not carry them "
			       "(the capture comes from a live inspection)");
		return -1;
	}

	struct strbuf out = STRBUF_INIT, keys = STRBUF_INIT;
	struct epb_list pk = { STRBUF_INIT, NULL, 0, 0 };
	/* the keys are copied once into a buffer of their final size (no
	 * realloc leaves a copy behind) and wiped after */
	size_t nkeys = 0;
	for (int i = 0; i < n; i++)
		for (size_t j = 0; j < all[i]->wire.n; j++)
			nkeys += all[i]->wire.s[j]->keylog_len;
	sb_reserve(&keys, nkeys + 1);
	unsigned k = 0;
	for (int i = 0; i < n; i++)
		add_inspection(&pk, &keys, all[i], &k);
	free(all);
	/* the headers and the secrets: room enough that it never moves */
	sb_reserve(&out, 4096 + keys.len);
	section_header(&out, "pgtls-inspect: every byte each probe's socket sent and received, in "
			     "synthetic IP/TCP framing; the TLS secrets are in a Decryption Secrets "
			     "Block. Wireshark decodes PostgreSQL on port 5432 by itself; for another "
			     "port: Decode As..., TCP port, PGSQL (tshark -d tcp.port==PORT,pgsql)");
	interface(&out);
	if (keys.len)
		secrets(&out, &keys);
	sb_wipe(&keys);
	sb_free(&keys);
	int rc = fwrite(out.buf, 1, out.len, f) == out.len ? 0 : -1;
	qsort(pk.v, pk.n, sizeof(*pk.v), epb_cmp);
	for (size_t i = 0; i < pk.n && rc == 0; i++)
		if (fwrite(pk.data.buf + pk.v[i].off, 1, pk.v[i].len, f) != pk.v[i].len)
			rc = -1;
	if (fflush(f) != 0)
		rc = -1;
	sb_wipe(&out);
	sb_free(&out);
	sb_free(&pk.data);
	free(pk.v);
	if (rc < 0)
		*err = xasprintf("could not write the capture: %s", OS_ERROR(errno));
	return rc;
}

FILE *report_pcap_open(const char *path, char **err)
{
	/* the capture holds the TLS secrets: readable by its owner only */
	return ufile_write(path, 0600, err);
}

int report_pcap_save(const struct report *r, const char *path, char **err)
{
	FILE *f = report_pcap_open(path, err);
	if (!f)
		return -1;
	int rc = report_pcap_write(f, r, err);
	if (fclose(f) != 0 && rc == 0) {
		*err = xasprintf("could not write %s", path);
		rc = -1;
	}
	return rc;
}
