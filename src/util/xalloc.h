/* SPDX-License-Identifier: MIT */
/* xalloc: allocation that never returns NULL. Exhaustion aborts with a one-line
 * message, so callers skip NULL checks (htop's rule). Owns nothing else. */
#ifndef PGI_XALLOC_H
#define PGI_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh heap string */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
void *xmemdup(const void *p, size_t n);

#endif
