package transfer

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"

	"github.com/tlstat/tlstat/tlstat/fastblas"
)

// Point is the transfer theory and its gamma-dependent baselines at one
// coupling.
type Point struct {
	// Gamma is the coupling and Cov the covariances c_ss, c_st, c_tt, c_tt'.
	Gamma float64
	Cov   Covariances
	// Q holds the target order parameters (q_t, q_st, q_tt).
	Q Order
	// Mean holds the mean-mode order parameters (ĉ_t, ĉ_st, ĉ_tt) of
	// activations that are not odd (zero for odd ones).
	Mean MeanOrder
	// Risk is the transfer test error with its bias² and variance.
	Risk Risk
	// ReadoutNorm is <|v_t|²>/N = q_t/lambda1; Overlap is <v_s·v_t>/N = q_st/lambda1.
	ReadoutNorm, Overlap float64
	// Relatedness is the cosine between the source-predicted target labels
	// Bᵀ A⁻¹ y_s (B the renormalized source–target kernel (q_st/lambda1)K_st)
	// and y_t; see SweepResult.Relatedness.
	Relatedness float64
	// Converged, Residual (|grad S_1|), Iterations and Evaluations (of S_1
	// and its gradient) describe the solve.
	Converged   bool
	Residual    float64
	Iterations  int
	Evaluations int
	// InfiniteWidth is the NNGP baseline (q_t = 1, q_st = q_tt = 0, first-layer
	// variance c_tt(gamma)).
	InfiniteWidth Risk
	// RegularizationOnly is the scratch network with lambda0_eff = 1/c_tt(gamma)
	// (q_st = q_tt = 0), whose own saddle is QRegularizationOnly.
	RegularizationOnly  Risk
	QRegularizationOnly float64
}

// Optimum is the best coupling found by Sweep.
type Optimum struct {
	// Gamma is the optimal coupling and Error the transfer test error there.
	// Gamma is +Inf when the frozen-feature limit beats every finite
	// coupling examined.
	Gamma, Error float64
	// GridGamma is the best grid point before refinement.
	GridGamma float64
	// Refined reports whether a golden-section search on log gamma between
	// the grid neighbours refined GridGamma (not done at the ends of the grid).
	Refined bool
	// Gain is eps_scratch − eps_transfer at Gamma (positive: transfer helps).
	Gain float64
}

// SweepResult is a gamma sweep with its baselines and decision quantities.
type SweepResult struct {
	// QSource is the source order parameter q_s.
	QSource float64
	// Points are the grid points in ascending gamma.
	Points []Point
	// Scratch is gamma = 0 (the single-network theory on the target data) and
	// Frozen is the frozen-feature limit gamma = +Inf.
	Scratch, Frozen Point
	// Best is the optimal coupling.
	Best Optimum
	// Timing is the wall-clock time of the sweep's stages.
	Timing SweepTiming
	// Relatedness is the relatedness score of the pair: the cosine
	//
	//	R = (Bᵀ A⁻¹ y_s)·y_t / (|Bᵀ A⁻¹ y_s| |y_t|)
	//
	// between the target training labels and the source network's prediction
	// for them carried by the renormalized source–target kernel
	// B = (q_st/lambda1) K_st at the frozen-feature saddle (gamma = +Inf).
	// Since B carries the sign of q_st, R is close to zero for unrelated
	// tasks and positive when the source's predictor (possibly sign-flipped by
	// the saddle) explains the target labels; it is in [-1, 1]. It is an
	// estimate from P_t labels, with a statistical spread of order
	// 1/sqrt(P_t). Measured (tests): MNIST source {0,2,4,6} vs {1,3,5,7},
	// related target {0,2,4,8} vs {1,3,5,9}: 0.822, unrelated {0,1,4,5} vs
	// {2,3,6,7}: 0.083; erf teachers (N0 = 150, P_t = 200, mean of four
	// draws): rho = 0, 0.5, 0.9, -0.9 give 0.077, 0.428, 0.823, 0.814.
	Relatedness float64
}

