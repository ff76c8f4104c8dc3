package kernel

import (
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// dot returns the explicit overlap of rows i of a and j of b divided by N0.
func dot(a mat.Matrix, i int, b mat.Matrix, j int) float64 {
	_, c := a.Dims()
	var s float64
	for k := range c {
		s += a.At(i, k) * b.At(j, k)
	}
	return s / float64(c)
}

// gramTol: BLAS and the explicit loop sum N0 <= 50 products of O(1) numbers in
// different orders; the rounding difference is a few 1e-16, so 1e-13 is safe
// and still catches any indexing or scaling error.
const gramTol = 1e-13

func TestGram(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(1, 1))
	x := randomInputs(23, 17, rnd) // arbitrary sizes
	// A strided view (stride 20 > 17 columns) exercises the raw path with
	// padding, and the transpose of a transpose the generic copy path.
	wide := randomInputs(23, 20, rnd)
	view := wide.Slice(0, 23, 2, 19)
	var xt mat.Dense
	xt.CloneFrom(x.T())
	for _, in := range []struct {
		name string
		x    mat.Matrix
	}{
		{"dense", x}, {"view", view}, {"generic", matOnly{x}}, {"transpose", xt.T()},
		// 150 rows: three 64-row tiles, the last one partial, spread over workers.
		{"tiled", randomInputs(150, 9, rnd)},
	} {
		g := Gram(in.x)
		r, _ := in.x.Dims()
		if g.SymmetricDim() != r {
			t.Fatalf("%s: Gram dim %d, want %d", in.name, g.SymmetricDim(), r)
		}
		norms := SqNorms(in.x)
		for i := range r {
			for j := range r {
				want := dot(in.x, i, in.x, j)
				if got := g.At(i, j); !scalar.EqualWithinAbsOrRel(got, want, gramTol, gramTol) {
					t.Fatalf("%s: Gram[%d,%d] = %v, want %v", in.name, i, j, got, want)
				}
			}
			if !scalar.EqualWithinAbsOrRel(norms[i], dot(in.x, i, in.x, i), gramTol, gramTol) {
				t.Errorf("%s: SqNorms[%d] = %v, want %v", in.name, i, norms[i], dot(in.x, i, in.x, i))
			}
		}
	}
}

func TestCrossGram(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(1, 1))
	x1 := randomInputs(12, 31, rnd) // arbitrary sizes
	x2 := randomInputs(5, 31, rnd)
	g, err := CrossGram(x1, x2)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := g.Dims(); r != 12 || c != 5 {
		t.Fatalf("CrossGram dims %d×%d, want 12×5", r, c)
	}
	for i := range 12 {
		for j := range 5 {
			want := dot(x1, i, x2, j)
			if got := g.At(i, j); !scalar.EqualWithinAbsOrRel(got, want, gramTol, gramTol) {
				t.Fatalf("CrossGram[%d,%d] = %v, want %v", i, j, got, want)
			}
		}
	}
	// CrossGram(x, x) is Gram(x).
	gs, err := CrossGram(x1, x1)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.EqualApprox(gs, Gram(x1), gramTol) {
		t.Error("CrossGram(x, x) differs from Gram(x)")
	}
}

func TestCrossGramMismatch(t *testing.T) {
	t.Parallel()
	_, err := CrossGram(mat.NewDense(3, 4, nil), mat.NewDense(2, 5, nil))
	if err == nil {
		t.Fatal("CrossGram accepted inputs of dimension 4 and 5")
	}
	// The message must name both offending dimensions.
	if msg := err.Error(); !strings.Contains(msg, "4") || !strings.Contains(msg, "5") {
		t.Errorf("error %q does not name the dimensions 4 and 5", msg)
	}
}

func TestGramEmpty(t *testing.T) {
	t.Parallel()
	if g := Gram(&mat.Dense{}); g.SymmetricDim() != 0 {
		t.Errorf("Gram of an empty matrix has dim %d", g.SymmetricDim())
	}
	g := Gram(mat.NewDense(3, 1, nil)) // N0 = 1 of zeros: all overlaps zero
	if g.SymmetricDim() != 3 || mat.Norm(g, 1) != 0 {
		t.Errorf("Gram of zero inputs = %v", mat.Formatted(g))
	}
	if n := SqNorms(&mat.Dense{}); len(n) != 0 {
		t.Errorf("SqNorms of an empty matrix = %v", n)
	}
}

func TestCrossGramNoColumns(t *testing.T) {
	t.Parallel()
	g, err := CrossGram(mat.NewDense(2, 1, nil).Slice(0, 2, 0, 0), mat.NewDense(3, 1, nil).Slice(0, 3, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if r, c := g.Dims(); r != 2 || c != 3 || mat.Norm(g, 1) != 0 {
		t.Errorf("CrossGram with N0 = 0: %d×%d, norm %v; want a 2×3 zero matrix", r, c, mat.Norm(g, 1))
	}
}
