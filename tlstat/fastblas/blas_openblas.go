package fastblas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// minFlops is the number of multiply-adds below which a Level 3 call stays
// in gonum: a foreign call costs ~0.1 µs, about what gonum spends on a 16³
// product, and OpenBLAS's setup is larger still.
const minFlops = 1 << 12

// minLevel2 is the matrix size (rows × columns) below which a Level 2 call
// stays in gonum (a 256×256 matrix-vector product takes ~20 µs).
const minLevel2 = 1 << 16

// Blas is gonum's blas.Float64 with the Level 3 routines and the large
// Level 2 matrix–vector routines computed by OpenBLAS (cblas, row major).
// Invalid arguments and small operands go to the embedded gonum code.
type Blas struct{ gonum.Implementation }

var _ blas.Float64 = Blas{}

// span is the number of elements a rows×cols row-major matrix with leading
// dimension ld occupies.
func span(rows, cols, ld int) int { return (rows-1)*ld + cols }

// vspan is the number of elements a vector of n elements with increment inc
// (> 0) occupies.
func vspan(n, inc int) int { return (n-1)*inc + 1 }

func validTrans(t blas.Transpose) bool {
	return t == blas.NoTrans || t == blas.Trans || t == blas.ConjTrans
}

func validUplo(u blas.Uplo) bool { return u == blas.Upper || u == blas.Lower }

func validSide(s blas.Side) bool { return s == blas.Left || s == blas.Right }

func validDiag(d blas.Diag) bool { return d == blas.Unit || d == blas.NonUnit }

// ctrans, cuplo, cside and cdiag map gonum's flags (the characters 'N',
// 'T', 'U', ...) to the CBLAS enumerations; the arguments are validated.
// The CBLAS enumerations (cblas.h).
const (
	cblasRowMajor = 101
	cblasNoTrans  = 111
	cblasTrans    = 112
	cblasUpper    = 121
	cblasLower    = 122
	cblasNonUnit  = 131
	cblasUnit     = 132
	cblasLeft     = 141
	cblasRight    = 142
)

func ctrans(t blas.Transpose) int32 {
	if t == blas.NoTrans {
		return cblasNoTrans
	}
	return cblasTrans // Trans and ConjTrans coincide for real matrices
}

func cuplo(u blas.Uplo) int32 {
	if u == blas.Upper {
		return cblasUpper
	}
	return cblasLower
}

func cside(s blas.Side) int32 {
	if s == blas.Left {
		return cblasLeft
	}
	return cblasRight
}

func cdiag(d blas.Diag) int32 {
	if d == blas.Unit {
		return cblasUnit
	}
	return cblasNonUnit
}

// dims returns the rows and columns of op(A) for an r×c operand stored as
// A (t = NoTrans) or Aᵀ.
func dims(t blas.Transpose, r, c int) (int, int) {
	if t == blas.NoTrans {
		return r, c
	}
	return c, r
}

// Dgemm computes C = alpha op(A) op(B) + beta C (see gonum's Dgemm).
func (b Blas) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, bm []float64, ldb int, beta float64, c []float64, ldc int) {
	if !gemmFast(tA, tB, m, n, k, lda, ldb, ldc, len(a), len(bm), len(c)) {
		b.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
		return
	}
	gemmRows(tA, m, n, k, lda, ldc, 8, func(aoff, coff, rows int) {
		cblasDgemm(cblasRowMajor, ctrans(tA), ctrans(tB), int32(rows), int32(n), int32(k),
			alpha, &a[aoff], int32(lda), &bm[0], int32(ldb),
			beta, &c[coff], int32(ldc))
	})
}

// gemmFast reports whether a general product C = alpha op(A) op(B) + beta C
// (op(A) m×k, op(B) k×n, slices of lengths la, lb, lc) has valid arguments
// and is large enough (minFlops) to go to OpenBLAS.
func gemmFast(tA, tB blas.Transpose, m, n, k, lda, ldb, ldc, la, lb, lc int) bool {
	ar, ac := dims(tA, m, k)
	br, bc := dims(tB, k, n)
	return validTrans(tA) && validTrans(tB) && m > 0 && n > 0 && k > 0 && m*n*k >= minFlops &&
		lda >= max(1, ac) && ldb >= max(1, bc) && ldc >= max(1, n) &&
		la >= span(ar, ac, lda) && lb >= span(br, bc, ldb) && lc >= span(m, n, ldc)
}

// gemmRows calls gemm for the rows of an m×n product C = op(A) op(B) with
// inner dimension k: once for all m rows, or, when the call is split (see
// splitOK, rows in multiples of align), concurrently for each range of
// rows, with the offsets in A and C of its first row and its row count.
func gemmRows(tA blas.Transpose, m, n, k, lda, ldc, align int, gemm func(aoff, coff, rows int)) {
	if !splitOK(m, align, m*n*k) {
		gemm(0, 0, m)
		return
	}
	// Rows [lo, hi) of C need rows lo.. of op(A): rows of A, or columns of
	// A when transposed.
	split(m, align, func(lo, hi int) {
		aoff := lo * lda
		if tA != blas.NoTrans {
			aoff = lo
		}
		gemm(aoff, lo*ldc, hi-lo)
	})
}

