package langevin

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// margTestProblem builds a small random problem with n units, p training and
// q test points in n0 dimensions.
func margTestProblem(t *testing.T, act kernel.Activation, n, p, q, n0 int, gamma float64, seed uint64) (*problem, *testSet, *rand.Rand) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	mk := func(rows int) *data.Dataset {
		x := mat.NewDense(rows, n0, nil)
		y := make([]float64, rows)
		for i := 0; i < rows; i++ {
			for j := 0; j < n0; j++ {
				x.Set(i, j, rng.NormFloat64())
			}
			y[i] = math.Copysign(1, rng.NormFloat64())
		}
		return &data.Dataset{X: x, Y: y}
	}
	train, test := mk(p), mk(q)
	var ws []float64
	if gamma != 0 {
		ws = make([]float64, n*n0)
		for i := range ws {
			ws[i] = rng.NormFloat64()
		}
	}
	pr, err := newProblem(Network{N: n, T: 0.3, Lambda0: 1.3, Lambda1: 0.7, Act: act}, train, n0, gamma, ws, false)
	if err != nil {
		t.Fatal(err)
	}
	return pr, newTestSet(test.X, test.Y, n), rng
}

// margDense returns U and the Rao–Blackwellized observables of W computed
// with dense matrices straight from the definitions: G = T I + ΦΦᵀ/(λ1 N),
// the readout posterior precision λ1 I + ΦᵀΦ/(N T) and mean
// Σ_v Φᵀ y/(T √N), independently of the N×N / P×P forms of margEvaluate.
func margDense(pr *problem, ts *testSet, w []float64, vs []float64) (u, vnorm, train, test, overlap float64) {
	n, p, n0 := pr.n, pr.p, pr.n0
	x := mat.NewDense(p, n0, pr.x.Data)
	wm := mat.NewDense(n, n0, w)
	sigma := func(xm *mat.Dense) *mat.Dense {
		r, _ := xm.Dims()
		var h mat.Dense
		h.Mul(xm, wm.T())
		h.Scale(pr.sqrtN0inv, &h)
		out := mat.NewDense(r, n, nil)
		out.Apply(func(_, _ int, v float64) float64 { return pr.act.Eval(v) }, &h)
		return out
	}
	phi := sigma(x)
	var g mat.SymDense
	g.SymOuterK(1/(pr.lambda1*float64(n)), phi)
	for i := 0; i < p; i++ {
		g.SetSym(i, i, g.At(i, i)+pr.t)
	}
	var ch mat.Cholesky
	ch.Factorize(&g)
	yv := mat.NewVecDense(p, append([]float64(nil), pr.y...))
	var a mat.VecDense
	_ = ch.SolveVecTo(&a, yv)
	wn, an := 0.0, 0.0
	for i, v := range w {
		wn += v * v
		if pr.gamma != 0 {
			an += (v - pr.ws[i]) * (v - pr.ws[i])
		}
	}
	u = pr.lambda0/2*wn + pr.gamma/2*an + ch.LogDet()/2 + mat.Dot(yv, &a)/2
	// Readout posterior.
	var prec mat.SymDense
	prec.SymOuterK(1/(float64(n)*pr.t), phi.T())
	for i := 0; i < n; i++ {
		prec.SetSym(i, i, prec.At(i, i)+pr.lambda1)
	}
	var cv mat.Cholesky
	cv.Factorize(&prec)
	var cov mat.SymDense
	_ = cv.InverseTo(&cov)
	var rhs, mean mat.VecDense
	rhs.MulVec(phi.T(), yv)
	rhs.ScaleVec(1/(pr.t*math.Sqrt(float64(n))), &rhs)
	mean.MulVec(&cov, &rhs)
	vnorm = (mat.Dot(&mean, &mean) + mat.Trace(&cov)) / float64(n)
	// Training residual: E|Φv/√N - y|² = |Φ v̄/√N - y|² + tr(Φ Σ_v Φᵀ)/N.
	expSq := func(ph *mat.Dense, yy []float64) float64 {
		r, _ := ph.Dims()
		var f mat.VecDense
		f.MulVec(ph, &mean)
		var pc mat.Dense
		pc.Mul(ph, &cov)
		s := 0.0
		for i := 0; i < r; i++ {
			d := f.AtVec(i)/math.Sqrt(float64(n)) - yy[i]
			s += d*d + mat.Dot(pc.RowView(i), ph.RowView(i))/float64(n)
		}
		return s / float64(r)
	}
	train = expSq(phi, pr.y)
	test = expSq(sigma(mat.NewDense(len(ts.y), n0, ts.x.Data)), ts.y)
	if vs != nil {
		overlap = mat.Dot(&mean, mat.NewVecDense(n, vs)) / float64(n)
	}
	return u, vnorm, train, test, overlap
}

