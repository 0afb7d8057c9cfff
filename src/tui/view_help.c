/* SPDX-License-Identifier: MIT */
/* view_help: the key table, drawn from the command table itself
 * (commands.c), so a key and its help cannot drift apart, and the commands
 * only the ':' line takes. It changes no command. */
#include "config.h"
#include "tui/tui_int.h"
#include <stdio.h>

void view_help(struct tui *t, int y0, int h)
{
	static const char *const lines[] = {
		"  :connect TARGET      :set KEY VALUE (host hostaddr port user dbname sslmode",
		"  sslrootcert sslcert sslkey sslcrl sslcrldir libpq-version login) :rerun :step",
		"  :save report|json|events FILE   :export-chain FILE   :help   :quit",
	};
	int y = y0;
	tui_put(y++, 0, COLS, " Keys (each is a named command; the : line takes the names too)",
		A_BOLD);
	for (size_t i = 0; i < tui_ncommands && y < y0 + h; i++) {
		const struct tui_command *c = &tui_commands[i];
		char buf[256];
		snprintf(buf, sizeof(buf), "  %-8s %-14s %s", c->keys, c->name, c->help);
		tui_put(y++, 0, COLS, buf, A_NORMAL);
	}
	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines) && y < y0 + h; i++)
		tui_put(y++, 0, COLS, lines[i], A_NORMAL);
}
