package fastblas

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	lapgonum "gonum.org/v1/gonum/lapack/gonum"
)

// TestGoSymmetric compares the split pure-Go Dsymv, Dsyr2k and Dsymm with
// gonum's serial routines, at sizes above the split thresholds and with 3
// goroutines (uneven blocks), for every triangle, transpose and side, with
// padded leading dimensions. The blocks sum in a different order, so the
// results agree to rounding: entries are sums of up to 700 products of
// N(0,1) numbers, whose rounding differences are a few hundred ulps of
// their size (~1e-13 absolute), under tol = 1e-12 (absolute or relative).
func TestGoSymmetric(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	rng := rand.New(rand.NewPCG(7, 1))
	const pad = 3
	t.Run("Dsymv", func(t *testing.T) {
		const n = 700 // n² above minGoLevel2
		if !goSplitOK(n, n*n, minGoLevel2) {
			t.Fatal("Dsymv would not be split")
		}
		for _, ul := range uplos {
			a, x, y := randSlice(rng, n*(n+pad)), randSlice(rng, n), randSlice(rng, n)
			want, got := clone(y), clone(y)
			ref.Dsymv(ul, n, 0.7, a, n+pad, x, 1, -0.3, want, 1)
			Go{}.Dsymv(ul, n, 0.7, a, n+pad, x, 1, -0.3, got, 1)
			sameSlices(t, fmt.Sprintf("Dsymv(%c)", ul), got, want, tol)
		}
	})
	t.Run("Dsyr2k", func(t *testing.T) {
		const n, k = 500, 40 // n² k above minSplit
		for _, ul := range uplos {
			for _, tr := range transposes {
				ar, ac := dims(tr, n, k)
				a, b, c := randSlice(rng, ar*(ac+pad)), randSlice(rng, ar*(ac+pad)), randSlice(rng, n*(n+pad))
				want, got := clone(c), clone(c)
				ref.Dsyr2k(ul, tr, n, k, 0.7, a, ac+pad, b, ac+pad, -0.3, want, n+pad)
				Go{}.Dsyr2k(ul, tr, n, k, 0.7, a, ac+pad, b, ac+pad, -0.3, got, n+pad)
				sameSlices(t, fmt.Sprintf("Dsyr2k(%c, %c)", ul, tr), got, want, tol)
			}
		}
	})
	t.Run("Dsymm", func(t *testing.T) {
		const m, n = 300, 290 // m² n and m n² above minSplit
		for _, s := range sides {
			for _, ul := range uplos {
				na := n
				if s == blas.Left {
					na = m
				}
				a, b, c := randSlice(rng, na*(na+pad)), randSlice(rng, m*(n+pad)), randSlice(rng, m*(n+pad))
				want, got := clone(c), clone(c)
				ref.Dsymm(s, ul, m, n, 0.7, a, na+pad, b, n+pad, -0.3, want, n+pad)
				Go{}.Dsymm(s, ul, m, n, 0.7, a, na+pad, b, n+pad, -0.3, got, n+pad)
				sameSlices(t, fmt.Sprintf("Dsymm(%c, %c)", s, ul), got, want, tol)
			}
		}
	})
}

// BenchmarkGoDsytrd times gonum's tridiagonal reduction (4n³/3 flops) on
// gonum's serial BLAS and on Go, whose Dsymv and Dsyr2k are split over the
// cores: the pure-Go source factorization before and after the split.
func BenchmarkGoDsytrd(b *testing.B) {
	const n = 1000
	spd := kernelLike(n).RawSymmetric()
	prev := blas64.Implementation()
	defer blas64.Use(prev)
	for _, c := range []struct {
		name string
		impl blas.Float64
	}{{"gonum", gonum.Implementation{}}, {"Go", Go{}}} {
		b.Run(fmt.Sprintf("n=%d/%s", n, c.name), func(b *testing.B) {
			blas64.Use(c.impl)
			defer blas64.Use(prev)
			a := make([]float64, len(spd.Data))
			d, e, tau := make([]float64, n), make([]float64, n-1), make([]float64, n-1)
			work := make([]float64, 64*n)
			for b.Loop() {
				copy(a, spd.Data)
				lapgonum.Implementation{}.Dsytrd(blas.Upper, n, a, n, d, e, tau, work, len(work))
			}
			b.ReportMetric(4*float64(n)*float64(n)*float64(n)/3*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
