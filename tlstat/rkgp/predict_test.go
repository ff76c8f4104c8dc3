package rkgp

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// TestPredictDense compares Predict with the explicit Gaussian-process
// formulas of docs/theory.md §3 evaluated with a dense inverse of G and
// kernels computed entry by entry.
func TestPredictDense(t *testing.T) {
	t.Parallel()
	train, test := synthetic(50, 23, 12, 9) // P = 50, Ptest = 23 (not a multiple of the batch), N0 = 12
	for _, act := range []kernel.Activation{kernel.Linear, kernel.Erf, kernel.ReLU} {
		net := Network{N: 35, T: 0.07, Lambda0: 1.4, Lambda1: 0.9, Act: act} // arbitrary
		// Batch = 5 forces several batches and a ragged last one.
		m, err := Fit(train, net, &Settings{Batch: 5})
		if err != nil {
			t.Fatal(err)
		}
		mean, variance, err := m.Predict(test.X)
		if err != nil {
			t.Fatal(err)
		}
		k, k0, kappa, mv, m0 := denseKernels(act, net.Lambda0, train.X, test.X)
		s, c := m.Q/net.Lambda1, 0.0
		if !act.Odd() {
			s, c = m.Qbar/net.Lambda1, 1/(net.Lambda1*(1+m.Q))
		}
		gi := denseGinv(t, renormalized(k, mv, s, c), net.T)
		p := train.Len()
		for j := range test.Y {
			kr := mat.NewVecDense(p, nil)
			for i := 0; i < p; i++ {
				kr.SetVec(i, s*(k0.At(i, j)-mv[i]*m0[j])+c*mv[i]*m0[j])
			}
			var gk mat.VecDense
			gk.MulVec(gi, kr)
			wantMean := mat.Dot(&gk, mat.NewVecDense(p, train.Y))
			wantVar := s*(kappa[j]-m0[j]*m0[j]) + c*m0[j]*m0[j] - mat.Dot(&gk, kr)
			// 1e-10: the eigenbasis and a dense inverse differ by rounding amplified by
			// cond(G) <= 1 + |K_R|/T, about 1e3 here.
			if !scalar.EqualWithinAbsOrRel(mean[j], wantMean, 1e-10, 1e-10) ||
				!scalar.EqualWithinAbsOrRel(variance[j], wantVar, 1e-10, 1e-10) {
				t.Errorf("%s point %d: (%.12g, %.12g), dense (%.12g, %.12g)", act.Name(), j, mean[j], variance[j], wantMean, wantVar)
			}
		}
		r, err := m.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		var b2, v float64
		for j, y := range test.Y {
			b2 += (y - mean[j]) * (y - mean[j])
			v += variance[j]
		}
		n := float64(len(test.Y))
		// 1e-14: the same sums in the same order.
		if !scalar.EqualWithinAbsOrRel(r.Bias2, b2/n, 1e-14, 1e-14) || !scalar.EqualWithinAbsOrRel(r.Variance, v/n, 1e-14, 1e-14) ||
			!scalar.EqualWithinAbsOrRel(r.Total, r.Bias2+r.Variance, 1e-14, 1e-14) {
			t.Errorf("%s: Risk %+v, from Predict bias² %v variance %v", act.Name(), r, b2/n, v/n)
		}
		if rn := m.ReadoutNorm(); rn != s {
			t.Errorf("%s: ReadoutNorm = %v, want %v", act.Name(), rn, s)
		}
	}
}

// TestPredictInterpolation checks a closed-form limit: at T -> 0 the posterior
// mean interpolates the training labels and the variance at training points
// vanishes.
func TestPredictInterpolation(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(20, 1, 30, 10)                                          // P = 20 < N0 = 30: the kernel is full rank
	m, err := FitFixed(train, Network{N: 50, T: 1e-9, Lambda0: 1, Lambda1: 1}, 1) // T = 1e-9 ≈ 0
	if err != nil {
		t.Fatal(err)
	}
	mean, variance, err := m.Predict(train.X)
	if err != nil {
		t.Fatal(err)
	}
	for i, y := range train.Y {
		// 1e-6: the residual is T (G⁻¹ y)_i = O(T cond(K)) with cond(K) ~ 1e2.
		if !scalar.EqualWithinAbs(mean[i], y, 1e-6) || math.Abs(variance[i]) > 1e-6 {
			t.Errorf("point %d: mean %v (label %v), variance %v", i, mean[i], y, variance[i])
		}
	}
}

