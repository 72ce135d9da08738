#!/usr/bin/env bats
# selkie tag, untag, rmi / image rm and image exists.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	selkie_test_setup
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
		BUSYBOX_ID=$output
	fi
}

# names: every name in the store, sorted, one a line.
names() {
	run_selkie images --format '{{.Repository}}:{{.Tag}}' --sort repository
	echo "$output"
}

# layer_dirs: the layer directories under the overlay store, one a line.
layer_dirs() {
	find "$SELKIE_TEST_ROOT/overlay" -mindepth 1 -maxdepth 1 -regextype egrep \
		-regex '.*/[0-9a-f]{64}' -printf '%f\n' | sort
}

blob_files() {
	find "$SELKIE_TEST_ROOT/blobs" -type f -printf '%f\n' | sort
}

@test "tag adds a name; a short target becomes localhost/NAME:latest" {
	require_registry
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" x
	assert_equal "$output" ""
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" y:2 other.example/z/w:3
	assert_equal "$(names)" "$SELKIE_REGISTRY/busybox:latest
localhost/x:latest
localhost/y:2
other.example/z/w:3"
	run_selkie image inspect --format '{{.Id}}' x
	assert_equal "$output" "$BUSYBOX_ID"
	run_selkie image inspect --format '{{.Id}}' localhost/y:2
	assert_equal "$output" "$BUSYBOX_ID"
	run_selkie images -q
	assert_equal "$output" "${BUSYBOX_ID:0:12}"
	# image tag is the same command, and a tag can be set by ID.
	run_selkie image tag "${BUSYBOX_ID:0:12}" by-id:1
	run_selkie image inspect --format '{{.Id}}' by-id:1
	assert_equal "$output" "$BUSYBOX_ID"
}

@test "tag moves a name that another image had" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	local httpd=$output
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" moving:1
	run_selkie tag "$SELKIE_REGISTRY/httpd:latest" moving:1
	run_selkie image inspect --format '{{.Id}}' moving:1
	assert_equal "$output" "$httpd"
	run_selkie image inspect --format '{{.RepoTags}}' "$BUSYBOX_ID"
	assert_equal "$output" "[$SELKIE_REGISTRY/busybox:latest]"
}

@test "tag of a missing image fails with exit 125 and changes nothing" {
	require_registry
	local before
	before=$(store_snapshot)
	run_selkie 125 tag nothere x
	assert_equal "$output" "Error: nothere: image not known"
	assert_equal "$(store_snapshot)" "$before"
}

@test "tag to an invalid name fails with exit 125 and changes nothing" {
	require_registry
	local before
	before=$(store_snapshot)
	run_selkie 125 tag "$SELKIE_REGISTRY/busybox:latest" 'Bad/Name'
	assert_equal "${#lines[@]}" 1
	assert_match "$output" '^Error: .*repository name must be lowercase$'
	run_selkie 125 tag "$SELKIE_REGISTRY/busybox:latest" 'a:b:c'
	assert_match "$output" '^Error: '
	assert_equal "$(store_snapshot)" "$before"
}

@test "tag needs two arguments" {
	run_selkie 125 tag x
	assert_equal "$output" "Error: requires at least 2 arg(s), only received 1"
}

@test "untag IMAGE removes every name of the image" {
	require_registry
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" x y:2
	run_selkie untag x
	assert_equal "$output" ""
	assert_equal "$(names)" "<none>:<none>"
	# The image is still there, now dangling.
	run_selkie images --filter dangling=true -q
	assert_equal "$output" "${BUSYBOX_ID:0:12}"
	run_selkie image exists "$BUSYBOX_ID"
}

@test "untag IMAGE NAME removes only that name" {
	require_registry
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" x y:2
	run_selkie untag "$SELKIE_REGISTRY/busybox:latest" y:2
	assert_equal "$(names)" "$SELKIE_REGISTRY/busybox:latest
localhost/x:latest"
	run_selkie image untag "$BUSYBOX_ID" localhost/x:latest
	assert_equal "$(names)" "$SELKIE_REGISTRY/busybox:latest"
}

@test "untag of a name the image does not have says tag not known" {
	require_registry
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" x
	local before
	before=$(store_snapshot)
	run_selkie 125 untag "$SELKIE_REGISTRY/busybox:latest" y:9
	assert_equal "$output" "Error: localhost/y:9: tag not known"
	assert_equal "$(store_snapshot)" "$before"
}

@test "untag of a missing image fails with exit 125" {
	run_selkie 125 untag nothere
	assert_equal "$output" "Error: nothere: image not known"
	run_selkie 125 untag
	assert_equal "$output" "Error: requires at least 1 arg(s), only received 0"
}

@test "rmi by name with other names left only untags" {
	require_registry
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" x
	local dirs
	dirs=$(layer_dirs)
	run_selkie rmi x
	assert_equal "$output" "Untagged: localhost/x:latest"
	assert_equal "$(names)" "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$(layer_dirs)" "$dirs"
}

@test "rmi by ID of an image with several names is refused without -f" {
	require_registry
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" y:2
	local before
	before=$(store_snapshot)
	run_selkie 125 rmi "${BUSYBOX_ID:0:4}"
	assert_equal "$output" "Error: unable to delete image \"$BUSYBOX_ID\" by ID with more than one tag ([$SELKIE_REGISTRY/busybox:latest localhost/y:2]): please force removal"
	assert_equal "$(store_snapshot)" "$before"
}

