package rkgp

import (
	"math"
	"time"
)

// Model is a network's renormalized Gaussian-process predictor at given
// order parameters, usually the saddle point found by Fit. It holds the
// tridiagonal reduction of the training kernel, shared with models derived
// from it (NNGP, FitFixed at other order parameters), and, once Predict or
// Risk has been called, its own Cholesky factorization of G. It is safe for
// concurrent use by Predict and Risk.
type Model struct {
	// Net is the network the model was fitted for.
	Net Network
	// Q is the order parameter: for odd activations the factor Q that
	// renormalizes the kernel, G = T I + (Q/lambda1) K; for other activations
	// the parameter of the mean (rank-one) part, K_R = (Qbar/lambda1)(K - M) +
	// M/(lambda1 (1+Q)) (docs/theory.md §3).
	Q float64
	// Qbar is the factor of the centered kernel K - M for activations that are
	// not odd; it is zero for odd activations.
	Qbar float64
	// Action is the effective action at (Qbar,) Q.
	Action float64
	// Residual is |dS/dQ| at Q (for two order parameters the largest
	// component of the gradient). For models at fixed order parameters
	// (FitFixed, InfiniteWidth, NNGP) it measures the distance from the
	// finite-N saddle point and is not expected to be small.
	Residual float64
	// Converged reports whether the solver met the residual tolerance. It is
	// true for models at fixed order parameters.
	Converged bool
	// Iterations counts the gradient evaluations of the one-parameter solver
	// (grid scan plus Brent refinements) or the Newton iterations of the
	// two-parameter solver.
	Iterations int
	// Stationary is the number of stationary points of S(Q) found on the grid
	// (odd activations); the minimum of lowest action among them is returned.
	Stationary int
	// Timing reports where the fit spent its time.
	Timing Timing

	settings Settings
	sp       *spectrum
	fac      *factorCache   // Cholesky factor of G for Predict, made on first use
	shape    *shapeCache    // the shape variant's corrected kernel, made on first use
	tilted   *tiltedCache   // the tilted variant's fixed point, solved on first use
	metric   *metricCache   // the metric variant's stationary point, solved on first use
	cumulant *cumulantCache // the cumulant variant's samples and corrected kernels, made on first use
}

// Variant returns the theory variant of the model's predictions.
func (m *Model) Variant() Variant { return m.settings.Variant }

// Timing is the wall-clock time of the stages of a fit.
type Timing struct {
	// Kernel is the time to build the Gram and kernel matrices.
	Kernel time.Duration
	// Decompose is the time of the factorization of the kernel: its
	// reduction to tridiagonal form and the eigenvalues of the tridiagonal
	// matrix (no eigenvectors are computed; with the OpenBLAS backend, the
	// LAPACK eigendecomposition that replaces them). The Cholesky
	// factorization used by Predict is made, and timed by the caller, on the
	// first prediction.
	Decompose time.Duration
	// Solve is the time to find the order parameters.
	Solve time.Duration
}

// odd reports whether the model uses the one-parameter theory.
func (m *Model) odd() bool { return m.sp.m == nil }

// scales returns the factor s of the (centered) kernel and the factor c of
// the rank-one mean part: K_R = s (K - M) + c M.
func (m *Model) scales() (s, c float64) {
	if m.odd() {
		return m.Q / m.Net.Lambda1, 0
	}
	return m.Qbar / m.Net.Lambda1, 1 / (m.Net.Lambda1 * (1 + m.Q))
}

// ReadoutNorm returns the posterior mean squared readout weight <|v|²>/N:
// Q/lambda1 for odd activations and Qbar/lambda1 (the scale of the centered
// kernel) otherwise.
func (m *Model) ReadoutNorm() float64 {
	s, _ := m.scales()
	return s
}

