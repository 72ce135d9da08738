#!/usr/bin/env bats
# selkie events: what the image commands record, printed in podman's formats, filtered,
# bounded in time, and followed as other selkie processes add to it.

load helpers
bats_require_minimum_version 1.5.0

# Go's time.Time String() in UTC, as podman prints an event's time.
TS='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)? \+0000 UTC'

setup() {
	selkie_test_setup
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
		BUSYBOX_ID=$output
	fi
}

teardown() {
	if [[ -n ${FOLLOWER_PID:-} ]]; then
		kill "$FOLLOWER_PID" 2>/dev/null || true
		wait "$FOLLOWER_PID" 2>/dev/null || true
	fi
	selkie_test_teardown
}

# events_lines ARGS...: `selkie events --stream=false ARGS...` into ${lines[@]}.
events_lines() {
	run_selkie_stdout events --stream=false "$@"
}

@test "pull, tag, untag and rmi are recorded with podman's words and layout" {
	require_registry
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" x y:2
	run_selkie untag "$SELKIE_REGISTRY/busybox:latest" localhost/y:2
	run_selkie rmi x
	run_selkie rmi "$SELKIE_REGISTRY/busybox:latest"
	events_lines
	assert_equal "${#lines[@]}" 7
	assert_match "${lines[0]}" "^$TS image pull $BUSYBOX_ID $SELKIE_REGISTRY/busybox:latest\$"
	assert_match "${lines[1]}" "^$TS image tag $BUSYBOX_ID x\$"
	assert_match "${lines[2]}" "^$TS image tag $BUSYBOX_ID y:2\$"
	assert_match "${lines[3]}" "^$TS image untag $BUSYBOX_ID localhost/y:2\$"
	# rmi of a name the image shares only untags; of its last name, untags and removes.
	assert_match "${lines[4]}" "^$TS image untag $BUSYBOX_ID localhost/x:latest\$"
	assert_match "${lines[5]}" "^$TS image untag $BUSYBOX_ID $SELKIE_REGISTRY/busybox:latest\$"
	assert_match "${lines[6]}" "^$TS image remove $BUSYBOX_ID $SELKIE_REGISTRY/busybox:latest\$"
}

@test "untag IMAGE records every name; rmi by ID names the ID; rmi -a and prune name nothing" {
	require_registry
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" x
	run_selkie untag "$BUSYBOX_ID"
	events_lines --filter event=untag --format '{{.Name}}'
	assert_equal "$output" "$SELKIE_REGISTRY/busybox:latest
localhost/x:latest"
	run_selkie rmi "${BUSYBOX_ID:0:12}"
	events_lines --filter event=remove
	assert_match "$output" "^$TS image remove $BUSYBOX_ID ${BUSYBOX_ID:0:12}\$"
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	run_selkie rmi -a
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	run_selkie untag "$BUSYBOX_ID"
	run_selkie image prune -f
	events_lines --filter event=remove
	assert_equal "${#lines[@]}" 3
	assert_match "${lines[1]}" "^$TS image remove $BUSYBOX_ID \$"
	assert_match "${lines[2]}" "^$TS image remove $BUSYBOX_ID \$"
}

@test "failed commands record nothing" {
	require_registry
	run_selkie 125 tag nothere x
	run_selkie 125 untag "$SELKIE_REGISTRY/busybox:latest" nothere:1
	run_selkie 1 rmi nothere
	run_selkie 125 pull "$SELKIE_REGISTRY/nothere:latest"
	events_lines
	assert_equal "${#lines[@]}" 1
	assert_match "${lines[0]}" " image pull "
}

@test "--no-trunc=false shortens IDs to 12 characters" {
	require_registry
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" x
	events_lines --no-trunc=false --filter event=tag
	assert_match "$output" "^$TS image tag ${BUSYBOX_ID:0:12} x\$"
	events_lines --no-trunc --filter event=tag
	assert_match "$output" "^$TS image tag $BUSYBOX_ID x\$"
}

@test "--format json prints podman's event objects, one a line" {
	require_registry
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" x
	events_lines --format json
	assert_equal "${#lines[@]}" 2
	assert_equal "$(jq -c 'del(.Time)' <<<"${lines[1]}")" \
		"{\"ID\":\"$BUSYBOX_ID\",\"Name\":\"x\",\"Status\":\"tag\",\"Type\":\"image\",\"Attributes\":null}"
	assert_match "$(jq -r .Time <<<"${lines[1]}")" \
		'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$'
	events_lines --format '{{json .}}'
	assert_equal "$(jq -r .Status <<<"${lines[0]}")" pull
}

