/* SPDX-License-Identifier: MIT */
/* fuzz-data: libFuzzer target for the data files a user may edit,
 * data/providers.json and data/scenarios.json. The first byte chooses the
 * file (even: providers, odd: scenarios), the rest is its text. Providers'
 * rules that load are matched against a small inspection (a host name and
 * a one-certificate chain), so their patterns run too; scenarios that load
 * are looked up by name and grouped as the demo's menu groups them. */
#include "config.h"
#include "demo/scenario.h"
#include "engine/inspection.h"
#include "model/provider.h"
#include "util/xalloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void providers(const char *text, size_t len)
{
	struct inspection ins;
	struct provider_match m;
	char *err = NULL;

	inspection_init(&ins);
	ins.target.host = xstrdup("my-db.abc123.eu-west-1.rds.amazonaws.com");
	ins.chain = xcalloc(1, sizeof(*ins.chain));
	ins.nchain = 1;
	ins.chain[0].subject = xstrdup("CN=my-project:my-instance,O=Google\\, Inc,C=US");
	ins.chain[0].issuer = xstrdup("CN=Google Cloud SQL Server CA,O=Google\\, Inc,C=US");
	if (provider_recognise_text(text, len, &ins, &m, &err) < 0) {
		if (!err || !*err)
			abort(); /* a failure always says why */
		free(err);
	} else {
		if (m.id && !m.name)
			abort();
		provider_match_free(&m);
	}
	inspection_free(&ins);
}

static void scenarios(const char *text, size_t len)
{
	struct scenario_set set;
	char *err = NULL;

	if (scenarios_load_text(&set, text, len, &err) < 0) {
		if (!err || !*err)
			abort();
		free(err);
		return;
	}
	int *order = xcalloc((size_t)set.n + 1, sizeof(*order));
	scenarios_grouped(&set, order);
	for (int i = 0; i < set.n; i++)
		if (order[i] < 0 || order[i] >= set.n ||
		    scenarios_find(&set, set.sc[order[i]].name) == NULL)
			abort();
	free(order);
	scenarios_free(&set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		scenarios((const char *)data + 1, size - 1);
	else
		providers((const char *)data + 1, size - 1);
	return 0;
}
