/* SPDX-License-Identifier: MIT */
/* conninfo_passfile: the password file, read as libpq reads it
 * (fe-connect.c passwordFromFile and pwdfMatchesString): one
 * host:port:database:user:password line a entry, '*' for any value, a
 * backslash escaping ':' and '\', '#' lines skipped, the first line that
 * matches wins; a file that is not a plain file or that group or others may
 * use is refused with libpq's WARNING. The password found is handed to the
 * caller and never printed; the buffers that held it are wiped.
 *
 * libpq 15 stat()s the file before it opens it; libpq 16+ open it first and
 * fstat() what they opened, so they block on a FIFO until a writer comes
 * (then warn), and give no WARNING for a file they may not open (15 warns
 * about its mode first). This file takes 15's order, which never opens a
 * FIFO or a device. Unlike libpq, it reads at most PASSFILE_MAX_BYTES of a
 * file and lines of at most PASSFILE_MAX_LINE bytes, and then says that it
 * stopped, so that no file can make the tool wait or read forever. */
#include "config.h"
#include "engine/conninfo_int.h"
#include "util/oserror.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* fe-connect.c: DefaultHost */
#define PASS_DEFAULT_HOST "localhost"
/* pg_config.h: DEF_PGPORT_STR */
#define PASS_DEFAULT_PORT "5432"
/* pg_config_manual.h: DEFAULT_PGSOCKET_DIR of Debian's libpq (an upstream
 * build has "/tmp") */
#define PASS_SOCKET_DIR "/var/run/postgresql"
/* PQExpBuffer's first size, and the room passwordFromFile asks for before
 * each read: together they decide where fgets cuts a line (which matters
 * only for a line with a NUL byte in it) */
#define PASS_FIRST_BUF 256
#define PASS_READ_ROOM 128
/* not libpq's: the most of one file, and of one line, this tool reads */
#define PASSFILE_MAX_BYTES (1 << 20)
#define PASSFILE_MAX_LINE (64 << 10)

/* fe-connect.c: pwdfMatchesString. Does the field at buf equal token ('*'
 * alone matches anything; a backslash makes the next byte literal)? The
 * next field when it does, else NULL. */
static char *field_matches(char *buf, const char *token)
{
	bool escaped = false;
	char *p = buf;

	if (!buf || !token)
		return NULL;
	if (p[0] == '*' && p[1] == ':')
		return p + 2;
	while (*p) {
		if (*p == '\\' && !escaped) {
			p++;
			escaped = true;
		}
		if (*p == ':' && !*token && !escaped)
			return p + 1;
		escaped = false;
		if (!*token || *p != *token)
			return NULL;
		p++;
		token++;
	}
	return NULL;
}

/* passwordFromFile: the password field de-escaped (a backslash keeps the
 * byte after it, even ':'; an unescaped ':' ends the field). */