// TestMarginalPotential checks the marginal potential, its gradient and the
// Rao–Blackwellized observables in both linear-algebra forms (N <= P and
// N > P) against dense computations from the definitions, and the gradient
// against central finite differences.
func TestMarginalPotential(t *testing.T) {
	cases := []struct {
		name     string
		act      kernel.Activation
		n, p, n0 int
		gamma    float64
	}{
		{"N form erf", kernel.Erf, 4, 9, 5, 0},
		{"P form erf", kernel.Erf, 9, 4, 5, 0},
		{"N form relu coupled", kernel.ReLU, 5, 7, 3, 0.8},
		{"P form tanh coupled", kernel.Tanh, 8, 6, 4, 2},
		{"square", kernel.Linear, 6, 6, 4, 0},
	}
	for k, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pr, ts, rng := margTestProblem(t, c.act, c.n, c.p, 11, c.n0, c.gamma, uint64(k+1))
			pt := newMargPoint(pr)
			for i := range pt.w {
				pt.w[i] = rng.NormFloat64()
			}
			vs := make([]float64, c.n)
			for i := range vs {
				vs[i] = rng.NormFloat64()
			}
			pr.margEvaluate(pt, true)
			if !pt.ok {
				t.Fatal("factorization failed")
			}
			u, vn, tr, te, ov := margDense(pr, ts, pt.w, vs)
			// Dense and factored forms of the same expressions: rounding only.
			const tol = 1e-10
			buf := make([]float64, pr.margDim()*pr.margDim())
			gotVN, gotTr := pr.margVNormTrain(pt, pr.margTrGinv(pt, buf))
			for _, chk := range []struct {
				what      string
				got, want float64
			}{{"U", pt.u, u}, {"E|v|²/N", gotVN, vn}, {"train", gotTr, tr},
				{"test", margTE(pr, ts, pt), te}, {"overlap", pr.margOverlap(pt, vs), ov}} {
				if !scalar.EqualWithinAbsOrRel(chk.got, chk.want, tol, tol) {
					t.Errorf("%s = %.15g, dense %.15g", chk.what, chk.got, chk.want)
				}
			}
			// Central differences with h = 1e-5: truncation O(h²|U'''|) and
			// rounding O(ε|U|/h), both below 1e-7 here.
			const h = 1e-5
			q := newMargPoint(pr)
			for i := range pt.w {
				copy(q.w, pt.w)
				q.w[i] += h
				pr.margEvaluate(q, false)
				up := q.u
				q.w[i] -= 2 * h
				pr.margEvaluate(q, false)
				fd := (up - q.u) / (2 * h)
				if !scalar.EqualWithinAbsOrRel(pt.gw[i], fd, 1e-6, 1e-6) {
					t.Errorf("∂U/∂W[%d] = %.10g, finite difference %.10g", i, pt.gw[i], fd)
				}
			}
		})
	}
}

// TestMarginalReadoutDraw checks Matheron's rule: the mean and covariance of
// many draws of v | W match the dense readout posterior.
func TestMarginalReadoutDraw(t *testing.T) {
	for _, c := range []struct{ n, p int }{{4, 9}, {9, 4}} {
		pr, ts, rng := margTestProblem(t, kernel.Erf, c.n, c.p, 3, 5, 0, 5)
		pt := newMargPoint(pr)
		for i := range pt.w {
			pt.w[i] = rng.NormFloat64()
		}
		pr.margEvaluate(pt, false)
		_, vn, _, _, _ := margDense(pr, ts, pt.w, nil)
		const draws = 200000
		v := make([]float64, c.n)
		r := make([]float64, c.p)
		sum := 0.0
		var sq []float64
		for k := 0; k < draws; k++ {
			pr.margDrawReadout(pt, v, r, rng)
			s := 0.0
			for _, x := range v {
				s += x * x
			}
			sum += s / float64(c.n)
			sq = append(sq, s/float64(c.n))
		}
		mean := sum / draws
		// Standard error of the mean of |v|²/N over independent draws.
		sd := 0.0
		for _, x := range sq {
			sd += (x - mean) * (x - mean)
		}
		se := math.Sqrt(sd/(draws-1)) / math.Sqrt(draws)
		if math.Abs(mean-vn) > 4*se {
			t.Errorf("N=%d P=%d: mean |v|²/N of draws %.5f ± %.5f, exact %.5f (4 s.e.)", c.n, c.p, mean, se, vn)
		}
	}
}
