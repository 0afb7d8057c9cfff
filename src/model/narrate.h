/* SPDX-License-Identifier: MIT */
/* narrate: one sentence for a step of the negotiation, what just happened
 * and why it matters, for the ladder's narration line. A table keyed by
 * the event's kind and a few facts (direction, probe lane, the server's
 * reply byte, whether the lane is past its TLS handshake); nothing is
 * written per scenario. Pure: no I/O. */
#ifndef PGI_NARRATE_H
#define PGI_NARRATE_H
#include "engine/event.h"
#include <stdbool.h>

struct narrate_facts {
	const char *kind;  /* the event's kind */
	enum ev_dir dir;
	unsigned lane;     /* LANE_* (model/sslmode.h), 0 for the setup */
	int reply;         /* the SSLResponse byte, 0 when none */
	bool encrypted;    /* the lane's handshake is done */
};

/* The sentence, or NULL when the table has none for these facts (the
 * caller shows the event's summary). */
const char *narrate(const struct narrate_facts *f);

#endif
