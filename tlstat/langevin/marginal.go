package langevin

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

// The readout enters the posterior as a Gaussian linear model given the first
// layer: with the features Φ = σ(X Wᵀ/√N0) (P×N),
//
//	y = Φ v/√N + noise,   v ~ N(0, I/λ1),   noise ~ N(0, T I),
//
// so v can be integrated out exactly. The marginal posterior of W is
//
//	p(W) ∝ exp(-U(W)),   U = (λ0/2)|W|² + (γ/2)|W - W_s|² + (1/2) log det G + (1/2) yᵀ G⁻¹ y,
//
// with G = T I_P + Φ Φᵀ/(λ1 N), and v given W is Gaussian with mean
// v̄ = Φᵀ a/(λ1 √N), a = G⁻¹ y, and covariance (λ1 I + ΦᵀΦ/(N T))⁻¹. A
// sampler of W alone therefore samples the exact joint posterior (v drawn
// from its conditional), without the stiff readout directions that limit
// the step size of a joint update, and every observable that is a moment of
// v given W (the test error, |v|²/N, the overlap with a source readout) can
// be averaged over v exactly (Rao–Blackwellization).
//
// Linear algebra: with B = ΦᵀΦ, the N×N form A = λ1 N T I_N + B gives
//
//	G⁻¹ = (I - Φ A⁻¹ Φᵀ)/T,   log det G = P log T + log det A - N log(λ1 N T),
//
// and the P×P form factors G itself; margProblem uses the smaller one. The
// gradient is, with M = G⁻¹ - a aᵀ (so that ∂U/∂Φ = M Φ/(λ1 N)),
//
//	∂U/∂W = ((MΦ/(λ1 N)) ⊙ σ'(H))ᵀ X/√N0 + λ0 W + γ(W - W_s),
//
// and in the N×N form G⁻¹Φ/(λ1 N) = Φ A⁻¹.

// margPoint is a first-layer point with its cached marginal potential,
// gradient and factorization.
type margPoint struct {
	w    []float64 // N×N0
	gw   []float64 // ∇U
	u    float64   // U(W)
	wn   float64   // |W|²
	h, s []float64 // P×N preactivations and features
	d, g []float64 // P×N σ'(H) and ∂U/∂H
	chol []float64 // Cholesky factor (lower, row-major) of A (N×N) or G (P×P)
	a    []float64 // G⁻¹ y (length P)
	c    []float64 // N form: A⁻¹ Φᵀ y (length N)
	e    []float64 // Φᵀ a (length N)
	tmp  []float64 // length N
	ok   bool      // the factorization succeeded (U finite)
	// ax, cx and ex are a, c and e of the outputs after the first
	// (problem.yx), nil for one output.
	ax, cx, ex [][]float64
	b32        *buf32 // float32 buffers (nil in float64)
}

// outputs returns the number of readouts D.
func (pr *problem) outputs() int { return 1 + len(pr.yx) }

// nForm reports whether the N×N form is used (N <= P).
func (pr *problem) nForm() bool { return pr.n <= pr.p }

// margDim returns the order of the factored matrix.
func (pr *problem) margDim() int {
	if pr.nForm() {
		return pr.n
	}
	return pr.p
}

func newMargPoint(pr *problem) *margPoint {
	pn := pr.p * pr.n
	k := pr.margDim()
	pt := &margPoint{
		w: make([]float64, pr.n*pr.n0), gw: make([]float64, pr.n*pr.n0),
		h: make([]float64, pn), s: make([]float64, pn), d: make([]float64, pn), g: make([]float64, pn),
		chol: make([]float64, k*k), a: make([]float64, pr.p), c: make([]float64, pr.n), e: make([]float64, pr.n), tmp: make([]float64, pr.n),
		b32: pr.newBuf32(k),
	}
	for range pr.yx {
		pt.ax = append(pt.ax, make([]float64, pr.p))
		pt.cx = append(pt.cx, make([]float64, pr.n))
		pt.ex = append(pt.ex, make([]float64, pr.n))
	}
	return pt
}

func (pt *margPoint) copyFrom(q *margPoint) {
	copy(pt.w, q.w)
	copy(pt.gw, q.gw)
	pt.u, pt.wn, pt.ok = q.u, q.wn, q.ok
	copy(pt.h, q.h)
	copy(pt.s, q.s)
	copy(pt.d, q.d)
	copy(pt.g, q.g)
	copy(pt.chol, q.chol)
	copy(pt.a, q.a)
	copy(pt.c, q.c)
	copy(pt.e, q.e)
	for k := range pt.ax {
		copy(pt.ax[k], q.ax[k])
		copy(pt.cx[k], q.cx[k])
		copy(pt.ex[k], q.ex[k])
	}
}