// SweepTiming is the wall-clock time of the stages of a Sweep.
type SweepTiming struct {
	// Solve is the continuation in gamma over the grid: each coupling's
	// kernels and source projections (L⁻¹K_st) and the saddle-point solves.
	Solve time.Duration
	// Predict is the test predictions of the scratch and grid solutions.
	Predict time.Duration
	// Baselines is the infinite-width and regularization-only baselines at
	// the grid points (the regularization-only saddles and both baselines'
	// predictions).
	Baselines time.Duration
	// Frozen is the frozen-feature limit (gamma = +Inf): solve and predictions.
	Frozen time.Duration
	// Refine is the golden-section refinement of the optimal coupling.
	Refine time.Duration
}

// Sweep solves the transfer theory on a grid of couplings by continuation in
// gamma from the exact gamma = 0 solution, evaluates the test error and the
// baselines (scratch, infinite width, regularization-only, frozen features)
// on test and locates the optimal coupling. gammas may contain 0 and +Inf;
// duplicates are removed and the grid is sorted. On a failed solve it returns
// the points computed so far (the last one partial) and the error.
func (s *Solver) Sweep(gammas []float64, test *data.Dataset) (*SweepResult, error) {
	if len(gammas) == 0 {
		return nil, fmt.Errorf("transfer: empty gamma grid")
	}
	for _, g := range gammas {
		if err := checkGamma(g); err != nil {
			return nil, err
		}
	}
	if err := checkTest(test, s.n0); err != nil {
		return nil, err
	}
	grid := append([]float64(nil), gammas...)
	sort.Float64s(grid)
	grid = uniq(grid)

	out := &SweepResult{QSource: s.qs}
	var err error
	tm := &out.Timing
	if out.Scratch, err = s.point(s.scratch, test, false, tm); err != nil {
		return out, err
	}
	// solved keeps the seeds of the refinement (order parameters only):
	// the kernels of a coupling are O(P_s P_t) each, and a sweep solves
	// dozens of couplings.
	solved := []*Model{s.scratch.seed()}
	prev := s.scratch
	for _, g := range grid {
		t0 := time.Now()
		m, ferr := s.continueFrom(prev, g)
		tm.Solve += time.Since(t0)
		if m == nil {
			return out, ferr
		}
		if ferr != nil && m.Gamma != g {
			ferr = fmt.Errorf("transfer: continuation towards gamma = %v stopped: %w", g, ferr)
		}
		pt, perr := s.point(m, test, true, tm)
		if perr != nil {
			return out, perr
		}
		out.Points = append(out.Points, pt)
		if ferr != nil {
			return out, ferr
		}
		solved = append(solved, m.seed())
		prev = m
	}
	t0 := time.Now()
	fm, ferr := s.continueFrom(prev, posInf)
	if fm == nil {
		return out, ferr
	}
	out.Frozen, err = s.point(fm, test, false, nil)
	tm.Frozen = time.Since(t0)
	if err != nil {
		return out, err
	}
	out.Relatedness = out.Frozen.Relatedness
	if ferr != nil {
		return out, fmt.Errorf("transfer: frozen-feature limit: %w", ferr)
	}
	solved = append(solved, fm.seed())

	best := 0
	for i, p := range out.Points {
		if p.Risk.Total < out.Points[best].Risk.Total {
			best = i
		}
	}
	bp := out.Points[best]
	out.Best = Optimum{Gamma: bp.Gamma, Error: bp.Risk.Total, GridGamma: bp.Gamma}
	if s.set.RefineTol > 0 && best > 0 && best < len(out.Points)-1 && !math.IsInf(out.Points[best+1].Gamma, 1) && bp.Gamma > 0 {
		lo := out.Points[best-1].Gamma
		hi := out.Points[best+1].Gamma
		a, b := math.Log(hi), math.Log(hi)
		if lo > 0 {
			a = math.Log(lo)
		} else {
			a = math.Log(bp.Gamma) - (b - math.Log(bp.Gamma)) // mirror the upper neighbour
		}
		t0 := time.Now()
		g, e, rerr := s.refine(a, b, test, &solved)
		out.Timing.Refine = time.Since(t0)
		if rerr == nil && e < out.Best.Error {
			out.Best.Gamma, out.Best.Error, out.Best.Refined = g, e, true
		}
	}
	if out.Frozen.Risk.Total < out.Best.Error {
		out.Best.Gamma, out.Best.Error, out.Best.Refined = posInf, out.Frozen.Risk.Total, false
	}
	out.Best.Gain = out.Scratch.Risk.Total - out.Best.Error
	return out, nil
}

