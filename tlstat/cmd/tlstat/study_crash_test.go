package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// crashSpec is a theory-only study of 12 cheap points (synthetic teachers
// with three seeds and MNIST, whose points do not depend on the seed;
// P <= 160): a few seconds uninterrupted in pure Go.
const crashSpec = `{
  "name": "crash",
  "mode": "single",
  "tasks": [
    {"name": "teacher", "teacher-n0": 40, "ptest": 200},
    {"name": "mnist", "pos": [0, 2, 4, 6], "neg": [1, 3, 5, 7], "ptest": 200}
  ],
  "n": [50],
  "p": [60, 100, 160],
  "seeds": [1, 2, 3],
  "variants": ["scalar", "shape"]
}`

// crashPoints is the number of points of crashSpec.
const crashPoints = 12

// TestStudyCrash builds tlstat, computes a study without interruption, then
// again in a fresh store while SIGKILLing the worker at random moments
// (and, in a third store, with three queue workers at once, -queue, one of
// them killed repeatedly), and requires the collected tables to be byte-identical to
// the uninterrupted one: nothing missing, nothing duplicated, nothing
// partial. Tolerance: none (the points are deterministic in pure Go).
func TestStudyCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tlstat and runs a study several times (about 30 s)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tlstat")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	spec := filepath.Join(dir, "crash.json")
	if err := os.WriteFile(spec, []byte(crashSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TLSTAT_BLAS=gonum")
	tlstat := func(args ...string) *exec.Cmd {
		c := exec.Command(bin, args...)
		c.Env = env
		return c
	}
	run := func(store string) {
		t.Helper()
		if out, err := tlstat("study", "run", spec, "-store", store, "-quiet").CombinedOutput(); err != nil {
			t.Fatalf("study run: %v\n%s", err, out)
		}
	}
	collect := func(store, ext string) []byte {
		t.Helper()
		out := filepath.Join(dir, filepath.Base(store)+ext)
		if b, err := tlstat("study", "collect", spec, "-store", store, "-o", out).CombinedOutput(); err != nil {
			t.Fatalf("study collect %s: %v\n%s", store, err, b)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	start := time.Now()
	run(filepath.Join(dir, "clean"))
	clean := time.Since(start)
	want, wantJSON := collect(filepath.Join(dir, "clean"), ".csv"), collect(filepath.Join(dir, "clean"), ".json")
	if n := bytes.Count(want, []byte("\n")); n != 1+crashPoints*2 {
		t.Fatalf("uninterrupted table has %d lines, want 1 + %d points × 2 variants", n, crashPoints)
	}
	t.Logf("uninterrupted: %d points in %v", crashPoints, clean)

	rng := rand.New(rand.NewPCG(7, 11))
	// killAt starts a worker on store and SIGKILLs it after a random time
	// within the uninterrupted run time; it reports whether the worker
	// was still running.
	killAt := func(store string, flags ...string) bool {
		c := tlstat(append([]string{"study", "run", spec, "-store", store, "-quiet"}, flags...)...)
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(clean/3))) + clean/20)
		killed := c.Process.Signal(syscall.SIGKILL) == nil
		err := c.Wait()
		return killed && err != nil && strings.Contains(err.Error(), "killed")
	}

	crashed := filepath.Join(dir, "crashed")
	kills := 0
	for range 6 {
		if killAt(crashed) {
			kills++
		}
	}
	if kills < 3 {
		t.Errorf("only %d of 6 workers were killed mid-run; the test did not exercise crashes", kills)
	}
	run(crashed)
	if got := collect(crashed, ".csv"); !bytes.Equal(got, want) {
		t.Errorf("after %d kills the table differs from the uninterrupted one:\n%s\nwant\n%s", kills, got, want)
	}
	if got := collect(crashed, ".json"); !bytes.Equal(got, wantJSON) {
		t.Errorf("after %d kills the JSON table differs from the uninterrupted one", kills)
	}
	checkNoTemps(t, crashed)

	// Three queue workers at once on one store, one of them killed and
	// restarted four times.
	shared := filepath.Join(dir, "shared")
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if out, err := tlstat("study", "run", spec, "-store", shared, "-quiet", "-queue").CombinedOutput(); err != nil {
				t.Errorf("concurrent study run: %v\n%s", err, out)
			}
		}()
	}
	for range 4 {
		killAt(shared, "-queue")
	}
	wg.Wait()
	run(shared)
	if got := collect(shared, ".csv"); !bytes.Equal(got, want) {
		t.Errorf("with concurrent workers the table differs from the uninterrupted one:\n%s\nwant\n%s", got, want)
	}
	checkNoTemps(t, shared)
	t.Logf("%d kills mid-run; the resumed and concurrent tables equal the uninterrupted one", kills)
}

// checkNoTemps fails when a store holds temporary files or anything but
// one file per point.
func checkNoTemps(t *testing.T, store string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(store, "points"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("store %s holds %s", filepath.Base(store), e.Name())
		}
	}
	if len(entries) != crashPoints {
		t.Errorf("store %s holds %d files, want %d points", filepath.Base(store), len(entries), crashPoints)
	}
}
