package study

import (
	"cmp"
	"strings"
	"time"

	"github.com/tlstat/tlstat/tlstat/langevin"
)

// CostSample is one sampled stage as the cost model charges it: its
// sampler, sizes and iteration counts, and, for a measured stage, its
// wall-clock seconds.
type CostSample struct {
	// Label names the stage (record and stage) in messages.
	Label string
	// Method is the sampler, hmc, mala or ula (empty: hmc).
	Method string `json:",omitempty"`
	// Chains is the number of chains; Iterations the iterations per
	// chain, burn-in included; Measurements the measurements per chain
	// (the iterations after the warm-up, or after a fixed burn-in, one
	// per thin); Grads the gradient evaluations per iteration (the
	// leapfrog steps of HMC, 1 for MALA and ULA).
	Chains, Iterations, Measurements, Grads float64
	// P and Q are the numbers of training and test inputs, N the width
	// and N0 the input dimension.
	P, Q, N, N0 float64
	// Seconds is the measured wall-clock time of the stage (0: not
	// measured).
	Seconds float64
}

// hmc reports whether the stage is sampled by HMC.
func (c CostSample) hmc() bool { return c.Method == "" || strings.EqualFold(c.Method, "hmc") }

// CostWork counts what a sampled stage computes, summed over its chains and
// iterations, in the units of CostModel's constants. The counts follow the
// sampler's code (package langevin); a multiply-add is one term of a
// matrix product, triangular product or solve, or Cholesky factorization.
type CostWork struct {
	// Elements counts the activation and its derivative per input and
	// hidden unit: 2 P N per gradient evaluation (forward and backward
	// passes) and Q N per measurement.
	Elements float64
	// Data counts the multiply-adds of the first layer's matrix products
	// with the inputs: 2 P N N0 per gradient evaluation (H = X Wᵀ and the
	// gradient's Gᵀ X) and Q N N0 per measurement (the test inputs).
	Data float64
	// Metric counts the multiply-adds that scale with N0²: HMC's dense
	// metric, a product of the N×N0 momentum or gradient with the N0×N0
	// triangular factor (N N0²/2 each) before every position update and
	// after every gradient, (2g+1) N N0²/2 per iteration of g leapfrog
	// steps; and, when the second moment of the first layer is recorded
	// (N0 <= langevin.MaxMomentDim), its update, N N0²/2 per measurement.
	Metric float64
	// Readout counts the multiply-adds of HMC's readout integrated out
	// exactly, with m = min(P, N) the order of the factored Gram matrix
	// (the N×N form ΦᵀΦ when N <= P, else the P×P form ΦΦᵀ): per gradient
	// evaluation the Gram matrix (P N m/2), its Cholesky factor (m³/6)
	// and the two triangular solves of the gradient (P N m); per
	// measurement the trace of its inverse (m³/6) and the test outputs'
	// variance (Q m²/2, and in the P×P form the products Φ Φ_testᵀ, Q P N).
	// MALA and ULA sample the readout with the first layer: none.
	Readout float64
}

// MulAdds is the total of the multiply-adds.
func (w CostWork) MulAdds() float64 { return w.Data + w.Metric + w.Readout }

// Work counts what the stage computes.
func (c CostSample) Work() CostWork {
	its, meas := c.Chains*c.Iterations, c.Chains*c.Measurements
	grads := its * c.Grads
	pn := c.P * c.N
	w := CostWork{
		Elements: 2*grads*pn + meas*c.Q*c.N,
		Data:     (2*grads*pn + meas*c.Q*c.N) * c.N0,
	}
	square := c.N * c.N0 * c.N0 / 2
	if c.N0 <= langevin.MaxMomentDim {
		w.Metric = meas * square
	}
	if !c.hmc() {
		return w
	}
	w.Metric += its * (2*c.Grads + 1) * square
	if c.P == 0 {
		return w
	}
	m := min(c.P, c.N)
	cube := m * m * m / 6
	w.Readout = grads*(1.5*pn*m+cube) + meas*(cube+c.Q*m*m/2)
	if c.P < c.N {
		w.Readout += meas * c.Q * pn
	}
	return w
}

// sampling are the resolved sampler settings of a point.
type sampling struct {
	method             string // hmc, mala or ula
	hmc                bool
	grads, thin        float64 // gradient evaluations per iteration, iterations per measurement
	burn, steps, maxIt int     // burn < 0: none; burn == 0: automatic
	warmup             int     // HMC's warm-up iterations (not measured); 0 for MALA and ULA
	maxTime            time.Duration
}

func resolve(s *SamplerSettings) sampling {
	method := strings.ToLower(strings.TrimSpace(s.Method))
	hmc := method == "" || method == "hmc"
	r := sampling{method: cmp.Or(method, "hmc"), hmc: hmc, grads: 1, thin: float64(s.Thin), steps: s.Steps, maxIt: s.MaxSteps,
		maxTime: time.Duration(s.MaxTime)}
	r.burn, _ = ParseBurnIn(s.BurnIn)
	if hmc {
		r.grads = float64(cmp.Or(s.Leapfrog, langevin.DefaultLeapfrog))
		r.thin = float64(cmp.Or(s.Thin, 1))
		r.steps = cmp.Or(s.Steps, langevin.DefaultStepsHMC)
		r.maxIt = cmp.Or(s.MaxSteps, langevin.DefaultMaxSteps)
		r.warmup = cmp.Or(s.Warmup, langevin.DefaultWarmup)
	} else {
		r.thin = float64(cmp.Or(s.Thin, langevin.DefaultThin))
		r.steps = cmp.Or(s.Steps, langevin.DefaultSteps)
		r.maxIt = cmp.Or(s.MaxSteps, langevin.DefaultMaxStepsLangevin)
	}
	return r
}

// measurements returns the measurements per chain of a stage of it
// iterations: those after a fixed burn-in, or after HMC's warm-up, one
// per thin iterations. The warm-up of MALA and ULA depends on their tuned
// step size and is not subtracted (an upper bound).
func (r sampling) measurements(it int) float64 {
	skip := r.warmup
	if r.burn > 0 {
		skip = r.burn
	}
	return float64(max(it-skip, 0)) / r.thin
}

// sample describes a stage of it iterations per chain as a CostSample.
func (pt GridPoint) sample(st stage, r sampling, it int) CostSample {
	return CostSample{Method: r.method, Chains: st.chains, Iterations: float64(it), Measurements: r.measurements(it),
		Grads: r.grads, P: st.p, Q: pt.testSize(), N: float64(pt.Params.N), N0: pt.inputDim()}
}
