package fastblas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Blas32 is gonum's blas.Float32 with Sgemm and Strsm computed by OpenBLAS
// (cblas, row major): the single-precision products of the Langevin
// sampler's float32 option (langevin.Sampler.Float32). Invalid arguments and
// small operands go to the embedded gonum code, as in Blas. It is installed
// with blas32.Use when OpenBLAS is loaded.
type Blas32 struct{ gonum.Implementation }

var _ blas.Float32 = Blas32{}

// Sgemm computes C = alpha op(A) op(B) + beta C (see gonum's Sgemm).
func (b Blas32) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, bm []float32, ldb int, beta float32, c []float32, ldc int) {
	if !gemmFast(tA, tB, m, n, k, lda, ldb, ldc, len(a), len(bm), len(c)) {
		b.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
		return
	}
	gemmRows(tA, m, n, k, lda, ldc, 16, func(aoff, coff, rows int) {
		cblasSgemm(cblasRowMajor, ctrans(tA), ctrans(tB), int32(rows), int32(n), int32(k),
			alpha, &a[aoff], int32(lda), &bm[0], int32(ldb),
			beta, &c[coff], int32(ldc))
	})
}

// Strsm solves op(A) X = alpha B (Left) or X op(A) = alpha B (Right) with A
// triangular, overwriting B with X (see gonum's Strsm).
func (b Blas32) Strsm(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float32, a []float32, lda int, bm []float32, ldb int) {
	na := n
	if s == blas.Left {
		na = m
	}
	if !(validSide(s) && validUplo(ul) && validTrans(tA) && validDiag(d) && m > 0 && n > 0 && m*n*na >= 2*minFlops &&
		lda >= max(1, na) && ldb >= max(1, n) && len(a) >= span(na, na, lda) && len(bm) >= span(m, n, ldb)) {
		b.Implementation.Strsm(s, ul, tA, d, m, n, alpha, a, lda, bm, ldb)
		return
	}
	cblasStrsm(cblasRowMajor, cside(s), cuplo(ul), ctrans(tA), cdiag(d),
		int32(m), int32(n), alpha, &a[0], int32(lda), &bm[0], int32(ldb))
}
