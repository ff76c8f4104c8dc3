package langevin

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// The float32 option (Sampler.Float32) computes the network's passes over
// the training set in single precision: the forward product H = X Wᵀ/√N0,
// the backward product ∂U/∂W ← Gᵀ X/√N0 and, for HMC, the two triangular
// solves of the gradient's Φ A⁻¹ (or G⁻¹ Φ). The features σ(H) and σ'(H),
// the Gram matrix, its Cholesky factor, the potential's sums, the metric,
// the accept/reject decision and every observable and diagnostic stay in
// float64.
//
// What this changes in the sampled law: HMC and MALA remain exact Markov
// chains for the potential they evaluate, which is a deterministic function
// of W. The triangular solves enter only the gradient, which steers the
// proposals but not the acceptance probability, so single-precision solves
// cost acceptance at most and bias nothing. The forward product enters the
// potential itself: H carries a relative rounding error of order N0·2⁻²⁴
// (a length-N0 dot product in float32), so the chains sample exp(-U₃₂) with
// U₃₂ - U of that relative size, far below the Monte Carlo error of any
// reported average. ULA is biased by its step anyway.

// buf32 holds a chain point's single-precision work buffers.
type buf32 struct {
	w, gw []float32 // N×N0: W and the backward product
	h     []float32 // P×N: H, then the backward pass's ∂U/∂H
	l     []float32 // k×k: the Cholesky factor for the triangular solves (HMC)
}

// useFloat32 switches the problem's training-set passes to float32 (see
// above); it must be called before the chains' points are made. Repeated
// calls do nothing.
func (pr *problem) useFloat32() {
	if pr.x32.Data != nil || pr.p == 0 {
		return
	}
	x := pr.x
	d := make([]float32, x.Rows*x.Cols)
	for i := 0; i < x.Rows; i++ {
		for j, v := range x.Data[i*x.Stride : i*x.Stride+x.Cols] {
			d[i*x.Cols+j] = float32(v)
		}
	}
	pr.x32 = blas32.General{Rows: x.Rows, Cols: x.Cols, Stride: x.Cols, Data: d}
}

// float32 reports whether the problem computes in float32.
func (pr *problem) float32() bool { return pr.x32.Data != nil }

// newBuf32 returns the float32 buffers of a point, nil in float64; k is
// the order of the factored matrix (0: none).
func (pr *problem) newBuf32(k int) *buf32 {
	if !pr.float32() {
		return nil
	}
	return &buf32{w: make([]float32, pr.n*pr.n0), gw: make([]float32, pr.n*pr.n0),
		h: make([]float32, pr.p*pr.n), l: make([]float32, k*k)}
}

func general32(rows, cols int, data []float32) blas32.General {
	return blas32.General{Rows: rows, Cols: cols, Stride: cols, Data: data}
}

func narrow(dst []float32, src []float64) {
	for i, v := range src {
		dst[i] = float32(v)
	}
}

func widen(dst []float64, src []float32) {
	for i, v := range src {
		dst[i] = float64(v)
	}
}

// forward32 sets h = X Wᵀ/√N0 (P×N), computed in float32.
func (pr *problem) forward32(b *buf32, w, h []float64) {
	narrow(b.w, w)
	blas32.Gemm(blas.NoTrans, blas.Trans, float32(pr.sqrtN0inv), pr.x32, general32(pr.n, pr.n0, b.w), 0, general32(pr.p, pr.n, b.h))
	widen(h, b.h)
}

// backward32 adds alpha·Gᵀ X to gw (N×N0) for G = g (P×N), the product
// computed in float32.
func (pr *problem) backward32(b *buf32, alpha float64, g, gw []float64) {
	narrow(b.h, g)
	blas32.Gemm(blas.Trans, blas.NoTrans, float32(alpha), general32(pr.p, pr.n, b.h), pr.x32, 0, general32(pr.n, pr.n0, b.gw))
	for i, v := range b.gw {
		gw[i] += float64(v)
	}
}

// solve32 overwrites g (P×N) with g L⁻ᵀ L⁻¹ (N form, side Right) or
// L⁻ᵀ L⁻¹ g (P form, side Left) for the lower Cholesky factor chol of
// order k, computed in float32.
func (pr *problem) solve32(b *buf32, chol []float64, k int, side blas.Side, g []float64) {
	narrow(b.l, chol)
	narrow(b.h, g)
	l := blas32.Triangular{N: k, Stride: k, Uplo: blas.Lower, Diag: blas.NonUnit, Data: b.l}
	gm := general32(pr.p, pr.n, b.h)
	if side == blas.Right {
		blas32.Trsm(blas.Right, blas.Trans, 1, l, gm)
		blas32.Trsm(blas.Right, blas.NoTrans, 1, l, gm)
	} else {
		blas32.Trsm(blas.Left, blas.NoTrans, 1, l, gm)
		blas32.Trsm(blas.Left, blas.Trans, 1, l, gm)
	}
	widen(g, b.h)
}
