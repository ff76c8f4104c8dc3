package rkgp

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat"
)

// Equivalence is the outcome of the Gaussian-equivalence check of a fitted
// odd-activation model (Model.Equivalence): how far the hidden features of
// the real network depart from the Gaussian features the scalar theory
// assumes, in the one respect that the posterior weighs.
//
// The scalar theory is the exact proportional-limit theory of a network
// whose hidden features σ(h_i) over the training inputs are Gaussian vectors
// with the NNGP covariance K (docs/theory.md §4). In it, every hidden unit
// sees the posterior as a tilt of its prior by exp(x z²/2), where z is the
// unit's alignment aᵀσ(h_i) with the saddle-point vector a = G⁻¹y,
// standardized by aᵀKa, and x = aᵀKa/(N lambda') with
// lambda' = lambda1 + tr(G⁻¹K)/N is fixed by the saddle point (x < 1). For a
// Gaussian z the tilted mean of z² is 1/(1-x). Ratio compares the real
// network's tilted mean of z², z drawn from its prior over the first layer,
// with that value: Ratio = (1-x) E[z² e^{x z²/2}] / E[e^{x z²/2}].
//
// Ratio is 1 when the theory's premise holds along the direction the
// posterior favours; it exceeds 1 when units aligned with the labels are
// more probable than Gaussian features allow, which happens for inputs that
// vary along few directions (many examples per effective input dimension)
// at strong tilt (low T, large alpha). It is a model-internal quantity:
// nothing in it is fitted to simulations.
type Equivalence struct {
	// Tilt is x, the strength of the tilt at the saddle point (0 <= x < 1).
	Tilt float64 `json:"tilt"`
	// Ratio is the tilted second moment of the real features' alignment
	// relative to Gaussian features, 1 when they are equivalent.
	Ratio float64 `json:"ratio"`
	// StdErr is the Monte Carlo standard error of Ratio, from the spread of
	// the independent chains' means; 0 when Exact.
	StdErr float64 `json:"std_err"`
	// Chains and Steps are the number of chains and the steps of each (half
	// warm-up, half measured); Acceptance is the measured steps' mean
	// acceptance rate.
	Chains     int     `json:"chains"`
	Steps      int     `json:"steps"`
	Acceptance float64 `json:"acceptance"`
	// Exact reports that Ratio = 1 holds exactly: for the linear activation
	// the features are Gaussian vectors.
	Exact bool `json:"exact,omitempty"`
}

// EquivalenceSettings controls Model.Equivalence. The zero value (or nil)
// selects the defaults.
type EquivalenceSettings struct {
	// Chains is the number of independent chains. Default 16.
	Chains int
	// Steps is the number of steps of each chain, half of them warm-up.
	// Default 1000.
	Steps int
	// Src is the source of randomness. Default: a PCG source with a fixed
	// seed, so that a check is reproducible.
	Src rand.Source
}

