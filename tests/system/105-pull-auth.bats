#!/usr/bin/env bats
# selkie pull from registries that want credentials (basic auth, bearer tokens) or TLS.

load helpers
bats_require_minimum_version 1.5.0

# The suite runner pushes only to the plain registry: put busybox on the other three.
setup_file() {
	[[ -n ${SELKIE_REGISTRY:-} ]] || return 0
	local push=$SELKIE_SOURCE_ROOT/tests/fixtures/push-images.sh
	"$push" "$SELKIE_FIXTURE_IMAGES" "$SELKIE_REGISTRY_AUTH" --creds selkie:s3cret busybox:latest
	"$push" "$SELKIE_FIXTURE_IMAGES" "$SELKIE_REGISTRY_TLS" \
		--cert-dir "$SELKIE_REGISTRY_TLS_CERT_DIR" busybox:latest
	"$push" "$SELKIE_FIXTURE_IMAGES" "$SELKIE_REGISTRY_TOKEN" --creds selkie:s3cret busybox:latest
	"$push" "$SELKIE_FIXTURE_IMAGES" "$SELKIE_REGISTRY_TOKEN" --creds selkie:s3cret \
		--prefix public/ busybox:latest
}

# busybox's image ID, from the fixture layout.
busybox_id() {
	local layout=$SELKIE_FIXTURE_IMAGES/oci/busybox m
	m=$(jq -r '.manifests[0].digest' "$layout/index.json")
	jq -r .config.digest "$layout/blobs/sha256/${m#sha256:}" | cut -d: -f2
}

# write_auth FILE REGISTRY USER:PASS: an auth.json with one entry.
write_auth() {
	local auth
	auth=$(printf %s "$3" | base64 -w0)
	mkdir -p "$(dirname "$1")"
	jq -n --arg r "$2" --arg a "$auth" '{auths: {($r): {auth: $a}}}' >"$1"
}

# init_snapshot: create the (empty) store, print its snapshot.
init_snapshot() {
	run_selkie images -q
	store_snapshot
}

# assert_failed_cleanly SNAPSHOT: the command failed with one Error: line and changed nothing.
assert_failed_cleanly() {
	assert_equal "${#lines[@]}" 1
	assert_match "${lines[0]}" '^Error: '
	run_selkie images -q
	assert_equal "$output" ""
	assert_equal "$(store_snapshot)" "$1"
}

@test "basic auth registry: pull without credentials fails with unauthorized" {
	require_registry
	local before
	before=$(init_snapshot)
	run_selkie 125 pull -q "$SELKIE_REGISTRY_AUTH/busybox:latest"
	assert_contains "${lines[0]}" "Error: reading manifest latest in $SELKIE_REGISTRY_AUTH/busybox: unauthorized: authentication required"
	assert_failed_cleanly "$before"
}

@test "basic auth registry: pull --creds works" {
	require_registry
	run_selkie pull -q --creds selkie:s3cret "$SELKIE_REGISTRY_AUTH/busybox:latest"
	assert_equal "$output" "$(busybox_id)"
	run_selkie images --format '{{.Repository}}:{{.Tag}}'
	assert_equal "$output" "$SELKIE_REGISTRY_AUTH/busybox:latest"
}

@test "basic auth registry: the credentials in \$REGISTRY_AUTH_FILE are used" {
	require_registry
	write_auth "$REGISTRY_AUTH_FILE" "$SELKIE_REGISTRY_AUTH" selkie:s3cret
	run_selkie pull -q "$SELKIE_REGISTRY_AUTH/busybox:latest"
	assert_equal "$output" "$(busybox_id)"
}

@test "basic auth registry: --authfile is used instead of \$REGISTRY_AUTH_FILE" {
	require_registry
	write_auth "$BATS_TEST_TMPDIR/other-auth.json" "$SELKIE_REGISTRY_AUTH" selkie:s3cret
	write_auth "$REGISTRY_AUTH_FILE" "$SELKIE_REGISTRY_AUTH" selkie:wrong
	run_selkie pull -q --authfile "$BATS_TEST_TMPDIR/other-auth.json" "$SELKIE_REGISTRY_AUTH/busybox:latest"
	assert_equal "$output" "$(busybox_id)"
}

@test "an entry for the repository in auth.json is used" {
	require_registry
	write_auth "$REGISTRY_AUTH_FILE" "$SELKIE_REGISTRY_AUTH/busybox" selkie:s3cret
	run_selkie pull -q "$SELKIE_REGISTRY_AUTH/busybox:latest"
	assert_equal "$output" "$(busybox_id)"
}

@test "credentials from \${XDG_RUNTIME_DIR}/containers/auth.json and ~/.docker/config.json" {
	require_registry
	unset REGISTRY_AUTH_FILE
	write_auth "$XDG_RUNTIME_DIR/containers/auth.json" "$SELKIE_REGISTRY_AUTH" selkie:s3cret
	run_selkie pull -q "$SELKIE_REGISTRY_AUTH/busybox:latest"
	assert_equal "$output" "$(busybox_id)"
	run_selkie rmi -a
	rm "$XDG_RUNTIME_DIR/containers/auth.json"
	write_auth "$HOME/.docker/config.json" "$SELKIE_REGISTRY_AUTH" selkie:s3cret
	run_selkie pull -q "$SELKIE_REGISTRY_AUTH/busybox:latest"
	assert_equal "$output" "$(busybox_id)"
}

