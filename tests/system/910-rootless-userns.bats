#!/usr/bin/env bats
# User namespaces of containers: --userns=keep-id, nomap, auto, container:, --uidmap/--gidmap,
# --subuidname/--subgidname, pod create --userns. As an ordinary user (the rootless pass) the
# mappings' host IDs are those of selkie's user namespace (0: the user, 1..N: subordinate);
# as root they are the host's. What podman 4.3 shows: `id` and /proc/self/uid_map inside, the
# owners of files written to a bind mount, image files still root's inside, inspect's
# HostConfig.UsernsMode and IDMappings, its errors, and no container left by a bad flag.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	selkie_test_setup
	BUSYBOX=${SELKIE_REGISTRY:-}/busybox:latest
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$BUSYBOX"
	fi
}

# uid_map: /proc/self/uid_map (or gid_map with "gid") inside a container run with the given
# flags, one "inside outside count" range a line.
uid_map() {
	local which=uid_map
	if [[ $1 == gid ]]; then
		which=gid_map
		shift
	fi
	run_selkie run --rm --net=none "$@" "$BUSYBOX" cat "/proc/self/$which"
	awk '{ print $1, $2, $3 }' <<<"$output"
}

# ns_ids: how many IDs selkie's rootless user namespace maps (the user and subordinate IDs).
ns_ids() {
	in_userns cat /proc/self/uid_map | awk '{ n += $3 } END { print n }'
}

# selkie_create FLAGS...: create a busybox container with FLAGS, print its ID.
selkie_create() {
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" create "$@" \
		"$BUSYBOX" true
}

# no_containers: a failed create left nothing behind.
no_containers() {
	run_selkie ps -aq
	assert_equal "$output" ""
}

@test "keep-id runs as the user, with their name, group and passwd entry; root refuses it" {
	require_registry
	if ! is_rootless; then
		run_selkie 125 run --rm --userns=keep-id "$BUSYBOX" true
		assert_equal "$output" "Error: keep-id is only supported in rootless mode"
		run_selkie 125 run --rm --userns=nomap "$BUSYBOX" true
		assert_equal "$output" "Error: nomap is only supported in rootless mode"
		no_containers
		return 0
	fi
	local uid gid user group
	uid=$(id -u) gid=$(id -g) user=$(id -un) group=$(id -gn)
	run_selkie run --rm --userns=keep-id "$BUSYBOX" id
	assert_equal "$output" "uid=$uid($user) gid=$gid($group) groups=$gid($group)"
	run_selkie run --rm --userns=keep-id "$BUSYBOX" sh -c \
		"grep '^$user:' /etc/passwd; grep '^$group:' /etc/group; echo \$HOME"
	assert_equal "$output" "$user:*:$uid:$gid:$(getent passwd "$user" | cut -d: -f5):/:/bin/sh
$group:x:$gid:$user
/"
	# The working directory stands for a home that is not mounted.
	run_selkie run --rm --userns=keep-id -w /tmp "$BUSYBOX" sh -c 'echo $HOME; pwd'
	assert_equal "$output" "/tmp
/tmp"
	# --user still wins; the user's group stays a supplementary one.
	run_selkie run --rm --userns=keep-id -u 0 "$BUSYBOX" id
	assert_equal "$output" "uid=0(root) gid=0(root) groups=$gid($group),0(root)"
	# keep-id:uid=,gid= maps those IDs instead, with podman's "container user" entry.
	run_selkie run --rm --userns=keep-id:uid=500,gid=600 "$BUSYBOX" sh -c \
		'id; grep "^500:" /etc/passwd; grep "^600:" /etc/group'
	assert_equal "$output" "uid=500(500) gid=600(600) groups=600(600)
500:*:500:600:container user:/:/bin/sh
600:x:600:500"
	run_selkie inspect --format '{{.Config.User}} {{.HostConfig.UsernsMode}}' \
		"$(selkie_create --userns=keep-id)"
	assert_equal "$output" "$uid:$gid private"
}

