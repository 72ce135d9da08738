#!/usr/bin/env bats
# selkie push: layers and config uploaded (or skipped when the registry has them), the manifest
# put by tag, --digestfile, credentials, and conversion between OCI and Docker schema2.

load helpers
bats_require_minimum_version 1.5.0

MT_ACCEPT="application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"

# Manifests this test pushed ("registry repo tag curl-options"), deleted by teardown.
pushed=()

teardown() {
	local entry reg repo tag auth digest
	for entry in "${pushed[@]}"; do
		read -r reg repo tag auth <<<"$entry"
		digest=$(registry_digest "$reg" "$repo" "$tag" $auth) || continue
		curl -sf -o /dev/null -X DELETE $auth "http://$reg/v2/$repo/manifests/$digest" || true
	done
	selkie_test_teardown
}

# registry_digest REGISTRY REPO TAG [curl options]: the Docker-Content-Digest the registry sends.
registry_digest() {
	local reg=$1 repo=$2 tag=$3
	shift 3
	curl -sfI "$@" -H "Accept: $MT_ACCEPT" "http://$reg/v2/$repo/manifests/$tag" |
		tr -d '\r' | awk 'tolower($1) == "docker-content-digest:" { print $2 }' | grep .
}

# registry_manifest REGISTRY REPO TAG [curl options]: the manifest the registry serves.
registry_manifest() {
	local reg=$1 repo=$2 tag=$3
	shift 3
	curl -sf "$@" -H "Accept: $MT_ACCEPT" "http://$reg/v2/$repo/manifests/$tag"
}

# remember REGISTRY REPO TAG [curl options]: delete that manifest when the test ends.
remember() {
	pushed+=("$*")
}

fixture_id() {
	local layout=$SELKIE_FIXTURE_IMAGES/oci/$1 m
	m=$(jq -r --arg t "$2" \
		'.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' \
		"$layout/index.json")
	jq -r .config.digest "$layout/blobs/sha256/${m#sha256:}" | cut -d: -f2
}

@test "push uploads layers and config, and a pull into a fresh store gives the same image ID" {
	require_registry
	local dest=$SELKIE_REGISTRY_AUTH/push-$BATS_TEST_NUMBER/x:1 id
	id=$(fixture_id busybox latest)
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	remember "$SELKIE_REGISTRY_AUTH" "push-$BATS_TEST_NUMBER/x" 1 -u selkie:s3cret
	run_selkie_stdout push --creds selkie:s3cret "$SELKIE_REGISTRY/busybox:latest" "$dest"
	assert_equal "$output" ""
	assert_contains "$stderr" "Getting image source signatures"
	assert_match "$stderr" "Copying blob [0-9a-f]{12} done"
	assert_contains "$stderr" "Copying config ${id:0:10} done"
	assert_contains "$stderr" "Writing manifest to image destination"
	assert_contains "$stderr" "Storing signatures"
	assert_not_contains "$stderr" "Error"

	SELKIE_TEST_ROOT=$BATS_TEST_TMPDIR/root2
	SELKIE_TEST_RUNROOT=$BATS_TEST_TMPDIR/runroot2
	run_selkie pull -q --creds selkie:s3cret "$dest"
	assert_equal "$output" "$id"
}

@test "push --digestfile writes the digest the registry serves for the tag" {
	require_registry
	local repo=push-$BATS_TEST_NUMBER/x
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	remember "$SELKIE_REGISTRY" "$repo" v1
	run_selkie push -q --digestfile "$BATS_TEST_TMPDIR/digest" "$SELKIE_REGISTRY/httpd:latest" \
		"$SELKIE_REGISTRY/$repo:v1"
	assert_equal "$output" ""
	assert_equal "$(cat "$BATS_TEST_TMPDIR/digest")" "$(registry_digest "$SELKIE_REGISTRY" "$repo" v1)"
	# The image's own manifest went up unchanged: same digest as the fixture's.
	assert_equal "$(cat "$BATS_TEST_TMPDIR/digest")" "$(registry_digest "$SELKIE_REGISTRY" httpd latest)"
}

