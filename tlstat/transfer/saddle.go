package transfer

import (
	"fmt"
	"math"
)

// Model is the target network's theory at one coupling: order parameters,
// solver diagnostics and the factorizations needed for predictions.
type Model struct {
	// Gamma is the coupling strength and Cov the covariances it induces.
	Gamma float64
	Cov   Covariances
	// Q holds (q_t, q_st, q_tt); QSource is q_s.
	Q       Order
	QSource float64
	// Mean holds (ĉ_t, ĉ_st, ĉ_tt) and MeanSource ĉ_s, the mean-mode order
	// parameters of activations that are not odd (zero for odd ones).
	Mean       MeanOrder
	MeanSource float64
	// Action is S_1 at Q.
	Action float64
	// Converged reports |grad S_1| <= Settings.Tol (or <= Settings.FloorTol
	// at the rounding floor, where no step lowers it); Residual is |grad S_1|
	// (Euclidean norm) and Iterations the Newton iterations of the last solve.
	// For models at fixed order parameters (At) Converged is false and
	// Residual is the gradient norm at that point.
	Converged  bool
	Residual   float64
	Iterations int
	// Evaluations counts the evaluations of S_1 and its gradient (each one
	// Cholesky factorization of D) spent by the solve, finite differences
	// and line searches included.
	Evaluations int

	c   *Coupled
	st  *state
	mst *mstate // the mean-mode theory's state (instead of st)
	// jac is the last Jacobian in the Newton variables (3×3, or 6×6 for the
	// mean-mode theory), reused by continuation; nil if none.
	jac [][]float64
}

// ConvergenceError reports a saddle-point solve that did not reach the
// tolerance. The partial result is returned alongside it.
type ConvergenceError struct {
	// Gamma is the coupling of the failed solve.
	Gamma float64
	// Residual is |grad S_1| at the last iterate Q after Iterations steps.
	Residual   float64
	Iterations int
	Q          Order
	// Mean is the last iterate's (ĉ_t, ĉ_st, ĉ_tt) of the mean-mode theory
	// (zero for odd activations).
	Mean MeanOrder
	// Reason is "iteration limit", "line search failed", "singular Jacobian"
	// or "Jacobian step left the domain".
	Reason string
}

// Error names gamma, the residual, the iterate and the reason.
func (e *ConvergenceError) Error() string {
	if e.Mean != (MeanOrder{}) {
		return fmt.Sprintf("transfer: saddle point not converged at gamma = %v after %d iterations: residual |grad S_1| = %.3g at (q_t, q_st, q_tt) = (%.6g, %.6g, %.6g), (ĉ_t, ĉ_st, ĉ_tt) = (%.6g, %.6g, %.6g) (%s)",
			e.Gamma, e.Iterations, e.Residual, e.Q.T, e.Q.ST, e.Q.TT, e.Mean.T, e.Mean.ST, e.Mean.TT, e.Reason)
	}
	return fmt.Sprintf("transfer: saddle point not converged at gamma = %v after %d iterations: residual |grad S_1| = %.3g at (q_t, q_st, q_tt) = (%.6g, %.6g, %.6g) (%s)",
		e.Gamma, e.Iterations, e.Residual, e.Q.T, e.Q.ST, e.Q.TT, e.Reason)
}

func norm3(g [3]float64) float64 { return vecNorm(g[:]) }

// toX maps (q_t, q_st, q_tt) to the unconstrained Newton variables
// (log(q_t − q_tt), q_st, q_tt).
func toX(q Order) [3]float64 { return [3]float64{math.Log(q.T - q.TT), q.ST, q.TT} }

func fromX(x [3]float64) Order { return Order{T: x[2] + math.Exp(x[0]), ST: x[1], TT: x[2]} }

// Solve finds a root of grad S_1 starting from start (which must satisfy
// q_t > q_tt with D positive definite) by damped quasi-Newton iterations in
// the variables (log(q_t − q_tt), q_st, q_tt): the Jacobian of the analytic
// gradient is taken by forward differences, then kept up to date by
// Broyden's rank-one updates and recomputed whenever a step fails or
// stalls; steps are backtracked on |grad S_1|. S_1 is a saddle, not a
// minimum, so no minimization is attempted. Without convergence it returns
// the partial Model and a *ConvergenceError naming the residual.
func (c *Coupled) Solve(start Order) (*Model, error) { return c.solve(start, nil) }

