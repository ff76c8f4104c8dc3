package langevin

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// hmcWarmup is the adaptation schedule of an HMC chain, after Stan's
// windowed adaptation: a first fast phase adapts only the step size, then
// slow windows of doubling length each end with a new metric (the sample
// covariance of a hidden unit's weights over the window, pooled over units)
// and a restart of the step-size adaptation, and a final fast phase adapts
// the step size to the last metric. The step size is then fixed, so that
// the chain after warm-up is a time-homogeneous Markov chain with the
// posterior as stationary law.
type hmcWarmup struct {
	total, initBuf, termBuf int
	windowEnd               int // iteration at which the current slow window ends (0: none)
	windowLen               int
	start                   int // first iteration of the current slow window
	da                      dualAverage
	target                  float64
	ww                      []float64 // Σ WᵀW over the window (N0×N0)
	wsum                    []float64 // Σ over units and iterations of w_i
	count                   int       // rows accumulated
}

// Stan's defaults for a warm-up of 1000 iterations are an initial buffer of
// 75, a terminal buffer of 50 and a first slow window of 25; they are scaled
// down proportionally for shorter warm-ups.
func newHMCWarmup(total int, eps, target float64, n0 int) *hmcWarmup {
	w := &hmcWarmup{total: total, target: target, ww: make([]float64, n0*n0), wsum: make([]float64, n0)}
	w.initBuf = max(total*15/100, 10)
	w.termBuf = max(total*10/100, 10)
	w.windowLen = max(total*5/100, 10)
	if w.initBuf+w.windowLen+w.termBuf > total {
		// Too short for a metric: adapt the step size only.
		w.initBuf, w.windowLen, w.termBuf = total, 0, 0
	} else {
		w.start = w.initBuf
		w.windowEnd = w.nextEnd(w.initBuf, w.windowLen)
	}
	w.da = newDualAverage(eps, target)
	return w
}

// nextEnd returns the end of a slow window starting at s of length n,
// stretched to the terminal buffer when the following window would not fit.
func (w *hmcWarmup) nextEnd(s, n int) int {
	end := s + n
	last := w.total - w.termBuf
	if end+2*n > last {
		end = last
	}
	return end
}

// step runs warm-up iteration it (1-based) of chain c and adapts it.
func (w *hmcWarmup) step(c *hmcChain, it int) {
	acc := c.iterate1(c.eps)
	c.eps = w.da.update(acc)
	if w.windowLen > 0 && it > w.start && it <= w.windowEnd {
		w.accumulate(c.cur.w, c.pr.n, c.pr.n0)
		if it == w.windowEnd {
			if w.setMetric(c) {
				// Restart the step size adaptation near the current step.
				c.eps = w.da.final()
				if !(c.eps > 0) || math.IsInf(c.eps, 0) {
					c.eps = math.Exp(w.da.logEps)
				}
				w.da = newDualAverage(c.eps, w.target)
			}
			w.start = w.windowEnd
			if w.windowEnd < w.total-w.termBuf {
				w.windowLen *= 2
				w.windowEnd = w.nextEnd(w.start, w.windowLen)
			} else {
				w.windowLen = 0
			}
		}
	}
	if it == w.total {
		c.eps = w.da.final()
	}
}

// accumulate adds the rows of W (N×N0) to the window's moments.
func (w *hmcWarmup) accumulate(wm []float64, n, n0 int) {
	blas64.Syrk(blas.Trans, 1, general(n, n0, wm), 1, blas64.Symmetric{N: n0, Stride: n0, Uplo: blas.Lower, Data: w.ww})
	for i := 0; i < n; i++ {
		for j, v := range wm[i*n0 : (i+1)*n0] {
			w.wsum[j] += v
		}
	}
	w.count += n
}

// setMetric sets the chain's metric to the window's regularized covariance
// (Stan's shrinkage toward a small multiple of the identity,
// (n/(n+5)) S + 1e-3 (5/(n+5)) I, with the identity scaled by the mean
// variance so that the regularization is relative) and clears the window.
func (w *hmcWarmup) setMetric(c *hmcChain) bool {
	n0 := c.pr.n0
	n := float64(w.count)
	if w.count < 2 {
		return false
	}
	s := make([]float64, n0*n0)
	tr := 0.0
	for i := 0; i < n0; i++ {
		for j := 0; j <= i; j++ {
			v := (w.ww[i*n0+j] - w.wsum[i]*w.wsum[j]/n) / (n - 1)
			s[i*n0+j], s[j*n0+i] = v, v
		}
		tr += s[i*n0+i]
	}
	f := n / (n + 5)
	reg := 1e-3 * 5 / (n + 5) * tr / float64(n0)
	for i := range s {
		s[i] *= f
	}
	for i := 0; i < n0; i++ {
		s[i*n0+i] += reg
	}
	for i := range w.ww {
		w.ww[i] = 0
	}
	for i := range w.wsum {
		w.wsum[i] = 0
	}
	w.count = 0
	return c.setMetric(s)
}
