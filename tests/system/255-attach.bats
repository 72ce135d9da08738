#!/usr/bin/env bats
# selkie attach, start -a, run -a/-i/-it: the container's output and input through the
# monitor's attach socket, several clients at once, signal proxying, and detaching with the
# detach keys on a terminal (driven through script(1)).

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

# SELKIE: the command line of selkie with this test's storage, for script(1) and bash -c.
selkie_cmdline() {
	echo "$SELKIE_BIN --root $SELKIE_TEST_ROOT --runroot $SELKIE_TEST_RUNROOT"
}

# logs_have CONTAINER TEXT: the container's log holds TEXT (for wait_until).
logs_have() {
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" logs "$1" 2>&1 |
		grep -qF -- "$2"
}

# in_terminal INPUT-SCRIPT COMMAND: run COMMAND on a terminal (script -q) while a subshell
# types INPUT-SCRIPT (a bash snippet of printf and sleep); output (raw, \r kept) in $output.
in_terminal() {
	require_script
	run bash -c "($1) | timeout 30 script -q -e -c '$2' /dev/null"
}

@test "attach shows what a running container writes from then on, and ends with its exit code" {
	require_registry
	run_selkie run -d --name ticker "$BUSYBOX" sh -c 'echo early; i=0; while [ $i -lt 8 ]; do
		echo tick$i; i=$((i+1)); sleep 0.2; done; exit 3'
	wait_until 10 logs_have ticker tick1
	run_selkie 3 attach ticker
	assert_not_contains "$output" "early"
	assert_contains "$output" "tick7"
	assert_not_contains "$output" "tick0"
}

@test "attach passes stdin to a container run with -i; --no-stdin does not" {
	require_registry
	run_selkie run -d -i --name reader "$BUSYBOX" sh -c 'read x; echo got:$x; exit 4'
	run_selkie 4 attach reader <<<"hello"
	assert_equal "$output" "got:hello"
	run_selkie run -d -i --name reader2 "$BUSYBOX" sh -c 'echo ready; read x; echo got:$x'
	wait_until 10 logs_have reader2 ready
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		attach --no-stdin reader2 <<<"ignored" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	BG_PIDS+=($!)
	sleep 0.5
	run_selkie logs reader2
	assert_equal "$output" "ready"
	run_selkie inspect --format '{{.State.Status}}' reader2
	assert_equal "$output" "running"
}

@test "two clients attached at once both see the output" {
	require_registry
	run_selkie run -d --name two "$BUSYBOX" sh -c 'echo ready; sleep 1;
		for i in 1 2 3; do echo line$i; done'
	wait_until 10 logs_have two ready
	local cmd
	cmd=$(selkie_cmdline)
	$cmd attach two >"$BATS_TEST_TMPDIR/a1" 2>&1 &
	local a1=$!
	$cmd attach two >"$BATS_TEST_TMPDIR/a2" 2>&1 &
	local a2=$!
	wait "$a1"
	wait "$a2"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/a1")" "line1
line2
line3"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/a2")" "line1
line2
line3"
}

@test "attach to a container that is not running fails with podman's message" {
	require_registry
	run_selkie create --name created "$BUSYBOX" true
	run_selkie 125 attach created
	assert_equal "$output" "Error: you can only attach to running containers"
	run_selkie run --name exited "$BUSYBOX" true
	run_selkie 125 attach exited
	assert_equal "$output" "Error: you can only attach to running containers"
	run_selkie 125 attach nosuch
	assert_equal "$output" 'Error: no container with name or ID "nosuch" found: no such container'
}

@test "attach --latest attaches to the newest container" {
	require_registry
	run_selkie run -d --name old "$BUSYBOX" sleep 100
	run_selkie run -d -i --name new "$BUSYBOX" sh -c 'read x; echo new:$x'
	run_selkie attach --latest <<<"in"
	assert_equal "$output" "new:in"
}

@test "start -a attaches and passes the exit code through; start -ai passes stdin" {
	require_registry
	run_selkie create --name sa "$BUSYBOX" sh -c 'echo out; echo err >&2; exit 6'
	run_selkie_stdout 6 start -a sa
	assert_equal "$output" "out"
	assert_equal "$stderr" "err"
	run_selkie create -i --name sai "$BUSYBOX" sh -c 'read x; echo got:$x'
	run_selkie start -ai sai <<<"typed"
	assert_equal "$output" "got:typed"
}

