/* SPDX-License-Identifier: MIT */
/* Unit tests for model/narrate: the sentence for a step follows the facts
 * (the reply byte, the lane, encrypted or not), not a scenario; a kind the
 * table lacks has none. */
#include "config.h"
#include "model/narrate.h"
#include "model/sslmode.h"
#include "check.h"
#include <string.h>

static const char *say(const char *kind, enum ev_dir dir, unsigned lane, int reply, bool enc)
{
	struct narrate_facts f = { kind, dir, lane, reply, enc };
	const char *s = narrate(&f);
	return s ? s : "(none)";
}

#define SAYS(got, part) CHECK(strstr(got, part) != NULL)

int main(void)
{
	SAYS(say("SSLResponse", EV_RECV, LANE_TLS, 'S', false),
	     "The server answered 'S': it will do TLS. libpq now sends a ClientHello; nothing so far was encrypted.");
	SAYS(say("SSLResponse", EV_RECV, LANE_TLS, 'N', false), "answered 'N'");
	SAYS(say("SSLResponse", EV_RECV, LANE_TLS, 'E', false), "error instead");
	SAYS(say("SSLResponse", EV_RECV, LANE_TLS, 'x', false), "does not expect");
	/* the lane decides what a connection means */
	SAYS(say("Connected", EV_NOTE, LANE_TLS, 0, false), "asks whether the server does TLS");
	SAYS(say("Connected", EV_NOTE, LANE_PLAIN, 0, false), "no TLS at all");
	SAYS(say("Connected", EV_NOTE, LANE_DIRECT, 0, false), "no SSLRequest");
	/* encrypted or not decides what the startup packet exposes */
	SAYS(say("StartupMessage", EV_SEND, LANE_TLS, 0, true), "inside TLS");
	SAYS(say("StartupMessage", EV_SEND, LANE_PLAIN, 0, false), "clear text");
	SAYS(say("ErrorResponse", EV_RECV, LANE_TLS, 0, true), "TLS worked");
	SAYS(say("ErrorResponse", EV_RECV, LANE_PLAIN, 0, false), "in clear text");
	/* the direction tells whose message it is */
	SAYS(say("Finished", EV_RECV, LANE_TLS, 0, false), "The server's Finished");
	SAYS(say("Finished", EV_SEND, LANE_TLS, 0, false), "libpq's Finished");
	SAYS(say("Certificate", EV_RECV, LANE_TLS, 0, false), "verify-full");
	SAYS(say("HandshakeDone", EV_NOTE, LANE_DIRECT, 0, true), "encrypted");
	SAYS(say("Alert", EV_RECV, LANE_TLS, 0, false), "alert");
	CHECK_STR(say("NoSuchKind", EV_RECV, LANE_TLS, 0, false), "(none)");
	CHECK(narrate(NULL) == NULL);
	return check_status("test-narrate");
}
