#!/usr/bin/env bats
# selkie logs: what the monitor wrote in k8s-file format, read back whole, followed, cut by
# --tail/--since/--until, timestamped, for several containers at once; the none driver; and
# rotation at --log-opt max-size.

load helpers
bats_require_minimum_version 1.5.0

RFC3339NANO='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z'

setup() {
	selkie_test_setup
	BUSYBOX=${SELKIE_REGISTRY:-}/busybox:latest
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$BUSYBOX"
	fi
	FOLLOWER=
}

teardown() {
	if [[ -n $FOLLOWER ]]; then
		kill -9 "$FOLLOWER" 2>/dev/null || true
		wait "$FOLLOWER" 2>/dev/null || true
	fi
	selkie_test_teardown
}

# log_file CONTAINER: the container's k8s-file log, found in its directory.
log_file() {
	find "$SELKIE_TEST_ROOT" -path "*$(ctr_field "$1" '{{.Id}}')*" -name '*.log' -type f | head -1
}

@test "logs prints what the container wrote, stdout to stdout and stderr to stderr" {
	require_registry
	run_selkie run --name l "$BUSYBOX" sh -c 'echo out1; echo err1 >&2; echo out2'
	run_selkie_stdout logs l
	assert_equal "$output" "out1
out2"
	assert_equal "$stderr" "err1"
	# (Through one pipe the two streams may interleave differently, as with podman.)
	run_selkie container logs l
	assert_equal "$(sort <<<"$output")" "err1
out1
out2"
	# The log is in podman's k8s-file format.
	run cat "$(log_file l)"
	assert_equal "${#lines[@]}" 3
	assert_match "${lines[0]}" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2}) stdout F out1$'
	assert_match "$output" $'(^|\n)[0-9TZ:.+-]+ stderr F err1(\n|$)'
}

@test "logs keeps a line without its newline, and a long line whole" {
	require_registry
	run_selkie run --name p "$BUSYBOX" sh -c 'head -c 20000 /dev/zero | tr "\0" x; echo; printf last'
	run_selkie logs p
	assert_equal "${#lines[@]}" 2
	assert_equal "${#lines[0]}" 20000
	assert_equal "${lines[1]}" "last"
}

@test "logs -f follows a running container until it exits" {
	require_registry
	run_selkie run -d --name f "$BUSYBOX" sh -c 'echo first; sleep 0.5; echo second; sleep 0.5;
		echo third'
	local start=$SECONDS
	run_selkie logs -f f
	assert_equal "$output" "first
second
third"
	((SECONDS - start < 10))
	run_selkie inspect --format '{{.State.Status}}' f
	assert_equal "$output" "exited"
	# Following an exited container prints its log and returns.
	run_selkie logs --follow f
	assert_equal "${#lines[@]}" 3
}

@test "logs -f shows lines as they are written, and returns when the container stops" {
	require_registry
	run_selkie run -d --name live "$BUSYBOX" sh -c 'echo start;
		while [ ! -e /tmp/go ]; do sleep 0.1; done; echo after-go; sleep 100'
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" logs -f live \
		>"$BATS_TEST_TMPDIR/follow" 2>&1 &
	FOLLOWER=$!
	wait_until 10 grep -q start "$BATS_TEST_TMPDIR/follow"
	run_selkie exec live touch /tmp/go
	wait_until 10 grep -q after-go "$BATS_TEST_TMPDIR/follow"
	# Still following while the container runs.
	kill -0 "$FOLLOWER"
	run_selkie stop -t 0 live
	wait_until 10 bash -c "! kill -0 $FOLLOWER"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/follow")" "start
after-go"
}

@test "--tail N prints the last N lines" {
	require_registry
	run_selkie run --name t "$BUSYBOX" sh -c 'for i in 1 2 3 4 5; do echo line$i; done'
	run_selkie logs --tail 2 t
	assert_equal "$output" "line4
line5"
	run_selkie logs --tail 0 t
	assert_equal "$output" ""
	run_selkie logs --tail 100 t
	assert_equal "${#lines[@]}" 5
	run_selkie logs --tail -1 t
	assert_equal "${#lines[@]}" 5
}

