package fastblas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/lapack"
	lgonum "gonum.org/v1/gonum/lapack/gonum"
)

// tol is the agreement required between OpenBLAS and gonum: both are
// backward stable, so entries of size O(1) built from sums of at most ~100
// products of O(1) numbers differ by a few hundred ulps at most.
const tol = 1e-12

var ref gonum.Implementation

func randSlice(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

func clone(x []float64) []float64 { return append([]float64(nil), x...) }

func sameSlices(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	for i := range want {
		if !scalar.EqualWithinAbsOrRel(got[i], want[i], tol, tol) {
			t.Fatalf("%s: element %d = %v, gonum gives %v", name, i, got[i], want[i])
		}
	}
}

var (
	transposes = []blas.Transpose{blas.NoTrans, blas.Trans}
	uplos      = []blas.Uplo{blas.Upper, blas.Lower}
	sides      = []blas.Side{blas.Left, blas.Right}
	diags      = []blas.Diag{blas.NonUnit, blas.Unit}
)

// Sizes above the cgo thresholds (m n k >= 4096) with leading dimensions
// larger than the column counts (a pad of 3) to exercise the strides.
const m, n, k, pad = 37, 29, 23, 3

func TestDgemm(t *testing.T) {
	requireOpenBLAS(t)
	rng := rand.New(rand.NewPCG(1, 1))
	for _, ta := range transposes {
		for _, tb := range transposes {
			ar, ac := dims(ta, m, k)
			br, bc := dims(tb, k, n)
			lda, ldb, ldc := ac+pad, bc+pad, n+pad
			a, b, c := randSlice(rng, ar*lda), randSlice(rng, br*ldb), randSlice(rng, m*ldc)
			want := clone(c)
			ref.Dgemm(ta, tb, m, n, k, 0.7, a, lda, b, ldb, -0.3, want, ldc)
			Blas{}.Dgemm(ta, tb, m, n, k, 0.7, a, lda, b, ldb, -0.3, c, ldc)
			sameSlices(t, fmt.Sprintf("Dgemm(%c, %c)", ta, tb), c, want, tol)
		}
	}
}

func TestDsymm(t *testing.T) {
	requireOpenBLAS(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range sides {
		for _, ul := range uplos {
			na := n
			if s == blas.Left {
				na = m
			}
			lda, ldb, ldc := na+pad, n+pad, n+pad
			a, b, c := randSlice(rng, na*lda), randSlice(rng, m*ldb), randSlice(rng, m*ldc)
			want := clone(c)
			ref.Dsymm(s, ul, m, n, 0.7, a, lda, b, ldb, -0.3, want, ldc)
			Blas{}.Dsymm(s, ul, m, n, 0.7, a, lda, b, ldb, -0.3, c, ldc)
			sameSlices(t, fmt.Sprintf("Dsymm(%c, %c)", s, ul), c, want, tol)
		}
	}
}

func TestDsyrkDsyr2k(t *testing.T) {
	requireOpenBLAS(t)
	rng := rand.New(rand.NewPCG(1, 3))
	const n, k = 41, 17 // n² k above 2·4096
	for _, ul := range uplos {
		for _, tr := range transposes {
			ar, ac := dims(tr, n, k)
			lda, ldc := ac+pad, n+pad
			a, b, c := randSlice(rng, ar*lda), randSlice(rng, ar*lda), randSlice(rng, n*ldc)
			want := clone(c)
			ref.Dsyrk(ul, tr, n, k, 0.7, a, lda, -0.3, want, ldc)
			got := clone(c)
			Blas{}.Dsyrk(ul, tr, n, k, 0.7, a, lda, -0.3, got, ldc)
			sameSlices(t, fmt.Sprintf("Dsyrk(%c, %c)", ul, tr), got, want, tol)
			want = clone(c)
			ref.Dsyr2k(ul, tr, n, k, 0.7, a, lda, b, lda, -0.3, want, ldc)
			got = clone(c)
			Blas{}.Dsyr2k(ul, tr, n, k, 0.7, a, lda, b, lda, -0.3, got, ldc)
			sameSlices(t, fmt.Sprintf("Dsyr2k(%c, %c)", ul, tr), got, want, tol)
		}
	}
}

// triangular returns a well-conditioned na×na matrix (dominant diagonal) so
// that Dtrsm's results are O(1).
func triangular(rng *rand.Rand, na, lda int) []float64 {
	a := randSlice(rng, na*lda)
	for i := 0; i < na; i++ {
		for j := 0; j < na; j++ {
			a[i*lda+j] *= 0.1
		}
		a[i*lda+i] = 2 + math.Abs(a[i*lda+i])
	}
	return a
}

func TestDtrmmDtrsm(t *testing.T) {
	requireOpenBLAS(t)
	rng := rand.New(rand.NewPCG(1, 4))
	triangularCases(rng, func(s blas.Side, ul blas.Uplo, ta blas.Transpose, d blas.Diag, a []float64, lda int, b []float64, ldb int) {
		name := fmt.Sprintf("(%c, %c, %c, %c)", s, ul, ta, d)
		want, got := clone(b), clone(b)
		ref.Dtrmm(s, ul, ta, d, m, n, 0.7, a, lda, want, ldb)
		Blas{}.Dtrmm(s, ul, ta, d, m, n, 0.7, a, lda, got, ldb)
		sameSlices(t, "Dtrmm"+name, got, want, tol)
		want, got = clone(b), clone(b)
		ref.Dtrsm(s, ul, ta, d, m, n, 0.7, a, lda, want, ldb)
		Blas{}.Dtrsm(s, ul, ta, d, m, n, 0.7, a, lda, got, ldb)
		sameSlices(t, "Dtrsm"+name, got, want, tol)
	})
}

// triangularCases calls f for every side, triangle, transpose and kind of
// diagonal with a fresh triangular A (order m on the left, n on the right;
// row stride lda) and an m×n B (row stride ldb), both padded by pad and
// drawn from rng (A first).
func triangularCases(rng *rand.Rand, f func(s blas.Side, ul blas.Uplo, ta blas.Transpose, d blas.Diag, a []float64, lda int, b []float64, ldb int)) {
	for _, s := range sides {
		for _, ul := range uplos {
			for _, ta := range transposes {
				for _, d := range diags {
					na := n
					if s == blas.Left {
						na = m
					}
					lda, ldb := na+pad, n+pad
					a, b := triangular(rng, na, lda), randSlice(rng, m*ldb)
					f(s, ul, ta, d, a, lda, b, ldb)
				}
			}
		}
	}
}

func TestLevel2(t *testing.T) {
	requireOpenBLAS(t)
	rng := rand.New(rand.NewPCG(1, 5))
	const m, n = 300, 260 // m n above minLevel2
	for _, ta := range transposes {
		lx, ly := n, m
		if ta == blas.Trans {
			lx, ly = m, n
		}
		a, x, y := randSlice(rng, m*(n+pad)), randSlice(rng, 2*lx), randSlice(rng, 3*ly)
		want, got := clone(y), clone(y)
		ref.Dgemv(ta, m, n, 0.7, a, n+pad, x, 2, -0.3, want, 3)
		Blas{}.Dgemv(ta, m, n, 0.7, a, n+pad, x, 2, -0.3, got, 3)
		sameSlices(t, fmt.Sprintf("Dgemv(%c)", ta), got, want, tol)
	}
	for _, ul := range uplos {
		a, x, y := randSlice(rng, n*(n+pad)), randSlice(rng, 2*n), randSlice(rng, n)
		want, got := clone(y), clone(y)
		ref.Dsymv(ul, n, 0.7, a, n+pad, x, 2, -0.3, want, 1)
		Blas{}.Dsymv(ul, n, 0.7, a, n+pad, x, 2, -0.3, got, 1)
		sameSlices(t, fmt.Sprintf("Dsymv(%c)", ul), got, want, tol)
		for _, ta := range transposes {
			for _, d := range diags {
				a := triangular(rng, n, n+pad)
				want, got := clone(x), clone(x)
				ref.Dtrsv(ul, ta, d, n, a, n+pad, want, 2)
				Blas{}.Dtrsv(ul, ta, d, n, a, n+pad, got, 2)
				sameSlices(t, fmt.Sprintf("Dtrsv(%c, %c, %c)", ul, ta, d), got, want, tol)
			}
		}
	}
}

// TestFallback checks that invalid arguments still produce gonum's panics
// and that small and empty operands are handled.
func TestFallback(t *testing.T) {
	requireOpenBLAS(t)
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Dgemm short a", func() {
			Blas{}.Dgemm(blas.NoTrans, blas.NoTrans, 64, 64, 64, 1, make([]float64, 10), 64, make([]float64, 64*64), 64, 0, make([]float64, 64*64), 64)
		}},
		{"Dtrsm bad lda", func() {
			Blas{}.Dtrsm(blas.Left, blas.Upper, blas.NoTrans, blas.NonUnit, 64, 64, 1, make([]float64, 64*64), 10, make([]float64, 64*64), 64)
		}},
		{"Dpotrf bad uplo", func() { Lapack{}.Dpotrf(blas.All, 64, make([]float64, 64*64), 64) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			c.f()
		}()
	}
	// Empty and small products go through gonum and must not touch &a[0].
	Blas{}.Dgemm(blas.NoTrans, blas.NoTrans, 0, 5, 5, 1, nil, 5, make([]float64, 25), 5, 0, nil, 5)
	c := []float64{1}
	Blas{}.Dgemm(blas.NoTrans, blas.NoTrans, 1, 1, 1, 2, []float64{3}, 1, []float64{4}, 1, 1, c, 1)
	if c[0] != 25 { // 1 + 2·3·4
		t.Errorf("1×1 Dgemm = %v, want 25", c[0])
	}
}

