#!/bin/bash
# Prepare this machine for selkie's rootless test pass, as an administrator would (run as root;
# idempotent):
#
#   setup-rootless-user.sh [USER]
#       the unprivileged user USER (default selkie-test) with a home, subordinate UID and GID
#       ranges in /etc/subuid and /etc/subgid, and the devices rootless containers need
#       (/dev/net/tun for slirp4netns/pasta, /dev/fuse for fuse-overlayfs) open to users.
#
#   setup-rootless-user.sh USER --stage DIR SELKIE_BIN FIXTURE_OUT
#       the above, then a copy of what the suite needs, readable by USER, in DIR (made anew):
#         DIR/bin/selkie, DIR/bin/selkie-pause      the binary under test and the infra binary
#                                                    (found next to selkie, as selkie finds it)
#         DIR/tests/system, DIR/tests/fixtures      the bats files and the fixture scripts
#         DIR/fixtures/images, DIR/fixtures/bad     build-images.sh's and make-bad-tars.sh's
#                                                    output (from FIXTURE_OUT), owned by USER
#         DIR/t, DIR/registry                       empty, owned by USER (TMPDIR, registries)
#
# Why a copy rather than opening up the checkout: CI checks the repository out somewhere we do
# not know (under /root, mode 0700, say), and making every parent directory of it traversable
# would change the machine for good. A copy under /tmp works wherever the checkout is, is one
# code path whatever the checkout's permissions, leaves the fixture cache of the root passes
# untouched (the user's pushes write logs next to the images, and tests corrupt the registry's
# blobs on purpose), and is cheap (~60 MB, under a second). The caller removes DIR afterwards.
set -euo pipefail

die() {
	echo "setup-rootless-user: $*" >&2
	exit 1
}

[[ $(id -u) -eq 0 ]] || die "must run as root"
user=${1:-selkie-test}
[[ $user =~ ^[a-z_][a-z0-9_-]*$ ]] || die "invalid user name '$user'"

# ---- the user ------------------------------------------------------------------------------
if ! getent passwd "$user" >/dev/null; then
	useradd --create-home --user-group --shell /bin/bash "$user"
fi
home=$(getent passwd "$user" | cut -d: -f6)
uid=$(id -u "$user")
gid=$(id -g "$user")
if [[ ! -d $home ]]; then
	mkdir -p "$home"
	chown "$uid:$gid" "$home"
	chmod 0750 "$home"
fi

# add_subids FILE: give the user 65536 subordinate IDs in FILE unless it has some (by name or
# by number, as shadow's tools accept both): from 200000, or above every range already there.
add_subids() {
	local file=$1 start
	touch "$file"
	if awk -F: -v u="$user" -v n="$uid" '$1 == u || $1 == n { found = 1 } END { exit !found }' \
		"$file"; then
		return 0
	fi
	start=$(awk -F: 'NF >= 3 && $2 + $3 > max { max = $2 + $3 }
		END { m = max > 200000 ? max : 200000; print m }' "$file")
	echo "$user:$start:65536" >>"$file"
}
add_subids /etc/subuid
add_subids /etc/subgid

# ---- what rootless containers need from the host ---------------------------------------------
# The host has no udev: /dev/net/tun is 0600, so slirp4netns and pasta cannot open it for an
# ordinary user (HOST-NOTES.md). A distribution's udev rules make it 0666; so do we.
if [[ ! -e /dev/net/tun ]]; then
	mkdir -p /dev/net
	mknod -m 0666 /dev/net/tun c 10 200
fi
chmod 0666 /dev/net/tun
# fuse-overlayfs (the fallback when the kernel refuses overlay in a user namespace) opens
# /dev/fuse; udev would make it 0666 too.
if [[ -c /dev/fuse ]]; then
	chmod 0666 /dev/fuse
fi
# User namespaces for unprivileged users: on by default on Debian 12, but a machine may have
# turned them off.
if [[ -w /proc/sys/kernel/unprivileged_userns_clone &&
	$(cat /proc/sys/kernel/unprivileged_userns_clone) == 0 ]]; then
	echo 1 >/proc/sys/kernel/unprivileged_userns_clone
fi
if [[ $(cat /proc/sys/user/max_user_namespaces) -lt 1000 ]]; then
	echo 15000 >/proc/sys/user/max_user_namespaces
fi
for tool in newuidmap newgidmap; do
	command -v "$tool" >/dev/null || die "$tool not found (apt-get install uidmap)"
done

[[ ${2:-} == --stage ]] || exit 0

# ---- the copy the tests run from ---------------------------------------------------------------
(($# == 5)) || die "usage: setup-rootless-user.sh USER --stage DIR SELKIE_BIN FIXTURE_OUT"
stage=$3 bin=$4 fixtures=$5
top=$(cd "$(dirname "$0")/.." && pwd)
[[ -x $bin ]] || die "$bin: not an executable"
[[ -d $fixtures/images && -d $fixtures/bad ]] ||
	die "$fixtures: no images/ and bad/ (run build-images.sh and make-bad-tars.sh first)"
# selkie looks for selkie-pause next to itself, then at ../pause/ (the build tree).
pause=
for p in "$(dirname "$bin")/selkie-pause" "$(dirname "$bin")/../pause/selkie-pause"; do
	if [[ -x $p ]]; then
		pause=$p
		break
	fi
done
[[ -n $pause ]] || die "selkie-pause not found next to $bin"

rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/tests" "$stage/fixtures" "$stage/t" "$stage/registry"
cp "$bin" "$stage/bin/selkie"
cp "$pause" "$stage/bin/selkie-pause"
# the bats files and helpers, the fixture scripts (not their output cache .out)
tar -C "$top/tests" --exclude=.out -cf - system fixtures | tar -C "$stage/tests" -xf -
cp -r "$fixtures/images" "$fixtures/bad" "$stage/fixtures/"
chmod -R a+rX,go-w "$stage"
chmod 0755 "$stage"
chown -R "$uid:$gid" "$stage/fixtures" "$stage/t" "$stage/registry"
# Every directory above DIR must be traversable (a mktemp -d under /tmp is).
d=$stage
while [[ $d != / ]]; do
	d=$(dirname "$d")
	if ! setpriv --reuid "$uid" --regid "$gid" --clear-groups test -x "$d"; then
		die "$user cannot reach $stage: $d is not searchable"
	fi
done
