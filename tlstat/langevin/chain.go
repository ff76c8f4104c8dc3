package langevin

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// mcChain is one Markov chain of a stage, advanced one iteration at a time
// by the stage driver (stage.go).
type mcChain interface {
	// iterate advances the chain by one iteration. During warm-up (it in
	// 1..warmup) the chain adapts its step size (and HMC its metric); after
	// warm-up its transition kernel is fixed.
	iterate(it, warmup int) error
	// observe returns the observables of the current state: test error,
	// training error, |v|²/N, the overlap with the anchor readout and the
	// test accuracy (NaN where undefined), averaged over v given W for HMC.
	observe() [numObs]float64
	// firstLayer returns the current W (N×N0, read-only).
	firstLayer() []float64
	// state returns the current W and a readout: the chain's own v (ULA,
	// MALA) or an exact draw of v given W (HMC) in v, and the test outputs
	// (nil without a test set). The slices must not be kept.
	state(v []float64) (w, testOut []float64)
	// stats returns the acceptance counts since the last call and the
	// current step size (η of the paper's update for ULA and MALA, the
	// leapfrog step in whitened units for HMC).
	stats() (accepted, proposed int64, step float64)
}

// The observables of a measurement, in the order of mcChain.observe.
const (
	obsTest = iota
	obsTrain
	obsVNorm
	obsOverlap
	obsAcc
	numObs
)

// jointChain is a ULA or MALA chain on the joint posterior of (W, v).
type jointChain struct {
	pr        *problem
	test      *testSet // nil without a test set
	cur, prop *point   // prop is nil for ULA
	anchorV   []float64
	eps, sd   float64 // ε = ηT and √(2ε)
	mala      bool
	adapt     bool // MALA tunes ε during warm-up
	rng       *rand.Rand
	index     int
	maxNorm   float64

	acc, prp, winAcc int64
}

func newJointChain(pr *problem, test *testSet, init params, eta float64, set settings, rng *rand.Rand, index int, anchorV []float64) (*jointChain, error) {
	c := &jointChain{pr: pr, test: test, cur: newPoint(pr), anchorV: anchorV, eps: eta * pr.t, mala: set.method == MALA,
		adapt: set.adapt, rng: rng, index: index, maxNorm: set.maxNorm}
	c.sd = math.Sqrt(2 * c.eps)
	c.cur.copyFrom(init)
	if c.mala {
		c.prop = newPoint(pr)
		c.prop.copyFrom(init)
	}
	pr.evaluate(c.cur, true)
	return c, c.guard(c.cur, 0)
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// guard returns an error if the point is non-finite or has exploded.
func (c *jointChain) guard(pt *point, step int) error {
	pr := c.pr
	what := ""
	switch {
	case !finite(pt.loss):
		what = fmt.Sprintf("training loss is %v", pt.loss)
	case !finite(pt.wn) || !finite(pt.vn):
		what = fmt.Sprintf("weights are not finite (|W|² = %v, |v|² = %v)", pt.wn, pt.vn)
	case pr.lambda0*pt.wn/float64(pr.n*pr.n0) > c.maxNorm:
		what = fmt.Sprintf("first-layer weights exploded (λ0|W|²/(N N0) = %.3g > %g)", pr.lambda0*pt.wn/float64(pr.n*pr.n0), c.maxNorm)
	case pr.lambda1*pt.vn/float64(pr.n) > c.maxNorm:
		what = fmt.Sprintf("readout weights exploded (λ1|v|²/N = %.3g > %g)", pr.lambda1*pt.vn/float64(pr.n), c.maxNorm)
	default:
		return nil
	}
	return fmt.Errorf("langevin: chain %d diverged at step %d with eta = %g: %s; use a smaller step size", c.index, step, c.eps/pr.t, what)
}

// iterate makes one ULA step, or one MALA proposal with its accept/reject
// decision; during warm-up MALA tunes ε every adaptWindow steps.
func (c *jointChain) iterate(it, warmup int) error {
	pr, cur, eps, sd, rng := c.pr, c.cur, c.eps, c.sd, c.rng
	c.prp++
	if !c.mala {
		if !pr.freezeW {
			for i, g := range cur.gw {
				cur.w[i] += -eps*g + sd*rng.NormFloat64()
			}
		}
		for i, g := range cur.gv {
			cur.v[i] += -eps*g + sd*rng.NormFloat64()
		}
		pr.evaluate(cur, true)
		c.acc++
		return c.guard(cur, it)
	}
	prop := c.prop
	xi2 := 0.0
	if !pr.freezeW {
		for i, g := range cur.gw {
			xi := rng.NormFloat64()
			xi2 += xi * xi
			prop.w[i] = cur.w[i] - eps*g + sd*xi
		}
	}
	for i, g := range cur.gv {
		xi := rng.NormFloat64()
		xi2 += xi * xi
		prop.v[i] = cur.v[i] - eps*g + sd*xi
	}
	pr.evaluate(prop, true)
	u := rng.Float64()
	if finite(prop.u) {
		// Reverse move: |θ - θ' + ε∇U(θ')|²/(4ε); forward: |ξ|²/2.
		back := 0.0
		if !pr.freezeW {
			for i, g := range prop.gw {
				d := cur.w[i] - prop.w[i] + eps*g
				back += d * d
			}
		}
		for i, g := range prop.gv {
			d := cur.v[i] - prop.v[i] + eps*g
			back += d * d
		}
		logA := -(prop.u - cur.u) - back/(4*eps) + xi2/2
		if math.Log(u) < logA {
			c.cur, c.prop = prop, cur
			c.acc++
			c.winAcc++
		}
	}
	if c.adapt && it <= warmup && it%adaptWindow == 0 {
		a := float64(c.winAcc) / adaptWindow
		c.eps *= math.Min(2, math.Max(0.5, math.Exp(2*(a-targetAcceptance))))
		c.sd = math.Sqrt(2 * c.eps)
		c.winAcc = 0
	}
	return c.guard(c.cur, it)
}

func (c *jointChain) observe() [numObs]float64 {
	pr, cur := c.pr, c.cur
	o := [numObs]float64{math.NaN(), math.NaN(), cur.vn / float64(pr.n), math.NaN(), math.NaN()}
	if c.test != nil {
		o[obsTest] = pr.testError(c.test, cur)
		o[obsAcc] = c.test.signAccuracy()
	}
	if pr.p > 0 {
		o[obsTrain] = 2 * cur.loss / float64(pr.p)
	}
	if c.anchorV != nil {
		s := 0.0
		for i, v := range cur.v {
			s += v * c.anchorV[i]
		}
		o[obsOverlap] = s / float64(pr.n)
	}
	return o
}

func (c *jointChain) firstLayer() []float64 { return c.cur.w }

func (c *jointChain) state(v []float64) (w, testOut []float64) {
	copy(v, c.cur.v)
	if c.test != nil {
		testOut = c.test.f
	}
	return c.cur.w, testOut
}

func (c *jointChain) stats() (accepted, proposed int64, step float64) {
	accepted, proposed = c.acc, c.prp
	c.acc, c.prp = 0, 0
	return accepted, proposed, c.eps / c.pr.t
}

const (
	adaptWindow      = 50    // steps per MALA step-size update during burn-in
	targetAcceptance = 0.574 // optimal MALA acceptance (Roberts & Rosenthal 1998)
)

var errStopped = fmt.Errorf("langevin: stopped because another chain failed")
