package langevin

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// randomData returns p Gaussian inputs of dimension n0 with ±1 labels.
func randomData(p, n0 int, rng *rand.Rand) *data.Dataset {
	x := mat.NewDense(p, n0, nil)
	y := make([]float64, p)
	for i := 0; i < p; i++ {
		for j := 0; j < n0; j++ {
			x.Set(i, j, rng.NormFloat64())
		}
		y[i] = 1
		if rng.IntN(2) == 0 {
			y[i] = -1
		}
	}
	return &data.Dataset{X: x, Y: y}
}

// TestGradientFiniteDifference compares ∇U with central differences for
// every activation, with and without the transfer coupling.
func TestGradientFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n, n0, p = 5, 4, 6 // small enough to check every component
	train := randomData(p, n0, rng)
	ws := make([]float64, n*n0)
	for i := range ws {
		ws[i] = rng.NormFloat64()
	}
	for _, a := range []kernel.Activation{kernel.Erf, kernel.Tanh, kernel.Linear, kernel.ReLU} {
		for _, gamma := range []float64{0, 1.7} { // 1.7: an arbitrary non-zero coupling
			net := Network{N: n, T: 0.3, Lambda0: 1.1, Lambda1: 0.7, Act: a} // arbitrary non-unit values
			var anchor []float64
			if gamma != 0 {
				anchor = ws
			}
			pr, err := newProblem(net, train, n0, gamma, anchor, false)
			if err != nil {
				t.Fatal(err)
			}
			pt := newPoint(pr)
			priorDraw(pt.params, 1, 1, rng)
			pr.evaluate(pt, true)
			q := newPoint(pr)
			const h = 1e-6 // central-difference step: truncation O(h²), rounding O(1e-16/h)
			check := func(name string, x []float64, g []float64) {
				for i := range x {
					q.copyFrom(pt.params)
					xs := q.w
					if name == "v" {
						xs = q.v
					}
					xs[i] = x[i] + h
					q.sValid = false
					pr.evaluate(q, false)
					up := q.u
					xs[i] = x[i] - h
					q.sValid = false
					pr.evaluate(q, false)
					fd := (up - q.u) / (2 * h)
					// 1e-6: well above the O(h²) + O(ε/h) error of the difference.
					if !scalar.EqualWithinAbsOrRel(g[i], fd, 1e-6, 1e-6) {
						t.Errorf("%s gamma=%v: dU/d%s[%d] = %v, finite difference %v", a.Name(), gamma, name, i, g[i], fd)
					}
				}
			}
			check("w", pt.w, pt.gw)
			check("v", pt.v, pt.gv)
		}
	}
}

// TestLambdaMax compares the power-iteration estimate with the largest
// eigenvalue of J Jᵀ built column by column from finite differences of f.
func TestLambdaMax(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	const n, n0, p = 6, 5, 7 // small: the dense Jacobian has p × (n n0 + n) entries
	train := randomData(p, n0, rng)
	for _, freeze := range []bool{false, true} {
		pr, _ := newProblem(Network{N: n, T: 1, Lambda0: 1, Lambda1: 1}, train, n0, 0, nil, freeze)
		pt := newPoint(pr)
		priorDraw(pt.params, 1, 1, rng)
		got := pr.lambdaMax(pt, 500, rng) // 500 iterations: converged for a 7×7 matrix
		dim := n*n0 + n
		jac := mat.NewDense(p, dim, nil)
		q := newPoint(pr)
		const h = 1e-6 // central-difference step
		for k := 0; k < dim; k++ {
			if freeze && k < n*n0 {
				continue
			}
			f := func(s float64) []float64 {
				q.copyFrom(pt.params)
				if k < n*n0 {
					q.w[k] += s
				} else {
					q.v[k-n*n0] += s
				}
				q.sValid = false
				pr.evaluate(q, false)
				return append([]float64(nil), q.f...)
			}
			fp, fm := f(h), f(-h)
			for mu := 0; mu < p; mu++ {
				jac.Set(mu, k, (fp[mu]-fm[mu])/(2*h))
			}
		}
		var jj mat.SymDense
		jj.SymOuterK(1, jac)
		var eig mat.EigenSym
		if !eig.Factorize(&jj, false) {
			t.Fatal("eigendecomposition failed")
		}
		vals := eig.Values(nil)
		want := vals[len(vals)-1]
		// 1e-6: finite-difference Jacobian error, far below the spectral gap.
		if !scalar.EqualWithinAbsOrRel(got, want, 1e-6, 1e-6) {
			t.Errorf("freeze=%v: power iteration λmax = %v, dense = %v", freeze, got, want)
		}
	}
	_ = math.Pi
}

// TestNoAllocation checks that the potential-and-gradient evaluation, the
// hot path of every step, allocates nothing of its own. It runs on gonum's
// BLAS at sizes where gonum's Gemm runs serially (its parallel path for
// large matrices allocates a few bookkeeping objects per call, and the
// OpenBLAS binding, a foreign call without cgo, a few dozen small ones; see
// BenchmarkEvaluate).
func TestNoAllocation(t *testing.T) {
	defer blas64.Use(blas64.Implementation())
	blas64.Use(gonum.Implementation{})
	rng := rand.New(rand.NewPCG(20, 20))
	train := randomData(30, 20, rng)
	pr, _ := newProblem(Network{N: 40, T: 0.1, Lambda0: 1, Lambda1: 1}, train, 20, 0.5, make([]float64, 40*20), false)
	pt := newPoint(pr)
	priorDraw(pt.params, 1, 1, rng)
	if a := testing.AllocsPerRun(20, func() { pr.evaluate(pt, true) }); a != 0 {
		t.Errorf("evaluate allocates %v times per call", a)
	}
}

// BenchmarkEvaluate measures one forward and backward pass at the
// reference size N0 = 196, N = 400, P = 400 (random inputs).
func BenchmarkEvaluate(b *testing.B) {
	rng := rand.New(rand.NewPCG(21, 21))
	train := randomData(400, 196, rng)
	pr, _ := newProblem(Network{N: 400, T: 0.05, Lambda0: 1, Lambda1: 1}, train, 196, 0, nil, false)
	pt := newPoint(pr)
	priorDraw(pt.params, 1, 1, rng)
	b.ReportAllocs()
	for b.Loop() {
		pr.evaluate(pt, true)
	}
}
