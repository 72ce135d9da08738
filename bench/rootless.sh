#!/bin/bash
# Rootless: selkie vs podman, both run by an ordinary user with subordinate IDs, in one run, on
# the busybox and httpd fixture images from a loopback registry. Prints a markdown table of
# medians of BENCH_RUNS runs (wall times, and the CPU time of `run --rm` when perf is installed:
# much less sensitive to the machine's load), then the issue's goal (issue 5) and whether it
# is met.
#
#   BENCH_RUNS=5                 samples per figure
#   BENCH_USER=selkie-bench      the ordinary user (made and prepared, idempotently, by
#                                scripts/setup-rootless-user.sh: subordinate IDs, /dev/net/tun)
#   BENCH_ONLY="run web exec life"   sections to run (rows of the others print "-")
#   BENCH_STRACE=DIR             also record, as the user, strace timelines of one selkie
#                                `run --rm` (default network and --net none) into DIR and print
#                                a summary of each: when every program starts and ends
#
# Run as root (after `ninja -C build`). Everything timed runs as the user: the script stages a
# copy of the binary, of itself and of the busybox OCI layout the user can read, then runs the
# timing rounds as the user (setpriv, a clean environment, its own HOME, TMPDIR and
# XDG_RUNTIME_DIR), so process start and the user-namespace join are in every figure, and
# setpriv's own start is in none. Both engines use their rootless defaults: network slirp4netns;
# storage: selkie native overlay in its user namespace, podman its default here (vfs) and,
# in a second column, `--storage-driver overlay` (native overlay, same as selkie's). Each
# engine has a private store under the work directory. Rounds alternate the engines, and each
# round also times, as root, selkie rootful `run --rm --net none` (what being rootless costs
# selkie) and, as the user, bare `crun run` of a `crun spec --rootless` bundle (what the
# runtime alone costs rootless). Published ports are 28900-28902 on 127.0.0.1.
# Progress goes to stderr, failing commands to the error log printed at the end.
# shellcheck disable=SC2034,SC2016
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=bench/lib/ctr-lib.sh
source "$(dirname "$0")/lib/ctr-lib.sh"
BENCH_ONLY=${BENCH_ONLY:-run web exec life}
RL_USER=${BENCH_USER:-selkie-bench}
# PID 1 of a container ignores signals it has no handler for: this one exits on SIGTERM
TERM_CMD=(sh -c 'trap "exit 0" TERM; sleep 1000 & wait')
# the engines' columns: s selkie, p podman (its default storage, vfs here), o podman overlay
ENGINES=(s p o)
PORT_BASE=28900
progress() { echo "rootless.sh: $*" >&2; }
want() { [[ " $BENCH_ONLY " == *" $1 "* ]]; }