// TestBadInput checks that every invalid input is an error naming the
// parameter and its value, never a panic.
func TestBadInput(t *testing.T) {
	t.Parallel()
	train, test := synthetic(10, 3, 4, 11) // tiny: P = 10, N0 = 4
	good := Network{N: 10, T: 0.1, Lambda0: 1, Lambda1: 1}
	for _, tc := range []struct {
		name string
		net  Network
		want string
	}{
		{"N zero", Network{N: 0, T: 0.1, Lambda0: 1, Lambda1: 1}, "N = 0"},
		{"N negative", Network{N: -3, T: 0.1, Lambda0: 1, Lambda1: 1}, "N = -3"},
		{"T zero", Network{N: 10, T: 0, Lambda0: 1, Lambda1: 1}, "T = 0"},
		{"T NaN", Network{N: 10, T: math.NaN(), Lambda0: 1, Lambda1: 1}, "T = NaN"},
		{"lambda0 negative", Network{N: 10, T: 0.1, Lambda0: -1, Lambda1: 1}, "lambda0 = -1"},
		{"lambda1 Inf", Network{N: 10, T: 0.1, Lambda0: 1, Lambda1: math.Inf(1)}, "lambda1 = +Inf"},
		{"lambda1 NaN", Network{N: 10, T: 0.1, Lambda0: 1, Lambda1: math.NaN()}, "lambda1 = NaN"},
	} {
		for fn, f := range map[string]func() error{
			"Validate":      tc.net.Validate,
			"Fit":           func() error { _, err := Fit(train, tc.net, nil); return err },
			"FitFixed":      func() error { _, err := FitFixed(train, tc.net, 1); return err },
			"InfiniteWidth": func() error { _, err := InfiniteWidth(train, tc.net); return err },
		} {
			if err := f(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s %s: error %v, want one containing %q", tc.name, fn, err, tc.want)
			}
		}
	}

	nanX := mat.DenseCopyOf(train.X)
	nanX.Set(2, 1, math.NaN())
	for _, tc := range []struct {
		name  string
		train *data.Dataset
		want  string
	}{
		{"nil", nil, "nil"},
		{"empty", &data.Dataset{}, "empty"},
		{"label count", &data.Dataset{X: train.X, Y: train.Y[:5]}, "5 labels"},
		{"NaN input", &data.Dataset{X: nanX, Y: train.Y}, "NaN"},
		{"Inf label", &data.Dataset{X: train.X, Y: append(append([]float64{}, train.Y[:9]...), math.Inf(-1))}, "-Inf"},
	} {
		if _, err := Fit(tc.train, good, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("training set %s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}

	for _, tc := range []struct {
		name string
		f    func() error
		want string
	}{
		{"FitFixed q = 0", func() error { _, err := FitFixed(train, good, 0); return err }, "q = 0"},
		{"FitFixed q = NaN", func() error { _, err := FitFixed(train, good, math.NaN()); return err }, "q = NaN"},
		{"FitFixedPair odd", func() error { _, err := FitFixedPair(train, good, 1, 0); return err }, `"erf"`},
		{"FitFixedPair q = -1", func() error {
			_, err := FitFixedPair(train, Network{N: 10, T: 0.1, Lambda0: 1, Lambda1: 1, Act: kernel.ReLU}, 1, -1)
			return err
		}, "q = -1"},
		{"FitFixedPair qbar = -2", func() error {
			_, err := FitFixedPair(train, Network{N: 10, T: 0.1, Lambda0: 1, Lambda1: 1, Act: kernel.ReLU}, -2, 0)
			return err
		}, "qbar = -2"},
		{"settings", func() error { _, err := Fit(train, good, &Settings{QMin: 10, QMax: 1}); return err }, "QMin = 10"},
	} {
		if err := tc.f(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}

	m, err := Fit(train, good, nil)
	if err != nil {
		t.Fatal(err)
	}
	wide := mat.NewDense(3, 5, nil)
	nan0 := mat.DenseCopyOf(test.X)
	nan0.Set(1, 3, math.Inf(1))
	for _, tc := range []struct {
		name string
		x    mat.Matrix
		want string
	}{
		{"nil", nil, "nil"},
		{"empty", &mat.Dense{}, "empty"},
		{"dimension", wide, "dimension 5"},
		{"Inf", nan0, "+Inf"},
	} {
		if _, _, err := m.Predict(tc.x); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Predict %s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := m.Risk(nil); err == nil {
		t.Error("Risk(nil): no error")
	}
	if _, err := m.Risk(&data.Dataset{X: wide, Y: []float64{1, 1, 1}}); err == nil || !strings.Contains(err.Error(), "dimension 5") {
		t.Errorf("Risk with wrong dimension: %v", err)
	}
}

// TestNoMinimum checks that a search range without a minimum returns the
// partial model and an error naming the residual.
func TestNoMinimum(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(30, 1, 8, 12) // P = 30, N0 = 8
	// Q* is near 1; the range [10, 1000] excludes it, so dS/dQ > 0 on the whole grid.
	m, err := Fit(train, Network{N: 100, T: 0.05, Lambda0: 1, Lambda1: 1}, &Settings{QMin: 10, QMax: 1000})
	if err == nil || !strings.Contains(err.Error(), "residual") {
		t.Fatalf("error %v, want one naming the residual", err)
	}
	if m == nil || m.Converged || math.IsNaN(m.Q) || math.IsNaN(m.Residual) {
		t.Errorf("partial model %+v", m)
	}
}