// margFeatures computes H = X Wᵀ/√N0, Φ = σ(H) and σ'(H).
func (pr *problem) margFeatures(pt *margPoint) {
	if pt.b32 != nil {
		pr.forward32(pt.b32, pt.w, pt.h)
	} else {
		blas64.Gemm(blas.NoTrans, blas.Trans, pr.sqrtN0inv, pr.x, general(pr.n, pr.n0, pt.w), 0, general(pr.p, pr.n, pt.h))
	}
	if b, ok := pr.act.(kernel.Batcher); ok {
		b.EvalDeriv(pt.h, pt.s, pt.d)
		return
	}
	for i, h := range pt.h {
		pt.s[i] = pr.act.Eval(h)
		pt.d[i] = pr.act.Deriv(h)
	}
}

// margEvaluate computes the marginal potential U of the point and, if grad
// is set, its gradient. A factorization failure (a non-finite point) sets
// ok = false and U = +Inf.
func (pr *problem) margEvaluate(pt *margPoint, grad bool) {
	wn, an := 0.0, 0.0
	for i, w := range pt.w {
		wn += w * w
		if pr.gamma != 0 {
			dw := w - pr.ws[i]
			an += dw * dw
		}
	}
	pt.wn = wn
	prior := pr.lambda0/2*wn + pr.gamma/2*an
	pt.ok = true
	if pr.p == 0 {
		pt.u = prior
		if grad {
			pr.margPriorGrad(pt)
		}
		return
	}
	pr.margFeatures(pt)
	n, p, t := pr.n, pr.p, pr.t
	ln := pr.lambda1 * float64(n)
	phi := general(p, n, pt.s)
	var logdet, yGy float64
	if pr.nForm() {
		// A = λ1 N T I + ΦᵀΦ, lower triangle.
		a := blas64.Symmetric{N: n, Stride: n, Uplo: blas.Lower, Data: pt.chol}
		blas64.Syrk(blas.Trans, 1, phi, 0, a)
		for i := 0; i < n; i++ {
			a.Data[i*n+i] += ln * t
		}
		ld, ok := choleskyLower(pt.chol, n)
		if !ok {
			pr.margFail(pt)
			return
		}
		// c = A⁻¹ Φᵀ y.
		blas64.Gemv(blas.Trans, 1, phi, vec(pr.y), 0, vec(pt.c))
		bc := 0.0
		yy := 0.0
		for _, v := range pr.y {
			yy += v * v
		}
		b := pt.tmp
		copy(b, pt.c)
		cholSolveVec(pt.chol, n, pt.c)
		for i, v := range b {
			bc += v * pt.c[i]
		}
		logdet = float64(p)*math.Log(t) + ld - float64(n)*math.Log(ln*t)
		yGy = (yy - bc) / t
		// a = (y - Φ c)/T.
		copy(pt.a, pr.y)
		blas64.Gemv(blas.NoTrans, -1, phi, vec(pt.c), 1, vec(pt.a))
		for i := range pt.a {
			pt.a[i] /= t
		}
		for k, y := range pr.yx {
			yGy += pr.margSolveN(phi, pt, y, pt.ax[k], pt.cx[k])
		}
	} else {
		// G = T I + ΦΦᵀ/(λ1 N).
		g := blas64.Symmetric{N: p, Stride: p, Uplo: blas.Lower, Data: pt.chol}
		blas64.Syrk(blas.NoTrans, 1/ln, phi, 0, g)
		for i := 0; i < p; i++ {
			g.Data[i*p+i] += t
		}
		ld, ok := choleskyLower(pt.chol, p)
		if !ok {
			pr.margFail(pt)
			return
		}
		copy(pt.a, pr.y)
		cholSolveVec(pt.chol, p, pt.a)
		logdet = ld
		for i, v := range pr.y {
			yGy += v * pt.a[i]
		}
		for k, y := range pr.yx {
			copy(pt.ax[k], y)
			cholSolveVec(pt.chol, p, pt.ax[k])
			for i, v := range y {
				yGy += v * pt.ax[k][i]
			}
		}
	}
	if d := pr.outputs(); d > 1 {
		// Every output has its own Gaussian readout with the same G.
		logdet *= float64(d)
	}
	pt.u = prior + logdet/2 + yGy/2
	if !finite(pt.u) {
		pr.margFail(pt)
		return
	}
	// e = Φᵀ a.
	blas64.Gemv(blas.Trans, 1, phi, vec(pt.a), 0, vec(pt.e))
	for k := range pr.yx {
		blas64.Gemv(blas.Trans, 1, phi, vec(pt.ax[k]), 0, vec(pt.ex[k]))
	}
	if !grad {
		return
	}
	d := float64(pr.outputs())
	// ∂U/∂Φ into pt.g: N form Φ A⁻¹ - a eᵀ/(λ1 N); P form (G⁻¹Φ - a eᵀ)/(λ1 N).
	copy(pt.g, pt.s)
	gm := general(p, n, pt.g)
	if pr.nForm() {
		l := blas64.Triangular{N: n, Stride: n, Uplo: blas.Lower, Diag: blas.NonUnit, Data: pt.chol}
		// Φ A⁻¹ = Φ L⁻ᵀ L⁻¹.
		if pt.b32 != nil {
			pr.solve32(pt.b32, pt.chol, n, blas.Right, pt.g)
		} else {
			blas64.Trsm(blas.Right, blas.Trans, 1, l, gm)
			blas64.Trsm(blas.Right, blas.NoTrans, 1, l, gm)
		}
		if d > 1 {
			floats.Scale(d, pt.g)
		}
		blas64.Ger(-1/ln, vec(pt.a), vec(pt.e), gm)
		for k := range pr.yx {
			blas64.Ger(-1/ln, vec(pt.ax[k]), vec(pt.ex[k]), gm)
		}
	} else {
		l := blas64.Triangular{N: p, Stride: p, Uplo: blas.Lower, Diag: blas.NonUnit, Data: pt.chol}
		// G⁻¹ Φ = L⁻ᵀ L⁻¹ Φ.
		if pt.b32 != nil {
			pr.solve32(pt.b32, pt.chol, p, blas.Left, pt.g)
		} else {
			blas64.Trsm(blas.Left, blas.NoTrans, 1, l, gm)
			blas64.Trsm(blas.Left, blas.Trans, 1, l, gm)
		}
		if d > 1 {
			floats.Scale(d, pt.g)
		}
		blas64.Ger(-1, vec(pt.a), vec(pt.e), gm)
		for k := range pr.yx {
			blas64.Ger(-1, vec(pt.ax[k]), vec(pt.ex[k]), gm)
		}
		for i := range pt.g {
			pt.g[i] /= ln
		}
	}
	for i, d := range pt.d {
		pt.g[i] *= d
	}
	pr.margPriorGrad(pt)
	if pt.b32 != nil {
		pr.backward32(pt.b32, pr.sqrtN0inv, pt.g, pt.gw)
		return
	}
	blas64.Gemm(blas.Trans, blas.NoTrans, pr.sqrtN0inv, gm, pr.x, 1, general(n, pr.n0, pt.gw))
}

