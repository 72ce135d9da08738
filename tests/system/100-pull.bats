#!/usr/bin/env bats
# selkie pull: every fixture image from the plain local registry, platforms, digests, tags,
# short names, shared layers, and the unpacked content of layers:latest.

load helpers
bats_require_minimum_version 1.5.0

# fixture_blob NAME DIGEST: the path of a blob in the fixture layout oci/NAME.
fixture_blob() {
	echo "$SELKIE_FIXTURE_IMAGES/oci/$1/blobs/sha256/${2#sha256:}"
}

# fixture_manifest NAME TAG: the manifest (or index) digest of NAME:TAG in the fixture layout.
fixture_manifest() {
	jq -r --arg t "$2" \
		'.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' \
		"$SELKIE_FIXTURE_IMAGES/oci/$1/index.json"
}

# fixture_config NAME TAG [ARCH]: the config digest (= podman's image ID) of NAME:TAG,
# for an index the entry of ARCH (default amd64).
fixture_config() {
	local m
	m=$(fixture_manifest "$1" "$2")
	if [[ $(jq -r .mediaType "$(fixture_blob "$1" "$m")") == *index* ]]; then
		m=$(jq -r --arg a "${3:-amd64}" '.manifests[] | select(.platform.architecture == $a) | .digest' \
			"$(fixture_blob "$1" "$m")")
	fi
	jq -r .config.digest "$(fixture_blob "$1" "$m")"
}

# fixture_layers NAME TAG: the layer digests of NAME:TAG, one a line.
fixture_layers() {
	jq -r '.layers[].digest' "$(fixture_blob "$1" "$(fixture_manifest "$1" "$2")")"
}

@test "pull prints the image ID on stdout and its progress on stderr" {
	require_registry
	run_selkie_stdout pull "$SELKIE_REGISTRY/busybox:latest"
	local id
	id=$(fixture_config busybox latest)
	assert_equal "$output" "${id#sha256:}"
	assert_contains "$stderr" "Trying to pull $SELKIE_REGISTRY/busybox:latest..."
	assert_contains "$stderr" "Getting image source signatures"
	assert_contains "$stderr" "Copying blob"
	assert_contains "$stderr" "Copying config"
	assert_contains "$stderr" "Writing manifest to image destination"
	assert_not_contains "$stderr" "Error"
	run_selkie images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
	assert_equal "$output" "$SELKIE_REGISTRY/busybox:latest ${id:7:12}"
}

@test "pull -q prints exactly the 64-hex image ID and nothing else" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	assert_match "$output" '^[0-9a-f]{64}$'
	local id
	id=$(fixture_config httpd latest)
	assert_equal "$output" "${id#sha256:}"
	run_selkie pull --quiet "$SELKIE_REGISTRY/httpd:latest"
	assert_equal "$output" "${id#sha256:}"
}

@test "pull of every single-arch fixture image gives the image ID and layers of its config" {
	require_registry
	local img name tag id n
	for img in busybox:latest httpd:latest layers:latest zstd:latest many:120 big:latest; do
		name=${img%%:*} tag=${img#*:}
		run_selkie pull -q "$SELKIE_REGISTRY/$img"
		id=$(fixture_config "$name" "$tag")
		assert_equal "$output" "${id#sha256:}"
		n=$(fixture_layers "$name" "$tag" | wc -l)
		run_selkie image inspect --format '{{len .RootFS.Layers}} {{.Architecture}} {{.Os}}' \
			"$SELKIE_REGISTRY/$img"
		assert_equal "$output" "$n amd64 linux"
		run_selkie image inspect --format '{{index .Labels "org.selkie.test"}}' "$SELKIE_REGISTRY/$img"
		assert_equal "$output" "$name"
	done
	run_selkie images -q
	assert_equal "${#lines[@]}" 6
}

@test "busybox:oci and busybox:schema2 are the same image as busybox:latest" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	local id=$output
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:oci"
	assert_equal "$output" "$id"
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:schema2"
	assert_equal "$output" "$id"
	run_selkie images --format '{{.Tag}} {{.ID}}' --sort tag
	assert_equal "$output" "latest ${id:0:12}
oci ${id:0:12}
schema2 ${id:0:12}"
	run_selkie image inspect --format '{{.ManifestType}}' "$SELKIE_REGISTRY/busybox:schema2"
	assert_equal "$output" "application/vnd.docker.distribution.manifest.v2+json"
}

