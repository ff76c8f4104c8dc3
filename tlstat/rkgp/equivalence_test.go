package rkgp

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

// TestEquivalenceTiltGivesQ checks the tilt against the scalar theory it is
// derived from: for Gaussian features the unit's tilted readout second
// moment is (lambda1/lambda')/(1-x) in units of 1/lambda1, which must equal
// the saddle point Q found from dS/dQ = 0 (the identity is exact at the
// saddle point; the tolerance 1e-7 covers the solver's residual 1e-10
// amplified by 1/(1-x)² and the Cholesky solve's rounding).
func TestEquivalenceTiltGivesQ(t *testing.T) {
	for _, tc := range []struct {
		name string
		act  kernel.Activation
		p, n int
		temp float64
	}{
		{"erf alpha=2 T=0.05", kernel.Erf, 80, 40, 0.05},
		{"erf alpha=1/4 T=0.5", kernel.Erf, 40, 160, 0.5},
		{"linear alpha=1 T=0.1", kernel.Linear, 60, 60, 0.1},
	} {
		train, _ := synthetic(tc.p, 1, 12, 3)
		net := Network{N: tc.n, T: tc.temp, Lambda0: 1.3, Lambda1: 0.8, Act: tc.act}
		m, err := Fit(train, net, nil)
		if err != nil {
			t.Fatal(err)
		}
		fac, err := m.factor()
		if err != nil {
			t.Fatal(err)
		}
		x, _, err := m.tilt(fac)
		if err != nil {
			t.Fatal(err)
		}
		var tr float64
		for _, k := range m.sp.eig {
			tr += k / (net.T + fac.s*k)
		}
		lp := net.Lambda1 + tr/float64(net.N)
		q := net.Lambda1 / lp / (1 - x)
		if math.Abs(q-m.Q) > 1e-7*m.Q {
			t.Errorf("%s: Gaussian-feature tilt gives Q = %.12g, the saddle point %.12g", tc.name, q, m.Q)
		}
	}
}

