package langevin

import (
	"math"
	"time"
)

// Estimate is a Monte Carlo average with its standard error and convergence
// diagnostics (Vehtari et al. 2021; see Diagnose).
//
// For chains that sample the same posterior (a single network, the source
// chains) Err is the Monte Carlo standard error from the effective sample
// size of the pooled chains, RHat their rank-normalized R̂, ESS and ESSTail
// their bulk and tail effective sample sizes. For transfer targets, whose
// chains sample different conditional posteriors (one per source snapshot),
// Err is the standard error across source chains (each source chain's
// snapshots averaged first; across snapshots with a single source chain),
// which includes the spread of the source snapshots; RHat compares each
// chain's halves pooled over the chains and ESS, ESSTail are the sums over
// chains (DiagnoseGroups, one chain per group).
//
// Converged reports whether the quantity passed the convergence gates of
// its run (Sampler.MaxRHat, Sampler.MinESS). An estimate that did not pass
// is not a result: report it as not converged.
type Estimate struct {
	Mean, Err, RHat float64
	ESS, ESSTail    float64
	Converged       bool
}

// SplitRHat returns the classic split-R̂ convergence diagnostic of Gelman
// et al. (Bayesian Data Analysis, 3rd ed., §11.4) for the given chains: each
// chain is cut into two halves, W is the mean of the halves' variances and
// B/n the variance of their means, and R̂ = √(((n−1)/n·W + B/n)/W) with n the
// length of a half. It is NaN with fewer than 4 values a chain and +Inf when
// every half is constant but their means differ. The sampler reports the
// rank-normalized R̂ of Diagnose, which also detects chains that differ in
// scale or in their tails.
func SplitRHat(chains [][]float64) float64 {
	n := math.MaxInt
	for _, c := range chains {
		n = min(n, len(c)/2)
	}
	if len(chains) == 0 || n < 2 {
		return math.NaN()
	}
	var means, vars []float64
	for _, c := range chains {
		for _, h := range [][]float64{c[:n], c[len(c)-n:]} {
			m := meanOf(h)
			v := 0.0
			for _, x := range h {
				v += (x - m) * (x - m)
			}
			means = append(means, m)
			vars = append(vars, v/float64(n-1))
		}
	}
	w := meanOf(vars)
	gm := meanOf(means)
	b := 0.0
	for _, m := range means {
		b += (m - gm) * (m - gm)
	}
	b /= float64(len(means) - 1) // B/n
	if w == 0 {
		if b == 0 {
			return 1
		}
		return math.Inf(1)
	}
	return math.Sqrt((float64(n-1)/float64(n)*w + b) / w)
}

// TracePoint is one recorded measurement of a chain (see Sampler.TraceEvery).
type TracePoint struct {
	// Step counts iterations from the start of the chain, burn-in included.
	Step int
	// TestError is the mean squared error of the sampled network on the
	// test set (NaN without a test set); for HMC averaged over the readout
	// given the first layer, as are the other observables.
	TestError float64
	// TrainError is the mean squared training residual (1/P)Σ(f-y)² (NaN
	// without training data).
	TrainError float64
	// VNorm is |v|²/N.
	VNorm float64
	// Overlap is v·v_s/N against the source readout of a transfer target
	// chain (NaN otherwise).
	Overlap float64
	// Accuracy is the test accuracy of the sampled network, the fraction
	// of ±1 test labels the sign of its output gets right (NaN unless every
	// test label is ±1 and the network has one output; see accuracy.go).
	Accuracy float64
}

// ChainResult summarizes one chain.
type ChainResult struct {
	// TestError, TrainError, VNorm, Overlap and Accuracy are time averages
	// over the measured window (see TracePoint for their meaning).
	TestError, TrainError, VNorm, Overlap, Accuracy float64
	// Measurements is the number of measurements averaged.
	Measurements int
	// Acceptance is the fraction of accepted proposals in the measured
	// window (always 1 for ULA), BurnInAcceptance the same during burn-in.
	Acceptance, BurnInAcceptance float64
	// Eta is the step size after warm-up: η of the paper's update for ULA
	// and MALA (MALA tunes it during warm-up unless Sampler.FixedStep is
	// set), the leapfrog step in whitened units for HMC.
	Eta float64
	// Trace holds the recorded trace points (burn-in included), if requested.
	Trace []TracePoint

	series [numObs][]float64 // the measured window
}

