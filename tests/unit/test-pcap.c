/* SPDX-License-Identifier: MIT */
/* Unit tests for the byte journal (engine/wire) and the pcapng writer
 * (output/report_pcap): the block structure (every block's two lengths
 * agree, are multiples of four and tile the file; SHB, IDB, DSB, EPBs in
 * that order), the DSB's secrets type and key log lines, the IP/TCP
 * headers (lengths, checksums, sequence numbers that follow the bytes,
 * handshake and FIN), reads closer than a millisecond as one segment, IPv6,
 * the bound of the journal and its gap, a
 * connection whose --login secret went inside TLS (its keys left out), the
 * key log line format, and the key log file's refusals (a FIFO, a
 * directory) and mode 0600. */
#include "config.h"
#include "engine/inspection.h"
#include "engine/wire.h"
#include "output/report.h"
#include "util/xalloc.h"
#include "check.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

/* the one's complement sum over bytes: 0xffff when a checksum inside holds */
static uint16_t csum(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n % 2)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

struct pkt {
	const uint8_t *ip;
	size_t len;
	uint64_t ts;
};

struct parsed {
	uint32_t types[64];
	int nblocks;
	struct pkt pkts[64];
	int npkts;
	char keys[4096];
	size_t nkeys;
	bool ok;
};

/* Walk the blocks of a capture. */
static void parse(const uint8_t *f, size_t n, struct parsed *p)
{
	memset(p, 0, sizeof(*p));
	p->ok = true;
	size_t at = 0;
	while (at < n) {
		if (n - at < 12) {
			p->ok = false;
			return;
		}
		uint32_t type = rd32(f + at), len = rd32(f + at + 4);
		if (len < 12 || len % 4 || len > n - at || rd32(f + at + len - 4) != len) {
			p->ok = false;
			return;
		}
		if (p->nblocks < 64)
			p->types[p->nblocks++] = type;
		const uint8_t *body = f + at + 8;
		if (type == 0x0A0D0D0A)
			CHECK_INT(rd32(body), 0x1A2B3C4D);
		if (type == 1)
			CHECK_INT(rd16(body), 101);
		if (type == 10) {
			CHECK_INT(rd32(body), 0x544c534b);
			uint32_t sl = rd32(body + 4);
			CHECK(sl + 8 + 12 <= len);
			if (sl < sizeof(p->keys)) {
				memcpy(p->keys, body + 8, sl);
				p->nkeys = sl;
			}
		}
		if (type == 6 && p->npkts < 64) {
			uint32_t cap = rd32(body + 12), orig = rd32(body + 16);
			CHECK_INT(cap, orig);
			CHECK(cap + 20 + 12 <= len);
			p->pkts[p->npkts].ip = body + 20;
			p->pkts[p->npkts].len = cap;
			p->pkts[p->npkts].ts = (uint64_t)rd32(body + 4) << 32 | rd32(body + 8);
			p->npkts++;
		}
		at += len;
	}
}

/* The TCP header of an IPv4 packet, its checksums checked. */
static const uint8_t *tcp4(const struct pkt *k, size_t *payload)
{
	const uint8_t *ip = k->ip;
	CHECK_INT(ip[0], 0x45);
	CHECK_INT(be16(ip + 2), k->len);
	CHECK_INT(ip[9], 6);
	CHECK_INT(csum(0, ip, 20), 0xffff);
	const uint8_t *tcp = ip + 20;
	size_t tl = k->len - 20;
	uint32_t sum = csum(0, ip + 12, 8) + 6 + (uint32_t)tl;
	CHECK_INT(csum(sum, tcp, tl), 0xffff);
	*payload = tl - 20;
	return tcp;
}

