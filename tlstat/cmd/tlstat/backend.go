package main

// OpenBLAS is loaded at run time when the machine has it (package fastblas,
// no cgo and no build tag); otherwise tlstat runs in pure Go and says what to
// install. See docs/benchmarks.md.
import _ "github.com/tlstat/tlstat/tlstat/fastblas"
