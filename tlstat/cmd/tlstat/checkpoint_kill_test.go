package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestSimulateCheckpointKill runs `tlstat simulate single -checkpoint`,
// SIGKILLs it twice while it runs (after the first checkpoints are
// written), resumes it each time, and requires the final record to equal
// that of an uninterrupted run in everything but timings: the chains lost
// nothing. Tolerance: none (pure Go, deterministic per seed).
func TestSimulateCheckpointKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tlstat and runs a Langevin simulation three times (about 30 s)")
	}
	args := []string{"simulate", "single", "-p", "60", "-ptest", "100", "-n", "40", "-t", "0.2", "-quiet", "-json",
		"-chains", "3", "-max-steps", "3000", "-min-ess", "300"}
	checkKillResume(t, args, 2, time.Minute, 150*time.Millisecond)
}

// checkKillResume builds tlstat and runs `tlstat args` (with
// TLSTAT_BLAS=gonum) once uninterrupted, then with -checkpoint: kills
// times it waits (at most within) for a checkpoint newer than the previous
// kill, waits settle more and SIGKILLs the run; a last run resumes to the
// end. The resumed record must equal the uninterrupted one in everything
// but timings, and the spent checkpoint must be gone.
func checkKillResume(t *testing.T, args []string, kills int, within, settle time.Duration) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "tlstat")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := func(extra ...string) *exec.Cmd {
		c := exec.Command(bin, append(append([]string(nil), args...), extra...)...)
		c.Env = append(os.Environ(), "TLSTAT_BLAS=gonum")
		return c
	}
	want, err := run().Output()
	if err != nil {
		t.Fatalf("uninterrupted run: %v", err)
	}
	ckpt := filepath.Join(dir, "run.ckpt")
	for kill := range kills {
		c := run("-checkpoint", ckpt, "-checkpoint-every", "0")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait for a checkpoint newer than the previous kill, then kill.
		before := time.Now()
		deadline := time.Now().Add(within)
		for {
			if fi, err := os.Stat(ckpt); err == nil && fi.ModTime().After(before) {
				break
			}
			if time.Now().After(deadline) {
				c.Process.Kill()
				c.Wait()
				t.Fatalf("kill %d: no checkpoint written within %v", kill, within)
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(settle)
		if err := c.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		c.Wait()
	}
	got, err := run("-checkpoint", ckpt, "-checkpoint-every", "0").Output()
	if err != nil {
		t.Fatalf("resumed run: %v", err)
	}
	if _, err := os.Stat(ckpt); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the spent checkpoint is still there: %v", err)
	}
	if g, w := stripTimings(t, got), stripTimings(t, want); !bytes.Equal(g, w) {
		t.Errorf("resumed record differs from the uninterrupted one:\n%s\nwant\n%s", g, w)
	}
}

// stripTimings returns a record with its wall-clock fields removed.
func stripTimings(t *testing.T, b []byte) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("record is not JSON: %v\n%s", err, b)
	}
	var strip func(v any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range []string{"seconds", "elapsed", "command", "provenance"} {
				delete(x, k)
			}
			for _, e := range x {
				strip(e)
			}
		case []any:
			for _, e := range x {
				strip(e)
			}
		}
	}
	strip(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
