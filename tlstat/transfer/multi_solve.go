package transfer

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// MultiModel is the multi-output target theory at one coupling.
type MultiModel struct {
	// Gamma is the coupling and Cov the covariances it induces.
	Gamma float64
	Cov   Covariances
	// Q holds (Q_t, Q_st, Q_tt); QSource is Q_s.
	Q       MultiOrder
	QSource *mat.SymDense
	// Action is S_1 at Q.
	Action float64
	// Converged reports a Euclidean norm of the gradient (over the
	// independent entries) at most Settings.Tol, or at most
	// Settings.FloorTol when no step lowers it further; Residual is that
	// norm and Iterations the Newton steps of the last solve. Models at
	// fixed order parameters (At) have Converged false.
	Converged  bool
	Residual   float64
	Iterations int

	c  *MultiCoupled
	st *multiState
}

// MultiConvergenceError reports a multi-output saddle-point solve that did
// not reach the tolerance; the partial model is returned alongside it.
type MultiConvergenceError struct {
	// Gamma is the coupling of the failed solve; Residual the gradient norm
	// after Iterations steps.
	Gamma      float64
	Residual   float64
	Iterations int
	// Reason is "iteration limit", "line search failed", "singular
	// Jacobian" or "Jacobian step left the domain".
	Reason string
}

// Error names gamma, the residual and the reason.
func (e *MultiConvergenceError) Error() string {
	return fmt.Sprintf("transfer: multi-output saddle point not converged at gamma = %v after %d iterations: residual |grad S_1| = %.3g (%s)",
		e.Gamma, e.Iterations, e.Residual, e.Reason)
}

// Solve finds a root of the gradient of S_1 from start by damped Newton
// iterations on the independent entries of (Q_t, Q_st, Q_tt), with the
// analytic Jacobian (multi_jacobian.go: one factorization of D per step),
// recomputed every step; steps are backtracked on |∇S_1| and out of the
// domain. S_1 is a saddle, so it is not minimized. Without convergence it
// returns the partial model and a *MultiConvergenceError.
func (c *MultiCoupled) Solve(start MultiOrder) (*MultiModel, error) {
	return c.solve(start, false)
}

// solve is Solve, with the Jacobian from forward differences of the
// analytic gradient (2D² + D evaluations a step) if fdJac.
func (c *MultiCoupled) solve(start MultiOrder, fdJac bool) (*MultiModel, error) {
	set := c.s.set
	d := c.s.nd
	nv := nvars(d)
	st, err := c.eval(start, true)
	if err != nil {
		return nil, fmt.Errorf("transfer: invalid starting point at gamma = %v: %w", c.gamma, err)
	}
	x := start.flatten()
	g := st.flatGrad()
	res := floats.Norm(g, 2)
	it := 0
	reason := "iteration limit"
	for ; res > set.Tol && it < set.MaxIter; it++ {
		var jac *mat.Dense
		if fdJac {
			var ok bool
			if jac, ok = c.jacobianFD(x, g); !ok {
				reason = "Jacobian step left the domain"
				break
			}
		} else if jac, err = c.jacobian(st); err != nil {
			reason = "Jacobian step left the domain"
			break
		}
		var step mat.VecDense
		if err := step.SolveVec(jac, mat.NewVecDense(nv, g)); err != nil {
			if _, cond := err.(mat.Condition); !cond {
				reason = "singular Jacobian"
				break
			}
		}
		var sn *multiState
		var xn []float64
		for alpha := 1.0; alpha > 1e-10; alpha /= 2 {
			xt := make([]float64, nv)
			for i := range xt {
				xt[i] = x[i] - alpha*step.AtVec(i)
			}
			s2, err := c.eval(unflatten(xt, d), true)
			if err != nil {
				var de errDomain
				if errors.As(err, &de) {
					continue
				}
				return nil, err
			}
			if rn := floats.Norm(s2.flatGrad(), 2); rn < (1-1e-4*alpha)*res || rn <= set.Tol {
				sn, xn = s2, xt
				break
			}
		}
		if sn == nil {
			reason = "line search failed"
			it++
			break
		}
		x, st = xn, sn
		g = st.flatGrad()
		res = floats.Norm(g, 2)
	}
	converged := res <= set.Tol || (reason == "line search failed" && res <= set.FloorTol)
	m := &MultiModel{Gamma: c.gamma, Cov: c.cov, Q: st.q, QSource: c.s.qs, Action: st.s1,
		Converged: converged, Residual: res, Iterations: it, c: c, st: st}
	if !converged {
		return m, &MultiConvergenceError{Gamma: c.gamma, Residual: res, Iterations: it, Reason: reason}
	}
	return m, nil
}