// Result is the outcome of Sampler.Run.
type Result struct {
	// Method is the update rule used.
	Method Method
	// Eta is the initial step size of ULA and MALA (see ChainResult.Eta for
	// MALA's tuned values) and LambdaMax the Gauss–Newton estimate it was
	// derived from (zero if Eta was given, and for HMC).
	Eta, LambdaMax float64
	// BurnIn and Steps are the iterations per chain discarded (warm-up
	// included) and measured; Warmup is the warm-up (adaptation) part of
	// the burn-in; Thin the iterations between measurements; Leapfrog the
	// leapfrog steps of an HMC iteration (0 otherwise).
	BurnIn, Steps, Warmup, Thin, Leapfrog int
	// TestError, TrainError and VNorm are averaged over the measured window
	// and the chains.
	TestError, TrainError, VNorm Estimate
	// Accuracy is the test accuracy of a posterior draw (TracePoint.Accuracy)
	// averaged the same way, with its own diagnostics: Accuracy.Converged
	// says whether it passed the gates. It does not gate the run (a
	// Langevin chain's accuracy takes few distinct values and may be
	// constant, which leaves R̂ and ESS undefined); its Mean is NaN when it
	// is not defined.
	Accuracy Estimate
	// Converged reports whether every gated quantity (test error, training
	// error, |v|²/N) passed the convergence gates MaxRHat and MinESS; Stop
	// says why the run ended
	// ("converged", "budget: max steps", "budget: max time", "fixed
	// length" or "fixed length, converged").
	Converged       bool
	Stop            string
	MaxRHat, MinESS float64
	// Acceptance is the mean acceptance rate over chains in the window.
	Acceptance float64
	// SecondMoment is the posterior mean of the first layer's second moment
	// WᵀW/N over the window (nil when N0 > MaxMomentDim).
	SecondMoment *SecondMoment
	// ReadoutMoment is the posterior mean of v_a·v_b/N for D > 1 readouts
	// (RunMulti), entry by entry with its diagnostics (nil for one readout).
	ReadoutMoment *ReadoutMoment
	// Elapsed is the wall-clock time of the run.
	Elapsed time.Duration
	// Chains holds the per-chain summaries in chain order.
	Chains []ChainResult
}

// pooledEstimate returns the estimate of observable k from the diagnostics
// of a stage whose chains sample one posterior.
func pooledEstimate(out *stageOut, k int, set settings) Estimate {
	if len(out.diag[k]) != 1 {
		return nanEstimate()
	}
	d := out.diag[k][0]
	return Estimate{Mean: d.Mean, Err: d.MCSE, RHat: d.RHat, ESS: d.ESSBulk, ESSTail: d.ESSTail,
		Converged: d.Converged(set.maxRHat, set.minESS)}
}

func nanEstimate() Estimate {
	return Estimate{Mean: math.NaN(), Err: math.NaN(), RHat: math.NaN(), ESS: math.NaN(), ESSTail: math.NaN()}
}

// chainResults returns the per-chain summaries of a stage.
func chainResults(out *stageOut) []ChainResult {
	res := make([]ChainResult, len(out.series))
	for i, s := range out.series {
		c := &res[i]
		c.series = s
		c.TestError, c.TrainError = meanOf(s[obsTest]), meanOf(s[obsTrain])
		c.VNorm, c.Overlap = meanOf(s[obsVNorm]), meanOf(s[obsOverlap])
		c.Accuracy = meanOf(s[obsAcc])
		c.Measurements = len(s[obsVNorm])
		c.Acceptance, c.BurnInAcceptance = out.acceptance[i], out.burnAccept[i]
		c.Eta = out.step[i]
		c.Trace = out.traces[i]
	}
	return res
}

func (c *ChainResult) obs(field int) float64 {
	switch field {
	case obsTest:
		return c.TestError
	case obsTrain:
		return c.TrainError
	case obsVNorm:
		return c.VNorm
	case obsAcc:
		return c.Accuracy
	}
	return c.Overlap
}

// meanErr returns the mean of x and its standard error std/√n.
func meanErr(x []float64) Estimate {
	n := float64(len(x))
	e := nanEstimate()
	if len(x) == 0 {
		return e
	}
	m := 0.0
	for _, v := range x {
		m += v
	}
	e.Mean = m / n
	if len(x) == 1 {
		return e
	}
	s := 0.0
	for _, v := range x {
		s += (v - e.Mean) * (v - e.Mean)
	}
	e.Err = math.Sqrt(s / (n - 1) / n)
	return e
}

func meanOf(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func meanAcceptance(c []ChainResult) float64 {
	s := 0.0
	for _, x := range c {
		s += x.Acceptance
	}
	return s / float64(len(c))
}
