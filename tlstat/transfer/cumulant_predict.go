package transfer

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// Slots of a unit's features in the cumulant variant: the source inputs,
// the target inputs of replicas 1..4 (1..4), and the test inputs of
// replica 1.
const (
	slotSource = 0
	slotTest   = -1
)

// tiltTerm is one quadratic form of the tilt, coef · F_aᵀ W F_b.
type tiltTerm struct {
	coef float64
	a, b int
	w    mat.Matrix
}

// tiltTerms returns the tilt weights τ_s (the source alone), τ_1 (where one
// target replica is distinguished) and τ_12 (two) as quadratic forms. The
// tilt of a unit is Σ_AB (Q_AB/λ1) F_Aᵀ M_AB F_B over the source and n
// target replicas; a replica sum Σ_c f(c) counts, at n → 0, the
// distinguished replicas once each and every other replica −1 times the
// number of distinguished ones, and a sum over ordered pairs of distinct
// replicas likewise (n−1)(n−2) → 2 with one replica distinguished and
// (n−2)(n−3) → 6 with two. The same weights are used for the draws in
// cumulantSums.
func (m *Model) tiltTerms(cm *cumulantMats) (ts, t1, t12 []tiltTerm) {
	l1 := m.c.s.prob.Net.Lambda1
	q, qs := m.Q, m.QSource
	src := tiltTerm{qs / l1, slotSource, slotSource, cm.ms}
	ts = []tiltTerm{src}
	t1 = []tiltTerm{src,
		{2 * q.ST / l1, slotSource, 1, cm.mst}, {-2 * q.ST / l1, slotSource, 2, cm.mst},
		{q.T / l1, 1, 1, cm.maa}, {-q.T / l1, 2, 2, cm.maa},
		{-2 * q.TT / l1, 1, 2, cm.mab}, {2 * q.TT / l1, 2, 3, cm.mab}}
	t12 = []tiltTerm{src,
		{2 * q.ST / l1, slotSource, 1, cm.mst}, {2 * q.ST / l1, slotSource, 2, cm.mst}, {-4 * q.ST / l1, slotSource, 3, cm.mst},
		{q.T / l1, 1, 1, cm.maa}, {q.T / l1, 2, 2, cm.maa}, {-2 * q.T / l1, 3, 3, cm.maa},
		{2 * q.TT / l1, 1, 2, cm.mab}, {-4 * q.TT / l1, 1, 3, cm.mab}, {-4 * q.TT / l1, 2, 3, cm.mab}, {6 * q.TT / l1, 3, 4, cm.mab}}
	return ts, t1, t12
}

// moments are the sample second moments of one set of draws.
type moments struct {
	ss, st, t, tp, s0, t0, tt0 *mat.Dense
	k00                        []float64
}

// kh returns the sample covariance of the features of slot x (rows) and
// slot a (columns).
func (k *moments) kh(x, a int) mat.Matrix {
	switch {
	case a == slotTest:
		return k.kh(slotTest, x).T()
	case x == slotSource && a == slotSource:
		return k.ss
	case x == slotSource:
		return k.st
	case x == slotTest && a == slotSource:
		return k.s0.T()
	case x == slotTest && a == 1:
		return k.t0.T()
	case x == slotTest:
		return k.tt0.T()
	case a == slotSource:
		return k.st.T()
	case a == x:
		return k.t
	default:
		return k.tp
	}
}

// correction returns the block D_xy = (1/2N)(Ê[F_x F_yᵀ τ] − K̂_xy τ̄ −
// Wick_xy) of the cumulant variant, Wick_xy being what the first term is
// for Gaussian features of the same covariances:
// Σ coef (K̂_xa W K̂_by + K̂_xb Wᵀ K̂_ay).
func (k *moments) correction(x, y int, terms []tiltTerm, e, khat *mat.Dense, n, tbar, width float64) *mat.Dense {
	r, c := khat.Dims()
	d := mat.NewDense(r, c, nil)
	for _, t := range terms {
		for _, o := range [2]struct {
			a, b int
			w    mat.Matrix
		}{{t.a, t.b, t.w}, {t.b, t.a, t.w.T()}} {
			var tmp, prod mat.Dense
			tmp.Mul(k.kh(x, o.a), o.w)
			prod.Mul(&tmp, k.kh(o.b, y))
			d.Add(d, scaledCopy(t.coef, &prod))
		}
	}
	d.Scale(-1, d)
	d.Add(d, scaledCopy(1/n, e))
	d.Add(d, scaledCopy(-tbar, khat))
	d.Scale(1/(2*width), d)
	return d
}

