/* SPDX-License-Identifier: MIT */
/* view_help: the key table, drawn from the command table itself
 * (commands.c), so a key and its help cannot drift apart, and the commands
 * only the ':' line takes. A command with no help of its own is the other
 * half of the one before it (page-down/up, host-next/prev) and shares its
 * row. It changes no command. */
#include "config.h"
#include "tui/tui_int.h"
#include <stdio.h>

/* Command i's name, with its other half's after a slash: "page-down/up". */
static void row_name(size_t i, char *buf, size_t n)
{
	const char *name = tui_commands[i].name;
	if (i + 1 >= tui_ncommands || tui_commands[i + 1].help) {
		snprintf(buf, n, "%s", name);
		return;
	}
	const char *other = tui_commands[i + 1].name;
	size_t cut = 0; /* after the last '-' of the prefix both share */
	for (size_t k = 0; name[k] && name[k] == other[k]; k++)
		if (name[k] == '-')
			cut = k + 1;
	snprintf(buf, n, "%s/%s", name, other + cut);
}

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
		char buf[256], name[64];
		if (!c->help)
			continue;
		row_name(i, name, sizeof(name));
		snprintf(buf, sizeof(buf), "  %-8s %-14s %s", c->keys, name, c->help);
		tui_put(y++, 0, COLS, buf, A_NORMAL);
	}
	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines) && y < y0 + h; i++)
		tui_put(y++, 0, COLS, lines[i], A_NORMAL);
}
