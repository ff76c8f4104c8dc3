package langevin

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// Checkpoint makes a long run resumable: the state of every chain and
// everything measured so far is written atomically to Path (a temporary
// file in the same directory, synced, then renamed) at the end of a block
// of iterations, at most once every Every (zero: after every block). A run
// that finds the file resumes from it and continues as if it had not been
// interrupted: the result is the same, draw for draw. The file names the
// run it belongs to (the network, data, settings and the chains' initial
// states); resuming a different run is an error. Run and Transfer remove
// the file when they return a result. It applies to single-network runs
// and to transfer runs (whose file also holds the stages already finished)
// with the HMC sampler.
type Checkpoint struct {
	Path  string
	Every time.Duration

	// stopAfter, when positive, ends the run with errCheckpointStop after
	// that many saves (tests of resuming).
	stopAfter int
}

// runSnapshot is a checkpoint's content.
type runSnapshot struct {
	Fingerprint string
	It          int
	Elapsed     time.Duration
	Chains      []chainSnapshot
}

// chainSnapshot is one HMC chain and its record.
type chainSnapshot struct {
	W, L                  []float64
	Eps                   float64
	RNG                   []byte
	Warm                  *warmSnapshot
	Obs                   [][]float64 // the measured draws, one slice per observable (obsSlices)
	Blocks                []blockSnapshot
	BlockLen              int
	Trace                 []TracePoint
	Acc, Prp, BAcc, BProp int64
	Step                  float64
}

type warmSnapshot struct {
	Total, InitBuf, TermBuf, WindowEnd, WindowLen, Start, Count int
	Mu, Hbar, LogEps, LogEpsBar, DATarget, Target               float64
	DAM                                                         int
	WW, WSum                                                    []float64
}

type blockSnapshot struct {
	Start, Count int
	Sum          []float64
}

// stageCheckpoint saves and restores a stage of HMC chains.
type stageCheckpoint struct {
	cp          Checkpoint
	fingerprint string
	srcs        []*rand.PCG // the chains' generators, in chain order
	last        time.Time
	resume      *runSnapshot
	saves       int
	// outer, when not nil, is the transfer run the stage belongs to: the
	// stage's state is saved inside the transfer's checkpoint.
	outer *transferCheckpoint
}

var errCheckpointStop = errors.New("langevin: stopped after a checkpoint")

// load reads the checkpoint file, if any, into c.resume.
func (c *stageCheckpoint) load() error {
	if c.outer != nil {
		c.resume = c.outer.snap.Current
		if c.resume != nil && len(c.resume.Chains) != len(c.srcs) {
			return fmt.Errorf("langevin: checkpoint %s has %d chains, the stage %d", c.cp.Path, len(c.resume.Chains), len(c.srcs))
		}
		return nil
	}
	b, err := os.ReadFile(c.cp.Path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("langevin: checkpoint: %w", err)
	}
	var s runSnapshot
	if err := decodeSnapshot(b, &s, &legacyRun{}); err != nil {
		return fmt.Errorf("langevin: checkpoint %s is not readable: %w", c.cp.Path, err)
	}
	if s.Fingerprint != c.fingerprint {
		return fmt.Errorf("langevin: checkpoint %s belongs to another run (remove it to start afresh)", c.cp.Path)
	}
	if len(s.Chains) != len(c.srcs) {
		return fmt.Errorf("langevin: checkpoint %s has %d chains, the run %d", c.cp.Path, len(s.Chains), len(c.srcs))
	}
	c.resume = &s
	return nil
}

