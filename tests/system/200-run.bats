#!/usr/bin/env bats
# selkie run: exit codes, the container's process (command, environment, user, working
# directory, stdin), its files (/etc/hosts & co., mounts, read-only root), its network, its
# privileges (capabilities, seccomp, no-new-privileges), its limits (sysctl, ulimit, cgroups),
# --init, --shm-size and pulling. What a user of podman sees, podman's words for errors.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	selkie_test_setup
	BUSYBOX=${SELKIE_REGISTRY:-}/busybox:latest
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$BUSYBOX"
	fi
}

# busybox_layer: the busybox base layer (a gzip tar) of the fixture images.
busybox_layer() {
	local dir=$SELKIE_FIXTURE_IMAGES/oci/busybox manifest
	manifest=$(jq -r '.manifests[0].digest' "$dir/index.json")
	echo "$dir/blobs/sha256/$(jq -r '.layers[0].digest' "$dir/blobs/sha256/${manifest#sha256:}" |
		cut -d: -f2)"
}

# import_image NAME CHANGE...: the busybox layer as image NAME with these Dockerfile changes.
import_image() {
	local name=$1 c args=()
	shift
	for c in "$@"; do
		args+=(-c "$c")
	done
	run_selkie import -q "${args[@]}" "$(busybox_layer)" "$name"
}

# cgroup_dir CONTROLLER PID: the v1 cgroup directory of process PID for CONTROLLER.
cgroup_dir() {
	echo "/sys/fs/cgroup/$1$(awk -F: -v c="$1" '$2 == c { print $3 }' "/proc/$2/cgroup")"
}

@test "run passes the container's exit code through" {
	require_registry
	run_selkie run --rm "$BUSYBOX" true
	assert_equal "$output" ""
	run_selkie 3 run --rm "$BUSYBOX" sh -c 'exit 3'
	run_selkie 255 run --rm "$BUSYBOX" sh -c 'exit 255'
	run_selkie 1 run --rm "$BUSYBOX" false
	# The codes the engine uses for itself pass through too when they are the container's.
	run_selkie 126 run --rm "$BUSYBOX" sh -c 'exit 126'
	run_selkie 127 run --rm "$BUSYBOX" sh -c 'exit 127'
	run_selkie 125 run --rm "$BUSYBOX" sh -c 'exit 125'
	assert_equal "$output" ""
	run_selkie ps -a -q
	assert_equal "$output" ""
}

@test "run of a command that does not exist exits 127, of one that cannot run exits 126" {
	require_registry
	run_selkie 127 run --rm "$BUSYBOX" nosuchcommand
	assert_equal "${#lines[@]}" 1
	assert_match "$output" '^Error: .*nosuchcommand.*(not found|no such file)'
	run_selkie 126 run --rm "$BUSYBOX" /etc
	assert_equal "${#lines[@]}" 1
	assert_match "$output" '^Error: .*(permission denied|Permission denied|not permitted)'
	run_selkie 126 run --rm "$BUSYBOX" /etc/passwd
	assert_match "$output" '^Error: '
	run_selkie ps -a -q
	assert_equal "$output" ""
}

@test "an engine error exits 125 with one Error line and creates nothing" {
	require_registry
	run_selkie 125 run --rm --no-such-flag "$BUSYBOX" true
	assert_match "$output" '^Error: unknown flag: --no-such-flag'
	run_selkie 125 run --rm --memory abc "$BUSYBOX" true
	assert_equal "$output" "Error: invalid value for memory: invalid size: 'abc'"
	run_selkie 125 run
	assert_equal "$output" "Error: requires at least 1 arg(s), only received 0"
	run_selkie ps -a -q
	assert_equal "$output" ""
}

@test "run prints the container's output on stdout and nothing on stderr" {
	require_registry
	run_selkie_stdout run --rm "$BUSYBOX" sh -c 'echo to-out; echo to-err >&2'
	assert_equal "$output" "to-out"
	assert_equal "$stderr" "to-err"
}

