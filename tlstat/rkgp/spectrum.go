package rkgp

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// spectrum is the factorized training kernel shared by a fit and every model
// derived from it. With B = K - m mᵀ (B = K for odd activations, m = 0):
// B = U diag(eig) Uᵀ, yt = Uᵀ y and mt = Uᵀ m.
type spectrum struct {
	act      kernel.Activation
	lambda0  float64
	x        *mat.Dense // training inputs (P×N0), for cross kernels
	norms    []float64  // |x_mu|²/N0
	y        []float64
	eig      []float64 // eigenvalues of B, negative rounding clipped to 0
	u        *mat.Dense
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

// newSpectrum builds the NNGP kernel of the training inputs and
// diagonalizes it (once).
func newSpectrum(train *data.Dataset, net Network) (*spectrum, error) {
	if err := validateTrain(train, net); err != nil {
		return nil, err
	}
	act := net.Activation()
	start := time.Now()
	g := kernel.Gram(train.X)
	c := 1 / net.Lambda0
	k := kernel.Matrix(act, g, c, c)
	p := train.Len()
	sp := &spectrum{act: act, lambda0: net.Lambda0, x: train.X, y: train.Y}
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
				return nil, fmt.Errorf("rkgp: kernel entry (%d, %d) is %v (activation %q, lambda0 = %v)",
					i, j, v, act.Name(), net.Lambda0)
			}
		}
	}
	sp.kernelT = time.Since(start)

	start = time.Now()
	var es mat.EigenSym
	if !es.Factorize(k, true) {
		return nil, fmt.Errorf("rkgp: eigendecomposition of the %d×%d kernel failed", p, p)
	}
	sp.eig = es.Values(nil)
	for i, v := range sp.eig {
		if v < 0 {
			sp.eig[i] = 0 // rounding: the kernel is positive semi-definite
		}
	}
	sp.u = &mat.Dense{}
	es.VectorsTo(sp.u)
	sp.yt = rotate(sp.u, train.Y)
	if sp.m != nil {
		sp.mt = rotate(sp.u, sp.m)
	}
	sp.decompT = time.Since(start)
	return sp, nil
}

// rotate returns Uᵀ v.
func rotate(u *mat.Dense, v []float64) []float64 {
	out := mat.NewVecDense(len(v), nil)
	out.MulVec(u.T(), mat.NewVecDense(len(v), v))
	return out.RawVector().Data
}
