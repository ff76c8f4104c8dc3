package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// teacherStudySpec writes a theory study of a teacher task (N0 = 10, 30
// test inputs, N = 20, the scalar variant) at the training-set sizes ps (a
// JSON list without brackets) to s.json in a new temporary directory and
// returns the directory and the spec's path.
func teacherStudySpec(t *testing.T, ps string) (dir, spec string) {
	t.Helper()
	dir = t.TempDir()
	spec = filepath.Join(dir, "s.json")
	if err := os.WriteFile(spec, []byte(`{"name": "s", "mode": "single", "tasks": [{"name": "teach", "teacher-n0": 10, "ptest": 30}],
	  "n": [20], "p": [`+ps+`], "variants": ["scalar"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, spec
}

// studyCommand runs `tlstat study args...`, fails the test unless it exits with
// code want, and returns its standard output and error.
func studyCommand(t *testing.T, want int, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(append([]string{"study"}, args...), &out, &errb); code != want {
		t.Fatalf("tlstat study %v: exit %d, want %d\n%s%s", args, code, want, out.String(), errb.String())
	}
	return out.String() + errb.String()
}

// TestStudyCommands runs plan, run, status and collect on a two-point
// theory study, and checks the errors of a bad spec and of missing points.
func TestStudyCommands(t *testing.T) {
	dir, spec := teacherStudySpec(t, "15, 25")
	do := func(want int, args ...string) string { t.Helper(); return studyCommand(t, want, args...) }
	if out := do(0, "plan", spec, "-shards", "2"); !strings.Contains(out, "2 points") || !strings.Contains(out, "largest/smallest") {
		t.Errorf("plan:\n%s", out)
	}
	if out := do(1, "collect", spec, "-o", filepath.Join(dir, "t.csv")); !strings.Contains(out, "2 points missing") {
		t.Errorf("collect before run:\n%s", out)
	}
	if out := do(0, "run", "-shard", "1/2", spec, "-quiet"); !strings.Contains(out, "1 points: 1 computed") {
		t.Errorf("run shard 1/2:\n%s", out)
	}
	if out := do(0, "status", spec); !strings.Contains(out, "2 points: 1 done, 0 running, 1 pending") {
		t.Errorf("status:\n%s", out)
	}
	do(0, "run", spec, "-quiet")
	do(0, "collect", spec, "-o", filepath.Join(dir, "t.csv"))
	b, err := os.ReadFile(filepath.Join(dir, "t.csv"))
	if err != nil || bytes.Count(b, []byte("\n")) != 3 || !bytes.HasPrefix(b, []byte("point,task,mode,kind")) {
		t.Errorf("table: %v\n%s", err, b)
	}
	if _, err := os.Stat(filepath.Join(dir, "s.store", "points")); err != nil {
		t.Errorf("default store: %v", err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"mode": "single", "tasks": [{"pool": "x"}], "n": [20], "p": [15]}`), 0o644)
	if out := do(1, "plan", bad); !strings.Contains(out, `tasks[0].pool "x"`) {
		t.Errorf("bad spec:\n%s", out)
	}
	if out := do(1, "run", spec, "-shard", "2/2"); !strings.Contains(out, `-shard "2/2"`) {
		t.Errorf("bad shard:\n%s", out)
	}
	if out := do(1, "run", spec, "-queue", "-shard", "0/1"); !strings.Contains(out, "-queue and -shard exclude each other") {
		t.Errorf("queue with a shard:\n%s", out)
	}
	if out := do(1, "run", spec, "-queue", "-assignment", "x.json"); !strings.Contains(out, "-queue and -assignment exclude each other") {
		t.Errorf("queue with an assignment:\n%s", out)
	}
}

// TestStudyQueue runs two queue workers one after the other on a
// three-point theory study whose first point is stored: the first computes
// the other two, the second finds all three stored.
func TestStudyQueue(t *testing.T) {
	_, spec := teacherStudySpec(t, "15, 25, 35")
	do := func(want int, args ...string) string { t.Helper(); return studyCommand(t, want, args...) }
	do(0, "run", spec, "-shard", "0/3", "-quiet")
	if out := do(0, "status", spec); !strings.Contains(out, "3 points: 1 done") {
		t.Fatalf("status after one shard:\n%s", out)
	}
	out := do(0, "run", spec, "-queue")
	if !strings.Contains(out, "study s queue: 3 points: 2 computed, 1 stored before or by other processes, 0 being computed elsewhere, 0 failed") ||
		strings.Count(out, "computing") != 2 {
		t.Errorf("queue run:\n%s", out)
	}
	if out := do(0, "run", spec, "-queue", "-quiet"); !strings.Contains(out, "3 points: 0 computed, 3 stored") {
		t.Errorf("queue run again:\n%s", out)
	}
}

