/* SPDX-License-Identifier: MIT */
/* oserror: strerror_r, GNU flavour (it returns the text, which may or may
 * not be in the buffer given). */
#include "config.h"
#include "util/oserror.h"
#include <string.h>

const char *os_error(int err, char *buf, size_t len)
{
	return strerror_r(err, buf, len);
}
