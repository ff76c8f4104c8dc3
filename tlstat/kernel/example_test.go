package kernel_test

import (
	"fmt"
	"log"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

func ExampleActivation_kfun() {
	// Unit variances, covariance 1/2: the closed form is
	// (2/pi) asin(2·0.5 / sqrt(3·3)) = (2/pi) asin(1/3) = 0.216347.
	fmt.Printf("erf:  %.6f\n", kernel.Erf.Kfun(1, 0.5, 1))
	// ReLU at full correlation: E[relu(u)²] = a/2.
	fmt.Printf("relu: %.6f\n", kernel.ReLU.Kfun(2, 2, 2))
	// Output:
	// erf:  0.216347
	// relu: 1.000000
}

func ExampleByName() {
	act, err := kernel.ByName("ReLU")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(act.Name(), act.Odd())
	_, err = kernel.ByName("sigmoid")
	fmt.Println(err)
	// Output:
	// relu false
	// kernel: unknown activation "sigmoid" (known: erf, relu, linear, tanh)
}

func ExampleMatrix() {
	// Two inputs in N0 = 2 dimensions; g = x xᵀ/2 = [[1, 0.5], [0.5, 1]].
	x := mat.NewDense(2, 2, []float64{
		math.Sqrt2, 0,
		math.Sqrt2 / 2, math.Sqrt(6) / 2,
	})
	g := kernel.Gram(x)
	// Single network with lambda0 = 1: outer = mid = 1. Entries are
	// (2/pi) asin(2 g_ij / sqrt((1+2 g_ii)(1+2 g_jj))): diagonal (2/pi) asin(2/3)
	// = 0.464559, off-diagonal (2/pi) asin(1/3) = 0.216347.
	k := kernel.Matrix(kernel.Erf, g, 1, 1)
	fmt.Printf("%.6f\n", mat.Formatted(k))
	// Output:
	// ⎡0.464559  0.216347⎤
	// ⎣0.216347  0.464559⎦
}

func ExampleCustom() {
	// A softsign activation through Gauss–Hermite quadrature. Odd declares
	// softsign(-x) = -softsign(x), so its mean vanishes and Kfun sums half the grid.
	softsign := kernel.Custom("softsign", func(x float64) float64 { return x / (1 + math.Abs(x)) }, nil,
		&kernel.QuadSettings{Odd: true})
	fmt.Println(softsign.Name(), softsign.Mean(1))
	// Output:
	// softsign 0
}