// spd returns a random n×n symmetric positive definite matrix G Gᵀ/n + I
// with leading dimension lda.
func spd(rng *rand.Rand, n, lda int) []float64 {
	g := randSlice(rng, n*n)
	a := make([]float64, n*lda)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for l := 0; l < n; l++ {
				s += g[i*n+l] * g[j*n+l]
			}
			a[i*lda+j] = s / float64(n)
		}
		a[i*lda+i]++
	}
	return a
}

func sameTriangle(t *testing.T, name string, ul blas.Uplo, n, lda int, got, want []float64, tol float64) {
	t.Helper()
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if (ul == blas.Upper) != (j >= i) && i != j {
				continue
			}
			if !scalar.EqualWithinAbsOrRel(got[i*lda+j], want[i*lda+j], tol, tol) {
				t.Fatalf("%s: (%d, %d) = %v, gonum gives %v", name, i, j, got[i*lda+j], want[i*lda+j])
			}
		}
	}
}

func TestCholesky(t *testing.T) {
	requireOpenBLAS(t)
	rng := rand.New(rand.NewPCG(1, 6))
	var lref lgonum.Implementation
	for _, n := range []int{40, 150} { // below and above LAPACK's block size 64
		lda := n + pad
		for _, ul := range uplos {
			a := spd(rng, n, lda)
			want, got := clone(a), clone(a)
			blas64.Use(ref) // a pure-Go reference: gonum's LAPACK calls blas64
			okRef := lref.Dpotrf(ul, n, want, lda)
			blas64.Use(Blas{})
			if !okRef || !(Lapack{}).Dpotrf(ul, n, got, lda) {
				t.Fatalf("Dpotrf(%v) n = %d failed on a positive definite matrix", ul, n)
			}
			sameTriangle(t, fmt.Sprintf("Dpotrf(%v) n = %d", ul, n), ul, n, lda, got, want, tol)
			blas64.Use(ref)
			okRef = lref.Dpotri(ul, n, want, lda)
			blas64.Use(Blas{})
			if !okRef || !(Lapack{}).Dpotri(ul, n, got, lda) {
				t.Fatalf("Dpotri(%v) n = %d failed", ul, n)
			}
			sameTriangle(t, fmt.Sprintf("Dpotri(%v) n = %d", ul, n), ul, n, lda, got, want, tol)
		}
	}
	// Not positive definite: the identity with a negative entry.
	const nn = 50
	a := make([]float64, nn*nn)
	for i := 0; i < nn; i++ {
		a[i*nn+i] = 1
	}
	a[30*nn+30] = -1
	if (Lapack{}).Dpotrf(blas.Upper, nn, a, nn) {
		t.Error("Dpotrf accepted an indefinite matrix")
	}
}