# ================================ as the user ================================================
# rootless.sh --as-user prepare|round N|trace|cleanup, with RL_* in the environment: every
# sample goes to stdout as a line "NAME MS" (or "NAME fail"), failures to $CTR_LOG.
if [[ ${1:-} == --as-user ]]; then
	shift
	BENCH_WORK=$RL_U # where ctr-lib's sample() keeps the last stderr
	CTR_LOG=$RL_U/errors.log
	IMG=$SELKIE_REGISTRY/busybox:latest
	HTTPD=$SELKIE_REGISTRY/httpd:latest
	# the engines, each with its own store under the user's directory (arrays, for perf stat)
	E_s=("$RL_SELKIE" --root "$RL_U/s/r" --runroot "$RL_U/s/rr")
	E_p=(podman --root "$RL_U/p/r" --runroot "$RL_U/p/rr" --tmpdir "$RL_U/p/tmp")
	E_o=(podman --storage-driver overlay --root "$RL_U/o/r" --runroot "$RL_U/o/rr"
		--tmpdir "$RL_U/o/tmp")
	E_bare=(crun --root "$RL_U/crun")
	s() { "${E_s[@]}" "$@"; }
	p() { "${E_p[@]}" "$@"; }
	o() { "${E_o[@]}" "$@"; }
	bare() { "${E_bare[@]}" "$@"; }
	# rec NAME CMD...: one sample of CMD, printed as "NAME MS"
	rec() {
		local name=$1 v=()
		shift
		sample v "$@"
		echo "$name ${v[0]}"
	}
	# cpu NAME ENGINE ARGS...: the CPU time (task-clock, ms) of the engine's command and of
	# every process it starts, the monitor and the runtime included, printed as "NAME MS";
	# nothing without perf
	cpu() {
		local name=$1
		local -n _cpu_cmd=E_$2
		shift 2
		command -v perf >/dev/null || return 0
		if perf stat -x, -e task-clock -o "$RL_U/perf.out" -- "${_cpu_cmd[@]}" "$@" \
			>/dev/null 2>"$RL_U/stderr"; then
			echo "$name $(awk -F, '/task-clock/ { printf "%d\n", $1 }' "$RL_U/perf.out")"
		else
			ctr_fail "$name: ${_cpu_cmd[*]} $* (under perf stat)"
			cat "$RL_U/stderr" >>"$CTR_LOG"
			echo "$name fail"
		fi
	}
	# first_answer ENGINE PORT: `run -d -p PORT:80` of httpd, then curl until the page comes
	# (10 s at most), as bench/net.sh does: "E_web MS"; then `rm -f -t 0`, timed: "E_webrm MS"
	first_answer() {
		local e=$1 port=$2 n=web-$1 s t ok=0 i
		s=${EPOCHREALTIME/./}
		if "$e" run -d --name "$n" -p "$port:80" "$HTTPD" >/dev/null 2>>"$CTR_LOG"; then
			for ((i = 0; i < 10000; i++)); do
				if curl -sf -m 1 -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
					ok=1
					break
				fi
				sleep 0.001 # a refused connection returns at once: poll every millisecond
			done
		fi
		t=${EPOCHREALTIME/./}
		if ((ok)); then
			echo "${e}_web $(((t - s) / 1000))"
		else
			ctr_fail "$e run -d -p $port:80 httpd: no answer within 10 s"
			echo "${e}_web fail"
		fi
		rec "${e}_webrm" "$e" rm -f -t 0 "$n"
	}
	# lifecycle ENGINE N: create, start, stop, rm of one container
	lifecycle() {
		local e=$1 n=life-$1-$2
		rec "${e}_create" "$e" create --name "$n" "$IMG" "${TERM_CMD[@]}"
		rec "${e}_start" "$e" start "$n"
		sleep 0.3 # let sh install its trap
		rec "${e}_stop" "$e" stop "$n"
		rec "${e}_rm" "$e" rm "$n"
		"$e" rm -f -t 0 "$n" >/dev/null 2>&1 || true # only after a failure
	}
	case $1 in
	prepare)
		mkdir -p "$RL_U/p/tmp" "$RL_U/o/tmp" "$RL_U/crun"
		s pull -q "$IMG" >/dev/null
		s pull -q "$HTTPD" >/dev/null
		for e in p o; do # (podman warns that / is not a shared mount: to the log)
			"$e" pull -q --tls-verify=false "$IMG" >/dev/null 2>>"$CTR_LOG"
			"$e" pull -q --tls-verify=false "$HTTPD" >/dev/null 2>>"$CTR_LOG"
		done
		# what each engine uses: storage driver, and a tap0 device (slirp4netns) by default
		echo "info selkie $(s info --format '{{.Store.GraphDriverName}}')"
		echo "info podman $(p info --format '{{.Store.GraphDriverName}}' 2>/dev/null)"
		echo "info podman-o $(o info --format '{{.Store.GraphDriverName}}' 2>/dev/null)"
		for e in "${ENGINES[@]}"; do
			if ! "$e" run --rm "$IMG" cat /proc/net/dev 2>>"$CTR_LOG" | grep -q 'tap0:'; then
				ctr_fail "$e: the default network has no tap0 (not slirp4netns?)"
			fi
		done
		# the bare runtime's bundle: the busybox layers unpacked by the user, `crun spec
		# --rootless` (a new user namespace mapping the user to root, new network namespace)
		b=$RL_U/bundle oci=$RL_BUSYBOX_OCI
		mkdir -p "$b/rootfs"
		m=$(jq -r '.manifests[0].digest' "$oci/index.json")
		for l in $(jq -r '.layers[].digest' "$oci/blobs/sha256/${m#sha256:}"); do
			tar -xzf "$oci/blobs/sha256/${l#sha256:}" -C "$b/rootfs"
		done
		(cd "$b" && crun spec --rootless)
		jq '.process.args = ["true"] | .process.terminal = false' "$b/config.json" \
			>"$b/config.json.new"
		mv "$b/config.json.new" "$b/config.json"
		bare run --bundle "$b" bare-check >/dev/null ||
			ctr_fail "bare crun run of a rootless bundle failed"
		# warm-ups: first-run directories, the holders and pause processes, caches
		for e in "${ENGINES[@]}"; do
			"$e" run --rm "$IMG" true >/dev/null 2>&1 || true
			"$e" run --rm --net none "$IMG" true >/dev/null 2>&1 || true
		done
		if want web; then
			port=$PORT_BASE
			for e in "${ENGINES[@]}"; do
				first_answer "$e" "$port" >/dev/null
				port=$((port + 1))
			done
		fi
		if want exec; then
			for e in "${ENGINES[@]}"; do
				"$e" run -d --name ex "$IMG" sleep 1000 >/dev/null
				"$e" exec ex true >/dev/null 2>&1 || true
			done
		fi
		;;
	round)
		i=$2
		if want run; then
			for e in "${ENGINES[@]}"; do
				rec "${e}_def" "$e" run --rm "$IMG" true
				rec "${e}_none" "$e" run --rm --net none "$IMG" true
			done
			rec b_crun bare run --bundle "$RL_U/bundle" "bare-$i"
			# the same once more, for their CPU time (separate runs: perf adds its own start)
			for e in "${ENGINES[@]}"; do
				cpu "${e}_cpudef" "$e" run --rm "$IMG" true
				cpu "${e}_cpunone" "$e" run --rm --net none "$IMG" true
			done
			cpu b_cpucrun bare run --bundle "$RL_U/bundle" "cpu-$i"
		fi
		if want web; then
			port=$PORT_BASE
			for e in "${ENGINES[@]}"; do
				first_answer "$e" "$port"
				port=$((port + 1))
			done
		fi
		if want exec; then
			for e in "${ENGINES[@]}"; do rec "${e}_exec" "$e" exec ex true; done
		fi
		if want life; then
			for e in "${ENGINES[@]}"; do lifecycle "$e" "$i"; done
		fi
		;;
	trace)
		# strace timelines of one selkie run --rm each (programs started and ended, namespaces)
		ev=execve,exit_group,clone,clone3,vfork,setns,unshare,mount,umount2,wait4,flock
		strace --seccomp-bpf -f -tt -s 256 -e trace=$ev -o "$RL_U/strace-default.txt" \
			"$RL_SELKIE" --root "$RL_U/s/r" --runroot "$RL_U/s/rr" run --rm "$IMG" true
		strace --seccomp-bpf -f -tt -s 256 -e trace=$ev -o "$RL_U/strace-none.txt" \
			"$RL_SELKIE" --root "$RL_U/s/r" --runroot "$RL_U/s/rr" run --rm --net none \
			"$IMG" true
		;;
	cleanup)
		# every container, then the namespace holders: selkie's (`system migrate` ends it and
		# with it the user's mount namespace, where the overlay mounts are) and podman's pause
		# processes
		for e in "${ENGINES[@]}"; do
			"$e" rm -af -t 0 >/dev/null 2>&1 || true
		done
		for c in $(bare list -q 2>/dev/null); do bare delete -f "$c" >/dev/null 2>&1; done
		s system migrate >/dev/null 2>&1 || true
		p system migrate >/dev/null 2>&1 || true
		o system migrate >/dev/null 2>&1 || true
		;;
	esac
	exit 0
