package transfer

import (
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/kernel"
	"gonum.org/v1/gonum/mat"
)

// MeanOrder holds the order parameters of the readouts' mean mode, used for
// activations that are not odd (docs/theory.md §4, "Activations that are not
// odd"). A hidden unit's activation then has a mean m(x) = E[sigma(h(x))],
// and the component ξ = Σ_i v_i/√N of each readout along the all-ones
// direction carries it; lambda1 times the covariance of the ξ's of the
// source and of the target replicas is replica symmetric with entries
// ĉ_s (source), ĉ_st, ĉ_t and ĉ_tt (two target replicas). For odd
// activations the mean terms vanish and the saddle has ĉ = q.
type MeanOrder struct {
	// T is ĉ_t, lambda1 times the variance of a target replica's ξ.
	T float64
	// ST is ĉ_st, lambda1 times the covariance of the source's and a target
	// replica's ξ.
	ST float64
	// TT is ĉ_tt, lambda1 times the covariance of two target replicas' ξ.
	TT float64
}

// meanParts holds the mean-mode kernels of one coupling: the means m_s and
// m_t, the centered kernels K̃ = K − m mᵀ and their projections on the
// source, with A = T_s I + (q_s/lambda1) K̃_s + (ĉ_s/lambda1) m_s m_sᵀ = L Lᵀ:
// Zk = L⁻¹K̃_st, Mk = ZkᵀZk, vk = ZkᵀL⁻¹y_s, zm = L⁻¹m_s, u = Zkᵀzm,
// smm = zmᵀzm and smy = zmᵀL⁻¹y_s.
type meanParts struct {
	ms, mt     []float64
	ktc, ktpc  *mat.SymDense // K̃_t, K̃_tt'
	zk         *mat.Dense
	mk         *mat.SymDense
	vk, zm, u  []float64
	smm, smy   float64
	mtm        *mat.SymDense // m_t m_tᵀ
	sourceMean float64       // ĉ_s
}

// means returns Mean(c·d_i) for the squared norms d (divided by N0 as in
// the Gram matrices).
func means(act kernel.Activation, d []float64, c float64) []float64 {
	out := make([]float64, len(d))
	for i, v := range d {
		out[i] = act.Mean(c * v)
	}
	return out
}

// centered returns K − m mᵀ.
func centered(k *mat.SymDense, m []float64) *mat.SymDense {
	n := k.SymmetricDim()
	out := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			out.SetSym(i, j, k.At(i, j)-m[i]*m[j])
		}
	}
	return out
}

// buildMean fills c.mean from the uncentered kernels of c.
func (c *Coupled) buildMean() {
	s := c.s
	mp := &meanParts{sourceMean: c.src.cs}
	mp.ms = means(s.act, s.ds, c.cov.SS)
	mp.mt = means(s.act, s.dt, c.cov.TT)
	mp.ktc = centered(c.kt, mp.mt)
	mp.ktpc = centered(c.ktp, mp.mt)
	ps, pt := len(s.ds), len(s.dt)
	mp.zk = mat.NewDense(ps, pt, nil)
	for i := 0; i < ps; i++ {
		for j := 0; j < pt; j++ {
			mp.zk.Set(i, j, c.kst.At(i, j)-mp.ms[i]*mp.mt[j])
		}
	}
	lowerSolve(c.src.chol, mp.zk)
	mp.mk = mat.NewSymDense(pt, nil)
	mp.mk.SymOuterK(1, mp.zk.T())
	ly := mat.NewVecDense(ps, c.src.ly)
	var v mat.VecDense
	v.MulVec(mp.zk.T(), ly)
	mp.vk = append([]float64(nil), v.RawVector().Data...)
	mp.zm = lowerSolveVec(c.src.chol, mp.ms)
	v.MulVec(mp.zk.T(), mat.NewVecDense(ps, mp.zm))
	mp.u = append([]float64(nil), v.RawVector().Data...)
	mp.smm = dot(mp.zm, mp.zm)
	mp.smy = dot(mp.zm, c.src.ly)
	mp.mtm = mat.NewSymDense(pt, nil)
	mp.mtm.SymOuterK(1, mat.NewDense(pt, 1, mp.mt))
	c.mean = mp
}

