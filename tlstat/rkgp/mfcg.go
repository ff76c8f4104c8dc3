package rkgp

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// cgResult reports a conjugate-gradient solve of G X = B, G = T I + s K.
type cgResult struct {
	// Iterations is the number of iterations (kernel sweeps) of the slowest
	// column.
	Iterations int
	// Residual is the largest true relative residual |b - G x|/|b| over the
	// columns, recomputed with one extra sweep after the iterations.
	Residual float64
}

// cgSolve solves (T I + s K) X = B for every column of B by preconditioned
// conjugate gradients run in lockstep, so that one kernel sweep serves all
// columns. A column stops when its recursive relative residual is below
// tol; the returned Residual is recomputed from scratch. x0, if not nil, is
// the starting point (it is overwritten with the solution); otherwise X
// starts at zero. An error is returned if maxIter iterations do not reach
// tol (with the solution so far) or if a kernel entry is not finite.
func cgSolve(k *mfKernel, pre *precond, t, s float64, b, x0 *mat.Dense, tol float64, maxIter int) (*mat.Dense, cgResult, error) {
	x, _, res, err := cgSolveResidual(k, pre, t, s, b, x0, tol, maxIter)
	return x, res, err
}

// cgSolveResidual is cgSolve that also returns the true residual B − G X
// of the returned X (nil when X is).
func cgSolveResidual(k *mfKernel, pre *precond, t, s float64, b, x0 *mat.Dense, tol float64, maxIter int) (*mat.Dense, *mat.Dense, cgResult, error) {
	p, nc := b.Dims()
	x := x0
	if x == nil {
		x = mat.NewDense(p, nc, nil)
	}
	gmul := func(dst, v *mat.Dense) error {
		if err := k.mul(dst, v); err != nil {
			return err
		}
		dst.Scale(s, dst)
		dst.Add(dst, scaled(t, v))
		return nil
	}
	r := mat.NewDense(p, nc, nil)
	if x0 != nil {
		if err := gmul(r, x); err != nil {
			return nil, nil, cgResult{}, err
		}
		r.Sub(b, r)
	} else {
		r.Copy(b)
	}
	bn := colNorms(b)
	z := mat.NewDense(p, nc, nil)
	pre.apply(z, r)
	d := mat.DenseCopyOf(z)
	gd := mat.NewDense(p, nc, nil)
	rz := colDots(r, z)
	active := make([]bool, nc)
	var res cgResult
	done := func() bool {
		all := true
		rn := colNorms(r)
		for j := range active {
			active[j] = bn[j] > 0 && rn[j] > tol*bn[j]
			if active[j] {
				all = false
			}
		}
		return all
	}
	for !done() {
		if res.Iterations >= maxIter {
			break
		}
		res.Iterations++
		if err := gmul(gd, d); err != nil {
			return nil, nil, res, err
		}
		dgd := colDots(d, gd)
		for j := 0; j < nc; j++ {
			if !active[j] {
				continue
			}
			if !(dgd[j] > 0) {
				return nil, nil, res, fmt.Errorf("rkgp: conjugate gradients: G = T I + s K is not positive definite along a search direction (dᵀGd = %v, T = %v, s = %v)", dgd[j], t, s)
			}
			a := rz[j] / dgd[j]
			axpyCol(x, a, d, j)
			axpyCol(r, -a, gd, j)
		}
		z.Zero()
		pre.apply(z, r)
		rzNew := colDots(r, z)
		for j := 0; j < nc; j++ {
			if !active[j] {
				continue
			}
			beta := rzNew[j] / rz[j]
			rz[j] = rzNew[j]
			// d = z + beta d
			dr, zr := d.RawMatrix(), z.RawMatrix()
			for i := 0; i < p; i++ {
				dr.Data[i*dr.Stride+j] = zr.Data[i*zr.Stride+j] + beta*dr.Data[i*dr.Stride+j]
			}
		}
	}
	// True residual.
	if err := gmul(gd, x); err != nil {
		return nil, nil, res, err
	}
	gd.Sub(b, gd)
	rn := colNorms(gd)
	for j := range rn {
		if bn[j] > 0 {
			res.Residual = math.Max(res.Residual, rn[j]/bn[j])
		}
	}
	if math.IsNaN(res.Residual) {
		return nil, nil, res, fmt.Errorf("rkgp: conjugate gradients: the residual is NaN")
	}
	if res.Residual > 10*tol && res.Iterations >= maxIter {
		return x, gd, res, fmt.Errorf("rkgp: conjugate gradients: relative residual %.3g after %d iterations, tolerance %g", res.Residual, res.Iterations, tol)
	}
	return x, gd, res, nil
}

func scaled(a float64, v *mat.Dense) *mat.Dense {
	var out mat.Dense
	out.Scale(a, v)
	return &out
}

func colNorms(a *mat.Dense) []float64 {
	out := colDots(a, a)
	for j, v := range out {
		out[j] = math.Sqrt(v)
	}
	return out
}

// colDots returns the column-wise dot products of a and b.
func colDots(a, b *mat.Dense) []float64 {
	ar, br := a.RawMatrix(), b.RawMatrix()
	out := make([]float64, ar.Cols)
	for i := 0; i < ar.Rows; i++ {
		ra := ar.Data[i*ar.Stride : i*ar.Stride+ar.Cols]
		rb := br.Data[i*br.Stride : i*br.Stride+br.Cols]
		for j, v := range ra {
			out[j] += v * rb[j]
		}
	}
	return out
}

// axpyCol adds a times column j of v to column j of dst.
func axpyCol(dst *mat.Dense, a float64, v *mat.Dense, j int) {
	dr, vr := dst.RawMatrix(), v.RawMatrix()
	for i := 0; i < dr.Rows; i++ {
		dr.Data[i*dr.Stride+j] += a * vr.Data[i*vr.Stride+j]
	}
}
