package rkgp

import (
	"fmt"
	"sync"

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

func (sp *spectrum) newFactor(t, s, c float64) (*gFactor, error) {
	p := len(sp.y)
	g := mat.NewSymDense(p, nil)
	g.ScaleSym(s, sp.b)
	if sp.m != nil {
		g.SymRankOne(g, c, mat.NewVecDense(p, sp.m))
	}
	for i := 0; i < p; i++ {
		g.SetSym(i, i, g.At(i, i)+t)
	}
	f := &gFactor{t: t, s: s, c: c}
	if !f.ch.Factorize(g) {
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
