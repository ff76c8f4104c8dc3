package fastblas

import (
	"math"

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

// LAPACK character arguments (passed by address, with length 1).
var cL, cU, cN, cV = byte('L'), byte('U'), byte('N'), byte('V')

// flip returns the column-major LAPACK triangle holding the row-major
// triangle ul: the upper triangle of a row-major matrix is the lower
// triangle of the same memory read column major.
func flip(ul blas.Uplo) *byte {
	if ul == blas.Upper {
		return &cL
	}
	return &cU
}

// Dpotrf computes the Cholesky factorization of the symmetric positive
// definite a in place: a = Uᵀ U (ul = Upper) or L Lᵀ (see gonum's Dpotrf).
// It returns false if a is not positive definite.
func (l Lapack) Dpotrf(ul blas.Uplo, n int, a []float64, lda int) bool {
	if !validUplo(ul) || n < minLapack || lda < max(1, n) || len(a) < span(n, n, lda) {
		return l.Implementation.Dpotrf(ul, n, a, lda)
	}
	cn, clda := int32(n), int32(lda)
	var info int32
	lapackDpotrf(flip(ul), &cn, &a[0], &clda, &info, 1)
	return info == 0
}

// Dpotri overwrites the Cholesky factor in a (from Dpotrf) with the triangle
// ul of the inverse of the factored matrix (see gonum's Dpotri). It returns
// false if the factor is singular.
func (l Lapack) Dpotri(ul blas.Uplo, n int, a []float64, lda int) bool {
	if !validUplo(ul) || n < minLapack || lda < max(1, n) || len(a) < span(n, n, lda) {
		return l.Implementation.Dpotri(ul, n, a, lda)
	}
	cn, clda := int32(n), int32(lda)
	var info int32
	lapackDpotri(flip(ul), &cn, &a[0], &clda, &info, 1)
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
	if lwork < need {
		work = make([]float64, need)
	}
	iwork := make([]int32, ineed)
	job := &cN
	if jobz == lapack.EVCompute {
		job = &cV
	}
	cn, clda, clw, cliw := int32(n), int32(lda), int32(need), int32(ineed)
	var info int32
	lapackDsyevd(job, flip(ul), &cn, &a[0], &clda, &w[0], &work[0], &clw, &iwork[0], &cliw, &info, 1, 1)
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
	uplo := &cU
	if ul == blas.Lower {
		uplo = &cL
	}
	cn, clda, clw := int32(n), int32(lda), int32(lwork)
	var info int32
	lapackDsytrd(uplo, &cn, &a[0], &clda, &d[0], &e[0], &tau[0], &work[0], &clw, &info, 1)
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
