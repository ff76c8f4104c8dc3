package fastblas

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"
)

// The benchmarks below time the dense kernels behind tlstat's solvers with
// whichever backend is compiled in (run them with and without -tags
// openblas) and report the rate in GFLOP/s, the figure behind the physical
// bounds of docs/benchmarks.md.

func randDense(n, c int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 1))
	d := make([]float64, n*c)
	for i := range d {
		d[i] = rng.NormFloat64()
	}
	return mat.NewDense(n, c, d)
}

// kernelLike returns a symmetric positive definite n×n matrix X Xᵀ/n + I.
func kernelLike(n int) *mat.SymDense {
	x := randDense(n, n, 2)
	s := mat.NewSymDense(n, nil)
	s.SymOuterK(1/float64(n), x)
	for i := 0; i < n; i++ {
		s.SetSym(i, i, s.At(i, i)+1)
	}
	return s
}

// BenchmarkDgemm times C = A B for square n×n matrices (2n³ flops).
func BenchmarkDgemm(b *testing.B) {
	for _, n := range []int{500, 1000, 2000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			if testing.Short() && n > 1000 {
				b.Skip("large n")
			}
			x, y := randDense(n, n, 1), randDense(n, n, 2)
			var c mat.Dense
			c.Mul(x, y)
			for b.Loop() {
				c.Mul(x, y)
			}
			b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkCholesky times the Cholesky factorization (n³/3 flops).
func BenchmarkCholesky(b *testing.B) {
	for _, n := range []int{500, 2000, 4000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			if testing.Short() && n > 500 {
				b.Skip("large n")
			}
			a := kernelLike(n)
			var ch mat.Cholesky
			for b.Loop() {
				if !ch.Factorize(a) {
					b.Fatal("not positive definite")
				}
			}
			b.ReportMetric(float64(n)*float64(n)*float64(n)/3*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkEigenSym times the full symmetric eigendecomposition (values and
// vectors; about 9n³ flops for tridiagonalization plus divide and conquer,
// the conventional count).
func BenchmarkEigenSym(b *testing.B) {
	for _, n := range []int{500, 1000, 2000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			if testing.Short() && n > 500 {
				b.Skip("large n")
			}
			a := kernelLike(n)
			var es mat.EigenSym
			for b.Loop() {
				if !es.Factorize(a, true) {
					b.Fatal("EigenSym failed")
				}
			}
			b.ReportMetric(9*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkDsytrd times the tridiagonal reduction of LAPACK() (4/3 n³
// flops), what an eigenvalue-only analysis of a kernel needs, against the
// full eigendecomposition of BenchmarkEigenSym.
func BenchmarkDsytrd(b *testing.B) {
	for _, n := range []int{500, 1000, 2000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			if testing.Short() && n > 500 {
				b.Skip("large n")
			}
			src := kernelLike(n).RawSymmetric()
			a := make([]float64, n*n)
			d, e, tau := make([]float64, n), make([]float64, n-1), make([]float64, n-1)
			work := make([]float64, 64*n)
			impl := LAPACK()
			for b.Loop() {
				copy(a, src.Data)
				impl.Dsytrd(blas.Upper, n, a, n, d, e, tau, work, len(work))
			}
			b.ReportMetric(4*float64(n)*float64(n)*float64(n)/3*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
