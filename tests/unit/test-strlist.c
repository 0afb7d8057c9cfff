/* SPDX-License-Identifier: MIT */
/* Unit tests for util/strlist and the certificate's name lists: long lists
 * grow geometrically (a list of 40,000 names was moved 40,000 times, which
 * the sanitizers' realloc, always a copy, made quadratic), and keep every
 * string and the NULL end. */
#include "config.h"
#include "util/strlist.h"
#include "engine/inspection.h"
#include "check.h"
#include <stdio.h>
#include <stdlib.h>

#define N 100000

int main(void)
{
	char **list = NULL, **was = NULL, buf[32];
	int n = 0, moves = 0;
	for (int i = 0; i < N; i++) {
		snprintf(buf, sizeof(buf), "name%d", i);
		strlist_add(&list, &n, buf);
		if (list != was)
			moves++;
		was = list;
	}
	CHECK_INT(n, N);
	CHECK_STR(list[0], "name0");
	CHECK_STR(list[N - 1], "name99999");
	CHECK(list[N] == NULL);
	/* geometric growth: about log2(N) moves at most, not one an add */
	CHECK(moves <= 40);
	strlist_free(list);

	/* a list made elsewhere, with room for exactly its NULL, grows too */
	char **exact = calloc(1, sizeof(*exact));
	int ne = 0;
	for (int i = 0; i < 100; i++)
		strlist_add(&exact, &ne, "x");
	CHECK_INT(ne, 100);
	CHECK(exact[100] == NULL);
	strlist_free(exact);

	/* a certificate's names with their lengths */
	char **names = NULL;
	size_t *lens = NULL;
	int nn = 0;
	moves = 0;
	was = NULL;
	for (int i = 0; i < N; i++) {
		int len = snprintf(buf, sizeof(buf), "n%d.example", i);
		cert_name_add(&names, &lens, &nn, buf, (size_t)len);
		if (names != was)
			moves++;
		was = names;
	}
	CHECK_INT(nn, N);
	CHECK_STR(names[12345], "n12345.example");
	CHECK_INT(lens[12345], 14);
	CHECK(names[N] == NULL);
	CHECK(moves <= 40);
	strlist_free(names);
	free(lens);
	return check_status("strlist");
}
