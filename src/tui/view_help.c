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

/* What the symbols on the screen mean. */
static void legend_rows(struct tui *t, struct tui_rows *r, int w)
{
	char buf[256];
	rows_add(r, w, 0, A_BOLD, " Symbols");
	for (int o = OUTCOME_ENCRYPTED; o <= OUTCOME_UNKNOWN; o++) {
		snprintf(buf, sizeof(buf), "%-10s %s", tui_sym(t, (enum outcome)o),
			 o == OUTCOME_ENCRYPTED ? "the mode connects, encrypted" :
			 o == OUTCOME_PLAINTEXT ? "the mode connects, NOT encrypted" :
			 o == OUTCOME_FAILS	? "the mode fails to connect" :
						  "not known from what was seen");
		rows_add(r, w, 2, tui_outcome_attr(t, (enum outcome)o), buf);
	}
	static const char *const marks[] = {
		"*          timeline: a step libpq takes in the selected mode",
		"x          timeline: the step where the selected mode fails",
		"dis pref req v-ca v-full: disable prefer require verify-ca verify-full, short on a narrow screen",
	};
	for (size_t i = 0; i < sizeof(marks) / sizeof(*marks); i++)
		rows_add(r, w, 2, A_NORMAL, marks[i]);
	snprintf(buf, sizeof(buf), "%s %s %s      sent by the client / received from the server / a note",
		 tui_arrow(t, EV_SEND), tui_arrow(t, EV_RECV), tui_arrow(t, EV_NOTE));
	rows_add(r, w, 2, A_NORMAL, buf);
	snprintf(buf, sizeof(buf), "%s %s        more text above / below: PgUp PgDn in the focused pane",
		 t->utf8 ? "\u25b2" : "^", t->utf8 ? "\u25bc" : "v");
	rows_add(r, w, 2, A_NORMAL, buf);
	rows_add(r, w, 2, A_NORMAL, ">          the title of the focused pane (Tab moves the focus)");
	snprintf(buf, sizeof(buf), "%s          chain view: the certificate OpenSSL refused",
		 t->utf8 ? "\u2718" : "X");
	rows_add(r, w, 2, A_NORMAL, buf);
	rows_add(r, w, 2, A_NORMAL, "E W i      findings: error, warning, information");
}

/* The key table, the ':' commands and the legend, as rows that scroll. */
void view_help_rows(struct tui *t, struct tui_rows *r, int w)
{
	static const char *const lines[] = {
		"  :connect TARGET      :set KEY VALUE (host hostaddr port user dbname sslmode",
		"  sslrootcert sslcert sslkey sslcrl sslcrldir libpq-version login) :rerun :step",
		"  :save report|json|events|svg|html|pcap FILE  :export-chain FILE  :help  :quit",
	};
	rows_add(r, w, 0, A_BOLD, " Keys (each is a named command; the : line takes the names too)");
	for (size_t i = 0; i < tui_ncommands; i++) {
		const struct tui_command *c = &tui_commands[i];
		char buf[256], name[64];
		if (!c->help)
			continue;
		row_name(i, name, sizeof(name));
		snprintf(buf, sizeof(buf), "  %-8s %-14s %s", c->keys, name, c->help);
		rows_add(r, w, 0, A_NORMAL, buf);
	}
	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++)
		rows_add(r, w, 0, A_NORMAL, lines[i]);
	legend_rows(t, r, w);
}
