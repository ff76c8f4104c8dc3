#!/usr/bin/env bash
# Compares the samplers by effective samples per second on one validation
# setting (MNIST {0,2,4,6} vs {1,3,5,7}, N = P = 100, T = 0.05), back to back:
# HMC and MALA, each with automatic burn-in and the same wall-clock budget.
# Prints, per method, whether the gates passed, the wall time, the smallest
# bulk ESS of the reported quantities and their ratio. Usage:
# bench/samplers.sh [BUDGET] (default 10m).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tmp=$(mktemp -d)
bin=${TLSTAT_BIN:-$tmp/tlstat}
[ -x "$bin" ] || go build -o "$bin" ./tlstat/cmd/tlstat
budget=${1:-10m}
for m in hmc mala; do
	start=$SECONDS
	"$bin" simulate single -n 100 -p 100 -t 0.05 -ptest 1000 -method "$m" -max-time "$budget" -json -quiet >"$tmp/$m.json"
	secs=$((SECONDS - start))
	ess=$(grep -o '"ess": [0-9.e+-]*' "$tmp/$m.json" | awk '{print $2}' | sort -g | head -1)
	conv=$(grep -o '"sim_converged": [a-z]*' "$tmp/$m.json" | head -1 | awk '{print $2}')
	awk -v m="$m" -v s="$secs" -v e="$ess" -v c="$conv" 'BEGIN {
		printf "%-5s %-13s %6d s  smallest bulk ESS %6.0f  ESS/s %.3f\n", m, (c == "true" ? "converged" : "NOT converged"), s, e, e / (s > 0 ? s : 1) }'
done
