package transfer

import (
	"math"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"gonum.org/v1/gonum/mat"
)

// Risk is the test error decomposed into bias² and variance, each averaged
// over the test points (Total = Bias2 + Variance); it is rkgp's type so that
// transfer and single-network results compare directly.
type Risk = rkgp.Risk

// Predict returns the target posterior mean Gamma_t(x0) and variance
// sigma_t²(x0) (docs/theory.md §4, averaged over source samples) for the rows
// of x, processed in batches of Settings.Batch rows.
func (m *Model) Predict(x mat.Matrix) (mean, variance []float64, err error) {
	s := m.c.s
	if err := checkInputs(x, s.n0); err != nil {
		return nil, nil, err
	}
	r, _ := x.Dims()
	mean = make([]float64, r)
	variance = make([]float64, r)
	xd, ok := x.(*mat.Dense)
	if !ok {
		xd = mat.DenseCopyOf(x)
	}
	for start := 0; start < r; start += s.set.Batch {
		end := min(start+s.set.Batch, r)
		if m.mst != nil {
			m.predictMeanBatch(xd.Slice(start, end, 0, s.n0), mean[start:end], variance[start:end])
			continue
		}
		if err := m.predictBatch(xd.Slice(start, end, 0, s.n0), mean[start:end], variance[start:end]); err != nil {
			return nil, nil, err
		}
	}
	return mean, variance, nil
}

// predictBatch fills mean and variance for the rows of x0. It returns the
// error of a failed matrix-free source solve.
func (m *Model) predictBatch(x0 mat.Matrix, mean, variance []float64) error {
	c, s := m.c, m.c.s
	l1 := s.prob.Net.Lambda1
	cov := c.cov
	q := m.Q
	nb, _ := x0.Dims()
	pt := len(s.dt)
	d0 := kernel.SqNorms(x0)
	gt0, _ := kernel.CrossGram(s.prob.Target.X, x0)
	kt0 := kernel.Cross(s.act, gt0, s.dt, d0, cov.TT, cov.TT, cov.TT)
	ktt := kernel.Cross(s.act, gt0, s.dt, d0, cov.TT, cov.TTp, cov.TT)
	ktt.Scale(q.TT/l1, ktt)
	dk := mat.NewDense(pt, nb, nil)
	dk.Scale(q.T/l1, kt0)
	dk.Sub(dk, ktt)
	ddk, fddk, ok := solveDF(&m.st.chol, m.st.f, dk)
	if !ok {
		for j := range mean {
			mean[j], variance[j] = math.NaN(), math.NaN()
		}
		return nil
	}
	a := q.ST / l1
	var gmat *mat.Dense
	var sy, sb []float64 // b_jᵀ A⁻¹ y_s, b_jᵀ A⁻¹ b_j
	if a != 0 {
		gs0, _ := kernel.CrossGram(s.prob.Source.X, x0)
		ks0 := kernel.Cross(s.act, gs0, s.ds, d0, cov.SS, cov.ST, cov.TT)
		var err error
		if gmat, sy, sb, err = c.sourceTerms(ks0); err != nil { // K_stᵀ A⁻¹ K_s0, ...
			return err
		}
		gmat.Scale(a*a, gmat) // Bᵀ A⁻¹ b
	}
	for j := 0; j < nb; j++ {
		k00 := q.T / l1 * s.act.Kfun(cov.TT*d0[j], cov.TT*d0[j], cov.TT*d0[j])
		var mu, v float64
		if a != 0 {
			mu = a * sy[j]
			v = -a * a * sb[j]
		}
		var dg, dt, dd, df float64
		for i := 0; i < pt; i++ {
			u := ddk.At(i, j)
			if a != 0 {
				dg += u * gmat.At(i, j)
			}
			dt += u * ktt.At(i, j)
			dd += u * dk.At(i, j)
			df += u * fddk.At(i, j)
		}
		mean[j] = mu + dot(colOf(dk, j), m.st.rho)
		variance[j] = k00 + v + 2*dg - 2*dt - dd + df
	}
	return nil
}

// colOf returns column j of m.
func colOf(m *mat.Dense, j int) []float64 {
	r, _ := m.Dims()
	out := make([]float64, r)
	for i := range out {
		out[i] = m.At(i, j)
	}
	return out
}

// Risk returns the target test error of m on test: the mean over test points
// of (y0 − Gamma_t)² + sigma_t² with its bias² and variance parts.
func (m *Model) Risk(test *data.Dataset) (Risk, error) {
	if err := checkTest(test, m.c.s.n0); err != nil {
		return Risk{}, err
	}
	mean, variance, err := m.Predict(test.X)
	if err != nil {
		return Risk{}, err
	}
	return rkgp.RiskOf(test.Y, mean, variance), nil
}
