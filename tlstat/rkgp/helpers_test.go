package rkgp

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// synthetic returns a training set of p Gaussian inputs of dimension n0 with
// labels from a random erf teacher plus a little noise, and a test set of
// ptest points from the same teacher. seed makes it reproducible.
func synthetic(p, ptest, n0 int, seed uint64) (train, test *data.Dataset) {
	rng := rand.New(rand.NewPCG(seed, 1))
	w := make([]float64, n0)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	gen := func(n int) *data.Dataset {
		x := mat.NewDense(n, n0, nil)
		y := make([]float64, n)
		for i := 0; i < n; i++ {
			var h float64
			for j := 0; j < n0; j++ {
				v := rng.NormFloat64()
				x.Set(i, j, v)
				h += v * w[j]
			}
			y[i] = math.Erf(h/math.Sqrt(float64(n0))) + 0.1*rng.NormFloat64()
		}
		return &data.Dataset{X: x, Y: y}
	}
	return gen(p), gen(ptest)
}

// denseKernels returns, without any eigendecomposition, the NNGP kernel K of
// the training inputs (P×P), the cross kernel k0 (P×P0), the self-kernels
// κ00 (length P0) and the means m (P) and m0 (P0) of σ, computed entry by
// entry from act.Kfun and act.Mean.
func denseKernels(act kernel.Activation, lambda0 float64, x, x0 *mat.Dense) (k, k0 *mat.Dense, kappa, m, m0 []float64) {
	p, n0 := x.Dims()
	dot := func(a, b []float64) float64 {
		var s float64
		for i := range a {
			s += a[i] * b[i]
		}
		return s / (lambda0 * float64(n0))
	}
	k = mat.NewDense(p, p, nil)
	m = make([]float64, p)
	for i := 0; i < p; i++ {
		xi := x.RawRowView(i)
		m[i] = act.Mean(dot(xi, xi))
		for j := 0; j < p; j++ {
			xj := x.RawRowView(j)
			k.Set(i, j, act.Kfun(dot(xi, xi), dot(xi, xj), dot(xj, xj)))
		}
	}
	if x0 == nil {
		return k, nil, nil, m, nil
	}
	p0, _ := x0.Dims()
	k0 = mat.NewDense(p, p0, nil)
	kappa = make([]float64, p0)
	m0 = make([]float64, p0)
	for j := 0; j < p0; j++ {
		xj := x0.RawRowView(j)
		c00 := dot(xj, xj)
		kappa[j] = act.Kfun(c00, c00, c00)
		m0[j] = act.Mean(c00)
		for i := 0; i < p; i++ {
			xi := x.RawRowView(i)
			k0.Set(i, j, act.Kfun(dot(xi, xi), dot(xi, xj), c00))
		}
	}
	return k, k0, kappa, m, m0
}

// renormalized returns K_R = s (K - m mᵀ) + c m mᵀ as a dense matrix.
func renormalized(k *mat.Dense, m []float64, s, c float64) *mat.Dense {
	p, _ := k.Dims()
	out := mat.NewDense(p, p, nil)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			out.Set(i, j, s*(k.At(i, j)-m[i]*m[j])+c*m[i]*m[j])
		}
	}
	return out
}

// denseAction evaluates the data part (1/N)[log det G + yᵀG⁻¹y] of the
// action with G = T I + K_R, by a Cholesky factorization of the dense matrix.
func denseAction(t *testing.T, kr *mat.Dense, y []float64, temp float64, n int) float64 {
	p := len(y)
	g := mat.NewSymDense(p, nil)
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			g.SetSym(i, j, kr.At(i, j))
		}
		g.SetSym(i, i, g.At(i, i)+temp)
	}
	var ch mat.Cholesky
	if !ch.Factorize(g) {
		t.Fatal("dense G is not positive definite")
	}
	yv := mat.NewVecDense(p, y)
	var sol mat.VecDense
	if err := ch.SolveVecTo(&sol, yv); err != nil {
		t.Fatal(err)
	}
	return (ch.LogDet() + mat.Dot(yv, &sol)) / float64(n)
}

// denseGinv returns (T I + K_R)⁻¹ by a dense inverse.
func denseGinv(t *testing.T, kr *mat.Dense, temp float64) *mat.Dense {
	p, _ := kr.Dims()
	g := mat.DenseCopyOf(kr)
	for i := 0; i < p; i++ {
		g.Set(i, i, g.At(i, i)+temp)
	}
	var inv mat.Dense
	if err := inv.Inverse(g); err != nil {
		t.Fatal(err)
	}
	return &inv
}

// rankOneTask returns p inputs of dimension n0 that are all multiples r_mu e
// of one Gaussian vector e, labelled by the sign of r_mu, with r, e and |e|:
// the extreme of few effective input dimensions, where a unit's features
// depend on its weights only through e·w.
func rankOneTask(p, n0 int, src rand.Source) (train *data.Dataset, r, e []float64, en float64) {
	rng := rand.New(src)
	e = make([]float64, n0)
	for i := range e {
		e[i] = rng.NormFloat64()
		en += e[i] * e[i]
	}
	en = math.Sqrt(en)
	x := mat.NewDense(p, n0, nil)
	y := make([]float64, p)
	r = make([]float64, p)
	for mu := range p {
		r[mu] = rng.NormFloat64()
		for i := range n0 {
			x.Set(mu, i, r[mu]*e[i])
		}
		y[mu] = math.Copysign(1, r[mu])
	}
	return &data.Dataset{X: x, Y: y}, r, e, en
}
