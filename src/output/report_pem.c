/* SPDX-License-Identifier: MIT */
/* report_pem: the server's certificates as PEM (GnuTLS's base64 encoder),
 * so a user can feed them to openssl, psql's sslrootcert or a ticket. */
#include "config.h"
#include "output/report.h"
#include "util/oserror.h"
#include "util/ufile.h"
#include "util/xalloc.h"
#include <errno.h>
#include <gnutls/gnutls.h>
#include <string.h>

int report_pem_save(const struct inspection *ins, const char *path, char **err)
{
	FILE *f = ufile_write(path, 0666, err);
	if (!f)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < ins->nchain && rc == 0; i++) {
		gnutls_datum_t der = { ins->chain[i].der, (unsigned)ins->chain[i].der_len };
		gnutls_datum_t pem;
		if (gnutls_pem_base64_encode2("CERTIFICATE", &der, &pem) < 0) {
			rc = -1;
			continue;
		}
		if (fwrite(pem.data, 1, pem.size, f) != pem.size)
			rc = -1;
		gnutls_free(pem.data);
	}
	if (fclose(f) != 0)
		rc = -1;
	if (rc < 0)
		*err = xasprintf("could not write %s", path);
	return rc;
}
