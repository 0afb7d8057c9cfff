/* SPDX-License-Identifier: MIT */
/* tui: the interactive interface (ncursesw). It owns the terminal: it is
 * the only module besides main.c that draws or reads keys, and it restores
 * the terminal on every way out. */
#ifndef PGI_TUI_H
#define PGI_TUI_H
#include <stdbool.h>
#include "app/session.h"

struct tui_start {
	struct session *s;       /* its target set, or its facts replayed */
	bool step;               /* --step: hold after each network event */
	const char *script;      /* key script for tests ($PGTLS_INSPECT_SCRIPT) */
	bool demo;               /* a live demo scenario: ] [ open the next / previous */
	bool demo_menu;          /* open on the demo's menu (no target yet); q returns to it */
};

/* Run the interface until the user quits; a live target is inspected at
 * once. The session stays the caller's. Returns the process exit code, or
 * TUI_NO_TERMINAL when the terminal cannot show it (TERM=dumb, no cursor
 * addressing, under 40x12: a note on stderr says so, the caller writes
 * the text report instead). */
#define TUI_NO_TERMINAL (-1)
int tui_run(struct tui_start *st);

#endif
