#!/bin/bash
# Containers: selkie vs podman vs the bare runtime (crun/runc run and exec of an equivalent
# bundle), in one run, on the busybox fixture image from a loopback registry. Prints a markdown
# table of medians of BENCH_RUNS runs, then the issue's goals and whether they are met.
#
#   BENCH_RUNS=5            samples per figure
#   BENCH_PS_MAX=1000       containers for the largest `ps -a` row
#   BENCH_PS_PODMAN_MAX     cap for podman's `ps -a` rows (default: BENCH_PS_MAX)
#   BENCH_PARALLEL=50       containers started at once
#   BENCH_LOG_MB=100        size of the log `logs` reads (MB, 10^6 bytes)
#   BENCH_ONLY="run life exec logs par ps"   sections to run (rows of the others print "-")
#
# selkie's default network is a private namespace with only loopback; podman's closest is
# `--network none`, used everywhere except the row that names podman's default network.
# Progress goes to stderr, failing commands to the error log printed at the end.
# The sample arrays are filled through namerefs; backquotes in row titles are markdown.
# shellcheck disable=SC2034,SC2016
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=bench/lib/ctr-lib.sh
source "$(dirname "$0")/lib/ctr-lib.sh"
PS_MAX=${BENCH_PS_MAX:-1000}
PS_PODMAN_MAX=${BENCH_PS_PODMAN_MAX:-$PS_MAX}
PAR=${BENCH_PARALLEL:-50}
LOG_MB=${BENCH_LOG_MB:-100}
PN=(--network none)
# PID 1 of a container ignores signals it has no handler for: this one exits on SIGTERM
TERM_CMD=(sh -c 'trap "exit 0" TERM; sleep 1000 & wait')
LOG_CMD=(sh -c "yes \$(printf %099d 0) | head -c $((LOG_MB * 1000000))")
BENCH_ONLY=${BENCH_ONLY:-run life exec logs par ps}
progress() { echo "run.sh: $*" >&2; }
want() { [[ " $BENCH_ONLY " == *" $1 "* ]]; }

ctr_setup
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# samples (ms) per figure: s_ selkie, p_ podman, b_ bare runtime
s_run=() b_crun=() b_spec=() s_runc=() b_runc=() p_none=() p_def=() p_runc=()
s_create=() s_start=() s_stop=() s_rm=() p_create=() p_start=() p_stop=() p_rm=()
s_exec=() b_exec=() p_exec=() s_logw=() s_logs=() p_logw=() p_logs=() s_par=() p_par=()
s_rss=- p_rss=-
declare -A ps_cell

# --- run --rm -------------------------------------------------------------------------------
if want run; then
	progress "run --rm"
	sk run --rm "$CTR_IMG" true >/dev/null 2>&1 || true # warm-up: first-run directories, caches
	if have_podman; then
		pm run --rm "${PN[@]}" "$CTR_IMG" true >/dev/null 2>&1 || true
		pm run --rm "$CTR_IMG" true >/dev/null 2>&1 || true
	fi
	for ((i = 0; i < BENCH_RUNS; i++)); do
		sample s_run sk run --rm "$CTR_IMG" true
		sample b_crun crun --root "$BENCH_WORK/crun" run --bundle "$CTR_BUNDLE" "bare-$i"
		sample b_spec crun --root "$BENCH_WORK/crun" run --bundle "$CTR_BUNDLE_SELKIE" "spec-$i"
		sample s_runc sk --runtime runc run --rm "$CTR_IMG" true
		sample b_runc runc --root "$BENCH_WORK/runc" run --bundle "$CTR_BUNDLE" "bare-$i"
		if have_podman; then
			sample p_none pm run --rm "${PN[@]}" "$CTR_IMG" true
			sample p_def pm run --rm "$CTR_IMG" true
			sample p_runc pm --runtime runc run --rm "${PN[@]}" "$CTR_IMG" true
		fi
	done
fi

# --- create / start / stop / rm of one container --------------------------------------------
if want life; then
	progress "create, start, stop, rm"
	lifecycle() { # ENGINE PREFIX NAME [create options]
		local e=$1 v=$2 n=$3
		shift 3
		sample "${v}_create" "$e" create --name "$n" "$@" "$CTR_IMG" "${TERM_CMD[@]}"
		sample "${v}_start" "$e" start "$n"
		sleep 0.3 # let sh install its trap
		sample "${v}_stop" "$e" stop "$n"
		sample "${v}_rm" "$e" rm "$n"
		"$e" rm -f -t 0 "$n" >/dev/null 2>&1 || true # only after a failure
	}
	for ((i = 0; i < BENCH_RUNS; i++)); do
		lifecycle sk s "life$i"
		have_podman && lifecycle pm p "life$i" "${PN[@]}"
	done
