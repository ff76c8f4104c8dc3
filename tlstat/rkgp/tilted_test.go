package rkgp

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// TestTiltedLinearIsScalar checks the reduction that holds exactly: for the
// linear activation a unit's features are Gaussian, m2 = 1/(1−kappa), and
// the tilted variant is the scalar theory: QB = QC = Q, the same test
// error, readout norm Q/lambda1, and free energy −S(Q)/2 + 1/2.
func TestTiltedLinearIsScalar(t *testing.T) {
	t.Parallel()
	train, test := synthetic(60, 30, 12, 3)
	for _, net := range []Network{
		{N: 40, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.Linear},
		{N: 200, T: 0.3, Lambda0: 2, Lambda1: 0.5, Act: kernel.Linear},
	} {
		m, mt, f := fitTilted(t, train, net, nil)
		// 1e-8: the fixed point is found by Brent's method to 1e-13 in log QB
		// and 1e-12 in kappa; the scalar Q to a residual of 1e-10.
		if !scalar.EqualWithinRel(f.QB, m.Q, 1e-8) || !scalar.EqualWithinRel(f.QC, m.Q, 1e-8) {
			t.Errorf("N = %d: QB = %.12g, QC = %.12g, want the scalar Q = %.12g", net.N, f.QB, f.QC, m.Q)
		}
		if f.Stationary != 1 || !f.Converged {
			t.Errorf("N = %d: %d stationary points, converged %v; want one, converged", net.N, f.Stationary, f.Converged)
		}
		rs, err := m.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		rt, err := mt.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		if !scalar.EqualWithinRel(rt.Total, rs.Total, 1e-8) || !scalar.EqualWithinRel(rt.Variance, rs.Variance, 1e-7) {
			t.Errorf("N = %d: tilted risk %+v, scalar %+v", net.N, rt, rs)
		}
		norm, err := mt.VariantReadoutNorm()
		if err != nil {
			t.Fatal(err)
		}
		if !scalar.EqualWithinRel(norm, m.ReadoutNorm(), 1e-8) {
			t.Errorf("N = %d: readout norm %v, want %v", net.N, norm, m.ReadoutNorm())
		}
		// The tabulated psi integrates m2 by the trapezoid rule on a grid of
		// 2049 points: error below 1e-6 for these tilts.
		if want := -m.Action/2 + 0.5; math.Abs(f.FreeEnergy-want) > 1e-6 {
			t.Errorf("N = %d: free energy %.10g, want −S/2 + 1/2 = %.10g", net.N, f.FreeEnergy, want)
		}
	}
}

// TestTiltedWide checks the infinite-width limit at fixed P: the tilt
// vanishes like 1/N, QB and QC go to 1 and the predictions to the NNGP's.
func TestTiltedWide(t *testing.T) {
	t.Parallel()
	train, test := synthetic(40, 20, 10, 5)
	net := Network{N: 10_000_000, T: 0.1, Lambda0: 1, Lambda1: 1, Act: kernel.Erf}
	m, mt, f := fitTilted(t, train, net, &Settings{Tilted: TiltedSettings{Steps: 200}})
	// The corrections are O(P/N) = 4e-6 here.
	if math.Abs(f.QB-1) > 1e-4 || math.Abs(f.QC-1) > 1e-4 || f.Tilt > 1e-4 {
		t.Errorf("N = %d: QB = %v, QC = %v, tilt %v; want 1, 1, 0", net.N, f.QB, f.QC, f.Tilt)
	}
	rt, err := mt.Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	ri, err := m.NNGP().Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	if !scalar.EqualWithinRel(rt.Total, ri.Total, 1e-4) {
		t.Errorf("N = %d: tilted test error %v, NNGP %v", net.N, rt.Total, ri.Total)
	}
}