// jacobianFD returns the Jacobian of flatGrad at x (gradient g) by forward
// differences, stepping backwards where a forward step leaves the domain;
// false if both do.
func (c *MultiCoupled) jacobianFD(x, g []float64) (*mat.Dense, bool) {
	d := c.s.nd
	nv := len(x)
	jac := mat.NewDense(nv, nv, nil)
	for j := range nv {
		h := 1e-7 * math.Max(1, math.Abs(x[j]))
		xp := append([]float64(nil), x...)
		xp[j] += h
		sp, err := c.eval(unflatten(xp, d), true)
		if err != nil {
			xp[j] = x[j] - h
			h = -h
			if sp, err = c.eval(unflatten(xp, d), true); err != nil {
				return nil, false
			}
		}
		gp := sp.flatGrad()
		for i := range nv {
			jac.Set(i, j, (gp[i]-g[i])/h)
		}
	}
	return jac, true
}

// At returns the model at fixed order parameters q (no solve), e.g. the
// infinite-width point (I, 0, 0); Residual is the gradient norm there.
func (c *MultiCoupled) At(q MultiOrder) (*MultiModel, error) {
	st, err := c.eval(q, true)
	if err != nil {
		return nil, err
	}
	return &MultiModel{Gamma: c.gamma, Cov: c.cov, Q: q, QSource: c.s.qs, Action: st.s1,
		Residual: floats.Norm(st.flatGrad(), 2), c: c, st: st}, nil
}

// Fit solves the target saddle at coupling gamma by continuation from the
// exact gamma = 0 solution, subdividing the path in log gamma when a solve
// fails (as Solver.Fit).
func (s *MultiSolver) Fit(gamma float64) (*MultiModel, error) {
	if err := checkGamma(gamma); err != nil {
		return nil, err
	}
	if s.scratch == nil {
		return nil, fmt.Errorf("transfer: no scratch solution to continue from")
	}
	if gamma == 0 {
		return s.scratch, nil
	}
	m, err := s.continueRec(s.scratch, gamma, 0)
	if err != nil && m != nil && m.Gamma != gamma {
		err = fmt.Errorf("transfer: continuation towards gamma = %v stopped: %w", gamma, err)
	}
	return m, err
}

func (s *MultiSolver) continueRec(prev *MultiModel, gamma float64, depth int) (*MultiModel, error) {
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

// NNGP returns the infinite-width model at this model's coupling: Q_t = I,
// Q_st = Q_tt = 0, the target NNGP with first-layer variance c_tt(gamma).
func (m *MultiModel) NNGP() (*MultiModel, error) {
	d := m.c.s.nd
	id := mat.NewSymDense(d, nil)
	for i := range d {
		id.SetSym(i, i, 1)
	}
	return m.c.At(MultiOrder{T: id, ST: mat.NewDense(d, d, nil), TT: mat.NewSymDense(d, nil)})
}

// ReadoutNorm returns the target's <|v_t,d|²>/N per output, averaged over
// the outputs: tr Q_t/(D lambda1).
func (m *MultiModel) ReadoutNorm() float64 {
	return mat.Trace(m.Q.T) / (float64(m.c.s.nd) * m.c.s.prob.Net.Lambda1)
}

// Overlap returns <v_s,d·v_t,d>/N averaged over the outputs: tr Q_st/(D lambda1).
func (m *MultiModel) Overlap() float64 {
	return mat.Trace(m.Q.ST) / (float64(m.c.s.nd) * m.c.s.prob.Net.Lambda1)
}
