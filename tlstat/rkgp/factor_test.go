package rkgp

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestFactorOver checks that factorOver gives the same factor, bit for bit,
// as Cholesky.Factorize of the same matrix built separately, and that it
// factors in the storage it handed to fill (one n×n block, not two).
func TestFactorOver(t *testing.T) {
	for _, n := range []int{1, 7, 130} {
		rng := rand.New(rand.NewPCG(uint64(n), 5))
		x := mat.NewDense(n, n+3, nil)
		for i := range n {
			for j := range n + 3 {
				x.Set(i, j, rng.NormFloat64())
			}
		}
		b := mat.NewSymDense(n, nil)
		b.SymOuterK(1, x)
		const s, d = 0.7, 0.3
		want := mat.NewSymDense(n, nil)
		want.ScaleSym(s, b)
		for i := range n {
			want.SetSym(i, i, want.At(i, i)+d)
		}
		var ref mat.Cholesky
		if !ref.Factorize(want) {
			t.Fatalf("n = %d: reference factorization failed", n)
		}
		bt := mat.NewTriDense(n, mat.Upper, nil)
		for i := range n {
			for j := i; j < n; j++ {
				bt.SetTri(i, j, b.At(i, j))
			}
		}
		var ch mat.Cholesky
		var view []float64
		ok := factorOver(&ch, bt, func(g *mat.SymDense) {
			view = g.RawSymmetric().Data
			g.ScaleSym(s, g)
			for i := range n {
				g.SetSym(i, i, g.At(i, i)+d)
			}
		})
		if !ok {
			t.Fatalf("n = %d: factorOver reports a matrix that is not positive definite", n)
		}
		u := ch.RawU().(mat.RawTriangular).RawTriangular()
		if &u.Data[0] != &view[0] {
			t.Errorf("n = %d: the factor is not stored where the matrix was built (a second n×n block)", n)
		}
		ur := ref.RawU()
		for i := range n {
			for j := i; j < n; j++ {
				if g, w := ch.RawU().At(i, j), ur.At(i, j); g != w {
					t.Fatalf("n = %d: U[%d, %d] = %v, want %v (Factorize)", n, i, j, g, w)
				}
			}
		}
	}
}
