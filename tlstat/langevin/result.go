package langevin

import "math"

// Estimate is a Monte Carlo average with its standard error. With two or
// more independent chains Err is the standard deviation of the per-chain
// time averages divided by √chains; with one chain it comes from ten batch
// means of the chain's measurements.
//
// RHat is the split potential scale reduction factor of the measurements
// (see SplitRHat): over all chains for chains that sample the same
// posterior, and the largest single-chain value (first against second half)
// for transfer targets, whose chains sample different snapshots. Values
// near 1 mean that the chains agree with each other and with themselves over
// time; above about 1.05 the run has not equilibrated or mixed and needs a
// longer burn-in or more steps. NaN with fewer than 4 measurements a chain.
type Estimate struct {
	Mean, Err, RHat float64
}

// SplitRHat returns the split-R̂ convergence diagnostic of Gelman et al.
// (Bayesian Data Analysis, 3rd ed., §11.4) for the given chains: each chain
// is cut into two halves, W is the mean of the halves' variances and B/n the
// variance of their means, and R̂ = √(((n−1)/n·W + B/n)/W) with n the length
// of a half. It is NaN with fewer than 4 values a chain and +Inf when every
// half is constant but their means differ.
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
	// Step counts updates from the start of the chain, burn-in included.
	Step int
	// TestError is the mean squared error of the sampled network on the
	// test set (NaN without a test set).
	TestError float64
	// TrainError is the mean squared training residual (1/P)Σ(f-y)² (NaN
	// without training data).
	TrainError float64
	// VNorm is |v|²/N.
	VNorm float64
	// Overlap is v·v_s/N against the source readout of a transfer target
	// chain (NaN otherwise).
	Overlap float64
}

// ChainResult summarizes one chain.
type ChainResult struct {
	// TestError, TrainError, VNorm and Overlap are time averages over the
	// measurements after burn-in (see TracePoint for their meaning).
	TestError, TrainError, VNorm, Overlap float64
	// Measurements is the number of measurements averaged.
	Measurements int
	// Acceptance is the fraction of accepted proposals after burn-in (MALA;
	// always 1 for ULA), BurnInAcceptance the same during burn-in.
	Acceptance, BurnInAcceptance float64
	// Eta is the step size used after burn-in (MALA tunes it during
	// burn-in unless Sampler.FixedStep is set).
	Eta float64
	// Trace holds the recorded trace points (burn-in included), if requested.
	Trace []TracePoint

	series [4][]float64 // all measurements after burn-in, for batch means
}

// Result is the outcome of Sampler.Run.
type Result struct {
	// Method is the update rule used.
	Method Method
	// Eta is the initial step size (in the units of the paper's update; see
	// ChainResult.Eta for MALA's tuned values) and LambdaMax the
	// Gauss–Newton estimate it was derived from (zero if Eta was given).
	Eta, LambdaMax float64
	// BurnIn, Steps and Thin are the values used.
	BurnIn, Steps, Thin int
	// TestError, TrainError and VNorm are averaged over time and chains,
	// with errors from independent chains.
	TestError, TrainError, VNorm Estimate
	// Acceptance is the mean acceptance rate over chains after burn-in.
	Acceptance float64
	// Chains holds the per-chain summaries in chain order.
	Chains []ChainResult
}

// estimate combines per-chain summaries: field selects one observable.
func estimate(chains []ChainResult, field int) Estimate {
	if len(chains) == 0 {
		return Estimate{math.NaN(), math.NaN(), math.NaN()}
	}
	series := make([][]float64, len(chains))
	for i := range chains {
		series[i] = chains[i].series[field]
	}
	var e Estimate
	if len(chains) == 1 {
		e = batchMeans(chains[0].series[field], 10)
	} else {
		x := make([]float64, len(chains))
		for i, c := range chains {
			x[i] = c.obs(field)
		}
		e = meanErr(x)
	}
	e.RHat = SplitRHat(series)
	return e
}

func (c *ChainResult) obs(field int) float64 {
	switch field {
	case 0:
		return c.TestError
	case 1:
		return c.TrainError
	case 2:
		return c.VNorm
	}
	return c.Overlap
}

// meanErr returns the mean of x and its standard error std/√n.
func meanErr(x []float64) Estimate {
	n := float64(len(x))
	if len(x) == 0 {
		return Estimate{math.NaN(), math.NaN(), math.NaN()}
	}
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= n
	if len(x) == 1 {
		return Estimate{m, math.NaN(), math.NaN()}
	}
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return Estimate{m, math.Sqrt(s / (n - 1) / n), math.NaN()}
}

// batchMeans estimates the mean of a correlated series and its standard
// error from the spread of b contiguous batch means.
func batchMeans(x []float64, b int) Estimate {
	if len(x) < b {
		return meanErr(x)
	}
	size := len(x) / b
	m := make([]float64, b)
	for i := range m {
		s := 0.0
		for _, v := range x[i*size : (i+1)*size] {
			s += v
		}
		m[i] = s / float64(size)
	}
	e := meanErr(m)
	all := 0.0
	for _, v := range x {
		all += v
	}
	e.Mean = all / float64(len(x))
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
