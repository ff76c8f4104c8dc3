package transfer

import (
	"fmt"
	"math"
)

// Covariances are the per-component first-layer weight covariances induced by
// the elastic coupling (gamma/2)|W_t − W_s|² in the replica limit n → 0
// (docs/theory.md §4).
type Covariances struct {
	// SS is c_ss = 1/lambda0, the source variance.
	SS float64
	// ST is c_st = gamma / (lambda0 (lambda0 + gamma)), source–target covariance.
	ST float64
	// TT is c_tt = 1/lambda0 − gamma/(lambda0+gamma)², the target variance.
	TT float64
	// TTp is c_tt' = gamma² / (lambda0 (lambda0+gamma)²), the covariance of two
	// target replicas coupled to the same source.
	TTp float64
}

// CouplingCovariances returns the covariances of docs/theory.md §4 for coupling
// strength gamma >= 0 (gamma = +Inf is allowed: all four equal 1/lambda0) and
// prior precision lambda0 > 0. It returns an error naming the value for a
// negative or NaN gamma or a non-positive, infinite or NaN lambda0.
func CouplingCovariances(gamma, lambda0 float64) (Covariances, error) {
	if err := checkGamma(gamma); err != nil {
		return Covariances{}, err
	}
	if !(lambda0 > 0) || math.IsInf(lambda0, 0) {
		return Covariances{}, fmt.Errorf("transfer: lambda0 must be positive and finite, got %v", lambda0)
	}
	if math.IsInf(gamma, 1) {
		c := 1 / lambda0
		return Covariances{SS: c, ST: c, TT: c, TTp: c}, nil
	}
	l, g := lambda0, gamma
	ttp := g * g / (l * (l + g) * (l + g))
	return Covariances{
		SS:  1 / l,
		ST:  g / (l * (l + g)),
		TT:  1/(l+g) + ttp,
		TTp: ttp,
	}, nil
}

// checkGamma reports a negative or NaN coupling.
func checkGamma(gamma float64) error {
	if math.IsNaN(gamma) || gamma < 0 {
		return fmt.Errorf("transfer: coupling gamma must be >= 0 (or +Inf), got %v", gamma)
	}
	return nil
}

// posInf is gamma = +Inf, the frozen-feature limit.
var posInf = math.Inf(1)