// VariantReadoutNorm returns ⟨|v|²⟩/N in the model's theory variant: the
// scalar ReadoutNorm for the scalar and shape variants (the shape variant
// keeps the scalar order parameter), QB/lambda1 for the tilted variant,
// whose bulk order parameter QB is lambda1⟨v²⟩ of a unit (TiltedFit), and
// Q/lambda1 at the metric variant's stationary point (MetricFit).
func (m *Model) VariantReadoutNorm() (float64, error) {
	if m.settings.Variant == Metric {
		f, err := m.Metric()
		if err != nil {
			return 0, err
		}
		return f.Q / m.Net.Lambda1, nil
	}
	if m.settings.Variant != Tilted {
		return m.ReadoutNorm(), nil
	}
	f, err := m.Tilted()
	if err != nil {
		return 0, err
	}
	return f.QB / m.Net.Lambda1, nil
}

// ActionAt returns the effective action S(q) of the model's training data
// and network; for activations that are not odd it returns S(Qbar, q) at the
// model's Qbar. It returns +Inf for q outside the domain (q <= 0, or q <= -1
// for two parameters), so that it can be plotted directly.
func (m *Model) ActionAt(q float64) float64 {
	if m.odd() {
		if !(q > 0) {
			return math.Inf(1)
		}
		return m.sp.actionOdd(m.Net, q)
	}
	if !(q > -1) {
		return math.Inf(1)
	}
	return m.sp.actionPair(m.Net, m.Qbar, q)
}

// GradientAt returns dS/dQ at q (at the model's Qbar for activations that are
// not odd). It returns -Inf for q <= 0 (odd) and +Inf for q <= -1 (not odd),
// the limits at the edge of the domain.
func (m *Model) GradientAt(q float64) float64 {
	if m.odd() {
		if !(q > 0) {
			return math.Inf(-1)
		}
		return m.sp.gradOdd(m.Net, q)
	}
	if !(q > -1) {
		return math.Inf(1)
	}
	_, dq := m.sp.gradPair(m.Net, m.Qbar, q)
	return dq
}

// PairActionAt returns the two-parameter action S(qbar, q) and its gradient
// (dS/dQbar, dS/dQ) for activations that are not odd. For odd activations,
// whose mean part vanishes, it evaluates the same formula with M = 0.
func (m *Model) PairActionAt(qbar, q float64) (s, dqbar, dq float64) {
	sp := m.sp
	if sp.m == nil {
		// M = 0: the rank-one terms vanish.
		cp := *sp
		cp.mt = nil // the m terms of pairSums vanish
		sp = &cp
	}
	if !(qbar > 0) || !(q > -1) {
		return math.Inf(1), math.NaN(), math.NaN()
	}
	dqbar, dq = sp.gradPair(m.Net, qbar, q)
	return sp.actionPair(m.Net, qbar, q), dqbar, dq
}

// NNGP returns the infinite-width model (Q = 1, or Qbar = 1 and Q = 0 for
// activations that are not odd) sharing m's tridiagonal reduction of the
// kernel; its first prediction makes its own Cholesky factorization of G.
func (m *Model) NNGP() *Model {
	if m.odd() {
		return m.fixed(0, 1)
	}
	return m.fixed(1, 0)
}

// fixed returns a model sharing m's tridiagonal reduction at the given order
// parameters.
func (m *Model) fixed(qbar, q float64) *Model {
	out := &Model{Net: m.Net, Q: q, Qbar: qbar, Converged: true, settings: m.settings, sp: m.sp, fac: &factorCache{}, shape: &shapeCache{}, tilted: &tiltedCache{}, metric: &metricCache{}, cumulant: &cumulantCache{}}
	out.Timing = Timing{Kernel: m.Timing.Kernel, Decompose: m.Timing.Decompose}
	if m.odd() {
		out.Action = m.sp.actionOdd(m.Net, q)
		out.Residual = math.Abs(m.sp.gradOdd(m.Net, q))
	} else {
		out.Action = m.sp.actionPair(m.Net, qbar, q)
		a, b := m.sp.gradPair(m.Net, qbar, q)
		out.Residual = math.Max(math.Abs(a), math.Abs(b))
	}
	return out
}
