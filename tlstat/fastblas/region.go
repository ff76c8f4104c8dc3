package fastblas

import (
	"sync"
	"sync/atomic"
)

// regions counts the parallel regions in progress (see Parallel).
var regions atomic.Int32

// Parallel declares that the caller is about to run BLAS work on several
// goroutines at once, and returns the function that ends the declaration
// (safe to call more than once).
//
// With the openblas build tag, a Level 3 call above a size threshold is
// split over goroutines only while no region is open: inside a region the
// callers already use the cores. The decision depends on the program's
// structure, not on timing, so a computation gives the same bits every time
// it runs — a split product can differ from an unsplit one in the last bit,
// which chaotic computations such as Langevin chains amplify. tlstat's own
// concurrent loops (Langevin chains, concurrent sweeps, pairs and solves)
// declare their regions; code that calls tlstat from several goroutines at
// once should do the same. Without the build tag Parallel does nothing
// beyond counting.
func Parallel() (end func()) {
	regions.Add(1)
	var once sync.Once
	return func() { once.Do(func() { regions.Add(-1) }) }
}
