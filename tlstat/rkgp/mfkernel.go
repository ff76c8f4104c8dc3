package rkgp

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/kernel"
)

// mfKernel is the NNGP kernel K of a training set as an operator: its
// entries K_ij = Kfun(c g_ii, c g_ij, c g_jj), g_ij = x_i·x_j/N0, c = 1/lambda0,
// are recomputed from the inputs whenever they are needed and never stored
// as a P×P matrix. A product K V (V P×k) runs over row blocks of the upper
// triangle: for rows [i0, i1) the overlaps with rows [i0, P) are one matrix
// product, the kernel entries are evaluated in place of them, and the block
// adds its contribution to both the block's rows (K_{i·} V) and, by symmetry,
// to the rows below it. Memory O(P·N0 + Block·P + P·k), time per product
// O(P²·(N0 + k)) flops and P²/2 kernel evaluations.
type mfKernel struct {
	act   kernel.Activation
	c     float64    // 1/lambda0
	x     *mat.Dense // P×N0 training inputs
	norms []float64  // |x_i|²/N0
	block int
	// sweeps counts the products (each one pass over the kernel).
	sweeps int
	// log, if not nil, receives a line per product.
	log func(format string, a ...any)
}

func newMFKernel(x *mat.Dense, act kernel.Activation, lambda0 float64, block int) *mfKernel {
	return &mfKernel{act: act, c: 1 / lambda0, x: x, norms: kernel.SqNorms(x), block: block}
}

// dim returns P.
func (k *mfKernel) dim() int { r, _ := k.x.Dims(); return r }

// diag returns the diagonal K_ii.
func (k *mfKernel) diag() []float64 {
	out := make([]float64, len(k.norms))
	for i, d := range k.norms {
		out[i] = k.act.Kfun(k.c*d, k.c*d, k.c*d)
	}
	return out
}

// rows returns the kernel rows [i0, i1) restricted to the columns [j0, P),
// an (i1-i0)×(P-j0) matrix.
func (k *mfKernel) rows(i0, i1, j0 int) (*mat.Dense, error) {
	p := k.dim()
	xi := k.x.Slice(i0, i1, 0, k.x.RawMatrix().Cols)
	xj := k.x.Slice(j0, p, 0, k.x.RawMatrix().Cols)
	g, err := kernel.CrossGram(xi, xj)
	if err != nil {
		return nil, fmt.Errorf("rkgp: %w", err)
	}
	return kernel.Cross(k.act, g, k.norms[i0:i1], k.norms[j0:p], k.c, k.c, k.c), nil
}

// row returns the kernel row i (length P).
func (k *mfKernel) row(i int) ([]float64, error) {
	r, err := k.rows(i, i+1, 0)
	if err != nil {
		return nil, err
	}
	return r.RawRowView(0), nil
}

// mul sets dst = K v for v P×k (dst P×k, not aliasing v). It returns an error
// if a kernel entry is not finite.
func (k *mfKernel) mul(dst, v *mat.Dense) error {
	p := k.dim()
	_, nc := v.Dims()
	start := time.Now()
	dst.Zero()
	dr, vr := dst.RawMatrix(), v.RawMatrix()
	for i0 := 0; i0 < p; i0 += k.block {
		i1 := min(i0+k.block, p)
		kb, err := k.rows(i0, i1, i0)
		if err != nil {
			return err
		}
		kr := kb.RawMatrix()
		for _, e := range kr.Data {
			if math.IsNaN(e) || math.IsInf(e, 0) {
				return fmt.Errorf("rkgp: a kernel entry in rows %d..%d is %v (activation %q, lambda0 = %v)", i0, i1-1, e, k.act.Name(), 1/k.c)
			}
		}
		// dst[i0:i1] += K[i0:i1, i0:P] v[i0:P].
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, kr, sub(vr, i0, p, nc), 1, sub(dr, i0, i1, nc))
		if i1 < p {
			// dst[i1:P] += K[i0:i1, i1:P]ᵀ v[i0:i1].
			off := blas64.General{Rows: i1 - i0, Cols: p - i1, Stride: kr.Stride, Data: kr.Data[i1-i0:]}
			blas64.Gemm(blas.Trans, blas.NoTrans, 1, off, sub(vr, i0, i1, nc), 1, sub(dr, i1, p, nc))
		}
	}
	k.sweeps++
	if k.log != nil {
		k.log("kernel sweep %d (%d vectors): %.1fs", k.sweeps, nc, time.Since(start).Seconds())
	}
	return nil
}

// sub returns the rows [r0, r1) and the first nc columns of a.
func sub(a blas64.General, r0, r1, nc int) blas64.General {
	return blas64.General{Rows: r1 - r0, Cols: nc, Stride: a.Stride, Data: a.Data[r0*a.Stride:]}
}
