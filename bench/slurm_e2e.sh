#!/usr/bin/env bash
# End-to-end test of `tlstat study slurm` on a real single-node Slurm
# cluster started on this machine (localhost): installs Debian's slurm-wlm
# and munge when missing, starts munged (unless one runs), slurmctld and
# slurmd with a generated minimal slurm.conf in a scratch directory,
# computes a small theory-only study locally, then for each schedule of
# `tlstat study slurm` (queue, the default: every task takes points from a
# shared queue; shards: one precomputed shard per task) submits the same
# study as an array of 4 tasks, cancels one task mid-run (scancel),
# resubmits it, waits, collects, and checks that the table equals the local
# run's byte for byte.
# Stops every daemon it started on exit, also on failure. Needs root (as
# the daemons run as root here). Usage: bench/slurm_e2e.sh (make slurm-test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
APT_GET=${APT_GET:-env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600}
SHARDS=4

say() { printf '[%s] %s\n' "$(date +%T)" "$*"; }

if ! command -v sbatch >/dev/null || ! [ -x /usr/sbin/slurmctld ] || ! [ -x /usr/sbin/slurmd ] || ! [ -x /usr/sbin/munged ]; then
	say "installing slurm-wlm and munge with apt"
	$APT_GET update
	$APT_GET install --no-install-recommends slurm-wlm munge
else
	say "slurm-wlm and munge present"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tlstat-slurm.XXXXXX")
node=$(hostname)
# Everything below goes to the log with the scratch directory and the host
# name replaced by placeholders.
exec > >(sed -u -e "s|$work|\$WORK|g" -e "s|\b$node\b|NODE|g") 2>&1

started=()
cleanup() {
	local rc=$?
	set +e
	[ -n "${SLURM_CONF:-}" ] && scancel --quiet --name=tlstat-slurm-e2e 2>/dev/null
	for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid" "${started[@]}"; do
		[ -f "$pidfile" ] || continue
		pid=$(cat "$pidfile")
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
	done
	sleep 1
	say "daemons stopped; exit status $rc"
	rm -rf "$work"
}
trap cleanup EXIT

# munge: a key and the daemon, unless munged answers already.
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
	say "munged running"
else
	install -d -o munge -g munge -m 700 /etc/munge
	if [ ! -s /etc/munge/munge.key ]; then
		dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
	fi
	chown munge:munge /etc/munge/munge.key
	chmod 400 /etc/munge/munge.key
	install -d -o munge -g munge /run/munge /var/lib/munge /var/log/munge
	runuser -u munge -- /usr/sbin/munged --force
	started+=(/run/munge/munged.pid)
	for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.2; done
	munge -n | unmunge | grep -q Success
	say "munged started"
fi

# A one-node cluster with its own ports, state and logs in the scratch directory.
mem=$(free -m | awk '/^Mem:/ {print int($2 * 0.8)}')
mkdir -p "$work/state" "$work/spool"
export SLURM_CONF=$work/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=tlstate2e
SlurmctldHost=$node
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SlurmUser=root
SlurmdUser=root
ReturnToService=2
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
NodeName=$node CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=e2e Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
/usr/sbin/slurmctld -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do sinfo -h -o %t 2>/dev/null | grep -qx idle && break; sleep 1; done
sinfo
sinfo -h -o %t | grep -qx idle || { say "node not idle"; cat "$work/slurmctld.log" "$work/slurmd.log"; exit 1; }

# The study: 20 theory-only points (MNIST and synthetic teachers), pure Go so
# that the Slurm and the local tables can be compared byte for byte.
export TLSTAT_BLAS=gonum
go build -o "$work/tlstat" ./tlstat/cmd/tlstat
cat >"$work/e2e.json" <<'SPEC'
{
  "name": "slurm-e2e",
  "mode": "single",
  "tasks": [
    {"name": "mnist", "pos": [0, 2, 4, 6], "neg": [1, 3, 5, 7], "ptest": 500},
    {"name": "teacher", "teacher-n0": 60, "ptest": 500}
  ],
  "n": [100, 400],
  "p": [100, 200, 300, 400, 500],
  "variants": ["scalar", "shape"]
}
SPEC
tl() { "$work/tlstat" "$@"; }
tl study plan "$work/e2e.json" -shards $SHARDS | tail -n 1