@test "a second push skips the blobs the registry already has" {
	require_registry
	local dest=$SELKIE_REGISTRY_AUTH/push-$BATS_TEST_NUMBER/x:1
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	remember "$SELKIE_REGISTRY_AUTH" "push-$BATS_TEST_NUMBER/x" 1 -u selkie:s3cret
	run_selkie push --creds selkie:s3cret "$SELKIE_REGISTRY/busybox:latest" "$dest"
	assert_not_contains "$output" "skipped"
	run_selkie push --creds selkie:s3cret "$SELKIE_REGISTRY/busybox:latest" "$dest"
	assert_match "$output" "Copying blob [0-9a-f]{12} skipped: already exists"
	assert_contains "$output" "Writing manifest to image destination"
}

@test "push to another repository of the image's registry mounts its blobs" {
	require_registry
	local repo=push-$BATS_TEST_NUMBER/x
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	remember "$SELKIE_REGISTRY" "$repo" latest
	run_selkie push "$SELKIE_REGISTRY/busybox:latest" "docker://$SELKIE_REGISTRY/$repo"
	assert_match "$output" "Copying blob [0-9a-f]{12} skipped: already exists"
	registry_digest "$SELKIE_REGISTRY" "$repo" latest
}

@test "push uses the credentials login stored, and fails once logged out" {
	require_registry
	local dest=$SELKIE_REGISTRY_AUTH/push-$BATS_TEST_NUMBER/x:1
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	run_selkie login -u selkie -p s3cret "$SELKIE_REGISTRY_AUTH"
	remember "$SELKIE_REGISTRY_AUTH" "push-$BATS_TEST_NUMBER/x" 1 -u selkie:s3cret
	run_selkie push -q "$SELKIE_REGISTRY/busybox:latest" "$dest"
	registry_digest "$SELKIE_REGISTRY_AUTH" "push-$BATS_TEST_NUMBER/x" 1 -u selkie:s3cret
	run_selkie logout "$SELKIE_REGISTRY_AUTH"
	run_selkie 125 push -q "$SELKIE_REGISTRY/busybox:latest" "$dest"
	assert_match "$output" "^Error: .*(unauthorized|authentication required)"
}

@test "push with wrong credentials fails with exit 125 and pushes nothing" {
	require_registry
	local repo=push-$BATS_TEST_NUMBER/x
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	run_selkie 125 push --creds selkie:wrong "$SELKIE_REGISTRY/busybox:latest" \
		"$SELKIE_REGISTRY_AUTH/$repo:1"
	assert_match "$output" "Error: .*$SELKIE_REGISTRY_AUTH.*invalid username/password"
	run ! registry_digest "$SELKIE_REGISTRY_AUTH" "$repo" 1 -u selkie:s3cret
	run_selkie 125 push -q --creds selkie:wrong "$SELKIE_REGISTRY/busybox:latest" \
		"$SELKIE_REGISTRY_TOKEN/$repo:1"
	assert_match "$output" "^Error: .*(invalid username/password|unauthorized)"
}

@test "push --format oci of a Docker schema2 image and back to v2s2" {
	require_registry
	local repo=push-$BATS_TEST_NUMBER/x id m
	id=$(fixture_id busybox latest)
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:schema2"
	remember "$SELKIE_REGISTRY" "$repo" oci
	run_selkie push -q --format oci "$SELKIE_REGISTRY/busybox:schema2" "$SELKIE_REGISTRY/$repo:oci"
	m=$(registry_manifest "$SELKIE_REGISTRY" "$repo" oci)
	assert_equal "$(jq -r .mediaType <<<"$m")" "application/vnd.oci.image.manifest.v1+json"
	assert_equal "$(jq -r .config.mediaType <<<"$m")" "application/vnd.oci.image.config.v1+json"
	assert_equal "$(jq -r '.layers[].mediaType' <<<"$m")" "application/vnd.oci.image.layer.v1.tar+gzip"
	# The same blobs as the fixture's OCI busybox:latest.
	assert_equal "$(jq -cS . <<<"$m")" \
		"$(registry_manifest "$SELKIE_REGISTRY" busybox latest | jq -cS .)"

	SELKIE_TEST_ROOT=$BATS_TEST_TMPDIR/root2
	SELKIE_TEST_RUNROOT=$BATS_TEST_TMPDIR/runroot2
	run_selkie pull -q "$SELKIE_REGISTRY/$repo:oci"
	assert_equal "$output" "$id"
	remember "$SELKIE_REGISTRY" "$repo" v2s2
	run_selkie push -q --format v2s2 --digestfile "$BATS_TEST_TMPDIR/d" \
		"$SELKIE_REGISTRY/$repo:oci" "$SELKIE_REGISTRY/$repo:v2s2"
	# Byte for byte the manifest skopeo wrote for busybox:schema2.
	assert_equal "$(cat "$BATS_TEST_TMPDIR/d")" \
		"$(registry_digest "$SELKIE_REGISTRY" busybox schema2)"
}