@test "run -d prints the full ID and leaves the container running" {
	require_registry
	run_selkie_stdout run -d "$BUSYBOX" sleep 100
	assert_match "$output" '^[0-9a-f]{64}$'
	assert_equal "$stderr" ""
	local id=$output
	run_selkie inspect --format '{{.Id}} {{.State.Status}} {{.State.Running}}' "$id"
	assert_equal "$output" "$id running true"
	run_selkie ps -q
	assert_equal "$output" "${id:0:12}"
}

@test "run --rm removes the container when it exits, in the foreground and with -d" {
	require_registry
	run_selkie run --rm --name fg "$BUSYBOX" true
	run_selkie 1 container exists fg
	# (long enough to be seen running on a loaded machine)
	run_selkie run -d --rm --name bg "$BUSYBOX" sh -c 'sleep 3'
	run_selkie container exists bg
	wait_until 20 bash -c "! '$SELKIE_BIN' --root '$SELKIE_TEST_ROOT' \
		--runroot '$SELKIE_TEST_RUNROOT' container exists bg"
	run_selkie ps -a -q
	assert_equal "$output" ""
}

@test "--name names the container; without it a name is made up" {
	require_registry
	run_selkie run --name my-ctr.1 "$BUSYBOX" true
	run_selkie run "$BUSYBOX" true
	run_selkie ps -a --format '{{.Names}}'
	assert_equal "${#lines[@]}" 2
	assert_equal "${lines[1]}" "my-ctr.1"
	assert_match "${lines[0]}" '^[a-z]+_[a-z]+$'
	run_selkie 125 run --name 'bad name' "$BUSYBOX" true
	assert_equal "$output" \
		"Error: running container create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument"
}

@test "-e sets variables, -e NAME takes the host's value, the image's Env stays" {
	require_registry
	# shellcheck disable=SC2030
	export FROM_HOST=host-value
	unset NOT_ON_HOST
	run_selkie run --rm -e A=1 -e 'B=two words' -e FROM_HOST -e NOT_ON_HOST "$BUSYBOX" env
	assert_contains "$output" "A=1"
	assert_contains "$output" "B=two words"
	assert_contains "$output" "FROM_HOST=host-value"
	assert_not_contains "$output" "NOT_ON_HOST"
	assert_contains "$output" "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	assert_contains "$output" "HOME=/root"
	# -e replaces a variable of the image.
	run_selkie run --rm -e PATH=/bin "$BUSYBOX" sh -c 'echo $PATH'
	assert_equal "$output" "/bin"
}

@test "--env-file reads KEY=VALUE lines, skips comments, takes bare names from the host; -e wins" {
	require_registry
	printf '# a comment\n\nX=1\nY=two words\nFROM_HOST\nZ=file\n' >"$BATS_TEST_TMPDIR/env"
	FROM_HOST=hv run_selkie run --rm --env-file "$BATS_TEST_TMPDIR/env" -e Z=cli "$BUSYBOX" \
		sh -c 'echo "$X|$Y|$FROM_HOST|$Z"'
	assert_equal "$output" "1|two words|hv|cli"
	run_selkie 125 run --rm --env-file "$BATS_TEST_TMPDIR/nosuch" "$BUSYBOX" true
	assert_equal "$output" \
		"Error: parsing env file \"$BATS_TEST_TMPDIR/nosuch\": open $BATS_TEST_TMPDIR/nosuch: no such file or directory"
}

@test "-w sets the working directory; the image's WorkingDir is the default" {
	require_registry
	run_selkie run --rm "$BUSYBOX" pwd
	assert_equal "$output" "/"
	run_selkie run --rm -w /tmp "$BUSYBOX" pwd
	assert_equal "$output" "/tmp"
	run_selkie pull -q "$SELKIE_REGISTRY/layers:latest"
	run_selkie run --rm "$SELKIE_REGISTRY/layers:latest" sh -c 'pwd; echo $LAYERS_EMPTY'
	assert_equal "$output" "/data
1"
	run_selkie run --rm --workdir /etc "$SELKIE_REGISTRY/layers:latest" pwd
	assert_equal "$output" "/etc"
}

