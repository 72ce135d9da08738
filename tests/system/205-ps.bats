#!/usr/bin/env bats
# selkie ps: which containers it lists, the table and its status texts, -q/-l/-n/--no-trunc,
# --format (templates, table, json), --sort and every filter.

load helpers
bats_require_minimum_version 1.5.0

# One second or less, as podman words it.
SECS='(Less than a second|[0-9]+ seconds?)'

setup() {
	selkie_test_setup
	BUSYBOX=${SELKIE_REGISTRY:-}/busybox:latest
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$BUSYBOX"
		BUSYBOX_ID=$output
	fi
}

# three_containers: "up" running (labels env=prod, tier=web), "ex3" exited with 3 (env=dev,
# a bind mount on /data), "cr" created (env=prod), made in that order.
three_containers() {
	mkdir -p "$BATS_TEST_TMPDIR/vol"
	run_selkie run -d --name up -l env=prod -l tier=web "$BUSYBOX" sleep 100
	UP_ID=$output
	run_selkie 3 run --name ex3 -l env=dev -v "$BATS_TEST_TMPDIR/vol:/data" "$BUSYBOX" \
		sh -c 'exit 3'
	EX_ID=$(ctr_field ex3 '{{.Id}}')
	run_selkie create --name cr -l env=prod "$BUSYBOX" true
	CR_ID=$output
}

# names ARGS...: the names `ps -a ARGS` lists, on one line, in ps's order.
names() {
	run_selkie ps -a --format '{{.Names}}' "$@"
	echo $output
}

@test "ps lists running containers; ps -a adds created and exited ones, newest first" {
	require_registry
	three_containers
	run_selkie ps
	assert_equal "${#lines[@]}" 2
	assert_match "${lines[0]}" '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$'
	assert_match "${lines[1]}" "^${UP_ID:0:12}  $BUSYBOX  sleep 100 +$SECS ago +Up $SECS( ago)? +up\$"
	run_selkie ps -a
	assert_equal "${#lines[@]}" 4
	assert_match "${lines[1]}" "^${CR_ID:0:12}  $BUSYBOX  true +$SECS ago +Created +cr\$"
	assert_match "${lines[2]}" "^${EX_ID:0:12}  $BUSYBOX  sh -c exit 3 +$SECS ago +Exited \\(3\\) $SECS ago +ex3\$"
	assert_match "${lines[3]}" "^${UP_ID:0:12} .* up\$"
	# container ls and container list are the same command.
	run_selkie container ls -a -q
	assert_equal "${#lines[@]}" 3
	run_selkie container list -q
	assert_equal "$output" "${UP_ID:0:12}"
}

@test "ps with no containers prints the header only; --noheading drops it" {
	require_registry
	run_selkie ps -a
	assert_match "$output" '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$'
	run_selkie ps -a --noheading
	assert_equal "$output" ""
	three_containers
	run_selkie ps -a --noheading
	assert_equal "${#lines[@]}" 3
	assert_match "${lines[2]}" "^${UP_ID:0:12} "
}

@test "the status says Up N seconds, Exited (N) N seconds ago, Created" {
	require_registry
	three_containers
	# Let a second go by so the texts have a number in them.
	wait_until 5 bash -c "'$SELKIE_BIN' --root '$SELKIE_TEST_ROOT' --runroot '$SELKIE_TEST_RUNROOT' \
		ps -a --format '{{.Status}}' | grep -q '^Exited (3) [0-9]'"
	run_selkie ps -a --format '{{.Names}}|{{.Status}}|{{.State}}'
	assert_equal "${lines[0]}" "cr|Created|created"
	assert_match "${lines[1]}" "^ex3\\|Exited \\(3\\) [0-9]+ seconds? ago\\|exited\$"
	assert_match "${lines[2]}" "^up\\|Up [0-9]+ seconds?( ago)?\\|running\$"
	run_selkie kill up
	run_selkie ps -a --format '{{.Status}}' --filter name=up
	assert_match "$output" "^Exited \\(137\\) $SECS ago\$"
}

@test "the status of a paused container says Paused; status=paused selects it" {
	require_registry
	require_root "pause needs the freezer cgroup: this cgroup v1 host delegates none to users"
	three_containers
	run_selkie pause up
	run_selkie ps -a --format '{{.Names}}|{{.Status}}|{{.State}}' --filter name=up
	assert_equal "$output" "up|Paused|paused"
	assert_equal "$(names --filter status=paused)" "up"
	assert_equal "$(names --filter status=running)" ""
	run_selkie unpause up
	assert_equal "$(names --filter status=running)" "up"
}

