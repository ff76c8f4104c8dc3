package fastblas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// u32 is the unit roundoff of float32, 2⁻²⁴.
const u32 = 1.0 / (1 << 24)

func to32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

func to64(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

// TestSgemm compares Blas32.Sgemm with gonum's Dgemm on the same (float32)
// inputs. The tolerance is the standard forward error bound of a dot product
// of length k in float32 (Higham, Accuracy and Stability of Numerical
// Algorithms, §3.1: γ_k Σ|a||b| with γ_k ≈ k u), with k+2 for the scaling
// by alpha and the addition of beta C.
func TestSgemm(t *testing.T) {
	requireOpenBLAS(t)
	rng := rand.New(rand.NewPCG(3, 1))
	abs := func(x []float64) []float64 {
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = math.Abs(v)
		}
		return y
	}
	const alpha, beta = 0.7, -0.3
	for _, ta := range transposes {
		for _, tb := range transposes {
			ar, ac := dims(ta, m, k)
			br, bc := dims(tb, k, n)
			lda, ldb, ldc := ac+pad, bc+pad, n+pad
			a32, b32, c32 := to32(randSlice(rng, ar*lda)), to32(randSlice(rng, br*ldb)), to32(randSlice(rng, m*ldc))
			a, b, c := to64(a32), to64(b32), to64(c32)
			want := clone(c)
			ref.Dgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
			bound := abs(c)
			ref.Dgemm(ta, tb, m, n, k, alpha, abs(a), lda, abs(b), ldb, math.Abs(beta), bound, ldc)
			Blas32{}.Sgemm(ta, tb, m, n, k, alpha, a32, lda, b32, ldb, beta, c32, ldc)
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					e := i*ldc + j
					if d := math.Abs(float64(c32[e]) - want[e]); d > float64(k+2)*u32*bound[e] {
						t.Fatalf("Sgemm(%c, %c): C[%d,%d] = %v, float64 gives %v (bound %.3g)", ta, tb, i, j, c32[e], want[e], float64(k+2)*u32*bound[e])
					}
				}
			}
		}
	}
}

// TestStrsm compares Blas32.Strsm with gonum's Dtrsm on the same (float32)
// inputs. The triangular matrices have a dominant diagonal (off-diagonal
// entries 0.1·N(0,1), diagonal ≥ 2), so the solution's relative forward
// error is a small multiple of n u (Higham §8.1); 1e-5 is 10× n u for
// the order n ≤ 37 used here.
func TestStrsm(t *testing.T) {
	requireOpenBLAS(t)
	rng := rand.New(rand.NewPCG(3, 2))
	triangularCases(rng, func(s blas.Side, ul blas.Uplo, ta blas.Transpose, d blas.Diag, a []float64, lda int, b []float64, ldb int) {
		a32, b32 := to32(a), to32(b)
		want := to64(b32)
		ref.Dtrsm(s, ul, ta, d, m, n, 0.7, to64(a32), lda, want, ldb)
		Blas32{}.Strsm(s, ul, ta, d, m, n, 0.7, a32, lda, b32, ldb)
		sameSlices(t, fmt.Sprintf("Strsm(%c, %c, %c, %c)", s, ul, ta, d), to64(b32), want, 1e-5)
	})
}
