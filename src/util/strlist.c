/* SPDX-License-Identifier: MIT */
/* strlist: NULL-terminated string lists. */
#include "config.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <stdlib.h>

void strlist_add(char ***list, int *n, const char *s)
{
	*list = xrealloc(*list, (size_t)(*n + 2) * sizeof(char *));
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
