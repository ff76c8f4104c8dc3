package kernel

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// TestQuadratureClosedForms runs Custom on the very functions that have closed
// forms and compares. Tolerances are the measured errors (see the Custom doc)
// rounded up by about a factor of ten.
func TestQuadratureClosedForms(t *testing.T) {
	t.Parallel()
	erf48 := Custom("erf-gh", math.Erf, nil, nil)
	erf48odd := Custom("erf-gh-odd", math.Erf, nil, &QuadSettings{Odd: true})
	erf128 := Custom("erf-gh128", math.Erf, nil, &QuadSettings{Nodes: 128})
	lin := Custom("linear-gh", func(x float64) float64 { return x }, nil, nil)
	relu := Custom("relu-gh", ReLU.Eval, nil, nil)
	for _, tc := range []struct {
		name    string
		got     Activation
		want    Activation
		a, c, b float64
		tol     float64
	}{
		// Smooth erf with variances up to 1: measured error <= 1.1e-10 (rho = 1, a = b = 1).
		{"erf", erf48, Erf, 1, 0.5, 1, 1e-9},
		{"erf", erf48, Erf, 1, 0.99, 1, 1e-9},
		{"erf", erf48, Erf, 1, 1, 1, 1e-9},
		{"erf", erf48, Erf, 0.5, -0.3, 0.9, 1e-9},
		{"erf", erf48, Erf, 0.1, 0.05, 1, 1e-9},
		{"erf", erf48, Erf, 0.01, -0.001, 0.2, 1e-9},
		{"erf", erf48, Erf, 0, 0, 1, 1e-15}, // a = 0: f(0)·Mean(b) = 0 exactly
		// The odd half-grid sums the same terms twice: agrees with the full grid
		// to rounding.
		{"erf odd", erf48odd, Erf, 1, 0.5, 1, 1e-9},
		{"erf odd", erf48odd, Erf, 0.5, -0.3, 0.9, 1e-9},
		// Variance 3 needs more nodes: 128 nodes measured 1.4e-13.
		{"erf 128", erf128, Erf, 3, 1.5, 3, 1e-10},
		{"erf 128", erf128, Erf, 3, 3, 3, 1e-10},
		// Linear: the integrand is a degree-2 polynomial, integrated exactly;
		// only rounding remains.
		{"linear", lin, Linear, 1, 0.5, 1, 1e-13},
		{"linear", lin, Linear, 2, -1.3, 5, 1e-13},
		{"linear", lin, Linear, 1e4, 5e3, 1e4, 1e-13},
		// ReLU is kinked: Gauss–Hermite converges slowly, measured 1.2e-3 at
		// rho = ±0.5 and unit variance (3e-5 at rho = 0.99, 0 at rho = 1).
		{"relu", relu, ReLU, 1, 0.5, 1, 2e-3},
		{"relu", relu, ReLU, 1, -0.5, 1, 2e-3},
		{"relu", relu, ReLU, 1, 0.99, 1, 2e-3},
		{"relu", relu, ReLU, 1, 1, 1, 2e-3},
	} {
		got := tc.got.Kfun(tc.a, tc.c, tc.b)
		want := tc.want.Kfun(tc.a, tc.c, tc.b)
		if !scalar.EqualWithinAbsOrRel(got, want, tc.tol, tc.tol) {
			t.Errorf("%s: quadrature Kfun(%v, %v, %v) = %.15g, closed form %.15g (diff %.2g, tol %.0g)",
				tc.name, tc.a, tc.c, tc.b, got, want, got-want, tc.tol)
		}
	}
}

// TestQuadratureOddHalfGrid checks that the odd half-grid shortcut used by
// Tanh equals the full product grid to rounding.
func TestQuadratureOddHalfGrid(t *testing.T) {
	t.Parallel()
	full := Custom("tanh-full", math.Tanh, nil, nil)
	for _, tc := range covCases {
		got := Tanh.Kfun(tc.a, tc.c, tc.b)
		want := full.Kfun(tc.a, tc.c, tc.b)
		// 1e-14: the two sums add the same terms in a different order.
		if !scalar.EqualWithinAbsOrRel(got, want, 1e-14, 1e-14) {
			t.Errorf("Tanh.Kfun(%v, %v, %v) = %.16g, full grid %.16g", tc.a, tc.c, tc.b, got, want)
		}
	}
}

// TestHermiteRule checks the pruned rule: weights sum to one, it reproduces
// the Gaussian moments E[z^2k] = (2k-1)!! exactly up to degree 2·kept-1, and
// the nodes are symmetric.
func TestHermiteRule(t *testing.T) {
	t.Parallel()
	for _, n := range []int{5, 16, 48, 128} {
		z, w := hermiteRule(n)
		m := len(z)
		if m == 0 || m > n {
			t.Fatalf("n=%d: kept %d nodes", n, m)
		}
		for i := range z {
			if z[i] != -z[m-1-i] || w[i] != w[m-1-i] {
				t.Errorf("n=%d: node %d not symmetric: %v %v / %v %v", n, i, z[i], w[i], z[m-1-i], w[m-1-i])
			}
		}
		// Moments up to degree 8: (2k-1)!! = 1, 1, 3, 15, 105. All rules above
		// have at least 5 nodes, hence exactness through degree 9 before
		// pruning; pruning removes probability < 1e-17 times z^8 <= 9^8 ≈ 4e7,
		// so 1e-9 relative covers it with room.
		dfact := 1.0
		for k := 0; k <= 4; k++ {
			if k > 0 {
				dfact *= float64(2*k - 1)
			}
			var s float64
			for i := range z {
				s += w[i] * math.Pow(z[i], float64(2*k))
			}
			if !scalar.EqualWithinAbsOrRel(s, dfact, 1e-9, 1e-9) {
				t.Errorf("n=%d: E[z^%d] = %.15g, want %v", n, 2*k, s, dfact)
			}
		}
	}
}