fi

# --- exec, and the monitor's memory -----------------------------------------------------------
if want exec; then
	progress "exec, monitor RSS"
	sk run -d --name ex "$CTR_IMG" sleep 1000 >/dev/null
	sid=$(sk inspect --format '{{.Id}}' ex)
	have_podman && pm run -d "${PN[@]}" --name ex "$CTR_IMG" sleep 1000 >/dev/null
	sleep 1
	s_rss=$(vmrss_mib "$(sk inspect --format '{{.State.ConmonPid}}' ex)")
	have_podman && p_rss=$(vmrss_mib "$(pm inspect --format '{{.State.ConmonPid}}' ex)")
	sk exec ex true >/dev/null 2>&1 || true
	have_podman && { pm exec ex true >/dev/null 2>&1 || true; }
	for ((i = 0; i < BENCH_RUNS; i++)); do
		sample s_exec sk exec ex true
		# the same container, straight through the runtime selkie used
		sample b_exec crun --root "$BENCH_WORK/s/rr/crun" exec "$sid" true
		have_podman && sample p_exec pm exec ex true
	done
	sk rm -f -t 0 ex >/dev/null
	have_podman && pm rm -f -t 0 ex >/dev/null
fi

# --- a 100 MB log: writing it (run -d until the container has exited), reading it -------------
if want logs; then
	progress "logs of $LOG_MB MB"
	write_log() { # ENGINE NAME [run options]: run -d the writer and wait; fail unless it exited 0
		local e=$1 n=$2
		shift 2
		"$e" run -d --name "$n" --log-driver k8s-file "$@" "$CTR_IMG" "${LOG_CMD[@]}" &&
			[[ $("$e" wait "$n") == 0 ]]
	}
	logs_round() { # ENGINE PREFIX ROUND [run options]
		local e=$1 v=$2 r=$3 bytes
		shift 3
		sample "${v}_logw" write_log "$e" "log$r" "$@"
		if ((r == 0)); then
			bytes=$("$e" logs "log$r" 2>/dev/null | wc -c || true)
			((bytes == LOG_MB * 1000000)) ||
				ctr_fail "$e logs: $bytes bytes, expected $((LOG_MB * 1000000))"
		fi
		sample "${v}_logs" "$e" logs "log$r"
		"$e" rm -f -t 0 "log$r" >/dev/null 2>&1 || true
	}
	for ((i = 0; i < BENCH_RUNS; i++)); do
		logs_round sk s "$i"
		have_podman && logs_round pm p "$i" "${PN[@]}"
	done
fi

# --- PAR containers started at once ---------------------------------------------------------
if want par; then
	progress "$PAR parallel run -d"
	par_round() { # ENGINE ARRAY [run options]: wall ms until every `run -d` returned; all running?
		local e=$1 i s t bad=0 pids=() n
		local -n _par_to=$2
		shift 2
		s=${EPOCHREALTIME/./}
		for ((i = 0; i < PAR; i++)); do
			"$e" run -d --name "par$i" "$@" "$CTR_IMG" sleep 1000 >/dev/null 2>>"$CTR_LOG" &
			pids+=($!)
		done
		for i in "${pids[@]}"; do wait "$i" || bad=1; done
		t=$((${EPOCHREALTIME/./} - s))
		n=$("$e" ps -q --filter status=running 2>>"$CTR_LOG" | wc -l || true)
		if ((bad == 0 && n == PAR)); then
			_par_to+=($((t / 1000)))
		else
			ctr_fail "$e: $n of $PAR containers running after parallel run -d"
			_par_to+=(fail)
		fi
		"$e" rm -af -t 0 >/dev/null 2>&1 || true
	}
	for ((i = 0; i < BENCH_RUNS; i++)); do
		par_round sk s_par
		have_podman && par_round pm p_par "${PN[@]}"
	done
fi

