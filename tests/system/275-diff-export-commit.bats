#!/usr/bin/env bats
# selkie diff, export and commit: what a container changed, its whole file system as a tar,
# and a new image made of it that runs — podman's output and words.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	selkie_test_setup
	BUSYBOX=${SELKIE_REGISTRY:-}/busybox:latest
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$BUSYBOX"
	fi
}

# changed_ctr NAME: an exited container that added, changed and deleted files.
changed_ctr() {
	run_selkie run --name "$1" "$BUSYBOX" \
		sh -c 'echo new > /new; rm /etc/group; mkdir -p /d/e; echo f > /d/e/f'
}

@test "diff lists what a container added, changed and deleted, in path order" {
	require_registry
	changed_ctr c1
	run_selkie diff c1
	assert_equal "$output" "A /d
A /d/e
A /d/e/f
C /etc
D /etc/group
A /new"
	run_selkie container diff c1
	assert_equal "${lines[4]}" "D /etc/group"
	run_selkie diff --latest
	assert_equal "${lines[5]}" "A /new"
	# A container that changed nothing has no changes.
	run_selkie create --name c2 "$BUSYBOX" true
	run_selkie diff c2
	assert_equal "$output" ""
	run_selkie diff --format json c2
	assert_equal "$output" "{}"
}

@test "diff --format json groups the paths as podman does" {
	require_registry
	changed_ctr c1
	run_selkie diff --format json c1
	assert_equal "$(jq -c . <<<"$output")" \
		'{"changed":["/etc"],"added":["/d","/d/e","/d/e/f","/new"],"deleted":["/etc/group"]}'
	# podman's encoder indents by five spaces
	assert_equal "${lines[1]}" '     "changed": ['
	run_selkie 125 diff --format yaml c1
	assert_equal "$output" "Error: only supported value for '--format' is 'json'"
}

@test "diff of an image shows its top layer; unknown names fail as podman's" {
	require_registry
	changed_ctr c1
	run_selkie commit -q c1 committed
	run_selkie diff committed
	assert_equal "$output" "A /d
A /d/e
A /d/e/f
C /etc
D /etc/group
A /new"
	run_selkie diff "$BUSYBOX"
	assert_contains "$output" "A /bin"
	assert_not_contains "$output" "C "
	run_selkie 125 diff nonexist
	assert_equal "$output" "Error: nonexist not found: layer not known"
	run_selkie 125 container diff "$BUSYBOX"
	assert_equal "$output" \
		"Error: no container with name or ID \"$BUSYBOX\" found: no such container"
	run_selkie 125 diff
	assert_equal "$output" "Error: \"selkie diff\" requires a name, id, or the \"--latest\" flag"
}

@test "export writes the whole file system of a stopped or running container" {
	require_registry
	changed_ctr c1
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" export c1 \
		>"$BATS_TEST_TMPDIR/c1.tar"
	run tar -tf "$BATS_TEST_TMPDIR/c1.tar"
	assert_contains "$output" "bin/busybox"
	assert_contains "$output" "d/e/f"
	assert_contains "$output" "etc/passwd"
	assert_not_contains "$output" "etc/group"
	assert_equal "$(tar -xOf "$BATS_TEST_TMPDIR/c1.tar" new)" "new"
	# stopped: mounted for the export only
	run grep -c "$SELKIE_TEST_ROOT/containers" "$(selkie_mountinfo)"
	assert_equal "$output" "0"

	run_selkie export -o "$BATS_TEST_TMPDIR/out.tar" c1
	assert_equal "$output" ""
	cmp "$BATS_TEST_TMPDIR/c1.tar" "$BATS_TEST_TMPDIR/out.tar"

	run_selkie run -d --name r1 "$BUSYBOX" sh -c 'echo live > /live; sleep 1000'
	wait_until 10 "$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		exec r1 test -f /live
	run_selkie container export -o "$BATS_TEST_TMPDIR/r1.tar" r1
	assert_equal "$(tar -xOf "$BATS_TEST_TMPDIR/r1.tar" live)" "live"
}

@test "export refuses a terminal and unknown containers" {
	require_registry
	run_selkie create --name c1 "$BUSYBOX" true
	run script -qec "$SELKIE_BIN --root $SELKIE_TEST_ROOT --runroot $SELKIE_TEST_RUNROOT export c1" \
		/dev/null
	assert_contains "$output" "Error: refusing to export to terminal. Use -o flag or redirect"
	[[ $status -eq 125 ]]
	run_selkie 125 export -o "$BATS_TEST_TMPDIR/x.tar" nonexist
	assert_equal "$output" "Error: no container with name or ID \"nonexist\" found: no such container"
	[[ ! -e $BATS_TEST_TMPDIR/x.tar ]]
}

