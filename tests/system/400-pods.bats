#!/usr/bin/env bats
# Pods: create/ps/inspect/start/stop/rm/prune/exists, containers joining pods (run --pod,
# --pod new:), the namespaces they share (net, ipc, uts, pid with --share pid), the pod's status
# following its containers, podman's errors for bad input, and a port published on the pod
# reaching a container in it.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	selkie_test_setup
	BUSYBOX=${SELKIE_REGISTRY:-}/busybox:latest
	HTTPD=${SELKIE_REGISTRY:-}/httpd:latest
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$BUSYBOX"
	fi
}

# A shell that exits at once on SIGTERM, so stops do not wait for the timeout.
SLEEPER='trap "exit 0" TERM; while :; do sleep 0.1; done'

# pod_field POD GO-TEMPLATE: what `selkie pod inspect --format` prints.
pod_field() {
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		pod inspect --format "$2" "$1" 2>/dev/null
}

pod_status_is() {
	[[ $(pod_field "$1" '{{.State}}') == "$2" ]]
}

@test "pod create prints the ID and makes a Created pod with its infra container" {
	require_registry
	run_selkie_stdout pod create --name p1 --label team=blue
	assert_match "$output" '^[0-9a-f]{64}$'
	local id=$output
	run_selkie pod ps --format '{{.ID}} {{.Name}} {{.Status}} {{.NumberOfContainers}}'
	assert_equal "$output" "${id:0:12} p1 Created 1"
	run_selkie pod ps
	assert_match "${lines[0]}" '^POD ID +NAME +STATUS +CREATED +INFRA ID +# OF CONTAINERS$'
	local version
	version=$("$SELKIE_BIN" version --format '{{.Client.Version}}')
	run_selkie ps -a --format '{{.Names}} {{.Image}} {{.Status}}'
	assert_equal "$output" "${id:0:12}-infra localhost/selkie-pause:$version Created"
	# The infra image was made locally, no registry involved.
	run_selkie images --format '{{.Repository}}'
	assert_contains "$output" "localhost/selkie-pause"
	run_selkie pod exists p1
	run_selkie pod exists "${id:0:12}"
	run_selkie 1 pod exists nope
	run_selkie pod ps -q
	assert_equal "$output" "$id"
	run_selkie pod ps --filter label=team=blue --format '{{.Name}}'
	assert_equal "$output" "p1"
	run_selkie pod ps --filter label=team=red --format '{{.Name}}'
	assert_equal "$output" ""
	run_selkie pod rm p1
	assert_equal "$output" "$id"
	run_selkie ps -aq
	assert_equal "$output" ""
}

@test "pod inspect shows podman's fields; an unknown pod prints [] and fails" {
	require_registry
	run_selkie pod create --name insp -p 18090:80 --hostname ih
	local id=$output
	run_selkie pod inspect insp
	local doc=$output
	assert_equal "$(jq -r .Id <<<"$doc")" "$id"
	assert_equal "$(jq -r .Name <<<"$doc")" "insp"
	assert_equal "$(jq -r .State <<<"$doc")" "Created"
	assert_equal "$(jq -r .Hostname <<<"$doc")" "ih"
	assert_equal "$(jq -c .SharedNamespaces <<<"$doc")" '["net","uts","ipc"]'
	assert_equal "$(jq -r .NumContainers <<<"$doc")" "1"
	assert_equal "$(jq -r '.InfraConfig.PortBindings["80/tcp"][0].HostPort' <<<"$doc")" "18090"
	assert_equal "$(jq -r .InfraContainerID <<<"$doc")" "$(jq -r '.Containers[0].Id' <<<"$doc")"
	run_selkie pod inspect --format '{{.Name}} {{.State}}' insp
	assert_equal "$output" "insp Created"
	run_selkie_stdout 125 pod inspect nope
	assert_equal "$output" "[]"
	assert_equal "$stderr" "Error: inspecting object: no such pod nope"
}