// Equivalence runs the Gaussian-equivalence check of the model (see the
// type Equivalence). The tilted law of one unit's first-layer weights is
// sampled by the Metropolis-adjusted Langevin algorithm (MALA) in
// independent chains started from the prior; importance weights on prior
// draws would not do, since for inputs with few effective dimensions the
// tilted law lies where prior draws almost never go. Time
// O(Chains·Steps·P·N0), memory O((P+N0)·Chains) beyond the model and the
// Cholesky factorization of G that Predict makes on first use. For heavily
// tilted laws (Ratio in the tens and above) the chains need longer than the
// default to settle, and Ratio is then an underestimate with a large
// StdErr: the verdict, features far from Gaussian, stands.
//
// It is defined for odd activations, the ones whose theory has the single
// order parameter Q; for the linear activation it returns Ratio = 1 with
// Exact set, without sampling.
func (m *Model) Equivalence(s *EquivalenceSettings) (Equivalence, error) {
	if m == nil || m.sp == nil {
		return Equivalence{}, fmt.Errorf("rkgp: Equivalence needs a fitted model")
	}
	if !m.odd() {
		return Equivalence{}, fmt.Errorf("rkgp: the Gaussian-equivalence check is derived for odd activations, not %q", m.sp.act.Name())
	}
	chains, steps := 16, 1000
	var src rand.Source = rand.NewPCG(1, 2)
	if s != nil {
		if s.Chains < 0 || s.Chains == 1 || s.Steps < 0 || s.Steps == 1 {
			return Equivalence{}, fmt.Errorf("rkgp: Equivalence: Chains = %d and Steps = %d must be 0 (default) or at least 2", s.Chains, s.Steps)
		}
		if s.Chains > 0 {
			chains = s.Chains
		}
		if s.Steps > 0 {
			steps = s.Steps
		}
		if s.Src != nil {
			src = s.Src
		}
	}
	fac, err := m.factor()
	if err != nil {
		return Equivalence{}, err
	}
	x, aka, err := m.tilt(fac)
	if err != nil {
		return Equivalence{}, err
	}
	eq := Equivalence{Tilt: x, Chains: chains, Steps: steps}
	if m.sp.act.Name() == "linear" {
		eq.Ratio, eq.Exact = 1, true
		return eq, nil
	}
	warm := steps / 2
	mean, se, acc := m.tiltedMoment(fac.alpha.RawVector().Data, aka, x, chains, warm, steps-warm, rand.New(src))
	eq.Ratio, eq.StdErr, eq.Acceptance = (1-x)*mean, (1-x)*se, acc
	if math.IsNaN(eq.Ratio) || math.IsInf(eq.Ratio, 0) {
		return eq, fmt.Errorf("rkgp: Gaussian-equivalence ratio is %v (tilt %v)", eq.Ratio, x)
	}
	return eq, nil
}

// tilt returns x = aᵀKa/(N lambda'), lambda' = lambda1 + tr(G⁻¹K)/N, at the
// model's order parameter, and aᵀKa = (yᵀa - T|a|²)/s (G = T I + s K).
func (m *Model) tilt(fac *gFactor) (x, aka float64, err error) {
	s := fac.s
	if !(s > 0) {
		return 0, 0, fmt.Errorf("rkgp: Equivalence needs a positive kernel scale, have Q/lambda1 = %v", s)
	}
	a := fac.alpha.RawVector().Data
	var ya, aa float64
	for i, ai := range a {
		ya += m.sp.y[i] * ai
		aa += ai * ai
	}
	aka = (ya - fac.t*aa) / s
	var tr float64
	for _, k := range m.sp.eig {
		tr += k / (fac.t + s*k)
	}
	n := float64(m.Net.N)
	x = aka / (n*m.Net.Lambda1 + tr)
	if !(x >= 0 && x < 1) || !(aka > 0) {
		return x, aka, fmt.Errorf("rkgp: tilt x = %v outside [0, 1) at Q = %v: the model is not at a saddle point of the scalar theory", x, m.Q)
	}
	return x, aka, nil
}

// tiltedMoment samples the tilted law of one unit's standardized weights,
// π(ξ) ∝ exp(-|ξ|²/2 + x z(ξ)²/2) with z(ξ) = aᵀσ(c X ξ)/√(aᵀKa),
// c = 1/√(lambda0 N0), by the Metropolis-adjusted Langevin algorithm in
// independent chains started from the prior (a one-rung tiltLadder), and
// returns the mean of z² over the measured steps of all chains, its
// standard error from the spread of the chains' means, and the mean
// acceptance rate.
func (m *Model) tiltedMoment(a []float64, aka, x float64, chains, warm, keep int, rng *rand.Rand) (mean, stderr, acc float64) {
	na := 1 / math.Sqrt(aka)
	ahat := make([]float64, len(a))
	for i, v := range a {
		ahat[i] = v * na
	}
	dr := tiltLadder{kappas: []float64{x}, replicas: chains, warm: warm, keep: keep}.run(m, ahat, rng)
	mean, sd := stat.MeanStdDev(dr.chainMeans, nil)
	stderr = sd / math.Sqrt(float64(len(dr.chainMeans)))
	return mean, stderr, dr.acceptance
}
