package rkgp

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// denseScalarAction returns S(q; K(Σ)) = q − log q + (1/N)[log det G + yᵀG⁻¹y],
// G = T I + (q/lambda1) K(Σ), computed densely.
func denseScalarAction(t *testing.T, train *data.Dataset, net Network, sigma *mat.SymDense, q float64) float64 {
	t.Helper()
	mk, err := newMetricKernel(net.Activation(), train.X, sigma)
	if err != nil {
		t.Fatal(err)
	}
	kr := mat.DenseCopyOf(mk.k)
	kr.Scale(q/net.Lambda1, kr)
	return q - math.Log(q) + denseAction(t, kr, train.Y, net.T, net.N)
}

// randomSym returns a symmetric n×n direction with unit Frobenius norm.
func randomSym(n int, rnd *rand.Rand) *mat.SymDense {
	e := mat.NewSymDense(n, nil)
	var norm float64
	for i := range n {
		for j := i; j < n; j++ {
			v := rnd.NormFloat64()
			e.SetSym(i, j, v)
			norm += v * v
			if i != j {
				norm += v * v
			}
		}
	}
	e.ScaleSym(1/math.Sqrt(norm), e)
	return e
}

// TestMetricGradient checks the stationarity condition's ingredient against
// finite differences: at fixed Q, dS(Q; K(Σ))/dΣ along a direction E is
// −tr(H E), with H = (Qb/(N N0)) Xᵀ Γ X built from the derivatives of the
// two-point function (including the E[σ″σ] terms on Γ's diagonal).
func TestMetricGradient(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(30, 5, 8, 11)
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, act := range []kernel.Activation{kernel.Erf, kernel.Linear} {
		net := Network{N: 20, T: 0.1, Lambda0: 1.5, Lambda1: 0.8, Act: act}
		m, err := Fit(train, net, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, n0 := train.X.Dims()
		// Σ: the prior covariance plus a random positive perturbation.
		sigma := randomSym(n0, rnd)
		sigma.SymOuterK(0.3, mat.DenseCopyOf(sigma))
		for i := range n0 {
			sigma.SetSym(i, i, sigma.At(i, i)+1/net.Lambda0)
		}
		q := 1.3
		mk, err := newMetricKernel(act, train.X, sigma)
		if err != nil {
			t.Fatal(err)
		}
		sp := &spectrum{act: act, lambda0: net.Lambda0, x: train.X, y: train.Y, b: mk.k}
		sp.tridiagonalize()
		inner := &Model{Net: net, Q: q, settings: m.settings, sp: sp, fac: &factorCache{}}
		fac, err := inner.factor()
		if err != nil {
			t.Fatal(err)
		}
		h, err := m.metricPull(mk, fac, q/net.Lambda1)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			e := randomSym(n0, rnd)
			var want float64
			for i := range n0 {
				for j := range n0 {
					want -= h.At(i, j) * e.At(i, j)
				}
			}
			const eps = 1e-4
			plus, minus := mat.NewSymDense(n0, nil), mat.NewSymDense(n0, nil)
			plus.AddSym(sigma, scaledSym(eps, e))
			minus.AddSym(sigma, scaledSym(-eps, e))
			got := (denseScalarAction(t, train, net, plus, q) - denseScalarAction(t, train, net, minus, q)) / (2 * eps)
			// Central differences: O(eps²) truncation, about 1e-8 of the
			// derivative here, plus the 1e-10 relative error of the
			// two-point function's own differences.
			if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("%s: dS/dΣ·E = %.10g by finite differences, %.10g from H", act.Name(), got, want)
			}
		}
	}
}

func scaledSym(a float64, e *mat.SymDense) *mat.SymDense {
	out := mat.NewSymDense(e.SymmetricDim(), nil)
	out.ScaleSym(a, e)
	return out
}

// TestMetricKernelErf checks the differenced derivatives of the erf
// two-point function against Price's theorem in closed form:
// ∂K/∂C_μν = E[σ'(h_μ)σ'(h_ν)] = (4/π)[(1+2a)(1+2b) − 4c²]^(−1/2).
func TestMetricKernelErf(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(12, 2, 6, 2)
	_, n0 := train.X.Dims()
	sigma := mat.NewSymDense(n0, nil)
	for i := range n0 {
		sigma.SetSym(i, i, 0.7)
	}
	mk, err := newMetricKernel(kernel.Erf, train.X, sigma)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		for j := i + 1; j < 12; j++ {
			a, b, c := mk.c.At(i, i), mk.c.At(j, j), mk.c.At(i, j)
			want := 4 / math.Pi / math.Sqrt((1+2*a)*(1+2*b)-4*c*c)
			// 1e-8: the central differences' error (see kfunStep).
			if !scalar.EqualWithinRel(mk.dc.At(i, j), want, 1e-8) {
				t.Errorf("(%d, %d): ∂K/∂C = %.12g, want %.12g", i, j, mk.dc.At(i, j), want)
			}
		}
	}
}

