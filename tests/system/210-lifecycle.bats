#!/usr/bin/env bats
# A container's life: create, start, stop (timeouts, stop signals), kill, restart, pause,
# wait, rm (refusals and exit codes as podman's), container prune, rename, container exists,
# restart policies, and names already in use.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	selkie_test_setup
	BUSYBOX=${SELKIE_REGISTRY:-}/busybox:latest
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$BUSYBOX"
	fi
}

# A shell that says it is ready, and exits with 7 on the first SIGUSR1 / with 0 on SIGTERM.
TRAPPER='trap "echo got-usr1; exit 7" USR1; trap "echo got-term; exit 0" TERM; echo ready;
	while :; do sleep 0.1; done'

# logs_have CONTAINER TEXT: the container's log holds TEXT (for wait_until).
logs_have() {
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" logs "$1" 2>&1 |
		grep -qF -- "$2"
}

# restarts_at_least CONTAINER N: .RestartCount >= N (for wait_until).
restarts_at_least() {
	local n
	n=$(ctr_field "$1" '{{.RestartCount}}')
	[[ -n $n ]] && ((n >= $2))
}

# hups_are CONTAINER N: the container has logged "hup" N times (for wait_until).
hups_are() {
	[[ $("$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" logs "$1" |
		grep -c hup) == "$2" ]]
}

# monitor_gone CONTAINER-ID: no process names the container's run directory any more.
monitor_gone() {
	! grep -qaF -- "$1" /proc/[0-9]*/cmdline 2>/dev/null
}

@test "create makes a Created container and prints its ID; start runs it" {
	require_registry
	run_selkie_stdout create --name c1 "$BUSYBOX" sleep 100
	assert_match "$output" '^[0-9a-f]{64}$'
	assert_equal "$stderr" ""
	local id=$output
	run_selkie ps -a --format '{{.ID}} {{.Names}} {{.Status}}'
	assert_equal "$output" "${id:0:12} c1 Created"
	run_selkie inspect --format '{{.State.Status}} {{.State.Pid}} {{.State.StartedAt}}' c1
	assert_equal "$output" "created 0 0001-01-01 00:00:00 +0000 UTC"
	run_selkie start c1
	assert_equal "$output" "c1"
	run_selkie inspect --format '{{.State.Status}} {{.State.Running}}' "$id"
	assert_equal "$output" "running true"
	# start by short ID prints what it was given too.
	run_selkie stop -t 0 c1
	run_selkie start "${id:0:12}"
	assert_equal "$output" "${id:0:12}"
}

@test "start of a running container succeeds and leaves it as it was" {
	require_registry
	run_selkie run -d --name r "$BUSYBOX" sleep 100
	local pid
	pid=$(ctr_field r '{{.State.Pid}}')
	run_selkie start r
	assert_equal "$output" "r"
	assert_equal "$(ctr_field r '{{.State.Pid}}')" "$pid"
}

@test "start of several containers starts each; a missing one fails with 125" {
	require_registry
	run_selkie create --name a "$BUSYBOX" sleep 100
	run_selkie create --name b "$BUSYBOX" sleep 100
	run_selkie start a b
	assert_equal "$output" "a
b"
	run_selkie ps --format '{{.Names}}' --sort names
	assert_equal "$output" "a
b"
	run_selkie 125 start nosuch
	assert_equal "$output" 'Error: no container with name or ID "nosuch" found: no such container'
}

@test "stop sends SIGTERM; a process that ignores it is killed after -t seconds" {
	require_registry
	# sleep as PID 1 ignores SIGTERM.
	run_selkie run -d --name deaf "$BUSYBOX" sleep 100
	local start=$SECONDS
	run_selkie stop -t 1 deaf
	assert_equal "$output" "deaf"
	local took=$((SECONDS - start))
	((took >= 1 && took < 6))
	run_selkie inspect --format '{{.State.Status}} {{.State.ExitCode}}' deaf
	assert_equal "$output" "exited 137"
	# One that handles it exits at once, with its own code.
	run_selkie run -d --name polite "$BUSYBOX" sh -c "$TRAPPER"
	wait_until 10 logs_have polite ready
	start=$SECONDS
	run_selkie stop -t 30 polite
	((SECONDS - start < 10))
	run_selkie inspect --format '{{.State.ExitCode}}' polite
	assert_equal "$output" "0"
	run_selkie logs polite
	assert_equal "$output" "ready
got-term"
}

