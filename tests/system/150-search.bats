#!/usr/bin/env bats
# selkie search: registries without a search API are searched through /v2/_catalog, as podman
# does; --list-tags lists a repository's tags.

load helpers
bats_require_minimum_version 1.5.0

MT_ACCEPT="application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"

# Repositories this test pushed ("registry repo curl-options"), their manifests deleted by
# teardown.
pushed=()

teardown() {
	local entry reg repo auth digest
	for entry in "${pushed[@]}"; do
		read -r reg repo auth <<<"$entry"
		digest=$(curl -sfI $auth -H "Accept: $MT_ACCEPT" \
			"http://$reg/v2/$repo/manifests/latest" | tr -d '\r' |
			awk 'tolower($1) == "docker-content-digest:" { print $2 }')
		[[ -n $digest ]] || continue
		curl -sf -o /dev/null -X DELETE $auth "http://$reg/v2/$repo/manifests/$digest" || true
	done
	selkie_test_teardown
}

# push_repo REGISTRY REPO [selkie push options]: put busybox there as REPO:latest.
push_repo() {
	local reg=$1 repo=$2 auth=
	shift 2
	[[ $* == *--creds* ]] && auth="-u selkie:s3cret"
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	pushed+=("$reg $repo $auth")
	run_selkie push -q "$@" "$SELKIE_REGISTRY/busybox:latest" "$reg/$repo:latest"
}

@test "search REGISTRY/TERM lists the repositories containing TERM, a full match first" {
	require_registry
	local p=srch$BATS_TEST_NUMBER
	push_repo "$SELKIE_REGISTRY" "$p/aa/$p/zz"
	push_repo "$SELKIE_REGISTRY" "$p/zz"
	push_repo "$SELKIE_REGISTRY" "$p/other"
	run_selkie_stdout search --format '{{.Name}}' "$SELKIE_REGISTRY/$p/zz"
	assert_equal "$output" "$SELKIE_REGISTRY/$p/zz
$SELKIE_REGISTRY/$p/aa/$p/zz"
	assert_equal "$stderr" ""
}

@test "search prints podman's NAME and DESCRIPTION table" {
	require_registry
	run_selkie_stdout search "$SELKIE_REGISTRY/httpd"
	assert_match "${lines[0]}" '^NAME +DESCRIPTION$'
	assert_match "$output" $'\n'"$SELKIE_REGISTRY/httpd +"$'(\n|$)'
	run_selkie_stdout search --compatible "$SELKIE_REGISTRY/httpd"
	assert_match "${lines[0]}" '^NAME +DESCRIPTION +STARS +OFFICIAL +AUTOMATED$'
	assert_match "$output" "$SELKIE_REGISTRY/httpd +0"
}

@test "search TERM without a registry searches the unqualified-search registries" {
	require_registry
	run_selkie search --format '{{.Index}} {{.Name}}' busybox
	assert_equal "${lines[0]}" "$SELKIE_REGISTRY $SELKIE_REGISTRY/busybox"
	run_selkie search --format '{{.Name}}' ttpd
	assert_contains "$output" "$SELKIE_REGISTRY/httpd"
}

@test "search with no match prints nothing and succeeds" {
	require_registry
	run_selkie_stdout search "$SELKIE_REGISTRY/no-such-repository-anywhere"
	assert_equal "$output" ""
	assert_equal "$stderr" ""
}

@test "search --limit caps the results" {
	require_registry
	local p=srch$BATS_TEST_NUMBER
	push_repo "$SELKIE_REGISTRY" "$p/a"
	push_repo "$SELKIE_REGISTRY" "$p/b"
	push_repo "$SELKIE_REGISTRY" "$p/c"
	run_selkie search --format '{{.Name}}' --limit 2 "$SELKIE_REGISTRY/$p/"
	assert_equal "$output" "$SELKIE_REGISTRY/$p/a
$SELKIE_REGISTRY/$p/b"
	run_selkie search --format '{{.Name}}' "$SELKIE_REGISTRY/$p/"
	assert_equal "${#lines[@]}" 3
}

