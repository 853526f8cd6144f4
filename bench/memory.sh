#!/usr/bin/env bash
# Measures the memory a train_step of one workload holds (default W2), against the activations
# BPTT must keep: per layer and direction T*B*(G+2)*H floats (gate values, cell and hidden states).
#
# Usage (from the repository root): bench/memory.sh [W] [samples]
#
# It runs `recur bench --mode train_step` for many iterations under Native Memory Tracking and, while
# it runs, takes `samples` class histograms with jcmd (each forces a full GC, so it counts live
# objects only) at random moments of the steps; it prints the largest live heap seen, the JVM's
# native memory outside the heap (NMT: code, metaspace, GC structures, threads, ...) and the
# process's peak resident set, and the activation figure for comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:-W2}
SAMPLES=${2:-25}
LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT

read -r T B I H L G <<<"$(python3 - "$W" <<'PY'
import json, sys
w = json.load(open("recur-core/src/main/resources/dev/recur/bench/workloads.json"))["workloads"][sys.argv[1]]
print(w["T"], w["B"], w["I"], w["H"], w["L"], {"LSTM": 4, "GRU": 3, "RNN": 1}[w["cell"]])
PY
)"
ACT=$(( L * T * B * (G + 2) * H * 4 ))

JAVA_OPTS="${MEMORY_JAVA_OPTS:--Xmx2g} -XX:NativeMemoryTracking=summary" /usr/bin/time -f "%M" -o "$LOG/rss" \
  ./recur bench --workload "$W" --mode train_step --warmup 2 --iters 1000 --threads 2 > "$LOG/out" 2>&1 &
RUN=$!
PID=""
for _ in $(seq 1 120); do
  PID=$(pgrep -f "dev.recur.cli.Main bench --workload $W" | head -1 || true)
  [ -n "$PID" ] && grep -q "warm-up" "$LOG/out" 2>/dev/null && break
  sleep 0.5
done
sleep 8   # past the warm-up
max=0
for _ in $(seq 1 "$SAMPLES"); do
  sleep "0.$(( RANDOM % 9 + 1 ))"
  live=$(jcmd "$PID" GC.class_histogram 2>/dev/null | awk '/^Total/ {print $3}')
  [ -n "$live" ] && [ "$live" -gt "$max" ] && max=$live
done
jcmd "$PID" VM.native_memory summary scale=KB > "$LOG/nmt" 2>/dev/null || true
kill "$PID" 2>/dev/null || true
wait "$RUN" 2>/dev/null || true
heap_kb=$(awk '/- *Java Heap/ {match($0, /committed=[0-9]+/); print substr($0, RSTART+10, RLENGTH-10)}' "$LOG/nmt")
total_kb=$(awk '/^Total:/ {match($0, /committed=[0-9]+/); print substr($0, RSTART+10, RLENGTH-10)}' "$LOG/nmt")
mb() { python3 -c "print(f'{$1/1e6:.1f} MB')"; }
echo "workload $W: T=$T B=$B I=$I H=$H L=$L G=$G"
echo "activations BPTT keeps, L*T*B*(G+2)*H floats: $(mb $ACT)  (2x: $(mb $((2 * ACT))))"
echo "largest live heap over $SAMPLES samples (class histogram after full GC): $(mb "$max")"
echo "JVM native memory outside the Java heap (NMT committed): $(mb $(( (total_kb - heap_kb) * 1024 )))"
echo "live heap + JVM native: $(mb $(( max + (total_kb - heap_kb) * 1024 )))"
rss_kb=$(grep -E '^[0-9]+$' "$LOG/rss" | tail -1 || echo 0)
echo "peak resident set of the process (committed heap included; JVM options: ${MEMORY_JAVA_OPTS:--Xmx2g}): $(mb $(( ${rss_kb:-0} * 1024 )))"
echo "JVM native memory by NMT category (committed):"
grep -E '^-' "$LOG/nmt" | grep -v "Java Heap" | sed -E 's/^- *([A-Za-z ]+[A-Za-z]) *\(reserved=[0-9]+KB, committed=([0-9]+)KB.*/  \1: \2 KB/' | grep -v ": 0 KB"
