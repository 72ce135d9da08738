#!/usr/bin/env bats
# Isolation between users (issue 5, §4): one ordinary user cannot see, stop or remove another
# user's containers, images or volumes, nor root's; a rootless container cannot write host files
# its user could not write; files a container writes into a bind mount belong to the user;
# --privileged rootless grants nothing beyond the user's own rights.
#
# Each test acts as two ordinary users and as root, so these tests run in the root pass only
# (the rootless pass counts them as root-only through require_root). The users are A =
# selkie-test and B = selkie-test2, made (idempotently) by scripts/setup-rootless-user.sh with
# subordinate ranges of their own. They run a copy of the binary under test from a directory of
# the test under /tmp (the checkout may be unreadable to them), each with a home (0755, as
# /home/* is here) and an XDG_RUNTIME_DIR (0700) of its own there, selkie's default paths
# (~/.local/share/selkie, $XDG_RUNTIME_DIR/selkie) and only a login's environment (env -i);
# busybox comes from the fixtures' docker-archive. Root's store is in the same directory, so
# that nothing but selkie's own permissions keeps the users out of it.

load helpers
bats_require_minimum_version 1.5.0

declare -gA ISO_USER=([a]=selkie-test [b]=selkie-test2)
declare -gA ISO_UID=() ISO_GID=()
ISO_DIR=

teardown() {
	local left=0
	iso_teardown || left=1
	selkie_test_teardown || left=1
	iso_remove || left=1
	return "$left"
}

# iso_setup: the users, the test's directory (ISO_DIR) with the binaries, the image archive and
# a home for each user; root's storage moves there too.
iso_setup() {
	local t user p
	ISO_DIR=$(mktemp -d /tmp/skiso.XXXXXX)
	chmod 0755 "$ISO_DIR"
	mkdir "$ISO_DIR/bin"
	cp "$SELKIE_BIN" "$ISO_DIR/bin/selkie"
	# (selkie looks for its infra binary next to itself)
	for p in "$(dirname "$SELKIE_BIN")/selkie-pause" "$(dirname "$SELKIE_BIN")/../pause/selkie-pause"; do
		if [[ -x $p ]]; then
			cp "$p" "$ISO_DIR/bin/selkie-pause"
			break
		fi
	done
	cp "$SELKIE_FIXTURE_IMAGES/archives/busybox-docker.tar" "$ISO_DIR/busybox.tar"
	cp "$CONTAINERS_REGISTRIES_CONF" "$ISO_DIR/registries.conf"
	chmod -R a+rX,go-w "$ISO_DIR"
	for t in a b; do
		user=${ISO_USER[$t]}
		"$SELKIE_SOURCE_ROOT/scripts/setup-rootless-user.sh" "$user"
		ISO_UID[$t]=$(id -u "$user")
		ISO_GID[$t]=$(id -g "$user")
		install -d -m 0755 -o "${ISO_UID[$t]}" -g "${ISO_GID[$t]}" "$ISO_DIR/$t"
		install -d -m 0700 -o "${ISO_UID[$t]}" -g "${ISO_GID[$t]}" "$ISO_DIR/$t/xdg" \
			"$ISO_DIR/$t/tmp"
	done
	SELKIE_TEST_ROOT=$ISO_DIR/root-store
	SELKIE_TEST_RUNROOT=$ISO_DIR/root-run
}

# iso_as T CMD...: CMD as user T (a or b) with a login's environment, in their home. NAME=VALUE
# words before CMD change that environment; with ISO_NO_XDG set there is no XDG_RUNTIME_DIR.
iso_as() {
	local t=$1 v
	shift
	local home=$ISO_DIR/$t
	local env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
		"HOME=$home" "USER=${ISO_USER[$t]}" "LOGNAME=${ISO_USER[$t]}" SHELL=/bin/bash
		LANG=C.UTF-8 "TMPDIR=$home/tmp" "CONTAINERS_REGISTRIES_CONF=$ISO_DIR/registries.conf"
		"REGISTRY_AUTH_FILE=$home/auth.json")
	[[ -n ${ISO_NO_XDG:-} ]] || env+=("XDG_RUNTIME_DIR=$home/xdg")
	# (a sanitizer build under test needs its options)
	for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		[[ -z ${!v:-} ]] || env+=("$v=${!v}")
	done
	setpriv --reuid "${ISO_USER[$t]}" --regid "${ISO_GID[$t]}" --init-groups -- \
		env -i -C "$home" "${env[@]}" "$@"
}

# iso_selkie T [NAME=VALUE...] ARGS...: selkie ARGS as user T, with their default storage
# (and the environment changed as iso_as does).
iso_selkie() {
	local t=$1
	shift
	local -a vars=()
	while [[ ${1:-} =~ ^[A-Z_]+= ]]; do
		vars+=("$1")
		shift
	done
	iso_as "$t" "${vars[@]}" "$ISO_DIR/bin/selkie" "$@"
}

