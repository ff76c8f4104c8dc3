package fastblas

import (
	"runtime"
	"sync"
)

// minSplit is the number of multiply-adds above which a Level 3 call made
// outside parallel regions is split over goroutines (about 1 ms of
// single-core work).
const minSplit = 1 << 23

// splitOK reports whether a Level 3 call over n independent rows or
// columns (split in multiples of align) of work multiply-adds should be
// split over goroutines: it is large, OpenBLAS is single-threaded (the
// thread count was not chosen in the environment) and no parallel region is
// open (see Parallel), so callers that are already parallel keep one
// OpenBLAS call per goroutine. It does not depend on timing: the same call
// in the same program is always split the same way.
func splitOK(n, align, work int) bool {
	return !threadsFromEnvCached && work >= minSplit && n >= 2*align && runtime.GOMAXPROCS(0) > 1 && regions.Load() == 0
}

// split runs f over [0, n) cut into up to GOMAXPROCS contiguous ranges
// (multiples of align) concurrently.
func split(n, align int, f func(lo, hi int)) {
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

// threadsFromEnvCached is threadsFromEnv at start-up: with a user-chosen
// OpenBLAS thread count the calls are not split.
var threadsFromEnvCached = threadsFromEnv()
