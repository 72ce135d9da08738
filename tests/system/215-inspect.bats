#!/usr/bin/env bats
# selkie inspect / container inspect of containers: the docker-compatible document (Id, Name,
# State, Config, HostConfig, Mounts, ...), podman's --format paths, and how a name that is
# both an image and a container is resolved.

load helpers
bats_require_minimum_version 1.5.0

# Go's time.Time String() in UTC, as podman's templates print times.
GOTIME='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)? \+0000 UTC'
RFC3339='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})'

setup() {
	selkie_test_setup
	BUSYBOX=${SELKIE_REGISTRY:-}/busybox:latest
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$BUSYBOX"
		BUSYBOX_ID=$output
	fi
}

# doc CONTAINER JQ-FILTER: the filter applied to the container's inspect document (compact,
# object keys sorted).
doc() {
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		container inspect "$1" | jq -cS ".[0] | $2"
}

@test "inspect prints a JSON array with the container's document" {
	require_registry
	run_selkie create --name doc "$BUSYBOX" sleep 100
	local id=$output
	run_selkie inspect doc
	assert_equal "$(jq -r 'type, length, .[0].Id, .[0].Name' <<<"$output")" "array
1
$id
doc"
	assert_equal "$(jq -c '.[0] | [has("Created"), has("Path"), has("Args"), has("State"),
		has("Image"), has("ImageName"), has("Config"), has("HostConfig"), has("Mounts"),
		has("RestartCount"), has("Driver"), has("NetworkSettings")] | all' <<<"$output")" "true"
	assert_equal "$(jq -c '.[0] | [.Path, .Args, .Image, .ImageName, .Driver, .RestartCount]' \
		<<<"$output")" "[\"sleep\",[\"100\"],\"$BUSYBOX_ID\",\"$BUSYBOX\",\"overlay\",0]"
	assert_match "$(jq -r '.[0].Created' <<<"$output")" "^$RFC3339\$"
	# container inspect is the same document.
	run_selkie container inspect "${id:0:12}"
	assert_equal "$(jq -r '.[0].Id' <<<"$output")" "$id"
}

@test "State of a running container: running, its host PID, StartedAt, the monitor's PID" {
	require_registry
	run_selkie run -d --name r "$BUSYBOX" sleep 100
	assert_equal "$(doc r '[.State.Status, .State.Running, .State.Paused, .State.ExitCode,
		.State.OOMKilled, .State.FinishedAt]')" '["running",true,false,0,false,"0001-01-01T00:00:00Z"]'
	local pid conmon
	pid=$(ctr_field r '{{.State.Pid}}')
	assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 100 "
	conmon=$(ctr_field r '{{.State.ConmonPid}}')
	[[ -d /proc/$conmon ]]
	assert_equal "$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")" "$conmon"
	assert_match "$(doc r .State.StartedAt)" "^\"$RFC3339\"\$"
}