// mstate is S_1 of the mean-mode theory and its ingredients at one point.
type mstate struct {
	q    Order
	cm   MeanOrder
	chol cholD
	dinv *mat.SymDense
	f    *mat.SymDense
	r    []float64
	rho  []float64
	s1   float64
	grad [6]float64 // d/d(q_t, q_st, q_tt, ĉ_t, ĉ_st, ĉ_tt)
}

// entropy returns the readout (entropic) part of S_1 of the mean-mode
// theory and its gradient in (q_t, q_st, q_tt, ĉ_t, ĉ_st, ĉ_tt):
//
//	S_e = q_t − X/δ + (q_t − q_tt) e/δ² − log δ − e/δ,
//	δ = ĉ_t − ĉ_tt, ρ = ĉ_st/ĉ_s, e = ĉ_tt − ĉ_st²/ĉ_s, X = q_s ρ² − 2 q_st ρ + q_t,
//
// the derivative at n = 0 of tr Q − tr(Ĉ⁻¹Q) − log det Ĉ for the replica
// symmetric (n+1)×(n+1) matrices Q and Ĉ (docs/theory.md §4).
func entropy(qs, cs float64, q Order, cm MeanOrder) (float64, [6]float64) {
	delta := cm.T - cm.TT
	rho := cm.ST / cs
	e := cm.TT - cm.ST*rho
	x := qs*rho*rho - 2*q.ST*rho + q.T
	dq := q.T - q.TT
	d2 := delta * delta
	s := q.T - x/delta + dq*e/d2 - math.Log(delta) - e/delta
	var g [6]float64
	g[0] = 1 - 1/delta + e/d2
	g[1] = 2 * rho / delta
	g[2] = -e / d2
	dDelta := x/d2 - 2*dq*e/(d2*delta) - 1/delta + e/d2
	dE := dq/d2 - 1/delta
	g[3] = dDelta
	g[4] = -2*(qs*rho-q.ST)/(cs*delta) - 2*rho*dE
	g[5] = -dDelta + dE
	return s, g
}