// Dsymm computes C = alpha A B + beta C (side Left) or alpha B A + beta C
// (side Right) with A symmetric (see gonum's Dsymm).
func (b Blas) Dsymm(s blas.Side, ul blas.Uplo, m, n int, alpha float64, a []float64, lda int, bm []float64, ldb int, beta float64, c []float64, ldc int) {
	na := n
	if s == blas.Left {
		na = m
	}
	if !validSide(s) || !validUplo(ul) || m <= 0 || n <= 0 || m*n*na < minFlops ||
		lda < max(1, na) || ldb < max(1, n) || ldc < max(1, n) ||
		len(a) < span(na, na, lda) || len(bm) < span(m, n, ldb) || len(c) < span(m, n, ldc) {
		b.Implementation.Dsymm(s, ul, m, n, alpha, a, lda, bm, ldb, beta, c, ldc)
		return
	}
	if s == blas.Left && splitOK(n, 8, m*n*na) { // C[:, lo:hi] = alpha A B[:, lo:hi] + beta C[:, lo:hi]
		split(n, 8, func(lo, hi int) {
			cblasDsymm(cblasRowMajor, cside(s), cuplo(ul), int32(m), int32(hi-lo),
				alpha, &a[0], int32(lda), &bm[lo], int32(ldb),
				beta, &c[lo], int32(ldc))
		})
		return
	}
	if s == blas.Right && splitOK(m, 8, m*n*na) {
		split(m, 8, func(lo, hi int) { // C[lo:hi] = alpha B[lo:hi] A + beta C[lo:hi]
			cblasDsymm(cblasRowMajor, cside(s), cuplo(ul), int32(hi-lo), int32(n),
				alpha, &a[0], int32(lda), &bm[lo*ldb], int32(ldb),
				beta, &c[lo*ldc], int32(ldc))
		})
		return
	}
	cblasDsymm(cblasRowMajor, cside(s), cuplo(ul), int32(m), int32(n),
		alpha, &a[0], int32(lda), &bm[0], int32(ldb),
		beta, &c[0], int32(ldc))
}

// Dsyrk computes the triangle ul of C = alpha A Aᵀ + beta C (NoTrans) or
// alpha Aᵀ A + beta C (see gonum's Dsyrk).
func (b Blas) Dsyrk(ul blas.Uplo, t blas.Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	ar, ac := dims(t, n, k)
	if !validUplo(ul) || !validTrans(t) || n <= 0 || k <= 0 || n*n*k < 2*minFlops ||
		lda < max(1, ac) || ldc < max(1, n) || len(a) < span(ar, ac, lda) || len(c) < span(n, n, ldc) {
		b.Implementation.Dsyrk(ul, t, n, k, alpha, a, lda, beta, c, ldc)
		return
	}
	cblasDsyrk(cblasRowMajor, cuplo(ul), ctrans(t), int32(n), int32(k),
		alpha, &a[0], int32(lda), beta, &c[0], int32(ldc))
}

