package langevin

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// MaxMomentDim is the largest input dimension N0 for which the sampler
// records the first layer's second moment: its blocks take up to 16·N0²
// floats per chain (5 MB at N0 = 196).
const MaxMomentDim = 400

// SecondMoment is the posterior mean of the first layer's second moment
// Σ = WᵀW/N = (1/N) Σ_i w_i w_iᵀ (N0×N0): the covariance of one hidden
// unit's incoming weights (their mean is zero for odd activations), which
// is I/λ0 under the prior and is reshaped by the data along the directions
// that predict the labels. It is averaged over the measured window of every
// chain.
type SecondMoment struct {
	// N0 is the input dimension.
	N0 int
	// Mean is the average over chains (N0×N0, row-major, symmetric).
	Mean []float64
	// Chains holds each chain's average.
	Chains [][]float64
}

// newSecondMoment pools the per-chain window moments (nil if none).
func newSecondMoment(chains [][]float64, n0 int) *SecondMoment {
	if n0 == 0 || len(chains) == 0 {
		return nil
	}
	m := &SecondMoment{N0: n0, Mean: make([]float64, n0*n0)}
	for _, c := range chains {
		if c == nil {
			return nil
		}
		m.Chains = append(m.Chains, c)
		for i, v := range c {
			m.Mean[i] += v / float64(len(chains))
		}
	}
	return m
}

// Along returns uᵀΣu for every row u of dirs (normalized to unit length):
// the variance of a unit's weights along u. The mean is over chains and err
// its standard error across chains (NaN with one chain).
func (m *SecondMoment) Along(dirs mat.Matrix) (mean, err []float64, e error) {
	k, c := dirs.Dims()
	if c != m.N0 {
		return nil, nil, fmt.Errorf("langevin: directions have dimension %d, want %d", c, m.N0)
	}
	mean, err = make([]float64, k), make([]float64, k)
	u := make([]float64, c)
	for r := 0; r < k; r++ {
		nrm := 0.0
		for j := range u {
			u[j] = dirs.At(r, j)
			nrm += u[j] * u[j]
		}
		if !(nrm > 0) || math.IsInf(nrm, 0) {
			return nil, nil, fmt.Errorf("langevin: direction %d has norm² %v", r, nrm)
		}
		vals := make([]float64, len(m.Chains))
		for i, s := range m.Chains {
			vals[i] = quadForm(s, u, c) / nrm
		}
		es := meanErr(vals)
		mean[r], err[r] = es.Mean, es.Err
	}
	return mean, err, nil
}

// Eigenvalues returns the k largest eigenvalues of the pooled Σ in
// decreasing order, and as err the standard error across chains of each
// chain's own k largest eigenvalues (NaN with one chain).
func (m *SecondMoment) Eigenvalues(k int) (vals, err []float64, e error) {
	k = min(k, m.N0)
	top, e := topEigen(m.Mean, m.N0, k)
	if e != nil {
		return nil, nil, e
	}
	per := make([][]float64, len(m.Chains))
	for i, s := range m.Chains {
		if per[i], e = topEigen(s, m.N0, k); e != nil {
			return nil, nil, e
		}
	}
	err = make([]float64, k)
	for j := range err {
		x := make([]float64, len(per))
		for i := range per {
			x[i] = per[i][j]
		}
		err[j] = meanErr(x).Err
	}
	return top, err, nil
}

func topEigen(s []float64, n, k int) ([]float64, error) {
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(n, append([]float64(nil), s...)), false) {
		return nil, fmt.Errorf("langevin: eigendecomposition of the %d×%d second moment failed", n, n)
	}
	v := es.Values(nil)
	sort.Sort(sort.Reverse(sort.Float64Slice(v)))
	return v[:k], nil
}

func quadForm(s, u []float64, n int) float64 {
	q := 0.0
	for i := 0; i < n; i++ {
		row := s[i*n : (i+1)*n]
		r := 0.0
		for j, v := range row {
			r += v * u[j]
		}
		q += u[i] * r
	}
	return q
}