@test "search --format json prints podman's fields" {
	require_registry
	run_selkie_stdout search --format json "$SELKIE_REGISTRY/httpd"
	local row
	row=$(jq -c --arg n "$SELKIE_REGISTRY/httpd" '.[] | select(.Name == $n)' <<<"$output")
	assert_equal "$row" "{\"Index\":\"$SELKIE_REGISTRY\",\"Name\":\"$SELKIE_REGISTRY/httpd\",\"Description\":\"\",\"Stars\":0,\"Official\":\"\",\"Automated\":\"\",\"Tag\":\"\"}"
	run_selkie search --format '{{.Name}}|{{.Stars}}|{{.Official}}|{{.Automated}}|{{.Tag}}' \
		"$SELKIE_REGISTRY/httpd"
	assert_contains "$output" "$SELKIE_REGISTRY/httpd|0|||"
	run_selkie search --format 'table {{.Index}} {{.Name}}' "$SELKIE_REGISTRY/httpd"
	assert_match "${lines[0]}" '^INDEX +NAME$'
}

@test "search --filter: a catalog has no stars, official or automated images" {
	require_registry
	run_selkie search --filter is-official "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" ""
	run_selkie search --filter is-official=true "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" ""
	run_selkie search --filter is-automated=true "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" ""
	run_selkie search --filter stars=1 "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" ""
	run_selkie search --format '{{.Name}}' --filter is-official=false \
		--filter is-automated=false --filter stars=0 "$SELKIE_REGISTRY/httpd"
	assert_contains "$output" "$SELKIE_REGISTRY/httpd"
	run_selkie 125 search --filter stars=many "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" 'Error: incorrect value type for stars filter: strconv.Atoi: parsing "many": invalid syntax'
	run_selkie 125 search --filter color=red "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" 'Error: invalid filter type "color=red"'
}

@test "search --list-tags lists a repository's tags" {
	require_registry
	run_selkie_stdout search --list-tags "$SELKIE_REGISTRY/busybox"
	assert_match "${lines[0]}" '^NAME +TAG$'
	assert_match "${lines[1]}" "^$SELKIE_REGISTRY/busybox +latest$"
	assert_match "${lines[2]}" "^$SELKIE_REGISTRY/busybox +oci$"
	assert_match "${lines[3]}" "^$SELKIE_REGISTRY/busybox +schema2$"
	assert_equal "${#lines[@]}" 4
	run_selkie search --list-tags --limit 1 "$SELKIE_REGISTRY/busybox:schema2"
	assert_equal "${#lines[@]}" 2
	run_selkie search --list-tags --format json busybox
	assert_equal "$(jq -c . <<<"$output")" \
		"[{\"Name\":\"$SELKIE_REGISTRY/busybox\",\"Tags\":[\"latest\",\"oci\",\"schema2\"]}]"
}

@test "search --list-tags errors: filters, unknown repository" {
	require_registry
	run_selkie 125 search --list-tags --filter stars=1 "$SELKIE_REGISTRY/busybox"
	assert_equal "$output" "Error: filters are not applicable to list tags result"
	run_selkie 125 search --list-tags "$SELKIE_REGISTRY/no-such-repository"
	assert_match "$output" "^Error: getting repository tags: .*$SELKIE_REGISTRY/no-such-repository.*"
}

@test "search of a registry that is not there fails with exit 125" {
	run_selkie 125 search 127.0.0.1:1/busybox
	assert_match "$output" '^Error: couldn.t search registry "127.0.0.1:1": .*connection refused'
}

@test "search of a registry that wants credentials: --creds or a login" {
	require_registry
	local p=srch$BATS_TEST_NUMBER
	push_repo "$SELKIE_REGISTRY_AUTH" "$p/private" --creds selkie:s3cret
	run_selkie 125 search "$SELKIE_REGISTRY_AUTH/$p/"
	assert_match "$output" "^Error: couldn.t search registry \"$SELKIE_REGISTRY_AUTH\": .*(unauthorized|authentication required)"
	run_selkie search --format '{{.Name}}' --creds selkie:s3cret "$SELKIE_REGISTRY_AUTH/$p/"
	assert_equal "$output" "$SELKIE_REGISTRY_AUTH/$p/private"
	run_selkie login -u selkie -p s3cret "$SELKIE_REGISTRY_AUTH"
	run_selkie search --format '{{.Name}}' "$SELKIE_REGISTRY_AUTH/$p/"
	assert_equal "$output" "$SELKIE_REGISTRY_AUTH/$p/private"
	run_selkie 125 search --authfile "$BATS_TEST_TMPDIR/nope.json" "$SELKIE_REGISTRY_AUTH/$p/"
	assert_equal "$output" "Error: stat $BATS_TEST_TMPDIR/nope.json: no such file or directory"
}
