#!/bin/bash
# The whole test suite: build (warnings are errors), unit tests under ASan+UBSan, lint, then
# every system test against the real binary. Ends with one line "N passed, N failed, N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/scripts/install-deps.sh" || { echo "0 passed, 1 failed"; exit 1; }

pass=0 fail=0 skip=0
add_counts() { pass=$((pass + $1)); fail=$((fail + $2)); skip=$((skip + $3)); }

# meson's summary lines "Ok: N", "Fail: N", "Skipped: N", ...
meson_counts() {
	local log=$1 ok f s t
	ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$log" | tail -1)
	s=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$log" | tail -1)
	t=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$log" | tail -1)
	echo "${ok:-0} $(( ${f:-0} + ${t:-0} )) ${s:-0}"
}

build_ok=1
if [[ ! -d build ]]; then
	meson setup build --werror >/dev/null || build_ok=0
fi
ninja -C build || build_ok=0
if [[ ! -d build-asan ]]; then
	meson setup build-asan --werror -Db_sanitize=address,undefined -Db_lundef=false \
		>/dev/null || build_ok=0
fi
ninja -C build-asan || build_ok=0
if [[ $build_ok -eq 0 ]]; then
	echo "build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

echo "== unit tests (ASan + UBSan)"
log=$(mktemp)
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
	meson test -C build-asan --suite unit --print-errorlogs 2>&1 | tee "$log"
add_counts $(meson_counts "$log")

echo "== lint"
for t in tests/lint/check-format.sh tests/lint/check-layering.sh; do
	if "$top/$t"; then
		echo "ok - $t"
		add_counts 1 0 0
	else
		echo "not ok - $t"
		add_counts 0 1 0
	fi
done

# system_pass NAME BINARY: every system test against one build of the binary.
system_pass() {
	local name=$1 bin=$2 results
	echo "== system tests ($name)"
	results=$(mktemp)
	SELKIE_BIN=$bin SELKIE_RESULTS=$results "$top/tests/run-system.sh" "${@:3}"
	if [[ -s $results ]]; then
		add_counts $(cat "$results")
	else
		echo "system test run ($name) did not report results"
		add_counts 0 1 0
	fi
	rm -f "$results"
}
system_pass release "$top/build/src/cli/selkie" "$@"
# The same suite under AddressSanitizer + UBSan: memory errors and leaks on real code paths.
# (The 1,000 create/start/rm cycles of 330-network-leaks.bats run in the release pass; here
# fewer, as every cycle is several times slower.)
SELKIE_LEAK_CYCLES=${SELKIE_LEAK_CYCLES_ASAN:-100} \
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	system_pass asan "$top/build-asan/src/cli/selkie" "$@"
# Rootless (issue 5): the image, container, network, pod and volume tests (0xx-5xx) and the
# rootless ones (9xx-rootless*) with the release binary as the ordinary user selkie-test, which
# scripts/setup-rootless-user.sh makes (subordinate IDs, /dev/net/tun); tests/run-system.sh still
# prepares the fixtures and the registries as root. Tests that need root say so (require_root)
# and count as skipped.
candidates=("$@")
[[ $# -gt 0 ]] || candidates=("$top"/tests/system/*.bats)
rootless_files=()
for f in "${candidates[@]}"; do
	if [[ ${f##*/} =~ ^([0-5][0-9][0-9]-|9[0-9][0-9]-rootless) ]]; then
		rootless_files+=("$f")
	fi
done
if [[ ${#rootless_files[@]} -gt 0 ]]; then
	SELKIE_ROOTLESS_USER=${SELKIE_ROOTLESS_USER:-selkie-test} \
		system_pass rootless "$top/build/src/cli/selkie" "${rootless_files[@]}"
fi
rm -f "$log"

echo "$pass passed, $fail failed, $skip skipped"
[[ $fail -eq 0 ]]
