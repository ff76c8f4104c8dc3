#!/usr/bin/env bash
# Measures the validity map of the single-network theory: converged HMC
# simulations at width N = 200 over a grid of alpha = P/N and temperature T,
# for MNIST digit groups, a Gaussian teacher with N0 = 100 inputs and a
# low-dimensional Gaussian teacher with N0 = 20 inputs. Each cell's JSON
# record goes to docs/validation/map/. Teacher cells are the source networks
# of a transfer run at gamma = 0 (a single network on the source teacher).
# Resumable like bench/validation.sh: existing files are skipped and a row is
# written to a temporary file first. Usage: bench/validitymap.sh [PATTERN]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=docs/validation/map
mkdir -p "$out"
bin=${TLSTAT_BIN:-$(mktemp -d)/tlstat}
[ -x "$bin" ] || go build -tags openblas -o "$bin" ./tlstat/cmd/tlstat
pattern=${1:-.}

run() { # name, then the arguments of tlstat simulate
	local name=$1
	shift
	[[ $name =~ $pattern ]] || return 0
	if [ -s "$out/$name.json" ]; then
		echo "skip $name (exists)"
		return 0
	fi
	echo "run  $name: tlstat simulate $*"
	local start=$SECONDS
	"$bin" simulate "$@" -compare -json -quiet -max-time 40m >"$out/$name.json.tmp"
	mv "$out/$name.json.tmp" "$out/$name.json"
	echo "done $name in $((SECONDS - start)) s"
}

n=200
# The MNIST cells at T = 0.05 and P <= 400 are rows of bench/validation.sh.
for p in 50 200 400; do
	f=docs/validation/hmc/single_N${n}_P${p}_T0.05.json
	[ -s "$out/mnist_N${n}_P${p}_T0.05.json" ] || { [ -s "$f" ] && cp "$f" "$out/mnist_N${n}_P${p}_T0.05.json"; } || true
done
for p in 50 200 400 800; do
	for t in 0.05 0.5 0.02 0.2; do
		run "mnist_N${n}_P${p}_T$t" single -n $n -p $p -t $t -ptest 1000
		for n0 in 20 100; do
			run "teacher${n0}_N${n}_P${p}_T$t" transfer -teacher-overlap 0 -n0 $n0 -seed 1 \
				-n $n -ps $p -pt 50 -t $t -ptest 1000 -gamma 0
		done
	done
done
