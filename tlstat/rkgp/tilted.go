package rkgp

import (
	"fmt"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// TiltedFit is the self-consistent solution of the tilted variant
// (docs/theory.md §3, "Beyond Gaussian features"). The scalar theory treats
// every hidden unit's feature vector σ over the training inputs as a
// Gaussian vector with covariance K. The tilted variant keeps that for
// every direction but one: along the direction â of the saddle-point vector
// a = G⁻¹y (normalized by âᵀKâ = 1) the unit's alignment z = âᵀσ keeps the
// law it has in the real network, while the rest of σ stays Gaussian,
// independent of z, with covariance K⊥ = K − (Kâ)(Kâ)ᵀ. That model is
// solved exactly in the proportional limit: two order parameters, QB for
// the bulk and QC for the aligned direction, with
//
//	G = T I + (QB/lambda1) K⊥ + (QC/lambda1) (Kâ)(Kâ)ᵀ,  a = G⁻¹y,
//	B = [tr(G⁻¹K⊥) − aᵀK⊥a]/(lambda1 N),  C = [(Kâ)ᵀG⁻¹(Kâ) − (aᵀKâ)²]/(lambda1 N),
//	kappa = −C/(1+B),  m2 = E_kappa[z²],  QC = m2/(1+B),  QB = (1 + kappa m2)/(1+B),
//
// where E_kappa is the expectation under the unit's prior over its
// first-layer weights tilted by exp(kappa z²/2), and â ∝ a closes the loop.
// These are the stationarity conditions of the free energy
//
//	F = −½ log(1+B) + psi(kappa) + ½ QB B + ½ QC C − (log det G + yᵀG⁻¹y)/(2N),
//
// psi(kappa) = log E_0[exp(kappa z²/2)]; a unit's readout moment is
// lambda1⟨v²⟩ = QB. For Gaussian z, m2 = 1/(1−kappa), psi = −½ log(1−kappa)
// and QB = QC = Q: the scalar theory, exactly so for the linear activation,
// and in the limit N → ∞ at fixed P (kappa → 0). For real features m2 is
// sampled on a replica-exchange ladder of tilts (m2 can jump, as units
// switch from weak to strong alignment, and the system can then have
// several stationary points: the one of largest F is kept), so the fixed
// point carries Monte Carlo error; it is reproducible for a fixed seed.
type TiltedFit struct {
	// QB and QC are the order parameters of the bulk and of the aligned
	// direction; both equal the scalar Q for Gaussian features.
	QB, QC float64
	// QBErr and QCErr are their Monte Carlo standard errors: the
	// jackknife over the ladder's independent replicas (0 when exact).
	QBErr, QCErr float64
	// Tilt is kappa at the fixed point, Moment = E_kappa[z²] there and
	// Ratio = (1 − Tilt)·Moment, which is 1 for Gaussian z.
	Tilt, Moment, Ratio float64
	// FreeEnergy is log Z/N at the fixed point (up to a constant shared by
	// all stationary points); Stationary is the number of stationary points
	// found for the last direction â, of which the one of largest free
	// energy is kept. More than one signals a first-order transition
	// between weakly and strongly aligned units.
	FreeEnergy float64
	Stationary int
	// Iterations is the number of updates of the direction â, Change the
	// last one's 1 − (âᵀK â_previous)², and Converged whether it fell below
	// 1e-3 within the iteration bound.
	Iterations int
	Change     float64
	Converged  bool
	// Swaps is the accepted fraction of the tilt ladder's exchanges in the
	// last iteration, Acceptance its chains' MALA acceptance rate.
	Swaps, Acceptance float64
}

// TiltedSettings controls the tilted variant's fixed point. The zero value
// selects the defaults.
type TiltedSettings struct {
	// MaxIter bounds the updates of the direction â. Default 6.
	MaxIter int
	// Rungs is the number of tilts of the replica-exchange ladder, spaced
	// evenly from 0 to 1.25 times the scalar theory's tilt; Replicas the
	// chains per rung; Steps the steps of each chain, half of them warm-up.
	// Defaults 16, 8 and 1000.
	Rungs, Replicas, Steps int
	// Src is the source of randomness. Default: a PCG source with a fixed
	// seed, so that a fit is reproducible.
	Src rand.Source
}

// tiltedState is the tilted variant's fixed point, everything Predict needs.
type tiltedState struct {
	fit    TiltedFit
	t, n   float64       // the network's T and N when solved
	ahat   *mat.VecDense // â, âᵀKâ = 1
	u      *mat.VecDense // Kâ
	g      mat.Cholesky  // G
	alpha  *mat.VecDense // G⁻¹y
	lambda float64
	sys    *tiltSystem // the last direction's system and tilt curve
	curve  *tiltCurve
	jack   [][2]float64 // (QB, QC) leaving out one ladder replica at a time
}

// tiltedCache holds a model's tilted fixed point, built on first use.
type tiltedCache struct {
	mu    sync.Mutex
	state *tiltedState
}

// Tilted returns the fixed point of the tilted variant for the model's
// network and training set, solving it on first use.
func (m *Model) Tilted() (TiltedFit, error) {
	st, err := m.tiltedState()
	if err != nil {
		return TiltedFit{}, err
	}
	return st.fit, nil
}

func (m *Model) tiltedState() (*tiltedState, error) {
	if m == nil || m.sp == nil {
		return nil, fmt.Errorf("rkgp: the tilted variant needs a fitted model")
	}
	if !m.odd() {
		return nil, fmt.Errorf("rkgp: the tilted variant is derived for odd activations, not %q", m.sp.act.Name())
	}
	cache := m.tilted
	if cache == nil {
		cache = &tiltedCache{}
	}
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if st := cache.state; st != nil && st.t == m.Net.T && st.n == float64(m.Net.N) && st.lambda == m.Net.Lambda1 {
		return cache.state, nil
	}
	st, err := m.solveTilted(m.settings.Tilted)
	if err != nil {
		return nil, err
	}
	cache.state = st
	return st, nil
}

// predictTiltedBatch is predictBatch for the tilted variant: the GP
// predictor with kernel (QB/lambda1) K⊥ + (QC/lambda1)(Kâ)(Kâ)ᵀ extended to
// the test points by the regression of their features on z (covariance
// k0ᵀâ).
func (m *Model) predictTiltedBatch(x0 mat.Matrix, mean, variance []float64) error {
	st, err := m.tiltedState()
	if err != nil {
		return err
	}
	sp := m.sp
	b := len(mean)
	cs := 1 / sp.lambda0
	k0, d0, err := sp.crossKernel(x0)
	if err != nil {
		return err
	}
	qb, qc, l1 := st.fit.QB, st.fit.QC, st.lambda
	proj := mat.NewVecDense(b, nil)
	proj.MulVec(k0.T(), st.ahat) // âᵀk0
	for j, d := range d0 {
		pj := proj.AtVec(j)
		variance[j] = (qb*(sp.act.Kfun(cs*d, cs*d, cs*d)-pj*pj) + qc*pj*pj) / l1
	}
	// k_eff = (QB/lambda1) k0 + ((QC−QB)/lambda1) u (âᵀk0)ᵀ.
	k0.Scale(qb/l1, k0)
	k0.RankOne(k0, (qc-qb)/l1, st.u, proj)
	return gpPosterior(&st.g, st.alpha, k0, mean, variance, "tilted variant")
}