// TestTiltedStationary checks by finite differences that the fixed point
// is a stationary point of the free energy as a function of (QB, QC), with
// B, C and kappa = −C/(1+B) following from them: the gradient vanishes
// where the saddle-point equations hold.
func TestTiltedStationary(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(80, 10, 6, 7)
	m, err := Fit(train, Network{N: 60, T: 0.02, Lambda0: 1, Lambda1: 1, Act: kernel.Erf}, &Settings{Tilted: TiltedSettings{Steps: 400}})
	if err != nil {
		t.Fatal(err)
	}
	mt, err := m.WithVariant(Tilted)
	if err != nil {
		t.Fatal(err)
	}
	st, err := mt.tiltedState()
	if err != nil {
		t.Fatal(err)
	}
	f := st.fit
	free := func(lqb, lqc float64) float64 {
		p, ok := st.sys.eval(math.Exp(lqb), math.Exp(lqc), nil)
		if !ok {
			t.Fatalf("G not positive definite at (%v, %v)", lqb, lqc)
		}
		_, psi := st.curve.at(-p.c / (1 + p.b))
		return st.sys.freeEnergy(p, psi)
	}
	lqb, lqc := math.Log(f.QB), math.Log(f.QC)
	if got := free(lqb, lqc); !scalar.EqualWithinAbs(got, f.FreeEnergy, 1e-9) {
		t.Errorf("free energy %v at the fixed point, reported %v", got, f.FreeEnergy)
	}
	const h = 1e-4
	gb := (free(lqb+h, lqc) - free(lqb-h, lqc)) / (2 * h)
	gc := (free(lqb, lqc+h) - free(lqb, lqc-h)) / (2 * h)
	// Scale: each term of F moves by about ½ QB B per unit of log QB; the
	// stationarity holds to the tolerance of the root searches (1e-12 in
	// kappa), far below 1e-6 of that scale; the tabulated m2 is piecewise
	// linear, so the difference quotient is exact only to O(h²).
	p, _ := st.sys.eval(f.QB, f.QC, nil)
	sc := math.Abs(0.5*f.QB*p.b) + math.Abs(0.5*f.QC*p.c)
	if math.Abs(gb) > 1e-6*sc+1e-7 || math.Abs(gc) > 1e-6*sc+1e-7 {
		t.Errorf("dF/dlog QB = %v, dF/dlog QC = %v at the fixed point (scale %v)", gb, gc, sc)
	}
	if f.Tilt <= 0 || f.QB <= 0 || f.QC <= 0 {
		t.Errorf("fixed point %+v", f)
	}
}

// TestTiltCurve checks the tabulation and reweighting of m2(kappa) against
// the standard normal, whose tilted law is N(0, 1/(1−kappa)): draws are
// made exactly at every rung, and m2 and psi must match 1/(1−kappa) and
// −½ log(1−kappa) within their Monte Carlo error.
func TestTiltCurve(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 9))
	const draws = 40000
	kappas := []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5}
	z2 := make([][]float64, len(kappas))
	for j, k := range kappas {
		z2[j] = make([]float64, draws)
		sd := 1 / math.Sqrt(1-k)
		for i := range z2[j] {
			z := sd * rng.NormFloat64()
			z2[j][i] = z * z
		}
	}
	c, err := newTiltCurve(kappas, z2)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []float64{0, 0.05, 0.17, 0.3, 0.42, 0.5} {
		m2, psi := c.at(k)
		want := 1 / (1 - k)
		// The mean of z² from 40000 independent draws has relative standard
		// error √(2/40000) = 0.7%; reweighting by up to half a rung spacing
		// adds a few tenths of a percent: 3% is over three standard errors.
		if !scalar.EqualWithinRel(m2, want, 0.03) {
			t.Errorf("m2(%v) = %v, want %v", k, m2, want)
		}
		if wantPsi := -math.Log1p(-k) / 2; math.Abs(psi-wantPsi) > 0.03*wantPsi+1e-12 {
			t.Errorf("psi(%v) = %v, want %v", k, psi, wantPsi)
		}
	}
	if _, err := newTiltCurve([]float64{0.1, 0.2}, z2[:2]); err == nil {
		t.Error("a ladder that does not start at 0 was accepted")
	}
	// Reweighting a two-point law is exact: z² ∈ {1, 4} equally often,
	// tilted by dk: m2 = (e^{dk/2} + 4 e^{2dk}) / (e^{dk/2} + e^{2dk}).
	const dk = 0.3
	want := (math.Exp(dk/2) + 4*math.Exp(2*dk)) / (math.Exp(dk/2) + math.Exp(2*dk))
	if got := reweighted([]float64{1, 4, 4, 1}, dk); !scalar.EqualWithinRel(got, want, 1e-14) {
		t.Errorf("reweighted = %v, want %v", got, want)
	}
}

