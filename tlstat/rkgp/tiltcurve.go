package rkgp

import (
	"fmt"
	"math"
)

// tiltCurve is the tilted second moment m2(kappa) = E_kappa[z²] of a unit's
// alignment and its cumulant function psi(kappa) = log E_0[exp(kappa z²/2)]
// = ½∫_0^kappa m2, tabulated on a fine grid of [0, kappa_max] from the draws
// of a tilt ladder. Between two rungs m2 is the blend, linear in kappa, of
// the two rungs' draws reweighted to kappa, so the table is continuous;
// near kappa = 0 the untilted draws, normalized to their exact second
// moment 1, take over.
type tiltCurve struct {
	step float64   // grid spacing
	m2   []float64 // m2 at k·step
	psi  []float64 // psi at k·step
}

// tiltCurvePerRung is the number of grid intervals between two rungs.
const tiltCurvePerRung = 32

// newTiltCurve tabulates m2 and psi from draws z2[j] at tilts kappas[j]
// (equally spaced from 0).
func newTiltCurve(kappas []float64, z2 [][]float64) (*tiltCurve, error) {
	if len(kappas) < 2 || kappas[0] != 0 {
		return nil, fmt.Errorf("rkgp: tilt ladder must start at 0 and have two rungs or more, have %v", kappas)
	}
	dk := kappas[1] - kappas[0]
	n := (len(kappas)-1)*tiltCurvePerRung + 1
	c := &tiltCurve{step: dk / tiltCurvePerRung, m2: make([]float64, n), psi: make([]float64, n)}
	r0 := reweighted(z2[0], 0)
	for k := range c.m2 {
		kap := float64(k) * c.step
		j := min(k/tiltCurvePerRung, len(kappas)-2)
		t := (kap - kappas[j]) / dk
		lo := reweighted(z2[j], kap-kappas[j])
		hi := reweighted(z2[j+1], kap-kappas[j+1])
		c.m2[k] = (1-t)*lo + t*hi
		// While the untilted draws reweighted to kappa keep most of their
		// effective sample size, use their ratio E_kappa[z²]/E_0[z²] times
		// the exact E_0[z²] = âᵀKâ = 1: the draws' own error in E_0[z²]
		// cancels as kappa → 0. The weight of that estimate falls from 1 to
		// 0 as the effective fraction falls from 0.9 to 0.5.
		if w := (reweightedESS(z2[0], kap) - 0.5) / 0.4; w > 0 {
			w = math.Min(w, 1)
			c.m2[k] = w*reweighted(z2[0], kap)/r0 + (1-w)*c.m2[k]
		}
		if math.IsNaN(c.m2[k]) || math.IsInf(c.m2[k], 0) {
			return nil, fmt.Errorf("rkgp: tilted second moment is %v at tilt %v", c.m2[k], kap)
		}
		if k > 0 {
			c.psi[k] = c.psi[k-1] + c.step*(c.m2[k]+c.m2[k-1])/4
		}
	}
	return c, nil
}

// reweighted returns the mean of z² under the law of the draws tilted
// further by exp(dk z²/2): Σ z² e^{dk z²/2} / Σ e^{dk z²/2}, in log space.
func reweighted(z2 []float64, dk float64) float64 {
	top := math.Inf(-1)
	for _, v := range z2 {
		top = math.Max(top, dk*v/2)
	}
	var num, den float64
	for _, v := range z2 {
		w := math.Exp(dk*v/2 - top)
		num += w * v
		den += w
	}
	return num / den
}

// reweightedESS returns the effective fraction (Σw)²/(n Σw²) of the
// importance weights w = e^{dk z²/2} of the draws z2.
func reweightedESS(z2 []float64, dk float64) float64 {
	top := math.Inf(-1)
	for _, v := range z2 {
		top = math.Max(top, dk*v/2)
	}
	var s1, s2 float64
	for _, v := range z2 {
		w := math.Exp(dk*v/2 - top)
		s1 += w
		s2 += w * w
	}
	return s1 * s1 / (float64(len(z2)) * s2)
}

// max is the largest tabulated tilt.
func (c *tiltCurve) max() float64 { return float64(len(c.m2)-1) * c.step }

// at returns m2 and psi at kappa (0 <= kappa <= max), linear in between grid
// points for m2 and the matching quadratic for psi.
func (c *tiltCurve) at(kappa float64) (m2, psi float64) {
	x := kappa / c.step
	k := int(x)
	if k >= len(c.m2)-1 {
		k = len(c.m2) - 2
	}
	if k < 0 {
		k = 0
	}
	t := x - float64(k)
	m2 = (1-t)*c.m2[k] + t*c.m2[k+1]
	psi = c.psi[k] + c.step*t*(c.m2[k]+m2)/4
	return m2, psi
}

// gaussianTiltCurve is the tilt curve of a standard normal z, m2 = 1/(1−kappa)
// and psi = −½ log(1−kappa), tabulated on [0, top] (top < 1).
func gaussianTiltCurve(top float64) *tiltCurve {
	n := 64*tiltCurvePerRung + 1
	c := &tiltCurve{step: top / float64(n-1), m2: make([]float64, n), psi: make([]float64, n)}
	for k := range c.m2 {
		kap := float64(k) * c.step
		c.m2[k], c.psi[k] = 1/(1-kap), -math.Log1p(-kap)/2
	}
	return c
}
