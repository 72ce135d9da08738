#!/bin/bash
# `images` with 100 images, `image inspect`, and a `rmi` of all of them: selkie vs podman on the
# same 100 images pulled from a loopback registry. Prints a markdown table of medians.
source "$(dirname "$0")/lib/common.sh"
bench_setup
n=100
/usr/bin/python3 "$BENCH_TOP/bench/lib/make-images.py" \
	"$BENCH_TOP/tests/fixtures/.out/images/oci/busybox" "$BENCH_WORK/many" "$n"
for ((i = 0; i < n; i++)); do
	skopeo copy -q --dest-tls-verify=false "oci:$BENCH_WORK/many/img$(printf %03d $i)" \
		"docker://$SELKIE_REGISTRY/bench/img$i:latest" >/dev/null
done
S=("$SELKIE" --root "$BENCH_WORK/s/r" --runroot "$BENCH_WORK/s/rr")
P=(podman --root "$BENCH_WORK/p/r" --runroot "$BENCH_WORK/p/rr")
for ((i = 0; i < n; i++)); do
	"${S[@]}" pull -q "$SELKIE_REGISTRY/bench/img$i" >/dev/null
	have_podman && "${P[@]}" pull -q --tls-verify=false "$SELKIE_REGISTRY/bench/img$i" >/dev/null
done

run_median() { # CMD...: median wall ms over BENCH_RUNS runs
	local t=() ms kb
	for ((r = 0; r < BENCH_RUNS; r++)); do
		measure ms kb "$@"
		t+=("$ms")
	done
	printf '%s\n' "${t[@]}" | median
}

echo "| operation ($n images) | selkie ms | podman ms |"
echo "|---|---|---|"
row() {
	local name=$1
	shift
	local s p="-"
	s=$(run_median "${S[@]}" "$@")
	have_podman && p=$(run_median "${P[@]}" "$@")
	echo "| $name | $s | $p |"
}
row "images" images
row "images --format json" images --format json
row "image inspect (1 image)" image inspect "$SELKIE_REGISTRY/bench/img7"
row "image inspect (all 100)" image inspect $(for ((i = 0; i < n; i++)); do
	printf '%s/bench/img%d ' "$SELKIE_REGISTRY" "$i"; done)
have_podman && "${P[@]}" rmi -af >/dev/null 2>&1 || true
