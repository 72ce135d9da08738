#!/usr/bin/env bats
# selkie cp: both directions, running and stopped containers, tar streams on stdin/stdout,
# docker's rules for "/", "/." and missing destinations, symlinks resolved inside the
# container (never escaping it), owners, and podman's words for errors.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	selkie_test_setup
	BUSYBOX=${SELKIE_REGISTRY:-}/busybox:latest
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$BUSYBOX"
	fi
	HOSTDIR=$BATS_TEST_TMPDIR/host
	mkdir -p "$HOSTDIR"
}

# ctr_cat CONTAINER PATH: a file's content out of a container, through a tar on stdout.
ctr_cat() {
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		cp "$1:$2" - | tar -xOf -
}

# ctr_tar_list CONTAINER PATH: "mode owner name" of every entry cp streams out.
ctr_tar_list() {
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		cp "$1:$2" - | tar -tvf - --numeric-owner | awk '{ print $1, $2, $6 }'
}

@test "cp copies files out of and into a stopped container, and the copy stays in it" {
	require_registry
	run_selkie create --name c1 "$BUSYBOX" cat /tmp/hello.txt
	run_selkie cp c1:/etc/passwd "$HOSTDIR/passwd"
	assert_equal "$output" ""
	assert_equal "$(head -1 "$HOSTDIR/passwd")" "root:x:0:0:root:/root:/bin/sh"
	echo "hello from the host" >"$HOSTDIR/hello.txt"
	run_selkie cp "$HOSTDIR/hello.txt" c1:/tmp/
	assert_equal "$output" ""
	# The container's root file system was mounted for the copy only.
	run grep -c "$SELKIE_TEST_ROOT/containers" "$(selkie_mountinfo)"
	assert_equal "$output" "0"
	# The file landed in the writable layer: the container sees it when it runs.
	run_selkie start -a c1
	assert_equal "$output" "hello from the host"
	run_selkie cp c1:/tmp/hello.txt "$HOSTDIR/back.txt"
	assert_equal "$(cat "$HOSTDIR/back.txt")" "hello from the host"
	# `container cp` is the same command.
	run_selkie container cp c1:/etc/group "$HOSTDIR/group"
	[[ -s $HOSTDIR/group ]]
	# From one container to another (or to itself).
	run_selkie create --name c2 "$BUSYBOX" true
	run_selkie cp c1:/tmp/hello.txt c2:/hello.txt
	run_selkie cp c2:/hello.txt c2:/tmp/again.txt
	run_selkie cp c2:/tmp/again.txt "$HOSTDIR/again.txt"
	assert_equal "$(cat "$HOSTDIR/again.txt")" "hello from the host"
}

@test "cp copies into and out of a running container, its volumes included" {
	require_registry
	run_selkie run -d --name r1 -v vol1:/data "$BUSYBOX" sleep 1000
	echo "into the running container" >"$HOSTDIR/f"
	run_selkie cp "$HOSTDIR/f" r1:/tmp/f
	run_selkie exec r1 cat /tmp/f
	assert_equal "$output" "into the running container"
	run_selkie cp "$HOSTDIR/f" r1:/data/
	run_selkie exec r1 cat /data/f
	assert_equal "$output" "into the running container"
	run_selkie exec r1 sh -c 'echo made inside > /data/inside'
	run_selkie cp r1:/data/inside "$HOSTDIR/inside"
	assert_equal "$(cat "$HOSTDIR/inside")" "made inside"
	# A relative container path starts at the container's working directory.
	run_selkie exec r1 sh -c 'echo rel > /rel.txt'
	run_selkie cp r1:rel.txt "$HOSTDIR/rel.txt"
	assert_equal "$(cat "$HOSTDIR/rel.txt")" "rel"
}