// refine runs a golden-section search for the minimum of the test error over
// log gamma in [a, b], continuing each solve from the nearest solved model.
func (s *Solver) refine(a, b float64, test *data.Dataset, solved *[]*Model) (gamma, eps float64, err error) {
	f := func(lg float64) (float64, error) {
		g := math.Exp(lg)
		near := (*solved)[0]
		for _, m := range *solved {
			if m.Gamma > 0 && !math.IsInf(m.Gamma, 1) && math.Abs(math.Log(m.Gamma)-lg) < math.Abs(logOr(near.Gamma)-lg) {
				near = m
			}
		}
		m, err := s.continueFrom(near, g)
		if err != nil {
			return 0, err
		}
		*solved = append(*solved, m.seed())
		r, err := m.Risk(test)
		return r.Total, err
	}
	const invPhi = 0.6180339887498949 // (√5 − 1)/2
	x1 := b - invPhi*(b-a)
	x2 := a + invPhi*(b-a)
	f1, err := f(x1)
	if err != nil {
		return 0, 0, err
	}
	f2, err := f(x2)
	if err != nil {
		return 0, 0, err
	}
	for b-a > s.set.RefineTol {
		if f1 <= f2 {
			b, x2, f2 = x2, x1, f1
			x1 = b - invPhi*(b-a)
			if f1, err = f(x1); err != nil {
				return 0, 0, err
			}
		} else {
			a, x1, f1 = x1, x2, f2
			x2 = a + invPhi*(b-a)
			if f2, err = f(x2); err != nil {
				return 0, 0, err
			}
		}
	}
	if f1 <= f2 {
		return math.Exp(x1), f1, nil
	}
	return math.Exp(x2), f2, nil
}

// logOr returns log g, or −Inf-safe large values for g = 0 or +Inf.
func logOr(g float64) float64 {
	if g == 0 {
		return -1e300
	}
	if math.IsInf(g, 1) {
		return 1e300
	}
	return math.Log(g)
}

// point evaluates a solved model and, if baselines, the gamma-dependent
// baselines sharing its kernels; it adds its time to tm, if not nil. The
// model and its two baselines predict with the same coupling's target-side
// test kernels, built once for the point.
func (s *Solver) point(m *Model, test *data.Dataset, baselines bool, tm *SweepTiming) (Point, error) {
	var sh *testShare
	if baselines && test.X != nil {
		sh = newTestShare(m.c, test.X)
	}
	return s.pointShared(m, test, baselines, tm, sh)
}

// pointShared is point with the target-side test kernels taken from sh when
// it holds them (sh may be nil).
func (s *Solver) pointShared(m *Model, test *data.Dataset, baselines bool, tm *SweepTiming, sh *testShare) (Point, error) {
	p := Point{Gamma: m.Gamma, Cov: m.Cov, Q: m.Q, Mean: m.Mean, ReadoutNorm: m.ReadoutNorm(), Overlap: m.Overlap(),
		Relatedness: m.Relatedness(), Converged: m.Converged, Residual: m.Residual, Iterations: m.Iterations, Evaluations: m.Evaluations}
	var err error
	t0 := time.Now()
	p.Risk, err = m.risk(test, sh)
	if tm != nil {
		tm.Predict += time.Since(t0)
		if baselines {
			defer func(t0 time.Time) { tm.Baselines += time.Since(t0) }(time.Now())
		}
	}
	if err != nil || !baselines {
		return p, err
	}
	var nn *Model
	if s.mean {
		nn, err = m.c.atMean(Order{T: 1}, MeanOrder{T: 1}, false)
	} else {
		nn, err = m.c.at(Order{T: 1}, false)
	}
	if err != nil {
		return p, err
	}
	if p.InfiniteWidth, err = nn.risk(test, sh); err != nil {
		return p, err
	}
	ro, err := s.regularizationOnly(m.c)
	if err != nil {
		return p, err
	}
	p.QRegularizationOnly = ro.Q.T
	p.RegularizationOnly, err = ro.risk(test, sh)
	return p, err
}

