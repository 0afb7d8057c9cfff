/* SPDX-License-Identifier: MIT */
/* provider: names the managed PostgreSQL service behind a target from the
 * certificates it sent and the host name it was reached by. The knowledge
 * lives in data/providers.json (schema in data/README.md), read afresh on
 * each call: an ordered list of fingerprints, first match wins. This file
 * owns loading, validating and evaluating that list and nothing else; it
 * never prints and touches no socket. Server text in the evidence line is
 * raw, as everything in the inspection is; sinks sanitize. */
#include "config.h"
#include "model/provider.h"
#include "util/datadir.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <jansson.h>
#include <regex.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <string.h>

enum field { F_ISSUER, F_SUBJECT, F_SAN, F_HOST, F_COUNT };

static const char *const field_keys[F_COUNT] = {
	"issuer_regex", "subject_regex", "san_regex", "host_regex",
};

/* One entry of the file. Strings point into the JSON document, which
 * outlives the rules. */
struct rule {
	const char *id, *name, *evidence, *ca_bundle, *host_advice, *advice;
	const char *pattern[F_COUNT];
	regex_t re[F_COUNT];
	bool compiled[F_COUNT];
	int self_signed; /* 1, 0, -1 not asked */
};

struct rules {
	struct rule *r;
	size_t n;
	json_t *doc;
};

static void rule_free(struct rule *r)
{
	for (int f = 0; f < F_COUNT; f++)
		if (r->compiled[f])
			regfree(&r->re[f]);
}

static void rules_free(struct rules *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		rule_free(&rs->r[i]);
	free(rs->r);
	json_decref(rs->doc);
	memset(rs, 0, sizeof(*rs));
}

/* An optional text key: absent or null leaves *out NULL. */
static int opt_string(json_t *o, const char *key, const char **out,
		      const char *path, size_t idx, char **err)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		*err = xasprintf("%s: provider %zu: \"%s\" is not a string",
				 path, idx, key);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

static bool id_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-'))
			return false;
	return true;
}

static int read_match(json_t *m, struct rule *r, const char *path, char **err)
{
	const char *key;
	json_t *v;
	int npatterns = 0;

	if (!json_is_object(m)) {
		*err = xasprintf("%s: provider %s: \"match\" is not an object",
				 path, r->id);
		return -1;
	}
	json_object_foreach(m, key, v) {
		int f;
		for (f = 0; f < F_COUNT; f++)
			if (!strcmp(key, field_keys[f]))
				break;
		if (f == F_COUNT && !strcmp(key, "self_signed")) {
			if (!json_is_boolean(v)) {
				*err = xasprintf("%s: provider %s: \"%s\" is not true or false",
						 path, r->id, key);
				return -1;
			}
			r->self_signed = json_is_true(v);
			npatterns++;
			continue;
		}
		/* An unknown key would silently widen the match (a typo
		 * drops a condition from the AND), so it is an error. */
		if (f == F_COUNT) {
			*err = xasprintf("%s: provider %s: unknown match key \"%s\"",
					 path, r->id, key);
			return -1;
		}
		if (!json_is_string(v)) {
			*err = xasprintf("%s: provider %s: \"%s\" is not a string",
					 path, r->id, key);
			return -1;
		}
		r->pattern[f] = json_string_value(v);
		int rc = regcomp(&r->re[f], r->pattern[f],
				 REG_EXTENDED | REG_ICASE | REG_NOSUB);
		if (rc != 0) {
			char msg[256];
			regerror(rc, &r->re[f], msg, sizeof(msg));
			*err = xasprintf("%s: provider %s: %s /%s/: %s", path,
					 r->id, key, r->pattern[f], msg);
			return -1;
		}
		r->compiled[f] = true;
		npatterns++;
	}
	if (npatterns == 0) {
		*err = xasprintf("%s: provider %s: \"match\" lists no pattern",
				 path, r->id);
		return -1;
	}
	return 0;
}

/* The first earlier entry with the same id, which carries the texts. */
static const struct rule *first_of(const struct rules *rs, const char *id)
{
	for (size_t i = 0; i < rs->n; i++)
		if (!strcmp(rs->r[i].id, id))
			return &rs->r[i];
	return NULL;
}

static int read_rule(const struct rules *rs, json_t *o, size_t idx,
		     struct rule *r, const char *path, char **err)
{
	static const char *const known[] = {
		"id", "name", "match", "evidence", "ca_bundle", "host_advice",
		"advice", "comment",
	};
	const char *key;
	json_t *v;

