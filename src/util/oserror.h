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

#endif
