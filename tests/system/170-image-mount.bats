#!/usr/bin/env bats
# selkie image mount / image unmount: counted, read-only mounts of an image's layers.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	selkie_test_setup
	NOBODY_RUN=
}

# Every mount a test made under its directory goes, even when the test failed; so does the
# user namespace holder of nobody's commands.
teardown() {
	local m
	for m in $(test_mounts | sort -r); do
		umount -l "$m" || true
	done
	if [[ -n $NOBODY_RUN ]]; then
		# (migrate opens a store: one nobody may write)
		setpriv --reuid 65534 --regid 65534 --clear-groups env "XDG_RUNTIME_DIR=$NOBODY_RUN" \
			"$SELKIE_BIN" --root "$NOBODY_RUN/root" --runroot "$NOBODY_RUN/runroot" \
			system migrate >/dev/null 2>&1 || true
		rm -rf "$NOBODY_RUN"
	fi
	selkie_test_teardown
}

# test_mounts: mount points under this test's directory, one a line.
test_mounts() {
	awk -v dir="$BATS_TEST_TMPDIR/" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo
}

assert_no_mounts() {
	assert_equal "$(test_mounts)" ""
}

# pull_image [selkie flags...] NAME: pull $SELKIE_REGISTRY/NAME, leave its ID in $IMAGE_ID.
pull_image() {
	local name=${*: -1}
	run_selkie "${@:1:$#-1}" pull -q "$SELKIE_REGISTRY/$name"
	IMAGE_ID=$output
}

# mount_info MOUNTPOINT: the file system type, mount options and super block options
# /proc/self/mountinfo shows for it.
mount_info() {
	awk -v m="$1" '$5 == m { for (i = 7; $i != "-"; i++); print $(i + 1), $6, $(i + 3) }' \
		/proc/self/mountinfo
}

@test "image mount prints a read-only mount point of the image; image unmount its ID" {
	require_registry
	require_root "image mount works rootless only inside selkie unshare (as podman)"
	pull_image busybox:latest
	run_selkie_stdout image mount "$SELKIE_REGISTRY/busybox:latest"
	local mnt=$output
	assert_equal "${#lines[@]}" 1
	assert_equal "$mnt" "$SELKIE_TEST_RUNROOT/image-mounts/$IMAGE_ID/merged"
	[[ -x $mnt/bin/busybox ]]
	assert_equal "$(head -1 "$mnt/etc/passwd")" "root:x:0:0:root:/root:/bin/sh"
	assert_match "$(mount_info "$mnt")" "^overlay ro,"
	run touch "$mnt/new-file"
	[[ $status -ne 0 ]]
	run_selkie image unmount "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" "$IMAGE_ID"
	assert_no_mounts
	[[ ! -e $mnt ]]
}

@test "image mount of layers:latest: whiteouts hide files, the opaque dir shows only its new content" {
	require_registry
	require_root "image mount works rootless only inside selkie unshare (as podman)"
	pull_image layers:latest
	run_selkie image mount "$SELKIE_REGISTRY/layers:latest"
	local r=$output d=$output/data
	[[ -f $r/bin/busybox && ! -e $r/bin/vi && ! -L $r/bin/vi ]]
	assert_equal "$(find "$r/bin" -mindepth 1 | wc -l)" 268
	assert_equal "$(cd "$d" && ls -A | tr '\n' ' ')" \
		"abs-link added.txt becomes-dir-is-file becomes-file-is-dir dangling-link dir-link hardlink-1 hardlink-2 keep.txt modified.txt mtime.txt owned.txt rel-link replaced-dir resurrected.txt setuid xattr.txt "
	assert_equal "$(ls -A "$d/replaced-dir")" "new.txt"
	assert_equal "$(cat "$d/replaced-dir/new.txt")" "new"
	assert_equal "$(stat -c %F "$d/becomes-dir-is-file")" "regular file"
	assert_equal "$(ls -A "$d/becomes-file-is-dir")" "inside.txt"
	assert_equal "$(cat "$d/modified.txt")" "version 2"
	assert_equal "$(cat "$d/resurrected.txt")" "second life"
	assert_equal "$(stat -c '%a %u:%g' "$d/owned.txt")" "600 1000:1000"
	assert_equal "$(stat -c '%A' "$d/setuid")" "-rwsr-xr-x"
	assert_equal "$(stat -c %Y "$d/mtime.txt")" 1000000000
	assert_equal "$(stat -c '%i %h' "$d/hardlink-1")" "$(stat -c '%i %h' "$d/hardlink-2")"
	assert_equal "$(readlink "$d/abs-link")" "/data/keep.txt"
	assert_equal "$(find "$r" -name '.wh.*')" ""
	assert_equal "$(find "$r" -type c)" ""
	run_selkie image unmount "$SELKIE_REGISTRY/layers:latest"
	assert_no_mounts
}

