package rkgp

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// The minimization of the multi-output action: the Cholesky parametrization
// Q = L Lᵀ that BFGS works in, and the Newton polish on ∇S = 0.

// cholFactor returns the lower triangular L of the parameters x: its lower
// triangle row by row, the diagonal entries as logarithms.
func cholFactor(x []float64, d int) *mat.TriDense {
	l := mat.NewTriDense(d, mat.Lower, nil)
	k := 0
	for r := range d {
		for c := 0; c <= r; c++ {
			v := x[k]
			if r == c {
				v = math.Exp(v)
			}
			l.SetTri(r, c, v)
			k++
		}
	}
	return l
}

// cholParam returns Q = L Lᵀ for the parameters x (cholFactor).
func cholParam(x []float64, d int) *mat.SymDense {
	q := mat.NewSymDense(d, nil)
	q.SymOuterK(1, cholFactor(x, d))
	return q
}

// cholGrad stores in g the gradient of S with respect to the parameters x
// of cholParam, from ∇S at Q: dS/dL = 2 ∇S L (lower triangle), times L_ii
// for the logarithmic diagonal.
func cholGrad(g, x []float64, grad *mat.SymDense, d int) {
	l := cholFactor(x, d)
	var gl mat.Dense
	gl.Mul(grad, l)
	k := 0
	for r := range d {
		for c := 0; c <= r; c++ {
			v := 2 * gl.At(r, c)
			if r == c {
				v *= l.At(r, r)
			}
			g[k] = v
			k++
		}
	}
}

// polish refines q by Newton's method on the D(D+1)/2 independent entries
// of ∇S(Q) = 0, with the Jacobian from central differences of the analytic
// gradient, for at most iters steps or until |∇S| < tol; a step that would
// leave the positive definite matrices or raise |∇S| ends it.
func (m *MultiModel) polish(q *mat.SymDense, tol float64, iters int) *mat.SymDense {
	d, _ := q.Dims()
	n := d * (d + 1) / 2
	var rows, cols []int // the entry of every unknown
	for r := range d {
		for c := r; c < d; c++ {
			rows, cols = append(rows, r), append(cols, c)
		}
	}
	flat := func(g *mat.SymDense) *mat.VecDense {
		v := mat.NewVecDense(n, nil)
		k := 0
		for r := range d {
			for c := r; c < d; c++ {
				v.SetVec(k, g.At(r, c))
				k++
			}
		}
		return v
	}
	moved := func(q *mat.SymDense, dv *mat.VecDense, scale float64) *mat.SymDense {
		out := mat.NewSymDense(d, nil)
		out.CopySym(q)
		k := 0
		for r := range d {
			for c := r; c < d; c++ {
				out.SetSym(r, c, out.At(r, c)+scale*dv.AtVec(k))
				k++
			}
		}
		return out
	}
	_, grad, ok := m.evaluate(q)
	if !ok {
		return q
	}
	for range iters {
		res := maxAbs(grad)
		if res < tol {
			break
		}
		jac := mat.NewDense(n, n, nil)
		for k := range n {
			e := mat.NewVecDense(n, nil)
			e.SetVec(k, 1)
			h := 1e-6 * math.Max(1, math.Abs(q.At(rows[k], cols[k])))
			_, gp, ok1 := m.evaluate(moved(q, e, h))
			_, gm, ok2 := m.evaluate(moved(q, e, -h))
			if !ok1 || !ok2 {
				return q
			}
			col := flat(gp)
			col.SubVec(col, flat(gm))
			col.ScaleVec(1/(2*h), col)
			jac.SetCol(k, col.RawVector().Data)
		}
		var step mat.VecDense
		if err := step.SolveVec(jac, flat(grad)); err != nil {
			return q
		}
		next := moved(q, &step, -1)
		_, g2, ok := m.evaluate(next)
		if !ok || maxAbs(g2) >= res {
			return q
		}
		q, grad = next, g2
	}
	return q
}