@test "a keep-id container's files in a bind mount are the user's; the image's stay root's" {
	require_registry
	local dir=$BATS_TEST_TMPDIR/shared
	mkdir -p "$dir"
	if is_rootless; then
		run_selkie run --rm --userns=keep-id -v "$dir:/m" "$BUSYBOX" sh -c \
			'touch /m/file && stat -c "%u:%g" /m/file /bin /etc/passwd /'
		assert_equal "$output" "$(id -u):$(id -g)
0:0
0:0
0:0"
		assert_equal "$(stat -c %u:%g "$dir/file")" "$(id -u):$(id -g)"
		# Root inside is the first subordinate ID outside (1 in selkie's namespace).
		run_selkie run --rm --userns=keep-id -u 0 -v "$dir:/m" "$BUSYBOX" touch /m/root
		assert_equal "$(in_userns stat -c %u:%g "$dir/root")" "1:1"
		return 0
	fi
	# Rootful, the same with a mapping of root's own: root inside is 100000 outside.
	chmod 0777 "$dir"
	run_selkie run --rm --uidmap 0:100000:65536 -v "$dir:/m" "$BUSYBOX" sh -c \
		'touch /m/file && stat -c "%u:%g" /m/file /bin /etc/passwd /'
	assert_equal "$output" "0:0
0:0
0:0
0:0"
	assert_equal "$(stat -c %u:%g "$dir/file")" "100000:100000"
}

@test "uid_map inside shows each mode's mapping" {
	require_registry
	if is_rootless; then
		local n uid
		n=$(ns_ids) uid=$(id -u)
		# host: selkie's own namespace, the user as root
		assert_equal "$(uid_map --userns=host | head -1)" "0 $uid 1"
		assert_equal "$(uid_map --userns=keep-id)" "0 1 $uid
$uid 0 1
$((uid + 1)) $((uid + 1)) $((n - 1 - uid))"
		assert_equal "$(uid_map --userns=nomap)" "0 1 $((n - 1))"
		assert_equal "$(uid_map --userns=auto)" "0 1 1024"
		assert_equal "$(uid_map --userns=auto:size=2000)" "0 1 2000"
		assert_equal "$(uid_map --uidmap 0:1:1000)" "0 1 1000"
		assert_equal "$(uid_map gid --uidmap 0:1:1000)" "0 1 1000"
		assert_equal "$(uid_map gid --uidmap 0:1:1000 --gidmap 0:2000:500)" "0 2000 500"
		assert_equal "$(uid_map --uidmap 0:0:1 --uidmap 1:1:100)" "0 0 1
1 1 100"
		return 0
	fi
	assert_equal "$(uid_map --uidmap 0:100000:65536)" "0 100000 65536"
	assert_equal "$(uid_map gid --uidmap 0:100000:65536)" "0 100000 65536"
	assert_equal "$(uid_map gid --uidmap 0:100000:65536 --gidmap 0:200000:1000)" \
		"0 200000 1000"
	assert_equal "$(uid_map --uidmap 0:0:1 --uidmap 1:100000:65536)" "0 0 1
1 100000 65536"
	# /dev/pts's gid=5 is dropped when the namespace has no group 5.
	run_selkie run --rm --uidmap 0:100000:1 "$BUSYBOX" id
	assert_equal "$output" "uid=0(root) gid=0(root)"
}

@test "inspect shows UsernsMode and IDMappings as podman does" {
	require_registry
	local id host=100000
	is_rootless && host=1
	id=$(selkie_create --uidmap "0:$host:1000" --gidmap "0:$host:500")
	run_selkie inspect --format '{{.HostConfig.UsernsMode}} {{json .HostConfig.IDMappings}}' "$id"
	assert_equal "$output" "private {\"UidMap\":[\"0:$host:1000\"],\"GidMap\":[\"0:$host:500\"]}"
	# one list stands for the other; a comma list is several ranges
	id=$(selkie_create --uidmap "0:$host:10,20:$((host + 20)):5")
	run_selkie inspect --format '{{json .HostConfig.IDMappings.GidMap}}' "$id"
	assert_equal "$output" "[\"0:$host:10\",\"20:$((host + 20)):5\"]"
	id=$(selkie_create)
	run_selkie inspect --format '{{json .HostConfig.UsernsMode}}' "$id"
	assert_equal "$output" '""'
	if is_rootless; then
		local uid
		uid=$(id -u)
		id=$(selkie_create --userns=keep-id)
		run_selkie inspect --format '{{json .HostConfig.IDMappings.UidMap}}' "$id"
		assert_equal "$output" "[\"0:1:$uid\",\"$uid:0:1\",\"$((uid + 1)):$((uid + 1)):$(($(ns_ids) - 1 - uid))\"]"
	fi
}