@test "pull of many:latest stores all 151 layers" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/many:latest"
	local id
	id=$(fixture_config many latest)
	assert_equal "$output" "${id#sha256:}"
	run_selkie image inspect --format '{{len .RootFS.Layers}}' "$SELKIE_REGISTRY/many:latest"
	assert_equal "$output" 151
	# The top layer holds layers/150; the layer below it layers/149.
	run_selkie image inspect --format '{{.GraphDriver.Data.UpperDir}}' "$SELKIE_REGISTRY/many:latest"
	assert_equal "$(cat "$output/layers/150")" "layer 150"
	[[ ! -e $output/layers/149 ]]
}

@test "pull of big:latest stores its 48 MB of layers" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/big:latest"
	run_selkie image inspect --format '{{.Size}}' "$SELKIE_REGISTRY/big:latest"
	((output > 48000000 && output < 52000000))
	run_selkie image inspect --format '{{.GraphDriver.Data.UpperDir}}' "$SELKIE_REGISTRY/big:latest"
	assert_equal "$(stat -c %s "$output/big/blob5")" 9600000
	local want
	want=$(printf selkie-big-5 | sha256sum | cut -d' ' -f1)
	local got
	got=$(head -c 32 "$output/big/blob5" | od -An -tx1 | tr -d ' \n')
	local expect
	expect=$(head -c 32 /dev/zero | openssl enc -aes-256-ctr -K "$want" -iv 00000000000000000000000000000000 |
		od -An -tx1 | tr -d ' \n')
	assert_equal "$got" "$expect"
}

@test "pull of zstd:latest decompresses zstd layers" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/zstd:latest"
	local id
	id=$(fixture_config zstd latest)
	assert_equal "$output" "${id#sha256:}"
	run_selkie image inspect --format '{{.GraphDriver.Data.UpperDir}}' "$SELKIE_REGISTRY/zstd:latest"
	assert_equal "$(cat "$output/zstd.txt")" "compressed with zstd"
	# Its base layer has busybox's diff ID, so it is the same layer as busybox's.
	run_selkie image inspect --format '{{index .RootFS.Layers 0}}' "$SELKIE_REGISTRY/zstd:latest"
	local zbase=$output
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	run_selkie image inspect --format '{{index .RootFS.Layers 0}}' "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" "$zbase"
}

@test "pull of an OCI index picks the linux/amd64 entry" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/multiarch:latest"
	local id
	id=$(fixture_config multiarch latest amd64)
	assert_equal "$output" "${id#sha256:}"
	run_selkie image inspect --format '{{.Architecture}} {{index .Labels "org.selkie.arch"}}' \
		"$SELKIE_REGISTRY/multiarch:latest"
	assert_equal "$output" "amd64 amd64"
	# The index digest is recorded, so the image is found by it.
	local idx
	idx=$(fixture_manifest multiarch latest)
	run_selkie image inspect --format '{{.RepoDigests}}' "$SELKIE_REGISTRY/multiarch:latest"
	assert_contains "$output" "$SELKIE_REGISTRY/multiarch@$idx"
}

@test "pull of a Docker manifest list picks the linux/amd64 entry" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/multiarch:docker"
	local id
	id=$(fixture_config multiarch latest amd64)
	assert_equal "$output" "${id#sha256:}"
	run_selkie image inspect --format '{{.Architecture}} {{index .Labels "org.selkie.arch"}}' \
		"$SELKIE_REGISTRY/multiarch:docker"
	assert_equal "$output" "amd64 amd64"
}