@test "-q prints short IDs; --no-trunc prints full IDs and whole commands" {
	require_registry
	three_containers
	run_selkie ps -a -q
	assert_equal "$output" "${CR_ID:0:12}
${EX_ID:0:12}
${UP_ID:0:12}"
	run_selkie ps -a -q --no-trunc
	assert_equal "$output" "$CR_ID
$EX_ID
$UP_ID"
	run_selkie run --name long "$BUSYBOX" sh -c 'echo this is a long long command line'
	run_selkie ps -a --filter name=long
	assert_match "${lines[1]}" '  sh -c echo this i\.\.\.  '
	run_selkie ps -a --no-trunc --filter name=long
	assert_match "${lines[1]}" '^[0-9a-f]{64}  .*  sh -c echo this is a long long command line  '
}

@test "-l shows the latest container and -n N the N latest, whatever their state" {
	require_registry
	three_containers
	run_selkie ps -l --format '{{.Names}}'
	assert_equal "$output" "cr"
	run_selkie ps --latest -q
	assert_equal "$output" "${CR_ID:0:12}"
	run_selkie ps -n 2 --format '{{.Names}}'
	assert_equal "$output" "cr
ex3"
	run_selkie ps --last 5 --format '{{.Names}}'
	assert_equal "$output" "cr
ex3
up"
}

@test "--format with a template prints podman's fields" {
	require_registry
	three_containers
	run_selkie ps -a --format \
		'{{.ID}}|{{.Names}}|{{.Image}}|{{.ImageID}}|{{.Command}}|{{.State}}|{{.ExitCode}}|{{.Exited}}|{{.Labels.env}}|{{.AutoRemove}}' \
		--filter name=ex3
	assert_equal "$output" \
		"${EX_ID:0:12}|ex3|$BUSYBOX|$BUSYBOX_ID|sh -c exit 3|exited|3|true|dev|false"
	run_selkie ps --format '{{.Pid}} {{.Names}}'
	assert_equal "$output" "$(ctr_field up '{{.State.Pid}}') up"
	run_selkie ps --format '{{.CreatedAt}}|{{.RunningFor}}'
	assert_match "$output" \
		"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ \\+0000 UTC\\|$SECS ago\$"
	run_selkie ps -a --format '{{.Mounts}}' --filter name=ex3
	assert_equal "$output" "[/data]"
	run_selkie 125 ps --format '{{.NoSuchField}}'
	assert_match "$output" '^Error: template: .*NoSuchField'
}

@test "--format table adds a header to a template" {
	require_registry
	three_containers
	run_selkie ps --format 'table {{.ID}} {{.Names}} {{.State}}'
	assert_match "${lines[0]}" '^CONTAINER ID +NAMES +STATE$'
	assert_match "${lines[1]}" "^${UP_ID:0:12} +up +running\$"
	assert_equal "${#lines[@]}" 2
}

@test "--format json is an array of podman's container objects" {
	require_registry
	three_containers
	run_selkie ps -a --format json
	assert_equal "$(jq length <<<"$output")" "3"
	run jq -c '.[] | select(.Names[0] == "ex3") |
		[.Id, .Image, .ImageID, .Command, .State, .ExitCode, .Exited, .Labels.env, .Pid,
		 (.Created | type), (.StartedAt | type), (.ExitedAt > 0)]' <<<"$output"
	assert_equal "$output" \
		"[\"$EX_ID\",\"$BUSYBOX\",\"$BUSYBOX_ID\",[\"sh\",\"-c\",\"exit 3\"],\"exited\",3,true,\"dev\",0,\"number\",\"number\",true]"
	run_selkie ps --format json
	assert_equal "$(jq -r '.[0].State + " " + (.[0].Pid | tostring)' <<<"$output")" \
		"running $(ctr_field up '{{.State.Pid}}')"
	run_selkie ps -a --format json --filter name=nomatch
	assert_equal "$(jq -c . <<<"$output")" "[]"
}

@test "--sort orders by names, status, id, command or created" {
	require_registry
	three_containers
	assert_equal "$(names --sort names)" "cr ex3 up"
	assert_equal "$(names --sort status)" "cr ex3 up"
	assert_equal "$(names --sort created)" "cr ex3 up"
	assert_equal "$(names --sort command)" "ex3 up cr"
	local sorted
	sorted=$(printf '%s\n' "${UP_ID:0:12} up" "${EX_ID:0:12} ex3" "${CR_ID:0:12} cr" | sort |
		cut -d' ' -f2)
	assert_equal "$(names --sort id)" "$(echo $sorted)"
	run_selkie 125 ps --sort bogus
	assert_match "$output" '^Error: .*sort.*command, created, id, image, names, runningfor, size'
}

