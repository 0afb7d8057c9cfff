/* SPDX-License-Identifier: MIT */
/* scenario: reading data/scenarios.json with jansson. */
#include "config.h"
#include "demo/scenario.h"
#include "util/datadir.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *str(json_t *o, const char *key, const char *dflt)
{
	json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	return dflt ? xstrdup(dflt) : NULL;
}

static bool boolean(json_t *o, const char *key, bool dflt)
{
	json_t *v = json_object_get(o, key);
	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

static int integer(json_t *o, const char *key, int dflt)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (int)json_integer_value(v) : dflt;
}

static char **list(json_t *o, const char *key)
{
	char **l = NULL;
	int n = 0;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(o, key), i, v)
		if (json_is_string(v))
			strlist_add(&l, &n, json_string_value(v));
	return l;
}

/* A group is a heading of the menu: short, lower case, printable. */
#define GROUP_MAX 32
static bool valid_group(const char *g)
{
	if (!g || !*g || strlen(g) > GROUP_MAX || *g == ' ')
		return false;
	for (const char *p = g; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == ' ' ||
		      *p == '-'))
			return false;
	return true;
}

static const char *dn(json_t *o, const char *key)
{
	return json_string_value(json_object_get(json_object_get(o, key), "dn"));
}

static int read_one(json_t *j, struct scenario *s, char **err)
{
	json_t *pki = json_object_get(j, "pki");
	json_t *leaf = json_object_get(pki, "leaf");
	json_t *srv = json_object_get(j, "server");
	memset(s, 0, sizeof(*s));
	s->name = str(j, "name", NULL);
	s->title = str(j, "title", "");
	s->teaches = str(j, "teaches", "");
	s->host = str(j, "host", "localhost");
	s->conninfo = str(j, "conninfo", "");
	if (!s->name || !*s->name) {
		*err = xstrdup("a scenario has no name");
		return -1;
	}
	s->group = str(j, "group", NULL);
	if (!valid_group(s->group)) {
		*err = xasprintf("scenario %s: \"group\" must be 1 to %d characters of a-z, 0-9, "
				 "blanks and hyphens", s->name, GROUP_MAX);
		return -1;
	}
	const char *rc = json_string_value(json_object_get(j, "rootcert"));
	s->rootcert = rc && !strcmp(rc, "none") ? SC_ROOT_NONE :
		      rc && !strcmp(rc, "other") ? SC_ROOT_OTHER : SC_ROOT;
	const char *key = json_string_value(json_object_get(pki, "key"));
	s->rsa = key && !strcmp(key, "rsa");
	s->root_dn = xstrdup(dn(pki, "root") ? dn(pki, "root") : "CN=pgtls-inspect demo root");
	s->inter_dn = dn(pki, "intermediate") ? xstrdup(dn(pki, "intermediate")) : NULL;
	s->client_ca_dn = dn(pki, "client_ca") ? xstrdup(dn(pki, "client_ca")) : NULL;
	s->send_inter = boolean(pki, "send_intermediate", true);
	s->leaf_dn = str(leaf, "dn", "CN=localhost");
	s->ca_issuers = str(leaf, "ca_issuers", NULL);
	s->dns = list(leaf, "dns");
	s->ip = list(leaf, "ip");
	s->eku = json_object_get(leaf, "eku") ? list(leaf, "eku") : NULL;
	if (!json_object_get(leaf, "eku")) {
		int n = 0;
		strlist_add(&s->eku, &n, "serverAuth");
	}
	s->not_before_days = integer(leaf, "not_before_days", -1);
	s->not_after_days = integer(leaf, "not_after_days", 825);
	s->self_signed = boolean(leaf, "self_signed", false);
	s->ssl = boolean(srv, "ssl", true);
	const char *reply = json_string_value(json_object_get(srv, "reply"));
	s->reply = !reply || !strcmp(reply, "normal") ? SC_REPLY_NORMAL :
		   !strcmp(reply, "E")		     ? SC_REPLY_E :
		   !strcmp(reply, "stall")	     ? SC_REPLY_STALL :
		   !strcmp(reply, "extra")	     ? SC_REPLY_EXTRA :
						       -1;
	if ((int)s->reply < 0) {
		*err = xasprintf("scenario %s: unknown server.reply \"%s\"", s->name, reply);
		return -1;
	}
	s->tls = str(srv, "tls", "TLS1.2+");
	s->direct = boolean(srv, "direct", false);
	s->require_sni = boolean(srv, "require_sni", false);
	const char *cc = json_string_value(json_object_get(srv, "client_cert"));
	s->client_cert_require = cc && !strcmp(cc, "require");
	s->client_cert_handshake = cc && !strcmp(cc, "handshake");
	if (cc && !s->client_cert_require && !s->client_cert_handshake &&
	    strcmp(cc, "none") != 0) {
		*err = xasprintf("scenario %s: unknown server.client_cert \"%s\"", s->name, cc);
		return -1;
	}
	s->hostile = str(srv, "hostile", NULL);
	s->chain_length = integer(pki, "chain_length", 0);
	s->san_count = integer(leaf, "san_count", 0);
	s->subject_bytes = integer(leaf, "subject_bytes", 0);
	s->hostile_names = boolean(leaf, "hostile_names", false);
	if (s->chain_length > 100 || s->san_count > 20000 || s->subject_bytes > 65536) {
		*err = xasprintf("scenario %s: chain_length, san_count or subject_bytes too large",
				 s->name);
		return -1;
	}
	const char *hba = json_string_value(json_object_get(srv, "hba"));
	s->hba = hba && !strcmp(hba, "hostssl")	  ? SC_HBA_HOSTSSL :
		 hba && !strcmp(hba, "hostnossl") ? SC_HBA_HOSTNOSSL :
						    SC_HBA_ANY;
	return 0;
}