@test "-u runs as a user and group given by name or number" {
	require_registry
	run_selkie run --rm -u selkie "$BUSYBOX" id
	assert_match "$output" '^uid=1000\(selkie\) gid=1000\(selkie\)'
	run_selkie run --rm -u 1000:65534 "$BUSYBOX" id
	assert_match "$output" '^uid=1000\(selkie\) gid=65534\(nobody\)'
	run_selkie run --rm --user selkie:nobody "$BUSYBOX" id
	assert_match "$output" '^uid=1000\(selkie\) gid=65534\(nobody\)'
	run_selkie run --rm -u 1234 "$BUSYBOX" id
	assert_match "$output" '^uid=1234(\(1234\))? gid=0\(root\)'
	run_selkie run --rm -u root "$BUSYBOX" id -u
	assert_equal "$output" "0"
}

@test "a non-root user can read the image's files and write its home" {
	require_registry
	run_selkie run --rm -u selkie "$BUSYBOX" sh -c 'cat /etc/passwd >/dev/null && ls / >/dev/null &&
		touch /home/selkie/x && echo ok'
	assert_equal "$output" "ok"
	# The container's "/" is searchable by everyone, as the image's is.
	run_selkie run --rm "$BUSYBOX" stat -c %A /
	assert_match "$output" '^dr.x.-x.-x$'
}

@test "-u with an unknown user or group exits 126 with podman's message" {
	require_registry
	run_selkie 126 run --rm -u nosuch "$BUSYBOX" id
	assert_equal "$output" "Error: unable to find user nosuch: no matching entries in passwd file"
	run_selkie 126 run --rm -u selkie:nosuchgroup "$BUSYBOX" id
	assert_equal "$output" "Error: unable to find group nosuchgroup: no matching entries in group file"
	run_selkie ps -a -q
	assert_equal "$output" ""
}

@test "the image's Entrypoint and Cmd apply; arguments replace Cmd; --entrypoint replaces both" {
	require_registry
	import_image localhost/ep:1 'ENTRYPOINT ["/bin/echo","ep"]' 'CMD ["default-arg"]' \
		'ENV PATH=/bin'
	run_selkie run --rm localhost/ep:1
	assert_equal "$output" "ep default-arg"
	run_selkie run --rm localhost/ep:1 a b
	assert_equal "$output" "ep a b"
	# A word: the image's Cmd is dropped too.
	run_selkie run --rm --entrypoint /bin/pwd localhost/ep:1
	assert_equal "$output" "/"
	run_selkie run --rm --entrypoint /bin/echo localhost/ep:1 x y
	assert_equal "$output" "x y"
	# JSON: an argv.
	run_selkie run --rm --entrypoint '["/bin/echo","from","json"]' localhost/ep:1 z
	assert_equal "$output" "from json z"
	# Empty: no entrypoint at all.
	run_selkie run --name noep --entrypoint '' localhost/ep:1 echo plain
	assert_equal "$output" "plain"
	run_selkie inspect --format '{{.Path}} {{.Args}}' noep
	assert_equal "$output" "echo [plain]"
}

@test "the image's User, WorkingDir and Env apply, and flags override them" {
	require_registry
	import_image localhost/cfg:1 'USER selkie' 'WORKDIR /home/selkie' 'ENV PATH=/bin' \
		'ENV FROM_IMAGE=yes' 'CMD ["sh","-c","id -un; pwd; echo $FROM_IMAGE"]'
	run_selkie run --rm localhost/cfg:1
	assert_equal "$output" "selkie
/home/selkie
yes"
	run_selkie run --rm -u root -w /tmp -e FROM_IMAGE=no localhost/cfg:1
	assert_equal "$output" "root
/tmp
no"
}

@test "-i passes piped stdin to the container; without -i it gets none" {
	require_registry
	run_selkie run --rm -i "$BUSYBOX" sh -c 'cat; echo end' <<<"line one
line two"
	assert_equal "$output" "line one
line two
end"
	run_selkie run -i --rm "$BUSYBOX" wc -l <<<"a
b
c"
	assert_equal "$output" "3"
	run_selkie run --rm "$BUSYBOX" sh -c 'cat; echo end' <<<"not passed"
	assert_equal "$output" "end"
}

