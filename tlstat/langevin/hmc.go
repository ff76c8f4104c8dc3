package langevin

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// hmcChain is Hamiltonian Monte Carlo on the marginal first-layer posterior
// exp(-U(W)) (marginal.go) with a dense metric shared by the hidden units:
// the momentum conjugate to each row w_i has covariance S⁻¹, S = L Lᵀ an
// N0×N0 matrix, so that in the whitened coordinates z_i = L⁻¹ w_i the
// kinetic energy is |p|²/2. A leapfrog step of size ε moves
//
//	p ← p - (ε/2) ∇U L,   W ← W + ε p Lᵀ,   p ← p - (ε/2) ∇U L
//
// (rows are units). With S the posterior covariance of one unit's weights
// the whitened target is close to isotropic in the directions the data
// stretch or squeeze, which is what limits a plain Langevin step.
type hmcChain struct {
	pr        *problem
	test      *testSet // nil without a test set
	anchorV   []float64
	cur, prop *margPoint
	p, tmp    []float64 // N×N0 momentum (whitened) and workspace
	l         []float64 // N0×N0 lower Cholesky factor of the metric S
	eps       float64   // step size
	leap      int       // leapfrog steps per iteration
	target    float64   // target acceptance of the warm-up
	rng       *rand.Rand
	index     int
	warm      *hmcWarmup
	trBuf     []float64 // workspace of tr G⁻¹
	rBuf      []float64 // workspace of readout draws (length P)

	// Statistics since the last call of stats.
	accepted, proposed int64
	divergent          int
}

// hmcDivergence is the energy error above which a trajectory is called
// divergent and rejected (Stan's threshold).
const hmcDivergence = 1000

// hmcInitialStep is the initial leapfrog step in whitened units (the
// metric starts as the prior covariance, in which the prior is a unit
// Gaussian); the warm-up adapts it within its first iterations.
const hmcInitialStep = 0.05

func newHMCChain(pr *problem, w []float64, leap int, rng *rand.Rand) *hmcChain {
	k := pr.margDim()
	c := &hmcChain{pr: pr, cur: newMargPoint(pr), prop: newMargPoint(pr), leap: leap, rng: rng, eps: hmcInitialStep,
		target: DefaultTargetAccept, p: make([]float64, pr.n*pr.n0), tmp: make([]float64, pr.n*pr.n0),
		l: make([]float64, pr.n0*pr.n0), trBuf: make([]float64, k*k), rBuf: make([]float64, pr.p)}
	copy(c.cur.w, w)
	pr.margEvaluate(c.cur, true)
	// Start with the prior's metric, S = I/(λ0 + γ).
	s := 1 / math.Sqrt(pr.lambda0+pr.gamma)
	for i := 0; i < pr.n0; i++ {
		c.l[i*pr.n0+i] = s
	}
	return c
}

// hmcJitter is the relative spread of the step size after warm-up: each
// iteration draws ε uniformly in (1 ± hmcJitter) times the adapted value,
// which avoids trajectories that resonate with a period of the target
// (a step size drawn independently of the state leaves the law invariant).
const hmcJitter = 0.1

// iterate implements mcChain: a warm-up iteration adapts the step size and
// the metric (hmcWarmup); afterwards the step size is fixed up to jitter.
func (c *hmcChain) iterate(it, warmup int) error {
	if it <= warmup {
		if c.warm == nil || c.warm.total != warmup {
			c.warm = newHMCWarmup(warmup, c.eps, c.target, c.pr.n0)
		}
		c.warm.step(c, it)
	} else {
		c.iterate1(c.eps * (1 + hmcJitter*(2*c.rng.Float64()-1)))
	}
	if !c.cur.ok || !(c.eps > 0) || math.IsInf(c.eps, 0) {
		return fmt.Errorf("langevin: HMC chain %d failed at iteration %d: step size %v, potential %v", c.index, it, c.eps, c.cur.u)
	}
	return nil
}

func (c *hmcChain) observe() [numObs]float64 {
	pr := c.pr
	o := [numObs]float64{math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()}
	tr := math.NaN()
	if pr.p > 0 {
		tr = pr.margTrGinv(c.cur, c.trBuf)
	}
	o[obsVNorm], o[obsTrain] = pr.margVNormTrain(c.cur, tr)
	if c.test != nil {
		o[obsTest], o[obsAcc] = pr.margTestError(c.test, c.cur)
	}
	if c.anchorV != nil {
		o[obsOverlap] = pr.margOverlap(c.cur, c.anchorV)
	}
	return o
}