@test "a pod name taken, a bad name, a bad --share and --infra=false conflicts fail as podman's" {
	require_registry
	run_selkie pod create --name taken
	run_selkie 125 pod create --name taken
	assert_equal "$output" 'Error: adding pod to state: name "taken" is in use: pod already exists'
	run_selkie 125 pod create --name 'bad name'
	assert_equal "$output" "Error: running pod create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument"
	run_selkie 125 pod create --share foo
	assert_equal "$output" "Error: invalid kernel namespace to share: foo. Options are: cgroup, ipc, net, pid, uts or none"
	run_selkie 125 pod create --infra=false --share ipc
	assert_equal "$output" "Error: cannot set share(ipc) namespaces without an infra container"
	run_selkie 125 pod create --infra=false -p 8080:80
	assert_equal "$output" "Error: you must have an infra container to publish port bindings to the host"
	# Nothing half-made was left: one pod, one container.
	run_selkie pod ps -q
	assert_equal "${#lines[@]}" 1
	run_selkie ps -aq
	assert_equal "${#lines[@]}" 1
}

@test "run --pod with an unknown pod, or with its own ports in a pod sharing the network, fails" {
	require_registry
	run_selkie 125 run --rm --pod nope "$BUSYBOX" true
	assert_equal "$output" "Error: no pod with name or ID nope found: no such pod"
	run_selkie pod create --name shared
	run_selkie 125 run -d --pod shared -p 8080:80 "$BUSYBOX" true
	assert_equal "$output" "Error: invalid config provided: published or exposed ports must be defined when the pod is created: network cannot be configured when it is shared with a pod"
	run_selkie 125 run -d --pod shared --hostname other "$BUSYBOX" true
	assert_equal "$output" "Error: invalid config provided: cannot set hostname when joining the pod UTS namespace: invalid configuration"
	run_selkie ps -a --format '{{.Names}}'
	assert_equal "$output" "$(pod_field shared '{{.Id}}' | cut -c1-12)-infra"
}

@test "containers in a pod share net, ipc and uts; the infra container starts first" {
	require_registry
	run_selkie pod create --name share1
	run_selkie create --pod share1 --name web "$BUSYBOX" sh -c \
		'mkdir /w && echo hello-pod > /w/index.html && exec httpd -f -p 8000 -h /w'
	assert_equal "$(ctr_field web '{{.Pod}}')" "$(pod_field share1 '{{.Id}}')"
	# Starting a member starts the infra container before it.
	run_selkie start web
	assert_equal "$(pod_field share1 '{{.State}}')" "Running"
	run_selkie run --rm --pod share1 "$BUSYBOX" wget -qO- http://127.0.0.1:8000/
	assert_equal "$output" "hello-pod"
	local ns
	for ns in net ipc uts; do
		run_selkie exec web readlink /proc/self/ns/$ns
		local a=$output
		run_selkie run --rm --pod share1 "$BUSYBOX" readlink /proc/self/ns/$ns
		assert_equal "$output" "$a"
	done
	# The pod's name is every member's hostname (the infra's UTS namespace).
	run_selkie run --rm --pod share1 "$BUSYBOX" hostname
	assert_equal "$output" "share1"
	run_selkie exec web hostname
	assert_equal "$output" "share1"
	# pid is not shared by default.
	run_selkie exec web cat /proc/1/cmdline
	assert_not_contains "$output" "selkie-pause"
	run_selkie pod rm -f -t 0 share1
}

@test "--share pid: members see the infra's selkie-pause as PID 1" {
	require_registry
	run_selkie pod create --name pidpod --share +pid
	assert_equal "$(pod_field pidpod '{{.SharedNamespaces}}')" "[net uts pid ipc]"
	run_selkie run --rm --pod pidpod "$BUSYBOX" cat /proc/1/cmdline
	assert_equal "${output//$'\0'/}" "/selkie-pause"
	run_selkie pod rm -f -t 0 pidpod
}

