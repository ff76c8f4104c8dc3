package langevin

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// TestHMCExactByQuadrature checks HMC on the marginal first-layer posterior
// against the exact posterior expectations of a network small enough to
// integrate on a grid: two hidden units with a scalar input (W has two
// components), in both linear-algebra forms (P = 5 > N and P = 1 < N). The
// Rao–Blackwellized test error and E|v|²/N averaged by the chains must match
// the grid integrals ∫ O(W) e^{-U(W)} dW / ∫ e^{-U(W)} dW within 4 Monte
// Carlo standard errors (standard errors from the effective sample size).
func TestHMCExactByQuadrature(t *testing.T) {
	if testing.Short() {
		t.Skip("long chains")
	}
	for _, c := range []struct {
		name string
		p    int
		temp float64
		act  kernel.Activation
	}{{"N form", 5, 0.2, kernel.Erf}, {"P form", 1, 0.1, kernel.Tanh}} {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(21, 2))
			mk := func(rows int) *data.Dataset {
				x := mat.NewDense(rows, 1, nil)
				y := make([]float64, rows)
				for i := range y {
					x.Set(i, 0, 2*rng.NormFloat64())
					y[i] = math.Erf(1.5 * x.At(i, 0))
				}
				return &data.Dataset{X: x, Y: y}
			}
			train, test := mk(c.p), mk(7)
			pr, err := newProblem(Network{N: 2, T: c.temp, Lambda0: 1, Lambda1: 1, Act: c.act}, train, 1, 0, nil, false)
			if err != nil {
				t.Fatal(err)
			}
			ts := newTestSet(test.X, test.Y, 2)
			// Grid integrals on [-6, 6]² (the prior's ±6σ; the likelihood only
			// narrows the posterior) with 601² points: the trapezoid error of
			// these smooth integrands is far below the Monte Carlo error.
			const lim, k = 6.0, 601
			h := 2 * lim / (k - 1)
			pt := newMargPoint(pr)
			buf := make([]float64, pr.margDim()*pr.margDim())
			var z, ete, evn float64
			umin := math.Inf(1)
			us := make([]float64, k*k)
			for i := 0; i < k; i++ {
				for j := 0; j < k; j++ {
					pt.w[0], pt.w[1] = -lim+h*float64(i), -lim+h*float64(j)
					pr.margEvaluate(pt, false)
					us[i*k+j] = pt.u
					umin = math.Min(umin, pt.u)
				}
			}
			for i := 0; i < k; i++ {
				for j := 0; j < k; j++ {
					wt := math.Exp(-(us[i*k+j] - umin))
					if wt < 1e-300 {
						continue
					}
					pt.w[0], pt.w[1] = -lim+h*float64(i), -lim+h*float64(j)
					pr.margEvaluate(pt, false)
					vn, _ := pr.margVNormTrain(pt, pr.margTrGinv(pt, buf))
					z += wt
					ete += wt * margTE(pr, ts, pt)
					evn += wt * vn
				}
			}
			ete /= z
			evn /= z

			const chains, warm, iters = 4, 400, 6000
			var te, vn [][]float64
			for ch := 0; ch < chains; ch++ {
				w := []float64{rng.NormFloat64(), rng.NormFloat64()}
				hc := newHMCChain(pr, w, 5, rand.New(rand.NewPCG(uint64(ch), 99)))
				hc.eps = 0.1
				wu := newHMCWarmup(warm, hc.eps, 0.8, 1)
				for it := 1; it <= warm; it++ {
					wu.step(hc, it)
				}
				var a, b []float64
				for it := 0; it < iters; it++ {
					hc.iterate1(hc.eps * (0.9 + 0.2*hc.rng.Float64()))
					v, _ := pr.margVNormTrain(hc.cur, pr.margTrGinv(hc.cur, buf))
					a = append(a, margTE(pr, ts, hc.cur))
					b = append(b, v)
				}
				te, vn = append(te, a), append(vn, b)
			}
			for _, q := range []struct {
				name  string
				draws [][]float64
				exact float64
			}{{"test error", te, ete}, {"E|v|²/N", vn, evn}} {
				d := Diagnose(q.draws)
				t.Logf("%s: HMC %.5f ± %.5f (ESS %.0f, R̂ %.4f), grid %.5f", q.name, d.Mean, d.MCSE, d.ESSBulk, d.RHat, q.exact)
				if math.Abs(d.Mean-q.exact) > 4*d.MCSE || !(d.RHat < 1.01) {
					t.Errorf("%s: HMC %.5f ± %.5f (R̂ %.4f), exact %.5f", q.name, d.Mean, d.MCSE, d.RHat, q.exact)
				}
			}
		})
	}
}
