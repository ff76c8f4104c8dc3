package rkgp

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// TestFitResidual checks that the saddle point zeroes the gradient to the
// 1e-10 of the default Settings.Tol, across activations and regimes.
func TestFitResidual(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(120, 1, 15, 4) // P = 120, N0 = 15
	for _, tc := range []struct {
		name string
		net  Network
	}{
		// Widths from P/N = 0.3 to P/N = 6 (proportional regime), several T and lambdas.
		{"erf", Network{N: 400, T: 0.05, Lambda0: 1, Lambda1: 1}},
		{"erf narrow", Network{N: 20, T: 0.01, Lambda0: 1, Lambda1: 1}},
		{"erf lambdas", Network{N: 60, T: 0.2, Lambda0: 3, Lambda1: 0.5}},
		{"linear", Network{N: 100, T: 0.05, Lambda0: 2, Lambda1: 0.5, Act: kernel.Linear}},
		{"tanh", Network{N: 100, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.Tanh}},
		{"relu", Network{N: 100, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.ReLU}},
		{"relu narrow", Network{N: 20, T: 0.1, Lambda0: 0.5, Lambda1: 2, Act: kernel.ReLU}},
		{"erf very wide", Network{N: 1e12, T: 0.05, Lambda0: 1, Lambda1: 1}},
	} {
		m, err := Fit(train, tc.net, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		// 1e-10: the residual bound of the default Settings.Tol.
		if !m.Converged || m.Residual >= 1e-10 || math.IsNaN(m.Residual) {
			t.Errorf("%s: converged = %v, residual = %g", tc.name, m.Converged, m.Residual)
		}
		var g float64
		if tc.net.Activation().Odd() {
			g = math.Abs(m.GradientAt(m.Q))
		} else {
			_, a, b := m.PairActionAt(m.Qbar, m.Q)
			g = math.Max(math.Abs(a), math.Abs(b))
		}
		if g != m.Residual {
			t.Errorf("%s: reported residual %g, recomputed %g", tc.name, m.Residual, g)
		}
		t.Logf("%s: Q = %.10g, Qbar = %.10g, residual %.2g, %d iterations", tc.name, m.Q, m.Qbar, m.Residual, m.Iterations)
	}
}

// TestFitLinearDense solves the linear network independently: S(Q) from a
// dense Cholesky (no eigendecomposition), minimized on a dense grid and
// refined by bisection on a central difference of S.
func TestFitLinearDense(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(40, 1, 60, 5) // P = 40 < N0 = 60: full-rank linear kernel
	for _, net := range []Network{
		{N: 30, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.Linear},   // P/N = 4/3
		{N: 200, T: 0.2, Lambda0: 2, Lambda1: 0.5, Act: kernel.Linear}, // arbitrary
	} {
		m, err := Fit(train, net, nil)
		if err != nil {
			t.Fatal(err)
		}
		k, _, _, _, _ := denseKernels(kernel.Linear, net.Lambda0, train.X, nil)
		s := func(q float64) float64 {
			return q - math.Log(q) + denseAction(t, renormalized(k, make([]float64, train.Len()), q/net.Lambda1, 0), train.Y, net.T, net.N)
		}
		// Dense grid: 2001 points in log Q over [1e-3, 1e3].
		best, bi := math.Inf(1), 0
		qs := make([]float64, 2001)
		for i := range qs {
			qs[i] = math.Pow(10, -3+6*float64(i)/2000)
			if v := s(qs[i]); v < best {
				best, bi = v, i
			}
		}
		ds := func(q float64) float64 { const h = 1e-5; return (s(q*(1+h)) - s(q*(1-h))) / (2 * q * h) }
		lo, hi := qs[bi-1], qs[bi+1]
		for range 60 { // bisection to below the finite-difference error
			mid := 0.5 * (lo + hi)
			if ds(mid) > 0 {
				hi = mid
			} else {
				lo = mid
			}
		}
		want := 0.5 * (lo + hi)
		// 1e-8: the central difference (h = 1e-5) is accurate to ~1e-10, so the root to ~1e-10/S''.
		if !scalar.EqualWithinAbsOrRel(m.Q, want, 1e-8, 1e-8) {
			t.Errorf("N = %d: Q* = %.12g, dense grid + bisection %.12g", net.N, m.Q, want)
		}
		// 1e-12: rounding only.
		if !scalar.EqualWithinAbsOrRel(m.Action, s(m.Q), 1e-12, 1e-12) {
			t.Errorf("N = %d: action %.15g, dense %.15g", net.N, m.Action, s(m.Q))
		}
	}
}

// TestFitLargeWidth checks the NNGP limit with its first-order correction:
// 0 = 1 - 1/Q + g(Q)/N gives Q* = 1 - g(1)/N + O(1/N²), where
// g(1) = (1/lambda1)[tr(G⁻¹K) - yᵀG⁻¹KG⁻¹y] at Q = 1 is computed with dense
// matrices.
func TestFitLargeWidth(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(40, 1, 10, 6) // P = 40, N0 = 10
	for _, act := range []kernel.Activation{kernel.Erf, kernel.Linear} {
		net := Network{N: 1e8, T: 0.05, Lambda0: 1, Lambda1: 1.5, Act: act} // N = 1e8 >> P = 40
		m, err := Fit(train, net, nil)
		if err != nil {
			t.Fatal(err)
		}
		k, _, _, _, _ := denseKernels(act, net.Lambda0, train.X, nil)
		kr := renormalized(k, make([]float64, train.Len()), 1/net.Lambda1, 0)
		gi := denseGinv(t, kr, net.T)
		var gk mat.Dense
		gk.Mul(gi, k)
		yv := mat.NewVecDense(train.Len(), train.Y)
		var a, b mat.VecDense
		a.MulVec(gi, yv)
		b.MulVec(k, &a)
		g1 := (mat.Trace(&gk) - mat.Dot(&a, &b)) / net.Lambda1
		got := (m.Q - 1) * float64(net.N)
		// 1e-5: the relative second-order correction O(|g1|/N) = O(1e3/1e8) (g1 = O(P/T)).
		if !scalar.EqualWithinAbsOrRel(got, -g1, 1e-5, 1e-5) {
			t.Errorf("%s: N (Q* - 1) = %.10g, want -g(1) = %.10g", act.Name(), got, -g1)
		}
	}
}

// TestReLULargeWidth checks that the two-parameter saddle tends to the NNGP
// point (Qbar, Q) = (1, 0) as N grows, at rate 1/N, and that the predictor
// then equals the infinite-width one.
func TestReLULargeWidth(t *testing.T) {
	t.Parallel()
	train, test := synthetic(40, 30, 10, 7) // P = 40, Ptest = 30, N0 = 10
	var prev float64
	for i, n := range []int{1e6, 1e8} { // two decades apart
		net := Network{N: n, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.ReLU}
		m, err := Fit(train, net, nil)
		if err != nil {
			t.Fatal(err)
		}
		dev := math.Max(math.Abs(m.Qbar-1), math.Abs(m.Q))
		// 1e-3 at N = 1e6: the deviation is O(P/(T N)) = O(1e-3) at most.
		if dev > 1e3/float64(n) {
			t.Errorf("N = %d: (Qbar, Q) = (%.10g, %.10g)", n, m.Qbar, m.Q)
		}
		if i > 0 {
			// The deviation scales as 1/N: a factor 100 between N = 1e6 and 1e8, within 1%
			// (second-order terms O(P/(T N)) = 1e-3 relative).
			if r := prev / dev; !scalar.EqualWithinRel(r, 100, 1e-2) {
				t.Errorf("deviation ratio between N = 1e6 and 1e8 is %v, want 100", r)
			}
			r1, err := m.Risk(test)
			if err != nil {
				t.Fatal(err)
			}
			r0, err := m.NNGP().Risk(test)
			if err != nil {
				t.Fatal(err)
			}
			// 1e-5: the risk moves by O(dev) = O(1e-5) at N = 1e8.
			if !scalar.EqualWithinAbsOrRel(r1.Total, r0.Total, 1e-5, 1e-5) {
				t.Errorf("N = 1e8: risk %v, NNGP risk %v", r1.Total, r0.Total)
			}
		}
		prev = dev
	}
}

// TestReLUSaddleDense verifies the two-parameter solution independently: the
// gradient of the dense action (Cholesky of the explicit K_R of docs/theory.md
// §3), by central differences, vanishes at (Qbar*, Q*).
func TestReLUSaddleDense(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(60, 1, 12, 8)                                      // P = 60, N0 = 12
	net := Network{N: 40, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.ReLU} // P/N = 1.5
	m, err := Fit(train, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	k, _, _, mv, _ := denseKernels(kernel.ReLU, net.Lambda0, train.X, nil)
	s := func(qb, q float64) float64 {
		kr := renormalized(k, mv, qb/net.Lambda1, 1/(net.Lambda1*(1+q)))
		return -q*qb + math.Log1p(q) + denseAction(t, kr, train.Y, net.T, net.N)
	}
	const h = 1e-5 // central differences: error ~ h² S''' + eps |S|/h ~ 1e-10
	gb := (s(m.Qbar+h, m.Q) - s(m.Qbar-h, m.Q)) / (2 * h)
	gq := (s(m.Qbar, m.Q+h) - s(m.Qbar, m.Q-h)) / (2 * h)
	// 1e-8: the finite-difference error above, with margin.
	if math.Abs(gb) > 1e-8 || math.Abs(gq) > 1e-8 {
		t.Errorf("dense gradient at (%.10g, %.10g) = (%g, %g)", m.Qbar, m.Q, gb, gq)
	}
}

// TestFitSeveralMinima builds a linear network on a diagonal data set whose
// action has two minima (found by a random search over 3-mode spectra): Fit
// must report three stationary points and return the minimum of lowest
// action, which here is not the first one.
func TestFitSeveralMinima(t *testing.T) {
	t.Parallel()
	// Kernel eigenvalues 0.1, 85.3, 7.4 and label components y~² = 1.3, 0, 0 at T = 0.05,
	// N = 1: S(Q) has minima near Q = 0.003 and Q = 2.16 and a maximum near 0.013 in between.
	eig := []float64{0.1, 85.3, 7.4}
	x := mat.NewDense(3, 3, nil)
	for i, k := range eig {
		x.Set(i, i, math.Sqrt(3*k)) // K = X Xᵀ / N0 with N0 = 3 and lambda0 = 1
	}
	train := &data.Dataset{X: x, Y: []float64{math.Sqrt(1.3), 0, 0}}
	net := Network{N: 1, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.Linear}
	m, err := Fit(train, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Stationary != 3 {
		t.Errorf("found %d stationary points, want 3", m.Stationary)
	}
	// Independent global minimum on a dense log grid of 200001 points over [1e-6, 1e4].
	best, bq := math.Inf(1), 0.0
	for i := 0; i <= 200000; i++ {
		q := math.Pow(10, -6+10*float64(i)/200000)
		if s := m.ActionAt(q); s < best {
			best, bq = s, q
		}
	}
	// 2e-4: the grid spacing in log Q (10/200000 decades = 1.2e-4 relative).
	if !scalar.EqualWithinRel(m.Q, bq, 2e-4) {
		t.Errorf("Q* = %v, dense-grid global minimum at %v", m.Q, bq)
	}
	if m.Residual >= 1e-10 { // the default Settings.Tol
		t.Errorf("residual %g", m.Residual)
	}
}