@test "run --pod new:NAME makes the pod and moves the container's ports to it" {
	require_registry
	run_selkie run -d --pod new:fresh -p 18091:80 --name member "$BUSYBOX" sh -c "$SLEEPER"
	run_selkie pod exists fresh
	assert_equal "$(pod_field fresh '{{.NumContainers}}')" "2"
	assert_equal "$(pod_field fresh '{{range $k, $v := .InfraConfig.PortBindings}}{{$k}}{{end}}')" "80/tcp"
	assert_equal "$(ctr_field member '{{.Pod}}')" "$(pod_field fresh '{{.Id}}')"
	run_selkie 125 run --rm --pod new:fresh "$BUSYBOX" true
	assert_equal "$output" 'Error: adding pod to state: name "fresh" is in use: pod already exists'
	run_selkie pod rm -f -t 0 fresh
}

@test "pod status follows its containers; stop, start, restart, kill" {
	require_registry
	run_selkie pod create --name life
	local id=$output
	run_selkie run -d --pod life --name l1 "$BUSYBOX" sh -c "$SLEEPER"
	run_selkie run -d --pod life --name l2 "$BUSYBOX" true
	wait_until 5 ctr_status_is l2 exited
	assert_equal "$(pod_field life '{{.State}}')" "Degraded"
	run_selkie pod stop -t 0 life
	assert_equal "$output" "$id"
	assert_equal "$(pod_field life '{{.State}}')" "Exited"
	run_selkie pod start life
	assert_equal "$output" "$id"
	wait_until 5 ctr_status_is l2 exited
	assert_equal "$(ctr_field l1 '{{.State.Status}}')" "running"
	run_selkie pod restart life
	assert_equal "$output" "$id"
	assert_equal "$(ctr_field l1 '{{.State.Status}}')" "running"
	run_selkie pod kill life
	assert_equal "$output" "$id"
	wait_until 5 pod_status_is life Exited
	run_selkie pod ps --ctr-names --ctr-status --format '{{.ContainerNames}} {{.ContainerStatuses}}'
	assert_equal "$output" "${id:0:12}-infra,l1,l2 exited,exited,exited"
	run_selkie 125 pod stop nope
	assert_equal "$output" "Error: no pod with name or ID nope found: no such pod"
}

@test "pod pause and unpause freeze and thaw its containers" {
	require_registry
	require_root "pause needs the freezer cgroup: this cgroup v1 host delegates none to users"
	run_selkie pod create --name frozen
	local id=$output
	run_selkie run -d --pod frozen --name f1 "$BUSYBOX" sh -c "$SLEEPER"
	run_selkie pod pause frozen
	assert_equal "$output" "$id"
	assert_equal "$(ctr_field f1 '{{.State.Status}}')" "paused"
	run_selkie pod unpause frozen
	assert_equal "$(ctr_field f1 '{{.State.Status}}')" "running"
	run_selkie pod rm -f -t 0 frozen
}

@test "pod rm refuses running containers, -f removes them; pod prune removes stopped pods" {
	require_registry
	run_selkie pod create --name busy
	local busy=$output
	run_selkie run -d --pod busy --name b1 "$BUSYBOX" sh -c "$SLEEPER"
	local b1
	b1=$(ctr_field b1 '{{.Id}}')
	run_selkie 125 pod rm busy
	assert_contains "$output" "Error: 2 errors occurred:"
	assert_contains "$output" "* removing container $b1 from pod $busy: cannot remove container $b1 as it is running - running or paused containers cannot be removed without force: container state improper"
	assert_contains "$output" "still exists: dependency exists"
	assert_equal "$(ctr_field b1 '{{.State.Status}}')" "running"
	# A pod whose only running container is its infra goes without -f.
	run_selkie pod create --name idle
	local idle=$output
	run_selkie pod start idle
	run_selkie pod rm idle
	assert_equal "$output" "$idle"
	run_selkie pod rm -f -t 0 busy
	assert_equal "$output" "$busy"
	run_selkie ps -aq
	assert_equal "$output" ""
	run_selkie 1 pod rm nope
	assert_equal "$output" "Error: no pod with name or ID nope found: no such pod"
	run_selkie pod rm -i nope
	assert_equal "$output" ""
	# prune: exited pods go, created and running ones stay.
	run_selkie pod create --name done
	local done_id=$output
	run_selkie run --pod done "$BUSYBOX" true
	run_selkie pod stop -t 0 done
	run_selkie pod create --name waiting
	run_selkie pod prune -f
	assert_equal "$output" "$done_id"
	run_selkie pod ps --format '{{.Name}}'
	assert_equal "$output" "waiting"
	run_selkie pod rm -a
	run_selkie pod ps -q
	assert_equal "$output" ""
}

