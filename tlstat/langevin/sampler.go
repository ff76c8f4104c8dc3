package langevin

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/tlstat/tlstat/tlstat/data"

	"github.com/tlstat/tlstat/tlstat/fastblas"
)

// Default settings used when the corresponding Sampler field is zero.
const (
	// DefaultChains is the default number of independent chains.
	DefaultChains = 4
	// DefaultSteps is the default number of measured steps per chain.
	DefaultSteps = 10000
	// DefaultThin is the default number of steps between measurements.
	DefaultThin = 10
	// DefaultStepFactorULA is the default c in η = c/λ_max for ULA. In a
	// Gaussian direction of curvature λ ULA inflates the variance by
	// 1/(1 - ηλ/2), so c = 0.05 bounds the bias at about 2.5% in the stiffest
	// direction (and less in the others).
	DefaultStepFactorULA = 0.05
	// DefaultStepFactorMALA is the default c in η = c/λ_max for MALA,
	// where the step size affects only efficiency, not the stationary law.
	DefaultStepFactorMALA = 0.5
	// DefaultPowerIters is the default number of power iterations for λ_max.
	DefaultPowerIters = 30
	// DefaultMaxNorm is the default explosion threshold of the guard: a
	// chain stops with an error when λ0|W|²/(N N0) or λ1|v|²/N (the mean
	// squared weight in units of its prior variance) exceeds it.
	DefaultMaxNorm = 1e4
	// DefaultProgressEvery is the default number of steps between progress
	// reports of a chain.
	DefaultProgressEvery = 100
)

// Sampler runs Langevin chains on the network posterior. The zero value is
// usable: every zero field means the documented default.
type Sampler struct {
	// Method is the update rule, ULA (the zero value) or MALA.
	Method Method
	// Chains is the number of independent chains (default DefaultChains).
	// In Transfer it is the number of source chains.
	Chains int
	// Steps is the number of steps per chain after burn-in (default
	// DefaultSteps).
	Steps int
	// BurnIn is the number of discarded initial steps. Zero means the
	// default ⌈2/(ηT λ_min)⌉ with λ_min = min(λ0+γ, λ1) (λ1 with a frozen
	// first layer): two e-folding times of the slowest prior mode, after
	// which a chain started from the prior has forgotten its start in every
	// direction the data do not stiffen (η is the initial step size, before
	// MALA's tuning). A negative value means no burn-in.
	BurnIn int
	// Thin is the number of steps between measurements (default DefaultThin).
	Thin int
	// Eta is the step size η of the paper's update. Zero means
	// StepFactor/λ_GN, where λ_GN = λ_max(JᵀJ) + T·max(λ0+γ, λ1) bounds
	// the largest eigenvalue of the Gauss–Newton Hessian of the Langevin
	// loss (1/2)Σ(f-y)² + Tλ/2|p|² at the first chain's initial point, and
	// λ_max(JᵀJ) is found by PowerIters power iterations (from two random
	// starts).
	Eta float64
	// StepFactor is c in η = c/λ_GN (default DefaultStepFactorULA or
	// DefaultStepFactorMALA). Gradient descent on the loss is stable for
	// c < 2. On the benchmark task (MNIST, N0 = 196, N = P = 400, T = 0.05;
	// see BenchmarkULA8) λ_GN ≈ 120, so the ULA default is η ≈ 4e-4.
	StepFactor float64
	// PowerIters is the number of power iterations (default
	// DefaultPowerIters).
	PowerIters int
	// Src is the source of randomness; nil means rand.NewPCG(1, 1). Every
	// chain draws from its own stream seeded, in chain order, from Src, so
	// results do not depend on scheduling.
	Src rand.Source
	// Workers is the number of chains run at once (default
	// runtime.GOMAXPROCS(0)).
	Workers int
	// TraceEvery, if positive, records a TracePoint every TraceEvery steps
	// (burn-in included; rounded up to a multiple of Thin).
	TraceEvery int
	// FreezeFirstLayer keeps W at its initial value and samples only v
	// (the γ → ∞ limit of transfer, or the readout posterior given W).
	FreezeFirstLayer bool
	// FixedStep disables MALA's step-size tuning. By default MALA tunes η
	// during burn-in (every 50 steps, η ← η·exp(2(a - 0.574)) with a the
	// acceptance rate of the window, clamped to a factor in [1/2, 2];
	// 0.574 is the optimal MALA acceptance of Roberts & Rosenthal 1998) and
	// keeps it fixed afterwards, so the stationary law stays exact.
	FixedStep bool
	// MaxNorm is the explosion threshold of the guard (default
	// DefaultMaxNorm).
	MaxNorm float64
	// Progress, if not nil, is called every ProgressEvery steps of every
	// chain with the overall progress. Calls are serialized.
	Progress func(Progress)
	// ProgressEvery is the number of steps between progress calls of a chain
	// (default DefaultProgressEvery).
	ProgressEvery int
	// Observe, if not nil, is called at every measurement after burn-in with
	// a view of the chain's state. It is called concurrently from the chain
	// goroutines (State.Chain tells them apart) and must not keep or modify
	// the slices.
	Observe func(State)
	// Init, if not nil, sets the initial point of each chain of Run (W is
	// N×N0 row-major). Otherwise W and v are drawn from their priors.
	Init func(chain int, w, v []float64)
}

