package rkgp

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// QuadStats describes a solve by MatrixFreeSystem.Quad.
type QuadStats struct {
	CGStats
	// Rounds is the number of conjugate-gradient runs (each followed by
	// one kernel sweep for its true residual, which gives the bound).
	Rounds int
	// MaxBound is the largest error bound relative to its form,
	// max_j E_j / q_j.
	MaxBound float64
	// Tol is the relative residual of the last run, a starting tolerance
	// for forms of similar right-hand sides.
	Tol float64
}

// Quad returns the quadratic forms q_j = b_jᵀG⁻¹b_j of the columns of B
// (P×k) with bounds E_j on their errors, 0 <= b_jᵀG⁻¹b_j − q_j <= E_j, each
// at most relTol·q_j. For an approximate solution x_j with residual
// r_j = b_j − G x_j, q_j = 2b_jᵀx_j − x_jᵀG x_j = b_jᵀx_j + x_jᵀr_j falls
// short of b_jᵀG⁻¹b_j by exactly r_jᵀG⁻¹r_j (the squared G-norm of the
// error), which is at most r_jᵀM⁻¹r_j: the preconditioner M = T I + s L Lᵀ
// satisfies M ⪯ G because K − L Lᵀ, the Schur complement of the pivoted
// Cholesky factorization, is positive semidefinite. The error of q_j is
// thus second order in the residual, and the solves stop far above
// Settings.CGTol: a first run of conjugate gradients to the relative
// residual tol0 (sqrt(relTol) if tol0 is zero; at least CGTol), then, while some bound is above
// relTol·q_j, runs from the current solution with the tolerance lowered by
// the square root of the bound's excess (at most five runs; the last one at
// CGTol). relTol must be in (0, 1). If the bounds are not met, the forms
// are returned with their bounds and an error.
func (g *MatrixFreeSystem) Quad(b *mat.Dense, relTol, tol0 float64) (q, bound []float64, st QuadStats, err error) {
	if !(relTol > 0 && relTol < 1) {
		return nil, nil, st, fmt.Errorf("rkgp: matrix-free quadratic forms: relative tolerance %v is not in (0, 1)", relTol)
	}
	if tol0 == 0 {
		tol0 = math.Sqrt(relTol)
	}
	if !(tol0 > 0 && tol0 < 1) {
		return nil, nil, st, fmt.Errorf("rkgp: matrix-free quadratic forms: starting tolerance %v is not in (0, 1)", tol0)
	}
	p := g.k.dim()
	if b == nil {
		return nil, nil, st, fmt.Errorf("rkgp: matrix-free quadratic forms: nil right-hand side")
	}
	r0, nc := b.Dims()
	if r0 != p || nc == 0 {
		return nil, nil, st, fmt.Errorf("rkgp: matrix-free quadratic forms: right-hand side is %d×%d, want %d rows and at least one column", r0, nc, p)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	tol := math.Max(tol0, g.set.CGTol)
	var x, r *mat.Dense
	z := mat.NewDense(p, nc, nil)
	const maxRounds = 5
	for st.Rounds = 1; ; st.Rounds++ {
		if st.Rounds == maxRounds {
			tol = g.set.CGTol
		}
		var res cgResult
		st.Tol = tol
		x, r, res, err = cgSolveResidual(g.k, g.pre, g.t, g.s, b, x, tol, g.set.MaxCG)
		st.Iterations += res.Iterations
		st.Residual = res.Residual
		if err != nil && x == nil {
			return nil, nil, st, err
		}
		g.pre.apply(z, r) // r = b − G x, z = M⁻¹ r
		bx, xr, rz := colDots(b, x), colDots(x, r), colDots(r, z)
		q, bound = make([]float64, nc), make([]float64, nc)
		worst := 0.0 // largest bound over its allowance
		st.MaxBound = 0
		for j := range q {
			q[j], bound[j] = bx[j]+xr[j], math.Max(rz[j], 0)
			if q[j] > 0 {
				st.MaxBound = math.Max(st.MaxBound, bound[j]/q[j])
				worst = math.Max(worst, bound[j]/(relTol*q[j]))
			} else if bound[j] > 0 {
				worst = math.Inf(1)
			}
		}
		if err == nil && worst <= 1 {
			return q, bound, st, nil
		}
		if st.Rounds == maxRounds || tol == g.set.CGTol {
			if err == nil {
				err = fmt.Errorf("rkgp: matrix-free quadratic forms: error bound %.3g of the form after %d iterations, tolerance %g", st.MaxBound, st.Iterations, relTol)
			}
			return q, bound, st, err
		}
		// The bound falls as the residual squared: lower the tolerance by
		// the square root of the excess, with a factor 2 to spare.
		tol = math.Max(tol/(2*math.Sqrt(math.Min(worst, 1e16))), g.set.CGTol)
		err = nil
	}
}
