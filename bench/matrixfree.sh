#!/usr/bin/env bash
# The dense and the matrix-free single-network fit side by side (docs/benchmarks.md, "Beyond dense
# matrices"): each run's JSON document and its /usr/bin/time -v report (wall time, peak resident memory)
# go to docs/benchmarks/matrixfree/. Resumable: a run whose JSON file exists is skipped, and a run is
# written to a temporary file first. Usage: bench/matrixfree.sh [RUN-NAME-PATTERN]
# Task: MNIST {0,2,4,6} vs {1,3,5,7} (P = 60000: even vs odd digits, every training image), pool 2,
# 1000 test images, erf, T = 0.05, lambda0 = lambda1 = 1, N = P/2 (alpha = 2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=docs/benchmarks/matrixfree
mkdir -p "$out"
bin=${TLSTAT_BIN:-$(mktemp -d)/tlstat}
[ -x "$bin" ] || go build -o "$bin" ./tlstat/cmd/tlstat
pattern=${1:-.}
# shellcheck source=bench/runrecord.sh
. bench/runrecord.sh

record_timed dense_P4000 single -p 4000 -n 2000 -ptest 1000
record_timed mf_P4000 single -p 4000 -n 2000 -ptest 1000 -matrix-free
record_timed dense_P8000 single -p 8000 -n 4000 -ptest 1000
# From P = 8000 on: a rank-1000 preconditioner and no infinite-width baseline (half the solves).
record_timed mf_P8000 single -p 8000 -n 4000 -ptest 1000 -matrix-free -mf-rank 1000 -mf-nngp=false
record_timed mf_P60000 single -p 60000 -n 30000 -ptest 1000 -pos 0,2,4,6,8 -neg 1,3,5,7,9 -matrix-free -mf-rank 1000 -mf-nngp=false