@test "bad --userns and --uidmap values give podman's errors and leave no container" {
	require_registry
	local -a cases=(
		"--userns=bogus|unrecognized namespace mode bogus passed"
		"--userns=nomap:x|unrecognized namespace mode nomap:x passed"
		"--userns=private|must provide at least one UID or GID mapping to configure a user namespace"
		"--userns=auto:size=abc|strconv.ParseUint: parsing \"abc\": invalid syntax"
		"--userns=auto:foo|invalid option specified: \"foo\""
		"--uidmap=0:1|initializing ID mappings: UID setting is malformed expected [\"uint32:uint32:uint32\"]: [\"0:1\"]"
		"--gidmap=x|initializing ID mappings: GID setting is malformed expected [\"uint32:uint32:uint32\"]: [\"x\"]"
		"--uidmap=-1:1:10|initializing ID mappings: UID setting is malformed expected [\"uint32:uint32:uint32\"]: [\"-1:1:10\"]"
		"--subuidname=selkie-nosuch-user|no subuid ranges found for user \"selkie-nosuch-user\" in /etc/subuid"
		"--subgidname=selkie-nosuch-user|no subuid ranges found for user \"selkie-nosuch-user\" in /etc/subuid"
		"--userns=container:nosuch|looking up container to share user namespace with: no container with name or ID \"nosuch\" found: no such container"
	)
	if is_rootless; then
		cases+=(
			"--userns=keep-id:foo=1|unknown option specified: \"foo\""
			"--userns=keep-id:uid|invalid option specified: \"uid\""
			"--userns=keep-id:uid=abc|strconv.ParseUint: parsing \"abc\": invalid syntax"
		)
	fi
	local c flags msg
	for c in "${cases[@]}"; do
		flags=${c%%|*} msg=${c#*|}
		run_selkie 125 create "$flags" "$BUSYBOX" true
		assert_equal "$output" "Error: $msg"
	done
	run_selkie 125 create --userns=keep-id --uidmap 0:1:100 "$BUSYBOX" true
	assert_equal "$output" \
		"Error: --userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive"
	run_selkie 125 create --userns=host --gidmap 0:1:100 "$BUSYBOX" true
	assert_contains "$output" "are mutually exclusive"
	run_selkie 125 create --uidmap 0:1:1000 --uidmap 500:2000:10 "$BUSYBOX" true
	assert_equal "$output" "Error: creating container storage: the specified UID and/or GID mapping 500:2000:10 conflicts with other mappings: invalid mappings specified"
	run_selkie 125 run --rm --uidmap 0:1:10 --uidmap 100:5:10 "$BUSYBOX" true
	assert_contains "$output" "mapping 100:5:10 conflicts with other mappings"
	if is_rootless; then
		# beyond selkie's user namespace
		run_selkie 125 create --uidmap "0:1:$(($(ns_ids) + 10))" "$BUSYBOX" true
		assert_contains "$output" "potentially insufficient UIDs or GIDs available in user namespace"
	fi
	no_containers
	# A user the mapping lacks: refused when the container starts (podman's words, 126).
	local host=100000
	is_rootless && host=1
	run_selkie 126 run --rm --uidmap "0:$host:1000" -u 2000 "$BUSYBOX" true
	assert_equal "$output" "Error: container uses ID mappings ([]specs.LinuxIDMapping{specs.LinuxIDMapping{ContainerID:0x0, HostID:$(printf '0x%x' $host), Size:0x3e8}}), but doesn't map UID 2000"
}

@test "--userns=auto takes IDs no other container's mapping uses" {
	require_registry
	if ! is_rootless && ! grep -q '^containers:' /etc/subuid 2>/dev/null; then
		run_selkie 125 create --userns=auto "$BUSYBOX" true
		assert_equal "$output" "Error: creating container storage: could not find enough available IDs: no subuid ranges found for user \"containers\" in /etc/subuid"
		no_containers
		return 0
	fi
	local a b c
	a=$(selkie_create --userns=auto)
	b=$(selkie_create --userns=auto:size=500)
	c=$(selkie_create --userns=auto)
	run_selkie inspect --format '{{json .HostConfig.IDMappings.UidMap}}' "$a" "$b" "$c"
	local first second third
	first=$(sed -n 1p <<<"$output" | tr -d '[]"') second=$(sed -n 2p <<<"$output" | tr -d '[]"')
	third=$(sed -n 3p <<<"$output" | tr -d '[]"')
	local h1=${first#0:} h2=${second#0:} h3=${third#0:}
	assert_equal "${h1#*:}" 1024
	assert_equal "${h2#*:}" 500
	assert_equal "${h2%:*}" $((${h1%:*} + 1024))
	assert_equal "${h3%:*}" $((${h2%:*} + 500))
	if is_rootless; then
		# keep-id's mapping takes every ID: nothing is left for auto
		selkie_create --userns=keep-id >/dev/null
		run_selkie 125 create --userns=auto "$BUSYBOX" true
		assert_equal "$output" "Error: creating container storage: could not find enough available IDs"
	fi
}

@test "pod create --userns: the pod's containers share the infra container's user namespace" {
	require_registry
	local mode=keep-id
	if ! is_rootless; then
		run_selkie 125 pod create --userns=keep-id
		assert_equal "$output" "Error: keep-id is only supported in rootless mode"
		mode=auto:size=100
		grep -q '^containers:' /etc/subuid 2>/dev/null || return 0
	fi
	run_selkie pod create --name p1 --userns="$mode"
	run_selkie pod inspect --format '{{.InfraConfig.userns}}' p1
	assert_equal "$output" "private"
	run_selkie run --rm --pod p1 "$BUSYBOX" cat /proc/self/uid_map
	local inside=$output
	run_selkie run -d --name member --pod p1 "$BUSYBOX" sleep 100
	run_selkie inspect --format '{{.HostConfig.UsernsMode}}' member
	assert_match "$output" '^container:[0-9a-f]{64}$'
	run_selkie exec member cat /proc/self/uid_map
	assert_equal "$output" "$inside"
	run_selkie exec member stat -c %u /bin
	assert_equal "$output" "0"
	run_selkie 125 create --pod p1 --userns=nomap "$BUSYBOX" true
	assert_equal "$output" "Error: --userns and --pod cannot be set together"
	run_selkie 125 create --pod p1 --uidmap 0:1:10 "$BUSYBOX" true
	assert_equal "$output" "Error: cannot specify a new uid/gid map when entering a pod with an infra container: invalid argument"
	run_selkie pod rm -f -t 0 p1
}

@test "commit and export show a user-namespaced container's files with the owners it sees" {
	require_registry
	local host=100000 flags
	is_rootless && host=1
	flags=(--uidmap "0:$host:65536")
	is_rootless && flags=(--userns=keep-id)
	run_selkie run --name c1 "${flags[@]}" -u 0 "$BUSYBOX" sh -c \
		'touch /rootfile; mkdir /home/u; chown 1234:5678 /home/u'
	run_selkie commit -q c1 localhost/shifted
	run_selkie run --rm localhost/shifted stat -c %u:%g /rootfile /home/u /bin
	assert_equal "$output" "0:0
1234:5678
0:0"
	run bash -c "'$SELKIE_BIN' --root '$SELKIE_TEST_ROOT' --runroot '$SELKIE_TEST_RUNROOT' \
		export c1 | tar -tvf - rootfile home/u | awk '{ print \$2, \$6 }'"
	# (the tar's entries sorted by name)
	assert_equal "$output" "1234/5678 home/u/
0/0 rootfile"
}

@test "the ID-shifted image copy is shared and goes with the last container using it" {
	require_registry
	local host=100000
	is_rootless && host=1
	run_selkie create --name a --uidmap "0:$host:65536" "$BUSYBOX" true
	run_selkie create --name b --uidmap "0:$host:65536" "$BUSYBOX" true
	run_selkie start -a a
	run_selkie start -a b
	assert_equal "$(find "$SELKIE_TEST_ROOT/idmap" -mindepth 1 -maxdepth 1 | wc -l)" 1
	run_selkie rm a
	assert_equal "$(find "$SELKIE_TEST_ROOT/idmap" -mindepth 1 -maxdepth 1 | wc -l)" 1
	run_selkie rm b
	assert_equal "$(find "$SELKIE_TEST_ROOT/idmap" -mindepth 1 -maxdepth 1 | wc -l)" 0
}
