package rkgp

import (
	"gonum.org/v1/gonum/mat"
)

// predictMetricBatch is predictBatch for the metric variant: the
// Gaussian-process predictor with kernel Qb K(Σ) at the variant's stationary
// point, where the test point's covariances with the training inputs are
// C0 = X Σ x0/N0 and its own variance x0ᵀ Σ x0/N0.
func (m *Model) predictMetricBatch(x0 mat.Matrix, mean, variance []float64) error {
	st, err := m.metricState()
	if err != nil {
		return err
	}
	x := m.sp.x
	p, n0 := x.Dims()
	b := len(mean)
	xs := mat.NewDense(b, n0, nil)
	xs.Mul(x0, st.fit.Sigma) // rows x0ᵀ Σ
	c0 := mat.NewDense(p, b, nil)
	c0.Mul(x, xs.T())
	qb := st.fit.Q / m.Net.Lambda1
	act, c := m.sp.act, st.kern.c
	for j := range b {
		d := mat.Dot(xs.RowView(j), mat.NewVecDense(n0, mat.Row(nil, j, x0))) / float64(n0)
		variance[j] = qb * act.Kfun(d, d, d)
		for i := range p {
			c0.Set(i, j, qb*act.Kfun(c.At(i, i), c0.At(i, j)/float64(n0), d))
		}
	}
	return gpPosterior(&st.fac.ch, st.fac.alpha, c0, mean, variance, "metric variant")
}