static char *unescape_password(const char *field)
{
	char *out = xstrdup(field), *o = out;

	for (const char *p = field; *p && *p != ':'; p++) {
		if (*p == '\\' && p[1])
			p++;
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* is_unixsock_path (port.h) */
static bool socket_path(const char *s)
{
	return s[0] == '/' || s[0] == '@';
}

/* passwordFromFile's checks before reading: NULL (and *warning) when
 * libpq reads no line of the file. The file is opened only once stat()
 * says it is a regular file, and must still be the same one then. */
static FILE *open_passfile(const char *file, char **warning)
{
	struct stat st, fst;
	int fd;
	FILE *f;

	if (stat(file, &st) != 0)
		return NULL; /* "If password file cannot be opened, ignore it." */
	if (!S_ISREG(st.st_mode)) {
		*warning = xasprintf("WARNING: password file \"%s\" is not a plain file", file);
		return NULL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		*warning = xasprintf("WARNING: password file \"%s\" has group or world access; "
				     "permissions should be u=rw (0600) or less",
				     file);
		return NULL;
	}
	fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		os_note_fd_error(errno);
		return NULL;
	}
	if (fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode) || fst.st_dev != st.st_dev ||
	    fst.st_ino != st.st_ino) {
		close(fd); /* replaced since the stat: not libpq's case, read nothing */
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

/* One line, grown as passwordFromFile grows its PQExpBuffer. */
struct pass_line {
	char *data;
	size_t len, cap;
};

/* Room for one more read (PASS_READ_ROOM bytes), doubling the buffer as
 * enlargePQExpBuffer does. The old buffer is wiped: it may hold a
 * password. */
static void line_room(struct pass_line *l)
{
	size_t need = l->len + PASS_READ_ROOM + 1, cap = l->cap;
	char *data;

	if (need <= cap)
		return;
	while (cap < need)
		cap *= 2;
	data = xmalloc(cap);
	memcpy(data, l->data, l->len + 1);
	explicit_bzero(l->data, l->cap);
	free(l->data);
	l->data = data;
	l->cap = cap;
}

/* pg_strip_crlf: trailing newlines and carriage returns off; the length
 * left. */
static size_t strip_crlf(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return n;
}

/* passwordFromFile's loop: whole lines read with fgets (a line with a NUL
 * loses the rest of that read, as in libpq), '#' lines skipped, the first
 * whose four fields match gives the password. */
static char *read_lines(FILE *f, const char *file, const char *const key[4], char **warning,
			bool *gave_up)
{
	struct pass_line l = { xmalloc(PASS_FIRST_BUF), 0, PASS_FIRST_BUF };
	char *found = NULL;
	int linenr = 1;

	l.data[0] = '\0';
	while (!feof(f) && !ferror(f)) {
		line_room(&l);
		if (!fgets(l.data + l.len, (int)(l.cap - l.len), f))
			break;
		l.len += strlen(l.data + l.len);
		if (l.len > PASSFILE_MAX_LINE) {
			*warning = xasprintf("pgtls-inspect stopped reading password file \"%s\" at "
					     "line %d, longer than %d bytes; libpq would read on",
					     file, linenr, PASSFILE_MAX_LINE);
			*gave_up = true;
			break;
		}
		off_t pos = ftello(f);
		if (pos < 0 || pos > PASSFILE_MAX_BYTES) {
			*warning = xasprintf("pgtls-inspect stopped reading password file \"%s\" "
					     "after %d bytes; libpq would read on",
					     file, PASSFILE_MAX_BYTES);
			*gave_up = true;
			break;
		}
		if (!(l.len > 0 && l.data[l.len - 1] == '\n') && !feof(f))
			continue; /* not a whole line yet */
		if (l.data[0] != '#' && strip_crlf(l.data) > 0) {
			char *t = l.data;

			for (int i = 0; i < 4 && t; i++)
				t = field_matches(t, key[i]);
			if (t) {
				found = unescape_password(t);
				break;
			}
		}
		l.len = 0;
		linenr++;
	}
	explicit_bzero(l.data, l.cap);
	free(l.data);
	return found;
}

/* fe-connect.c: passwordFromFile */
char *ci_passfile_lookup(const char *file, const char *host, const char *port,
			 const char *dbname, const char *user, char **warning,
			 bool *gave_up)
{
	const char *key[4];
	char *found;
	FILE *f;

	*warning = NULL;
	*gave_up = false;
	if (!file || !*file || !dbname || !*dbname || !user || !*user)
		return NULL;
	/* 'localhost' stands for no host and for the default socket directory */
	if (!host || !*host || (socket_path(host) && strcmp(host, PASS_SOCKET_DIR) == 0))
		host = PASS_DEFAULT_HOST;
	if (!port || !*port)
		port = PASS_DEFAULT_PORT;
	f = open_passfile(file, warning);
	if (!f)
		return NULL;
	key[0] = host;
	key[1] = port;
	key[2] = dbname;
	key[3] = user;
	found = read_lines(f, file, key, warning, gave_up);
	fclose(f);
	return found;
}

char *ci_passfile_password(const char *file, const char *host, const char *port,
			   const char *dbname, const char *user, char **warning)
{
	bool gave_up;

	return ci_passfile_lookup(file, host, port, dbname, user, warning, &gave_up);
}