@test "--format templates see podman's event fields" {
	require_registry
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" x
	events_lines --format '{{.Type}}|{{.Status}}|{{.ID}}|{{.Name}}|{{.Image}}|{{.Attributes}}|{{.ContainerExitCode}}'
	assert_equal "${lines[1]}" "image|tag|$BUSYBOX_ID|x||map[]|0"
	events_lines --format '{{.Time}}' --filter event=tag
	assert_match "$output" "^$TS\$"
	run_selkie 125 events --stream=false --format '{{.Nope}}'
	assert_match "$output" "^Error: template: .*can't evaluate field Nope"
}

@test "--filter: values of one key are OR'ed, different keys AND'ed" {
	require_registry
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" x y
	run_selkie untag "$SELKIE_REGISTRY/busybox:latest" localhost/y:latest
	events_lines --filter event=tag --format '{{.Status}} {{.Name}}'
	assert_equal "$output" "tag x
tag y"
	events_lines --filter event=untag --filter event=pull --format '{{.Status}}'
	assert_equal "$output" "pull
untag"
	events_lines --filter event=tag --filter image=y --format '{{.Name}}'
	assert_equal "$output" "y"
	events_lines --filter image="${BUSYBOX_ID:0:8}" --filter type=image
	assert_equal "${#lines[@]}" 4
	events_lines --filter type=container
	assert_equal "$output" ""
	events_lines --filter container=x
	assert_equal "$output" ""
	events_lines --filter status=untag -f type=image --format '{{.Name}}'
	assert_equal "$output" "localhost/y:latest"
	run_selkie 125 events --stream=false --filter bogus=1
	assert_equal "$output" "Error: bogus is an invalid filter"
	run_selkie 125 events --stream=false --filter event
	assert_equal "$output" "Error: event is an invalid filter"
}

@test "--since and --until bound the events by time" {
	require_registry
	sleep 0.1
	local mid
	mid=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" x
	events_lines --since "$mid" --format '{{.Status}}'
	assert_equal "$output" "tag"
	events_lines --until "$mid" --format '{{.Status}}'
	assert_equal "$output" "pull"
	events_lines --since 1h --format '{{.Status}}'
	assert_equal "$output" "pull
tag"
	events_lines --since "$(($(date +%s) + 60))"
	assert_equal "$output" ""
	events_lines --filter since="$mid" --format '{{.Status}}'
	assert_equal "$output" "tag"
	events_lines --since 2000-01-01 --until "$mid" --format '{{.Status}}'
	assert_equal "$output" "pull"
	run_selkie 125 events --stream=false --since yesterday
	assert_equal "$output" "Error: unable to convert since time of yesterday: unable to interpret time value"
	run_selkie 125 events --stream=false --until 5x
	assert_equal "$output" "Error: unable to convert until time of 5x: unable to interpret time value"
}

@test "streaming with an --until ends by itself after printing the history" {
	require_registry
	local start=$SECONDS
	run timeout 20 "$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		events --until 1s --format '{{.Status}}'
	assert_equal "$status" 0
	assert_equal "$output" "pull"
	((SECONDS - start < 15))
	# An --until in the past: the history, at once.
	run timeout 20 "$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		events --until "$(date +%s)" --format '{{.Status}}'
	assert_equal "$status" 0
	assert_equal "$output" "pull"
}

# wait_for_line FILE TEXT: up to 10 seconds for FILE to contain a line with TEXT.
wait_for_line() {
	local i
	for ((i = 0; i < 100; i++)); do
		grep -qF -- "$2" "$1" && return 0
		sleep 0.1
	done
	echo "# '$2' did not show up in $1: $(cat "$1")" >&2
	return 1
}

@test "events follows what other selkie processes record, until interrupted" {
	require_registry
	local out=$BATS_TEST_TMPDIR/follow.out
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		events --format '{{.Status}} {{.Name}}' >"$out" 2>&1 3>&- &
	FOLLOWER_PID=$!
	# Without --since, following starts at the end: tag until the follower shows one.
	local i
	for ((i = 0; i < 50; i++)); do
		run_selkie tag "$SELKIE_REGISTRY/busybox:latest" "t$i"
		grep -q '^tag ' "$out" && break
		sleep 0.2
	done
	wait_for_line "$out" "tag t"
	run_selkie rmi -f "$BUSYBOX_ID"
	wait_for_line "$out" "remove $BUSYBOX_ID"
	assert_not_contains "$(cat "$out")" "pull"
	kill -TERM "$FOLLOWER_PID"
	local rc=0
	wait "$FOLLOWER_PID" || rc=$?
	FOLLOWER_PID=
	assert_equal "$rc" 0
}

