package langevin

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

// TestFloat32Potential compares the float32 option's potential and gradient
// with float64 at the same points, for HMC's marginal potential in both
// forms (N ≤ P: N×N, N > P: P×P) and for the joint potential of ULA and
// MALA. The potential's relative error is bounded by that of H (a length-N0
// float32 dot product, N0·2⁻²⁴ ≈ 1e-6 here) times the potential's condition
// number, O(1) on these well-conditioned problems: 1e-5. The gradient also
// goes through single-precision triangular solves (relative error of order
// k·2⁻²⁴·cond(L), k ≤ 30): 1e-4 on its norm. Both are far larger than
// float64 rounding (1e-15) and far smaller than the change of W between
// points (order 1), so they tell the two precisions apart and catch a
// product computed with the wrong shape or scale.
func TestFloat32Potential(t *testing.T) {
	for _, c := range []struct {
		name     string
		n, p, n0 int
		gamma    float64
	}{
		{"N form", 12, 30, 17, 0},
		{"P form", 30, 12, 17, 0.8},
	} {
		pr, _, rng := margTestProblem(t, kernel.Erf, c.n, c.p, 1, c.n0, c.gamma, 5)
		p64 := newMargPoint(pr)
		pr32 := *pr
		pr32.useFloat32()
		p32 := newMargPoint(&pr32)
		for trial := range 3 {
			for i := range p64.w {
				p64.w[i] = rng.NormFloat64() / math.Sqrt(pr.lambda0)
			}
			copy(p32.w, p64.w)
			pr.margEvaluate(p64, true)
			pr32.margEvaluate(p32, true)
			if !p64.ok || !p32.ok {
				t.Fatalf("%s trial %d: evaluation failed (float64 ok %v, float32 ok %v)", c.name, trial, p64.ok, p32.ok)
			}
			if d := math.Abs(p32.u-p64.u) / math.Abs(p64.u); d > 1e-5 || d == 0 {
				t.Errorf("%s trial %d: U float32 %v, float64 %v (relative %.2g, want (0, 1e-5])", c.name, trial, p32.u, p64.u, d)
			}
			diff := make([]float64, len(p64.gw))
			floats.SubTo(diff, p32.gw, p64.gw)
			if d := floats.Norm(diff, 2) / floats.Norm(p64.gw, 2); d > 1e-4 || d == 0 {
				t.Errorf("%s trial %d: gradient relative error %.2g, want (0, 1e-4]", c.name, trial, d)
			}
		}
	}
	t.Run("joint", func(t *testing.T) {
		pr, _, rng := margTestProblem(t, kernel.Erf, 12, 30, 1, 17, 0.8, 6)
		pr32 := *pr
		pr32.useFloat32()
		p64, p32 := newPoint(pr), newPoint(&pr32)
		priorDraw(p64.params, pr.lambda0, pr.lambda1, rng)
		p32.copyFrom(p64.params)
		pr.evaluate(p64, true)
		pr32.evaluate(p32, true)
		if d := math.Abs(p32.u-p64.u) / math.Abs(p64.u); d > 1e-5 || d == 0 {
			t.Errorf("U float32 %v, float64 %v (relative %.2g, want (0, 1e-5])", p32.u, p64.u, d)
		}
		diff := make([]float64, len(p64.gw))
		floats.SubTo(diff, p32.gw, p64.gw)
		if d := floats.Norm(diff, 2) / floats.Norm(p64.gw, 2); d > 1e-4 || d == 0 {
			t.Errorf("gradient relative error %.2g, want (0, 1e-4]", d)
		}
	})
}

// TestFloat32Agrees runs the same small posterior with the float32 option
// and in float64 (independent random streams) for HMC and MALA and checks
// that the converged estimates of the test error and of |v|²/N agree within
// 4 combined standard errors, √(σ₃₂² + σ₆₄²) from each run's effective
// sample size: two independent unbiased estimates differ by more with
// probability 6e-5 (normal tails). Unconverged runs fail the test rather
// than being compared.
func TestFloat32Agrees(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo comparison (a few seconds)")
	}
	rng := rand.New(rand.NewPCG(21, 4))
	train, test := randomData(30, 8, rng), randomData(100, 8, rng)
	net := Network{N: 12, T: 0.2, Lambda0: 1, Lambda1: 1}
	for _, m := range []Method{HMC, MALA} {
		var res [2]*Result
		for k, f32 := range []bool{false, true} {
			s := &Sampler{Method: m, Float32: f32, Src: rand.NewPCG(uint64(30+k), uint64(m))}
			r, err := s.Run(net, train, test)
			if err != nil {
				t.Fatalf("%v float32=%v: %v", m, f32, err)
			}
			if !r.TestError.Converged || !r.VNorm.Converged {
				t.Fatalf("%v float32=%v: not converged (stop: %s; test error %+v, |v|²/N %+v)", m, f32, r.Stop, r.TestError, r.VNorm)
			}
			res[k] = r
		}
		for _, o := range []struct {
			name   string
			e0, e1 Estimate
		}{{"test error", res[0].TestError, res[1].TestError}, {"|v|²/N", res[0].VNorm, res[1].VNorm}} {
			se := math.Hypot(o.e0.Err, o.e1.Err)
			t.Logf("%v %s: float64 %.5f ± %.5f, float32 %.5f ± %.5f (%.1fσ)", m, o.name, o.e0.Mean, o.e0.Err, o.e1.Mean, o.e1.Err, math.Abs(o.e1.Mean-o.e0.Mean)/se)
			if math.Abs(o.e1.Mean-o.e0.Mean) > 4*se {
				t.Errorf("%v %s: float32 %v ± %v, float64 %v ± %v: more than 4 combined standard errors apart", m, o.name, o.e1.Mean, o.e1.Err, o.e0.Mean, o.e0.Err)
			}
		}
	}
}
