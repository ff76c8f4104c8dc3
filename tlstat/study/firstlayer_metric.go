package study

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// AddMetric appends the metric variant's first-layer second moment Σ
// (rkgp.MetricFit.Sigma, the variant's own order parameter) along the same
// principal axes as the sampled one, and its top eigenvalues, under the
// name "metric". m is the model fitted to train, in any variant; a model
// already in the metric variant reuses its solved fixed point.
func (fl *FirstLayer) AddMetric(train *data.Dataset, m *rkgp.Model) error {
	mv, err := m.WithVariant(rkgp.Metric)
	if err != nil {
		return err
	}
	f, err := mv.Metric()
	if err != nil {
		return err
	}
	_, axes, err := data.PrincipalAxes(train.X, len(fl.SimAlongAxes))
	if err != nil {
		return fmt.Errorf("study: principal axes: %w", err)
	}
	k, _ := axes.Dims()
	along := make([]float64, k)
	for i := range k {
		u := axes.RowView(i)
		along[i] = mat.Inner(u, f.Sigma, u)
	}
	var es mat.EigenSym
	if !es.Factorize(f.Sigma, false) {
		return fmt.Errorf("study: eigenvalues of the metric variant's first-layer covariance did not converge")
	}
	vals := es.Values(nil)
	top := make([]float64, 0, len(fl.SimEigenvalues))
	for i := len(vals) - 1; i >= 0 && len(top) < len(fl.SimEigenvalues); i-- {
		top = append(top, vals[i])
	}
	fl.Theory = append(fl.Theory, FirstLayerTheory{Variant: rkgp.Metric.String(), AlongAxes: along, Eigenvalues: top})
	return nil
}
