package rkgp

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// pivChol is a partial pivoted Cholesky factorization K ≈ L Lᵀ (L P×r) of
// the kernel operator: at each step the largest remaining diagonal entry of
// the Schur complement K - L Lᵀ is eliminated, which needs one kernel row
// (O(P·N0)) and O(P·r) flops, O(P·r²) in all. The error trace(K - L Lᵀ) is
// the sum of the remaining diagonal, kept in resid.
type pivChol struct {
	l     *mat.Dense // P×r
	ltl   *mat.SymDense
	resid float64 // trace of the Schur complement K - L Lᵀ
	trace float64 // trace of K
}

// newPivChol eliminates up to rank pivots, stopping early when the trace of
// the Schur complement falls below 1e-12 of trace(K) (then L Lᵀ is K to
// rounding).
func newPivChol(k *mfKernel, rank int) (*pivChol, error) {
	p := k.dim()
	rank = min(rank, p)
	d := k.diag()
	var tr float64
	for _, v := range d {
		tr += v
	}
	cols := make([][]float64, 0, rank)
	lrow := make([]float64, rank) // L[piv, :k]
	for len(cols) < rank {
		piv, dmax, rest := 0, -1.0, 0.0
		for i, v := range d {
			rest += v
			if v > dmax {
				piv, dmax = i, v
			}
		}
		if !(dmax > 0) || rest <= 1e-12*tr {
			break
		}
		row, err := k.row(piv)
		if err != nil {
			return nil, err
		}
		nk := len(cols)
		for m := 0; m < nk; m++ {
			lrow[m] = cols[m][piv]
		}
		col := make([]float64, p)
		copy(col, row)
		// col -= L[:, :nk] L[piv, :nk]ᵀ
		for m := 0; m < nk; m++ {
			blas64.Axpy(-lrow[m], blas64.Vector{N: p, Inc: 1, Data: cols[m]}, blas64.Vector{N: p, Inc: 1, Data: col})
		}
		sq := math.Sqrt(dmax)
		for i := range col {
			col[i] /= sq
			if d[i] > 0 {
				d[i] -= col[i] * col[i]
			}
		}
		col[piv] = sq
		d[piv] = 0
		cols = append(cols, col)
		if k.log != nil && len(cols)%100 == 0 {
			k.log("pivoted Cholesky: %d pivots, trace left %.3g of %.3g", len(cols), rest, tr)
		}
	}
	var rest float64
	for _, v := range d {
		rest += math.Max(v, 0)
	}
	r := len(cols)
	if r == 0 {
		return nil, fmt.Errorf("rkgp: pivoted Cholesky: the kernel's diagonal is zero (trace %v)", tr)
	}
	l := mat.NewDense(p, r, nil)
	for m, c := range cols {
		l.SetCol(m, c)
	}
	ltl := mat.NewSymDense(r, nil)
	ltl.SymOuterK(1, l.T())
	return &pivChol{l: l, ltl: ltl, resid: rest, trace: tr}, nil
}

// precond applies M⁻¹ = (T I + s L Lᵀ)⁻¹ by the Woodbury identity,
// M⁻¹ v = (v - L (T/s I + LᵀL)⁻¹ Lᵀ v)/T, with a Cholesky factorization of
// the r×r middle matrix made once per (T, s).
type precond struct {
	t  float64
	l  *mat.Dense
	ch mat.Cholesky
}

func (pc *pivChol) precond(t, s float64) (*precond, error) {
	_, r := pc.l.Dims()
	a := mat.NewSymDense(r, nil)
	a.CopySym(pc.ltl)
	for i := 0; i < r; i++ {
		a.SetSym(i, i, a.At(i, i)+t/s)
	}
	out := &precond{t: t, l: pc.l}
	if !out.ch.Factorize(a) {
		return nil, fmt.Errorf("rkgp: preconditioner T/s I + LᵀL is not positive definite (T = %v, s = %v)", t, s)
	}
	return out, nil
}

// apply sets dst = M⁻¹ v (P×k).
func (pr *precond) apply(dst, v *mat.Dense) {
	var w, u mat.Dense
	w.Mul(pr.l.T(), v)
	// A Condition error only warns; the solution is still computed.
	_ = pr.ch.SolveTo(&u, &w)
	dst.Mul(pr.l, &u)
	dst.Sub(v, dst)
	dst.Scale(1/pr.t, dst)
}
