package rkgp_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// The matrix-free fit next to the dense one on a small MNIST task: the same
// test error to the printed digits, and the order parameter within the
// standard error that the probes' spread gives.
func ExampleFitMatrixFree() {
	train, test, err := data.MNISTTask([]int{0, 2, 4, 6}, []int{1, 3, 5, 7}, 600, 200, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	net := rkgp.Network{N: 300, T: 0.05, Lambda0: 1, Lambda1: 1}
	dense, err := rkgp.Fit(train, net, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	mf, err := rkgp.FitMatrixFree(train, net, &rkgp.MatrixFreeSettings{Rank: 200, Src: rand.NewPCG(1, 2)})
	if err != nil {
		fmt.Println(err)
		return
	}
	rd, err := dense.Risk(test)
	if err != nil {
		fmt.Println(err)
		return
	}
	rm, err := mf.Risk(test)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("dense:       Q* = %.2f, test error %.3f\n", dense.Q, rd.Total)
	fmt.Printf("matrix-free: Q* = %.2f, test error %.3f (converged %v)\n", mf.Q, rm.Total, mf.Converged)
	fmt.Printf("Q* within 4 standard errors of dense: %v\n", math.Abs(mf.Q-dense.Q) < 4*mf.QStdErr)
	// Output:
	// dense:       Q* = 2.02, test error 0.248
	// matrix-free: Q* = 2.03, test error 0.248 (converged true)
	// Q* within 4 standard errors of dense: true
}
