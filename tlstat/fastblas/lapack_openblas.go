//go:build cgo && openblas

package fastblas

/*
#include <stddef.h>
// Fortran LAPACK of OpenBLAS (32-bit integers), with the hidden lengths of
// the character arguments that gfortran appends.
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t luplo);
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t luplo);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info, size_t ljobz, size_t luplo);
void dsytrd_(const char *uplo, const int *n, double *a, const int *lda, double *d, double *e, double *tau,
             double *work, const int *lwork, int *info, size_t luplo);
void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a, const int *lda,
             const double *vl, const double *vu, const int *il, const int *iu, const double *abstol, int *m,
             double *w, double *z, const int *ldz, int *isuppz, double *work, const int *lwork, int *iwork,
             const int *liwork, int *info, size_t ljobz, size_t lrange, size_t luplo);
*/
import "C"

import (
	"math"
	"os"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
)

// minLapack is the order below which the LAPACK overrides stay in gonum.
const minLapack = 32

// Lapack is gonum's lapack.Float64 with the Cholesky factorization and
// inverse (Dpotrf, Dpotri) and the symmetric eigendecomposition (Dsyev, by
// the divide-and-conquer driver dsyevd) computed by OpenBLAS's LAPACK.
type Lapack struct{ gonum.Implementation }

var _ lapack.Float64 = Lapack{}

// LAPACK character arguments, allocated once.
var cL, cU, cN, cV, cA = C.CString("L"), C.CString("U"), C.CString("N"), C.CString("V"), C.CString("A")

// flip returns the column-major LAPACK triangle holding the row-major
// triangle ul: the upper triangle of a row-major matrix is the lower
// triangle of the same memory read column major.
func flip(ul blas.Uplo) *C.char {
	if ul == blas.Upper {
		return cL
	}
	return cU
}

// Dpotrf computes the Cholesky factorization of the symmetric positive
// definite a in place: a = Uᵀ U (ul = Upper) or L Lᵀ (see gonum's Dpotrf).
// It returns false if a is not positive definite.
func (l Lapack) Dpotrf(ul blas.Uplo, n int, a []float64, lda int) bool {
	if !validUplo(ul) || n < minLapack || lda < max(1, n) || len(a) < span(n, n, lda) {
		return l.Implementation.Dpotrf(ul, n, a, lda)
	}
	cn, clda := C.int(n), C.int(lda)
	var info C.int
	C.dpotrf_(flip(ul), &cn, (*C.double)(&a[0]), &clda, &info, 1)
	return info == 0
}

// Dpotri overwrites the Cholesky factor in a (from Dpotrf) with the triangle
// ul of the inverse of the factored matrix (see gonum's Dpotri). It returns
// false if the factor is singular.
func (l Lapack) Dpotri(ul blas.Uplo, n int, a []float64, lda int) bool {
	if !validUplo(ul) || n < minLapack || lda < max(1, n) || len(a) < span(n, n, lda) {
		return l.Implementation.Dpotri(ul, n, a, lda)
	}
	cn, clda := C.int(n), C.int(lda)
	var info C.int
	C.dpotri_(flip(ul), &cn, (*C.double)(&a[0]), &clda, &info, 1)
	return info == 0
}

// syevdWork returns the workspace sizes dsyevd needs for order n.
func syevdWork(jobz lapack.EVJob, n int) (lwork, liwork int) {
	if jobz == lapack.EVCompute {
		return 1 + 6*n + 2*n*n, 3 + 5*n
	}
	return 2*n + 1, 1
}

// Dsyev computes the eigenvalues of the symmetric a in ascending order into w
// and, if jobz is lapack.EVCompute, overwrites a with the orthonormal
// eigenvectors, the j-th in column j (see gonum's Dsyev). It uses LAPACK's
// divide-and-conquer dsyevd. A workspace query (lwork = -1) reports the size
// dsyevd needs; a smaller work slice is replaced by an internal allocation.
// It returns false if the algorithm failed to converge.
func (l Lapack) Dsyev(jobz lapack.EVJob, ul blas.Uplo, n int, a []float64, lda int, w, work []float64, lwork int) bool {
	if (jobz != lapack.EVNone && jobz != lapack.EVCompute) || !validUplo(ul) || n < minLapack || lda < max(1, n) ||
		(lwork < max(1, 3*n-1) && lwork != -1) || len(work) < max(1, lwork) {
		return l.Implementation.Dsyev(jobz, ul, n, a, lda, w, work, lwork)
	}
	need, ineed := syevdWork(jobz, n)
	if lwork == -1 {
		work[0] = float64(max(need, 3*n-1))
		return true
	}
	if len(a) < span(n, n, lda) || len(w) < n {
		return l.Implementation.Dsyev(jobz, ul, n, a, lda, w, work, lwork)
	}
	if useEvr && jobz == lapack.EVCompute {
		return syevr(ul, n, a, lda, w)
	}
	if lwork < need {
		work = make([]float64, need)
	}
	iwork := make([]C.int, ineed)
	job := cN
	if jobz == lapack.EVCompute {
		job = cV
	}
	cn, clda, clw, cliw := C.int(n), C.int(lda), C.int(need), C.int(ineed)
	var info C.int
	C.dsyevd_(job, flip(ul), &cn, (*C.double)(&a[0]), &clda, (*C.double)(&w[0]), (*C.double)(&work[0]), &clw,
		&iwork[0], &cliw, &info, 1, 1)
	if info != 0 {
		return false
	}
	if jobz == lapack.EVCompute {
		transposeSquare(n, a, lda)
	}
	for _, v := range w[:n] {
		if math.IsNaN(v) {
			return false
		}
	}
	return true
}