@test "events --since follows from the history on, and sees many writers' events" {
	require_registry
	local out=$BATS_TEST_TMPDIR/follow.out since
	since=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		events --since "$since" --filter event=tag --format '{{.Name}}' >"$out" 2>&1 3>&- &
	FOLLOWER_PID=$!
	local pids=() i
	for ((i = 0; i < 20; i++)); do
		"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
			tag "$SELKIE_REGISTRY/busybox:latest" "par$i" 3>&- &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	for ((i = 0; i < 100; i++)); do
		[[ $(grep -c '^par' "$out") -ge 20 ]] && break
		sleep 0.1
	done
	assert_equal "$(sort "$out")" "$(for ((i = 0; i < 20; i++)); do echo "par$i"; done | sort)"
	kill -INT "$FOLLOWER_PID"
	local rc=0
	wait "$FOLLOWER_PID" || rc=$?
	FOLLOWER_PID=
	assert_equal "$rc" 0
}

@test "save, load, import and push are recorded as podman records them" {
	require_registry
	local archive=$BATS_TEST_TMPDIR/bb.tar
	run_selkie push -q "$SELKIE_REGISTRY/busybox:latest" "$SELKIE_REGISTRY/events-push:1"
	run_selkie save -q -o "$archive" "$SELKIE_REGISTRY/busybox:latest"
	run_selkie load -q -i "$archive"
	mkdir -p "$BATS_TEST_TMPDIR/rootfs/etc"
	echo hi >"$BATS_TEST_TMPDIR/rootfs/etc/hello"
	tar -C "$BATS_TEST_TMPDIR/rootfs" -cf "$BATS_TEST_TMPDIR/rootfs.tar" .
	run_selkie import -q "$BATS_TEST_TMPDIR/rootfs.tar" imported:1
	local imported=${output#sha256:}
	run_selkie import -q "$BATS_TEST_TMPDIR/rootfs.tar"
	events_lines
	assert_equal "${#lines[@]}" 5
	assert_match "${lines[1]}" "^$TS image push $BUSYBOX_ID $SELKIE_REGISTRY/events-push:1\$"
	assert_match "${lines[2]}" "^$TS image save $BUSYBOX_ID $archive\$"
	# podman names the archive and no image (two spaces).
	assert_match "${lines[3]}" "^$TS image loadfromarchive  $archive\$"
	# An import records the name it gives, and nothing without one.
	assert_match "${lines[4]}" "^$TS image tag $imported imported:1\$"
}

@test "image mount and unmount are recorded with the image ID" {
	require_registry
	# Rootless, image mount works inside `selkie unshare` only (as podman's).
	local sk=("$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT")
	in_userns "${sk[@]}" image mount "$SELKIE_REGISTRY/busybox:latest" >/dev/null
	in_userns "${sk[@]}" image unmount "$SELKIE_REGISTRY/busybox:latest" >/dev/null
	# Not mounted any more: nothing unmounted, nothing recorded.
	in_userns "${sk[@]}" image unmount "$SELKIE_REGISTRY/busybox:latest" >/dev/null
	events_lines --filter event=mount --filter event=unmount
	assert_equal "${#lines[@]}" 2
	assert_match "${lines[0]}" "^$TS image mount $BUSYBOX_ID \$"
	assert_match "${lines[1]}" "^$TS image unmount $BUSYBOX_ID \$"
}

@test "--events-backend none records nothing and cannot be read" {
	require_registry
	run_selkie --events-backend none tag "$SELKIE_REGISTRY/busybox:latest" x
	events_lines --format '{{.Status}}'
	assert_equal "$output" "pull"
	run_selkie 125 --events-backend none events --stream=false
	assert_equal "$output" "Error: cannot read events with the \"none\" backend"
}

@test "events with no log yet prints nothing; system events is the same command" {
	SELKIE_TEST_RUNROOT=$BATS_TEST_TMPDIR/fresh-runroot
	events_lines
	assert_equal "$output" ""
	run_selkie_stdout system events --stream=false
	assert_equal "$output" ""
	run_selkie 125 events --stream=false extra
	assert_equal "$output" "Error: \`selkie events\` takes no arguments"
}