@test "the hostname is the short ID unless --hostname; /etc/hostname and /etc/hosts agree" {
	require_registry
	run_selkie run --name hn "$BUSYBOX" sh -c 'hostname; cat /etc/hostname; echo $HOSTNAME'
	local id
	id=$(ctr_field hn '{{.Id}}')
	assert_equal "$output" "${id:0:12}
${id:0:12}
${id:0:12}"
	run_selkie inspect --format '{{.Config.Hostname}}' hn
	assert_equal "$output" "${id:0:12}"
	run_selkie run --rm --hostname myhost "$BUSYBOX" sh -c 'hostname; cat /etc/hostname;
		grep -c myhost /etc/hosts'
	assert_equal "$output" "myhost
myhost
1"
}

@test "/etc/hosts names localhost and the container; /etc/resolv.conf has the host's servers" {
	require_registry
	run_selkie run --rm --name named "$BUSYBOX" cat /etc/hosts
	assert_match "$output" $'(^|\n)127\\.0\\.0\\.1[ \t]+localhost([ \t]|\n|$)'
	assert_match "$output" $'[ \t]named([ \t]|\n|$)'
	run_selkie run --rm --network host "$BUSYBOX" grep '^nameserver' /etc/resolv.conf
	assert_equal "$output" "$(grep '^nameserver' /etc/resolv.conf)"
	# The files are the container's own: writing them does not touch the host.
	local before
	before=$(cat /etc/hosts)
	run_selkie run --rm "$BUSYBOX" sh -c 'echo 10.0.0.9 extra >>/etc/hosts && grep -c extra /etc/hosts'
	assert_equal "$output" "1"
	assert_equal "$(cat /etc/hosts)" "$before"
}

@test "--read-only makes / read-only; /tmp, /run, /var/tmp and /dev/shm stay writable" {
	require_registry
	run_selkie 1 run --rm --read-only "$BUSYBOX" touch /x
	assert_equal "$output" "touch: /x: Read-only file system"
	run_selkie run --rm --read-only "$BUSYBOX" sh -c \
		'touch /tmp/a /run/b /var/tmp/c /dev/shm/d && echo writable'
	assert_equal "$output" "writable"
	run_selkie run --name ro --read-only "$BUSYBOX" true
	run_selkie inspect --format '{{.HostConfig.ReadonlyRootfs}}' ro
	assert_equal "$output" "true"
}

@test "--tmpfs mounts an empty tmpfs with the options given" {
	require_registry
	run_selkie run --rm --tmpfs /scratch "$BUSYBOX" sh -c \
		'grep " /scratch " /proc/mounts | cut -d" " -f3; touch /scratch/f && ls /scratch'
	assert_equal "$output" "tmpfs
f"
	run_selkie run --rm --tmpfs /scratch:size=1m,mode=0700 "$BUSYBOX" sh -c \
		'stat -c %a /scratch; df -k /scratch | tail -1 | awk "{print \$2}"'
	assert_equal "$output" "700
1024"
	run_selkie 125 run --rm --tmpfs relative "$BUSYBOX" true
	assert_equal "$output" 'Error: invalid container path "relative", must be an absolute path'
}

@test "-v binds a host directory read-write, or read-only with :ro" {
	require_registry
	local dir=$BATS_TEST_TMPDIR/host
	mkdir "$dir"
	echo from-host >"$dir/in"
	run_selkie run --rm -v "$dir:/data" "$BUSYBOX" sh -c 'cat /data/in; echo from-ctr >/data/out'
	assert_equal "$output" "from-host"
	assert_equal "$(cat "$dir/out")" "from-ctr"
	run_selkie run --rm -v "$dir:/data:rw" "$BUSYBOX" sh -c 'echo again >/data/out2'
	assert_equal "$(cat "$dir/out2")" "again"
	run_selkie 1 run --rm -v "$dir:/data:ro" "$BUSYBOX" sh -c 'cat /data/in; touch /data/no'
	assert_equal "$output" "from-host
touch: /data/no: Read-only file system"
	[[ ! -e $dir/no ]]
	# A file can be bound too, and --volume is the long name.
	run_selkie run --rm --volume "$dir/in:/etc/motd:ro" "$BUSYBOX" cat /etc/motd
	assert_equal "$output" "from-host"
}

