package rkgp

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
)

// MultiRiskOf returns the test risk of the predictions mean and variance
// (B×D, as returned by a multi-output model's Predict at test.X) on the
// labels of test, which must have B rows and D outputs: per output the
// mean over the test set of (y0 − Γ(x0))² and σ²(x0), their mean over the
// outputs, and the accuracy of the argmax of the mean outputs (NaN when
// test.Class is nil).
func MultiRiskOf(test *data.MultiDataset, mean, variance *mat.Dense) MultiRisk {
	b, d := mean.Dims()
	r := MultiRisk{Outputs: make([]Risk, d), Accuracy: math.NaN()}
	correct := 0
	for j := range b {
		best := 0
		for o := range d {
			e := test.Y.At(j, o) - mean.At(j, o)
			r.Outputs[o].Bias2 += e * e / float64(b)
			r.Outputs[o].Variance += variance.At(j, o) / float64(b)
			if mean.At(j, o) > mean.At(j, best) {
				best = o
			}
		}
		if test.Class != nil && best == test.Class[j] {
			correct++
		}
	}
	for o := range r.Outputs {
		r.Outputs[o].Total = r.Outputs[o].Bias2 + r.Outputs[o].Variance
		r.Total += r.Outputs[o].Total / float64(d)
	}
	if test.Class != nil {
		r.Accuracy = float64(correct) / float64(b)
	}
	return r
}
