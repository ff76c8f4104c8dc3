package langevin

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// Observables of a first-layer point averaged exactly over the readout's
// conditional law v | W ~ N(v̄, Σ_v) (see marginal.go; with several outputs
// each has its own mean v̄_d from a_d = G⁻¹y_d and the same Σ_v, and every
// observable is the mean over the outputs), with
// v̄ = Φᵀa/(λ1√N) and Σ_v/N = (I - ΦᵀG⁻¹Φ/(λ1 N))/(λ1 N):
//
//	E|v|²/N           = |Φᵀa|²/(λ1 N)² + (1 - (P - T tr G⁻¹)/N)/λ1
//	E(1/P)Σ(f - y)²   = (T²|a|² + T (P - T tr G⁻¹))/P
//	E(f(x0) - y0)²    = (φ0ᵀ v̄/√N - y0)² + φ0ᵀ Σ_v φ0/N
//	E v·v_s/N         = v̄·v_s/N
//
// where φ0 = σ(W x0/√N0). The residual on the training set is f̄ - y = -T a.

// margObs computes tr G⁻¹ of the point from its Cholesky factor (O(k³/3)
// for the factored order k), using buf (k×k) as workspace.
func (pr *problem) margTrGinv(pt *margPoint, buf []float64) float64 {
	k := pr.margDim()
	copy(buf, pt.chol)
	tri := blas64.Triangular{N: k, Stride: k, Uplo: blas.Lower, Diag: blas.NonUnit, Data: buf}
	if ok := lapack64.Trtri(tri); !ok {
		return math.NaN()
	}
	// tr (L Lᵀ)⁻¹ = |L⁻¹|²_F.
	s := 0.0
	for i := 0; i < k; i++ {
		for _, v := range buf[i*k : i*k+i+1] {
			s += v * v
		}
	}
	if pr.nForm() {
		// tr G⁻¹ = (P - N + λ1 N T tr A⁻¹)/T.
		ln := pr.lambda1 * float64(pr.n)
		return (float64(pr.p) - float64(pr.n) + ln*pr.t*s) / pr.t
	}
	return s
}

// margVNormTrain returns E|v|²/N and the expected mean squared training
// residual, given tr G⁻¹.
func (pr *problem) margVNormTrain(pt *margPoint, trGinv float64) (vnorm, train float64) {
	n, p, t := float64(pr.n), float64(pr.p), pr.t
	ln := pr.lambda1 * n
	ee, aa := 0.0, 0.0
	for _, v := range pt.e {
		ee += v * v
	}
	for _, v := range pt.a {
		aa += v * v
	}
	if pr.p == 0 {
		return 1 / pr.lambda1, math.NaN()
	}
	if d := pr.outputs(); d > 1 {
		// Means over the outputs.
		for k := range pr.yx {
			for _, v := range pt.ex[k] {
				ee += v * v
			}
			for _, v := range pt.ax[k] {
				aa += v * v
			}
		}
		ee /= float64(d)
		aa /= float64(d)
	}
	vnorm = ee/(ln*ln) + (1-(p-t*trGinv)/n)/pr.lambda1
	train = (t*t*aa + t*(p-t*trGinv)) / p
	return vnorm, train
}