@test "stop sends the --stop-signal, and a trap for it runs" {
	require_registry
	run_selkie run -d --name usr1 --stop-signal USR1 "$BUSYBOX" sh -c "$TRAPPER"
	wait_until 10 logs_have usr1 ready
	run_selkie inspect --format '{{.Config.StopSignal}}' usr1
	assert_equal "$output" "10"
	run_selkie stop usr1
	run_selkie inspect --format '{{.State.ExitCode}}' usr1
	assert_equal "$output" "7"
	run_selkie logs usr1
	assert_equal "$output" "ready
got-usr1"
	run_selkie 125 create --stop-signal BOGUS "$BUSYBOX"
	assert_equal "$output" "Error: invalid signal: BOGUS"
}

@test "--stop-timeout is the default of stop -t" {
	require_registry
	run_selkie run -d --name st --stop-timeout 1 "$BUSYBOX" sleep 100
	run_selkie inspect --format '{{.Config.StopTimeout}}' st
	assert_equal "$output" "1"
	local start=$SECONDS
	run_selkie stop st
	((SECONDS - start < 6))
	run_selkie inspect --format '{{.State.ExitCode}}' st
	assert_equal "$output" "137"
}

@test "stop of a stopped container succeeds; stop --all stops every running one" {
	require_registry
	run_selkie run --name done "$BUSYBOX" true
	run_selkie stop done
	assert_equal "$output" "done"
	run_selkie run -d --name s1 "$BUSYBOX" sleep 100
	run_selkie run -d --name s2 "$BUSYBOX" sleep 100
	# As podman: every container is named, the stopped one too.
	run_selkie stop --all -t 0
	assert_equal "${#lines[@]}" 3
	run_selkie ps -q
	assert_equal "$output" ""
	run_selkie 125 stop nosuch
	assert_equal "$output" 'Error: no container with name or ID "nosuch" found: no such container'
}

@test "kill sends SIGKILL, or the signal -s names by name, SIGNAME or number" {
	require_registry
	run_selkie run -d --name k "$BUSYBOX" sh -c 'trap "echo hup" HUP; echo ready;
		while :; do sleep 0.1; done'
	wait_until 10 logs_have k ready
	# One at a time: signals sent while the shell sleeps would merge into one.
	run_selkie kill -s HUP k
	assert_equal "$output" "k"
	wait_until 10 hups_are k 1
	run_selkie kill --signal SIGHUP k
	wait_until 10 hups_are k 2
	run_selkie kill -s 1 k
	wait_until 10 hups_are k 3
	run_selkie inspect --format '{{.State.Status}}' k
	assert_equal "$output" "running"
	run_selkie kill k
	run_selkie inspect --format '{{.State.Status}} {{.State.ExitCode}}' k
	assert_equal "$output" "exited 137"
}

@test "kill with an invalid signal, or of a container that is not running, fails" {
	require_registry
	run_selkie run -d --name k "$BUSYBOX" sleep 100
	run_selkie 125 kill -s BOGUS k
	assert_equal "$output" "Error: invalid signal: BOGUS"
	run_selkie 125 kill -s 99 k
	assert_equal "$output" "Error: valid signals are 1 through 64"
	run_selkie inspect --format '{{.State.Status}}' k
	assert_equal "$output" "running"
	run_selkie kill k
	local id
	id=$(ctr_field k '{{.Id}}')
	run_selkie 125 kill k
	assert_equal "$output" \
		"Error: can only kill running containers. $id is in state exited: container state improper"
}