// Progress reports the overall progress of Run or Transfer.
type Progress struct {
	// Stage names the current stage: "single", "source" or "target".
	Stage string
	// Gamma is the coupling of the target stage.
	Gamma float64
	// Done and Total count chain steps over the whole run.
	Done, Total int64
	// TestError, TrainError and VNorm are running means, over the current
	// stage so far, of the latest measurement carried by each chain's
	// progress report (NaN before the first measurement).
	TestError, TrainError, VNorm float64
	// Acceptance is the running acceptance rate of the current stage.
	Acceptance float64
}

// State is a read-only view of a chain at a measurement.
type State struct {
	// Chain is the chain index within its stage, Step the step count from
	// the chain's start (burn-in included).
	Chain, Step int
	// Source is true for source chains of Transfer and Gamma the coupling of
	// a target chain.
	Source bool
	Gamma  float64
	// W (N×N0 row-major) and V are the current parameters.
	W, V []float64
	// TestOutput holds f on the test inputs (nil without a test set).
	TestOutput []float64
	// The observables of this measurement (see TracePoint).
	TestError, TrainError, VNorm, Overlap float64
}

// settings are the resolved defaults.
type settings struct {
	method               Method
	chains, steps, thin  int
	burnIn               int
	traceEvery, progEvry int
	maxNorm              float64
	workers              int
	adapt                bool
}

func (s *Sampler) resolve() (settings, error) {
	r := settings{method: s.Method, chains: s.Chains, steps: s.Steps, thin: s.Thin, traceEvery: s.TraceEvery,
		progEvry: s.ProgressEvery, maxNorm: s.MaxNorm, workers: s.Workers, burnIn: s.BurnIn,
		adapt: s.Method == MALA && !s.FixedStep}
	if r.method != ULA && r.method != MALA {
		return r, fmt.Errorf("langevin: unknown method %v", r.method)
	}
	for _, f := range []struct {
		name string
		v    int
		def  int
		p    *int
	}{{"Chains", s.Chains, DefaultChains, &r.chains}, {"Steps", s.Steps, DefaultSteps, &r.steps},
		{"Thin", s.Thin, DefaultThin, &r.thin}, {"ProgressEvery", s.ProgressEvery, DefaultProgressEvery, &r.progEvry},
		{"Workers", s.Workers, runtime.GOMAXPROCS(0), &r.workers}} {
		if f.v < 0 {
			return r, fmt.Errorf("langevin: %s must not be negative, got %d", f.name, f.v)
		}
		if f.v == 0 {
			*f.p = f.def
		}
	}
	if s.TraceEvery < 0 {
		return r, fmt.Errorf("langevin: TraceEvery must not be negative, got %d", s.TraceEvery)
	}
	if r.traceEvery > 0 {
		r.traceEvery = (r.traceEvery + r.thin - 1) / r.thin * r.thin
	}
	if s.Eta < 0 || math.IsNaN(s.Eta) || math.IsInf(s.Eta, 0) {
		return r, fmt.Errorf("langevin: step size eta must be positive and finite, got %v", s.Eta)
	}
	if s.StepFactor < 0 || math.IsNaN(s.StepFactor) || math.IsInf(s.StepFactor, 0) {
		return r, fmt.Errorf("langevin: StepFactor must be positive and finite, got %v", s.StepFactor)
	}
	if s.MaxNorm < 0 || math.IsNaN(s.MaxNorm) {
		return r, fmt.Errorf("langevin: MaxNorm must be positive, got %v", s.MaxNorm)
	}
	if r.maxNorm == 0 {
		r.maxNorm = DefaultMaxNorm
	}
	if s.PowerIters < 0 {
		return r, fmt.Errorf("langevin: PowerIters must not be negative, got %d", s.PowerIters)
	}
	return r, nil
}

