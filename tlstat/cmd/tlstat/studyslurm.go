package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/tlstat/tlstat/tlstat/study"
)

// slurmScript holds what an sbatch array script of a study needs.
type slurmScript struct {
	name, tlstat, spec, store string
	plan                      string // shard plan file ("": the tasks share a queue)
	shards, cpus              int
	partition, time, mem      string
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if regexp.MustCompile(`^[A-Za-z0-9_./:=+-]+$`).MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// String renders the script: one array task per shard, each running
// 'tlstat study run SPEC -queue' (all tasks sharing the points as a queue)
// or, with a shard plan, 'tlstat study run SPEC -shard i/n -assignment
// PLAN'. The shard count is written into the script rather than read from
// SLURM_ARRAY_TASK_COUNT, so that resubmitting some tasks (sbatch
// --array=2 script) keeps each task's shard.
func (s slurmScript) String() string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("#!/bin/bash")
	if s.plan == "" {
		w("# tlstat study %s: %d array tasks sharing the points as a queue (written by tlstat study slurm).", s.name, s.shards)
		w("# Each task takes the pending point of largest expected seconds until none is left.")
		w("# Resubmit with sbatch --array=LIST this script to compute what is left: stored points are skipped.")
	} else {
		w("# tlstat study %s: %d shards, one array task each (written by tlstat study slurm).", s.name, s.shards)
		w("# Shards as assigned in %s when it was written (balanced on expected seconds).", s.plan)
		w("# Resubmit killed or failed tasks with sbatch --array=LIST this script: stored points are skipped.")
	}
	w("#SBATCH --job-name=%s", shellQuote("tlstat-"+s.name))
	w("#SBATCH --array=0-%d", s.shards-1)
	w("#SBATCH --cpus-per-task=%d", s.cpus)
	w("#SBATCH --output=%s", shellQuote(filepath.Join(s.store, "slurm", "%A_%a.out")))
	if s.partition != "" {
		w("#SBATCH --partition=%s", shellQuote(s.partition))
	}
	if s.time != "" {
		w("#SBATCH --time=%s", shellQuote(s.time))
	}
	if s.mem != "" {
		w("#SBATCH --mem=%s", shellQuote(s.mem))
	}
	w("set -euo pipefail")
	w("export OPENBLAS_NUM_THREADS=${SLURM_CPUS_PER_TASK:-%d}", s.cpus)
	if s.plan == "" {
		w(`exec %s study run %s -store %s -queue`, shellQuote(s.tlstat), shellQuote(s.spec), shellQuote(s.store))
		return b.String()
	}
	w("shards=%d", s.shards)
	w(`[ "${SLURM_ARRAY_TASK_COUNT:-$shards}" = "$shards" ] || echo "resubmitted subset of the array: shard $SLURM_ARRAY_TASK_ID of $shards" >&2`)
	w(`exec %s study run %s -store %s -shard "$SLURM_ARRAY_TASK_ID/$shards" -assignment %s`, shellQuote(s.tlstat), shellQuote(s.spec), shellQuote(s.store), shellQuote(s.plan))
	return b.String()
}

