package langevin

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

// A transfer run (Sampler.Transfer) checkpoints like a single network's:
// one file holds the stages already finished (the source stage with the
// snapshots taken after it, then each coupling's target stage in order)
// and the chains of the stage in progress. A resumed run takes the
// finished stages from the file, rebuilds the chains of the stage in
// progress from it and continues, so that its result equals the
// uninterrupted run's draw for draw.

// transferSnapshot is a transfer checkpoint's content.
type transferSnapshot struct {
	Fingerprint string
	// Source is the finished source stage (nil: not finished) and
	// Snapshots the source states (W_s, v_s) taken after it.
	Source    *stageOutSnapshot
	Snapshots []paramsSnapshot
	// Targets are the finished target stages, in the order of the
	// couplings.
	Targets []*stageOutSnapshot
	// Current is the stage in progress: the first one not finished (nil:
	// not saved yet).
	Current *runSnapshot
}

// paramsSnapshot is a network's parameters.
type paramsSnapshot struct{ W, V []float64 }

// stageOutSnapshot is a finished stage (stageOut).
type stageOutSnapshot struct {
	BurnIn, Steps int
	Converged     bool
	Stop          string
	ObsDiag       [][]Diagnostics // per observable (obsSlices)
	ObsSeries     [][][]float64   // per chain, per observable
	Moments       [][]float64
	Acceptance    []float64
	BurnAccept    []float64
	Step          []float64
	Traces        [][]TracePoint
	Elapsed       time.Duration
}

func snapshotOut(o *stageOut) *stageOutSnapshot {
	s := &stageOutSnapshot{BurnIn: o.burnIn, Steps: o.steps, Converged: o.converged, Stop: o.stop, ObsDiag: obsSlices(o.diag),
		Moments: o.moments, Acceptance: o.acceptance, BurnAccept: o.burnAccept, Step: o.step,
		Traces: o.traces, Elapsed: o.elapsed}
	for _, c := range o.series {
		s.ObsSeries = append(s.ObsSeries, obsSlices(c))
	}
	return s
}

func (s *stageOutSnapshot) out() *stageOut {
	o := &stageOut{burnIn: s.BurnIn, steps: s.Steps, converged: s.Converged, stop: s.Stop, diag: obsDiagArray(s.ObsDiag),
		moments: s.Moments, acceptance: s.Acceptance, burnAccept: s.BurnAccept, step: s.Step, traces: s.Traces, elapsed: s.Elapsed}
	for _, c := range s.ObsSeries {
		o.series = append(o.series, obsArray(c))
	}
	// A second moment that was not recorded is nil, whatever the
	// encoding made of it.
	for i, m := range o.moments {
		if len(m) == 0 {
			o.moments[i] = nil
		}
	}
	return o
}

// transferCheckpoint saves and restores the stages of a transfer run.
type transferCheckpoint struct {
	cp    Checkpoint
	snap  transferSnapshot
	saves int
}

// loadTransferCheckpoint returns the checkpoint of the run named by
// fingerprint, with what the file at cp.Path holds of it (nothing when the
// file does not exist).
func loadTransferCheckpoint(cp Checkpoint, fingerprint string) (*transferCheckpoint, error) {
	if cp.Path == "" {
		return nil, fmt.Errorf("langevin: checkpoint without a file path")
	}
	c := &transferCheckpoint{cp: cp, snap: transferSnapshot{Fingerprint: fingerprint}}
	b, err := os.ReadFile(cp.Path)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("langevin: checkpoint: %w", err)
	}
	var s transferSnapshot
	if err := decodeSnapshot(b, &s, &legacyTransfer{}); err != nil {
		return nil, fmt.Errorf("langevin: checkpoint %s is not readable as a transfer run's: %w", cp.Path, err)
	}
	if s.Fingerprint != fingerprint {
		return nil, fmt.Errorf("langevin: checkpoint %s belongs to another run (remove it to start afresh)", cp.Path)
	}
	c.snap = s
	return c, nil
}

// stage returns the checkpoint of the stage in progress, whose chains draw
// from srcs (in chain order).
func (c *transferCheckpoint) stage(srcs []*rand.PCG) *stageCheckpoint {
	return &stageCheckpoint{cp: c.cp, fingerprint: c.snap.Fingerprint, srcs: srcs, outer: c}
}

// sourceDone reports whether the source stage is finished, and returns it
// with the snapshots taken after it.
func (c *transferCheckpoint) sourceDone() (*stageOut, []params, bool) {
	if c.snap.Source == nil {
		return nil, nil, false
	}
	ps := make([]params, len(c.snap.Snapshots))
	for i, p := range c.snap.Snapshots {
		ps[i] = params{w: p.W, v: p.V}
	}
	return c.snap.Source.out(), ps, true
}

// targetDone returns the finished target stage of coupling index gi, or
// nil.
func (c *transferCheckpoint) targetDone(gi int) *stageOut {
	if c.snap.Source == nil || gi >= len(c.snap.Targets) {
		return nil
	}
	return c.snap.Targets[gi].out()
}

// finishSource records the finished source stage and its snapshots.
func (c *transferCheckpoint) finishSource(out *stageOut, snaps []params) error {
	c.snap.Source, c.snap.Current = snapshotOut(out), nil
	c.snap.Snapshots = make([]paramsSnapshot, len(snaps))
	for i, p := range snaps {
		c.snap.Snapshots[i] = paramsSnapshot{W: p.w, V: p.v}
	}
	return c.write()
}

// finishTarget records the next finished target stage.
func (c *transferCheckpoint) finishTarget(out *stageOut) error {
	c.snap.Targets, c.snap.Current = append(c.snap.Targets, snapshotOut(out)), nil
	return c.write()
}

// write saves the snapshot atomically.
func (c *transferCheckpoint) write() error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&c.snap); err != nil {
		return fmt.Errorf("langevin: checkpoint: %w", err)
	}
	if err := writeAtomic(c.cp.Path, buf.Bytes()); err != nil {
		return fmt.Errorf("langevin: checkpoint: %w", err)
	}
	c.saves++
	if c.cp.stopAfter > 0 && c.saves >= c.cp.stopAfter {
		return errCheckpointStop
	}
	return nil
}

// remove deletes the spent checkpoint of a finished run.
func (c *transferCheckpoint) remove() error {
	if err := os.Remove(c.cp.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("langevin: checkpoint: %w", err)
	}
	return nil
}

// transferFingerprint names a transfer run for its checkpoint: the source
// run's fingerprint (network, source data, settings, initial states), the
// target data, the couplings and the snapshots.
func transferFingerprint(net Network, tp TransferProblem, set settings, inits []params, snaps, gap int) string {
	return fmt.Sprintf("transfer-%s-%s-%v-%d-%d", runFingerprint(net, tp.Source, tp.SourceTest, set, inits, multiOutputs{}),
		runFingerprint(net, tp.Target, tp.TargetTest, set, nil, multiOutputs{}), tp.Gammas, snaps, gap)
}