@test "-v with a source that does not exist fails with podman's statfs error" {
	require_registry
	run_selkie 125 run --rm -v "$BATS_TEST_TMPDIR/nosuch:/data" "$BUSYBOX" true
	assert_equal "$output" "Error: statfs $BATS_TEST_TMPDIR/nosuch: no such file or directory"
	run_selkie ps -a -q
	assert_equal "$output" ""
}

@test "two mounts on one destination are refused: duplicate mount destination" {
	require_registry
	mkdir "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	run_selkie 125 run --rm -v "$BATS_TEST_TMPDIR/a:/data" -v "$BATS_TEST_TMPDIR/b:/data" \
		"$BUSYBOX" true
	assert_equal "$output" "Error: /data: duplicate mount destination"
	run_selkie 125 run --rm -v "$BATS_TEST_TMPDIR/a:/data" --tmpfs /data "$BUSYBOX" true
	assert_equal "$output" "Error: /data: duplicate mount destination"
	run_selkie 125 create --tmpfs /t --mount type=tmpfs,destination=/t "$BUSYBOX" true
	assert_equal "$output" "Error: /t: duplicate mount destination"
	run_selkie ps -a -q
	assert_equal "$output" ""
}

@test "--label sets labels next to the image's; ps and inspect show them" {
	require_registry
	run_selkie run --name lab --label a=b -l c "$BUSYBOX" true
	run_selkie inspect --format '{{.Config.Labels}}' lab
	assert_equal "$output" "map[a:b c: org.selkie.test:busybox]"
	run_selkie inspect --format '{{index .Config.Labels "a"}}' lab
	assert_equal "$output" "b"
	run_selkie ps -a --format '{{.Labels.a}}'
	assert_equal "$output" "b"
}

@test "--cidfile writes the ID; an existing cidfile is refused before anything is made" {
	require_registry
	local cid=$BATS_TEST_TMPDIR/cid
	run_selkie run -d --cidfile "$cid" "$BUSYBOX" true
	assert_equal "$(cat "$cid")" "$output"
	run_selkie 125 run --rm --cidfile "$cid" "$BUSYBOX" true
	assert_equal "$output" \
		"Error: container id file exists. Ensure another container is not using it or delete $cid"
	run_selkie ps -a -q
	assert_equal "${#lines[@]}" 1
}

@test "--cidfile in a directory that does not exist fails and leaves no container" {
	require_registry
	run_selkie 125 run --rm --cidfile "$BATS_TEST_TMPDIR/nosuch/cid" "$BUSYBOX" true
	assert_match "$output" "^Error: .*$BATS_TEST_TMPDIR/nosuch/cid"
	run_selkie ps -a -q
	assert_equal "$output" ""
}

@test "the default network gives loopback and eth0; --network none only loopback" {
	require_registry
	# (rootless, the default network is slirp4netns, whose interface is tap0, as podman's)
	local ifname=eth0
	is_rootless && ifname=tap0
	run_selkie run --rm "$BUSYBOX" sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort'
	assert_equal "$output" "$(printf '%s\n' lo "$ifname" | sort)"
	run_selkie run --rm --network none "$BUSYBOX" sh -c \
		'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; ip -o link | cut -d: -f2 | tr -d " "'
	assert_equal "$output" "lo
lo"
	# Loopback is up.
	run_selkie run --rm --network none "$BUSYBOX" sh -c \
		'httpd -p 127.0.0.1:8080 -h /etc && wget -qO- http://127.0.0.1:8080/hostname'
	assert_match "$output" '^[0-9a-f]{12}$'
}