@test "image mount of many:latest stacks all 151 layers" {
	require_registry
	require_root "image mount works rootless only inside selkie unshare (as podman)"
	pull_image many:latest
	run_selkie image mount "$SELKIE_REGISTRY/many:latest"
	local mnt=$output
	assert_equal "$(ls "$mnt/layers" | wc -l)" 150
	assert_equal "$(cat "$mnt/layers/001")" "layer 001"
	assert_equal "$(cat "$mnt/layers/150")" "layer 150"
	[[ -x $mnt/bin/busybox ]]
	# The short links keep the mount data small: relative "l/XXXXXXXXXX" lower dirs.
	assert_match "$(mount_info "$mnt")" "lowerdir=l/[A-Z0-9]{10}:l/"
	run_selkie image unmount "$SELKIE_REGISTRY/many:latest"
	assert_no_mounts
}

@test "--storage-driver vfs: image mount is a read-only bind of the image's full tree" {
	require_registry
	require_root "image mount works rootless only inside selkie unshare (as podman)"
	local vfs=(--storage-driver vfs)
	pull_image "${vfs[@]}" busybox:latest
	local busybox=$IMAGE_ID
	pull_image "${vfs[@]}" layers:latest
	run_selkie "${vfs[@]}" image mount "$SELKIE_REGISTRY/busybox:latest"
	local bmnt=$output
	[[ -x $bmnt/bin/busybox ]]
	run_selkie "${vfs[@]}" image mount "$SELKIE_REGISTRY/layers:latest"
	local lmnt=$output
	assert_equal "$(ls -A "$lmnt/data/replaced-dir")" "new.txt"
	assert_equal "$(cat "$lmnt/data/resurrected.txt")" "second life"
	[[ ! -e $lmnt/data/delete-me.txt && ! -e $lmnt/bin/vi ]]
	assert_match "$(mount_info "$lmnt")" " ro,"
	run touch "$lmnt/new-file"
	[[ $status -ne 0 ]]
	run_selkie "${vfs[@]}" image mount
	assert_contains "$output" "$SELKIE_REGISTRY/busybox:latest"
	run_selkie "${vfs[@]}" image unmount --all
	assert_contains "$output" "$busybox"
	assert_no_mounts
	# The layers are intact after the bind mounts went.
	run_selkie "${vfs[@]}" image inspect --format '{{.GraphDriver.Data.UpperDir}}' \
		"$SELKIE_REGISTRY/busybox:latest"
	[[ -x $output/bin/busybox ]]
}

@test "--storage-driver vfs: image mount of many:latest shows every layer's file" {
	require_registry
	require_root "image mount works rootless only inside selkie unshare (as podman)"
	pull_image --storage-driver vfs many:latest
	run_selkie --storage-driver vfs image mount "$SELKIE_REGISTRY/many:latest"
	assert_equal "$(ls "$output/layers" | wc -l)" 150
	assert_equal "$(cat "$output/layers/077")" "layer 077"
	run_selkie --storage-driver vfs image unmount "$SELKIE_REGISTRY/many:latest"
	assert_no_mounts
}

@test "image mount twice needs two unmounts; --force unmounts at once" {
	require_registry
	require_root "image mount works rootless only inside selkie unshare (as podman)"
	pull_image busybox:latest
	run_selkie image mount "$SELKIE_REGISTRY/busybox:latest"
	local first=$output
	run_selkie image mount "${IMAGE_ID:0:12}"
	assert_equal "$output" "$first"
	assert_equal "$(test_mounts)" "$first"
	run_selkie image unmount "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" "$IMAGE_ID"
	[[ -x $first/bin/busybox ]]
	run_selkie image umount "$IMAGE_ID"
	assert_equal "$output" "$IMAGE_ID"
	assert_no_mounts
	# A third unmount finds nothing mounted: no output, no error (as podman).
	run_selkie image unmount "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" ""

	run_selkie image mount "$SELKIE_REGISTRY/busybox:latest"
	run_selkie image mount "$SELKIE_REGISTRY/busybox:latest"
	run_selkie image mount "$SELKIE_REGISTRY/busybox:latest"
	run_selkie image unmount --force "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" "$IMAGE_ID"
	assert_no_mounts
}

