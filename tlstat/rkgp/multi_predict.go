package rkgp

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
)

// MultiRisk is the test risk of a multi-output model.
type MultiRisk struct {
	// Outputs holds, per output, the mean over the test set of
	// (y0 − Γ(x0))² + σ²(x0), split into bias² and variance.
	Outputs []Risk
	// Total is the mean of the outputs' test errors.
	Total float64
	// Accuracy is the fraction of test inputs whose largest mean output
	// is that of their class (NaN without class indices).
	Accuracy float64
}

// Predict returns the posterior mean of every output at the inputs x0
// (B×N0), as a B×D matrix, and the posterior variance of every output
// (B×D): with k̃0 = Uᵀk0,
//
//	Γ(x0) = Σ_i k̃0_i (Q/lambda1) a_i,
//	σ²_d(x0) = (Q_dd/lambda1) κ00 − Σ_i k̃0_i² [(Q/lambda1) A_i⁻¹ (Q/lambda1)]_dd.
//
// Time O(P²B + PDB), memory O(PB).
func (m *MultiModel) Predict(x0 *mat.Dense) (mean, variance *mat.Dense, err error) {
	if m == nil || m.Q == nil {
		return nil, nil, fmt.Errorf("rkgp: Predict needs a fitted multi-output model")
	}
	b, c := x0.Dims()
	if _, n0 := m.sp.x.Dims(); c != n0 {
		return nil, nil, fmt.Errorf("rkgp: test inputs have dimension %d, the training inputs %d", c, n0)
	}
	k0, d0, err := m.sp.crossKernel(x0)
	if err != nil {
		return nil, nil, err
	}
	var kt mat.Dense
	kt.Mul(m.u.T(), k0) // P×B
	d, _ := m.Q.Dims()
	l1 := m.Net.Lambda1
	var ka mat.Dense
	ka.Mul(kt.T(), m.alpha) // B×D
	mean = mat.NewDense(b, d, nil)
	mean.Mul(&ka, m.Q)
	mean.Scale(1/l1, mean)
	kt.Apply(func(_, _ int, v float64) float64 { return v * v }, &kt)
	variance = mat.NewDense(b, d, nil)
	variance.Mul(kt.T(), m.h)
	cs := 1 / m.sp.lambda0
	for j, dd := range d0 {
		k00 := m.sp.act.Kfun(cs*dd, cs*dd, cs*dd)
		for o := range d {
			v := m.Q.At(o, o)*k00/l1 - variance.At(j, o)
			if math.IsNaN(v) || math.IsNaN(mean.At(j, o)) {
				return nil, nil, fmt.Errorf("rkgp: multi-output prediction is NaN at test point %d, output %d", j, o)
			}
			variance.Set(j, o, v)
		}
	}
	return mean, variance, nil
}

// Risk returns the test risk per output, their mean, and the
// classification accuracy of the mean predictor (argmax over outputs).
func (m *MultiModel) Risk(test *data.MultiDataset) (MultiRisk, error) {
	if err := test.Validate(); err != nil {
		return MultiRisk{}, fmt.Errorf("rkgp: test set: %w", err)
	}
	d, _ := m.Q.Dims()
	if test.Outputs() != d {
		return MultiRisk{}, fmt.Errorf("rkgp: test set has %d outputs, the model %d", test.Outputs(), d)
	}
	mean, variance, err := m.Predict(test.X)
	if err != nil {
		return MultiRisk{}, err
	}
	return MultiRiskOf(test, mean, variance), nil
}

// NNGP returns the infinite-width model (Q = I) on the same data.
func (m *MultiModel) NNGP() *MultiModel {
	d, _ := m.Q.Dims()
	out := &MultiModel{Net: m.Net, Q: eye(d), Converged: true, sp: m.sp, lam: m.lam, u: m.u, yt: m.yt}
	out.Action, _, _ = out.evaluate(out.Q)
	out.prepare()
	return out
}
