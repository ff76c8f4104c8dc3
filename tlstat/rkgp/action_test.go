package rkgp

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats/scalar"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

// TestGradientFD compares the analytic dS/dQ with a central finite
// difference of S(Q).
func TestGradientFD(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(50, 1, 10, 1) // P = 50, N0 = 10: small and fast
	for _, act := range []kernel.Activation{kernel.Erf, kernel.Linear, kernel.Tanh, kernel.ReLU} {
		net := Network{N: 30, T: 0.05, Lambda0: 1.3, Lambda1: 0.7, Act: act} // arbitrary, non-unit precisions
		m, err := FitFixed(train, net, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []float64{0.05, 0.4, 1, 2.5, 20} { // spread over two decades
			got := m.GradientAt(q)
			// Step 1e-6 q: truncation ~ (h²/6) S''' and rounding ~ eps |S|/h both below 1e-8.
			want := fd.Derivative(m.ActionAt, q, &fd.Settings{Formula: fd.Central, Step: 1e-6 * q})
			// 1e-7: the finite-difference error estimated above, with margin.
			if !scalar.EqualWithinAbsOrRel(got, want, 1e-7, 1e-7) {
				t.Errorf("%s: dS/dQ(%v) = %.12g, finite difference %.12g", act.Name(), q, got, want)
			}
		}
	}
}

// TestActionDense checks the O(P) eigenbasis action against a direct dense
// evaluation (Cholesky log-determinant and solve, no eigendecomposition).
func TestActionDense(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(40, 1, 8, 2) // P = 40, N0 = 8
	for _, act := range []kernel.Activation{kernel.Erf, kernel.Linear, kernel.ReLU} {
		net := Network{N: 25, T: 0.1, Lambda0: 0.8, Lambda1: 1.5, Act: act} // arbitrary
		m, err := FitFixed(train, net, 1)
		if err != nil {
			t.Fatal(err)
		}
		k, _, _, mv, _ := denseKernels(act, net.Lambda0, train.X, nil)
		for _, q := range []float64{0.2, 1, 3.7} { // arbitrary
			var kr = renormalized(k, make([]float64, len(mv)), q/net.Lambda1, 0)
			want := q - math.Log(q) + denseAction(t, kr, train.Y, net.T, net.N)
			if act.Odd() {
				// 1e-12: two O(P) sums of positive terms vs a Cholesky; rounding only.
				if got := m.ActionAt(q); !scalar.EqualWithinAbsOrRel(got, want, 1e-12, 1e-12) {
					t.Errorf("%s: S(%v) = %.15g, dense %.15g", act.Name(), q, got, want)
				}
			}
			// Two-parameter action against the dense K_R of docs/theory.md §3.
			for _, qq := range []float64{-0.4, 0, 0.8} { // both signs of Q, inside Q > -1
				s := q / net.Lambda1
				c := 1 / (net.Lambda1 * (1 + qq))
				mm := mv
				if act.Odd() {
					mm = make([]float64, len(mv))
				}
				want := -qq*q + math.Log1p(qq) + denseAction(t, renormalized(k, mm, s, c), train.Y, net.T, net.N)
				got, _, _ := m.PairActionAt(q, qq)
				// 1e-12: rounding only (rank-one update vs dense Cholesky).
				if !scalar.EqualWithinAbsOrRel(got, want, 1e-12, 1e-12) {
					t.Errorf("%s: S(%v, %v) = %.15g, dense %.15g", act.Name(), q, qq, got, want)
				}
			}
		}
	}
}

// TestPairGradientFD compares the analytic gradient of the two-parameter
// action with central finite differences.
func TestPairGradientFD(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(50, 1, 10, 3)                                        // P = 50, N0 = 10
	net := Network{N: 40, T: 0.05, Lambda0: 1, Lambda1: 1.2, Act: kernel.ReLU} // arbitrary
	m, err := FitFixedPair(train, net, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	f := func(z []float64) float64 { s, _, _ := m.PairActionAt(z[0], z[1]); return s }
	for _, z := range [][2]float64{{1, 0}, {0.3, 2}, {2.5, -0.6}, {1.5, 0.1}} { // both signs of Q
		_, gb, gq := m.PairActionAt(z[0], z[1])
		// Step 1e-6: truncation and rounding errors below 1e-8 (as in TestGradientFD).
		want := fd.Gradient(nil, f, z[:], &fd.Settings{Formula: fd.Central, Step: 1e-6})
		for i, got := range []float64{gb, gq} {
			// 1e-7: the finite-difference error, with margin.
			if !scalar.EqualWithinAbsOrRel(got, want[i], 1e-7, 1e-7) {
				t.Errorf("at %v: component %d = %.12g, finite difference %.12g", z, i, got, want[i])
			}
		}
		// GradientAt is the Q component at the model's Qbar.
		if z[0] == 1 {
			if g := m.GradientAt(z[1]); g != gq {
				t.Errorf("GradientAt(%v) = %v, PairActionAt gives %v", z[1], g, gq)
			}
		}
	}
}
