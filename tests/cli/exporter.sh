#!/bin/bash
# The Prometheus exporter (--exporter): /probe of a listed demo target
# (the metrics pass `promtool check metrics`, the certificate's notAfter is
# the one the JSON report gives), 403 for a target or root file the
# configuration does not list (also a key=value string slipped past a
# pattern), 400 for a bad request, /metrics for its own health, the
# refusals at start (no configuration, an empty one, a bad line, a bad
# address), a real Prometheus scraping it as blackbox_exporter is scraped
# (its HTTP API answers the expiry metric), the shipped alert rules
# (`promtool check rules`, and `promtool test rules` with
# tests/cli/exporter-alerts.test.yml), and --prometheus.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" curl promtool prometheus timeout
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data

demo_serve healthy
ci=$DEMO_CI
[ -n "$ci" ] || die "demo server did not start: $(cat "$T/healthy.serve")"
port=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$ci")
root=$(sed -n 's/.*sslrootcert=\([^ ]*\).*/\1/p' <<<"$ci")

# --- refusals at start: never an open proxy ---
rc=0
timeout 10 "$PGI" --exporter=127.0.0.1:0 >"$T/out" 2>"$T/err" || rc=$?
assert_eq "no --exporter-config: exit 2" "$rc" 2
assert_contains "no --exporter-config: says so" "$(cat "$T/err")" "--exporter-config"
echo "# nothing" >"$T/empty.conf"
rc=0
timeout 10 "$PGI" --exporter=127.0.0.1:0 --exporter-config "$T/empty.conf" >"$T/out" 2>"$T/err" || rc=$?
assert_eq "a configuration without a target: exit 2" "$rc" 2
assert_contains "... says so" "$(cat "$T/err")" "lists no target"
printf 'target 127.0.0.1:1\nallow-all yes\n' >"$T/bad.conf"
rc=0
timeout 10 "$PGI" --exporter=127.0.0.1:0 --exporter-config "$T/bad.conf" >"$T/out" 2>"$T/err" || rc=$?
assert_eq "an unknown keyword: exit 2" "$rc" 2
assert_contains "... with its line" "$(cat "$T/err")" "bad.conf:2: unknown keyword \"allow-all\""
rc=0
timeout 10 "$PGI" --exporter=localhost:x --exporter-config "$T/bad.conf" >"$T/out" 2>"$T/err" || rc=$?
assert_eq "a bad address: exit 2" "$rc" 2
rc=0
timeout 10 "$PGI" --exporter=127.0.0.1:0 --exporter-config "$T/bad.conf" "$ci" >"$T/out" 2>"$T/err" || rc=$?
assert_eq "a TARGET beside --exporter: exit 2" "$rc" 2

# --- where it listens: 127.0.0.1 unless told otherwise ---
printf 'target 127.0.0.1:1\n' >"$T/min.conf"
# listening_on ARGS...: the address the exporter says it listens on
listening_on() {
	"$PGI" "$@" --exporter-config "$T/min.conf" >"$T/listen.out" 2>&1 &
	local pid=$!
	register_pid "$pid"
	for _ in $(seq 50); do
		grep -q 'listening on' "$T/listen.out" && break
		sleep 0.1
	done
	stop_pid "$pid" TERM 10
	sed -n 's|.*listening on http://\([^/]*\)/.*|\1|p' "$T/listen.out" | sed 's/:[0-9]*$/:N/'
}
assert_eq "--exporter ADDR:PORT (a separate word)" "$(listening_on --exporter 127.0.0.1:0)" "127.0.0.1:N"
if ! (exec 3<>/dev/tcp/127.0.0.1/9865) 2>/dev/null; then
	assert_eq "--exporter alone: 127.0.0.1, port 9865" \
		"$(listening_on --exporter | sed 's/:N$//')" "127.0.0.1"
fi
if [ -n "$(ip -6 addr show lo 2>/dev/null | grep '::1')" ]; then
	assert_eq "--exporter=[::1]:0" "$(listening_on --exporter='[::1]:0')" "[::1]:N"
fi

# --- the exporter, with the demo listed ---
{
	echo "# the demo, as written, and any port of 127.0.0.1"
	echo "target $ci"
	echo "target-pattern 127.0.0.1:*"
	echo "target-pattern 127.0.0.*:5432"
	echo "rootcert $root"
	echo "timeout 10"
} >"$T/exporter.conf"
exporter_start "$T/exporter.conf"
epid=$EXPORTER_PID
eport=$EXPORTER_PORT
show_on_failure "$T/exporter.out" "$T/exporter.err"
[ -n "$eport" ] || die "the exporter did not start: $(cat "$T/exporter.err")"
pass "the exporter listens on 127.0.0.1 (port $eport)"
E="http://127.0.0.1:$eport"

