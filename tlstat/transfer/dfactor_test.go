package transfer

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestCholDMatchesCholesky checks that cholD, which makes the LAPACK calls
// of mat.Cholesky without its condition estimate, gives the same numbers
// bit for bit (tolerance 0: the same calls on the same data), for orders on
// both sides of the size at which the backend switches to OpenBLAS (32).
func TestCholDMatchesCholesky(t *testing.T) {
	for _, n := range []int{1, 7, 31, 64, 200} {
		rng := rand.New(rand.NewPCG(uint64(n), 3))
		x := mat.NewDense(n, n+3, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < n+3; j++ {
				x.Set(i, j, rng.NormFloat64())
			}
		}
		a := mat.NewSymDense(n, nil)
		a.SymOuterK(1, x)
		b := mat.NewDense(n, 5, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < 5; j++ {
				b.Set(i, j, rng.NormFloat64())
			}
		}
		var want mat.Cholesky
		var got cholD
		if !want.Factorize(a) || !got.Factorize(a) {
			t.Fatalf("n = %d: factorization failed", n)
		}
		if w, g := want.LogDet(), got.LogDet(); w != g {
			t.Errorf("n = %d: LogDet %v, want %v", n, g, w)
		}
		var ws, gs mat.Dense
		_ = want.SolveTo(&ws, b)
		_ = got.SolveTo(&gs, b)
		if !mat.Equal(&ws, &gs) {
			t.Errorf("n = %d: SolveTo differs", n)
		}
		var wv, gv mat.VecDense
		_ = want.SolveVecTo(&wv, b.ColView(2))
		_ = got.SolveVecTo(&gv, b.ColView(2))
		if !mat.Equal(&wv, &gv) {
			t.Errorf("n = %d: SolveVecTo differs", n)
		}
		wi, gi := mat.NewSymDense(n, nil), mat.NewSymDense(n, nil)
		_ = want.InverseTo(wi)
		if err := got.InverseTo(gi); err != nil {
			t.Errorf("n = %d: InverseTo: %v", n, err)
		}
		if !mat.Equal(wi, gi) {
			t.Errorf("n = %d: InverseTo differs", n)
		}
	}
	// Not positive definite: reported, as by mat.Cholesky.
	var c cholD
	if c.Factorize(mat.NewSymDense(2, []float64{1, 2, 2, 1})) {
		t.Error("indefinite matrix factorized")
	}
}
