//go:build !(cgo && openblas)

package fastblas

import (
	"gonum.org/v1/gonum/lapack/gonum"
)

// Enabled reports whether the OpenBLAS backend is compiled in and installed
// (build tag openblas with cgo enabled).
const Enabled = false

// Backend names the BLAS/LAPACK implementation in use by gonum.
func Backend() string { return "gonum (pure Go)" }

// LAPACK returns the LAPACK implementation of the build: gonum's pure-Go
// one here. Use it for routines that gonum's lapack64 does not wrap (such
// as Dsytrd), so that they run in OpenBLAS when the backend is compiled in.
func LAPACK() Lapacker { return gonum.Implementation{} }
