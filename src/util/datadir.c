/* SPDX-License-Identifier: MIT */
/* datadir: finding the data files. */
#include "config.h"
#include "util/datadir.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <sys/stat.h>

char *datadir_find(const char *name)
{
	struct stat st;
	const char *env = getenv("PGTLS_INSPECT_DATADIR");
	const char *dirs[] = { env, PKGDATADIR, PGI_SRCDATADIR };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		char *p = xasprintf("%s/%s", dirs[i], name);
		if (stat(p, &st) == 0)
			return p;
		free(p);
		if (i == 0)
			return NULL;
	}
	return NULL;
}

const char *datadir_places(void)
{
	if (getenv("PGTLS_INSPECT_DATADIR"))
		return "$PGTLS_INSPECT_DATADIR, which is used alone when set";
	/* a package's build has no source-tree fallback (PGI_SRCDATADIR empty) */
	return *PGI_SRCDATADIR ? PKGDATADIR " and " PGI_SRCDATADIR : PKGDATADIR;
}