// TestTiltLadderRankOne checks the replica-exchange sampler against exact
// one-dimensional quadrature: when every input is a multiple r_mu e of one
// vector, z depends on the weights only through g = e·ξ/|e| ~ N(0, 1), and
// E_kappa[z²] is a one-dimensional integral.
func TestTiltLadderRankOne(t *testing.T) {
	t.Parallel()
	const p, n0 = 30, 8
	train, r, _, en := rankOneTask(p, n0, rand.NewPCG(21, 2))
	m, err := Fit(train, Network{N: 50, T: 0.1, Lambda0: 1, Lambda1: 1, Act: kernel.Erf}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The direction: a = y, normalized by its kernel quadratic form.
	y := train.Y
	ya := mat.NewVecDense(p, y)
	var ka mat.VecDense
	ka.MulVec(m.sp.b, ya)
	aka := mat.Dot(ya, &ka)
	ahat := make([]float64, p)
	for i := range ahat {
		ahat[i] = y[i] / math.Sqrt(aka)
	}
	c := en / math.Sqrt(n0)
	exact := func(kappa float64) float64 {
		const steps = 20000
		var num, den float64
		for k := 0; k <= steps; k++ {
			g := -12 + 24*float64(k)/steps
			var z float64
			for mu := range p {
				z += ahat[mu] * math.Erf(r[mu]*c*g)
			}
			w := math.Exp(-g*g/2 + kappa*z*z/2)
			num += w * z * z
			den += w
		}
		return num / den
	}
	kappas := []float64{0, 0.15, 0.3, 0.45}
	const replicas, keep = 8, 1500
	l := tiltLadder{kappas: kappas, replicas: replicas, warm: 500, keep: keep, swapEvery: 10}
	dr := l.run(m, ahat, rand.New(rand.NewPCG(4, 4)))
	if dr.swaps <= 0 || dr.swaps > 1 {
		t.Errorf("swap acceptance %v", dr.swaps)
	}
	for j, k := range kappas {
		means := dr.chainMeans[j*replicas : (j+1)*replicas]
		got, sd := stat.MeanStdDev(means, nil)
		se := sd / math.Sqrt(float64(len(means)))
		want := exact(k)
		// Five standard errors of the replicas' spread (exchange makes the
		// replicas of neighbouring rungs correlated, so the spread is itself
		// noisy: a generous bound).
		if math.Abs(got-want) > 5*se+0.01*want {
			t.Errorf("kappa = %v: sampled m2 = %v ± %v, quadrature %v", k, got, se, want)
		}
	}
}

// TestTiltedReproducible checks that a fit is reproducible for a fixed
// seed.
func TestTiltedReproducible(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(50, 10, 6, 11)
	fit := func() TiltedFit {
		m, err := Fit(train, Network{N: 30, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.Erf},
			&Settings{Variant: Tilted, Tilted: TiltedSettings{Steps: 200, Src: rand.NewPCG(5, 5)}})
		if err != nil {
			t.Fatal(err)
		}
		f, err := m.Tilted()
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if a, b := fit(), fit(); a != b {
		t.Errorf("two fits with the same seed differ:\n%+v\n%+v", a, b)
	}
}

// TestTiltedErrors checks the variant's refusals.
func TestTiltedErrors(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(20, 5, 4, 13)
	relu := Network{N: 20, T: 0.1, Lambda0: 1, Lambda1: 1, Act: kernel.ReLU}
	if _, err := Fit(train, relu, &Settings{Variant: Tilted}); err == nil {
		t.Error("Fit accepted the tilted variant for ReLU")
	}
	m, err := Fit(train, relu, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.WithVariant(Tilted); err == nil {
		t.Error("WithVariant accepted the tilted variant for ReLU")
	}
	if _, err := m.Tilted(); err == nil {
		t.Error("Tilted solved a ReLU model")
	}
	var nilModel *Model
	if _, err := nilModel.Tilted(); err == nil {
		t.Error("Tilted accepted a nil model")
	}
}

// TestTiltedMonteCarloErrors checks the Monte Carlo standard errors: zero where the
// variant is exact (linear activation) or deterministic (scalar), positive
// and finite for sampled features.
func TestTiltedMonteCarloErrors(t *testing.T) {
	t.Parallel()
	train, test := synthetic(60, 30, 6, 17)
	for _, tc := range []struct {
		act   kernel.Activation
		exact bool
	}{{kernel.Linear, true}, {kernel.Erf, false}} {
		m, mt, f := fitTilted(t, train, Network{N: 40, T: 0.05, Lambda0: 1, Lambda1: 1, Act: tc.act}, &Settings{Tilted: TiltedSettings{Steps: 300}})
		if se, err := m.VariantRiskErr(test); err != nil || se != 0 {
			t.Errorf("%s scalar: Monte Carlo error %v (%v), want 0", tc.act.Name(), se, err)
		}
		se, err := mt.VariantRiskErr(test)
		if err != nil {
			t.Fatal(err)
		}
		rt, err := mt.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		if tc.exact {
			if f.QBErr != 0 || f.QCErr != 0 || se != 0 {
				t.Errorf("linear: errors QB %v, QC %v, test error %v; want 0", f.QBErr, f.QCErr, se)
			}
			continue
		}
		// Positive, and small against the values themselves (300 steps).
		if !(f.QBErr > 0 && f.QBErr < 0.2*f.QB) || !(f.QCErr > 0 && f.QCErr < 0.5*f.QC) || !(se > 0 && se < 0.1*rt.Total) {
			t.Errorf("erf: errors QB %v (QB %v), QC %v (QC %v), test error %v (%v)", f.QBErr, f.QB, f.QCErr, f.QC, se, rt.Total)
		}
	}
}

// fitTilted fits the scalar theory of net to train with settings s and
// solves its tilted variant: the scalar model, the tilted one and its fixed
// point.
func fitTilted(t *testing.T, train *data.Dataset, net Network, s *Settings) (m, mt *Model, f TiltedFit) {
	t.Helper()
	m, err := Fit(train, net, s)
	if err != nil {
		t.Fatal(err)
	}
	if mt, err = m.WithVariant(Tilted); err != nil {
		t.Fatal(err)
	}
	if f, err = mt.Tilted(); err != nil {
		t.Fatal(err)
	}
	return m, mt, f
}