// transposeSquare transposes the n×n matrix a (leading dimension lda) in
// place, in cache-sized tiles.
func transposeSquare(n int, a []float64, lda int) {
	const tile = 32
	for i0 := 0; i0 < n; i0 += tile {
		for j0 := i0; j0 < n; j0 += tile {
			for i := i0; i < min(i0+tile, n); i++ {
				jstart := j0
				if i0 == j0 {
					jstart = i + 1
				}
				for j := jstart; j < min(j0+tile, n); j++ {
					a[i*lda+j], a[j*lda+i] = a[j*lda+i], a[i*lda+j]
				}
			}
		}
	}
}

// useEvr selects LAPACK's MRRR driver dsyevr instead of dsyevd for
// eigenvectors (set by TLSTAT_SYEV=evr; see the benchmarks).
var useEvr = os.Getenv("TLSTAT_SYEV") == "evr"

// syevr computes all eigenvalues and eigenvectors with dsyevr; the vectors
// (columns of the column-major Z) are copied into the columns of the
// row-major a.
func syevr(ul blas.Uplo, n int, a []float64, lda int, w []float64) bool {
	z := make([]float64, n*n)
	isuppz := make([]C.int, 2*n)
	lw, liw := 70*n, 10*n
	work := make([]float64, lw)
	iwork := make([]C.int, liw)
	cn, clda, cldz, clw, cliw := C.int(n), C.int(lda), C.int(n), C.int(lw), C.int(liw)
	var vl, vu, abstol C.double
	var il, iu, m, info C.int
	C.dsyevr_(cV, cA, flip(ul), &cn, (*C.double)(&a[0]), &clda, &vl, &vu, &il, &iu, &abstol, &m,
		(*C.double)(&w[0]), (*C.double)(&z[0]), &cldz, &isuppz[0], (*C.double)(&work[0]), &clw, &iwork[0], &cliw, &info, 1, 1, 1)
	if info != 0 || int(m) != n {
		return false
	}
	for i := 0; i < n; i++ {
		row := a[i*lda : i*lda+n]
		for j := range row {
			row[j] = z[j*n+i]
		}
	}
	return true
}

// Dsytrd reduces the symmetric a to tridiagonal form T = Qᵀ A Q exactly as
// gonum's Dsytrd does (the same reflectors, stored the same way: d, e, tau
// and the Householder vectors in the triangle ul of a), with LAPACK's
// blocked dsytrd. gonum's row-major routine is the Fortran algorithm with
// the same uplo on the transposed storage, so the triangle is mirrored into
// the other half before the call (LAPACK then reads it with the same uplo)
// and the result mirrored back. A workspace query reports n·64.
func (l Lapack) Dsytrd(ul blas.Uplo, n int, a []float64, lda int, d, e, tau, work []float64, lwork int) {
	if !validUplo(ul) || n < minLapack || lda < max(1, n) || (lwork < 1 && lwork != -1) || len(work) < max(1, lwork) {
		l.Implementation.Dsytrd(ul, n, a, lda, d, e, tau, work, lwork)
		return
	}
	const nb = 64
	if lwork == -1 {
		work[0] = float64(n * nb)
		return
	}
	if len(a) < span(n, n, lda) || len(d) < n || len(e) < n-1 || len(tau) < n-1 {
		l.Implementation.Dsytrd(ul, n, a, lda, d, e, tau, work, lwork)
		return
	}
	mirror(ul, n, a, lda, false)
	if lwork < n*nb {
		work = make([]float64, n*nb)
		lwork = len(work)
	}
	uplo := cU
	if ul == blas.Lower {
		uplo = cL
	}
	cn, clda, clw := C.int(n), C.int(lda), C.int(lwork)
	var info C.int
	C.dsytrd_(uplo, &cn, (*C.double)(&a[0]), &clda, (*C.double)(&d[0]), (*C.double)(&e[0]), (*C.double)(&tau[0]),
		(*C.double)(&work[0]), &clw, &info, 1)
	mirror(ul, n, a, lda, true)
}

// mirror copies the triangle ul of the row-major a into the other triangle
// (back = false), or the other triangle into ul (back = true), leaving the
// diagonal alone.
func mirror(ul blas.Uplo, n int, a []float64, lda int, back bool) {
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			up, lo := &a[i*lda+j], &a[j*lda+i] // (i, j) upper, (j, i) lower
			if (ul == blas.Upper) != back {
				*lo = *up
			} else {
				*up = *lo
			}
		}
	}
}
