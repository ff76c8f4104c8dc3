package rkgp

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/fastblas"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// spectrum is the factorized training kernel shared by a fit and every model
// derived from it. With B = K - m mᵀ (B = K for odd activations, m = 0), an
// orthogonal reduction B = Z Tr Zᵀ to a symmetric tridiagonal Tr (diagonal
// diag, off-diagonal off) is computed once; eig holds the eigenvalues of B
// (those of Tr), yt = Zᵀ y and mt = Zᵀ m. Z itself is not kept.
//
// Tr comes from a Householder reduction (no eigenvectors are formed), run by
// OpenBLAS's dsytrd when that backend is compiled in (fastblas). The
// unexported diagonalize builds the same spectrum from a full
// eigendecomposition (Tr = diag(eig), off = 0); tests use it as a reference.
type spectrum struct {
	act      kernel.Activation
	lambda0  float64
	x        *mat.Dense // training inputs (P×N0), for cross kernels
	norms    []float64  // |x_mu|²/N0
	y        []float64
	b        *mat.SymDense // B itself, for the Cholesky factorizations of Predict
	eig      []float64     // eigenvalues of B, negative rounding clipped to 0
	diag     []float64     // diagonal of Tr (length P)
	off      []float64     // off-diagonal of Tr (length P-1)
	yt       []float64
	m, mt    []float64 // nil for odd activations
	kernelT  time.Duration
	decompT  time.Duration
	nonOddMM float64 // |m|², zero for odd activations
}

// validateTrain checks the network and the training set.
func validateTrain(train *data.Dataset, net Network) error {
	if err := net.Validate(); err != nil {
		return err
	}
	if train == nil {
		return fmt.Errorf("rkgp: training set is nil")
	}
	if err := train.Validate(); err != nil {
		return fmt.Errorf("rkgp: training set: %w", err)
	}
	return nil
}

// newSpectrum builds the NNGP kernel of the training inputs and reduces it
// (once) to tridiagonal form.
func newSpectrum(train *data.Dataset, net Network) (*spectrum, error) {
	sp, g, err := newKernelGram(train, net)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	// The Gram matrix is spent once the kernel is built: its storage holds
	// the reduction's working copy of B, so that the fit never holds more
	// than two P×P matrices.
	sp.tridiagonalizeIn(g.RawSymmetric().Data)
	for _, v := range sp.eig {
		if math.IsNaN(v) {
			return nil, fmt.Errorf("rkgp: eigenvalues of the %d×%d kernel are NaN", len(sp.eig), len(sp.eig))
		}
	}
	sp.decompT = time.Since(start)
	return sp, nil
}

// newKernel builds B = K - m mᵀ and everything else of the spectrum except
// its factorization.
func newKernel(train *data.Dataset, net Network) (*spectrum, error) {
	sp, _, err := newKernelGram(train, net)
	return sp, err
}

// newKernelGram is newKernel that also returns the Gram matrix the kernel
// was built from, which the spectrum does not keep (nil on error).
func newKernelGram(train *data.Dataset, net Network) (*spectrum, *mat.SymDense, error) {
	if err := validateTrain(train, net); err != nil {
		return nil, nil, err
	}
	act := net.Activation()
	start := time.Now()
	g := kernel.Gram(train.X)
	c := 1 / net.Lambda0
	k := kernel.Matrix(act, g, c, c)
	p := train.Len()
	sp := &spectrum{act: act, lambda0: net.Lambda0, x: train.X, y: train.Y, b: k}
	sp.norms = make([]float64, p)
	for i := range sp.norms {
		sp.norms[i] = g.At(i, i)
	}
	if !act.Odd() {
		sp.m = make([]float64, p)
		for i := range sp.m {
			sp.m[i] = act.Mean(c * sp.norms[i])
			sp.nonOddMM += sp.m[i] * sp.m[i]
		}
		// B = K - m mᵀ, the covariance of σ(h): positive semi-definite.
		k.SymRankOne(k, -1, mat.NewVecDense(p, sp.m))
	}
	raw := k.RawSymmetric()
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			if v := raw.Data[i*raw.Stride+j]; math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, fmt.Errorf("rkgp: kernel entry (%d, %d) is %v (activation %q, lambda0 = %v)",
					i, j, v, act.Name(), net.Lambda0)
			}
		}
	}
	sp.kernelT = time.Since(start)
	return sp, g, nil
}

// tridiagonalize reduces a copy of B to Tr = Zᵀ B Z with LAPACK's Dsytrd
// (the build's implementation, fastblas.LAPACK: gonum's native one, or
// OpenBLAS's with the same row-major reflector layout; upper triangle), applies Zᵀ to
// y and m with the stored Householder reflectors, and computes the
// eigenvalues of Tr with Dsterf (O(P²), no eigenvectors).
func (sp *spectrum) tridiagonalize() { sp.tridiagonalizeIn(nil) }

