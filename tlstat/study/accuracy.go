package study

import (
	"math"

	"github.com/tlstat/tlstat/tlstat/langevin"
)

// ExpectedAccuracy returns the expected test accuracy of a posterior draw
// of a network whose output at each test point is Gaussian with the given
// mean and variance (the theory's predictive law of f(x0)): the mean over
// test points of P(y0 f(x0) > 0) = Φ(y0 mean/√variance), Φ the standard
// normal CDF (1[y0 mean > 0] where the variance is zero; a negative
// variance from rounding counts as zero). It is what the posterior mean of
// a simulated accuracy (langevin.Result.Accuracy) estimates, and differs
// from the accuracy of the mean predictor, the fraction of labels the sign
// of mean gets right. It is NaN unless every label is +1 or -1 and the
// three slices have one entry per test point.
func ExpectedAccuracy(y, mean, variance []float64) float64 {
	if len(y) == 0 || len(mean) != len(y) || len(variance) != len(y) {
		return math.NaN()
	}
	s := 0.0
	for i, l := range y {
		if l != 1 && l != -1 {
			return math.NaN()
		}
		p := langevin.SignProbability(l*mean[i], math.Sqrt(max(variance[i], 0)))
		if math.IsNaN(p) {
			return math.NaN()
		}
		s += p
	}
	return s / float64(len(y))
}
