/* SPDX-License-Identifier: MIT */
/* conninfo_service: the connection service file, read as libpq reads it
 * (fe-connect.c parseServiceInfo and parseServiceFile): the service named by
 * the service keyword or PGSERVICE; its group in PGSERVICEFILE or
 * ~/.pg_service.conf, else in PGSYSCONFDIR/pg_service.conf or the compiled-in
 * directory; each key=value of the group set where nothing set it before
 * (the connection string wins, the environment and the defaults come after).
 * libpq's texts word for word. Unlike libpq, a file that is not a regular file
 * or that goes on past SERVICE_MAX_BYTES is refused, so that no file can make
 * the tool wait or read forever. */
#include "config.h"
#include "engine/conninfo_int.h"
#include "util/oserror.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* SYSCONFDIR of Debian's libpq (postgresql-common keeps pg_service.conf
 * there) */
#define SERVICE_SYSCONFDIR "/etc/postgresql-common"
/* parseServiceFile reads lines into a 1024-byte buffer */
#define SERVICE_LINE 1024
/* not libpq's: the most of one file this tool reads */
#define SERVICE_MAX_BYTES (1 << 20)

/* Open path for reading only when it is a regular file (a FIFO would block,
 * a device could go on forever); NULL with errno set otherwise. */
static FILE *open_regular(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		os_note_fd_error(errno);
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	FILE *f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

/* fe-connect.c parseServiceFile: 0 when the file was read (*found tells
 * whether the group was in it), else -1 with libpq's message. */
static int read_service_file(struct conninfo *ci, const char *file, const char *service,
			     bool *found, char **err)
{
	char buf[SERVICE_LINE];
	size_t total = 0;
	int linenr = 0, rc = 0;

	*found = false;
	FILE *f = open_regular(file);
	if (!f) {
		if (errno == EINVAL)
			/* libpq would block opening a FIFO: the tool's refusal */
			return ci_fail_own(ci, err, "service file \"%s\" is not a regular file", file);
		return ci_fail(err, "service file \"%s\" not found", file);
	}
	while (fgets(buf, sizeof(buf), f)) {
		char *line = buf;
		size_t len = strlen(line);

		linenr++;
		total += len ? len : 1;
		if (total > SERVICE_MAX_BYTES) {
			rc = ci_fail_own(ci, err, "service file \"%s\" is larger than %d bytes", file,
				     SERVICE_MAX_BYTES);
			break;
		}
		if (len >= sizeof(buf) - 1) {
			rc = ci_fail(err, "line %d too long in service file \"%s\"", linenr, file);
			break;
		}
		while (len > 0 && isspace((unsigned char)line[len - 1]))
			line[--len] = '\0';
		while (*line && isspace((unsigned char)*line))
			line++;
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (line[0] == '[') {
			if (*found)
				break; /* the end of the group */
			size_t sl = strlen(service);
			*found = strncmp(line + 1, service, sl) == 0 && line[sl + 1] == ']';
			continue;
		}
		if (!*found)
			continue;
		char *val = strchr(line, '=');
		if (!val) {
			rc = ci_fail(err, "syntax error in service file \"%s\", line %d", file, linenr);
			break;
		}
		*val++ = '\0';
		if (strcmp(line, "service") == 0) {
			rc = ci_fail(err,
				     "nested service specifications not supported in service file \"%s\", line %d",
				     file, linenr);
			break;
		}
		/* the key as written: libpq trims nothing around '=' */
		int i = ci_known(ci, line);
		if (i < 0) {
			rc = ci_fail(err, "syntax error in service file \"%s\", line %d", file, linenr);
			break;
		}
		/* don't override any previous explicit setting; a password is
		 * kept as the secret it is (ci_store), never shown */
		if (ci->values[i].source == CI_SRC_NONE) {
			ci_store(ci, i, val, CI_SRC_SERVICE);
			if (strcmp(line, "password") == 0 && *val)
				ci_add_warning(ci, CI_PASSWORD_WARNING);
		}
	}
	fclose(f);
	explicit_bzero(buf, sizeof(buf)); /* it may have held a password */
	return rc;
}

/* fe-connect.c parseServiceInfo */
int ci_apply_service(struct conninfo *ci, const char *home, char **err)
{
	const char *service = conninfo_get(ci, "service");
	const char *env;
	char *file = NULL;
	bool found = false;
	struct stat st;

	if (!service)
		service = getenv("PGSERVICE");
	if (!service)
		return 0;
	if ((env = getenv("PGSERVICEFILE")) != NULL)
		file = xstrdup(env);
	else if (home && *home) {
		file = xasprintf("%s/.pg_service.conf", home);
		if (stat(file, &st) != 0) {
			free(file);
			file = NULL;
		}
	}
	if (file) {
		if (read_service_file(ci, file, service, &found, err) != 0) {
			free(file);
			return -1;
		}
		if (found) {
			free(ci->service_file);
			ci->service_file = file;
			return 0;
		}
		free(file);
	}
	env = getenv("PGSYSCONFDIR");
	file = xasprintf("%s/pg_service.conf", env ? env : SERVICE_SYSCONFDIR);
	if (stat(file, &st) == 0) {
		if (read_service_file(ci, file, service, &found, err) != 0) {
			free(file);
			return -1;
		}
	}
	if (!found) {
		free(file);
		return ci_fail(err, "definition of service \"%s\" not found", service);
	}
	free(ci->service_file);
	ci->service_file = file;
	return 0;
}