@test "pull --platform linux/arm64 picks the arm64 entry" {
	require_registry
	run_selkie pull -q --platform linux/arm64 "$SELKIE_REGISTRY/multiarch:latest"
	local id
	id=$(fixture_config multiarch latest arm64)
	assert_equal "$output" "${id#sha256:}"
	run_selkie image inspect --format '{{.Architecture}} {{.Variant}} {{index .Labels "org.selkie.arch"}}' \
		"$SELKIE_REGISTRY/multiarch:latest"
	assert_equal "$output" "arm64 v8 arm64"
}

@test "pull --arch arm64 picks the arm64 entry of a Docker manifest list" {
	require_registry
	run_selkie pull -q --arch arm64 "$SELKIE_REGISTRY/multiarch:docker"
	local id
	id=$(fixture_config multiarch latest arm64)
	assert_equal "$output" "${id#sha256:}"
	run_selkie image inspect --format '{{.Architecture}}' "$SELKIE_REGISTRY/multiarch:docker"
	assert_equal "$output" "arm64"
}

@test "pull --platform for an architecture the index does not have fails" {
	require_registry
	run_selkie 125 pull -q --platform linux/s390x "$SELKIE_REGISTRY/multiarch:latest"
	assert_match "$output" "^Error: .*no image found in (image index|manifest list) for architecture \"?s390x"
	run_selkie images -q
	assert_equal "$output" ""
}

@test "pull by digest stores the image with the digest and no tag" {
	require_registry
	local digest
	digest=$(awk '$1 == "busybox:latest" { print $2 }' "$SELKIE_FIXTURE_IMAGES/images.txt")
	assert_match "$digest" '^sha256:[0-9a-f]{64}$'
	run_selkie_stdout pull "$SELKIE_REGISTRY/busybox@$digest"
	local id
	id=$(fixture_config busybox latest)
	assert_equal "$output" "${id#sha256:}"
	assert_contains "$stderr" "Trying to pull $SELKIE_REGISTRY/busybox@$digest..."
	run_selkie images --format '{{.Repository}} {{.Tag}} {{.Digest}}'
	assert_equal "$output" "$SELKIE_REGISTRY/busybox <none> $digest"
	run_selkie image inspect --format '{{.Digest}}' "$SELKIE_REGISTRY/busybox@$digest"
	assert_equal "$output" "$digest"
	run_selkie image inspect --format '{{json .RepoDigests}}' "$SELKIE_REGISTRY/busybox@$digest"
	assert_equal "$output" "[\"$SELKIE_REGISTRY/busybox@$digest\"]"
	# podman: an image pulled by digest has no tags.
	run_selkie image inspect --format '{{json .RepoTags}}' "$SELKIE_REGISTRY/busybox@$digest"
	assert_equal "$output" "[]"
}

@test "pull by the digest of a converted schema2 manifest" {
	require_registry
	local digest
	digest=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' \
		"docker://$SELKIE_REGISTRY/busybox:schema2")
	run_selkie pull -q "$SELKIE_REGISTRY/busybox@$digest"
	local id
	id=$(fixture_config busybox latest)
	assert_equal "$output" "${id#sha256:}"
	run_selkie image inspect --format '{{.Digest}}' "$SELKIE_REGISTRY/busybox@$digest"
	assert_equal "$output" "$digest"
}

@test "pulling the same image twice is idempotent" {
	require_registry
	run_selkie_stdout pull "$SELKIE_REGISTRY/httpd:latest"
	local id=$output
	local before
	before=$(store_snapshot)
	run_selkie_stdout pull "$SELKIE_REGISTRY/httpd:latest"
	assert_equal "$output" "$id"
	assert_contains "$stderr" "skipped: already exists"
	run_selkie images --format '{{.ID}}'
	assert_equal "$output" "${id:0:12}"
	assert_equal "$(store_snapshot)" "$before"
}

