/* SPDX-License-Identifier: MIT */
/* fuzz-conninfo: libFuzzer target for the target parser. The input is one
 * TARGET (host, host:port, [v6]:port, URI or key=value), parsed as libpq
 * would, then resolved (environment and ~/.postgresql defaults apply, as on
 * the command line) and freed. */
#include "config.h"
#include "engine/conninfo.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *target = malloc(size + 1);
	if (!target)
		abort();
	memcpy(target, data, size);
	target[size] = '\0';

	struct conninfo ci;
	char *err = NULL;
	conninfo_init(&ci);
	if (conninfo_parse_target(&ci, target, &err) == 0) {
		struct conn_target t;
		memset(&t, 0, sizeof(t));
		if (conninfo_resolve(&ci, &t, &err) == 0) {
			/* the what-ifs the interface offers on a resolved target */
			conninfo_target_what_if(&t, "sslmode", "verify-full");
			conninfo_target_what_if(&t, "host", "other.example.com");
		} else if (!err) {
			abort(); /* an error always has a message */
		}
		conninfo_target_free(&t);
	} else if (!err) {
		abort();
	}
	free(err);
	conninfo_free(&ci);
	free(target);
	return 0;
}
