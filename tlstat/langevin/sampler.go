package langevin

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tlstat/tlstat/tlstat/data"

	"github.com/tlstat/tlstat/tlstat/fastblas"
)

// Default settings used when the corresponding Sampler field is zero.
const (
	// DefaultChains is the default number of independent chains.
	DefaultChains = 4
	// DefaultSteps is the default number of measured iterations per chain
	// after a fixed burn-in: 10 000 Langevin steps (ULA, MALA) or 1 000 HMC
	// iterations (DefaultStepsHMC).
	DefaultSteps    = 10000
	DefaultStepsHMC = 1000
	// DefaultThin is the default number of Langevin steps between
	// measurements; HMC measures every iteration.
	DefaultThin = 10
	// DefaultLeapfrog is the default number of leapfrog steps of an HMC
	// iteration.
	DefaultLeapfrog = 10
	// DefaultWarmup is the default number of HMC warm-up (adaptation)
	// iterations: step size and metric.
	DefaultWarmup = 300
	// DefaultTargetAccept is the default target acceptance probability of
	// HMC's step-size adaptation (Stan's 0.8).
	DefaultTargetAccept = 0.8
	// DefaultCheck is the default number of iterations between convergence
	// checks of the automatic burn-in: 50 HMC iterations or 2 000 Langevin
	// steps (DefaultCheckLangevin).
	DefaultCheck         = 50
	DefaultCheckLangevin = 2000
	// DefaultMaxSteps is the default budget of the automatic burn-in, in
	// iterations per chain (burn-in included): 20 000 HMC iterations or
	// 1 000 000 Langevin steps (DefaultMaxStepsLangevin).
	DefaultMaxSteps         = 20000
	DefaultMaxStepsLangevin = 1000000
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
	// DefaultProgressEvery is the default number of iterations between
	// progress reports of a chain (10 for HMC).
	DefaultProgressEvery = 100
)

// Sampler runs Markov chains on the network posterior. The zero value is
// usable: every zero field means the documented default, and the default
// run is HMC with an automatic burn-in that ends when every reported
// quantity has converged (see BurnIn).
type Sampler struct {
	// Method is the update rule: HMC (the zero value), ULA or MALA.
	Method Method
	// Chains is the number of independent chains (default DefaultChains).
	// In Transfer it is the number of source chains.
	Chains int
	// BurnIn is the number of discarded initial iterations per chain.
	//
	// Zero (the default) means automatic: after a warm-up (HMC: Warmup
	// adaptation iterations; ULA and MALA: ⌈2/(ηT λ_min)⌉ steps, two
	// e-folding times of the slowest prior mode, during which MALA tunes
	// its step), the chains run in blocks of Check iterations; after each
	// block the first half of the iterations since warm-up is discarded and
	// the second half is diagnosed (see Diagnose). The run stops when every
	// reported quantity (test error, training error, |v|²/N, and for
	// transfer targets the overlap v_s·v_t/N) has R̂ ≤ MaxRHat and bulk and
	// tail effective sample sizes ≥ MinESS, or when the budget (MaxSteps
	// iterations per chain, or MaxTime) is spent; the result then says
	// Converged false.
	//
	// A positive value fixes the burn-in (HMC adapts during its first
	// min(Warmup, BurnIn) iterations, MALA tunes its step throughout), after
	// which Steps iterations are measured and diagnosed the same way. A
	// negative value means no burn-in.
	BurnIn int
	// Steps is the number of measured iterations per chain after a fixed
	// burn-in (default DefaultSteps, or DefaultStepsHMC for HMC). It is
	// not used with the automatic burn-in.
	Steps int
	// Thin is the number of iterations between measurements (default
	// DefaultThin for ULA and MALA, 1 for HMC).
	Thin int
	// MaxRHat and MinESS are the convergence gates (defaults
	// DefaultMaxRHat and DefaultMinESS). Transfer target chains sample
	// different conditional posteriors (one per source snapshot): their R̂
	// compares each chain's two halves, pooled over the chains, and their
	// ESS is the sum over chains (DiagnoseGroups), gated like any other.
	MaxRHat, MinESS float64
	// Check is the number of iterations between convergence checks of the
	// automatic burn-in (default DefaultCheck for HMC, DefaultCheckLangevin
	// otherwise).
	Check int
	// MaxSteps is the budget of the automatic burn-in in iterations per
	// chain, burn-in included (default DefaultMaxSteps for HMC,
	// DefaultMaxStepsLangevin otherwise).
	MaxSteps int
	// MaxTime, if positive, is a wall-clock budget of the automatic burn-in
	// for each stage (the single network, the source, each coupling).
	MaxTime time.Duration
	// Checkpoint, when not nil, makes single-network HMC runs (Run,
	// RunMulti) resumable (see Checkpoint). Default: none.
	Checkpoint *Checkpoint
	// Leapfrog is the number of leapfrog steps of an HMC iteration (default
	// DefaultLeapfrog).
	Leapfrog int
	// Warmup is the number of HMC warm-up iterations that adapt the step
	// size (dual averaging toward TargetAccept) and the metric (the
	// covariance of a hidden unit's weights over doubling windows); default
	// DefaultWarmup.
	Warmup int
	// TargetAccept is HMC's target acceptance probability (default
	// DefaultTargetAccept).
	TargetAccept float64
	// Eta is the step size η of the paper's update (ULA and MALA). Zero means
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
	// TraceEvery, if positive, records a TracePoint every TraceEvery
	// iterations (burn-in included; rounded up to a multiple of Thin).
	TraceEvery int
	// FreezeFirstLayer keeps W at its initial value and samples only v
	// (the γ → ∞ limit of transfer, or the readout posterior given W). It
	// needs ULA or MALA.
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
	// Progress, if not nil, is called every ProgressEvery iterations of every
	// chain with the overall progress. Calls are serialized.
	Progress func(Progress)
	// ProgressEvery is the number of iterations between progress calls of a
	// chain (default DefaultProgressEvery, 10 for HMC).
	ProgressEvery int
	// Observe, if not nil, is called at every measurement after burn-in with
	// a view of the chain's state (with the automatic burn-in: after
	// warm-up; the first half of those measurements is discarded later). It
	// is called concurrently from the chain goroutines (State.Chain tells
	// them apart) and must not keep or modify the slices.
	Observe func(State)
	// Float32, if set, computes the network's forward and backward passes
	// over the training set (and HMC's triangular solves of the gradient) in
	// float32, with every sum, factorization, accept/reject decision,
	// observable and diagnostic in float64 (see float32.go for what this
	// does to the sampled law: nothing measurable for HMC and MALA). The
	// zero value computes everything in float64.
	Float32 bool
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
	// Done and Total count chain iterations over the whole run. With the
	// automatic burn-in Total is an estimate (Estimated is true), updated at
	// every convergence check from the effective sample sizes reached so
	// far, and bounded by the budget.
	Done, Total int64
	Estimated   bool
	// TestError, TrainError and VNorm are running means, over the current
	// stage so far, of the latest measurement carried by each chain's
	// progress report (NaN before the first measurement).
	TestError, TrainError, VNorm float64
	// Acceptance is the running acceptance rate of the current stage.
	Acceptance float64
	// RHat and ESS are the worst R̂ and smallest bulk ESS over the reported
	// quantities at the last convergence check (NaN before the first).
	RHat, ESS float64
}