@test "restart stops and starts the container again; it runs its command anew" {
	require_registry
	run_selkie run -d --name rs "$BUSYBOX" sh -c 'echo started; sleep 100'
	wait_until 10 logs_have rs started
	local pid
	pid=$(ctr_field rs '{{.State.Pid}}')
	run_selkie restart -t 0 rs
	assert_equal "$output" "rs"
	run_selkie inspect --format '{{.State.Status}}' rs
	assert_equal "$output" "running"
	[[ $(ctr_field rs '{{.State.Pid}}') != "$pid" ]]
	wait_until 10 bash -c "[[ \$('$SELKIE_BIN' --root '$SELKIE_TEST_ROOT' \
		--runroot '$SELKIE_TEST_RUNROOT' logs rs | grep -c started) == 2 ]]"
	# An exited container is started again.
	run_selkie run --name once "$BUSYBOX" echo once
	run_selkie restart once
	run_selkie wait once
	run_selkie logs once
	assert_equal "$output" "once
once"
}

@test "pause freezes the container and unpause thaws it" {
	require_registry
	# (podman refuses too: "can not pause containers on rootless containers with cgroup V1")
	require_root "pause needs the freezer cgroup: this cgroup v1 host delegates none to users"
	run_selkie run -d --name p "$BUSYBOX" sleep 100
	local id
	id=$(ctr_field p '{{.Id}}')
	run_selkie pause p
	assert_equal "$output" "p"
	run_selkie inspect --format '{{.State.Status}} {{.State.Paused}} {{.State.Running}}' p
	assert_equal "$output" "paused true false"
	assert_equal "$(cat "/sys/fs/cgroup/freezer/selkie/$id/freezer.state")" "FROZEN"
	run_selkie 125 pause p
	assert_equal "$output" "Error: \"$id\" is already paused: container state improper"
	run_selkie unpause p
	assert_equal "$output" "p"
	run_selkie inspect --format '{{.State.Status}} {{.State.Paused}} {{.State.Running}}' p
	assert_equal "$output" "running false true"
	assert_equal "$(cat "/sys/fs/cgroup/freezer/selkie/$id/freezer.state")" "THAWED"
	run_selkie 125 unpause p
	assert_equal "$output" "Error: \"$id\" is not paused, can't unpause: container state improper"
	# A paused container can be stopped.
	run_selkie pause p
	run_selkie stop -t 1 p
	run_selkie inspect --format '{{.State.Status}}' p
	assert_equal "$output" "exited"
}

@test "wait blocks until the container exits and prints its exit code" {
	require_registry
	run_selkie run -d --name w "$BUSYBOX" sh -c 'sleep 0.5; exit 4'
	run_selkie wait w
	assert_equal "$output" "4"
	run_selkie inspect --format '{{.State.Status}}' w
	assert_equal "$output" "exited"
	# Waiting on an exited container returns at once; several give one line each.
	run_selkie 3 run --name x3 "$BUSYBOX" sh -c 'exit 3'
	run_selkie wait w x3
	assert_equal "$output" "4
3"
	run_selkie 125 wait nosuch
	assert_equal "$output" 'Error: no container with name or ID "nosuch" found: no such container'
}

@test "wait --condition running returns once the container runs" {
	require_registry
	run_selkie create --name wc "$BUSYBOX" sleep 100
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		wait --condition running wc >"$BATS_TEST_TMPDIR/wait.out" 2>&1 &
	local waiter=$!
	sleep 0.3
	# Still waiting: the container has not started.
	kill -0 "$waiter"
	run_selkie start wc
	wait_until 10 bash -c "! kill -0 $waiter"
	wait "$waiter"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/wait.out")" "-1"
	run_selkie 125 wait --condition bogus wc
	assert_equal "$output" "Error: unknown container state: bogus: invalid argument"
}

@test "rm removes a stopped container and prints what it was given" {
	require_registry
	run_selkie create --name gone "$BUSYBOX" true
	local id=$output
	run_selkie rm gone
	assert_equal "$output" "gone"
	run_selkie 1 container exists gone
	run_selkie create --name gone2 "$BUSYBOX" true
	id=$output
	run_selkie rm "${id:0:12}"
	assert_equal "$output" "${id:0:12}"
	[[ ! -e $SELKIE_TEST_ROOT/containers/$id ]]
}

@test "rm of a running container is refused with exit 2 and podman's message; rm -f removes it" {
	require_registry
	run_selkie run -d --name busy "$BUSYBOX" sleep 100
	local id=$output
	run_selkie 2 rm busy
	assert_equal "$output" "Error: cannot remove container $id as it is running - running or paused containers cannot be removed without force: container state improper"
	run_selkie inspect --format '{{.State.Status}}' busy
	assert_equal "$output" "running"
	run_selkie rm -f busy
	assert_equal "$output" "busy"
	run_selkie 1 container exists busy
}