# --- ps -a with 0 / 100 / PS_MAX created containers -----------------------------------------
ps_counts=(0)
((PS_MAX > 100)) && ps_counts+=(100)
((PS_MAX > 0)) && ps_counts+=("$PS_MAX")
ps_engine() { # ENGINE PREFIX MAX [create options]
	local e=$1 v=$2 max=$3 have=0 n i got
	shift 3
	for n in "${ps_counts[@]}"; do
		((n <= max)) || break
		progress "ps -a with $n containers ($e)"
		# four creates at a time; named, because generated names collide at this scale
		for ((i = have; i < n; i++)); do
			"$e" create -q --name "ps$i" "$@" "$CTR_IMG" true >/dev/null 2>>"$CTR_LOG" &
			(((i + 1) % 4)) || wait
		done
		wait
		have=$n
		got=$("$e" ps -aq 2>>"$CTR_LOG" | wc -l || true)
		local samples=()
		"$e" ps -a >/dev/null 2>&1 || true
		for ((i = 0; i < BENCH_RUNS; i++)); do sample samples "$e" ps -a; done
		ps_cell[$v$n]=$(cell samples)
		if ((got != n)); then
			ctr_fail "$e: $got containers instead of $n"
			ps_cell[$v$n]="fail ($got)"
		fi
	done
	progress "removing $have containers ($e)"
	"$e" rm -af -t 0 >/dev/null 2>&1 || true
}
if want ps; then
	ps_engine sk s "$PS_MAX"
	have_podman && ps_engine pm p "$PS_PODMAN_MAX" "${PN[@]}"
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the table ------------------------------------------------------------------------------
rt=$(sk info --format '{{.Host.OCIRuntime.Name}}' 2>/dev/null || echo '?')
echo "bench/run.sh $(date -u +%F), medians of $BENCH_RUNS, selkie runtime $rt, podman" \
	"$(have_podman && podman --version | awk '{print $3}' || echo 'not installed')" \
	"(\`--network none\` unless stated), load average $load_start at start, $load_end at end"
echo
echo "| operation | selkie ms | podman ms | bare runtime ms | selkie ÷ bare | podman ÷ selkie |"
echo "|---|---|---|---|---|---|"
row '`run --rm busybox true` (crun)' "$(cell s_run)" "$(cell p_none)" "$(cell b_crun)"
row '`run --rm busybox true` (crun), podman default network' "$(cell s_run)" \
	"$(cell p_def)" "$(cell b_crun)"
row "\`run --rm busybox true\` (crun), bare: selkie's own config.json" "$(cell s_run)" - \
	"$(cell b_spec)"
row '`run --rm busybox true` (runc)' "$(cell s_runc)" "$(cell p_runc)" "$(cell b_runc)"
row '`create`' "$(cell s_create)" "$(cell p_create)" -
row '`start`' "$(cell s_start)" "$(cell p_start)" -
row '`stop` (exits on SIGTERM)' "$(cell s_stop)" "$(cell p_stop)" -
row '`rm`' "$(cell s_rm)" "$(cell p_rm)" -
for n in "${ps_counts[@]}"; do
	row "\`ps -a\` with $n containers" "${ps_cell[s$n]:--}" "${ps_cell[p$n]:--}" -
done
row '`exec true` (bare: `crun exec` of the same container)' "$(cell s_exec)" "$(cell p_exec)" \
	"$(cell b_exec)"
row "write a $LOG_MB MB log (\`run -d\` + \`wait\`)" "$(cell s_logw)" "$(cell p_logw)" -
row "\`logs\` of $LOG_MB MB (to /dev/null)" "$(cell s_logs)" "$(cell p_logs)" -
row "$PAR \`run -d\` at once, until all are running" "$(cell s_par)" "$(cell p_par)" -
row 'monitor RSS, MiB (podman: conmon)' "$s_rss" "$p_rss" -

goal() { # TEXT FIGURE TEST: TEST is an awk condition on x, the figure without its "x"
	local met='?'
	if [[ $2 =~ ^([0-9.]+)x?$ ]]; then
		met=$(awk -v x="${BASH_REMATCH[1]}" "BEGIN { x += 0; print ($3) ? \"yes\" : \"no\" }")
	fi
	echo "| $1 | $2 | $met |"
}
echo
echo "| goal (issue 3) | figure | met |"
echo "|---|---|---|"
goal '`run --rm` within 2x of bare `crun run`' "$(ratio "$(cell s_run)" "$(cell b_crun)")" 'x <= 2'
goal '`run --rm` >= 5x faster than podman (`--network none`)' \
	"$(ratio "$(cell p_none)" "$(cell s_run)")" 'x >= 5'
goal '`run --rm` >= 5x faster than podman (default network)' \
	"$(ratio "$(cell p_def)" "$(cell s_run)")" 'x >= 5'
goal "\`ps -a\` with $PS_MAX containers under 50 ms" "${ps_cell[s$PS_MAX]:--}" 'x < 50'
goal '`exec` within 2x of bare `crun exec`' "$(ratio "$(cell s_exec)" "$(cell b_exec)")" 'x <= 2'
goal 'monitor under 2 MiB' "$s_rss" 'x < 2'
if ctr_failed; then
	progress "some commands failed; see the errors below"
	false # the teardown prints the error log on a non-zero exit
fi
