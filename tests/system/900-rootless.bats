#!/usr/bin/env bats
# Rootless selkie as the user sees it: the user namespace every command joins (`unshare`,
# `system migrate`, owners in the store), `info`, the default slirp4netns network and pasta with
# published ports, user-defined networks and pods in the rootless network namespace, limits
# without cgroups, fuse-overlayfs, and a user without subordinate IDs. Most tests run in the
# rootless pass (as an ordinary user); the single-mapping one needs root to make such a user.
# Ports used: 28600-28699.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	selkie_test_setup
	BUSYBOX=${SELKIE_REGISTRY:-}/busybox:latest
	HTTPD=${SELKIE_REGISTRY:-}/httpd:latest
}

pull_busybox() {
	require_registry
	run_selkie pull -q "$BUSYBOX"
}

# The first ID of this user's subordinate range in FILE (/etc/subuid or /etc/subgid).
subid_start() {
	awk -F: -v u="$(id -un)" -v n="$(id -u)" '$1 == u || $1 == n { print $2; exit }' "$1"
}

# http_get PORT PATH: the body from 127.0.0.1:PORT, retried for a moment while it starts.
http_get() {
	local i
	for i in $(seq 1 50); do
		if curl -sf --max-time 2 "http://127.0.0.1:$1$2"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

@test "rootless: info shows the user namespace's mappings and the native overlay" {
	require_rootless "the mappings of a user's namespace"
	run_selkie_stdout info --format '{{.Host.Rootless}} {{.Store.GraphDriverName}}'
	assert_equal "$output" "true overlay"
	run_selkie_stdout info --format json
	local uid_start
	uid_start=$(subid_start /etc/subuid)
	assert_equal "$(jq -r '.host.idMappings.uidmap[0] | "\(.container_id) \(.host_id) \(.size)"' <<<"$output")" "0 $(id -u) 1"
	assert_equal "$(jq -r '.host.idMappings.uidmap[1] | "\(.container_id) \(.host_id)"' <<<"$output")" "1 $uid_start"
	assert_equal "$(jq -r '.host.idMappings.gidmap[0].host_id' <<<"$output")" "$(id -g)"
	assert_equal "$(jq -r '.store.graphOptions | length' <<<"$output")" "0"
}

@test "rootless: unshare runs a command as root in the namespace every command shares" {
	require_rootless "the user's namespace"
	run_selkie_stdout unshare id -u
	assert_equal "$output" "0"
	run_selkie_stdout unshare sh -c 'echo "$CONTAINERS_GRAPHROOT $CONTAINERS_RUNROOT"'
	assert_equal "$output" "$SELKIE_TEST_ROOT $SELKIE_TEST_RUNROOT"
	# the exit code of the command is unshare's
	run_selkie 3 unshare sh -c 'exit 3'
	run_selkie 127 unshare /nonexistent/program
	assert_contains "$output" "/nonexistent/program"
	# one namespace, held by one process, for every command
	local a b holder
	a=$("$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" unshare readlink /proc/self/ns/user)
	b=$("$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" unshare readlink /proc/self/ns/user)
	assert_equal "$a" "$b"
	holder=$(cat "$XDG_RUNTIME_DIR/selkie/pause.pid")
	assert_equal "$(readlink "/proc/$holder/ns/user")" "$a"
	assert_not_contains "$a" "$(readlink /proc/self/ns/user)"
	# the working directory is kept
	cd "$BATS_TEST_TMPDIR"
	run_selkie_stdout unshare pwd
	assert_equal "$output" "$BATS_TEST_TMPDIR"
}

@test "rootless: files of other users in the store belong to the subordinate IDs" {
	require_rootless "owners seen through the user's mappings"
	pull_busybox
	run_selkie volume create owners
	run_selkie run --rm --net none -v owners:/data "$BUSYBOX" \
		sh -c 'touch /data/mine /data/theirs && chown 1000:1000 /data/theirs'
	local dir="$SELKIE_TEST_ROOT/volumes/owners/_data" uid_start gid_start
	uid_start=$(subid_start /etc/subuid)
	gid_start=$(subid_start /etc/subgid)
	# container root is the user; container 1000 is subordinate ID start+999
	assert_equal "$(stat -c '%u:%g' "$dir/mine")" "$(id -u):$(id -g)"
	assert_equal "$(stat -c '%u:%g' "$dir/theirs")" "$((uid_start + 999)):$((gid_start + 999))"
	# inside the namespace they are 0 and 1000 again
	run_selkie_stdout unshare stat -c '%u:%g' "$dir/mine" "$dir/theirs"
	assert_equal "${lines[0]}" "0:0"
	assert_equal "${lines[1]}" "1000:1000"
	# an image's files owned by someone else stay theirs in a container
	run_selkie pull -q "${SELKIE_REGISTRY}/layers:latest"
	run_selkie_stdout run --rm --net none "${SELKIE_REGISTRY}/layers:latest" stat -c '%u:%g' /data/owned.txt
	assert_equal "$output" "1000:1000"
}

@test "rootless: system migrate stops running containers and the namespace's holder" {
	require_rootless "the user's namespace holder"
	pull_busybox
	run_selkie run -d --name sleeper --net none "$BUSYBOX" sleep 1000
	local holder
	holder=$(cat "$XDG_RUNTIME_DIR/selkie/pause.pid")
	kill -0 "$holder"
	run_selkie system migrate
	wait_until 5 pid_gone "$holder"
	run_selkie_stdout inspect --format '{{.State.Status}}' sleeper
	assert_equal "$output" "exited"
	# the next command makes a new holder, and the container starts again in it
	run_selkie start sleeper
	local new
	new=$(cat "$XDG_RUNTIME_DIR/selkie/pause.pid")
	[[ $new != "$holder" ]]
	kill -0 "$new"
	run_selkie rm -f -t 0 sleeper
}

@test "rootless: image mount is refused outside unshare and works inside it" {
	require_rootless "mounts live in the user's mount namespace"
	pull_busybox
	run_selkie 125 image mount "$BUSYBOX"
	assert_contains "$output" 'cannot run command "selkie image mount" in rootless mode, must execute `selkie unshare` first'
	local sk="$SELKIE_BIN --root $SELKIE_TEST_ROOT --runroot $SELKIE_TEST_RUNROOT"
	run_selkie_stdout unshare sh -c "ls \"\$($sk image mount $BUSYBOX)/bin/busybox\" && $sk image unmount $BUSYBOX"
	assert_contains "$output" "/bin/busybox"
}

@test "rootless: the default network is slirp4netns, with published ports on the host" {
	require_rootless "the rootless default network"
	require_registry
	run_selkie pull -q "$HTTPD"
	run_selkie run -d --name web -p 28601:80 "$HTTPD"
	run_selkie_stdout inspect --format '{{.HostConfig.NetworkMode}}' web
	assert_equal "$output" "slirp4netns"
	run http_get 28601 /
	assert_equal "$status" "0"
	assert_contains "$output" "selkie"
	run_selkie_stdout port web
	assert_equal "$output" "80/tcp -> 0.0.0.0:28601"
	# the container's side: slirp4netns's tap address and DNS forwarder
	run_selkie_stdout exec web sh -c 'ip -4 -o addr show tap0; grep nameserver /etc/resolv.conf'
	assert_contains "${lines[0]}" "10.0.2.100/24"
	assert_equal "${lines[1]}" "nameserver 10.0.2.3"
	run_selkie rm -f -t 0 web
	# slirp4netns went with the container, and the port is free again
	wait_until 5 bash -c "! pgrep -u $(id -u) -f 'slirp4net[n]s.*$SELKIE_TEST_RUNROOT' >/dev/null"
	run curl -s --max-time 1 http://127.0.0.1:28601/
	[[ $status -ne 0 ]]
}

@test "rootless: slirp4netns options, and ports below 1024 are refused clearly" {
	require_rootless "unprivileged ports"
	pull_busybox
	run_selkie 125 run --rm --network slirp4netns:foo=1 "$BUSYBOX" true
	assert_contains "$output" 'unknown option for slirp4netns: "foo=1"'
	run_selkie 125 run --rm -p 80:80 "$BUSYBOX" true
	assert_contains "$output" "cannot expose privileged port 80"
	run_selkie_stdout ps -a -q
	assert_equal "$output" ""
	run_selkie_stdout run --rm --network slirp4netns:cidr=10.55.0.0/24,mtu=1500 "$BUSYBOX" \
		sh -c 'ip -4 -o addr show tap0; cat /sys/class/net/tap0/mtu'
	assert_contains "${lines[0]}" "10.55.0.100/24"
	assert_equal "${lines[1]}" "1500"
}

@test "rootless: pasta networking publishes ports too" {
	require_rootless "user-mode networking"
	command -v pasta >/dev/null || {
		echo "# pasta is not installed (package passt)" >&2
		return 1
	}
	require_registry
	run_selkie pull -q "$HTTPD"
	run_selkie run -d --name pweb --network pasta -p 28602:80 "$HTTPD"
	run http_get 28602 /
	assert_equal "$status" "0"
	assert_contains "$output" "selkie"
	run_selkie rm -f -t 0 pweb
	wait_until 5 bash -c "! pgrep -u $(id -u) -f 'past[a].*$SELKIE_TEST_RUNROOT' >/dev/null"
}

@test "rootless: user-defined networks live in the rootless network namespace, with DNS and ports" {
	require_rootless "the rootless network namespace"
	require_registry
	run_selkie pull -q "$HTTPD"
	run_selkie pull -q "$BUSYBOX"
	run_selkie network create rlnet
	run_selkie run -d --name srv --network rlnet -p 28603:80 "$HTTPD"
	# by name from another container on the network
	run_selkie_stdout run --rm --network rlnet "$BUSYBOX" wget -qO- http://srv/
	assert_contains "$output" "selkie"
	# and from the host through the published port
	run http_get 28603 /
	assert_equal "$status" "0"
	# nothing of it in the host's network namespace
	run ip -o link show
	assert_not_contains "$output" "$(jq -r '.plugins[0].bridge' "$SELKIE_TEST_ROOT/networks/rlnet.conflist" 2>/dev/null || echo rlnet-bridge)"
	[[ -e $SELKIE_TEST_RUNROOT/networks/rootless-netns ]]
	run_selkie rm -f -t 0 srv
	# the namespace and its slirp4netns go with the last container
	[[ ! -e $SELKIE_TEST_RUNROOT/networks/rootless-netns ]]
	wait_until 5 bash -c "! pgrep -u $(id -u) -f 'slirp4net[n]s.*$SELKIE_TEST_RUNROOT' >/dev/null"
}

@test "rootless: a pod shares one network namespace and publishes its ports" {
	require_rootless "pods as an ordinary user"
	require_registry
	run_selkie pull -q "$HTTPD"
	run_selkie pull -q "$BUSYBOX"
	run_selkie pod create --name rlpod -p 28604:80
	run_selkie run -d --pod rlpod --name podweb "$HTTPD"
	run http_get 28604 /
	assert_equal "$status" "0"
	# a second member reaches the first on localhost
	run_selkie_stdout run --rm --pod rlpod "$BUSYBOX" wget -qO- http://127.0.0.1:80/
	assert_contains "$output" "selkie"
	run_selkie pod rm -f -t 0 rlpod
}

@test "rootless: resource limits without delegated cgroups are ignored with podman's warning" {
	require_rootless "cgroups of an ordinary user"
	pull_busybox
	if [[ $(stat -f -c %T /sys/fs/cgroup) == cgroup2fs ]]; then
		echo "# cgroup v2 host: limits depend on systemd's delegation, not tested here" >&2
		return 1
	fi
	run_selkie run --rm --net none --memory 10m --pids-limit 50 "$BUSYBOX" echo ran
	assert_contains "$output" "Resource limits are not supported and ignored on cgroups V1 rootless systems"
	assert_contains "$output" "ran"
}

@test "rootless: fuse-overlayfs as the overlay mount program" {
	require_rootless "fuse-overlayfs in the user's namespace"
	pull_busybox
	local opt=--storage-opt=overlay.mount_program=/usr/bin/fuse-overlayfs
	run_selkie_stdout "$opt" run --rm --net none "$BUSYBOX" sh -c 'echo hi > /new; cat /new; grep -c " / fuse" /proc/mounts'
	assert_equal "${lines[0]}" "hi"
	assert_equal "${lines[1]}" "1"
	run_selkie_stdout "$opt" info --format json
	assert_equal "$(jq -r '.store.graphOptions["overlay.mount_program"].Executable' <<<"$output")" "/usr/bin/fuse-overlayfs"
	run_selkie 125 --storage-opt overlay.bogus=1 info
	assert_contains "$output" 'unknown storage option "overlay.bogus=1"'
}

@test "rootless: /dev/net/tun closed to users gives a clear error" {
	require_rootless "what an ordinary user can open"
	pull_busybox
	# A device this user can't open, in place of /dev/net/tun, seen only by selkie's own mount
	# namespace (where the commands run): a root-only file bound over it.
	run_selkie unshare mount --bind /etc/shadow /dev/net/tun
	run_selkie 125 run --rm "$BUSYBOX" true
	local out=$output
	run_selkie unshare umount /dev/net/tun
	assert_contains "$out" "cannot open /dev/net/tun: permission denied: rootless networking (slirp4netns, pasta) needs it usable by users"
	run_selkie_stdout ps -a -q
	assert_equal "$output" ""
}

@test "single mapping: a user without subordinate IDs runs containers and is told what fails" {
	require_root "making a user without subordinate IDs"
	require_registry
	local user=selkie-nosubid home bin
	getent passwd "$user" >/dev/null || useradd --create-home --shell /bin/bash "$user"
	sed -i "/^$user:/d" /etc/subuid /etc/subgid
	home=$(getent passwd "$user" | cut -d: -f6)
	local run_dir=/tmp/selkie-nosubid-$$
	install -d -m 0700 -o "$user" "$run_dir" "$run_dir/xdg"
	# the binary where the user can reach it (the checkout and the test's directory may be
	# closed to others)
	bin=$run_dir/bin
	install -d -m 0755 "$bin"
	install -m 0755 "$SELKIE_BIN" "$bin/selkie"
	[[ ! -e $(dirname "$SELKIE_BIN")/../pause/selkie-pause ]] ||
		install -m 0755 "$(dirname "$SELKIE_BIN")/../pause/selkie-pause" "$bin/selkie-pause"
	as_nosubid() {
		runuser -u "$user" -- env -i HOME="$home" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			XDG_RUNTIME_DIR="$run_dir/xdg" "$bin/selkie" --root "$run_dir/root" \
			--runroot "$run_dir/run" "$@"
	}
	run as_nosubid info --format json
	local rc=$status out=$output
	# a root-owned tree (the fixture images have a uid 1000 home): import works, and runs
	local tree=$run_dir/tree
	install -d -m 0755 "$tree/bin"
	cp /bin/busybox "$tree/bin/busybox"
	ln -s busybox "$tree/bin/sh"
	ln -s busybox "$tree/bin/cat"
	ln -s busybox "$tree/bin/id"
	tar -C "$tree" --owner=0 --group=0 -cf "$run_dir/tree.tar" .
	chmod 0644 "$run_dir/tree.tar"
	run as_nosubid import "$run_dir/tree.tar" localhost/rootonly
	local pull_rc=$status pull_out=$output
	run as_nosubid run --rm --net none localhost/rootonly sh -c 'id -u; cat /proc/self/uid_map'
	local run_rc=$status run_out=$output
	run as_nosubid pull -q --tls-verify=false "${SELKIE_REGISTRY}/layers:latest"
	local layers_rc=$status layers_out=$output
	as_nosubid rm -af -t 0 >/dev/null 2>&1 || true
	as_nosubid system migrate >/dev/null 2>&1 || true
	runuser -u "$user" -- env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$run_dir/xdg" \
		"$bin/selkie" --root "$run_dir/root" --runroot "$run_dir/run" unshare rm -rf "$run_dir/root" "$run_dir/run" 2>/dev/null || true
	as_nosubid system migrate >/dev/null 2>&1 || true
	rm -rf "$run_dir"
	assert_equal "$rc" "0"
	assert_contains "$out" 'no subordinate UIDs for user "selkie-nosubid" in /etc/subuid'
	assert_contains "$out" "usermod --add-subuids"
	assert_contains "$out" '"size": 1'
	assert_equal "$pull_rc" "0" || { echo "# $pull_out" >&2; false; }
	assert_equal "$run_rc" "0" || { echo "# $run_out" >&2; false; }
	assert_contains "$run_out" "0"
	# an image with files of uid 1000 can't be unpacked into a single mapping: said clearly
	[[ $layers_rc -ne 0 ]]
	assert_contains "$layers_out" "1000"
	assert_contains "$layers_out" "subordinate"
}