# get PATH [curl options...]: the body in $T/body, the status in $code
get() {
	local path=$1
	shift
	code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 30 -G "$@" "$E$path") || code=curl-failed
}

get /probe --data-urlencode "target=$ci"
assert_eq "/probe of the listed demo: 200" "$code" 200
cp "$T/body" "$T/probe.prom"
show_on_failure "$T/probe.prom"
rc=0
promtool check metrics <"$T/probe.prom" >"$T/lint" 2>&1 || rc=$?
assert_eq "promtool check metrics: exit status" "$rc" 0
assert_eq "promtool check metrics: nothing to say" "$(cat "$T/lint")" ""
prom() { sed -n "s/^$1 //p" "$T/probe.prom"; }
assert_eq "probe success" "$(prom pgtls_probe_success)" 1
assert_eq "the reply byte" "$(prom 'pgtls_sslrequest_reply_info{reply="S"}')" 1
assert_eq "verify-full connects, encrypted" \
	"$(prom 'pgtls_sslmode_outcome{sslmode="verify-full",outcome="encrypted"}')" 1
timeout 30 "$PGI" --json "$ci" >"$T/report.json"
for m in disable allow prefer require verify-ca verify-full; do
	assert_eq "sslmode=$m's outcome is the report's" \
		"$(sed -n 's/^pgtls_sslmode_outcome{sslmode="'"$m"'",outcome="\([a-z]*\)"} 1$/\1/p' "$T/probe.prom")" \
		"$("$JQ" -r ".modes[\"$m\"].outcome" "$T/report.json")"
done
want=$(date -u -d "$("$JQ" -r '.chain[0].not_after' "$T/report.json")" +%s)
assert_eq "notAfter of position 0 is the report's" \
	"$(sed -n 's/^pgtls_cert_not_after_timestamp_seconds{position="0",[^}]*} //p' "$T/probe.prom")" "$want"
earliest=$("$JQ" -r '[.chain[].not_after] | min' "$T/report.json")
assert_eq "the earliest notAfter is the chain's" \
	"$(prom pgtls_cert_earliest_not_after_timestamp_seconds)" "$(date -u -d "$earliest" +%s)"
days=$(( ($(prom pgtls_cert_earliest_expiry_seconds) + 43200) / 86400 ))
assert_eq "days to the earliest expiry" "$days" $(( ($(date -u -d "$earliest" +%s) - $(date +%s) + 43200) / 86400 ))
assert_contains "TLS version and cipher as info" "$(cat "$T/probe.prom")" 'pgtls_tls_info{version="TLS1.'
assert_contains "plaintext sessions" "$(cat "$T/probe.prom")" "pgtls_plaintext_accepted "
assert_contains "findings by severity and id" "$(cat "$T/probe.prom")" 'pgtls_findings{severity="'

# a pattern's target with a listed root file and an sslmode
get /probe --data-urlencode "target=127.0.0.1:$port" --data-urlencode "sslrootcert=$root" \
	--data-urlencode "sslmode=verify-ca"
assert_eq "a pattern's target with a listed root: 200" "$code" 200
assert_contains "... and its chain" "$(cat "$T/body")" 'pgtls_cert_not_after_timestamp_seconds{position="0"'

# --- refusals per request ---
get /probe --data-urlencode "target=10.1.2.3:5432"
assert_eq "an unlisted target: 403" "$code" 403
assert_contains "... one line, why" "$(cat "$T/body")" "not listed in the exporter's configuration"
get /probe --data-urlencode "target=127.0.0.1:$port" --data-urlencode "sslrootcert=/etc/passwd"
assert_eq "an unlisted root file: 403" "$code" 403
assert_contains "... names it" "$(cat "$T/body")" 'sslrootcert "/etc/passwd"'
get /probe --data-urlencode "target=127.0.0.1:$port sslrootcert=/etc/passwd"
assert_eq "a key=value string past the pattern: 403" "$code" 403
# an address pattern's * matches no name (whose owner points it anywhere)
get /probe --data-urlencode "target=127.0.0.evil.example:5432"
assert_eq "a name through an address pattern: 403" "$code" 403
get /probe --data-urlencode "target=127.0.0.1:$port" --data-urlencode "module=x"
assert_eq "an unknown parameter: 400" "$code" 400
get /probe
assert_eq "no target: 400" "$code" 400
get /probe --data-urlencode "target=127.0.0.1:$port" --data-urlencode "sslmode=maybe"
assert_eq "a bad sslmode: 400" "$code" 400
get /probe --data-urlencode "target=$(head -c 2000 /dev/zero | tr '\0' a)"
assert_eq "a long target: 400" "$code" 400
get /nothing
assert_eq "another path: 404" "$code" 404
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST "$E/probe") || code=curl-failed
assert_eq "POST: 405" "$code" 405