@test "image mount without arguments lists the mounted images; --format json as podman" {
	require_registry
	require_root "image mount works rootless only inside selkie unshare (as podman)"
	pull_image busybox:latest
	local busybox=$IMAGE_ID
	pull_image httpd:latest
	local httpd=$IMAGE_ID
	run_selkie image mount
	assert_equal "$output" ""
	run_selkie image mount --format json
	assert_equal "$output" "[]"
	run_selkie image mount "$SELKIE_REGISTRY/busybox:latest"
	local bmnt=$output
	run_selkie untag "$httpd"
	run_selkie image mount "$httpd"
	local hmnt=$output
	# "NAME-or-ID  MOUNTPOINT", oldest image first, aligned as podman's table.
	run_selkie_stdout image mount
	local w=$((${#httpd} + 2))
	assert_equal "$output" "$(printf "%-${w}s%s\n%-${w}s%s" \
		"$SELKIE_REGISTRY/busybox:latest" "$bmnt" "$httpd" "$hmnt")"
	run_selkie_stdout image mount --format json
	local digest
	digest=$(awk '$1 == "busybox:latest" { print $2 }' "$SELKIE_FIXTURE_IMAGES/images.txt")
	assert_equal "$(jq -c '.[0]' <<<"$output")" \
		"{\"id\":\"$busybox\",\"Names\":[\"$digest\"],\"Repositories\":[\"$SELKIE_REGISTRY/busybox:latest\"],\"mountpoint\":\"$bmnt\"}"
	assert_equal "$(jq -c '.[1].Repositories' <<<"$output")" "[]"
	assert_equal "$(jq -r '.[1].mountpoint' <<<"$output")" "$hmnt"
	# Several images at once print the same table.
	run_selkie_stdout image mount "$SELKIE_REGISTRY/busybox:latest" "$httpd"
	assert_equal "${#lines[@]}" 2
	assert_match "${lines[0]}" "^$SELKIE_REGISTRY/busybox:latest +$bmnt$"
	run_selkie 125 image mount --format '{{.ID}}'
	assert_equal "$output" 'Error: unknown --format argument: "{{.ID}}"'
	run_selkie image unmount --all --force
	assert_equal "$output" "$busybox
$httpd"
	assert_no_mounts
}

@test "image mount --all and image unmount --all" {
	require_registry
	require_root "image mount works rootless only inside selkie unshare (as podman)"
	pull_image busybox:latest
	local busybox=$IMAGE_ID
	pull_image httpd:latest
	local httpd=$IMAGE_ID
	run_selkie image mount --all
	assert_equal "${#lines[@]}" 2
	assert_match "${lines[0]}" "^$SELKIE_REGISTRY/busybox:latest +$SELKIE_TEST_RUNROOT/image-mounts/$busybox/merged$"
	assert_match "${lines[1]}" "^$SELKIE_REGISTRY/httpd:latest +$SELKIE_TEST_RUNROOT/image-mounts/$httpd/merged$"
	assert_equal "$(test_mounts | wc -l)" 2
	run_selkie image mount "$SELKIE_REGISTRY/httpd:latest"
	# --all takes one mount from each: httpd stays mounted once.
	run_selkie image unmount -a
	assert_equal "$output" "$busybox
$httpd"
	assert_equal "$(test_mounts)" "$SELKIE_TEST_RUNROOT/image-mounts/$httpd/merged"
	run_selkie image unmount -a
	assert_equal "$output" "$httpd"
	assert_no_mounts
	run_selkie image unmount -a
	assert_equal "$output" ""
}

@test "rmi of a mounted image unmounts it and removes the image (as podman does)" {
	require_registry
	require_root "image mount works rootless only inside selkie unshare (as podman)"
	pull_image busybox:latest
	run_selkie image mount "$SELKIE_REGISTRY/busybox:latest"
	run_selkie image mount "$SELKIE_REGISTRY/busybox:latest"
	local mnt=$output
	run_selkie rmi "$SELKIE_REGISTRY/busybox:latest"
	assert_contains "$output" "Deleted: $IMAGE_ID"
	assert_no_mounts
	[[ ! -e $mnt ]]
	run_selkie image mount
	assert_equal "$output" ""
	assert_equal "$(ls -A "$SELKIE_TEST_ROOT/overlay" | grep -Ev '^(l|\.empty)$')" ""
}

@test "image mount and unmount errors" {
	require_registry
	require_root "image mount works rootless only inside selkie unshare (as podman)"
	pull_image busybox:latest
	run_selkie 125 image mount --all "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" "Error: when using the --all switch, you may not pass any image names or IDs"
	run_selkie 125 image unmount --all "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" "Error: when using the --all switch, you may not pass any image names or IDs"
	run_selkie 125 image unmount
	assert_equal "$output" "Error: image name or ID must be specified"
	# An unknown image fails before anything is mounted.
	run_selkie 125 image mount "$SELKIE_REGISTRY/busybox:latest" nosuch
	assert_equal "$output" "Error: nosuch: image not known"
	assert_no_mounts
	run_selkie 125 image unmount nosuch
	assert_equal "$output" "Error: nosuch: image not known"
}

@test "image mount as an ordinary user asks for selkie unshare, as podman" {
	# Rootful, the commands run as nobody, with a runtime directory of its own (where selkie
	# keeps the pid file of its user namespace's holder; the test's directory is root's alone),
	# which the teardown ends; the rootless pass is an ordinary user already.
	local as_user=()
	if ! is_rootless; then
		NOBODY_RUN=$(mktemp -d /tmp/selkie-nobody.XXXXXX)
		chown 65534:65534 "$NOBODY_RUN"
		as_user=(setpriv --reuid 65534 --regid 65534 --clear-groups
			env "XDG_RUNTIME_DIR=$NOBODY_RUN")
	fi
	run "${as_user[@]}" "$SELKIE_BIN" \
		--root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" image mount
	assert_equal "$status" 125
	# (nobody has no subordinate IDs: a warning about it comes first)
	assert_equal "${lines[-1]}" 'Error: cannot run command "selkie image mount" in rootless mode, must execute `selkie unshare` first'
	run "${as_user[@]}" "$SELKIE_BIN" \
		--root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" image umount -a
	assert_equal "$status" 125
	assert_contains "$output" '"selkie image unmount" in rootless mode'
}

@test "a mount removed behind selkie's back is forgotten by the next command" {
	require_registry
	require_root "image mount works rootless only inside selkie unshare (as podman)"
	pull_image busybox:latest
	run_selkie image mount "$SELKIE_REGISTRY/busybox:latest"
	run_selkie image mount "$SELKIE_REGISTRY/busybox:latest"
	local mnt=$output
	umount "$mnt"
	# The stale record (count 2) is neither listed nor unmounted.
	run_selkie image mount
	assert_equal "$output" ""
	[[ ! -e $SELKIE_TEST_RUNROOT/image-mounts/$IMAGE_ID ]]
	run_selkie image unmount "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" ""
	# A new mount starts counting from one again.
	run_selkie image mount "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" "$mnt"
	umount "$mnt"
	run_selkie image mount "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" "$mnt"
	[[ -x $mnt/bin/busybox ]]
	run_selkie image unmount "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" "$IMAGE_ID"
	assert_no_mounts
}

@test "a reboot (an emptied run root) and a lost mount count are repaired" {
	require_registry
	require_root "image mount works rootless only inside selkie unshare (as podman)"
	pull_image busybox:latest
	run_selkie image mount "$SELKIE_REGISTRY/busybox:latest"
	local mnt=$output
	# A command killed between mounting and writing the count: the mount counts as one.
	rm "$SELKIE_TEST_RUNROOT/image-mounts/$IMAGE_ID/count"
	run_selkie image mount
	assert_contains "$output" "$mnt"
	run_selkie image unmount "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" "$IMAGE_ID"
	assert_no_mounts
	# A record whose mount point never got mounted (killed before the mount).
	mkdir -p "$SELKIE_TEST_RUNROOT/image-mounts/$IMAGE_ID/merged"
	echo 3 >"$SELKIE_TEST_RUNROOT/image-mounts/$IMAGE_ID/count"
	run_selkie image mount
	assert_equal "$output" ""
	run_selkie image mount "$SELKIE_REGISTRY/busybox:latest"
	run_selkie image unmount "$SELKIE_REGISTRY/busybox:latest"
	assert_no_mounts
	# After a reboot the run root is empty: nothing is mounted, a mount works as new.
	rm -rf "$SELKIE_TEST_RUNROOT"
	run_selkie image mount
	assert_equal "$output" ""
	run_selkie image mount "$SELKIE_REGISTRY/busybox:latest"
	[[ -x $mnt/bin/busybox ]]
	run_selkie image unmount "$SELKIE_REGISTRY/busybox:latest"
	assert_no_mounts
}
