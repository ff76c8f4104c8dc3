package rkgp

import (
	"fmt"
	"math"
)

// tiltCurve is the tilted second moment m2(kappa) = E_kappa[z²] of a unit's
// alignment and its cumulant function psi(kappa) = log E_0[exp(kappa z²/2)]
// = ½∫_0^kappa m2, tabulated on a fine grid of [lo, kappa_max] from the
// draws of a tilt ladder. Between two rungs m2 is the blend, linear in
// kappa, of the two rungs' draws reweighted to kappa, so the table is
// continuous; near kappa = 0 the untilted draws, normalized to their exact
// second moment 1, take over, and they alone give the negative tilts
// (lo = −kappa_max/2), where a weak fit against the fluctuations of the
// other directions can put the stationary point.
type tiltCurve struct {
	lo   float64   // smallest tilt (<= 0)
	step float64   // grid spacing
	m2   []float64 // m2 at lo + k·step
	psi  []float64 // psi at lo + k·step
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
	step := dk / tiltCurvePerRung
	pos := (len(kappas)-1)*tiltCurvePerRung + 1
	neg := pos / 2
	c := &tiltCurve{lo: -float64(neg) * step, step: step, m2: make([]float64, neg+pos), psi: make([]float64, neg+pos)}
	r0 := reweighted(z2[0], 0)
	for k := range c.m2 {
		kap := float64(k-neg) * step
		if k < neg {
			c.m2[k] = reweighted(z2[0], kap) / r0
		} else {
			j := min((k-neg)/tiltCurvePerRung, len(kappas)-2)
			t := (kap - kappas[j]) / dk
			lo := reweighted(z2[j], kap-kappas[j])
			hi := reweighted(z2[j+1], kap-kappas[j+1])
			c.m2[k] = (1-t)*lo + t*hi
			// While the untilted draws reweighted to kappa keep most of
			// their effective sample size, use their ratio
			// E_kappa[z²]/E_0[z²] times the exact E_0[z²] = âᵀKâ = 1: the
			// draws' own error in E_0[z²] cancels as kappa → 0. The weight
			// of that estimate falls from 1 to 0 as the effective fraction
			// falls from 0.9 to 0.5.
			if w := (reweightedESS(z2[0], kap) - 0.5) / 0.4; w > 0 {
				w = math.Min(w, 1)
				c.m2[k] = w*reweighted(z2[0], kap)/r0 + (1-w)*c.m2[k]
			}
		}
		if math.IsNaN(c.m2[k]) || math.IsInf(c.m2[k], 0) {
			return nil, fmt.Errorf("rkgp: tilted second moment is %v at tilt %v", c.m2[k], kap)
		}
	}
	c.integrate(neg)
	return c, nil
}

// integrate fills psi from m2 by the trapezoid rule, psi = 0 at index zero
// (kappa = 0).
func (c *tiltCurve) integrate(zero int) {
	c.psi[zero] = 0
	for k := zero + 1; k < len(c.m2); k++ {
		c.psi[k] = c.psi[k-1] + c.step*(c.m2[k]+c.m2[k-1])/4
	}
	for k := zero - 1; k >= 0; k-- {
		c.psi[k] = c.psi[k+1] - c.step*(c.m2[k]+c.m2[k+1])/4
	}
}

// reweighted returns the mean of z² under the law of the draws tilted
// further by exp(dk z²/2): Σ z² e^{dk z²/2} / Σ e^{dk z²/2}, in log space.
func reweighted(z2 []float64, dk float64) float64 {
	m2, _ := reweight(z2, dk)
	return m2
}

// reweightedESS returns the effective fraction (Σw)²/(n Σw²) of the
// importance weights w = e^{dk z²/2} of the draws z2.
func reweightedESS(z2 []float64, dk float64) float64 {
	_, ess := reweight(z2, dk)
	return ess
}

// reweight returns the reweighted mean of z² and the effective fraction of
// the weights e^{dk z²/2}, computed relative to the largest weight.
func reweight(z2 []float64, dk float64) (m2, ess float64) {
	top := math.Inf(-1)
	for _, v := range z2 {
		top = math.Max(top, dk*v/2)
	}
	var num, s1, s2 float64
	for _, v := range z2 {
		w := math.Exp(dk*v/2 - top)
		num += w * v
		s1 += w
		s2 += w * w
	}
	return num / s1, s1 * s1 / (float64(len(z2)) * s2)
}

// max is the largest tabulated tilt, min the smallest.
func (c *tiltCurve) max() float64 { return c.lo + float64(len(c.m2)-1)*c.step }
func (c *tiltCurve) min() float64 { return c.lo }

// at returns m2 and psi at kappa (min <= kappa <= max), linear in between
// grid points for m2 and the matching quadratic for psi.
func (c *tiltCurve) at(kappa float64) (m2, psi float64) {
	x := (kappa - c.lo) / c.step
	k := int(math.Floor(x))
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
// and psi = −½ log(1−kappa), tabulated on [−top/2, top] (top < 1).
func gaussianTiltCurve(top float64) *tiltCurve {
	pos := 64*tiltCurvePerRung + 1
	step := top / float64(pos-1)
	neg := pos / 2
	c := &tiltCurve{lo: -float64(neg) * step, step: step, m2: make([]float64, neg+pos), psi: make([]float64, neg+pos)}
	for k := range c.m2 {
		kap := float64(k-neg) * step
		c.m2[k], c.psi[k] = 1/(1-kap), -math.Log1p(-kap)/2
	}
	return c
}
