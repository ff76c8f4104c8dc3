package langevin

import "math"

// Estimate is a Monte Carlo average with its standard error. With two or
// more independent chains Err is the standard deviation of the per-chain
// time averages divided by √chains; with one chain it comes from ten batch
// means of the chain's measurements.
type Estimate struct {
	Mean, Err float64
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
		return Estimate{math.NaN(), math.NaN()}
	}
	if len(chains) == 1 {
		return batchMeans(chains[0].series[field], 10)
	}
	x := make([]float64, len(chains))
	for i, c := range chains {
		x[i] = c.obs(field)
	}
	return meanErr(x)
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
		return Estimate{math.NaN(), math.NaN()}
	}
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= n
	if len(x) == 1 {
		return Estimate{m, math.NaN()}
	}
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return Estimate{m, math.Sqrt(s / (n - 1) / n)}
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
