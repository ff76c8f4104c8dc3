package langevin

import (
	"math"
	"time"
)

// A stage runs a set of chains that sample one posterior (a single network,
// the source) or one coupling's target posteriors, from warm-up to the end
// of their measured window, in blocks between which every chain waits for
// the others. With the automatic burn-in the stage diagnoses the second half
// of the iterations since warm-up after every block and stops when every
// reported quantity passes the convergence gates or the budget is spent.

// stageSpec describes a stage.
type stageSpec struct {
	chains  []mcChain
	name    string
	gamma   float64
	source  bool
	warmup  int  // warm-up iterations of every chain
	burnIn  int  // fixed mode: total burn-in (>= warmup)
	n       int  // hidden units
	perTest bool // each chain samples its own law (transfer targets): DiagnoseGroups
	gated   [numObs]bool
	// diagnosed quantities are diagnosed and reported without gating the
	// stage.
	diagnosed [numObs]bool
	moments   int              // N0 of the second moment to record (0: none)
	readout   int              // D of the readout moment to record (0: none; multi_moment.go)
	ckpt      *stageCheckpoint // nil: no checkpoints
}

// stageOut is what a stage returns.
type stageOut struct {
	burnIn, steps int // iterations discarded (warm-up included) and measured, per chain
	converged     bool
	stop          string
	diag          [numObs][]Diagnostics // pooled: one entry; per chain: one per chain
	series        [][numObs][]float64   // per chain, the measured window
	moments       [][]float64           // per chain, mean WᵀW/N over the window (nil: not recorded)
	readout       [][][]float64         // per chain and packed entry, E[v_a·v_b|W]/N over the window (nil: not recorded)
	readoutDiag   []Diagnostics         // per packed entry (nil: not recorded)
	acceptance    []float64             // per chain, over the measured window
	burnAccept    []float64             // per chain, during burn-in
	step          []float64             // per chain, step size after warm-up
	traces        [][]TracePoint
	elapsed       time.Duration
}

// chainRec is a chain's record during a stage.
type chainRec struct {
	ch       mcChain
	all      [numObs][]float64 // every measurement after warm-up
	blocks   []momentBlock
	blockLen int // measurements per new moment block (doubles as blocks merge)
	trace    []TracePoint
	acc, prp int64 // after warm-up
	bacc     int64 // during burn-in
	bprp     int64
	step     float64
	v        []float64   // readout workspace for Observe (length N)
	rv       [][]float64 // per packed entry, every E[v_a·v_b|W]/N after warm-up (readout moment)
	rbuf     []float64
}

// momentBlock accumulates WᵀW/N over a run of measurements.
type momentBlock struct {
	start int // index of the first measurement
	count int
	sum   []float64
}

// maxMomentBlocks bounds the number of blocks kept per chain for the second
// moment: when they are full, adjacent pairs are merged (momentBlockFor), so
// memory stays below maxMomentBlocks·N0² floats per chain and the discarded
// half is found to within one block, at most 1/8 of the measurements.
const maxMomentBlocks = 16

