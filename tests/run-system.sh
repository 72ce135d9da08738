#!/bin/bash
# Run the bats system suite: build the offline fixture images (cached), start the local
# registries, run every tests/system/*.bats (or the files given), stop the registries.
# Prints the TAP stream and leaves the counts in $SELKIE_RESULTS (if set) as "pass fail skip".
#
# SELKIE_ROOTLESS_USER=NAME runs the suite as that ordinary user (the rootless pass; run this
# as root). The machine-wide preparation stays root's: the hugetlb fix, the fixture images, and
# scripts/setup-rootless-user.sh, which makes the user (subordinate IDs, /dev/net/tun) and a copy
# of the binary, the tests and the fixtures the user can read. The registries run as the user
# (tests corrupt their stored blobs on purpose), and bats runs as the user with a clean
# environment: PATH, HOME, the SELKIE_* variables, a TMPDIR and XDG_RUNTIME_DIR of its own,
# nothing of root's session. Tests that need root skip through require_root ("needs root:
# why"): they are counted as skipped, with their number printed, while any other skip still
# counts as a failure (in a root pass, so does any but "needs an ordinary user: why").
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export SELKIE_SOURCE_ROOT=$top
export SELKIE_BIN=${SELKIE_BIN:-$top/build/src/cli/selkie}
work=${SELKIE_FIXTURE_DIR:-$top/tests/fixtures/.out}
rootless_user=${SELKIE_ROOTLESS_USER:-}
regdir=$(mktemp -d /tmp/selkie-registry.XXXXXX)
stage=

cleanup() {
	"$top/tests/fixtures/registry.sh" stop "$regdir" >/dev/null 2>&1 || true
	if [[ -n $stage ]]; then
		rootless_sweep >/dev/null 2>&1 || true
		rm -rf "$stage"
	fi
	rm -rf "$regdir"
}
trap cleanup EXIT

# as_user CMD...: CMD as the rootless test user, in the stage directory, with only the
# environment the suite needs. Its XDG_RUNTIME_DIR is a directory of its own, as a login session
# has (pam_systemd's /run/user/UID; without one skopeo looks in /run/containers/UID, which root
# podman made unreadable); each test sets its own anyway.
as_user() {
	local env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
		"HOME=$user_home" "USER=$rootless_user" "LOGNAME=$rootless_user" SHELL=/bin/bash
		LANG=C.UTF-8 "TMPDIR=$stage/t" "XDG_RUNTIME_DIR=$stage/t/session") v
	# The suite's variables (the binary, the fixtures, the registries' addresses, the leak
	# cycles) and the sanitizers' options when a sanitizer build is under test.
	for v in $(compgen -e); do
		case $v in
		SELKIE_ROOTLESS_USER | SELKIE_RESULTS | SELKIE_ALLOW_SKIPS | SELKIE_FIXTURE_DIR) ;;
		SELKIE_* | ASAN_OPTIONS | UBSAN_OPTIONS | LSAN_OPTIONS) env+=("$v=${!v}") ;;
		esac
	done
	setpriv --reuid "$rootless_user" --regid "$(id -g "$rootless_user")" --init-groups -- \
		env -i -C "$stage" "${env[@]}" "$@"
}

