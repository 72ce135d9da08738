#!/usr/bin/env bats
# Containers under bad input, faults and concurrency (issue 3, section 6): unknown images, bad
# flag values, missing bind sources, taken names, a monitor or a CLI killed with SIGKILL, 50
# containers started at once, rm -f racing start. Each leaves the state consistent: nothing
# half-made visible, no stale mount, no stray process, the database intact.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	selkie_test_setup
	BUSYBOX=${SELKIE_REGISTRY:-}/busybox:latest
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$BUSYBOX"
	fi
	BG_PIDS=()
}

teardown() {
	local p
	for p in "${BG_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	selkie_test_teardown
}

# The state database (config/paths: <root>/selkie.db).
db() {
	echo "$SELKIE_TEST_ROOT/selkie.db"
}

# test_mounts: mount points under this test's storage, one a line (rootless: in the user
# namespace holder's mount namespace, where selkie mounts).
test_mounts() {
	awk -v root="$SELKIE_TEST_ROOT/" -v run="$SELKIE_TEST_RUNROOT/" \
		'index($5, root) == 1 || index($5, run) == 1 { print $5 }' "$(selkie_mountinfo)"
}

# assert_nothing_left: no container, no mount, no process of this test's storage, no
# container directory.
assert_nothing_left() {
	run_selkie ps -a -q
	assert_equal "$output" ""
	assert_equal "$(test_mounts)" ""
	wait_until 5 test_processes_gone
	assert_equal "$(find "$SELKIE_TEST_ROOT/containers" -mindepth 1 -maxdepth 1 2>/dev/null)" ""
}

# assert_one_error_line: the last command printed exactly one "Error: ..." line.
assert_one_error_line() {
	assert_equal "${#lines[@]}" 1
	assert_match "${lines[0]}" '^Error: .'
}

# selkie_bg ARGS...: selkie with the test's storage in the background; PID in $BG.
selkie_bg() {
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" "$@" \
		>/dev/null 2>&1 &
	BG=$!
	BG_PIDS+=("$BG")
}

# ns_now: the time in nanoseconds.
ns_now() {
	date +%s%N
}

@test "an unknown image fails with 125 and makes no container" {
	require_registry
	run_selkie_stdout 125 run --rm "$SELKIE_REGISTRY/nosuch:latest" true
	assert_match "$stderr" "Error: .*manifest unknown"
	run_selkie 125 create --pull=never "$SELKIE_REGISTRY/nosuch:latest"
	assert_equal "$output" "Error: $SELKIE_REGISTRY/nosuch:latest: image not known"
	assert_nothing_left
	run_selkie images --format '{{.Repository}}'
	assert_equal "$output" "$SELKIE_REGISTRY/busybox"
}

@test "bad flag values fail with 125 and one error line, before anything is made" {
	require_registry
	run_selkie 125 run --rm --memory abc "$BUSYBOX" true
	assert_equal "$output" "Error: invalid value for memory: invalid size: 'abc'"
	run_selkie 125 run --rm --cpus -1 "$BUSYBOX" true
	assert_one_error_line
	assert_contains "$output" "cpus"
	run_selkie 125 run --rm --cpus abc "$BUSYBOX" true
	assert_match "${lines[0]}" '^Error: invalid argument "abc" for "--cpus" flag'
	run_selkie 125 run --rm --pids-limit abc "$BUSYBOX" true
	assert_equal "$output" 'Error: invalid argument "abc" for "--pids-limit" flag: strconv.ParseInt: parsing "abc": invalid syntax'
	run_selkie 125 create --restart on-failure:x "$BUSYBOX"
	assert_equal "$output" 'Error: parsing restart policy retry count: strconv.Atoi: parsing "x": invalid syntax'
	run_selkie 125 create --ulimit nofile=abc "$BUSYBOX"
	assert_one_error_line
	run_selkie 125 create --shm-size 1x "$BUSYBOX"
	assert_one_error_line
	run_selkie 125 create -v relative:/x:bogus-option "$BUSYBOX"
	assert_one_error_line
	assert_nothing_left
}

@test "a bind mount source that does not exist fails and makes no container" {
	require_registry
	run_selkie 125 create -v "$BATS_TEST_TMPDIR/missing:/data" "$BUSYBOX"
	assert_equal "$output" "Error: statfs $BATS_TEST_TMPDIR/missing: no such file or directory"
	run_selkie 125 run --rm --mount "type=bind,source=$BATS_TEST_TMPDIR/missing,destination=/data" \
		"$BUSYBOX" true
	assert_one_error_line
	assert_contains "$output" "$BATS_TEST_TMPDIR/missing"
	assert_nothing_left
}