// Dsyr2k computes the triangle ul of C = alpha (A Bᵀ + B Aᵀ) + beta C
// (NoTrans) or alpha (Aᵀ B + Bᵀ A) + beta C (see gonum's Dsyr2k).
func (b Blas) Dsyr2k(ul blas.Uplo, t blas.Transpose, n, k int, alpha float64, a []float64, lda int, bm []float64, ldb int, beta float64, c []float64, ldc int) {
	ar, ac := dims(t, n, k)
	if !validUplo(ul) || !validTrans(t) || n <= 0 || k <= 0 || n*n*k < minFlops ||
		lda < max(1, ac) || ldb < max(1, ac) || ldc < max(1, n) ||
		len(a) < span(ar, ac, lda) || len(bm) < span(ar, ac, ldb) || len(c) < span(n, n, ldc) {
		b.Implementation.Dsyr2k(ul, t, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
		return
	}
	cblasDsyr2k(cblasRowMajor, cuplo(ul), ctrans(t), int32(n), int32(k),
		alpha, &a[0], int32(lda), &bm[0], int32(ldb),
		beta, &c[0], int32(ldc))
}

// triArgs reports whether the arguments of Dtrmm/Dtrsm are valid and large
// enough for OpenBLAS.
func triArgs(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, a []float64, lda int, bm []float64, ldb int) bool {
	na := n
	if s == blas.Left {
		na = m
	}
	return validSide(s) && validUplo(ul) && validTrans(tA) && validDiag(d) && m > 0 && n > 0 && m*n*na >= 2*minFlops &&
		lda >= max(1, na) && ldb >= max(1, n) && len(a) >= span(na, na, lda) && len(bm) >= span(m, n, ldb)
}

// Dtrmm computes B = alpha op(A) B (Left) or alpha B op(A) (Right) with A
// triangular (see gonum's Dtrmm).
func (b Blas) Dtrmm(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float64, a []float64, lda int, bm []float64, ldb int) {
	if !triArgs(s, ul, tA, d, m, n, a, lda, bm, ldb) {
		b.Implementation.Dtrmm(s, ul, tA, d, m, n, alpha, a, lda, bm, ldb)
		return
	}
	triBlocks(s, m, n, bm, ldb, func(m, n int, pb *float64) {
		cblasDtrmm(cblasRowMajor, cside(s), cuplo(ul), ctrans(tA), cdiag(d),
			int32(m), int32(n), alpha, &a[0], int32(lda), pb, int32(ldb))
	})
}

// Dtrsm solves op(A) X = alpha B (Left) or X op(A) = alpha B (Right) with A
// triangular, overwriting B with X (see gonum's Dtrsm).
func (b Blas) Dtrsm(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float64, a []float64, lda int, bm []float64, ldb int) {
	if !triArgs(s, ul, tA, d, m, n, a, lda, bm, ldb) {
		b.Implementation.Dtrsm(s, ul, tA, d, m, n, alpha, a, lda, bm, ldb)
		return
	}
	triBlocks(s, m, n, bm, ldb, func(m, n int, pb *float64) {
		cblasDtrsm(cblasRowMajor, cside(s), cuplo(ul), ctrans(tA), cdiag(d),
			int32(m), int32(n), alpha, &a[0], int32(lda), pb, int32(ldb))
	})
}

// triBlocks runs a triangular Level-3 call on the m×n matrix B (leading
// dimension ldb): split over goroutines into blocks of independent columns
// (Left) or rows (Right) when that pays, otherwise whole. call receives the
// block's dimensions and its first element.
func triBlocks(s blas.Side, m, n int, bm []float64, ldb int, call func(m, n int, pb *float64)) {
	if s == blas.Left && splitOK(n, 8, m*m*n) { // the columns of B are independent
		split(n, 8, func(lo, hi int) { call(m, hi-lo, &bm[lo]) })
		return
	}
	if s == blas.Right && splitOK(m, 8, m*n*n) { // the rows of B are independent
		split(m, 8, func(lo, hi int) { call(hi-lo, n, &bm[lo*ldb]) })
		return
	}
	call(m, n, &bm[0])
}

// Dgemv computes y = alpha op(A) x + beta y (see gonum's Dgemv).
func (b Blas) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	lx, ly := n, m
	if tA != blas.NoTrans {
		lx, ly = m, n
	}
	if !validTrans(tA) || m <= 0 || n <= 0 || m*n < minLevel2 || incX <= 0 || incY <= 0 ||
		lda < max(1, n) || len(a) < span(m, n, lda) || len(x) < vspan(lx, incX) || len(y) < vspan(ly, incY) {
		b.Implementation.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	cblasDgemv(cblasRowMajor, ctrans(tA), int32(m), int32(n), alpha,
		&a[0], int32(lda), &x[0], int32(incX), beta, &y[0], int32(incY))
}

// Dsymv computes y = alpha A x + beta y with A symmetric (see gonum's Dsymv).
func (b Blas) Dsymv(ul blas.Uplo, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if !validUplo(ul) || n <= 0 || n*n < minLevel2 || incX <= 0 || incY <= 0 ||
		lda < max(1, n) || len(a) < span(n, n, lda) || len(x) < vspan(n, incX) || len(y) < vspan(n, incY) {
		b.Implementation.Dsymv(ul, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	cblasDsymv(cblasRowMajor, cuplo(ul), int32(n), alpha,
		&a[0], int32(lda), &x[0], int32(incX), beta, &y[0], int32(incY))
}

// Dtrsv solves op(A) x = b with A triangular, overwriting x (see gonum's
// Dtrsv).
func (b Blas) Dtrsv(ul blas.Uplo, tA blas.Transpose, d blas.Diag, n int, a []float64, lda int, x []float64, incX int) {
	if !validUplo(ul) || !validTrans(tA) || !validDiag(d) || n <= 0 || n*n < minLevel2 || incX <= 0 ||
		lda < max(1, n) || len(a) < span(n, n, lda) || len(x) < vspan(n, incX) {
		b.Implementation.Dtrsv(ul, tA, d, n, a, lda, x, incX)
		return
	}
	cblasDtrsv(cblasRowMajor, cuplo(ul), ctrans(tA), cdiag(d), int32(n),
		&a[0], int32(lda), &x[0], int32(incX))
}
