package rkgp

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// lowRank is the eigendecomposition of the pivoted-Cholesky approximation
// K̃ = L Lᵀ = U diag(sig) Uᵀ (U P×r orthonormal), used as a control variate
// for the stochastic trace estimates: for any f, tr f(K̃) is exact,
//
//	tr f(K̃) = Σ_j f(sig_j) + (P - r) f(0),
//
// and so is zᵀ f(K̃) z = Σ_j c_j² f(sig_j) + (|z|² - |c|²) f(0) with c = Uᵀz.
// The estimator tr f(K) ≈ tr f(K̃) + mean_i [zᵢᵀ f(K) zᵢ - zᵢᵀ f(K̃) zᵢ] is
// unbiased, and its variance is that of the difference f(K) - f(K̃), small
// when K̃ captures the top of the spectrum.
type lowRank struct {
	p   int
	sig []float64
	l   *mat.Dense // L, P×r
	v   *mat.Dense // eigenvectors of LᵀL (r×r): U = L V diag(sig)^(-1/2)
}

func (pc *pivChol) lowRank() (*lowRank, error) {
	var es mat.EigenSym
	if !es.Factorize(pc.ltl, true) {
		return nil, fmt.Errorf("rkgp: eigendecomposition of the preconditioner's %d×%d core failed", pc.ltl.SymmetricDim(), pc.ltl.SymmetricDim())
	}
	lr := &lowRank{p: pc.l.RawMatrix().Rows, sig: es.Values(nil), l: pc.l, v: &mat.Dense{}}
	es.VectorsTo(lr.v)
	return lr, nil
}

// coeffs returns c_j² for every column of z (one row per column of z): the
// squared coordinates of z on the eigenvectors U (zero where sig_j <= 0).
func (lr *lowRank) coeffs(z *mat.Dense) [][]float64 {
	var a, b mat.Dense
	a.Mul(lr.l.T(), z) // r×k
	b.Mul(lr.v.T(), &a)
	_, k := z.Dims()
	out := make([][]float64, k)
	for i := range out {
		out[i] = make([]float64, len(lr.sig))
		for j, s := range lr.sig {
			if s > 0 {
				c := b.At(j, i)
				out[i][j] = c * c / s
			}
		}
	}
	return out
}

// trace returns tr f(K̃).
func (lr *lowRank) trace(f func(float64) float64) float64 {
	var s float64
	r := 0
	for _, v := range lr.sig {
		if v > 0 {
			s += f(v)
			r++
		}
	}
	return s + float64(lr.p-r)*f(0)
}

// form returns zᵀ f(K̃) z from the squared coordinates c2 of z and |z|².
func (lr *lowRank) form(c2 []float64, z2 float64, f func(float64) float64) float64 {
	var s, cc float64
	for j, v := range lr.sig {
		if v > 0 {
			s += c2[j] * f(v)
			cc += c2[j]
		}
	}
	return s + (z2-cc)*f(0)
}
