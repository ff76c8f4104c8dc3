package transfer

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// The mean-mode saddle is a root of the six-component gradient of S_1 in
// (q_t, q_st, q_tt, ĉ_t, ĉ_st, ĉ_tt), found by the same damped quasi-Newton
// iterations as the odd theory's (Coupled.Solve), in the unconstrained
// variables (log(q_t − q_tt), q_st, q_tt, log(ĉ_t − ĉ_tt), ĉ_st, ĉ_tt).

func norm6(g [6]float64) float64 {
	var s float64
	for _, v := range g {
		s += v * v
	}
	return math.Sqrt(s)
}

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

// jacobianMean returns the forward-difference Jacobian of the gradient in
// x at st, or false if every probe leaves the domain.
func (c *Coupled) jacobianMean(x [6]float64, st *mstate, evals *int) ([6][6]float64, bool) {
	var jac [6][6]float64
	for j := 0; j < 6; j++ {
		h := 1e-7 * math.Max(1, math.Abs(x[j]))
		xp := x
		xp[j] += h
		sp, err := c.evalX(xp)
		*evals++
		if err != nil {
			xp[j] = x[j] - h
			h = -h
			*evals++
			if sp, err = c.evalX(xp); err != nil {
				return jac, false
			}
		}
		for i := 0; i < 6; i++ {
			jac[i][j] = (sp.grad[i] - st.grad[i]) / h
		}
	}
	return jac, true
}

// newtonStep6 solves jac·dx = −g.
func newtonStep6(jac [6][6]float64, g [6]float64) ([6]float64, bool) {
	a := mat.NewDense(6, 6, nil)
	b := mat.NewVecDense(6, nil)
	for i := 0; i < 6; i++ {
		for j := 0; j < 6; j++ {
			a.Set(i, j, jac[i][j])
		}
		b.SetVec(i, -g[i])
	}
	var dx mat.VecDense
	var out [6]float64
	if err := dx.SolveVec(a, b); err != nil {
		if _, cond := err.(mat.Condition); !cond {
			return out, false
		}
	}
	for i := range out {
		out[i] = dx.AtVec(i)
		if math.IsNaN(out[i]) || math.IsInf(out[i], 0) {
			return out, false
		}
	}
	return out, true
}

// SolveMean finds a root of the gradient of the mean-mode action
// (ActionMean) from (q, ĉ), as Solve does for the odd theory. Without
// convergence it returns the partial Model and a *ConvergenceError.
func (c *Coupled) SolveMean(q Order, cm MeanOrder) (*Model, error) {
	c.ensureMean()
	return c.solveMean(q, cm, nil)
}

func (c *Coupled) solveMean(start Order, startC MeanOrder, jac0 *[6][6]float64) (*Model, error) {
	set := c.s.set
	x := toX6(start, startC)
	st, err := c.evalX(x)
	if err != nil {
		return nil, fmt.Errorf("transfer: invalid starting point at gamma = %v: %w", c.gamma, err)
	}
	res := norm6(st.grad)
	it, evals := 0, 1
	reason := "iteration limit"
	var jac [6][6]float64
	haveJac, fresh := false, false
	if jac0 != nil {
		jac, haveJac = *jac0, true
	}
	for ; res > set.Tol && it < set.MaxIter; it++ {
		if !haveJac {
			var ok bool
			if jac, ok = c.jacobianMean(x, st, &evals); !ok {
				reason = "Jacobian step left the domain"
				break
			}
			haveJac, fresh = true, true
		}
		step, ok := newtonStep6(jac, st.grad)
		if !ok {
			if !fresh {
				haveJac = false
				continue
			}
			reason = "singular Jacobian"
			break
		}
		if s := math.Max(math.Abs(step[0]), math.Abs(step[3])); s > 2 { // at most a factor e² in a difference per step
			for i := range step {
				step[i] *= 2 / s
			}
		}
		var sn *mstate
		var xn [6]float64
		for alpha := 1.0; alpha > 1e-10; alpha /= 2 {
			var xt [6]float64
			for i := range xt {
				xt[i] = x[i] + alpha*step[i]
			}
			s2, err := c.evalX(xt)
			evals++
			if err != nil {
				var de errDomain
				if errors.As(err, &de) {
					continue
				}
				return nil, err
			}
			if rn := norm6(s2.grad); rn < (1-1e-4*alpha)*res || rn <= set.Tol {
				sn, xn = s2, xt
				break
			}
			if !fresh && alpha < 0.2 {
				break
			}
		}
		if sn == nil {
			if !fresh {
				haveJac = false
				continue
			}
			reason = "line search failed"
			it++
			break
		}
		// Broyden update J += (Δg − J Δx) Δxᵀ / |Δx|².
		var dxv, dg [6]float64
		var nn float64
		for i := 0; i < 6; i++ {
			dxv[i] = xn[i] - x[i]
			dg[i] = sn.grad[i] - st.grad[i]
			nn += dxv[i] * dxv[i]
		}
		if nn > 0 {
			for i := 0; i < 6; i++ {
				r := dg[i]
				for j := 0; j < 6; j++ {
					r -= jac[i][j] * dxv[j]
				}
				for j := 0; j < 6; j++ {
					jac[i][j] += r * dxv[j] / nn
				}
			}
		}
		rn := norm6(sn.grad)
		fresh = false
		if rn > 0.5*res {
			haveJac = false
		}
		x, st, res = xn, sn, rn
	}
	converged := res <= set.Tol || (reason == "line search failed" && res <= set.FloorTol)
	m := c.meanModel(st)
	m.Converged, m.Residual, m.Iterations, m.Evaluations = converged, res, it, evals
	if haveJac {
		m.jac6, m.hasJac = jac, true
	}
	if !m.Converged {
		return m, &ConvergenceError{Gamma: c.gamma, Residual: res, Iterations: it, Q: st.q, Mean: st.cm, Reason: reason}
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
		m.Residual = norm6(st.grad)
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
