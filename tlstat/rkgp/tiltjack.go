package rkgp

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
)

// factorize builds, from the state's order parameters and direction â, the
// vector u = Kâ and the Cholesky factor of
// G = T I + (QB/lambda1) K + ((QC − QB)/lambda1) u uᵀ with G⁻¹y, for Predict.
func (st *tiltedState) factorize(sp *spectrum) error {
	p := len(sp.y)
	st.u.MulVec(sp.b, st.ahat)
	g := mat.NewSymDense(p, nil)
	g.ScaleSym(st.fit.QB/st.lambda, sp.b)
	g.SymRankOne(g, (st.fit.QC-st.fit.QB)/st.lambda, st.u)
	for i := 0; i < p; i++ {
		g.SetSym(i, i, g.At(i, i)+st.t)
	}
	if !st.g.Factorize(g) {
		return fmt.Errorf("rkgp: tilted variant: G is not positive definite (QB = %v, QC = %v)", st.fit.QB, st.fit.QC)
	}
	if err := st.g.SolveVecTo(st.alpha, mat.NewVecDense(p, sp.y)); err != nil {
		if _, ok := err.(mat.Condition); !ok {
			return fmt.Errorf("rkgp: tilted variant: %w", err)
		}
	}
	return nil
}

// jackknife re-solves the last direction's system with the tilt curve of
// the ladder's draws leaving out one replica at a time (the replicas are
// independent chains), stores the resulting order parameters in st.jack,
// and sets the jackknife standard errors QBErr and QCErr:
// √((R−1)/R Σ_r (θ_r − θ̄)²) over the R leave-one-out values θ_r.
func (st *tiltedState) jackknife(sp *spectrum, kappas []float64, draws [][]float64, replicas int) error {
	keep := len(draws[0]) / replicas
	st.jack = st.jack[:0]
	for r := range replicas {
		sub := make([][]float64, len(draws))
		for j, z := range draws {
			sub[j] = append(append([]float64(nil), z[:r*keep]...), z[(r+1)*keep:]...)
		}
		curve, err := newTiltCurve(kappas, sub)
		if err != nil {
			return err
		}
		roots, err := st.sys.roots(curve)
		if err != nil {
			return fmt.Errorf("rkgp: tilted variant, leaving out replica %d: %w", r, err)
		}
		b := bestRoot(roots)
		st.jack = append(st.jack, [2]float64{b.p.qb, b.p.qc})
	}
	st.fit.QBErr = jackknifeErr(st.jack, 0)
	st.fit.QCErr = jackknifeErr(st.jack, 1)
	return nil
}

// jackknifeErr is the jackknife standard error of component k of the
// leave-one-out values.
func jackknifeErr(vals [][2]float64, k int) float64 {
	r := float64(len(vals))
	var mean, ss float64
	for _, v := range vals {
		mean += v[k] / r
	}
	for _, v := range vals {
		ss += (v[k] - mean) * (v[k] - mean)
	}
	return math.Sqrt((r - 1) / r * ss)
}

// VariantRiskErr returns the Monte Carlo standard error of the test error
// that Risk gives on test for the model's variant: 0 for the deterministic
// scalar and shape variants (and for the tilted variant of the linear
// activation, which is exact); for the tilted variant, the jackknife over
// the ladder's replicas of the test error at the leave-one-out order
// parameters (one more Cholesky factorization and prediction each); for
// the cumulant variant, the spread of the estimates of its groups of
// samples (CumulantSettings.Groups).
func (m *Model) VariantRiskErr(test *data.Dataset) (float64, error) {
	if m.settings.Variant == Cumulant {
		if test == nil {
			return 0, fmt.Errorf("rkgp: test set is nil")
		}
		if err := test.Validate(); err != nil {
			return 0, fmt.Errorf("rkgp: test set: %w", err)
		}
		return m.cumulantRiskErr(test)
	}
	if m.settings.Variant != Tilted {
		return 0, nil
	}
	st, err := m.tiltedState()
	if err != nil {
		return 0, err
	}
	if len(st.jack) < 2 {
		return 0, nil
	}
	vals := make([][2]float64, len(st.jack))
	for i, q := range st.jack {
		js := *st
		js.fit.QB, js.fit.QC = q[0], q[1]
		js.g = mat.Cholesky{}
		js.alpha = mat.NewVecDense(len(m.sp.y), nil)
		js.u = mat.NewVecDense(len(m.sp.y), nil)
		if err := js.factorize(m.sp); err != nil {
			return 0, err
		}
		jm := *m
		jm.tilted = &tiltedCache{state: &js}
		r, err := jm.Risk(test)
		if err != nil {
			return 0, err
		}
		vals[i][0] = r.Total
	}
	return jackknifeErr(vals, 0), nil
}
