#!/usr/bin/env bash
# Multi-output networks: the theory of `tlstat classes` against converged
# Langevin simulations (HMC, readouts integrated out, automatic burn-in).
# Each row's JSON record goes to docs/validation/classes/NAME.json, written
# to a temporary file first; a row whose file exists is skipped (resumable).
# Usage: bench/classes.sh [ROW-NAME-PATTERN]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=docs/validation/classes
mkdir -p "$out"
bin=${TLSTAT_BIN:-$(mktemp -d)/tlstat}
[ -x "$bin" ] || go build -o "$bin" ./tlstat/cmd/tlstat
pattern=${1:-.}
# shellcheck source=bench/runrecord.sh
. bench/runrecord.sh
row() {
	local name=$1
	shift
	record "$name" classes "$@" -ptest 1000 -simulate -max-time 40m -json
}
row classes10_N200_P200_T0.05 -n 200 -p 200 -t 0.05
row classes3_N200_P400_T0.05 -n 200 -p 400 -t 0.05 -groups '0,2,4,6|1,3,5,7|8,9'
row classes10_N200_P400_T0.05 -n 200 -p 400 -t 0.05
# The linear activation, where the theory is exact: a check of sampler and theory together.
row classes10_N200_P400_T0.05_linear -n 200 -p 400 -t 0.05 -act linear

# Transfer with several outputs (tlstat classes -transfer): a related pair of
# three-group tasks (two of the three digits of every group shared), theory
# against converged transfer chains at a few couplings gamma.
out=docs/validation/classes/transfer
mkdir -p "$out"
trow() {
	local name=$1
	shift
	record "$name" classes -transfer '0,2,4|1,3,5|6,7' -groups '0,2,8|1,3,9|6,7' "$@" -ptest 1000 -simulate -max-time 40m -json
}
trow transfer3_N100_Ps200_Pt100_T0.05 -n 100 -ps 200 -p 100 -t 0.05 -gamma 0,1,10
# The linear activation: the same pair where the single-network theory is closest to the sampler.
trow transfer3_N100_Ps200_Pt100_T0.05_linear -n 100 -ps 200 -p 100 -t 0.05 -gamma 0,1,10 -act linear
# An intermediate coupling of the erf pair (stronger couplings mix slowly: gamma = 10 above may end unconverged).
trow transfer3_N100_Ps200_Pt100_T0.05_gamma3 -n 100 -ps 200 -p 100 -t 0.05 -gamma 3

# Ten classes: the ten digits as ten outputs, source P_s = 400 from the first
# half of the training file, target P_t = 100 from the second half (-split):
# the same task learned again from other images, the plainest transfer a
# multi-class user meets.
# The same ten-output pair at N = 100, P_s = 200, sampled: the ten-class transfer theory against converged
# source and target chains at two couplings (stored with the sampled transfer rows above).
record transfer10_split_N100_Ps200_Pt100_T0.05 classes -transfer '0|1|2|3|4|5|6|7|8|9' -groups '0|1|2|3|4|5|6|7|8|9' -split \
	-n 100 -ps 200 -p 100 -t 0.05 -gamma 0,3 -ptest 1000 -simulate -max-time 30m -json
# And at the size of the theory-only table below, N = 200, P_s = 400.
record transfer10_split_N200_Ps400_Pt100_T0.05_sampled classes -transfer '0|1|2|3|4|5|6|7|8|9' -groups '0|1|2|3|4|5|6|7|8|9' -split \
	-n 200 -ps 400 -p 100 -t 0.05 -gamma 0,3 -ptest 1000 -simulate -max-time 25m -json
# At N = 200, P_s = 400: theory only (no -simulate).
out=docs/validation/classes/transfer10
mkdir -p "$out"
record transfer10_split_N200_Ps400_Pt100_T0.05 classes -transfer '0|1|2|3|4|5|6|7|8|9' -groups '0|1|2|3|4|5|6|7|8|9' -split \
	-n 200 -ps 400 -p 100 -t 0.05 -gamma 0,1,3,10,30 -ptest 1000 -json

# The readouts' second-moment matrix v_a·v_b/N against the theory's Q/lambda1
# (recorded as simulation.readout_moment; tlstat classes -table -cov): the
# cheapest multi-output rows, at N = 100, P = 200.
out=docs/validation/classes
row_cov() {
	local name=$1
	shift
	record "$name" classes "$@" -ptest 1000 -simulate -max-time 20m -json
}
row_cov classes10_N100_P200_T0.05 -n 100 -p 200 -t 0.05
row_cov classes3_N100_P200_T0.05 -n 100 -p 200 -t 0.05 -groups '0,2,4,6|1,3,5,7|8,9'
row_cov classes10_N100_P200_T0.05_linear -n 100 -p 200 -t 0.05 -act linear
