package fastblas

import (
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Go is gonum's pure-Go blas.Float64 with the symmetric routines that gonum
// runs on one goroutine — Dsymv and Dsyr2k (the tridiagonal reduction
// Dsytrd is made of them) and Dsymm — split over GOMAXPROCS goroutines
// when they are large and no parallel region is open (see Parallel), under
// the same rule as the OpenBLAS calls: the decision depends on the program,
// not on timing, so runs are reproducible bit for bit. Each goroutine calls
// gonum's own routines on its block of the result (gonum's Dgemm and Dgemv
// for the off-diagonal blocks), so nothing is shared between them. It is
// the backend when OpenBLAS is not in use.
type Go struct{ gonum.Implementation }

var _ blas.Float64 = Go{}

// PureGo reports true: code with its own pure-Go kernels (kernel.Gram's
// tiled products) uses them with this backend as with gonum's.
func (Go) PureGo() bool { return true }

// minGoLevel2 is the order n (n² ≥ minGoLevel2) above which Dsymv is split
// (n = 512: about 0.3 ms of work).
const minGoLevel2 = 1 << 18

// goSplitOK reports whether work multiply-adds over n rows should be split.
func goSplitOK(n, work, min int) bool {
	return work >= min && n >= 16 && runtime.GOMAXPROCS(0) > 1 && regions.Load() == 0
}

// splitBounds runs f over the consecutive ranges [b[i], b[i+1]) concurrently.
func splitBounds(b []int, f func(lo, hi int)) {
	var wg sync.WaitGroup
	for i := 1; i+1 < len(b); i++ {
		if b[i] == b[i+1] {
			continue
		}
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			f(lo, hi)
		}(b[i], b[i+1])
	}
	if b[0] < b[1] {
		f(b[0], b[1])
	}
	wg.Wait()
}

// triBounds cuts the rows [0, n) of a triangle into GOMAXPROCS ranges of
// equal area: row i of a lower triangle holds i+1 entries (upper: n-i).
func triBounds(n int, lower bool) []int {
	w := runtime.GOMAXPROCS(0)
	b := make([]int, w+1)
	for j := 0; j <= w; j++ {
		f := float64(j) / float64(w)
		var r float64
		if lower {
			r = float64(n) * math.Sqrt(f)
		} else {
			r = float64(n) * (1 - math.Sqrt(1-f))
		}
		b[j] = min(n, max(0, int(math.Round(r))))
	}
	b[0], b[w] = 0, n
	for j := 1; j <= w; j++ {
		b[j] = max(b[j], b[j-1])
	}
	return b
}

// evenBounds cuts [0, n) into GOMAXPROCS ranges of equal length.
func evenBounds(n int) []int {
	w := runtime.GOMAXPROCS(0)
	b := make([]int, w+1)
	for j := range b {
		b[j] = n * j / w
	}
	return b
}