@test "State of an exited container: its exit code, FinishedAt after StartedAt, no PID" {
	require_registry
	run_selkie 9 run --name x "$BUSYBOX" sh -c 'sleep 0.1; exit 9'
	assert_equal "$(doc x '[.State.Status, .State.Running, .State.ExitCode, .State.Pid]')" \
		'["exited",false,9,0]'
	local started finished
	started=$(date -d "$(doc x .State.StartedAt | tr -d '"')" +%s%N)
	finished=$(date -d "$(doc x .State.FinishedAt | tr -d '"')" +%s%N)
	((finished - started >= 100000000))
	((finished <= $(date +%s%N)))
}

@test "State.OOMKilled is true for a container killed for using more than --memory" {
	require_registry
	require_root "cgroup limits: this cgroup v1 host delegates no cgroups to users"
	run_selkie 137 run --name oom -m 10m "$BUSYBOX" sh -c \
		'x=$(head -c 50000000 /dev/zero | tr "\0" a); echo ${#x}'
	run_selkie inspect --format '{{.State.OOMKilled}} {{.State.ExitCode}}' oom
	assert_equal "$output" "true 137"
	run_selkie run --name fine -m 10m "$BUSYBOX" true
	run_selkie inspect --format '{{.State.OOMKilled}}' fine
	assert_equal "$output" "false"
}

@test "Config holds the command, environment, labels, hostname, user and working directory" {
	require_registry
	run_selkie create --name cfg -e FOO=bar -l k=v -u selkie -w /tmp --hostname hn \
		--stop-signal USR1 "$BUSYBOX" sleep 5
	assert_equal "$(doc cfg '[.Config.Cmd, .Config.Labels, .Config.User, .Config.WorkingDir,
		.Config.Hostname, .Config.Image, .Config.StopSignal]')" \
		"[[\"sleep\",\"5\"],{\"k\":\"v\",\"org.selkie.test\":\"busybox\"},\"selkie\",\"/tmp\",\"hn\",\"$BUSYBOX\",10]"
	assert_equal "$(doc cfg '.Config.Env | map(select(startswith("FOO=") or startswith("PATH=")))')" \
		'["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","FOO=bar"]'
	run_selkie inspect --format '{{.Config.Cmd}}|{{.Config.Env}}|{{.Config.Labels}}' cfg
	assert_match "$output" '^\[sleep 5\]\|\[.*FOO=bar.*\]\|map\[k:v org.selkie.test:busybox\]$'
}

@test "HostConfig holds the restart policy, the log driver, read-only and privileged" {
	require_registry
	run_selkie create --name hc --restart on-failure:3 \
		--log-opt max-size=1m --read-only --privileged "$BUSYBOX" true
	assert_equal "$(doc hc '[.HostConfig.RestartPolicy, .HostConfig.LogConfig.Type,
		.HostConfig.ReadonlyRootfs, .HostConfig.Privileged]')" \
		'[{"MaximumRetryCount":3,"Name":"on-failure"},"k8s-file",true,true]'
	run_selkie create --name plain "$BUSYBOX" true
	assert_equal "$(doc plain '.HostConfig.RestartPolicy.Name')" '""'
}

@test "HostConfig holds the memory and pids limits" {
	require_registry
	# (rootless, podman drops them with a warning on a cgroup v1 host: they would not apply)
	require_root "cgroup limits: this cgroup v1 host delegates no cgroups to users"
	run_selkie create --name hc -m 64m --pids-limit 99 "$BUSYBOX" true
	assert_equal "$(doc hc '[.HostConfig.Memory, .HostConfig.PidsLimit]')" '[67108864,99]'
	run_selkie inspect --format '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}' hc
	assert_equal "$output" "67108864 99"
	run_selkie create --name plain "$BUSYBOX" true
	assert_equal "$(doc plain '[.HostConfig.Memory, .HostConfig.PidsLimit]')" '[0,2048]'
}

@test "Mounts lists the bind mounts with source, destination and RW" {
	require_registry
	mkdir "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	run_selkie create --name m -v "$BATS_TEST_TMPDIR/a:/data" -v "$BATS_TEST_TMPDIR/b:/ro:ro" \
		"$BUSYBOX" true
	assert_equal "$(doc m '[.Mounts[] | select(.Type == "bind") | [.Source, .Destination, .RW]]')" \
		"[[\"$BATS_TEST_TMPDIR/a\",\"/data\",true],[\"$BATS_TEST_TMPDIR/b\",\"/ro\",false]]"
	run_selkie inspect --format '{{range .Mounts}}{{.Destination}}={{.RW}} {{end}}' m
	assert_equal "$output" "/data=true /ro=false "
	run_selkie create --name none "$BUSYBOX" true
	assert_equal "$(doc none .Mounts)" "[]"
}

