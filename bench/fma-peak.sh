#!/usr/bin/env bash
# Measures this machine's float32 FMA peak (512-bit FMAs, 1 thread and 2 threads), the ceiling that
# GFLOP/s figures are compared with. Needs gcc and an AVX-512 CPU.
# Usage: bench/fma-peak.sh [threads ...]   (default: 1 2)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v gcc >/dev/null || { echo "fma-peak.sh: needs gcc (not found on PATH)" >&2; exit 1; }
grep -qw avx512f /proc/cpuinfo || { echo "fma-peak.sh: this CPU has no AVX-512F" >&2; exit 1; }
bin="$(mktemp -d)/fma_peak"
trap 'rm -rf "$(dirname "$bin")"' EXIT
gcc -O2 -mavx512f -mfma -o "$bin" "$here/fma_peak.c" -lpthread
threads=("$@")
[ ${#threads[@]} -gt 0 ] || threads=(1 2)
for t in "${threads[@]}"; do "$bin" "$t"; done
