package kernel

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"
)

// Matrix returns the symmetric kernel matrix
//
//	K_ij = Kfun(outer·g_ii, mid·g_ij, outer·g_jj)
//
// for a Gram matrix g (see Gram). For a single network with first-layer prior
// precision lambda0 use outer = mid = 1/lambda0. Transfer learning needs
// outer != mid (for example the target–replica kernel K_tt' with outer = c_tt
// and mid = c_tt'); note that the diagonal then uses mid as well.
//
// Rows are spread over runtime.GOMAXPROCS goroutines; a *mat.SymDense g is
// read through its raw storage, any other mat.Symmetric through At. Each entry
// is act.Kfun of its arguments, computed with the same floating-point
// operations (the per-row parts once per row). An empty g gives an empty
// matrix.
func Matrix(act Activation, g mat.Symmetric, outer, mid float64) *mat.SymDense {
	n := g.SymmetricDim()
	if n == 0 {
		return &mat.SymDense{}
	}
	k := mat.NewSymDense(n, nil)
	raw := k.RawSymmetric()
	prep, pair := pairForm(act)
	diag := make([]float64, n) // prepared outer·g_ii
	for i := range diag {
		diag[i] = prep(outer * g.At(i, i))
	}
	if rs, ok := g.(mat.RawSymmetricer); ok && rs.RawSymmetric().Uplo == blas.Upper {
		// Fast path (*mat.SymDense): read the upper triangle row by row.
		gr := rs.RawSymmetric()
		parallelRows(n, func(i int) {
			a := diag[i]
			grow := gr.Data[i*gr.Stride : i*gr.Stride+n]
			row := raw.Data[i*raw.Stride : i*raw.Stride+n]
			for j := i; j < n; j++ {
				row[j] = pair(mid*grow[j], a, diag[j])
			}
		})
		return k
	}
	parallelRows(n, func(i int) {
		a := diag[i]
		row := raw.Data[i*raw.Stride : i*raw.Stride+n]
		for j := i; j < n; j++ {
			row[j] = pair(mid*g.At(i, j), a, diag[j])
		}
	})
	return k
}

// Cross returns the rectangular kernel matrix
//
//	K_ij = Kfun(rowScale·d1_i, mid·g12_ij, colScale·d2_j)
//
// where d1 and d2 are the self-overlaps of the row and column inputs (see
// SqNorms) and g12 their cross overlaps (see CrossGram). As in Matrix, rows
// are spread over the cores, a *mat.Dense g12 is read through its raw storage
// and entries are computed exactly as act.Kfun would. It panics if the lengths of d1 and
// d2 do not match the dimensions of g12 (a programming error, not bad data).
func Cross(act Activation, g12 mat.Matrix, d1, d2 []float64, rowScale, mid, colScale float64) *mat.Dense {
	r, c := g12.Dims()
	if len(d1) != r || len(d2) != c {
		panic("kernel: Cross: length mismatch between self-overlaps and cross overlaps")
	}
	if r == 0 || c == 0 {
		return &mat.Dense{}
	}
	k := mat.NewDense(r, c, nil)
	raw := k.RawMatrix()
	prep, pair := pairForm(act)
	col := make([]float64, c) // prepared colScale·d2_j
	for j := range col {
		col[j] = prep(colScale * d2[j])
	}
	if rm, ok := g12.(mat.RawMatrixer); ok {
		// Fast path (*mat.Dense): read g12 row by row.
		gr := rm.RawMatrix()
		parallelRows(r, func(i int) {
			a := prep(rowScale * d1[i])
			grow := gr.Data[i*gr.Stride : i*gr.Stride+c]
			row := raw.Data[i*raw.Stride : i*raw.Stride+c]
			for j := range row {
				row[j] = pair(mid*grow[j], a, col[j])
			}
		})
		return k
	}
	parallelRows(r, func(i int) {
		a := prep(rowScale * d1[i])
		row := raw.Data[i*raw.Stride : i*raw.Stride+c]
		for j := range row {
			row[j] = pair(mid*g12.At(i, j), a, col[j])
		}
	})
	return k
}