fi

# ================================ as root ====================================================
[[ $(id -u) -eq 0 ]] || { progress "run as root (it prepares the user $RL_USER)" && exit 1; }
for t in podman crun slirp4netns jq curl setpriv; do
	command -v "$t" >/dev/null || { progress "$t not found" && exit 1; }
done
"$BENCH_TOP/scripts/setup-rootless-user.sh" "$RL_USER"
RL_UID=$(id -u "$RL_USER")
RL_GID=$(id -g "$RL_USER")
# processes the user already had are not ours to end
RL_PIDS_BEFORE=" $(pgrep -U "$RL_UID" | tr "\n" " " || true)"

# as_user CMD...: CMD as the user, with only the environment the benchmark needs
as_user() {
	setpriv --reuid "$RL_UID" --regid "$RL_GID" --init-groups -- \
		env -i -C "$RL_U" "HOME=$RL_U/home" "USER=$RL_USER" "LOGNAME=$RL_USER" \
		SHELL=/bin/bash PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 "TMPDIR=$RL_U/tmp" "XDG_RUNTIME_DIR=$RL_U/xdg" \
		"CONTAINERS_REGISTRIES_CONF=$CONTAINERS_REGISTRIES_CONF" \
		"SELKIE_REGISTRY=$SELKIE_REGISTRY" "BENCH_RUNS=$BENCH_RUNS" "BENCH_ONLY=$BENCH_ONLY" \
		"RL_U=$RL_U" "RL_SELKIE=$RL_STAGE/bin/selkie" "RL_BUSYBOX_OCI=$RL_STAGE/oci/busybox" \
		"$@"
}
user_step() { # STEP...: the script's user part; its samples are appended to the results
	as_user "$RL_STAGE/bench/rootless.sh" --as-user "$@" >>"$RL_RESULTS"
}
# rootful selkie, as a reference (its own store)
rk() { "$RL_STAGE/bin/selkie" --root "$BENCH_WORK/root/r" --runroot "$BENCH_WORK/root/rr" "$@"; }

