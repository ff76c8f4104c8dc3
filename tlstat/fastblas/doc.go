// Package fastblas is an optional cgo backend for gonum's BLAS and LAPACK
// built on the system OpenBLAS (Debian's libopenblas-dev).
//
// Importing the package for its side effect,
//
//	import _ "github.com/tlstat/tlstat/tlstat/fastblas"
//
// is harmless in a default (pure-Go) build: without the build tag nothing
// changes, Enabled is false and Backend reports gonum. Built with
//
//	go build -tags openblas ...
//
// (and cgo enabled), the package's init installs, through blas64.Use and
// lapack64.Use, implementations that embed gonum's pure-Go ones and override
// the routines whose cost grows as n³:
//
//   - BLAS Level 3: Dgemm, Dsymm, Dsyrk, Dsyr2k, Dtrmm, Dtrsm (cblas_*, row
//     major, the same memory layout as gonum);
//   - BLAS Level 2 for large operands: Dgemv, Dsymv, Dtrsv;
//   - LAPACK: Dpotrf and Dpotri (Cholesky factor and inverse, Fortran
//     dpotrf_/dpotri_) and Dsyev (symmetric eigendecomposition, computed with
//     the divide-and-conquer driver dsyevd_, one to two orders of magnitude
//     faster than gonum's QR-iteration Dsyev for the kernel matrices of
//     tlstat).
//
// LAPACK is column major and gonum row major: a row-major symmetric matrix
// with its upper triangle stored is, read column major, the same matrix with
// its lower triangle stored, so the overrides call LAPACK with uplo flipped;
// eigenvectors (columns of the row-major result in gonum) come back as
// columns of the column-major result and are transposed in place.
//
// Every other routine, invalid arguments (so that gonum's panics and their
// messages are kept) and operations too small to repay a cgo call (below
// about 4096 multiply-adds) use gonum's code. Results agree with the pure-Go
// ones to rounding (see the package tests, which run with and without the
// tag). OpenBLAS runs single-threaded unless OPENBLAS_NUM_THREADS (or
// GOTO_NUM_THREADS, OMP_NUM_THREADS) is set; instead, large Level 3 calls
// made outside parallel regions (see Parallel) are split over goroutines.
package fastblas