// stepSize returns η (given or derived) and the λ_GN estimate.
func (s *Sampler) stepSize(pr *problem, init params, rng *rand.Rand) (eta, lam float64, err error) {
	if s.Eta > 0 {
		return s.Eta, 0, nil
	}
	c := s.StepFactor
	if c == 0 {
		c = DefaultStepFactorULA
		if s.Method == MALA {
			c = DefaultStepFactorMALA
		}
	}
	it := s.PowerIters
	if it == 0 {
		it = DefaultPowerIters
	}
	pt := newPoint(pr)
	pt.copyFrom(init)
	// Power iteration from two independent random starts, keeping the larger
	// estimate (each is a lower bound): a start nearly orthogonal to the top
	// eigenvector leaves the Rayleigh quotient at a lower eigenvalue after
	// PowerIters iterations, which one start in a hundred did on a small
	// problem (TestStepSizeEstimate); two starts must both miss.
	jj := max(pr.lambdaMax(pt, it, rng), pr.lambdaMax(pt, it, rng))
	prior := pr.lambda1
	if !pr.freezeW {
		prior = math.Max(prior, pr.lambda0+pr.gamma)
	}
	lam = jj + pr.t*prior
	if !(lam > 0) || math.IsInf(lam, 0) {
		return 0, lam, fmt.Errorf("langevin: cannot derive a step size: Gauss–Newton eigenvalue estimate is %v", lam)
	}
	return c / lam, lam, nil
}

// burnIn returns the resolved burn-in for step size eta.
func (r settings) burnInFor(pr *problem, eta float64) int {
	if r.burnIn < 0 {
		return 0
	}
	if r.burnIn > 0 {
		return r.burnIn
	}
	lmin := pr.lambda1
	if !pr.freezeW {
		lmin = math.Min(lmin, pr.lambda0+pr.gamma)
	}
	b := math.Ceil(2 / (eta * pr.t * lmin))
	if b > 1e9 {
		b = 1e9
	}
	return int(b)
}

// newProblem validates the inputs and builds the shared problem.
func newProblem(net Network, train *data.Dataset, n0 int, gamma float64, ws []float64, freeze bool) (*problem, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if gamma < 0 || math.IsNaN(gamma) || math.IsInf(gamma, 0) {
		return nil, fmt.Errorf("langevin: coupling gamma must be non-negative and finite, got %v", gamma)
	}
	pr := &problem{act: act(net), n: net.N, n0: n0, t: net.T, lambda0: net.Lambda0, lambda1: net.Lambda1,
		gamma: gamma, ws: ws, freezeW: freeze, sqrtN: math.Sqrt(float64(net.N)), sqrtN0inv: 1 / math.Sqrt(float64(n0))}
	if train.Len() > 0 {
		raw := train.X.RawMatrix()
		pr.p = raw.Rows
		pr.x.Rows, pr.x.Cols, pr.x.Stride, pr.x.Data = raw.Rows, raw.Cols, raw.Stride, raw.Data
		pr.y = train.Y
	}
	return pr, nil
}

