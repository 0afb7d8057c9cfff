/* SPDX-License-Identifier: MIT */
/* ufile: files at paths the user gave (--save-events, --replay, --svg,
 * --html, --pcap, the interface's save and export-chain, the history
 * file), opened so that nothing waits: O_NONBLOCK, then fstat. A FIFO, a
 * socket, a directory or a block device is refused with one line; a
 * character device (/dev/null, /dev/full) may be written; only a regular
 * file is read, and only up to a bound. */
#ifndef PGI_UFILE_H
#define PGI_UFILE_H
#include <stdio.h>
#include <sys/types.h>

/* --replay's bound: a saved event log of more is refused (jansson's tree
 * takes about 16 times a file's size) */
#define UFILE_REPLAY_MAX (16u << 20)

/* Open path for writing (created with mode, truncated). NULL with *err
 * ("cannot write PATH: ...", the path raw) when it cannot be
 * opened or is not a regular file or a character device. */
FILE *ufile_write(const char *path, mode_t mode, char **err);
/* Read a regular file of at most max bytes into *buf (NUL-terminated,
 * *len bytes; free it). -1 with *err ("cannot read PATH: ...") else. */
int ufile_read(const char *path, size_t max, char **buf, size_t *len, char **err);
/* 0 when path does not exist or is a regular file (so a library that opens
 * it itself, readline's history, cannot wait on it), -1 with *err. */
int ufile_regular_or_absent(const char *path, char **err);

#endif