# rl_sweep: the user's processes still running (that were not there before) after up to 5 s:
# printed and killed by PID; returns 1 if there was any. Zombies (a pause process ended by
# `system migrate` and not yet reaped by PID 1) are not running and are left alone.
rl_sweep() {
	local p left=0 i st
	for ((i = 0; i < 50; i++)); do
		left=0
		for p in $(pgrep -U "$RL_UID" || true); do
			[[ $RL_PIDS_BEFORE == *" $p "* ]] && continue
			st=$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null || true)
			[[ -z $st || $st == Z ]] && continue
			left=1
		done
		((left)) || return 0
		sleep 0.1
	done
	for p in $(pgrep -U "$RL_UID" || true); do
		[[ $RL_PIDS_BEFORE == *" $p "* ]] && continue
		st=$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null || true)
		[[ -z $st || $st == Z ]] && continue
		echo "rootless.sh: left running by $RL_USER: $p $(tr '\0' ' ' <"/proc/$p/cmdline" \
			2>/dev/null)" >&2
		kill -9 "$p" 2>/dev/null || true
	done
	return 1
}

rl_teardown() {
	local rc=$?
	trap - EXIT INT TERM
	set +e
	if [[ -n ${BENCH_WORK:-} && -d $BENCH_WORK ]]; then
		if [[ -n ${RL_STAGE:-} && -x $RL_STAGE/bench/rootless.sh ]]; then
			as_user "$RL_STAGE/bench/rootless.sh" --as-user cleanup >/dev/null 2>&1
			rl_sweep || progress "(processes of $RL_USER were left behind; killed)"
		fi
		[[ -d $BENCH_WORK/root/r ]] && rk rm -af -t 0 >/dev/null 2>&1
		ctr_umount_below "$BENCH_WORK"
		if awk -v d="$BENCH_WORK/" 'index($5, d) == 1 { f = 1 } END { exit !f }' \
			/proc/self/mountinfo; then
			progress "mounts remain below $BENCH_WORK; not removing it"
			"$BENCH_TOP/tests/fixtures/registry.sh" stop "$BENCH_WORK/registry" >/dev/null 2>&1
			exit "$rc"
		fi
		if [[ -s ${RL_U:-}/errors.log ]] && grep -q '^FAIL: ' "$RL_U/errors.log"; then
			progress "errors as $RL_USER (last 30 lines of the log):"
			tail -30 "$RL_U/errors.log" >&2
		fi
		if [[ -s $CTR_LOG && $rc -ne 0 ]]; then
			progress "errors (last 30 lines of the log):"
			tail -30 "$CTR_LOG" >&2
		fi
	fi
	bench_teardown
	exit "$rc"
}

