package study

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/langevin"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// TestExpectedAccuracyMonteCarlo compares Φ(y m/σ) averaged over test
// points with the sign accuracy of draws f ~ N(m, σ²).
func TestExpectedAccuracyMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const q, draws = 8, 200000
	y, mean, variance := make([]float64, q), make([]float64, q), make([]float64, q)
	for i := range y {
		y[i] = math.Copysign(1, rng.NormFloat64())
		mean[i] = 0.8 * rng.NormFloat64()
		variance[i] = 0.05 + rng.Float64()
	}
	variance[0] = 0 // a deterministic point counts as 1[y m > 0]
	want := ExpectedAccuracy(y, mean, variance)
	sum, sq := 0.0, 0.0
	for k := 0; k < draws; k++ {
		right := 0
		for i := range y {
			if y[i]*(mean[i]+math.Sqrt(variance[i])*rng.NormFloat64()) > 0 {
				right++
			}
		}
		a := float64(right) / q
		sum += a
		sq += a * a
	}
	m := sum / draws
	se := math.Sqrt((sq/draws - m*m) / (draws - 1))
	// Independent draws: within 4 standard errors but for a chance of 6e-5.
	if math.Abs(m-want) > 4*se {
		t.Errorf("accuracy of draws %.5f ± %.5f, expected accuracy %.5f (4 s.e.)", m, se, want)
	}
	for _, c := range []struct {
		name       string
		y, m, v    []float64
		want       float64
		wantNaN    bool
		tolNotNeed bool
	}{
		{"zero variance", []float64{1, -1, 1}, []float64{0.3, 0.2, 0}, []float64{0, 0, 0}, 1.0 / 3, false, false},
		{"zero mean", []float64{1, -1}, []float64{0, 0}, []float64{1, 4}, 0.5, false, false},
		{"label not ±1", []float64{1, 0.5}, []float64{1, 1}, []float64{1, 1}, 0, true, false},
		{"lengths differ", []float64{1, -1}, []float64{1}, []float64{1, 1}, 0, true, false},
		{"no labels", nil, nil, nil, 0, true, false},
		{"NaN mean", []float64{1}, []float64{math.NaN()}, []float64{1}, 0, true, false},
	} {
		got := ExpectedAccuracy(c.y, c.m, c.v)
		if c.wantNaN != math.IsNaN(got) || (!c.wantNaN && math.Abs(got-c.want) > 1e-15) {
			t.Errorf("%s: ExpectedAccuracy = %v, want %v (NaN: %v)", c.name, got, c.want, c.wantNaN)
		}
	}
}

// signTask returns a binary task with labels sign(w*·x) for Gaussian
// inputs of dimension n0.
func signTask(rng *rand.Rand, p, n0 int, w []float64) *data.Dataset {
	x := mat.NewDense(p, n0, nil)
	y := make([]float64, p)
	for i := range y {
		h := 0.0
		for j := 0; j < n0; j++ {
			v := rng.NormFloat64()
			x.Set(i, j, v)
			h += w[j] * v
		}
		y[i] = math.Copysign(1, h)
	}
	return &data.Dataset{X: x, Y: y}
}

// TestLinearAccuracyAgreesWithTheory runs HMC to convergence on a small
// linear network, where the theory is exact up to finite-width corrections
// (docs/validation.md: the linear runs agree within their error bars), and
// compares the simulated accuracy of a posterior draw with the theory's
// expected accuracy (within 4 standard errors plus 0.01 for those
// corrections at N = 20, where the test errors differ by 1%); the accuracy
// of the mean predictor, a different number, must fail the same check.
func TestLinearAccuracyAgreesWithTheory(t *testing.T) {
	if testing.Short() {
		t.Skip("a Langevin run of a few seconds")
	}
	rng := rand.New(rand.NewPCG(21, 22))
	const n0 = 6
	w := make([]float64, n0)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	train, test := signTask(rng, 30, n0, w), signTask(rng, 200, n0, w)
	net := rkgp.Network{N: 20, T: 0.3, Lambda0: 1, Lambda1: 1, Act: kernel.Linear}
	m, err := rkgp.Fit(train, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	th, err := PredictSingle(m, test)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s := langevin.Sampler{Method: langevin.HMC, MaxRHat: 1.02, MinESS: 100, Src: rand.NewPCG(1, 2)}
	res, err := s.Run(net, train, test)
	if err != nil {
		t.Fatal(err)
	}
	acc := res.Accuracy
	t.Logf("HMC %v after %d+%d iterations in %.1f s: accuracy %.4f ± %.4f (R̂ %.4f, ESS %.0f), theory %.4f; test error %.4f ± %.4f, theory %.4f",
		res.Stop, res.BurnIn, res.Steps, time.Since(start).Seconds(), acc.Mean, acc.Err, acc.RHat, acc.ESS, th.Accuracy, res.TestError.Mean, res.TestError.Err, th.TestError)
	if !res.Converged || !acc.Converged {
		t.Fatalf("run converged %v, accuracy converged %v (%+v)", res.Converged, acc.Converged, acc)
	}
	if math.Abs(acc.Mean-th.Accuracy) > 4*acc.Err+0.01 {
		t.Errorf("simulated accuracy %.4f ± %.4f, theory's expected accuracy %.4f", acc.Mean, acc.Err, th.Accuracy)
	}
	mean, _, err := m.Predict(test.X)
	if err != nil {
		t.Fatal(err)
	}
	right := 0
	for i, y := range test.Y {
		if y*mean[i] > 0 {
			right++
		}
	}
	meanAcc := float64(right) / float64(len(test.Y))
	if math.Abs(acc.Mean-meanAcc) <= 4*acc.Err+0.01 {
		t.Errorf("the mean predictor's accuracy %.4f passes the check too: the test cannot tell the two apart", meanAcc)
	}
	row := SimRowOf(math.NaN(), res)
	row.SetTheory(th)
	row.SetVerdicts()
	if row.SimAccuracy == nil || row.TheoryAccuracy == nil || row.AccuracyVerdict == "" || !row.AccuracyConverged() {
		t.Errorf("record row: accuracy %v, theory %v, verdict %q, converged %v", row.SimAccuracy, row.TheoryAccuracy, row.AccuracyVerdict, row.AccuracyConverged())
	}
}
