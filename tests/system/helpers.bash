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
	export XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg-run
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$XDG_RUNTIME_DIR" "$HOME"
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
selkie_test_teardown() {
	if [[ -d ${SELKIE_TEST_ROOT:-/nonexistent} ]]; then
		"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
			rm -af -t 0 >/dev/null 2>&1 || true
	fi
	[[ -n ${BATS_TEST_TMPDIR:-} ]] || return 0
	local left=0 m p
	# A monitor finishes its cleanup just after the container is gone: give it a moment.
	wait_until 5 test_processes_gone 2>/dev/null || true
	for p in $(test_processes); do
		echo "# process left behind: $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >&2
		kill -9 "$p" 2>/dev/null || true
		left=1
	done
	# The (now empty) cgroups of what was killed: the host keeps them otherwise.
	if ((left)); then
		sleep 0.2
		for p in "$SELKIE_TEST_RUNROOT"/containers/*; do
			rmdir /sys/fs/cgroup/*/selkie/"${p##*/}" 2>/dev/null || true
		done
	fi
	for m in $(awk -v dir="$BATS_TEST_TMPDIR/" 'index($5, dir) == 1 { print $5 }' \
		/proc/self/mountinfo | sort -r); do
		echo "# mount left behind: $m" >&2
		umount -l "$m" 2>/dev/null || true
		left=1
	done
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

# require_root: skip (with the reason) for a rootless pass.
require_root() {
	if [[ $(id -u) -ne 0 ]]; then
		skip "needs root: $*"
	fi
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