bench_setup
trap rl_teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 0755 "$BENCH_WORK" # the user reads the registries.conf and the stage in it
CTR_LOG=$BENCH_WORK/errors.log
: >"$CTR_LOG"
RL_RESULTS=$BENCH_WORK/results
: >"$RL_RESULTS"
ctr_fix_hugetlb # crun on this host, rootful (the reference row); the rootless runs do not need it
# the stage: what the user runs, readable by them
RL_STAGE=$BENCH_WORK/stage
mkdir -p "$RL_STAGE/bin" "$RL_STAGE/bench/lib" "$RL_STAGE/oci"
cp "$SELKIE" "$RL_STAGE/bin/selkie"
# selkie looks for selkie-pause next to itself, then at ../pause/ (the build tree)
for p in "$(dirname "$SELKIE")/selkie-pause" "$(dirname "$SELKIE")/../pause/selkie-pause" ""; do
	[[ -z $p || -x $p ]] && break
done
[[ -n $p ]] || { progress "selkie-pause not found next to $SELKIE" && exit 1; }
cp "$p" "$RL_STAGE/bin/selkie-pause"
cp "$0" "$RL_STAGE/bench/rootless.sh"
cp "$BENCH_TOP/bench/lib/common.sh" "$BENCH_TOP/bench/lib/ctr-lib.sh" "$RL_STAGE/bench/lib/"
cp -r "$BENCH_TOP/tests/fixtures/.out/images/oci/busybox" "$RL_STAGE/oci/"
chmod -R a+rX,go-w "$RL_STAGE"
# the user's directory: HOME, TMPDIR, XDG_RUNTIME_DIR (0700, as pam_systemd makes it), stores
RL_U=$BENCH_WORK/u
install -d -m 0700 -o "$RL_UID" -g "$RL_GID" "$RL_U" "$RL_U/home" "$RL_U/tmp" "$RL_U/xdg"
install -m 0600 -o "$RL_UID" -g "$RL_GID" /dev/null "$RL_U/errors.log"

progress "preparing (pulls as $RL_USER, warm-ups)"
user_step prepare
mkdir -p "$BENCH_WORK/root"
rk pull -q "$SELKIE_REGISTRY/busybox:latest" >/dev/null
rk run --rm --net none "$SELKIE_REGISTRY/busybox:latest" true >/dev/null 2>&1 || true

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
r_none=() r_cpu=()
for ((i = 0; i < BENCH_RUNS; i++)); do
	progress "round $((i + 1)) of $BENCH_RUNS"
	user_step round "$i"
	if want run; then
		sample r_none rk run --rm --net none "$SELKIE_REGISTRY/busybox:latest" true
		if command -v perf >/dev/null; then
			perf stat -x, -e task-clock -o "$BENCH_WORK/perf.out" -- "$RL_STAGE/bin/selkie" \
				--root "$BENCH_WORK/root/r" --runroot "$BENCH_WORK/root/rr" run --rm --net none \
				"$SELKIE_REGISTRY/busybox:latest" true >/dev/null 2>&1 &&
				r_cpu+=("$(awk -F, '/task-clock/ { printf "%d\n", $1 }' "$BENCH_WORK/perf.out")")
		fi
	fi
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the table ------------------------------------------------------------------------------
# rcell NAME: the median of the user's samples called NAME ("fail", "-" as cell() does)
rcell() {
	local rl_vals=()
	mapfile -t rl_vals < <(awk -v n="$1" '$1 == n { print $2 }' "$RL_RESULTS")
	cell rl_vals
}
info() { awk -v n="$1" '$1 == "info" && $2 == n { print $3 }' "$RL_RESULTS"; }
# prow TITLE NAME: selkie, podman (default storage), podman overlay, and the two ratios
prow() {
	local s p o
	s=$(rcell "s_$2") p=$(rcell "p_$2") o=$(rcell "o_$2")
	printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$s" "$p" "$o" "$(ratio "$p" "$s")" \
		"$(ratio "$o" "$s")"
}
echo "bench/rootless.sh $(date -u +%F), as $RL_USER (uid $RL_UID), medians of $BENCH_RUNS," \
	"crun $(crun --version | awk 'NR == 1 { print $3 }'), podman" \
	"$(podman --version | awk '{print $3}'), storage: selkie $(info selkie), podman" \
	"$(info podman) (default) and $(info podman-o), network slirp4netns unless stated," \
	"load average $load_start at start, $load_end at end"
