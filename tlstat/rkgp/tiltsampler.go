package rkgp

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// tiltLadder samples, for every tilt kappa_j of a ladder, the law of one
// unit's standardized first-layer weights ξ (w = ξ/√lambda0) tilted by its
// alignment,
//
//	π_j(ξ) ∝ exp(-|ξ|²/2 + kappa_j z(ξ)²/2),  z(ξ) = âᵀσ(c X ξ),  c = 1/√(lambda0 N0),
//
// by the Metropolis-adjusted Langevin algorithm. Each rung has replicas
// independent chains started from the prior; every swapEvery steps (0: never)
// neighbouring rungs of the same replica propose to exchange their states
// (replica exchange in the tilt), which carries chains between the weakly
// and the strongly aligned modes that a heavily tilted law has. Step sizes
// adapt towards acceptance 0.57 during warm-up and are then frozen.
//
// The columns of the working matrices are the chains, rung-major: chain
// j·replicas + r is replica r of rung j. With one rung and no swaps the
// random stream is that of independent MALA chains.
type tiltLadder struct {
	kappas    []float64
	replicas  int
	warm      int
	keep      int
	swapEvery int
	// visit, when not nil, is called after every measured step with the
	// chains' states ξ (N0 × chains, rung-major columns).
	visit func(xi *mat.Dense)
}

// tiltDraws are the measured draws of a ladder: z2[j] holds the values of z²
// of rung j (replica-major: replica r's keep draws at r·keep), and sums the
// per-chain means of z².
type tiltDraws struct {
	z2         [][]float64
	chainMeans []float64
	acceptance float64
	swaps      float64 // accepted fraction of proposed exchanges
}

