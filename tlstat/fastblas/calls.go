package fastblas

// The OpenBLAS entry points, bound by loadOpenBLAS: CBLAS (row major, C int
// arguments) and the Fortran LAPACK routines (arguments by address, with the
// hidden lengths of the character arguments that gfortran appends).
var (
	cblasDgemm  func(order, tA, tB, m, n, k int32, alpha float64, a *float64, lda int32, b *float64, ldb int32, beta float64, c *float64, ldc int32)
	cblasDsymm  func(order, side, uplo, m, n int32, alpha float64, a *float64, lda int32, b *float64, ldb int32, beta float64, c *float64, ldc int32)
	cblasDsyrk  func(order, uplo, t, n, k int32, alpha float64, a *float64, lda int32, beta float64, c *float64, ldc int32)
	cblasDsyr2k func(order, uplo, t, n, k int32, alpha float64, a *float64, lda int32, b *float64, ldb int32, beta float64, c *float64, ldc int32)
	cblasDtrmm  func(order, side, uplo, tA, diag, m, n int32, alpha float64, a *float64, lda int32, b *float64, ldb int32)
	cblasDtrsm  func(order, side, uplo, tA, diag, m, n int32, alpha float64, a *float64, lda int32, b *float64, ldb int32)
	cblasDgemv  func(order, tA, m, n int32, alpha float64, a *float64, lda int32, x *float64, incX int32, beta float64, y *float64, incY int32)
	cblasDsymv  func(order, uplo, n int32, alpha float64, a *float64, lda int32, x *float64, incX int32, beta float64, y *float64, incY int32)
	cblasDtrsv  func(order, uplo, tA, diag, n int32, a *float64, lda int32, x *float64, incX int32)

	cblasSgemm func(order, tA, tB, m, n, k int32, alpha float32, a *float32, lda int32, b *float32, ldb int32, beta float32, c *float32, ldc int32)
	cblasStrsm func(order, side, uplo, tA, diag, m, n int32, alpha float32, a *float32, lda int32, b *float32, ldb int32)

	lapackDpotrf func(uplo *byte, n *int32, a *float64, lda, info *int32, luplo uintptr)
	lapackDpotri func(uplo *byte, n *int32, a *float64, lda, info *int32, luplo uintptr)
	lapackDsyevd func(jobz, uplo *byte, n *int32, a *float64, lda *int32, w, work *float64, lwork *int32, iwork *int32, liwork, info *int32, ljobz, luplo uintptr)
	lapackDsytrd func(uplo *byte, n *int32, a *float64, lda *int32, d, e, tau, work *float64, lwork, info *int32, luplo uintptr)

	openblasSetNumThreads func(n int32)
	openblasGetNumThreads func() int32
	openblasGetConfig     func() string
	openblasGetCorename   func() string
)