echo
echo "| operation (rootless) | selkie ms | podman ms ($(info podman))" \
	"| podman ms ($(info podman-o)) | podman ÷ selkie | podman $(info podman-o) ÷ selkie |"
echo "|---|---|---|---|---|---|"
prow '`run --rm busybox true` (default network: slirp4netns)' def
prow '`run --rm --net none busybox true`' none
prow "\`run -d -p PORT:80 httpd\` until the first HTTP answer" web
prow '`rm -f -t 0` of that running container' webrm
prow '`exec true`' exec
prow '`create`' create
prow '`start`' start
prow '`stop` (exits on SIGTERM)' stop
prow '`rm`' rm
prow 'CPU time of `run --rm busybox true`, all processes (perf stat task-clock)' cpudef
prow 'CPU time of `run --rm --net none busybox true`' cpunone
echo
echo "| reference | ms |"
echo "|---|---|"
ref() { printf '| %s | %s |\n' "$1" "$2"; }
ref 'selkie **rootful** `run --rm --net none busybox true` (as root, same binary)' "$(cell r_none)"
ref 'selkie **rootful** `run --rm --net none busybox true`, CPU time' "$(cell r_cpu)"
ref 'bare `crun run` as the user (`crun spec --rootless`: new user and network namespaces,'\
' `true`)' "$(rcell b_crun)"
ref 'bare `crun run` as the user, CPU time' "$(rcell b_cpucrun)"

goal() { # TEXT FIGURE TEST: TEST is an awk condition on x, the figure without its "x"
	local met='?'
	if [[ $2 =~ ^([0-9.]+)x?$ ]]; then
		met=$(awk -v x="${BASH_REMATCH[1]}" "BEGIN { x += 0; print ($3) ? \"yes\" : \"no\" }")
	fi
	echo "| $1 | $2 | $met |"
}
echo
echo "| goal (issue 5) | figure | met |"
echo "|---|---|---|"
goal 'rootless `run --rm busybox true` under 80 ms (default network)' "$(rcell s_def)" 'x < 80'
goal 'rootless `run --rm --net none busybox true` under 80 ms' "$(rcell s_none)" 'x < 80'

if [[ -n ${BENCH_STRACE:-} ]]; then
	progress "strace timelines of one selkie run --rm (as $RL_USER) into $BENCH_STRACE"
	user_step trace
	mkdir -p "$BENCH_STRACE"
	cp "$RL_U/strace-default.txt" "$RL_U/strace-none.txt" "$BENCH_STRACE/"
	for f in default none; do
		echo
		echo "strace timeline, selkie run --rm ($f network): ms from the first exec, pid, event"
		awk '
		function ms(t, a) { split(t, a, ":"); return (a[1] * 3600 + a[2] * 60 + a[3]) * 1000 }
		/execve\(/ && !/resumed/ {
			t = ms($2); if (t0 == "") t0 = t
			a = $0; sub(/^[^[]*\[/, "", a); sub(/\].*/, "", a); gsub(/"/, "", a)
			n = split(a, w, ", "); sub(/.*\//, "", w[1]); x = w[1]
			for (k = 2; k <= n && k <= 9; k++) if (w[k] !~ /^--(root|runroot|bundle)$|^\//) x = x " " w[k]
			what[$1] = x
			printf "%8.1f %6s exec %s\n", t - t0, $1, x
		}
		/\+\+\+ exited with/ && ($1 in what) { printf "%8.1f %6s exit %s\n", ms($2) - t0, $1, what[$1] }
		' "$BENCH_STRACE/strace-$f.txt"
	done
fi
if ctr_failed || grep -q '^FAIL: ' "$RL_U/errors.log"; then
	progress "some commands failed; see the errors below"
	false # the teardown prints the error logs on a non-zero exit
fi