@test "pull --all-tags pulls every tag of the repository" {
	require_registry
	run_selkie_stdout pull --all-tags "$SELKIE_REGISTRY/busybox"
	local id
	id=$(fixture_config busybox latest)
	id=${id#sha256:}
	local ids=$output
	assert_contains "$stderr" "Trying to pull $SELKIE_REGISTRY/busybox:latest..."
	assert_contains "$stderr" "Trying to pull $SELKIE_REGISTRY/busybox:oci..."
	assert_contains "$stderr" "Trying to pull $SELKIE_REGISTRY/busybox:schema2..."
	run_selkie images --format '{{.Repository}}:{{.Tag}}' --sort tag
	assert_equal "$output" "$SELKIE_REGISTRY/busybox:latest
$SELKIE_REGISTRY/busybox:oci
$SELKIE_REGISTRY/busybox:schema2"
	run_selkie images -q
	assert_equal "$output" "${id:0:12}"
	# podman prints the ID of every image it pulled, one per tag.
	assert_equal "$ids" "$id
$id
$id"
}

@test "a short name resolves through the search registry" {
	require_registry
	run_selkie_stdout pull layers
	local id
	id=$(fixture_config layers latest)
	assert_equal "$output" "${id#sha256:}"
	local progress=$stderr
	assert_contains "$progress" "Trying to pull $SELKIE_REGISTRY/layers:latest..."
	run_selkie images --format '{{.Repository}}:{{.Tag}}'
	assert_equal "$output" "$SELKIE_REGISTRY/layers:latest"
	# The short name finds the pulled image locally.
	run_selkie image inspect --format '{{.Id}}' layers
	assert_equal "$output" "${id#sha256:}"
	# podman says where the short name was resolved.
	assert_contains "$progress" "Resolving \"layers\" using unqualified-search registries ($CONTAINERS_REGISTRIES_CONF)"
}

@test "pull of several images in one command" {
	require_registry
	run_selkie_stdout pull "$SELKIE_REGISTRY/busybox:latest" "$SELKIE_REGISTRY/httpd:latest"
	local b h
	b=$(fixture_config busybox latest)
	h=$(fixture_config httpd latest)
	assert_equal "$output" "${b#sha256:}
${h#sha256:}"
	run_selkie images -q
	assert_equal "${#lines[@]}" 2
}

@test "layers are shared: httpd after busybox skips the base layer" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	local base
	base=$(fixture_layers busybox latest)
	local top
	top=$(fixture_layers httpd latest | tail -1)
	run_selkie_stdout pull "$SELKIE_REGISTRY/httpd:latest"
	assert_contains "$stderr" "Copying blob ${base:7:12} skipped: already exists"
	assert_contains "$stderr" "Copying blob ${top:7:12} done"
	# The base layer's directory is used by both images.
	run_selkie image inspect --format '{{.GraphDriver.Data.UpperDir}}' "$SELKIE_REGISTRY/busybox:latest"
	local bdir=$output
	run_selkie image inspect --format '{{.GraphDriver.Data.LowerDir}}' "$SELKIE_REGISTRY/httpd:latest"
	assert_equal "$output" "$bdir"
	local n
	n=$(find "$SELKIE_TEST_ROOT/overlay" -mindepth 1 -maxdepth 1 -regextype egrep \
		-regex '.*/[0-9a-f]{64}' | wc -l)
	assert_equal "$n" 2
	run_selkie image inspect --format '{{.GraphDriver.Data.UpperDir}}' "$SELKIE_REGISTRY/httpd:latest"
	assert_equal "$(cat "$output/www/index.html")" "hello from selkie httpd"
	[[ ! -e $output/bin ]]
}

# check_layers_tree DIR: DIR is the merged root filesystem of layers:latest as
# tests/fixtures/README.md describes it.
check_layers_tree() {
	local r=$1 d=$1/data
	# /bin is busybox minus vi; every applet still a hard link of busybox.
	[[ -f $r/bin/busybox ]]
	[[ ! -e $r/bin/vi && ! -L $r/bin/vi ]]
	[[ $(stat -c %i "$r/bin/sh") == $(stat -c %i "$r/bin/busybox") ]]
	[[ $(stat -c %i "$r/bin/ls") == $(stat -c %i "$r/bin/busybox") ]]
	assert_equal "$(find "$r/bin" -mindepth 1 | wc -l)" 268
	assert_equal "$(cat "$r/etc/passwd" | head -1)" "root:x:0:0:root:/root:/bin/sh"
	assert_equal "$(stat -c '%a %u:%g' "$r/home/selkie")" "755 1000:1000"
	assert_equal "$(stat -c %a "$r/tmp")" "1777"
	assert_equal "$(stat -c %a "$r/root")" "700"
	[[ ! -e $r/etc/hosts ]]

	# /data exactly.
	assert_equal "$(cd "$d" && ls -A | tr '\n' ' ')" \
		"abs-link added.txt becomes-dir-is-file becomes-file-is-dir dangling-link dir-link hardlink-1 hardlink-2 keep.txt modified.txt mtime.txt owned.txt rel-link replaced-dir resurrected.txt setuid xattr.txt "
	assert_equal "$(stat -c '%F %a %u:%g' "$d")" "directory 755 0:0"
	assert_equal "$(readlink "$d/abs-link")" "/data/keep.txt"
	assert_equal "$(cat "$d/added.txt")" "added in layer 3"
	assert_equal "$(stat -c '%F %a' "$d/becomes-dir-is-file")" "regular file 644"
	assert_equal "$(cat "$d/becomes-dir-is-file")" "i was a directory"
	assert_equal "$(stat -c '%F %a' "$d/becomes-file-is-dir")" "directory 755"
	assert_equal "$(ls -A "$d/becomes-file-is-dir")" "inside.txt"
	assert_equal "$(cat "$d/becomes-file-is-dir/inside.txt")" "inside"
	assert_equal "$(readlink "$d/dangling-link")" "/nonexistent/target"
	assert_equal "$(readlink "$d/dir-link")" "../etc"
	[[ -f $d/dir-link/passwd ]]
	assert_equal "$(stat -c '%i %h' "$d/hardlink-1")" "$(stat -c '%i %h' "$d/hardlink-2")"
	assert_equal "$(stat -c %h "$d/hardlink-1")" 2
	assert_equal "$(cat "$d/hardlink-2")" "hard link content"
	assert_equal "$(cat "$d/keep.txt")" "keep"
	assert_equal "$(cat "$d/modified.txt")" "version 2"
	assert_equal "$(cat "$d/mtime.txt")" "fixed mtime"
	assert_equal "$(stat -c %Y "$d/mtime.txt")" 1000000000
	assert_equal "$(stat -c '%a %u:%g' "$d/owned.txt")" "600 1000:1000"
	assert_equal "$(cat "$d/owned.txt")" "owned by selkie"
	assert_equal "$(readlink "$d/rel-link")" "keep.txt"
	assert_equal "$(cat "$d/rel-link")" "keep"
	assert_equal "$(ls -A "$d/replaced-dir")" "new.txt"
	assert_equal "$(cat "$d/replaced-dir/new.txt")" "new"
	assert_equal "$(cat "$d/resurrected.txt")" "second life"
	assert_equal "$(stat -c '%A %u:%g' "$d/setuid")" "-rwsr-xr-x 0:0"
	assert_equal "$(cat "$d/setuid")" $'#!/bin/sh\necho setuid'
	assert_equal "$(cat "$d/xattr.txt")" "has an xattr"
	assert_equal "$(/usr/bin/python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.selkie").decode())' \
		"$d/xattr.txt")" "test"
	# Every other mtime in /data is 1700000000, symlinks included.
	local f
	for f in abs-link added.txt becomes-dir-is-file dangling-link hardlink-1 keep.txt \
		modified.txt rel-link setuid xattr.txt replaced-dir/new.txt; do
		assert_equal "$f $(stat -c %Y "$d/$f")" "$f 1700000000"
	done
	# No whiteout files anywhere.
	assert_equal "$(find "$r" -name '.wh.*')" ""
}

