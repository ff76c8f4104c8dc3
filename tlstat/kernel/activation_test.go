package kernel

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats/scalar"
)

// mcSigmas is the Monte Carlo acceptance band in standard errors. With a fixed
// seed the tests are deterministic; 5 sigma makes a false alarm after a change
// of seed or sample size improbable (two-sided normal tail 5.7e-7).
const mcSigmas = 5

// softplus is a smooth activation that is neither odd nor bounded, used to
// exercise Custom's general (non-odd) quadrature path and its Mean.
func softplus(x float64) float64 {
	if x > 30 { // log1p(exp(x)) = x to double precision beyond x ≈ 37
		return x
	}
	return math.Log1p(math.Exp(x))
}

// testActivations are the activations checked against independent
// computations: the three closed forms, tanh by quadrature, and a Custom one.
func testActivations() []Activation {
	return []Activation{Erf, ReLU, Linear, Tanh, Custom("softplus", softplus, nil, nil)}
}

// mcMoments returns the Monte Carlo mean of sigma(u) sigma(v) over n samples of
// (u, v) Gaussian with covariance [[a, c], [c, b]], and its standard error.
// The pair is built from two independent standard normals by a Cholesky
// factor, written here independently of the quadrature code.
func mcMoments(act Activation, a, c, b float64, n int, rnd *rand.Rand) (mean, se float64) {
	l11 := math.Sqrt(a)
	var l21, l22 float64
	if l11 > 0 {
		l21 = c / l11
		l22 = math.Sqrt(math.Max(b-l21*l21, 0))
	} else {
		l22 = math.Sqrt(b)
	}
	var s, s2 float64
	for range n {
		z1, z2 := rnd.NormFloat64(), rnd.NormFloat64()
		p := act.Eval(l11*z1) * act.Eval(l21*z1+l22*z2)
		s += p
		s2 += p * p
	}
	mean = s / float64(n)
	variance := (s2/float64(n) - mean*mean) * float64(n) / float64(n-1)
	return mean, math.Sqrt(math.Max(variance, 0) / float64(n))
}

// covCases are (a, c, b) triples: equal and unequal variances, negative,
// zero and extreme (|rho| = 1) correlations, a zero variance and variances
// large enough for Custom to leave Gauss–Hermite.
var covCases = []struct{ a, c, b float64 }{
	{1, 0.5, 1},
	{0.5, -0.3, 2},  // unequal variances, negative c (rho = -0.3)
	{2, 1.9, 2},     // rho = 0.95
	{0.3, 0, 1.5},   // independent
	{1, -1, 1},      // rho = -1 exactly
	{0.8, 0.6, 0.5}, // a > b, rho = 0.95
	{0, 0, 1.2},     // a = 0: u is identically zero
	{4, 3, 9},       // large variances (quadrature's sinh regime), rho = 0.5
	{10, -9, 10},    // rho = -0.9 at variance 10
}

func TestKfunMonteCarlo(t *testing.T) {
	t.Parallel()
	n := 200000 // samples per case: standard error ~ 2e-3 relative at unit variance
	if testing.Short() {
		n = 20000
	}
	rnd := rand.New(rand.NewPCG(1, 1))
	var worst float64 // largest |Kfun - MC| / se, reported with -v
	for _, act := range testActivations() {
		for _, tc := range covCases {
			want, se := mcMoments(act, tc.a, tc.c, tc.b, n, rnd)
			got := act.Kfun(tc.a, tc.c, tc.b)
			if se > 0 {
				worst = max(worst, math.Abs(got-want)/se)
			}
			// A zero standard error (a = 0 for erf, relu, linear, tanh) means
			// every sample was exactly 0 (or f(0)·f(v)); 1e-15 absorbs rounding.
			tol := mcSigmas*se + 1e-15
			if math.Abs(got-want) > tol {
				t.Errorf("%s: Kfun(%v, %v, %v) = %.6g, Monte Carlo %.6g ± %.2g (n=%d)",
					act.Name(), tc.a, tc.c, tc.b, got, want, se, n)
			}
		}
	}
	t.Logf("worst deviation %.2f standard errors over %d cases (n=%d)", worst, len(covCases)*len(testActivations()), n)
}

func TestMeanMonteCarlo(t *testing.T) {
	t.Parallel()
	n := 200000 // as in TestKfunMonteCarlo
	if testing.Short() {
		n = 20000
	}
	rnd := rand.New(rand.NewPCG(1, 1))
	for _, act := range testActivations() {
		for _, a := range []float64{0.25, 1, 3} {
			sa := math.Sqrt(a)
			var s, s2 float64
			for range n {
				v := act.Eval(sa * rnd.NormFloat64())
				s += v
				s2 += v * v
			}
			mean := s / float64(n)
			se := math.Sqrt((s2/float64(n) - mean*mean) / float64(n-1))
			got := act.Mean(a)
			if math.Abs(got-mean) > mcSigmas*se {
				t.Errorf("%s: Mean(%v) = %.6g, Monte Carlo %.6g ± %.2g", act.Name(), a, got, mean, se)
			}
			if act.Odd() && got != 0 {
				t.Errorf("%s is odd but Mean(%v) = %v", act.Name(), a, got)
			}
		}
	}
}

