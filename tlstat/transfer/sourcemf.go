package transfer

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"gonum.org/v1/gonum/mat"
)

// MatrixFreeSource describes the source side of a solver built with
// Settings.MatrixFree: the source saddle and the conjugate-gradient solves
// against A = T_s I + (q_s/lambda1) K_s made so far, with their errors.
type MatrixFreeSource struct {
	// Fit is the matrix-free single-network fit of the source that gave
	// q_s, with its error estimates (QStdErr, QLanczos, residuals); nil when
	// Settings.SourceQ fixed q_s.
	Fit *rkgp.MatrixFreeModel
	// QSource is q_s and QStdErr its standard error from the probes' spread
	// (zero when Settings.SourceQ fixed q_s). The target order parameters
	// and errors inherit it: they are those of the dense theory at a q_s
	// within about QStdErr of the exact saddle.
	QSource, QStdErr float64
	// CGTol is the relative residual at which the solves stop. Solves counts
	// them (A⁻¹y_s unless the source fit gave it, one per coupling with the
	// P_t columns of K_st, each started from the previous coupling's
	// solution); MaxIterations and MaxResidual are the largest iteration
	// count and true relative residual |b − A x|/|b| among them (and the
	// source fit's A⁻¹y_s).
	CGTol         float64
	Solves        int
	MaxIterations int
	MaxResidual   float64
	// TestTol is the relative accuracy of the test points' quadratic forms
	// b_jᵀA⁻¹b_j (b_j the source–test kernel column of test point j), the
	// only place their solves enter: each is computed with an error bound
	// (rkgp.MatrixFreeSystem.Quad) at most TestTol times the form, so that
	// it shifts the point's predictive variance by at most TestTol times
	// the source's term (q_st/lambda1)² b_jᵀA⁻¹b_j. TestSolves counts the
	// batches, TestIterations their CG iterations in all and
	// TestMaxBound the largest bound relative to its form.
	TestTol        float64
	TestSolves     int
	TestIterations int
	TestMaxBound   float64
	// Rank is the rank of the pivoted-Cholesky preconditioner and
	// PrecondTrace the fraction of tr K_s it leaves out.
	Rank         int
	PrecondTrace float64
	// Sweeps counts the passes over the source kernel (each P_s²/2 kernel
	// evaluations), the source fit's included.
	Sweeps int
}

// mfSource is the source block of the matrix-free solver: A as an operator
// and α = A⁻¹y_s. Memory O(P_s (N0 + Rank + Block)).
type mfSource struct {
	sys   *rkgp.MatrixFreeSystem
	fit   *rkgp.MatrixFreeModel
	alpha *mat.Dense // A⁻¹ y_s, P_s×1
	log   func(msg string)

	// prevW is A⁻¹K_st of the last coupling, the starting point of the
	// next coupling's solve (K_st changes smoothly with gamma).
	prevW *mat.Dense
	// quadTol is the residual tolerance at which the last test points'
	// forms met mfTestTol, the first one tried for the next batch.
	quadTol float64

	mu    sync.Mutex
	stats MatrixFreeSource
}

// errNoDenseSource is the error of Solver.Source for a matrix-free solver.
var errNoDenseSource = errors.New("transfer: the matrix-free solver builds no dense source model (Solver.MatrixFree describes its source fit)")

// checkMatrixFree rejects what the matrix-free source does not implement.
func checkMatrixFree(p Problem, set Settings) error {
	if set.MatrixFree == nil {
		return nil
	}
	if act := p.Net.Activation(); !act.Odd() || set.meanModes {
		return fmt.Errorf("transfer: the matrix-free source is implemented for odd activations (erf, linear), not %q", act.Name())
	}
	return nil
}

