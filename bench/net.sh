#!/bin/bash
# Networks and ports: selkie vs podman in one run, on the httpd fixture image (busybox httpd
# serving a one-line page on port 80) pulled from a loopback registry into private stores.
# Prints a markdown table of medians of BENCH_RUNS runs, then the issue's goals (issue 4) and
# whether they are met.
#
#   BENCH_RUNS=5            samples per figure
#   BENCH_WRK_SECONDS=10    length of each wrk run
#   BENCH_WRK_CONNS=32      wrk connections (2 threads)
#   BENCH_ONLY="first pod rps"   sections to run (rows of the others print "-")
#
# Both engines use their default bridge network (selkie: CNI bridge selkie0 with its own
# iptables rules; podman 4.3: netavark, bridge podman0). Published ports are 38900-38999 on
# 127.0.0.1: nothing leaves loopback. wrk comes from Debian; the script installs it (apt-get)
# when it is missing, as lib/common.sh does for /usr/bin/time.
# shellcheck disable=SC2034,SC2016
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=bench/lib/ctr-lib.sh
source "$(dirname "$0")/lib/ctr-lib.sh"
WRK_SECONDS=${BENCH_WRK_SECONDS:-10}
WRK_CONNS=${BENCH_WRK_CONNS:-32}
BENCH_ONLY=${BENCH_ONLY:-first pod rps}
progress() { echo "net.sh: $*" >&2; }
want() { [[ " $BENCH_ONLY " == *" $1 "* ]]; }

command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
ctr_setup
HTTPD_IMG=$SELKIE_REGISTRY/httpd:latest
sk pull -q "$HTTPD_IMG" >/dev/null
have_podman && pm pull -q --tls-verify=false "$HTTPD_IMG" >/dev/null
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# samples: s_ selkie, p_ podman
s_first=() p_first=() s_pod=() p_pod=() s_rps=() p_rps=() d_rps=()

# first_answer ENGINE NAME PORT: `run -d -p PORT:80` of httpd, then curl until the page comes
# (10 s at most); the wall time of the whole in ms goes to stdout, the container is removed.
first_answer() {
	local e=$1 n=$2 port=$3 s e2 ok=0 i
	s=${EPOCHREALTIME/./}
	if "$e" run -d --name "$n" -p "$port:80" "$HTTPD_IMG" >/dev/null 2>>"$CTR_LOG"; then
		for ((i = 0; i < 10000; i++)); do
			if curl -sf -m 1 -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
				ok=1
				break
			fi
			# a refused connection returns at once: poll every millisecond
			sleep 0.001
		done
	fi
	e2=${EPOCHREALTIME/./}
	"$e" rm -f -t 0 "$n" >/dev/null 2>&1 || true
	if ((ok)); then
		echo $(((e2 - s) / 1000))
	else
		ctr_fail "$e run -d -p $port:80 httpd: no answer within 10 s"
		echo fail
	fi
}

# pod_cycle ENGINE NAME: pod create, pod start, pod rm -f, as one figure (ms)
pod_cycle() {
	local e=$1 n=$2 s e2
	s=${EPOCHREALTIME/./}
	if "$e" pod create --name "$n" >/dev/null 2>>"$CTR_LOG" &&
		"$e" pod start "$n" >/dev/null 2>>"$CTR_LOG" &&
		"$e" pod rm -f -t 0 "$n" >/dev/null 2>>"$CTR_LOG"; then
		e2=${EPOCHREALTIME/./}
		echo $(((e2 - s) / 1000))
	else
		ctr_fail "$e pod create/start/rm $n"
		"$e" pod rm -f -t 0 "$n" >/dev/null 2>&1 || true
		echo fail
	fi
}

# wrk_rps URL: requests per second wrk reaches on URL (2 threads, WRK_CONNS connections)
wrk_rps() {
	local out
	out=$(wrk -t2 -c"$WRK_CONNS" -d"${WRK_SECONDS}s" "$1" 2>>"$CTR_LOG") || { echo fail && return; }
	# a request slower than wrk's 2 s timeout (a loaded machine) is not a failure; a refused,
	# reset or wrong answer is
	if grep -q 'Non-2xx' <<<"$out" ||
		grep -Eq 'Socket errors: connect [1-9]|read [1-9]|write [1-9]' <<<"$out"; then
		echo "$out" >>"$CTR_LOG"
		ctr_fail "wrk $1: errors"
		echo fail
		return
	fi
	awk '/^Requests\/sec:/ { printf "%d\n", $2 }' <<<"$out"
}