@test "cp follows docker's rules for directories, '/.' and missing destinations" {
	require_registry
	run_selkie create --name c1 "$BUSYBOX" true
	# a directory into an existing directory goes in under its name
	mkdir "$HOSTDIR/into"
	run_selkie cp c1:/etc "$HOSTDIR/into"
	[[ -f $HOSTDIR/into/etc/passwd ]]
	# "dir/." copies the content only
	mkdir "$HOSTDIR/content"
	run_selkie cp c1:/etc/. "$HOSTDIR/content"
	[[ -f $HOSTDIR/content/passwd && ! -e $HOSTDIR/content/etc ]]
	# a missing destination is created with the directory's content
	run_selkie cp c1:/etc "$HOSTDIR/new"
	[[ -f $HOSTDIR/new/passwd ]]
	# a file onto an existing file replaces it; into a directory keeps its name
	echo old >"$HOSTDIR/file"
	run_selkie cp c1:/etc/group "$HOSTDIR/file"
	assert_equal "$(cat "$HOSTDIR/file")" "$(cat "$HOSTDIR/new/group")"
	run_selkie cp c1:/etc/group "$HOSTDIR/into/"
	[[ -f $HOSTDIR/into/group ]]
	# errors, in podman's words
	run_selkie 125 cp c1:/etc "$HOSTDIR/file"
	assert_equal "$output" "Error: destination must be a directory when copying a directory"
	run_selkie 125 cp c1:/etc/passwd "$HOSTDIR/missing/"
	assert_equal "$output" \
		"Error: \"$HOSTDIR/missing/\" could not be found on the host: no such file or directory"
	run_selkie 125 cp c1:/etc/passwd "$HOSTDIR/nodir/x"
	assert_equal "$output" \
		"Error: \"$HOSTDIR/nodir/x\" could not be found on the host: no such file or directory"
	run_selkie 125 cp c1:/etc/passwd/ "$HOSTDIR/x"
	assert_equal "$output" \
		"Error: \"/etc/passwd/\" could not be found on container c1: not a directory"

	# The same rules into the container.
	mkdir -p "$HOSTDIR/tree/sub"
	echo a >"$HOSTDIR/tree/sub/a"
	run_selkie cp "$HOSTDIR/tree" c1:/tmp
	run_selkie cp "$HOSTDIR/tree/." c1:/tmp/flat
	run_selkie cp "$HOSTDIR/tree" c1:/tmp/renamed
	run ctr_tar_list c1 /tmp
	assert_contains "$output" "tmp/tree/sub/a"
	assert_contains "$output" "tmp/flat/sub/a"
	assert_contains "$output" "tmp/renamed/sub/a"
	run_selkie 125 cp "$HOSTDIR/file" c1:/tmp/nodir/
	assert_equal "$output" \
		"Error: \"/tmp/nodir/\" could not be found on container c1: no such file or directory"
	run_selkie 125 cp "$HOSTDIR/tree" c1:/etc/passwd
	assert_equal "$output" "Error: destination must be a directory when copying a directory"
}

@test "cp of something that does not exist fails with podman's message" {
	require_registry
	run_selkie create --name c1 "$BUSYBOX" true
	run_selkie 125 cp c1:/nonexist "$HOSTDIR/x"
	assert_equal "$output" \
		"Error: \"/nonexist\" could not be found on container c1: no such file or directory"
	run_selkie 125 cp /nonexist c1:/tmp
	assert_equal "$output" \
		"Error: \"/nonexist\" could not be found on the host: no such file or directory"
	run_selkie 125 cp nosuchctr:/etc/passwd "$HOSTDIR/x"
	assert_equal "$output" "Error: container \"nosuchctr\" does not exist"
	run_selkie 125 cp "$HOSTDIR" "$HOSTDIR/x"
	assert_equal "$output" "Error: name or ID cannot be empty"
	run_selkie 125 cp c1: "$HOSTDIR/x"
	assert_equal "$output" "Error: invalid arguments \"c1:\", \"$HOSTDIR/x\": you must specify paths"
	[[ ! -e $HOSTDIR/x ]]
}

@test "cp streams a tar to stdout and extracts one from stdin" {
	require_registry
	run_selkie create --name c1 "$BUSYBOX" true
	run ctr_tar_list c1 /etc
	assert_contains "$output" "etc/passwd"
	run ctr_tar_list c1 /etc/.
	assert_contains "$output" " passwd"
	assert_not_contains "$output" "etc/"
	run ctr_tar_list c1 /etc/passwd
	assert_equal "$output" "-rw-r--r-- 0/0 passwd"

	mkdir -p "$HOSTDIR/t/d"
	echo streamed >"$HOSTDIR/t/d/f"
	tar -C "$HOSTDIR/t" -czf "$HOSTDIR/t.tgz" d
	run_selkie cp - c1:/tmp <"$HOSTDIR/t.tgz"
	run ctr_cat c1 /tmp/d/f
	assert_equal "$output" "streamed"
	run_selkie 125 cp - c1:/etc/passwd <"$HOSTDIR/t.tgz"
	assert_equal "$output" "Error: destination must be a directory when copying from stdin"
	run_selkie 125 cp - c1:/tmp/nonexist <"$HOSTDIR/t.tgz"
	assert_equal "$output" "Error: destination must be a directory when copying from stdin"
	echo "not a tar" >"$HOSTDIR/junk"
	run_selkie 125 cp - c1:/tmp <"$HOSTDIR/junk"
	assert_equal "$output" \
		"Error: source must be a (compressed) tar archive when copying from stdin"
}

