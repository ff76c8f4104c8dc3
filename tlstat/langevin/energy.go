package langevin

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

// problem is the read-only description of one posterior, shared by the
// chains that sample it.
type problem struct {
	act       kernel.Activation
	n, n0, p  int
	x         blas64.General // P×N0 training inputs (Rows = 0 without data)
	x32       blas32.General // x in float32 (Data nil unless the float32 option is on; float32.go)
	y         []float64
	yx        [][]float64 // labels of the outputs after the first (RunMulti; marginal sampler only)
	t         float64
	lambda0   float64
	lambda1   float64
	gamma     float64   // coupling to the anchor ws
	ws        []float64 // N×N0 anchor (nil when gamma = 0)
	freezeW   bool
	sqrtN     float64
	sqrtN0inv float64
}

// params is one point of parameter space: W (N×N0, row i = w_i) and v.
type params struct {
	w, v []float64
}

func newParams(n, n0 int) params {
	return params{w: make([]float64, n*n0), v: make([]float64, n)}
}

func (p params) copyFrom(q params) {
	copy(p.w, q.w)
	copy(p.v, q.v)
}

// point is a parameter point together with its cached potential, gradient
// and forward-pass buffers, so that an accept/reject step can swap two
// points without recomputation.
type point struct {
	params
	gw, gv []float64 // ∇U
	u      float64   // U = loss/T + priors
	loss   float64   // (1/2)Σ(f-y)²
	wn, vn float64   // |W|², |v|²
	h, s   []float64 // P×N preactivations and σ(h)
	d, g   []float64 // P×N σ'(h) and ∂loss/∂h
	f, r   []float64 // P outputs and residuals f - y
	sValid bool      // s (and d) are valid for the current w (frozen first layer)
	b32    *buf32    // float32 buffers (nil in float64)
}

func newPoint(pr *problem) *point {
	pn := pr.p * pr.n
	return &point{
		params: newParams(pr.n, pr.n0),
		gw:     make([]float64, pr.n*pr.n0), gv: make([]float64, pr.n),
		h: make([]float64, pn), s: make([]float64, pn),
		d: make([]float64, pn), g: make([]float64, pn),
		f: make([]float64, pr.p), r: make([]float64, pr.p), b32: pr.newBuf32(0),
	}
}

func general(rows, cols int, data []float64) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Stride: cols, Data: data}
}

func vec(x []float64) blas64.Vector { return blas64.Vector{N: len(x), Inc: 1, Data: x} }

// features computes h = X Wᵀ/√N0, s = σ(h) and d = σ'(h) for the point.
func (pr *problem) features(pt *point) {
	if pr.p == 0 || (pr.freezeW && pt.sValid) {
		return
	}
	if pt.b32 != nil {
		pr.forward32(pt.b32, pt.w, pt.h)
	} else {
		blas64.Gemm(blas.NoTrans, blas.Trans, pr.sqrtN0inv, pr.x, general(pr.n, pr.n0, pt.w), 0, general(pr.p, pr.n, pt.h))
	}
	a := pr.act
	if b, ok := a.(kernel.Batcher); ok {
		b.EvalDeriv(pt.h, pt.s, pt.d)
	} else {
		for i, h := range pt.h {
			pt.s[i] = a.Eval(h)
			pt.d[i] = a.Deriv(h)
		}
	}
	pt.sValid = true
}

// evaluate computes the potential U of the point, its loss and, if grad is
// set, the gradient ∇U. Nothing is allocated.
func (pr *problem) evaluate(pt *point, grad bool) {
	pr.features(pt)
	loss := 0.0
	if pr.p > 0 {
		s := general(pr.p, pr.n, pt.s)
		blas64.Gemv(blas.NoTrans, 1/pr.sqrtN, s, vec(pt.v), 0, vec(pt.f))
		for mu, f := range pt.f {
			r := f - pr.y[mu]
			pt.r[mu] = r
			loss += r * r
		}
		loss /= 2
	}
	pt.loss = loss
	wn, vn, an := 0.0, 0.0, 0.0
	for _, w := range pt.w {
		wn += w * w
	}
	for _, v := range pt.v {
		vn += v * v
	}
	if pr.gamma != 0 {
		for i, w := range pt.w {
			dw := w - pr.ws[i]
			an += dw * dw
		}
	}
	pt.wn, pt.vn = wn, vn
	pt.u = loss/pr.t + pr.lambda0/2*wn + pr.lambda1/2*vn + pr.gamma/2*an
	if !grad {
		return
	}
	// ∂U/∂v = Sᵀ r/(T√N) + λ1 v.
	for i, v := range pt.v {
		pt.gv[i] = pr.lambda1 * v
	}
	if pr.p > 0 {
		blas64.Gemv(blas.Trans, 1/(pr.t*pr.sqrtN), general(pr.p, pr.n, pt.s), vec(pt.r), 1, vec(pt.gv))
	}
	if pr.freezeW {
		return
	}
	// ∂U/∂W = Gᵀ X/(T√N0) + λ0 W + γ(W - Ws), with G_μi = r_μ v_i σ'(h_μi)/√N.
	for i, w := range pt.w {
		pt.gw[i] = pr.lambda0 * w
	}
	if pr.gamma != 0 {
		for i, w := range pt.w {
			pt.gw[i] += pr.gamma * (w - pr.ws[i])
		}
	}
	if pr.p > 0 {
		pr.backHidden(pt, pt.r)
		if pt.b32 != nil {
			pr.backward32(pt.b32, pr.sqrtN0inv/pr.t, pt.g, pt.gw)
			return
		}
		blas64.Gemm(blas.Trans, blas.NoTrans, pr.sqrtN0inv/pr.t, general(pr.p, pr.n, pt.g), pr.x, 1, general(pr.n, pr.n0, pt.gw))
	}
}

