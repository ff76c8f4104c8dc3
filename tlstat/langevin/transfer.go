package langevin

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/tlstat/tlstat/tlstat/data"
)

// TransferProblem describes the transfer protocol of docs/theory.md §4.
type TransferProblem struct {
	// Source and Target are the training sets (required, same input
	// dimension). SourceTest and TargetTest are optional test sets.
	Source, Target, SourceTest, TargetTest *data.Dataset
	// Gammas lists the couplings γ ≥ 0 of the target first layer to the
	// source snapshot (γ = 0: training from scratch).
	Gammas []float64
	// Snapshots is the number of snapshots W_s taken from each source chain
	// after burn-in (default 1).
	Snapshots int
	// SnapshotGap is the number of source steps between snapshots (default
	// max(Thin, Steps/Snapshots), so that each source chain runs BurnIn +
	// Steps steps). The first snapshot is taken SnapshotGap steps after
	// burn-in.
	SnapshotGap int
}

// TargetResult holds the target observables for one coupling γ.
type TargetResult struct {
	Gamma float64
	// Eta is the initial target step size of ULA and MALA and LambdaMax the
	// Gauss–Newton estimate it came from; BurnIn (Warmup included) and
	// Steps are per target chain.
	Eta, LambdaMax        float64
	BurnIn, Steps, Warmup int
	// TestError (on TargetTest), TrainError, VNorm (|v_t|²/N) and Overlap
	// (v_s·v_t/N) are averaged over the measured window and over snapshots.
	// Their errors come from the spread across independent source chains
	// (each source chain's snapshots averaged first); with a single source
	// chain, from the spread across its snapshots. See Estimate.
	TestError, TrainError, VNorm, Overlap Estimate
	// Accuracy is the test accuracy of a target draw (TracePoint.Accuracy)
	// averaged the same way, with its own diagnostics; it does not gate
	// the stage (see Result.Accuracy).
	Accuracy Estimate
	// Converged reports whether every target chain passed the convergence
	// gates for every gated quantity; Stop says why the stage ended.
	Converged bool
	Stop      string
	// Acceptance is the mean acceptance rate of the target chains.
	Acceptance float64
	// SecondMoment is the target first layer's WᵀW/N over the window.
	SecondMoment *SecondMoment
	// ReadoutMoment is the target's v_a·v_b/N for D > 1 readouts
	// (TransferMulti), averaged and diagnosed like VNorm (nil otherwise).
	ReadoutMoment *ReadoutMoment
	// Elapsed is the wall-clock time of the stage.
	Elapsed time.Duration
	// Chains holds the target chains: chain k follows snapshot k%Snapshots
	// of source chain k/Snapshots.
	Chains []ChainResult
}

// TransferResult is the outcome of Sampler.Transfer.
type TransferResult struct {
	// Source summarizes the source chains (test error on SourceTest).
	Source *Result
	// Snapshots is the number of snapshots per source chain.
	Snapshots int
	// Targets holds one entry per coupling, in the order of Gammas.
	Targets []TargetResult
}

