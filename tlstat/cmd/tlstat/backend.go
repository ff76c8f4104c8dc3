package main

// The optional OpenBLAS backend: with `go build -tags openblas` (cgo) gonum's
// BLAS and LAPACK hot routines run in OpenBLAS; without the tag this import
// changes nothing. See docs/benchmarks.md.
import _ "github.com/tlstat/tlstat/tlstat/fastblas"
