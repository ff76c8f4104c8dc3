package study

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/tlstat/tlstat/tlstat/langevin"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/transfer"

	"github.com/tlstat/tlstat/tlstat/fastblas"
)

// GammaStudy is the paper's central experiment: the target test error as a
// function of the coupling gamma predicted by the transfer theory, with the
// scratch, infinite-width, regularization-only and frozen-feature baselines,
// optionally checked against Langevin samples of finite networks.
//
// The zero value of every optional field means the documented default.
type GammaStudy struct {
	// Net is the network (width, temperature, priors, activation).
	Net rkgp.Network
	// Gammas is the theory grid; nil means DefaultGammas().
	Gammas []float64
	// Theory configures the transfer solver; nil means its defaults.
	Theory *transfer.Settings
	// Sampler, if not nil, runs the Langevin transfer protocol at SimGammas
	// (its Progress field is overwritten to feed Progress below).
	Sampler *langevin.Sampler
	// SimGammas are the couplings simulated; nil means {0, 2, 50}.
	SimGammas []float64
	// Snapshots is the number of source snapshots per source chain (default 1).
	Snapshots int
	// Progress, if not nil, receives progress reports (serialized).
	Progress func(Progress)
}

// DefaultGammas returns the default theory grid: 0 and 10^k for k from -2 to 3
// in steps of 1/4.
func DefaultGammas() []float64 {
	g := []float64{0}
	for k := -8; k <= 12; k++ {
		g = append(g, math.Pow(10, float64(k)/4))
	}
	return g
}

// TheoryPoint is the transfer theory at one coupling with its baselines.
type TheoryPoint struct {
	Gamma                   Num  `json:"gamma"`
	QT                      Num  `json:"q_t"`
	QST                     Num  `json:"q_st"`
	QTT                     Num  `json:"q_tt"`
	TestError               Num  `json:"test_error"`
	Bias2                   Num  `json:"bias2"`
	Variance                Num  `json:"variance"`
	ReadoutNorm             Num  `json:"readout_norm"`
	Overlap                 Num  `json:"overlap"`
	InfiniteWidthError      Num  `json:"infinite_width_error"`
	RegularizationOnlyError Num  `json:"regularization_only_error"`
	Converged               bool `json:"converged"`
	Residual                Num  `json:"residual"`
}

// SimPoint is the Langevin estimate at one coupling beside the theory.
type SimPoint struct {
	Gamma              Num `json:"gamma"`
	TestError          Num `json:"sim_test_error"`
	TestErrorErr       Num `json:"sim_test_error_err"`
	VNorm              Num `json:"sim_vnorm"`
	VNormErr           Num `json:"sim_vnorm_err"`
	Overlap            Num `json:"sim_overlap"`
	OverlapErr         Num `json:"sim_overlap_err"`
	Acceptance         Num `json:"acceptance"`
	TheoryTestError    Num `json:"theory_test_error"`
	TheoryVNorm        Num `json:"theory_vnorm"`
	TheoryOverlap      Num `json:"theory_overlap"`
	InfiniteWidthError Num `json:"infinite_width_error"`
	// Accuracy ± AccuracyErr is the simulated test accuracy of a posterior
	// draw (langevin.Result.Accuracy; null when not measured: labels other
	// than ±1), AccuracyConverged whether it and the point passed the
	// convergence gates (the accuracy is diagnosed but does not gate the
	// chains; AccuracyRHat and AccuracyESS are its R̂ and smaller of bulk
	// and tail ESS), TheoryAccuracy the theory's expected accuracy of a
	// draw (Prediction.Accuracy) and AccuracyVerdict their comparison
	// (Verdict). The accuracy of the theory's mean predictor is another
	// number.
	Accuracy          Num    `json:"sim_accuracy"`
	AccuracyErr       Num    `json:"sim_accuracy_err"`
	AccuracyRHat      Num    `json:"sim_accuracy_rhat"`
	AccuracyESS       Num    `json:"sim_accuracy_ess"`
	AccuracyConverged bool   `json:"sim_accuracy_converged"`
	TheoryAccuracy    Num    `json:"theory_accuracy"`
	AccuracyVerdict   string `json:"accuracy_verdict,omitempty"`
	// Converged reports whether every simulated quantity passed the
	// convergence gates; RHat and ESS are the largest rank-normalized R̂
	// and the smallest bulk effective sample size of the test error and
	// readout norm; Stop says why the chains stopped; Verdict compares the
	// test error with the theory (Verdict), and an unconverged point is
	// never drawn or tabulated as a result.
	Converged bool   `json:"sim_converged"`
	RHat      Num    `json:"sim_rhat"`
	ESS       Num    `json:"sim_ess"`
	Stop      string `json:"sim_stop"`
	Verdict   string `json:"verdict"`
}

