/* SPDX-License-Identifier: MIT */
/* tui: the interactive interface (ncursesw). It owns the terminal: it is
 * the only module besides main.c that draws or reads keys, and it restores
 * the terminal on every way out. */
#ifndef PGI_TUI_H
#define PGI_TUI_H
#include <stdbool.h>
#include "engine/inspection.h"

struct tui_start {
	struct inspection *ins;  /* resolved target; probed already if replayed */
	bool replayed;           /* the facts came from --replay */
	int libpq_version;
	bool step;               /* --step: hold after each network event */
	int timeout_ms;
	bool direct;             /* run the direct-TLS probe too */
	const char *script;      /* key script for tests ($PGTLS_INSPECT_SCRIPT) */
};

/* Run the interface until the user quits. The inspection is taken over
 * (and freed). Returns the process exit code. */
int tui_run(struct tui_start *st);

#endif
