#!/usr/bin/env bats
# selkie history / image history and selkie image prune.

load helpers
bats_require_minimum_version 1.5.0

# layers:latest has four layers and five history entries (one empty_layer).
setup() {
	selkie_test_setup
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$SELKIE_REGISTRY/layers:latest"
		LAYERS_ID=$output
	fi
}

@test "history shows ID CREATED CREATED BY SIZE COMMENT, newest first" {
	require_registry
	run_selkie history "$SELKIE_REGISTRY/layers:latest"
	assert_match "${lines[0]}" '^ID +CREATED +CREATED BY +SIZE +COMMENT$'
	assert_equal "${#lines[@]}" 6
	assert_match "${lines[1]}" "^${LAYERS_ID:0:12} +[0-9]+ years ago +layer 4: re-create data/resurrected.txt +10.2 kB"
	assert_match "${lines[2]}" '^<missing> +[0-9]+ years ago +layer 3: whiteouts, opaque dir, replacements +20.5 kB'
	assert_match "${lines[3]}" '^<missing> +[0-9]+ years ago +ENV LAYERS_EMPTY=1 +0 B'
	assert_match "${lines[4]}" '^<missing> +[0-9]+ years ago +layer 2: populate /data +30.7 kB'
	assert_match "${lines[5]}" '^<missing> +[0-9]+ years ago +busybox base +2.13 MB'
	local all=$output
	run_selkie image history "$SELKIE_REGISTRY/layers:latest"
	assert_equal "$output" "$all"
}

@test "history --no-trunc shows the full ID" {
	require_registry
	run_selkie history --no-trunc "$SELKIE_REGISTRY/layers:latest"
	assert_match "${lines[1]}" "^$LAYERS_ID +[0-9]+ years ago +layer 4"
}

@test "history -q prints only the IDs" {
	require_registry
	run_selkie history -q "$SELKIE_REGISTRY/layers:latest"
	assert_equal "$output" "${LAYERS_ID:0:12}
<missing>
<missing>
<missing>
<missing>"
	run_selkie history -q --no-trunc "$SELKIE_REGISTRY/layers:latest"
	assert_equal "${lines[0]}" "$LAYERS_ID"
}

@test "history --format with a Go template" {
	require_registry
	run_selkie history --format '{{.ID}}|{{.CreatedBy}}|{{.Size}}|{{.Comment}}' "$SELKIE_REGISTRY/layers:latest"
	assert_equal "$output" "${LAYERS_ID:0:12}|layer 4: re-create data/resurrected.txt|10.2 kB|
<missing>|layer 3: whiteouts, opaque dir, replacements|20.5 kB|
<missing>|ENV LAYERS_EMPTY=1|0 B|
<missing>|layer 2: populate /data|30.7 kB|
<missing>|busybox base|2.13 MB|"
	run_selkie history --format 'table {{.ID}} {{.CreatedBy}}' "$SELKIE_REGISTRY/layers:latest"
	assert_match "${lines[0]}" '^ID +CREATED BY$'
	assert_equal "${#lines[@]}" 6
	run_selkie history --format '{{.CreatedAt}}' "$SELKIE_REGISTRY/layers:latest"
	assert_equal "${lines[0]}" "2023-11-14 22:13:20 +0000 UTC"
}

@test "history --format json gives podman's fields with numeric sizes" {
	require_registry
	run_selkie_stdout history --format json "$SELKIE_REGISTRY/layers:latest"
	assert_equal "$(jq length <<<"$output")" 5
	assert_equal "$(jq -r '.[0].id' <<<"$output")" "$LAYERS_ID"
	assert_equal "$(jq -r '.[1].id' <<<"$output")" "<missing>"
	assert_equal "$(jq -r '.[0].created' <<<"$output")" "2023-11-14T22:13:20Z"
	assert_equal "$(jq -r '.[0].CreatedBy' <<<"$output")" "layer 4: re-create data/resurrected.txt"
	assert_equal "$(jq -r '[.[].size] | join(",")' <<<"$output")" "10240,20480,0,30720,2129920"
}

@test "history -H=false prints times as timestamps" {
	require_registry
	run_selkie history -H=false "$SELKIE_REGISTRY/layers:latest"
	assert_match "${lines[1]}" "^${LAYERS_ID:0:12} +2023-11-14T22:13:20Z +layer 4"
}

@test "history of a missing image fails with exit 125" {
	run_selkie 125 history nothere
	assert_equal "$output" "Error: nothere: image not known"
}

@test "image prune -f removes only dangling images" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	local busybox=$output
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	local httpd=$output
	# Nothing dangling: nothing removed.
	run_selkie image prune -f
	assert_equal "$output" ""
	run_selkie images -q
	assert_equal "${#lines[@]}" 3
	run_selkie untag "$SELKIE_REGISTRY/layers:latest"
	run_selkie image inspect --format '{{.GraphDriver.Data.UpperDir}}' "$LAYERS_ID"
	local top=$output
	run_selkie image prune -f
	assert_equal "$output" "$LAYERS_ID"
	run_selkie images -q --sort id
	assert_equal "$output" "$(printf '%s\n' "${httpd:0:12}" "${busybox:0:12}" | sort)"
	run_selkie 1 image exists "$LAYERS_ID"
	# Its own layers went; the shared base stayed.
	[[ ! -e $top ]]
	run_selkie image inspect --format '{{.GraphDriver.Data.UpperDir}}' "$busybox"
	[[ -x $output/bin/busybox ]]
}

@test "image prune -a -f removes every image" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	run_selkie image prune -a -f
	assert_equal "${#lines[@]}" 2
	assert_contains "$output" "$LAYERS_ID"
	run_selkie images -q
	assert_equal "$output" ""
	assert_equal "$(find "$SELKIE_TEST_ROOT/overlay" -mindepth 1 -maxdepth 1 -regextype egrep \
		-regex '.*/[0-9a-f]{64}')" ""
}

@test "image prune -a --filter label= removes only the matching images" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	local httpd=$output
	run_selkie image prune -a -f --filter label=org.selkie.test=httpd
	assert_equal "$output" "$httpd"
	run_selkie images -q
	assert_equal "$output" "${LAYERS_ID:0:12}"
}

@test "image prune with an unknown filter fails with exit 125 and removes nothing" {
	require_registry
	run_selkie untag "$SELKIE_REGISTRY/layers:latest"
	local before
	before=$(store_snapshot)
	run_selkie 125 image prune -f --filter bogus=1
	assert_equal "$output" 'Error: unsupported image filter "bogus"'
	assert_equal "$(store_snapshot)" "$before"
}

@test "image prune without -f asks first and removes nothing without a yes" {
	require_registry
	run_selkie untag "$SELKIE_REGISTRY/layers:latest"
	local before
	before=$(store_snapshot)
	run_selkie 125 image prune </dev/null
	assert_contains "$output" "WARNING! This command removes all dangling images."
	assert_contains "$output" "Are you sure you want to continue? [y/N]"
	assert_equal "$(store_snapshot)" "$before"
	run_selkie image prune <<<n
	assert_equal "$(store_snapshot)" "$before"
	run_selkie image prune <<<y
	assert_contains "$output" "$LAYERS_ID"
	run_selkie images -q
	assert_equal "$output" ""
}

@test "image prune takes no arguments" {
	run_selkie 125 image prune -f extra
	assert_equal "$output" "Error: \`selkie image prune\` takes no arguments"
}
