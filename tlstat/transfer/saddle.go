package transfer

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
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
	// Action is S_1 at Q.
	Action float64
	// Converged reports |grad S_1| <= Settings.Tol; Residual is |grad S_1|
	// (Euclidean norm) and Iterations the Newton iterations of the last solve.
	// For models at fixed order parameters (At) Converged is false and
	// Residual is the gradient norm at that point.
	Converged  bool
	Residual   float64
	Iterations int

	c  *Coupled
	st *state
}

// ConvergenceError reports a saddle-point solve that did not reach the
// tolerance. The partial result is returned alongside it.
type ConvergenceError struct {
	Gamma      float64
	Residual   float64
	Iterations int
	Q          Order
	Reason     string
}

func (e *ConvergenceError) Error() string {
	return fmt.Sprintf("transfer: saddle point not converged at gamma = %v after %d iterations: residual |grad S_1| = %.3g at (q_t, q_st, q_tt) = (%.6g, %.6g, %.6g) (%s)",
		e.Gamma, e.Iterations, e.Residual, e.Q.T, e.Q.ST, e.Q.TT, e.Reason)
}

func norm3(g [3]float64) float64 { return math.Sqrt(g[0]*g[0] + g[1]*g[1] + g[2]*g[2]) }

// toX maps (q_t, q_st, q_tt) to the unconstrained Newton variables
// (log(q_t − q_tt), q_st, q_tt).
func toX(q Order) [3]float64 { return [3]float64{math.Log(q.T - q.TT), q.ST, q.TT} }

func fromX(x [3]float64) Order { return Order{T: x[2] + math.Exp(x[0]), ST: x[1], TT: x[2]} }

// Solve finds a root of grad S_1 starting from start (which must satisfy
// q_t > q_tt with D positive definite) by damped Newton iterations in the
// variables (log(q_t − q_tt), q_st, q_tt) with a forward-difference Jacobian
// of the analytic gradient and backtracking on |grad S_1|. S_1 is a saddle,
// not a minimum, so no minimization is attempted. Without convergence it
// returns the partial Model and a *ConvergenceError naming the residual.
func (c *Coupled) Solve(start Order) (*Model, error) {
	set := c.s.set
	st, err := c.eval(start, true)
	if err != nil {
		return nil, fmt.Errorf("transfer: invalid starting point at gamma = %v: %w", c.gamma, err)
	}
	res := norm3(st.grad)
	x := toX(start)
	it := 0
	reason := "iteration limit"
	for ; res > set.Tol && it < set.MaxIter; it++ {
		// Forward-difference Jacobian of the analytic gradient in x.
		var jac mat.Dense
		jac.ReuseAs(3, 3)
		ok := true
		for j := 0; j < 3; j++ {
			h := 1e-7 * math.Max(1, math.Abs(x[j]))
			xp := x
			xp[j] += h
			sp, err := c.eval(fromX(xp), true)
			if err != nil {
				xp[j] = x[j] - h
				h = -h
				if sp, err = c.eval(fromX(xp), true); err != nil {
					ok = false
					break
				}
			}
			for i := 0; i < 3; i++ {
				jac.Set(i, j, (sp.grad[i]-st.grad[i])/h)
			}
		}
		if !ok {
			reason = "Jacobian step left the domain"
			break
		}
		var dx mat.VecDense
		if err := dx.SolveVec(&jac, mat.NewVecDense(3, []float64{-st.grad[0], -st.grad[1], -st.grad[2]})); err != nil {
			if _, cond := err.(mat.Condition); !cond {
				reason = "singular Jacobian"
				break
			}
		}
		step := [3]float64{dx.AtVec(0), dx.AtVec(1), dx.AtVec(2)}
		if s := math.Abs(step[0]); s > 2 { // at most a factor e² in q_t − q_tt per step
			for i := range step {
				step[i] *= 2 / s
			}
		}
		accepted := false
		for alpha := 1.0; alpha > 1e-10; alpha /= 2 {
			xn := [3]float64{x[0] + alpha*step[0], x[1] + alpha*step[1], x[2] + alpha*step[2]}
			sn, err := c.eval(fromX(xn), true)
			if err != nil {
				var de errDomain
				if errors.As(err, &de) {
					continue
				}
				return nil, err
			}
			if rn := norm3(sn.grad); rn < (1-1e-4*alpha)*res || rn <= set.Tol {
				x, st, res, accepted = xn, sn, rn, true
				break
			}
		}
		if !accepted {
			reason = "line search failed"
			it++
			break
		}
	}
	m := &Model{Gamma: c.gamma, Cov: c.cov, Q: st.q, QSource: c.src.qs, Action: st.s1,
		Converged: res <= set.Tol, Residual: res, Iterations: it, c: c, st: st}
	if !m.Converged {
		return m, &ConvergenceError{Gamma: c.gamma, Residual: res, Iterations: it, Q: st.q, Reason: reason}
	}
	return m, nil
}

// At returns the Model at fixed order parameters q (no solve), e.g. the
// infinite-width point (1, 0, 0). Converged is false and Residual is
// |grad S_1| at q.
func (c *Coupled) At(q Order) (*Model, error) {
	st, err := c.eval(q, true)
	if err != nil {
		return nil, err
	}
	return &Model{Gamma: c.gamma, Cov: c.cov, Q: q, QSource: c.src.qs, Action: st.s1,
		Residual: norm3(st.grad), c: c, st: st}, nil
}

// Fit solves the target saddle at coupling gamma by continuation from the
// exact gamma = 0 solution (q_t^scratch, 0, 0): a direct Newton solve from the
// previous solution, subdividing the step in log gamma when it fails.
func (s *Solver) Fit(gamma float64) (*Model, error) {
	if err := checkGamma(gamma); err != nil {
		return nil, err
	}
	return s.continueFrom(s.scratch, gamma)
}

// continueFrom solves at gamma starting from the solution prev.
func (s *Solver) continueFrom(prev *Model, gamma float64) (*Model, error) {
	if prev == nil {
		return nil, fmt.Errorf("transfer: no scratch solution to continue from")
	}
	if gamma == prev.Gamma {
		return prev, nil
	}
	return s.continueRec(prev, gamma, 0)
}

func (s *Solver) continueRec(prev *Model, gamma float64, depth int) (*Model, error) {
	c, err := s.Couple(gamma)
	if err != nil {
		return nil, err
	}
	m, err := c.Solve(prev.Q)
	if err == nil {
		return m, nil
	}
	if depth >= s.set.MaxHalvings {
		return m, err
	}
	var mid float64
	switch {
	case prev.Gamma == 0 && math.IsInf(gamma, 1):
		mid = 1e3 * s.prob.Net.Lambda0
	case prev.Gamma == 0:
		mid = gamma / 16
	case math.IsInf(gamma, 1):
		mid = prev.Gamma * 16
	default:
		mid = math.Sqrt(prev.Gamma * gamma)
	}
	if mid == prev.Gamma || mid == gamma {
		return m, err
	}
	mm, err := s.continueRec(prev, mid, depth+1)
	if err != nil {
		return mm, err
	}
	return s.continueRec(mm, gamma, depth+1)
}

// ReadoutNorm returns <|v_t|²>/N = q_t/lambda1.
func (m *Model) ReadoutNorm() float64 { return m.Q.T / m.c.s.prob.Net.Lambda1 }

// Overlap returns <v_s·v_t>/N = q_st/lambda1.
func (m *Model) Overlap() float64 { return m.Q.ST / m.c.s.prob.Net.Lambda1 }
