#!/bin/bash
# save and load of the 48 MB `big` image (docker-archive): selkie vs podman, median wall ms.
source "$(dirname "$0")/lib/common.sh"
bench_setup
img=$SELKIE_REGISTRY/big:latest
S=("$SELKIE" --root "$BENCH_WORK/s/r" --runroot "$BENCH_WORK/s/rr")
P=(podman --root "$BENCH_WORK/p/r" --runroot "$BENCH_WORK/p/rr")
"${S[@]}" pull -q "$img" >/dev/null
have_podman && "${P[@]}" pull -q --tls-verify=false "$img" >/dev/null

run_median() { # CMD...: median wall ms over BENCH_RUNS runs (each starts from the same state)
	local t=() ms kb
	for ((r = 0; r < BENCH_RUNS; r++)); do
		rm -f "$BENCH_WORK/out.tar"
		measure ms kb "$@"
		t+=("$ms")
	done
	printf '%s\n' "${t[@]}" | median
}

echo "| operation (48 MB image) | selkie ms | podman ms |"
echo "|---|---|---|"
s=$(run_median "${S[@]}" save -o "$BENCH_WORK/out.tar" "$img")
p="-"
have_podman && p=$(run_median "${P[@]}" save -o "$BENCH_WORK/out.tar" "$img")
echo "| save (docker-archive) | $s | $p |"
"${S[@]}" save -o "$BENCH_WORK/in.tar" "$img"
t=() u=()
for ((r = 0; r < BENCH_RUNS; r++)); do
	rm -rf "$BENCH_WORK/ls"
	measure ms kb "$SELKIE" --root "$BENCH_WORK/ls/r" --runroot "$BENCH_WORK/ls/rr" load -q \
		-i "$BENCH_WORK/in.tar"
	t+=("$ms")
	if have_podman; then
		podman --root "$BENCH_WORK/lp/r" --runroot "$BENCH_WORK/lp/rr" rmi -af >/dev/null 2>&1 || true
		measure ms kb podman --root "$BENCH_WORK/lp/r" --runroot "$BENCH_WORK/lp/rr" load -q \
			-i "$BENCH_WORK/in.tar"
		u+=("$ms")
	fi
done
have_podman && podman --root "$BENCH_WORK/lp/r" --runroot "$BENCH_WORK/lp/rr" rmi -af >/dev/null 2>&1 || true
echo "| load into an empty store | $(printf '%s\n' "${t[@]}" | median) | $(printf '%s\n' "${u[@]}" | median) |"
have_podman && "${P[@]}" rmi -af >/dev/null 2>&1 || true