func TestDsyev(t *testing.T) {
	requireOpenBLAS(t)
	rng := rand.New(rand.NewPCG(1, 7))
	var lref lgonum.Implementation
	const n = 120
	lda := n + pad
	for _, ul := range uplos {
		for _, job := range []lapack.EVJob{lapack.EVNone, lapack.EVCompute} {
			a := randSlice(rng, n*lda)
			for i := 0; i < n; i++ {
				for j := 0; j < i; j++ {
					a[i*lda+j] = a[j*lda+i]
				}
			}
			orig := clone(a)
			work := []float64{0}
			(Lapack{}).Dsyev(job, ul, n, a, lda, nil, work, -1)
			work = make([]float64, int(work[0]))
			wgot := make([]float64, n)
			got := clone(a)
			if !(Lapack{}).Dsyev(job, ul, n, got, lda, wgot, work, len(work)) {
				t.Fatalf("Dsyev(%v, %v) failed", job, ul)
			}
			wwant := make([]float64, n)
			want := clone(a)
			blas64.Use(ref)
			lref.Dsyev(job, ul, n, want, lda, wwant, make([]float64, 10*n), 10*n)
			blas64.Use(Blas{})
			sameSlices(t, fmt.Sprintf("Dsyev(%v, %v) eigenvalues", job, ul), wgot, wwant, 1e-11)
			if job == lapack.EVNone {
				continue
			}
			// Eigenvectors are in the columns: check A v_j = w_j v_j and
			// orthonormality (signs may differ from gonum's).
			for j := 0; j < n; j++ {
				for i := 0; i < n; i++ {
					var av float64
					for l := 0; l < n; l++ {
						av += orig[i*lda+l] * got[l*lda+j]
					}
					if math.Abs(av-wgot[j]*got[i*lda+j]) > 1e-11 {
						t.Fatalf("Dsyev(%v): (A v_%d)_%d = %v, w v = %v", ul, j, i, av, wgot[j]*got[i*lda+j])
					}
				}
				for jj := 0; jj <= j; jj++ {
					var d float64
					for l := 0; l < n; l++ {
						d += got[l*lda+j] * got[l*lda+jj]
					}
					if w := b2f(j == jj); math.Abs(d-w) > 1e-12 {
						t.Fatalf("Dsyev(%v): v_%d·v_%d = %v, want %v", ul, j, jj, d, w)
					}
				}
			}
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// TestDsytrd checks that the override reproduces gonum's reduction: the
// same d, e, tau and Householder vectors (up to rounding), for both
// triangles and an order above LAPACK's block size.
func TestDsytrd(t *testing.T) {
	requireOpenBLAS(t)
	rng := rand.New(rand.NewPCG(1, 8))
	var lref lgonum.Implementation
	for _, n := range []int{40, 150} {
		lda := n + pad
		for _, ul := range uplos {
			a := spd(rng, n, lda)
			want, got := clone(a), clone(a)
			dw, ew, tw := make([]float64, n), make([]float64, n-1), make([]float64, n-1)
			dg, eg, tg := make([]float64, n), make([]float64, n-1), make([]float64, n-1)
			blas64.Use(ref)
			lref.Dsytrd(ul, n, want, lda, dw, ew, tw, make([]float64, n*64), n*64)
			blas64.Use(Blas{})
			work := []float64{0}
			(Lapack{}).Dsytrd(ul, n, got, lda, dg, eg, tg, work, -1)
			work = make([]float64, int(work[0]))
			(Lapack{}).Dsytrd(ul, n, got, lda, dg, eg, tg, work, len(work))
			name := fmt.Sprintf("Dsytrd(%c) n = %d", ul, n)
			sameSlices(t, name+" d", dg, dw, 1e-10)
			sameSlices(t, name+" e", eg, ew, 1e-10)
			sameSlices(t, name+" tau", tg, tw, 1e-10)
			sameTriangle(t, name+" reflectors", ul, n, lda, got, want, 1e-10)
		}
	}
}
