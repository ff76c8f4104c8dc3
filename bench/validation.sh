#!/usr/bin/env bash
# Reruns the theory-vs-simulation rows of docs/validation.md: the study
# docs/validation/specs/validation.json (single networks and transfer, HMC
# with the automatic burn-in), whose records are docs/validation/hmc/*.json.
# The stored records are imported first, so only the points that have none
# are computed; their records are then written to docs/validation/hmc/.
# Resumable (bench/runrecord.sh, study_records). Usage:
#   bench/validation.sh [-shard i/n]      # all points, or one shard
# On Slurm: tlstat study slurm docs/validation/specs/validation.json -shards 4,
# then this script again to write the records.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${TLSTAT_BIN:-$(mktemp -d)/tlstat}
[ -x "$bin" ] || go build -o "$bin" ./tlstat/cmd/tlstat
# shellcheck source=bench/runrecord.sh
. bench/runrecord.sh
study_records docs/validation/specs/validation.json docs/validation/hmc "$@"
