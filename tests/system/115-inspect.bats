#!/usr/bin/env bats
# selkie image inspect and selkie inspect on images.

load helpers
bats_require_minimum_version 1.5.0

# fixture_json NAME JQ: evaluate JQ on {manifest, config} of NAME:latest in the fixture layout.
fixture_json() {
	local layout=$SELKIE_FIXTURE_IMAGES/oci/$1 m
	m=$(jq -r '.manifests[0].digest' "$layout/index.json")
	local c
	c=$(jq -r .config.digest "$layout/blobs/sha256/${m#sha256:}")
	jq -n -r --slurpfile m "$layout/blobs/sha256/${m#sha256:}" \
		--slurpfile c "$layout/blobs/sha256/${c#sha256:}" \
		--arg md "$m" --arg cd "$c" \
		"{manifest: \$m[0], config: \$c[0], mdigest: \$md, cdigest: \$cd} | $2"
}

setup() {
	selkie_test_setup
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
		HTTPD_ID=$output
	fi
}

@test "image inspect prints a JSON array with the image's fields" {
	require_registry
	run_selkie_stdout image inspect "$SELKIE_REGISTRY/httpd:latest"
	assert_equal "$(jq length <<<"$output")" 1
	local j
	j=$(jq -c '.[0]' <<<"$output")
	assert_equal "$(jq -r .Id <<<"$j")" "$(fixture_json httpd '.cdigest[7:]')"
	assert_equal "$(jq -r .Digest <<<"$j")" "$(fixture_json httpd .mdigest)"
	assert_equal "$(jq -c .RepoTags <<<"$j")" "[\"$SELKIE_REGISTRY/httpd:latest\"]"
	assert_equal "$(jq -c .RepoDigests <<<"$j")" \
		"[\"$SELKIE_REGISTRY/httpd@$(fixture_json httpd .mdigest)\"]"
	assert_equal "$(jq -r .Architecture <<<"$j")" "amd64"
	assert_equal "$(jq -r .Os <<<"$j")" "linux"
	assert_equal "$(jq -r .Created <<<"$j")" "2023-11-14T22:13:20Z"
	assert_equal "$(jq -c .Config.Cmd <<<"$j")" '["httpd","-f","-p","80","-h","/www"]'
	assert_equal "$(jq -c .Config.Env <<<"$j")" \
		'["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'
	assert_equal "$(jq -c .Config.ExposedPorts <<<"$j")" '{"80/tcp":{}}'
	assert_equal "$(jq -c .Config.Labels <<<"$j")" '{"org.selkie.test":"httpd"}'
	assert_equal "$(jq -c .Labels <<<"$j")" '{"org.selkie.test":"httpd"}'
	assert_equal "$(jq -r .RootFS.Type <<<"$j")" "layers"
	assert_equal "$(jq -c .RootFS.Layers <<<"$j")" "$(fixture_json httpd '.config.rootfs.diff_ids' | jq -c .)"
	assert_equal "$(jq -r .ManifestType <<<"$j")" "application/vnd.oci.image.manifest.v1+json"
	assert_equal "$(jq -r '.History | length' <<<"$j")" 2
	assert_equal "$(jq -r .GraphDriver.Name <<<"$j")" "overlay"
	assert_equal "$(jq -r .Parent <<<"$j")" ""
}

@test "image inspect --format picks single fields" {
	require_registry
	local id
	id=$(fixture_json httpd '.cdigest[7:]')
	run_selkie image inspect --format '{{.Id}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "$id"
	run_selkie image inspect --format '{{.ID}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "$id"
	run_selkie image inspect --format '{{.RepoTags}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "[$SELKIE_REGISTRY/httpd:latest]"
	run_selkie image inspect --format '{{.RepoDigests}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "[$SELKIE_REGISTRY/httpd@$(fixture_json httpd .mdigest)]"
	run_selkie image inspect --format '{{.Digest}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "$(fixture_json httpd .mdigest)"
	run_selkie image inspect --format '{{.Config.Labels}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "map[org.selkie.test:httpd]"
	run_selkie image inspect --format '{{index .Config.Labels "org.selkie.test"}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "httpd"
	run_selkie image inspect --format '{{.Architecture}}/{{.Os}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "amd64/linux"
	run_selkie image inspect --format '{{len .RootFS.Layers}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" 2
	run_selkie image inspect --format '{{.Config.Cmd}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "[httpd -f -p 80 -h /www]"
	run_selkie image inspect --format '{{json .Config.Labels}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" '{"org.selkie.test":"httpd"}'
	# Times print as Go prints a time.Time.
	run_selkie image inspect --format '{{.Created}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "2023-11-14 22:13:20 +0000 UTC"
}

