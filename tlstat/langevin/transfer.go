package langevin

import (
	"fmt"
	"math"
	"math/rand/v2"

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
	// Eta is the initial target step size and LambdaMax the Gauss–Newton
	// estimate it came from; BurnIn and Steps are per target chain.
	Eta, LambdaMax float64
	BurnIn, Steps  int
	// TestError (on TargetTest), TrainError, VNorm (|v_t|²/N) and Overlap
	// (v_s·v_t/N) are averaged over time after burn-in and over snapshots.
	// Their errors come from the spread across independent source chains
	// (each source chain's snapshots averaged first); with a single source
	// chain, from the spread across its snapshots.
	TestError, TrainError, VNorm, Overlap Estimate
	// Acceptance is the mean acceptance rate of the target chains.
	Acceptance float64
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
// source posterior; after burn-in each provides Snapshots snapshots
// (W_s, v_s); for every γ and snapshot a target chain samples the target
// posterior with the extra energy (γ/2)|W_t - W_s|² (T γ/2 |W_t - W_s|² in
// the Langevin loss), starting from a draw of the target prior given the
// snapshot, W_t ~ N(γ W_s/(λ0+γ), 1/(λ0+γ)) per component (W_t = W_s at
// γ = ∞; a fresh prior draw with no memory of the source at γ = 0), and a
// prior draw of v_t.
// Progress.Total is exact when BurnIn is given; otherwise the target burn-in
// is first estimated from the source step size and corrected when the target
// stage starts.
func (s *Sampler) Transfer(net Network, tp TransferProblem) (*TransferResult, error) {
	set, err := s.resolve()
	if err != nil {
		return nil, err
	}
	if err := checkData("source training", tp.Source, 0, false); err != nil {
		return nil, err
	}
	n0 := tp.Source.Dim()
	if err := checkData("target training", tp.Target, n0, false); err != nil {
		return nil, err
	}
	if err := checkData("source test", tp.SourceTest, n0, true); err != nil {
		return nil, err
	}
	if err := checkData("target test", tp.TargetTest, n0, true); err != nil {
		return nil, err
	}
	if len(tp.Gammas) == 0 {
		return nil, fmt.Errorf("langevin: no coupling gamma given")
	}
	for _, g := range tp.Gammas {
		if g < 0 || math.IsNaN(g) || math.IsInf(g, 0) {
			return nil, fmt.Errorf("langevin: coupling gamma must be non-negative and finite, got %v", g)
		}
	}
	if tp.Snapshots < 0 || tp.SnapshotGap < 0 {
		return nil, fmt.Errorf("langevin: Snapshots (%d) and SnapshotGap (%d) must not be negative", tp.Snapshots, tp.SnapshotGap)
	}
	if set.steps < set.thin {
		return nil, fmt.Errorf("langevin: Steps = %d is smaller than Thin = %d: nothing would be measured", set.steps, set.thin)
	}
	if s.FreezeFirstLayer {
		return nil, fmt.Errorf("langevin: FreezeFirstLayer is not supported by Transfer (use a large gamma)")
	}
	snaps := tp.Snapshots
	if snaps == 0 {
		snaps = 1
	}
	gap := tp.SnapshotGap
	if gap == 0 {
		gap = max(set.thin, set.steps/snaps)
	}
	src, err := newProblem(net, tp.Source, n0, 0, nil, false)
	if err != nil {
		return nil, err
	}
	nt := set.chains * snaps
	rngs := deriveRNGs(s.Src, set.chains+1+len(tp.Gammas)*(nt+1))

	// Source stage.
	specs := make([]*chainSpec, set.chains)
	for i := range specs {
		p := newParams(src.n, n0)
		priorDraw(p, src.lambda0, src.lambda1, rngs[i])
		specs[i] = &chainSpec{pr: src, init: p, steps: snaps * gap, rng: rngs[i], index: i, source: true, keep: gap}
		if tp.SourceTest.Len() > 0 {
			specs[i].test = newTestSet(tp.SourceTest.X, tp.SourceTest.Y, src.n)
		}
	}
	eta, lam, err := s.stepSize(src, specs[0].init, rngs[set.chains])
	if err != nil {
		return nil, err
	}
	burn := set.burnInFor(src, eta)
	for _, c := range specs {
		c.eta, c.burnIn = eta, burn
	}
	t := &tracker{cb: s.Progress}
	t.total = int64(set.chains) * int64(burn+snaps*gap)
	for _, g := range tp.Gammas {
		tpr := &problem{t: src.t, lambda0: src.lambda0, lambda1: src.lambda1, gamma: g}
		t.total += int64(nt) * int64(set.burnInFor(tpr, eta)+set.steps)
	}
	t.setStage("source", 0)
	outs, err := runChains(specs, set, t, s.Observe)
	if err != nil {
		return nil, err
	}
	res := &TransferResult{Snapshots: snaps}
	sr := &Result{Method: set.method, Eta: eta, LambdaMax: lam, BurnIn: burn, Steps: snaps * gap, Thin: set.thin}
	sr.Chains = make([]ChainResult, set.chains)
	snapshots := make([]params, 0, nt)
	for i, o := range outs {
		sr.Chains[i] = o.res
		sr.Acceptance += o.res.Acceptance / float64(set.chains)
		if len(o.snaps) != snaps {
			return nil, fmt.Errorf("langevin: internal error: source chain %d took %d snapshots, want %d", i, len(o.snaps), snaps)
		}
		snapshots = append(snapshots, o.snaps...)
	}
	sr.TestError = estimate(sr.Chains, 0)
	sr.TrainError = estimate(sr.Chains, 1)
	sr.VNorm = estimate(sr.Chains, 2)
	res.Source = sr

	// Target stages.
	next := set.chains + 1
	for _, g := range tp.Gammas {
		lamRNG := rngs[next]
		trngs := rngs[next+1 : next+1+nt]
		next += nt + 1
		tspecs := make([]*chainSpec, nt)
		for k := range tspecs {
			pr, err := newProblem(net, tp.Target, n0, g, snapshots[k].w, false)
			if err != nil {
				return nil, err
			}
			if g == 0 {
				pr.ws = nil
			}
			p := newParams(pr.n, n0)
			drawCoupledPrior(p.w, snapshots[k].w, net.Lambda0, g, trngs[k])
			drawReadout(p.v, pr.lambda1, trngs[k])
			tspecs[k] = &chainSpec{pr: pr, init: p, steps: set.steps, rng: trngs[k], index: k, anchorV: snapshots[k].v}
			if tp.TargetTest.Len() > 0 {
				tspecs[k].test = newTestSet(tp.TargetTest.X, tp.TargetTest.Y, pr.n)
			}
		}
		teta, tlam, err := s.stepSize(tspecs[0].pr, tspecs[0].init, lamRNG)
		if err != nil {
			return nil, err
		}
		tburn := set.burnInFor(tspecs[0].pr, teta)
		est := set.burnInFor(&problem{t: src.t, lambda0: src.lambda0, lambda1: src.lambda1, gamma: g}, eta)
		t.mu.Lock()
		t.total += int64(nt) * int64(tburn-est)
		t.mu.Unlock()
		for _, c := range tspecs {
			c.eta, c.burnIn = teta, tburn
		}
		t.setStage("target", g)
		touts, err := runChains(tspecs, set, t, s.Observe)
		if err != nil {
			return nil, fmt.Errorf("gamma = %v: %w", g, err)
		}
		tr := TargetResult{Gamma: g, Eta: teta, LambdaMax: tlam, BurnIn: tburn, Steps: set.steps}
		tr.Chains = make([]ChainResult, nt)
		for k, o := range touts {
			tr.Chains[k] = o.res
			tr.Acceptance += o.res.Acceptance / float64(nt)
		}
		tr.TestError = groupEstimate(tr.Chains, snaps, 0)
		tr.TrainError = groupEstimate(tr.Chains, snaps, 1)
		tr.VNorm = groupEstimate(tr.Chains, snaps, 2)
		tr.Overlap = groupEstimate(tr.Chains, snaps, 3)
		res.Targets = append(res.Targets, tr)
	}
	return res, nil
}

// drawReadout fills v with a prior draw N(0, 1/λ1).
func drawReadout(v []float64, l1 float64, rng *rand.Rand) {
	s := 1 / math.Sqrt(l1)
	for i := range v {
		v[i] = s * rng.NormFloat64()
	}
}

// groupEstimate averages chains in consecutive groups of size g (the
// snapshots of one source chain) and returns the mean and standard error
// across groups; with a single group it falls back to the chains themselves.
// Its RHat is the largest single-chain split-R̂: target chains sample
// different conditional posteriors (one per snapshot), so only each chain's
// agreement with itself over time is a convergence check.
func groupEstimate(chains []ChainResult, g int, field int) Estimate {
	var e Estimate
	if ng := len(chains) / g; ng <= 1 {
		e = estimate(chains, field)
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
	e.RHat = math.NaN()
	for i := range chains {
		r := SplitRHat([][]float64{chains[i].series[field]})
		if !math.IsNaN(r) && (math.IsNaN(e.RHat) || r > e.RHat) {
			e.RHat = r
		}
	}
	return e
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