// restore sets the chains and records from the loaded snapshot and returns
// the iteration and the elapsed time to continue from.
func (c *stageCheckpoint) restore(recs []*chainRec) (int, time.Duration, error) {
	s := c.resume
	for i, r := range recs {
		h, ok := r.ch.(*hmcChain)
		if !ok {
			return 0, 0, fmt.Errorf("langevin: checkpoints need the HMC sampler")
		}
		cs := s.Chains[i]
		if len(cs.W) != len(h.cur.w) || len(cs.L) != len(h.l) {
			return 0, 0, fmt.Errorf("langevin: checkpoint %s does not fit chain %d", c.cp.Path, i)
		}
		copy(h.cur.w, cs.W)
		copy(h.l, cs.L)
		h.eps = cs.Eps
		if err := c.srcs[i].UnmarshalBinary(cs.RNG); err != nil {
			return 0, 0, fmt.Errorf("langevin: checkpoint %s: chain %d: %w", c.cp.Path, i, err)
		}
		h.warm = nil
		if w := cs.Warm; w != nil {
			h.warm = &hmcWarmup{total: w.Total, initBuf: w.InitBuf, termBuf: w.TermBuf, windowEnd: w.WindowEnd,
				windowLen: w.WindowLen, start: w.Start, count: w.Count, target: w.Target, ww: w.WW, wsum: w.WSum,
				da: dualAverage{mu: w.Mu, hbar: w.Hbar, logEps: w.LogEps, logEpsBar: w.LogEpsBar, m: w.DAM, target: w.DATarget}}
		}
		h.pr.margEvaluate(h.cur, true)
		if !h.cur.ok {
			return 0, 0, fmt.Errorf("langevin: checkpoint %s: chain %d's potential is not finite", c.cp.Path, i)
		}
		r.all = obsArray(cs.Obs)
		r.blocks = nil
		for _, b := range cs.Blocks {
			r.blocks = append(r.blocks, momentBlock{start: b.Start, count: b.Count, sum: b.Sum})
		}
		r.blockLen, r.trace = cs.BlockLen, cs.Trace
		r.acc, r.prp, r.bacc, r.bprp, r.step = cs.Acc, cs.Prp, cs.BAcc, cs.BProp, cs.Step
	}
	return s.It, s.Elapsed, nil
}

// save writes the state after iteration it, when Every has passed since the
// last save.
func (c *stageCheckpoint) save(it int, elapsed time.Duration, recs []*chainRec) error {
	if c.cp.Every > 0 && time.Since(c.last) < c.cp.Every {
		return nil
	}
	s := runSnapshot{Fingerprint: c.fingerprint, It: it, Elapsed: elapsed}
	for i, r := range recs {
		h := r.ch.(*hmcChain)
		rng, err := c.srcs[i].MarshalBinary()
		if err != nil {
			return err
		}
		cs := chainSnapshot{W: h.cur.w, L: h.l, Eps: h.eps, RNG: rng, Obs: obsSlices(r.all), BlockLen: r.blockLen, Trace: r.trace,
			Acc: r.acc, Prp: r.prp, BAcc: r.bacc, BProp: r.bprp, Step: r.step}
		if w := h.warm; w != nil {
			cs.Warm = &warmSnapshot{Total: w.total, InitBuf: w.initBuf, TermBuf: w.termBuf, WindowEnd: w.windowEnd,
				WindowLen: w.windowLen, Start: w.start, Count: w.count, Target: w.target, WW: w.ww, WSum: w.wsum,
				Mu: w.da.mu, Hbar: w.da.hbar, LogEps: w.da.logEps, LogEpsBar: w.da.logEpsBar, DAM: w.da.m, DATarget: w.da.target}
		}
		for _, b := range r.blocks {
			cs.Blocks = append(cs.Blocks, blockSnapshot{Start: b.start, Count: b.count, Sum: b.sum})
		}
		s.Chains = append(s.Chains, cs)
	}
	if c.outer != nil {
		c.outer.snap.Current = &s
		err := c.outer.write()
		c.last = time.Now()
		return err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&s); err != nil {
		return fmt.Errorf("langevin: checkpoint: %w", err)
	}
	if err := writeAtomic(c.cp.Path, buf.Bytes()); err != nil {
		return fmt.Errorf("langevin: checkpoint: %w", err)
	}
	c.last = time.Now()
	c.saves++
	if c.cp.stopAfter > 0 && c.saves >= c.cp.stopAfter {
		return errCheckpointStop
	}
	return nil
}

// writeAtomic writes data to path through a synced temporary file in the
// same directory and a rename, so that path holds either the old or the new
// content.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