// State is a read-only view of a chain at a measurement.
type State struct {
	// Chain is the chain index within its stage, Step the iteration count
	// from the chain's start (burn-in included).
	Chain, Step int
	// Source is true for source chains of Transfer and Gamma the coupling of
	// a target chain.
	Source bool
	Gamma  float64
	// W (N×N0 row-major) and V are the current parameters; for HMC, V is a
	// draw of the readout from its exact conditional law given W.
	W, V []float64
	// TestOutput holds f on the test inputs (nil without a test set; for
	// HMC the mean over the readout given W).
	TestOutput []float64
	// The observables of this measurement (see TracePoint).
	TestError, TrainError, VNorm, Overlap, Accuracy float64
}

// settings are the resolved defaults.
type settings struct {
	method               Method
	chains, steps, thin  int
	burnIn               int
	auto                 bool
	check, maxSteps      int
	maxTime              time.Duration
	maxRHat, minESS      float64
	leap, warmup         int
	targetAccept         float64
	traceEvery, progEvry int
	maxNorm              float64
	workers              int
	adapt                bool
	float32              bool
}

func (s *Sampler) resolve() (settings, error) {
	r := settings{method: s.Method, chains: s.Chains, steps: s.Steps, thin: s.Thin, traceEvery: s.TraceEvery,
		progEvry: s.ProgressEvery, maxNorm: s.MaxNorm, workers: s.Workers, burnIn: s.BurnIn,
		auto: s.BurnIn == 0, check: s.Check, maxSteps: s.MaxSteps, maxTime: s.MaxTime,
		maxRHat: s.MaxRHat, minESS: s.MinESS, leap: s.Leapfrog, warmup: s.Warmup, targetAccept: s.TargetAccept,
		adapt: s.Method == MALA && !s.FixedStep, float32: s.Float32}
	if r.method != HMC && r.method != ULA && r.method != MALA {
		return r, fmt.Errorf("langevin: unknown method %v", r.method)
	}
	hmc := r.method == HMC
	pick := func(h, j int) int {
		if hmc {
			return h
		}
		return j
	}
	for _, f := range []struct {
		name string
		v    int
		def  int
		p    *int
	}{{"Chains", s.Chains, DefaultChains, &r.chains}, {"Steps", s.Steps, pick(DefaultStepsHMC, DefaultSteps), &r.steps},
		{"Thin", s.Thin, pick(1, DefaultThin), &r.thin}, {"ProgressEvery", s.ProgressEvery, pick(10, DefaultProgressEvery), &r.progEvry},
		{"Workers", s.Workers, runtime.GOMAXPROCS(0), &r.workers}, {"Check", s.Check, pick(DefaultCheck, DefaultCheckLangevin), &r.check},
		{"MaxSteps", s.MaxSteps, pick(DefaultMaxSteps, DefaultMaxStepsLangevin), &r.maxSteps},
		{"Leapfrog", s.Leapfrog, DefaultLeapfrog, &r.leap}, {"Warmup", s.Warmup, DefaultWarmup, &r.warmup}} {
		if f.v < 0 {
			return r, fmt.Errorf("langevin: %s must not be negative, got %d", f.name, f.v)
		}
		if f.v == 0 {
			*f.p = f.def
		}
	}
	for _, f := range []struct {
		name string
		v    float64
		def  float64
		p    *float64
	}{{"MaxRHat", s.MaxRHat, DefaultMaxRHat, &r.maxRHat}, {"MinESS", s.MinESS, DefaultMinESS, &r.minESS},
		{"TargetAccept", s.TargetAccept, DefaultTargetAccept, &r.targetAccept}} {
		if f.v < 0 || math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return r, fmt.Errorf("langevin: %s must be positive and finite, got %v", f.name, f.v)
		}
		if f.v == 0 {
			*f.p = f.def
		}
	}
	if r.maxRHat < 1 {
		return r, fmt.Errorf("langevin: MaxRHat must be at least 1, got %v", r.maxRHat)
	}
	if r.targetAccept >= 1 {
		return r, fmt.Errorf("langevin: TargetAccept must be below 1, got %v", r.targetAccept)
	}
	if s.MaxTime < 0 {
		return r, fmt.Errorf("langevin: MaxTime must not be negative, got %v", s.MaxTime)
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
	if hmc && s.FreezeFirstLayer {
		return r, fmt.Errorf("langevin: FreezeFirstLayer needs a Langevin method (ULA or MALA), not HMC, which samples only the first layer")
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

// langevinWarmup returns the warm-up of a Langevin chain with step size eta:
// two e-folding times of the slowest prior mode, ⌈2/(ηT λ_min)⌉.
func langevinWarmup(pr *problem, eta float64) int {
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
	rngs, _ := deriveSources(src, k)
	return rngs
}

// deriveSources returns k independent generators seeded in order from src
// and their PCG sources (whose state a checkpoint saves).
func deriveSources(src rand.Source, k int) ([]*rand.Rand, []*rand.PCG) {
	if src == nil {
		src = rand.NewPCG(1, 1)
	}
	m := rand.New(src)
	out := make([]*rand.Rand, k)
	pcgs := make([]*rand.PCG, k)
	for i := range out {
		pcgs[i] = rand.NewPCG(m.Uint64(), m.Uint64())
		out[i] = rand.New(pcgs[i])
	}
	return out, pcgs
}

// tracker aggregates progress across chains.
type tracker struct {
	mu        sync.Mutex
	cb        func(Progress)
	done      atomic.Int64
	total     int64
	estimated bool
	later     int64   // estimated iterations of the stages not yet started
	rhat, ess float64 // worst R̂ and smallest ESS at the last check
	stage     string
	gamma     float64
	sum       [3]float64
	cnt       [3]int
	acc, prp  int64
	stop      atomic.Bool
}

func (t *tracker) setStage(stage string, gamma float64) {
	t.mu.Lock()
	t.stage, t.gamma = stage, gamma
	t.sum, t.cnt, t.acc, t.prp = [3]float64{}, [3]int{}, 0, 0
	t.rhat, t.ess = math.NaN(), math.NaN()
	t.mu.Unlock()
}

// setRemaining sets the total to the iterations done so far plus the given
// remaining iterations of the current stage plus those of later stages.
func (t *tracker) setRemaining(stage int64, estimated bool) {
	t.mu.Lock()
	t.total = t.done.Load() + stage + t.later
	t.estimated = t.estimated || estimated
	t.mu.Unlock()
}

// setLater sets the estimate of the iterations of the stages not yet
// started.
func (t *tracker) setLater(n int64, estimated bool) {
	t.mu.Lock()
	t.later = n
	t.estimated = t.estimated || estimated
	t.mu.Unlock()
}

// setDiag records the worst R̂ and smallest ESS of the last check.
func (t *tracker) setDiag(rhat, ess float64) {
	t.mu.Lock()
	t.rhat, t.ess = rhat, ess
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
	if obs != nil {
		for i, v := range obs {
			if !math.IsNaN(v) {
				t.sum[i] += v
				t.cnt[i]++
			}
		}
	}
	p := Progress{Stage: t.stage, Gamma: t.gamma, Done: t.done.Load(), Total: max(t.total, t.done.Load()), Estimated: t.estimated,
		Acceptance: math.NaN(), RHat: t.rhat, ESS: t.ess}
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
