package kernel

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// randomInputs returns an r×c matrix of standard normal entries.
func randomInputs(r, c int, rnd *rand.Rand) *mat.Dense {
	data := make([]float64, r*c)
	for i := range data {
		data[i] = rnd.NormFloat64()
	}
	return mat.NewDense(r, c, data)
}

// symOnly hides the raw storage of a mat.Symmetric so that Matrix takes its
// generic path.
type symOnly struct{ mat.Symmetric }

// matOnly hides the raw storage of a mat.Matrix so that Cross takes its
// generic path.
type matOnly struct{ mat.Matrix }

// entryTol is the tolerance for comparing the builders with a scalar loop
// that performs the same floating-point operations: any difference would be a
// bookkeeping bug, so only a couple of roundings are allowed.
const entryTol = 1e-15

func TestMatrixElementwise(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(1, 1))
	// P = 70 > 64 so that parallelRows actually uses goroutines; N0 = 13 arbitrary.
	x := randomInputs(70, 13, rnd)
	g := Gram(x)
	scales := []struct{ outer, mid float64 }{{1, 1}, {0.5, 0.5}, {2, 1.3}, {1.5, -0.4}}
	for _, act := range []Activation{Erf, ReLU, Linear, Tanh} {
		if act == Tanh {
			scales = scales[:1] // quadrature: ~20 µs per entry, one scale suffices
		}
		for _, sc := range scales {
			fast := Matrix(act, g, sc.outer, sc.mid)
			slow := Matrix(act, symOnly{g}, sc.outer, sc.mid)
			n := g.SymmetricDim()
			if fast.SymmetricDim() != n || slow.SymmetricDim() != n {
				t.Fatalf("%s: dims %d, %d; want %d", act.Name(), fast.SymmetricDim(), slow.SymmetricDim(), n)
			}
			for i := range n {
				for j := range n {
					want := act.Kfun(sc.outer*g.At(i, i), sc.mid*g.At(i, j), sc.outer*g.At(j, j))
					for _, k := range []*mat.SymDense{fast, slow} {
						if got := k.At(i, j); !scalar.EqualWithinAbsOrRel(got, want, entryTol, entryTol) {
							t.Fatalf("%s outer=%v mid=%v: K[%d,%d] = %v, want %v", act.Name(), sc.outer, sc.mid, i, j, got, want)
						}
					}
				}
			}
		}
	}
}

func TestCrossElementwise(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(1, 1))
	// 70×9 so that rows are split over goroutines; N0 = 11 arbitrary.
	x1 := randomInputs(70, 11, rnd)
	x2 := randomInputs(9, 11, rnd)
	g12, err := CrossGram(x1, x2)
	if err != nil {
		t.Fatal(err)
	}
	g21, err := CrossGram(x2, x1)
	if err != nil {
		t.Fatal(err)
	}
	d1, d2 := SqNorms(x1), SqNorms(x2)
	const rowScale, mid, colScale = 1.2, -0.35, 0.7 // arbitrary, unequal, negative mid
	for _, act := range []Activation{Erf, ReLU, Linear, Tanh} {
		for _, in := range []struct {
			name string
			g    mat.Matrix
		}{
			{"dense", g12},
			{"generic", matOnly{g12}},
			{"transpose", g21.T()}, // a mat.Transpose: no raw storage
		} {
			k := Cross(act, in.g, d1, d2, rowScale, mid, colScale)
			r, c := k.Dims()
			if r != 70 || c != 9 {
				t.Fatalf("%s %s: dims %d×%d", act.Name(), in.name, r, c)
			}
			for i := range r {
				for j := range c {
					want := act.Kfun(rowScale*d1[i], mid*g12.At(i, j), colScale*d2[j])
					if got := k.At(i, j); !scalar.EqualWithinAbsOrRel(got, want, entryTol, entryTol) {
						t.Fatalf("%s %s: K[%d,%d] = %v, want %v", act.Name(), in.name, i, j, got, want)
					}
				}
			}
		}
	}
}