// Transfer runs the transfer protocol: s.Chains source chains sample the
// source posterior until their window ends (see Sampler.BurnIn); each then
// provides Snapshots snapshots (W_s, v_s): its final state and, for more
// than one, states SnapshotGap iterations apart after it (for HMC, v_s is
// an exact draw of the readout given W_s). For every γ and snapshot a
// target chain samples the target posterior with the extra energy
// (γ/2)|W_t - W_s|² (T γ/2 |W_t - W_s|² in the Langevin loss), starting
// from a draw of the target prior given the snapshot,
// W_t ~ N(γ W_s/(λ0+γ), 1/(λ0+γ)) per component (a fresh prior draw with no
// memory of the source at γ = 0), and a prior draw of v_t. The target
// chains of a coupling are gated together, each compared with itself
// (see Sampler.MaxRHat and DiagnoseGroups).
// Progress.Total is an estimate until the last stage starts. With a
// Checkpoint (HMC) the run saves its finished stages and the chains of the
// stage in progress, and resumes from them (see Checkpoint).
func (s *Sampler) Transfer(net Network, tp TransferProblem) (*TransferResult, error) {
	set, err := s.resolve()
	if err != nil {
		return nil, err
	}
	if err := s.checkTransfer(tp, set); err != nil {
		return nil, err
	}
	n0 := tp.Source.Dim()
	snaps := max(tp.Snapshots, 1)
	src, err := newProblem(net, tp.Source, n0, 0, nil, false)
	if err != nil {
		return nil, err
	}
	nt := set.chains * snaps
	rngs, pcgs := deriveSources(s.Src, set.chains+1+len(tp.Gammas)*(nt+1))

	// Source stage.
	inits, bc, err := s.sourceChains(src, n0, tp.SourceTest, set, rngs)
	if err != nil {
		return nil, err
	}
	t := &tracker{cb: s.Progress}
	perStage := stageWork(bc, set, nt)
	t.setLater(int64(len(tp.Gammas))*perStage, true)
	var ck *transferCheckpoint
	if s.Checkpoint != nil {
		if set.method != HMC {
			return nil, fmt.Errorf("langevin: checkpoints need the HMC sampler, not %v", set.method)
		}
		fp := transferFingerprint(net, tp, set, inits, snaps, tp.SnapshotGap)
		if ck, err = loadTransferCheckpoint(*s.Checkpoint, fp); err != nil {
			return nil, err
		}
	}
	t.setStage("source", 0)
	out, snapshots, done := (*stageOut)(nil), []params(nil), false
	if ck != nil {
		out, snapshots, done = ck.sourceDone()
	}
	if !done {
		sp := bc.spec("source", 0, true, src, tp.SourceTest)
		if ck != nil {
			sp.ckpt = ck.stage(pcgs[:set.chains])
		}
		if out, err = runStage(sp, set, t, s.Observe); err != nil {
			return nil, err
		}
		gap := tp.SnapshotGap
		if gap == 0 {
			gap = max(set.thin, out.steps/snaps)
		}
		if snapshots, err = takeSnapshots(bc.chains, snaps, gap, out.burnIn+out.steps, src); err != nil {
			return nil, err
		}
		if ck != nil {
			if err := ck.finishSource(out, snapshots); err != nil {
				return nil, err
			}
		}
	}
	res := &TransferResult{Snapshots: snaps, Source: bc.result(out, set, n0)}

	// Target stages.
	next := set.chains + 1
	for gi, g := range tp.Gammas {
		lamRNG := rngs[next]
		trngs, tpcgs := rngs[next+1:next+1+nt], pcgs[next+1:next+1+nt]
		next += nt + 1
		tprobs, tinits, err := targetChains(net, tp.Target, src, n0, g, snapshots[:nt], nil, trngs)
		if err != nil {
			return nil, err
		}
		anchors := make([][]float64, nt)
		for k := range anchors {
			anchors[k] = snapshots[k].v
		}
		tb, err := s.buildChains(tprobs, tinits, anchors, tp.TargetTest, set, trngs, lamRNG)
		if err != nil {
			return nil, fmt.Errorf("gamma = %v: %w", g, err)
		}
		t.setLater(int64(len(tp.Gammas)-gi-1)*perStage, true)
		t.setStage("target", g)
		sp := tb.spec("target", g, false, tprobs[0], tp.TargetTest)
		sp.perTest = true
		sp.gated[obsOverlap] = true
		var tout *stageOut
		if ck != nil {
			tout = ck.targetDone(gi)
			sp.ckpt = ck.stage(tpcgs)
		}
		if tout == nil {
			if tout, err = runStage(sp, set, t, s.Observe); err != nil {
				return nil, fmt.Errorf("gamma = %v: %w", g, err)
			}
			if ck != nil {
				if err := ck.finishTarget(tout); err != nil {
					return nil, err
				}
			}
		}
		tr := TargetResult{Gamma: g, Eta: tb.eta, LambdaMax: tb.lam, BurnIn: tout.burnIn, Steps: tout.steps, Warmup: tb.warmup,
			Converged: tout.converged, Stop: tout.stop, SecondMoment: newSecondMoment(tout.moments, n0), Elapsed: tout.elapsed}
		tr.Chains = chainResults(tout)
		tr.Acceptance = meanAcceptance(tr.Chains)
		ests := []*Estimate{&tr.TestError, &tr.TrainError, &tr.VNorm, &tr.Overlap, &tr.Accuracy}
		for k, e := range ests {
			*e = targetEstimate(tout, tr.Chains, snaps, k, set)
		}
		res.Targets = append(res.Targets, tr)
	}
	if ck != nil {
		// The run is complete: its checkpoint is spent.
		if err := ck.remove(); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// checkTransfer returns the first error of a transfer problem and of the
// sampler's settings for it, nil if there is none.
func (s *Sampler) checkTransfer(tp TransferProblem, set settings) error {
	if err := checkData("source training", tp.Source, 0, false); err != nil {
		return err
	}
	n0 := tp.Source.Dim()
	if err := checkData("target training", tp.Target, n0, false); err != nil {
		return err
	}
	if err := checkData("source test", tp.SourceTest, n0, true); err != nil {
		return err
	}
	if err := checkData("target test", tp.TargetTest, n0, true); err != nil {
		return err
	}
	if len(tp.Gammas) == 0 {
		return fmt.Errorf("langevin: no coupling gamma given")
	}
	for _, g := range tp.Gammas {
		if g < 0 || math.IsNaN(g) || math.IsInf(g, 0) {
			return fmt.Errorf("langevin: coupling gamma must be non-negative and finite, got %v", g)
		}
	}
	if tp.Snapshots < 0 || tp.SnapshotGap < 0 {
		return fmt.Errorf("langevin: Snapshots (%d) and SnapshotGap (%d) must not be negative", tp.Snapshots, tp.SnapshotGap)
	}
	if !set.auto && set.steps < set.thin {
		return fmt.Errorf("langevin: Steps = %d is smaller than Thin = %d: nothing would be measured", set.steps, set.thin)
	}
	if s.FreezeFirstLayer {
		return fmt.Errorf("langevin: FreezeFirstLayer is not supported by Transfer (use a large gamma)")
	}
	return nil
}

// sourceChains returns the initial states, drawn from the prior with
// rngs[i], and the chains of a transfer run's source stage: chain i moves
// with rngs[i], the Langevin readout noise with rngs[set.chains].
func (s *Sampler) sourceChains(src *problem, n0 int, test *data.Dataset, set settings, rngs []*rand.Rand) ([]params, *builtChains, error) {
	inits := make([]params, set.chains)
	probs := make([]*problem, set.chains)
	for i := range inits {
		inits[i] = newParams(src.n, n0)
		priorDraw(inits[i], src.lambda0, src.lambda1, rngs[i])
		probs[i] = src
	}
	bc, err := s.buildChains(probs, inits, nil, test, set, rngs[:set.chains], rngs[set.chains])
	if err != nil {
		return nil, nil, err
	}
	return inits, bc, nil
}

// stageWork is the number of iterations of a stage of nt chains like bc,
// an estimate under the automatic burn-in (warm-up and four checks).
func stageWork(bc *builtChains, set settings, nt int) int64 {
	if !set.auto {
		return int64(nt) * int64(bc.burnIn+set.steps)
	}
	return int64(nt) * int64(bc.warmup+4*set.check)
}

// targetChains returns the problems and initial states of the target
// chains of coupling g, one a snapshot (W_s, v_s) of the source chains
// (labels of further outputs yx, nil for one): target k is coupled to W_s
// of snapshot k (uncoupled at g = 0) and starts from the coupled prior,
// drawn with rngs[k].
func targetChains(net Network, target *data.Dataset, src *problem, n0 int, g float64, snapshots []params, yx [][]float64,
	rngs []*rand.Rand) ([]*problem, []params, error) {
	tprobs := make([]*problem, len(snapshots))
	tinits := make([]params, len(snapshots))
	for k := range tprobs {
		ws := snapshots[k].w
		if g == 0 {
			ws = nil
		}
		var err error
		if tprobs[k], err = newProblem(net, target, n0, g, ws, false); err != nil {
			return nil, nil, err
		}
		tprobs[k].yx = yx
		tinits[k] = newParams(src.n, n0)
		drawCoupledPrior(tinits[k].w, snapshots[k].w, net.Lambda0, g, rngs[k])
		drawReadout(tinits[k].v, src.lambda1, rngs[k])
	}
	return tprobs, tinits, nil
}

// takeSnapshots returns snaps snapshots (W, v) of every chain: its current
// state and, for snaps > 1, states gap iterations apart after it (the
// chains are advanced; it is the iteration count reached so far).
func takeSnapshots(chains []mcChain, snaps, gap, it int, pr *problem) ([]params, error) {
	out := make([]params, 0, len(chains)*snaps)
	for _, c := range chains {
		for k := 0; k < snaps; k++ {
			if k > 0 {
				for j := 0; j < gap; j++ {
					if err := c.iterate(it+k*gap+j+1, 0); err != nil {
						return nil, err
					}
				}
			}
			p := newParams(pr.n, pr.n0)
			w, _ := c.state(p.v)
			copy(p.w, w)
			out = append(out, p)
		}
	}
	return out, nil
}

// targetEstimate averages target chains in consecutive groups of g (the
// snapshots of one source chain) and returns the mean and standard error
// across groups (across chains with a single group), with the stage's
// diagnostics as described for Estimate.
func targetEstimate(out *stageOut, chains []ChainResult, g int, field int, set settings) Estimate {
	var e Estimate
	if ng := len(chains) / g; ng <= 1 {
		x := make([]float64, len(chains))
		for i := range chains {
			x[i] = chains[i].obs(field)
		}
		e = meanErr(x)
	} else {
		x := make([]float64, ng)
		for i := range x {
			s := 0.0
			for _, c := range chains[i*g : (i+1)*g] {
				s += c.obs(field)
			}
			x[i] = s / float64(g)
		}
		e = meanErr(x)
	}
	ds := out.diag[field]
	if len(ds) == 0 {
		return nanEstimate()
	}
	e.RHat, e.ESS, e.ESSTail, e.Converged = 0, 0, 0, true
	for _, d := range ds {
		e.RHat = math.Max(e.RHat, d.RHat)
		if math.IsNaN(d.RHat) {
			e.RHat = math.NaN()
		}
		e.ESS += d.ESSBulk
		e.ESSTail += d.ESSTail
		e.Converged = e.Converged && d.Converged(set.maxRHat, set.minESS/float64(len(ds)))
	}
	return e
}

// drawReadout fills v with a prior draw N(0, 1/λ1).
func drawReadout(v []float64, l1 float64, rng *rand.Rand) {
	s := 1 / math.Sqrt(l1)
	for i := range v {
		v[i] = s * rng.NormFloat64()
	}
}

// drawCoupledPrior sets w to a draw of the first-layer prior given the source
// snapshot ws, exp(-(λ0/2)|w|² - (γ/2)|w - ws|²): independent Gaussians of mean
// γ ws/(λ0+γ) and variance 1/(λ0+γ). At γ = +Inf it copies ws.
func drawCoupledPrior(w, ws []float64, lambda0, gamma float64, rng interface{ NormFloat64() float64 }) {
	if math.IsInf(gamma, 1) {
		copy(w, ws)
		return
	}
	m := gamma / (lambda0 + gamma)
	sd := 1 / math.Sqrt(lambda0+gamma)
	for i := range w {
		w[i] = m*ws[i] + sd*rng.NormFloat64()
	}
}