// margTestError returns the test error of the point averaged over v | W,
// and the test accuracy averaged the same way (accuracy.go; NaN when not
// defined). It uses the test set's buffers (ts.h, ts.s: Q×N; ts.f, ts.sd:
// Q; ts.tmp: Q×k) and leaves the mean outputs in ts.f and their standard
// deviations given W in ts.sd.
func (pr *problem) margTestError(ts *testSet, pt *margPoint) (testError, accuracy float64) {
	q, n := len(ts.y), pr.n
	if need := q * max(n, pr.p); len(ts.tmp) < need {
		ts.tmp = make([]float64, need)
	}
	if len(ts.sd) != q {
		ts.sd = make([]float64, q)
	}
	blas64.Gemm(blas.NoTrans, blas.Trans, pr.sqrtN0inv, ts.x, general(n, pr.n0, pt.w), 0, general(q, n, ts.h))
	for i, h := range ts.h {
		ts.s[i] = pr.act.Eval(h)
	}
	phi0 := general(q, n, ts.s)
	ln := pr.lambda1 * float64(n)
	if pr.p == 0 {
		// Prior: v̄ = 0, Σ_v = I/λ1.
		e := 0.0
		for i, y := range ts.y {
			row := ts.s[i*n : (i+1)*n]
			s := 0.0
			for _, v := range row {
				s += v * v
			}
			e += y*y + s/ln
			ts.f[i], ts.sd[i] = 0, math.Sqrt(s/ln)
		}
		return e / float64(q), ts.expectedAccuracy()
	}
	// Mean: f̄0 = Φ0 Φᵀa/(λ1 N) = Φ0 e/(λ1 N).
	blas64.Gemv(blas.NoTrans, 1/ln, phi0, vec(pt.e), 0, vec(ts.f))
	var sum float64
	for i, y := range ts.y {
		r := ts.f[i] - y
		sum += r * r
	}
	var extra float64 // the other outputs' squared residuals
	if len(ts.yx) > 0 && len(ts.fx) != q {
		ts.fx = make([]float64, q)
	}
	for k, yk := range ts.yx {
		blas64.Gemv(blas.NoTrans, 1/ln, phi0, vec(pt.ex[k]), 0, vec(ts.fx))
		for i, y := range yk {
			r := ts.fx[i] - y
			extra += r * r
		}
	}
	if d := len(ts.yx) + 1; d > 1 {
		// The variance below is that of every output: the mean over
		// outputs adds extra/d to sum/d.
		sum /= float64(d)
		extra /= float64(d)
		sum += extra
	}
	// Variance of each output, φ0ᵀ Σ_v φ0/N, into ts.sd.
	if pr.nForm() {
		// φ0ᵀ Σ_v φ0/N = T φ0ᵀ A⁻¹ φ0 = T |L⁻¹φ0|²: rows of Φ0 L⁻ᵀ.
		v := general(q, n, ts.tmp[:q*n])
		copy(v.Data, ts.s)
		l := blas64.Triangular{N: n, Stride: n, Uplo: blas.Lower, Diag: blas.NonUnit, Data: pt.chol}
		blas64.Trsm(blas.Right, blas.Trans, 1, l, v)
		for i := range ts.sd {
			s := 0.0
			for _, x := range v.Data[i*n : (i+1)*n] {
				s += x * x
			}
			ts.sd[i] = pr.t * s
		}
	} else {
		// (|φ0|² - |L⁻¹Φφ0|²/(λ1 N))/(λ1 N): columns of L⁻¹ Φ Φ0ᵀ.
		p := pr.p
		z := general(p, q, ts.tmp[:p*q])
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, general(p, n, pt.s), phi0, 0, z)
		l := blas64.Triangular{N: p, Stride: p, Uplo: blas.Lower, Diag: blas.NonUnit, Data: pt.chol}
		blas64.Trsm(blas.Left, blas.NoTrans, 1, l, z)
		for i := range ts.sd {
			s := 0.0
			for _, x := range ts.s[i*n : (i+1)*n] {
				s += x * x
			}
			ts.sd[i] = s / ln
		}
		for j := 0; j < p; j++ {
			for i, x := range z.Data[j*q : (j+1)*q] {
				ts.sd[i] -= x * x / (ln * ln)
			}
		}
	}
	for i, v := range ts.sd {
		sum += v
		ts.sd[i] = math.Sqrt(math.Max(v, 0))
	}
	return sum / float64(q), ts.expectedAccuracy()
}

// margOverlap returns E v·v_s/N = v̄·v_s/N for an anchor readout v_s.
func (pr *problem) margOverlap(pt *margPoint, vs []float64) float64 {
	ln := pr.lambda1 * float64(pr.n)
	s := 0.0
	for i, e := range pt.e {
		s += e * vs[i]
	}
	return s / (ln * math.Sqrt(float64(pr.n)))
}

// margDrawReadout fills v with an exact draw of v | W (Matheron's rule:
// v = v0 + Φᵀ G⁻¹(y - Φ v0/√N - ε)/(λ1 √N) with v0 ~ N(0, I/λ1) and
// ε ~ N(0, T I)), using r (length P) as workspace.
func (pr *problem) margDrawReadout(pt *margPoint, v, r []float64, rng *rand.Rand) {
	drawReadout(v, pr.lambda1, rng)
	if pr.p == 0 {
		return
	}
	n, p := pr.n, pr.p
	phi := general(p, n, pt.s)
	sn := math.Sqrt(float64(n))
	st := math.Sqrt(pr.t)
	for i, y := range pr.y {
		r[i] = y - st*rng.NormFloat64()
	}
	blas64.Gemv(blas.NoTrans, -1/sn, phi, vec(v), 1, vec(r))
	pr.margSolveG(pt, r)
	blas64.Gemv(blas.Trans, 1/(pr.lambda1*sn), phi, vec(r), 1, vec(v))
}

// margSolveG overwrites r with G⁻¹ r.
func (pr *problem) margSolveG(pt *margPoint, r []float64) {
	if !pr.nForm() {
		cholSolveVec(pt.chol, pr.p, r)
		return
	}
	// G⁻¹ r = (r - Φ A⁻¹ Φᵀ r)/T.
	n, p := pr.n, pr.p
	phi := general(p, n, pt.s)
	u := make([]float64, n)
	blas64.Gemv(blas.Trans, 1, phi, vec(r), 0, vec(u))
	cholSolveVec(pt.chol, n, u)
	blas64.Gemv(blas.NoTrans, -1, phi, vec(u), 1, vec(r))
	for i := range r {
		r[i] /= pr.t
	}
}