// TestStudySlurmScript checks the sbatch array scripts: by default every
// task runs the queue (no shard, no plan file); with -schedule shards one
// task per shard with the fixed shard count and the plan; absolute paths
// and the optional settings in both; an unknown schedule is refused.
func TestStudySlurmScript(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "s.json")
	os.WriteFile(spec, []byte(`{"name": "s", "mode": "single", "tasks": [{}], "n": [20], "p": [15]}`), 0o644)
	store := filepath.Join(dir, "s.store")
	common := []string{"#!/bin/bash\n", "#SBATCH --array=0-5\n", "#SBATCH --cpus-per-task=2\n", "#SBATCH --partition=short\n", "#SBATCH --time=1:00:00\n"}
	for _, c := range []struct {
		schedule    []string
		want, avoid []string
		output      string
	}{
		{nil, []string{`exec /opt/tlstat study run ` + spec + ` -store ` + store + " -queue\n"}, []string{"-shard", "shards=", "-assignment", "--mem"},
			"6 array tasks sharing the points as a queue"},
		{[]string{"-schedule", "shards"}, []string{"shards=6\n", `exec /opt/tlstat study run ` + spec + ` -store ` + store + ` -shard "$SLURM_ARRAY_TASK_ID/$shards"` +
			` -assignment ` + filepath.Join(store, "slurm", "study.shards.json") + "\n"}, []string{"-queue", "--mem"}, "and its shard plan"},
	} {
		os.RemoveAll(store)
		args := append([]string{"slurm", spec, "-shards", "6", "-partition", "short", "-time", "1:00:00", "-cpus", "2", "-tlstat", "/opt/tlstat"}, c.schedule...)
		if out := studyCommand(t, 0, args...); !strings.Contains(out, c.output) {
			t.Errorf("schedule %v: output lacks %q:\n%s", c.schedule, c.output, out)
		}
		b, err := os.ReadFile(filepath.Join(store, "slurm", "study.sbatch"))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for _, want := range append(common, c.want...) {
			if !strings.Contains(s, want) {
				t.Errorf("schedule %v: script lacks %q:\n%s", c.schedule, want, s)
			}
		}
		for _, avoid := range c.avoid {
			if strings.Contains(s, avoid) {
				t.Errorf("schedule %v: script has %q:\n%s", c.schedule, avoid, s)
			}
		}
		_, err = os.Stat(filepath.Join(store, "slurm", "study.shards.json"))
		if plan := err == nil; plan != (c.schedule != nil) {
			t.Errorf("schedule %v: shard plan written %v", c.schedule, plan)
		}
	}
	if out := studyCommand(t, 1, "slurm", spec, "-schedule", "dynamic"); !strings.Contains(out, `-schedule "dynamic": want queue or shards`) {
		t.Errorf("unknown schedule:\n%s", out)
	}
}

// TestStudyAssignment runs the shards of the plan that study slurm writes:
// together they compute every point once, and study plan shows the same
// shards; a plan for another shard count or an unreadable one is refused.
func TestStudyAssignment(t *testing.T) {
	dir, spec := teacherStudySpec(t, "10, 15, 20, 25, 30")
	do := func(want int, args ...string) string { t.Helper(); return studyCommand(t, want, args...) }
	if out := do(0, "slurm", spec, "-shards", "2", "-schedule", "shards", "-tlstat", "/opt/tlstat"); !strings.Contains(out, "5 points, 0 stored") || !strings.Contains(out, "largest/smallest") {
		t.Errorf("slurm:\n%s", out)
	}
	plan := filepath.Join(dir, "s.store", "slurm", "study.shards.json")
	// The shards of study plan's shard column.
	mine := map[string]int{}
	for _, line := range strings.Split(do(0, "plan", spec, "-shards", "2"), "\n") {
		if f := strings.Fields(line); len(f) > 3 && f[0] != "#" && f[0] != "index" {
			mine[f[2]]++
		}
	}
	total := 0
	for i := range 2 {
		out := do(0, "run", spec, "-shard", fmt.Sprintf("%d/2", i), "-assignment", plan, "-quiet")
		want := fmt.Sprintf("%d points: %d computed", mine[fmt.Sprint(i)], mine[fmt.Sprint(i)])
		if !strings.Contains(out, want) {
			t.Errorf("run shard %d/2 -assignment: want %q\n%s", i, want, out)
		}
		total += mine[fmt.Sprint(i)]
	}
	if out := do(0, "status", spec); total != 5 || !strings.Contains(out, "5 points: 5 done") {
		t.Errorf("%d points in the shards; status:\n%s", total, out)
	}
	if out := do(1, "run", spec, "-shard", "0/3", "-assignment", plan); !strings.Contains(out, "has 2 shards, not 3") {
		t.Errorf("shard count mismatch:\n%s", out)
	}
	if out := do(1, "run", spec, "-shard", "0/2", "-assignment", filepath.Join(dir, "none.json")); !strings.Contains(out, "none.json: cannot be read") {
		t.Errorf("missing plan:\n%s", out)
	}
}