// matrixFreeSource solves the source saddle with rkgp.FitMatrixFree (unless
// Settings.SourceQ fixed q_s) and A⁻¹y_s by conjugate gradients; it sets
// s.qs and s.cs.
func (s *Solver) matrixFreeSource() (*sourceFactor, error) {
	net := s.prob.Net
	net.T = s.ts
	mf := &mfSource{log: s.set.MatrixFree.Log}
	var err error
	if s.qs == 0 {
		mf.fit, err = rkgp.FitMatrixFree(s.prob.Source, net, s.set.MatrixFree)
		if err != nil {
			return nil, fmt.Errorf("transfer: source saddle (matrix-free): %w", err)
		}
		s.qs = mf.fit.Q
		mf.stats.Fit, mf.stats.QStdErr = mf.fit, mf.fit.QStdErr
		mf.sys, err = mf.fit.System()
	} else {
		mf.sys, err = rkgp.NewMatrixFreeSystem(s.prob.Source, net, s.qs, s.set.MatrixFree)
	}
	if err != nil {
		return nil, fmt.Errorf("transfer: source matrix A = T_s I + (q_s/lambda1) K_s (q_s = %v, T_s = %v): %w", s.qs, s.ts, err)
	}
	s.cs = s.qs
	s.srcOnce.Do(func() { s.srcErr = errNoDenseSource })
	mf.stats.QSource, mf.stats.CGTol = s.qs, mf.sys.CGTol()
	mf.stats.Rank, mf.stats.PrecondTrace = mf.sys.Rank(), mf.sys.PrecondTrace()
	mf.stats.TestTol = mfTestTol
	if a, ok := mf.fitAlpha(); ok {
		mf.alpha = a
	} else {
		ps := len(s.prob.Source.Y)
		if mf.alpha, err = mf.solve(mat.NewDense(ps, 1, append([]float64(nil), s.prob.Source.Y...)), nil, "A⁻¹y_s"); err != nil {
			return nil, err
		}
	}
	return &sourceFactor{css: 1 / net.Lambda0, qs: s.qs, cs: s.qs, mf: mf}, nil
}

// mfTestTol is MatrixFreeSource.TestTol: the test points' forms
// b_jᵀA⁻¹b_j to 1e-6 of themselves, so that each predictive variance moves
// by at most 1e-6 of the source's term (q_st/lambda1)² b_jᵀA⁻¹b_j, a part
// of the point's prior variance. That is far below what the reported test
// error carries anyway: it is printed to four decimals, and the
// matrix-free q_s moves it by about 1e-5 relative (9.2e-6 at P_s = 2000
// in docs/benchmarks.md). The error of a form is second order in the
// residual, so the solves stop near a relative residual of 1e-5 instead of
// CGTol.
const mfTestTol = 1e-6

// fitAlpha returns A⁻¹y_s from the source fit when the fit solved it at
// q_s, recording its residual.
func (mf *mfSource) fitAlpha() (*mat.Dense, bool) {
	if mf.fit == nil || mf.fit.Q != mf.sys.Q() {
		return nil, false
	}
	a, ok := mf.fit.Alpha()
	if !ok {
		return nil, false
	}
	mf.stats.MaxResidual = math.Max(mf.stats.MaxResidual, mf.fit.CGResidual)
	if mf.log != nil {
		mf.log(fmt.Sprintf("source solve for A⁻¹y_s: from the source fit (residual %.2g)", mf.fit.CGResidual))
	}
	return a, true
}

// solve returns A⁻¹B, starting from x0 if not nil, and records the solve's
// statistics; what names the right-hand side in errors.
func (mf *mfSource) solve(b, x0 *mat.Dense, what string) (*mat.Dense, error) {
	start := time.Now()
	x, st, err := mf.sys.Solve(b, x0)
	if mf.log != nil {
		mf.log(fmt.Sprintf("source solve for %s: %d CG iterations, residual %.2g, %.1fs", what, st.Iterations, st.Residual, time.Since(start).Seconds()))
	}
	mf.mu.Lock()
	mf.stats.Solves++
	mf.stats.MaxIterations = max(mf.stats.MaxIterations, st.Iterations)
	mf.stats.MaxResidual = math.Max(mf.stats.MaxResidual, st.Residual)
	mf.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("transfer: solving A X = B for %s (matrix-free source): %w", what, err)
	}
	return x, nil
}

// MatrixFree returns the description of the matrix-free source and true
// for a solver built with Settings.MatrixFree; the zero value and false
// otherwise.
func (s *Solver) MatrixFree() (MatrixFreeSource, bool) {
	mf := s.src.mf
	if mf == nil {
		return MatrixFreeSource{}, false
	}
	mf.mu.Lock()
	defer mf.mu.Unlock()
	out := mf.stats
	out.Sweeps = mf.sys.Sweeps()
	return out, true
}

