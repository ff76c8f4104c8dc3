# Shared by bench/validation.sh, bench/validitymap.sh and bench/classes.sh
# (sourced, not run); they set $bin, $out and $pattern.
#
# record NAME ARGS... runs `tlstat ARGS` and stores its standard output as
# $out/NAME.json, unless that file exists or NAME does not match $pattern.
# The output is written to a temporary file first, so a killed run leaves no
# partial record.
record() {
	local name=$1
	shift
	[[ $name =~ $pattern ]] || return 0
	if [ -s "$out/$name.json" ]; then
		echo "skip $name (exists)"
		return 0
	fi
	echo "run  $name: tlstat $*"
	local start=$SECONDS
	"$bin" "$@" >"$out/$name.json.tmp"
	mv "$out/$name.json.tmp" "$out/$name.json"
	echo "done $name in $((SECONDS - start)) s"
}

# run NAME ARGS... records `tlstat simulate ARGS -compare -json -quiet $extra`
# ($extra: more flags for every run; may be empty). A single-network run
# keeps a checkpoint of its chains ($out/NAME.ckpt, removed when it
# completes), so a killed run resumes where it was.
run() {
	local name=$1
	shift
	local ckpt=()
	[ "$1" = single ] && ckpt=(-checkpoint "$out/$name.ckpt")
	# shellcheck disable=SC2086 # $extra is a list of flags
	record "$name" simulate "$@" -compare -json -quiet "${ckpt[@]}" $extra
}