// solve runs the iterations from start; jac0, if not nil, is an initial
// Jacobian in x (e.g. from the previous coupling of a continuation).
func (c *Coupled) solve(start Order, jac0 [][]float64) (*Model, error) {
	st, err := c.eval(start, true)
	if err != nil {
		return nil, fmt.Errorf("transfer: invalid starting point at gamma = %v: %w", c.gamma, err)
	}
	sys := newtonSystem[*state]{
		eval: func(x []float64) (*state, error) { return c.eval(fromX([3]float64(x)), true) },
		grad: func(st *state) []float64 { return st.grad[:] },
		// at most a factor e² in q_t − q_tt per step
		logVars: []int{0},
	}
	x := toX(start)
	r, err := newtonSolve(sys, c.s.set, x[:], st, jac0)
	if err != nil {
		return nil, err
	}
	st = r.st
	m := &Model{Gamma: c.gamma, Cov: c.cov, Q: st.q, QSource: c.src.qs, Action: st.s1,
		Converged: r.converged, Residual: r.res, Iterations: r.iterations, Evaluations: r.evals, c: c, st: st, jac: r.jac}
	if !m.Converged {
		return m, &ConvergenceError{Gamma: c.gamma, Residual: r.res, Iterations: r.iterations, Q: st.q, Reason: r.reason}
	}
	return m, nil
}

// At returns the Model at fixed order parameters q (no solve), e.g. the
// infinite-width point (1, 0, 0). Converged is false and Residual is
// |grad S_1| at q.
//
// For activations that are not odd the mean-mode parameters are set to
// ĉ = q (their saddle relation when the mean terms vanish); AtMean sets
// them independently.
func (c *Coupled) At(q Order) (*Model, error) {
	if c.s.mean {
		return c.atMean(q, MeanOrder(q), true)
	}
	return c.at(q, true)
}

// at is At; without withGrad the gradient products are skipped and Residual
// is NaN (for baselines whose residual is not reported).
func (c *Coupled) at(q Order, withGrad bool) (*Model, error) {
	st, err := c.eval(q, withGrad)
	if err != nil {
		return nil, err
	}
	res := math.NaN()
	if withGrad {
		res = norm3(st.grad)
	}
	return &Model{Gamma: c.gamma, Cov: c.cov, Q: q, QSource: c.src.qs, Action: st.s1,
		Residual: res, c: c, st: st}, nil
}

// Fit solves the target saddle at coupling gamma by continuation from the
// exact gamma = 0 solution (q_t^scratch, 0, 0): a direct solve from the
// previous solution, subdividing the step in log gamma when it fails. If the
// solve fails it returns the partial Model of the last coupling attempted
// (its Gamma may lie before gamma on the path) and an error wrapping a
// *ConvergenceError.
func (s *Solver) Fit(gamma float64) (*Model, error) {
	if err := checkGamma(gamma); err != nil {
		return nil, err
	}
	m, err := s.continueFrom(s.scratch, gamma)
	if err != nil && m != nil && m.Gamma != gamma {
		err = fmt.Errorf("transfer: continuation towards gamma = %v stopped: %w", gamma, err)
	}
	return m, err
}

// continueFrom solves at gamma starting from the solution prev.
func (s *Solver) continueFrom(prev *Model, gamma float64) (*Model, error) {
	if prev == nil {
		return nil, fmt.Errorf("transfer: no scratch solution to continue from")
	}
	if gamma == prev.Gamma && prev.c != nil {
		return prev, nil
	}
	return s.continueRec(prev, gamma, 0)
}

// seed returns the part of m that a continuation starts from (coupling,
// order parameters, last Jacobian), without m's kernels and state: a
// continuation from it to its own coupling solves there again.
func (m *Model) seed() *Model {
	return &Model{Gamma: m.Gamma, Q: m.Q, Mean: m.Mean, jac: m.jac}
}

func (s *Solver) continueRec(prev *Model, gamma float64, depth int) (*Model, error) {
	c, err := s.Couple(gamma)
	if err != nil {
		return nil, err
	}
	var m *Model
	if s.mean {
		m, err = c.solveMean(prev.Q, prev.Mean, prev.jac)
	} else {
		m, err = c.solve(prev.Q, prev.jac)
	}
	if err == nil {
		return m, nil
	}
	if depth >= s.set.MaxHalvings {
		return m, err
	}
	mid := midCoupling(prev.Gamma, gamma, s.prob.Net.Lambda0)
	if mid == prev.Gamma || mid == gamma {
		return m, err
	}
	mm, err := s.continueRec(prev, mid, depth+1)
	if err != nil {
		return mm, err
	}
	return s.continueRec(mm, gamma, depth+1)
}

// midCoupling returns the coupling at which a continuation from prev to
// gamma that failed is split: the geometric mean of the two, or, from
// prev = 0 or to gamma = +Inf where that is not finite, a factor 16 into
// the interval (1e3 lambda0 when both ends are degenerate).
func midCoupling(prev, gamma, lambda0 float64) float64 {
	switch {
	case prev == 0 && math.IsInf(gamma, 1):
		return 1e3 * lambda0
	case prev == 0:
		return gamma / 16
	case math.IsInf(gamma, 1):
		return prev * 16
	default:
		return math.Sqrt(prev * gamma)
	}
}

// ReadoutNorm returns <|v_t|²>/N = q_t/lambda1.
func (m *Model) ReadoutNorm() float64 { return m.Q.T / m.c.s.prob.Net.Lambda1 }

// Overlap returns <v_s·v_t>/N = q_st/lambda1.
func (m *Model) Overlap() float64 { return m.Q.ST / m.c.s.prob.Net.Lambda1 }