	r->self_signed = -1;
	if (!json_is_object(o)) {
		*err = xasprintf("%s: provider %zu is not an object", path, idx);
		return -1;
	}
	json_object_foreach(o, key, v) {
		size_t k;
		for (k = 0; k < sizeof(known) / sizeof(*known); k++)
			if (!strcmp(key, known[k]))
				break;
		if (k == sizeof(known) / sizeof(*known)) {
			*err = xasprintf("%s: provider %zu: unknown key \"%s\"",
					 path, idx, key);
			return -1;
		}
	}
	if (opt_string(o, "id", &r->id, path, idx, err) < 0)
		return -1;
	if (!r->id || !id_ok(r->id)) {
		*err = xasprintf("%s: provider %zu: \"id\" must be [a-z0-9-]+",
				 path, idx);
		return -1;
	}
	if (opt_string(o, "name", &r->name, path, idx, err) < 0 ||
	    opt_string(o, "evidence", &r->evidence, path, idx, err) < 0 ||
	    opt_string(o, "ca_bundle", &r->ca_bundle, path, idx, err) < 0 ||
	    opt_string(o, "host_advice", &r->host_advice, path, idx, err) < 0 ||
	    opt_string(o, "advice", &r->advice, path, idx, err) < 0)
		return -1;

	/* Later entries of an id inherit what they leave out. */
	const struct rule *first = first_of(rs, r->id);
	if (first) {
		if (!r->name)
			r->name = first->name;
		if (!r->ca_bundle)
			r->ca_bundle = first->ca_bundle;
		if (!r->host_advice)
			r->host_advice = first->host_advice;
		if (!r->advice)
			r->advice = first->advice;
	} else if (!r->name) {
		*err = xasprintf("%s: provider %s: no \"name\"", path, r->id);
		return -1;
	}
	return read_match(json_object_get(o, "match"), r, path, err);
}

/* The rules of a parsed document (rs->doc set, the rest zero); -1 with
 * *err, the rules freed. */
static int rules_read(struct rules *rs, const char *path, char **err)
{
	json_t *ver = json_object_get(rs->doc, "version");
	json_t *arr = json_object_get(rs->doc, "providers");
	if (!json_is_integer(ver) || json_integer_value(ver) != 1) {
		*err = xasprintf("%s: \"version\" is not 1", path);
		goto fail;
	}
	if (!json_is_array(arr)) {
		*err = xasprintf("%s: no \"providers\" array", path);
		goto fail;
	}
	rs->r = xcalloc(json_array_size(arr) + 1, sizeof(*rs->r));
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o) {
		if (read_rule(rs, o, i, &rs->r[i], path, err) < 0) {
			rule_free(&rs->r[i]);
			goto fail;
		}
		rs->n++;
	}
	return 0;
fail:
	rules_free(rs);
	return -1;
}

static int rules_load(struct rules *rs, const char *path, char **err)
{
	json_error_t je;

	memset(rs, 0, sizeof(*rs));
	rs->doc = json_load_file(path, 0, &je);
	if (!rs->doc) {
		*err = xasprintf("%s:%d: %s", path, je.line, je.text);
		return -1;
	}
	return rules_read(rs, path, err);
}

/* The patterns, read and compiled once and kept while the file is the
 * same (the fleet mode and the interface recognise again and again). The
 * lock also keeps a reload from freeing rules another thread matches. */
static struct {
	pthread_mutex_t lock;
	char *path;
	struct timespec mtime;
	off_t size;
	struct rules rs;
	bool loaded;
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* With cache.lock held: the current rules, or -1 with *err. */
static int rules_get(const struct rules **out, char **err)
{
	struct stat st;
	char *path = datadir_find("providers.json");
	if (!path) {
		*err = xasprintf("providers.json not found (looked in %s)", datadir_places());
		return -1;
	}
	if (stat(path, &st) < 0) {
		*err = xasprintf("cannot read %s", path);
		free(path);
		return -1;
	}
	if (!cache.loaded || strcmp(cache.path, path) || cache.mtime.tv_sec != st.st_mtim.tv_sec ||
	    cache.mtime.tv_nsec != st.st_mtim.tv_nsec || cache.size != st.st_size) {
		struct rules fresh;
		if (rules_load(&fresh, path, err) < 0) {
			free(path);
			return -1;
		}
		if (cache.loaded)
			rules_free(&cache.rs);
		free(cache.path);
		cache.rs = fresh;
		cache.path = path;
		cache.mtime = st.st_mtim;
		cache.size = st.st_size;
		cache.loaded = true;
	} else {
		free(path);
	}
	*out = &cache.rs;
	return 0;
}

static bool pattern_matches(const regex_t *re, const char *s)
{
	return s && regexec(re, s, 0, NULL, 0) == 0;
}

static void note(struct strbuf *sb, const char *what, const char *value,
		 const char *pattern)
{
	if (sb->len)
		sb_adds(sb, "; ");
	sb_addf(sb, "%s \"%s\" matches /%s/", what, value, pattern);
}

/* Every condition of R against INS; on a match the evidence line is left
 * in *sb. */
static bool rule_matches(const struct rule *r, const struct inspection *ins,
			 struct strbuf *sb)
{
	const struct cert_facts *leaf = ins->nchain ? &ins->chain[0] : NULL;