@test "commit makes an image of the container's changes that runs" {
	require_registry
	changed_ctr c1
	run_selkie_stdout commit c1 newimg
	[[ $output =~ ^[0-9a-f]{64}$ ]]
	local id=$output
	assert_contains "$stderr" "Getting image source signatures"
	assert_contains "$stderr" "Copying config sha256:$id"
	assert_contains "$stderr" "Writing manifest to image destination"
	run_selkie images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
	assert_contains "$output" "localhost/newimg:latest ${id:0:12}"
	run_selkie run --rm newimg sh -c 'cat /new /d/e/f; ls /etc'
	assert_contains "$output" "new"
	assert_contains "$output" "f"
	assert_not_contains "$output" "group"
	# one layer more than the image it came from, and a history entry for it
	run_selkie image inspect --format '{{len .RootFS.Layers}}' "$BUSYBOX"
	local base=$output
	run_selkie image inspect --format '{{len .RootFS.Layers}}' newimg
	assert_equal "$output" "$((base + 1))"
	run_selkie history --format '{{.CreatedBy}} {{.Comment}}' newimg
	assert_equal "${lines[0]}" "/bin/sh FROM $BUSYBOX"
	# -q prints the ID only; no name makes a dangling image
	run_selkie_stdout commit -q --iidfile "$BATS_TEST_TMPDIR/iid" c1
	[[ $output =~ ^[0-9a-f]{64}$ ]]
	assert_equal "$stderr" ""
	assert_equal "$(cat "$BATS_TEST_TMPDIR/iid")" "$output"
}

@test "commit keeps the container's settings and applies --change" {
	require_registry
	run_selkie create --name c1 -e FOO=bar -w /tmp -l lab=val "$BUSYBOX" sh -c 'echo $FOO'
	run_selkie commit -q -a "Some Body" c1 settings
	run_selkie run --rm settings
	assert_equal "$output" "bar"
	run_selkie image inspect --format '{{.Author}} {{.Config.WorkingDir}} {{.Config.Labels.lab}}' \
		settings
	assert_equal "$output" "Some Body /tmp val"
	run_selkie commit -q -c 'CMD ["echo", "changed"]' -c 'ENV X=1' c1 changed
	run_selkie run --rm changed
	assert_equal "$output" "changed"
	run_selkie run --rm changed sh -c 'echo $FOO$X'
	assert_equal "$output" "bar1"
	run_selkie commit -q -f docker -m "a message" c1 docker-img
	run_selkie image inspect --format '{{.Comment}} {{.ManifestType}}' docker-img
	assert_equal "$output" "a message application/vnd.docker.distribution.manifest.v2+json"
	# podman's errors
	run_selkie 125 commit -m "a message" c1 x
	assert_equal "$output" \
		"Error: messages are only compatible with the docker image format (-f docker)"
	run_selkie 125 commit -f xml c1 x
	assert_equal "$output" "Error: unrecognized image format \"xml\""
	run_selkie 125 commit -c 'BOGUS x' c1 x
	assert_contains "$output" "Error: invalid change \"BOGUS x\""
	run_selkie 125 commit nonexist x
	assert_equal "$output" "Error: no container with name or ID \"nonexist\" found: no such container"
	run_selkie 1 image exists x
}

@test "commit of a running container" {
	require_registry
	run_selkie run -d --name r1 "$BUSYBOX" sh -c 'echo live > /live; sleep 1000'
	wait_until 10 "$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		exec r1 test -f /live
	run_selkie commit -q r1 live-img
	assert_equal "$(ctr_field r1 '{{.State.Status}}')" "running"
	run_selkie run --rm live-img cat /live
	assert_equal "$output" "live"
	# the image's command is the container's
	run_selkie image inspect --format '{{index .Config.Cmd 0}}' live-img
	assert_equal "$output" "sh"
}

@test "commit -p of a running container, paused while its layer is read" {
	require_registry
	require_root "pause needs the freezer cgroup: this cgroup v1 host delegates none to users"
	run_selkie run -d --name r1 "$BUSYBOX" sh -c 'echo live > /live; sleep 1000'
	wait_until 10 "$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		exec r1 test -f /live
	run_selkie commit -q -p r1 live-img
	assert_equal "$(ctr_field r1 '{{.State.Status}}')" "running"
	run_selkie run --rm live-img cat /live
	assert_equal "$output" "live"
}