@test "image inspect .Size is the unpacked size of the layers" {
	require_registry
	local layout=$SELKIE_FIXTURE_IMAGES/oci/httpd sum=0 d n
	for d in $(fixture_json httpd '.manifest.layers[].digest'); do
		n=$(gzip -dc "$layout/blobs/sha256/${d#sha256:}" | wc -c)
		sum=$((sum + n))
	done
	run_selkie image inspect --format '{{.Size}}' "$SELKIE_REGISTRY/httpd"
	# podman adds its metadata (config, manifest) to the layers.
	((output >= sum && output < sum + 65536))
	run_selkie image inspect --format '{{.VirtualSize}}' "$SELKIE_REGISTRY/httpd"
	((output >= sum && output < sum + 65536))
}

@test "image inspect finds the image by ID, short ID, digest, short name and docker name" {
	require_registry
	local want=$HTTPD_ID ref
	for ref in "$HTTPD_ID" "sha256:$HTTPD_ID" "${HTTPD_ID:0:12}" "${HTTPD_ID:0:4}" \
		"$SELKIE_REGISTRY/httpd@$(fixture_json httpd .mdigest)" httpd httpd:latest \
		"$SELKIE_REGISTRY/httpd:latest"; do
		run_selkie image inspect --format '{{.Id}}' "$ref"
		assert_equal "$ref => $output" "$ref => $want"
	done
}

@test "image inspect of a multi-arch image shows the chosen platform" {
	require_registry
	run_selkie pull -q --platform linux/arm64 "$SELKIE_REGISTRY/multiarch:latest"
	run_selkie image inspect --format '{{.Architecture}} {{.Os}} {{.Variant}}' "$SELKIE_REGISTRY/multiarch"
	assert_equal "$output" "arm64 linux v8"
}

@test "inspect picks the image" {
	require_registry
	run_selkie_stdout inspect "$SELKIE_REGISTRY/httpd"
	assert_equal "$(jq -r '.[0].Id' <<<"$output")" "$HTTPD_ID"
	run_selkie inspect --format '{{.Id}} {{.Os}}' "${HTTPD_ID:0:12}"
	assert_equal "$output" "$HTTPD_ID linux"
	run_selkie inspect --type image --format '{{.Id}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "$HTTPD_ID"
	run_selkie inspect -f '{{.Id}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "$HTTPD_ID"
}

@test "image inspect of a missing image prints [] and exits 125" {
	run_selkie_stdout 125 image inspect nothere
	assert_equal "$output" "[]"
	assert_equal "$stderr" "Error: inspecting object: nothere: image not known"
}

@test "inspect of a missing object prints [] and exits 125" {
	run_selkie_stdout 125 inspect nothere
	assert_equal "$output" "[]"
	assert_equal "$stderr" 'Error: inspecting object: no such object: "nothere"'
}

@test "image inspect with several images prints them all" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	local bid=$output
	run_selkie_stdout image inspect "$SELKIE_REGISTRY/httpd" "$SELKIE_REGISTRY/busybox"
	assert_equal "$(jq -r '.[].Id' <<<"$output")" "$HTTPD_ID
$bid"
	run_selkie image inspect --format '{{.Id}}' "$SELKIE_REGISTRY/busybox" "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "$bid
$HTTPD_ID"
}

@test "image inspect with one missing image prints the others and exits 125" {
	require_registry
	run_selkie_stdout 125 image inspect --format '{{.Id}}' "$SELKIE_REGISTRY/httpd" nothere
	assert_equal "$output" "$HTTPD_ID"
	assert_equal "$stderr" "Error: inspecting object: nothere: image not known"
}

@test "image inspect --format with an unknown field fails with exit 125" {
	require_registry
	run_selkie_stdout 125 image inspect --format '{{.Nope}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" ""
	assert_match "$stderr" "^Error: .*can't evaluate field Nope"
}

@test "image inspect without an argument fails with exit 125" {
	run_selkie 125 image inspect
	assert_match "${lines[0]}" '^Error: '
}