	for (int f = F_ISSUER; f <= F_SUBJECT; f++) {
		const char *dn = NULL;
		if (!r->compiled[f])
			continue;
		for (size_t i = 0; i < ins->nchain && !dn; i++) {
			const struct cert_facts *c = &ins->chain[i];
			const char *s = f == F_ISSUER ? c->issuer : c->subject;
			if (pattern_matches(&r->re[f], s))
				dn = s;
		}
		if (!dn)
			return false;
		note(sb, f == F_ISSUER ? "issuer" : "subject", dn,
		     r->pattern[f]);
	}
	if (r->compiled[F_SAN]) {
		int i;
		if (!leaf)
			return false;
		for (i = 0; i < leaf->nsan_dns; i++)
			/* a name with a NUL byte is no provider's host name */
			if (!cert_name_has_nul(leaf->san_dns, leaf->san_dns_len, i) &&
			    pattern_matches(&r->re[F_SAN], leaf->san_dns[i]))
				break;
		if (i == leaf->nsan_dns)
			return false;
		note(sb, "SAN", leaf->san_dns[i], r->pattern[F_SAN]);
	}
	if (r->compiled[F_HOST]) {
		if (!pattern_matches(&r->re[F_HOST], ins->target.host))
			return false;
		note(sb, "host", ins->target.host, r->pattern[F_HOST]);
	}
	if (r->self_signed >= 0) {
		if (!leaf || leaf->self_signed != (r->self_signed == 1))
			return false;
		if (sb->len)
			sb_adds(sb, "; ");
		sb_adds(sb, r->self_signed ? "leaf is self-signed" :
					     "leaf is not self-signed");
	}
	if (r->evidence)
		sb_addf(sb, " (%s)", r->evidence);
	return true;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* The first rule of rs that ins matches, into *out. */
static void recognise_in(const struct rules *rs, const struct inspection *ins,
			 struct provider_match *out)
{
	for (size_t i = 0; i < rs->n; i++) {
		struct strbuf sb = STRBUF_INIT;
		const struct rule *r = &rs->r[i];
		if (!rule_matches(r, ins, &sb)) {
			sb_free(&sb);
			continue;
		}
		out->id = xstrdup(r->id);
		out->name = xstrdup(r->name);
		out->evidence = sb_detach(&sb);
		out->ca_bundle = dup_or_null(r->ca_bundle);
		out->host_advice = dup_or_null(r->host_advice);
		out->advice = dup_or_null(r->advice);
		break;
	}
}

/* The file's own text (a key, a pattern, jansson's excerpt) is in *err:
 * escaped here, for every sink. */
static int escaped_error(char **err)
{
	char *raw = *err;
	*err = sanitize(raw);
	free(raw);
	return -1;
}

int provider_recognise(const struct inspection *ins, struct provider_match *out,
		       char **err)
{
	const struct rules *rs;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&cache.lock);
	if (rules_get(&rs, err) < 0) {
		pthread_mutex_unlock(&cache.lock);
		return escaped_error(err);
	}
	recognise_in(rs, ins, out);
	pthread_mutex_unlock(&cache.lock);
	return 0;
}

int provider_recognise_text(const char *text, size_t len, const struct inspection *ins,
			    struct provider_match *out, char **err)
{
	struct rules rs;
	json_error_t je;

	memset(out, 0, sizeof(*out));
	memset(&rs, 0, sizeof(rs));
	rs.doc = json_loadb(text, len, 0, &je);
	if (!rs.doc) {
		*err = xasprintf("providers.json:%d: %s", je.line, je.text);
		return escaped_error(err);
	}
	if (rules_read(&rs, "providers.json", err) < 0)
		return escaped_error(err);
	recognise_in(&rs, ins, out);
	rules_free(&rs);
	return 0;
}

void provider_match_free(struct provider_match *m)
{
	if (!m)
		return;
	free(m->id);
	free(m->name);
	free(m->evidence);
	free(m->ca_bundle);
	free(m->host_advice);
	free(m->advice);
	memset(m, 0, sizeof(*m));
}
