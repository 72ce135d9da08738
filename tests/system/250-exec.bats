#!/usr/bin/env bats
# selkie exec: a process in a running container, its exit code passed through, its
# environment, user, working directory, stdin, privileges and terminal; the errors podman
# gives for a container that does not run or does not exist.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	selkie_test_setup
	BUSYBOX=${SELKIE_REGISTRY:-}/busybox:latest
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$BUSYBOX"
	fi
}

# running [run options...]: a running busybox container named "c" (sleep 100).
running() {
	run_selkie run -d --name c "$@" "$BUSYBOX" sleep 100
	CID=$output
}

@test "exec runs a command in the container and passes its exit code through" {
	require_registry
	running
	run_selkie exec c echo hello
	assert_equal "$output" "hello"
	run_selkie 5 exec c sh -c 'exit 5'
	assert_equal "$output" ""
	run_selkie 255 exec c sh -c 'exit 255'
	run_selkie 1 exec "${CID:0:12}" false
	# It is in the container: the same PID namespace and root file system.
	run_selkie exec c sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; cat /etc/hostname'
	assert_equal "$output" "sleep 100 
${CID:0:12}"
	run_selkie_stdout exec c sh -c 'echo out; echo err >&2'
	assert_equal "$output" "out"
	assert_equal "$stderr" "err"
}

@test "exec of a command not found exits 127, of one that cannot run 126, with one Error line" {
	require_registry
	running
	run_selkie 127 exec c nosuchcommand
	assert_equal "${#lines[@]}" 1
	assert_match "$output" '^Error: .*nosuchcommand.*(not found|no such file)'
	run_selkie 126 exec c /etc
	assert_equal "${#lines[@]}" 1
	assert_match "$output" '^Error: .*(permission denied|Permission denied|not permitted)'
	# The container is unharmed.
	run_selkie inspect --format '{{.State.Status}}' c
	assert_equal "$output" "running"
}

@test "exec sees the container's environment; -e and --env-file add to it" {
	require_registry
	running -e CTR=from-run
	run_selkie exec c sh -c 'echo $CTR $PATH'
	assert_equal "$output" "from-run /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	FROM_HOST=hv run_selkie exec -e A=1 -e CTR=overridden -e FROM_HOST c \
		sh -c 'echo $A $CTR $FROM_HOST'
	assert_equal "$output" "1 overridden hv"
	printf 'EF=file\n# comment\n' >"$BATS_TEST_TMPDIR/env"
	run_selkie exec --env-file "$BATS_TEST_TMPDIR/env" c sh -c 'echo $EF'
	assert_equal "$output" "file"
}

@test "exec -u runs as another user, by name or number" {
	require_registry
	running
	run_selkie exec c id -u
	assert_equal "$output" "0"
	run_selkie exec -u selkie c id
	assert_match "$output" '^uid=1000\(selkie\) gid=1000\(selkie\)'
	run_selkie exec --user 1000:65534 c id
	assert_match "$output" '^uid=1000\(selkie\) gid=65534\(nobody\)'
	run_selkie 126 exec -u nosuch c id
	assert_equal "$output" "Error: unable to find user nosuch: no matching entries in passwd file"
}

@test "exec -w sets the working directory; the container's is the default" {
	require_registry
	running -w /tmp
	run_selkie exec c pwd
	assert_equal "$output" "/tmp"
	run_selkie exec -w /etc c pwd
	assert_equal "$output" "/etc"
	run_selkie exec --workdir /home/selkie c pwd
	assert_equal "$output" "/home/selkie"
}

@test "exec -i passes piped stdin; without -i the process gets none" {
	require_registry
	running
	run_selkie exec -i c sh -c 'cat; echo end' <<<"piped in"
	assert_equal "$output" "piped in
end"
	run_selkie exec -i c wc -l <<<"1
2"
	assert_equal "$output" "2"
	run_selkie exec c sh -c 'cat; echo end' <<<"not passed"
	assert_equal "$output" "end"
}

@test "exec -d runs the process in the background" {
	require_registry
	running
	run_selkie_stdout exec -d c sh -c 'sleep 0.3; touch /tmp/done'
	local printed=$output
	wait_until 10 "$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		exec c test -e /tmp/done
	# As podman, it prints the exec session's ID.
	assert_match "$printed" '^[0-9a-f]{64}$'
}

@test "exec --privileged has every capability; exec has the container's otherwise" {
	require_registry
	running --cap-drop all
	run_selkie exec c grep CapEff /proc/self/status
	assert_equal "$output" $'CapEff:\t0000000000000000'
	run_selkie exec --privileged c grep CapEff /proc/self/status
	# (the bounding set of selkie's namespace: rootless, a new user namespace has every one)
	assert_equal "$output" "$(in_userns grep '^CapBnd:' /proc/self/status | sed 's/CapBnd/CapEff/')"
}

@test "exec in a container that is not running fails with podman's message" {
	require_registry
	run_selkie create --name created "$BUSYBOX" sleep 100
	run_selkie 125 exec created true
	assert_equal "$output" "Error: can only create exec sessions on running containers: container state improper"
	run_selkie run --name exited "$BUSYBOX" true
	run_selkie 125 exec exited true
	assert_equal "$output" "Error: can only create exec sessions on running containers: container state improper"
	run_selkie 125 exec nosuch true
	assert_equal "$output" 'Error: no container with name or ID "nosuch" found: no such container'
}

@test "exec --latest runs in the newest container" {
	require_registry
	run_selkie run -d --name older "$BUSYBOX" sleep 100
	run_selkie run -d --name newer --hostname newest "$BUSYBOX" sleep 100
	run_selkie exec --latest hostname
	assert_equal "$output" "newest"
	run_selkie exec -l cat /etc/hostname
	assert_equal "$output" "newest"
}

@test "exec -t gives the process a terminal, also when selkie's own stdin is not one" {
	require_registry
	running
	run_selkie 1 exec c tty
	assert_match "$output" 'not a tty'
	run_selkie exec -t c tty </dev/null
	assert_match "$output" '^/dev/pts/[0-9]+'
	run_selkie exec -it c tty </dev/null
	assert_match "$output" '^/dev/pts/[0-9]+'
}

@test "exec -t on a terminal: the output arrives as the program wrote it" {
	require_registry
	require_script
	running
	# cat -A shows \r as ^M: "hi\r\n" and nothing else (no \r\r\n, no stray ^@).
	run script -q -e -c "$SELKIE_BIN --root $SELKIE_TEST_ROOT --runroot $SELKIE_TEST_RUNROOT \
		exec -t c echo hi" /dev/null </dev/null
	assert_equal "$(cat -A <<<"$output")" 'hi^M$'
}

@test "exec through runc: exit code, user, stdin and working directory" {
	require_registry
	running --runtime runc
	run_selkie 6 exec c sh -c 'exit 6'
	run_selkie exec -i -w /tmp -e X=1 c sh -c 'pwd; echo $X; cat' <<<"in"
	assert_equal "$output" "/tmp
1
in"
	run_selkie 127 exec c nosuchcommand
	run_selkie exec -u selkie c id -u
	assert_equal "$output" "1000"
}