# run_iso [expected_rc] T ARGS...: like run_selkie, as user T.
run_iso() {
	local expected=0
	if [[ $1 =~ ^[0-9]+$ ]]; then
		expected=$1
		shift
	fi
	local t=$1
	shift
	run iso_selkie "$t" "$@"
	echo "\$ (as ${ISO_USER[$t]}) selkie $*" >&3 2>/dev/null || true
	if [[ $status -ne $expected ]]; then
		echo "# (as ${ISO_USER[$t]}) selkie $* exited $status, expected $expected" >&2
		echo "# output: $output" >&2
		return 1
	fi
}

# run_as_fails T CMD...: CMD as user T fails; its output is in $output.
run_as_fails() {
	run iso_as "$@"
	echo "\$ (as ${ISO_USER[$1]}) ${*:2}" >&3 2>/dev/null || true
	if [[ $status -eq 0 ]]; then
		echo "# (as ${ISO_USER[$1]}) ${*:2} succeeded; it must not" >&2
		echo "# output: $output" >&2
		return 1
	fi
}

# iso_load T: user T loads busybox (docker.io/library/busybox:latest).
iso_load() {
	run_iso "$1" load -q -i "$ISO_DIR/busybox.tar"
}

# iso_field T CONTAINER TEMPLATE: user T's inspect of CONTAINER (empty on failure).
iso_field() {
	iso_selkie "$1" container inspect --format "$3" "$2" 2>/dev/null
}

# iso_holder T [DIR]: the PID of user T's user namespace holder, as their XDG_RUNTIME_DIR's
# selkie/pause.pid (or DIR/pause.pid) names it, when it runs.
iso_holder() {
	local f=${2:-$ISO_DIR/$1/xdg/selkie}/pause.pid p
	p=$(cat "$f" 2>/dev/null) || return 0
	[[ $p =~ ^[0-9]+$ ]] && grep -qaF __userns-holder "/proc/$p/cmdline" 2>/dev/null && echo "$p"
	return 0
}

# subid_start T FILE: the first subordinate ID of user T in FILE (/etc/subuid or /etc/subgid).
subid_start() {
	awk -F: -v u="${ISO_USER[$1]}" -v n="${ISO_UID[$1]}" \
		'($1 == u || $1 == n) && !done { print $2; done = 1 }' "$2"
}

# root_setup: root's own container (root-ctr, running) and volume (root-vol), in root's store.
root_setup() {
	run_selkie load -q -i "$ISO_DIR/busybox.tar"
	run_selkie run -d --name root-ctr --net=none busybox sleep 1000
	ROOT_CTR=$output
	run_selkie volume create root-vol
}

# host_snapshot PATH...: owners, modes, sizes and contents of the files under PATH.
host_snapshot() {
	find "$@" -printf '%p %u:%g %m %s %y\n' | LC_ALL=C sort
	find "$@" -type f -exec sha256sum {} + | LC_ALL=C sort
}

# The probe function of the scripts the tests run in containers: `probe 'CMD'` prints
# "denied: CMD (its first error line)" when CMD fails, "ALLOWED: CMD" when it succeeds.
PROBE_FUNC='probe() { if sh -c "$1" 2>/tmp/probe.err; then echo "ALLOWED: $1";
	else echo "denied: $1 ($(head -1 /tmp/probe.err))"; fi; }'

# assert_all_denied N: $output has N "denied:" lines and no "ALLOWED:".
assert_all_denied() {
	if [[ $output == *ALLOWED* || $(grep -c '^denied: ' <<<"$output") != "$1" ]]; then
		echo "# expected $1 probes, all denied; got:" >&2
		echo "$output" | sed 's/^/#   /' >&2
		return 1
	fi
}

# ---- teardown --------------------------------------------------------------------------------