@test "a name already taken is refused and the container that has it is untouched" {
	require_registry
	run_selkie run -d --name taken "$BUSYBOX" sleep 100
	local id=$output
	run_selkie 125 run -d --name taken "$BUSYBOX" sleep 100
	assert_one_error_line
	assert_contains "$output" "the container name \"taken\" is already in use by $id"
	run_selkie ps -a -q --no-trunc
	assert_equal "$output" "$id"
	run_selkie inspect --format '{{.State.Status}}' taken
	assert_equal "$output" "running"
}

@test "a monitor killed with SIGKILL: the container is reported exited, nothing is stale, rm works" {
	require_registry
	run_selkie run -d --name mk "$BUSYBOX" sleep 100
	local id=$output monitor pid
	monitor=$(ctr_field mk '{{.State.ConmonPid}}')
	pid=$(ctr_field mk '{{.State.Pid}}')
	[[ -n $monitor && $monitor != 0 && -d /proc/$monitor ]]
	kill -9 "$monitor"
	wait_until 10 bash -c "[[ ! -d /proc/$monitor ]]"
	run_selkie ps -a --format '{{.Names}} {{.State}}'
	assert_equal "$output" "mk exited"
	# Its process is gone too (at most a zombie waiting for the host's init).
	wait_until 10 bash -c "[[ ! -d /proc/$pid ]] || grep -q '^State:.*Z' /proc/$pid/status"
	assert_equal "$(test_mounts)" ""
	run_selkie rm mk
	run_selkie 1 container exists mk
	assert_nothing_left
	[[ ! -e /sys/fs/cgroup/memory/selkie/$id ]]
}

@test "a container whose monitor was killed can be started again" {
	require_registry
	run_selkie run -d --name again "$BUSYBOX" sleep 100
	local monitor
	monitor=$(ctr_field again '{{.State.ConmonPid}}')
	kill -9 "$monitor"
	wait_until 10 bash -c "[[ ! -d /proc/$monitor ]]"
	run_selkie start again
	run_selkie inspect --format '{{.State.Status}}' again
	assert_equal "$output" "running"
	[[ $(ctr_field again '{{.State.ConmonPid}}') != "$monitor" ]]
	run_selkie exec again true
	run_selkie stop -t 0 again
	run_selkie rm again
	assert_nothing_left
}

@test "a container process killed from outside is reported exited 137" {
	require_registry
	run_selkie run -d --name victim "$BUSYBOX" sleep 100
	kill -9 "$(ctr_field victim '{{.State.Pid}}')"
	wait_until 10 ctr_status_is victim exited
	run_selkie inspect --format '{{.State.ExitCode}}' victim
	assert_equal "$output" "137"
	run_selkie ps -a --format '{{.Status}}'
	assert_match "$output" '^Exited \(137\) '
	run_selkie rm victim
	assert_nothing_left
}

@test "a running container's monitor stays small" {
	require_registry
	run_selkie run -d --name small "$BUSYBOX" sleep 100
	local monitor rss
	monitor=$(ctr_field small '{{.State.ConmonPid}}')
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$monitor/status")
	[[ -n $rss ]]
	# Sanitizer builds carry their own shadow memory: the figure is for release builds.
	if ! ldd "$SELKIE_BIN" 2>/dev/null | grep -q libasan; then
		echo "# monitor RSS: $rss kB" >&3
		((rss < 2048))
	fi
}

# kill_during THEN ARGS...: run `selkie ARGS` in the background and SIGKILL it at 10%, 20%
# ... 90% of the time a whole run takes. After each kill the container named "kc" is either
# absent or complete: with THEN=start it can be started (and is then removed), with THEN=rm it
# is removed at once. Either way nothing of it is left afterwards, and the name can be used
# again.
kill_during() {
	local then=$1 t0 full frac
	shift
	t0=$(ns_now)
	run_selkie "$@"
	full=$(($(ns_now) - t0))
	run_selkie rm -f -t 0 kc
	assert_nothing_left
	for frac in 1 2 3 4 5 6 7 8 9; do
		selkie_bg "$@"
		sleep "$(printf '0.%09d' $((full * frac / 10)))"
		kill -9 "$BG" 2>/dev/null || true
		wait "$BG" 2>/dev/null || true
		echo "# killed at ${frac}0%" >&3
		run_selkie ps -a --format '{{.Names}} {{.State}}'
		if [[ -n $output ]]; then
			assert_match "$output" '^kc (created|running|exited)$'
			if [[ $then == start ]]; then
				run_selkie start kc
				run_selkie inspect --format '{{.State.Status}}' kc
				assert_match "$output" '^(running|exited)$'
			fi
			run_selkie rm -f -t 0 kc
		fi
		assert_nothing_left
		run_selkie "$@"
		run_selkie rm -f -t 0 kc
		assert_nothing_left
	done
}

