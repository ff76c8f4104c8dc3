package rkgp

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// multiOf returns the multi-output data set with inputs x and the given
// label columns.
func multiOf(x *mat.Dense, cols ...[]float64) *data.MultiDataset {
	p := len(cols[0])
	y := mat.NewDense(p, len(cols), nil)
	for d, c := range cols {
		y.SetCol(d, c)
	}
	return &data.MultiDataset{X: x, Y: y}
}

// TestMultiOneOutputIsBinary checks that D = 1 is the single-output theory:
// the same Q, test error, bias² and variance as Fit.
func TestMultiOneOutputIsBinary(t *testing.T) {
	t.Parallel()
	train, test := synthetic(80, 40, 10, 21)
	for _, net := range []Network{
		{N: 60, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.Erf},
		{N: 300, T: 0.3, Lambda0: 2, Lambda1: 0.7, Act: kernel.Linear},
	} {
		m, err := Fit(train, net, nil)
		if err != nil {
			t.Fatal(err)
		}
		mm, err := FitMulti(multiOf(train.X, train.Y), net, &MultiSettings{Tol: 1e-14})
		if err != nil {
			t.Fatal(err)
		}
		// Both solvers stop at |dS/dQ| < 1e-10 (the multi-output one here
		// at 1e-14) and S'' is of order one, so Q agrees to about 1e-10;
		// the predictions inherit it.
		if !scalar.EqualWithinRel(mm.Q.At(0, 0), m.Q, 1e-10) || !scalar.EqualWithinRel(mm.Action, m.Action, 1e-12) {
			t.Errorf("%s: Q = %.15g, S = %.15g; single output Q = %.15g, S = %.15g", net.Act.Name(), mm.Q.At(0, 0), mm.Action, m.Q, m.Action)
		}
		r, err := m.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		rm, err := mm.Risk(multiOf(test.X, test.Y))
		if err != nil {
			t.Fatal(err)
		}
		o := rm.Outputs[0]
		if !scalar.EqualWithinRel(o.Total, r.Total, 1e-10) || !scalar.EqualWithinRel(o.Bias2, r.Bias2, 1e-10) || !scalar.EqualWithinRel(o.Variance, r.Variance, 1e-10) {
			t.Errorf("%s: risk %+v, single output %+v", net.Act.Name(), o, r)
		}
	}
}

