#!/usr/bin/env bash
# Side-by-side throughput comparison of recur against the reference peers on the standard
# workloads W1-W7 (shared/bench/workloads.json; peers described in shared/bench/README.md and
# bench/PEERS-SETUP.md).
#
# Usage (from the repository root):
#   bench/compare.sh [--rounds N] [--workloads W1,W2,...] [--out DIR]
#   defaults: 3 rounds, W1..W7, DIR = bench/results/<timestamp>
#
# What it runs. Each round runs the systems one after another, always in this order:
#   recur          ./recur bench --format json --threads n --warmup 10 --iters 7 [$RECUR_BENCH_ARGS]
#                  (and at least 5 s of warm-up, the bench default: the JIT must have compiled what is timed),
#                  one JVM per workload and mode
#   PyTorch 1.13   OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=n OPENBLAS_NUM_THREADS=n
#                  /usr/bin/python3 torch_bench.py --threads n --modes forward,train_step
#   libtorch 2.7.1 (DJL 0.36)  THREADS=n djl/run_djl.sh --modes forward,train_step
#                  (the peer's own script: raised glibc malloc thresholds, OMP_WAIT_POLICY as the caller has it)
#   ONNX Runtime 1.23.2 Java   OMP_NUM_THREADS=n java anchors.OrtBench --threads n (forward only;
#                  called directly as in PEERS-SETUP.md, because run_ort.sh always runs 2 and 1 threads)
# each with n=2 on every selected workload, then n=1 on W6/W7 (batch 1: one thread is often faster).
# Peers use their own default warm-up/iterations (3 warm-up, 5 iters x 2 repeats). Per system and
# row the report keeps the thread count with the best median over rounds and says which it was.
# The environment is passed through as it is (OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE untouched).
#
# Output in DIR: raw.jsonl (every result line plus "round"; a failed case is a line with "error"),
# meta.txt (the machine: CPU vendor and model, caches, vector/matrix features, the JVM's UseAVX and
# MaxVectorSize, the float32 FMA peak of bench/fma-peak.sh; copied at the top of table.md),
# table.md (the printed table), throughput.png (grouped bars, log scale), calls.tsv (wall time of
# each call), logs/ (stdout/stderr of each call, setup log).
#
# Prerequisites (done here when missing; every step is idempotent; apt-get needs root, otherwise
# the command is printed and the run goes on, the peers that cannot run showing as "—"):
#   apt-get update && apt-get install -y python3-torch libopenblas0-pthread python3-onnx python3-matplotlib maven
#   ONNX models + ORT build in $BENCH_WORK/ort (export_onnx.py, mvn compile, cp.txt); DJL builds itself.
# Environment: RECUR (launcher, default ./recur; e.g. RECUR=/tmp/wt/recur RECUR_NO_BUILD=1),
#   OMP_WAIT_POLICY (left unset for libtorch, as in its README figures; on a busy machine run
#   OMP_WAIT_POLICY=PASSIVE bench/compare.sh, or libtorch's spinning threads collapse),
#   RECUR_BENCH_ARGS (extra arguments for recur bench), RECUR_TUNE (if-missing, the default: run
#   `recur tune` first where this CPU and JVM have no tuning file yet; no: leave it), SHARED_BENCH (default ../shared/bench or
#   shared/bench), BENCH_WORK (peers' scratch area, default ${TMPDIR:-/tmp}/recur-bench).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=3 WORKLOADS=W1,W2,W3,W4,W5,W6,W7 OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
OUT=${OUT:-$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)   # absolute: the peers' scripts change directory
RECUR=${RECUR:-$ROOT/recur}
SHARED=${SHARED_BENCH:-$( [ -d "$ROOT/shared/bench" ] && echo "$ROOT/shared/bench" || echo "$ROOT/../shared/bench")}
export BENCH_WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/recur-bench}
PY=/usr/bin/python3   # Debian's interpreter (has torch); the report needs only the standard library
REPORT="$ROOT/bench/compare_report.py"
BATCH1=$(tr , '\n' <<< "$WORKLOADS" | grep -xE 'W6|W7' | paste -sd, -)
mkdir -p "$OUT/logs" && : > "$OUT/raw.jsonl" && printf 'round\tsystem\tthreads\tseconds\trc\n' > "$OUT/calls.tsv"
SETUP_LOG="$OUT/logs/setup.log"
T0=$(date +%s)

