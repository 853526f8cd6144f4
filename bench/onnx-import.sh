#!/usr/bin/env bash
# Speed of ONNX models imported into recur: the PyTorch-exported recurrent stacks of the standard
# workloads (default W1, W2, W6) run by recur's importer (dev.recur.onnx.OnnxImporter), by recur's
# own stack of the same shape, and by ONNX Runtime on the same .onnx file, in one JVM with the
# systems' rounds interleaved (dev.recur.jmh.OnnxImportBench; its class comment says how it times).
#
# Usage (from the repository root):
#   bench/onnx-import.sh [--threads N] [--workloads W1,W2,W6] [--rounds R] [--samples S]
#                        [--sample-ms MS] [--warmup-s SEC] [--models DIR] [--no-build]
#   defaults: 2 threads, W1,W2,W6, 7 rounds x 3 samples of >= 100 ms, >= 3 s warm-up per system,
#   models in ${TMPDIR:-/tmp}/recur-onnx-import (written when missing).
#
# Steps: exports the models with bench/onnx_import_export.py (PyTorch 1.13, Debian's python3-torch,
# /usr/bin/python3), builds recur-bench (Maven profile bench, offline first), then runs
#   java --add-modules jdk.incubator.vector -cp recur-bench/target/benchmarks.jar:onnxruntime.jar \
#     dev.recur.jmh.OnnxImportBench ...
# ONNX Runtime (com.microsoft.onnxruntime:onnxruntime, version from the root pom) is taken from the
# local Maven repository (MAVEN_REPO, default ~/.m2/repository). Batch-1 workloads also run on one
# thread (as bench/compare.sh does) and each system keeps its better median.
# Exit status: 1 when an output differs from ONNX Runtime's or PyTorch's by more than 1e-4.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
THREADS=2 WORKLOADS=W1,W2,W6 ROUNDS=7 SAMPLES=3 SAMPLE_MS=100 WARMUP_S=3 BUILD=1
MODELS=${TMPDIR:-/tmp}/recur-onnx-import
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --samples) SAMPLES=$2; shift 2 ;;
    --sample-ms) SAMPLE_MS=$2; shift 2 ;;
    --warmup-s) WARMUP_S=$2; shift 2 ;;
    --models) MODELS=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "onnx-import.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
cd "$ROOT"

PY=/usr/bin/python3
missing=()
for w in ${WORKLOADS//,/ }; do
  for f in "$w.onnx" "$w.static.onnx" "$w.x.bin" "$w.y.bin"; do
    [ -f "$MODELS/$f" ] || { missing+=("$w"); break; }
  done
done
if [ ${#missing[@]} -gt 0 ]; then
  list=$(IFS=,; echo "${missing[*]}")
  echo "onnx-import.sh: exporting $list to $MODELS" >&2
  "$PY" -c 'import torch' 2>/dev/null \
    || { echo "onnx-import.sh: $PY has no torch; install Debian's python3-torch" >&2; exit 1; }
  "$PY" bench/onnx_import_export.py "$MODELS" "$list" 2> >(grep -v -i warn >&2)
fi

if [ "$BUILD" = 1 ]; then
  echo "onnx-import.sh: building recur-bench" >&2
  CI=true ./mvnw -B -o -q -Pbench -pl recur-bench -am package -DskipTests \
    || CI=true ./mvnw -B -q -Pbench -pl recur-bench -am package -DskipTests
fi
ORT_VERSION=$(sed -n 's:.*<onnxruntime.version>\(.*\)</onnxruntime.version>.*:\1:p' pom.xml)
ORT_JAR=${MAVEN_REPO:-$HOME/.m2/repository}/com/microsoft/onnxruntime/onnxruntime/$ORT_VERSION/onnxruntime-$ORT_VERSION.jar
[ -f "$ORT_JAR" ] || { echo "onnx-import.sh: $ORT_JAR not found; run the build once online" >&2; exit 1; }

echo "date: $(date -Is)"
echo "host: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "recur: $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD 2>/dev/null || echo ', modified')"
echo "command: bench/onnx-import.sh --threads $THREADS --workloads $WORKLOADS --rounds $ROUNDS --samples $SAMPLES" \
  "--sample-ms $SAMPLE_MS --warmup-s $WARMUP_S"
rc=0
OMP_NUM_THREADS=$THREADS java --add-modules jdk.incubator.vector -Xmx4g \
  -cp "recur-bench/target/benchmarks.jar:$ORT_JAR" dev.recur.jmh.OnnxImportBench \
  --models "$MODELS" --workloads "$WORKLOADS" --threads "$THREADS" --rounds "$ROUNDS" --samples "$SAMPLES" \
  --sample-ms "$SAMPLE_MS" --warmup-s "$WARMUP_S" 2> >(grep -v '^WARNING: Using incubator modules' >&2) || rc=$?
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $rc
