/* SPDX-License-Identifier: MIT */
/* oserror: strerror_r, GNU flavour (it returns the text, which may or may
 * not be in the buffer given). */
#include "config.h"
#include "util/oserror.h"
#include <errno.h>
#include <string.h>

const char *os_error(int err, char *buf, size_t len)
{
	return strerror_r(err, buf, len);
}

static _Thread_local unsigned fd_shortages;

int os_note_fd_error(int err)
{
	if (err == EMFILE || err == ENFILE)
		fd_shortages++;
	return err;
}

unsigned os_fd_shortages(void)
{
	return fd_shortages;
}