@test "basic auth registry: wrong --creds fail with exit 125 naming the cause" {
	require_registry
	local before
	before=$(init_snapshot)
	run_selkie 125 pull -q --creds selkie:wrong "$SELKIE_REGISTRY_AUTH/busybox:latest"
	assert_match "${lines[0]}" "^Error: .*$SELKIE_REGISTRY_AUTH.*(invalid username/password|unauthorized)"
	assert_failed_cleanly "$before"
}

@test "basic auth registry: wrong credentials in auth.json fail with exit 125" {
	require_registry
	write_auth "$REGISTRY_AUTH_FILE" "$SELKIE_REGISTRY_AUTH" selkie:wrong
	local before
	before=$(init_snapshot)
	run_selkie 125 pull -q "$SELKIE_REGISTRY_AUTH/busybox:latest"
	assert_match "${lines[0]}" "^Error: .*$SELKIE_REGISTRY_AUTH.*(invalid username/password|unauthorized)"
	assert_failed_cleanly "$before"
}

@test "--authfile naming a missing file fails before contacting the registry" {
	require_registry
	local before
	before=$(init_snapshot)
	run_selkie 125 pull -q --authfile "$BATS_TEST_TMPDIR/nope.json" "$SELKIE_REGISTRY_AUTH/busybox:latest"
	assert_equal "${lines[0]}" "Error: stat $BATS_TEST_TMPDIR/nope.json: no such file or directory"
	assert_failed_cleanly "$before"
}

@test "an unparsable auth.json fails with exit 125 naming the file" {
	require_registry
	echo garbage >"$REGISTRY_AUTH_FILE"
	local before
	before=$(init_snapshot)
	run_selkie 125 pull -q "$SELKIE_REGISTRY_AUTH/busybox:latest"
	assert_contains "${lines[0]}" "$REGISTRY_AUTH_FILE"
	assert_failed_cleanly "$before"
}

@test "token registry: anonymous pull of a public/ repository works" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY_TOKEN/public/busybox:latest"
	assert_equal "$output" "$(busybox_id)"
}

@test "token registry: anonymous pull of a private repository fails with exit 125" {
	require_registry
	local before
	before=$(init_snapshot)
	run_selkie 125 pull -q "$SELKIE_REGISTRY_TOKEN/busybox:latest"
	assert_match "${lines[0]}" "^Error: .*$SELKIE_REGISTRY_TOKEN/busybox.*(unauthorized|denied)"
	assert_failed_cleanly "$before"
}

@test "token registry: pull --creds gets a token and pulls" {
	require_registry
	run_selkie pull -q --creds selkie:s3cret "$SELKIE_REGISTRY_TOKEN/busybox:latest"
	assert_equal "$output" "$(busybox_id)"
	# The pull-only account may pull too.
	run_selkie rmi -a
	run_selkie pull -q --creds reader:r3ader "$SELKIE_REGISTRY_TOKEN/busybox:latest"
	assert_equal "$output" "$(busybox_id)"
}

@test "token registry: credentials from auth.json" {
	require_registry
	write_auth "$REGISTRY_AUTH_FILE" "$SELKIE_REGISTRY_TOKEN" selkie:s3cret
	run_selkie pull -q "$SELKIE_REGISTRY_TOKEN/busybox:latest"
	assert_equal "$output" "$(busybox_id)"
}

@test "token registry: wrong --creds fail with exit 125 naming the cause" {
	require_registry
	local before
	before=$(init_snapshot)
	run_selkie 125 pull -q --creds selkie:wrong "$SELKIE_REGISTRY_TOKEN/busybox:latest"
	assert_match "${lines[0]}" "^Error: .*$SELKIE_REGISTRY_TOKEN.*(invalid username/password|unauthorized)"
	assert_failed_cleanly "$before"
}

@test "TLS registry: pull without the CA fails with a certificate error" {
	require_registry
	local before
	before=$(init_snapshot)
	run_selkie 125 pull -q "$SELKIE_REGISTRY_TLS/busybox:latest"
	assert_match "${lines[0]}" "^Error: pinging container registry $SELKIE_REGISTRY_TLS: .*(certificate|x509)"
	assert_failed_cleanly "$before"
}

@test "TLS registry: a --cert-dir without the CA fails too" {
	require_registry
	mkdir -p "$BATS_TEST_TMPDIR/empty-certs"
	local before
	before=$(init_snapshot)
	run_selkie 125 pull -q --cert-dir "$BATS_TEST_TMPDIR/empty-certs" "$SELKIE_REGISTRY_TLS/busybox:latest"
	assert_match "${lines[0]}" "^Error: pinging container registry $SELKIE_REGISTRY_TLS: .*(certificate|x509)"
	assert_failed_cleanly "$before"
}

@test "TLS registry: pull --cert-dir with the CA works" {
	require_registry
	run_selkie pull -q --cert-dir "$SELKIE_REGISTRY_TLS_CERT_DIR" "$SELKIE_REGISTRY_TLS/busybox:latest"
	assert_equal "$output" "$(busybox_id)"
}

@test "TLS registry: pull --tls-verify=false works without the CA" {
	require_registry
	run_selkie pull -q --tls-verify=false "$SELKIE_REGISTRY_TLS/busybox:latest"
	assert_equal "$output" "$(busybox_id)"
}

@test "--tls-verify=true refuses a plain HTTP registry even when registries.conf says insecure" {
	require_registry
	local before
	before=$(init_snapshot)
	run_selkie 125 pull -q --tls-verify=true "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "${lines[0]}" "Error: pinging container registry $SELKIE_REGISTRY: http: server gave HTTP response to HTTPS client"
	assert_failed_cleanly "$before"
}

@test "--tls-verify=false reaches a plain HTTP registry" {
	require_registry
	run_selkie pull -q --tls-verify=false "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" "$(busybox_id)"
}