// evalMean computes S_1 of the mean-mode theory and, if withGrad, its
// gradient (docs/theory.md §4): the blocks are those of the odd theory with
// every kernel K replaced by q K̃ + ĉ m mᵀ.
func (c *Coupled) evalMean(q Order, cm MeanOrder, withGrad bool) (*mstate, error) {
	for _, v := range []float64{q.T, q.ST, q.TT, cm.T, cm.ST, cm.TT} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("transfer: order parameters must be finite, got (q_t, q_st, q_tt) = (%v, %v, %v), (ĉ_t, ĉ_st, ĉ_tt) = (%v, %v, %v)",
				q.T, q.ST, q.TT, cm.T, cm.ST, cm.TT)
		}
	}
	if !(cm.T-cm.TT > 0) {
		return nil, errDomain{fmt.Sprintf("transfer: need ĉ_t > ĉ_tt, got ĉ_t = %v, ĉ_tt = %v", cm.T, cm.TT)}
	}
	s, mp := c.s, c.mean
	l1, n, tt := s.prob.Net.Lambda1, s.n, s.prob.Net.T
	pt := len(s.dt)
	st := &mstate{q: q, cm: cm}
	// D = T I + (q_t K̃_t − q_tt K̃_tt' + (ĉ_t − ĉ_tt) m mᵀ)/lambda1.
	d := mat.NewSymDense(pt, nil)
	at, ap, dc := q.T/l1, q.TT/l1, (cm.T-cm.TT)/l1
	for i := 0; i < pt; i++ {
		for j := i; j < pt; j++ {
			d.SetSym(i, j, at*mp.ktc.At(i, j)-ap*mp.ktpc.At(i, j)+dc*mp.mt[i]*mp.mt[j])
		}
		d.SetSym(i, i, d.At(i, i)+tt)
	}
	if !st.chol.Factorize(d) {
		return nil, errDomain{fmt.Sprintf("transfer: D is not positive definite at (q_t, q_st, q_tt) = (%v, %v, %v), (ĉ_t, ĉ_st, ĉ_tt) = (%v, %v, %v)",
			q.T, q.ST, q.TT, cm.T, cm.ST, cm.TT)}
	}
	// F = E − BᵀA⁻¹B, E = (q_tt K̃_tt' + ĉ_tt m mᵀ)/lambda1,
	// BᵀA⁻¹B = a² Mk + ab (u mᵀ + m uᵀ) + b² smm m mᵀ, a = q_st/lambda1, b = ĉ_st/lambda1.
	a, b, ec := q.ST/l1, cm.ST/l1, cm.TT/l1
	st.f = mat.NewSymDense(pt, nil)
	m, u := mp.mt, mp.u
	for i := 0; i < pt; i++ {
		for j := i; j < pt; j++ {
			bab := a*a*mp.mk.At(i, j) + a*b*(u[i]*m[j]+m[i]*u[j]) + b*b*mp.smm*m[i]*m[j]
			st.f.SetSym(i, j, ap*mp.ktpc.At(i, j)+ec*m[i]*m[j]-bab)
		}
	}
	st.r = make([]float64, pt)
	for i, y := range s.prob.Target.Y {
		st.r[i] = y - a*mp.vk[i] - b*mp.smy*m[i]
	}
	var err error
	if st.rho, st.dinv, err = solveInverse(&st.chol, st.r); err != nil {
		return nil, err
	}
	se, ge := entropy(c.src.qs, mp.sourceMean, q, cm)
	st.s1 = se + (st.chol.LogDet()+sumProdSym(st.dinv, st.f)+dot(st.r, st.rho))/n
	if !withGrad {
		return st, nil
	}
	var fdense, df, wd mat.Dense
	fdense.CloneFrom(st.f)
	df.Mul(st.dinv, &fdense)
	wd.Mul(&df, st.dinv)
	w := symFromDense(&wd) // W = D⁻¹ F D⁻¹
	dm := make([]float64, pt)
	for i := range dm {
		dm[i] = dot(mat.Row(nil, i, st.dinv), m)
	}
	mDm, uDm, mW := dot(m, dm), dot(u, dm), quadSym(w, m)
	mr := dot(m, st.rho)
	nl := n * l1
	var h [6]float64
	h[0] = sumProdSym(st.dinv, mp.ktc) - sumProdSym(w, mp.ktc) - quadSym(mp.ktc, st.rho)
	h[1] = -2*a*sumProdSym(st.dinv, mp.mk) - 2*b*uDm - 2*dot(mp.vk, st.rho)
	h[2] = sumProdSym(w, mp.ktpc) + quadSym(mp.ktpc, st.rho)
	h[3] = mDm - mW - mr*mr
	h[4] = -2*a*uDm - 2*b*mp.smm*mDm - 2*mp.smy*mr
	h[5] = mW + mr*mr
	for i := range st.grad {
		st.grad[i] = ge[i] + h[i]/nl
	}
	return st, nil
}

// ActionMean returns S_1 of the mean-mode theory at (q, ĉ) (docs/theory.md
// §4). It is defined for every activation; for odd ones the mean terms
// vanish. It returns an error outside the domain ĉ_t > ĉ_tt, D positive
// definite.
func (c *Coupled) ActionMean(q Order, cm MeanOrder) (float64, error) {
	c.ensureMean()
	st, err := c.evalMean(q, cm, false)
	if err != nil {
		return math.NaN(), err
	}
	return st.s1, nil
}

// GradientMean returns the gradient of ActionMean in (q_t, q_st, q_tt, ĉ_t,
// ĉ_st, ĉ_tt).
func (c *Coupled) GradientMean(q Order, cm MeanOrder) ([6]float64, error) {
	c.ensureMean()
	st, err := c.evalMean(q, cm, true)
	if err != nil {
		var nan [6]float64
		for i := range nan {
			nan[i] = math.NaN()
		}
		return nan, err
	}
	return st.grad, nil
}

// ensureMean builds the mean-mode kernels on first use (an odd activation's
// Coupled has none unless the solver uses the mean-mode theory).
func (c *Coupled) ensureMean() {
	c.meanOnce.Do(func() {
		if c.mean == nil {
			c.buildMean()
		}
	})
}