# --- /metrics ---
get /metrics
assert_eq "/metrics: 200" "$code" 200
cp "$T/body" "$T/self.prom"
rc=0
promtool check metrics <"$T/self.prom" >"$T/lint" 2>&1 || rc=$?
assert_eq "/metrics passes promtool" "$rc:$(cat "$T/lint")" "0:"
assert_eq "/metrics counts the 403s" \
	"$(sed -n 's/^pgtls_exporter_requests_total{path="\/probe",code="403"} //p' "$T/self.prom")" 4
assert_eq "/metrics counts the probes" "$(sed -n 's/^pgtls_exporter_probes_total //p' "$T/self.prom")" 2
assert_eq "nothing in flight" "$(sed -n 's/^pgtls_exporter_probes_in_flight //p' "$T/self.prom")" 0

# --- a bound on the probes in flight: over it, 503 ---
fakepg_start silent
printf 'target-pattern 127.0.0.1:*\nmax-probes 1\ntimeout 3\n' >"$T/one.conf"
exporter_start "$T/one.conf" one
[ -n "$EXPORTER_PORT" ] || die "the second exporter did not start: $(cat "$T/one.err")"
curl -s -o "$T/slow" -w '%{http_code}' --max-time 30 "http://127.0.0.1:$EXPORTER_PORT/probe?target=127.0.0.1:$PORT" >"$T/slow.code" &
slow=$!
register_pid "$slow"
busy=
for _ in $(seq 50); do
	busy=$(curl -s --max-time 5 "http://127.0.0.1:$EXPORTER_PORT/metrics" |
		sed -n 's/^pgtls_exporter_probes_in_flight //p')
	[ "$busy" = 1 ] && break
	sleep 0.1
done
assert_eq "one probe in flight (a silent server)" "$busy" 1
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 30 "http://127.0.0.1:$EXPORTER_PORT/probe?target=127.0.0.1:$PORT") || code=curl-failed
assert_eq "a second probe over max-probes 1: 503" "$code" 503
wait "$slow"
assert_eq "the silent server's probe ends at its deadline: 200" "$(cat "$T/slow.code")" 200
assert_contains "... the reply timed out" "$(cat "$T/slow")" 'pgtls_sslrequest_reply_info{reply="timeout"} 1'
# the request's size is bounded (libmicrohttpd's memory limit a connection)
long=$(head -c 40000 /dev/zero | tr '\0' a)
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$EXPORTER_PORT/probe?target=$long") || code=curl-failed
assert_eq "a 40 kB URL: 414" "$code" 414
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "X-Big: $long" "http://127.0.0.1:$EXPORTER_PORT/metrics") || code=curl-failed
assert_eq "a 40 kB header: 431" "$code" 431
stop_pid "$EXPORTER_PID" TERM 10

# --- concurrent probes under ThreadSanitizer (the -fsanitize=thread build
# make check makes for tests/cli/fleet-tsan.sh), when it is there ---
TSAN=$abs_top_builddir/tests/tsan/pgtls-inspect-tsan
if [ -x "$TSAN" ]; then
	keep=$PGI
	PGI=$TSAN
	export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
	exporter_start "$T/exporter.conf" tsan
	unset TSAN_OPTIONS
	PGI=$keep
	[ -n "$EXPORTER_PORT" ] || die "the TSan exporter did not start: $(cat "$T/tsan.err")"
	tpids=()
	for i in $(seq 12); do
		curl -s -o "$T/tsan.$i" -w '%{http_code}' --max-time 120 -G \
			"http://127.0.0.1:$EXPORTER_PORT/probe" --data-urlencode "target=$ci" >"$T/tsan.$i.code" &
		tpids+=($!)
		curl -s -o /dev/null --max-time 60 "http://127.0.0.1:$EXPORTER_PORT/metrics" &
		tpids+=($!)
	done
	wait "${tpids[@]}"
	assert_eq "12 concurrent probes under TSan: all 200" "$(cat "$T"/tsan.*.code | tr -d '\n')" \
		"$(printf '200%.0s' $(seq 12))"
	stop_pid "$EXPORTER_PID" TERM 30
	if grep -q 'ThreadSanitizer' "$T/tsan.err"; then
		sed -n '1,60s/^/# /p' "$T/tsan.err"
		fail "ThreadSanitizer reported a race in the exporter"
	else
		pass "no ThreadSanitizer report over concurrent probes and /metrics"
	fi
fi