// runStage runs the stage to the end of its window.
func runStage(sp *stageSpec, set settings, t *tracker, observe func(State)) (*stageOut, error) {
	start := time.Now()
	recs := make([]*chainRec, len(sp.chains))
	for i, ch := range sp.chains {
		recs[i] = &chainRec{ch: ch, v: make([]float64, sp.n)}
	}
	it := 0 // iterations done per chain
	if sp.ckpt != nil {
		if err := sp.ckpt.load(); err != nil {
			return nil, err
		}
		if sp.ckpt.resume != nil {
			var elapsed time.Duration
			var err error
			if it, elapsed, err = sp.ckpt.restore(recs); err != nil {
				return nil, err
			}
			start = start.Add(-elapsed)
		}
		sp.ckpt.last = time.Now()
	}
	resumedAt := it
	fixedEnd := sp.burnIn + set.steps
	if set.auto {
		t.setRemaining(int64(len(recs))*int64(sp.warmup+4*set.check), true)
	} else {
		t.setRemaining(int64(len(recs))*int64(fixedEnd), false)
	}
	out := &stageOut{stop: "fixed length"}
	for {
		// A checkpoint between blocks, once the last block's decisions are
		// taken, so that a resumed run repeats none of them.
		if sp.ckpt != nil && it > resumedAt {
			if err := sp.ckpt.save(it, time.Since(start), recs); err != nil {
				return nil, err
			}
		}
		// The next block: to the end of warm-up first, then Check iterations.
		n := set.check
		if it < sp.warmup {
			n = min(sp.warmup-it, max(set.check, set.progEvry))
		}
		if !set.auto {
			n = min(n, fixedEnd-it)
		}
		if set.auto {
			n = min(n, set.maxSteps-it)
		}
		if n <= 0 {
			break
		}
		from := it
		err := parallel(len(recs), set.workers, t, func(i int) error {
			return recs[i].run(sp, set, t, i, from, n, observe)
		})
		if err != nil {
			return nil, err
		}
		it += n
		if it <= sp.warmup {
			continue
		}
		if !set.auto {
			if it >= fixedEnd {
				break
			}
			continue
		}
		// Automatic burn-in: diagnose the second half.
		cut := recs[0].cutIndex()
		ok, worstR, minESS := sp.diagnose(recs, cut, set, out)
		t.setDiag(worstR, minESS)
		switch {
		case ok:
			out.stop = "converged"
		case it >= set.maxSteps:
			out.stop = "budget: max steps"
		case set.maxTime > 0 && time.Since(start) >= set.maxTime:
			out.stop = "budget: max time"
		default:
			// Estimate the total: the window must grow by MinESS/ESS.
			if minESS > 0 && !math.IsNaN(minESS) {
				need := float64(it-sp.warmup) * math.Max(1, set.minESS/minESS)
				est := min(int64(sp.warmup)+int64(math.Ceil(need))+int64(set.check), int64(set.maxSteps))
				t.setRemaining(int64(len(recs))*(est-int64(it)), true)
			}
			continue
		}
		break
	}
	t.setRemaining(0, false)
	t.report(0, 0, 0, nil) // the stage's final totals
	// The measured window.
	cut := 0
	if set.auto {
		cut = recs[0].cutIndex()
		out.burnIn = sp.warmup + cut*set.thin
	} else {
		out.burnIn = sp.burnIn
	}
	out.steps = it - out.burnIn
	ok, _, _ := sp.diagnose(recs, cut, set, out)
	out.converged = ok
	out.readout, out.readoutDiag = sp.readoutWindow(recs, cut)
	if !set.auto && ok {
		out.stop = "fixed length, converged"
	}
	for _, r := range recs {
		var s [numObs][]float64
		for k := range s {
			s[k] = r.all[k][cut:]
		}
		out.series = append(out.series, s)
		out.moments = append(out.moments, r.windowMoment(cut, sp.moments))
		out.acceptance = append(out.acceptance, ratio(r.acc, r.prp))
		out.burnAccept = append(out.burnAccept, ratio(r.bacc, r.bprp))
		out.step = append(out.step, r.step)
		out.traces = append(out.traces, r.trace)
	}
	out.elapsed = time.Since(start)
	return out, nil
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// run advances one chain by n iterations from iteration from.
func (r *chainRec) run(sp *stageSpec, set settings, t *tracker, index, from, n int, observe func(State)) error {
	var last [3]float64
	nlast, pending := 0, 0
	var sinceAcc, sinceProp int64
	measured := sp.warmup
	if !set.auto {
		measured = sp.burnIn
	}
	for it := from + 1; it <= from+n; it++ {
		if err := r.ch.iterate(it, sp.warmup); err != nil {
			return err
		}
		acc, prp, step := r.ch.stats()
		r.step = step
		sinceAcc += acc
		sinceProp += prp
		if it > measured {
			r.acc += acc
			r.prp += prp
		} else {
			r.bacc += acc
			r.bprp += prp
		}
		meas := it > sp.warmup && (it-sp.warmup)%set.thin == 0
		if !set.auto && it <= sp.burnIn {
			meas = false
		}
		trace := set.traceEvery > 0 && it%set.traceEvery == 0
		if meas || trace {
			o := r.ch.observe()
			if trace {
				r.trace = append(r.trace, TracePoint{Step: it, TestError: o[obsTest], TrainError: o[obsTrain], VNorm: o[obsVNorm], Overlap: o[obsOverlap],
					Accuracy: o[obsAcc]})
			}
			if meas {
				for k, v := range o {
					r.all[k] = append(r.all[k], v)
				}
				if sp.readout > 0 {
					r.addReadout(sp.readout)
				}
				if sp.moments > 0 {
					r.addMoment(sp.moments, max(1, set.check/set.thin))
				}
				last = [3]float64{o[obsTest], o[obsTrain], o[obsVNorm]}
				nlast = 1
				if observe != nil {
					w, to := r.ch.state(r.v)
					observe(State{Chain: index, Step: it, Source: sp.source, Gamma: sp.gamma, W: w, V: r.v, TestOutput: to,
						TestError: o[obsTest], TrainError: o[obsTrain], VNorm: o[obsVNorm], Overlap: o[obsOverlap], Accuracy: o[obsAcc]})
				}
			}
		}
		pending++
		if pending == set.progEvry || it == from+n {
			if nlast == 0 {
				last = [3]float64{math.NaN(), math.NaN(), math.NaN()}
			}
			t.report(pending, sinceAcc, sinceProp, &last)
			pending, nlast, sinceAcc, sinceProp = 0, 0, 0, 0
			if t.stop.Load() {
				return errStopped
			}
		}
	}
	return nil
}
