package rkgp

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// TestMatrixFreeKernelProduct checks the blocked, upper-triangle kernel
// product against the dense kernel built entry by entry, for block sizes that
// do and do not divide P. Tolerance 1e-12 relative to |K||V|: the two differ
// only in the order of float64 sums of 150 terms.
func TestMatrixFreeKernelProduct(t *testing.T) {
	train, _ := synthetic(150, 1, 20, 3)
	k, _, _, _, _ := denseKernels(kernel.Erf, 1.5, train.X, nil)
	rng := rand.New(rand.NewPCG(1, 1))
	v := mat.NewDense(150, 3, nil)
	for i := 0; i < 150; i++ {
		for j := 0; j < 3; j++ {
			v.Set(i, j, rng.NormFloat64())
		}
	}
	var want mat.Dense
	want.Mul(k, v)
	for _, block := range []int{1, 7, 64, 150, 1000} {
		op := newMFKernel(train.X, kernel.Erf, 1.5, block)
		got := mat.NewDense(150, 3, nil)
		if err := op.mul(got, v); err != nil {
			t.Fatal(err)
		}
		scale := mat.Norm(k, 2) * mat.Norm(v, 2)
		var d mat.Dense
		d.Sub(got, &want)
		if e := mat.Norm(&d, 2) / scale; e > 1e-12 {
			t.Errorf("block %d: |K v - dense|/(|K||v|) = %g", block, e)
		}
	}
}

// TestMatrixFreePivotedCholesky checks that the pivoted Cholesky factor at
// full rank reproduces K (1e-10 relative: rounding of P = 60 eliminations)
// and that the trace left out at low rank is the trace of K - L Lᵀ.
func TestMatrixFreePivotedCholesky(t *testing.T) {
	train, _ := synthetic(60, 1, 10, 4)
	k, _, _, _, _ := denseKernels(kernel.Erf, 1, train.X, nil)
	op := newMFKernel(train.X, kernel.Erf, 1, 16)
	for _, rank := range []int{60, 12} {
		pc, err := newPivChol(op, rank)
		if err != nil {
			t.Fatal(err)
		}
		var d mat.Dense
		d.Mul(pc.l, pc.l.T())
		d.Sub(k, &d)
		if rank == 60 {
			if e := mat.Norm(&d, 2) / mat.Norm(k, 2); e > 1e-10 {
				t.Errorf("full rank: |K - LLᵀ|/|K| = %g", e)
			}
			continue
		}
		if tr := mat.Trace(&d); math.Abs(tr-pc.resid) > 1e-10*pc.trace {
			t.Errorf("rank %d: trace(K - LLᵀ) = %g, kept %g", rank, tr, pc.resid)
		}
	}
}

// TestMatrixFreeCG checks the true residual of preconditioned conjugate
// gradients against the dense G, for several right-hand sides, a weak and a
// strong preconditioner, and a tolerance met (the dense residual must be
// below 2·tol: the reported residual is the recomputed one).
func TestMatrixFreeCG(t *testing.T) {
	train, _ := synthetic(200, 1, 15, 5)
	k, _, _, _, _ := denseKernels(kernel.Erf, 1, train.X, nil)
	op := newMFKernel(train.X, kernel.Erf, 1, 64)
	const temp, s, tol = 0.01, 1.7, 1e-9
	g := mat.DenseCopyOf(k)
	g.Scale(s, g)
	for i := 0; i < 200; i++ {
		g.Set(i, i, g.At(i, i)+temp)
	}
	rng := rand.New(rand.NewPCG(2, 2))
	b := mat.NewDense(200, 4, nil)
	for i := 0; i < 200; i++ {
		for j := 0; j < 4; j++ {
			b.Set(i, j, rng.NormFloat64())
		}
	}
	for _, rank := range []int{5, 50} {
		pc, err := newPivChol(op, rank)
		if err != nil {
			t.Fatal(err)
		}
		pre, err := pc.precond(temp, s)
		if err != nil {
			t.Fatal(err)
		}
		x, res, err := cgSolve(op, pre, temp, s, b, nil, tol, 500)
		if err != nil {
			t.Fatal(err)
		}
		var r mat.Dense
		r.Mul(g, x)
		r.Sub(b, &r)
		rn, bn := colNorms(&r), colNorms(b)
		for j := range rn {
			if rn[j]/bn[j] > 2*tol || rn[j]/bn[j] > 2*res.Residual+1e-15 {
				t.Errorf("rank %d, column %d: dense residual %g, reported %g, tolerance %g", rank, j, rn[j]/bn[j], res.Residual, tol)
			}
		}
		t.Logf("rank %d: %d iterations", rank, res.Iterations)
	}
}

