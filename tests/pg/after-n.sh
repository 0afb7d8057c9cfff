#!/bin/bash
# Bytes that come with an 'N': libpq marks only the 'N' consumed and sends
# its StartupMessage on the same connection, then parses those bytes as the
# start of the server's answer (PQconnectPoll, CONNECTION_AWAITING_RESPONSE)
# once the server answers. tests/peer/fakepg (n-then:STRING) answers the
# SSLRequest with 'N' and STRING in one write and any StartupMessage with
# AuthenticationOk, so a plaintext session on a new connection succeeds:
# prefer must fail as psql 15 and psql 18 fail, word for word, under all six
# sslmodes (tests/pg/agree.sh); a well-formed message start that would join
# the server's real answer is no prediction (unknown, with a caveat).
#
# Ends with "# agreement: A of N scenario×mode pairs" and fails unless A = N.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_pgi
need_tool "$PSQL"
SQL="SELECT 1" # fakepg answers any query with the row "plaintext"
# shellcheck source=tests/pg/agree.sh
. "$(cd "$(dirname "$0")" && pwd)/agree.sh"
agree_with_18

# after_n NAME STRING: fakepg sends 'N' then STRING, compared by agree
after_n() {
	fakepg_start "n-then:$2"
	agree "$1" "host=127.0.0.1 port=$PORT user=u dbname=d"
	stop_pid "${_pids[-1]}" INT 5
}

# not a message type: "received X" (every release)
after_n garbage Xgarbage
# an 'R' whose length word is out of range: 15 names the 'R', 18 says
# "received invalid authentication request"
after_n bad-auth-length RAAAA
# a 'v': 15 takes no NegotiateProtocolVersion here; 18's length check
after_n bad-npv-length vAAAA
echo "# agreement: $A of $N scenario×mode pairs"
[ "$A" -lt "$N" ] && fail "agreement: $A of $N scenario×mode pairs"
[ "$N" -eq 36 ] || fail "only $N scenario×mode pairs were compared"

# a lone 'R': its length word would be read from the server's own answer
fakepg_start "n-then:R"
pgi_json "$T/lone-r.json" "host=127.0.0.1 port=$PORT user=u dbname=d" --libpq-version 15
assert_jq "$T/lone-r.json" '.modes.prefer | [.outcome, (.caveat | type)]' '["unknown","string"]'
assert_jq "$T/lone-r.json" '.modes.disable.outcome' plaintext
finish