@test "layers:latest unpacks to exactly the documented tree (vfs)" {
	require_registry
	run_selkie --storage-driver vfs pull -q "$SELKIE_REGISTRY/layers:latest"
	run_selkie --storage-driver vfs image inspect --format '{{.GraphDriver.Name}}' \
		"$SELKIE_REGISTRY/layers:latest"
	assert_equal "$output" "vfs"
	run_selkie --storage-driver vfs image inspect --format '{{.GraphDriver.Data.UpperDir}}' \
		"$SELKIE_REGISTRY/layers:latest"
	local top=$output
	[[ -d $top/data ]]
	# As the store's root: rootless, the tree's owners are subordinate IDs on the host (and
	# owned.txt is theirs alone to read); in the user namespace they are the image's.
	in_userns bash -ec "$(declare -f check_layers_tree assert_equal); check_layers_tree \"\$1\"" \
		_ "$top"
	# The tree is the container's /: everyone may enter it (podman: 0555).
	local mode
	mode=$(stat -c %a "$top")
	if (((8#$mode & 8#005) != 8#005)); then
		echo "# the vfs layer root $top has mode $mode: others cannot enter /" >&2
		return 1
	fi
	# vfs: no overlay whiteout devices either.
	assert_equal "$(find "$top" -type c)" ""
}

@test "layers:latest layer dirs hold overlay whiteouts (overlay)" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/layers:latest"
	run_selkie image inspect --format '{{.GraphDriver.Data.LowerDir}}' "$SELKIE_REGISTRY/layers:latest"
	local -a lower
	IFS=: read -r -a lower <<<"$output"
	assert_equal "${#lower[@]}" 3
	# LowerDir lists the layers top-down: layer 3, layer 2, the base.
	local l3=${lower[0]} l2=${lower[1]} base=${lower[2]}
	[[ -f $base/bin/vi ]]
	[[ -f $l2/data/delete-me.txt && -f $l2/data/gone-dir/sub/deep.txt ]]
	local w
	for w in bin/vi data/delete-me.txt data/gone-dir data/resurrected.txt; do
		assert_equal "$w $(stat -c '%F %t:%T' "$l3/$w")" "$w character special file 0:0"
	done
	assert_equal "$(find "$l3" -name '.wh.*')" ""
	# In a user namespace overlayfs reads its xattrs from user.overlay.* (mount option
	# userxattr): a rootless store marks opaque directories there.
	local opaque=trusted.overlay.opaque
	is_rootless && opaque=user.overlay.opaque
	assert_equal "$(/usr/bin/python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], sys.argv[2]).decode())' \
		"$l3/data/replaced-dir" "$opaque")" "y"
	assert_equal "$(ls -A "$l3/data/replaced-dir")" "new.txt"
	assert_equal "$(stat -c %F "$l3/data/becomes-dir-is-file")" "regular file"
	# A directory replacing a file is opaque too (nothing below it shows through).
	assert_equal "$(stat -c %F "$l3/data/becomes-file-is-dir")" "directory"
	run_selkie image inspect --format '{{.GraphDriver.Data.UpperDir}}' "$SELKIE_REGISTRY/layers:latest"
	assert_equal "$(ls -A "$output/data")" "resurrected.txt"
	assert_equal "$(cat "$output/data/resurrected.txt")" "second life"
}

@test "layers:latest mounted through overlay shows exactly the documented tree" {
	require_registry
	require_root "the test mounts overlay itself, in the host's mount namespace"
	run_selkie pull -q "$SELKIE_REGISTRY/layers:latest"
	run_selkie image inspect --format '{{.GraphDriver.Data.UpperDir}}:{{.GraphDriver.Data.LowerDir}}' \
		"$SELKIE_REGISTRY/layers:latest"
	local mnt=$BATS_TEST_TMPDIR/merged
	mkdir -p "$mnt"
	mount -t overlay overlay -o "ro,lowerdir=$output" "$mnt"
	local rc=0
	check_layers_tree "$mnt" || rc=$?
	umount "$mnt"
	return $rc
}
