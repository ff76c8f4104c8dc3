package langevin

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// chainSpec describes one chain to run.
type chainSpec struct {
	pr      *problem
	test    *testSet // this chain's own buffers (nil without a test set)
	init    params
	anchorV []float64 // source readout for the overlap (nil: none)
	burnIn  int
	steps   int
	eta     float64
	rng     *rand.Rand
	index   int
	source  bool
	// keep, if positive, records snapshots every keep steps after burn-in.
	keep int
}

// chainOut is what a chain returns besides its summary.
type chainOut struct {
	res   ChainResult
	snaps []params
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// guard returns an error if the point is non-finite or has exploded.
func (c *chainSpec) guard(pt *point, step int, maxNorm float64) error {
	pr := c.pr
	what := ""
	switch {
	case !finite(pt.loss):
		what = fmt.Sprintf("training loss is %v", pt.loss)
	case !finite(pt.wn) || !finite(pt.vn):
		what = fmt.Sprintf("weights are not finite (|W|² = %v, |v|² = %v)", pt.wn, pt.vn)
	case pr.lambda0*pt.wn/float64(pr.n*pr.n0) > maxNorm:
		what = fmt.Sprintf("first-layer weights exploded (λ0|W|²/(N N0) = %.3g > %g)", pr.lambda0*pt.wn/float64(pr.n*pr.n0), maxNorm)
	case pr.lambda1*pt.vn/float64(pr.n) > maxNorm:
		what = fmt.Sprintf("readout weights exploded (λ1|v|²/N = %.3g > %g)", pr.lambda1*pt.vn/float64(pr.n), maxNorm)
	default:
		return nil
	}
	return fmt.Errorf("langevin: chain %d diverged at step %d with eta = %g: %s; use a smaller step size", c.index, step, c.eta, what)
}

// run runs the chain. It allocates its buffers once, before the step loop.
func (c *chainSpec) run(set settings, t *tracker, observe func(State)) (chainOut, error) {
	pr := c.pr
	mala := set.method == MALA
	cur := newPoint(pr)
	cur.copyFrom(c.init)
	var prop *point
	if mala {
		prop = newPoint(pr)
		prop.copyFrom(c.init)
	}
	pr.evaluate(cur, true)
	if err := c.guard(cur, 0, set.maxNorm); err != nil {
		return chainOut{}, err
	}
	eps := c.eta * pr.t
	sd := math.Sqrt(2 * eps)
	total := c.burnIn + c.steps
	var out chainOut
	res := &out.res
	res.Acceptance, res.BurnInAcceptance = 1, 1
	nmeas := c.steps / set.thin
	for k := range res.series {
		res.series[k] = make([]float64, 0, nmeas)
	}
	if set.traceEvery > 0 {
		res.Trace = make([]TracePoint, 0, total/set.traceEvery+1)
	}
	var acc, accBurn, sinceAcc, sinceProp, winAcc int64
	var last [3]float64
	nlast := 0
	pending := 0
	rng := c.rng
	for step := 1; step <= total; step++ {
		if !mala {
			if !pr.freezeW {
				for i, g := range cur.gw {
					cur.w[i] += -eps*g + sd*rng.NormFloat64()
				}
			}
			for i, g := range cur.gv {
				cur.v[i] += -eps*g + sd*rng.NormFloat64()
			}
			pr.evaluate(cur, true)
			if err := c.guard(cur, step, set.maxNorm); err != nil {
				return out, err
			}
		} else {
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
					cur, prop = prop, cur
					if step > c.burnIn {
						acc++
					} else {
						accBurn++
					}
					sinceAcc++
					winAcc++
				}
			}
			sinceProp++
			if set.adapt && step <= c.burnIn && step%adaptWindow == 0 {
				a := float64(winAcc) / adaptWindow
				eps *= math.Min(2, math.Max(0.5, math.Exp(2*(a-targetAcceptance))))
				sd = math.Sqrt(2 * eps)
				winAcc = 0
			}
			if err := c.guard(cur, step, set.maxNorm); err != nil {
				return out, err
			}
		}
		measure := step > c.burnIn && (step-c.burnIn)%set.thin == 0
		trace := set.traceEvery > 0 && step%set.traceEvery == 0
		if measure || trace {
			tp := TracePoint{Step: step, TestError: math.NaN(), TrainError: math.NaN(), VNorm: cur.vn / float64(pr.n), Overlap: math.NaN()}
			if c.test != nil {
				tp.TestError = pr.testError(c.test, cur)
			}
			if pr.p > 0 {
				tp.TrainError = 2 * cur.loss / float64(pr.p)
			}
			if c.anchorV != nil {
				s := 0.0
				for i, v := range cur.v {
					s += v * c.anchorV[i]
				}
				tp.Overlap = s / float64(pr.n)
			}
			if trace {
				res.Trace = append(res.Trace, tp)
			}
			if measure {
				res.series[0] = append(res.series[0], tp.TestError)
				res.series[1] = append(res.series[1], tp.TrainError)
				res.series[2] = append(res.series[2], tp.VNorm)
				res.series[3] = append(res.series[3], tp.Overlap)
				last = [3]float64{tp.TestError, tp.TrainError, tp.VNorm}
				nlast = 1
				if observe != nil {
					st := State{Chain: c.index, Step: step, Source: c.source, Gamma: pr.gamma, W: cur.w, V: cur.v,
						TestError: tp.TestError, TrainError: tp.TrainError, VNorm: tp.VNorm, Overlap: tp.Overlap}
					if c.test != nil {
						st.TestOutput = c.test.f
					}
					observe(st)
				}
			}
		}
		if c.keep > 0 && step > c.burnIn && (step-c.burnIn)%c.keep == 0 {
			s := newParams(pr.n, pr.n0)
			s.copyFrom(cur.params)
			out.snaps = append(out.snaps, s)
		}
		pending++
		if pending == set.progEvry || step == total {
			if nlast == 0 {
				last = [3]float64{math.NaN(), math.NaN(), math.NaN()}
			}
			if !mala {
				sinceAcc, sinceProp = int64(pending), int64(pending)
			}
			t.report(pending, sinceAcc, sinceProp, &last)
			pending, nlast, sinceAcc, sinceProp = 0, 0, 0, 0
			if t.stop.Load() {
				return out, errStopped
			}
		}
	}
	if mala {
		if c.steps > 0 {
			res.Acceptance = float64(acc) / float64(c.steps)
		}
		if c.burnIn > 0 {
			res.BurnInAcceptance = float64(accBurn) / float64(c.burnIn)
		}
	}
	res.Eta = eps / pr.t
	res.Measurements = len(res.series[0])
	res.TestError = meanOf(res.series[0])
	res.TrainError = meanOf(res.series[1])
	res.VNorm = meanOf(res.series[2])
	res.Overlap = meanOf(res.series[3])
	return out, nil
}

const (
	adaptWindow      = 50    // steps per MALA step-size update during burn-in
	targetAcceptance = 0.574 // optimal MALA acceptance (Roberts & Rosenthal 1998)
)

var errStopped = fmt.Errorf("langevin: stopped because another chain failed")