@test "run -a stdout and -a stderr attach only those streams" {
	require_registry
	run_selkie_stdout run --rm -a stdout "$BUSYBOX" sh -c 'echo o; echo e >&2'
	assert_equal "$output" "o"
	assert_equal "$stderr" ""
	run_selkie_stdout run --rm -a stderr "$BUSYBOX" sh -c 'echo o; echo e >&2'
	assert_equal "$output" ""
	assert_equal "$stderr" "e"
}

@test "run -i echoes stdin through the container, all of it and in order" {
	require_registry
	seq 1 20000 >"$BATS_TEST_TMPDIR/in"
	run_selkie run --rm -i "$BUSYBOX" cat <"$BATS_TEST_TMPDIR/in"
	assert_equal "$output" "$(cat "$BATS_TEST_TMPDIR/in")"
	run_selkie run --rm -i "$BUSYBOX" md5sum <"$BATS_TEST_TMPDIR/in"
	assert_equal "$output" "$(md5sum <"$BATS_TEST_TMPDIR/in")"
}

@test "a signal to selkie run is passed on to the container" {
	require_registry
	local cmd
	cmd=$(selkie_cmdline)
	$cmd run --name sp "$BUSYBOX" sh -c 'trap "echo got-term; exit 0" TERM; echo ready;
		while :; do sleep 0.1; done' >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local cli=$!
	BG_PIDS+=("$cli")
	wait_until 10 grep -q ready "$BATS_TEST_TMPDIR/out"
	kill -TERM "$cli"
	local rc=0
	wait "$cli" || rc=$?
	assert_equal "$rc" "0"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" "ready
got-term"
}

@test "run -it on a terminal: the program's output arrives unchanged" {
	require_registry
	in_terminal "sleep 1" "$(selkie_cmdline) run --rm -it $BUSYBOX sh -c \"echo one; echo two\""
	# cat -A shows \r as ^M: "one\r\n", not the "one\r\r\n" of a terminal left cooked.
	assert_equal "$(cat -A <<<"$output")" 'one^M$
two^M$'
}

@test "ctrl-p ctrl-q detaches from run -it; the container runs on and can be attached again" {
	require_registry
	local cmd
	cmd=$(selkie_cmdline)
	in_terminal "sleep 1; printf 'echo first-session\r'; sleep 0.5; printf '\x10\x11'; sleep 1" \
		"$cmd run -it --name dk $BUSYBOX sh"
	assert_equal "$status" "0"
	assert_contains "$output" "first-session"
	run_selkie inspect --format '{{.State.Status}}' dk
	assert_equal "$output" "running"
	in_terminal "sleep 1; printf 'echo second-session\r'; sleep 0.5; printf 'exit 5\r'; sleep 1" \
		"$cmd attach dk"
	assert_equal "$status" "5"
	assert_contains "$output" "second-session"
	run_selkie inspect --format '{{.State.Status}} {{.State.ExitCode}}' dk
	assert_equal "$output" "exited 5"
}

@test "--detach-keys sets other keys; the default ones then pass through" {
	require_registry
	local cmd
	cmd=$(selkie_cmdline)
	in_terminal "sleep 1; printf '\x01x'; sleep 1" \
		"$cmd run -it --detach-keys ctrl-a,x --name dk2 $BUSYBOX sh"
	assert_equal "$status" "0"
	run_selkie inspect --format '{{.State.Status}}' dk2
	assert_equal "$output" "running"
	in_terminal "sleep 1; printf '\x01x'; sleep 1" "$cmd attach --detach-keys ctrl-a,x dk2"
	assert_equal "$status" "0"
	run_selkie inspect --format '{{.State.Status}}' dk2
	assert_equal "$output" "running"
	run_selkie 125 run -it --detach-keys bogus-key "$BUSYBOX" true
	assert_match "$output" '^Error: .*bogus-key'
}

@test "attach through runc" {
	require_registry
	run_selkie run -d -i --runtime runc --name ra "$BUSYBOX" sh -c 'read x; echo got:$x; exit 2'
	run_selkie 2 attach ra <<<"runc"
	assert_equal "$output" "got:runc"
}