# rootless_sweep: what the rootless pass left running (a test's teardown ends its own user
# namespace holder and processes; this catches what escaped it): the holders named by the
# pause.pid files under the stage and every process whose command line names the stage. Each
# is printed and killed; returns 1 if there was any.
rootless_sweep() {
	local pids=() f p left=0
	while read -r f; do
		p=$(<"$f")
		# (a pid of a holder long gone may be another process's now)
		[[ $p =~ ^[0-9]+$ ]] && grep -qaF __userns-holder "/proc/$p/cmdline" 2>/dev/null &&
			pids+=("$p")
	done < <(find "$stage/t" -name pause.pid 2>/dev/null)
	while read -r f; do
		p=${f#/proc/}
		pids+=("${p%/cmdline}")
	done < <(grep -laF -- "$stage/" /proc/[0-9]*/cmdline 2>/dev/null)
	for p in $(printf '%s\n' "${pids[@]}" | sort -un); do
		[[ $p != "$$" && -d /proc/$p ]] || continue
		echo "run-system: left running after the rootless pass: $p $(tr '\0' ' ' \
			<"/proc/$p/cmdline" 2>/dev/null)" >&2
		kill -9 "$p" 2>/dev/null || true
		left=1
	done
	return "$left"
}

[[ -x $SELKIE_BIN ]] || { echo "run-system: $SELKIE_BIN not built" >&2; exit 1; }
if [[ -n $rootless_user && $(id -u) -ne 0 ]]; then
	echo "run-system: SELKIE_ROOTLESS_USER needs root to prepare the user and the fixtures" >&2
	exit 1
fi
# crun refuses a cgroup v1 host whose unified hierarchy still holds hugetlb (HOST-NOTES.md):
# give hugetlb a v1 hierarchy of its own, as an administrator would, so the suite runs containers
# through crun (and through runc where a test asks). Idempotent.
if grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null; then
	{ mkdir -p /sys/fs/cgroup/hugetlb &&
		mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb; } ||
		echo "run-system: could not mount hugetlb on cgroup v1; crun may refuse this host" >&2
fi
mkdir -p "$work"
"$top/tests/fixtures/build-images.sh" "$work/images"
"$top/tests/fixtures/make-bad-tars.sh" "$work/bad" >/dev/null

files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
	mapfile -t files < <(ls "$top"/tests/system/[0-9]*.bats)
fi
runner=()
if [[ -n $rootless_user ]]; then
	# (short: the tests' paths, in $stage/t, are as long as the root passes' in /tmp plus 14
	# characters, and sockets have 108 at most)
	stage=$(mktemp -d /tmp/skrl.XXXXXX)
	"$top/scripts/setup-rootless-user.sh" "$rootless_user" --stage "$stage" "$SELKIE_BIN" "$work"
	user_home=$(getent passwd "$rootless_user" | cut -d: -f6)
	install -d -m 0700 -o "$rootless_user" -g "$(id -g "$rootless_user")" "$stage/t/session"
	rm -rf "$regdir"
	regdir=$stage/registry
	export SELKIE_SOURCE_ROOT=$stage SELKIE_BIN=$stage/bin/selkie
	export SELKIE_FIXTURE_IMAGES=$stage/fixtures/images
	# The same test files, from the copy.
	for i in "${!files[@]}"; do
		files[i]=$stage/tests/system/${files[i]##*/}
	done
	runner=(as_user)
	echo "# rootless pass: bats runs as $rootless_user (uid $(id -u "$rootless_user")), from $stage"
else
	export SELKIE_FIXTURE_IMAGES=$work/images
fi
"${runner[@]}" "$SELKIE_SOURCE_ROOT/tests/fixtures/registry.sh" start "$regdir"
# shellcheck disable=SC1091
source "$regdir/registry.env"
# shellcheck disable=SC2046
export $(grep -o '^[A-Z_]*=' "$regdir/registry.env" | tr -d '=')
"${runner[@]}" "$SELKIE_SOURCE_ROOT/tests/fixtures/push-images.sh" "$SELKIE_FIXTURE_IMAGES" \
	"$SELKIE_REGISTRY"

tap=$(mktemp)
set +e
"${runner[@]}" bats --tap "${files[@]}" | tee "$tap"
set -e
pass=$(grep -c '^ok ' "$tap" | tr -d ' ' || true)
skip=$(grep -c '^ok .* # skip' "$tap" || true)
fail=$(grep -c '^not ok ' "$tap" || true)
# The deliberate skips of this pass: root-only tests (require_root) in the rootless pass,
# rootless-only ones ("needs an ordinary user: ...") in a root pass; the other pass runs them.
if [[ -n $rootless_user ]]; then
	deliberate=$(grep -c '^ok .* # skip needs root: ' "$tap" || true)
	what="root-only test(s) (require_root) not run as $rootless_user"
else
	deliberate=$(grep -c '^ok .* # skip needs an ordinary user: ' "$tap" || true)
	what="rootless-only test(s) not run as root (the rootless pass runs them)"
fi
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -1)
rm -f "$tap"
pass=$((pass - skip))
# A crashed bats run reports fewer results than planned: count the missing ones as failures.
if [[ -n $planned ]] && ((pass + skip + fail < planned)); then
	fail=$((planned - pass - skip))
fi
# A deliberate, visible category, not a gap: counted as skipped, never as failed.
if [[ -n $rootless_user ]] || ((deliberate > 0)); then
	echo "run-system: $deliberate $what" >&2
fi
skip=$((skip - deliberate))
if [[ -n $rootless_user ]]; then
	"$top/tests/fixtures/registry.sh" stop "$regdir" >/dev/null 2>&1 || true
	if ! rootless_sweep; then
		echo "run-system: processes were left behind by the rootless pass (counted as a failure)" >&2
		fail=$((fail + 1))
	fi
fi
# Every skip goes through a require_* helper; in CI (or unless SELKIE_ALLOW_SKIPS is set) a
# skip means the machine lacks something the suite needs, so it counts as a failure.
if ((skip > 0)) && [[ -z ${SELKIE_ALLOW_SKIPS:-} ]]; then
	echo "run-system: $skip test(s) skipped; counted as failures (set SELKIE_ALLOW_SKIPS=1 to allow)" >&2
	fail=$((fail + skip))
	skip=0
fi
skip=$((skip + deliberate))
if [[ -n ${SELKIE_RESULTS:-} ]]; then
	echo "$pass $fail $skip" >"$SELKIE_RESULTS"
fi
[[ $fail -eq 0 ]]
