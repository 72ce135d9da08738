#!/usr/bin/env bats
# selkie version and selkie info / system info.

load helpers
bats_require_minimum_version 1.5.0

@test "version prints the client block with the project version" {
	run_selkie version
	assert_match "${lines[0]}" '^Client: +Selkie Engine$'
	assert_match "$output" $'\nVersion: +[0-9]+\\.[0-9]+\\.[0-9]+'
	assert_match "$output" $'\nAPI Version: +[0-9]'
	assert_match "$output" $'\nOS/Arch: +linux/(amd64|arm64)'
}

@test "version --format picks .Client.Version and .Server.Version" {
	run_selkie_stdout version --format '{{.Client.Version}}'
	assert_match "$output" '^[0-9]+\.[0-9]+\.[0-9]+$'
	local client=$output
	# Text output and template agree.
	run_selkie version
	assert_match "$output" $'\nVersion: +'"$client"$'\n'
	# Without a remote service the server is the local engine (podman prints its own version).
	run_selkie_stdout version --format '{{.Server.Version}}'
	assert_equal "$output" "$client"
	run_selkie_stdout version --format 'v={{.Client.Version}} os={{.Client.Os}}'
	assert_equal "$output" "v=$client os=linux"
}

@test "version --format json is valid JSON with Client.Version" {
	run_selkie_stdout version --format '{{.Client.Version}}'
	local client=$output
	run_selkie_stdout version --format json
	local v
	v=$(jq -r .Client.Version <<<"$output")
	assert_equal "$v" "$client"
	v=$(jq -r .Client.OsArch <<<"$output")
	assert_match "$v" '^linux/'
}

@test "version --format with an unknown field fails with exit 125" {
	run_selkie_stdout 125 version --format '{{.Nope}}'
	assert_equal "$output" ""
	assert_match "$stderr" "^Error: .*can't evaluate field Nope"
}

@test "version takes no arguments" {
	run_selkie 125 version extra
	assert_equal "${lines[0]}" "Error: \`selkie version\` takes no arguments"
}

@test "info --format .Store.GraphRoot is the --root given" {
	run_selkie_stdout info --format '{{.Store.GraphRoot}}'
	assert_equal "$output" "$SELKIE_TEST_ROOT"
	run_selkie_stdout info --format '{{.Store.RunRoot}}'
	assert_equal "$output" "$SELKIE_TEST_RUNROOT"
	run_selkie_stdout system info --format '{{.Store.GraphRoot}}'
	assert_equal "$output" "$SELKIE_TEST_ROOT"
}

@test "info --format .Host.OCIRuntime.Name names the runtime in use" {
	run_selkie_stdout info --format '{{.Host.OCIRuntime.Name}}'
	assert_match "$output" '^(crun|runc)$'
	local name=$output
	run_selkie_stdout info --format '{{.Host.OCIRuntime.Path}}'
	[[ -x $output ]]
	assert_equal "${output##*/}" "$name"
	# --runtime picks it.
	run_selkie_stdout --runtime runc info --format '{{.Host.OCIRuntime.Name}}'
	assert_equal "$output" "runc"
}

@test "info with a --runtime that does not exist fails with exit 125" {
	run_selkie_stdout 125 --runtime nope info --format '{{.Host.OCIRuntime.Name}}'
	assert_equal "$output" ""
	assert_contains "$stderr" 'Error: default OCI runtime "nope" not found'
}

@test "info --format .Store.GraphDriverName is overlay, or vfs with --storage-driver vfs" {
	run_selkie_stdout info --format '{{.Store.GraphDriverName}}'
	assert_equal "$output" "overlay"
	SELKIE_TEST_ROOT=$BATS_TEST_TMPDIR/vfs-root
	run_selkie_stdout --storage-driver vfs info --format '{{.Store.GraphDriverName}}'
	assert_equal "$output" "vfs"
}

@test "info --format json parses and carries host, store and version" {
	run_selkie_stdout info --format json
	jq -e . <<<"$output" >/dev/null
	assert_equal "$(jq -r .store.graphRoot <<<"$output")" "$SELKIE_TEST_ROOT"
	assert_equal "$(jq -r .store.runRoot <<<"$output")" "$SELKIE_TEST_RUNROOT"
	assert_equal "$(jq -r .store.graphDriverName <<<"$output")" "overlay"
	assert_match "$(jq -r .host.ociRuntime.name <<<"$output")" '^(crun|runc)$'
	assert_equal "$(jq -r .host.os <<<"$output")" "linux"
	assert_match "$(jq -r .version.Version <<<"$output")" '^[0-9]+\.[0-9]+\.[0-9]+$'
	assert_equal "$(jq -r .store.imageStore.number <<<"$output")" "0"
}

@test "info lists the search registries of registries.conf" {
	require_registry
	run_selkie_stdout info --format json
	assert_equal "$(jq -r '.registries.search[0]' <<<"$output")" "$SELKIE_REGISTRY"
	run_selkie_stdout info
	assert_contains "$output" "graphRoot: $SELKIE_TEST_ROOT"
	assert_contains "$output" "graphDriverName: overlay"
}

@test "info counts the images in the store" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	run_selkie_stdout info --format '{{.Store.ImageStore.Number}}'
	assert_equal "$output" "1"
}

@test "info --format with an unknown field fails with exit 125" {
	run_selkie_stdout 125 info --format '{{.Store.Nope}}'
	assert_equal "$output" ""
	assert_match "$stderr" "^Error: .*can't evaluate field Nope"
}
