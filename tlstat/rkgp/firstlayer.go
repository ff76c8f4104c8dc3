package rkgp

import (
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/data"
	"gonum.org/v1/gonum/mat"
)

// firstLayerStep is the relative change of the prior precision along an
// axis used by FirstLayerAlong's central difference: the truncation error
// is O(step²) relative, the rounding error about 1e-16/step.
const firstLayerStep = 1e-3

// FirstLayerAlong returns the theory's prediction of the second moment of
// one hidden unit's incoming weights along each unit vector u (a row of
// axes),
// uᵀΣu with Σ = <WᵀW>/N, for the model m fitted to train.
//
// The prediction follows from the free energy alone. Making the prior of
// the first layer anisotropic, precision lambda0 I + e u uᵀ, changes the
// log-partition function at rate d log Z/de = -(N/2)(uᵀΣu - 1/(lambda0+e)),
// and is the same as keeping the isotropic prior and replacing every input x
// by x' = (I + (e/lambda0) u uᵀ)^{-1/2} x. With -log Z = (N/2) S* up to terms
// that do not depend on the inputs, and S* = S(Q*) stationary in Q (so that
// Q may be held at the model's saddle point), uᵀΣu = 1/lambda0 + dS/de at
// e = 0. The derivative is a central difference in e of the action of the
// model refitted at the same order parameters to transformed inputs: two
// kernel reductions, O(P³), per axis.
//
// For the infinite-width model (Q = 1, no feature learning at N -> inf) the
// prediction tends to the prior value 1/lambda0, with a deviation of order
// P/N.
func FirstLayerAlong(train *data.Dataset, m *Model, axes mat.Matrix) ([]float64, error) {
	if m == nil || m.sp == nil {
		return nil, fmt.Errorf("rkgp: FirstLayerAlong needs a fitted model")
	}
	if err := validateTrain(train, m.Net); err != nil {
		return nil, err
	}
	_, n0 := train.X.Dims()
	na, dim := axes.Dims()
	if dim != n0 {
		return nil, fmt.Errorf("rkgp: axes have dimension %d, the inputs %d", dim, n0)
	}
	out := make([]float64, na)
	for k := range na {
		u := mat.Row(nil, k, axes)
		var nrm float64
		for _, x := range u {
			nrm += x * x
		}
		if math.IsNaN(nrm) || math.IsInf(nrm, 0) || math.Abs(nrm-1) > 1e-8 {
			return nil, fmt.Errorf("rkgp: axis %d has squared norm %v, want a unit vector", k, nrm)
		}
		e := firstLayerStep * m.Net.Lambda0
		sp, err := m.actionAlong(train, u, e)
		if err != nil {
			return nil, err
		}
		sm, err := m.actionAlong(train, u, -e)
		if err != nil {
			return nil, err
		}
		out[k] = 1/m.Net.Lambda0 + (sp-sm)/(2*e)
	}
	return out, nil
}

// actionAlong returns the action at the model's order parameters for the
// inputs transformed by (I + (e/lambda0) u uᵀ)^{-1/2}.
func (m *Model) actionAlong(train *data.Dataset, u []float64, e float64) (float64, error) {
	p, n0 := train.X.Dims()
	c := 1 - 1/math.Sqrt(1+e/m.Net.Lambda0)
	proj := mat.NewVecDense(p, nil)
	proj.MulVec(train.X, mat.NewVecDense(n0, u))
	x := mat.DenseCopyOf(train.X)
	x.RankOne(x, -c, proj, mat.NewVecDense(n0, u))
	moved := &data.Dataset{X: x, Y: train.Y}
	var fm *Model
	var err error
	if m.odd() {
		fm, err = FitFixed(moved, m.Net, m.Q)
	} else {
		fm, err = FitFixedPair(moved, m.Net, m.Qbar, m.Q)
	}
	if err != nil {
		return 0, err
	}
	return fm.ActionAt(m.Q), nil
}
