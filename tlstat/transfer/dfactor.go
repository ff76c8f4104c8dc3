package transfer

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// cholFactor is a Cholesky factorization as the saddle-point evaluations
// use it: *mat.Cholesky or *cholD.
type cholFactor interface {
	SolveVecTo(dst *mat.VecDense, b mat.Vector) error
	SolveTo(dst *mat.Dense, b mat.Matrix) error
	InverseTo(dst *mat.SymDense) error
	LogDet() float64
}

// cholD is the Cholesky factorization D = UᵀU of the P_t × P_t matrix D of
// one evaluation of S_1. It makes the LAPACK calls that mat.Cholesky makes,
// so its numbers are the same, but not mat.Cholesky's condition estimate
// (an O(P_t²) estimate in pure Go at every factorization, whose result the
// evaluations ignore): its methods never return a mat.Condition error.
type cholD struct {
	u blas64.Triangular // upper, row major; N = 0 until factorized
}

// Factorize factors the symmetric positive definite a, reading its upper
// triangle, and reports whether a is positive definite.
func (c *cholD) Factorize(a *mat.SymDense) bool {
	n := a.SymmetricDim()
	c.u = blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: n, Stride: n, Data: make([]float64, n*n)}
	ra := a.RawSymmetric()
	for i := 0; i < n; i++ {
		copy(c.u.Data[i*n+i:(i+1)*n], ra.Data[i*ra.Stride+i:i*ra.Stride+n])
	}
	_, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Upper, N: n, Stride: n, Data: c.u.Data})
	if !ok {
		c.u = blas64.Triangular{}
	}
	return ok
}

// LogDet returns log det D.
func (c *cholD) LogDet() float64 {
	var det float64
	for i := 0; i < c.u.N; i++ {
		det += 2 * math.Log(c.u.Data[i*c.u.Stride+i])
	}
	return det
}

// SolveTo stores D⁻¹b in dst (resized if empty).
func (c *cholD) SolveTo(dst *mat.Dense, b mat.Matrix) error {
	if dst != b {
		if dst.IsEmpty() {
			r, cols := b.Dims()
			dst.ReuseAs(r, cols)
		}
		dst.Copy(b)
	}
	lapack64.Potrs(c.u, dst.RawMatrix())
	return nil
}

// SolveVecTo stores D⁻¹b in dst (resized if empty).
func (c *cholD) SolveVecTo(dst *mat.VecDense, b mat.Vector) error {
	if dst != b {
		if dst.IsEmpty() {
			dst.ReuseAsVec(b.Len())
		}
		dst.CopyVec(b)
	}
	rv := dst.RawVector()
	lapack64.Potrs(c.u, blas64.General{Rows: rv.N, Cols: 1, Stride: rv.Inc, Data: rv.Data})
	return nil
}

// InverseTo stores D⁻¹ in dst (resized if empty).
func (c *cholD) InverseTo(dst *mat.SymDense) error {
	n := c.u.N
	if dst.IsEmpty() {
		dst.ReuseAsSym(n)
	}
	rd := dst.RawSymmetric()
	for i := 0; i < n; i++ {
		copy(rd.Data[i*rd.Stride+i:i*rd.Stride+n], c.u.Data[i*n+i:(i+1)*n])
	}
	if _, ok := lapack64.Potri(blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: n, Stride: rd.Stride, Data: rd.Data}); !ok {
		return mat.Condition(math.Inf(1))
	}
	return nil
}

// ToSym stores D = UᵀU in dst (resized if empty).
func (c *cholD) ToSym(dst *mat.SymDense) {
	var u mat.TriDense
	u.SetRawTriangular(c.u)
	if dst.IsEmpty() {
		dst.ReuseAsSym(c.u.N)
	}
	dst.SymOuterK(1, u.T())
}