// simPointDiag fills the convergence fields of a point from the estimates
// of its test error and readout norm.
func (p *SimPoint) simPointDiag(converged bool, stop string, est ...langevin.Estimate) {
	p.Converged, p.Stop = converged, stop
	rh, ess := math.Inf(-1), math.Inf(1)
	for _, e := range est {
		if !math.IsNaN(e.RHat) {
			rh = math.Max(rh, e.RHat)
		}
		if !math.IsNaN(e.ESS) {
			ess = math.Min(ess, e.ESS)
		}
	}
	p.RHat, p.ESS = Num(rh), Num(ess)
	p.Verdict = Verdict(converged, float64(p.TestError), float64(p.TestErrorErr), float64(p.TheoryTestError))
}

// simPointAccuracy fills the accuracy fields of a point from the estimate
// of the simulated accuracy and the theory's expected accuracy; call it
// after simPointDiag.
func (p *SimPoint) simPointAccuracy(acc langevin.Estimate, theory float64) {
	p.Accuracy, p.AccuracyErr, p.TheoryAccuracy = Num(acc.Mean), Num(acc.Err), Num(theory)
	p.AccuracyRHat, p.AccuracyESS = Num(acc.RHat), Num(math.Min(acc.ESS, acc.ESSTail))
	if math.IsNaN(acc.Mean) {
		p.TheoryAccuracy = Num(math.NaN())
		return
	}
	p.AccuracyConverged = p.Converged && acc.Converged
	p.AccuracyVerdict = Verdict(p.AccuracyConverged, acc.Mean, acc.Err, theory)
}

// GammaResult is the outcome of a GammaStudy on one pair.
type GammaResult struct {
	Pair        string      `json:"pair"`
	Description string      `json:"description"`
	Net         NetworkInfo `json:"network"`
	PS          int         `json:"p_s"`
	PT          int         `json:"p_t"`
	PTest       int         `json:"p_test"`
	// QSource is the source order parameter q_s.
	QSource Num `json:"q_s"`
	// Theory is the sweep in ascending gamma; Scratch (gamma = 0) and Frozen
	// (gamma = +Inf) are the two ends.
	Theory  []TheoryPoint `json:"theory"`
	Scratch TheoryPoint   `json:"scratch"`
	Frozen  TheoryPoint   `json:"frozen"`
	// OptimalGamma and OptimalError locate the best coupling; Gain is
	// eps_scratch - eps_transfer there (positive: transfer helps).
	OptimalGamma Num `json:"optimal_gamma"`
	OptimalError Num `json:"optimal_error"`
	Gain         Num `json:"gain"`
	// Relatedness is transfer.SweepResult.Relatedness.
	Relatedness Num `json:"relatedness"`
	// Trust judges the theory against the measured validity map.
	Trust *TransferTrust `json:"trust,omitempty"`
	// Sim holds the Langevin check (empty without a Sampler); SimSource the
	// source chains' test error and readout norm beside the theory.
	Sim       []SimPoint `json:"sim,omitempty"`
	SimSource *SimPoint  `json:"sim_source,omitempty"`
	// Method, Chains and Steps describe the simulation.
	SimMethod string `json:"sim_method,omitempty"`
	SimChains int    `json:"sim_chains,omitempty"`
	SimSteps  int    `json:"sim_steps,omitempty"`
	SimBurnIn int    `json:"sim_burnin,omitempty"`
	// TheorySeconds and SimSeconds are wall-clock times. They are left out
	// of the JSON form so that reruns with the same seed give identical files.
	TheorySeconds float64 `json:"-"`
	SimSeconds    float64 `json:"-"`
}

