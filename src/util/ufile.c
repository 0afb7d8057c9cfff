/* SPDX-License-Identifier: MIT */
/* ufile: user-named files opened without waiting, refused unless they are
 * what they should be. */
#include "config.h"
#include "util/ufile.h"
#include "util/oserror.h"
#include "util/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *what(mode_t m)
{
	return S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : S_ISDIR(m) ? "a directory" :
	       S_ISBLK(m)  ? "a block device" : S_ISCHR(m) ? "a device" : "not a regular file";
}

static void *fail(char **err, const char *verb, const char *path, const char *why)
{
	/* raw: whoever shows it sanitizes it */
	*err = xasprintf("cannot %s %s: %s", verb, path, why);
	return NULL;
}

static bool writable_kind(mode_t m)
{
	return S_ISREG(m) || S_ISCHR(m);
}

FILE *ufile_write(const char *path, mode_t mode, char **err)
{
	struct stat st;
	/* what exists must be a file or a character device before it is
	 * opened; O_NONBLOCK: a FIFO put there meanwhile fails at once
	 * (ENXIO without a reader) or is refused by fstat, never waited on */
	if (stat(path, &st) == 0 && !writable_kind(st.st_mode))
		return fail(err, "write", path, what(st.st_mode));
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, mode);
	if (fd < 0)
		return fail(err, "write", path, errno == ENXIO ? "a FIFO" : OS_ERROR(errno));
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return fail(err, "write", path, OS_ERROR(e));
	}
	if (!writable_kind(st.st_mode)) {
		close(fd);
		return fail(err, "write", path, what(st.st_mode));
	}
	/* writes block as usual from here (a terminal given as the path) */
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	FILE *f = fdopen(fd, "w");
	if (!f) {
		int e = errno;
		close(fd);
		return fail(err, "write", path, OS_ERROR(e));
	}
	return f;
}

int ufile_read(const char *path, size_t max, char **buf, size_t *len, char **err)
{
	struct stat st;
	char lim[64];
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	*buf = NULL;
	*len = 0;
	if (fd < 0) {
		fail(err, "read", path, OS_ERROR(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		fail(err, "read", path, OS_ERROR(e));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		fail(err, "read", path, what(st.st_mode));
		return -1;
	}
	snprintf(lim, sizeof(lim), "larger than %zu MiB", max >> 20);
	if ((unsigned long long)st.st_size > max) {
		close(fd);
		fail(err, "read", path, lim);
		return -1;
	}
	/* read up to max + 1: a file that grows meanwhile is still bounded */
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *b = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap > max)
				break;
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			b = xrealloc(b, cap + 1);
		}
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			free(b);
			fail(err, "read", path, OS_ERROR(e));
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		free(b);
		fail(err, "read", path, lim);
		return -1;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int ufile_regular_or_absent(const char *path, char **err)
{
	struct stat st;
	if (stat(path, &st) != 0 || S_ISREG(st.st_mode))
		return 0;
	fail(err, "use", path, what(st.st_mode));
	return -1;
}
