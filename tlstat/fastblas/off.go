//go:build !(cgo && openblas)

package fastblas

// Enabled reports whether the OpenBLAS backend is compiled in and installed
// (build tag openblas with cgo enabled).
const Enabled = false

// Backend names the BLAS/LAPACK implementation in use by gonum.
func Backend() string { return "gonum (pure Go)" }
