package rkgp

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// lanczosQuad is the Gauss quadrature that m Lanczos steps on K from a start
// vector v give for the quadratic forms vᵀ f(K) v: nodes are the eigenvalues
// θ_j of the m×m tridiagonal matrix and weights |v|² τ_j², τ_j the first
// components of its eigenvectors. The rule is exact for polynomials of degree
// below 2m, and one run serves every f, hence every Q of G = T I + s K.
type lanczosQuad struct {
	nodes, weights []float64
}

func (q lanczosQuad) eval(f func(float64) float64) float64 {
	var s float64
	for j, t := range q.nodes {
		s += q.weights[j] * f(t)
	}
	return s
}

// lanczos runs Lanczos on K from every column of v0 in lockstep (one kernel
// sweep per step for all columns), with full reorthogonalization of each
// column's basis, for at most maxSteps steps. After every check steps it
// calls stop with the current quadratures; a true return ends the run. A
// column whose Krylov space becomes invariant (β below 1e-13 of the
// largest α) stops growing; its quadrature is then exact. Memory
// O(P·k·steps).
func lanczos(k *mfKernel, v0 *mat.Dense, maxSteps, check int, stop func(quads []lanczosQuad, steps int) (bool, error)) ([]lanczosQuad, int, error) {
	p, nc := v0.Dims()
	norm2 := colDots(v0, v0)
	for j, v := range norm2 {
		if !(v > 0) {
			return nil, 0, fmt.Errorf("rkgp: Lanczos start vector %d has norm² %v", j, v)
		}
	}
	q := mat.DenseCopyOf(v0)
	for j, v := range norm2 {
		scaleCol(q, 1/math.Sqrt(v), j)
	}
	basis := []*mat.Dense{q}
	alpha := make([][]float64, nc)
	beta := make([][]float64, nc)
	live := make([]bool, nc)
	for j := range live {
		live[j] = true
	}
	w := mat.NewDense(p, nc, nil)
	amax := 0.0
	var quads []lanczosQuad
	steps := 0
	for steps < maxSteps {
		cur := basis[len(basis)-1]
		if err := k.mul(w, cur); err != nil {
			return nil, steps, err
		}
		steps++
		a := colDots(cur, w)
		next := mat.NewDense(p, nc, nil)
		anyLive := false
		for j := 0; j < nc; j++ {
			if !live[j] {
				continue
			}
			alpha[j] = append(alpha[j], a[j])
			amax = math.Max(amax, math.Abs(a[j]))
			// Full reorthogonalization (twice is enough, Parlett).
			for range 2 {
				for _, b := range basis {
					axpyCol(w, -colDot(b, w, j), b, j)
				}
			}
			bn := math.Sqrt(colDot(w, w, j))
			if bn <= 1e-13*amax || len(alpha[j]) >= p {
				live[j] = false
				continue
			}
			beta[j] = append(beta[j], bn)
			copyColScaled(next, w, 1/bn, j)
			anyLive = true
		}
		if !anyLive || steps == maxSteps || steps%check == 0 {
			var err error
			if quads, err = tridiagQuads(alpha, beta, norm2); err != nil {
				return nil, steps, err
			}
			done, err := stop(quads, steps)
			if err != nil {
				return quads, steps, err
			}
			if done || !anyLive {
				return quads, steps, nil
			}
		}
		basis = append(basis, next)
	}
	return quads, steps, nil
}

// tridiagQuads returns the quadrature rule of each column's tridiagonal
// matrix (alpha on the diagonal, the first len(alpha)-1 betas off it).
func tridiagQuads(alpha, beta [][]float64, norm2 []float64) ([]lanczosQuad, error) {
	out := make([]lanczosQuad, len(alpha))
	for j, a := range alpha {
		m := len(a)
		t := mat.NewSymDense(m, nil)
		for i := 0; i < m; i++ {
			t.SetSym(i, i, a[i])
			if i+1 < m {
				t.SetSym(i, i+1, beta[j][i])
			}
		}
		var es mat.EigenSym
		if !es.Factorize(t, true) {
			return nil, fmt.Errorf("rkgp: eigendecomposition of the %d×%d Lanczos matrix failed", m, m)
		}
		var vec mat.Dense
		es.VectorsTo(&vec)
		nodes := es.Values(nil)
		weights := make([]float64, m)
		for i := range nodes {
			if nodes[i] < 0 {
				nodes[i] = 0 // K is positive semi-definite: rounding only
			}
			f := vec.At(0, i)
			weights[i] = norm2[j] * f * f
		}
		out[j] = lanczosQuad{nodes: nodes, weights: weights}
	}
	return out, nil
}

func colDot(a, b *mat.Dense, j int) float64 {
	ar, br := a.RawMatrix(), b.RawMatrix()
	var s float64
	for i := 0; i < ar.Rows; i++ {
		s += ar.Data[i*ar.Stride+j] * br.Data[i*br.Stride+j]
	}
	return s
}

func scaleCol(a *mat.Dense, f float64, j int) {
	ar := a.RawMatrix()
	for i := 0; i < ar.Rows; i++ {
		ar.Data[i*ar.Stride+j] *= f
	}
}

func copyColScaled(dst, src *mat.Dense, f float64, j int) {
	dr, sr := dst.RawMatrix(), src.RawMatrix()
	for i := 0; i < dr.Rows; i++ {
		dr.Data[i*dr.Stride+j] = f * sr.Data[i*sr.Stride+j]
	}
}
