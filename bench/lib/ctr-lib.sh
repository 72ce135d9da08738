# Shared by bench/run.sh: engines with private stores (selkie, podman, bare crun/runc), a bundle
# for the bare runtimes, samples and medians that never hide a failure, and a teardown that
# removes every container, mount, store and host change the benchmark made, even when interrupted.
# Source after lib/common.sh.
# shellcheck shell=bash

CTR_IMG_NAME=busybox:latest
CTR_LOG=/dev/null # set to $BENCH_WORK/errors.log by ctr_setup

# --- host preparation ---------------------------------------------------------------------

# crun 1.8 refuses a v1 host whose unified hierarchy still holds a controller (hugetlb on this
# machine). Bind hugetlb to its own v1 hierarchy, as an administrator would; idempotent, and
# left in place (the system tests rely on it too).
ctr_fix_hugetlb() {
	local u=/sys/fs/cgroup/unified/cgroup.controllers
	[[ -r $u ]] && grep -qw hugetlb "$u" || return 0
	echo "run.sh: moving hugetlb to a v1 hierarchy so crun works (HOST-NOTES.md)" >&2
	mkdir -p /sys/fs/cgroup/hugetlb
	mountpoint -q /sys/fs/cgroup/hugetlb ||
		mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
}

# podman 4.3 asks the runtime for nofile=1048576 and nproc=4194304, and lowers its own hard
# nproc to 32768 before it starts conmon; this host's hard nofile is 20000 and the bounding set
# lacks CAP_SYS_RESOURCE, so every `podman run` fails with "setrlimit ... Operation not
# permitted". A private containers.conf (the system one plus `default_ulimits`) caps both at
# what the runtime may set; nothing else changes, and only the benchmark's podman reads it.
ctr_podman_conf() {
	local nofile nproc
	nofile=$(ulimit -Hn)
	nproc=$(ulimit -Hu)
	[[ $nofile == unlimited ]] && nofile=1048576
	[[ $nproc == unlimited || $nproc -gt 32768 ]] && nproc=32768
	CTR_PODMAN_CONF=$BENCH_WORK/containers.conf
	local sys=/usr/share/containers/containers.conf
	[[ -r /etc/containers/containers.conf ]] && sys=/etc/containers/containers.conf
	local line="default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]"
	if [[ -r $sys ]] && grep -q '^\[containers\]' "$sys"; then
		awk -v u="$line" '{ print } /^\[containers\]/ { print u }' "$sys" >"$CTR_PODMAN_CONF"
	else
		printf '[containers]\n%s\n' "$line" >"$CTR_PODMAN_CONF"
	fi
}

# selkie with the benchmark's private root and run root
sk() {
	"$SELKIE" --root "$BENCH_WORK/s/r" --runroot "$BENCH_WORK/s/rr" "$@"
}

# podman with a private root, run root, tmpdir and containers.conf (a function, so the
# environment reaches podman only and costs no extra exec)
pm() {
	CONTAINERS_CONF=$CTR_PODMAN_CONF podman --root "$BENCH_WORK/p/r" --runroot "$BENCH_WORK/p/rr" \
		--tmpdir "$BENCH_WORK/p/tmp" "$@"
}

# netavark (podman's default network) adds iptables chains and leaves them behind; remember
# which existed so the teardown removes only ours.
ctr_iptables_chains() {
	command -v iptables >/dev/null || return 0
	{
		iptables -S 2>/dev/null
		iptables -t nat -S 2>/dev/null | sed 's/^/nat /'
	} | awk '/^-N NETAVARK|^nat -N NETAVARK/ { print ($1 == "nat" ? "nat " $3 : "filter " $2) }' |
		sort
}

# --- the bare runtime's bundle --------------------------------------------------------------

