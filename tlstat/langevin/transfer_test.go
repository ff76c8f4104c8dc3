package langevin

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCoupledPrior checks the coupling energy (γ/2)|W - W_s|² without data:
// each entry of W is then Gaussian with mean γ W_s/(λ0+γ) and variance
// 1/(λ0+γ) (docs/theory.md §4 before averaging over W_s).
func TestCoupledPrior(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 15))
	const n, n0 = 6, 4 // 24 first-layer weights
	net := Network{N: n, T: 0.5, Lambda0: 1.3, Lambda1: 1}
	const gamma = 2.5 // arbitrary coupling
	ws := make([]float64, n*n0)
	for i := range ws {
		ws[i] = 2 * rng.NormFloat64()
	}
	pr, err := newProblem(net, nil, n0, gamma, ws, false)
	if err != nil {
		t.Fatal(err)
	}
	const chains = 8
	for _, method := range []Method{MALA, HMC} {
		mo := newMoments(chains, 2)
		steps := 20000
		if method == HMC {
			steps = 2000
		}
		set, _ := (&Sampler{Method: method, Thin: 2, BurnIn: 500, Steps: steps}).resolve()
		rngs := deriveRNGs(rand.NewPCG(16, 16), chains)
		sp := &stageSpec{warmup: 500, burnIn: 500, n: n}
		sp.gated[obsVNorm] = true
		for c := 0; c < chains; c++ {
			p := newParams(n, n0)
			priorDraw(p, net.Lambda0, net.Lambda1, rngs[c])
			if method == HMC {
				sp.chains = append(sp.chains, newHMCChain(pr, p.w, set.leap, rngs[c]))
				continue
			}
			// ε(λ0+γ) = 0.4: fast mixing; 500 burn-in steps tune MALA.
			ch, err := newJointChain(pr, nil, p, 0.4/(net.T*(net.Lambda0+gamma)), set, rngs[c], c, nil)
			if err != nil {
				t.Fatal(err)
			}
			sp.chains = append(sp.chains, ch)
		}
		_, err := runStage(sp, set, &tracker{}, func(st State) {
			// Standardized residuals z = (w - mean)·√(λ0+γ): E z = 0, E z² = 1.
			s1, s2 := 0.0, 0.0
			for i, w := range st.W {
				z := (w - gamma*ws[i]/(net.Lambda0+gamma)) * math.Sqrt(net.Lambda0+gamma)
				s1 += z
				s2 += z * z
			}
			mo.add(st.Chain, []float64{s1 / float64(len(st.W)), s2 / float64(len(st.W))})
		})
		if err != nil {
			t.Fatal(err)
		}
		m := mo.stat(func(mean, _ []float64) float64 { return mean[0] })
		v := mo.stat(func(mean, _ []float64) float64 { return mean[1] })
		t.Logf("%v: standardized mean %.4f ± %.4f (want 0), second moment %.4f ± %.4f (want 1)", method, m.Mean, m.Err, v.Mean, v.Err)
		if !within(m, 0, 4) || !within(v, 1, 4) { // 4σ
			t.Errorf("%v: coupled prior wrong: mean %v, second moment %v", method, m, v)
		}
	}
}

// TestTransferScratch checks that target chains at γ = 0 sample the target
// posterior whatever the source: their test error and |v|²/N agree with a
// plain Run on the target within the combined error bars, and the overlap
// v_s·v_t/N is zero within its error bar. It also checks the snapshot
// bookkeeping (chains × snapshots target chains).
func TestTransferScratch(t *testing.T) {
	if testing.Short() {
		t.Skip("long: source, target and reference chains")
	}
	rng := rand.New(rand.NewPCG(17, 17))
	src, tgt := randomData(20, 8, rng), randomData(10, 8, rng)
	srcTest, tgtTest := randomData(30, 8, rng), randomData(30, 8, rng)
	net := Network{N: 16, T: 0.1, Lambda0: 1, Lambda1: 1}
	s := &Sampler{Method: MALA, Chains: 6, Steps: 10000, BurnIn: 2000, Src: rand.NewPCG(18, 18)}
	tr, err := s.Transfer(net, TransferProblem{Source: src, Target: tgt, SourceTest: srcTest, TargetTest: tgtTest,
		Gammas: []float64{0, 5}, Snapshots: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Targets) != 2 || len(tr.Targets[0].Chains) != 12 { // 6 source chains × 2 snapshots
		t.Fatalf("got %d targets with %d chains, want 2 with 12", len(tr.Targets), len(tr.Targets[0].Chains))
	}
	s2 := &Sampler{Method: MALA, Chains: 12, Steps: 10000, BurnIn: 2000, Src: rand.NewPCG(19, 19)}
	ref, err := s2.Run(net, tgt, tgtTest)
	if err != nil {
		t.Fatal(err)
	}
	g0 := tr.Targets[0]
	for _, c := range []struct {
		name      string
		got, want Estimate
	}{{"test error", g0.TestError, ref.TestError}, {"|v|²/N", g0.VNorm, ref.VNorm}} {
		d, e := c.got.Mean-c.want.Mean, math.Hypot(c.got.Err, c.want.Err)
		t.Logf("gamma=0 %s: transfer %.4f ± %.4f, scratch %.4f ± %.4f", c.name, c.got.Mean, c.got.Err, c.want.Mean, c.want.Err)
		if math.Abs(d) > 4*e { // 4σ
			t.Errorf("gamma=0 %s differs from scratch by %.4f (> 4 × %.4f)", c.name, d, e)
		}
	}
	if !within(g0.Overlap, 0, 4) { // 4σ
		t.Errorf("gamma=0 overlap %.4f ± %.4f, want 0", g0.Overlap.Mean, g0.Overlap.Err)
	}
	g5 := tr.Targets[1]
	t.Logf("gamma=5: test error %.4f ± %.4f, |v|²/N %.4f ± %.4f, overlap %.4f ± %.4f, acceptance %.3f; source test error %.4f ± %.4f",
		g5.TestError.Mean, g5.TestError.Err, g5.VNorm.Mean, g5.VNorm.Err, g5.Overlap.Mean, g5.Overlap.Err, g5.Acceptance,
		tr.Source.TestError.Mean, tr.Source.TestError.Err)
}