// TestMultiZeroOutput checks an exact decoupling: with labels (y, 0) the
// flip of the second output's sign is a symmetry, so Q12 = 0, and the
// action splits into the single-output actions of y and of zero labels.
func TestMultiZeroOutput(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(60, 10, 8, 23)
	net := Network{N: 40, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.Erf}
	zero := make([]float64, train.Len())
	mm, err := FitMulti(multiOf(train.X, train.Y, zero), net, &MultiSettings{Tol: 1e-13})
	if err != nil {
		t.Fatal(err)
	}
	m1, err := Fit(train, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	m0, err := Fit(&data.Dataset{X: train.X, Y: zero}, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(mm.Q.At(0, 1)) > 1e-10 || !scalar.EqualWithinRel(mm.Q.At(0, 0), m1.Q, 1e-9) || !scalar.EqualWithinRel(mm.Q.At(1, 1), m0.Q, 1e-9) {
		t.Errorf("Q = %v, want diag(%v, %v)", mat.Formatted(mm.Q), m1.Q, m0.Q)
	}
}

// TestMultiRotation checks the theory's covariance under an orthogonal
// change of the outputs, Y → Y R: Q → Rᵀ Q R and every mean prediction
// Γ → Γ R.
func TestMultiRotation(t *testing.T) {
	t.Parallel()
	train, test := synthetic(70, 20, 9, 25)
	rng := rand.New(rand.NewPCG(3, 3))
	y2, y3 := make([]float64, train.Len()), make([]float64, train.Len())
	for i, v := range train.Y {
		y2[i] = math.Tanh(3*v) + 0.3*rng.NormFloat64()
		y3[i] = rng.NormFloat64()
	}
	d := multiOf(train.X, train.Y, y2, y3)
	// A rotation: the QR factor of a Gaussian matrix.
	g := mat.NewDense(3, 3, nil)
	for i := range 3 {
		for j := range 3 {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var r mat.Dense
	qr.QTo(&r)
	var yr mat.Dense
	yr.Mul(d.Y, &r)
	net := Network{N: 50, T: 0.1, Lambda0: 1, Lambda1: 1, Act: kernel.Erf}
	m, err := FitMulti(d, net, &MultiSettings{Tol: 1e-13})
	if err != nil {
		t.Fatal(err)
	}
	mr, err := FitMulti(&data.MultiDataset{X: train.X, Y: &yr}, net, &MultiSettings{Tol: 1e-13})
	if err != nil {
		t.Fatal(err)
	}
	var want, tmp mat.Dense
	tmp.Mul(r.T(), m.Q)
	want.Mul(&tmp, &r)
	if !mat.EqualApprox(mr.Q, &want, 1e-9) {
		t.Errorf("Q(YR) = %v, want RᵀQ(Y)R = %v", mat.Formatted(mr.Q), mat.Formatted(&want))
	}
	mean, _, err := m.Predict(test.X)
	if err != nil {
		t.Fatal(err)
	}
	meanR, _, err := mr.Predict(test.X)
	if err != nil {
		t.Fatal(err)
	}
	var rot mat.Dense
	rot.Mul(mean, &r)
	if !mat.EqualApprox(meanR, &rot, 1e-8) {
		t.Error("mean predictions do not rotate with the labels")
	}
}

// TestMultiGradient checks ∇S against central differences of S at a
// random positive definite Q (off-diagonal entries move in pairs, so their
// derivative is twice the gradient entry).
func TestMultiGradient(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(50, 10, 7, 27)
	rng := rand.New(rand.NewPCG(5, 5))
	y2 := make([]float64, train.Len())
	for i := range y2 {
		y2[i] = rng.NormFloat64()
	}
	m, err := FitMulti(multiOf(train.X, train.Y, y2), Network{N: 30, T: 0.2, Lambda0: 1, Lambda1: 1, Act: kernel.Erf}, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := mat.NewSymDense(2, []float64{1.3, 0.2, 0.2, 0.8})
	_, grad, ok := m.evaluate(q)
	if !ok {
		t.Fatal("action undefined")
	}
	const h = 1e-5
	for _, e := range [][2]int{{0, 0}, {1, 1}, {0, 1}} {
		at := func(delta float64) float64 {
			qq := mat.NewSymDense(2, nil)
			qq.CopySym(q)
			qq.SetSym(e[0], e[1], qq.At(e[0], e[1])+delta)
			s, _, ok := m.evaluate(qq)
			if !ok {
				t.Fatal("action undefined")
			}
			return s
		}
		fd := (at(h) - at(-h)) / (2 * h)
		want := grad.At(e[0], e[1])
		if e[0] != e[1] {
			want *= 2
		}
		// Central differences: error O(h²) ≈ 1e-10 times the third
		// derivative, plus rounding 1e-16/h ≈ 1e-11.
		if math.Abs(fd-want) > 1e-7 {
			t.Errorf("dS/dQ%v: finite difference %v, gradient %v", e, fd, want)
		}
	}
}

// TestMultiWide checks the infinite-width limit: Q → I and the NNGP's
// predictions.
func TestMultiWide(t *testing.T) {
	t.Parallel()
	train, test := synthetic(40, 20, 8, 29)
	y2 := make([]float64, train.Len())
	for i, v := range train.Y {
		y2[i] = -v
	}
	net := Network{N: 100_000_000, T: 0.1, Lambda0: 1, Lambda1: 1, Act: kernel.Erf}
	m, err := FitMulti(multiOf(train.X, train.Y, y2), net, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Corrections are O(P/N) = 4e-7.
	if !mat.EqualApprox(m.Q, eye(2), 1e-5) {
		t.Errorf("Q = %v at N = %d, want I", mat.Formatted(m.Q), net.N)
	}
	tm := multiOf(test.X, test.Y, make([]float64, test.Len()))
	r, err := m.Risk(tm)
	if err != nil {
		t.Fatal(err)
	}
	ri, err := m.NNGP().Risk(tm)
	if err != nil {
		t.Fatal(err)
	}
	if !scalar.EqualWithinRel(r.Total, ri.Total, 1e-5) {
		t.Errorf("test error %v, NNGP %v", r.Total, ri.Total)
	}
}

// TestMultiErrors checks refusals.
func TestMultiErrors(t *testing.T) {
	t.Parallel()
	train, test := synthetic(20, 5, 4, 31)
	net := Network{N: 10, T: 0.1, Lambda0: 1, Lambda1: 1, Act: kernel.Erf}
	if _, err := FitMulti(multiOf(train.X, train.Y), Network{N: 10, T: 0.1, Lambda0: 1, Lambda1: 1, Act: kernel.ReLU}, nil); err == nil {
		t.Error("ReLU accepted")
	}
	bad := multiOf(train.X, train.Y)
	bad.Y.Set(3, 0, math.NaN())
	if _, err := FitMulti(bad, net, nil); err == nil {
		t.Error("NaN label accepted")
	}
	m, err := FitMulti(multiOf(train.X, train.Y, train.Y), net, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Risk(multiOf(test.X, test.Y)); err == nil {
		t.Error("a test set with the wrong number of outputs was accepted")
	}
	if _, _, err := m.Predict(mat.NewDense(2, 3, nil)); err == nil {
		t.Error("test inputs of the wrong dimension were accepted")
	}
}
