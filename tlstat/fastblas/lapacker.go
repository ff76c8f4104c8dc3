package fastblas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
)

// Lapacker is lapack.Float64 with the routines of gonum's implementation
// that the interface leaves out but tlstat needs: the tridiagonal reduction
// Dsytrd and the eigenvalues of a tridiagonal matrix Dsterf. LAPACK returns
// the build's implementation.
type Lapacker interface {
	lapack.Float64
	Dsytrd(uplo blas.Uplo, n int, a []float64, lda int, d, e, tau, work []float64, lwork int)
	Dsterf(n int, d, e []float64) (ok bool)
}
