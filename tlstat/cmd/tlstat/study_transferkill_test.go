package main

import (
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
	args := []string{"simulate", "transfer", "-teacher-overlap", "0.5", "-n0", "10", "-ps", "40", "-pt", "20", "-ptest", "60",
		"-n", "20", "-t", "0.2", "-gamma", "0,1", "-quiet", "-json", "-chains", "2", "-max-steps", "1200", "-min-ess", "100"}
	checkKillResume(t, args, 3, 2*time.Minute, 0)
}
