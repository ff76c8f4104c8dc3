package transfer

import (
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// Risk is the test error decomposed into bias² and variance, each averaged
// over the test points (Total = Bias2 + Variance); it is rkgp's type so that
// transfer and single-network results compare directly.
type Risk = rkgp.Risk

// Predict returns the target posterior mean Gamma_t(x0) and variance
// sigma_t²(x0) (docs/theory.md §4, averaged over source samples) for the rows
// of x, processed in batches of Settings.Batch rows.
func (m *Model) Predict(x mat.Matrix) (mean, variance []float64, err error) {
	return m.predict(x, nil)
}

// predict is Predict with the target-side test kernels taken from sh when
// it holds them (sh may be nil).
func (m *Model) predict(x mat.Matrix, sh *testShare) (mean, variance []float64, err error) {
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
		if err := m.predictBatch(m.c.targetKernels(sh, xd, start, xd.Slice(start, end, 0, s.n0)), xd.Slice(start, end, 0, s.n0), mean[start:end], variance[start:end]); err != nil {
			return nil, nil, err
		}
	}
	return mean, variance, nil
}

// predictBatch fills mean and variance for the rows of x0, whose
// target-side kernels are tk. It returns the error of a failed matrix-free
// source solve.
func (m *Model) predictBatch(tk *targetTest, x0 mat.Matrix, mean, variance []float64) error {
	c, s := m.c, m.c.s
	l1 := s.prob.Net.Lambda1
	cov := c.cov
	q := m.Q
	nb, _ := x0.Dims()
	pt := len(s.dt)
	d0, kt0 := tk.d0, tk.kt0
	ktt := &mat.Dense{}
	ktt.Scale(q.TT/l1, tk.ktt)
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
	// Column sums over the P_t rows, accumulated row by row (each column in
	// the order of its rows, as a dot product would).
	dg, dt, dd, df, dr := make([]float64, nb), make([]float64, nb), make([]float64, nb), make([]float64, nb), make([]float64, nb)
	ru, rt, rk, rf := ddk.RawMatrix(), ktt.RawMatrix(), dk.RawMatrix(), fddk.RawMatrix()
	var rg blas64.General
	if a != 0 {
		rg = gmat.RawMatrix()
	}
	for i := 0; i < pt; i++ {
		ui, ti, ki, fi := ru.Data[i*ru.Stride:i*ru.Stride+nb], rt.Data[i*rt.Stride:i*rt.Stride+nb],
			rk.Data[i*rk.Stride:i*rk.Stride+nb], rf.Data[i*rf.Stride:i*rf.Stride+nb]
		if a != 0 {
			gi := rg.Data[i*rg.Stride : i*rg.Stride+nb]
			for j, u := range ui {
				dg[j] += u * gi[j]
			}
		}
		rho := m.st.rho[i]
		for j, u := range ui {
			dt[j] += u * ti[j]
			dd[j] += u * ki[j]
			df[j] += u * fi[j]
			dr[j] += ki[j] * rho
		}
	}
	for j := 0; j < nb; j++ {
		k00 := q.T / l1 * s.act.Kfun(cov.TT*d0[j], cov.TT*d0[j], cov.TT*d0[j])
		var mu, v float64
		if a != 0 {
			mu = a * sy[j]
			v = -a * a * sb[j]
		}
		mean[j] = mu + dr[j]
		variance[j] = k00 + v + 2*dg[j] - 2*dt[j] - dd[j] + df[j]
	}
	return nil
}

// Risk returns the target test error of m on test: the mean over test points
// of (y0 − Gamma_t)² + sigma_t² with its bias² and variance parts.
func (m *Model) Risk(test *data.Dataset) (Risk, error) {
	return m.risk(test, nil)
}

// risk is Risk with the target-side test kernels taken from sh when it
// holds them (sh may be nil).
func (m *Model) risk(test *data.Dataset, sh *testShare) (Risk, error) {
	if err := checkTest(test, m.c.s.n0); err != nil {
		return Risk{}, err
	}
	mean, variance, err := m.predict(test.X, sh)
	if err != nil {
		return Risk{}, err
	}
	return rkgp.RiskOf(test.Y, mean, variance), nil
}