static struct sockaddr_in v4(const char *ip, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

/* A fresh inspection that ran live (t0_us) with one IPv4 connection made. */
static struct wire_stream *v4_stream(struct inspection *ins, int64_t t0_us, const char *cip,
				     uint16_t cport, const char *sip, uint16_t sport, double t_syn,
				     double t_established)
{
	inspection_init(ins);
	ins->wire.t0_us = t0_us;
	struct sockaddr_in cl = v4(cip, cport), sv = v4(sip, sport);
	struct wire_stream *s = wire_stream_open(&ins->wire, "tls", (struct sockaddr *)&cl,
						 (struct sockaddr *)&sv, t_syn);
	s->t_established = t_established;
	return s;
}

static uint8_t *capture(const struct inspection *ins, size_t *n)
{
	struct report r = { .ins = ins };
	char *buf = NULL, *err = NULL;
	FILE *f = open_memstream(&buf, n);
	CHECK(report_pcap_write(f, &r, &err) == 0);
	free(err);
	fclose(f);
	return (uint8_t *)buf;
}

static void test_blocks_and_tcp(void)
{
	struct inspection ins;
	struct wire_stream *s = v4_stream(&ins, 1700000000000000LL, "127.0.0.1", 40000, "127.0.0.2",
					  6543, 1.0, 2.0);
	ins.target.host = xstrdup("db.example.com");
	size_t used = 0;
	CHECK(wire_record(s, &used, WIRE_TO_SERVER, 3.0, "\x00\x00\x00\x08\x04\xd2\x16\x2f", 8));
	CHECK(wire_record(s, &used, WIRE_TO_CLIENT, 4.5, "S", 1));
	CHECK(wire_record(s, &used, WIRE_TO_SERVER, 5.0, "hello", 5)); /* odd length */
	wire_peer_end(s, &used, 6.0, false);
	s->t_close = 7.0;
	wire_keylog_add(s, "CLIENT_RANDOM 00 11");
	/* a connection never made is left out */
	struct sockaddr_in cl = v4("127.0.0.1", 40002), sv = v4("127.0.0.2", 6543);
	wire_stream_open(&ins.wire, "plain", (struct sockaddr *)&cl, (struct sockaddr *)&sv, 1.0);

	size_t n;
	uint8_t *f = capture(&ins, &n);
	struct parsed p;
	parse(f, n, &p);
	CHECK(p.ok);
	CHECK_INT(n % 4, 0);
	/* SHB, IDB, DSB, then SYN, SYN/ACK, ACK, 3 data, server FIN, our FIN, ACK */
	CHECK_INT(p.nblocks, 3 + 9);
	CHECK_INT(p.types[0], 0x0A0D0D0A);
	CHECK_INT(p.types[1], 1);
	CHECK_INT(p.types[2], 10);
	CHECK_INT(p.npkts, 9);
	CHECK_INT(p.nkeys, 20);
	CHECK(p.nkeys == 20 && !memcmp(p.keys, "CLIENT_RANDOM 00 11\n", 20));

	size_t pl;
	const uint8_t *syn = tcp4(&p.pkts[0], &pl);
	CHECK_INT(syn[13], 0x02);
	CHECK_INT(be16(syn), 40000);
	CHECK_INT(be16(syn + 2), 6543);
	CHECK_INT(p.pkts[0].ts, 1700000000001000ULL);
	uint32_t cisn = be32(syn + 4);
	const uint8_t *synack = tcp4(&p.pkts[1], &pl);
	CHECK_INT(synack[13], 0x12);
	CHECK_INT(be32(synack + 8), cisn + 1);
	CHECK_INT(be16(synack), 6543);
	uint32_t sisn = be32(synack + 4);
	const uint8_t *ack = tcp4(&p.pkts[2], &pl);
	CHECK_INT(ack[13], 0x10);
	CHECK_INT(be32(ack + 8), sisn + 1);
	const uint8_t *d1 = tcp4(&p.pkts[3], &pl);
	CHECK_INT(pl, 8);
	CHECK_INT(be32(d1 + 4), cisn + 1);
	CHECK_INT(d1[13], 0x18);
	CHECK_INT(p.pkts[3].ts, 1700000000003000ULL);
	const uint8_t *d2 = tcp4(&p.pkts[4], &pl);
	CHECK_INT(pl, 1);
	CHECK_INT(be32(d2 + 4), sisn + 1);
	CHECK_INT(be32(d2 + 8), cisn + 9);
	CHECK_INT(d2[20], 'S');
	const uint8_t *d3 = tcp4(&p.pkts[5], &pl);
	CHECK_INT(pl, 5);
	CHECK_INT(be32(d3 + 4), cisn + 9);
	CHECK_INT(be32(d3 + 8), sisn + 2);
	const uint8_t *sfin = tcp4(&p.pkts[6], &pl);
	CHECK_INT(sfin[13], 0x11);
	CHECK_INT(be32(sfin + 4), sisn + 2);
	const uint8_t *cfin = tcp4(&p.pkts[7], &pl);
	CHECK_INT(cfin[13], 0x11);
	CHECK_INT(be32(cfin + 4), cisn + 14);
	CHECK_INT(be32(cfin + 8), sisn + 3);
	CHECK_INT(p.pkts[7].ts, 1700000000007000ULL);
	const uint8_t *last = tcp4(&p.pkts[8], &pl);
	CHECK_INT(last[13], 0x10);
	CHECK_INT(be32(last + 8), cisn + 15);
	free(f);

	/* a --login secret went inside TLS: no DSB */
	s->secret_inside = true;
	f = capture(&ins, &n);
	parse(f, n, &p);
	CHECK(p.ok);
	CHECK_INT(p.nblocks, 2 + 9);
	CHECK_INT(p.types[2], 6);
	free(f);
	inspection_free(&ins);
}

static void test_ipv6_and_bound(void)
{
	struct inspection ins;
	inspection_init(&ins);
	ins.wire.t0_us = 1;
	struct sockaddr_in6 cl = { .sin6_family = AF_INET6, .sin6_port = htons(50000) };
	struct sockaddr_in6 sv = { .sin6_family = AF_INET6, .sin6_port = htons(5432) };
	inet_pton(AF_INET6, "::1", &cl.sin6_addr);
	inet_pton(AF_INET6, "::1", &sv.sin6_addr);
	struct wire_stream *s = wire_stream_open(&ins.wire, "plain", (struct sockaddr *)&cl,
						 (struct sockaddr *)&sv, 0);
	s->t_established = 0.5;
	/* the bound: a probe that has used all but 100 bytes */
	size_t used = WIRE_MAX_BYTES - 100 - sizeof(struct wire_chunk);
	CHECK(wire_record(s, &used, WIRE_TO_SERVER, 1, "abc", 3));
	static uint8_t big[200];
	CHECK(!wire_record(s, &used, WIRE_TO_CLIENT, 2, big, sizeof(big)));
	/* and once one was dropped, every later one is */
	CHECK(!wire_record(s, &used, WIRE_TO_SERVER, 3, "x", 1));
	CHECK_INT(s->dropped[WIRE_TO_CLIENT], 200);
	CHECK_INT(s->dropped[WIRE_TO_SERVER], 1);
	CHECK_INT(s->nchunks, 1);
	s->t_close = 4;

	size_t n;
	uint8_t *f = capture(&ins, &n);
	struct parsed p;
	parse(f, n, &p);
	CHECK(p.ok);
	/* SHB, IDB (no secrets), SYN, SYN/ACK, ACK, data, FIN, ACK */
	CHECK_INT(p.nblocks, 2 + 6);
	CHECK_INT(p.npkts, 6);
	const uint8_t *ip = p.pkts[3].ip;
	CHECK_INT(ip[0] >> 4, 6);
	CHECK_INT(be16(ip + 4), 20 + 3);
	CHECK_INT(ip[6], 6);
	const uint8_t *tcp = ip + 40;
	uint32_t sum = csum(0, ip + 8, 32) + 6 + 23;
	CHECK_INT(csum(sum, tcp, 23), 0xffff);
	uint32_t seq = be32(tcp + 4);
	/* our FIN comes after the gap: 3 bytes kept and 1 dropped */
	const uint8_t *fin = p.pkts[4].ip + 40;
	CHECK_INT(fin[13], 0x11);
	CHECK_INT(be32(fin + 4), seq + 3 + 1);
	/* the server's ACK acknowledges the 200 bytes it sent past the bound */
	const uint8_t *synack = p.pkts[1].ip + 40;
	CHECK_INT(be32(fin + 8), be32(synack + 4) + 1 + 200);
	free(f);
	inspection_free(&ins);

	/* a replayed inspection carries no bytes: refused */
	inspection_init(&ins);
	struct report r = { .ins = &ins };
	char *buf = NULL, *err = NULL;
	f = NULL;
	FILE *m = open_memstream(&buf, &n);
	CHECK(report_pcap_write(m, &r, &err) < 0);
	CHECK(err && strstr(err, "saved event log"));
	free(err);
	fclose(m);
	free(buf);
	inspection_free(&ins);
}

/* A record's header and body, read 0.2 ms apart, are one segment; a read
 * 5 ms later is another. */
static void test_segments(void)
{
	struct inspection ins;
	struct wire_stream *s = v4_stream(&ins, 1, "10.0.0.1", 40001, "10.0.0.2", 5432, 0, 0.1);
	size_t used = 0;
	CHECK(wire_record(s, &used, WIRE_TO_CLIENT, 1.0, "\x17\x03\x03\x00\x02", 5));
	CHECK(wire_record(s, &used, WIRE_TO_CLIENT, 1.2, "ab", 2));
	CHECK(wire_record(s, &used, WIRE_TO_CLIENT, 6.2, "later", 5));
	s->t_close = 7;
	size_t n, pl;
	uint8_t *f = capture(&ins, &n);
	struct parsed p;
	parse(f, n, &p);
	CHECK(p.ok);
	/* SYN, SYN/ACK, ACK, two segments, FIN, ACK */
	CHECK_INT(p.npkts, 7);
	const uint8_t *a = tcp4(&p.pkts[3], &pl);
	CHECK_INT(pl, 7);
	CHECK(pl == 7 && !memcmp(a + 20, "\x17\x03\x03\x00\x02" "ab", 7));
	const uint8_t *b = tcp4(&p.pkts[4], &pl);
	CHECK_INT(pl, 5);
	CHECK_INT(be32(b + 4), be32(a + 4) + 7);
	CHECK_INT(p.pkts[4].ts, 1 + 6200);
	free(f);
	inspection_free(&ins);
}

static void test_keylog(void)
{
	char line[WIRE_KEYLOG_LINE];
	const uint8_t rnd[2] = { 0xab, 0x01 }, sec[3] = { 0, 0xff, 0x10 };
	CHECK(wire_keylog_line(line, sizeof(line), "CLIENT_TRAFFIC_SECRET_0", rnd, 2, sec, 3) > 0);
	CHECK_STR(line, "CLIENT_TRAFFIC_SECRET_0 ab01 00ff10");
	CHECK_INT(wire_keylog_line(line, 10, "CLIENT_RANDOM", rnd, 2, sec, 3), 0);

	/* a full buffer keeps the lines that fit, whole */
	struct wire_journal j = { 0 };
	struct sockaddr_in a = v4("127.0.0.1", 1);
	struct wire_stream *s = wire_stream_open(&j, "tls", (struct sockaddr *)&a,
						 (struct sockaddr *)&a, 0);
	char big[1000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 5; i++)
		wire_keylog_add(s, big);
	CHECK_INT(s->keylog_len, 4 * 1000);
	CHECK(s->keylog_full);
	wire_journal_free(&j);

	/* the file: created 0600, appended; a FIFO and a directory refused */
	char dir[] = "/tmp/pgtls-unit-keylog.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *file = xasprintf("%s/keys", dir), *fifo = xasprintf("%s/fifo", dir);
	char *err = NULL;
	mode_t old = umask(0);
	int fd = wire_keylog_file_open(file, &err);
	umask(old);
	CHECK(fd >= 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600);
	if (fd >= 0)
		close(fd);
	CHECK(mkfifo(fifo, 0600) == 0);
	CHECK_INT(wire_keylog_file_open(fifo, &err), -1);
	CHECK(err && strstr(err, "not a regular file"));
	free(err);
	err = NULL;
	CHECK_INT(wire_keylog_file_open(dir, &err), -1);
	CHECK(err && strstr(err, "could not open SSL key logging file"));
	free(err);
	unlink(file);
	unlink(fifo);
	rmdir(dir);
	free(file);
	free(fifo);

	/* sslkeylogfile wins over SSLKEYLOGFILE */
	setenv("SSLKEYLOGFILE", "/env/keys", 1);
	CHECK_STR(wire_keylog_file("/kw/keys"), "/kw/keys");
	CHECK_STR(wire_keylog_file(NULL), "/env/keys");
	CHECK_STR(wire_keylog_file(""), "/env/keys");
	unsetenv("SSLKEYLOGFILE");
	CHECK(wire_keylog_file(NULL) == NULL);
}

int main(void)
{
	test_blocks_and_tcp();
	test_ipv6_and_bound();
	test_segments();
	test_keylog();
	return check_status("test-pcap");
}