// margSolveN computes, in the N×N form with A factored in pt.chol, for the
// labels y of one more output: c = A⁻¹Φᵀy, a = (y − Φc)/T, and returns
// yᵀG⁻¹y = (|y|² − (Φᵀy)·c)/T.
func (pr *problem) margSolveN(phi blas64.General, pt *margPoint, y, a, c []float64) float64 {
	n, t := pr.n, pr.t
	blas64.Gemv(blas.Trans, 1, phi, vec(y), 0, vec(c))
	b := pt.tmp
	copy(b, c)
	cholSolveVec(pt.chol, n, c)
	var yy, bc float64
	for _, v := range y {
		yy += v * v
	}
	for i, v := range b {
		bc += v * c[i]
	}
	copy(a, y)
	blas64.Gemv(blas.NoTrans, -1, phi, vec(c), 1, vec(a))
	for i := range a {
		a[i] /= t
	}
	return (yy - bc) / t
}

// margPriorGrad sets the gradient to that of the first-layer prior (and
// coupling) energy.
func (pr *problem) margPriorGrad(pt *margPoint) {
	for i, w := range pt.w {
		g := pr.lambda0 * w
		if pr.gamma != 0 {
			g += pr.gamma * (w - pr.ws[i])
		}
		pt.gw[i] = g
	}
}

func (pr *problem) margFail(pt *margPoint) {
	pt.ok = false
	pt.u = math.Inf(1)
}

// choleskyLower factors the symmetric matrix whose lower triangle is stored
// row-major in a (order n) in place as L Lᵀ and returns log det = 2 Σ log
// L_ii. It reports false if the matrix is not positive definite or not
// finite.
func choleskyLower(a []float64, n int) (float64, bool) {
	sym := blas64.Symmetric{N: n, Stride: n, Uplo: blas.Lower, Data: a}
	if _, ok := lapack64.Potrf(sym); !ok {
		return 0, false
	}
	ld := 0.0
	for i := 0; i < n; i++ {
		d := a[i*n+i]
		if !(d > 0) || math.IsInf(d, 0) {
			return 0, false
		}
		ld += math.Log(d)
	}
	return 2 * ld, true
}

// cholSolveVec overwrites b with (L Lᵀ)⁻¹ b for the lower factor L in a.
func cholSolveVec(a []float64, n int, b []float64) {
	l := blas64.Triangular{N: n, Stride: n, Uplo: blas.Lower, Diag: blas.NonUnit, Data: a}
	blas64.Trsv(blas.NoTrans, l, vec(b))
	blas64.Trsv(blas.Trans, l, vec(b))
}
