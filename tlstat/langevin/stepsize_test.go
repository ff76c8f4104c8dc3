package langevin

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
)

// stepCase is the documented small case of the step-size test: Gaussian
// inputs N0 = 10, random ±1 labels, P = 20, 50 test points, erf network of
// width N = 20, T = 0.1, λ0 = λ1 = 1.
func stepCase() (train, test *data.Dataset, net Network) {
	rng := rand.New(rand.NewPCG(13, 13))
	return randomData(20, 10, rng), randomData(50, 10, rng), Network{N: 20, T: 0.1, Lambda0: 1, Lambda1: 1}
}

// TestStepSizeConvergence halves the ULA step size and compares the test
// error with MALA (exact at any step size). It reports the drift and fails
// if the ULA results differ from each other, or from MALA, by more than
// their combined error bar times 4 (the ULA bias at c = 0.1 is expected
// well below the statistical error here; the test would catch a sampler
// whose stationary law depends on η at the level of the error bar).
func TestStepSizeConvergence(t *testing.T) {
	if testing.Short() {
		t.Skip("long: three runs of 8 chains")
	}
	train, test, net := stepCase()
	run := func(m Method, c float64) *Result {
		s := &Sampler{Method: m, Chains: 8, Steps: 20000, Thin: 20, StepFactor: c, Src: rand.NewPCG(14, 14)}
		r, err := s.Run(net, train, test)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%v c=%.3g: eta = %.4g (λ_GN = %.4g), burn-in %d, test error %.4f ± %.4f, train error %.4f ± %.4f, |v|²/N %.4f ± %.4f, acceptance %.3f",
			m, c, r.Eta, r.LambdaMax, r.BurnIn, r.TestError.Mean, r.TestError.Err, r.TrainError.Mean, r.TrainError.Err,
			r.VNorm.Mean, r.VNorm.Err, r.Acceptance)
		return r
	}
	u1 := run(ULA, 0.1) // c = 0.1: twice the default
	u2 := run(ULA, 0.05)
	mala := run(MALA, 0.5)
	cmp := func(name string, a, b Estimate) {
		d := a.Mean - b.Mean
		e := math.Hypot(a.Err, b.Err)
		t.Logf("%s: difference %.4f ± %.4f (%.1fσ)", name, d, e, math.Abs(d)/e)
		if math.Abs(d) > 4*e { // 4σ
			t.Errorf("%s: difference %.4f exceeds 4 × %.4f", name, d, e)
		}
	}
	cmp("ULA eta vs eta/2, test error", u1.TestError, u2.TestError)
	cmp("ULA eta/2 vs MALA, test error", u2.TestError, mala.TestError)
	cmp("ULA eta vs eta/2, train error", u1.TrainError, u2.TrainError)
	cmp("ULA eta/2 vs MALA, train error", u2.TrainError, mala.TrainError)
}