func theoryPoint(p transfer.Point) TheoryPoint {
	return TheoryPoint{
		Gamma: Num(p.Gamma), QT: Num(p.Q.T), QST: Num(p.Q.ST), QTT: Num(p.Q.TT),
		TestError: Num(p.Risk.Total), Bias2: Num(p.Risk.Bias2), Variance: Num(p.Risk.Variance),
		ReadoutNorm: Num(p.ReadoutNorm), Overlap: Num(p.Overlap),
		InfiniteWidthError: Num(p.InfiniteWidth.Total), RegularizationOnlyError: Num(p.RegularizationOnly.Total),
		Converged: p.Converged, Residual: Num(p.Residual),
	}
}

// Run runs the study on every pair: the theory sweeps concurrently, then the
// simulations one pair after another (each already uses every core).
func (g *GammaStudy) Run(pairs ...*Pair) ([]*GammaResult, error) {
	if len(pairs) == 0 {
		return nil, fmt.Errorf("study: no task pairs")
	}
	if err := g.Net.Validate(); err != nil {
		return nil, err
	}
	for _, p := range pairs {
		if err := p.Validate(); err != nil {
			return nil, err
		}
	}
	gammas := g.Gammas
	if gammas == nil {
		gammas = DefaultGammas()
	}
	for _, gm := range gammas {
		if !(gm >= 0) {
			return nil, fmt.Errorf("study: gamma must be >= 0, got %v", gm)
		}
	}
	var mu sync.Mutex
	report := func(p Progress) {
		if g.Progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		g.Progress(p)
	}

	results := make([]*GammaResult, len(pairs))
	solvers := make([]*transfer.Solver, len(pairs))
	errs := make([]error, len(pairs))
	var done int64
	var wg sync.WaitGroup
	end := func() {}
	if len(pairs) > 1 {
		end = fastblas.Parallel() // the pairs' theories run concurrently
	}
	for i, p := range pairs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], solvers[i], errs[i] = g.theory(p, gammas)
			mu.Lock()
			done++
			d := done
			mu.Unlock()
			report(Progress{Stage: "theory", Pair: p.Name, Done: d, Total: int64(len(pairs)), TestError: math.NaN(), RHat: math.NaN(), ESS: math.NaN()})
		}()
	}
	wg.Wait()
	end()
	for i, err := range errs {
		if err != nil {
			return results, fmt.Errorf("study: pair %q: %w", pairs[i].Name, err)
		}
	}
	if g.Sampler == nil {
		return results, nil
	}
	for i, p := range pairs {
		if err := g.simulate(results[i], solvers[i], p, report); err != nil {
			return results, fmt.Errorf("study: pair %q: simulation: %w", p.Name, err)
		}
	}
	return results, nil
}

// theory runs the transfer sweep of one pair.
func (g *GammaStudy) theory(p *Pair, gammas []float64) (*GammaResult, *transfer.Solver, error) {
	start := time.Now()
	s, err := transfer.NewSolver(transfer.Problem{Source: p.SourceTrain, Target: p.TargetTrain, Net: g.Net}, g.Theory)
	if err != nil {
		return nil, nil, err
	}
	sw, err := s.Sweep(gammas, p.TargetTest)
	if err != nil {
		return nil, nil, err
	}
	r := &GammaResult{
		Pair: p.Name, Description: p.Description, Net: Info(g.Net),
		PS: p.SourceTrain.Len(), PT: p.TargetTrain.Len(), PTest: p.TargetTest.Len(),
		QSource: Num(sw.QSource), Scratch: theoryPoint(sw.Scratch), Frozen: theoryPoint(sw.Frozen),
		OptimalGamma: Num(sw.Best.Gamma), OptimalError: Num(sw.Best.Error), Gain: Num(sw.Best.Gain),
		Relatedness: Num(sw.Relatedness),
	}
	for _, pt := range sw.Points {
		r.Theory = append(r.Theory, theoryPoint(pt))
	}
	// The sweep's end points carry no baselines of their own: take the
	// scratch baselines from the gamma = 0 grid point when present, and mark
	// the frozen limit's as not computed.
	r.Scratch.InfiniteWidthError, r.Scratch.RegularizationOnlyError = Num(math.NaN()), Num(math.NaN())
	if len(r.Theory) > 0 && r.Theory[0].Gamma == 0 {
		r.Scratch = r.Theory[0]
	}
	r.Frozen.InfiniteWidthError, r.Frozen.RegularizationOnlyError = Num(math.NaN()), Num(math.NaN())
	tt, err := TrustTransfer(s, p.SourceTest, p.TargetTest, p.kind())
	if err != nil {
		return nil, nil, err
	}
	r.Trust = &tt
	r.TheorySeconds = time.Since(start).Seconds()
	return r, s, nil
}