say "local run"
t0=$(date +%s)
tl study run "$work/e2e.json" -store "$work/local" -quiet
say "local run: $(( $(date +%s) - t0 )) s"
tl study collect "$work/e2e.json" -store "$work/local" -o "$work/local.csv"

# slurm_run SCHEDULE: submits the study as an array of $SHARDS tasks with
# that schedule into the store $work/slurm-SCHEDULE, cancels task 1 once it
# runs and a point of its own (shards) or any point (queue) is stored,
# resubmits task 1, waits, and collects into $work/slurm-SCHEDULE.csv.
slurm_run() {
	local schedule=$1 store=$work/slurm-$1 script=$work/e2e-$1.sbatch
	say "Slurm run, schedule $schedule: $SHARDS array tasks"
	local t0
	t0=$(date +%s)
	tl study slurm "$work/e2e.json" -store "$store" -shards $SHARDS -schedule "$schedule" -cpus 1 -o "$script"
	sed -i 's/^#SBATCH --job-name=.*/#SBATCH --job-name=tlstat-slurm-e2e/' "$script"
	grep -E '^(#SBATCH|exec)' "$script"
	local job
	job=$(sbatch --parsable "$script")
	say "submitted array job $job"

	# Cancel task 1 once it runs and has stored at least one of its points
	# (queue: once any point is stored, before all are).
	local victim=1 mine nmine done_mine state
	if [ "$schedule" = shards ]; then
		mine=$(tl study plan "$work/e2e.json" -store "$store" -shards $SHARDS | awk -v v=$victim '$1 ~ /^[0-9]+$/ && $3 == v {print $2}')
	else
		mine=$(tl study plan "$work/e2e.json" -store "$store" | awk '$1 ~ /^[0-9]+$/ {print $2}')
	fi
	nmine=$(wc -w <<<"$mine")
	for _ in $(seq 600); do
		done_mine=0
		for h in $mine; do [ -f "$store/points/$h.json" ] && done_mine=$((done_mine + 1)); done
		state=$(squeue -h -j "${job}_$victim" -o %T 2>/dev/null || true)
		if [ "$state" = RUNNING ] && [ "$done_mine" -ge 1 ]; then break; fi
		if [ "$done_mine" -ge "$nmine" ]; then say "task $victim finished before it could be cancelled"; exit 1; fi
		sleep 0.2
	done
	scancel "${job}_$victim"
	say "scancel ${job}_$victim after $done_mine of the $nmine points it could take were stored"
	while [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; do sleep 1; done
	tl study status "$work/e2e.json" -store "$store"
	scontrol show job "$job" 2>/dev/null | grep -E 'JobId|JobState' || true
	for f in "$store"/slurm/"$job"_*.out; do say "$(basename "$f"): $(tail -n 1 "$f")"; done

	say "resubmit task $victim"
	local job2
	job2=$(sbatch --parsable --array=$victim "$script")
	while [ -n "$(squeue -h -j "$job2" 2>/dev/null)" ]; do sleep 1; done
	say "resubmitted task: $(tail -n 1 "$store"/slurm/"${job2}"_$victim.out)"
	say "Slurm run, schedule $schedule: $(( $(date +%s) - t0 )) s"
	tl study status "$work/e2e.json" -store "$store"
	tl study collect "$work/e2e.json" -store "$store" -o "$work/slurm-$schedule.csv"
}

points=$(tl study plan "$work/e2e.json" | awk '$1 ~ /^[0-9]+$/' | wc -l)
for schedule in queue shards; do
	slurm_run $schedule
	files=$(find "$work/slurm-$schedule/points" -type f | wc -l)
	rows=$(($(wc -l <"$work/slurm-$schedule.csv") - 1))
	say "schedule $schedule: points $points, stored files $files, table rows $rows"
	[ "$files" -eq "$points" ] || { say "FAIL: $files files for $points points"; exit 1; }
	if cmp -s "$work/local.csv" "$work/slurm-$schedule.csv"; then
		say "PASS: schedule $schedule: the Slurm table equals the local table ($rows rows, sha256 $(sha256sum <"$work/slurm-$schedule.csv" | cut -c1-16))"
	else
		say "FAIL: schedule $schedule: the tables differ"
		diff "$work/local.csv" "$work/slurm-$schedule.csv" | head -20
		exit 1
	fi
done
