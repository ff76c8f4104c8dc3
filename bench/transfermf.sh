#!/usr/bin/env bash
# The dense and the matrix-free transfer sweep side by side (docs/benchmarks.md, "Beyond dense matrices"):
# each run's JSON document, its /usr/bin/time -v report (CPU, wall time, peak resident memory) and, for the
# matrix-free runs, the progress log go to docs/benchmarks/matrixfree/. Resumable: a run whose JSON file
# exists is skipped, and a run is written to a temporary file first. Usage: bench/transfermf.sh [RUN-NAME-PATTERN]
# Task: the transfer benchmarks' MNIST pair, source {0,2,4,6} vs {1,3,5,7}, target {0,2,4,8} vs {1,3,5,9},
# pool 2, 1000 target test images, P_t = 500, N = 1000, erf, T = 0.05, lambda0 = lambda1 = 1, the default
# grid of the memory table (10 couplings, refinement, frozen features).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=docs/benchmarks/matrixfree
mkdir -p "$out"
bin=${TLSTAT_BIN:-$(mktemp -d)/tlstat}
[ -x "$bin" ] || go build -o "$bin" ./tlstat/cmd/tlstat
pattern=${1:-.}
# shellcheck source=bench/runrecord.sh
. bench/runrecord.sh

grid=0,0.1,0.3,1,3,10,30,100,300,1000
record_timed transfer_dense_Ps2000 transfer -ps 2000 -pt 500 -n 1000 -gamma "$grid"
record_timed transfer_mf_Ps2000 transfer -ps 2000 -pt 500 -n 1000 -gamma "$grid" -matrix-free
record_timed transfer_dense_Ps4000 transfer -ps 4000 -pt 500 -n 1000 -gamma "$grid"
# P_s = 4000 with the matrix-free source: a shorter sweep (4 couplings, 256 test images, one batch), since
# every conjugate-gradient iteration is a pass over the 8·10⁶ kernel entries of the source.
record_timed transfer_dense_Ps4000_short transfer -ps 4000 -pt 500 -n 1000 -ptest 256 -gamma 0,1,10,100
record_timed transfer_mf_Ps4000_short transfer -ps 4000 -pt 500 -n 1000 -ptest 256 -gamma 0,1,10,100 -matrix-free