// simulate runs the Langevin transfer protocol of one pair and puts the theory
// at the same couplings beside it.
func (g *GammaStudy) simulate(r *GammaResult, s *transfer.Solver, p *Pair, report func(Progress)) error {
	start := time.Now()
	simGammas := g.SimGammas
	if simGammas == nil {
		simGammas = []float64{0, 2, 50}
	}
	smp := *g.Sampler
	smp.Progress = func(lp langevin.Progress) {
		report(Progress{Stage: lp.Stage, Pair: p.Name, Done: lp.Done, Total: lp.Total, TestError: lp.TestError,
			Gamma: lp.Gamma, Estimated: lp.Estimated, RHat: lp.RHat, ESS: lp.ESS})
	}
	res, err := smp.Transfer(g.Net, langevin.TransferProblem{
		Source: p.SourceTrain, SourceTest: p.SourceTest, Target: p.TargetTrain, TargetTest: p.TargetTest,
		Gammas: simGammas, Snapshots: g.Snapshots,
	})
	if err != nil {
		return err
	}
	for i, tr := range res.Targets {
		th, err := PredictTransfer(s, simGammas[i], p.TargetTest)
		if err != nil {
			return err
		}
		pt := SimPoint{
			Gamma: Num(tr.Gamma), TestError: Num(tr.TestError.Mean), TestErrorErr: Num(tr.TestError.Err),
			VNorm: Num(tr.VNorm.Mean), VNormErr: Num(tr.VNorm.Err), Overlap: Num(tr.Overlap.Mean), OverlapErr: Num(tr.Overlap.Err),
			Acceptance: Num(tr.Acceptance), TheoryTestError: Num(th.TestError), TheoryVNorm: Num(th.ReadoutNorm),
			TheoryOverlap: Num(th.Overlap), InfiniteWidthError: Num(th.InfiniteWidthError),
		}
		pt.simPointDiag(tr.Converged, tr.Stop, tr.TestError, tr.VNorm, tr.Overlap)
		pt.simPointAccuracy(tr.Accuracy, th.Accuracy)
		r.Sim = append(r.Sim, pt)
	}
	// The source chains beside the single-network theory on the source task,
	// at the source saddle the transfer solver already found.
	src := res.Source
	srcModel, err := s.Source()
	if err != nil {
		return err
	}
	th, err := PredictSingle(srcModel, p.SourceTest)
	if err != nil {
		return err
	}
	r.SimSource = &SimPoint{
		Gamma: Num(math.NaN()), TestError: Num(src.TestError.Mean), TestErrorErr: Num(src.TestError.Err),
		VNorm: Num(src.VNorm.Mean), VNormErr: Num(src.VNorm.Err), Overlap: Num(math.NaN()), OverlapErr: Num(math.NaN()),
		Acceptance: Num(src.Acceptance), TheoryTestError: Num(th.TestError), TheoryVNorm: Num(th.ReadoutNorm),
		TheoryOverlap: Num(math.NaN()), InfiniteWidthError: Num(th.InfiniteWidthError),
	}
	r.SimSource.simPointDiag(src.Converged, src.Stop, src.TestError, src.VNorm)
	r.SimSource.simPointAccuracy(src.Accuracy, th.Accuracy)
	r.SimMethod = src.Method.String()
	r.SimChains = len(src.Chains)
	r.SimSteps = src.Steps
	r.SimBurnIn = src.BurnIn
	r.SimSeconds = time.Since(start).Seconds()
	return nil
}
