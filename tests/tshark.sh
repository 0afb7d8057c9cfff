# tests/tshark.sh: reading pgtls-inspect's pcapng captures with Debian's
# tshark (sourced after tests/lib.sh, never run). Used by tests/cli/pcap.sh
# (the demo) and tests/pg/pcap.sh (a real PostgreSQL).
#
#   pcap_messages FILE PORT [TSHARK-OPTION...]
#       one line a frame that tshark decodes as PostgreSQL, with the port
#       decoded as pgsql (-d tcp.port==PORT,pgsql), as
#       "FRAME|PROTOCOLS|SRCPORT|DSTPORT|TYPES"; tshark's stderr in
#       $T/tshark.err
#   pcap_subjects FILE PORT [TSHARK-OPTION...]
#       the subjects of the first Certificate message tshark decodes, one a
#       line, as "CN=...,O=..." with tshark's attribute names shortened
#   chain_subjects JSON
#       the tool's chain[].subject, one a line
#   check_capture NAME FILE PORT JSON [TSHARK-OPTION...]
#       the assertions both tests make: the StartupMessage and the server's
#       Authentication request inside TLS, every TLS application-data frame
#       decoded as PostgreSQL, the certificate subjects the tool reports

pcap_messages() {
	local f=$1 port=$2
	shift 2
	tshark -n -r "$f" -d "tcp.port==$port,pgsql" "$@" -Y pgsql -T fields -E separator='|' \
		-e frame.number -e frame.protocols -e tcp.srcport -e tcp.dstport -e pgsql.type \
		2>"$T/tshark.err"
}

pcap_subjects() {
	local f=$1 port=$2
	shift 2
	tshark -n -r "$f" -d "tcp.port==$port,pgsql" "$@" -Y tls.handshake.certificate -V \
		2>"$T/tshark.err" |
		awk '/^Frame [0-9]+:/ { frames++ } frames > 1 { exit }
		     /subject: rdnSequence/ { want = 1; next }
		     want && /rdnSequence: / { sub(/.*rdnSequence: [0-9]+ items? \(/, ""); sub(/\)$/, ""); print; want = 0 }' |
		sed -e 's/id-at-commonName=/CN=/g' -e 's/id-at-organizationName=/O=/g' \
			-e 's/id-at-organizationalUnitName=/OU=/g' -e 's/id-at-countryName=/C=/g' \
			-e 's/id-at-localityName=/L=/g' -e 's/id-at-stateOrProvinceName=/ST=/g'
}

chain_subjects() {
	"$JQ" -r '.chain[].subject' "$1"
}

# a DN's attributes in a fixed order (tshark and GnuTLS may list them in
# opposite orders)
_dn_sorted() {
	tr ',' '\n' | sort | paste -sd, -
}

check_capture() {
	local name=$1 f=$2 port=$3 json=$4 m want got
	shift 4
	m=$(pcap_messages "$f" "$port" "$@")
	echo "$m" >"$T/$name.messages"
	show_on_failure "$T/$name.messages" "$T/tshark.err"
	echo "# tshark -r $(basename "$f") -d tcp.port==$port,pgsql $* -Y pgsql (frame|protocols|from|to|types):"
	sed 's/^/#   /' "$T/$name.messages"
	# the client's StartupMessage and the server's answer, decrypted
	if echo "$m" | awk -F'|' -v p="$port" '$2 ~ /:tls:pgsql/ && $4 == p && $5 ~ /Startup message/' | grep -q .; then
		pass "$name: tshark decodes the StartupMessage inside TLS"
	else
		fail "$name: tshark decodes the StartupMessage inside TLS"
	fi
	if echo "$m" | awk -F'|' -v p="$port" '$2 ~ /:tls:pgsql/ && $3 == p && $5 ~ /Authentication request/' | grep -q .; then
		pass "$name: tshark decodes the server's Authentication request inside TLS"
	else
		fail "$name: tshark decodes the server's Authentication request inside TLS"
	fi
	# every application-data record is decrypted and read as PostgreSQL
	# (decrypted, a TLS 1.3 record's content type is the inner one: 23 is
	# application data, or a record that could not be decrypted)
	got=$(tshark -n -r "$f" -d "tcp.port==$port,pgsql" "$@" -Y 'tls.record.content_type == 23 && !pgsql' 2>>"$T/tshark.err" | wc -l)
	assert_eq "$name: no TLS application data left undecoded" "$got" 0
	got=$(tshark -n -r "$f" -d "tcp.port==$port,pgsql" "$@" -Y 'tcp.analysis.flags && !tcp.analysis.window_update' 2>>"$T/tshark.err" | wc -l)
	assert_eq "$name: tshark finds no TCP problem (sequence numbers follow the bytes)" "$got" 0
	# the certificates (encrypted in TLS 1.3: decrypted to be seen)
	want=$(chain_subjects "$json" | while read -r l; do echo "$l" | _dn_sorted; done)
	got=$(pcap_subjects "$f" "$port" "$@" | while read -r l; do echo "$l" | _dn_sorted; done)
	echo "# certificate subjects tshark reads:"
	echo "$got" | sed 's/^/#   /'
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		pass "$name: tshark reads the certificate subjects the tool reports"
	else
		fail "$name: tshark reads the certificate subjects the tool reports"
		echo "$want" | sed 's/^/#   tool: /'
	fi
}