# --- hostile label values (tests/unit/test-prom's output) pass promtool ---
if [ -x "$abs_top_builddir/tests/unit/test-prom" ]; then
	"$abs_top_builddir/tests/unit/test-prom" "$T/hostile.prom" >/dev/null 2>&1
	rc=0
	promtool check metrics <"$T/hostile.prom" >"$T/lint" 2>&1 || rc=$?
	assert_eq "escaped hostile subjects pass promtool" "$rc:$(cat "$T/lint")" "0:"
fi

# --- the shipped alert rules ---
rc=0
promtool check rules "$abs_top_srcdir/doc/pgtls-alerts.yml" >"$T/rules" 2>&1 || rc=$?
assert_eq "promtool check rules doc/pgtls-alerts.yml" "$rc" 0
assert_contains "... four rules" "$(cat "$T/rules")" "SUCCESS: 4 rules found"
rc=0
promtool test rules "$abs_top_srcdir/tests/cli/exporter-alerts.test.yml" >"$T/rules-test" 2>&1 || rc=$?
show_on_failure "$T/rules-test"
assert_eq "promtool test rules: each alert fires when it should, and only then" "$rc" 0

# --- --prometheus: the same metrics, once, on standard output ---
rc=0
timeout 60 "$PGI" --demo expired --prometheus >"$T/expired.prom" 2>"$T/err" || rc=$?
assert_eq "--prometheus --demo expired: exit status" "$rc" 0
rc=0
promtool check metrics <"$T/expired.prom" >"$T/lint" 2>&1 || rc=$?
assert_eq "--prometheus passes promtool" "$rc:$(cat "$T/lint")" "0:"
assert_eq "an expired chain: negative seconds to expiry" \
	"$(sed -n 's/^pgtls_cert_earliest_expiry_seconds \(-\)\{0,1\}.*/\1/p' "$T/expired.prom")" "-"
assert_contains "an expired chain: verify-full fails" "$(cat "$T/expired.prom")" \
	'pgtls_sslmode_outcome{sslmode="verify-full",outcome="fails"} 1'
assert_contains "an expired chain: its finding" "$(cat "$T/expired.prom")" \
	'pgtls_findings{severity="error",id="cert-expired"} 1'
rc=0
"$PGI" --prometheus "$ci" "$ci" >"$T/out" 2>"$T/err" || rc=$?
assert_eq "--prometheus with several targets: exit 2" "$rc" 2

# --- a real Prometheus scraping it, blackbox_exporter's way ---
# the ports are chosen before Prometheus binds its own: another process
# may take it first, so a failed start is tried again on a fresh port
cat >"$T/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
rule_files:
  - $abs_top_srcdir/doc/pgtls-alerts.yml
scrape_configs:
  - job_name: pgtls
    metrics_path: /probe
    params:
      sslrootcert: ['$root']
    static_configs:
      - targets: ['127.0.0.1:$port']
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:$eport
  - job_name: pgtls-exporter
    static_configs:
      - targets: ['127.0.0.1:$eport']
EOF
for _ in 1 2 3; do
	pport=$(free_port)
	prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
		--web.listen-address="127.0.0.1:$pport" --log.level=warn >"$T/prometheus.log" 2>&1 &
	ppid=$!
	register_pid "$ppid"
	for _ in $(seq 100); do
		curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$pport/-/ready" && break
		pid_alive "$ppid" || break
		sleep 0.2
	done
	pid_alive "$ppid" && break
done
show_on_failure "$T/prometheus.log"
q() {
	curl -s --max-time 5 -G "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1" |
		"$JQ" -r '.data.result[0].value[1] // empty' 2>/dev/null
}
got=
for _ in $(seq 60); do
	got=$(q 'pgtls_cert_earliest_not_after_timestamp_seconds{instance="127.0.0.1:'"$port"'"}')
	[ -n "$got" ] && break
	sleep 0.5
done
assert_eq "Prometheus's API answers the expiry metric of the demo" "$got" "$(date -u -d "$earliest" +%s)"
got=
for _ in $(seq 20); do
	got=$(q 'up{job="pgtls-exporter"}')
	[ -n "$got" ] && break
	sleep 0.5
done
assert_eq "Prometheus scrapes the exporter's /metrics" "$got" 1
stop_pid "$ppid" TERM 20

# --- a clean stop ---
stop_pid "$epid" TERM 10
assert_eq "the exporter is gone after SIGTERM" "$(pid_alive "$epid" && echo up || echo gone)" gone
# (under the sanitizers of make distcheck: no report, no leak at exit)
# (libmicrohttpd's own line for the requests too big is expected)
assert_eq "the exporter said nothing on stderr" \
	"$(cat "$T/exporter.err"; grep -v '^Error processing request' "$T/one.err")" ""
finish
