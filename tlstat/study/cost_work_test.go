package study

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	lapgonum "gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/fastblas"
	"github.com/tlstat/tlstat/tlstat/langevin"
)

// firstAxisTask returns a binary task on p Gaussian inputs of dimension
// n0 labelled by the sign of their first coordinate (signTask with w* the
// first unit vector).
func firstAxisTask(rng *rand.Rand, p, n0 int) *data.Dataset {
	w := make([]float64, n0)
	w[0] = 1
	return signTask(rng, p, n0, w)
}

// TestCostWorkCountsFlops checks CostWork's multiply-adds against the
// floating-point operations the sampler's BLAS calls actually make
// (fastblas.FlopCounter, which counts a multiply-add as 2 flops and sees
// gonum's Cholesky and triangular inverse through their BLAS calls): a
// run of one chain is made twice, with 20 and 60 measured iterations after
// the same fixed burn-in, so that the set-up and the warm-up cancel in the
// difference, which CostWork predicts for 40 iterations and 40
// measurements. Each sampler and each form of the readout (N <= P: the
// N×N Gram matrix; N > P: the P×P one) is checked: the counted flops must
// lie within 1 and 1.1 times twice the model's multiply-adds. The excess
// the model leaves out is the matrix–vector products, O(P N) per gradient
// and O(Q N) per measurement, about 8 P N + 2 min(P,N)² flops per gradient
// evaluation: the counted flops were 1.009 to 1.018 times the model's.
func TestCostWorkCountsFlops(t *testing.T) {
	prevBLAS := blas64.Implementation()
	defer blas64.Use(prevBLAS)
	defer lapack64.Use(fastblas.LAPACK())
	lapack64.Use(lapgonum.Implementation{})
	rng := rand.New(rand.NewPCG(7, 7))
	for _, c := range []struct {
		method      langevin.Method
		name        string
		n, p, n0, q int
	}{
		{langevin.HMC, "hmc", 60, 90, 50, 70},   // N form
		{langevin.HMC, "hmc", 90, 60, 50, 70},   // P form
		{langevin.MALA, "mala", 60, 90, 50, 70}, // no metric, no Gram matrix
	} {
		train, test := firstAxisTask(rng, c.p, c.n0), firstAxisTask(rng, c.q, c.n0)
		net := langevin.Network{N: c.n, T: 0.1, Lambda0: 1, Lambda1: 1}
		const burn, leap = 10, 5
		flops := func(steps int) int64 {
			counter := fastblas.NewFlopCounter(gonum.Implementation{})
			blas64.Use(counter)
			defer blas64.Use(prevBLAS)
			s := &langevin.Sampler{Method: c.method, Chains: 1, BurnIn: burn, Steps: steps, Thin: 1, Leapfrog: leap, Warmup: burn,
				Eta: 1e-3, FixedStep: true, Workers: 1, Src: rand.NewPCG(3, 3)}
			if _, err := s.Run(net, train, test); err != nil {
				t.Fatal(err)
			}
			return counter.Flops()
		}
		got := float64(flops(60) - flops(20))
		grads := 1.0
		if c.method == langevin.HMC {
			grads = leap
		}
		w := CostSample{Method: c.name, Chains: 1, Iterations: 40, Measurements: 40, Grads: grads, P: float64(c.p), Q: float64(c.q),
			N: float64(c.n), N0: float64(c.n0)}.Work()
		want := 2 * w.MulAdds()
		r := got / want
		t.Logf("%s N=%d P=%d N0=%d Q=%d: %.4g flops counted over 40 iterations, model 2×%.4g multiply-adds (data %.3g, metric %.3g, readout %.3g): ratio %.3f",
			c.name, c.n, c.p, c.n0, c.q, got, w.MulAdds(), w.Data, w.Metric, w.Readout, r)
		if !(r >= 1 && r <= 1.1) {
			t.Errorf("%s N=%d P=%d: counted/modelled flops %.3f, want 1..1.1", c.name, c.n, c.p, r)
		}
	}
}
