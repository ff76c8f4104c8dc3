package rkgp

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

// metricKernel is the NNGP kernel of the training inputs when a unit's
// first-layer weights have covariance Σ instead of I/lambda0, with the
// derivatives of every entry with respect to the preactivation covariance
// C = X Σ Xᵀ/N0 that the metric variant's stationarity condition needs.
type metricKernel struct {
	c  *mat.SymDense // C = X Σ Xᵀ / N0
	k  *mat.SymDense // K_μν = Kfun(C_μμ, C_μν, C_νν)
	dc *mat.Dense    // ∂K_μν/∂C_μν (off the diagonal)
	da *mat.Dense    // ∂K_μν/∂C_μμ (off the diagonal)
	dd []float64     // dK_μμ/dC_μμ
}

// kfunStep is the relative step of the central differences of Kfun: the
// truncation error is O(step²) and the rounding error O(ε/step), both near
// 1e-10 relative for a smooth two-point function.
const kfunStep = 1e-5

// newMetricKernel computes C = X Σ Xᵀ/N0, K and the derivatives of K by
// central differences of act.Kfun (exact for the linear activation, where
// Kfun is linear).
func newMetricKernel(act kernel.Activation, x *mat.Dense, sigma *mat.SymDense) (*metricKernel, error) {
	p, n0 := x.Dims()
	xs := mat.NewDense(p, n0, nil)
	xs.Mul(x, sigma)
	cd := mat.NewDense(p, p, nil)
	cd.Mul(xs, x.T())
	c := mat.NewSymDense(p, nil)
	for i := range p {
		for j := i; j < p; j++ {
			c.SetSym(i, j, 0.5*(cd.At(i, j)+cd.At(j, i))/float64(n0))
		}
	}
	mk := &metricKernel{c: c, k: mat.NewSymDense(p, nil), dc: mat.NewDense(p, p, nil), da: mat.NewDense(p, p, nil), dd: make([]float64, p)}
	for i := range p {
		a := c.At(i, i)
		if !(a > 0) || math.IsInf(a, 0) {
			return nil, fmt.Errorf("rkgp: metric variant: preactivation variance of training input %d is %v", i, a)
		}
		mk.k.SetSym(i, i, act.Kfun(a, a, a))
		h := kfunStep * a
		mk.dd[i] = (act.Kfun(a+h, a+h, a+h) - act.Kfun(a-h, a-h, a-h)) / (2 * h)
		for j := i + 1; j < p; j++ {
			b, cij := c.At(j, j), c.At(i, j)
			mk.k.SetSym(i, j, act.Kfun(a, cij, b))
			hc := kfunStep * math.Sqrt(a*b)
			mk.dc.Set(i, j, (act.Kfun(a, cij+hc, b)-act.Kfun(a, cij-hc, b))/(2*hc))
			mk.dc.Set(j, i, mk.dc.At(i, j))
			ha, hb := kfunStep*a, kfunStep*b
			mk.da.Set(i, j, (act.Kfun(a+ha, cij, b)-act.Kfun(a-ha, cij, b))/(2*ha))
			mk.da.Set(j, i, (act.Kfun(a, cij, b+hb)-act.Kfun(a, cij, b-hb))/(2*hb))
		}
	}
	for i := range p {
		for j := i; j < p; j++ {
			if v := mk.k.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("rkgp: metric variant: kernel entry (%d, %d) is %v", i, j, v)
			}
		}
	}
	return mk, nil
}

// metricGradient returns Γ = ∂ tr(M K(C))/∂C for a symmetric M: the matrix
// with tr(Γ dC) = Σ_μν M_μν dK_μν for every symmetric dC, namely
//
//	Γ_μν = M_μν ∂K_μν/∂C_μν (μ ≠ ν),  Γ_μμ = M_μμ dK_μμ/dC_μμ + 2 Σ_{ν≠μ} M_μν ∂K_μν/∂C_μμ.
//
// The diagonal carries the E[σ″σ] terms of Stein's lemma (Price's theorem:
// ∂K_μν/∂C_μμ = ½ E[σ″(h_μ) σ(h_ν)]), the off-diagonal the E[σ′σ′] ones.
func (mk *metricKernel) metricGradient(m *mat.SymDense) *mat.SymDense {
	p := m.SymmetricDim()
	g := mat.NewSymDense(p, nil)
	for i := range p {
		d := m.At(i, i) * mk.dd[i]
		for j := range p {
			if j == i {
				continue
			}
			d += 2 * m.At(i, j) * mk.da.At(i, j)
			if j > i {
				g.SetSym(i, j, m.At(i, j)*mk.dc.At(i, j))
			}
		}
		g.SetSym(i, i, d)
	}
	return g
}
