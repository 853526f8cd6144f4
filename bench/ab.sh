#!/usr/bin/env bash
# Before/after speed of two builds of recur, in alternating fresh JVMs on one machine: the
# standard workloads W1-W7 (./recur bench, every mode, one JVM per workload and mode) and the main
# job (./recur train with its defaults, characters/s). Each round runs A then B on every case, so
# the machine's slow phases fall on both; the report gives the medians over rounds and B / A.
#
# Usage (from the repository root):
#   bench/ab.sh A_ROOT B_ROOT [--rounds N] [--train-rounds N] [--cases "W1:forward W2:train_step"] [--out DIR]
#   defaults: 3 rounds of every workload and mode, 3 of the main job, DIR = bench/results/ab-<timestamp>
# A_ROOT and B_ROOT are checkouts whose ./recur launchers have been built (run ./recur --version
# in each first); they may be the same checkout run two ways: A_JAVA_OPTS and B_JAVA_OPTS are each
# side's JAVA_OPTS, e.g. the tuned blocking against the fixed one:
#   A_JAVA_OPTS=-Drecur.gemm=kc=512,mc=192,tile=6,parallel=1048576,strips=16 bench/ab.sh . .
# Output in DIR: raw.tsv (one line per run) and table.md.
set -euo pipefail

A=$(cd "$1" && pwd)
B=$(cd "$2" && pwd)
shift 2
ROUNDS=3
TRAIN_ROUNDS=3
CASES="W1:forward W1:train_step W2:forward W2:train_step W3:forward W3:train_step W4:forward W4:train_step
W5:forward W5:train_step W6:forward W7:forward W7:train_step"
OUT="bench/results/ab-$(date -u +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --train-rounds) TRAIN_ROUNDS="$2"; shift 2 ;;
    --cases) CASES="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "bench/ab.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"
RAW="$OUT/raw.tsv"
printf 'round\tbuild\tcase\tvalue\tunit\n' > "$RAW"

opts() {   # label: that side's JAVA_OPTS
  if [ "$1" = A ]; then printf '%s' "${A_JAVA_OPTS:-}"; else printf '%s' "${B_JAVA_OPTS:-}"; fi
}

bench() {   # build-root label workload mode round
  local line
  line=$(JAVA_OPTS=$(opts "$2") RECUR_NO_BUILD=1 "$1/recur" --format json bench --threads 2 --workload "$3" --mode "$4" --warmup 10 \
         --iters 7 2>/dev/null | tail -1)
  printf '%s\t%s\t%s %s\t%s\ttok/s\n' "$5" "$2" "$3" "$4" \
    "$(printf '%s' "$line" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens_per_s"])')" >> "$RAW"
}

train() {   # build-root label round
  local dir rate
  dir=$(mktemp -d)
  rate=$(cd "$dir" && JAVA_OPTS=$(opts "$2") RECUR_NO_BUILD=1 "$1/recur" --format json train --sample-length 0 2>/dev/null \
         | python3 -c 'import json,sys; print([json.loads(l) for l in sys.stdin if "\"done\"" in l][0]["tokens_per_second"])')
  rm -rf "$dir"
  printf '%s\t%s\tmain job (train)\t%s\tchars/s\n' "$3" "$2" "$rate" >> "$RAW"
}

for r in $(seq 1 "$ROUNDS"); do
  for c in $CASES; do
    bench "$A" A "${c%%:*}" "${c##*:}" "$r"
    bench "$B" B "${c%%:*}" "${c##*:}" "$r"
  done
done
for r in $(seq 1 "$TRAIN_ROUNDS"); do
  train "$A" A "$r"
  train "$B" B "$r"
done

python3 - "$RAW" "$A" "$B" "${A_JAVA_OPTS:-}" "${B_JAVA_OPTS:-}" > "$OUT/table.md" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
cases = []
for r in rows:
    if r["case"] not in cases:
        cases.append(r["case"])
def values(case, build):
    return [float(r["value"]) for r in rows if r["case"] == case and r["build"] == build]
def fmt(v):
    return f"{v/1e6:.2f}M" if v >= 1e6 else f"{v/1e3:.1f}k" if v >= 1e3 else f"{v:.0f}"
print(f"A = {sys.argv[2]} {sys.argv[4]}, B = {sys.argv[3]} {sys.argv[5]}; medians over rounds, alternating fresh JVMs\n")
print("| case | A | B | B / A | A per round | B per round |")
print("|---|---|---|---|---|---|")
for c in cases:
    a, b = values(c, "A"), values(c, "B")
    unit = [r["unit"] for r in rows if r["case"] == c][0]
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"| {c} ({unit}) | {fmt(ma)} | {fmt(mb)} | {mb/ma:.3f} | {', '.join(map(fmt, a))} | {', '.join(map(fmt, b))} |")
EOF
cat "$OUT/table.md"
