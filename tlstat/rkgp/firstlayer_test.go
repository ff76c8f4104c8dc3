package rkgp

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

// randomAxes returns k orthonormal rows of dimension n.
func randomAxes(k, n int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 2))
	a := mat.NewDense(n, k, nil)
	for i := range n {
		for j := range k {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(a)
	var q mat.Dense
	qr.QTo(&q)
	return mat.DenseCopyOf(q.Slice(0, n, 0, k).T())
}

// TestFirstLayerAlongLinear checks the prediction against its closed form
// for the linear activation, whose kernel is K = X Xᵀ/(lambda0 N0): the
// anisotropic prior changes it by dK/de = -z zᵀ/(lambda0² N0) with z = X u,
// so uᵀΣu - 1/lambda0 = (Q/(N lambda1)) [tr(G⁻¹ dK/de) - aᵀ (dK/de) a],
// a = G⁻¹y. The tolerance, 1e-5 of the correction, bounds the central
// difference's truncation error, step² = 1e-6 times the ratio of the third
// to the first derivative in e (measured: 5e-7).
func TestFirstLayerAlongLinear(t *testing.T) {
	const p, n0 = 40, 8
	train, _ := synthetic(p, 1, n0, 5)
	net := Network{N: 30, T: 0.1, Lambda0: 2, Lambda1: 1.5, Act: kernel.Linear}
	m, err := Fit(train, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	axes := randomAxes(3, n0, 7)
	got, err := FirstLayerAlong(train, m, axes)
	if err != nil {
		t.Fatal(err)
	}
	k, _, _, _, _ := denseKernels(kernel.Linear, net.Lambda0, train.X, mat.NewDense(1, n0, nil))
	var xx mat.Dense
	xx.Mul(train.X, train.X.T())
	xx.Scale(1/(net.Lambda0*n0), &xx)
	if !mat.EqualApprox(k, &xx, 1e-12) {
		t.Fatal("linear kernel is not X Xᵀ/(lambda0 N0)")
	}
	g := mat.NewSymDense(p, nil)
	for i := range p {
		for j := range p {
			g.SetSym(i, j, m.Q/net.Lambda1*k.At(i, j))
		}
		g.SetSym(i, i, g.At(i, i)+net.T)
	}
	var ch mat.Cholesky
	if !ch.Factorize(g) {
		t.Fatal("G not positive definite")
	}
	a := mat.NewVecDense(p, nil)
	if err := ch.SolveVecTo(a, mat.NewVecDense(p, train.Y)); err != nil {
		t.Fatal(err)
	}
	for r := range 3 {
		z := mat.NewVecDense(p, nil)
		z.MulVec(train.X, axes.RowView(r))
		gz := mat.NewVecDense(p, nil)
		if err := ch.SolveVecTo(gz, z); err != nil {
			t.Fatal(err)
		}
		za := mat.Dot(z, a)
		want := 1/net.Lambda0 - m.Q/(float64(net.N)*net.Lambda1*net.Lambda0*net.Lambda0*n0)*(mat.Dot(z, gz)-za*za)
		if math.Abs(got[r]-want) > 1e-5*math.Abs(want-1/net.Lambda0) {
			t.Errorf("axis %d: %.12g, closed form %.12g", r, got[r], want)
		}
	}
}

// TestFirstLayerAlongWide checks the width scaling: at fixed P the
// deviation from the prior, uᵀΣu - 1/lambda0, is (1/N) times a derivative
// taken at Q*, and Q* - 1 = O(P/N), so N (uᵀΣu - 1/lambda0) converges as N
// grows; from N = 4000 to 16000 it may change by O(P/N) = 1%.
func TestFirstLayerAlongWide(t *testing.T) {
	train, _ := synthetic(40, 1, 10, 3)
	axes := randomAxes(2, 10, 4)
	var scaled [2][]float64
	for i, n := range []int{4000, 16000} {
		net := Network{N: n, T: 0.05, Lambda0: 1, Lambda1: 1}
		m, err := Fit(train, net, nil)
		if err != nil {
			t.Fatal(err)
		}
		s, err := FirstLayerAlong(train, m, axes)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range s {
			scaled[i] = append(scaled[i], float64(n)*(v-1))
		}
	}
	for r := range 2 {
		if d := math.Abs(scaled[1][r]-scaled[0][r]) / math.Abs(scaled[1][r]); d > 0.01 {
			t.Errorf("axis %d: N(uᵀΣu - 1) = %.5g at N = 4000, %.5g at N = 16000 (relative change %.3g)", r, scaled[0][r], scaled[1][r], d)
		}
	}
}

// TestFirstLayerAlongErrors checks the errors on bad axes and models.
func TestFirstLayerAlongErrors(t *testing.T) {
	train, _ := synthetic(20, 1, 5, 1)
	m, err := Fit(train, Network{N: 50, T: 0.1, Lambda0: 1, Lambda1: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		m    *Model
		axes mat.Matrix
		want string
	}{
		{m, mat.NewDense(1, 4, []float64{1, 0, 0, 0}), "dimension 4"},
		{m, mat.NewDense(1, 5, []float64{1, 1, 0, 0, 0}), "squared norm 2"},
		{m, mat.NewDense(1, 5, []float64{math.NaN(), 0, 0, 0, 0}), "squared norm NaN"},
		{nil, mat.NewDense(1, 5, []float64{1, 0, 0, 0, 0}), "fitted model"},
	} {
		_, err := FirstLayerAlong(train, c.m, c.axes)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want it to mention %q", err, c.want)
		}
	}
}
