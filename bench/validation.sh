#!/usr/bin/env bash
# Reruns the theory-vs-simulation rows of docs/validation.md with the default
# sampler (HMC, automatic burn-in) and stores each run's JSON record in
# docs/validation/hmc/. Resumable: a row whose file exists is skipped, and a
# row is written to a temporary file first, so a killed run loses only the
# row in progress. Usage: bench/validation.sh [ROW-NAME-PATTERN]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=docs/validation/hmc
mkdir -p "$out"
bin=${TLSTAT_BIN:-$(mktemp -d)/tlstat}
[ -x "$bin" ] || go build -o "$bin" ./tlstat/cmd/tlstat
pattern=${1:-.}

extra=""
# shellcheck source=bench/runrecord.sh
. bench/runrecord.sh

big="-max-time 90m"
# Single networks: MNIST {0,2,4,6} vs {1,3,5,7}, pool 2, 1000 test images.
for np in 200:50 200:200 200:400 400:100 400:400 800:200; do
	n=${np%:*} p=${np#*:}
	run "single_N${n}_P${p}_T0.05" single -n "$n" -p "$p" -t 0.05 -ptest 1000
done
for t in 0.1 0.2 0.5; do
	run "single_N400_P400_T$t" single -n 400 -p 400 -t "$t" -ptest 1000
done
# A digit pair outside the grid at alpha = 2.
run single_N200_P400_T0.05_3v8 single -n 200 -p 400 -t 0.05 -ptest 1000 -pos 3 -neg 8
# The linear activation, where the scalar theory is exact at any size.
run single_N200_P400_T0.05_linear single -n 200 -p 400 -t 0.05 -ptest 1000 -act linear
run single_N400_P800_T0.05 single -n 400 -p 800 -t 0.05 -ptest 1000
# Transfer at N = 200 (P_s = 200, P_t = 50).
for tgt in related:0,2,4,8:1,3,5,9 unrelated:0,1,4,5:2,3,6,7; do
	IFS=: read -r name pos neg <<<"$tgt"
	run "transfer_N200_$name" transfer -n 200 -ps 200 -pt 50 -ptest 1000 -target-pos "$pos" -target-neg "$neg" -gamma 0,2,50
done
# The strongest coupling of the related pair, with a longer budget than the default.
run transfer_N200_related_gamma50 transfer -n 200 -ps 200 -pt 50 -ptest 1000 -target-pos 0,2,4,8 -target-neg 1,3,5,9 -gamma 50 -max-steps 100000 -max-time 35m
for rho in 0.9 0; do
	run "transfer_N200_teacher_rho$rho" transfer -teacher-overlap "$rho" -n0 100 -seed 1 -n 200 -ps 200 -pt 50 -ptest 1000 -gamma 0,2,50
done
# Transfer at N = 400 (P_s = 400, P_t = 100).
for tgt in related:0,2,4,8:1,3,5,9 unrelated:0,1,4,5:2,3,6,7; do
	IFS=: read -r name pos neg <<<"$tgt"
	run "transfer_N400_$name" transfer -n 400 -ps 400 -pt 100 -ptest 1000 -target-pos "$pos" -target-neg "$neg" -gamma 0,0.5,2,10,50
done
for ps in 400 800; do
	run "transfer_N400_teacher_rho0.9_Ps$ps" transfer -teacher-overlap 0.9 -n0 100 -seed 1 -n 400 -ps "$ps" -pt 100 -ptest 1000 -gamma 0,10
done
# The largest rows.
run single_N800_P800_T0.05 single -n 800 -p 800 -t 0.05 -ptest 1000 $big
run single_N800_P1600_T0.05 single -n 800 -p 1600 -t 0.05 -ptest 1000 $big
