#!/usr/bin/env bash
# Measures the validity map of the single-network theory: the study
# docs/validation/specs/validitymap.json, converged HMC simulations at width
# N = 200 over a grid of alpha = P/N and temperature T for MNIST digit groups,
# a Gaussian-input erf teacher with N0 = 100 inputs and a low-dimensional
# one with N0 = 20 inputs (the MNIST cells at T = 0.05 and P <= 400 are rows
# of bench/validation.sh). Its records are docs/validation/map/*.json: the
# stored ones are imported first, so only cells without a record are
# computed, and their records are then written there. Resumable
# (bench/runrecord.sh, study_records). Usage: bench/validitymap.sh [-shard i/n]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${TLSTAT_BIN:-$(mktemp -d)/tlstat}
[ -x "$bin" ] || go build -o "$bin" ./tlstat/cmd/tlstat
# shellcheck source=bench/runrecord.sh
. bench/runrecord.sh
study_records docs/validation/specs/validitymap.json docs/validation/map "$@"
