package rkgp

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

// TestMatrixFreeQuad checks the quadratic forms b_jᵀG⁻¹b_j of
// MatrixFreeSystem.Quad against a dense solve: each form must fall short
// of the dense one by a non-negative amount at most its bound, and the
// bound must be at most relTol of the form. Slack 1e-11 of the form: the
// dense value's rounding error, about cond(G)·1e-16 with cond(G) below
// 1e5 here (T = 0.01, |s K| about 400). A weak preconditioner and a first
// tolerance of 0.1 force further runs from the current solution.
func TestMatrixFreeQuad(t *testing.T) {
	train, _ := synthetic(200, 1, 15, 6)
	const lambda0, temp, q = 1, 0.01, 1.7
	k, _, _, _, _ := denseKernels(kernel.Erf, lambda0, train.X, nil)
	g := mat.DenseCopyOf(k)
	g.Scale(q, g) // lambda1 = 1
	for i := 0; i < 200; i++ {
		g.Set(i, i, g.At(i, i)+temp)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	b := mat.NewDense(200, 5, nil)
	for i := 0; i < 200; i++ {
		for j := 0; j < 5; j++ {
			b.Set(i, j, rng.NormFloat64())
		}
	}
	// Kernel columns, the right-hand sides of the transfer test points.
	b.Slice(0, 200, 3, 5).(*mat.Dense).Copy(k.Slice(0, 200, 0, 2))
	var x mat.Dense
	if err := x.Solve(g, b); err != nil {
		t.Fatal(err)
	}
	net := Network{N: 100, T: temp, Lambda0: lambda0, Lambda1: 1}
	for _, c := range []struct {
		rank         int
		relTol, tol0 float64
		wantRounds   int // at least
	}{{5, 1e-4, 0, 1}, {50, 1e-8, 0, 1}, {5, 1e-8, 0.1, 2}} {
		sys, err := NewMatrixFreeSystem(train, net, q, &MatrixFreeSettings{Rank: c.rank, Block: 64})
		if err != nil {
			t.Fatal(err)
		}
		forms, bound, st, err := sys.Quad(b, c.relTol, c.tol0)
		if err != nil {
			t.Fatal(err)
		}
		if st.Rounds < c.wantRounds || !(st.MaxBound <= c.relTol) {
			t.Errorf("rank %d, relTol %g: %d runs (want at least %d), largest bound %g", c.rank, c.relTol, st.Rounds, c.wantRounds, st.MaxBound)
		}
		for j := range forms {
			exact := mat.Dot(b.ColView(j), x.ColView(j))
			short := exact - forms[j]
			if short < -1e-11*exact || short > bound[j]+1e-11*exact || bound[j] > c.relTol*forms[j] {
				t.Errorf("rank %d, relTol %g, column %d: form %.15g, dense %.15g (short by %.3g), bound %.3g",
					c.rank, c.relTol, j, forms[j], exact, short, bound[j])
			}
		}
		t.Logf("rank %d, relTol %g: %d iterations in %d runs, last tolerance %.2g, largest bound %.2g of the form",
			c.rank, c.relTol, st.Iterations, st.Rounds, st.Tol, st.MaxBound)
	}
	sys, err := NewMatrixFreeSystem(train, net, q, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ relTol, tol0 float64 }{{0, 0}, {1, 0}, {math.NaN(), 0}, {1e-6, 1}, {1e-6, -1}} {
		if _, _, _, err := sys.Quad(b, bad.relTol, bad.tol0); err == nil {
			t.Errorf("relTol %v, tol0 %v: no error", bad.relTol, bad.tol0)
		}
	}
	if _, _, _, err := sys.Quad(mat.NewDense(10, 1, nil), 1e-6, 0); err == nil {
		t.Error("10×1 right-hand side: no error")
	}
	if _, _, err := sys.SolveTol(b, nil, 0); err == nil {
		t.Error("SolveTol with tolerance 0: no error")
	}
}
