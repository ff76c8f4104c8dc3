package fastblas

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// TestSplit checks the calls large enough (above minSplit multiply-adds) to
// be split over goroutines, with sizes that do not divide evenly.
func TestSplit(t *testing.T) {
	requireOpenBLAS(t)
	if testing.Short() {
		t.Skip("large products")
	}
	if threadsFromEnvCached {
		t.Skip("OpenBLAS thread count set in the environment: calls are not split")
	}
	const m, n, k = 261, 253, 131 // m n k = 8.65e6 > minSplit = 8.39e6
	rng := rand.New(rand.NewPCG(2, 1))
	for _, ta := range transposes {
		for _, tb := range transposes {
			ar, ac := dims(ta, m, k)
			br, bc := dims(tb, k, n)
			lda, ldb, ldc := ac+pad, bc+pad, n+pad
			a, b, c := randSlice(rng, ar*lda), randSlice(rng, br*ldb), randSlice(rng, m*ldc)
			want := clone(c)
			ref.Dgemm(ta, tb, m, n, k, 0.7, a, lda, b, ldb, -0.3, want, ldc)
			Blas{}.Dgemm(ta, tb, m, n, k, 0.7, a, lda, b, ldb, -0.3, c, ldc)
			sameSlices(t, fmt.Sprintf("split Dgemm(%c, %c)", ta, tb), c, want, tol)
		}
	}
	for _, s := range sides {
		for _, ul := range uplos {
			na := n
			if s == blas.Left {
				na = m
			}
			lda, ldb, ldc := na+pad, n+pad, n+pad
			a, b, c := randSlice(rng, na*lda), randSlice(rng, m*ldb), randSlice(rng, m*ldc)
			want := clone(c)
			ref.Dsymm(s, ul, m, n, 0.7, a, lda, b, ldb, -0.3, want, ldc)
			Blas{}.Dsymm(s, ul, m, n, 0.7, a, lda, b, ldb, -0.3, c, ldc)
			sameSlices(t, fmt.Sprintf("split Dsymm(%c, %c)", s, ul), c, want, tol)
			for _, ta := range transposes {
				a := triangular(rng, na, lda)
				name := fmt.Sprintf("(%c, %c, %c)", s, ul, ta)
				want, got := clone(b), clone(b)
				ref.Dtrmm(s, ul, ta, blas.NonUnit, m, n, 0.7, a, lda, want, ldb)
				Blas{}.Dtrmm(s, ul, ta, blas.NonUnit, m, n, 0.7, a, lda, got, ldb)
				sameSlices(t, "split Dtrmm"+name, got, want, tol)
				want, got = clone(b), clone(b)
				ref.Dtrsm(s, ul, ta, blas.NonUnit, m, n, 0.7, a, lda, want, ldb)
				Blas{}.Dtrsm(s, ul, ta, blas.NonUnit, m, n, 0.7, a, lda, got, ldb)
				sameSlices(t, "split Dtrsm"+name, got, want, tol)
			}
		}
	}
}

// TestSplitDecision checks that whether a large call is split depends on
// the open parallel regions only (not on other calls in flight), so that
// results do not depend on timing: a split product differs from an unsplit
// one in the last bits of a few entries when k is above OpenBLAS's blocking
// (measured: 30-45 of 78400 entries of a 400×400 by 400×196 product).
func TestSplitDecision(t *testing.T) {
	requireOpenBLAS(t)
	if threadsFromEnvCached || runtime.GOMAXPROCS(0) < 2 {
		t.Skip("calls are not split with an OpenBLAS thread count from the environment or one core")
	}
	const n = 400
	if !splitOK(n, 8, minSplit) {
		t.Error("a large call outside regions is not split")
	}
	end := Parallel()
	if splitOK(n, 8, minSplit) {
		t.Error("a large call inside a parallel region is split")
	}
	end()
	if splitOK(n, 8, minSplit-1) {
		t.Error("a call below minSplit is split")
	}
}
