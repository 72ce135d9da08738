# Shared by the bench scripts: a local registry with the fixture images, timing helpers.
# Benchmarks only ever talk to 127.0.0.1.
set -euo pipefail
BENCH_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SELKIE=${SELKIE:-$BENCH_TOP/build/src/cli/selkie}
BENCH_RUNS=${BENCH_RUNS:-5}

bench_setup() {
	command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
	BENCH_WORK=$(mktemp -d /tmp/selkie-bench.XXXXXX)
	"$BENCH_TOP/tests/fixtures/build-images.sh" "$BENCH_TOP/tests/fixtures/.out/images"
	"$BENCH_TOP/tests/fixtures/registry.sh" start "$BENCH_WORK/registry" >/dev/null
	# shellcheck disable=SC1091
	source "$BENCH_WORK/registry/registry.env"
	"$BENCH_TOP/tests/fixtures/push-images.sh" "$BENCH_TOP/tests/fixtures/.out/images" \
		"$SELKIE_REGISTRY" >/dev/null
	export CONTAINERS_REGISTRIES_CONF=$BENCH_WORK/registries.conf
	printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$SELKIE_REGISTRY" \
		>"$CONTAINERS_REGISTRIES_CONF"
	trap bench_teardown EXIT
}

bench_teardown() {
	"$BENCH_TOP/tests/fixtures/registry.sh" stop "$BENCH_WORK/registry" >/dev/null 2>&1 || true
	rm -rf "$BENCH_WORK"
}

# median of numbers on stdin
median() {
	sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else if (NR % 2) print a[(NR+1)/2];
		else printf "%.1f\n", (a[NR/2] + a[NR/2+1]) / 2}'
}

# measure OUTVAR_MS OUTVAR_KB CMD...: wall ms and peak RSS (KiB) of one run.
measure() {
	# shellcheck disable=SC2034
	local -n _ms=$1 _kb=$2
	shift 2
	local out=$BENCH_WORK/time.out start end
	start=${EPOCHREALTIME/./}
	/usr/bin/time -o "$out" -f '%M' "$@" >/dev/null 2>&1 || true
	end=${EPOCHREALTIME/./}
	_ms=$(((end - start) / 1000))
	_kb=$(tail -1 "$out")
}

have_podman() { command -v podman >/dev/null; }
