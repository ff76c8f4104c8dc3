package transfer

import (
	"sync"

	"github.com/tlstat/tlstat/tlstat/kernel"
	"gonum.org/v1/gonum/mat"
)

// targetTest holds the target-side kernels of one batch of test points at
// one coupling: the squared norms d0 and K_t0, K_tt'0 (P_t × batch), which
// depend on the coupling's covariances but not on the order parameters.
type targetTest struct {
	d0       []float64
	kt0, ktt *mat.Dense
}

// testShare keeps the targetTest of every batch of one test matrix, so that
// the models of one coupling (the solved point and its infinite-width and
// regularization-only baselines) build them once. It is safe for
// concurrent use.
type testShare struct {
	x     *mat.Dense // the test inputs the batches are rows of
	mu    sync.Mutex
	batch map[int]*targetTest // by first row
}

// shareTest makes the predictions on the rows of x made with c, until the
// returned function is called, build the target-side test kernels once
// instead of once per model (O(P_t · rows) memory while it lasts).
func (c *Coupled) shareTest(x *mat.Dense) (end func()) {
	c.share.Store(&testShare{x: x, batch: map[int]*targetTest{}})
	return func() { c.share.Store(nil) }
}

// targetKernels returns the target-side kernels of the rows of x0, which are
// rows start, start+1, ... of x, from the coupling's share when it holds x.
func (c *Coupled) targetKernels(x *mat.Dense, start int, x0 mat.Matrix) *targetTest {
	sh := c.share.Load()
	if sh == nil || sh.x != x {
		return c.newTargetTest(x0)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if t, ok := sh.batch[start]; ok {
		return t
	}
	t := c.newTargetTest(x0)
	sh.batch[start] = t
	return t
}

// newTargetTest builds the target-side kernels of the rows of x0.
func (c *Coupled) newTargetTest(x0 mat.Matrix) *targetTest {
	s, cov := c.s, c.cov
	d0 := kernel.SqNorms(x0)
	gt0, _ := kernel.CrossGram(s.prob.Target.X, x0)
	return &targetTest{d0: d0,
		kt0: kernel.Cross(s.act, gt0, s.dt, d0, cov.TT, cov.TT, cov.TT),
		ktt: kernel.Cross(s.act, gt0, s.dt, d0, cov.TT, cov.TTp, cov.TT)}
}
