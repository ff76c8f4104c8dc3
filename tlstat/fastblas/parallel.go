//go:build cgo && openblas

package fastblas

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// inflight counts the Level 3 calls currently inside OpenBLAS.
var inflight atomic.Int32

// minSplit is the number of multiply-adds above which a Level 3 call made
// while no other one is running is split over goroutines (about 1 ms of
// single-core work).
const minSplit = 1 << 23

// splitOK reports whether a Level 3 call over n independent rows or
// columns (split in multiples of align) of work multiply-adds should be
// split over goroutines: it is large, OpenBLAS is single-threaded (the
// thread count was not chosen in the environment) and no other call is in
// flight. Callers that are already parallel thus keep one OpenBLAS call per
// goroutine.
func splitOK(n, align, work int) bool {
	return !threadsFromEnvCached && work >= minSplit && n >= 2*align && runtime.GOMAXPROCS(0) > 1 && inflight.Load() == 0
}

// split runs f over [0, n) cut into up to GOMAXPROCS contiguous ranges
// (multiples of align) concurrently.
func split(n, align int, f func(lo, hi int)) {
	inflight.Add(1)
	defer inflight.Add(-1)
	w := runtime.GOMAXPROCS(0)
	chunk := (n + w - 1) / w
	chunk = (chunk + align - 1) / align * align
	var wg sync.WaitGroup
	for lo := chunk; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	f(0, min(chunk, n))
	wg.Wait()
}

// enter and leave bracket an unsplit call for the in-flight count.
func enter() { inflight.Add(1) }
func leave() { inflight.Add(-1) }

// threadsFromEnvCached is threadsFromEnv at start-up: with a user-chosen
// OpenBLAS thread count the calls are not split.
var threadsFromEnvCached = threadsFromEnv()
