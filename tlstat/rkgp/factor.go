package rkgp

import (
	"fmt"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// gFactor is the Cholesky factorization G = UᵀU of
// G = T I + s (K - m mᵀ) + c m mᵀ at fixed (T, s, c), with alpha = G⁻¹ y.
// It is immutable once built.
type gFactor struct {
	t, s, c float64
	ch      mat.Cholesky
	alpha   *mat.VecDense
}

// factorCache holds a model's gFactor, built on the first prediction. It is
// keyed by (T, s, c) so that a model whose exported order parameters were
// changed after a prediction is refactorized rather than answered from a
// stale factor.
type factorCache struct {
	mu  sync.Mutex
	fac *gFactor
}

// factor returns the Cholesky factorization of the model's G, computing it
// on first use (O(P³)/3 flops, once per model and order parameters).
func (m *Model) factor() (*gFactor, error) {
	s, c := m.scales()
	t := m.Net.T
	cache := m.fac
	if cache == nil {
		cache = &factorCache{} // a Model not built by this package: no caching
	}
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if f := cache.fac; f != nil && f.t == t && f.s == s && f.c == c {
		return f, nil
	}
	f, err := m.sp.newFactor(t, s, c)
	if err != nil {
		return nil, err
	}
	cache.fac = f
	return f, nil
}

// Cholesky returns the Cholesky factorization of G = T I + K_R at the
// model's order parameters (G = T I + (Q/lambda1) K for odd activations):
// the factorization that Predict uses, computed on first use (O(P³)/3
// flops) and then shared with every caller, who must not modify it.
func (m *Model) Cholesky() (*mat.Cholesky, error) {
	f, err := m.factor()
	if err != nil {
		return nil, err
	}
	return &f.ch, nil
}

func (sp *spectrum) newFactor(t, s, c float64) (*gFactor, error) {
	p := len(sp.y)
	f := &gFactor{t: t, s: s, c: c}
	rb := sp.b.RawSymmetric()
	var b mat.TriDense // B's upper triangle, read in place
	b.SetRawTriangular(blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: p, Stride: rb.Stride, Data: rb.Data})
	ok := factorOver(&f.ch, &b, func(g *mat.SymDense) {
		g.ScaleSym(s, g) // G = s B + ... over the copy of B
		if sp.m != nil {
			g.SymRankOne(g, c, mat.NewVecDense(p, sp.m))
		}
		for i := 0; i < p; i++ {
			g.SetSym(i, i, g.At(i, i)+t)
		}
	})
	if !ok {
		return nil, fmt.Errorf("rkgp: G = T I + K_R is not numerically positive definite (T = %v, kernel scale %v, mean-part scale %v)", t, s, c)
	}
	f.alpha = mat.NewVecDense(p, nil)
	if err := f.ch.SolveVecTo(f.alpha, mat.NewVecDense(p, sp.y)); err != nil {
		// A mat.Condition error only warns of ill-conditioning: the solution
		// is computed all the same, as the old eigenbasis solve did.
		if _, ok := err.(mat.Condition); !ok {
			return nil, fmt.Errorf("rkgp: solving G α = y: %w", err)
		}
	}
	return f, nil
}

// factorOver factors, into ch, the symmetric matrix that fill builds over a
// copy of the upper triangle init, in ch's own storage: one n×n block in
// all, where Cholesky.Factorize of a matrix built separately holds two (the
// matrix and the factor's copy of it). fill receives a view of that
// storage, holding init's upper triangle, and must write the matrix's upper
// triangle there. It reports whether the matrix is positive definite.
//
// Cholesky.SetFromU gives ch its n×n storage; Factorize then reuses it and
// copies the view onto itself. That reuse is gonum's (mat.TriDense keeps
// its storage across Reset); without it Factorize would copy the view into
// new storage, still correctly. TestFactorOver checks both.
func factorOver(ch *mat.Cholesky, init mat.Triangular, fill func(g *mat.SymDense)) bool {
	ch.SetFromU(init)
	u := ch.RawU().(mat.RawTriangular).RawTriangular()
	var view *mat.SymDense
	if u.Stride == u.N {
		view = mat.NewSymDense(u.N, u.Data[:u.N*u.N])
	} else {
		// Not gonum's layout for a new factor: a separate matrix.
		view = mat.NewSymDense(u.N, nil)
		for i := 0; i < u.N; i++ {
			for j := i; j < u.N; j++ {
				view.SetSym(i, j, init.At(i, j))
			}
		}
	}
	fill(view)
	return ch.Factorize(view)
}