func TestReLUMeanClosedForm(t *testing.T) {
	t.Parallel()
	// E[max(0, u)] for u ~ N(0, a) is sqrt(a) E[max(0, z)] = sqrt(a) φ(0) = sqrt(a/(2π)).
	// Also checked against the quadrature of the same function: the kink at 0
	// makes it converge slowly, measured relative error 8.6e-3 where
	// Gauss–Hermite is used (a < 0.49) and 1.3e-3 at a = 1 (sinh rule), hence 1e-2.
	relu := Custom("relu-gh", ReLU.Eval, nil, nil)
	for _, a := range []float64{0, 0.01, 1, 4, 1e6} {
		want := math.Sqrt(a) / math.Sqrt(2*math.Pi)
		if got := ReLU.Mean(a); !scalar.EqualWithinAbsOrRel(got, want, 1e-15, 1e-15) {
			t.Errorf("ReLU.Mean(%v) = %v, want sqrt(a/2pi) = %v", a, got, want)
		}
		if got := relu.Mean(a); !scalar.EqualWithinAbsOrRel(got, want, 1e-15, 1e-2) {
			t.Errorf("quadrature relu Mean(%v) = %v, want %v", a, got, want)
		}
	}
}

func TestDerivFiniteDifference(t *testing.T) {
	t.Parallel()
	// Central differences with fd's default step (6e-6) have truncation error
	// ~ h² f''' ≈ 4e-11 and rounding error ~ eps/h ≈ 4e-11; 1e-8 leaves margin.
	const tol = 1e-8
	central := &fd.Settings{Formula: fd.Central}
	// The kink of ReLU is at 0; no point below is within a step of it.
	xs := []float64{-2.5, -0.7, -0.1, 0.3, 1.1, 3}
	acts := append(testActivations(), Custom("tanh-fd", math.Tanh, nil, nil)) // df = nil: internal central difference
	for _, act := range acts {
		for _, x := range xs {
			want := fd.Derivative(act.Eval, x, central)
			got := act.Deriv(x)
			if !scalar.EqualWithinAbsOrRel(got, want, tol, tol) {
				t.Errorf("%s: Deriv(%v) = %.12g, central difference %.12g", act.Name(), x, got, want)
			}
		}
	}
}

func TestByName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Activation
	}{
		{"erf", Erf}, {"ReLU", ReLU}, {" linear ", Linear}, {"identity", Linear}, {"TANH", Tanh},
	} {
		got, err := ByName(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ByName(%q) = %v, %v; want %s", tc.in, got, err, tc.want.Name())
		}
	}
	for _, name := range Names {
		act, err := ByName(name)
		if err != nil || act.Name() != name {
			t.Errorf("ByName(%q) = %v, %v", name, act, err)
		}
	}
	_, err := ByName("sigmoid")
	if err == nil || !strings.Contains(err.Error(), `"sigmoid"`) {
		t.Errorf("ByName(sigmoid) error = %v, want an error naming the value", err)
	}
}

func TestOddFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		act  Activation
		want bool
	}{{Erf, true}, {ReLU, false}, {Linear, true}, {Tanh, true}} {
		if tc.act.Odd() != tc.want {
			t.Errorf("%s.Odd() = %v, want %v", tc.act.Name(), tc.act.Odd(), tc.want)
		}
		if !tc.want {
			continue
		}
		// An activation declared odd must be odd.
		for _, x := range []float64{0.2, 1, 3.5} {
			if tc.act.Eval(-x) != -tc.act.Eval(x) {
				t.Errorf("%s declared odd but Eval(-%v) != -Eval(%v)", tc.act.Name(), x, x)
			}
		}
	}
}

// TestKfunClosedFormLimits checks special values derived by hand.
func TestKfunClosedFormLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		act     Activation
		a, c, b float64
		want    float64
	}{
		// erf: 2c/sqrt((1+2a)(1+2b)) = 2·0.5/3 = 1/3.
		{"erf unit", Erf, 1, 0.5, 1, 2 / math.Pi * math.Asin(1.0/3)},
		// erf at infinite variance and rho = 1 tends to E[sign(z)²] = 1.
		{"erf huge", Erf, 1e300, 1e300, 1e300, 1},
		// erf at infinite variance, rho = -1: E[-sign²] = -1.
		{"erf huge anti", Erf, 1e300, -1e300, 1e300, -1},
		// relu at rho = 1: E[relu(u)²] = a/2.
		{"relu rho=1", ReLU, 3, 3, 3, 1.5},
		// relu at rho = -1: relu(u) relu(-u) = 0.
		{"relu rho=-1", ReLU, 3, -3, 3, 0},
		// relu at rho = 0: (E relu)² = sqrt(ab)/(2pi).
		{"relu rho=0", ReLU, 2, 0, 8, 4 / (2 * math.Pi)},
		// relu with huge variances: a*b would overflow.
		{"relu huge", ReLU, 1e300, 1e300, 1e300, 0.5e300},
		// relu with tiny variances: a*b would underflow to 0.
		{"relu tiny", ReLU, 1e-300, 1e-300, 1e-300, 0.5e-300},
		{"linear", Linear, 2, -0.7, 3, -0.7},

		// tanh at huge variance and rho = 1: E[sign(z)²] = 1.
		{"tanh huge", Tanh, 1e300, 1e300, 1e300, 1},
		// Custom with a = b = 0: f(0)² = (log 2)².
		{"softplus zero", Custom("softplus", softplus, nil, nil), 0, 0, 0, math.Ln2 * math.Ln2},
	} {
		got := tc.act.Kfun(tc.a, tc.c, tc.b)
		// 1e-14 relative: a few roundings in asin/acos/sqrt and the quadrature sum.
		tol := 1e-14
		if tc.name == "tanh huge" {
			// At infinite variance tanh(u) tanh(v) = 1 except on a set of
			// probability O(1/sqrt(a)); the sinh rule's finest resolution
			// (1e-6, node weight 1e-6·0.125·phi(0) = 5e-8 at z = 0) bounds the error.
			tol = 1e-7
		}
		if !scalar.EqualWithinAbsOrRel(got, tc.want, 1e-300, tol) {
			t.Errorf("%s: Kfun(%v, %v, %v) = %v, want %v", tc.name, tc.a, tc.c, tc.b, got, tc.want)
		}
	}
}