# iso_ns_processes USERNS: PIDs of the live processes in that user namespace (as readlink shows
# /proc/PID/ns/user), one a line.
iso_ns_processes() {
	local p
	while read -r p; do
		p=${p#/proc/}
		p=${p%/ns}
		[[ $p != "$$" && $p != "$BASHPID" ]] || continue
		pid_gone "$p" || echo "$p"
	done < <(find /proc/[0-9]*/ns/user -maxdepth 0 -lname "$1" -printf '%h\n' 2>/dev/null)
	return 0
}

# iso_dir_processes [DIR...]: PIDs of processes whose command line names one of the DIRs
# (default: the users' homes and binaries in the test's directory; root's store there is
# root's teardown's), one a line.
iso_dir_processes() {
	local f p
	[[ -n ${ISO_DIR:-} ]] || return 0
	(($#)) || set -- "$ISO_DIR/a/" "$ISO_DIR/b/" "$ISO_DIR/bin/"
	for f in $(grep -laF "${@/#/-e}" /proc/[0-9]*/cmdline 2>/dev/null); do
		p=${f#/proc/}
		p=${p%/cmdline}
		[[ $p != "$$" && $p != "$BASHPID" ]] && ! pid_gone "$p" && echo "$p"
	done
	return 0
}

# iso_user_holders [T]: PIDs of the user namespace holders of the users (or of user T) that
# were started here (their environment names the test's directory), one a line.
iso_user_holders() {
	local p t uids=()
	for t in ${1:-a b}; do
		[[ -z ${ISO_UID[$t]:-} ]] || uids+=("${ISO_UID[$t]}")
	done
	((${#uids[@]})) || return 0
	for p in $(pgrep -u "$(IFS=,; echo "${uids[*]}")" -f __userns-holder); do
		grep -qaF "$ISO_DIR/" "/proc/$p/environ" 2>/dev/null && ! pid_gone "$p" && echo "$p"
	done
	return 0
}

iso_gone() {
	local ns
	[[ -z $(iso_dir_processes) ]] || return 1
	for ns in "$@"; do
		[[ -z $(iso_ns_processes "$ns") ]] || return 1
	done
}

# iso_teardown: every container of the users removed, their holders (in their XDG_RUNTIME_DIR,
# or wherever a test put one) ended by `system migrate`; any process of theirs still there
# afterwards (in a holder's user namespace, or naming the test's directory) fails the test.
iso_teardown() {
	[[ -n ${ISO_DIR:-} && -d $ISO_DIR ]] || return 0
	local left=0 t f dir p owner nss=() holders=()
	# (a user who ran nothing has no store: no holder to start just for this)
	for t in a b; do
		[[ -d $ISO_DIR/$t/.local/share/selkie ]] || continue
		iso_selkie "$t" rm -af -t 0 >/dev/null 2>&1 || true
	done
	# Every holder the users started here: those a pause.pid names (in their XDG_RUNTIME_DIR,
	# another one a test made, the /tmp fallback) are ended by `system migrate`; one that none
	# names any more (its pause.pid removed under it) can only be killed, and fails the test.
	local -A named=()
	local -a pidfiles=()
	mapfile -t pidfiles < <(find "$ISO_DIR" -name pause.pid 2>/dev/null)
	[[ -z ${ISO_UID[b]:-} ]] || pidfiles+=("/tmp/selkie-run-${ISO_UID[b]}/pause.pid")
	for f in "${pidfiles[@]}"; do
		p=$(iso_holder x "${f%/pause.pid}")
		[[ -z $p ]] || named[$p]=${f%/pause.pid}
	done
	mapfile -t holders < <({
		printf '%s\n' "${!named[@]}"
		iso_user_holders
	} | grep . | sort -un)
	for p in "${holders[@]}"; do
		nss+=("$(readlink "/proc/$p/ns/user")")
		dir=${named[$p]:-}
		if [[ -z $dir ]]; then
			echo "# user namespace holder no pause.pid names: $p (uid $(stat -c %u "/proc/$p"))" >&2
			kill -9 "$p" 2>/dev/null || true
			left=1
			continue
		fi
		owner=$(stat -c %u "/proc/$p")
		for t in a b; do
			[[ $owner == "${ISO_UID[$t]:-}" ]] || continue
			if [[ $dir == "$ISO_DIR/$t/xdg/selkie" ]]; then
				iso_selkie "$t" system migrate >/dev/null 2>&1 || true
			elif [[ $dir == /tmp/selkie-run-* ]]; then
				ISO_NO_XDG=1 iso_selkie "$t" system migrate >/dev/null 2>&1 || true
			else
				iso_selkie "$t" "XDG_RUNTIME_DIR=${dir%/selkie}" system migrate \
					>/dev/null 2>&1 || true
			fi
		done
	done
	for p in "${holders[@]}"; do
		if ! wait_until 5 pid_gone "$p"; then
			echo "# user namespace holder still running after system migrate: $p" >&2
			kill -9 "$p" 2>/dev/null || true
			left=1
		fi
	done
	# A monitor finishes its cleanup just after its container is gone: give it a moment.
	if ! wait_until 5 iso_gone "${nss[@]}"; then
		for p in $(iso_dir_processes) $(for f in "${nss[@]}"; do iso_ns_processes "$f"; done); do
			echo "# process left behind: $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >&2
			kill -9 "$p" 2>/dev/null || true
			left=1
		done
	fi
	return "$left"
}

# iso_remove: after root's teardown, nothing of the test stays mounted; the directories go.
iso_remove() {
	[[ -n ${ISO_DIR:-} && -d $ISO_DIR ]] || return 0
	local left=0 m
	for m in $(awk -v dir="$ISO_DIR/" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo |
		sort -r); do
		echo "# mount left behind: $m" >&2
		umount -l "$m" 2>/dev/null || true
		left=1
	done
	rm -rf "$ISO_DIR"
	[[ -z ${ISO_UID[b]:-} ]] || rm -rf "/tmp/selkie-run-${ISO_UID[b]}"
	return "$left"
}

# ---- tests -----------------------------------------------------------------------------------

@test "a user sees none of another user's or root's containers, images and volumes" {
	require_root "acts as two ordinary users and as root"
	iso_setup
	iso_load a
	iso_load b
	root_setup
	run_selkie tag busybox localhost/root-only:1
	run_iso a run -d --name a-ctr --net=none busybox sleep 1000
	local a_ctr=$output
	run_iso a create --name a-created busybox true
	local a_created=$output
	run_iso a volume create a-vol
	run_iso a tag busybox localhost/a-only:1
	run_iso b run -d --name b-ctr --net=none busybox sleep 1000
	run_iso b volume create b-vol

	# B: its own only
	run_iso b ps -a --format '{{.Names}}'
	assert_equal "$output" "b-ctr"
	run_iso b images --format '{{.Repository}}:{{.Tag}}'
	assert_equal "$output" "docker.io/library/busybox:latest"
	run_iso b volume ls -q
	assert_equal "$output" "b-vol"
	run_iso b ps -a --filter "id=$a_ctr" -q
	assert_equal "$output" ""
	# A: its own only
	run_iso a ps -a --format '{{.Names}}'
	assert_equal "$(LC_ALL=C sort <<<"$output")" "a-created
a-ctr"
	run_iso a images --format '{{.Repository}}:{{.Tag}}'
	assert_equal "$(LC_ALL=C sort <<<"$output")" "docker.io/library/busybox:latest
localhost/a-only:1"
	run_iso a volume ls -q
	assert_equal "$output" "a-vol"
	# root: its own only
	run_selkie ps -a --format '{{.Names}}'
	assert_equal "$output" "root-ctr"
	run_selkie volume ls -q
	assert_equal "$output" "root-vol"
	run_selkie images --format '{{.Repository}}:{{.Tag}}'
	assert_equal "$(LC_ALL=C sort <<<"$output")" "docker.io/library/busybox:latest
localhost/root-only:1"

	# By ID or name, A's and root's containers, volumes and images do not exist for B.
	local c
	for c in "$a_ctr" "${a_ctr:0:12}" a-ctr "$a_created" "$ROOT_CTR" root-ctr; do
		run_iso 1 b rm "$c"
		assert_equal "$output" "Error: no container with name or ID \"$c\" found: no such container"
		run_iso 125 b stop -t 0 "$c"
		assert_equal "$output" "Error: no container with name or ID \"$c\" found: no such container"
		run_iso 125 b kill "$c"
		assert_equal "$output" "Error: no container with name or ID \"$c\" found: no such container"
		run_iso 125 b exec "$c" true
		assert_equal "$output" "Error: no container with name or ID \"$c\" found: no such container"
		run_iso 125 b container inspect "$c"
		assert_contains "$output" "Error: inspecting object: no such container $c"
	done
	run_iso 1 b volume rm a-vol
	assert_equal "$output" 'Error: no volume with name "a-vol" found: no such volume'
	run_iso 1 b volume rm root-vol
	assert_equal "$output" 'Error: no volume with name "root-vol" found: no such volume'
	run_iso 1 b rmi localhost/a-only:1
	assert_equal "$output" "Error: localhost/a-only:1: image not known"
	run_iso 1 b rmi localhost/root-only:1
	assert_equal "$output" "Error: localhost/root-only:1: image not known"
	# nor root's for A
	run_iso 1 a rm root-ctr
	assert_equal "$output" 'Error: no container with name or ID "root-ctr" found: no such container'
	run_iso 125 a stop -t 0 "$ROOT_CTR"
	assert_equal "$output" "Error: no container with name or ID \"$ROOT_CTR\" found: no such container"

	# What B tried changed nothing: A's and root's are all there, still running.
	assert_equal "$(iso_field a a-ctr '{{.State.Status}}')" "running"
	assert_equal "$(iso_field a a-created '{{.State.Status}}')" "created"
	assert_equal "$(ctr_field root-ctr '{{.State.Status}}')" "running"
	run_iso a volume ls -q
	assert_equal "$output" "a-vol"
	run_iso a image exists localhost/a-only:1
	run_selkie volume exists root-vol
	run_selkie image exists localhost/root-only:1
}

@test "a user can neither read nor use another user's or root's storage" {
	require_root "acts as two ordinary users and as root"
	iso_setup
	iso_load a
	root_setup
	run_iso a run -d --name a-ctr --net=none -v a-vol:/data busybox sh -c \
		'echo a-secret > /data/s; sleep 1000'
	local a_store=$ISO_DIR/a/.local/share/selkie a_run=$ISO_DIR/a/xdg/selkie
	# (the store is where podman's would be, and has A's image, container and volume)
	[[ -f $a_store/selkie.db ]]
	run_iso a volume inspect --format '{{.Mountpoint}}' a-vol
	assert_equal "$output" "$a_store/volumes/a-vol/_data"

	# B reads nothing of A's store, run root or user namespace's files ...
	local p
	for p in "$a_store" "$a_store/volumes" "$a_run" "$ISO_DIR/a/xdg" "$SELKIE_TEST_ROOT" \
		"$SELKIE_TEST_RUNROOT" "$SELKIE_TEST_ROOT/volumes/root-vol/_data"; do
		run_as_fails b ls "$p"
		assert_contains "$output" "Permission denied"
	done
	for p in "$a_store/selkie.db" "$a_store/volumes/a-vol/_data/s" "$a_run/pause.pid" \
		"$SELKIE_TEST_ROOT/selkie.db"; do
		run_as_fails b cat "$p"
		assert_contains "$output" "Permission denied"
	done
	# ... nor can selkie use them for B
	local -a stores=("--root $a_store --runroot $a_run"
		"--root $SELKIE_TEST_ROOT --runroot $SELKIE_TEST_RUNROOT")
	local s
	for s in "${stores[@]}"; do
		# shellcheck disable=SC2086
		run_iso 125 b $s ps -a
		assert_contains "$output" "Permission denied"
		assert_not_contains "$output" "a-ctr"
		assert_not_contains "$output" "root-ctr"
		# shellcheck disable=SC2086
		run_iso 125 b $s rm -f -t 0 a-ctr root-ctr
		# shellcheck disable=SC2086
		run_iso 125 b $s volume rm -f a-vol root-vol
		# shellcheck disable=SC2086
		run_iso 125 b $s rmi -f busybox
	done
	# nor, for A, root's
	run_iso 125 a --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" ps -a
	assert_contains "$output" "Permission denied"
	run_iso 125 a --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" rm -f -t 0 root-ctr

	assert_equal "$(iso_field a a-ctr '{{.State.Status}}')" "running"
	run_iso a exec a-ctr cat /data/s
	assert_equal "$output" "a-secret"
	assert_equal "$(ctr_field root-ctr '{{.State.Status}}')" "running"
	run_selkie volume exists root-vol
	run_selkie image exists busybox
	run_iso a image exists busybox
}

@test "a user cannot kill another user's container processes nor join their user namespace" {
	require_root "acts as two ordinary users and as root"
	iso_setup
	iso_load a
	run_iso a run -d --name a-root --net=none busybox sleep 1000
	run_iso a run -d --name a-user --net=none -u 1000:1000 busybox sleep 1000
	local pid_root pid_user holder
	pid_root=$(iso_field a a-root '{{.State.Pid}}')
	pid_user=$(iso_field a a-user '{{.State.Pid}}')
	holder=$(iso_holder a)
	[[ -n $holder ]]
	# root inside is A; the container's user 1000 one of A's subordinate IDs
	assert_equal "$(awk '/^Uid:/ { print $2 }' "/proc/$pid_root/status")" "${ISO_UID[a]}"
	assert_equal "$(awk '/^Uid:/ { print $2 }' "/proc/$pid_user/status")" \
		"$(($(subid_start a /etc/subuid) + 999))"

	# B's kill -9 of the containers' processes, of their monitors, of A's holder: EPERM.
	local p monitors=
	for p in $(iso_dir_processes "$ISO_DIR/a/"); do
		[[ $(tr '\0' ' ' <"/proc/$p/cmdline") != *" container monitor "* ]] ||
			monitors+=" $p"
	done
	[[ -n $monitors ]]
	for p in "$pid_root" "$pid_user" $monitors "$holder"; do
		run_as_fails b kill -9 "$p"
		assert_contains "$output" "Operation not permitted"
	done
	# B cannot enter A's user namespace (where A is root, over A's store) nor its mount namespace
	run_as_fails b nsenter -t "$holder" -U -m --preserve-credentials true
	run_as_fails b nsenter --user="/proc/$holder/ns/user" true
	assert_contains "$output" "Permission denied"
	# nor through selkie, given A's holder's PID in its own pause.pid: B gets its own namespace
	install -d -m 0700 -o "${ISO_UID[b]}" -g "${ISO_GID[b]}" "$ISO_DIR/b/xdg2" "$ISO_DIR/b/xdg2/selkie"
	echo "$holder" >"$ISO_DIR/b/xdg2/selkie/pause.pid"
	chown "${ISO_UID[b]}:${ISO_GID[b]}" "$ISO_DIR/b/xdg2/selkie/pause.pid"
	run_iso b "XDG_RUNTIME_DIR=$ISO_DIR/b/xdg2" unshare cat /proc/self/uid_map
	assert_equal "$(awk 'NR == 1 { print $1, $2, $3 }' <<<"$output")" "0 ${ISO_UID[b]} 1"
	assert_not_contains "$output" " ${ISO_UID[a]} "
	[[ $(iso_holder b "$ISO_DIR/b/xdg2/selkie") != "$holder" ]]
	run_iso b "XDG_RUNTIME_DIR=$ISO_DIR/b/xdg2" system migrate

	# All of A's is still there, the same processes.
	assert_equal "$(iso_field a a-root '{{.State.Status}} {{.State.Pid}}')" "running $pid_root"
	assert_equal "$(iso_field a a-user '{{.State.Status}} {{.State.Pid}}')" "running $pid_user"
	assert_equal "$(iso_holder a)" "$holder"
	run_iso a exec a-user id -u
	assert_equal "$output" "1000"
}

@test "a --privileged --pid=host container cannot signal another user's or root's processes" {
	require_root "acts as two ordinary users and as root"
	iso_setup
	iso_load a
	iso_load b
	root_setup
	run_iso a run -d --name a-ctr --net=none busybox sleep 1000
	local pid_a pid_root
	pid_a=$(iso_field a a-ctr '{{.State.Pid}}')
	pid_root=$(ctr_field root-ctr '{{.State.Pid}}')
	# B's container sees the host's processes (and has every capability of B's namespace) ...
	run_iso b run --rm --net=none --privileged --pid=host busybox sh -c \
		"ls -d /proc/$pid_a /proc/$pid_root /proc/1 || exit 1
		$PROBE_FUNC
		probe 'kill -9 $pid_a'; probe 'kill -STOP $pid_a'; probe 'kill -9 $pid_root'
		probe 'kill -0 1'"
	# ... but it signals none of them
	assert_all_denied 4
	assert_contains "$output" "Operation not permitted"
	assert_equal "$(iso_field a a-ctr '{{.State.Status}} {{.State.Pid}}')" "running $pid_a"
	assert_equal "$(awk '/^State:/ { print $2 }' "/proc/$pid_a/status")" "S"
	assert_equal "$(ctr_field root-ctr '{{.State.Status}} {{.State.Pid}}')" "running $pid_root"
}

@test "a rootless container cannot write host files its user cannot, even --privileged as root" {
	require_root "acts as an ordinary user on files of root's"
	iso_setup
	iso_load a
	# root's: a file 0644, a directory 0755 with a file, a secret 0600; the user's own file
	local hf=$ISO_DIR/hostfiles mine=$ISO_DIR/a/mine
	mkdir -m 0755 "$hf" "$hf/dir"
	echo original >"$hf/file"
	echo keep >"$hf/dir/keep"
	echo secret >"$hf/secret"
	chmod 0644 "$hf/file" "$hf/dir/keep"
	chmod 0600 "$hf/secret"
	iso_as a mkdir "$mine"
	iso_as a sh -c "echo mine > '$mine/own'"
	local before
	before=$(host_snapshot "$hf")

	# :U (chown the source to the container's user) cannot take root's file either.
	run iso_selkie a run --rm --net=none --privileged -v "$hf/file:/f:U" busybox sh -c \
		"$PROBE_FUNC
		probe 'echo x > /f'"
	assert_not_contains "$output" "ALLOWED"
	assert_equal "$(host_snapshot "$hf")" "$before"
	# A directory the user cannot enter stays closed: not mounted, or not readable.
	run iso_selkie a run --rm --net=none --privileged -v /root:/r busybox sh -c \
		"$PROBE_FUNC
		probe 'ls /r'; probe 'touch /r/selkie-evil'"
	assert_not_contains "$output" "ALLOWED"
	[[ ! -e /root/selkie-evil ]]

	# Root inside (the default), every capability, the user inside (keep-id): the same.
	local script="$PROBE_FUNC
		probe 'echo x > /f'
		probe 'echo x >> /h/file'
		probe ': > /h/file'
		probe 'touch /h/file'
		probe 'chmod 0666 /h/file'
		probe 'chown 0:0 /h/file'
		probe 'touch /h/dir/new'
		probe 'mkdir /h/dir/new'
		probe 'rm -f /h/dir/keep'
		probe 'mv /h/dir/keep /h/dir/moved'
		probe 'ln -s x /h/dir/link'
		probe 'cat /h/secret'
		probe 'mount -o remount,rw,bind /h && echo x > /h/file'
		echo ok >> /m/own && echo 'own file: written'"
	local -a variants=(
		""
		"--privileged"
		"--privileged --cap-add=ALL --security-opt seccomp=unconfined --security-opt apparmor=unconfined"
		"--userns=keep-id"
		# (--privileged in a user namespace of the container's own: podman runs it)
		"--userns=keep-id --privileged"
	)
	local v
	for v in "${variants[@]}"; do
		# shellcheck disable=SC2086
		run_iso a run --rm --net=none $v -v "$hf:/h" -v "$hf/file:/f" -v "$mine:/m" busybox \
			sh -c "$script"
		assert_all_denied 13
		assert_contains "$output" "own file: written"
		assert_equal "$(host_snapshot "$hf")" "$before"
	done
	assert_equal "$(cat "$hf/file")" "original"
	assert_equal "$(grep -c '^ok$' "$mine/own")" "${#variants[@]}"
}

@test "files a container writes to a bind mount belong to the user or the user's subordinate IDs" {
	require_root "acts as an ordinary user and checks owners on the host"
	iso_setup
	iso_load a
	local dir=$ISO_DIR/a/shared open=$ISO_DIR/a/open
	iso_as a mkdir -m 0755 "$dir"
	iso_as a mkdir -m 0777 "$open"
	local ug="${ISO_UID[a]}:${ISO_GID[a]}"

	# keep-id: the user inside, and the user's files outside
	run_iso a run --rm --net=none --userns=keep-id -v "$dir:/m" busybox sh -c \
		'id -u; touch /m/keepid; mkdir /m/kdir; echo hi > /m/kdir/f; stat -c %u:%g /m/keepid'
	assert_equal "$output" "${ISO_UID[a]}
$ug"
	assert_equal "$(stat -c %u:%g "$dir/keepid" "$dir/kdir" "$dir/kdir/f")" "$ug
$ug
$ug"
	# the default namespace: root inside is the user outside
	run_iso a run --rm --net=none -v "$dir:/m" busybox sh -c \
		'touch /m/rootfile; mkdir /m/rdir; stat -c %u:%g /m/rootfile'
	assert_equal "$output" "0:0"
	assert_equal "$(stat -c %u:%g "$dir/rootfile" "$dir/rdir")" "$ug
$ug"
	# another user inside is one of the user's own subordinate IDs (never root's, nor B's)
	run_iso a run --rm --net=none -u 1000:1000 -v "$open:/m" busybox touch /m/userfile
	local sub_u sub_g
	sub_u=$(subid_start a /etc/subuid) sub_g=$(subid_start a /etc/subgid)
	assert_equal "$(stat -c %u:%g "$open/userfile")" "$((sub_u + 999)):$((sub_g + 999))"
	# and the user can still do as they please with all of it, without selkie
	run iso_as a rm -rf "$dir/keepid" "$dir/kdir" "$dir/rootfile" "$dir/rdir"
	assert_equal "$status" 0
	assert_equal "$(ls -A "$dir")" ""
}

@test "--privileged rootless grants nothing beyond the user's rights on the host" {
	require_root "acts as an ordinary user and checks the host afterwards"
	iso_setup
	iso_load a
	# the host's disk: the block device / is on
	local dev=
	dev=$(findmnt -no SOURCE / 2>/dev/null) || true
	if [[ ! -b $dev ]]; then
		dev=$(find /dev -maxdepth 1 -type b \( -name 'vd?' -o -name 'sd?' -o -name 'nvme?n?' \
			-o -name 'xvd?' \) 2>/dev/null | head -1)
	fi
	[[ -b $dev ]] || dev=/dev/vda
	local majmin=
	majmin="$((16#$(stat -c %t "$dev"))) $((16#$(stat -c %T "$dev")))" || majmin="8 0"
	local before_host panic ipf passwd shadow lo
	before_host=$(hostname)
	panic=$(cat /proc/sys/kernel/panic)
	ipf=$(cat /proc/sys/net/ipv4/ip_forward)
	passwd=$(sha256sum /etc/passwd) shadow=$(sha256sum /etc/shadow)
	lo=$(ip -o link show lo)
	local script
	script="$PROBE_FUNC
		awk 'NR == 1 { print \"uid_map:\", \$1, \$2, \$3 }' /proc/self/uid_map
		echo \"uts: \$(readlink /proc/self/ns/uts) net: \$(readlink /proc/self/ns/net)\"
		probe 'mknod /tmp/disk b $majmin'
		mkdir /tmp/mnt
		probe 'mount $dev /tmp/mnt'
		probe 'mount -t ext4 -o ro $dev /tmp/mnt'
		probe 'head -c 1 $dev >/dev/null'
		probe 'echo $panic > /proc/sys/kernel/panic'
		probe 'sysctl -w kernel.panic=$panic'
		probe 'echo $ipf > /proc/sys/net/ipv4/ip_forward'
		probe 'echo $(cat /sys/class/net/lo/mtu) > /sys/class/net/lo/mtu'
		probe 'hostname $before_host'
		probe 'insmod /bin/busybox'
		probe 'ip link set lo mtu $(cat /sys/class/net/lo/mtu)'
		probe 'ip link add selkieevil0 type dummy'
		probe 'date -s @\$(date +%s) 2>&1 | grep -q \"not permitted\" && exit 1 || exit 0'
		probe 'cat /host/etc/shadow'
		probe ': >> /host/etc/passwd'
		probe 'touch /host/etc/selkie-evil'
		probe 'nsenter --mount=/host/proc/1/ns/mnt true'
		probe 'nsenter --net=/host/proc/1/ns/net true'"
	run_iso a run --rm --privileged --net=host --uts=host -v /:/host busybox sh -c "$script"
	# every capability, but of A's own user namespace only; the host's UTS and network
	assert_contains "$output" "uid_map: 0 ${ISO_UID[a]} 1"
	assert_contains "$output" \
		"uts: $(readlink /proc/self/ns/uts) net: $(readlink /proc/self/ns/net)"
	assert_all_denied 18
	# The host is as it was.
	assert_equal "$(hostname)" "$before_host"
	assert_equal "$(cat /proc/sys/kernel/panic)" "$panic"
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$ipf"
	assert_equal "$(sha256sum /etc/passwd)" "$passwd"
	assert_equal "$(sha256sum /etc/shadow)" "$shadow"
	assert_equal "$(ip -o link show lo)" "$lo"
	[[ ! -e /etc/selkie-evil ]]
	run ip link show selkieevil0
	assert_equal "$status" 1
}

@test "one user's system migrate, rm -a, prune and reset leave another user's and root's alone" {
	require_root "acts as two ordinary users and as root"
	iso_setup
	iso_load a
	iso_load b
	root_setup
	run_iso a run -d --name a-ctr --net=none busybox sleep 1000
	run_iso a volume create a-vol
	# (B's with the default network: its slirp4netns too must outlive A's commands)
	run_iso b run -d --name b-ctr busybox sleep 1000
	run_iso b volume create b-vol
	local holder_b pid_b holder_a
	holder_a=$(iso_holder a)
	holder_b=$(iso_holder b)
	[[ -n $holder_a && -n $holder_b && $holder_a != "$holder_b" ]]
	pid_b=$(iso_field b b-ctr '{{.State.Pid}}')

	run_iso a system migrate
	wait_until 5 pid_gone "$holder_a"
	assert_equal "$(iso_holder b)" "$holder_b"
	run_iso a rm -af -t 0
	run_iso a volume prune -f
	run_iso a system prune -af --volumes
	run_iso a system reset -f
	# Root's are all there, the container running ...
	assert_equal "$(ctr_field root-ctr '{{.State.Status}}')" "running"
	run_selkie volume exists root-vol
	run_selkie image exists busybox
	# ... and root's rm -a and prunes are of root's store alone.
	run_selkie rm -af -t 0
	run_selkie volume prune -f
	run_selkie system prune -af --volumes
	run_selkie volume ls -q
	assert_equal "$output" ""

	# B's container runs on in B's namespace, with its network; B's volume and image are there.
	assert_equal "$(iso_holder b)" "$holder_b"
	assert_equal "$(iso_field b b-ctr '{{.State.Status}} {{.State.Pid}}')" "running $pid_b"
	run_iso b exec b-ctr sh -c 'echo alive; ip -o -4 addr show tap0 | wc -l'
	assert_equal "$output" "alive
1"
	run_iso b volume ls -q
	assert_equal "$output" "b-vol"
	run_iso b image exists busybox
	run_iso a ps -a -q
	assert_equal "$output" ""
	# A's reset ended A's holder with the run root its pause.pid was in, as podman's reset ends
	# its pause process: A's only holder is the one pause.pid names (made by ps just now).
	assert_equal "$(iso_user_holders a)" "$(iso_holder a)"
}

@test "another user cannot plant selkie's /tmp runtime directory or holder for a user" {
	require_root "acts as two ordinary users"
	iso_setup
	# B has no XDG_RUNTIME_DIR (su, cron): selkie falls back to /tmp/selkie-run-UID. A makes it
	# first, open to all, naming A's own holder.
	local dir=/tmp/selkie-run-${ISO_UID[b]} holder_a
	rm -rf "$dir"
	run_iso a unshare true
	holder_a=$(iso_holder a)
	[[ -n $holder_a ]]
	iso_as a mkdir -m 0777 "$dir"
	iso_as a chmod 0777 "$dir"
	iso_as a sh -c "echo $holder_a > '$dir/pause.pid'"
	local before
	before=$(host_snapshot "$dir")
	ISO_NO_XDG=1 run_iso 125 b unshare cat /proc/self/uid_map
	assert_equal "$output" "Error: runtime directory '$dir' is not a directory owned by and only writable by uid ${ISO_UID[b]}"
	assert_equal "$(host_snapshot "$dir")" "$before"
	# a symlink to a directory of A's, the same
	rm -rf "$dir"
	iso_as a mkdir -m 0700 "$ISO_DIR/a/trap"
	iso_as a ln -s "$ISO_DIR/a/trap" "$dir"
	ISO_NO_XDG=1 run_iso 125 b unshare cat /proc/self/uid_map
	assert_equal "$output" "Error: runtime directory '$dir' is not a directory owned by and only writable by uid ${ISO_UID[b]}"
	assert_equal "$(find "$ISO_DIR/a/trap" -mindepth 1)" ""
	assert_equal "$(iso_holder a)" "$holder_a"

	# Once it is gone, B's selkie makes it B's own (0700) and runs in B's own namespace.
	rm -f "$dir"
	ISO_NO_XDG=1 run_iso b unshare cat /proc/self/uid_map
	assert_equal "$(awk 'NR == 1 { print $1, $2, $3 }' <<<"$output")" "0 ${ISO_UID[b]} 1"
	assert_equal "$(stat -c '%u %a' "$dir")" "${ISO_UID[b]} 700"
	ISO_NO_XDG=1 run_iso b system migrate
}
