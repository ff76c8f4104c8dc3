#!/usr/bin/env bash
# Measures the validity map of the single-network theory: converged HMC
# simulations at width N = 200 over a grid of alpha = P/N and temperature T,
# for MNIST digit groups, a Gaussian-input erf teacher with N0 = 100 inputs
# and a low-dimensional one with N0 = 20 inputs. Each cell's JSON record goes
# to docs/validation/map/.
# Resumable like bench/validation.sh: existing files are skipped and a row is
# written to a temporary file first. Usage: bench/validitymap.sh [PATTERN]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=docs/validation/map
mkdir -p "$out"
bin=${TLSTAT_BIN:-$(mktemp -d)/tlstat}
[ -x "$bin" ] || go build -o "$bin" ./tlstat/cmd/tlstat
pattern=${1:-.}

extra="-max-time 40m"
# shellcheck source=bench/runrecord.sh
. bench/runrecord.sh

n=200
for p in 50 200 400 800; do
	for t in 0.05 0.5 0.02 0.2; do
		# The MNIST cells at T = 0.05 and P <= 400 are rows of bench/validation.sh.
		if [ "$t" != 0.05 ] || [ "$p" -gt 400 ]; then
			run "mnist_N${n}_P${p}_T$t" single -n $n -p $p -t $t -ptest 1000
		fi
		for n0 in 20 100; do
			run "teacher${n0}_N${n}_P${p}_T$t" single -teacher-n0 $n0 -n $n -p $p -t $t -ptest 1000
		done
	done
done