@test "rm of a paused container is refused with exit 2 and podman's message; rm -f removes it" {
	require_registry
	require_root "pause needs the freezer cgroup: this cgroup v1 host delegates none to users"
	run_selkie run -d --name busy "$BUSYBOX" sleep 100
	local id=$output
	run_selkie pause busy
	run_selkie 2 rm busy
	assert_equal "$output" "Error: cannot remove container $id as it is paused - running or paused containers cannot be removed without force: container state improper"
	run_selkie rm -f busy
	assert_equal "$output" "busy"
	run_selkie 1 container exists busy
}

@test "rm of a missing container exits 1 with podman's message; --ignore makes it 0" {
	require_registry
	run_selkie 1 rm nosuch
	assert_equal "$output" 'Error: no container with name or ID "nosuch" found: no such container'
	run_selkie rm --ignore nosuch
	assert_equal "$output" ""
	# The others given are still removed.
	run_selkie create --name real "$BUSYBOX" true
	run_selkie 1 rm real nosuch
	run_selkie 1 container exists real
}

@test "rm --all removes every stopped container, and with -f the running ones too" {
	require_registry
	run_selkie create --name c "$BUSYBOX" true
	run_selkie run --name e "$BUSYBOX" true
	run_selkie run -d --name r "$BUSYBOX" sleep 100
	run_selkie 2 rm --all
	run_selkie ps -a --format '{{.Names}}'
	assert_equal "$output" "r"
	run_selkie rm -a -f
	assert_equal "${#lines[@]}" 1
	run_selkie ps -a -q
	assert_equal "$output" ""
}

@test "container prune removes every stopped container and keeps the running ones" {
	require_registry
	run_selkie create --name c "$BUSYBOX" true
	local c=$output
	run_selkie run --name e "$BUSYBOX" true
	local e
	e=$(ctr_field e '{{.Id}}')
	run_selkie run -d --name r "$BUSYBOX" sleep 100
	run_selkie container prune -f
	assert_equal "$(echo "$output" | sort)" "$(printf '%s\n' "$c" "$e" | sort)"
	run_selkie ps -a --format '{{.Names}}'
	assert_equal "$output" "r"
	run_selkie container prune -f
	assert_equal "$output" ""
}

@test "rename gives a new name; the old one is free, a taken one is refused" {
	require_registry
	run_selkie create --name old "$BUSYBOX" true
	local id=$output
	run_selkie rename old new
	assert_equal "$output" ""
	run_selkie ps -a --format '{{.Names}}'
	assert_equal "$output" "new"
	run_selkie inspect --format '{{.Name}}' "$id"
	assert_equal "$output" "new"
	run_selkie create --name old "$BUSYBOX" true
	run_selkie 125 rename new old
	assert_equal "$output" "Error: renaming container $id: name old already in use, cannot rename container $id: container already exists"
	run_selkie 125 rename new 'bad name'
	assert_equal "$output" "Error: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument"
	run_selkie 125 rename nosuch x
	assert_equal "$output" 'Error: no container with name or ID "nosuch" found: no such container'
	# container rename is the same command, and a running container can be renamed.
	run_selkie run -d --name running "$BUSYBOX" sleep 100
	run_selkie container rename running still-running
	run_selkie inspect --format '{{.State.Status}}' still-running
	assert_equal "$output" "running"
}

@test "container exists answers 0 for a name or ID, 1 otherwise" {
	require_registry
	run_selkie create --name here "$BUSYBOX" true
	local id=$output
	run_selkie container exists here
	assert_equal "$output" ""
	run_selkie container exists "$id"
	run_selkie container exists "${id:0:12}"
	run_selkie 1 container exists nosuch
	assert_equal "$output" ""
	# An image of that name is not a container.
	run_selkie 1 container exists "$BUSYBOX"
}