@test "a CLI killed with SIGKILL during create leaves no half-made container" {
	require_registry
	kill_during start create --name kc "$BUSYBOX" sleep 100
}

@test "a CLI killed with SIGKILL during run -d: the container it leaves can be started" {
	require_registry
	kill_during start run -d --name kc "$BUSYBOX" sleep 100
}

@test "a CLI killed with SIGKILL during run -d: rm -f leaves no process, mount or cgroup" {
	require_registry
	kill_during rm run -d --name kc "$BUSYBOX" sleep 100
}

@test "50 run -d at once all succeed, with 50 distinct names, and the database is intact" {
	require_registry
	local i pids=() failed=0
	for i in $(seq 1 50); do
		"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
			run -d "$BUSYBOX" sleep 100 >"$BATS_TEST_TMPDIR/run.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || failed=$((failed + 1))
	done
	if ((failed > 0)); then
		cat "$BATS_TEST_TMPDIR"/run.* | grep -v '^[0-9a-f]\{64\}$' | sort | uniq -c >&2
	fi
	assert_equal "$failed" "0"
	assert_equal "$(cat "$BATS_TEST_TMPDIR"/run.* | grep -c '^[0-9a-f]\{64\}$')" "50"
	run_selkie ps -a -q
	assert_equal "${#lines[@]}" "50"
	run_selkie ps -q
	assert_equal "${#lines[@]}" "50"
	run_selkie ps -a --format '{{.Names}}'
	assert_equal "$(sort -u <<<"$output" | wc -l)" "50"
	assert_equal "$(sort -u <<<"$(cat "$BATS_TEST_TMPDIR"/run.*)" | wc -l)" "50"
	run sqlite3 "$(db)" "PRAGMA integrity_check"
	assert_equal "$output" "ok"
	run_selkie rm -a -f -t 0
	assert_equal "${#lines[@]}" "50"
	assert_nothing_left
}

@test "rm -f racing start: one of them wins and nothing is left behind" {
	require_registry
	local i id start_pid rm_pid rm_rc
	for i in 1 2 3 4 5 6; do
		run_selkie create --name race "$BUSYBOX" sleep 100
		id=$output
		"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
			start race >"$BATS_TEST_TMPDIR/start.out" 2>&1 &
		start_pid=$!
		"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
			rm -f -t 0 race >"$BATS_TEST_TMPDIR/rm.out" 2>&1 &
		rm_pid=$!
		wait "$start_pid" || true
		rm_rc=0
		wait "$rm_pid" || rm_rc=$?
		assert_equal "$rm_rc" "0"
		# A start that lost says the container is gone, in one line.
		if [[ -s $BATS_TEST_TMPDIR/start.out && $(cat "$BATS_TEST_TMPDIR/start.out") != race ]]; then
			assert_match "$(cat "$BATS_TEST_TMPDIR/start.out")" '^Error: .*no such container$'
		fi
		assert_nothing_left
		[[ ! -e /sys/fs/cgroup/pids/selkie/$id ]]
	done
	run sqlite3 "$(db)" "PRAGMA integrity_check"
	assert_equal "$output" "ok"
}

@test "with --runtime runc: a killed monitor and a killed container process are handled" {
	require_registry
	run_selkie run -d --runtime runc --name rk "$BUSYBOX" sleep 100
	local monitor
	monitor=$(ctr_field rk '{{.State.ConmonPid}}')
	kill -9 "$monitor"
	wait_until 10 bash -c "[[ ! -d /proc/$monitor ]]"
	run_selkie ps -a --format '{{.Names}} {{.State}}'
	assert_equal "$output" "rk exited"
	run_selkie rm rk
	run_selkie run -d --runtime runc --name rv "$BUSYBOX" sleep 100
	kill -9 "$(ctr_field rv '{{.State.Pid}}')"
	wait_until 10 ctr_status_is rv exited
	run_selkie inspect --format '{{.State.ExitCode}}' rv
	assert_equal "$output" "137"
	run_selkie rm rv
	assert_nothing_left
}
