package transfer

import (
	"fmt"
	"math"
)

// The mean-mode saddle is a root of the six-component gradient of S_1 in
// (q_t, q_st, q_tt, ĉ_t, ĉ_st, ĉ_tt), found by the same damped quasi-Newton
// iterations as the odd theory's (Coupled.Solve), in the unconstrained
// variables (log(q_t − q_tt), q_st, q_tt, log(ĉ_t − ĉ_tt), ĉ_st, ĉ_tt).

func toX6(q Order, cm MeanOrder) [6]float64 {
	return [6]float64{math.Log(q.T - q.TT), q.ST, q.TT, math.Log(cm.T - cm.TT), cm.ST, cm.TT}
}

func fromX6(x [6]float64) (Order, MeanOrder) {
	return Order{T: x[2] + math.Exp(x[0]), ST: x[1], TT: x[2]}, MeanOrder{T: x[5] + math.Exp(x[3]), ST: x[4], TT: x[5]}
}

// evalX evaluates the state at the Newton variables x.
func (c *Coupled) evalX(x [6]float64) (*mstate, error) {
	q, cm := fromX6(x)
	return c.evalMean(q, cm, true)
}

// SolveMean finds a root of the gradient of the mean-mode action
// (ActionMean) from (q, ĉ), as Solve does for the odd theory. Without
// convergence it returns the partial Model and a *ConvergenceError.
func (c *Coupled) SolveMean(q Order, cm MeanOrder) (*Model, error) {
	c.ensureMean()
	return c.solveMean(q, cm, nil)
}

func (c *Coupled) solveMean(start Order, startC MeanOrder, jac0 [][]float64) (*Model, error) {
	x := toX6(start, startC)
	st, err := c.evalX(x)
	if err != nil {
		return nil, fmt.Errorf("transfer: invalid starting point at gamma = %v: %w", c.gamma, err)
	}
	sys := newtonSystem[*mstate]{
		eval: func(x []float64) (*mstate, error) { return c.evalX([6]float64(x)) },
		grad: func(st *mstate) []float64 { return st.grad[:] },
		// at most a factor e² in q_t − q_tt and in ĉ_t − ĉ_tt per step
		logVars: []int{0, 3},
	}
	r, err := newtonSolve(sys, c.s.set, x[:], st, jac0)
	if err != nil {
		return nil, err
	}
	st = r.st
	m := c.meanModel(st)
	m.Converged, m.Residual, m.Iterations, m.Evaluations, m.jac = r.converged, r.res, r.iterations, r.evals, r.jac
	if !m.Converged {
		return m, &ConvergenceError{Gamma: c.gamma, Residual: r.res, Iterations: r.iterations, Q: st.q, Mean: st.cm, Reason: r.reason}
	}
	return m, nil
}

// meanModel wraps a mean-mode state in a Model.
func (c *Coupled) meanModel(st *mstate) *Model {
	return &Model{Gamma: c.gamma, Cov: c.cov, Q: st.q, Mean: st.cm, QSource: c.src.qs, MeanSource: c.mean.sourceMean,
		Action: st.s1, c: c, mst: st}
}

// atMean is At for the mean-mode theory.
func (c *Coupled) atMean(q Order, cm MeanOrder, withGrad bool) (*Model, error) {
	st, err := c.evalMean(q, cm, withGrad)
	if err != nil {
		return nil, err
	}
	m := c.meanModel(st)
	m.Residual = math.NaN()
	if withGrad {
		m.Residual = vecNorm(st.grad[:])
	}
	return m, nil
}

// AtMean returns the mean-mode Model at fixed order parameters (no solve),
// e.g. the infinite-width point q = ĉ = (1, 0, 0). Converged is false and
// Residual is the gradient norm at that point.
func (c *Coupled) AtMean(q Order, cm MeanOrder) (*Model, error) {
	c.ensureMean()
	return c.atMean(q, cm, true)
}
