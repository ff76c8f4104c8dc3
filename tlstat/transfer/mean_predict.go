package transfer

import (
	"math"

	"github.com/tlstat/tlstat/tlstat/kernel"
	"gonum.org/v1/gonum/mat"
)

// predictMeanBatch is predictBatch for the mean-mode theory: the predictor
// of docs/theory.md §4 with every kernel entry q K(x, x') replaced by
// q (K(x, x') − m(x) m(x')) + ĉ m(x) m(x').
func (m *Model) predictMeanBatch(x0 mat.Matrix, mean, variance []float64) {
	c, s, mp := m.c, m.c.s, m.c.mean
	l1 := s.prob.Net.Lambda1
	cov, q, cm := c.cov, m.Q, m.Mean
	nb, _ := x0.Dims()
	ps, pt := len(s.ds), len(s.dt)
	d0 := kernel.SqNorms(x0)
	m0 := means(s.act, d0, cov.TT)
	gt0, _ := kernel.CrossGram(s.prob.Target.X, x0)
	kt0 := kernel.Cross(s.act, gt0, s.dt, d0, cov.TT, cov.TT, cov.TT)
	ktt := kernel.Cross(s.act, gt0, s.dt, d0, cov.TT, cov.TTp, cov.TT)
	gs0, _ := kernel.CrossGram(s.prob.Source.X, x0)
	lb := kernel.Cross(s.act, gs0, s.ds, d0, cov.SS, cov.ST, cov.TT)
	dk := mat.NewDense(pt, nb, nil)
	for i := 0; i < pt; i++ {
		for j := 0; j < nb; j++ {
			mm := mp.mt[i] * m0[j]
			kt := (q.T*(kt0.At(i, j)-mm) + cm.T*mm) / l1
			kp := (q.TT*(ktt.At(i, j)-mm) + cm.TT*mm) / l1
			ktt.Set(i, j, kp)
			dk.Set(i, j, kt-kp)
		}
	}
	for i := 0; i < ps; i++ {
		for j := 0; j < nb; j++ {
			mm := mp.ms[i] * m0[j]
			lb.Set(i, j, (q.ST*(lb.At(i, j)-mm)+cm.ST*mm)/l1)
		}
	}
	lowerSolve(c.src.chol, lb) // L⁻¹b
	// L⁻¹B = a Zk + b zm m_tᵀ.
	a, b := q.ST/l1, cm.ST/l1
	lbig := mat.NewDense(ps, pt, nil)
	for i := 0; i < ps; i++ {
		for j := 0; j < pt; j++ {
			lbig.Set(i, j, a*mp.zk.At(i, j)+b*mp.zm[i]*mp.mt[j])
		}
	}
	var gmat mat.Dense
	gmat.Mul(lbig.T(), lb) // Bᵀ A⁻¹ b
	ddk, fddk, ok := solveDF(&m.mst.chol, m.mst.f, dk)
	if !ok {
		for j := range mean {
			mean[j], variance[j] = math.NaN(), math.NaN()
		}
		return
	}
	for j := 0; j < nb; j++ {
		k0 := s.act.Kfun(cov.TT*d0[j], cov.TT*d0[j], cov.TT*d0[j])
		k00 := (q.T*(k0-m0[j]*m0[j]) + cm.T*m0[j]*m0[j]) / l1
		var sy, sb float64
		for i := 0; i < ps; i++ {
			z := lb.At(i, j)
			sy += z * c.src.ly[i]
			sb += z * z
		}
		var dg, dt, dd, df, mu float64
		for i := 0; i < pt; i++ {
			u := ddk.At(i, j)
			dg += u * gmat.At(i, j)
			dt += u * ktt.At(i, j)
			dd += u * dk.At(i, j)
			df += u * fddk.At(i, j)
			mu += dk.At(i, j) * m.mst.rho[i]
		}
		mean[j] = sy + mu
		variance[j] = k00 - sb + 2*dg - 2*dt - dd + df
	}
}

// sourcePredicted returns Bᵀ A⁻¹ y_s, the source-predicted target training
// labels of the mean-mode theory at m's order parameters.
func (m *Model) sourcePredicted() []float64 {
	mp, l1 := m.c.mean, m.c.s.prob.Net.Lambda1
	a, b := m.Q.ST/l1, m.Mean.ST/l1
	out := make([]float64, len(mp.vk))
	for i := range out {
		out[i] = a*mp.vk[i] + b*mp.smy*mp.mt[i]
	}
	return out
}
