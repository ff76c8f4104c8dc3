# Shared by bench/validation.sh, bench/validitymap.sh, bench/classes.sh,
# bench/matrixfree.sh and bench/transfermf.sh (sourced, not run); they set
# $bin, and $out and $pattern for record, record_timed and record_due.
#
# record NAME ARGS... runs `tlstat ARGS` and stores its standard output as
# $out/NAME.json, unless that file exists or NAME does not match $pattern.
# The output is written to a temporary file first, so a killed run leaves no
# partial record.
record() {
	local name=$1
	record_due "$@" || return 0
	shift
	local start=$SECONDS
	"$bin" "$@" >"$out/$name.json.tmp"
	mv "$out/$name.json.tmp" "$out/$name.json"
	echo "done $name in $((SECONDS - start)) s"
}

# record_timed NAME ARGS... runs `tlstat ARGS -json` like record, niced and
# under /usr/bin/time -v: the JSON document goes to $out/NAME.json, the time
# report (CPU, wall time, peak resident memory) to $out/NAME.time and the
# standard error (progress log) to $out/NAME.log, removed when empty. A
# failed run is reported and leaves no JSON file, so it runs again next time.
record_timed() {
	local name=$1
	record_due "$@" || return 0
	shift
	if nice -n 10 /usr/bin/time -v -o "$out/$name.time" "$bin" "$@" -json >"$out/$name.json.tmp" 2>"$out/$name.log"; then
		mv "$out/$name.json.tmp" "$out/$name.json"
		sed -i "s|$bin|tlstat|g" "$out/$name.time" # the report names the binary by its build path
		[ -s "$out/$name.log" ] || rm -f "$out/$name.log"
	else
		echo "     $name failed (see $out/$name.log)"
		rm -f "$out/$name.json.tmp"
	fi
}

# record_due NAME ARGS... succeeds, announcing the run of `tlstat ARGS`,
# when NAME matches $pattern and $out/NAME.json does not exist yet (it
# says so when it does).
record_due() {
	local name=$1
	shift
	[[ $name =~ $pattern ]] || return 1
	if [ -s "$out/$name.json" ]; then
		echo "skip $name (exists)"
		return 1
	fi
	echo "run  $name: tlstat $*"
}

# study_records SPEC DIR [FLAGS...] computes the study SPEC (each point a
# `tlstat simulate MODE ARGS -compare -json` run) and keeps the directory
# DIR of its records in step with its store ($TLSTAT_STORE, default SPEC
# without .json plus .store): the records in DIR are imported as points
# first, so only points without a record are computed, and the new
# records are written to DIR at the end. FLAGS go to `tlstat study run`
# (e.g. -shard 1/4). Resumable: the store keeps every finished point and
# the chains of a running one (checkpoints), and a killed run resumes.
study_records() {
	local spec=$1 dir=$2
	shift 2
	local store=${TLSTAT_STORE:-${spec%.json}.store}
	local recs=("$dir"/*.json)
	if [ -e "${recs[0]}" ]; then
		"$bin" study import "$spec" -store "$store" "${recs[@]}"
	fi
	local start=$SECONDS
	"$bin" study run "$spec" -store "$store" "$@"
	echo "study run in $((SECONDS - start)) s"
	"$bin" study export "$spec" -store "$store" -dir "$dir"
}
