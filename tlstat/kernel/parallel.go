package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// rowChunk is the number of consecutive kernel rows a worker claims at a time:
// large enough to amortize the atomic counter, small enough (1/4 of the rows
// of a 64-row matrix) to balance the triangular workload of Matrix.
const rowChunk = 16

// serialBelow is the row count under which the builders do not start
// goroutines: a 64×64 closed-form kernel takes ~50 µs, comparable to the
// cost of starting and joining workers.
const serialBelow = 64

// parallelRows calls f(i) for i in [0, n), in chunks of rowChunk rows handed
// out on demand to runtime.GOMAXPROCS goroutines, so that triangular work and
// a shared machine are balanced. Small n runs serially.
func parallelRows(n int, f func(i int)) {
	if n < serialBelow {
		for i := range n {
			f(i)
		}
		return
	}
	parallelFor(n, rowChunk, f)
}

// parallelFor calls f(i) for i in [0, n) from up to runtime.GOMAXPROCS
// goroutines, each repeatedly claiming the next chunk of indices.
func parallelFor(n, chunk int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				start := int(next.Add(int64(chunk))) - chunk
				if start >= n {
					return
				}
				for i := start; i < min(start+chunk, n); i++ {
					f(i)
				}
			}
		}()
	}
	wg.Wait()
}