// TestMatrixEqualsCross: on the same inputs, the symmetric builder and the
// rectangular one must agree entry by entry (with d the diagonal of g).
func TestMatrixEqualsCross(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(1, 1))
	x := randomInputs(70, 7, rnd) // arbitrary sizes, P > 64
	g := Gram(x)
	d := make([]float64, 70)
	for i := range d {
		d[i] = g.At(i, i)
	}
	gd := mat.DenseCopyOf(g)
	const outer, mid = 0.8, 0.6 // arbitrary, outer != mid
	for _, act := range []Activation{Erf, ReLU, Tanh} {
		sym := Matrix(act, g, outer, mid)
		rect := Cross(act, gd, d, d, outer, mid, outer)
		if !mat.EqualApprox(sym, rect, entryTol) {
			t.Errorf("%s: Matrix and Cross differ on the same inputs", act.Name())
		}
	}
}

func TestBuildersCrossLengthPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("Cross with mismatched self-overlap lengths did not panic")
		}
	}()
	Cross(Erf, mat.NewDense(2, 3, nil), []float64{1, 1}, []float64{1, 1}, 1, 1, 1)
}

func TestBuildersEmpty(t *testing.T) {
	t.Parallel()
	if k := Matrix(Erf, &mat.SymDense{}, 1, 1); k.SymmetricDim() != 0 {
		t.Errorf("Matrix on empty Gram has dim %d", k.SymmetricDim())
	}
	if k := Cross(Erf, &mat.Dense{}, nil, nil, 1, 1, 1); !k.IsEmpty() {
		t.Error("Cross on empty input is not empty")
	}
}

// TestMatrixFiniteNetwork draws the first layer of a wide random network and
// checks that the empirical kernel (1/N) sum_i sigma(h_i(x)) sigma(h_i(x')),
// h_i(x) = w_i·x/sqrt(N0) with w_ij ~ N(0, 1/lambda0), matches
// Matrix(act, Gram(x), 1/lambda0, 1/lambda0) within Monte Carlo error.
func TestMatrixFiniteNetwork(t *testing.T) {
	t.Parallel()
	const (
		p       = 6   // inputs (21 distinct entries)
		n0      = 40  // input dimension
		lambda0 = 2.0 // prior precision: preactivation variance |x|²/(2 N0) ≈ 0.5
	)
	width := 40000 // hidden units: standard error ~ 0.005·K
	if testing.Short() {
		width = 5000
	}
	rnd := rand.New(rand.NewPCG(1, 1))
	x := randomInputs(p, n0, rnd)
	// Make one pair of inputs strongly correlated and one anti-correlated, so
	// that the check covers |rho| near 1 as well as rho near 0.
	for j := range n0 {
		x.Set(1, j, 0.9*x.At(0, j)+0.3*x.At(1, j))
		x.Set(2, j, -0.8*x.At(0, j)+0.5*x.At(2, j))
	}
	var worst float64 // largest deviation in standard errors, reported with -v
	for _, act := range []Activation{Erf, ReLU, Tanh} {
		sum := mat.NewSymDense(p, nil)
		sum2 := mat.NewSymDense(p, nil)
		w := make([]float64, n0)
		s := make([]float64, p)
		for range width {
			for j := range w {
				w[j] = rnd.NormFloat64() / math.Sqrt(lambda0)
			}
			for mu := range p {
				h := mat.Dot(mat.NewVecDense(n0, w), x.RowView(mu)) / math.Sqrt(n0)
				s[mu] = act.Eval(h)
			}
			for mu := range p {
				for nu := mu; nu < p; nu++ {
					v := s[mu] * s[nu]
					sum.SetSym(mu, nu, sum.At(mu, nu)+v)
					sum2.SetSym(mu, nu, sum2.At(mu, nu)+v*v)
				}
			}
		}
		k := Matrix(act, Gram(x), 1/lambda0, 1/lambda0)
		nf := float64(width)
		for mu := range p {
			for nu := mu; nu < p; nu++ {
				mean := sum.At(mu, nu) / nf
				se := math.Sqrt((sum2.At(mu, nu)/nf - mean*mean) / (nf - 1))
				worst = max(worst, math.Abs(k.At(mu, nu)-mean)/se)
				if d := math.Abs(k.At(mu, nu) - mean); d > mcSigmas*se {
					t.Errorf("%s: K[%d,%d] = %.6g, finite network (N=%d) %.6g ± %.2g", act.Name(), mu, nu, k.At(mu, nu), width, mean, se)
				}
			}
		}
	}
	t.Logf("worst deviation %.2f standard errors over 3×%d entries (N=%d)", worst, p*(p+1)/2, width)
}
