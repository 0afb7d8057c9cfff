/* SPDX-License-Identifier: MIT */
/* strlist: NULL-terminated lists of heap strings, as the model keeps CNs,
 * SANs, mechanisms and host lists. */
#ifndef PGI_STRLIST_H
#define PGI_STRLIST_H

/* Append a copy of s to *list (count in *n), keeping the NULL end. */
void strlist_add(char ***list, int *n, const char *s);
/* Free every string and the list; NULL is fine. */
void strlist_free(char **list);

#endif
