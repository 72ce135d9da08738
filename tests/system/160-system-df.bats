#!/usr/bin/env bats
# selkie system df: disk usage of images, containers and volumes in podman's layout.

load helpers
bats_require_minimum_version 1.5.0

# image_size NAME: the image's size as images --format json reports it.
image_size() {
	run_selkie images --format json
	jq -r --arg n "$1" '.[] | select(.Names | index($n)) | .Size' <<<"$output"
}

@test "system df on an empty store counts nothing" {
	run_selkie system df
	assert_match "${lines[0]}" '^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE$'
	assert_match "${lines[1]}" '^Images +0 +0 +0B +0B \(0%\)$'
	assert_match "${lines[2]}" '^Containers +0 +0 +0B +0B \(0%\)$'
	assert_match "${lines[3]}" '^Local Volumes +0 +0 +0B +0B \(0%\)$'
	assert_equal "${#lines[@]}" 4
}

@test "system df counts each image name and each shared layer once" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	local bb
	bb=$(image_size "$SELKIE_REGISTRY/busybox:latest")
	run_selkie system df --format '{{.Type}}:{{.Total}}:{{.Active}}:{{.RawSize}}:{{.RawReclaimable}}'
	assert_equal "${lines[0]}" "Images:1:0:$bb:$bb"
	# httpd is busybox's layer plus one: the shared layer is counted once.
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" localhost/other:1
	local httpd
	httpd=$(image_size "$SELKIE_REGISTRY/httpd:latest")
	run_selkie system df --format '{{.Type}}:{{.Total}}:{{.RawSize}}'
	assert_equal "$output" "Images:3:$httpd
Containers:0:0
Local Volumes:0:0"
	run_selkie system df
	assert_match "${lines[1]}" '^Images +3 +0 +[0-9.]+[kMG]?B +[0-9.]+[kMG]?B \(100%\)$'
}

@test "system df --format json prints podman's summary objects" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	local bb
	bb=$(image_size "$SELKIE_REGISTRY/busybox:latest")
	run_selkie system df --format json
	assert_equal "$(jq -c '.[0] | keys_unsorted' <<<"$output")" \
		'["Type","Total","Active","RawSize","RawReclaimable","TotalCount","Size","Reclaimable"]'
	assert_equal "$(jq -r '.[].Type' <<<"$output" | paste -sd,)" "Images,Containers,Local Volumes"
	assert_equal "$(jq -r '.[0].RawSize' <<<"$output")" "$bb"
	assert_equal "$(jq -r '.[0].TotalCount' <<<"$output")" 1
	assert_match "$(jq -r '.[0].Reclaimable' <<<"$output")" '^[0-9.]+MB \(100%\)$'
	assert_equal "$(jq -c '.[1]' <<<"$output")" \
		'{"Type":"Containers","Total":0,"Active":0,"RawSize":0,"RawReclaimable":0,"TotalCount":0,"Size":"0B","Reclaimable":"0B (0%)"}'
	run_selkie system df --format '{{json .}}'
	assert_equal "$(jq -r '.[2].Type' <<<"$output")" "Local Volumes"
}

@test "system df --format 'table ...' prints the chosen columns with headers" {
	run_selkie system df --format 'table {{.Type}} {{.Total}}'
	assert_match "${lines[0]}" '^TYPE +TOTAL$'
	assert_match "${lines[3]}" '^Local Volumes +0$'
}

@test "system df --verbose lists images, containers and volumes" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	run_selkie system df --verbose
	assert_equal "${lines[0]}" "Images space usage:"
	assert_match "${lines[1]}" '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE +SHARED SIZE +UNIQUE SIZE +CONTAINERS$'
	assert_match "$output" "$SELKIE_REGISTRY/httpd +latest +[0-9a-f]{12} +[0-9]+ years +[0-9.]+[kM]B +[0-9.]+[kM]B +[0-9.]+[kM]B +0"
	# busybox is the base of httpd: all of it is shared.
	assert_match "$output" "$SELKIE_REGISTRY/busybox +latest +[0-9a-f]{12} +[0-9]+ years +([0-9.]+MB) +\\1 +0B +0"
	assert_contains "$output" "Containers space usage:"
	assert_match "$output" $'\nCONTAINER ID +IMAGE +COMMAND +LOCAL VOLUMES +SIZE +CREATED +STATUS +NAMES\n'
	assert_contains "$output" "Local Volumes space usage:"
	assert_match "${lines[-1]}" '^VOLUME NAME +LINKS +SIZE$'
}

@test "system df refuses --format with --verbose, and arguments" {
	run_selkie 125 system df --verbose --format json
	assert_equal "$output" "Error: cannot combine --format and --verbose flags"
	run_selkie 125 system df images
	assert_match "$output" "^Error: "
}
