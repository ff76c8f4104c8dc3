package rkgp

import "fmt"

// Variant selects the theory that Predict and Risk use once the order
// parameters are solved. The zero value is the scalar theory.
type Variant int

const (
	// Scalar is the published kernel-renormalization theory: the NNGP
	// kernel rescaled by the order parameters (the default).
	Scalar Variant = iota
	// Shape adds the first-order response of the kernel's shape to the
	// likelihood at the scalar saddle point (odd activations only; see
	// shape.go): with Qb = Q/lambda1, A = T I + Qb K, a = A⁻¹y and
	// M = a aᵀ - A⁻¹,
	//
	//	K_c = K + (Qb/N) K M K,  k0_c = k0 + (Qb/N) K M k0,  k00_c = k00 + (Qb/N) k0ᵀ M k0,
	//
	// and the predictor of the scalar theory with Qb K_c, Qb k0_c and
	// Qb k00_c (each test point's own variance only). It is a candidate
	// correction without a published derivation; docs/validation.md
	// reports how it fares against converged simulations.
	Shape
	// Tilted replaces, along the one direction the posterior favours, the
	// Gaussian features of the scalar theory by the real law of a unit's
	// features, and solves the resulting two-parameter theory to its fixed
	// point (TiltedFit, tilted.go). It reduces to the scalar theory for
	// Gaussian features (the linear activation) and as N → ∞ at fixed P.
	Tilted
	// Metric lets a unit's first-layer weights take the covariance Σ that
	// makes the scalar free energy plus their relative entropy from the prior
	// stationary, and predicts with the kernel of those weights (MetricFit,
	// metric.go). It reduces to the scalar theory as N → ∞ at fixed P.
	Metric
	// Cumulant adds to the kernel the part of its first-order response to
	// the likelihood that Gaussian features lack: with the tilt
	// (Qb/2N) σᵀMσ of a unit's feature vector σ at the scalar saddle point
	// (Qb, A, a and M as for Shape),
	//
	//	D = (Qb/2N) Σ_ρσ M_ρσ κ4(μ, ν, ρ, σ),
	//
	// the contraction of the features' fourth cumulant, and predicts with
	// the scalar theory's formulas on K + D (cumulant.go). The Gaussian part
	// of the response, (Qb/N) K M K, is the Shape correction, which the
	// scalar saddle point already contains; D vanishes for Gaussian features
	// (the linear activation: exactly the scalar theory) and as N → ∞ at
	// fixed P. κ4 is estimated by Monte Carlo over the prior of the first
	// layer (CumulantSettings), with a standard error (VariantRiskErr).
	Cumulant
)

// Variants lists the variants by name, in order.
var Variants = []Variant{Scalar, Shape, Tilted, Metric, Cumulant}

// String returns the variant's name.
func (v Variant) String() string {
	switch v {
	case Scalar:
		return "scalar"
	case Shape:
		return "shape"
	case Tilted:
		return "tilted"
	case Metric:
		return "metric"
	case Cumulant:
		return "cumulant"
	}
	return fmt.Sprintf("Variant(%d)", int(v))
}

// VariantByName returns the variant called name ("scalar", "shape",
// "tilted", "metric" or "cumulant").
func VariantByName(name string) (Variant, error) {
	for _, v := range Variants {
		if v.String() == name {
			return v, nil
		}
	}
	return 0, fmt.Errorf("rkgp: unknown theory variant %q (want scalar, shape, tilted, metric or cumulant)", name)
}

// WithVariant returns a model sharing m's order parameters, kernel
// reduction and factorization of G = T I + K_R (every variant starts from
// it) whose predictions use variant v; m itself when it already does.
func (m *Model) WithVariant(v Variant) (*Model, error) {
	if !v.valid() {
		return nil, fmt.Errorf("rkgp: unknown theory variant %v", v)
	}
	if v != Scalar && !m.odd() {
		return nil, fmt.Errorf("rkgp: the %v variant needs an odd activation, got %q", v, m.Net.Activation().Name())
	}
	if v == m.settings.Variant {
		return m, nil
	}
	out := *m
	out.settings.Variant = v
	out.shape = &shapeCache{}
	out.tilted = &tiltedCache{}
	out.metric = &metricCache{}
	out.cumulant = &cumulantCache{}
	return &out, nil
}

// valid reports whether v is one of Variants.
func (v Variant) valid() bool { return v >= Scalar && v <= Cumulant }
