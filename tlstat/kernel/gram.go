package kernel

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"
)

// Gram returns the symmetric matrix of overlaps g(x_i, x_j) = x_i·x_j / N0 of
// the rows of x (P×N0): P(P+1)/2 dot products, O(P² N0) time and O(P²)
// memory, tiled for cache reuse and spread over runtime.GOMAXPROCS goroutines
// (gonum's pure-Go Dsyrk is serial); when another BLAS backend is installed
// with blas64.Use, its Dsyrk is called instead.
// A *mat.Dense x is read in place; other matrices are copied first. An x with
// no rows gives an empty matrix; an x with no columns gives a P×P zero matrix.
func Gram(x mat.Matrix) *mat.SymDense {
	r, c := x.Dims()
	if r == 0 {
		return &mat.SymDense{}
	}
	g := mat.NewSymDense(r, nil)
	if c == 0 {
		return g
	}
	var xr blas64.General
	if rm, ok := x.(mat.RawMatrixer); ok {
		xr = rm.RawMatrix()
	} else {
		xr = mat.DenseCopyOf(x).RawMatrix()
	}
	if pureGoBLAS() {
		syrk(1/float64(c), xr, g.RawSymmetric())
		if fc, ok := blas64.Implementation().(interface{ AddFlops(int64) }); ok {
			// A flop counter (fastblas.FlopCounter): the n²k flops of the
			// Dsyrk this replaces.
			fc.AddFlops(int64(r) * int64(r) * int64(c))
		}
	} else {
		// An optimized backend is installed (see package tlstat/fastblas):
		// its Dsyrk beats the tiled dot products.
		blas64.Syrk(blas.NoTrans, 1/float64(c), xr, 0, g.RawSymmetric())
	}
	return g
}

// pureGoBLAS reports whether the installed BLAS is pure Go: gonum's, or one
// that says so (fastblas.Go, whose Dsyrk is gonum's).
func pureGoBLAS() bool {
	switch b := blas64.Implementation().(type) {
	case gonum.Implementation:
		return true
	case interface{ PureGo() bool }:
		return b.PureGo()
	}
	return false
}

// gramTile is the number of rows per tile in syrk: 64 rows of N0 = 196
// float64 take 100 kB, so the current row tile stays in a core's L2 cache
// while the column tiles stream past it.
const gramTile = 64

// syrk sets the upper triangle of g to alpha·x xᵀ. It computes the same dot
// products as blas64.Syrk (NoTrans, Upper), tiled for cache reuse and with
// row tiles spread over runtime.GOMAXPROCS goroutines (gonum's Dsyrk is
// serial).
func syrk(alpha float64, x blas64.General, g blas64.Symmetric) {
	p, k := x.Rows, x.Cols
	tiles := (p + gramTile - 1) / gramTile
	parallelFor(tiles, 1, func(ti int) {
		i0, i1 := ti*gramTile, min((ti+1)*gramTile, p)
		for j0 := i0; j0 < p; j0 += gramTile {
			j1 := min(j0+gramTile, p)
			for i := i0; i < i1; i++ {
				xi := blas64.Vector{N: k, Inc: 1, Data: x.Data[i*x.Stride : i*x.Stride+k]}
				row := g.Data[i*g.Stride:]
				for j := max(i, j0); j < j1; j++ {
					row[j] = alpha * blas64.Dot(xi, blas64.Vector{N: k, Inc: 1, Data: x.Data[j*x.Stride : j*x.Stride+k]})
				}
			}
		}
	})
}

// CrossGram returns the P1×P2 matrix of overlaps x1_i·x2_j / N0 between the
// rows of x1 (P1×N0) and x2 (P2×N0), one matrix product (gonum's Dgemm,
// itself parallel). It returns an error naming both dimensions if the input
// dimensions N0 differ. Inputs with no columns give a P1×P2 zero matrix.
func CrossGram(x1, x2 mat.Matrix) (*mat.Dense, error) {
	r1, c1 := x1.Dims()
	r2, c2 := x2.Dims()
	if c1 != c2 {
		return nil, fmt.Errorf("kernel: CrossGram: input dimension mismatch: x1 has %d columns, x2 has %d", c1, c2)
	}
	if r1 == 0 || r2 == 0 {
		return &mat.Dense{}, nil
	}
	g := mat.NewDense(r1, r2, nil)
	if c1 == 0 {
		return g, nil
	}
	g.Mul(x1, x2.T())
	g.Scale(1/float64(c1), g)
	return g, nil
}

// SqNorms returns the self-overlaps |x_i|² / N0 of the rows of x (zeros when
// x has no columns), the same dot products as the diagonal of Gram(x).
func SqNorms(x mat.Matrix) []float64 {
	r, c := x.Dims()
	out := make([]float64, r)
	if c == 0 {
		return out
	}
	if rm, ok := x.(mat.RawMatrixer); ok {
		xr := rm.RawMatrix()
		for i := range out {
			row := xr.Data[i*xr.Stride : i*xr.Stride+c]
			out[i] = blas64.Dot(blas64.Vector{N: c, Inc: 1, Data: row}, blas64.Vector{N: c, Inc: 1, Data: row}) / float64(c)
		}
		return out
	}
	for i := 0; i < r; i++ {
		var s float64
		for j := 0; j < c; j++ {
			v := x.At(i, j)
			s += v * v
		}
		out[i] = s / float64(c)
	}
	return out
}
