package langevin

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// TestSplitRHat checks the diagnostic on series with known answers: a hand
// computed case, independent draws (R̂ → 1), a chain whose mean shifts
// half-way, chains with different means, and the degenerate cases.
func TestSplitRHat(t *testing.T) {
	// Hand computed: halves {1,2}, {3,4}, {2,3}, {4,5}: n = 2, W = 0.5 (each
	// half has variance 0.5), means 1.5, 3.5, 2.5, 4.5 with variance 5/3,
	// so R̂ = √((1/2·0.5 + 5/3)/0.5) = √(23/6).
	if got, want := SplitRHat([][]float64{{1, 2, 3, 4}, {2, 3, 4, 5}}), math.Sqrt(23.0/6); !scalar.EqualWithinAbsOrRel(got, want, 1e-14, 1e-14) {
		t.Errorf("hand case: %v, want %v", got, want)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	draw := func(n int, shift func(i int) float64) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64() + shift(i)
		}
		return x
	}
	none := func(int) float64 { return 0 }
	iid := SplitRHat([][]float64{draw(4000, none), draw(4000, none), draw(4000, none), draw(4000, none)})
	if math.Abs(iid-1) > 0.005 {
		t.Errorf("independent draws: R̂ = %v, want 1 within 0.005", iid)
	}
	drift := SplitRHat([][]float64{draw(4000, func(i int) float64 {
		if i < 2000 {
			return 0
		}
		return 1
	})})
	if drift < 1.1 {
		t.Errorf("a chain whose mean moves by one standard deviation half-way: R̂ = %v, want > 1.1", drift)
	}
	apart := SplitRHat([][]float64{draw(4000, none), draw(4000, func(int) float64 { return 2 })})
	if apart < 1.3 {
		t.Errorf("two chains two standard deviations apart: R̂ = %v, want > 1.3", apart)
	}
	for name, c := range map[string][][]float64{"no chains": nil, "too short": {{1, 2, 3}, {1, 2, 3, 4}}} {
		if r := SplitRHat(c); !math.IsNaN(r) {
			t.Errorf("%s: R̂ = %v, want NaN", name, r)
		}
	}
	if r := SplitRHat([][]float64{{2, 2, 2, 2}}); r != 1 {
		t.Errorf("constant chain: R̂ = %v, want 1", r)
	}
	if r := SplitRHat([][]float64{{1, 1, 2, 2}}); !math.IsInf(r, 1) {
		t.Errorf("constant halves with different means: R̂ = %v, want +Inf", r)
	}
}

// TestRHatReported checks that Run reports R̂ near 1 for a converged run
// and Transfer a per-chain value for its targets.
func TestRHatReported(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	train := randomData(20, 6, rng)
	test := randomData(10, 6, rng)
	net := Network{N: 10, T: 0.2, Lambda0: 1, Lambda1: 1}
	s := &Sampler{Method: MALA, Chains: 4, Steps: 4000, Src: rand.NewPCG(1, 2)}
	r, err := s.Run(net, train, test)
	if err != nil {
		t.Fatal(err)
	}
	for name, e := range map[string]Estimate{"test error": r.TestError, "train error": r.TrainError, "vnorm": r.VNorm} {
		if !(e.RHat > 0.98 && e.RHat < 1.1) {
			t.Errorf("%s: R̂ = %v, want near 1 for an equilibrated small problem", name, e.RHat)
		}
	}
	// Without burn-in the chains start from the prior and are measured while
	// they relax: R̂ must show it.
	cold := &Sampler{Method: MALA, Chains: 4, Steps: 300, Thin: 2, BurnIn: -1, Src: rand.NewPCG(1, 2)}
	rc, err := cold.Run(Network{N: 10, T: 0.02, Lambda0: 1, Lambda1: 1}, train, test)
	if err != nil {
		t.Fatal(err)
	}
	if !(rc.TrainError.RHat > 1.1) {
		t.Errorf("no burn-in: training error R̂ = %v, want > 1.1", rc.TrainError.RHat)
	}
	t.Logf("R̂ equilibrated %.3f, without burn-in %.3f", r.TrainError.RHat, rc.TrainError.RHat)
	tr, err := s.Transfer(net, TransferProblem{Source: train, SourceTest: test, Target: train, TargetTest: test, Gammas: []float64{1}})
	if err != nil {
		t.Fatal(err)
	}
	if e := tr.Targets[0].TestError; !(e.RHat > 0.98 && e.RHat < 1.1) {
		t.Errorf("target test error R̂ = %v, want near 1", e.RHat)
	}
}