// cumulantTest holds the exact test kernels of the scalar theory: K_s0
// (P_s × B, covariances c_ss, c_st, c_tt), K_t0 and K_tt'0 (P_t × B) and
// the self-kernels κ_00.
type cumulantTest struct {
	ks0, kt0, ktt0 *mat.Dense
	k00, y         []float64
}

func (m *Model) cumulantTestKernels(test *data.Dataset) *cumulantTest {
	s, cov := m.c.s, m.c.cov
	d0 := kernel.SqNorms(test.X)
	gs0, _ := kernel.CrossGram(s.prob.Source.X, test.X)
	gt0, _ := kernel.CrossGram(s.prob.Target.X, test.X)
	ct := &cumulantTest{
		ks0:  kernel.Cross(s.act, gs0, s.ds, d0, cov.SS, cov.ST, cov.TT),
		kt0:  kernel.Cross(s.act, gt0, s.dt, d0, cov.TT, cov.TT, cov.TT),
		ktt0: kernel.Cross(s.act, gt0, s.dt, d0, cov.TT, cov.TTp, cov.TT),
		k00:  make([]float64, len(d0)),
		y:    test.Y,
	}
	for j, d := range d0 {
		ct.k00[j] = s.act.Kfun(cov.TT*d, cov.TT*d, cov.TT*d)
	}
	return ct
}

// cumulantRiskOf is the test error with the kernels corrected by the
// estimate of the sums sm.
func (m *Model) cumulantRiskOf(cm *cumulantMats, sm *cumulantSum, ct *cumulantTest) (Risk, error) {
	n := sm.n
	k := &moments{ss: scaledCopy(1/n, sm.kss), st: scaledCopy(1/n, sm.kst), t: scaledCopy(1/n, sm.kt),
		tp: scaledCopy(1/n, sm.ktp), s0: scaledCopy(1/n, sm.ks0), t0: scaledCopy(1/n, sm.kt0), tt0: scaledCopy(1/n, sm.ktt0)}
	w := m.c.s.n
	ts, t1, t12 := m.tiltTerms(cm)
	tbs, tb1, tb12 := sm.ts/n, sm.t1/n, sm.t12/n
	ks := symPlus(cm.ks, k.correction(slotSource, slotSource, ts, sm.ess, k.ss, n, tbs, w))
	kt := symPlus(cm.kt, k.correction(1, 1, t1, sm.et, k.t, n, tb1, w))
	ktp := symPlus(cm.ktp, k.correction(1, 2, t12, sm.etp, k.tp, n, tb12, w))
	kst := &mat.Dense{}
	kst.Add(cm.kst, k.correction(slotSource, 1, t1, sm.est, k.st, n, tb1, w))
	ks0, kt0, ktt0 := &mat.Dense{}, &mat.Dense{}, &mat.Dense{}
	ks0.Add(ct.ks0, k.correction(slotSource, slotTest, t1, sm.es0, k.s0, n, tb1, w))
	kt0.Add(ct.kt0, k.correction(1, slotTest, t1, sm.et0, k.t0, n, tb1, w))
	ktt0.Add(ct.ktt0, k.correction(2, slotTest, t12, sm.ett0, k.tt0, n, tb12, w))
	// The test points' self-kernels: only the diagonal of D_00, where both
	// Wick terms are k_a0ᵀ W k_b0.
	k00 := make([]float64, len(ct.k00))
	for j := range k00 {
		k00[j] = sm.e00[j]/n - sm.k00[j]/n*tb1
	}
	for _, t := range t1 {
		var wk mat.Dense
		wk.Mul(t.w, k.kh(t.b, slotTest))
		for j, v := range colDots(&wk, mat.DenseCopyOf(k.kh(t.a, slotTest))) {
			k00[j] -= 2 * t.coef * v
		}
	}
	for j := range k00 {
		k00[j] = ct.k00[j] + k00[j]/(2*w)
	}
	return m.riskWithKernels(ks, kst, kt, ktp, ks0, kt0, ktt0, k00, ct.y)
}

// symPlus returns the symmetric part of a + d.
func symPlus(a *mat.SymDense, d *mat.Dense) *mat.SymDense {
	n := a.SymmetricDim()
	out := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			out.SetSym(i, j, a.At(i, j)+0.5*(d.At(i, j)+d.At(j, i)))
		}
	}
	return out
}