// coupleMatrixFree builds the kernels of one coupling with the matrix-free
// source: W = A⁻¹K_st by one block of conjugate gradients (P_t columns),
// M = K_stᵀW (symmetrized) and v = K_stᵀα.
func (s *Solver) coupleMatrixFree(cov Covariances, gamma float64) (*Coupled, error) {
	mf := s.src.mf
	c := &Coupled{s: s, src: s.src, cov: cov, gamma: gamma}
	c.kt = kernel.Matrix(s.act, s.gt, cov.TT, cov.TT)
	c.ktp = kernel.Matrix(s.act, s.gt, cov.TT, cov.TTp)
	c.kst = kernel.Cross(s.act, s.gst, s.ds, s.dt, cov.SS, cov.ST, cov.TT)
	mf.mu.Lock()
	x0 := mf.prevW
	mf.mu.Unlock()
	var err error
	if c.w, err = mf.solve(c.kst, x0, fmt.Sprintf("K_st at gamma = %v", gamma)); err != nil {
		return nil, err
	}
	mf.mu.Lock()
	mf.prevW = c.w
	mf.mu.Unlock()
	var m mat.Dense
	m.Mul(c.kst.T(), c.w)
	c.mst = symFromDense(&m)
	var v mat.Dense
	v.Mul(c.kst.T(), mf.alpha)
	c.vst = v.RawMatrix().Data
	return c, nil
}

// sourceTerms returns, for the source–test kernel b = K_s0 (P_s×B), the
// products K_stᵀA⁻¹K_s0 (P_t×B), b_jᵀA⁻¹y_s and b_jᵀA⁻¹b_j of every column
// j. The dense source overwrites ks0 with L⁻¹K_s0; the matrix-free source
// computes b_jᵀA⁻¹b_j to the relative accuracy mfTestTol by conjugate
// gradients (rkgp.MatrixFreeSystem.Quad).
func (c *Coupled) sourceTerms(ks0 *mat.Dense) (g *mat.Dense, sy, sb []float64, err error) {
	ps, nb := ks0.Dims()
	sy, sb = make([]float64, nb), make([]float64, nb)
	g = &mat.Dense{}
	if mf := c.src.mf; mf != nil {
		if sb, err = mf.quad(ks0, fmt.Sprintf("%d test points at gamma = %v", nb, c.gamma)); err != nil {
			return nil, nil, nil, err
		}
		g.Mul(c.w.T(), ks0) // (A⁻¹K_st)ᵀ K_s0
		var ya mat.Dense
		ya.Mul(ks0.T(), mf.alpha)
		copy(sy, ya.RawMatrix().Data)
		return g, sy, sb, nil
	}
	lowerSolve(c.src.chol, ks0) // L⁻¹ K_s0
	g.Mul(c.z.T(), ks0)         // K_stᵀ A⁻¹ K_s0
	rz := ks0.RawMatrix()
	for i := 0; i < ps; i++ { // row by row; each column in the order of its rows
		zi, ly := rz.Data[i*rz.Stride:i*rz.Stride+nb], c.src.ly[i]
		for j, z := range zi {
			sy[j] += z * ly
			sb[j] += z * z
		}
	}
	return g, sy, sb, nil
}

// quad returns the forms b_jᵀA⁻¹b_j of the columns of b to the relative
// accuracy mfTestTol and records the solve's statistics; what names the
// right-hand side in errors.
func (mf *mfSource) quad(b *mat.Dense, what string) ([]float64, error) {
	start := time.Now()
	mf.mu.Lock()
	tol0 := mf.quadTol
	mf.mu.Unlock()
	q, _, st, err := mf.sys.Quad(b, mfTestTol, tol0)
	if mf.log != nil {
		mf.log(fmt.Sprintf("source solve for %s: %d CG iterations in %d runs, residual %.2g, error bound %.2g of the form, %.1fs",
			what, st.Iterations, st.Rounds, st.Residual, st.MaxBound, time.Since(start).Seconds()))
	}
	mf.mu.Lock()
	mf.quadTol = st.Tol
	mf.stats.TestSolves++
	mf.stats.TestIterations += st.Iterations
	mf.stats.TestMaxBound = math.Max(mf.stats.TestMaxBound, st.MaxBound)
	mf.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("transfer: b_jᵀA⁻¹b_j for %s (matrix-free source): %w", what, err)
	}
	return q, nil
}
