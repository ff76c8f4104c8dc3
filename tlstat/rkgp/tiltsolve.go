package rkgp

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/optim"
)

// tiltSystem is the tilted variant's saddle-point system in the eigenbasis
// of K = U diag(lam) Uᵀ, for a fixed direction â: yh = Uᵀy and
// uh = Uᵀ(Kâ). Every evaluation costs O(P).
type tiltSystem struct {
	lam, yh, uh []float64
	t, l1, n    float64
}

// tiltPoint is the system's state at order parameters (QB, QC).
type tiltPoint struct {
	qb, qc, b, c float64
	logdet, ygy  float64
}

// eval returns B, C, log det G and yᵀG⁻¹y at (qb, qc), and a = G⁻¹y (in
// the eigenbasis) into a when a is not nil. G = D + g ûûᵀ with
// D = T + (QB/lambda1) lam and g = (QC − QB)/lambda1 (Sherman–Morrison).
func (s *tiltSystem) eval(qb, qc float64, a []float64) (tiltPoint, bool) {
	g := (qc - qb) / s.l1
	var suu, suy, trDK, suKu, logdet, yDy float64
	for i, l := range s.lam {
		d := s.t + qb*l/s.l1
		u := s.uh[i]
		suu += u * u / d
		suy += u * s.yh[i] / d
		trDK += l / d
		suKu += l * u * u / (d * d)
		logdet += math.Log(d)
		yDy += s.yh[i] * s.yh[i] / d
	}
	den := 1 + g*suu
	if !(den > 0) {
		return tiltPoint{}, false
	}
	// a = D⁻¹y − g (ûᵀD⁻¹y / den) D⁻¹û; ua = ûᵀa, aKa = Σ lam a².
	f := g * suy / den
	var ua, aka float64
	for i, l := range s.lam {
		d := s.t + qb*l/s.l1
		ai := (s.yh[i] - f*s.uh[i]) / d
		if a != nil {
			a[i] = ai
		}
		ua += s.uh[i] * ai
		aka += l * ai * ai
	}
	ugu := suu / den
	trGK := trDK - g*suKu/den
	norm := s.l1 * s.n
	p := tiltPoint{qb: qb, qc: qc,
		b:      (trGK - ugu - (aka - ua*ua)) / norm,
		c:      (ugu - ua*ua) / norm,
		logdet: logdet + math.Log(den),
		ygy:    yDy - g*suy*suy/den,
	}
	return p, 1+p.b > 0
}

// solveAt finds, at tilt kappa with m2 = m2(kappa), the order parameters
// that satisfy QC = m2/(1+B), QB = (1 + kappa m2)/(1+B): with
// rho = QC/QB = m2/(1 + kappa m2) fixed, the root in QB of
// QB (1 + B) = 1 + kappa m2. It returns the state and whether a root was found.
func (s *tiltSystem) solveAt(kappa, m2 float64) (tiltPoint, bool) {
	rho := m2 / (1 + kappa*m2)
	target := 1 + kappa*m2
	h := func(lq float64) float64 {
		q := math.Exp(lq)
		p, ok := s.eval(q, rho*q, nil)
		if !ok {
			return math.Inf(-1)
		}
		return q*(1+p.b) - target
	}
	br, err := optim.SignChanges(h, optim.LogGrid(1e-6, 1e6, 49))
	// Where 1 + B <= 0 the model has no state (h = −Inf): use the first
	// sign change between finite values.
	for len(br) > 0 && (math.IsInf(br[0].FA, 0) || math.IsInf(br[0].FB, 0)) {
		br = br[1:]
	}
	if err != nil || len(br) == 0 {
		return tiltPoint{}, false
	}
	r, err := optim.Brent(h, br[0].A, br[0].B, &optim.Settings{XTol: 1e-13})
	if err != nil || !r.Converged {
		return tiltPoint{}, false
	}
	q := math.Exp(r.X)
	p, ok := s.eval(q, rho*q, nil)
	return p, ok
}

