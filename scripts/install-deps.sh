#!/bin/bash
# Install every Debian package selkie needs to build, test and run (idempotent).
set -euo pipefail
packages=(
	# build
	meson ninja-build pkg-config gcc clang-format
	libcurl4-openssl-dev libssl-dev libarchive-dev libjansson-dev libsqlite3-dev
	libyaml-dev libmicrohttpd-dev libcmocka-dev
	# test tools and fixtures
	bats jq sqlite3 curl openssl zstd python3 apache2-utils
	docker-registry skopeo busybox-static
	# runtime programs
	crun runc containernetworking-plugins iptables uidmap
	# rootless: user-mode networking and the overlay fallback
	passt fuse-overlayfs slirp4netns
	# the reference implementation: interoperability tests and benchmarks compare with it
	podman
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
	sudo_cmd=()
	[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
	"${sudo_cmd[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi
