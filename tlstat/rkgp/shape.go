package rkgp

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// shapeFactor holds what the shape variant's predictor needs at fixed
// (T, Qb): the scalar factor of A = T I + Qb K with a = A⁻¹y, Ka, and the
// Cholesky factor of G_c = T I + Qb K_c with alpha_c = G_c⁻¹ y.
//
// Nothing needs the product K M K: since A⁻¹K = (I − T A⁻¹)/Qb,
//
//	K A⁻¹ K = K/Qb − (T/Qb²) I + (T²/Qb²) A⁻¹,   K M k0 = (Ka)(aᵀk0) − (k0 − T A⁻¹k0)/Qb,
//
// so the variant costs one inverse from the Cholesky factor of A and one
// more Cholesky factorization, O(P³) with a small constant, and per test
// point two triangular solves with that factor (A⁻¹k0), O(P²). A⁻¹ is
// formed in the storage of G_c's factor and not kept: the variant holds
// one P×P matrix (that factor) beyond the scalar model's.
type shapeFactor struct {
	t, qb  float64
	scalar *gFactor
	ka     *mat.VecDense
	ch     mat.Cholesky
	alpha  *mat.VecDense
}

// shapeCache holds a model's shapeFactor, built on the first prediction.
type shapeCache struct {
	mu  sync.Mutex
	fac *shapeFactor
}

// shapeFactor returns the shape variant's factorization, building it on
// first use.
func (m *Model) shapeFactor() (*shapeFactor, error) {
	qb, _ := m.scales()
	t := m.Net.T
	cache := m.shape
	if cache == nil {
		cache = &shapeCache{}
	}
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if f := cache.fac; f != nil && f.t == t && f.qb == qb {
		return f, nil
	}
	sf, err := m.factor()
	if err != nil {
		return nil, err
	}
	sp := m.sp
	p := len(sp.y)
	f := &shapeFactor{t: t, qb: qb, scalar: sf, ka: mat.NewVecDense(p, nil)}
	f.ka.MulVec(sp.b, sf.alpha)
	// G_c = T I + Qb K + (Qb²/N) K M K with K M K = (Ka)(Ka)ᵀ − K A⁻¹ K,
	// built in the storage of its own factor, where A⁻¹ is formed first.
	var invErr error
	ok := factorOver(&f.ch, sf.ch.RawU(), func(g *mat.SymDense) {
		if err := sf.ch.InverseTo(g); err != nil {
			if _, ok := err.(mat.Condition); !ok {
				invErr = err
				return
			}
		}
		// Entry by entry in place: (i, j) of G_c needs (i, j) of A⁻¹ only.
		scale := qb * qb / float64(m.Net.N)
		rg, rb, ka := g.RawSymmetric(), sp.b.RawSymmetric(), f.ka.RawVector().Data
		for i := range p {
			gi := rg.Data[i*rg.Stride : i*rg.Stride+p]
			bi := rb.Data[i*rb.Stride : i*rb.Stride+p]
			for j := i; j < p; j++ {
				kak := bi[j]/qb + t*t/(qb*qb)*gi[j]
				if i == j {
					kak -= t / (qb * qb)
				}
				gi[j] = qb*bi[j] + scale*(ka[i]*ka[j]-kak)
			}
			gi[i] += t
		}
	})
	if invErr != nil {
		return nil, fmt.Errorf("rkgp: shape variant: inverting A: %w", invErr)
	}
	if !ok {
		return nil, fmt.Errorf("rkgp: shape variant: T I + Qb K_c is not positive definite (T = %v, Qb = %v, N = %d)", t, qb, m.Net.N)
	}
	f.alpha = mat.NewVecDense(p, nil)
	if err := f.ch.SolveVecTo(f.alpha, mat.NewVecDense(p, sp.y)); err != nil {
		if _, ok := err.(mat.Condition); !ok {
			return nil, fmt.Errorf("rkgp: shape variant: solving G_c α = y: %w", err)
		}
	}
	cache.fac = f
	return f, nil
}

// predictShapeBatch is predictBatch for the shape variant.
func (m *Model) predictShapeBatch(x0 mat.Matrix, mean, variance []float64) error {
	f, err := m.shapeFactor()
	if err != nil {
		return err
	}
	sp := m.sp
	p := len(sp.y)
	b := len(mean)
	cs := 1 / sp.lambda0
	k0, d0, err := sp.crossKernel(x0)
	if err != nil {
		return err
	}
	ak := mat.NewVecDense(b, nil)
	ak.MulVec(k0.T(), f.scalar.alpha) // aᵀk0
	ainvk := mat.NewDense(p, b, nil)
	if err := f.scalar.ch.SolveTo(ainvk, k0); err != nil { // A⁻¹k0
		if _, ok := err.(mat.Condition); !ok {
			return fmt.Errorf("rkgp: shape variant: solving A x = k0: %w", err)
		}
	}
	scale, qb, t := f.qb/float64(m.Net.N), f.qb, f.t
	kc := mat.NewDense(p, b, nil)
	for j, d := range d0 {
		// k00_c = k00 + (Qb/N) k0ᵀ M k0, k0ᵀ M k0 = (aᵀk0)² − k0ᵀA⁻¹k0.
		quad := mat.Dot(k0.ColView(j), ainvk.ColView(j))
		variance[j] = qb * (sp.act.Kfun(cs*d, cs*d, cs*d) + scale*(ak.AtVec(j)*ak.AtVec(j)-quad))
		// Qb k0_c = Qb [k0 + (Qb/N) K M k0].
		for i := range p {
			kmk0 := f.ka.AtVec(i)*ak.AtVec(j) - (k0.At(i, j)-t*ainvk.At(i, j))/qb
			kc.Set(i, j, qb*(k0.At(i, j)+scale*kmk0))
		}
	}
	return gpPosterior(&f.ch, f.alpha, kc, mean, variance, "shape variant")
}

// gpPosterior completes a Gaussian-process prediction with the Cholesky
// factor ch of the training matrix G, alpha = G⁻¹y and the P×B cross
// covariances k: mean = kᵀ alpha, and variance (holding the prior
// variances on entry) minus the diagonal of kᵀ G⁻¹ k. name labels errors.
func gpPosterior(ch *mat.Cholesky, alpha *mat.VecDense, k *mat.Dense, mean, variance []float64, name string) error {
	p, b := k.Dims()
	mv := mat.NewVecDense(b, mean)
	mv.MulVec(k.T(), alpha)
	sol := mat.NewDense(p, b, nil)
	if err := ch.SolveTo(sol, k); err != nil {
		if _, ok := err.(mat.Condition); !ok {
			return fmt.Errorf("rkgp: %s: %w", name, err)
		}
	}
	for j := range variance {
		variance[j] -= mat.Dot(k.ColView(j), sol.ColView(j))
		if math.IsNaN(mean[j]) || math.IsNaN(variance[j]) {
			return fmt.Errorf("rkgp: %s: prediction is NaN (mean %v, variance %v)", name, mean[j], variance[j])
		}
	}
	return nil
}