// freeEnergy is log Z/N at a stationary point, up to a constant:
// −½ log(1+B) + psi(kappa) + ½ QB B + ½ QC C − (log det G + yᵀG⁻¹y)/(2N).
func (s *tiltSystem) freeEnergy(p tiltPoint, psi float64) float64 {
	return -0.5*math.Log(1+p.b) + psi + 0.5*p.qb*p.b + 0.5*p.qc*p.c - (p.logdet+p.ygy)/(2*s.n)
}

// tiltRoot is a stationary point of the tilted system.
type tiltRoot struct {
	p            tiltPoint
	kappa, m2, f float64
}

// roots returns every stationary point with kappa in the curve's range: the
// sign changes of kappa_out(kappa) − kappa on a grid, refined by Brent's
// method, where kappa_out = −C/(1+B) at the order parameters solveAt finds.
// An error names the scanned range when there is none.
func (s *tiltSystem) roots(curve *tiltCurve) ([]tiltRoot, error) {
	resid := func(k float64) float64 {
		m2, _ := curve.at(k)
		p, ok := s.solveAt(k, m2)
		if !ok {
			return math.NaN()
		}
		return -p.c/(1+p.b) - k
	}
	// Scan a grid, skipping tilts at which the model has no state (NaN):
	// a stationary point lies between two neighbouring finite values of
	// opposite sign.
	const grid = 240
	var br []optim.Bracket
	prevK, prevR := 0.0, math.NaN()
	for i := range grid {
		k := curve.min() + (curve.max()-curve.min())*float64(i)/(grid-1)
		r := resid(k)
		switch {
		case r == 0:
			br = append(br, optim.Bracket{A: k, B: k})
		case !math.IsNaN(prevR) && !math.IsNaN(r) && (prevR > 0) != (r > 0) && prevR != 0:
			br = append(br, optim.Bracket{A: prevK, B: k, FA: prevR, FB: r})
		}
		prevK, prevR = k, r
	}
	var out []tiltRoot
	for _, b := range br {
		k := b.A
		if b.A != b.B {
			r, err := optim.Brent(resid, b.A, b.B, &optim.Settings{XTol: 1e-12})
			if err != nil {
				return nil, fmt.Errorf("rkgp: tilted variant: %w", err)
			}
			k = r.X
		}
		m2, psi := curve.at(k)
		p, ok := s.solveAt(k, m2)
		if !ok {
			continue
		}
		out = append(out, tiltRoot{p: p, kappa: k, m2: m2, f: s.freeEnergy(p, psi)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("rkgp: tilted variant: no stationary point with tilt in [%.3g, %.3g]", curve.min(), curve.max())
	}
	return out, nil
}

// solveTilted finds the tilted variant's fixed point: for the current
// direction â it samples the tilt ladder, tabulates m2(kappa), finds every
// stationary point of the two-parameter system and keeps the one of largest
// free energy; the new a = G⁻¹y gives the next direction, until it settles.
func (m *Model) solveTilted(set TiltedSettings) (*tiltedState, error) {
	maxIter, rungs, replicas, steps := 6, 16, 8, 1000
	if set.MaxIter > 0 {
		maxIter = set.MaxIter
	}
	if set.Rungs >= 2 {
		rungs = set.Rungs
	}
	if set.Replicas >= 2 {
		replicas = set.Replicas
	}
	if set.Steps >= 2 {
		steps = set.Steps
	}
	var src rand.Source = rand.NewPCG(3, 4)
	if set.Src != nil {
		src = set.Src
	}
	rng := rand.New(src)
	sp := m.sp
	p := len(sp.y)
	var eig mat.EigenSym
	if !eig.Factorize(sp.b, true) {
		return nil, fmt.Errorf("rkgp: tilted variant: eigendecomposition of the %d×%d kernel failed", p, p)
	}
	lam := eig.Values(nil)
	for i, v := range lam {
		lam[i] = math.Max(v, 0)
	}
	var u mat.Dense
	eig.VectorsTo(&u)
	yh := mat.NewVecDense(p, nil)
	yh.MulVec(u.T(), mat.NewVecDense(p, sp.y))
	sys := &tiltSystem{lam: lam, yh: yh.RawVector().Data, uh: make([]float64, p),
		t: m.Net.T, l1: m.Net.Lambda1, n: float64(m.Net.N)}
	// Start from the scalar saddle point: a = (T + Q lam/lambda1)⁻¹ yh.
	ae := make([]float64, p)
	for i, l := range lam {
		ae[i] = sys.yh[i] / (sys.t + m.Q*l/sys.l1)
	}
	x, err := m.scalarTilt()
	if err != nil {
		return nil, err
	}
	linear := sp.act.Name() == "linear"
	top := 1.25 * x
	if linear {
		top = (1 + x) / 2 // below the pole of m2 = 1/(1 − kappa)
	}
	kappas := make([]float64, rungs)
	for j := range kappas {
		kappas[j] = top * float64(j) / float64(rungs-1)
	}
	warm := steps / 2
	st := &tiltedState{t: m.Net.T, n: float64(m.Net.N), lambda: m.Net.Lambda1, ahat: mat.NewVecDense(p, nil), u: mat.NewVecDense(p, nil), alpha: mat.NewVecDense(p, nil)}
	fit := &st.fit
	ahatE := make([]float64, p)
	var best tiltRoot
	var draws [][]float64 // the last ladder's z² draws
	for it := 1; it <= maxIter; it++ {
		// â ∝ a with âᵀKâ = 1, in the eigenbasis; uh = lam âh.
		var aka, cos float64
		for i, l := range lam {
			aka += l * ae[i] * ae[i]
		}
		norm := 1 / math.Sqrt(aka)
		for i, l := range lam {
			cos += l * ahatE[i] * ae[i] * norm
		}
		fit.Change = 1 - cos*cos
		if it > 1 && fit.Change < 1e-3 {
			// Keep the direction the order parameters were solved for.
			fit.Converged = true
			break
		}
		for i, l := range lam {
			ahatE[i] = ae[i] * norm
			sys.uh[i] = l * ahatE[i]
		}
		fit.Iterations = it
		st.ahat.MulVec(&u, mat.NewVecDense(p, ahatE))
		var roots []tiltRoot
		for widen := 0; ; widen++ {
			var curve *tiltCurve
			if linear {
				// Gaussian features: m2 = 1/(1 − kappa) exactly.
				curve = gaussianTiltCurve(kappas[rungs-1])
				fit.Acceptance = 1
			} else {
				dr := tiltLadder{kappas: kappas, replicas: replicas, warm: warm, keep: steps - warm, swapEvery: 10}.run(m, st.ahat.RawVector().Data, rng)
				draws = dr.z2
				if curve, err = newTiltCurve(kappas, dr.z2); err != nil {
					return nil, err
				}
				fit.Swaps, fit.Acceptance = dr.swaps, dr.acceptance
			}
			st.curve = curve
			if roots, err = sys.roots(curve); err == nil {
				break
			}
			// Features lighter-tailed than Gaussian put the stationary
			// point beyond the ladder: widen it, up to 16 times.
			if linear || widen == 3 {
				return nil, err
			}
			for j := range kappas {
				kappas[j] *= 2
			}
		}
		best = bestRoot(roots)
		fit.Stationary = len(roots)
		fit.QB, fit.QC, fit.Tilt, fit.Moment = best.p.qb, best.p.qc, best.kappa, best.m2
		fit.Ratio, fit.FreeEnergy = (1-best.kappa)*best.m2, best.f
		if _, ok := sys.eval(best.p.qb, best.p.qc, ae); !ok {
			return nil, fmt.Errorf("rkgp: tilted variant: G is not positive definite at QB = %v, QC = %v", best.p.qb, best.p.qc)
		}
	}
	st.sys = sys
	st.ahat.MulVec(&u, mat.NewVecDense(p, ahatE))
	if err := st.factorize(sp); err != nil {
		return nil, err
	}
	if !linear {
		if err := st.jackknife(sp, kappas, draws, replicas); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// bestRoot returns the stationary point of largest free energy.
func bestRoot(roots []tiltRoot) tiltRoot {
	best := roots[0]
	for _, r := range roots[1:] {
		if r.f > best.f {
			best = r
		}
	}
	return best
}

// scalarTilt returns the scalar theory's tilt x at the model's Q
// (Model.Equivalence's Tilt).
func (m *Model) scalarTilt() (float64, error) {
	fac, err := m.factor()
	if err != nil {
		return 0, err
	}
	x, _, err := m.tilt(fac)
	return x, err
}