# ---- setup: Debian packages, ORT models and build ------------------------------------------------
pkgs=()
$PY -c 'import torch, onnx' 2>/dev/null || pkgs+=(python3-torch python3-onnx)
[[ $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3) == */openblas-pthread/* ]] || pkgs+=(libopenblas0-pthread)
$PY -c 'import matplotlib' 2>/dev/null || pkgs+=(python3-matplotlib)
command -v mvn > /dev/null || pkgs+=(maven)
if [ ${#pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "compare.sh: installing ${pkgs[*]} (log: $SETUP_LOG)" >&2
    { apt-get update && apt-get install -y "${pkgs[@]}"; } >> "$SETUP_LOG" 2>&1 || echo "compare.sh: apt-get failed, see $SETUP_LOG" >&2
  else
    echo "compare.sh: missing packages; run: sudo apt-get update && sudo apt-get install -y ${pkgs[*]}" >&2
  fi
fi
ORTW=$BENCH_WORK/ort
echo "compare.sh: preparing ONNX Runtime peer in $ORTW (log: $SETUP_LOG)" >&2
( mkdir -p "$ORTW" && cp -rf --no-preserve=mode "$SHARED/ort" "$SHARED/export_onnx.py" "$SHARED/workloads.json" "$ORTW/" \
  && cd "$ORTW" && { [ -f models/W7.onnx ] || $PY export_onnx.py models; } \
  && cd ort && { mvn -q -o compile || mvn -q compile; } \
  && { [ -s cp.txt ] || mvn -q dependency:build-classpath -Dmdep.outputFile=cp.txt; } ) >> "$SETUP_LOG" 2>&1 \
  || echo "compare.sh: ORT setup failed (its rows will show —), see $SETUP_LOG" >&2
# The CPU the figures belong to, so that figures of different machines are never mixed: vendor,
# model (family/model/stepping), caches, the vector and matrix features the kernels and the peers
# dispatch on, the JVM's vector settings, and the measured float32 FMA peak.
cpu_record() {
  local l; l=$(LC_ALL=C lscpu 2>/dev/null)
  field() { sed -n "s/^$1: *//p" <<< "$l" | head -1; }
  echo "cpu: $(field 'Vendor ID') $(field 'Model name') (family $(field 'CPU family'), model $(field 'Model'), stepping $(field 'Stepping'))"
  echo "caches: L1d $(field 'L1d cache'), L2 $(field 'L2 cache'), L3 $(field 'L3 cache')"
  echo "features: $(grep -m1 -ow -E 'fma|avx2|avx512f|avx512bw|avx512vl|avx512_vnni|avx512_bf16|avx512_fp16|amx_tile|amx_bf16|amx_int8' /proc/cpuinfo | sort -u | paste -sd' ' -)"
  echo "jvm: $(java -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "UseAVX" || $2 == "MaxVectorSize" { printf "%s=%s ", $2, $4 }')$(java -version 2>&1 | head -1)"
  echo "fma peak: $("$ROOT/bench/fma-peak.sh" 2>&1 | sed -n 's/^threads \([0-9]*\): \([0-9.]*\) GFLOP.*/\1 thread(s) \2 GFLOP\/s/p' | paste -sd';' -)"
}
"$RECUR" --version >> "$SETUP_LOG" 2>&1 || echo "compare.sh: '$RECUR --version' failed, see $SETUP_LOG" >&2
# recur's products blocked for this CPU (recur tune; the tuning never changes a result)
if [ "${RECUR_TUNE:-if-missing}" = if-missing ]; then
  echo "compare.sh: recur tune --if-missing (log: $SETUP_LOG)" >&2
  "$RECUR" tune --if-missing >> "$SETUP_LOG" 2>&1 || echo "compare.sh: recur tune failed, see $SETUP_LOG" >&2
