package rkgp

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// MatrixFreeRisk is the test risk of a matrix-free model with its numerical
// error.
type MatrixFreeRisk struct {
	Risk
	// DTotalDQ is the derivative of Total with respect to Q at fixed data
	// (from the same solves: dΓ/dQ = (k0ᵀα - βᵀ(y - Tα))/lambda1 and
	// dσ²/dQ = (κ00 - s k0ᵀβ - s T βᵀβ)/lambda1, β = G⁻¹k0).
	DTotalDQ float64
	// StdErr is the error of Total carried by the error of Q:
	// |DTotalDQ|·QStdErr (the solves' own error is below CGTol relative).
	StdErr float64
	// CGIterations and CGResidual are the largest iteration count and true
	// relative residual of the test batches' solves.
	CGIterations int
	CGResidual   float64
}

// At returns the model at a fixed order parameter q > 0 (for example q = 1,
// the infinite-width NNGP), sharing the kernel operator and preconditioner;
// its first prediction solves G α = y at q. Its QStdErr is zero: q is given.
func (m *MatrixFreeModel) At(q float64) (*MatrixFreeModel, error) {
	if math.IsNaN(q) || math.IsInf(q, 0) || q <= 0 {
		return nil, fmt.Errorf("rkgp: order parameter q = %v must be a positive finite number", q)
	}
	out := *m
	out.Q, out.QStdErr, out.alpha = q, 0, nil
	return &out, nil
}

// Predict returns the posterior mean Γ(x0) and variance σ²(x0) at every row
// of x (docs/theory.md §3), solving G β = k0 for each batch of
// Settings.Batch test points by preconditioned conjugate gradients.
func (m *MatrixFreeModel) Predict(x *mat.Dense) (mean, variance []float64, err error) {
	mean, variance, _, _, _, err = m.predict(x)
	return mean, variance, err
}

// Risk returns the test error (bias² + variance) on the test set and its
// numerical error.
func (m *MatrixFreeModel) Risk(test *data.Dataset) (MatrixFreeRisk, error) {
	if test == nil {
		return MatrixFreeRisk{}, fmt.Errorf("rkgp: test set is nil")
	}
	if err := test.Validate(); err != nil {
		return MatrixFreeRisk{}, fmt.Errorf("rkgp: test set: %w", err)
	}
	mean, variance, dm, dv, cg, err := m.predict(test.X)
	if err != nil {
		return MatrixFreeRisk{}, err
	}
	out := MatrixFreeRisk{Risk: RiskOf(test.Y, mean, variance), CGIterations: cg.Iterations, CGResidual: cg.Residual}
	for i, y := range test.Y {
		out.DTotalDQ += (-2*(y-mean[i])*dm[i] + dv[i]) / float64(len(test.Y))
	}
	out.StdErr = math.Abs(out.DTotalDQ) * m.QStdErr
	return out, nil
}

func (m *MatrixFreeModel) predict(x *mat.Dense) (mean, variance, dmean, dvar []float64, cg cgResult, err error) {
	if x == nil {
		return nil, nil, nil, nil, cg, fmt.Errorf("rkgp: test inputs are nil")
	}
	r, c := x.Dims()
	_, n0 := m.k.x.Dims()
	if r == 0 || c != n0 {
		return nil, nil, nil, nil, cg, fmt.Errorf("rkgp: test inputs are %d×%d; want at least one row of dimension %d", r, c, n0)
	}
	for i := 0; i < r; i++ {
		for j, v := range x.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, nil, nil, cg, fmt.Errorf("rkgp: test input %d, component %d is %v", i, j, v)
			}
		}
	}
	net, set := m.Net, m.set
	s, t := m.Q/net.Lambda1, net.T
	pre, err := m.pc.precond(t, s)
	if err != nil {
		return nil, nil, nil, nil, cg, err
	}
	p := m.k.dim()
	if m.alpha == nil {
		a, res, err := cgSolve(m.k, pre, t, s, m.y, nil, set.CGTol, set.MaxCG)
		if err != nil {
			return nil, nil, nil, nil, cg, err
		}
		m.alpha, m.CGIterations, m.CGResidual = a, res.Iterations, res.Residual
	}
	// y - Tα, for the derivatives.
	ya := mat.NewDense(p, 1, nil)
	ya.Scale(-t, m.alpha)
	ya.Add(ya, m.y)
	mean, variance = make([]float64, r), make([]float64, r)
	dmean, dvar = make([]float64, r), make([]float64, r)
	for b0 := 0; b0 < r; b0 += set.Batch {
		b1 := min(b0+set.Batch, r)
		xb := x.Slice(b0, b1, 0, c)
		g, err := kernel.CrossGram(m.k.x, xb)
		if err != nil {
			return nil, nil, nil, nil, cg, fmt.Errorf("rkgp: %w", err)
		}
		d0 := kernel.SqNorms(xb)
		k0 := kernel.Cross(m.k.act, g, m.k.norms, d0, m.k.c, m.k.c, m.k.c) // P×B
		beta, res, err := cgSolve(m.k, pre, t, s, k0, nil, set.CGTol, set.MaxCG)
		if err != nil {
			return nil, nil, nil, nil, cg, err
		}
		cg.Iterations = max(cg.Iterations, res.Iterations)
		cg.Residual = math.Max(cg.Residual, res.Residual)
		m.logf("test points %d..%d of %d: CG %d iterations (residual %.2g)", b0, b1-1, r, res.Iterations, res.Residual)
		var ka, ba mat.Dense
		ka.Mul(k0.T(), m.alpha) // B×1
		ba.Mul(beta.T(), ya)
		kb := colDots(k0, beta)
		bb := colDots(beta, beta)
		for j := b0; j < b1; j++ {
			i := j - b0
			kappa := m.k.act.Kfun(m.k.c*d0[i], m.k.c*d0[i], m.k.c*d0[i])
			mean[j] = s * ka.At(i, 0)
			variance[j] = s*kappa - s*s*kb[i]
			dmean[j] = (ka.At(i, 0) - ba.At(i, 0)) / net.Lambda1
			dvar[j] = (kappa - s*kb[i] - s*t*bb[i]) / net.Lambda1
			if math.IsNaN(mean[j]) || math.IsNaN(variance[j]) {
				return nil, nil, nil, nil, cg, fmt.Errorf("rkgp: matrix-free prediction %d is NaN (mean %v, variance %v)", j, mean[j], variance[j])
			}
		}
	}
	m.Sweeps = m.k.sweeps
	return mean, variance, dmean, dvar, cg, nil
}
