package rkgp

import "fmt"

// CumulantRangeError reports that a matrix of the cumulant variant, the
// kernel with its first-order correction added, is not positive definite:
// the likelihood tilts the units' features too strongly for a first-order
// correction, and the variant makes no prediction there. The scalar
// theory's prediction does not depend on the variant.
type CumulantRangeError struct {
	// Matrix names the matrix that is not positive definite.
	Matrix string
	// P and N are the training-set size and the width of the network
	// whose kernel was corrected (the target network's, in transfer).
	P, N int
	// T is that network's temperature.
	T float64
}

// Error implements error.
func (e *CumulantRangeError) Error() string {
	return fmt.Sprintf("cumulant variant: %s is not positive definite at alpha = P/N = %d/%d = %.3g, T = %v: "+
		"the first-order correction is too large here, so the variant makes no prediction (the scalar theory's stands on its own)",
		e.Matrix, e.P, e.N, float64(e.P)/float64(e.N), e.T)
}