fi
{ echo "date: $(date -Is)"; echo "host: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "recur: $RECUR ($(git -C "$(dirname "$RECUR")" rev-parse --short HEAD 2>/dev/null)$(git -C "$(dirname "$RECUR")" diff --quiet HEAD 2>/dev/null || echo ', modified'))"
  echo "env: $(env | grep -E '^(OPENBLAS_|OMP_|MKL_|GLIBC_TUNABLES)' | sort | tr '\n' ' ')"
  echo "rounds: $ROUNDS; workloads: $WORKLOADS; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "recur gemm tuning: $("$RECUR" --format json tune --show 2>/dev/null | tail -1)"
  cpu_record; } > "$OUT/meta.txt"

# ---- one call of one system: run_sys ROUND SYSTEM THREADS WORKLOADS -----------------------------
run_sys() {
  local r=$1 sys=$2 n=$3 wl=$4 L="$OUT/logs/r$1-$2-$3t" rc t=$(date +%s) modes=forward,train_step
  echo "compare.sh: round $r: $sys, $n thread(s), $wl" >&2
  : > "$L.out"
  case $sys in
    recur)
      local args=(${RECUR_BENCH_ARGS:-})
      [[ " ${args[*]-} " == *" --warmup"* ]] || args+=(--warmup 10)
      [[ " ${args[*]-} " == *" --iters"* ]] || args+=(--iters 7)
      # one JVM per workload and mode, as JMH forks one per benchmark: what one run's code taught
      # the JIT does not bend the next one's compiled code (measured: W1 train_step after W1 forward
      # in the same JVM 42-56 ms, alone 35-36 ms)
      ( for w in ${wl//,/ }; do
          for m in forward train_step; do
            [ "$m" = forward ] || ! grep -q "\"$w\".*inference_only\": *true" "$SHARED/workloads.json" || continue
            "$RECUR" bench --format json --threads "$n" --workload "$w" --mode "$m" "${args[@]}" || exit $?
          done
        done ) > "$L.out" 2> "$L.log" ;;
    pytorch)
      OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=$n OPENBLAS_NUM_THREADS=$n \
        $PY "$SHARED/torch_bench.py" --threads "$n" --workloads "$wl" --modes $modes > "$L.out" 2> "$L.log" ;;
    djl-libtorch)
      # run_djl.sh truncates $OUT and tees it to stdout (which may carry Maven's escapes): read $OUT.
      local check=(); [ "$r" = 1 ] || check=(--no-check)
      THREADS=$n OUT="$L.out" "$SHARED/djl/run_djl.sh" --workloads "$wl" --modes $modes "${check[@]}" > "$L.log" 2>&1
      cat "$BENCH_WORK/djl/djl.stderr.$n" >> "$L.log" 2>/dev/null ;;
    onnxruntime)
      modes=forward
      ( cd "$ORTW" && OMP_NUM_THREADS=$n java -Xmx4g -cp "ort/target/classes:$(cat ort/cp.txt)" anchors.OrtBench \
          --threads "$n" --models models --workloads "$wl" ) > "$L.out" 2> "$L.log" ;;
  esac
  rc=$?
  printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$sys" "$n" "$(( $(date +%s) - t ))" "$rc" >> "$OUT/calls.tsv"
  $PY "$REPORT" collect --round "$r" --system "$sys" --threads "$n" --workloads "$wl" --modes $modes \
    --rc "$rc" --log "$L.log" < "${L}.out" >> "$OUT/raw.jsonl" 2>> "$L.log"
}

for r in $(seq 1 "$ROUNDS"); do
  for sys in recur pytorch djl-libtorch onnxruntime; do
    run_sys "$r" "$sys" 2 "$WORKLOADS"
    [ -z "$BATCH1" ] || run_sys "$r" "$sys" 1 "$BATCH1"
  done
done

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg); total $(( $(date +%s) - T0 )) s" >> "$OUT/meta.txt"
$PY "$REPORT" report --dir "$OUT"
echo "compare.sh: done in $(( $(date +%s) - T0 )) s; results in $OUT" >&2
