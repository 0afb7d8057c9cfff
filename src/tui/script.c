/* SPDX-License-Identifier: MIT */
/* script: the test hooks. A key script ($PGTLS_INSPECT_SCRIPT, tig's
 * syntax) stands in for the keyboard, with directives a keyboard has not
 * got (a resize, a screen dump at that very point), and the screen is
 * dumped as text for the tests to compare. It feeds keys and reads the
 * screen; what a key does is the command table's. */
#include "config.h"
#include "tui/tui_int.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static const struct {
	const char *name;
	int key;
} script_keys[] = {
	{ "Enter", '\r' },     { "Esc", 27 },		{ "Tab", '\t' },
	{ "BS", 127 },	       { "Space", ' ' },	{ "Up", KEY_UP },
	{ "Down", KEY_DOWN },  { "Left", KEY_LEFT },	{ "Right", KEY_RIGHT },
	{ "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE },	{ "Home", KEY_HOME },
	{ "End", KEY_END },    { "lt", '<' },	{ "Colon", ':' },
};

/* A resize or a screen dump in a script: encoded above the key range. */
#define SCRIPT_RESIZE 0x100000
#define SCRIPT_CLICK 0x1000000
#define SCRIPT_DUMP 0x2000000

static void script_push(struct tui *t, int k)
{
	t->script = xrealloc(t->script, (t->nscript + 1) * sizeof(int));
	t->script[t->nscript++] = k;
}

/* The key <name> stands for (len: the name's length as written), or -1. */
static int named_key(struct tui *t, const char *name, size_t len)
{
	int key = -1, w, h;
	if (sscanf(name, "Resize %dx%d", &w, &h) == 2) {
		key = SCRIPT_RESIZE + (w << 10) + h;
	} else if (sscanf(name, "Click %d,%d", &w, &h) == 2 && w >= 0 && w < 1024 && h >= 0 &&
		   h < 1024) {
		/* a mouse click at column w, row h (0 first) */
		key = SCRIPT_CLICK + (w << 10) + h;
	} else if (!strncmp(name, "Dump ", 5)) {
		/* a dump at this very point, even with the command line half
		 * typed */
		strlist_add(&t->dumps, &t->ndumps, name + 5);
		key = SCRIPT_DUMP + t->ndumps - 1;
	} else if (!strncmp(name, "C-", 2) && len == 3) {
		key = name[2] & 0x1f;
	}
	for (size_t k = 0; k < sizeof(script_keys) / sizeof(*script_keys); k++)
		if (!strcmp(name, script_keys[k].name))
			key = script_keys[k].key;
	return key;
}

/* One line of a script, n bytes: its keys, a ':command' line with an
 * implied Enter. */
static void load_line(struct tui *t, const char *line, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *end = line[i] == '<' ? strchr(line + i, '>') : NULL;
		if (end) {
			size_t len = (size_t)(end - line) - i - 1;
			char name[64];
			snprintf(name, sizeof(name), "%.*s", (int)len, line + i + 1);
			int key = named_key(t, name, len);
			if (key >= 0) {
				script_push(t, key);
				i += len + 1;
				continue;
			}
		}
		script_push(t, (unsigned char)line[i]);
	}
	if (line[0] == ':')
		script_push(t, '\r');
}

/* tig's script syntax: literal text, <Key> names, <C-x>, <Resize WxH>,
 * <Click X,Y>,
 * ':command' lines (with an implied Enter), '#' comments. */
int tui_script_load(struct tui *t, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\n");
		line[n] = '\0';
		if (line[0] == '#' || n == 0)
			continue;
		load_line(t, line, n);
	}
	fclose(f);
	return 0;
}

/* The script's next key (ERR at its end); the terminal's come through
 * the loop's poll(). */
int tui_script_next(struct tui *t)
{
	return t->pos < t->nscript ? t->script[t->pos++] : ERR;
}

/* Carry out a script's directive: true if k was one (a dump or a resize),
 * false for a key. */
bool tui_script_key(struct tui *t, int k)
{
	if (k >= SCRIPT_DUMP) {
		if (t->cmdline)
			cmdline_draw(t);
		tui_dump_screen(t, t->dumps[k - SCRIPT_DUMP]);
		return true;
	}
	if (k >= SCRIPT_CLICK) {
		/* the event KEY_MOUSE's getmouse would give */
		MEVENT ev = { .id = 0,
			      .x = (k - SCRIPT_CLICK) >> 10,
			      .y = (k - SCRIPT_CLICK) & 1023,
			      .bstate = BUTTON1_PRESSED };
		tui_mouse(t, &ev);
		return true;
	}
	if (k >= SCRIPT_RESIZE) {
		int w = (k - SCRIPT_RESIZE) >> 10, h = (k - SCRIPT_RESIZE) & 1023;
		resizeterm(h, w);
		cmdline_resize(h, w);
		return true;
	}
	return false;
}

void tui_script_free(struct tui *t)
{
	free(t->script);
	t->script = NULL;
	strlist_free(t->dumps);
	t->dumps = NULL;
}

/* The screen as text, NAME.screen in $PGTLS_INSPECT_DUMPDIR: one line a
 * row, trailing blanks cut. */
void tui_dump_screen(struct tui *t, const char *name)
{
	char *path = xasprintf("%s/%s.screen", t->dumpdir ? t->dumpdir : ".", name);
	FILE *f = fopen(path, "w");
	free(path);
	if (!f)
		return;
	refresh();
	for (int y = 0; y < LINES; y++) {
		wchar_t w[1024];
		int n = mvwinnwstr(curscr, y, 0, w, COLS < 1023 ? COLS : 1023);
		if (n < 0)
			n = 0;
		w[n] = 0;
		char out[4096];
		size_t len = wcstombs(out, w, sizeof(out) - 1);
		if (len == (size_t)-1)
			len = 0;
		out[len] = '\0';
		while (len && out[len - 1] == ' ')
			out[--len] = '\0';
		fprintf(f, "%s\n", out);
	}
	fclose(f);
}