@test "rmi -f by ID removes the image and all its names" {
	require_registry
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" y:2
	run_selkie rmi -f "$BUSYBOX_ID"
	assert_equal "$output" "Untagged: $SELKIE_REGISTRY/busybox:latest
Untagged: localhost/y:2
Deleted: $BUSYBOX_ID"
	run_selkie images -q
	assert_equal "$output" ""
	run_selkie 1 image exists "$BUSYBOX_ID"
}

@test "rmi by the last name deletes the image" {
	require_registry
	run_selkie rmi "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" "Untagged: $SELKIE_REGISTRY/busybox:latest
Deleted: $BUSYBOX_ID"
	run_selkie images -q
	assert_equal "$output" ""
}

@test "rmi by ID with one name deletes the image; image rm is the same command" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	local httpd=$output
	run_selkie rmi "${httpd:0:12}"
	assert_equal "${lines[-1]}" "Deleted: $httpd"
	run_selkie image rm "$BUSYBOX_ID"
	assert_equal "${lines[-1]}" "Deleted: $BUSYBOX_ID"
	run_selkie images -q
	assert_equal "$output" ""
}

@test "rmi of a missing image exits 1" {
	require_registry
	local before
	before=$(store_snapshot)
	run_selkie 1 rmi nothere
	assert_equal "$output" "Error: nothere: image not known"
	assert_equal "$(store_snapshot)" "$before"
}

@test "rmi of a missing image and a present one removes the present one and exits 1" {
	require_registry
	run_selkie 1 rmi nothere "$SELKIE_REGISTRY/busybox:latest"
	assert_contains "$output" "Error: nothere: image not known"
	assert_contains "$output" "Deleted: $BUSYBOX_ID"
	run_selkie images -q
	assert_equal "$output" ""
}

@test "rmi -i ignores a missing image" {
	require_registry
	run_selkie rmi -i nothere
	assert_equal "$output" ""
	run_selkie rmi --ignore nothere "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "${lines[-1]}" "Deleted: $BUSYBOX_ID"
}

@test "rmi -f of a missing image succeeds quietly" {
	run_selkie rmi -f nothere
	assert_equal "$output" ""
}

@test "rmi --all removes every image" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	local httpd=$output
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" x
	run_selkie rmi --all
	assert_contains "$output" "Deleted: $BUSYBOX_ID"
	assert_contains "$output" "Deleted: $httpd"
	assert_contains "$output" "Untagged: localhost/x:latest"
	run_selkie images -q
	assert_equal "$output" ""
	# Nothing left: -a on an empty store is fine.
	run_selkie rmi -a
	assert_equal "$output" ""
	run_selkie 125 rmi -a x
	assert_equal "$output" "Error: when using the --all switch, you may not pass any images names or IDs"
	run_selkie 125 rmi
	assert_equal "$output" "Error: image name or ID must be specified"
}

@test "rmi frees the layers and blobs the last image used" {
	require_registry
	run_selkie rmi -a
	local empty
	empty=$(store_snapshot)
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	local base_dirs base_blobs
	base_dirs=$(layer_dirs)
	base_blobs=$(blob_files)
	assert_equal "$(wc -l <<<"$base_dirs")" 1
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	assert_equal "$(layer_dirs | wc -l)" 2
	local httpd_top
	httpd_top=$(jq -r '.manifests[0].digest' "$SELKIE_FIXTURE_IMAGES/oci/httpd/index.json")
	httpd_top=$(jq -r '.layers[-1].digest' "$SELKIE_FIXTURE_IMAGES/oci/httpd/blobs/sha256/${httpd_top#sha256:}")
	# httpd goes: its own layer goes, busybox's stays.
	run_selkie rmi "$SELKIE_REGISTRY/httpd:latest"
	assert_equal "$(layer_dirs)" "$base_dirs"
	assert_equal "$(blob_files)" "$base_blobs"
	assert_not_contains "$(blob_files)" "${httpd_top#sha256:}"
	run_selkie image inspect --format '{{.GraphDriver.Data.UpperDir}}' "$SELKIE_REGISTRY/busybox:latest"
	[[ -x $output/bin/busybox ]]
	# The last image goes: no layer dir, no blob, no row.
	run_selkie rmi "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$(layer_dirs)" ""
	assert_equal "$(blob_files)" ""
	assert_equal "$(store_snapshot)" "$empty"
	assert_equal "$(sqlite3 "$SELKIE_TEST_ROOT/selkie.db" 'SELECT count(*) FROM layers; SELECT count(*) FROM blobs;')" "0
0"
}

@test "a layer shared by two images stays until both are gone" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/zstd:latest"
	# zstd's base layer has busybox's diff ID: one layer directory for both.
	run_selkie image inspect --format '{{.GraphDriver.Data.UpperDir}}' "$SELKIE_REGISTRY/busybox:latest"
	local base=$output
	run_selkie rmi "$SELKIE_REGISTRY/busybox:latest"
	[[ -x $base/bin/busybox ]]
	run_selkie rmi "$SELKIE_REGISTRY/zstd:latest"
	[[ ! -e $base ]]
	assert_equal "$(layer_dirs)" ""
}

@test "image exists exits 0 for a present image and 1 for a missing one" {
	require_registry
	run_selkie image exists "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" ""
	run_selkie image exists "${BUSYBOX_ID:0:4}"
	run_selkie image exists "$BUSYBOX_ID"
	run_selkie 1 image exists nothere
	assert_equal "$output" ""
	run_selkie 1 image exists "$SELKIE_REGISTRY/busybox:other"
	run_selkie rmi "$SELKIE_REGISTRY/busybox:latest"
	run_selkie 1 image exists "$BUSYBOX_ID"
	run_selkie 125 image exists
	assert_equal "$output" "Error: accepts 1 arg(s), received 0"
}
