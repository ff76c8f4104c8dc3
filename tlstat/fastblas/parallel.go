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

// split runs f over [0, n) cut into up to GOMAXPROCS contiguous ranges
// (multiples of align), concurrently when the call is large (work
// multiply-adds), OpenBLAS is single-threaded and no other call is in
// flight; otherwise in one piece. Callers that are already parallel thus
// keep one OpenBLAS call per goroutine.
func split(n, align int, work int, f func(lo, hi int)) {
	w := runtime.GOMAXPROCS(0)
	inflight.Add(1)
	defer inflight.Add(-1)
	if w < 2 || work < minSplit || n < 2*align || inflight.Load() > 1 || threadsFromEnvCached {
		f(0, n)
		return
	}
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