@test "filter id= and name= match a prefix of the ID and a regex of the name" {
	require_registry
	three_containers
	assert_equal "$(names --filter "id=${EX_ID:0:5}")" "ex3"
	assert_equal "$(names --filter "id=$UP_ID")" "up"
	assert_equal "$(names --filter name=ex3)" "ex3"
	assert_equal "$(names --filter name=^c)" "cr"
	assert_equal "$(names --filter name=e)" "ex3"
	# Several values of one filter: any of them.
	assert_equal "$(names --filter name=up --filter name=cr)" "cr up"
	assert_equal "$(names --filter id=ffffffffffff)" ""
}

@test "filter label= matches a key or key=value; several label filters must all match" {
	require_registry
	three_containers
	assert_equal "$(names --filter label=env)" "cr ex3 up"
	assert_equal "$(names --filter label=env=prod)" "cr up"
	assert_equal "$(names --filter label=tier)" "up"
	assert_equal "$(names --filter label=env=prod --filter label=tier=web)" "up"
	assert_equal "$(names --filter label=env --filter label=env=dev)" "ex3"
	assert_equal "$(names --filter label=env=dev --filter label=env=prod)" ""
	assert_equal "$(names --filter label=org.selkie.test=busybox)" "cr ex3 up"
}

@test "filter status= and exited= select by state and exit code; bad values are errors" {
	require_registry
	three_containers
	assert_equal "$(names --filter status=running)" "up"
	assert_equal "$(names --filter status=exited)" "ex3"
	assert_equal "$(names --filter status=created)" "cr"
	assert_equal "$(names --filter status=exited --filter status=created)" "cr ex3"
	assert_equal "$(names --filter status=paused)" ""
	assert_equal "$(names --filter exited=3)" "ex3"
	assert_equal "$(names --filter exited=0)" ""
	# Without -a a status filter still shows what it names.
	run_selkie ps --filter status=exited --format '{{.Names}}'
	assert_equal "$output" "ex3"
	run_selkie 125 ps -a --filter status=bogus
	assert_equal "$output" "Error: unknown container state: bogus: invalid argument"
	run_selkie 125 ps -a --filter exited=abc
	assert_match "$output" '^Error: .*abc'
}

@test "filter ancestor= matches the image by name, short name or ID" {
	require_registry
	three_containers
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	run_selkie create --name web "$SELKIE_REGISTRY/httpd:latest"
	assert_equal "$(names --filter "ancestor=$BUSYBOX")" "cr ex3 up"
	assert_equal "$(names --filter ancestor=busybox)" "cr ex3 up"
	assert_equal "$(names --filter "ancestor=${BUSYBOX_ID:0:12}")" "cr ex3 up"
	assert_equal "$(names --filter "ancestor=$SELKIE_REGISTRY/httpd")" "web"
	assert_equal "$(names --filter ancestor=nosuchimage)" ""
}

@test "filter before= and since= take a name or an ID; an unknown one is an error" {
	require_registry
	three_containers
	assert_equal "$(names --filter before=cr)" "ex3 up"
	assert_equal "$(names --filter before=ex3)" "up"
	assert_equal "$(names --filter since=up)" "cr ex3"
	assert_equal "$(names --filter "since=${EX_ID:0:12}")" "cr"
	assert_equal "$(names --filter since=cr)" ""
	run_selkie 125 ps -a --filter before=nosuch
	assert_equal "$output" 'Error: no container with name or ID "nosuch" found: no such container'
}

@test "filter volume= matches a mount's destination or source" {
	require_registry
	three_containers
	assert_equal "$(names --filter volume=/data)" "ex3"
	assert_equal "$(names --filter "volume=$BATS_TEST_TMPDIR/vol")" "ex3"
	assert_equal "$(names --filter volume=/elsewhere)" ""
}

@test "an unknown filter is an error" {
	require_registry
	run_selkie 125 ps -a --filter bogus=1
	assert_equal "$output" "Error: bogus is an invalid filter"
}

@test "ps through runc lists the same states" {
	require_registry
	run_selkie run -d --runtime runc --name r-up "$BUSYBOX" sleep 100
	run_selkie 4 run --runtime runc --name r-ex "$BUSYBOX" sh -c 'exit 4'
	run_selkie ps -a --format '{{.Names}} {{.State}} {{.ExitCode}}'
	assert_equal "$output" "r-ex exited 4
r-up running 0"
}
