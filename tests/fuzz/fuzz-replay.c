/* SPDX-License-Identifier: MIT */
/* fuzz-replay: libFuzzer target for the event-log loader and, through it,
 * every sink. The input is written to an in-memory file (memfd) and loaded
 * as --replay loads a saved log; a log that loads gets its verdicts and
 * diagnosis, as main.c does, and is rendered as JSON and as the text report
 * into /dev/null (the JSON also into memory, where it must parse again):
 * the JSON output of arbitrary inspections. */
#include "config.h"
#include "engine/inspection.h"
#include "model/diagnosis.h"
#include "model/sslmode.h"
#include "output/report.h"
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fd = -1;
static char path[64];
static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fd < 0) {
		fd = memfd_create("fuzz-replay", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		devnull = fopen("/dev/null", "w");
		if (!devnull)
			abort();
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();

	struct inspection ins;
	int recorded = 0;
	char *err = NULL;
	inspection_init(&ins);
	if (report_json_load(path, &ins, &recorded, &err) < 0) {
		if (!err)
			abort(); /* a failed load always says why */
		free(err);
		inspection_free(&ins);
		return 0;
	}
	int libpq_version = recorded >= LIBPQ_VERSION_MIN && recorded <= LIBPQ_VERSION_MAX ?
				    recorded :
				    LIBPQ_VERSION_DEFAULT;
	struct verdict_opts vo;
	struct verdict modes[SSLMODE_COUNT];
	verdict_opts_from_target(&vo, &ins.target, libpq_version);
	sslmode_verdicts(&ins, &vo, modes);
	struct diagnosis dg;
	diagnosis_run(&ins, modes, &vo, &dg);
	struct report rep = { .ins = &ins, .modes = modes, .libpq_version = libpq_version,
			      .findings = dg.findings, .nfindings = dg.nfindings,
			      .provider = &dg.provider, .clients = dg.clients,
			      .nclients = dg.nclients, .nlisted = 1 };
	/* the JSON sink must write a document that parses again */
	char *doc = NULL;
	size_t doclen = 0;
	FILE *mem = open_memstream(&doc, &doclen);
	if (!mem || report_json_write(mem, &rep) < 0 || fclose(mem) != 0)
		abort();
	json_error_t je;
	json_t *back = json_loadb(doc, doclen, 0, &je);
	if (!back) {
		fprintf(stderr, "fuzz-replay: the JSON output does not parse: %s\n", je.text);
		abort();
	}
	json_decref(back);
	free(doc);
	if (report_text_write(devnull, &rep) < 0)
		abort(); /* writing to /dev/null cannot fail */
	diagnosis_free(&dg);
	for (int m = 0; m < SSLMODE_COUNT; m++)
		verdict_free(&modes[m]);
	inspection_free(&ins);
	return 0;
}
