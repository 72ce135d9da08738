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

# Whatever a test started is gone when it ends; stores are removed with the temp dir.
selkie_test_teardown() {
	:
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