// TestMetricStationary checks that the fixed point is a stationary point of
// F(Σ) = ½ S(Q*(Σ); K(Σ)) + KL(Σ) with Q re-solved at every Σ: the
// derivative along random directions vanishes compared with either term's.
func TestMetricStationary(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(40, 5, 8, 7)
	net := Network{N: 30, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.Erf}
	m, err := Fit(train, net, &Settings{Variant: Metric, Metric: MetricSettings{Tol: 1e-11, MaxIter: 2000}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := m.Metric()
	if err != nil {
		t.Fatal(err)
	}
	freeEnergy := func(sigma *mat.SymDense) (total, entropy float64) {
		_, inner, _, err := m.metricAt(sigma)
		if err != nil {
			t.Fatal(err)
		}
		e := metricEntropy(sigma, net.Lambda0)
		return 0.5*inner.Action + e, e
	}
	if got, _ := freeEnergy(f.Sigma); !scalar.EqualWithinRel(got, f.FreeEnergy, 1e-12) {
		t.Errorf("free energy %.14g, recomputed %.14g", f.FreeEnergy, got)
	}
	_, n0 := train.X.Dims()
	rnd := rand.New(rand.NewPCG(5, 6))
	for range 3 {
		e := randomSym(n0, rnd)
		const eps = 1e-4
		plus, minus := mat.NewSymDense(n0, nil), mat.NewSymDense(n0, nil)
		plus.AddSym(f.Sigma, scaledSym(eps, e))
		minus.AddSym(f.Sigma, scaledSym(-eps, e))
		fp, ep := freeEnergy(plus)
		fm, em := freeEnergy(minus)
		dF, dKL := (fp-fm)/(2*eps), (ep-em)/(2*eps)
		// At the stationary point the two terms cancel: what is left is the
		// fixed point's tolerance and the differences' O(eps²) error.
		if math.Abs(dF) > 1e-6*math.Max(math.Abs(dKL), 1e-3) {
			t.Errorf("dF/dΣ·E = %.3g, with dKL/dΣ·E = %.3g: not stationary", dF, dKL)
		}
	}
}

// TestMetricWide checks the limit N → ∞ at fixed P: Σ → I/lambda0 and the
// predictions become the scalar theory's (the pull H is O(P/N)).
func TestMetricWide(t *testing.T) {
	t.Parallel()
	train, test := synthetic(40, 20, 10, 5)
	net := Network{N: 10_000_000, T: 0.1, Lambda0: 2, Lambda1: 1, Act: kernel.Erf}
	m, err := Fit(train, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	mv, err := m.WithVariant(Metric)
	if err != nil {
		t.Fatal(err)
	}
	f, err := mv.Metric()
	if err != nil {
		t.Fatal(err)
	}
	_, n0 := train.X.Dims()
	for i := range n0 {
		for j := range n0 {
			want := 0.0
			if i == j {
				want = 1 / net.Lambda0
			}
			// O(P/N) = 4e-6.
			if math.Abs(f.Sigma.At(i, j)-want) > 1e-4 {
				t.Fatalf("Σ(%d, %d) = %v, want %v", i, j, f.Sigma.At(i, j), want)
			}
		}
	}
	rs, err := m.Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	rm, err := mv.Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	if !scalar.EqualWithinRel(rm.Total, rs.Total, 1e-4) || !scalar.EqualWithinRel(f.Q, m.Q, 1e-4) {
		t.Errorf("metric: ε = %v, Q = %v; scalar: ε = %v, Q = %v", rm.Total, f.Q, rs.Total, m.Q)
	}
}

// TestMetricNoStationaryPoint checks the error when the likelihood's pull on
// the first layer exceeds the prior's precision.
func TestMetricNoStationaryPoint(t *testing.T) {
	t.Parallel()
	train, test := synthetic(60, 5, 4, 9)
	net := Network{N: 1, T: 0.001, Lambda0: 1, Lambda1: 1, Act: kernel.Erf}
	m, err := Fit(train, net, &Settings{Variant: Metric})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Risk(test)
	if err == nil || !strings.Contains(err.Error(), "not positive definite") {
		t.Fatalf("got error %v, want one saying the first-layer precision is not positive definite", err)
	}
}