// tridiagonalizeIn is tridiagonalize with the working copy of B in buf when
// it holds at least P² elements (its contents are overwritten).
func (sp *spectrum) tridiagonalizeIn(buf []float64) {
	impl := fastblas.LAPACK()
	p := len(sp.y)
	src := sp.b.RawSymmetric()
	a := buf
	if len(a) < p*p {
		a = make([]float64, p*p)
	}
	a = a[:p*p]
	for i := 0; i < p; i++ {
		clear(a[i*p : i*p+i]) // the lower triangle, as in a fresh matrix
		copy(a[i*p+i:(i+1)*p], src.Data[i*src.Stride+i:i*src.Stride+p])
	}
	d := make([]float64, p)
	e := make([]float64, max(p-1, 0))
	tau := make([]float64, max(p-1, 0))
	work := []float64{0}
	impl.Dsytrd(blas.Upper, p, a, p, d, e, tau, work, -1)
	work = make([]float64, max(int(work[0]), 1))
	impl.Dsytrd(blas.Upper, p, a, p, d, e, tau, work, len(work))

	sp.diag, sp.off = d, e
	sp.yt = applyZT(a, p, tau, sp.y)
	if sp.m != nil {
		sp.mt = applyZT(a, p, tau, sp.m)
	}
	sp.eig = append([]float64(nil), d...)
	impl.Dsterf(p, sp.eig, append([]float64(nil), e...))
	for i, v := range sp.eig {
		if v < 0 {
			sp.eig[i] = 0 // rounding: the kernel is positive semi-definite
		}
	}
}

// diagonalize is the alternative to tridiagonalize for the OpenBLAS backend:
// a full eigendecomposition B = U diag(eig) Uᵀ (mat.EigenSym, which that
// backend routes to LAPACK's dsyevd), stored as Tr = diag(eig), yt = Uᵀy,
// mt = Uᵀm; U is then discarded.
func (sp *spectrum) diagonalize() error {
	p := len(sp.y)
	var es mat.EigenSym
	if !es.Factorize(sp.b, true) {
		return fmt.Errorf("rkgp: eigendecomposition of the %d×%d kernel failed", p, p)
	}
	sp.eig = es.Values(nil)
	for i, v := range sp.eig {
		if v < 0 {
			sp.eig[i] = 0 // rounding: the kernel is positive semi-definite
		}
	}
	sp.diag = sp.eig
	sp.off = make([]float64, max(p-1, 0))
	var u mat.Dense
	es.VectorsTo(&u)
	rotate := func(v []float64) []float64 {
		out := mat.NewVecDense(p, nil)
		out.MulVec(u.T(), mat.NewVecDense(p, v))
		return out.RawVector().Data
	}
	sp.yt = rotate(sp.y)
	if sp.m != nil {
		sp.mt = rotate(sp.m)
	}
	return nil
}

// applyZT returns Zᵀ v for the orthogonal Z = H_{P-2} ⋯ H_1 H_0 of an upper
// Dsytrd reduction stored in a (row-major, leading dimension p) and tau:
// Zᵀ v = H_0 H_1 ⋯ H_{P-2} v, where H_i = I - tau_i w wᵀ with w_i = 1,
// w_j = a[j, i+1] for j < i and w_j = 0 for j > i.
func applyZT(a []float64, p int, tau, v []float64) []float64 {
	out := append([]float64(nil), v...)
	for i := p - 2; i >= 0; i-- {
		t := tau[i]
		if t == 0 {
			continue
		}
		col := i + 1
		dot := out[i]
		for j := 0; j < i; j++ {
			dot += a[j*p+col] * out[j]
		}
		f := t * dot
		out[i] -= f
		for j := 0; j < i; j++ {
			out[j] -= f * a[j*p+col]
		}
	}
	return out
}

// tridiagSolve solves (t I + s Tr) u = r for every right-hand side r by an
// LDLᵀ factorization of the symmetric positive definite tridiagonal matrix,
// in O(P). If a pivot is not positive (the matrix is not positive definite,
// which rounding can only cause for t tiny relative to s·|K|), the solutions
// are NaN so that callers report the failure.
func (sp *spectrum) tridiagSolve(t, s float64, rhs ...[]float64) [][]float64 {
	p := len(sp.diag)
	piv := make([]float64, p) // D
	l := make([]float64, p)   // unit lower bidiagonal L: l[i] = L[i, i-1]
	for i := 0; i < p; i++ {
		a := t + s*sp.diag[i]
		if i > 0 {
			b := s * sp.off[i-1]
			l[i] = b / piv[i-1]
			a -= l[i] * b
		}
		if !(a > 0) {
			a = math.NaN()
		}
		piv[i] = a
	}
	out := make([][]float64, len(rhs))
	for k, r := range rhs {
		u := make([]float64, p)
		for i := 0; i < p; i++ {
			u[i] = r[i]
			if i > 0 {
				u[i] -= l[i] * u[i-1]
			}
		}
		for i := p - 1; i >= 0; i-- {
			u[i] /= piv[i]
			if i < p-1 {
				u[i] -= l[i+1] * u[i+1]
			}
		}
		out[k] = u
	}
	return out
}

// trForm returns uᵀ Tr w.
func (sp *spectrum) trForm(u, w []float64) float64 {
	var s float64
	for i, d := range sp.diag {
		s += u[i] * d * w[i]
	}
	for i, e := range sp.off {
		s += e * (u[i]*w[i+1] + u[i+1]*w[i])
	}
	return s
}

func dot(u, w []float64) float64 {
	var s float64
	for i, v := range u {
		s += v * w[i]
	}
	return s
}
