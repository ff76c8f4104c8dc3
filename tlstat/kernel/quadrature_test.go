package kernel

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/integrate/quad"
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
		// Steep regime (sinh-mapped trapezoid): measured <= 9e-11 up to variance
		// 1e3 (TestQuadratureSteep); 1e-9 here.
		{"erf steep", erf48, Erf, 3, 1.5, 3, 1e-9},
		{"erf steep", erf48, Erf, 10, 9.9, 10, 1e-9},
		{"erf steep", erf48, Erf, 100, -50, 30, 1e-9},
		{"erf steep", erf48, Erf, 0.01, 0.3, 10, 1e-9},
		// More Gauss–Hermite nodes change only the smooth regime.
		{"erf 128", erf128, Erf, 0.5, 0.25, 0.5, 1e-12},
		{"erf 128", erf128, Erf, 3, 3, 3, 1e-9},
		// Linear: the integrand is a degree-2 polynomial, integrated exactly;
		// only rounding remains.
		{"linear", lin, Linear, 1, 0.5, 1, 1e-13},
		{"linear", lin, Linear, 2, -1.3, 5, 1e-13},
		{"linear", lin, Linear, 1e4, 5e3, 1e4, 1e-13},
		// ReLU is kinked: both rules converge slowly. Measured absolute errors
		// 3.6e-4 at rho = ±0.5 and unit variance, 4.2e-4 at variance 0.3-0.4
		// (Gauss–Hermite), 2.5e-5 at rho = 0.99, 1e-15 at rho = 1; tolerance 1e-3.
		{"relu", relu, ReLU, 1, 0.5, 1, 1e-3},
		{"relu", relu, ReLU, 1, -0.5, 1, 1e-3},
		{"relu", relu, ReLU, 0.3, 0.1, 0.4, 1e-3},
		{"relu", relu, ReLU, 1, 0.99, 1, 1e-3},
		{"relu", relu, ReLU, 1, 1, 1, 1e-3},
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

// TestQuadratureSteep sweeps variances from 0 to 1e3 and all correlations,
// where Gauss–Hermite alone fails, against the erf closed form.
func TestQuadratureSteep(t *testing.T) {
	t.Parallel()
	erf := Custom("erf-quad", math.Erf, nil, nil)
	vars := []float64{0, 0.01, 0.1, 0.3, 0.7, 1, 1.5, 2, 3, 5, 10, 30, 100, 300, 1000}
	rhos := []float64{-1, -0.999, -0.9, -0.5, 0, 0.3, 0.7, 0.9, 0.99, 0.999, 1}
	if testing.Short() {
		vars = []float64{0, 0.1, 1, 3, 10, 1000}
		rhos = []float64{-0.999, -0.5, 0, 0.9, 1}
	}
	// Measured worst error 1.09e-10 (a = b = 1, rho = -1, the Gauss–Hermite
	// end of the range); 3e-10 leaves margin for platform rounding.
	const tol = 3e-10
	var worst float64
	for _, a := range vars {
		for _, b := range vars {
			for _, rho := range rhos {
				c := rho * math.Sqrt(a) * math.Sqrt(b)
				got, want := erf.Kfun(a, c, b), Erf.Kfun(a, c, b)
				worst = max(worst, math.Abs(got-want))
				if math.Abs(got-want) > tol {
					t.Errorf("Kfun(%v, %v, %v) = %.15g, closed form %.15g", a, c, b, got, want)
				}
			}
		}
	}
	t.Logf("worst error %.3g", worst)
}

// legendreKfun is an independent reference for E[f(u) f(v)]: a composite
// 8-point Gauss–Legendre product rule on [-9, 9]² in (z1, z2) with panels of
// width 0.1 (1440 points per dimension).
func legendreKfun(f func(float64) float64, a, c, b float64) float64 {
	const (
		lim    = 9   // P(|z| > 9) = 2.3e-19
		panels = 180 // width 18/180 = 0.1
		q      = 8   // Gauss–Legendre points per panel
	)
	x := make([]float64, q)
	w := make([]float64, q)
	quad.Legendre{}.FixedLocations(x, w, -1, 1)
	z := make([]float64, 0, panels*q)
	wz := make([]float64, 0, panels*q)
	hw := float64(lim) / panels // half panel width
	for p := range panels {
		mid := -lim + (2*float64(p)+1)*hw
		for i := range x {
			zz := mid + hw*x[i]
			z = append(z, zz)
			wz = append(wz, hw*w[i]*math.Exp(-zz*zz/2)/math.Sqrt(2*math.Pi))
		}
	}
	sa := math.Sqrt(a)
	r := c / sa
	s := math.Sqrt(math.Max(b-r*r, 0))
	var acc float64
	for i, z1 := range z {
		u := f(sa * z1)
		var inner float64
		for j, z2 := range z {
			inner += wz[j] * f(r*z1+s*z2)
		}
		acc += wz[i] * u * inner
	}
	return acc
}

// TestTanhIndependent compares Tanh with the brute-force product rule.
func TestTanhIndependent(t *testing.T) {
	if testing.Short() {
		t.Skip("2M-point reference integrals")
	}
	t.Parallel()
	for _, tc := range []struct{ a, rho, b float64 }{
		{0.5, 0.3, 0.5}, {1, 0.9, 1}, {1, -0.5, 2}, {3, 0.7, 3}, {10, 0.99, 10}, {10, -0.3, 3}, {100, 0.5, 100},
	} {
		c := tc.rho * math.Sqrt(tc.a*tc.b)
		got := Tanh.Kfun(tc.a, c, tc.b)
		want := legendreKfun(math.Tanh, tc.a, c, tc.b)
		// Halving the reference's panel width changes it by < 2e-15 on these
		// cases, and Tanh was measured within 5e-12 of it (see fixedCentreMaxS);
		// 2e-11 leaves margin.
		if !scalar.EqualWithinAbsOrRel(got, want, 2e-11, 2e-11) {
			t.Errorf("Tanh.Kfun(%v, %v, %v) = %.15g, Gauss–Legendre %.15g (diff %.2g)", tc.a, c, tc.b, got, want, got-want)
		}
	}
}