// Relatedness returns the cosine between Bᵀ A⁻¹ y_s (the source-predicted
// target training labels, B = (q_st/lambda1) K_st) and y_t; zero when q_st = 0.
//
// For the mean-mode theory (activations that are not odd) it is the cosine
// between Bᵀ A⁻¹ y_s of that theory at m's order parameters and y_t; zero
// when q_st = ĉ_st = 0.
func (m *Model) Relatedness() float64 {
	if m.mst != nil {
		if m.Q.ST == 0 && m.Mean.ST == 0 {
			return 0
		}
		v, y := m.sourcePredicted(), m.c.s.prob.Target.Y
		nv, ny := math.Sqrt(dot(v, v)), math.Sqrt(dot(y, y))
		if nv == 0 || ny == 0 {
			return 0
		}
		return dot(v, y) / (nv * ny)
	}
	if m.Q.ST == 0 {
		return 0
	}
	v, y := m.c.vst, m.c.s.prob.Target.Y
	nv, ny := math.Sqrt(dot(v, v)), math.Sqrt(dot(y, y))
	if nv == 0 || ny == 0 {
		return 0
	}
	return math.Copysign(1, m.Q.ST) * dot(v, y) / (nv * ny)
}

func uniq(x []float64) []float64 {
	out := x[:0]
	for i, v := range x {
		if i == 0 || v != x[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// Job is one independent sweep for SweepAll.
type Job struct {
	// Problem is the source/target pair and network.
	Problem Problem
	// Test is the target test set.
	Test *data.Dataset
	// Gammas is the coupling grid (see Solver.Sweep).
	Gammas []float64
}

// SweepAll runs independent sweeps (different task pairs, widths, ...)
// concurrently on up to runtime.GOMAXPROCS goroutines; continuation in gamma
// inside each sweep stays sequential. Results are in job order; the error
// joins the failures, each naming its job index. With Settings.MatrixFree
// the jobs' source fits run concurrently: its Src must be nil (each fit
// then seeds its own probes) and its Log, if any, safe for concurrent use.
func SweepAll(jobs []Job, s *Settings) ([]*SweepResult, error) {
	if s != nil && s.MatrixFree != nil && s.MatrixFree.Src != nil && len(jobs) > 1 {
		return nil, errors.New("transfer: SweepAll: Settings.MatrixFree.Src would be shared by concurrent source fits; leave it nil")
	}
	out := make([]*SweepResult, len(jobs))
	errs := make([]error, len(jobs))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	if len(jobs) > 1 && runtime.GOMAXPROCS(0) > 1 {
		defer fastblas.Parallel()()
	}
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			sv, err := NewSolver(j.Problem, s)
			if err != nil {
				errs[i] = fmt.Errorf("job %d: %w", i, err)
				return
			}
			out[i], err = sv.Sweep(j.Gammas, j.Test)
			if err != nil {
				errs[i] = fmt.Errorf("job %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// regularizationOnly builds the regularization-only baseline on the kernels
// of c (see RegularizationOnly).
func (s *Solver) regularizationOnly(c *Coupled) (*Model, error) {
	net := s.prob.Net
	net.Lambda0 = 1 / c.cov.TT
	fit, err := rkgp.Fit(s.prob.Target, net, nil)
	if err != nil {
		return nil, fmt.Errorf("transfer: regularization-only saddle at gamma = %v: %w", c.gamma, err)
	}
	var m *Model
	switch {
	case s.mean && !s.act.Odd():
		m, err = c.atMean(Order{T: fit.Qbar}, MeanOrder{T: 1 / (1 + fit.Q)}, false)
	case s.mean:
		m, err = c.atMean(Order{T: fit.Q}, MeanOrder{T: fit.Q}, false)
	default:
		m, err = c.at(Order{T: fit.Q}, false)
	}
	if err != nil {
		return nil, err
	}
	m.Converged, m.Residual = fit.Converged, fit.Residual
	return m, nil
}
