/* SPDX-License-Identifier: MIT */
/* Unit tests for the password: the password file read as libpq's
 * passwordFromFile reads it (ci_passfile_password: the matching rules,
 * libpq's WARNINGs, files that are not plain files), and where
 * conninfo_resolve says each host slot's password comes from (the
 * password keyword from each source, the password file from passfile,
 * PGPASSFILE or ~/.pgpass), with the masked target text. HOME points at a
 * fresh directory under /tmp; SIGALRM fails a test that would block. */
#include "config.h"
#include "engine/conninfo_int.h"
#include "check.h"
#include "conninfo_env.h"
#include "util/xalloc.h"
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *home_path(const char *rel)
{
	return xasprintf("%s/%s", home, rel);
}

/* FILE holds exactly len bytes of text (NULs too), with MODE. */
static void write_bytes(const char *file, const char *text, size_t len, mode_t mode)
{
	FILE *f = fopen(file, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_INT(fwrite(text, 1, len, f), len);
	fclose(f);
	CHECK_INT(chmod(file, mode), 0);
}

static void write_file(const char *file, const char *text, mode_t mode)
{
	write_bytes(file, text, strlen(text), mode);
}

/* What the file gives for host, port, dbname, user: the password or
 * NULL (the warning, if any, compared with want_warning). */
static void lookup_is(const char *file, const char *host, const char *port, const char *db,
		      const char *user, const char *want, const char *want_warning, int line)
{
	char *warning = NULL;
	char *pw = ci_passfile_password(file, host, port, db, user, &warning);

	if ((pw == NULL) != (want == NULL) || (pw && strcmp(pw, want)) ||
	    (warning == NULL) != (want_warning == NULL) ||
	    (warning && strcmp(warning, want_warning))) {
		check_failures++;
		fprintf(stderr, "%s:%d: got \"%s\" (warning \"%s\"), want \"%s\" (warning \"%s\")\n",
			__FILE__, line, pw ? pw : "(null)", warning ? warning : "(null)",
			want ? want : "(null)", want_warning ? want_warning : "(null)");
	}
	check_count++;
	ci_wipe_free(pw);
	free(warning);
}
#define GIVES(file, host, port, db, user, want) \
	lookup_is(file, host, port, db, user, want, NULL, __LINE__)
#define WARNS(file, want_warning) \
	lookup_is(file, "h", "1", "d", "u", NULL, want_warning, __LINE__)

/* pwdfMatchesString and passwordFromFile's line loop */
static void test_matching(void)
{
	char *f = home_path("match.pass");

	/* exact fields; each one that differs misses */
	write_file(f, "h:5433:db:u:pw\n", 0600);
	GIVES(f, "h", "5433", "db", "u", "pw");
	GIVES(f, "h2", "5433", "db", "u", NULL);
	GIVES(f, "h", "5432", "db", "u", NULL);
	GIVES(f, "h", "5433", "db2", "u", NULL);
	GIVES(f, "h", "5433", "db", "u2", NULL);
	GIVES(f, "hh", "5433", "db", "u", NULL); /* no prefix match */
	GIVES(f, "", "5433", "db", "u", NULL);
	/* no dbname or user: no lookup at all */
	write_file(f, "*:*:*:*:any\n", 0600);
	GIVES(f, "h", "1", "db", "u", "any");
	GIVES(f, "h", "1", "", "u", NULL);
	GIVES(f, "h", "1", "db", NULL, NULL);

	/* '*' alone is any value; inside a field it is a letter */
	write_file(f, "h*:*:*:*:star\n*:7:*:bob:seven\n", 0600);
	GIVES(f, "hx", "1", "d", "u", NULL);
	GIVES(f, "h*", "1", "d", "u", "star");
	GIVES(f, "x", "7", "d", "bob", "seven");
	GIVES(f, "x", "7", "d", "alice", NULL);

	/* backslash escapes: "\:" in a field (an IPv6 host), "\\" a
	 * backslash, "\*" a literal star; in the password "\:" and "\\",
	 * and an unescaped ':' ends it */
	write_file(f, "\\:\\:1:*:*:*:v6\n"
		      "a\\\\b:*:*:*:bs\n"
		      "\\*:*:*:*:esc\n"
		      "p:*:*:*:p\\:w\\\\x:extra\n"
		      "t:*:*:*:trail\\\n",
		   0600);
	GIVES(f, "::1", "5432", "d", "u", "v6");
	GIVES(f, "a\\b", "5432", "d", "u", "bs");
	GIVES(f, "x", "5432", "d", "u", NULL);
	GIVES(f, "*", "5432", "d", "u", "esc");
	GIVES(f, "p", "5432", "d", "u", "p:w\\x");
	GIVES(f, "t", "5432", "d", "u", "trail\\");
	/* an escaped ':' where the value ends does not end the field */
	write_file(f, "h\\::*:*:*:colon\n", 0600);
	GIVES(f, "h", "5432", "d", "u", NULL);
	GIVES(f, "h:", "5432", "d", "u", "colon");

	/* '#' in the first column is a comment, elsewhere a letter; blank
	 * lines and CRLF; the first matching line wins */
	write_file(f, "#h:*:*:*:comment\n\n \n#\n h:*:*:*:space\r\n"
		      "h:*:*:*:first\r\nh:*:*:*:second\n",
		   0600);
	GIVES(f, "h", "1", "d", "u", "first");
	GIVES(f, " h", "1", "d", "u", "space");
	GIVES(f, "#h", "1", "d", "u", NULL);

	/* empty fields match only an empty value; an empty password is
	 * found (resolve counts it as none) */
	write_file(f, "::d:u:e\nh:1:d:u:\n", 0600);
	GIVES(f, "h", "1", "d", "u", "");
	GIVES(f, "x", "1", "d", "u", NULL);

	/* a line with too few fields matches nothing, the last line needs
	 * no newline */
	write_file(f, "h:1:d:u\nh:1:d\nh\nh:2:d:u:last", 0600);
	GIVES(f, "h", "1", "d", "u", NULL);
	GIVES(f, "h", "2", "d", "u", "last");

	/* no host, "", and the default socket directory are 'localhost';
	 * another socket directory is itself; no port is DEF_PGPORT_STR */
	write_file(f, "localhost:5432:d:u:local\n/tmp:5432:d:u:tmp\n", 0600);
	GIVES(f, NULL, NULL, "d", "u", "local");
	GIVES(f, "", "", "d", "u", "local");
	GIVES(f, "/var/run/postgresql", "5432", "d", "u", "local");
	GIVES(f, "/tmp", "5432", "d", "u", "tmp");
	GIVES(f, "localhost", "5433", "d", "u", NULL);
	/* the port as written: "05432" is not "5432" */
	GIVES(f, "localhost", "05432", "d", "u", NULL);

	/* a NUL ends what fgets gave of the line, and libpq goes on with
	 * the next read: "h\0junk\n" then ":1:d:u:nul" is "h:1:d:u:nul" */
	write_bytes(f, "h\0junk\n:1:d:u:nul\n", 18, 0600);
	GIVES(f, "h", "1", "d", "u", "nul");

	/* a long password (10 KB) is read whole */
	char *big = xmalloc(10001);
	memset(big, 'p', 10000);
	big[10000] = '\0';
	char *text = xasprintf("x:*:*:*:no\nh:*:*:*:%s\n", big);
	write_file(f, text, 0600);
	GIVES(f, "h", "1", "d", "u", big);
	free(text);
	free(big);

	unlink(f);
	free(f);
}

/* passwordFromFile's refusals: libpq's WARNING lines, word for word */
static void test_refused(void)
{
	char *f = home_path("perm.pass");
	char *want;

	write_file(f, "*:*:*:*:pw\n", 0644);
	want = xasprintf("WARNING: password file \"%s\" has group or world access; "
			 "permissions should be u=rw (0600) or less", f);
	WARNS(f, want);
	CHECK_INT(chmod(f, 0640), 0);
	WARNS(f, want);
	CHECK_INT(chmod(f, 0602), 0);
	WARNS(f, want);
	CHECK_INT(chmod(f, 0610), 0);
	WARNS(f, want);
	free(want);
	CHECK_INT(chmod(f, 0600), 0);
	GIVES(f, "h", "1", "d", "u", "pw");
	CHECK_INT(chmod(f, 0400), 0);
	GIVES(f, "h", "1", "d", "u", "pw");
	/* a symbolic link is followed (stat) */
	char *link = home_path("link.pass");
	CHECK_INT(symlink(f, link), 0);
	GIVES(link, "h", "1", "d", "u", "pw");
	unlink(link);
	free(link);
	unlink(f);
	/* absent: no password, no warning */
	GIVES(f, "h", "1", "d", "u", NULL);
	free(f);

	/* not a plain file: a directory, a FIFO (never opened: this would
	 * block until SIGALRM), a device */
	char *dir = home_path("dir.pass");
	CHECK_INT(mkdir(dir, 0700), 0);
	want = xasprintf("WARNING: password file \"%s\" is not a plain file", dir);
	WARNS(dir, want);
	free(want);
	rmdir(dir);
	free(dir);
	char *fifo = home_path("fifo.pass");
	CHECK_INT(mkfifo(fifo, 0600), 0);
	want = xasprintf("WARNING: password file \"%s\" is not a plain file", fifo);
	alarm(10);
	WARNS(fifo, want);
	alarm(0);
	free(want);
	unlink(fifo);
	free(fifo);
	WARNS("/dev/null", "WARNING: password file \"/dev/null\" is not a plain file");
}

/* FILE (0600): head, n times fill, then tail */
static void write_repeated(const char *file, const char *head, const char *fill, int n,
			   const char *tail)
{
	FILE *out = fopen(file, "w");

	CHECK(out != NULL);
	if (!out)
		return;
	fputs(head, out);
	for (int i = 0; i < n; i++)
		fputs(fill, out);
	fputs(tail, out);
	fclose(out);
	CHECK_INT(chmod(file, 0600), 0);
}

/* ci_passfile_lookup for host h: the password's length (-1: none),
 * whether the tool gave up, and a part of its warning (NULL: none) */
static void bounded(const char *file, const char *host, long want_len, bool want_gave_up,
		    const char *want_warning, int line)
{
	char *warning = NULL;
	bool gave_up = false;
	char *pw = ci_passfile_lookup(file, host, "1", "d", "u", &warning, &gave_up);
	long len = pw ? (long)strlen(pw) : -1;

	check_count++;
	if (len != want_len || gave_up != want_gave_up || (warning == NULL) != (want_warning == NULL) ||
	    (warning && !strstr(warning, want_warning))) {
		check_failures++;
		fprintf(stderr, "%s:%d: length %ld, gave up %d, warning \"%s\"\n", __FILE__, line,
			len, gave_up, warning ? warning : "(null)");
	}
	ci_wipe_free(pw);
	free(warning);
}
#define BOUNDED(file, host, len, gave_up, warning) \
	bounded(file, host, len, gave_up, warning, __LINE__)

/* not libpq's: the bounds, each with its warning */
static void test_bounds(void)
{
	char *f = home_path("big.pass");

	/* a line longer than 64 KiB before the matching one */
	write_repeated(f, "x:*:*:*:", "a", 70000, "\nh:*:*:*:after\n");
	BOUNDED(f, "h", -1, true, "at line 1, longer than 65536 bytes; libpq would read on");
	/* the same line after the match: found, as libpq stops there too */
	write_repeated(f, "h:*:*:*:before\nx:*:*:*:", "a", 70000, "\n");
	BOUNDED(f, "h", 6, false, NULL);
	/* a 60000-byte password is read whole */
	write_repeated(f, "x:*:*:*:", "a", 60000, "\n");
	BOUNDED(f, "x", 60000, false, NULL);
	/* more than 1 MiB of lines that do not match; a match before */
	write_repeated(f, "early:*:*:*:early\n", "nomatch:*:*:*:xxxxxxxxxx\n", 45000,
		       "h:*:*:*:late\n");
	BOUNDED(f, "h", -1, true, "stopped reading password file");
	BOUNDED(f, "h", -1, true, "after 1048576 bytes; libpq would read on");
	BOUNDED(f, "early", 5, false, NULL);
	unlink(f);
	free(f);
}

/* slot's source and the password conninfo_password gives */
static void slot_is(const struct conninfo *ci, const struct conn_target *t, int slot,
		    int source, const char *password, int line)
{
	char *pw = conninfo_password(ci, t, slot);
	int got = conninfo_password_source(t, slot);

	check_count++;
	if (got != source || (pw == NULL) != (password == NULL) || (pw && strcmp(pw, password))) {
		check_failures++;
		fprintf(stderr, "%s:%d: slot %d: source %d, password \"%s\"; want %d, \"%s\"\n",
			__FILE__, line, slot, got, pw ? pw : "(null)", source,
			password ? password : "(null)");
	}
	ci_wipe_free(pw);
}
#define SLOT(ci, t, slot, source, password) slot_is(ci, t, slot, source, password, __LINE__)

/* TARGET resolved: slot 0's source and password, the report's name for
 * it, and the password file (NULL: none named) */
static void first_is(const char *target, int source, const char *password, const char *name,
		     const char *passfile, int line)
{
	struct conninfo ci;
	struct conn_target t;

	resolve_ok(target, &ci, &t);
	slot_is(&ci, &t, 0, source, password, line);
	check_count += 2;
	if (strcmp(conninfo_password_source_name(&t), name) ||
	    (t.passfile == NULL) != (passfile == NULL) || (passfile && strcmp(t.passfile, passfile))) {
		check_failures++;
		fprintf(stderr, "%s:%d: named \"%s\", file \"%s\"; want \"%s\", \"%s\"\n", __FILE__,
			line, conninfo_password_source_name(&t), t.passfile ? t.passfile : "(null)",
			name, passfile ? passfile : "(null)");
	}
	done(&ci, &t);
}
#define FIRST(target, source, password, name, passfile) \
	first_is(target, source, password, name, passfile, __LINE__)

/* where the keyword came from, and where the file did */
static void origins_are(const char *target, enum ci_source keyword, enum ci_source file, int line)
{
	struct conninfo ci;
	struct conn_target t;

	resolve_ok(target, &ci, &t);
	check_count++;
	if (t.password_keyword_source != keyword || (t.passfile && t.passfile_source != file)) {
		check_failures++;
		fprintf(stderr, "%s:%d: keyword from %d, file from %d; want %d, %d\n", __FILE__, line,
			t.password_keyword_source, t.passfile_source, keyword, file);
	}
	done(&ci, &t);
}
#define ORIGINS(target, keyword, file) origins_are(target, keyword, file, __LINE__)

/* connectOptions2: which password, which file, for each slot */
static void test_resolve(void)
{
	struct conninfo ci;
	struct conn_target t;
	char *dot = home_path(".pgpass"), *envf = home_path("env.pass"),
	     *kwf = home_path("kw.pass"), *svc = home_path("svc.conf"), *err = NULL;

	reset_env();
	setenv("PGUSER", "u", 1);
	setenv("PGDATABASE", "d", 1);
	write_file(dot, "h:*:*:*:dot\nb:*:*:*:bee\n127.0.0.1:*:*:*:addr\n"
			"localhost:5432:*:*:local\nz:*:*:*:\n",
		   0600);
	write_file(envf, "h:*:*:*:env\n", 0600);
	write_file(kwf, "h:*:*:*:kw\n", 0600);
	write_file(svc, "[s]\npassword=svcpw\nhost=h\n", 0600);

	/* nothing given: ~/.pgpass; the password keyword beats the file,
	 * which is then not even named */
	FIRST("host=h", PW_PASSFILE, "dot", "passfile", dot);
	ORIGINS("host=h", CI_SRC_NONE, CI_SRC_DEFAULT);
	FIRST("host=h password=kwpw", PW_KEYWORD, "kwpw", "password", NULL);
	ORIGINS("host=h password=kwpw", CI_SRC_TARGET, CI_SRC_NONE);

	/* PGPASSWORD is the keyword from the environment; an empty keyword
	 * keeps it out and falls to the file */
	setenv("PGPASSWORD", "envpw", 1);
	FIRST("host=h", PW_KEYWORD, "envpw", "PGPASSWORD", NULL);
	ORIGINS("host=h", CI_SRC_ENV, CI_SRC_NONE);
	FIRST("host=h password=''", PW_PASSFILE, "dot", "passfile", dot);
	/* the target's (a URI's userinfo, decoded) beats PGPASSWORD, an
	 * option the target's */
	FIRST("postgresql://u:uri%3Apw@h/d", PW_KEYWORD, "uri:pw", "password", NULL);
	conninfo_init(&ci);
	CHECK_INT(conninfo_set(&ci, "password", "optpw", CI_SRC_OPTION, &err), 0);
	CHECK_INT(conninfo_parse_target(&ci, "postgresql://u:uripw@h/d", &err), 0);
	CHECK_INT(conninfo_resolve(&ci, &t, &err), 0);
	CHECK_STR(err, NULL);
	SLOT(&ci, &t, 0, PW_KEYWORD, "optpw");
	CHECK_INT(t.password_keyword_source, CI_SRC_OPTION);
	done(&ci, &t);
	unsetenv("PGPASSWORD");

	/* a service file's password, under the target's */
	setenv("PGSERVICEFILE", svc, 1);
	FIRST("service=s", PW_KEYWORD, "svcpw", "password", NULL);
	ORIGINS("service=s", CI_SRC_SERVICE, CI_SRC_NONE);
	FIRST("service=s password=tgtpw", PW_KEYWORD, "tgtpw", "password", NULL);
	unsetenv("PGSERVICEFILE");

	/* passfile beats PGPASSFILE beats ~/.pgpass; an empty one is unset */
	setenv("PGPASSFILE", envf, 1);
	FIRST("host=h", PW_PASSFILE, "env", "passfile", envf);
	ORIGINS("host=h", CI_SRC_NONE, CI_SRC_ENV);
	char *target = xasprintf("host=h passfile=%s", kwf);
	FIRST(target, PW_PASSFILE, "kw", "passfile", kwf);
	ORIGINS(target, CI_SRC_NONE, CI_SRC_TARGET);
	free(target);
	FIRST("host=h passfile=''", PW_PASSFILE, "dot", "passfile", dot);
	setenv("PGPASSFILE", "", 1);
	FIRST("host=h", PW_PASSFILE, "dot", "passfile", dot);
	unsetenv("PGPASSFILE");

	/* one lookup a slot: host, else hostaddr; the port as written, one
	 * for all or one each; no host is 'localhost' at DEF_PGPORT_STR */
	resolve_ok("host=h,x,b,z port=1", &ci, &t);
	SLOT(&ci, &t, 0, PW_PASSFILE, "dot");
	SLOT(&ci, &t, 1, PW_NONE, NULL);
	SLOT(&ci, &t, 2, PW_PASSFILE, "bee");
	SLOT(&ci, &t, 3, PW_NONE, NULL); /* an empty password is none */
	CHECK_INT(conninfo_password_source(&t, 4), PW_UNKNOWN);
	done(&ci, &t);
	resolve_ok("host=x,h hostaddr=127.0.0.1,127.0.0.2", &ci, &t);
	SLOT(&ci, &t, 0, PW_NONE, NULL);
	SLOT(&ci, &t, 1, PW_PASSFILE, "dot");
	done(&ci, &t);
	FIRST("hostaddr=127.0.0.1", PW_PASSFILE, "addr", "passfile", dot);
	FIRST("dbname=d", PW_PASSFILE, "local", "passfile", dot);
	FIRST("port=05432", PW_NONE, NULL, "none", dot);

	/* the file's WARNING is the target's, word for word, once */
	CHECK_INT(chmod(dot, 0644), 0);
	resolve_ok("host=h,b", &ci, &t);
	SLOT(&ci, &t, 0, PW_NONE, NULL);
	SLOT(&ci, &t, 1, PW_NONE, NULL);
	char *want = xasprintf("WARNING: password file \"%s\" has group or world access; "
			       "permissions should be u=rw (0600) or less",
			       dot);
	CHECK(has_warning(&ci, want));
	CHECK_INT(ci.nwarnings, 1);
	free(want);
	done(&ci, &t);

	/* no file: nothing, no warning */
	unlink(dot);
	resolve_ok("host=h", &ci, &t);
	SLOT(&ci, &t, 0, PW_NONE, NULL);
	CHECK_STR(t.passfile, dot);
	CHECK_INT(ci.nwarnings, 0);
	done(&ci, &t);

	unlink(envf);
	unlink(kwf);
	unlink(svc);
	free(dot);
	free(envf);
	free(kwf);
	free(svc);
	reset_env();
}

/* what the fleet's rows show of a target */
static void test_shown(void)
{
	static const char *const cases[][2] = {
		{ "host=h password=SECRET port=1", "host=h password=******** port=1" },
		{ "host=h password = 'SE CRET' x=1", "host=h password = ******** x=1" },
		{ "password=S\\ ECRET", "password=********" },
		{ "password=''", "password=''" },
		{ "sslpassword=S host=h", "sslpassword=******** host=h" },
		{ "host=h password='SECRET", "host=h password=********" },
		{ "password SECRET", "password SECRET" }, /* no '=': no value */
		{ "postgresql://u:SECRET@h/db", "postgresql://u:********@h/db" },
		{ "postgresql://u@h/db", "postgresql://u@h/db" },
		{ "postgresql://u:@h", "postgresql://u:@h" },
		{ "postgres://h/db?sslmode=require&password=SECRET&x=1",
		  "postgres://h/db?sslmode=require&password=********&x=1" },
		{ "postgresql://h?pass%77ord=SECRET", "postgresql://h?pass%77ord=********" },
		{ "postgresql://[::1]:5432/db?password=SECRET",
		  "postgresql://[::1]:5432/db?password=********" },
		{ "h:5432", "h:5432" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = conninfo_target_shown(cases[i][0]);
		CHECK_STR(s, cases[i][1]);
		free(s);
	}
}

int main(void)
{
	if (make_home("passfile") < 0)
		return 1;
	signal(SIGALRM, SIG_DFL); /* a blocked open ends the test */

	test_matching();
	test_refused();
	test_bounds();
	test_resolve();
	test_shown();

	rmdir(home);
	return check_status("test-passfile");
}
