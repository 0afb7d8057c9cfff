/* SPDX-License-Identifier: MIT */
/* scenario: the demo scenarios, read from data/scenarios.json (see
 * data/README.md for the format). Knows nothing of sockets. */
#ifndef PGI_SCENARIO_H
#define PGI_SCENARIO_H
#include <stdbool.h>
#include <stddef.h>

enum sc_rootcert { SC_ROOT, SC_ROOT_NONE, SC_ROOT_OTHER };
enum sc_reply { SC_REPLY_NORMAL, SC_REPLY_E, SC_REPLY_STALL, SC_REPLY_EXTRA };
enum sc_hba { SC_HBA_ANY, SC_HBA_HOSTSSL, SC_HBA_HOSTNOSSL };

struct scenario {
	char *name, *title, *teaches, *host, *conninfo;
	char *group; /* the heading it comes under in the demo's menu */
	enum sc_rootcert rootcert;
	bool rsa;
	char *root_dn, *inter_dn, *leaf_dn, *client_ca_dn;
	bool send_inter;
	char **dns, **ip, **eku; /* NULL-terminated */
	char *ca_issuers;        /* the leaf's AIA caIssuers URI, or NULL */
	int not_before_days, not_after_days;
	bool self_signed;
	bool ssl;
	enum sc_reply reply;
	char *tls;               /* "TLS1.2+", "TLS1.3", "TLS1.2", "TLS1.0-1.1" */
	bool direct, require_sni, client_cert_require;
	bool client_cert_handshake; /* required by the TLS handshake itself */
	enum sc_hba hba;
	char *hostile;           /* a hostile behaviour (server.c), or NULL */
	int chain_length;        /* CAs between root and leaf (0: as inter_dn says) */
	int san_count;           /* extra generated dNSNames on the leaf */
	int subject_bytes;       /* pad the leaf's subject to this size */
	bool hostile_names;      /* escapes, bidi, bad UTF-8 in names */
};

struct scenario_set {
	struct scenario *sc;
	int n;
	char *path; /* the file they came from */
};

/* Find and read scenarios.json: $PGTLS_INSPECT_DATADIR, the installed
 * pkgdatadir, then data/ of the source tree. -1 with a one-line *err. */
int scenarios_load(struct scenario_set *set, char **err);
/* The same from TEXT, a scenarios.json document of LEN bytes (fuzzing). */
int scenarios_load_text(struct scenario_set *set, const char *text, size_t len, char **err);
const struct scenario *scenarios_find(const struct scenario_set *set, const char *name);
void scenarios_free(struct scenario_set *set);
/* The scenarios' indexes, group by group (groups in the order of their
 * first scenario, the file's order within a group), into order[set->n]. */
void scenarios_grouped(const struct scenario_set *set, int *order);

#endif
