package data

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// PrincipalAxes returns the k largest eigenvalues of the uncentered input
// second moment XᵀX/P (the variances of the inputs along their principal
// axes; for standardized inputs close to the centered covariance) in
// decreasing order, and the corresponding unit axes as the rows of a k×N0
// matrix. It costs O(P N0² + N0³).
func PrincipalAxes(x *mat.Dense, k int) (variances []float64, axes *mat.Dense, err error) {
	if x == nil || x.IsEmpty() {
		return nil, nil, fmt.Errorf("data: principal axes of empty inputs")
	}
	p, n0 := x.Dims()
	if k <= 0 {
		return nil, nil, fmt.Errorf("data: number of principal axes must be positive, got %d", k)
	}
	k = min(k, n0)
	var s mat.SymDense
	s.SymOuterK(1/float64(p), x.T())
	var es mat.EigenSym
	if !es.Factorize(&s, true) {
		return nil, nil, fmt.Errorf("data: eigendecomposition of the %d×%d input second moment failed", n0, n0)
	}
	vals := es.Values(nil)
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	idx := make([]int, n0)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return vals[idx[a]] > vals[idx[b]] })
	axes = mat.NewDense(k, n0, nil)
	variances = make([]float64, k)
	for r := 0; r < k; r++ {
		j := idx[r]
		variances[r] = math.Max(vals[j], 0)
		for c := 0; c < n0; c++ {
			axes.Set(r, c, vecs.At(c, j))
		}
	}
	return variances, axes, nil
}
