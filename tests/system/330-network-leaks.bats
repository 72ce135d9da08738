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

# own_counts: what this test's containers hold, "name count" a line: must come back exactly.
own_counts() {
	echo "net_attachments $(net_test_db_query 'SELECT count(*) FROM net_attachments')"
	echo "test-mounts $(awk -v d="$BATS_TEST_TMPDIR/" 'index($5, d) == 1' /proc/self/mountinfo | wc -l)"
	echo "test-netns $(find "$SELKIE_TEST_RUNROOT/netns" -mindepth 1 2>/dev/null | wc -l)"
	echo "cni-cache $(find "$SELKIE_TEST_RUNROOT/networks/cni-cache" -type f 2>/dev/null | wc -l)"
	echo "firewall-records $(find "$SELKIE_TEST_RUNROOT/networks/firewall" -type f 2>/dev/null | wc -l)"
	echo "test-rules $(net_test_rules | wc -l)"
	echo "test-cgroups $(net_test_cgroups | wc -l)"
}

# host_counts: the host's interfaces, iptables rules (nat + filter), mounts and named network
# namespaces, "name count" a line: must not have grown (other suites' containers may go away
# meanwhile; on a quiet host, as in CI, not growing is being equal).
host_counts() {
	echo "links $(ip -o link | wc -l)"
	echo "veths-on-selkie0 $(ip -o link show master selkie0 2>/dev/null | wc -l)"
	echo "iptables $({ iptables-save -t nat; iptables-save -t filter; } | grep -vc '^#')"
	echo "mounts $(wc -l </proc/self/mountinfo)"
	echo "run-netns $(find /run/netns -mindepth 1 2>/dev/null | wc -l)"
}

# net_test_cgroups: cgroup directories of this test's containers still on the host.
net_test_cgroups() {
	local id
	for id in $(net_test_ids); do
		ls -d /sys/fs/cgroup/*/selkie/"$id" 2>/dev/null || true
	done
}

# counts_back OWN HOST: own_counts equals OWN and no host count exceeds HOST's.
counts_back() {
	[[ $(own_counts) == "$1" ]] || return 1
	awk 'NR == FNR { before[$1] = $2; next } $2 > before[$1] { bad = 1 } END { exit bad }' \
		<(echo "$2") <(host_counts)
}

# snapshot: settle, then set OWN_BEFORE and HOST_BEFORE.
snapshot() {
	wait_until 10 test_processes_gone || true
	OWN_BEFORE=$(own_counts)
	HOST_BEFORE=$(host_counts)
	echo "# before: $(tr '\n' ' ' <<<"$OWN_BEFORE"$'\n'"$HOST_BEFORE")" >&3
}

# assert_counts_back: the counts return to the snapshot's (a monitor may still be finishing);
# otherwise show the difference and what is new.
assert_counts_back() {
	if ! wait_until 30 counts_back "$OWN_BEFORE" "$HOST_BEFORE"; then
		diff <(echo "$OWN_BEFORE"; echo "$HOST_BEFORE") <(own_counts; host_counts) |
			sed 's/^/# /' >&2
		echo "# links now:" >&2
		ip -o link | cut -d: -f2 | sed 's/^/#  /' >&2
		echo "# rules naming this test's containers:" >&2
		net_test_rules | sed 's/^/#  /' >&2
		return 1
	fi
}

# run_duration: milliseconds one `selkie run -d -p` of the httpd image takes here (then removed).
run_duration() {
	local t0 t1
	t0=$(date +%s%N)
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		run -d --name timing -p 28309:80 "$HTTPD" >/dev/null
	t1=$(date +%s%N)
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		rm -f -t 0 timing >/dev/null
	echo $(((t1 - t0) / 1000000))
}

@test "create/start/rm cycles with a published port leave interfaces, rules, rows, mounts and namespaces as before" {
	require_registry
	require_root "counts the host's iptables rules and interfaces"
	local cycles=${SELKIE_LEAK_CYCLES:-1000} i
	# One cycle first: what the first container of a host makes for good (selkie's chains
	# and their jumps, the default network's file) is not a leak.
	run_selkie create --name leak -p 28300:80 "$HTTPD"
	run_selkie start leak
	wait_until 10 curl -sf -m 2 http://127.0.0.1:28300/
	run_selkie rm -f -t 0 leak
	snapshot
	for ((i = 1; i <= cycles; i++)); do
		run_selkie create --name leak -p 28300:80 "$HTTPD"
		run_selkie start leak
		# every 100th cycle, the port answers (the others are as fast as they can be)
		if ((i % 100 == 0)); then
			wait_until 10 curl -sf -m 2 http://127.0.0.1:28300/
			echo "# cycle $i: $(own_counts | tr '\n' ' ')$(host_counts | tr '\n' ' ')" >&3
		fi
		run_selkie rm -f -t 0 leak
	done
	assert_counts_back
	run_selkie ps -a -q
	assert_equal "$output" ""
	# and the port is free for anyone
	run ss -Htln "sport = :28300"
	assert_equal "$output" ""
}

@test "a selkie run -d killed with SIGKILL during its start leaves nothing the next commands do not repair" {
	require_registry
	require_root "counts the host's iptables rules and interfaces"
	# warm-up, as above
	run_selkie run -d --name warm -p 28310:80 "$HTTPD"
	wait_until 10 curl -sf -m 2 http://127.0.0.1:28310/
	run_selkie rm -f -t 0 warm
	local ms delay pid n
	# Kill at 20 points spread over the time a start takes on this machine (and build).
	ms=$(run_duration)
	echo "# one run -d -p takes ${ms} ms here" >&3
	snapshot
	for ((n = 1; n <= 20; n++)); do
		delay=$(awk -v ms="$ms" -v n="$n" 'BEGIN { printf "%.3f", ms * n / 18 / 1000 }')
		"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
			run -d --name "killed$n" -p "$((28310 + n)):80" "$HTTPD" >/dev/null 2>&1 3>&- &
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
	assert_counts_back
	# every port is free again and works for a new container
	for ((n = 1; n <= 20; n++)); do
		run ss -Htln "sport = :$((28310 + n))"
		assert_equal "$output" ""
	done
	run_selkie run -d --name after -p 28311:80 "$HTTPD"
	wait_until 10 curl -sf -m 2 http://127.0.0.1:28311/
	run_selkie rm -f -t 0 after
	assert_counts_back
}

@test "a container whose start was killed can be started again, with its port and address" {
	require_registry
	require_root "the default network's bridge addresses (rootless it is slirp4netns)"
	local ms delay pid n
	ms=$(run_duration)
	for ((n = 1; n <= 6; n++)); do
		delay=$(awk -v ms="$ms" -v n="$n" 'BEGIN { printf "%.3f", ms * n / 6 / 1000 }')
		run_selkie create --name again$n -p "$((28330 + n)):80" "$HTTPD"
		"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
			start "again$n" >/dev/null 2>&1 3>&- &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		# whatever state it was left in, stop + start brings it up with its port
		run_selkie stop -t 0 "again$n"
		run_selkie start "again$n"
		wait_until 10 curl -sf -m 2 "http://127.0.0.1:$((28330 + n))/"
		run_selkie exec "again$n" ip -4 -o addr show eth0
		assert_match "$output" "inet 10\.90\."
	done
	# one address per container, no more
	assert_equal "$(net_test_db_query 'SELECT count(*) FROM net_attachments')" "6"
	assert_equal "$(net_test_db_query 'SELECT count(DISTINCT ip) FROM net_attachments')" "6"
}
