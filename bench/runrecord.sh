# Shared by bench/validation.sh and bench/validitymap.sh (sourced, not run):
# run NAME ARGS... runs `tlstat simulate ARGS -compare -json -quiet` and
# stores the record as $out/NAME.json, unless that file exists or NAME does
# not match $pattern. The record is written to a temporary file first, so a
# killed run loses only the row in progress. Needs $bin, $out, $pattern and
# $extra (more flags for every run; may be empty).
run() {
	local name=$1
	shift
	[[ $name =~ $pattern ]] || return 0
	if [ -s "$out/$name.json" ]; then
		echo "skip $name (exists)"
		return 0
	fi
	echo "run  $name: tlstat simulate $*"
	local start=$SECONDS
	# shellcheck disable=SC2086 # $extra is a list of flags
	"$bin" simulate "$@" -compare -json -quiet $extra >"$out/$name.json.tmp"
	mv "$out/$name.json.tmp" "$out/$name.json"
	echo "done $name in $((SECONDS - start)) s"
}