static void free_one(struct scenario *s)
{
	free(s->name);
	free(s->group);
	free(s->title);
	free(s->teaches);
	free(s->host);
	free(s->conninfo);
	free(s->root_dn);
	free(s->inter_dn);
	free(s->leaf_dn);
	free(s->ca_issuers);
	free(s->client_ca_dn);
	strlist_free(s->dns);
	strlist_free(s->ip);
	strlist_free(s->eku);
	free(s->tls);
	free(s->hostile);
}

/* The scenarios of a parsed document (root may be NULL: jansson's error
 * in *je), named set->path in messages; takes root. */
static int scenarios_read(struct scenario_set *set, json_t *root, const json_error_t *je,
			  char **err)
{
	json_t *arr = json_object_get(root, "scenarios");
	if (!root || !json_is_array(arr)) {
		*err = root ? xasprintf("%s: no \"scenarios\" array", set->path) :
			      xasprintf("%s:%d: %s", set->path, je->line, je->text);
		json_decref(root);
		free(set->path);
		set->path = NULL;
		return -1;
	}
	set->sc = xcalloc(json_array_size(arr) + 1, sizeof(*set->sc));
	size_t i;
	json_t *j;
	json_array_foreach(arr, i, j) {
		if (read_one(j, &set->sc[set->n], err) < 0) {
			free_one(&set->sc[set->n]);
			json_decref(root);
			scenarios_free(set);
			return -1;
		}
		set->n++;
	}
	json_decref(root);
	return 0;
}

int scenarios_load(struct scenario_set *set, char **err)
{
	json_error_t je;
	memset(set, 0, sizeof(*set));
	set->path = datadir_find("scenarios.json");
	if (!set->path) {
		*err = xasprintf("scenarios.json not found (looked in %s)", datadir_places());
		return -1;
	}
	return scenarios_read(set, json_load_file(set->path, 0, &je), &je, err);
}

int scenarios_load_text(struct scenario_set *set, const char *text, size_t len, char **err)
{
	json_error_t je;
	memset(set, 0, sizeof(*set));
	set->path = xstrdup("scenarios.json");
	return scenarios_read(set, json_loadb(text, len, 0, &je), &je, err);
}

const struct scenario *scenarios_find(const struct scenario_set *set, const char *name)
{
	for (int i = 0; i < set->n; i++)
		if (!strcmp(set->sc[i].name, name))
			return &set->sc[i];
	return NULL;
}

void scenarios_free(struct scenario_set *set)
{
	for (int i = 0; i < set->n; i++)
		free_one(&set->sc[i]);
	free(set->sc);
	free(set->path);
	memset(set, 0, sizeof(*set));
}

void scenarios_grouped(const struct scenario_set *set, int *order)
{
	int k = 0;
	for (int i = 0; i < set->n; i++) {
		bool first = true; /* the first scenario of its group */
		for (int j = 0; j < i && first; j++)
			first = strcmp(set->sc[j].group, set->sc[i].group) != 0;
		for (int j = i; first && j < set->n; j++)
			if (!strcmp(set->sc[j].group, set->sc[i].group))
				order[k++] = j;
	}
}
