package langevin

import "math"

// The test accuracy of a measurement is the fraction of test inputs whose
// ±1 label the sign of the sampled network's output gets right (a zero
// output counts as wrong): mean over test points of 1[y0 f(x0) > 0]. It is
// a quantity of one posterior draw, traced and diagnosed like the test
// error; its posterior mean is the expected accuracy of a draw, not the
// accuracy of the mean predictor. It is defined when every test label is
// ±1 and the network has a single output (NaN otherwise, and not
// diagnosed).
//
// For HMC, which samples the first layer W with the readout integrated out,
// it is averaged exactly over v | W, as the other observables are: given W
// the output f(x0) is Gaussian with mean f̄0 and variance s0² (marginal_obs.go),
// so the measurement is the mean over test points of Φ(y0 f̄0/s0), Φ the
// standard normal CDF.

// signLabels reports whether every label is +1 or -1.
func signLabels(y []float64) bool {
	if len(y) == 0 {
		return false
	}
	for _, v := range y {
		if v != 1 && v != -1 {
			return false
		}
	}
	return true
}

// signAccuracy returns the accuracy of the outputs ts.f (NaN when not
// defined).
func (ts *testSet) signAccuracy() float64 {
	if !ts.binary || len(ts.yx) > 0 {
		return math.NaN()
	}
	right := 0
	for i, y := range ts.y {
		if y*ts.f[i] > 0 {
			right++
		}
	}
	return float64(right) / float64(len(ts.y))
}

// expectedAccuracy returns the mean over test points of P(y f > 0) for
// outputs f ~ N(ts.f, ts.sd²) (NaN when not defined). A point of zero
// variance counts as 1[y f > 0].
func (ts *testSet) expectedAccuracy() float64 {
	if !ts.binary || len(ts.yx) > 0 {
		return math.NaN()
	}
	s := 0.0
	for i, y := range ts.y {
		s += SignProbability(y*ts.f[i], ts.sd[i])
	}
	return s / float64(len(ts.y))
}

// SignProbability returns P(m + sd·z > 0) for a standard normal z, the
// probability that an output of mean m and standard deviation sd is
// positive: Φ(m/sd), or 1[m > 0] when sd is zero; NaN when m or sd is NaN.
// With m = y·mean for a ±1 label y it is the probability that a draw of
// the output classifies the input correctly.
func SignProbability(m, sd float64) float64 {
	switch {
	case math.IsNaN(m) || math.IsNaN(sd):
		return math.NaN()
	case sd > 0:
		return 0.5 * math.Erfc(-m/(sd*math.Sqrt2))
	case m > 0:
		return 1
	}
	return 0
}