// run samples the ladder for direction ahat (length P) on model m's
// training inputs.
func (l tiltLadder) run(m *Model, ahat []float64, rng *rand.Rand) tiltDraws {
	sp := m.sp
	p, n0 := sp.x.Dims()
	rungs := len(l.kappas)
	chains := rungs * l.replicas
	c := 1 / math.Sqrt(m.Net.Lambda0*float64(n0))
	kap := make([]float64, chains)
	for j := range kap {
		kap[j] = l.kappas[j/l.replicas]
	}
	xi := mat.NewDense(n0, chains, nil)
	for i := 0; i < n0; i++ {
		row := xi.RawRowView(i)
		for j := range row {
			row[j] = rng.NormFloat64()
		}
	}
	h := mat.NewDense(p, chains, nil)
	d := mat.NewDense(p, chains, nil)
	// eval fills, for the states in xi, z, log π and ∇ log π (in grad).
	eval := func(xi *mat.Dense, z, lp []float64, grad *mat.Dense) {
		h.Mul(sp.x, xi)
		clear(z)
		for mu := 0; mu < p; mu++ {
			am := ahat[mu]
			hr, dr := h.RawRowView(mu), d.RawRowView(mu)
			for j, v := range hr {
				v *= c
				z[j] += am * sp.act.Eval(v)
				dr[j] = am * sp.act.Deriv(v)
			}
		}
		grad.Mul(sp.x.T(), d)
		for i := 0; i < n0; i++ {
			gr, xr := grad.RawRowView(i), xi.RawRowView(i)
			for j := range gr {
				gr[j] = kap[j]*z[j]*c*gr[j] - xr[j]
			}
		}
		for j := range lp {
			lp[j] = kap[j] * z[j] * z[j] / 2
		}
		for i := 0; i < n0; i++ {
			for j, v := range xi.RawRowView(i) {
				lp[j] -= v * v / 2
			}
		}
	}
	grad := mat.NewDense(n0, chains, nil)
	z, lp := make([]float64, chains), make([]float64, chains)
	z1, lp1 := make([]float64, chains), make([]float64, chains)
	eval(xi, z, lp, grad)
	prop := mat.NewDense(n0, chains, nil)
	grad1 := mat.NewDense(n0, chains, nil)
	eps := make([]float64, chains)
	for j := range eps {
		eps[j] = 1 / math.Pow(float64(n0), 1.0/6)
	}
	out := tiltDraws{z2: make([][]float64, rungs), chainMeans: make([]float64, chains)}
	for j := range out.z2 {
		out.z2[j] = make([]float64, l.replicas*l.keep)
	}
	corr := make([]float64, chains)
	noise := make([]float64, n0*chains)
	var accepted, swapTried, swapDone int
	for step := 0; step < l.warm+l.keep; step++ {
		for k := range noise {
			noise[k] = rng.NormFloat64()
		}
		for i := 0; i < n0; i++ {
			pr, xr, gr := prop.RawRowView(i), xi.RawRowView(i), grad.RawRowView(i)
			for j := range pr {
				pr[j] = xr[j] + eps[j]*eps[j]/2*gr[j] + eps[j]*noise[i*chains+j]
			}
		}
		eval(prop, z1, lp1, grad1)
		// log q(x|x') - log q(x'|x) for the Langevin proposals.
		clear(corr)
		for i := 0; i < n0; i++ {
			pr, xr, gr, g1 := prop.RawRowView(i), xi.RawRowView(i), grad.RawRowView(i), grad1.RawRowView(i)
			for j := range pr {
				e2 := eps[j] * eps[j]
				fwd := pr[j] - xr[j] - e2/2*gr[j]
				bwd := xr[j] - pr[j] - e2/2*g1[j]
				corr[j] += (fwd*fwd - bwd*bwd) / (2 * e2)
			}
		}
		for j := 0; j < chains; j++ {
			la := lp1[j] - lp[j] + corr[j]
			ok := la >= 0 || rng.Float64() < math.Exp(la)
			if ok {
				for i := 0; i < n0; i++ {
					xi.Set(i, j, prop.At(i, j))
					grad.Set(i, j, grad1.At(i, j))
				}
				z[j], lp[j] = z1[j], lp1[j]
			}
			if step < l.warm {
				pa := math.Min(1, math.Exp(math.Min(la, 0)))
				eps[j] *= math.Exp(0.5 * (pa - 0.57) / math.Sqrt(float64(step+1)))
			} else if ok {
				accepted++
			}
		}
		if l.swapEvery > 0 && rungs > 1 && (step+1)%l.swapEvery == 0 {
			swapTried, swapDone = l.exchange(xi, z, rng, swapTried, swapDone)
			eval(xi, z, lp, grad)
		}
		if step >= l.warm {
			if l.visit != nil {
				l.visit(xi)
			}
			k := step - l.warm
			for j := 0; j < chains; j++ {
				rung, r := j/l.replicas, j%l.replicas
				out.z2[rung][r*l.keep+k] = z[j] * z[j]
				out.chainMeans[j] += z[j] * z[j] / float64(l.keep)
			}
		}
	}
	out.acceptance = float64(accepted) / float64(chains*l.keep)
	if swapTried > 0 {
		out.swaps = float64(swapDone) / float64(swapTried)
	}
	return out
}

// exchange proposes, for every replica, to swap the states of neighbouring
// rungs (even or odd pairs in turn, chosen at random), with the Metropolis
// acceptance exp((kappa_j − kappa_{j+1})(z_{j+1}² − z_j²)/2). It returns the
// updated counts of proposed and accepted exchanges.
func (l tiltLadder) exchange(xi *mat.Dense, z []float64, rng *rand.Rand, tried, done int) (int, int) {
	n0, _ := xi.Dims()
	start := rng.IntN(2)
	for r := 0; r < l.replicas; r++ {
		for j := start; j+1 < len(l.kappas); j += 2 {
			a, b := j*l.replicas+r, (j+1)*l.replicas+r
			la := (l.kappas[j] - l.kappas[j+1]) * (z[b]*z[b] - z[a]*z[a]) / 2
			tried++
			if la >= 0 || rng.Float64() < math.Exp(la) {
				done++
				for i := 0; i < n0; i++ {
					va, vb := xi.At(i, a), xi.At(i, b)
					xi.Set(i, a, vb)
					xi.Set(i, b, va)
				}
				z[a], z[b] = z[b], z[a]
			}
		}
	}
	return tried, done
}
