/* SPDX-License-Identifier: MIT */
/* facts: the tables behind the outcome enums, their inverse lookups for a
 * saved log, and the few helpers that record or read a code on the
 * inspection's structs. No I/O. */
#include "config.h"
#include "engine/facts.h"
#include "engine/inspection.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

#define FACTS_ROW(prefix, id, name, text) { name, text },
const struct facts_row facts_tls_failures[] = { TLS_FAILURE_TABLE(FACTS_ROW) };
const struct facts_row facts_startup_failures[] = { STARTUP_FAILURE_TABLE(FACTS_ROW) };
const struct facts_row facts_chain_failures[] = { CHAIN_FAILURE_TABLE(FACTS_ROW) };
const struct facts_row facts_chain_gaps[] = { CHAIN_GAP_TABLE(FACTS_ROW) };
#undef FACTS_ROW

/* Where s stops matching text as a prefix, or NULL. The one '*' a text
 * may hold matches any run (up to the first place the rest matches). */
static const char *match(const char *text, const char *s)
{
	const char *star = strchr(text, '*');
	size_t head = star ? (size_t)(star - text) : strlen(text);

	if (strncmp(s, text, head) != 0)
		return NULL;
	s += head;
	if (!star)
		return s;
	if (!star[1])
		return s + strlen(s);
	const char *tail = strstr(s, star + 1);
	return tail ? tail + strlen(star + 1) : NULL;
}

/* The first row (after NONE) whose text s begins with; *end where the
 * match stopped. -1 when none. */
static int by_text(const struct facts_row *t, int n, const char *s, const char **end)
{
	for (int i = 1; i < n; i++) {
		if (!t[i].text)
			continue;
		*end = match(t[i].text, s);
		if (*end)
			return i;
	}
	return -1;
}

static char *fill(const char *text, const char *detail)
{
	const char *star = strchr(text, '*');

	if (!star)
		return xstrdup(text);
	return xasprintf("%.*s%s%s", (int)(star - text), text,
			 detail ? detail : "", star + 1);
}

enum tls_failure facts_tls_failure_parse(const char *name)
{
	if (!name)
		return TLS_FAIL_NONE;
	for (int i = 1; i < TLS_FAILURE_COUNT; i++)
		if (!strcmp(facts_tls_failures[i].name, name))
			return (enum tls_failure)i;
	return TLS_FAIL_OTHER;
}

enum startup_failure facts_startup_failure_parse(const char *text)
{
	const char *end = NULL;

	if (!text)
		return STARTUP_FAIL_NONE;
	/* the whole text: UNREADABLE's '*' takes any other */
	for (int i = 1; i < STARTUP_FAILURE_COUNT; i++) {
		end = match(facts_startup_failures[i].text, text);
		if (end && !*end)
			return (enum startup_failure)i;
	}
	return STARTUP_FAIL_UNREADABLE;
}

enum chain_failure facts_chain_failure_parse(const char *text,
					     enum chain_gap *gap)
{
	const char *end = NULL;
	int c;

	*gap = CHAIN_GAP_NONE;
	if (!text)
		return CHAIN_FAIL_NONE;
	c = by_text(facts_chain_failures, CHAIN_FAILURE_COUNT, text, &end);
	if (c < 0)
		return CHAIN_FAIL_UNRECOGNISED;
	int g = by_text(facts_chain_gaps, CHAIN_GAP_COUNT, end, &end);
	if (g > 0)
		*gap = (enum chain_gap)g;
	return (enum chain_failure)c;
}

char *facts_startup_failure_message(enum startup_failure c, const char *detail)
{
	const char *text = facts_startup_failures[c].text;
	return text ? fill(text, detail) : NULL;
}

char *facts_chain_failure_message(enum chain_failure c, enum chain_gap gap,
				  const char *detail)
{
	const char *text = facts_chain_failures[c].text;

	if (!text)
		return NULL;
	char *head = fill(text, detail);
	char *all = xasprintf("%s%s", head, facts_chain_gaps[gap].text);
	free(head);
	return all;
}

void facts_set_tls_failure(struct tls_facts *f, enum tls_failure c)
{
	const char *name = c == TLS_FAIL_NONE ? NULL : facts_tls_failures[c].name;

	free(f->failure_kind);
	f->failure_code = c;
	f->failure_kind = name ? xstrdup(name) : NULL;
}

void facts_set_startup_failure(struct startup_answer *a,
			       enum startup_failure c, const char *detail)
{
	free(a->failure);
	a->failure_code = c;
	a->failure = facts_startup_failure_message(c, detail);
}

enum tls_failure facts_tls_failure(const struct tls_facts *f)
{
	if (f->failure_code != TLS_FAIL_NONE)
		return f->failure_code;
	return facts_tls_failure_parse(f->failure_kind);
}

enum startup_failure facts_startup_failure(const struct startup_answer *a)
{
	if (a->failure_code != STARTUP_FAIL_NONE)
		return a->failure_code;
	return facts_startup_failure_parse(a->failure);
}

enum chain_failure facts_chain_failure(const struct trust_facts *t,
				       enum chain_gap *gap)
{
	if (t->chain_code != CHAIN_FAIL_NONE) {
		*gap = t->chain_gap;
		return t->chain_code;
	}
	return facts_chain_failure_parse(t->chain_error, gap);
}

char *facts_chain_reason(const struct trust_facts *t)
{
	enum chain_gap gap;
	enum chain_failure c = facts_chain_failure(t, &gap);
	const char *text = facts_chain_failures[c].text;

	if (text && !strchr(text, '*'))
		return facts_chain_failure_message(c, gap, NULL);
	return xstrdup(t->chain_error ? t->chain_error : "");
}
