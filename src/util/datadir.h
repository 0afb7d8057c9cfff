/* SPDX-License-Identifier: MIT */
/* datadir: where the program's data files are: $PGTLS_INSPECT_DATADIR,
 * the installed pkgdatadir, then data/ of the source tree (so a build
 * works before make install). */
#ifndef PGI_DATADIR_H
#define PGI_DATADIR_H

/* The path of data file NAME (heap), or NULL when it is in none of them.
 * An explicit $PGTLS_INSPECT_DATADIR is not second-guessed. */
char *datadir_find(const char *name);
/* The places looked in, for an error message (static text). */
const char *datadir_places(void);

#endif