// TestMatrixFreeSLQ checks stochastic Lanczos quadrature against dense
// eigenvalues on a small case: (i) run to P steps from one vector the rule
// is exact, so vᵀ log(G) v must match the dense form to 1e-8 relative
// (rounding of P = 120 reorthogonalized steps); (ii) the control-variate
// estimate of log det G at several Q must lie within 4 standard errors of
// the probe spread of the dense value (a 4-sigma band fails by chance with
// probability below 1e-4 per value).
func TestMatrixFreeSLQ(t *testing.T) {
	const p = 120
	train, _ := synthetic(p, 1, 12, 6)
	k, _, _, _, _ := denseKernels(kernel.Erf, 1, train.X, nil)
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(p, k.RawMatrix().Data), true) {
		t.Fatal("dense eigendecomposition failed")
	}
	eig := es.Values(nil)
	var u mat.Dense
	es.VectorsTo(&u)
	op := newMFKernel(train.X, kernel.Erf, 1, 32)
	pc, err := newPivChol(op, 10)
	if err != nil {
		t.Fatal(err)
	}
	lr, err := pc.lowRank()
	if err != nil {
		t.Fatal(err)
	}
	const n = 30
	rng := rand.New(rand.NewPCG(3, 3))
	z := mat.NewDense(p, n, nil)
	for i := 0; i < p; i++ {
		for j := 0; j < n; j++ {
			z.Set(i, j, float64(2*int(rng.Uint64()&1)-1))
		}
	}
	quads, steps, err := lanczos(op, z, p, p, func([]lanczosQuad, int) (bool, error) { return false, nil })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d Lanczos steps", steps)
	c2 := lr.coeffs(z)
	const temp = 0.05
	for _, s := range []float64{0.3, 1, 4} {
		f := func(x float64) float64 { return math.Log(temp + s*max(x, 0)) }
		var exact float64
		for _, e := range eig {
			exact += f(e)
		}
		// (i) exact rule for the first probe.
		var uz mat.VecDense
		uz.MulVec(u.T(), z.ColView(0))
		var form float64
		for i, e := range eig {
			form += uz.AtVec(i) * uz.AtVec(i) * f(e)
		}
		if got := quads[0].eval(f); math.Abs(got-form) > 1e-8*math.Abs(form) {
			t.Errorf("s = %g: Lanczos quadrature zᵀ log G z = %.12g, dense %.12g", s, got, form)
		}
		// (ii) the control-variate estimate.
		est := make([]float64, n)
		var mean float64
		for i := range est {
			est[i] = lr.trace(f) + quads[i].eval(f) - lr.form(c2[i], p, f)
			mean += est[i] / n
		}
		var v float64
		for _, e := range est {
			v += (e - mean) * (e - mean) / (n - 1)
		}
		se := math.Sqrt(v / n)
		if math.Abs(mean-exact) > 4*se+1e-9*math.Abs(exact) {
			t.Errorf("s = %g: SLQ log det G = %.8g ± %.2g, dense %.8g", s, mean, se, exact)
		}
		t.Logf("s = %g: SLQ log det G = %.8g ± %.2g, dense %.8g", s, mean, se, exact)
	}
}

