package transfer

import (
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/fastblas"
)

// lowerSolve overwrites x with L⁻¹x where A = L Lᵀ = Uᵀ U is the Cholesky
// factorization held by chol. Column blocks are solved concurrently. The
// factor is read in place (Cholesky.RawU), not copied: at P_s = 4000 a copy
// is 128 MB, and the sweep solves with the source factor at every coupling
// and for every batch of test points.
func lowerSolve(chol *mat.Cholesky, x *mat.Dense) {
	if x.IsEmpty() {
		return
	}
	ut := rawU(chol)
	raw := x.RawMatrix()
	_, cols := x.Dims()
	workers := runtime.GOMAXPROCS(0)
	if cols < 64 || workers < 2 {
		blas64.Trsm(blas.Left, blas.Trans, 1, ut, raw)
		return
	}
	chunk := (cols + workers - 1) / workers
	defer fastblas.Parallel()()
	var wg sync.WaitGroup
	for start := 0; start < cols; start += chunk {
		end := min(start+chunk, cols)
		sub := x.Slice(0, raw.Rows, start, end).(*mat.Dense).RawMatrix()
		wg.Add(1)
		go func() {
			defer wg.Done()
			blas64.Trsm(blas.Left, blas.Trans, 1, ut, sub)
		}()
	}
	wg.Wait()
}

// rawU returns the storage of the upper Cholesky factor U held by chol,
// which must hold a successful factorization.
func rawU(chol *mat.Cholesky) blas64.Triangular {
	if u, ok := chol.RawU().(mat.RawTriangular); ok {
		return u.RawTriangular()
	}
	// Not reached with gonum's Cholesky, whose factor is a *mat.TriDense.
	var u mat.TriDense
	chol.UTo(&u)
	return u.RawTriangular()
}

// lowerSolveVec returns L⁻¹y.
func lowerSolveVec(chol *mat.Cholesky, y []float64) []float64 {
	x := mat.NewDense(len(y), 1, append([]float64(nil), y...))
	lowerSolve(chol, x)
	return x.RawMatrix().Data
}

// sumProd returns Σ_ij a_ij b_ij for matrices of equal shape.
func sumProd(a, b mat.Matrix) float64 {
	r, c := a.Dims()
	var s float64
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			s += a.At(i, j) * b.At(i, j)
		}
	}
	return s
}

// sumProdSym returns Σ_ij a_ij b_ij for two symmetric matrices stored as
// SymDense, reading only the upper triangles.
func sumProdSym(a, b *mat.SymDense) float64 {
	ra, rb := a.RawSymmetric(), b.RawSymmetric()
	n := ra.N
	var diag, off float64
	for i := 0; i < n; i++ {
		ai := ra.Data[i*ra.Stride : i*ra.Stride+n]
		bi := rb.Data[i*rb.Stride : i*rb.Stride+n]
		diag += ai[i] * bi[i]
		for j := i + 1; j < n; j++ {
			off += ai[j] * bi[j]
		}
	}
	return diag + 2*off
}

// quadSym returns xᵀ S x.
func quadSym(s mat.Symmetric, x []float64) float64 {
	v := mat.NewVecDense(len(x), x)
	return mat.Inner(v, s, v)
}

// dot returns x·y.
func dot(x, y []float64) float64 {
	var s float64
	for i := range x {
		s += x[i] * y[i]
	}
	return s
}

// solveInverse returns rho = D⁻¹ r and D⁻¹ from the Cholesky factorization
// of D held by chol. An ill-conditioned D (mat.Condition) is not an error
// here; any other failure is returned.
func solveInverse(chol cholFactor, r []float64) ([]float64, *mat.SymDense, error) {
	n := len(r)
	rho := mat.NewVecDense(n, nil)
	if err := chol.SolveVecTo(rho, mat.NewVecDense(n, r)); err != nil {
		if _, ok := err.(mat.Condition); !ok {
			return nil, nil, err
		}
	}
	dinv := mat.NewSymDense(n, nil)
	if err := chol.InverseTo(dinv); err != nil {
		if _, ok := err.(mat.Condition); !ok {
			return nil, nil, err
		}
	}
	return rho.RawVector().Data, dinv, nil
}

// solveDF returns D⁻¹X and F D⁻¹X, D given by its Cholesky factorization
// chol; false when the solve fails for a reason other than ill-conditioning
// (mat.Condition).
func solveDF(chol cholFactor, f *mat.SymDense, x *mat.Dense) (dx, fdx *mat.Dense, ok bool) {
	r, c := x.Dims()
	dx = mat.NewDense(r, c, nil)
	if err := chol.SolveTo(dx, x); err != nil {
		if _, cond := err.(mat.Condition); !cond {
			return nil, nil, false
		}
	}
	fdx = &mat.Dense{}
	fdx.Mul(f, dx)
	return dx, fdx, true
}
