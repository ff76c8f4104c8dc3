package rkgp

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// Predict returns the posterior mean Γ(x0) and variance σ²(x0) of the
// network output at every row x0 of x (docs/theory.md §3):
//
//	Γ(x0)  = k_R0ᵀ G⁻¹ y,     σ²(x0) = κ_R00 - k_R0ᵀ G⁻¹ k_R0,
//
// with k_R0 = (Q/lambda1) k0 and κ_R00 = (Q/lambda1) κ00 for odd
// activations, and the renormalized kernel K_R of docs/theory.md §3 otherwise
// (k_R0 = (Qbar/lambda1)(k0 - m m0) + m m0/(lambda1 (1+Q))). G is factorized
// by Cholesky, G = UᵀU, once per model on the first call (O(P³)/3 flops, then
// reused by every later Predict and Risk, concurrent ones included); each
// batch of test points (Settings.Batch) costs one triangular solve,
// O(P²·Batch), and memory stays O(P·Batch) beyond the factor.
func (m *Model) Predict(x mat.Matrix) (mean, variance []float64, err error) {
	if x == nil {
		return nil, nil, fmt.Errorf("rkgp: test inputs are nil")
	}
	r, c := x.Dims()
	if r == 0 || c == 0 {
		return nil, nil, fmt.Errorf("rkgp: test inputs are empty (%d×%d)", r, c)
	}
	_, n0 := m.sp.x.Dims()
	if c != n0 {
		return nil, nil, fmt.Errorf("rkgp: test input dimension %d does not match training input dimension %d", c, n0)
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := x.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, fmt.Errorf("rkgp: test input %d, component %d is %v", i, j, v)
			}
		}
	}
	mean = make([]float64, r)
	variance = make([]float64, r)
	batch := m.settings.Batch
	if batch <= 0 {
		batch = 256
	}
	xd, ok := x.(*mat.Dense)
	if !ok {
		xd = mat.DenseCopyOf(x)
	}
	if m.settings.Variant == Cumulant && m.sp.act.Name() != "linear" {
		// One pass over the samples for all test points (the variant's
		// cost is in the samples, not in the P×r cross sums).
		return m.predictCumulant(xd)
	}
	for start := 0; start < r; start += batch {
		end := min(start+batch, r)
		xb := xd.Slice(start, end, 0, c)
		if err := m.predictBatch(xb, mean[start:end], variance[start:end]); err != nil {
			return nil, nil, err
		}
	}
	return mean, variance, nil
}

func (m *Model) predictBatch(x0 mat.Matrix, mean, variance []float64) error {
	switch m.settings.Variant {
	case Shape:
		return m.predictShapeBatch(x0, mean, variance)
	case Tilted:
		return m.predictTiltedBatch(x0, mean, variance)
	case Metric:
		return m.predictMetricBatch(x0, mean, variance)
	case Cumulant:
		return m.predictCumulantBatch(x0, mean, variance)
	}
	sp := m.sp
	p := len(sp.eig)
	b := len(mean)
	cs := 1 / sp.lambda0
	k0, d0, err := sp.crossKernel(x0)
	if err != nil {
		return err
	}
	s, c := m.scales()
	kappa := make([]float64, b)
	var m0 []float64
	if sp.m != nil {
		m0 = make([]float64, b)
	}
	for j, d := range d0 {
		kappa[j] = sp.act.Kfun(cs*d, cs*d, cs*d)
		if m0 != nil {
			m0[j] = sp.act.Mean(cs * d)
			kappa[j] = s*(kappa[j]-m0[j]*m0[j]) + c*m0[j]*m0[j]
		} else {
			kappa[j] *= s
		}
	}
	// k_R0 = s (k0 - m m0ᵀ) + c m m0ᵀ, in place.
	k0.Scale(s, k0)
	if m0 != nil {
		k0.RankOne(k0, c-s, mat.NewVecDense(p, sp.m), mat.NewVecDense(b, m0))
	}
	f, err := m.factor()
	if err != nil {
		return err
	}
	mv := mat.NewVecDense(b, mean)
	mv.MulVec(k0.T(), f.alpha) // k_R0ᵀ G⁻¹ y
	// With G = UᵀU: k_R0ᵀ G⁻¹ k_R0 = |U⁻ᵀ k_R0|², one triangular solve
	// with B right-hand sides.
	u, ok := f.ch.RawU().(*mat.TriDense)
	if !ok {
		return fmt.Errorf("rkgp: internal error: Cholesky factor is not a raw triangular matrix")
	}
	raw := k0.RawMatrix()
	blas64.Trsm(blas.Left, blas.Trans, 1, u.RawTriangular(), raw)
	for j := range variance {
		variance[j] = kappa[j]
	}
	for i := 0; i < p; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+b]
		for j, v := range row {
			variance[j] -= v * v
		}
	}
	for j := range mean {
		if math.IsNaN(mean[j]) || math.IsNaN(variance[j]) {
			return fmt.Errorf("rkgp: prediction is NaN (mean %v, variance %v)", mean[j], variance[j])
		}
	}
	return nil
}

// crossKernel returns the NNGP cross kernel k0 (P×B) between the training
// inputs and the rows of x0, and the squared norms of those rows.
func (sp *spectrum) crossKernel(x0 mat.Matrix) (k0 *mat.Dense, d0 []float64, err error) {
	cs := 1 / sp.lambda0
	g12, err := kernel.CrossGram(sp.x, x0)
	if err != nil {
		return nil, nil, fmt.Errorf("rkgp: %w", err)
	}
	d0 = kernel.SqNorms(x0)
	return kernel.Cross(sp.act, g12, sp.norms, d0, cs, cs, cs), d0, nil
}

// Risk is the test risk of a model, averaged over a test set.
type Risk struct {
	// Total is the mean squared error of a posterior sample averaged over the
	// posterior: Bias2 + Variance.
	Total float64
	// Bias2 is the mean of (y0 - Γ(x0))².
	Bias2 float64
	// Variance is the mean of the posterior variance σ²(x0).
	Variance float64
}

// Risk returns the test error ε_g = mean over the test set of
// (y0 - Γ(x0))² + σ²(x0), split into bias² and variance.
func (m *Model) Risk(test *data.Dataset) (Risk, error) {
	if test == nil {
		return Risk{}, fmt.Errorf("rkgp: test set is nil")
	}
	if err := test.Validate(); err != nil {
		return Risk{}, fmt.Errorf("rkgp: test set: %w", err)
	}
	mean, variance, err := m.Predict(test.X)
	if err != nil {
		return Risk{}, err
	}
	return RiskOf(test.Y, mean, variance), nil
}

// RiskOf returns the risk of Gaussian predictions with the given means and
// variances for the labels y: the means over the points of (y - mean)² and of
// the variances. The three slices must have the same non-zero length.
func RiskOf(y, mean, variance []float64) Risk {
	var r Risk
	for i, yi := range y {
		e := yi - mean[i]
		r.Bias2 += e * e
		r.Variance += variance[i]
	}
	n := float64(len(y))
	r.Bias2 /= n
	r.Variance /= n
	r.Total = r.Bias2 + r.Variance
	return r
}
