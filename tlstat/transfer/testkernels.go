package transfer

import (
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

// testShare keeps the targetTest of every batch of one test matrix at one
// coupling, so that the models of that coupling which predict on it (a
// sweep point's solved model and its infinite-width and regularization-only
// baselines) build them once. Its owner creates it for one point, passes it
// down the prediction path and drops it afterwards (O(P_t · rows) memory
// while it lasts); it is not safe for concurrent use.
type testShare struct {
	c     *Coupled            // the coupling the kernels belong to
	x     *mat.Dense          // the test inputs the batches are rows of
	batch map[int]*targetTest // by first row
	built int                 // batches built (not found in batch)
	used  int                 // lookups answered from batch
}

// newTestShare returns an empty share for predictions with c on the rows
// of x.
func newTestShare(c *Coupled, x *mat.Dense) *testShare {
	return &testShare{c: c, x: x, batch: map[int]*targetTest{}}
}

// targetKernels returns the target-side kernels of the rows of x0, which are
// rows start, start+1, ... of x: from sh when sh is not nil and holds c's
// kernels of x, built afresh otherwise.
func (c *Coupled) targetKernels(sh *testShare, x *mat.Dense, start int, x0 mat.Matrix) *targetTest {
	if sh == nil || sh.c != c || sh.x != x {
		return c.newTargetTest(x0)
	}
	if t, ok := sh.batch[start]; ok {
		sh.used++
		return t
	}
	t := c.newTargetTest(x0)
	sh.batch[start] = t
	sh.built++
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