// Dsymv computes y = alpha A x + beta y for the symmetric A stored in the ul
// triangle (see gonum's Dsymv). Rows [lo, hi) of y are the diagonal block's
// product plus the two off-diagonal blocks', one read by rows and one by
// columns of the stored triangle.
func (g Go) Dsymv(ul blas.Uplo, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if !validUplo(ul) || n <= 0 || incX != 1 || incY != 1 || lda < max(1, n) || len(a) < span(n, n, lda) ||
		len(x) < n || len(y) < n || !goSplitOK(n, n*n, minGoLevel2) {
		g.Implementation.Dsymv(ul, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	gi := g.Implementation
	splitBounds(evenBounds(n), func(lo, hi int) {
		m := hi - lo
		gi.Dsymv(ul, m, alpha, a[lo*lda+lo:], lda, x[lo:hi], 1, beta, y[lo:hi], 1)
		if ul == blas.Lower {
			if lo > 0 { // A[lo:hi, 0:lo] x[0:lo]
				gi.Dgemv(blas.NoTrans, m, lo, alpha, a[lo*lda:], lda, x[:lo], 1, 1, y[lo:hi], 1)
			}
			if hi < n { // A[hi:n, lo:hi]ᵀ x[hi:n]
				gi.Dgemv(blas.Trans, n-hi, m, alpha, a[hi*lda+lo:], lda, x[hi:n], 1, 1, y[lo:hi], 1)
			}
			return
		}
		if hi < n { // A[lo:hi, hi:n] x[hi:n]
			gi.Dgemv(blas.NoTrans, m, n-hi, alpha, a[lo*lda+hi:], lda, x[hi:n], 1, 1, y[lo:hi], 1)
		}
		if lo > 0 { // A[0:lo, lo:hi]ᵀ x[0:lo]
			gi.Dgemv(blas.Trans, lo, m, alpha, a[lo:], lda, x[:lo], 1, 1, y[lo:hi], 1)
		}
	})
}

// Dsyr2k computes the ul triangle of C = alpha (op(A) op(B)ᵀ + op(B) op(A)ᵀ)
// + beta C (see gonum's Dsyr2k). Rows [lo, hi) of the triangle are a
// diagonal block (gonum's Dsyr2k) and an off-diagonal block (two Dgemm).
func (g Go) Dsyr2k(ul blas.Uplo, t blas.Transpose, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	ar, ac := dims(t, n, k)
	if !validUplo(ul) || !validTrans(t) || n <= 0 || k <= 0 || lda < max(1, ac) || ldb < max(1, ac) || ldc < max(1, n) ||
		len(a) < span(ar, ac, lda) || len(b) < span(ar, ac, ldb) || len(c) < span(n, n, ldc) || !goSplitOK(n, n*n*k, minSplit) {
		g.Implementation.Dsyr2k(ul, t, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gi := g.Implementation
	// row returns the offset of row i of op(X) in X (leading dimension ld),
	// and tA, tB the transposes that make op(X)[rows] (op(Y)[cols])ᵀ a Dgemm.
	row := func(i, ld int) int {
		if t == blas.NoTrans {
			return i * ld
		}
		return i
	}
	tA, tB := blas.NoTrans, blas.Trans
	if t != blas.NoTrans {
		tA, tB = blas.Trans, blas.NoTrans
	}
	splitBounds(triBounds(n, ul == blas.Lower), func(lo, hi int) {
		m := hi - lo
		gi.Dsyr2k(ul, t, m, k, alpha, a[row(lo, lda):], lda, b[row(lo, ldb):], ldb, beta, c[lo*ldc+lo:], ldc)
		c0, c1 := 0, lo // the off-diagonal columns of rows [lo, hi)
		if ul == blas.Upper {
			c0, c1 = hi, n
		}
		if c1 == c0 {
			return
		}
		cc := c[lo*ldc+c0:]
		gi.Dgemm(tA, tB, m, c1-c0, k, alpha, a[row(lo, lda):], lda, b[row(c0, ldb):], ldb, beta, cc, ldc)
		gi.Dgemm(tA, tB, m, c1-c0, k, alpha, b[row(lo, ldb):], ldb, a[row(c0, lda):], lda, 1, cc, ldc)
	})
}

// Dsymm computes C = alpha A B + beta C (Left) or alpha B A + beta C
// (Right) for the symmetric A (see gonum's Dsymm), split over the columns
// (Left) or rows (Right) of B and C.
func (g Go) Dsymm(s blas.Side, ul blas.Uplo, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	na := n
	if s == blas.Left {
		na = m
	}
	if !validSide(s) || !validUplo(ul) || m <= 0 || n <= 0 || lda < max(1, na) || ldb < max(1, n) || ldc < max(1, n) ||
		len(a) < span(na, na, lda) || len(b) < span(m, n, ldb) || len(c) < span(m, n, ldc) {
		g.Implementation.Dsymm(s, ul, m, n, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gi := g.Implementation
	if s == blas.Left && goSplitOK(n, m*m*n, minSplit) {
		splitBounds(evenBounds(n), func(lo, hi int) {
			gi.Dsymm(s, ul, m, hi-lo, alpha, a, lda, b[lo:], ldb, beta, c[lo:], ldc)
		})
		return
	}
	if s == blas.Right && goSplitOK(m, m*n*n, minSplit) {
		splitBounds(evenBounds(m), func(lo, hi int) {
			gi.Dsymm(s, ul, hi-lo, n, alpha, a, lda, b[lo*ldb:], ldb, beta, c[lo*ldc:], ldc)
		})
		return
	}
	gi.Dsymm(s, ul, m, n, alpha, a, lda, b, ldb, beta, c, ldc)
}
