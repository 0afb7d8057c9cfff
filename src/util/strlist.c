/* SPDX-License-Identifier: MIT */
/* strlist: NULL-terminated string lists. */
#include "config.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <malloc.h>
#include <stdlib.h>

/* A list grows geometrically: adding n strings copies O(n) pointers, not
 * O(n^2) (a realloc a string was quadratic under the sanitizers, whose
 * realloc always copies). The room a list has is what the allocator gave
 * it (glibc's malloc_usable_size), so a list made elsewhere (an exact
 * xcalloc) is grown safely too. */
void strlist_add(char ***list, int *n, const char *s)
{
	size_t need = ((size_t)*n + 2) * sizeof(char *);
	if (!*list || malloc_usable_size(*list) < need) {
		size_t room = 4;
		while (room < (size_t)*n + 2)
			room *= 2;
		*list = xrealloc(*list, room * sizeof(char *));
	}
	(*list)[(*n)++] = xstrdup(s);
	(*list)[*n] = NULL;
}

void strlist_free(char **list)
{
	if (!list)
		return;
	for (char **p = list; *p; p++)
		free(*p);
	free(list);
}
