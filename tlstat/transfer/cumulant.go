package transfer

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// CumulantRisk is the target test error of the cumulant variant carried into
// the transfer theory (docs/theory.md §4): the scalar saddle point's order
// parameters, with every kernel of the coupled networks corrected by the
// non-Gaussian part of its first-order response to the tilt that the
// saddle point puts on a hidden unit's joint source and target features.
type CumulantRisk struct {
	// Risk is the corrected test error.
	Risk Risk
	// Risk is the delete-one-group jackknife estimate over Groups disjoint
	// groups of draws, which removes the 1/S bias that the Monte Carlo
	// noise gives the (nonlinear) prediction; Raw is the plain estimate
	// from all the draws. Err is the jackknife standard error of
	// Risk.Total (zero for the linear activation, whose features have no
	// fourth cumulant).
	Raw, Err float64
	// Samples is the number of prior draws of a unit's first-layer weights
	// (one source and four target replicas each).
	Samples int
}

// cumulantMats are the scalar theory's matrices at the model's saddle point
// and the blocks of the tilt M = a aᵀ − G⁻¹ of the replicated networks in the
// limit of zero target replicas: Ms (source, P_s×P_s), Mst (source–replica,
// P_s×P_t), Maa (one replica with itself) and Mab (two different replicas).
type cumulantMats struct {
	ks, kt, ktp *mat.SymDense // exact K_s, K_t, K_tt'
	kst         *mat.Dense    // exact K_st
	ms, maa     *mat.SymDense
	mab         *mat.SymDense
	mst         *mat.Dense
}

// CumulantRisk returns the test error of the cumulant variant at m's
// coupling (see the type CumulantRisk), estimated by Monte Carlo from set's
// prior draws (rkgp.CumulantSettings: default 32768 draws in 4 groups, fixed
// seed). It needs an odd activation and the dense source; for the linear
// activation it is m.Risk(test) exactly. Cost: O(S (N0 (P_s + 4 P_t + 4 B)
// + P_s² + 4 P_s B)) for S draws and B test points, and memory
// O((groups + 2) (P_s² + P_s B)).
func (m *Model) CumulantRisk(test *data.Dataset, set rkgp.CumulantSettings) (CumulantRisk, error) {
	s := m.c.s
	if err := checkTest(test, s.n0); err != nil {
		return CumulantRisk{}, err
	}
	if m.mst != nil || !s.act.Odd() {
		return CumulantRisk{}, fmt.Errorf("transfer: the cumulant variant needs an odd activation, got %q", s.act.Name())
	}
	if s.src.mf != nil {
		return CumulantRisk{}, errors.New("transfer: the cumulant variant needs the dense source (Settings.MatrixFree is set)")
	}
	src := set.Src
	if set = set.Defaults(); src == nil {
		set.Src = rand.NewPCG(0x5eed, 5) // a stream apart from the single network's
	}
	if s.act.Name() == "linear" {
		r, err := m.Risk(test)
		return CumulantRisk{Risk: r, Raw: r.Total, Samples: set.Samples}, err
	}
	cm, err := m.cumulantMats()
	if err != nil {
		return CumulantRisk{}, err
	}
	sums, err := m.cumulantSums(cm, test.X, set)
	if err != nil {
		return CumulantRisk{}, err
	}
	tot := sums[0].clone()
	for _, g := range sums[1:] {
		tot.add(g, 1)
	}
	ct := m.cumulantTestKernels(test)
	all, err := m.cumulantRiskOf(cm, tot, ct)
	if err != nil {
		return CumulantRisk{}, err
	}
	loo := make([]Risk, len(sums))
	for g, sg := range sums {
		rest := tot.clone()
		rest.add(sg, -1)
		if loo[g], err = m.cumulantRiskOf(cm, rest, ct); err != nil {
			return CumulantRisk{}, err
		}
	}
	r, se := jackknife(all, loo)
	return CumulantRisk{Risk: r, Err: se, Raw: all.Total, Samples: set.Samples}, nil
}

// jackknife returns the delete-one-group jackknife estimate of a risk from
// its estimate on all the groups and on all but each one, and the
// jackknife standard error of its total. The prediction is a nonlinear
// function of the Monte Carlo sums, so their noise biases it by a term
// proportional to 1/S; G·θ_all − (G−1)·mean θ_(−g) removes that term (on
// the MNIST validation pairs it is below a tenth of the standard error).
func jackknife(all Risk, loo []Risk) (Risk, float64) {
	g := float64(len(loo))
	var mean Risk
	for _, r := range loo {
		mean.Total += r.Total / g
		mean.Bias2 += r.Bias2 / g
		mean.Variance += r.Variance / g
	}
	var ss float64
	for _, r := range loo {
		ss += (r.Total - mean.Total) * (r.Total - mean.Total)
	}
	out := Risk{Total: g*all.Total - (g-1)*mean.Total, Bias2: g*all.Bias2 - (g-1)*mean.Bias2, Variance: g*all.Variance - (g-1)*mean.Variance}
	return out, math.Sqrt((g - 1) / g * ss)
}

