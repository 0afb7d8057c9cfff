/* SPDX-License-Identifier: MIT */
/* sanitize: makes untrusted bytes (anything a server sent) safe to show on a
 * terminal or in a report: control characters, DEL, C1 controls, invalid
 * UTF-8, bidirectional controls and invisible characters (zero-width
 * spaces and joiners, U+2028/U+2029, U+FEFF, the soft hyphen) become
 * visible escapes. Other valid UTF-8 passes unchanged. */
#ifndef PGI_SANITIZE_H
#define PGI_SANITIZE_H
#include <stddef.h>

/* A fresh heap string: \n \r \t \\ as C escapes, other controls and bad
 * UTF-8 bytes as \xNN. A backslash is doubled so the escape is unambiguous.
 * The overlong pair C0 80 shows as \x00: it is how text composed in C
 * strings carries a NUL byte (as Java's modified UTF-8 does; SANITIZE_NUL). */
#define SANITIZE_NUL "\xc0\x80"
char *sanitize_bytes(const void *p, size_t n);
char *sanitize(const char *s);
/* true if s holds no control character and no invalid UTF-8, i.e. it is
 * safe to print as is (text that was sanitized once is clean) */
int sanitize_is_clean(const char *s);
/* s itself (copied) when clean, else sanitize(s): for text that is either
 * ours and escaped already, or untrusted, without escaping twice */
char *sanitize_keep_clean(const char *s);

/* sanitize for text that holds distinguished names as RFC 4514 writes
 * them (GnuTLS's DN strings: "O=Google\, Inc"): their escapes (a
 * backslash before , + " < > ; = # or space, or before two hex digits)
 * stay as they are, shown with one backslash; everything else is escaped
 * as sanitize does, control characters included. */
char *sanitize_dn(const char *s);

/* The inverse of sanitize for reading back what a sink wrote: \\, \n, \r,
 * \t and \xNN become the bytes again (\x00 stays as written). A fresh heap
 * string; the result is untrusted text and is sanitized again on output. */
char *unsanitize(const char *s);

#endif
