/* SPDX-License-Identifier: MIT */
/* wire: the byte journal of an inspection: for each TCP connection a probe
 * made, its addresses and ports, when it opened and closed, and every byte
 * written to and read from the socket (TLS records as they went, not the
 * messages inside them), in order, with the time each moved. The pcapng
 * writer (output/report_pcap.c) frames it as IP/TCP. Each connection also
 * keeps its TLS session's secrets as NSS key log lines (GnuTLS's keylog
 * callback), in memory only: they are written only where asked (a pcapng's
 * Decryption Secrets Block, sslkeylogfile) and wiped when freed.
 *
 * Bounded: a probe keeps at most WIRE_MAX_BYTES of bytes and records (the
 * most its own bounds let it read, a flood of messages and a 1 MiB
 * handshake, fits); past that the bytes are counted per direction and not
 * kept, and the writer shows the gap. No I/O here but the key log file. */
#ifndef PGI_WIRE_H
#define PGI_WIRE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define WIRE_MAX_BYTES (8u << 20)
/* room for the key log lines of one TLS session (TLS 1.3: five lines of
 * at most 200 bytes); a fixed buffer, so no copy of a secret is left
 * behind by a realloc */
#define WIRE_KEYLOG_MAX 4096

enum wire_dir { WIRE_TO_SERVER, WIRE_TO_CLIENT };
enum wire_what { WIRE_DATA, WIRE_FIN, WIRE_RST };

struct wire_chunk {
	double t_ms;        /* on the run's clock */
	enum wire_dir dir;
	enum wire_what what;
	size_t off, len;    /* bytes in the stream's data */
};

struct wire_stream {
	char *probe;        /* "tls", "plain", "direct" */
	int family;         /* AF_INET or AF_INET6 */
	uint8_t client_ip[16], server_ip[16]; /* network order; 4 used for v4 */
	uint16_t client_port, server_port;
	double t_syn;       /* connect() called */
	double t_established; /* the connection was made; < 0 never */
	double t_close;     /* our close (FIN), < 0 still open */
	struct wire_chunk *chunks;
	size_t nchunks, cap;
	uint8_t *data;
	size_t len, datacap;
	/* bytes past the probe's bound, per direction: counted, not kept */
	uint64_t dropped[2];
	/* --login sent a secret (a password, an md5 answer, a SCRAM proof)
	 * inside TLS on this connection: its keys stay out of a capture, which
	 * would decrypt it (in the clear, the journal has the secret as '*') */
	bool secret_inside;
	char keylog[WIRE_KEYLOG_MAX]; /* "LABEL random secret\n" lines */
	size_t keylog_len;
	bool keylog_full;   /* a line did not fit */
};

struct wire_journal {
	int64_t t0_us;      /* CLOCK_REALTIME at the run's start, µs */
	struct wire_stream **s;
	size_t n;
};

/* A new connection of probe, from local to remote (as getsockname and
 * the address connected to give them). */
struct wire_stream *wire_stream_open(struct wire_journal *j, const char *probe,
				     const struct sockaddr *local, const struct sockaddr *remote,
				     double t_syn);
/* Record n bytes that moved at t. *used is the probe's running total
 * against WIRE_MAX_BYTES; false when they were only counted (the bound was
 * reached). */
bool wire_record(struct wire_stream *s, size_t *used, enum wire_dir dir, double t,
		 const void *buf, size_t n);
/* The peer closed (FIN) or reset the connection at t. */
void wire_peer_end(struct wire_stream *s, size_t *used, double t, bool reset);
/* One key log line (without its newline) into the stream's secrets. */
void wire_keylog_add(struct wire_stream *s, const char *line);
/* Everything freed, the secrets wiped. */
void wire_journal_free(struct wire_journal *j);

/* The NSS key log line for a secret: "LABEL <client random hex> <secret
 * hex>" into buf (at least WIRE_KEYLOG_LINE bytes); its length, 0 when it
 * does not fit. */
#define WIRE_KEYLOG_LINE 512
size_t wire_keylog_line(char *buf, size_t cap, const char *label, const uint8_t *random,
			size_t rlen, const uint8_t *secret, size_t slen);

/* sslkeylogfile: open path for appending key log lines as libpq 18 does
 * (O_APPEND | O_CREAT, mode 0600), but only a regular file: a FIFO or a
 * device is refused without blocking. The descriptor, or -1 with libpq's
 * message in *err. */
int wire_keylog_file_open(const char *path, char **err);
/* The file key log lines go to for target keyword kw (sslkeylogfile), else
 * the SSLKEYLOGFILE environment variable; NULL for none. */
const char *wire_keylog_file(const char *kw);

#endif
