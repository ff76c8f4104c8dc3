package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestSimulateTransferCheckpointKill is TestSimulateCheckpointKill for a
// transfer run, the checkpoints of a study's transfer points: `tlstat
// simulate transfer -checkpoint` is SIGKILLed three times while it runs
// (after a checkpoint newer than the last kill), resumed each time, and its
// final record must equal an uninterrupted run's in everything but timings:
// a checkpoint file is never left unreadable by a kill. (That the resumed
// run repeats no iteration is TestTransferCheckpointResume's, in package
// langevin.) Tolerance: none (pure Go, deterministic per seed).
func TestSimulateTransferCheckpointKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tlstat and runs a small transfer simulation four times")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tlstat")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	args := []string{"simulate", "transfer", "-teacher-overlap", "0.5", "-n0", "10", "-ps", "40", "-pt", "20", "-ptest", "60",
		"-n", "20", "-t", "0.2", "-gamma", "0,1", "-quiet", "-json", "-chains", "2", "-max-steps", "1200", "-min-ess", "100"}
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
	for kill := range 3 {
		c := run("-checkpoint", ckpt, "-checkpoint-every", "0")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		before := time.Now()
		deadline := time.Now().Add(2 * time.Minute)
		for {
			if fi, err := os.Stat(ckpt); err == nil && fi.ModTime().After(before) {
				break
			}
			if time.Now().After(deadline) {
				c.Process.Kill()
				c.Wait()
				t.Fatalf("kill %d: no checkpoint written within two minutes", kill)
			}
			time.Sleep(10 * time.Millisecond)
		}
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
