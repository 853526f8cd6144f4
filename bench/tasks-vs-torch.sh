#!/usr/bin/env bash
# recur's task commands against PyTorch twins (bench/tasks_torch.py) on the same data, split, model,
# optimiser and epochs: training examples per second and the final validation metric, median of REPS.
#
#   bench/tasks-vs-torch.sh [LIMIT=20s] [REPS=3]
#
# LIMIT is a number of epochs (both train exactly that many) or a training-time budget such as 20s
# (both train until their training time reaches it, checked after each step); early stopping never
# acts. Repetition r uses seed r for both (the split, the initialisation, the shuffling).
#
# recur's training seconds are the trainer's own (checkpoint.json: training.train_seconds, without
# validation and checkpoints); its examples are epochs × training examples (training.data). PyTorch
# times its training loop only. Environment: PYTHON (default /usr/bin/python3, with torch),
# THREADS (default 2) — note that tasks_torch.py fixes torch.set_num_threads(2).
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT="${1:-20s}"
REPS="${2:-3}"
if [[ "$LIMIT" == *s ]]; then
  BUDGET=(--time "$LIMIT" --epochs 1000000 --patience 1000000)
else
  BUDGET=(--epochs "$LIMIT" --patience 1000000)
fi
PY="${PYTHON:-/usr/bin/python3}"
T="${THREADS:-2}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
export OMP_WAIT_POLICY=PASSIVE

echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cpus; java: $(java -version 2>&1 | head -1)"
echo "torch: $("$PY" -c 'import torch; print(torch.__version__)'); limit $LIMIT, repetitions $REPS, threads $T"

./recur --help >/dev/null 2>&1 || true   # builds once if needed, outside the timings

# recur_run CASE REP: trains once, appends a JSON line like tasks_torch.py's to $TMP/recur.jsonl
recur_run() {
  local case="$1" rep="$2" runs="$TMP/$1-$2" log="$TMP/$1-$2.log"
  if [ "$case" = classify ]; then
    ./recur classify train --data data/handwriting/digits-rows.csv --sequences --id id --step step \
      "${BUDGET[@]}" --seed "$rep" --threads "$T" --runs-dir "$runs" >"$log" 2>&1
  else
    ./recur forecast train --data data/series/us-births-daily.csv --window 28 --horizon 7 --season 7 \
      --model lstm "${BUDGET[@]}" --seed "$rep" --threads "$T" --runs-dir "$runs" >"$log" 2>&1
  fi
  "$PY" - "$case" "$runs" >>"$TMP/recur.jsonl" <<'EOF'
import glob, json, sys
case, runs = sys.argv[1], sys.argv[2]
t = json.load(open(glob.glob(runs + "/*/checkpoint.json")[0]))["training"]
d = t["data"]
n_train = d["train"] if case == "classify" else d["training_windows"]
pos = t["position"]   # whole epochs, then batches of 32 into the next
n = pos["epoch"] * n_train + min(pos["index"] * 32, n_train)
v = t["last_validation"]
# the best validation loss of the run (cross-entropy; MSE of standardised changes): the model early
# stopping keeps (a time budget runs far more epochs than the validation loss needs); and the final
# validation accuracy of a classifier
value = t["best"]["value"]
accuracy = v["metrics"]["accuracy"] if case == "classify" else None
print(json.dumps({"case": case, "examples": n, "train_seconds": t["train_seconds"],
                  "examples_per_s": n / t["train_seconds"], "value": value, "final_accuracy": accuracy}))
EOF
}

for case in classify forecast; do
  for r in $(seq "$REPS"); do
    recur_run "$case" "$r"
    if [ "$case" = classify ]; then data=data/handwriting/digits-rows.csv; else data=data/series/us-births-daily.csv; fi
    "$PY" bench/tasks_torch.py "$case" "$data" "$LIMIT" "$r" >>"$TMP/torch.jsonl"
  done
done

"$PY" - "$TMP/recur.jsonl" "$TMP/torch.jsonl" <<'EOF'
import json, statistics, sys
rows = {name: [json.loads(l) for l in open(p)] for name, p in zip(("recur", "torch"), sys.argv[1:])}
for name, rs in rows.items():
    for r in rs:
        acc = f", final accuracy {r['final_accuracy']:.4f}" if r.get("final_accuracy") is not None else ""
        print(f"  {name:5} {r['case']:8} {r['examples']:6} examples in {r['train_seconds']:.3f} s "
              f"= {r['examples_per_s']:.0f}/s, best validation loss {r['value']:.4f}{acc}")
print()
print("| case | recur ex/s | PyTorch ex/s | ratio recur/PyTorch | recur best val loss | PyTorch best val loss |")
print("|---|---:|---:|---:|---:|---:|")
for case, metric in (("classify", "cross-entropy"), ("forecast", "MSE")):
    med = {n: {k: statistics.median(r[k] for r in rs if r["case"] == case) for k in ("examples_per_s", "value")}
           for n, rs in rows.items()}
    a, b = med["recur"], med["torch"]
    print(f"| {case} | {a['examples_per_s']:.0f} | {b['examples_per_s']:.0f} | "
          f"{a['examples_per_s'] / b['examples_per_s']:.2f}× | {metric} {a['value']:.4f} | {metric} {b['value']:.4f} |")
print()
print("losses: the best validation loss of each run (the model early stopping keeps): cross-entropy of the "
      "classifier, MSE of the forecaster's standardised changes; medians over the repetitions")
EOF
