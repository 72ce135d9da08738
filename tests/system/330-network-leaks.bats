#!/usr/bin/env bats
# Nothing leaks, nothing half-made (issue 4, part 3): many create/start/rm cycles of a
# container with a published port leave the host's interfaces, iptables rules, IP allocations,
# mounts and network namespaces as they were; a `selkie run -d` killed at any moment of its
# start leaves nothing that the next commands (`ps -a`, `rm -af`) do not repair.
#
# SELKIE_LEAK_CYCLES sets the number of cycles (default 1000; the ASan pass may ask fewer).
# The host-wide counts (interfaces, rules) assume no other suite changes the host's network
# while this file runs, as in CI; the checks of what is this test's own (rows, namespaces,
# mounts, rules naming its containers) hold anyway.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	selkie_test_setup
	HTTPD=${SELKIE_REGISTRY:-}/httpd:latest
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$HTTPD"
	fi
}

# net_counts: one line per resource, "name count", of what containers could leak.
net_counts() {
	echo "links $(ip -o link | wc -l)"
	echo "veths-on-selkie0 $(ip -o link show master selkie0 2>/dev/null | wc -l)"
	echo "iptables $({ iptables-save -t nat; iptables-save -t filter; } | grep -vc '^#')"
	echo "net_attachments $(net_test_db_query 'SELECT count(*) FROM net_attachments')"
	echo "test-mounts $(awk -v d="$BATS_TEST_TMPDIR/" 'index($5, d) == 1' /proc/self/mountinfo | wc -l)"
	echo "mounts $(wc -l </proc/self/mountinfo)"
	echo "test-netns $(find "$SELKIE_TEST_RUNROOT/netns" -mindepth 1 2>/dev/null | wc -l)"
	echo "run-netns $(find /run/netns -mindepth 1 2>/dev/null | wc -l)"
	echo "cni-cache $(find "$SELKIE_TEST_RUNROOT/networks/cni-cache" -type f 2>/dev/null | wc -l)"
	echo "test-rules $(net_test_rules | wc -l)"
}

# counts_are EXPECTED: net_counts prints EXPECTED (for wait_until).
counts_are() {
	[[ $(net_counts) == "$1" ]]
}

# assert_counts_back BEFORE: the counts return to BEFORE (a monitor may still be finishing);
# otherwise show the difference and what is new.
assert_counts_back() {
	local before=$1
	if ! wait_until 30 counts_are "$before"; then
		diff <(echo "$before") <(net_counts) | sed 's/^/# /' >&2
		echo "# links now:" >&2
		ip -o link | cut -d: -f2 | sed 's/^/#  /' >&2
		echo "# rules naming this test's containers:" >&2
		net_test_rules | sed 's/^/#  /' >&2
		return 1
	fi
}

@test "create/start/rm cycles with a published port leave interfaces, rules, rows, mounts and namespaces as before" {
	require_registry
	require_root "CNI bridge networking and iptables"
	local cycles=${SELKIE_LEAK_CYCLES:-1000} i
	# One cycle first: what the first container of a host makes for good (selkie's chains
	# and their jumps, the default network's file) is not a leak.
	run_selkie create --name leak -p 38300:80 "$HTTPD"
	run_selkie start leak
	wait_until 10 curl -sf -m 2 http://127.0.0.1:38300/
	run_selkie rm -f -t 0 leak
	local before
	wait_until 10 counts_are "$(net_counts)" # settled
	before=$(net_counts)
	echo "# before: $(tr '\n' ' ' <<<"$before")" >&3
	for ((i = 1; i <= cycles; i++)); do
		run_selkie create --name leak -p 38300:80 "$HTTPD"
		run_selkie start leak
		# every 100th cycle, the port answers (the others are as fast as they can be)
		if ((i % 100 == 0)); then
			wait_until 10 curl -sf -m 2 http://127.0.0.1:38300/
			echo "# cycle $i: $(net_counts | tr '\n' ' ')" >&3
		fi
		run_selkie rm -f -t 0 leak
	done
	assert_counts_back "$before"
	run_selkie ps -a -q
	assert_equal "$output" ""
	# and the port is free for anyone
	run ss -Htln "sport = :38300"
	assert_equal "$output" ""
}

@test "a selkie run -d killed with SIGKILL during its start leaves nothing the next commands do not repair" {
	require_registry
	require_root "CNI bridge networking and iptables"
	# warm-up, as above
	run_selkie run -d --name warm -p 38310:80 "$HTTPD"
	wait_until 10 curl -sf -m 2 http://127.0.0.1:38310/
	run_selkie rm -f -t 0 warm
	local before delay pid n=0
	wait_until 10 counts_are "$(net_counts)"
	before=$(net_counts)
	for delay in 0.02 0.05 0.08 0.12 0.16 0.2 0.25 0.3 0.4 0.5 0.7 1.0; do
		n=$((n + 1))
		"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
			run -d --name "killed$n" -p "$((38310 + n)):80" "$HTTPD" >/dev/null 2>&1 3>&- &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		# the next command works and says something sensible
		run_selkie ps -a --format '{{.Names}} {{.Status}}'
		echo "# killed after ${delay}s: ${output:-no container}" >&3
	done
	run_selkie rm -af -t 0
	run_selkie ps -a -q
	assert_equal "$output" ""
	assert_counts_back "$before"
	# every port is free again and works for a new container
	for ((n = 1; n <= 12; n++)); do
		run ss -Htln "sport = :$((38310 + n))"
		assert_equal "$output" ""
	done
	run_selkie run -d --name after -p 38311:80 "$HTTPD"
	wait_until 10 curl -sf -m 2 http://127.0.0.1:38311/
	run_selkie rm -f -t 0 after
	assert_counts_back "$before"
}

@test "a container whose start was killed can be started again, with its port and address" {
	require_registry
	require_root "CNI bridge networking and iptables"
	local delay pid n=0
	for delay in 0.05 0.1 0.2 0.3; do
		n=$((n + 1))
		run_selkie create --name again$n -p "$((38330 + n)):80" "$HTTPD"
		"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
			start "again$n" >/dev/null 2>&1 3>&- &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		# whatever state it was left in, stop + start brings it up with its port
		run_selkie stop -t 0 "again$n"
		run_selkie start "again$n"
		wait_until 10 curl -sf -m 2 "http://127.0.0.1:$((38330 + n))/"
		run_selkie exec "again$n" ip -4 -o addr show eth0
		assert_match "$output" "inet 10\.90\."
	done
	# one address per container, no more
	assert_equal "$(net_test_db_query 'SELECT count(*) FROM net_attachments')" "$n"
	assert_equal "$(net_test_db_query 'SELECT count(DISTINCT ip) FROM net_attachments')" "$n"
}
