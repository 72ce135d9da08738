#!/bin/bash
# Cold pull of each fixture image from a loopback registry: selkie vs podman vs skopeo (to an
# OCI dir), median wall time of BENCH_RUNS runs, and selkie's peak RSS. Prints a markdown table.
source "$(dirname "$0")/lib/common.sh"
bench_setup
images=(busybox:latest httpd:latest layers:latest zstd:latest many:latest big:latest)
echo "| image | selkie ms | podman ms | skopeo ms | selkie peak RSS MiB | podman peak RSS MiB |"
echo "|---|---|---|---|---|---|"
for img in "${images[@]}"; do
	s_ms=() p_ms=() k_ms=() s_kb=() p_kb=()
	for ((i = 0; i < BENCH_RUNS; i++)); do
		root=$BENCH_WORK/s$i
		measure ms kb "$SELKIE" --root "$root/r" --runroot "$root/rr" pull -q \
			"$SELKIE_REGISTRY/$img"
		s_ms+=("$ms") s_kb+=("$kb")
		rm -rf "$root"
		if have_podman; then
			measure ms kb podman --root "$root/r" --runroot "$root/rr" pull -q \
				--tls-verify=false "$SELKIE_REGISTRY/$img"
			p_ms+=("$ms") p_kb+=("$kb")
			podman --root "$root/r" --runroot "$root/rr" rmi -af >/dev/null 2>&1 || true
			rm -rf "$root"
		fi
		mkdir -p "$root"
		measure ms kb skopeo copy -q --src-tls-verify=false "docker://$SELKIE_REGISTRY/$img" \
			"oci:$root/oci:x"
		k_ms+=("$ms")
		rm -rf "$root"
	done
	printf '| %s | %s | %s | %s | %s | %s |\n' "$img" \
		"$(printf '%s\n' "${s_ms[@]}" | median)" \
		"$(printf '%s\n' "${p_ms[@]}" | median)" \
		"$(printf '%s\n' "${k_ms[@]}" | median)" \
		"$(printf '%s\n' "${s_kb[@]}" | median | awk '{printf "%.1f", $1/1024}')" \
		"$(printf '%s\n' "${p_kb[@]}" | median | awk '{printf "%.1f", $1/1024}')"
done
