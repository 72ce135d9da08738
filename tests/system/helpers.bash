# Shared helpers for selkie's bats system tests (STYLE.md "Tests").
#
# The suite runner (tests/run-system.sh) builds the fixture images, starts the local registries
# and exports their addresses (SELKIE_REGISTRY, ...) before bats runs; every test gets its own
# --root/--runroot under $BATS_TEST_TMPDIR.

SELKIE_SOURCE_ROOT=${SELKIE_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SELKIE_BIN=${SELKIE_BIN:-$SELKIE_SOURCE_ROOT/build/src/cli/selkie}

# Per-test storage; tests may override SELKIE_TEST_ROOT before calling run_selkie.
selkie_test_setup() {
	SELKIE_TEST_ROOT=$BATS_TEST_TMPDIR/root
	SELKIE_TEST_RUNROOT=$BATS_TEST_TMPDIR/runroot
	# Tests must never read the host's registries.conf or credentials.
	export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
	export REGISTRY_AUTH_FILE=$BATS_TEST_TMPDIR/auth.json
	# Rootless: the user namespace holder of this test keeps its pid file here, so every test
	# has a holder of its own (and the teardown ends it).
	export XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg-run
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$XDG_RUNTIME_DIR" "$HOME"
	chmod 0700 "$XDG_RUNTIME_DIR"
	cat >"$CONTAINERS_REGISTRIES_CONF" <<-CONF
		unqualified-search-registries = ["${SELKIE_REGISTRY:-127.0.0.1:1}"]
		short-name-mode = "permissive"

		[[registry]]
		location = "${SELKIE_REGISTRY:-127.0.0.1:1}"
		insecure = true

		[[registry]]
		location = "${SELKIE_REGISTRY_AUTH:-127.0.0.1:2}"
		insecure = true

		[[registry]]
		location = "${SELKIE_REGISTRY_TOKEN:-127.0.0.1:4}"
		insecure = true
	CONF
}

setup() {
	selkie_test_setup
}

teardown() {
	selkie_test_teardown
}

# Whatever a test started is gone when it ends; stores are removed with the temp dir. Every
# container the test left is removed (stopped first); a mount or a process (monitor, runtime)
# of this test's storage that is still there afterwards fails the test, and is then cleared.
# Rootless, the same holds inside the test's user namespace: the mounts are looked for in the
# holder's mount namespace, every process of the user namespace but the holder counts, the
# store is removed from inside (its files belong to subordinate IDs), and the holder is ended.
selkie_test_teardown() {
	local holder='' userns=''
	if is_rootless; then
		holder=$(rootless_holder_pid)
		[[ -z $holder ]] || userns=$(readlink "/proc/$holder/ns/user" 2>/dev/null) || true
	fi
	net_leaks_collect
	if [[ -d ${SELKIE_TEST_ROOT:-/nonexistent} ]]; then
		"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
			rm -af -t 0 >/dev/null 2>&1 || true
	fi
	[[ -n ${BATS_TEST_TMPDIR:-} ]] || return 0
	# (rm may have started the holder, when none ran)
	if is_rootless && [[ -z $holder ]]; then
		holder=$(rootless_holder_pid)
		[[ -z $holder ]] || userns=$(readlink "/proc/$holder/ns/user" 2>/dev/null) || true
	fi
	local left=0 m p
	# A monitor finishes its cleanup just after the container is gone: give it a moment.
	wait_until 5 test_processes_gone 2>/dev/null || true
	for p in $(test_processes); do
		echo "# process left behind: $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >&2
		kill -9 "$p" 2>/dev/null || true
		left=1
	done
	if [[ -n $userns ]]; then
		# (rootless, a container's processes may take a moment longer: no cgroup to kill)
		wait_until 10 userns_processes_gone "$userns" "$holder" 2>/dev/null || true
		userns_processes_kill "process left in the user namespace" "$userns" "$holder" ||
			left=1
	fi
	# The (now empty) cgroups of what was killed: the host keeps them otherwise.
	if ((left)) && ! is_rootless; then
		sleep 0.2
		for p in "$SELKIE_TEST_RUNROOT"/containers/*; do
			rmdir /sys/fs/cgroup/*/selkie/"${p##*/}" 2>/dev/null || true
		done
	fi
	net_leaks_check || left=1
	for m in $(awk -v dir="$BATS_TEST_TMPDIR/" 'index($5, dir) == 1 { print $5 }' \
		"$(selkie_mountinfo)" | sort -r); do
		echo "# mount left behind: $m" >&2
		in_userns umount -l "$m" 2>/dev/null || true
		left=1
	done
	if is_rootless; then
		rootless_teardown "$holder" "$userns" || left=1
	fi
	return "$left"
}

# rootless_teardown HOLDER USERNS: remove what the test made from inside its user namespace
# (files of subordinate IDs cannot be removed from outside), then end the holder with
# `selkie system migrate`; the holder or any process of the namespace still there fails the
# test. The pid file stays until then: `selkie unshare` needs it to find the namespace.
rootless_teardown() {
	local holder=$1 userns=$2 left=0 p
	[[ -n $holder ]] || return 0
	in_userns find "$BATS_TEST_TMPDIR" -mindepth 1 -maxdepth 1 ! -name xdg-run \
		-exec rm -rf {} + >/dev/null 2>&1 || true
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		system migrate >/dev/null 2>&1 || true
	if ! wait_until 5 pid_gone "$holder" 2>/dev/null; then
		echo "# user namespace holder still running after system migrate: $holder" >&2
		kill -9 "$holder" 2>/dev/null || true
		left=1
	fi
	p=$(rootless_holder_pid)
	if [[ -n $p && $p != "$holder" ]]; then
		echo "# a new user namespace holder was started by the teardown: $p" >&2
		kill -9 "$p" 2>/dev/null || true
		left=1
	fi
	if [[ -n $userns ]]; then
		wait_until 5 userns_processes_gone "$userns" "" 2>/dev/null || true
		userns_processes_kill "process outlived its user namespace holder" "$userns" "" ||
			left=1
	fi
	# Leftovers the namespace could not remove (e.g. the removal failed): as much as we can.
	rm -rf "${BATS_TEST_TMPDIR:?}"/* 2>/dev/null || true
	return "$left"
}

# test_processes: PIDs of processes whose command line names this test's run root (monitors,
# runtime processes), one a line.
test_processes() {
	local f p
	[[ -n ${SELKIE_TEST_RUNROOT:-} ]] || return 0
	for f in $(grep -laF -- "$SELKIE_TEST_RUNROOT/" /proc/[0-9]*/cmdline 2>/dev/null); do
		p=${f#/proc/}
		p=${p%/cmdline}
		[[ $p != "$$" && $p != "$BASHPID" ]] && echo "$p"
	done
	return 0
}

test_processes_gone() {
	[[ -z $(test_processes) ]]
}

# wait_until TIMEOUT_SECONDS COMMAND...: poll COMMAND every 0.05 s until it succeeds; fail
# with a message when it has not within the timeout.
wait_until() {
	local timeout=$1 deadline
	shift
	deadline=$(($(date +%s%N) + timeout * 1000000000))
	until "$@" >/dev/null 2>&1; do
		if (($(date +%s%N) > deadline)); then
			echo "# timed out after ${timeout}s waiting for: $*" >&2
			return 1
		fi
		sleep 0.05
	done
}

# ctr_field CONTAINER GO-TEMPLATE: what `selkie inspect --format` prints (empty on failure).
ctr_field() {
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		container inspect --format "$2" "$1" 2>/dev/null
}

# ctr_status_is CONTAINER STATUS: the container's .State.Status is STATUS (for wait_until).
ctr_status_is() {
	[[ $(ctr_field "$1" '{{.State.Status}}') == "$2" ]]
}

# run_selkie [expected_rc] args...: run selkie with the test's storage, check the exit code
# (0 unless given), leave the combined output in $output and the lines in ${lines[@]}.
run_selkie() {
	local expected=0
	if [[ $1 =~ ^[0-9]+$ ]]; then
		expected=$1
		shift
	fi
	run "$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" "$@"
	echo "\$ selkie $*" >&3 2>/dev/null || true
	if [[ $status -ne $expected ]]; then
		echo "# selkie $* exited $status, expected $expected" >&2
		echo "# output: $output" >&2
		return 1
	fi
}

# run_selkie_stdout: like run_selkie but stderr is not mixed into $output.
run_selkie_stdout() {
	local expected=0
	if [[ $1 =~ ^[0-9]+$ ]]; then
		expected=$1
		shift
	fi
	run --separate-stderr "$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" \
		--runroot "$SELKIE_TEST_RUNROOT" "$@"
	if [[ $status -ne $expected ]]; then
		echo "# selkie $* exited $status, expected $expected" >&2
		echo "# stdout: $output" >&2
		echo "# stderr: $stderr" >&2
		return 1
	fi
}

# assert_output_contains TEXT: $output contains TEXT.
assert_contains() {
	local haystack=$1 needle=$2
	if [[ $haystack != *"$needle"* ]]; then
		echo "# expected to find: $needle" >&2
		echo "# in: $haystack" >&2
		return 1
	fi
}

assert_not_contains() {
	local haystack=$1 needle=$2
	if [[ $haystack == *"$needle"* ]]; then
		echo "# expected NOT to find: $needle" >&2
		echo "# in: $haystack" >&2
		return 1
	fi
}

assert_equal() {
	if [[ "$1" != "$2" ]]; then
		echo "# expected: '$2'" >&2
		echo "# actual:   '$1'" >&2
		return 1
	fi
}

assert_match() {
	if [[ ! "$1" =~ $2 ]]; then
		echo "# expected to match: $2" >&2
		echo "# actual: $1" >&2
		return 1
	fi
}

# require_registry: the suite runner's registries must be up.
require_registry() {
	if [[ -z ${SELKIE_REGISTRY:-} ]]; then
		echo "# SELKIE_REGISTRY unset: run the suite through tests/run-system.sh" >&2
		return 1
	fi
}

# is_rootless: the suite runs as an ordinary user (the rootless pass of tests/run-system.sh).
is_rootless() {
	[[ $EUID -ne 0 ]]
}

# require_root REASON: the test cannot work rootless by design (host iptables or interfaces,
# cgroup limits on this cgroup v1 host, mounts in the host's namespace, ...): skip it with
# "needs root: REASON". The rootless pass counts exactly these skips as root-only (skipped, not
# failed) and prints how many; any other skip is a failure. Not for what a rootless user should
# be able to do: such a test fails rootless until selkie does it.
require_root() {
	if [[ -z $* ]]; then
		echo "# require_root needs a reason" >&2
		return 1
	fi
	if is_rootless; then
		skip "needs root: $*"
	fi
}

# require_rootless REASON: the test is about what an ordinary user gets; a root pass skips it
# with "needs an ordinary user: REASON", which tests/run-system.sh counts as the rootless-only
# category (the rootless pass runs it); any other skip is a failure.
require_rootless() {
	if ! is_rootless; then
		skip "needs an ordinary user: $*"
	fi
}

# rootless_holder_pid: the PID of this test's user namespace holder (selkie's pause.pid in
# $XDG_RUNTIME_DIR/selkie, or in /tmp/selkie-run-UID without it), when it runs.
rootless_holder_pid() {
	local f=/tmp/selkie-run-$EUID/pause.pid p
	[[ -z ${XDG_RUNTIME_DIR:-} ]] || f=$XDG_RUNTIME_DIR/selkie/pause.pid
	p=$(cat "$f" 2>/dev/null) || return 0
	# (a stale file's pid may be another process's now)
	[[ $p =~ ^[0-9]+$ ]] && grep -qaF __userns-holder "/proc/$p/cmdline" 2>/dev/null && echo "$p"
	return 0
}

# selkie_mountinfo: the mount table of the namespace selkie mounts in: the holder's rootless,
# this process's otherwise (/dev/null rootless when no holder runs: then nothing is mounted).
selkie_mountinfo() {
	local holder
	if is_rootless; then
		holder=$(rootless_holder_pid)
		if [[ -n $holder && -r /proc/$holder/mountinfo ]]; then
			echo "/proc/$holder/mountinfo"
		else
			echo /dev/null
		fi
	else
		echo /proc/self/mountinfo
	fi
}

# in_userns CMD...: CMD as the store's root: as it is when rootful, inside the rootless user
# namespace (`selkie unshare`, uid 0 there) otherwise, so that files of the container's users
# can be read, changed and removed, and stat shows their owners as the container sees them.
in_userns() {
	if is_rootless; then
		"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" unshare "$@"
	else
		"$@"
	fi
}

# userns_processes USERNS EXCEPT: PIDs of the live processes in user namespace USERNS (as
# readlink shows /proc/PID/ns/user), but EXCEPT, one a line. The test user owns the namespace,
# so it may look at (and kill) its processes of every mapped ID.
userns_processes() {
	local pat=${1//[/\\[} except=$2 p
	pat=${pat//]/\\]}
	# one find for all (a readlink each would be hundreds of processes per poll)
	while read -r p; do
		p=${p#/proc/}
		p=${p%/ns}
		[[ $p != "$except" && $p != "$$" && $p != "$BASHPID" ]] || continue
		# (a zombie, e.g. the ended holder until init reaps it, still shows its namespace)
		pid_gone "$p" || echo "$p"
	done < <(find /proc/[0-9]*/ns/user -maxdepth 0 -lname "$pat" -printf '%h\n' 2>/dev/null)
	return 0
}

userns_processes_gone() {
	[[ -z $(userns_processes "$@") ]]
}

# userns_processes_kill WHAT USERNS EXCEPT: print "# WHAT: ps line" for each live process of
# userns_processes USERNS EXCEPT, kill it; fail if there was any.
userns_processes_kill() {
	local what=$1 p line left=0
	for p in $(userns_processes "$2" "$3"); do
		line=$(ps -o pid=,ppid=,user=,stat=,etimes=,args= -p "$p" 2>/dev/null) || continue
		echo "# $what: $line" >&2
		kill -9 "$p" 2>/dev/null || true
		left=1
	done
	return "$left"
}

# pid_gone PID: the process has exited (a zombie waiting for its reaper counts as gone).
pid_gone() {
	[[ ! -d /proc/$1 ]] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# require_script: terminal tests drive a pty with script(1) (bsdutils, always installed).
require_script() {
	if ! command -v script >/dev/null; then
		skip "needs script(1) from bsdutils to drive a terminal"
	fi
}

# require_podman: interoperability tests compare with podman (scripts/install-deps.sh installs it).
require_podman() {
	if ! command -v podman >/dev/null; then
		skip "needs podman for the interoperability check"
	fi
}

# A snapshot of the store (files and database rows) to prove a failed command changed nothing.
store_snapshot() {
	local root=${1:-$SELKIE_TEST_ROOT}
	{
		(cd "$root" 2>/dev/null && find . ! -name '*.lock' ! -name 'selkie.db-*' |
			LC_ALL=C sort)
		if [[ -f $root/selkie.db ]]; then
			sqlite3 "$root/selkie.db" \
				"SELECT 'img', id FROM images ORDER BY id;
				 SELECT 'name', name, image_id FROM image_names ORDER BY name;
				 SELECT 'layer', chain_id FROM layers ORDER BY chain_id;
				 SELECT 'blob', digest FROM blobs ORDER BY digest;"
		fi
	}
}

# ---- network leak checks (tests 3xx; keep additions in this block) -------------------------
# Whatever a test's containers held on the host must be gone after its teardown's `rm -af`:
# the veths of their namespaces, their iptables rules, their net_attachments rows, their
# namespaces, CNI cache entries and firewall records under the run root. Only what is this
# test's is looked at (its containers' IDs from its events log, its namespaces), so suites
# running at the same time on the host do not disturb the check.

# net_test_db_query SQL: run SQL on the test's state database (python3's sqlite3: the CLI is
# not needed), one row a line, columns separated by '|'; nothing when there is no database.
net_test_db_query() {
	local db=$SELKIE_TEST_ROOT/selkie.db
	[[ -f $db ]] || return 0
	/usr/bin/python3 - "$db" "$1" <<-'PY'
		import sqlite3, sys
		db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=10)
		try:
		    for row in db.execute(sys.argv[2]):
		        print("|".join("" if v is None else str(v) for v in row))
		except sqlite3.OperationalError as e:
		    if "no such table" not in str(e):
		        raise
	PY
}

# net_test_ids: the full IDs of every container this test's storage has made (events log).
net_test_ids() {
	local log=${SELKIE_TEST_RUNROOT:-/nonexistent}/events/events.log
	[[ -f $log ]] || return 0
	jq -r 'select(.Type == "container") | .ID' "$log" 2>/dev/null | sort -u
}

# net_ns_host_ifindexes NETNS_PATH: the host-side ifindexes of the veths in that namespace.
net_ns_host_ifindexes() {
	nsenter --net="$1" ip -o link show type veth 2>/dev/null |
		sed -n 's/^[0-9]*: [^@]*@if\([0-9]*\):.*/\1/p'
}

# net_leaks_collect: before the teardown removes the containers, remember the host ends of the
# veths of the test's namespaces (they vanish with the namespaces, unless something leaks).
net_leaks_collect() {
	local ns
	NET_LEAK_IFINDEXES=()
	# Rootless: an ordinary user can make no veth in the host's namespace (nor enter the
	# container's); the veths of user networks are in the rootless network namespace.
	is_rootless && return 0
	[[ -d ${SELKIE_TEST_RUNROOT:-/nonexistent}/netns ]] || return 0
	for ns in "$SELKIE_TEST_RUNROOT"/netns/*; do
		[[ -e $ns ]] || continue
		mapfile -t -O "${#NET_LEAK_IFINDEXES[@]}" NET_LEAK_IFINDEXES < <(net_ns_host_ifindexes "$ns")
	done
}

# net_test_rules: iptables rules (nat and filter, `iptables -S` form) naming one of the test's
# containers (selkie's "selkie:ID" comments, the CNI plugins' "id: ID" ones).
net_test_rules() {
	local ids
	# Rootless: an ordinary user can add no rule to the host's tables (nor read them); the
	# rules of user networks are in the rootless network namespace.
	is_rootless && return 0
	ids=$(net_test_ids)
	[[ -n $ids ]] || return 0
	{ iptables -w -t nat -S; iptables -w -t filter -S; } 2>/dev/null | grep -F -- "$ids" || true
}

# net_leaks_check: print what the test's containers left on the host and clear it; fail if any.
net_leaks_check() {
	[[ -n ${SELKIE_TEST_RUNROOT:-} ]] || return 0
	local left=0 idx rule link f table
	# A monitor's cleanup may still be running: give it a moment, as for processes.
	wait_until 5 net_leaks_none >/dev/null 2>&1 || true
	for idx in "${NET_LEAK_IFINDEXES[@]}"; do
		link=$(ip -o link show 2>/dev/null | awk -F': ' -v i="$idx" '$1 == i { print $2 }')
		[[ -n $link ]] || continue
		echo "# veth left behind: ${link%@*} (ifindex $idx)" >&2
		ip link del "${link%@*}" 2>/dev/null || true
		left=1
	done
	while read -r rule; do
		[[ -n $rule ]] || continue
		echo "# iptables rule left behind: $rule" >&2
		left=1
		# `iptables -S` quotes comments as a shell reads them: delete the rule again.
		for table in nat filter; do
			eval "iptables -w -t $table ${rule/#-A /-D }" 2>/dev/null && break
		done
	done < <(net_test_rules)
	while read -r f; do
		[[ -n $f ]] || continue
		echo "# net_attachments row left behind: $f" >&2
		left=1
	done < <(net_test_db_query "SELECT container_id, network, ifname, ip FROM net_attachments")
	for f in "$SELKIE_TEST_RUNROOT"/netns/* "$SELKIE_TEST_RUNROOT"/networks/cni-cache/* \
		"$SELKIE_TEST_RUNROOT"/networks/firewall/*; do
		[[ -e $f ]] || continue
		echo "# network state left behind: $f" >&2
		in_userns umount -l "$f" 2>/dev/null || true
		left=1
	done
	return "$left"
}

# net_leaks_none: nothing of the above is left (for wait_until).
net_leaks_none() {
	local idx f
	for idx in "${NET_LEAK_IFINDEXES[@]}"; do
		ip -o link show | grep -q "^$idx: " && return 1
	done
	[[ -z $(net_test_rules) ]] || return 1
	[[ -z $(net_test_db_query "SELECT 1 FROM net_attachments LIMIT 1") ]] || return 1
	for f in "$SELKIE_TEST_RUNROOT"/netns/* "$SELKIE_TEST_RUNROOT"/networks/cni-cache/* \
		"$SELKIE_TEST_RUNROOT"/networks/firewall/*; do
		[[ -e $f ]] && return 1
	done
	return 0
}
# ---- end of network leak checks -------------------------------------------------------------
