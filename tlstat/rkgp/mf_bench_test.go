package rkgp

import (
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// BenchmarkMatrixFreeSweep times one pass of the matrix-free kernel product
// K V at P = 4000 (MNIST, pool 2) with 17 vectors, the Lanczos block of 16
// probes and y.
func BenchmarkMatrixFreeSweep(b *testing.B) {
	train, _, err := data.MNISTTask([]int{0, 2, 4, 6}, []int{1, 3, 5, 7}, 4000, 10, 2)
	if err != nil {
		b.Fatal(err)
	}
	k := newMFKernel(train.X, kernel.Erf, 1, 512)
	v := mat.NewDense(4000, 17, nil)
	for i := 0; i < 4000; i++ {
		v.Set(i, i%17, 1)
	}
	dst := mat.NewDense(4000, 17, nil)
	b.ResetTimer()
	for range b.N {
		if err := k.mul(dst, v); err != nil {
			b.Fatal(err)
		}
	}
}