@test "-t puts each line's RFC3339Nano time in front" {
	require_registry
	run_selkie run --name ts "$BUSYBOX" sh -c 'echo a; echo b >&2'
	run_selkie logs -t ts
	assert_match "${lines[0]}" "^$RFC3339NANO a\$"
	assert_match "${lines[1]}" "^$RFC3339NANO b\$"
	run_selkie logs --timestamps --tail 1 ts
	assert_match "$output" "^$RFC3339NANO b\$"
}

@test "--since and --until keep the lines after and before a time" {
	require_registry
	run_selkie run --name st "$BUSYBOX" sh -c 'echo line1; sleep 0.3; echo line2; sleep 0.3;
		echo line3'
	run_selkie logs -t st
	local t2
	t2=$(cut -d' ' -f1 <<<"${lines[1]}")
	run_selkie logs --since "$t2" st
	assert_equal "$output" "line3"
	run_selkie logs --until "$t2" st
	assert_equal "$output" "line1"
	run_selkie logs --since 2000-01-01T00:00:00Z st
	assert_equal "${#lines[@]}" 3
	run_selkie logs --until 2000-01-01T00:00:00Z st
	assert_equal "$output" ""
	# Durations count back from now.
	run_selkie logs --since 10m st
	assert_equal "${#lines[@]}" 3
	run_selkie logs --until 10m st
	assert_equal "$output" ""
	run_selkie 125 logs --since bogus st
	assert_match "$output" '^Error: .*bogus'
}

@test "logs of several containers prefixes each line with the short ID, --names with the name" {
	require_registry
	run_selkie run --name one "$BUSYBOX" echo from-one
	run_selkie run --name two "$BUSYBOX" echo from-two
	local one two
	one=$(ctr_field one '{{.Id}}')
	two=$(ctr_field two '{{.Id}}')
	run_selkie logs one two
	assert_equal "$output" "${one:0:12} from-one
${two:0:12} from-two"
	run_selkie logs --names one two
	assert_equal "$output" "one from-one
two from-two"
	run_selkie logs -n one
	assert_equal "$output" "one from-one"
}

@test "logs of a missing container fails; logs --latest reads the newest" {
	require_registry
	run_selkie 125 logs nosuch
	assert_equal "$output" 'Error: no container with name or ID "nosuch" found: no such container'
	run_selkie run --name old "$BUSYBOX" echo old
	run_selkie run --name new "$BUSYBOX" echo new
	run_selkie logs --latest
	assert_equal "$output" "new"
	run_selkie logs -l
	assert_equal "$output" "new"
}

@test "--log-driver none keeps no log: run still prints, logs says why it cannot" {
	require_registry
	run_selkie run --name quiet --log-driver none "$BUSYBOX" echo still-printed
	assert_equal "$output" "still-printed"
	run_selkie 125 logs quiet
	assert_equal "$output" "Error: this container is using the 'none' log driver, cannot read logs: this container is not logging output"
	run_selkie inspect --format '{{.HostConfig.LogConfig.Type}}' quiet
	assert_equal "$output" "none"
	run_selkie 125 run --rm --log-driver bogus "$BUSYBOX" true
	assert_equal "$output" "Error: running container create option: invalid log driver: invalid argument"
}

@test "--log-opt max-size rotates the log: it stays small and keeps the newest lines" {
	require_registry
	run_selkie run --name rot --log-opt max-size=2k "$BUSYBOX" sh -c \
		'i=0; while [ $i -lt 200 ]; do echo "line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; i=$((i+1)); done'
	assert_equal "${#lines[@]}" 200
	local file
	file=$(log_file rot)
	(($(stat -c %s "$file") <= 2048 + 100))
	run_selkie logs rot
	assert_equal "${lines[-1]}" "line-199-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	((${#lines[@]} < 200))
	run_selkie inspect --format '{{index .HostConfig.LogConfig.Config "max-size"}}' rot
	assert_equal "$output" "2k"
	# podman names the file in the document.
	run_selkie inspect --format '{{.HostConfig.LogConfig.Path}}' rot
	assert_equal "$output" "$file"
}

@test "logs through runc" {
	require_registry
	run_selkie run -d --runtime runc --name rl "$BUSYBOX" sh -c 'echo a; sleep 0.3; echo b'
	run_selkie logs -f rl
	assert_equal "$output" "a
b"
}
