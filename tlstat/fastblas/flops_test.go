package fastblas

import (
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	lapgonum "gonum.org/v1/gonum/lapack/gonum"
)

// TestFlopCounter checks the counts of direct calls against their formulas
// and, through gonum's LAPACK (which calls the installed blas64), the
// counts of a Cholesky factorization and of a tridiagonal reduction against
// their classical totals n³/3 and 4n³/3 (Golub & Van Loan, Matrix
// Computations, §4.2 and §8.3). The blocked Cholesky reaches its total up
// to O(n²) terms: within 5% at n = 300 (n²/(n³/3) = 1%, a few such
// terms). The blocked reduction adds, per panel of nb columns, the
// matrix–vector products with the panel's reflectors (Dlatrd), 2n²nb flops
// in all, a relative excess of 3nb/(2n) = 16% at n = 300 for gonum's
// nb = 32: its count must lie in [1, 1.2] times 4n³/3.
func TestFlopCounter(t *testing.T) {
	c := NewFlopCounter(gonum.Implementation{})
	a, b, cm := make([]float64, 20*30), make([]float64, 30*40), make([]float64, 20*40)
	c.Dgemm(blas.NoTrans, blas.NoTrans, 20, 40, 30, 1, a, 30, b, 40, 0, cm, 40)
	if got, want := c.Flops(), int64(2*20*40*30); got != want {
		t.Errorf("Dgemm: %d flops, want %d", got, want)
	}
	tri := make([]float64, 40*40)
	for i := range 40 {
		tri[i*40+i] = 1
	}
	before := c.Flops()
	c.Dtrsm(blas.Right, blas.Lower, blas.NoTrans, blas.NonUnit, 20, 40, 1, tri, 40, cm, 40)
	if got, want := c.Flops()-before, int64(20*40*40); got != want {
		t.Errorf("Dtrsm right: %d flops, want %d", got, want)
	}

	prev := blas64.Implementation()
	defer blas64.Use(prev)
	const n = 300
	spd := kernelLike(n).RawSymmetric()
	for _, s := range []struct {
		name   string
		want   float64
		lo, hi float64
		run    func(a []float64)
	}{
		{"Dpotrf", n * n * n / 3.0, 0.95, 1.05, func(a []float64) { lapgonum.Implementation{}.Dpotrf(blas.Upper, n, a, n) }},
		{"Dsytrd", 4 * n * n * n / 3.0, 1, 1.2, func(a []float64) {
			d, e, tau := make([]float64, n), make([]float64, n-1), make([]float64, n-1)
			work := make([]float64, 64*n)
			lapgonum.Implementation{}.Dsytrd(blas.Upper, n, a, n, d, e, tau, work, len(work))
		}},
	} {
		c := NewFlopCounter(gonum.Implementation{})
		blas64.Use(c)
		s.run(append([]float64(nil), spd.Data...))
		blas64.Use(prev)
		if r := float64(c.Flops()) / s.want; !(r >= s.lo && r <= s.hi) {
			t.Errorf("%s n=%d: %d flops counted, classical count %.4g (ratio %.3f)", s.name, n, c.Flops(), s.want, r)
		}
	}
}
