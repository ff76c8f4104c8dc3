package rkgp_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// teacherTask returns p Gaussian inputs in dimension n0 labelled by the sign
// of a fixed linear teacher.
func teacherTask(p, n0 int, rng *rand.Rand) *data.Dataset {
	x := mat.NewDense(p, n0, nil)
	y := make([]float64, p)
	for i := range y {
		var h float64
		for j := 0; j < n0; j++ {
			v := rng.NormFloat64()
			x.Set(i, j, v)
			if j%2 == 0 {
				h += v
			}
		}
		y[i] = math.Copysign(1, h)
	}
	return &data.Dataset{X: x, Y: y}
}

func ExampleFit() {
	rng := rand.New(rand.NewPCG(1, 1))
	train := teacherTask(60, 20, rng)
	test := teacherTask(200, 20, rng)

	net := rkgp.Network{N: 30, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.Erf}
	fit, err := rkgp.Fit(train, net, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	risk, err := fit.Risk(test)
	if err != nil {
		fmt.Println(err)
		return
	}
	nngp, _ := fit.NNGP().Risk(test)
	fmt.Printf("Q* = %.4f, residual below 1e-10: %v\n", fit.Q, fit.Residual < 1e-10)
	fmt.Printf("test error %.4f = bias² %.4f + variance %.4f\n", risk.Total, risk.Bias2, risk.Variance)
	fmt.Printf("infinite width: %.4f\n", nngp.Total)
	// Output:
	// Q* = 2.1875, residual below 1e-10: true
	// test error 0.7329 = bias² 0.5996 + variance 0.1332
	// infinite width: 0.6510
}

func ExampleFit_relu() {
	rng := rand.New(rand.NewPCG(1, 1))
	train := teacherTask(60, 20, rng)

	net := rkgp.Network{N: 30, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.ReLU}
	fit, err := rkgp.Fit(train, net, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("(Qbar, Q) = (%.4f, %.4f), converged: %v\n", fit.Qbar, fit.Q, fit.Converged)
	// Output:
	// (Qbar, Q) = (1.9169, -0.4936), converged: true
}

func ExampleModel_ActionAt() {
	rng := rand.New(rand.NewPCG(1, 1))
	train := teacherTask(60, 20, rng)
	fit, err := rkgp.Fit(train, rkgp.Network{N: 30, T: 0.05, Lambda0: 1, Lambda1: 1}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	// S(Q) is lowest at Q*, where dS/dQ vanishes.
	for _, q := range []float64{0.5, 3} {
		fmt.Printf("Q = %.4f  S = %.4f  dS/dQ = %+.4f\n", q, fit.ActionAt(q), fit.GradientAt(q))
	}
	fmt.Printf("Q = %.4f  S = %.4f  |dS/dQ| < 1e-10: %v\n", fit.Q, fit.ActionAt(fit.Q), math.Abs(fit.GradientAt(fit.Q)) < 1e-10)
	// Output:
	// Q = 0.5000  S = 6.1225  dS/dQ = -6.5980
	// Q = 3.0000  S = 3.5856  dS/dQ = +0.4011
	// Q = 2.1875  S = 3.4030  |dS/dQ| < 1e-10: true
}
