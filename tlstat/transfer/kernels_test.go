package transfer

import (
	"testing"

	"github.com/tlstat/tlstat/tlstat/kernel"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// TestKernels checks the four kernels of docs/theory.md §4 entry by entry
// against Kfun evaluated on overlaps computed here from the raw inputs; in
// particular the diagonal of K_tt' uses c_tt' in the middle argument.
func TestKernels(t *testing.T) {
	p, _ := referenceProblem()
	s, err := NewSolver(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-14 // same arithmetic up to summation order of the overlaps
	act := kernel.Erf
	ov := func(a, b []float64) float64 { return dot(a, b) / float64(len(a)) }
	for _, gamma := range []float64{0, 0.7, 30} {
		c, err := s.Couple(gamma)
		if err != nil {
			t.Fatal(err)
		}
		cv := c.Covariances()
		pt, ps := len(p.Target.Y), len(p.Source.Y)
		for i := 0; i < pt; i++ {
			xi := mat.Row(nil, i, p.Target.X)
			for j := 0; j < pt; j++ {
				xj := mat.Row(nil, j, p.Target.X)
				kt := act.Kfun(cv.TT*ov(xi, xi), cv.TT*ov(xi, xj), cv.TT*ov(xj, xj))
				ktp := act.Kfun(cv.TT*ov(xi, xi), cv.TTp*ov(xi, xj), cv.TT*ov(xj, xj))
				if !scalar.EqualWithinAbsOrRel(c.kt.At(i, j), kt, tol, tol) || !scalar.EqualWithinAbsOrRel(c.ktp.At(i, j), ktp, tol, tol) {
					t.Fatalf("gamma %v (%d,%d): K_t %v want %v, K_tt' %v want %v", gamma, i, j, c.kt.At(i, j), kt, c.ktp.At(i, j), ktp)
				}
			}
			for m := 0; m < ps; m++ {
				xm := mat.Row(nil, m, p.Source.X)
				kst := act.Kfun(cv.SS*ov(xm, xm), cv.ST*ov(xm, xi), cv.TT*ov(xi, xi))
				if !scalar.EqualWithinAbsOrRel(c.kst.At(m, i), kst, tol, tol) {
					t.Fatalf("gamma %v K_st(%d,%d) = %v want %v", gamma, m, i, c.kst.At(m, i), kst)
				}
			}
		}
		if gamma > 0 && c.ktp.At(0, 0) == c.kt.At(0, 0) {
			t.Errorf("gamma %v: K_tt' diagonal equals K_t's", gamma)
		}
		if gamma == 0 && (mat.Norm(c.ktp, 1) != 0 || mat.Norm(c.kst, 1) != 0) {
			t.Errorf("gamma 0: K_tt' and K_st must vanish for an odd activation")
		}
	}
}