// backHidden fills pt.g with G_μi = u_μ v_i σ'(h_μi)/√N.
func (pr *problem) backHidden(pt *point, u []float64) {
	n := pr.n
	for mu := 0; mu < pr.p; mu++ {
		c := u[mu] / pr.sqrtN
		g := pt.g[mu*n : (mu+1)*n]
		d := pt.d[mu*n : (mu+1)*n]
		for i, v := range pt.v {
			g[i] = c * v * d[i]
		}
	}
}

// lambdaMax estimates by power iteration the largest eigenvalue of the
// Gauss–Newton matrix JᵀJ of the loss (1/2)Σ(f-y)² at the point, J being
// the P×dim Jacobian of the outputs (only the readout block if the first
// layer is frozen). It works in data space with J Jᵀ, which has the same
// nonzero spectrum. It returns 0 without data.
func (pr *problem) lambdaMax(pt *point, iters int, rng interface{ NormFloat64() float64 }) float64 {
	if pr.p == 0 {
		return 0
	}
	pr.features(pt)
	u := make([]float64, pr.p)
	ju := make([]float64, pr.p)
	aw := make([]float64, pr.n*pr.n0)
	av := make([]float64, pr.n)
	tmp := make([]float64, pr.p*pr.n)
	for i := range u {
		u[i] = rng.NormFloat64()
	}
	normalize(u)
	lam := 0.0
	for it := 0; it < iters; it++ {
		// (aw, av) = Jᵀ u.
		blas64.Gemv(blas.Trans, 1/pr.sqrtN, general(pr.p, pr.n, pt.s), vec(u), 0, vec(av))
		// ju = J (aw, av).
		blas64.Gemv(blas.NoTrans, 1/pr.sqrtN, general(pr.p, pr.n, pt.s), vec(av), 0, vec(ju))
		if !pr.freezeW {
			pr.backHidden(pt, u)
			blas64.Gemm(blas.Trans, blas.NoTrans, pr.sqrtN0inv, general(pr.p, pr.n, pt.g), pr.x, 0, general(pr.n, pr.n0, aw))
			// δh = X awᵀ/√N0; ju += (δh ⊙ σ'(h)) v/√N.
			blas64.Gemm(blas.NoTrans, blas.Trans, pr.sqrtN0inv, pr.x, general(pr.n, pr.n0, aw), 0, general(pr.p, pr.n, tmp))
			for k := range tmp {
				tmp[k] *= pt.d[k]
			}
			blas64.Gemv(blas.NoTrans, 1/pr.sqrtN, general(pr.p, pr.n, tmp), vec(pt.v), 1, vec(ju))
		}
		lam = blas64.Dot(vec(u), vec(ju))
		copy(u, ju)
		if normalize(u) == 0 {
			return 0
		}
	}
	return lam
}

func normalize(u []float64) float64 {
	s := 0.0
	for _, x := range u {
		s += x * x
	}
	s = math.Sqrt(s)
	if s == 0 {
		return 0
	}
	for i := range u {
		u[i] /= s
	}
	return s
}

// testSet holds preallocated buffers for the test-set forward pass.
type testSet struct {
	x      blas64.General // Q×N0
	y      []float64
	yx     [][]float64 // labels of the outputs after the first
	fx     []float64   // Q: their mean outputs, one at a time
	h, s   []float64   // Q×N
	f      []float64   // Q
	tmp    []float64   // workspace of the marginal sampler's test error (allocated on first use)
	sd     []float64   // Q: the marginal sampler's output standard deviations given W (allocated on first use)
	binary bool        // every label is ±1: the test accuracy is defined (see accuracy.go)
	sValid bool
}

func newTestSet(d *mat.Dense, y []float64, n int) *testSet {
	if d == nil || len(y) == 0 {
		return nil
	}
	raw := d.RawMatrix()
	q := len(y)
	return &testSet{x: blas64.General{Rows: raw.Rows, Cols: raw.Cols, Stride: raw.Stride, Data: raw.Data},
		y: y, h: make([]float64, q*n), s: make([]float64, q*n), f: make([]float64, q), binary: signLabels(y)}
}

// testError computes the outputs on the test inputs and returns their mean
// squared error.
func (pr *problem) testError(ts *testSet, pt *point) float64 {
	q := len(ts.y)
	if !(pr.freezeW && ts.sValid) {
		blas64.Gemm(blas.NoTrans, blas.Trans, pr.sqrtN0inv, ts.x, general(pr.n, pr.n0, pt.w), 0, general(q, pr.n, ts.h))
		for i, h := range ts.h {
			ts.s[i] = pr.act.Eval(h)
		}
		ts.sValid = true
	}
	blas64.Gemv(blas.NoTrans, 1/pr.sqrtN, general(q, pr.n, ts.s), vec(pt.v), 0, vec(ts.f))
	e := 0.0
	for i, f := range ts.f {
		r := f - ts.y[i]
		e += r * r
	}
	return e / float64(q)
}