// TestEquivalenceRankOne checks the sampled ratio against an independent
// quadrature. Inputs on one line, x_mu = r_mu e, make every preactivation a
// multiple of one standard Gaussian g = e·w √(lambda0)/|e|,
// h_mu = r_mu |e| g/√(lambda0 N0), so z is a function of g alone and the
// ratio is a one-dimensional integral, done here by the trapezoidal rule on
// [-12, 12] (error far below the Monte Carlo's). Such data are the extreme of
// few effective input dimensions: the ratio must exceed 1 clearly. The
// tolerance is 4 standard errors of the estimate.
func TestEquivalenceRankOne(t *testing.T) {
	const p, n0 = 40, 10
	train, r, _, en := rankOneTask(p, n0, rand.NewPCG(11, 1))
	net := Network{N: 50, T: 0.1, Lambda0: 1, Lambda1: 1}
	m, err := Fit(train, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	eq, err := m.Equivalence(nil)
	if err != nil {
		t.Fatal(err)
	}
	fac, err := m.factor()
	if err != nil {
		t.Fatal(err)
	}
	a := fac.alpha.RawVector().Data
	_, aka, err := m.tilt(fac)
	if err != nil {
		t.Fatal(err)
	}
	c := en / math.Sqrt(net.Lambda0*n0)
	const steps = 24000
	var num, den, norm, gsum float64
	for k := 0; k <= steps; k++ {
		g := -12 + 24*float64(k)/steps
		wt := math.Exp(-g * g / 2)
		if k == 0 || k == steps {
			wt /= 2
		}
		var z float64
		for mu := range p {
			z += a[mu] * math.Erf(r[mu]*c*g)
		}
		z2 := z * z / aka
		gsum += wt
		norm += wt * z2
		num += wt * z2 * math.Exp(eq.Tilt*z2/2)
		den += wt * math.Exp(eq.Tilt*z2/2)
	}
	if math.Abs(norm/gsum-1) > 1e-6 {
		t.Fatalf("quadrature of E z² = %v, want 1 (aᵀKa from the kernel)", norm/gsum)
	}
	want := (1 - eq.Tilt) * num / den
	t.Logf("tilt %.3f ratio %.4f ± %.4f (acceptance %.2f), quadrature %.4f", eq.Tilt, eq.Ratio, eq.StdErr, eq.Acceptance, want)
	if math.Abs(eq.Ratio-want) > 4*eq.StdErr {
		t.Errorf("ratio %.4f ± %.4f, quadrature %.4f", eq.Ratio, eq.StdErr, want)
	}
	if want < 2 {
		t.Errorf("rank-one inputs: quadrature ratio %.4f, expected well above 1 (tilt %.3f)", want, eq.Tilt)
	}
}

// TestEquivalenceGaussianFeatures checks the sampler where the answer is
// known exactly: for the linear activation z is Gaussian under the prior and
// the tilted ratio is 1. The sampler itself (not the Exact shortcut) must
// find it within 4 standard errors, and Equivalence must report it as exact.
func TestEquivalenceGaussianFeatures(t *testing.T) {
	train, _ := synthetic(60, 1, 12, 4)
	net := Network{N: 40, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.Linear}
	m, err := Fit(train, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	eq, err := m.Equivalence(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !eq.Exact || eq.Ratio != 1 {
		t.Errorf("linear activation: %+v, want Ratio 1 exactly", eq)
	}
	fac, _ := m.factor()
	x, aka, err := m.tilt(fac)
	if err != nil {
		t.Fatal(err)
	}
	mean, se, _ := m.tiltedMoment(fac.alpha.RawVector().Data, aka, x, 16, 1000, 1000, rand.New(rand.NewPCG(5, 6)))
	if ratio := (1 - x) * mean; math.Abs(ratio-1) > 4*(1-x)*se {
		t.Errorf("Gaussian features (tilt %.3f): sampled ratio %.4f ± %.4f, want 1", x, ratio, (1-x)*se)
	}
}

// TestEquivalenceInputDimensions checks the premise's dependence on the
// inputs: at fixed P, T and width, isotropic inputs with few dimensions (the
// preactivations at different inputs strongly dependent) give a ratio well
// above 1, and the departure shrinks as the input dimension grows (the
// preactivations become nearly independent and z nearly Gaussian). The
// bound 0.05 for N0 = 64 is the largest departure measured on the validity
// map where the theory agrees with simulations (Gaussian teachers,
// P/N0 <= 2.5).
func TestEquivalenceInputDimensions(t *testing.T) {
	ratio := func(n0 int) Equivalence {
		train, _ := synthetic(100, 1, n0, 8)
		m, err := Fit(train, Network{N: 200, T: 0.1, Lambda0: 1, Lambda1: 1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		eq, err := m.Equivalence(nil)
		if err != nil {
			t.Fatal(err)
		}
		return eq
	}
	r4, r16, r64 := ratio(4), ratio(16), ratio(64)
	t.Logf("N0 = 4: %+v\nN0 = 16: %+v\nN0 = 64: %+v", r4, r16, r64)
	if math.Abs(r64.Ratio-1) > 0.05+4*r64.StdErr {
		t.Errorf("N0 = 64: ratio %.4f ± %.4f, want within 0.05 of 1", r64.Ratio, r64.StdErr)
	}
	if r4.Ratio-r16.Ratio < 4*math.Hypot(r4.StdErr, r16.StdErr) || r4.Ratio < 1.2 {
		t.Errorf("ratio does not fall from N0 = 4 (%.4f ± %.4f) to N0 = 16 (%.4f ± %.4f)", r4.Ratio, r4.StdErr, r16.Ratio, r16.StdErr)
	}
}

// TestEquivalenceErrors checks the refusals.
func TestEquivalenceErrors(t *testing.T) {
	train, _ := synthetic(30, 1, 6, 2)
	relu, err := Fit(train, Network{N: 20, T: 0.1, Lambda0: 1, Lambda1: 1, Act: kernel.ReLU}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := relu.Equivalence(nil); err == nil {
		t.Error("ReLU model: no error")
	}
	m, err := Fit(train, Network{N: 20, T: 0.1, Lambda0: 1, Lambda1: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Equivalence(&EquivalenceSettings{Chains: 1}); err == nil {
		t.Error("one chain: no error")
	}
	var nilModel *Model
	if _, err := nilModel.Equivalence(nil); err == nil {
		t.Error("nil model: no error")
	}
}