// TestMatrixFreeDense compares the matrix-free fit with the dense one on
// the binary MNIST task ({0,2,4,6} vs {1,3,5,7}, pool 2) at P = 2000,
// N = 1000, T = 0.05: Q and the test error (200 test images) must agree
// within 1e-3 relative (the accuracy asked of the matrix-free path), and
// the reported standard error of Q must cover the difference within 4
// standard errors.
func TestMatrixFreeDense(t *testing.T) {
	if testing.Short() {
		t.Skip("a P = 2000 fit: about 20 s on an idle 2-core machine")
	}
	train, test, err := data.MNISTTask([]int{0, 2, 4, 6}, []int{1, 3, 5, 7}, 2000, 200, 2)
	if err != nil {
		t.Fatal(err)
	}
	net := Network{N: 1000, T: 0.05, Lambda0: 1, Lambda1: 1}
	d, err := Fit(train, net, nil)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := d.Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	m, err := FitMatrixFree(train, net, &MatrixFreeSettings{Rank: 1000, Probes: 32, LanczosTol: 1e-2})
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Q: dense %.8g, matrix-free %.8g ± %.2g (%d Lanczos steps, %d Newton steps, CG %d iterations, residual %.2g, rank %d leaves %.2g of tr K, %d sweeps)",
		d.Q, m.Q, m.QStdErr, m.LanczosSteps, m.NewtonSteps, m.CGIterations, m.CGResidual, m.Rank, m.PrecondTrace, m.Sweeps)
	t.Logf("test error: dense %.8g, matrix-free %.8g ± %.2g (test CG %d iterations, residual %.2g)", rd.Total, r.Total, r.StdErr, r.CGIterations, r.CGResidual)
	if e := math.Abs(m.Q-d.Q) / d.Q; e > 1e-3 {
		t.Errorf("Q: relative difference %.3g", e)
	}
	if math.Abs(m.Q-d.Q) > 4*m.QStdErr {
		t.Errorf("Q: difference %.3g is more than 4 reported standard errors (%.3g)", m.Q-d.Q, m.QStdErr)
	}
	if e := math.Abs(r.Total-rd.Total) / rd.Total; e > 1e-3 {
		t.Errorf("test error: relative difference %.3g", e)
	}
	if !m.Converged || m.CGResidual > 1e-7 || r.CGResidual > 1e-7 {
		t.Errorf("converged %v, CG residuals %.3g (fit) and %.3g (test), tolerance 1e-8", m.Converged, m.CGResidual, r.CGResidual)
	}
}

// TestMatrixFreeErrors checks that bad input is reported with the
// offending value.
func TestMatrixFreeErrors(t *testing.T) {
	train, test := synthetic(40, 5, 6, 7)
	net := Network{N: 40, T: 0.1, Lambda0: 1, Lambda1: 1}
	var se *MatrixFreeSettingsError
	for _, s := range []MatrixFreeSettings{{Probes: 1}, {CGTol: -1}, {QMin: 10, QMax: 1}, {LanczosTol: math.NaN()}, {Rank: -3}} {
		if _, err := FitMatrixFree(train, net, &s); !errors.As(err, &se) {
			t.Errorf("settings %+v: error %v, want a MatrixFreeSettingsError", s, err)
		}
	}
	if _, err := FitMatrixFree(nil, net, nil); err == nil {
		t.Error("nil training set: no error")
	}
	if _, err := FitMatrixFree(train, Network{N: 40, T: -1, Lambda0: 1, Lambda1: 1}, nil); err == nil {
		t.Error("negative temperature: no error")
	}
	if _, err := FitMatrixFree(train, Network{N: 40, T: 0.1, Lambda0: 1, Lambda1: 1, Act: kernel.ReLU}, nil); err == nil {
		t.Error("ReLU: no error")
	}
	m, err := FitMatrixFree(train, net, &MatrixFreeSettings{Rank: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.At(-1); err == nil {
		t.Error("At(-1): no error")
	}
	if _, _, err := m.Predict(mat.NewDense(2, 5, nil)); err == nil {
		t.Error("test inputs of the wrong dimension: no error")
	}
	bad := mat.DenseCopyOf(test.X)
	bad.Set(1, 2, math.NaN())
	if _, _, err := m.Predict(bad); err == nil {
		t.Error("NaN test input: no error")
	}
	if _, err := m.Risk(nil); err == nil {
		t.Error("nil test set: no error")
	}
}