// checkData validates a data set of input dimension n0 (0: any), allowing
// nil when optional.
func checkData(name string, d *data.Dataset, n0 int, optional bool) error {
	if d == nil || (optional && d.Len() == 0 && (d.X == nil || d.X.IsEmpty())) {
		if optional {
			return nil
		}
		return fmt.Errorf("langevin: %s data set is missing", name)
	}
	if err := d.Validate(); err != nil {
		return fmt.Errorf("langevin: %s data set: %w", name, err)
	}
	if n0 > 0 && d.Dim() != n0 {
		return fmt.Errorf("langevin: %s inputs have dimension %d, want %d", name, d.Dim(), n0)
	}
	return nil
}

// priorDraw fills p with a draw from the prior.
func priorDraw(p params, l0, l1 float64, rng *rand.Rand) {
	s0, s1 := 1/math.Sqrt(l0), 1/math.Sqrt(l1)
	for i := range p.w {
		p.w[i] = s0 * rng.NormFloat64()
	}
	for i := range p.v {
		p.v[i] = s1 * rng.NormFloat64()
	}
}

// deriveRNGs returns k independent generators seeded in order from src.
func deriveRNGs(src rand.Source, k int) []*rand.Rand {
	if src == nil {
		src = rand.NewPCG(1, 1)
	}
	m := rand.New(src)
	out := make([]*rand.Rand, k)
	for i := range out {
		out[i] = rand.New(rand.NewPCG(m.Uint64(), m.Uint64()))
	}
	return out
}

// tracker aggregates progress across chains.
type tracker struct {
	mu       sync.Mutex
	cb       func(Progress)
	done     atomic.Int64
	total    int64
	stage    string
	gamma    float64
	sum      [3]float64
	cnt      [3]int
	acc, prp int64
	stop     atomic.Bool
}

func (t *tracker) setStage(stage string, gamma float64) {
	t.mu.Lock()
	t.stage, t.gamma = stage, gamma
	t.sum, t.cnt, t.acc, t.prp = [3]float64{}, [3]int{}, 0, 0
	t.mu.Unlock()
}

func (t *tracker) report(steps int, acc, prop int64, obs *[3]float64) {
	t.done.Add(int64(steps))
	if t.cb == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.acc += acc
	t.prp += prop
	for i, v := range obs {
		if !math.IsNaN(v) {
			t.sum[i] += v
			t.cnt[i]++
		}
	}
	p := Progress{Stage: t.stage, Gamma: t.gamma, Done: t.done.Load(), Total: t.total, Acceptance: math.NaN()}
	vals := [3]*float64{&p.TestError, &p.TrainError, &p.VNorm}
	for i := range vals {
		*vals[i] = math.NaN()
		if t.cnt[i] > 0 {
			*vals[i] = t.sum[i] / float64(t.cnt[i])
		}
	}
	if t.prp > 0 {
		p.Acceptance = float64(t.acc) / float64(t.prp)
	}
	t.cb(p)
}

// runChains runs every chain spec on set.workers workers and returns their
// outputs in spec order, or the first error.
func runChains(specs []*chainSpec, set settings, t *tracker, observe func(State)) ([]chainOut, error) {
	outs := make([]chainOut, len(specs))
	err := parallel(len(specs), set.workers, t, func(i int) error {
		o, err := specs[i].run(set, t, observe)
		outs[i] = o
		return err
	})
	return outs, err
}

// parallel runs job(i) for i in [0, n) on w workers and returns the first
// error (by index).
func parallel(n, w int, t *tracker, job func(i int) error) error {
	if w > n {
		w = n
	}
	// Chains never split their matrix products over goroutines (they
	// already use the cores), whatever the number of workers, so results do
	// not depend on it with the OpenBLAS backend either (see
	// fastblas.Parallel).
	defer fastblas.Parallel()()
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || t.stop.Load() {
					return
				}
				if err := job(i); err != nil {
					errs[i] = err
					t.stop.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && err != errStopped {
			return err
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
