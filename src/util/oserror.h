/* SPDX-License-Identifier: MIT */
/* oserror: the system's text for an errno value, safe from any thread
 * (strerror may share one buffer between threads; strerror_r does not). */
#ifndef PGI_OSERROR_H
#define PGI_OSERROR_H
#include <stddef.h>

#define OS_ERROR_BUFSIZE 128

/* The text for err, in buf (or a constant string glibc keeps). */
const char *os_error(int err, char *buf, size_t len);
/* For one use in an argument list: the buffer lives until the end of the
 * full expression. */
#define OS_ERROR(err) os_error((err), (char[OS_ERROR_BUFSIZE]){ 0 }, OS_ERROR_BUFSIZE)

/* A descriptor this thread could not have: socket(), open() or a library
 * call that opens files failed with err. EMFILE and ENFILE (the process's
 * or the system's table is full) are counted, per thread, so a caller
 * running many inspections (the fleet) can tell a local shortage from the
 * target's fault and try that target again later; other values are
 * ignored. Returns err. */
int os_note_fd_error(int err);
/* How many such shortages this thread has met so far. */
unsigned os_fd_shortages(void);

#endif
