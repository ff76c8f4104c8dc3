package transfer

import (
	"fmt"
	"math"
	"sync"

	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"gonum.org/v1/gonum/mat"
)

// Solver holds a validated Problem with everything that does not depend on
// the coupling gamma: Gram matrices, the source saddle q_s, the Cholesky
// factorization of A = T_s I + (q_s/lambda1) K_s and L⁻¹y_s, and the scratch
// (gamma = 0) solution. It is safe for concurrent use by several goroutines
// once constructed.
type Solver struct {
	prob Problem
	set  Settings
	act  kernel.Activation
	n    float64 // width N
	ts   float64 // source temperature
	n0   int
	// mean selects the mean-mode theory (activations that are not odd).
	mean bool

	ds  []float64     // source squared norms
	gt  *mat.SymDense // target Gram
	dt  []float64
	gst *mat.Dense // source × target cross Gram

	qs  float64
	cs  float64 // ĉ_s of the mean-mode theory (q_s for odd activations)
	src *sourceFactor

	// srcModel is the single-network model of the source task at q_s,
	// built by NewSolver or, when Settings.SourceQ was given, on the first
	// call to Source.
	srcOnce  sync.Once
	srcModel *rkgp.Model
	srcErr   error

	scratch    *Model      // gamma = 0 saddle
	scratchFit *rkgp.Model // the target network from scratch, single-network theory
}

// sourceFactor is the factored source block for one source variance c_ss.
type sourceFactor struct {
	css  float64
	qs   float64
	cs   float64       // ĉ_s (the mean-mode theory); q_s for odd activations
	chol *mat.Cholesky // A = L Lᵀ, possibly shared with the source model (read only)
	ly   []float64     // L⁻¹ y_s
	// mf, if not nil, is the matrix-free source (Settings.MatrixFree),
	// which has no chol and ly.
	mf *mfSource
}

// NewSolver validates p, solves the source saddle (unless s.SourceQ is set),
// factors the source block and solves the scratch (gamma = 0) target saddle.
// Errors name the offending input and value. If only the scratch solve
// fails to converge, the Solver is returned with the error (its Scratch is
// the partial Model).
func NewSolver(p Problem, s *Settings) (*Solver, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	set := s.withDefaults()
	if math.IsNaN(set.SourceQ) || math.IsInf(set.SourceQ, 0) || set.SourceQ < 0 {
		return nil, fmt.Errorf("transfer: Settings.SourceQ must be a positive number (or 0 to solve), got %v", set.SourceQ)
	}
	if err := checkMatrixFree(p, set); err != nil {
		return nil, err
	}
	sv := &Solver{prob: p, set: set, act: p.Net.Activation(), n: float64(p.Net.N), ts: p.SourceT, n0: p.Source.Dim()}
	sv.mean = set.meanModes || !sv.act.Odd()
	if sv.ts == 0 {
		sv.ts = p.Net.T
	}
	sv.ds = kernel.SqNorms(p.Source.X)
	sv.gt = kernel.Gram(p.Target.X)
	sv.dt = kernel.SqNorms(p.Target.X)
	var err error
	if sv.gst, err = kernel.CrossGram(p.Source.X, p.Target.X); err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	css := 1 / p.Net.Lambda0
	sv.qs = set.SourceQ
	switch {
	case set.MatrixFree != nil:
		sv.src, err = sv.matrixFreeSource()
	case sv.qs == 0:
		srcNet := p.Net
		srcNet.T = sv.ts
		fit, err := rkgp.Fit(p.Source, srcNet, nil)
		if err != nil {
			return nil, fmt.Errorf("transfer: source saddle: %w", err)
		}
		sv.qs, sv.cs = fit.Q, fit.Q
		if !sv.act.Odd() {
			sv.qs, sv.cs = fit.Qbar, 1/(1+fit.Q)
		}
		sv.srcModel = fit
		sv.srcOnce.Do(func() {})
	default:
		sv.cs = sv.qs
	}
	switch {
	case set.MatrixFree != nil:
		// built by matrixFreeSource above
	case !sv.mean && sv.srcModel != nil:
		// The source model's G = T_s I + (Q/lambda1) K_s is A itself, built
		// from the same kernel by the same operations: share its
		// factorization (which its predictions use too) instead of holding
		// a second P_s × P_s factor.
		sv.src, err = sharedSourceFactor(sv.srcModel, css, sv.qs, sv.ts, p.Source.Y)
	case sv.mean:
		ks := kernel.Matrix(sv.act, kernel.Gram(p.Source.X), css, css)
		sv.src, err = newSourceFactorMean(ks, means(sv.act, sv.ds, css), css, sv.qs, sv.cs, sv.ts, p.Net.Lambda1, p.Source.Y)
	default:
		ks := kernel.Matrix(sv.act, kernel.Gram(p.Source.X), css, css)
		sv.src, err = newSourceFactor(ks, css, sv.qs, sv.ts, p.Net.Lambda1, p.Source.Y)
	}
	if err != nil {
		return nil, err
	}
	c, err := sv.Couple(0)
	if err != nil {
		return nil, err
	}
	fit, err := rkgp.Fit(p.Target, p.Net, nil)
	if err != nil {
		return nil, fmt.Errorf("transfer: scratch target saddle: %w", err)
	}
	sv.scratchFit = fit
	switch {
	case sv.mean && !sv.act.Odd():
		// The exact gamma = 0 point has ĉ_st = ĉ_tt = 0 and (q_t, ĉ_t) of the
		// single network; q_st and q_tt are O(1/N) (the overlaps of the
		// readouts' posterior means along the mean mode) and found by the solve.
		sv.scratch, err = c.solveMean(Order{T: fit.Qbar}, MeanOrder{T: 1 / (1 + fit.Q)}, nil)
	case sv.mean:
		sv.scratch, err = c.solveMean(Order{T: fit.Q}, MeanOrder{T: fit.Q}, nil)
	default:
		sv.scratch, err = c.Solve(Order{T: fit.Q})
	}
	if err != nil {
		return sv, fmt.Errorf("transfer: scratch (gamma = 0) saddle: %w", err)
	}
	return sv, nil
}

