package langevin_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/langevin"
)

// ExampleSampler_Run samples the posterior of a small erf network on a toy
// data set with the default sampler (HMC with the readout integrated out,
// and an automatic burn-in that ends when every reported quantity has
// converged) and reports the averaged observables with their verdict.
func ExampleSampler_Run() {
	rng := rand.New(rand.NewPCG(1, 1))
	makeData := func(p int) *data.Dataset {
		x := mat.NewDense(p, 5, nil)
		y := make([]float64, p)
		for i := 0; i < p; i++ {
			for j := 0; j < 5; j++ {
				x.Set(i, j, rng.NormFloat64())
			}
			y[i] = 1
			if x.At(i, 0) < 0 {
				y[i] = -1
			}
		}
		return &data.Dataset{X: x, Y: y}
	}
	train, test := makeData(10), makeData(50)
	net := langevin.Network{N: 10, T: 0.1, Lambda0: 1, Lambda1: 1} // Act nil: erf
	s := &langevin.Sampler{Src: rand.NewPCG(2, 2)}
	res, err := s.Run(net, train, test)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("method %v, %d chains, stopped: %s\n", res.Method, len(res.Chains), res.Stop)
	fmt.Printf("test error R̂ ≤ 1.01 and ESS ≥ 400: %v\n", res.TestError.RHat <= 1.01 && res.TestError.ESS >= 400)
	fmt.Printf("train error below test error: %v\n", res.TrainError.Mean < res.TestError.Mean)
	// Output:
	// method hmc, 4 chains, stopped: converged
	// test error R̂ ≤ 1.01 and ESS ≥ 400: true
	// train error below test error: true
}

// ExampleSampler_Transfer runs the transfer protocol on a toy source/target
// pair: one target chain per source snapshot and coupling.
func ExampleSampler_Transfer() {
	rng := rand.New(rand.NewPCG(3, 3))
	makeData := func(p int, flip bool) *data.Dataset {
		x := mat.NewDense(p, 5, nil)
		y := make([]float64, p)
		for i := 0; i < p; i++ {
			for j := 0; j < 5; j++ {
				x.Set(i, j, rng.NormFloat64())
			}
			s := x.At(i, 0)
			if flip {
				s = x.At(i, 0) + x.At(i, 1)
			}
			y[i] = 1
			if s < 0 {
				y[i] = -1
			}
		}
		return &data.Dataset{X: x, Y: y}
	}
	tp := langevin.TransferProblem{Source: makeData(20, false), Target: makeData(5, true), TargetTest: makeData(50, true),
		Gammas: []float64{0, 10}, Snapshots: 2}
	net := langevin.Network{N: 10, T: 0.1, Lambda0: 1, Lambda1: 1}
	s := &langevin.Sampler{Chains: 3, Src: rand.NewPCG(4, 4)}
	res, err := s.Transfer(net, tp)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range res.Targets {
		fmt.Printf("gamma %g: %d target chains, converged: %v, error bar finite: %v\n", t.Gamma, len(t.Chains), t.Converged, t.TestError.Err > 0)
	}
	// Output:
	// gamma 0: 6 target chains, converged: true, error bar finite: true
	// gamma 10: 6 target chains, converged: true, error bar finite: true
}

// ExampleSplitRHat compares two chains that agree with two whose second
// halves have moved: split-R̂ is close to 1 for the first pair (below 1 is
// possible with so few values) and far above the usual 1.05 threshold for the
// second. (An independent Python evaluation of the formula gives the same
// 0.8719 and 2.4543.)
func ExampleSplitRHat() {
	mixed := [][]float64{{0.1, -0.2, 0.3, -0.1, 0.2, -0.3}, {-0.1, 0.2, -0.3, 0.1, -0.2, 0.3}}
	drifting := [][]float64{{0.1, -0.2, 0.3, 1.1, 0.8, 1.3}, {-0.1, 0.2, -0.3, 0.9, 1.2, 0.7}}
	fmt.Printf("mixed %.3f, drifting %.3f\n", langevin.SplitRHat(mixed), langevin.SplitRHat(drifting))
	// Output:
	// mixed 0.872, drifting 2.454
}
