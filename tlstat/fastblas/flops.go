package fastblas

import (
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// FlopCounter is a blas.Float64 that counts the floating-point operations of
// the Level 2 and Level 3 calls it passes on to Inner, with the standard
// counts (one multiply-add = 2 flops; LAPACK Working Note 41):
//
//	Dgemm 2mnk            Dsymm 2m²n (left), 2mn² (right)
//	Dsyrk n²k             Dsyr2k 2n²k
//	Dtrmm, Dtrsm m²n (left), mn² (right)
//	Dgemv, Dger 2mn       Dsymv, Dsyr2 2n²      Dtrmv, Dtrsv, Dsyr n²
//
// Level 1 calls are not counted (O(n) each). Installed with blas64.Use in
// pure Go, where gonum's LAPACK makes its BLAS calls through blas64, it
// also counts the factorizations (a Cholesky factorization comes to about
// n³/3, a tridiagonal reduction to 4n³/3); OpenBLAS's LAPACK routines do
// not call back into Go and are not seen. It is safe for concurrent use.
type FlopCounter struct {
	// Inner computes the calls.
	blas.Float64
	n *atomic.Int64
}

// NewFlopCounter returns a counter around inner, starting at zero.
func NewFlopCounter(inner blas.Float64) FlopCounter {
	return FlopCounter{Float64: inner, n: new(atomic.Int64)}
}

// PureGo reports whether Inner is pure Go (gonum's, or reports PureGo
// itself), so that code with its own pure-Go kernels keeps using them under
// the counter; such code reports their flops with AddFlops.
func (c FlopCounter) PureGo() bool {
	if _, ok := c.Float64.(gonum.Implementation); ok {
		return true
	}
	p, ok := c.Float64.(interface{ PureGo() bool })
	return ok && p.PureGo()
}

// AddFlops adds n floating-point operations computed outside the BLAS calls.
func (c FlopCounter) AddFlops(n int64) { c.n.Add(n) }

// Flops returns the number of floating-point operations counted so far.
func (c FlopCounter) Flops() int64 { return c.n.Load() }

func (c FlopCounter) add(f int) { c.n.Add(int64(f)) }

// sideFlops returns m²n (left) or mn² (right).
func sideFlops(s blas.Side, m, n int) int {
	if s == blas.Left {
		return m * m * n
	}
	return m * n * n
}

// Dgemm counts 2mnk flops.
func (c FlopCounter) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, cm []float64, ldc int) {
	c.add(2 * m * n * k)
	c.Float64.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, cm, ldc)
}

// Dsymm counts 2m²n (left) or 2mn² (right) flops.
func (c FlopCounter) Dsymm(s blas.Side, ul blas.Uplo, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, cm []float64, ldc int) {
	c.add(2 * sideFlops(s, m, n))
	c.Float64.Dsymm(s, ul, m, n, alpha, a, lda, b, ldb, beta, cm, ldc)
}

// Dsyrk counts n²k flops.
func (c FlopCounter) Dsyrk(ul blas.Uplo, t blas.Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, cm []float64, ldc int) {
	c.add(n * n * k)
	c.Float64.Dsyrk(ul, t, n, k, alpha, a, lda, beta, cm, ldc)
}

// Dsyr2k counts 2n²k flops.
func (c FlopCounter) Dsyr2k(ul blas.Uplo, t blas.Transpose, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, cm []float64, ldc int) {
	c.add(2 * n * n * k)
	c.Float64.Dsyr2k(ul, t, n, k, alpha, a, lda, b, ldb, beta, cm, ldc)
}

// Dtrmm counts m²n (left) or mn² (right) flops.
func (c FlopCounter) Dtrmm(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	c.add(sideFlops(s, m, n))
	c.Float64.Dtrmm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
}

// Dtrsm counts m²n (left) or mn² (right) flops.
func (c FlopCounter) Dtrsm(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	c.add(sideFlops(s, m, n))
	c.Float64.Dtrsm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
}

// Dgemv counts 2mn flops.
func (c FlopCounter) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	c.add(2 * m * n)
	c.Float64.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// Dger counts 2mn flops.
func (c FlopCounter) Dger(m, n int, alpha float64, x []float64, incX int, y []float64, incY int, a []float64, lda int) {
	c.add(2 * m * n)
	c.Float64.Dger(m, n, alpha, x, incX, y, incY, a, lda)
}

// Dsymv counts 2n² flops.
func (c FlopCounter) Dsymv(ul blas.Uplo, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	c.add(2 * n * n)
	c.Float64.Dsymv(ul, n, alpha, a, lda, x, incX, beta, y, incY)
}

// Dsyr2 counts 2n² flops.
func (c FlopCounter) Dsyr2(ul blas.Uplo, n int, alpha float64, x []float64, incX int, y []float64, incY int, a []float64, lda int) {
	c.add(2 * n * n)
	c.Float64.Dsyr2(ul, n, alpha, x, incX, y, incY, a, lda)
}

// Dsyr counts n² flops.
func (c FlopCounter) Dsyr(ul blas.Uplo, n int, alpha float64, x []float64, incX int, a []float64, lda int) {
	c.add(n * n)
	c.Float64.Dsyr(ul, n, alpha, x, incX, a, lda)
}

// Dtrmv counts n² flops.
func (c FlopCounter) Dtrmv(ul blas.Uplo, tA blas.Transpose, d blas.Diag, n int, a []float64, lda int, x []float64, incX int) {
	c.add(n * n)
	c.Float64.Dtrmv(ul, tA, d, n, a, lda, x, incX)
}

// Dtrsv counts n² flops.
func (c FlopCounter) Dtrsv(ul blas.Uplo, tA blas.Transpose, d blas.Diag, n int, a []float64, lda int, x []float64, incX int) {
	c.add(n * n)
	c.Float64.Dtrsv(ul, tA, d, n, a, lda, x, incX)
}