@test "a name already in use is refused with podman's message and nothing is made" {
	require_registry
	run_selkie create --name taken "$BUSYBOX" true
	local id=$output
	run_selkie 125 create --name taken "$BUSYBOX" true
	assert_equal "$output" "Error: creating container storage: the container name \"taken\" is already in use by $id. You have to remove that container to be able to reuse that name: that name is already in use"
	run_selkie 125 run --rm --name taken "$BUSYBOX" true
	assert_match "$output" '^Error: .*the container name "taken" is already in use'
	run_selkie ps -a -q --no-trunc
	assert_equal "$output" "$id"
	# Once removed the name is free.
	run_selkie rm taken
	run_selkie run --rm --name taken "$BUSYBOX" true
}

@test "--restart=on-failure:2 restarts a failing container twice, then leaves it exited" {
	require_registry
	run_selkie run -d --name of --restart on-failure:2 "$BUSYBOX" sh -c 'echo run; exit 3'
	wait_until 30 bash -c "[[ \$('$SELKIE_BIN' --root '$SELKIE_TEST_ROOT' \
		--runroot '$SELKIE_TEST_RUNROOT' logs of | grep -c run) == 3 ]]"
	wait_until 10 ctr_status_is of exited
	run_selkie inspect --format \
		'{{.State.ExitCode}} {{.RestartCount}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' of
	assert_equal "$output" "3 2 on-failure 2"
	# A success is not restarted.
	run_selkie run -d --name ok --restart on-failure "$BUSYBOX" true
	wait_until 10 ctr_status_is ok exited
	run_selkie inspect --format '{{.RestartCount}}' ok
	assert_equal "$output" "0"
}

@test "--restart=always restarts after every exit; stop ends it for good" {
	require_registry
	run_selkie run -d --name al --restart always "$BUSYBOX" sh -c 'echo run; sleep 0.2'
	local id=$output
	wait_until 30 restarts_at_least al 2
	run_selkie stop -t 1 al
	local count
	count=$(ctr_field al '{{.RestartCount}}')
	wait_until 10 monitor_gone "$id"
	run_selkie inspect --format '{{.State.Status}}' al
	assert_equal "$output" "exited"
	# Nothing is left to bring it back.
	sleep 2
	run_selkie inspect --format '{{.State.Status}} {{.RestartCount}}' al
	assert_equal "$output" "exited $count"
	run_selkie 125 run --rm --restart always "$BUSYBOX" true
	assert_equal "$output" "Error: the --rm option conflicts with --restart, when the restartPolicy is not \"\" and \"no\""
	run_selkie 125 create --restart bogus "$BUSYBOX"
	assert_equal "$output" "Error: running container create option: \"bogus\" is not a valid restart policy: invalid argument"
}

@test "with --runtime runc: create, start, stop, kill, restart and rm" {
	require_registry
	run_selkie create --runtime runc --name rc "$BUSYBOX" sh -c "$TRAPPER"
	run_selkie start rc
	wait_until 10 logs_have rc ready
	run_selkie inspect --format '{{.OCIRuntime}} {{.State.Status}}' rc
	assert_equal "$output" "runc running"
	run_selkie kill -s USR1 rc
	run_selkie wait rc
	assert_equal "$output" "7"
	run_selkie restart rc
	wait_until 10 ctr_status_is rc running
	run_selkie stop rc
	run_selkie inspect --format '{{.State.ExitCode}}' rc
	assert_equal "$output" "0"
	run_selkie start rc
	run_selkie 2 rm rc
	run_selkie rm -f rc
	run_selkie 1 container exists rc
}

@test "with --runtime runc: pause and unpause" {
	require_registry
	require_root "pause needs the freezer cgroup: this cgroup v1 host delegates none to users"
	run_selkie run -d --runtime runc --name rp "$BUSYBOX" sleep 100
	local id
	id=$(ctr_field rp '{{.Id}}')
	run_selkie pause rp
	assert_equal "$(cat "/sys/fs/cgroup/freezer/selkie/$id/freezer.state")" "FROZEN"
	run_selkie inspect --format '{{.State.Status}}' rp
	assert_equal "$output" "paused"
	run_selkie unpause rp
	run_selkie inspect --format '{{.State.Status}}' rp
	assert_equal "$output" "running"
}
