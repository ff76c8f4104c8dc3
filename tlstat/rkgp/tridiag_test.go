package rkgp

import (
	"math"
	"testing"

	"github.com/tlstat/tlstat/tlstat/fastblas"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

// eigenRef is the factorization the package used before the tridiagonal
// path: a full eigendecomposition B = U diag(eig) Uᵀ (mat.EigenSym), with
// yt = Uᵀy and mt = Uᵀm. The tests below evaluate the old eigenbasis
// formulas with it as an independent reference.
type eigenRef struct {
	eig, yt, mt []float64
	u           *mat.Dense
}

func newEigenRef(t *testing.T, sp *spectrum) *eigenRef {
	var es mat.EigenSym
	if !es.Factorize(sp.b, true) {
		t.Fatal("eigendecomposition failed")
	}
	r := &eigenRef{eig: es.Values(nil), u: &mat.Dense{}}
	for i, v := range r.eig {
		r.eig[i] = math.Max(v, 0)
	}
	es.VectorsTo(r.u)
	rot := func(v []float64) []float64 {
		var out mat.VecDense
		out.MulVec(r.u.T(), mat.NewVecDense(len(v), v))
		return out.RawVector().Data
	}
	r.yt = rot(sp.y)
	if sp.m != nil {
		r.mt = rot(sp.m)
	} else {
		r.mt = make([]float64, len(sp.y))
	}
	return r
}

// action returns S(qbar, q) and its gradient from the eigenbasis sums
// (docs/theory.md §3: one order parameter for odd activations, qbar = Q; two otherwise).
func (r *eigenRef) odd(net Network, q float64) (s, ds float64) {
	for i, e := range r.eig {
		k := e / net.Lambda1
		g := net.T + q*k
		s += math.Log(g) + r.yt[i]*r.yt[i]/g
		ds += k / g * (1 - r.yt[i]*r.yt[i]/g)
	}
	n := float64(net.N)
	return q - math.Log(q) + s/n, 1 - 1/q + ds/n
}

func (r *eigenRef) sums(net Network, qbar float64) pairSums {
	var s pairSums
	for i, e := range r.eig {
		k := e / net.Lambda1
		g := net.T + qbar*k
		y, m := r.yt[i], r.mt[i]
		s.ld += math.Log(g)
		s.yy += y * y / g
		s.mm += m * m / g
		s.my += m * y / g
		s.ldd += k / g
		s.yyd -= y * y * k / (g * g)
		s.mmd -= m * m * k / (g * g)
		s.myd -= m * y * k / (g * g)
	}
	return s
}

// TestTridiagonalReduction checks B = Z Tr Zᵀ with Z formed explicitly by
// Dorgtr, that applyZT agrees with Zᵀv, and that the Dsterf eigenvalues
// agree with those of a full eigendecomposition.
func TestTridiagonalReduction(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(37, 1, 9, 4) // P = 37 (odd, not a block multiple), N0 = 9
	for _, act := range []kernel.Activation{kernel.Erf, kernel.ReLU} {
		net := Network{N: 30, T: 0.05, Lambda0: 1.2, Lambda1: 0.8, Act: act} // arbitrary
		sp, err := newKernel(train, net)
		if err != nil {
			t.Fatal(err)
		}
		sp.tridiagonalize()
		p := len(sp.y)
		// Redo the reduction to get the reflectors, and form Z.
		var impl gonum.Implementation
		a := make([]float64, p*p)
		for i := 0; i < p; i++ {
			for j := i; j < p; j++ {
				a[i*p+j] = sp.b.At(i, j)
			}
		}
		d, e, tau := make([]float64, p), make([]float64, p-1), make([]float64, p-1)
		work := make([]float64, 64*p) // ample block workspace
		// The build's Dsytrd (gonum, or OpenBLAS with gonum's reflector
		// layout), as tridiagonalize uses; gonum's Dorgtr forms Z from it.
		fastblas.LAPACK().Dsytrd(blas.Upper, p, a, p, d, e, tau, work, len(work))
		zt := applyZT(a, p, tau, sp.y)
		impl.Dorgtr(blas.Upper, p, a, p, tau, work, len(work))
		z := mat.NewDense(p, p, a)
		tr := mat.NewDense(p, p, nil)
		for i := 0; i < p; i++ {
			tr.Set(i, i, sp.diag[i])
			if i+1 < p {
				tr.Set(i, i+1, sp.off[i])
				tr.Set(i+1, i, sp.off[i])
			}
		}
		var zb, rec mat.Dense
		zb.Mul(z, tr)
		rec.Mul(&zb, z.T())
		// 1e-12: Householder reduction is backward stable, error ~ P eps |B| with |B| ~ 10.
		if !mat.EqualApprox(&rec, sp.b, 1e-12) {
			t.Errorf("%s: Z Tr Zᵀ differs from B", act.Name())
		}
		var want mat.VecDense
		want.MulVec(z.T(), mat.NewVecDense(p, sp.y))
		for i := range zt {
			// 1e-12: an orthogonal transform of an O(1)-norm vector, rounding only.
			if !scalar.EqualWithinAbs(zt[i], want.AtVec(i), 1e-12) || !scalar.EqualWithinAbs(sp.yt[i], want.AtVec(i), 1e-12) {
				t.Errorf("%s: (Zᵀy)_%d = %v (applyZT), %v (stored), %v (Dorgtr)", act.Name(), i, zt[i], sp.yt[i], want.AtVec(i))
			}
		}
		ref := newEigenRef(t, sp)
		for i, v := range ref.eig {
			// 1e-12: eigenvalues of a symmetric matrix are perfectly conditioned, error ~ eps |B|.
			if !scalar.EqualWithinAbs(sp.eig[i], v, 1e-12) {
				t.Errorf("%s: eigenvalue %d = %v, EigenSym %v", act.Name(), i, sp.eig[i], v)
			}
		}
	}
}

// TestTridiagonalMatchesEigen compares the O(P) tridiagonal action and
// gradients with the eigenbasis formulas of the previous implementation, and
// Predict (Cholesky) with the eigenbasis predictor, to 1e-10.
func TestTridiagonalMatchesEigen(t *testing.T) {
	t.Parallel()
	train, test := synthetic(120, 17, 15, 6) // P = 120, Ptest = 17, N0 = 15
	for _, act := range []kernel.Activation{kernel.Erf, kernel.Linear, kernel.ReLU} {
		net := Network{N: 80, T: 0.03, Lambda0: 0.9, Lambda1: 1.1, Act: act} // arbitrary
		m, err := FitFixed(train, net, 1)
		if err != nil {
			t.Fatal(err)
		}
		ref := newEigenRef(t, m.sp)
		// 1e-10: both are backward-stable evaluations; cond(G) <= 1 + |K|/T ~ 1e4 at the largest q.
		const tol = 1e-10
		for _, q := range []float64{1e-3, 0.1, 0.7, 1, 3, 50, 1e3} { // five decades
			if act.Odd() {
				s, ds := ref.odd(net, q)
				if got := m.ActionAt(q); !scalar.EqualWithinAbsOrRel(got, s, tol, tol) {
					t.Errorf("%s: S(%v) = %.15g, eigenbasis %.15g", act.Name(), q, got, s)
				}
				if got := m.GradientAt(q); !scalar.EqualWithinAbsOrRel(got, ds, tol, tol) {
					t.Errorf("%s: dS/dQ(%v) = %.15g, eigenbasis %.15g", act.Name(), q, got, ds)
				}
			}
			if act.Odd() {
				continue
			}
			got, want := m.sp.sums(net, q), ref.sums(net, q)
			for i, pair := range [][2]float64{
				{got.ld, want.ld}, {got.yy, want.yy}, {got.mm, want.mm}, {got.my, want.my},
				{got.ldd, want.ldd}, {got.yyd, want.yyd}, {got.mmd, want.mmd}, {got.myd, want.myd},
			} {
				if !scalar.EqualWithinAbsOrRel(pair[0], pair[1], tol, tol) {
					t.Errorf("%s: pair sum %d at Qbar = %v: %.15g, eigenbasis %.15g", act.Name(), i, q, pair[0], pair[1])
				}
			}
		}
		fit, err := Fit(train, net, nil)
		if err != nil {
			t.Fatal(err)
		}
		mean, variance, err := fit.Predict(test.X)
		if err != nil {
			t.Fatal(err)
		}
		wm, wv := ref.predict(fit, test.X)
		for j := range mean {
			if !scalar.EqualWithinAbsOrRel(mean[j], wm[j], tol, tol) || !scalar.EqualWithinAbsOrRel(variance[j], wv[j], tol, tol) {
				t.Errorf("%s point %d: (%.15g, %.15g), eigenbasis (%.15g, %.15g)", act.Name(), j, mean[j], variance[j], wm[j], wv[j])
			}
		}
		// The NNGP model shares the reduction but needs its own Cholesky factor.
		nn := fit.NNGP()
		mean, variance, err = nn.Predict(test.X)
		if err != nil {
			t.Fatal(err)
		}
		wm, wv = ref.predict(nn, test.X)
		for j := range mean {
			if !scalar.EqualWithinAbsOrRel(mean[j], wm[j], tol, tol) || !scalar.EqualWithinAbsOrRel(variance[j], wv[j], tol, tol) {
				t.Errorf("%s NNGP point %d: (%.15g, %.15g), eigenbasis (%.15g, %.15g)", act.Name(), j, mean[j], variance[j], wm[j], wv[j])
			}
		}
		// Changing an exported order parameter after a prediction must not
		// reuse the stale factor.
		fit.Q *= 1.5
		mean, _, err = fit.Predict(test.X)
		if err != nil {
			t.Fatal(err)
		}
		wm, _ = ref.predict(fit, test.X)
		if !scalar.EqualWithinAbsOrRel(mean[0], wm[0], tol, tol) {
			t.Errorf("%s after changing Q: mean %.15g, eigenbasis %.15g", act.Name(), mean[0], wm[0])
		}
	}
}

// predict is the eigenbasis predictor of the previous implementation
// (docs/theory.md §3, Sherman–Morrison for the rank-one mean part).
func (r *eigenRef) predict(m *Model, x *mat.Dense) (mean, variance []float64) {
	sp := m.sp
	p := len(r.eig)
	cs := 1 / sp.lambda0
	g12, _ := kernel.CrossGram(sp.x, x)
	d0 := kernel.SqNorms(x)
	k0 := kernel.Cross(sp.act, g12, sp.norms, d0, cs, cs, cs)
	s, c := m.scales()
	b := len(d0)
	mean, variance = make([]float64, b), make([]float64, b)
	var z mat.Dense
	z.Mul(r.u.T(), k0)
	a := make([]float64, p)
	var amy, amm float64
	for i, e := range r.eig {
		a[i] = 1 / (m.Net.T + s*e)
		amy += r.mt[i] * r.yt[i] * a[i]
		amm += r.mt[i] * r.mt[i] * a[i]
	}
	d := 1 + c*amm
	for j, dj := range d0 {
		kappa := sp.act.Kfun(cs*dj, cs*dj, cs*dj)
		var m0 float64
		if sp.m != nil {
			m0 = sp.act.Mean(cs * dj)
		}
		kappa = s*(kappa-m0*m0) + c*m0*m0
		// Uᵀ k_R0 = s Uᵀk0 + (c - s) m0 Uᵀm.
		var zy, zz, zm float64
		for i := 0; i < p; i++ {
			v := s*z.At(i, j) + (c-s)*m0*r.mt[i]
			zy += v * a[i] * r.yt[i]
			zz += v * v * a[i]
			zm += v * a[i] * r.mt[i]
		}
		mean[j] = zy - c*zm*amy/d
		variance[j] = kappa - (zz - c*zm*zm/d)
	}
	return mean, variance
}

// TestFactorizationPaths checks that the two ways of building the spectrum,
// Householder tridiagonalization (default) and full diagonalization (used
// with the OpenBLAS backend), give the same action, gradient and pair sums.
func TestFactorizationPaths(t *testing.T) {
	t.Parallel()
	train, _ := synthetic(60, 1, 11, 8) // P = 60, N0 = 11
	for _, act := range []kernel.Activation{kernel.Erf, kernel.ReLU} {
		net := Network{N: 45, T: 0.04, Lambda0: 1.1, Lambda1: 0.95, Act: act} // arbitrary
		tri, err := newKernel(train, net)
		if err != nil {
			t.Fatal(err)
		}
		tri.tridiagonalize()
		dia, err := newKernel(train, net)
		if err != nil {
			t.Fatal(err)
		}
		if err := dia.diagonalize(); err != nil {
			t.Fatal(err)
		}
		for _, q := range []float64{0.01, 1, 40} { // four decades
			// 1e-10: both backward stable; cond(G) <= 1 + |K|/T ~ 1e4 at q = 40.
			const tol = 1e-10
			if a, b := tri.actionOdd(net, q), dia.actionOdd(net, q); !scalar.EqualWithinAbsOrRel(a, b, tol, tol) {
				t.Errorf("%s: S(%v) = %.15g (tridiagonal), %.15g (diagonal)", act.Name(), q, a, b)
			}
			if a, b := tri.gradOdd(net, q), dia.gradOdd(net, q); !scalar.EqualWithinAbsOrRel(a, b, tol, tol) {
				t.Errorf("%s: dS/dQ(%v) = %.15g (tridiagonal), %.15g (diagonal)", act.Name(), q, a, b)
			}
			if act.Odd() {
				continue
			}
			a, b := tri.actionPair(net, q, 0.3), dia.actionPair(net, q, 0.3) // Q = 0.3 arbitrary
			if !scalar.EqualWithinAbsOrRel(a, b, tol, tol) {
				t.Errorf("%s: S(%v, 0.3) = %.15g (tridiagonal), %.15g (diagonal)", act.Name(), q, a, b)
			}
			a1, a2 := tri.gradPair(net, q, 0.3)
			b1, b2 := dia.gradPair(net, q, 0.3)
			if !scalar.EqualWithinAbsOrRel(a1, b1, tol, tol) || !scalar.EqualWithinAbsOrRel(a2, b2, tol, tol) {
				t.Errorf("%s: dS(%v, 0.3) = (%.15g, %.15g) (tridiagonal), (%.15g, %.15g) (diagonal)", act.Name(), q, a1, a2, b1, b2)
			}
		}
	}
}

// TestPredictConcurrent calls Predict from several goroutines on a fresh
// model, so that they race for the lazily built Cholesky factor (run with
// -race), and checks that all get the same answer as a sequential call.
func TestPredictConcurrent(t *testing.T) {
	t.Parallel()
	train, test := synthetic(40, 9, 7, 3) // P = 40, Ptest = 9, N0 = 7: small
	net := Network{N: 30, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.ReLU}
	m, err := FitFixedPair(train, net, 1.3, 0.4) // arbitrary order parameters
	if err != nil {
		t.Fatal(err)
	}
	const workers = 4
	means := make([][]float64, workers)
	errs := make([]error, workers)
	done := make(chan int)
	for w := 0; w < workers; w++ {
		go func(w int) {
			means[w], _, errs[w] = m.Predict(test.X)
			done <- w
		}(w)
	}
	for range workers {
		<-done
	}
	seq, err := FitFixedPair(train, net, 1.3, 0.4)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := seq.Predict(test.X)
	if err != nil {
		t.Fatal(err)
	}
	for w := range workers {
		if errs[w] != nil {
			t.Fatal(errs[w])
		}
		for j, v := range means[w] {
			// Same factorization and same operations: identical results.
			if v != want[j] {
				t.Errorf("worker %d, point %d: mean %v, sequential %v", w, j, v, want[j])
			}
		}
	}
}