func (c *hmcChain) firstLayer() []float64 { return c.cur.w }

func (c *hmcChain) state(v []float64) (w, testOut []float64) {
	c.pr.margDrawReadout(c.cur, v, c.rBuf, c.rng)
	if c.test != nil {
		testOut = c.test.f // the mean output set by the last observe
	}
	return c.cur.w, testOut
}

func (c *hmcChain) stats() (accepted, proposed int64, step float64) {
	accepted, proposed = c.accepted, c.proposed
	c.accepted, c.proposed = 0, 0
	return accepted, proposed, c.eps
}

// whiten sets dst = src L (rows of src times the metric factor).
func (c *hmcChain) times(dst, src []float64, trans blas.Transpose) {
	copy(dst, src)
	n0 := c.pr.n0
	blas64.Trmm(blas.Right, trans, 1, blas64.Triangular{N: n0, Stride: n0, Uplo: blas.Lower, Diag: blas.NonUnit, Data: c.l},
		general(c.pr.n, n0, dst))
}

// kick sets p ← p - h ∇U(pt) L.
func (c *hmcChain) kick(pt *margPoint, h float64) {
	c.times(c.tmp, pt.gw, blas.NoTrans)
	for i, g := range c.tmp {
		c.p[i] -= h * g
	}
}

// iterate1 runs one HMC transition with step size eps and reports the
// acceptance probability min(1, exp(-ΔH)) (0 for a divergent trajectory).
func (c *hmcChain) iterate1(eps float64) float64 {
	pr := c.pr
	h0 := c.cur.u
	for i := range c.p {
		z := c.rng.NormFloat64()
		c.p[i] = z
		h0 += z * z / 2
	}
	copy(c.prop.w, c.cur.w)
	copy(c.prop.gw, c.cur.gw)
	c.kick(c.prop, eps/2)
	ok := true
	for s := 0; s < c.leap; s++ {
		c.times(c.tmp, c.p, blas.Trans)
		for i, d := range c.tmp {
			c.prop.w[i] += eps * d
		}
		pr.margEvaluate(c.prop, true)
		if !c.prop.ok {
			ok = false
			break
		}
		h := eps
		if s == c.leap-1 {
			h = eps / 2
		}
		c.kick(c.prop, h)
	}
	c.proposed++
	if !ok {
		c.divergent++
		return 0
	}
	h1 := c.prop.u
	for _, z := range c.p {
		h1 += z * z / 2
	}
	dh := h1 - h0
	if !(dh < hmcDivergence) {
		c.divergent++
		return 0
	}
	acc := math.Min(1, math.Exp(-dh))
	if c.rng.Float64() < acc {
		c.cur, c.prop = c.prop, c.cur
		c.accepted++
	}
	return acc
}

// setMetric sets the metric to the covariance s (N0×N0, row-major, full
// symmetric), factoring it; it keeps the old metric and reports false if s
// is not positive definite.
func (c *hmcChain) setMetric(s []float64) bool {
	n0 := c.pr.n0
	l := append([]float64(nil), s...)
	if _, ok := lapack64.Potrf(blas64.Symmetric{N: n0, Stride: n0, Uplo: blas.Lower, Data: l}); !ok {
		return false
	}
	for i := 0; i < n0; i++ {
		for j := i + 1; j < n0; j++ {
			l[i*n0+j] = 0
		}
	}
	copy(c.l, l)
	return true
}

// dualAverage adapts a step size toward a target acceptance probability by
// the dual averaging of Hoffman & Gelman (2014, Algorithm 5, with their
// constants γ = 0.05, t0 = 10, κ = 0.75).
type dualAverage struct {
	mu, hbar, logEps, logEpsBar float64
	m                           int
	target                      float64
}

func newDualAverage(eps, target float64) dualAverage {
	return dualAverage{mu: math.Log(10 * eps), logEps: math.Log(eps), target: target}
}

// update records an acceptance probability and returns the next step size.
func (d *dualAverage) update(acc float64) float64 {
	const gamma, t0, kappa = 0.05, 10, 0.75
	d.m++
	m := float64(d.m)
	d.hbar = (1-1/(m+t0))*d.hbar + (d.target-acc)/(m+t0)
	d.logEps = d.mu - math.Sqrt(m)/gamma*d.hbar
	w := math.Pow(m, -kappa)
	d.logEpsBar = w*d.logEps + (1-w)*d.logEpsBar
	return math.Exp(d.logEps)
}

// final returns the averaged step size.
func (d *dualAverage) final() float64 { return math.Exp(d.logEpsBar) }