# ctr_bundle OCI_LAYOUT DIR: DIR/rootfs from the image's layers (plain tar, in order; the
# busybox fixture has no whiteouts) and DIR/config.json from `crun spec`, args ["true"]
ctr_bundle() {
	local oci=$1 dir=$2 m l
	mkdir -p "$dir/rootfs"
	m=$(jq -r '.manifests[0].digest' "$oci/index.json")
	for l in $(jq -r '.layers[].digest' "$oci/blobs/sha256/${m#sha256:}"); do
		tar -xzf "$oci/blobs/sha256/${l#sha256:}" -C "$dir/rootfs"
	done
	(cd "$dir" && crun spec)
	jq '.process.args = ["true"] | .process.terminal = false' "$dir/config.json" \
		>"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# ctr_bundle_selkie DIR: a bundle with the spec selkie itself generates for `run IMAGE true`
# (seccomp, masked paths, cgroup, mounts, ...) over the plain rootfs of $CTR_BUNDLE and a new
# network namespace: how much of `run` is the spec's cost in the runtime, not selkie's
ctr_bundle_selkie() {
	local dir=$1 cfg ud cg
	sk run -d --name bench-spec "$CTR_IMG" true >/dev/null
	sk wait bench-spec >/dev/null
	cfg=$(sk inspect --format '{{.OCIConfigPath}}' bench-spec)
	ud=$(sk inspect --format '{{.StaticDir}}' bench-spec)
	mkdir -p "$dir/files"
	cp -a "$ud/." "$dir/files/"
	rm -f "$dir/files/config.json" "$dir/files/ctr.log"
	cg=$(jq -r '.linux.cgroupsPath // empty' "$cfg")
	jq --arg root "$CTR_BUNDLE/rootfs" --arg ud "$ud" --arg files "$dir/files" \
		--arg cg "${cg:+${cg%/*}/selkie-bench-bare}" '
		.root.path = $root
		| .linux.namespaces |= map(if .type == "network" then {type: "network"} else . end)
		| .mounts |= map(if (.source // "") | startswith($ud + "/")
			then .source = $files + (.source | ltrimstr($ud)) else . end)
		| if $cg != "" then .linux.cgroupsPath = $cg else . end' "$cfg" >"$dir/config.json"
	sk rm bench-spec >/dev/null
}

# --- setup and teardown ---------------------------------------------------------------------

ctr_setup() {
	bench_setup
	trap ctr_teardown EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	CTR_LOG=$BENCH_WORK/errors.log
	: >"$CTR_LOG"
	CTR_IMG=$SELKIE_REGISTRY/$CTR_IMG_NAME
	CTR_CHAINS_BEFORE=$(ctr_iptables_chains)
	CTR_IP_FORWARD=$(cat /proc/sys/net/ipv4/ip_forward)
	ctr_fix_hugetlb
	mkdir -p "$BENCH_WORK/s" "$BENCH_WORK/p/tmp" "$BENCH_WORK/crun" "$BENCH_WORK/runc"
	CTR_BUNDLE=$BENCH_WORK/bundle
	ctr_bundle "$BENCH_TOP/tests/fixtures/.out/images/oci/busybox" "$CTR_BUNDLE"
	crun --root "$BENCH_WORK/crun" run --bundle "$CTR_BUNDLE" bench-check >/dev/null ||
		{ echo "run.sh: bare crun cannot run a container on this host" >&2 && exit 1; }
	sk pull -q "$CTR_IMG" >/dev/null
	CTR_BUNDLE_SELKIE=$BENCH_WORK/bundle-selkie
	ctr_bundle_selkie "$CTR_BUNDLE_SELKIE"
	crun --root "$BENCH_WORK/crun" run --bundle "$CTR_BUNDLE_SELKIE" bench-check >/dev/null ||
		{ echo "run.sh: bare crun cannot run selkie's spec" >&2 && exit 1; }
	if have_podman; then
		ctr_podman_conf
		pm pull -q --tls-verify=false "$CTR_IMG" >/dev/null
	fi
}

# umount everything mounted below DIR, deepest first
ctr_umount_below() {
	local m
	awk -v d="$1/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

ctr_teardown() {
	local rc=$? id c t
	trap - EXIT INT TERM
	set +e
	if [[ -n ${BENCH_WORK:-} && -d $BENCH_WORK ]]; then
		for r in "$BENCH_WORK"/s*/; do
			[[ -d $r/r ]] && "$SELKIE" --root "$r/r" --runroot "$r/rr" rm -af -t 0 \
				>/dev/null 2>&1
		done
		if have_podman && [[ -n ${CTR_PODMAN_CONF:-} ]]; then
			pm rm -af -t 0 >/dev/null 2>&1
			pm rmi -af >/dev/null 2>&1
		fi
		for t in crun runc; do
			for id in $("$t" --root "$BENCH_WORK/$t" list -q 2>/dev/null); do
				"$t" --root "$BENCH_WORK/$t" delete -f "$id" >/dev/null 2>&1
			done
		done
		# chains netavark created during this run (rules jumping to them first)
		comm -13 <(printf '%s\n' "${CTR_CHAINS_BEFORE:-}") <(ctr_iptables_chains) |
			while read -r t c; do
				iptables -t "$t" -S | grep -- "-j $c\$" | sed 's/^-A/-D/' |
					while read -r rule; do eval "iptables -t $t $rule"; done
				iptables -t "$t" -F "$c"
			done
		comm -13 <(printf '%s\n' "${CTR_CHAINS_BEFORE:-}") <(ctr_iptables_chains) |
			while read -r t c; do iptables -t "$t" -X "$c"; done
		[[ -n ${CTR_IP_FORWARD:-} ]] && echo "$CTR_IP_FORWARD" >/proc/sys/net/ipv4/ip_forward
		ctr_umount_below "$BENCH_WORK"
		if awk -v d="$BENCH_WORK/" 'index($5, d) == 1 { f = 1 } END { exit !f }' \
			/proc/self/mountinfo; then
			echo "run.sh: mounts remain below $BENCH_WORK; not removing it" >&2
			"$BENCH_TOP/tests/fixtures/registry.sh" stop "$BENCH_WORK/registry" >/dev/null 2>&1
			exit "$rc"
		fi
		if [[ -s $CTR_LOG && $rc -ne 0 ]]; then
			echo "run.sh: errors (last 30 lines of the log):" >&2
			tail -30 "$CTR_LOG" >&2
		fi
	fi
	bench_teardown
	exit "$rc"
}

# --- samples --------------------------------------------------------------------------------

# sample ARRAY CMD...: run CMD once (output discarded) and append its wall time in ms to ARRAY,
# or "fail" when it exits non-zero (then "FAIL: CMD" and its stderr go to $CTR_LOG)
sample() {
	local -n _sample_to=$1
	shift
	local s e
	s=${EPOCHREALTIME/./}
	if "$@" >/dev/null 2>"$BENCH_WORK/stderr"; then
		e=${EPOCHREALTIME/./}
		_sample_to+=($(((e - s) / 1000)))
	else
		ctr_fail "$*"
		cat "$BENCH_WORK/stderr" >>"$CTR_LOG"
		_sample_to+=(fail)
	fi
}

# ctr_fail TEXT: record a failure; the script exits non-zero at the end and shows the log
ctr_fail() {
	echo "FAIL: $*" >>"$CTR_LOG"
}

ctr_failed() {
	grep -q '^FAIL: ' "$CTR_LOG"
}

# cell ARRAY: the median, "fail" if any sample failed, "-" if there are none
cell() {
	local -n _cell_of=$1
	if ((${#_cell_of[@]} == 0)); then
		echo -
	elif [[ " ${_cell_of[*]} " == *" fail "* ]]; then
		echo fail
	else
		printf '%s\n' "${_cell_of[@]}" | median
	fi
}

# ratio A B: A/B as "1.8x", or "-" when either is not a number
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b == 0) print "-";
		else printf "%.1fx\n", a / b }'
}

# row NAME SELKIE PODMAN BARE: a table row with selkie/bare and podman/selkie ratios
row() {
	printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" "$(ratio "$2" "$4")" \
		"$(ratio "$3" "$2")"
}

# vmrss_mib PID: resident set of PID in MiB (two decimals), "-" if it is gone
vmrss_mib() {
	[[ $1 =~ ^[0-9]+$ && -r /proc/$1/status ]] || { echo - && return; }
	awk '/^VmRSS:/ { printf "%.2f\n", $2 / 1024 }' "/proc/$1/status"
}