# wait_http PORT: the page answers on 127.0.0.1:PORT within 10 s
wait_http() {
	local i
	for ((i = 0; i < 1000; i++)); do
		curl -sf -m 1 -o /dev/null "http://127.0.0.1:$1/" 2>/dev/null && return 0
		sleep 0.01
	done
	ctr_fail "no answer on 127.0.0.1:$1"
	return 1
}

# --- run -d -p until the first HTTP answer --------------------------------------------------
if want first; then
	progress "run -d -p until the first answer"
	first_answer sk warm 38900 >/dev/null # warm-up: default network, chains, caches
	have_podman && first_answer pm warm 38901 >/dev/null
	for ((i = 0; i < BENCH_RUNS; i++)); do
		s_first+=("$(first_answer sk "first$i" 38900)")
		have_podman && p_first+=("$(first_answer pm "first$i" 38901)")
	done
fi

# --- pod create + start + rm ----------------------------------------------------------------
if want pod; then
	progress "pod create + start + rm"
	pod_cycle sk podwarm >/dev/null # the infra image is made on first use
	have_podman && pod_cycle pm podwarm >/dev/null
	for ((i = 0; i < BENCH_RUNS; i++)); do
		s_pod+=("$(pod_cycle sk "pod$i")")
		have_podman && p_pod+=("$(pod_cycle pm "pod$i")")
	done
fi

# --- requests per second through a published port -------------------------------------------
if want rps; then
	progress "requests per second through a published port (${WRK_SECONDS}s per run)"
	sk run -d --name rps -p 38910:80 "$HTTPD_IMG" >/dev/null
	wait_http 38910 || true
	# the container's address directly, no port forwarding: what the server itself can do
	ip=$(sk inspect --format '{{.NetworkSettings.IPAddress}}' rps)
	if have_podman; then
		pm run -d --name rps -p 38911:80 "$HTTPD_IMG" >/dev/null
		wait_http 38911 || true
	fi
	for ((i = 0; i < BENCH_RUNS; i++)); do
		s_rps+=("$(wrk_rps http://127.0.0.1:38910/)")
		have_podman && p_rps+=("$(wrk_rps http://127.0.0.1:38911/)")
		d_rps+=("$(wrk_rps "http://$ip/")")
	done
	sk rm -f -t 0 rps >/dev/null
	have_podman && pm rm -f -t 0 rps >/dev/null
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the table ------------------------------------------------------------------------------
rt=$(sk info --format '{{.Host.OCIRuntime.Name}}' 2>/dev/null || echo '?')
echo "bench/net.sh $(date -u +%F), medians of $BENCH_RUNS, selkie runtime $rt, podman" \
	"$(have_podman && podman --version | awk '{print $3}' || echo 'not installed')" \
	"(default networks), wrk ${WRK_SECONDS}s x $WRK_CONNS connections," \
	"load average $load_start at start, $load_end at end"
echo
echo "| operation | selkie | podman | podman ÷ selkie |"
echo "|---|---|---|---|"
nrow() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$(ratio "$3" "$2")"; }
nrow '`run -d -p 38900:80 httpd` until the first HTTP answer, ms' "$(cell s_first)" \
	"$(cell p_first)"
nrow '`pod create` + `pod start` + `pod rm -f`, ms' "$(cell s_pod)" "$(cell p_pod)"
nrow 'requests/s through a published port (127.0.0.1:PORT)' "$(cell s_rps)" "$(cell p_rps)"
nrow "requests/s to selkie's container address, no forwarding" "$(cell d_rps)" -

goal() { # TEXT FIGURE TEST: TEST is an awk condition on x, the figure without its "x"
	local met='?'
	if [[ $2 =~ ^([0-9.]+)x?$ ]]; then
		met=$(awk -v x="${BASH_REMATCH[1]}" "BEGIN { x += 0; print ($3) ? \"yes\" : \"no\" }")
	fi
	echo "| $1 | $2 | $met |"
}
echo
echo "| goal (issue 4) | figure | met |"
echo "|---|---|---|"
goal 'first answer >= 3x sooner than podman' "$(ratio "$(cell p_first)" "$(cell s_first)")" \
	'x >= 3'
goal 'throughput through a published port within 10% of podman'"'"'s (selkie ÷ podman)' \
	"$(ratio "$(cell s_rps)" "$(cell p_rps)")" 'x >= 0.9'
if ctr_failed; then
	progress "some commands failed; see the errors below"
	false # the teardown prints the error log on a non-zero exit
fi