// riskWithKernels is the scalar theory's target test error (docs/theory.md
// §4) at m's order parameters, computed densely from the given kernels.
func (m *Model) riskWithKernels(ks *mat.SymDense, kst *mat.Dense, kt, ktp *mat.SymDense, ks0, kt0, ktt0 *mat.Dense, k00, y0 []float64) (Risk, error) {
	s := m.c.s
	l1 := s.prob.Net.Lambda1
	q := m.Q
	ps, pt := len(s.ds), len(s.dt)
	a := scaleSym(m.QSource/l1, ks)
	addDiag(a, s.ts)
	var cha mat.Cholesky
	if !cha.Factorize(a) {
		return Risk{}, fmt.Errorf("transfer: %w", &rkgp.CumulantRangeError{Matrix: "the corrected source matrix A", P: ps, N: s.prob.Net.N, T: s.ts})
	}
	bm := scaledCopy(q.ST/l1, kst)
	e := scaleSym(q.TT/l1, ktp)
	d := scaleSym(q.T/l1, kt)
	d.AddSym(d, scaleSym(-1, e))
	addDiag(d, s.prob.Net.T)
	var chd mat.Cholesky
	if !chd.Factorize(d) {
		return Risk{}, fmt.Errorf("transfer: %w", &rkgp.CumulantRangeError{Matrix: fmt.Sprintf("the corrected target matrix D at gamma = %v", m.Gamma), P: pt, N: s.prob.Net.N, T: s.prob.Net.T})
	}
	ay := mat.NewVecDense(ps, nil)
	if err := cha.SolveVecTo(ay, mat.NewVecDense(ps, s.prob.Source.Y)); err != nil {
		return Risk{}, fmt.Errorf("transfer: cumulant variant: %w", err)
	}
	aib := mat.NewDense(ps, pt, nil)
	if err := cha.SolveTo(aib, bm); err != nil {
		return Risk{}, fmt.Errorf("transfer: cumulant variant: %w", err)
	}
	f := mat.NewDense(pt, pt, nil)
	f.Mul(bm.T(), aib)
	f.Sub(e, f)
	r := mat.NewVecDense(pt, nil)
	r.MulVec(bm.T(), ay)
	r.SubVec(mat.NewVecDense(pt, s.prob.Target.Y), r)
	rho := mat.NewVecDense(pt, nil)
	if err := chd.SolveVecTo(rho, r); err != nil {
		return Risk{}, fmt.Errorf("transfer: cumulant variant: %w", err)
	}
	_, nb := ks0.Dims()
	b := scaledCopy(q.ST/l1, ks0)
	ktt := scaledCopy(q.TT/l1, ktt0)
	dk := scaledCopy(q.T/l1, kt0)
	dk.Sub(dk, ktt)
	aibt := mat.NewDense(ps, nb, nil)
	if err := cha.SolveTo(aibt, b); err != nil {
		return Risk{}, fmt.Errorf("transfer: cumulant variant: %w", err)
	}
	ddk := mat.NewDense(pt, nb, nil)
	if err := chd.SolveTo(ddk, dk); err != nil {
		return Risk{}, fmt.Errorf("transfer: cumulant variant: %w", err)
	}
	var bab, fddk mat.Dense
	bab.Mul(bm.T(), aibt) // Bᵀ A⁻¹ b
	fddk.Mul(f, ddk)
	mean, variance := make([]float64, nb), make([]float64, nb)
	for j := 0; j < nb; j++ {
		bj, dj, uj := b.ColView(j), dk.ColView(j), ddk.ColView(j)
		mean[j] = mat.Dot(bj, ay) + mat.Dot(dj, rho)
		variance[j] = q.T/l1*k00[j] - mat.Dot(bj, aibt.ColView(j)) + 2*mat.Dot(uj, bab.ColView(j)) -
			2*mat.Dot(uj, ktt.ColView(j)) - mat.Dot(uj, dj) + mat.Dot(uj, fddk.ColView(j))
	}
	for j := range mean {
		if math.IsNaN(mean[j]) || math.IsNaN(variance[j]) {
			return Risk{}, fmt.Errorf("transfer: cumulant variant: prediction %d is NaN (mean %v, variance %v)", j, mean[j], variance[j])
		}
	}
	return rkgp.RiskOf(y0, mean, variance), nil
}