// sharedSourceFactor takes A = T_s I + (q_s/lambda1) K_s from the
// factorization of G held by src, the single-network model of the source
// at q_s and temperature T_s (odd activations).
func sharedSourceFactor(src *rkgp.Model, css, qs, ts float64, ys []float64) (*sourceFactor, error) {
	ch, err := src.Cholesky()
	if err != nil {
		return nil, fmt.Errorf("transfer: source matrix A = T_s I + (q_s/lambda1) K_s (q_s = %v, T_s = %v): %w", qs, ts, err)
	}
	f := &sourceFactor{css: css, qs: qs, cs: qs, chol: ch}
	f.ly = lowerSolveVec(f.chol, ys)
	return f, nil
}

// newSourceFactor factors A = T_s I + (q_s/lambda1) K_s, building A in the
// storage of ks, which it overwrites.
func newSourceFactor(ks *mat.SymDense, css, qs, ts, l1 float64, ys []float64) (*sourceFactor, error) {
	ks.ScaleSym(qs/l1, ks) // in place
	for i := 0; i < ks.SymmetricDim(); i++ {
		ks.SetSym(i, i, ks.At(i, i)+ts)
	}
	f := &sourceFactor{css: css, qs: qs, cs: qs, chol: &mat.Cholesky{}}
	if !f.chol.Factorize(ks) {
		return nil, fmt.Errorf("transfer: source matrix A = T_s I + (q_s/lambda1) K_s is not positive definite (q_s = %v, T_s = %v)", qs, ts)
	}
	f.ly = lowerSolveVec(f.chol, ys)
	return f, nil
}

// newSourceFactorMean factors the mean-mode source block
// A = T_s I + (q_s/lambda1)(K_s − m_s m_sᵀ) + (ĉ_s/lambda1) m_s m_sᵀ,
// building it in the storage of ks, which it overwrites.
func newSourceFactorMean(ks *mat.SymDense, ms []float64, css, qs, cs, ts, l1 float64, ys []float64) (*sourceFactor, error) {
	p := ks.SymmetricDim()
	eff := ks.RawSymmetric()
	w := cs/qs - 1
	for i := 0; i < p; i++ {
		row := eff.Data[i*eff.Stride : i*eff.Stride+p]
		for j := i; j < p; j++ {
			row[j] = row[j] + w*ms[i]*ms[j]
		}
	}
	f, err := newSourceFactor(ks, css, qs, ts, l1, ys)
	if err != nil {
		return nil, fmt.Errorf("%w (ĉ_s = %v)", err, cs)
	}
	f.cs = cs
	return f, nil
}

// QSource returns the source order parameter q_s.
func (s *Solver) QSource() float64 { return s.qs }

// Source returns the single-network model of the source task at the source
// saddle q_s (at the source temperature): its Risk on source test data is
// the theory for the source network that the target is coupled to. When
// NewSolver solved q_s the model is the one it solved; when Settings.SourceQ
// fixed q_s it is built on the first call (one tridiagonal reduction). A
// solver with Settings.MatrixFree builds no dense model and returns an
// error (Solver.MatrixFree describes its source fit).
func (s *Solver) Source() (*rkgp.Model, error) {
	s.srcOnce.Do(func() {
		net := s.prob.Net
		net.T = s.ts
		s.srcModel, s.srcErr = rkgp.FitFixed(s.prob.Source, net, s.qs)
		if s.srcErr != nil {
			s.srcErr = fmt.Errorf("transfer: source model: %w", s.srcErr)
		}
	})
	return s.srcModel, s.srcErr
}

// Scratch returns the gamma = 0 solution: the single-network theory on the
// target data.
func (s *Solver) Scratch() *Model { return s.scratch }

// ScratchSingle returns the single-network (rkgp) model of the target
// network trained from scratch at the target temperature, the fit that
// starts the gamma = 0 saddle.
func (s *Solver) ScratchSingle() *rkgp.Model { return s.scratchFit }

// Problem returns the problem the solver was built for.
func (s *Solver) Problem() Problem { return s.prob }