@test "--network host shares the host's interfaces; an unknown network is an error" {
	require_registry
	# veths of other containers come and go meanwhile (the container's own is not there)
	run_selkie run --rm --network host "$BUSYBOX" sh -c \
		'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | grep -v ^veth | sort'
	assert_equal "$output" "$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | grep -v ^veth | sort)"
	run_selkie run --rm --net=host "$BUSYBOX" hostname
	assert_equal "$output" "$(hostname)"
	run_selkie 125 run --rm --network bogus "$BUSYBOX" true
	assert_equal "$output" "Error: unable to find network with name or ID bogus: network not found"
}

@test "capabilities: podman's default set; --cap-add and --cap-drop change it" {
	require_registry
	capeff() {
		run_selkie run --rm "$@" "$BUSYBOX" grep CapEff /proc/self/status
		echo "${output#CapEff:$'\t'}"
	}
	assert_equal "$(capeff)" "00000000800405fb"
	assert_equal "$(capeff --cap-add NET_ADMIN)" "00000000800415fb"
	assert_equal "$(capeff --cap-add cap_sys_admin)" "00000000802405fb"
	assert_equal "$(capeff --cap-drop CHOWN)" "00000000800405fa"
	assert_equal "$(capeff --cap-drop all)" "0000000000000000"
	assert_equal "$(capeff --cap-drop ALL --cap-add net_raw)" "0000000000002000"
	run_selkie 125 run --rm --cap-add bogus "$BUSYBOX" true
	assert_equal "$output" 'Error: "CAP_BOGUS": unknown capability'
}

@test "--privileged gives every capability the host has, no seccomp and a writable /sys" {
	require_registry
	run_selkie run --rm --privileged "$BUSYBOX" sh -c \
		'grep -E "^(CapEff|Seccomp):" /proc/self/status; grep " /sys " /proc/mounts | cut -d" " -f4'
	# (the bounding set of selkie's namespace: rootless, a new user namespace has every one)
	assert_equal "${lines[0]}" "$(in_userns grep '^CapBnd:' /proc/self/status | sed 's/CapBnd/CapEff/')"
	assert_equal "${lines[1]}" $'Seccomp:\t0'
	assert_match "${lines[2]}" '^rw,'
	run_selkie run --rm "$BUSYBOX" sh -c 'grep " /sys " /proc/mounts | cut -d" " -f4'
	assert_match "$output" '^ro,'
}

@test "the default seccomp profile denies unshare and mount; seccomp=unconfined lifts it" {
	require_registry
	run_selkie 1 run --rm "$BUSYBOX" sh -c 'grep "^Seccomp:" /proc/self/status; unshare -U true'
	assert_equal "${lines[0]}" $'Seccomp:\t2'
	assert_contains "$output" "Operation not permitted"
	run_selkie 1 run --rm "$BUSYBOX" sh -c 'mkdir /m; mount -t tmpfs none /m'
	run_selkie run --rm --security-opt seccomp=unconfined "$BUSYBOX" sh -c \
		'grep "^Seccomp:" /proc/self/status; unshare -U true && echo unshared'
	assert_equal "$output" $'Seccomp:\t0\nunshared'
}