@test "--format takes podman's paths, functions, and prints times as podman does" {
	require_registry
	run_selkie run -d --name f -l a=1 "$BUSYBOX" sleep 100
	local id=$output
	run_selkie inspect --format '{{.Id}} {{.Name}} {{.State.Running}}' f
	assert_equal "$output" "$id f true"
	run_selkie inspect -f '{{json .Config.Labels}}' f
	assert_equal "$(jq -cS . <<<"$output")" '{"a":"1","org.selkie.test":"busybox"}'
	run_selkie inspect --format '{{index .Config.Labels "a"}} {{len .Config.Cmd}}' f
	assert_equal "$output" "1 2"
	run_selkie inspect --format '{{.Created}}' f
	assert_match "$output" "^$GOTIME\$"
	run_selkie inspect --format '{{.State.StartedAt}}' f
	assert_match "$output" "^$GOTIME\$"
	# Go's zero time, for a container that has not finished.
	run_selkie inspect --format '{{.State.FinishedAt}}' f
	assert_equal "$output" "0001-01-01 00:00:00 +0000 UTC"
	run_selkie 125 inspect --format '{{.NoSuch.Field}}' f
	assert_match "$output" '^Error: template: .*NoSuch'
}

@test "inspect of several containers prints each; a missing one fails after the others" {
	require_registry
	run_selkie create --name one "$BUSYBOX" true
	run_selkie create --name two "$BUSYBOX" true
	run_selkie inspect --format '{{.Name}}' one two
	assert_equal "$output" "one
two"
	run_selkie_stdout 125 inspect --format '{{.Name}}' one nosuch
	assert_equal "$output" "one"
	assert_equal "$stderr" 'Error: inspecting object: no such object: "nosuch"'
	run_selkie_stdout 125 inspect nosuch
	assert_equal "$output" "[]"
	assert_equal "$stderr" 'Error: inspecting object: no such object: "nosuch"'
}

@test "a name that is an image and a container: inspect picks the container, --type chooses" {
	require_registry
	run_selkie tag "$BUSYBOX" localhost/both:latest
	run_selkie create --name both "$BUSYBOX" true
	local id=$output
	run_selkie inspect --format '{{.Id}}' both
	assert_equal "$output" "$id"
	run_selkie inspect --type container --format '{{.Id}}' both
	assert_equal "$output" "$id"
	run_selkie inspect --type image --format '{{.Id}}' both
	assert_equal "$output" "$BUSYBOX_ID"
	# An image only: inspect finds it; --type container and container inspect do not.
	run_selkie inspect --format '{{.Id}}' "$BUSYBOX"
	assert_equal "$output" "$BUSYBOX_ID"
	run_selkie_stdout 125 inspect --type container "$BUSYBOX"
	assert_equal "$stderr" "Error: inspecting object: no such container $BUSYBOX"
	run_selkie_stdout 125 container inspect "$BUSYBOX"
	assert_equal "$stderr" "Error: inspecting object: no such container $BUSYBOX"
	run_selkie 125 inspect --type bogus both
	assert_match "$output" '^Error: invalid type "bogus": must be '
}

@test "inspect --latest and --size, as podman has them" {
	require_registry
	run_selkie create --name first "$BUSYBOX" true
	run_selkie run --name last "$BUSYBOX" sh -c 'head -c 100000 /dev/zero >/f'
	run_selkie inspect --latest --format '{{.Name}}'
	assert_equal "$output" "last"
	run_selkie container inspect -l --format '{{.Name}}'
	assert_equal "$output" "last"
	run_selkie container inspect --size --format '{{.SizeRw}}' last
	((output >= 100000 && output < 200000))
	run_selkie container inspect -s --format '{{.SizeRootFs}}' last
	((output > 1900000))
}

@test "inspect through runc shows the same State" {
	require_registry
	run_selkie run -d --runtime runc --name rr "$BUSYBOX" sleep 100
	assert_equal "$(doc rr '[.OCIRuntime, .State.Status, .State.Running]')" '["runc","running",true]'
	local pid
	pid=$(ctr_field rr '{{.State.Pid}}')
	assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 100 "
	run_selkie kill rr
	assert_equal "$(doc rr '[.State.Status, .State.ExitCode, .State.Pid]')" '["exited",137,0]'
}
