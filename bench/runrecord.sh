# Shared by bench/validation.sh and bench/validitymap.sh (sourced, not run):
# run NAME ARGS... runs `tlstat simulate ARGS -compare -json -quiet` and
# stores the record as $out/NAME.json, unless that file exists or NAME does
# not match $pattern. The record is written to a temporary file first, and a
# single-network run keeps a checkpoint of its chains ($out/NAME.ckpt, removed
# when it completes), so a killed run resumes where it was. Needs $bin, $out, $pattern and
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
	local ckpt=()
	# Single-network runs save their chains as they go and resume after a kill.
	[ "$1" = single ] && ckpt=(-checkpoint "$out/$name.ckpt")
	"$bin" simulate "$@" -compare -json -quiet "${ckpt[@]}" $extra >"$out/$name.json.tmp"
	mv "$out/$name.json.tmp" "$out/$name.json"
	echo "done $name in $((SECONDS - start)) s"
}
