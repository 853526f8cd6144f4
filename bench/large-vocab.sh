#!/usr/bin/env bash
# The main job on a large vocabulary, side by side: ./recur train (the default model: 2-layer LSTM,
# E 64, H 256, batch 32 x seq 100, Adam 2e-3, clip 5, float32, 2 threads) and PyTorch's
# charlm_torch.py on the same corpus and model, in alternating runs; optionally a second build of
# recur (--base ROOT) alternating with this one, for before/after.
#
# Usage (from the repository root):
#   bench/large-vocab.sh [CORPUS] [--rounds N] [--steps N] [--torch-s S] [--base ROOT] [--no-torch]
#   defaults: CORPUS = ../shared/data/tang-poems.txt, 3 rounds, 150 steps, 40 s of PyTorch training
# Environment: WRAP, a command put before every run (e.g. "flock LOCKFILE" on a shared machine);
# PYTHON (default /usr/bin/python3) and TORCH_SCRIPT (default ../shared/bench/charlm_torch.py).
#
# Each figure is training characters/s without validation. recur: the whole run as it prints it
# (tokens_per_second: every step, the JIT's warm-up included) and the steady rate between the
# validations of steps 50 and STEPS ((tokens) / (train_seconds) between them). PyTorch: its
# train_s (validation excluded) between its first evaluation (step 10) and the end.
set -euo pipefail

CORPUS=../shared/data/tang-poems.txt
ROUNDS=3
STEPS=150
TORCH_S=40
BASE=
TORCH=1
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then CORPUS="$1"; shift; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --torch-s) TORCH_S="$2"; shift 2 ;;
    --base) BASE=$(cd "$2" && pwd); shift 2 ;;
    --no-torch) TORCH=0; shift ;;
    *) echo "bench/large-vocab.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
CORPUS=$(realpath "$CORPUS")
HERE=$(pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
TORCH_SCRIPT=${TORCH_SCRIPT:-../shared/bench/charlm_torch.py}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "# $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; corpus $CORPUS; $STEPS steps; $ROUNDS rounds"

recur() {   # label root
  local out
  out=$(cd "$WORK" && ${WRAP:-} env RECUR_NO_BUILD=1 "$2/recur" train --corpus "$CORPUS" --steps "$STEPS" \
        --threads 2 --eval-every 50 --checkpoint-every 0 --format json --runs-dir "$WORK/runs" 2>/dev/null)
  printf '%s\n' "$out" | python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin if l.startswith("{")]
val = [e for e in ev if e.get("event") == "validation"]
done = [e for e in ev if e.get("event") == "done"][0]
a, b = val[0], val[-1]
steady = (b["tokens"] - a["tokens"]) / (b["train_seconds"] - a["train_seconds"])
print("%s\t%.0f\t%.0f\tval_loss %r" % (sys.argv[1], done["tokens_per_second"], steady, done["val_loss"]))' "$1"
}

torch() {
  ${WRAP:-} "$PYTHON" "$HERE/$TORCH_SCRIPT" "$CORPUS" --hidden 256 --layers 2 --budget-s "$TORCH_S" --threads 2 \
      --eval-every 10 | python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin if "train_s" in l]
a, b = ev[0], ev[-1]
print("pytorch\t%.0f\t%.0f\tval_loss %s" % (b["tokens"] / b["train_s"],
      (b["tokens"] - a["tokens"]) / (b["train_s"] - a["train_s"]), b["val_loss"]))'
}

printf 'round\tsystem\tchars/s (whole run)\tchars/s (steady)\tnote\n' > "$WORK/raw.tsv"
for r in $(seq 1 "$ROUNDS"); do
  [ -n "$BASE" ] && recur base "$BASE" | sed "s/^/$r\t/" | tee -a "$WORK/raw.tsv"
  recur recur "$HERE" | sed "s/^/$r\t/" | tee -a "$WORK/raw.tsv"
  [ "$TORCH" = 1 ] && torch | sed "s/^/$r\t/" | tee -a "$WORK/raw.tsv"
done
python3 - "$WORK/raw.tsv" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
print("median over rounds (chars/s, whole run / steady):")
for s in dict.fromkeys(r[1] for r in rows):
    w = [float(r[2]) for r in rows if r[1] == s]
    t = [float(r[3]) for r in rows if r[1] == s]
    print(f"  {s}: {statistics.median(w):.0f} / {statistics.median(t):.0f}  (runs: {', '.join(f'{x:.0f}' for x in t)})")
EOF