func runStudySlurm(args []string, stdout, stderr io.Writer) error {
	f := newStudyFlags("slurm", `usage: tlstat study slurm SPEC.json [-shards n] [-schedule queue|shards] [-o script.sh] [-submit] [-partition P] [-time T] [-cpus C] [-mem M]

Writes an sbatch array script of n tasks over the store, and with -submit submits it
with sbatch. Paths in the script are absolute; the tasks' output goes to
STORE/slurm/JOB_TASK.out.

-schedule queue (the default): every task runs 'tlstat study run SPEC.json -queue',
taking the pending point of largest expected seconds until none is left, so that tasks
started together finish within the longest point of each other whatever the predictions'
errors. It needs a store on a file system that all nodes share and where flock(2) works
across them (local disks; NFS maps flock to its locks), which several tasks on one store
need in any case.

-schedule shards: each task runs one shard, 'tlstat study run SPEC.json -shard
$SLURM_ARRAY_TASK_ID/n -assignment PLAN'. PLAN, written next to the script (script name
with .shards.json), assigns the points to the shards once, balanced on their expected
seconds with what the store holds now (tlstat study plan -shards n shows them), so that
every task uses the same assignment while the store changes. Task times then differ as
much as the predictions err (see docs/studies.md).

`, stderr)
	shards := f.fs.Int("shards", 4, "number of array tasks (with -schedule shards, of shards)")
	schedule := f.fs.String("schedule", "queue", "queue: tasks share the points, largest first; shards: one precomputed shard per task")
	out := f.fs.String("o", "", "script file (default: STORE/slurm/study.sbatch)")
	submit := f.fs.Bool("submit", false, "submit the script with sbatch")
	partition := f.fs.String("partition", "", "Slurm partition (default: the cluster's)")
	timeLimit := f.fs.String("time", "", "time limit of each task, e.g. 2:00:00 (default: the partition's)")
	cpus := f.fs.Int("cpus", 1, "CPUs per task")
	mem := f.fs.String("mem", "", "memory per task, e.g. 4G (default: the partition's)")
	bin := f.fs.String("tlstat", "", "tlstat binary the tasks run (default: this one)")
	spec, specPath, store, err := f.parse(args)
	if err != nil {
		return err
	}
	if *shards < 1 {
		return fmt.Errorf("-shards %d: want at least 1", *shards)
	}
	if *cpus < 1 {
		return fmt.Errorf("-cpus %d: want at least 1", *cpus)
	}
	if *schedule != "queue" && *schedule != "shards" {
		return fmt.Errorf("-schedule %q: want queue or shards", *schedule)
	}
	exe := *bin
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return err
		}
	}
	abs := func(p string) (string, error) { return filepath.Abs(p) }
	s := slurmScript{name: spec.Name, shards: *shards, cpus: *cpus, partition: *partition, time: *timeLimit, mem: *mem}
	for _, p := range []struct {
		dst *string
		src string
	}{{&s.tlstat, exe}, {&s.spec, specPath}, {&s.store, store.Dir()}} {
		if *p.dst, err = abs(p.src); err != nil {
			return err
		}
	}
	if s.name == "" {
		s.name = strings.TrimSuffix(filepath.Base(specPath), filepath.Ext(specPath))
	}
	if err := os.MkdirAll(filepath.Join(s.store, "slurm"), 0o755); err != nil {
		return err
	}
	path := *out
	if path == "" {
		path = filepath.Join(s.store, "slurm", "study.sbatch")
	}
	points := spec.Points()
	records, err := study.StoredRecords(store, points)
	if err != nil {
		return err
	}
	if *schedule == "queue" {
		if err := os.WriteFile(path, []byte(s.String()), 0o755); err != nil {
			return err
		}
		total, longest := 0.0, 0.0
		for k, pr := range study.DefaultCostModel.PredictExpected(points, records) {
			if records[points[k].Hash] == nil {
				total, longest = total+pr.Seconds, max(longest, pr.Seconds)
			}
		}
		fmt.Fprintf(stdout, "wrote %s (%d array tasks sharing the points as a queue)\n", path, *shards)
		fmt.Fprintf(stdout, "%d points, %d stored (skipped); expected seconds %s in all, the longest point %s (predicted: measured/predicted seconds within a factor %.1f, largest over smallest, on the stored validation stages, not validated beyond them; tlstat study plan lists them); tasks started together finish within the longest point of each other\n",
			len(points), len(records), shortSeconds(total), shortSeconds(longest), study.CostModelSpread)
	} else {
		plan, err := study.NewShardPlan(spec.Name, points, records, *shards, study.DefaultCostModel)
		if err != nil {
			return err
		}
		if s.plan, err = abs(strings.TrimSuffix(path, filepath.Ext(path)) + ".shards.json"); err != nil {
			return err
		}
		if err := plan.WriteFile(s.plan); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(s.String()), 0o755); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (%d array tasks) and its shard plan %s\n", path, *shards, s.plan)
		fmt.Fprintf(stdout, "%d points, %d stored (skipped); expected seconds per task %s, largest/smallest %.2f (predicted: measured/predicted seconds within a factor %.1f, largest over smallest, on the stored validation stages, not validated beyond them; tlstat study plan -shards %d lists them)\n",
			len(points), len(records), formatLoads(plan.Loads), study.LoadRatio(plan.Loads), study.CostModelSpread, *shards)
	}
	if !*submit {
		return nil
	}
	cmd := exec.Command("sbatch", "--parsable", path)
	cmd.Stderr = stderr
	id, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("sbatch %s: %w", path, err)
	}
	fmt.Fprintf(stdout, "submitted job %s\n", strings.TrimSpace(string(id)))
	return nil
}

// formatLoads writes shard seconds as durations, e.g. "[1h02m 58m00s]".
func formatLoads(loads []float64) string {
	words := make([]string, len(loads))
	for j, l := range loads {
		words[j] = formatSeconds(l)
	}
	return "[" + strings.Join(words, " ") + "]"
}

// shortSeconds writes seconds as a duration, or with two digits below 10 s
// (a theory point's fraction of a second).
func shortSeconds(s float64) string {
	if s < 10 {
		return fmt.Sprintf("%.2gs", s)
	}
	return formatSeconds(s)
}