// cumulantMats builds the exact kernels and the tilt's blocks at m's saddle
// point. With a_s = A⁻¹y_s, a_t = D⁻¹r and F = E − BᵀA⁻¹B, the inverse of
// the replicated matrix G at zero target replicas has the blocks A⁻¹
// (source), −A⁻¹BD⁻¹ (source–replica), D⁻¹ − D⁻¹FD⁻¹ (a replica with
// itself) and −D⁻¹FD⁻¹ (two replicas), and a = G⁻¹y is (a_s, a_t, a_t, …).
func (m *Model) cumulantMats() (*cumulantMats, error) {
	c, s := m.c, m.c.s
	l1 := s.prob.Net.Lambda1
	q := m.Q
	cov := c.cov
	cm := &cumulantMats{kt: c.kt, ktp: c.ktp, kst: c.kst}
	cm.ks = kernel.Matrix(s.act, kernel.Gram(s.prob.Source.X), cov.SS, cov.SS)
	ps, pt := len(s.ds), len(s.dt)
	ga := mat.NewSymDense(ps, nil)
	ga.ScaleSym(m.QSource/l1, cm.ks)
	addDiag(ga, s.ts)
	ainv, err := spdInverse(ga, fmt.Sprintf("the source matrix A (q_s = %v)", m.QSource))
	if err != nil {
		return nil, err
	}
	as := mat.NewVecDense(ps, nil)
	as.MulVec(ainv, mat.NewVecDense(ps, s.prob.Source.Y))
	bm := mat.NewDense(ps, pt, nil)
	bm.Scale(q.ST/l1, c.kst)
	aib := mat.NewDense(ps, pt, nil)
	aib.Mul(ainv, bm)
	e := mat.NewSymDense(pt, nil)
	e.ScaleSym(q.TT/l1, c.ktp)
	d := mat.NewSymDense(pt, nil)
	d.ScaleSym(q.T/l1, c.kt)
	d.AddSym(d, scaleSym(-1, e))
	addDiag(d, s.prob.Net.T)
	f := mat.NewDense(pt, pt, nil)
	f.Mul(bm.T(), aib)
	f.Sub(e, f)
	r := mat.NewVecDense(pt, nil)
	r.MulVec(bm.T(), as)
	r.SubVec(mat.NewVecDense(pt, s.prob.Target.Y), r)
	dinv, err := spdInverse(d, fmt.Sprintf("D at gamma = %v", m.Gamma))
	if err != nil {
		return nil, err
	}
	at := mat.NewVecDense(pt, nil)
	at.MulVec(dinv, r)
	dfd := mat.NewDense(pt, pt, nil)
	dfd.Mul(dinv, f)
	dfd.Mul(dfd, dinv)
	cm.ms = mat.NewSymDense(ps, nil)
	cm.ms.ScaleSym(-1, ainv)
	cm.ms.SymRankOne(cm.ms, 1, as)
	cm.mst = mat.NewDense(ps, pt, nil)
	cm.mst.Mul(aib, dinv)
	cm.mst.RankOne(cm.mst, 1, as, at)
	cm.mab = symOf(dfd)
	cm.mab.SymRankOne(cm.mab, 1, at)
	cm.maa = mat.NewSymDense(pt, nil)
	cm.maa.AddSym(cm.mab, scaleSym(-1, dinv))
	return cm, nil
}

// spdInverse returns the inverse of the positive definite matrix a, named
// what in errors.
func spdInverse(a *mat.SymDense, what string) (*mat.SymDense, error) {
	var ch mat.Cholesky
	if !ch.Factorize(a) {
		return nil, fmt.Errorf("transfer: cumulant variant: %s is not positive definite", what)
	}
	inv := mat.NewSymDense(a.SymmetricDim(), nil)
	if err := ch.InverseTo(inv); err != nil {
		return nil, fmt.Errorf("transfer: cumulant variant: inverting %s: %w", what, err)
	}
	return inv, nil
}

// addDiag adds v to the diagonal of a.
func addDiag(a *mat.SymDense, v float64) {
	n := a.SymmetricDim()
	for i := 0; i < n; i++ {
		a.SetSym(i, i, a.At(i, i)+v)
	}
}

// scaleSym returns f a.
func scaleSym(f float64, a *mat.SymDense) *mat.SymDense {
	out := mat.NewSymDense(a.SymmetricDim(), nil)
	out.ScaleSym(f, a)
	return out
}

// symOf returns the symmetric part of the square matrix a.
func symOf(a *mat.Dense) *mat.SymDense {
	n, _ := a.Dims()
	out := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			out.SetSym(i, j, 0.5*(a.At(i, j)+a.At(j, i)))
		}
	}
	return out
}