@test "push --format v2s2 of a zstd image fails before uploading anything" {
	require_registry
	local repo=push-$BATS_TEST_NUMBER/x
	run_selkie pull -q "$SELKIE_REGISTRY/zstd:latest"
	run_selkie 125 push --format v2s2 "$SELKIE_REGISTRY/zstd:latest" "$SELKIE_REGISTRY/$repo:1"
	assert_equal "$output" 'Error: creating an updated image manifest: error during manifest conversion: "application/vnd.oci.image.layer.v1.tar+zstd": zstd compression is not supported for docker images'
	run ! registry_digest "$SELKIE_REGISTRY" "$repo" 1
}

@test "push without DESTINATION pushes to the name given" {
	require_registry
	local name=$SELKIE_REGISTRY/push-$BATS_TEST_NUMBER/x:mine
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" "$name"
	remember "$SELKIE_REGISTRY" "push-$BATS_TEST_NUMBER/x" mine
	run_selkie push -q "$name"
	assert_equal "$output" ""
	registry_digest "$SELKIE_REGISTRY" "push-$BATS_TEST_NUMBER/x" mine
}

@test "push of an image that is not in the store fails as podman does" {
	run_selkie 125 push nosuch "$SELKIE_REGISTRY/push-$BATS_TEST_NUMBER/x"
	assert_equal "$output" "Error: nosuch: image not known"
}

@test "push refuses bad flags and destinations with podman's messages" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	local img=$SELKIE_REGISTRY/busybox:latest dest=$SELKIE_REGISTRY/push-$BATS_TEST_NUMBER/x
	run_selkie 125 push --format bogus "$img" "$dest"
	assert_equal "$output" "Error: unknown format \"bogus\". Choose on of the supported formats: 'oci', 'v2s1', or 'v2s2'"
	run_selkie 125 push --tls-verify=maybe "$img" "$dest"
	assert_equal "$output" 'Error: invalid argument "maybe" for "--tls-verify" flag'
	run_selkie 125 push "$img" "$dest@sha256:$(printf '%064d' 0)"
	assert_contains "$output" '"Destination specifies a digest"'
	run_selkie 125 push --authfile "$BATS_TEST_TMPDIR/nope.json" "$img" "$dest"
	assert_equal "$output" "Error: stat $BATS_TEST_TMPDIR/nope.json: no such file or directory"
	run_selkie 125 push
	assert_equal "$output" "Error: requires at least 1 arg(s), only received 0"
	run_selkie 125 push a b c
	assert_equal "$output" "Error: accepts at most 2 arg(s), received 3"
}

@test "push to a TLS registry needs its CA (--cert-dir) or --tls-verify=false" {
	require_registry
	local dest=$SELKIE_REGISTRY_TLS/push-$BATS_TEST_NUMBER/x:1
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	run_selkie 125 push -q "$SELKIE_REGISTRY/busybox:latest" "$dest"
	assert_match "$output" "^Error: .*(certificate|x509|SSL|TLS|tls)"
	run_selkie push -q --cert-dir "$SELKIE_REGISTRY_TLS_CERT_DIR" "$SELKIE_REGISTRY/busybox:latest" "$dest"
	run_selkie push -q --tls-verify=false "$SELKIE_REGISTRY/busybox:latest" "$dest"
	local digest
	digest=$(curl -sfI --cacert "$SELKIE_REGISTRY_TLS_CA" -H "Accept: $MT_ACCEPT" \
		"https://$SELKIE_REGISTRY_TLS/v2/push-$BATS_TEST_NUMBER/x/manifests/1" |
		tr -d '\r' | awk 'tolower($1) == "docker-content-digest:" { print $2 }')
	[[ -n $digest ]]
	curl -sf -o /dev/null -X DELETE --cacert "$SELKIE_REGISTRY_TLS_CA" \
		"https://$SELKIE_REGISTRY_TLS/v2/push-$BATS_TEST_NUMBER/x/manifests/$digest"
}