@test "cp resolves symlinks in the container's root and never leaves it" {
	require_registry
	run_selkie create --name c1 "$BUSYBOX" true
	mkdir "$HOSTDIR/links"
	ln -s /etc "$HOSTDIR/links/etclink"
	ln -s ../../../../../../../../etc "$HOSTDIR/links/climb"
	ln -s /etc/passwd "$HOSTDIR/links/passwd"
	run_selkie cp "$HOSTDIR/links/." c1:/
	# Symlinks are copied as links, not followed on the host.
	run ctr_tar_list c1 /passwd
	assert_equal "$output" "lrwxrwxrwx 0/0 passwd"

	local marker=selkie-cp-escape-$$-$RANDOM
	echo evil >"$HOSTDIR/$marker"
	# an absolute link as the destination: the container's /etc, not the host's
	run_selkie cp "$HOSTDIR/$marker" c1:/etclink/
	[[ ! -e /etc/$marker ]]
	# a link climbing above the root stops at the container's root
	run_selkie cp "$HOSTDIR/$marker" c1:/climb/second-$marker
	[[ ! -e /etc/second-$marker ]]
	run ctr_tar_list c1 /etc
	assert_contains "$output" "etc/$marker"
	assert_contains "$output" "etc/second-$marker"

	# Reading through a link gives the container's file, never the host's.
	run_selkie cp -L c1:/passwd "$HOSTDIR/out-passwd"
	[[ -f $HOSTDIR/out-passwd && ! -L $HOSTDIR/out-passwd ]]
	! cmp -s "$HOSTDIR/out-passwd" /etc/passwd
	run_selkie cp c1:/etc/passwd "$HOSTDIR/passwd-ctr"
	cmp "$HOSTDIR/out-passwd" "$HOSTDIR/passwd-ctr"
	run_selkie cp c1:/climb/passwd "$HOSTDIR/climbed"
	cmp "$HOSTDIR/climbed" "$HOSTDIR/passwd-ctr"
	run_selkie cp c1:/etclink/. "$HOSTDIR/etc-copy"
	[[ -f $HOSTDIR/etc-copy/$marker ]]
	# Without -L the link itself comes out.
	run_selkie cp c1:/passwd "$HOSTDIR/link-out"
	[[ -L $HOSTDIR/link-out ]]
	assert_equal "$(readlink "$HOSTDIR/link-out")" "/etc/passwd"
}

@test "cp gives files to the container's root, -a keeps owners, files copied out are the caller's" {
	require_registry
	run_selkie run -d --name r1 "$BUSYBOX" sleep 1000
	echo owned >"$HOSTDIR/owned"
	# (rootless: as the user namespace's root, the IDs then being the container's)
	in_userns chown 1234:5678 "$HOSTDIR/owned"
	run_selkie cp "$HOSTDIR/owned" r1:/tmp/root-owned
	run_selkie cp -a "$HOSTDIR/owned" r1:/tmp/kept
	run_selkie exec r1 stat -c '%u:%g' /tmp/root-owned /tmp/kept
	assert_equal "${lines[0]}" "0:0"
	assert_equal "${lines[1]}" "1234:5678"
	run_selkie cp r1:/tmp/kept "$HOSTDIR/back"
	assert_equal "$(stat -c '%u:%g' "$HOSTDIR/back")" "$(id -u):$(id -g)"
	# a tar on stdout keeps the container's owners
	run ctr_tar_list r1 /tmp/kept
	assert_equal "$output" "-rw-r--r-- 1234/5678 kept"
}

@test "cp refuses to replace a directory by a file and the reverse unless --overwrite" {
	require_registry
	run_selkie create --name c1 "$BUSYBOX" true
	mkdir -p "$HOSTDIR/a" "$HOSTDIR/b/x"
	echo file >"$HOSTDIR/a/x"
	run_selkie cp "$HOSTDIR/b/x" c1:/tmp/
	run_selkie 125 cp "$HOSTDIR/a/x" c1:/tmp/
	assert_equal "$output" "Error: cannot overwrite directory \"/tmp/x\" with non-directory \"x\""
	run_selkie cp --overwrite "$HOSTDIR/a/x" c1:/tmp/
	run ctr_cat c1 /tmp/x
	assert_equal "$output" "file"
	run_selkie 125 cp "$HOSTDIR/b/x" c1:/tmp/
	assert_equal "$output" "Error: cannot overwrite non-directory \"/tmp/x\" with directory \"x\""
}