@test "--security-opt seccomp=FILE applies that profile" {
	require_registry
	cat >"$BATS_TEST_TMPDIR/profile.json" <<-'JSON'
		{"defaultAction": "SCMP_ACT_ALLOW",
		 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
	JSON
	run_selkie 1 run --rm --security-opt "seccomp=$BATS_TEST_TMPDIR/profile.json" "$BUSYBOX" \
		mkdir /newdir
	assert_equal "$output" "mkdir: can't create directory '/newdir': Operation not permitted"
	run_selkie run --rm "$BUSYBOX" mkdir /newdir
	run_selkie 125 run --rm --security-opt "seccomp=$BATS_TEST_TMPDIR/nosuch.json" "$BUSYBOX" true
	assert_equal "$output" "Error: opening seccomp profile failed: open $BATS_TEST_TMPDIR/nosuch.json: no such file or directory"
}

@test "--security-opt no-new-privileges sets NoNewPrivs" {
	require_registry
	run_selkie run --rm "$BUSYBOX" grep NoNewPrivs /proc/self/status
	assert_equal "$output" $'NoNewPrivs:\t0'
	run_selkie run --rm --security-opt no-new-privileges "$BUSYBOX" grep NoNewPrivs /proc/self/status
	assert_equal "$output" $'NoNewPrivs:\t1'
	run_selkie run --rm --security-opt no-new-privileges=true "$BUSYBOX" \
		grep NoNewPrivs /proc/self/status
	assert_equal "$output" $'NoNewPrivs:\t1'
}

@test "--sysctl sets namespaced sysctls, and not a network one with --network host" {
	require_registry
	run_selkie run --rm --sysctl net.ipv4.ip_forward=1 --sysctl kernel.msgmax=4096 "$BUSYBOX" \
		cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax
	assert_equal "$output" "1
4096"
	run_selkie 125 run --rm --network host --sysctl net.ipv4.ip_forward=1 "$BUSYBOX" true
	assert_equal "$output" \
		"Error: sysctl net.ipv4.ip_forward=1 can't be set since Network Namespace set to host: invalid argument"
	run_selkie 125 run --rm --sysctl foo "$BUSYBOX" true
	assert_equal "$output" "Error: foo is invalid, sysctl values must be in the form of KEY=VALUE"
}

@test "--ulimit sets rlimits; the defaults never exceed the caller's hard limits" {
	require_registry
	run_selkie run --rm --ulimit nofile=100:200 "$BUSYBOX" sh -c 'ulimit -n; ulimit -Hn'
	assert_equal "$output" "100
200"
	run_selkie run --rm "$BUSYBOX" sh -c 'ulimit -Hn; ulimit -Hu'
	(("${lines[0]}" <= $(ulimit -Hn)))
	[[ $(ulimit -Hu) == unlimited ]] || (("${lines[1]}" <= $(ulimit -Hu)))
	run_selkie 125 run --rm --ulimit bogus=1 "$BUSYBOX" true
	assert_equal "$output" \
		'Error: ulimit option "bogus=1" requires name=SOFT:HARD, failed to be parsed: invalid ulimit type: bogus'
}

@test "--memory and --pids-limit are the container's cgroup limits while it runs" {
	require_registry
	require_root "cgroup limits: this cgroup v1 host delegates no cgroups to users"
	run_selkie run -d --memory 64m --pids-limit 77 "$BUSYBOX" sleep 100
	local id=$output pid
	pid=$(ctr_field "$id" '{{.State.Pid}}')
	assert_equal "$(cgroup_dir memory "$pid")" "/sys/fs/cgroup/memory/selkie/$id"
	assert_equal "$(cat "/sys/fs/cgroup/memory/selkie/$id/memory.limit_in_bytes")" "67108864"
	assert_equal "$(cat "$(cgroup_dir pids "$pid")/pids.max")" "77"
	run_selkie inspect --format '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}' "$id"
	assert_equal "$output" "67108864 77"
	# The container sees its limit.
	run_selkie exec "$id" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	assert_equal "$output" "67108864"
	run_selkie rm -f -t 0 "$id"
	[[ ! -e /sys/fs/cgroup/memory/selkie/$id ]]
}

@test "the default pids limit is podman's 2048" {
	require_registry
	require_root "cgroup limits: this cgroup v1 host delegates no cgroups to users"
	run_selkie run -d "$BUSYBOX" sleep 100
	local id=$output
	assert_equal "$(cat "$(cgroup_dir pids "$(ctr_field "$id" '{{.State.Pid}}')")/pids.max")" "2048"
	run_selkie inspect --format '{{.HostConfig.PidsLimit}}' "$id"
	assert_equal "$output" "2048"
}

@test "--init runs an init as PID 1 that passes the stop signal on" {
	require_registry
	run_selkie run --rm --init "$BUSYBOX" sh -c 'cat /proc/1/comm; echo $$'
	assert_not_contains "${lines[0]}" "sh"
	assert_match "${lines[0]}" 'init|catatonit'
	[[ ${lines[1]} != 1 ]]
	# sleep as PID 1 would ignore SIGTERM; under the init it dies of it at once.
	run_selkie run -d --init --name initstop "$BUSYBOX" sleep 100
	local start=$SECONDS
	run_selkie stop -t 20 initstop
	((SECONDS - start < 10))
	run_selkie inspect --format '{{.State.ExitCode}}' initstop
	assert_equal "$output" "143"
}

@test "--shm-size sets the size of /dev/shm; the default is 64 MiB" {
	require_registry
	run_selkie run --rm "$BUSYBOX" sh -c 'df -k /dev/shm | tail -1 | awk "{print \$2}"'
	assert_equal "$output" "65536"
	run_selkie run --rm --shm-size 10m "$BUSYBOX" sh -c 'df -k /dev/shm | tail -1 | awk "{print \$2}"'
	assert_equal "$output" "10240"
	run_selkie 125 run --rm --shm-size abc "$BUSYBOX" true
	assert_equal "$output" "Error: unable to translate --shm-size: invalid size: 'abc'"
}

@test "--pull=never with an image that is not here fails and pulls nothing" {
	require_registry
	run_selkie 125 run --rm --pull=never "$SELKIE_REGISTRY/httpd:latest" true
	assert_equal "$output" "Error: $SELKIE_REGISTRY/httpd:latest: image not known"
	run_selkie images --format '{{.Repository}}'
	assert_equal "$output" "$SELKIE_REGISTRY/busybox"
	run_selkie 125 run --rm --pull=bogus "$BUSYBOX" true
	assert_match "$output" '^Error: .*pull policy "bogus"'
}

@test "run pulls a missing image first, with the progress on stderr only" {
	require_registry
	run_selkie_stdout run --rm "$SELKIE_REGISTRY/httpd:latest" cat /www/index.html
	assert_equal "$output" "hello from selkie httpd"
	assert_contains "$stderr" "Trying to pull $SELKIE_REGISTRY/httpd:latest..."
	assert_contains "$stderr" "Writing manifest to image destination"
	run_selkie image exists "$SELKIE_REGISTRY/httpd:latest"
	# Now it is here: no pull, no progress.
	run_selkie_stdout run --rm "$SELKIE_REGISTRY/httpd:latest" true
	assert_equal "$stderr" ""
}

@test "run of an image that does not exist anywhere fails with 125 and creates nothing" {
	require_registry
	run_selkie 125 run --rm "$SELKIE_REGISTRY/nosuch:latest" true
	assert_match "${lines[-1]}" '^Error: .*manifest unknown'
	run_selkie ps -a -q
	assert_equal "$output" ""
}

@test "with --runtime runc: exit codes, user, mounts and privileges work the same" {
	require_registry
	local dir=$BATS_TEST_TMPDIR/host
	mkdir "$dir"
	run_selkie 3 run --rm --runtime runc "$BUSYBOX" sh -c 'exit 3'
	run_selkie 127 run --rm --runtime runc "$BUSYBOX" nosuchcommand
	assert_match "$output" '^Error: .*nosuchcommand'
	run_selkie run --rm --runtime runc -e A=1 -w /tmp -v "$dir:/data" \
		--read-only --cap-drop all "$BUSYBOX" sh -c \
		'echo $A; pwd; touch /data/f; grep CapEff /proc/self/status; touch /x 2>/dev/null || echo ro'
	assert_equal "$output" $'1\n/tmp\nCapEff:\t0000000000000000\nro'
	[[ -e $dir/f ]]
	run_selkie run --rm --runtime runc -u selkie:nobody "$BUSYBOX" id
	assert_match "$output" '^uid=1000\(selkie\) gid=65534\(nobody\)'
}

@test "with --runtime runc: --memory is the container's cgroup limit" {
	require_registry
	require_root "cgroup limits: this cgroup v1 host delegates no cgroups to users"
	run_selkie run -d --runtime runc --memory 32m "$BUSYBOX" sleep 100
	local id=$output
	run_selkie inspect --format '{{.OCIRuntime}}' "$id"
	assert_equal "$output" "runc"
	assert_equal "$(cat "/sys/fs/cgroup/memory/selkie/$id/memory.limit_in_bytes")" "33554432"
	run_selkie rm -f -t 0 "$id"
}
