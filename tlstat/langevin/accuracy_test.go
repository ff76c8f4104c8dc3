package langevin

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// margTE returns the test error of margTestError.
func margTE(pr *problem, ts *testSet, pt *margPoint) float64 {
	e, _ := pr.margTestError(ts, pt)
	return e
}

// TestMarginalAccuracyByDraws compares HMC's accuracy averaged over v | W,
// the mean of Φ(y f̄/s) over test points, with the mean sign accuracy of
// exact draws of v | W (margDrawReadout), in both factored forms.
func TestMarginalAccuracyByDraws(t *testing.T) {
	for _, c := range []struct{ n, p int }{{4, 9}, {9, 4}} {
		const q = 6
		pr, ts, rng := margTestProblem(t, kernel.Erf, c.n, c.p, q, 5, 0, 11)
		pt := newMargPoint(pr)
		for i := range pt.w {
			pt.w[i] = rng.NormFloat64()
		}
		pr.margEvaluate(pt, false)
		_, acc := pr.margTestError(ts, pt)
		phi := append([]float64(nil), ts.s...) // σ(W x0/√N0), Q×N
		const draws = 100000
		v := make([]float64, c.n)
		r := make([]float64, c.p)
		sum, sq := 0.0, 0.0
		for k := 0; k < draws; k++ {
			pr.margDrawReadout(pt, v, r, rng)
			right := 0
			for i, y := range ts.y {
				f := 0.0
				for j, x := range phi[i*c.n : (i+1)*c.n] {
					f += x * v[j]
				}
				if y*f > 0 {
					right++
				}
			}
			a := float64(right) / q
			sum += a
			sq += a * a
		}
		mean := sum / draws
		se := math.Sqrt((sq/draws - mean*mean) / (draws - 1))
		// Independent draws: the mean is within 4 standard errors of the
		// exact value but for a chance of 6e-5.
		if math.Abs(mean-acc) > 4*se {
			t.Errorf("N=%d P=%d: accuracy of draws %.5f ± %.5f, averaged over v | W %.5f (4 s.e.)", c.n, c.p, mean, se, acc)
		}
		if acc <= 0 || acc >= 1 {
			t.Errorf("N=%d P=%d: accuracy %v not strictly between 0 and 1 with a positive output variance", c.n, c.p, acc)
		}
	}
}

// TestAccuracyTraced checks, on a tiny problem, that the accuracy each
// measurement reports equals the sign accuracy recomputed from the stored
// draw (W, v) with a separate forward pass (MALA) or the mean over v | W
// from the dense readout posterior (HMC), and that the chains' averages
// and diagnostics are those of the reported measurements.
func TestAccuracyTraced(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	train, test := signData(rng, 6, 3, 1, -1), signData(rng, 7, 3, 1, -1)
	net := Network{N: 5, T: 0.2, Lambda0: 1, Lambda1: 1}
	q, n0 := len(test.Y), 3
	for _, m := range []Method{MALA, HMC} {
		var mu sync.Mutex
		seen := map[int][]float64{}
		mismatch := 0
		s := Sampler{Method: m, Chains: 2, BurnIn: 40, Steps: 60, Thin: 2, Src: rand.NewPCG(1, 2), Workers: 1,
			Observe: func(st State) {
				w := mat.NewDense(net.N, n0, append([]float64(nil), st.W...))
				var want float64
				if m == HMC {
					want = denseExpectedAccuracy(net, train, test, w)
				} else {
					want = directAccuracy(net, test, w, st.V)
				}
				mu.Lock()
				defer mu.Unlock()
				// Rounding of the two computations only (1e-12).
				if math.Abs(st.Accuracy-want) > 1e-12 {
					mismatch++
					if mismatch < 4 {
						t.Errorf("%v chain %d step %d: reported accuracy %.15g, recomputed %.15g", m, st.Chain, st.Step, st.Accuracy, want)
					}
				}
				seen[st.Chain] = append(seen[st.Chain], st.Accuracy)
			}}
		res, err := s.Run(net, train, test)
		if err != nil {
			t.Fatal(err)
		}
		var all [][]float64
		for c, ch := range res.Chains {
			x := seen[c]
			if len(x) != ch.Measurements {
				t.Fatalf("%v chain %d: %d observed measurements, %d in the result", m, c, len(x), ch.Measurements)
			}
			if got, want := ch.Accuracy, meanOf(x); math.Abs(got-want) > 1e-12 {
				t.Errorf("%v chain %d: mean accuracy %v, mean of measurements %v", m, c, got, want)
			}
			if m == MALA {
				for _, a := range x {
					if k := a * float64(q); math.Abs(k-math.Round(k)) > 1e-9 {
						t.Errorf("MALA accuracy %v is not a count over %d test points", a, q)
						break
					}
				}
			}
			all = append(all, x)
		}
		d := Diagnose(all)
		if math.Abs(res.Accuracy.Mean-d.Mean) > 1e-12 || !sameOrNaN(res.Accuracy.RHat, d.RHat) || !sameOrNaN(res.Accuracy.ESS, d.ESSBulk) {
			t.Errorf("%v: accuracy estimate %+v, diagnostics of the measurements %+v", m, res.Accuracy, d)
		}
	}
}

func sameOrNaN(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

// testFeatures returns σ(X Wᵀ/√N0)/√N for the inputs of d.
func testFeatures(net Network, d *data.Dataset, w *mat.Dense) *mat.Dense {
	p, n0 := d.X.Dims()
	var h mat.Dense
	h.Mul(d.X, w.T())
	a := act(net)
	phi := mat.NewDense(p, net.N, nil)
	phi.Apply(func(_, _ int, x float64) float64 { return a.Eval(x/math.Sqrt(float64(n0))) / math.Sqrt(float64(net.N)) }, &h)
	return phi
}

// directAccuracy returns the sign accuracy of the network (W, v) on test.
func directAccuracy(net Network, test *data.Dataset, w *mat.Dense, v []float64) float64 {
	var f mat.VecDense
	f.MulVec(testFeatures(net, test, w), mat.NewVecDense(len(v), append([]float64(nil), v...)))
	right := 0
	for i, y := range test.Y {
		if y*f.AtVec(i) > 0 {
			right++
		}
	}
	return float64(right) / float64(len(test.Y))
}

// denseExpectedAccuracy returns the mean over test points of
// P(y f(x0) > 0 | W) under the exact Gaussian readout posterior given W.
func denseExpectedAccuracy(net Network, train, test *data.Dataset, w *mat.Dense) float64 {
	m, c := readoutPosterior(net, train, w, 0)
	phi := testFeatures(net, test, w)
	s := 0.0
	for i, y := range test.Y {
		row := phi.RowView(i)
		var cr mat.VecDense
		cr.MulVec(c, row)
		mean, variance := mat.Dot(row, m), mat.Dot(row, &cr)
		s += 0.5 * math.Erfc(-y*mean/math.Sqrt(2*variance))
	}
	return s / float64(len(test.Y))
}
