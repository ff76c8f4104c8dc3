package transfer

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"
)

// newtonSystem is a gradient whose root the damped quasi-Newton iterations
// of newtonSolve find, in unconstrained variables x. S is the evaluated
// state (the odd theory's *state or the mean-mode theory's *mstate).
type newtonSystem[S any] struct {
	// eval evaluates the state at x; an errDomain error rejects x.
	eval func(x []float64) (S, error)
	// grad returns the gradient held by a state.
	grad func(S) []float64
	// logVars are the indices of the variables log(a − b) whose step is
	// capped at 2 (at most a factor e² in a − b per step).
	logVars []int
}

// newtonResult is the last iterate of newtonSolve.
type newtonResult[S any] struct {
	st         S
	res        float64 // |grad| at st
	iterations int
	evals      int         // evaluations of the state, the starting one included
	jac        [][]float64 // last Jacobian in x, nil if none
	reason     string      // why the iterations stopped short of Tol
	converged  bool
}

// vecNorm returns the Euclidean norm of g, summed in index order.
func vecNorm(g []float64) float64 {
	var s float64
	for _, v := range g {
		s += v * v
	}
	return math.Sqrt(s)
}

// newtonSolve finds a root of sys's gradient from x, where st is the state
// at x, by damped quasi-Newton iterations: the Jacobian of the gradient is
// taken by forward differences (or starts as a copy of jac0, if not nil),
// then kept up to date by Broyden's rank-one updates and recomputed
// whenever a step fails or stalls; steps are backtracked on |grad|. A
// non-domain error of sys.eval is returned as is.
func newtonSolve[S any](sys newtonSystem[S], set Settings, x []float64, st S, jac0 [][]float64) (newtonResult[S], error) {
	n := len(x)
	x = append([]float64(nil), x...)
	res := vecNorm(sys.grad(st))
	it, evals := 0, 1
	reason := "iteration limit"
	var jac [][]float64
	haveJac, fresh := false, false
	if jac0 != nil {
		jac, haveJac = make([][]float64, n), true
		for i := range jac {
			jac[i] = append([]float64(nil), jac0[i]...)
		}
	}
	xt := make([]float64, n)
	for ; res > set.Tol && it < set.MaxIter; it++ {
		if !haveJac {
			var ok bool
			if jac, ok = jacobianFD(sys, x, st, &evals); !ok {
				reason = "Jacobian step left the domain"
				break
			}
			haveJac, fresh = true, true
		}
		step, ok := newtonStep(jac, sys.grad(st))
		if !ok {
			if !fresh {
				haveJac = false
				continue
			}
			reason = "singular Jacobian"
			break
		}
		var s float64
		for _, k := range sys.logVars {
			s = math.Max(s, math.Abs(step[k]))
		}
		if s > 2 {
			for i := range step {
				step[i] *= 2 / s
			}
		}
		var sn S
		found := false
		for alpha := 1.0; alpha > 1e-10; alpha /= 2 {
			for i := range xt {
				xt[i] = x[i] + alpha*step[i]
			}
			s2, err := sys.eval(xt)
			evals++
			if err != nil {
				var de errDomain
				if errors.As(err, &de) {
					continue
				}
				return newtonResult[S]{}, err
			}
			if rn := vecNorm(sys.grad(s2)); rn < (1-1e-4*alpha)*res || rn <= set.Tol {
				sn, found = s2, true
				break
			}
			if !fresh && alpha < 0.2 {
				break // a stale Jacobian: refresh it rather than creep
			}
		}
		if !found {
			if !fresh {
				haveJac = false
				continue
			}
			reason = "line search failed"
			it++
			break
		}
		// Broyden update J += (Δg − J Δx) Δxᵀ / |Δx|².
		g, gn := sys.grad(st), sys.grad(sn)
		dxv, dg := make([]float64, n), make([]float64, n)
		var nn float64
		for i := 0; i < n; i++ {
			dxv[i] = xt[i] - x[i]
			dg[i] = gn[i] - g[i]
			nn += dxv[i] * dxv[i]
		}
		if nn > 0 {
			for i := 0; i < n; i++ {
				r := dg[i]
				for j := 0; j < n; j++ {
					r -= jac[i][j] * dxv[j]
				}
				for j := 0; j < n; j++ {
					jac[i][j] += r * dxv[j] / nn
				}
			}
		}
		rn := vecNorm(gn)
		fresh = false
		if rn > 0.5*res {
			haveJac = false // slow progress: recompute the Jacobian
		}
		copy(x, xt)
		st, res = sn, rn
	}
	out := newtonResult[S]{st: st, res: res, iterations: it, evals: evals, reason: reason,
		converged: res <= set.Tol || (reason == "line search failed" && res <= set.FloorTol)}
	if haveJac {
		out.jac = jac
	}
	return out, nil
}

// jacobianFD returns the forward-difference Jacobian of sys's gradient in x
// at st, or false if every probe leaves the domain.
func jacobianFD[S any](sys newtonSystem[S], x []float64, st S, evals *int) ([][]float64, bool) {
	n := len(x)
	g := sys.grad(st)
	jac := make([][]float64, n)
	for i := range jac {
		jac[i] = make([]float64, n)
	}
	xp := make([]float64, n)
	for j := 0; j < n; j++ {
		h := 1e-7 * math.Max(1, math.Abs(x[j]))
		copy(xp, x)
		xp[j] += h
		sp, err := sys.eval(xp)
		*evals++
		if err != nil {
			xp[j] = x[j] - h
			h = -h
			*evals++
			if sp, err = sys.eval(xp); err != nil {
				return jac, false
			}
		}
		gp := sys.grad(sp)
		for i := 0; i < n; i++ {
			jac[i][j] = (gp[i] - g[i]) / h
		}
	}
	return jac, true
}

// newtonStep solves jac·dx = −g.
func newtonStep(jac [][]float64, g []float64) ([]float64, bool) {
	n := len(g)
	a := mat.NewDense(n, n, nil)
	b := mat.NewVecDense(n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a.Set(i, j, jac[i][j])
		}
		b.SetVec(i, -g[i])
	}
	var dx mat.VecDense
	if err := dx.SolveVec(a, b); err != nil {
		if _, cond := err.(mat.Condition); !cond {
			return nil, false
		}
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = dx.AtVec(i)
		if math.IsNaN(out[i]) || math.IsInf(out[i], 0) {
			return out, false
		}
	}
	return out, true
}