// TestKfunNoNaN sweeps valid inputs, including zero, tiny and huge variances
// and correlations pushed just outside [-1, 1] by rounding, and requires a
// finite result obeying the Cauchy–Schwarz bound |K(a,c,b)| <= sqrt(K(a,a,a) K(b,b,b)).
func TestKfunNoNaN(t *testing.T) {
	t.Parallel()
	vars := []float64{0, 1e-300, 1e-12, 0.3, 1, 7, 1e12, 1e150, 1e300}
	rhos := []float64{-1 - 1e-15, -1, -0.5, 0, 0.5, 1, 1 + 1e-15} // ±(1+1e-15): rounding beyond |rho| = 1
	if testing.Short() {
		vars = []float64{0, 1e-300, 1, 1e150}
	}
	for _, act := range testActivations() {
		self := make([]float64, len(vars)) // K(a, a, a) for the Cauchy–Schwarz bound
		for i, a := range vars {
			self[i] = act.Kfun(a, a, a)
		}
		for i, a := range vars {
			for j, b := range vars {
				for _, rho := range rhos {
					c := rho * math.Sqrt(a) * math.Sqrt(b)
					got := act.Kfun(a, c, b)
					if math.IsNaN(got) || math.IsInf(got, 0) {
						t.Errorf("%s: Kfun(%g, %g, %g) = %v", act.Name(), a, c, b, got)
						continue
					}
					bound := math.Sqrt(self[i]) * math.Sqrt(self[j])
					// 1e-9 relative slack: quadrature error (at most 1e-7
					// absolute at huge variances, where the bound is O(1) or larger).
					if math.Abs(got) > bound*(1+1e-9)+1e-7 {
						t.Errorf("%s: |Kfun(%g, %g, %g)| = %g exceeds Cauchy–Schwarz bound %g", act.Name(), a, c, b, got, bound)
					}
				}
			}
		}
		for _, a := range vars {
			if m := act.Mean(a); math.IsNaN(m) || math.IsInf(m, 0) {
				t.Errorf("%s: Mean(%g) = %v", act.Name(), a, m)
			}
		}
	}
}

// TestKfunSymmetric: E[sigma(u) sigma(v)] is symmetric in the two variances;
// the closed forms and the quadrature (which orders the variances itself)
// must agree with their mirror images up to one rounding.
func TestKfunSymmetric(t *testing.T) {
	t.Parallel()
	for _, act := range testActivations() {
		for _, tc := range covCases {
			k1 := act.Kfun(tc.a, tc.c, tc.b)
			k2 := act.Kfun(tc.b, tc.c, tc.a)
			if !scalar.EqualWithinAbsOrRel(k1, k2, 1e-16, 1e-15) {
				t.Errorf("%s: Kfun(%v, %v, %v) = %v but Kfun(%v, %v, %v) = %v", act.Name(), tc.a, tc.c, tc.b, k1, tc.b, tc.c, tc.a, k2)
			}
		}
	}
}

// TestKfunInvalidNoPanic: outside the domain the result is unspecified, but
// evaluating it must not panic (the quadrature sizes its rule from the inputs).
func TestKfunInvalidNoPanic(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	for _, act := range testActivations() {
		for _, in := range [][3]float64{{nan, 0, 1}, {1, nan, 1}, {1, 0, nan}, {-1, 0, 1}, {1, 0, -1}, {inf, 0, 1}, {1, 0, inf}, {inf, inf, inf}} {
			act.Kfun(in[0], in[1], in[2])
		}
		for _, a := range []float64{nan, -1, inf} {
			act.Mean(a)
		}
	}
	if k := Tanh.Kfun(-1, 0, 1); !math.IsNaN(k) {
		t.Errorf("Tanh.Kfun(-1, 0, 1) = %v, want NaN for a negative variance", k)
	}
}