@test "pod ps filters, --ctr-names and JSON; unknown filters fail" {
	require_registry
	run_selkie pod create --name fa
	run_selkie pod create --name fb
	run_selkie run -d --pod fb --name fbc "$BUSYBOX" sh -c "$SLEEPER"
	run_selkie pod ps --filter name=fa --format '{{.Name}}'
	assert_equal "$output" "fa"
	run_selkie pod ps --filter status=running --format '{{.Name}} {{.Status}}'
	assert_equal "$output" "fb Running"
	run_selkie pod ps --filter ctr-names=fbc --format '{{.Name}}'
	assert_equal "$output" "fb"
	run_selkie pod ps --filter name=fa --filter name=fb --sort name --format '{{.Name}}'
	assert_equal "$output" "fa
fb"
	run_selkie pod ls --ctr-names --filter name=fb
	assert_match "${lines[0]}" '^POD ID +NAME +STATUS +CREATED +INFRA ID +NAMES$'
	assert_contains "${lines[1]}" "fbc"
	run_selkie pod ps --format json
	assert_equal "$(jq -r '.[0].Name' <<<"$output")" "fb"
	assert_equal "$(jq -r '.[0].Containers | length' <<<"$output")" "2"
	run_selkie 125 pod ps --filter bogus=1
	assert_equal "$output" "Error: bogus is an invalid filter"
	run_selkie pod rm -f -t 0 fb
}

@test "pod logs prefixes each container's lines; pod top lists every member's processes" {
	require_registry
	run_selkie pod create --name lg
	run_selkie run --pod lg --name e1 "$BUSYBOX" echo hello-e1
	run_selkie run -d --pod lg --name e2 "$BUSYBOX" sh -c "echo hello-e2; $SLEEPER"
	wait_until 5 eval '"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" logs e2 | grep -q hello-e2'
	run_selkie pod logs lg
	assert_contains "$output" "$(ctr_field e1 '{{.Id}}' | cut -c1-12) hello-e1"
	assert_contains "$output" "$(ctr_field e2 '{{.Id}}' | cut -c1-12) hello-e2"
	run_selkie pod logs -c e1 lg
	assert_equal "$output" "hello-e1"
	run_selkie pod top lg
	assert_match "${lines[0]}" '^USER +PID +PPID +%CPU +ELAPSED +TTY +TIME +COMMAND$'
	assert_contains "$output" "/selkie-pause"
	assert_contains "$output" "sleep 0.1"
	run_selkie pod rm -f -t 0 lg
}

@test "a port published on the pod reaches the web server in it" {
	require_registry
	run_selkie pull -q "$HTTPD"
	local port=$((20000 + RANDOM % 10000)) # below the ephemeral range (32768-)
	run_selkie pod create --name pod-web -p "$port:80"
	run_selkie run -d --pod pod-web "$HTTPD"
	wait_until 10 curl -sf --max-time 1 "http://127.0.0.1:$port/"
	run curl -s --max-time 5 "http://127.0.0.1:$port/"
	assert_equal "$output" "hello from selkie httpd"
	run_selkie pod rm -f -t 0 pod-web
	run curl -s --max-time 1 "http://127.0.0.1:$port/"
	assert_equal "$output" ""
}
