package langevin

import (
	"fmt"
	"math"
)

// ReadoutMoment is the posterior mean of the readouts' second-moment matrix
// v_a·v_b/N of a network with D > 1 readouts, measured by the marginal HMC
// sampler (RunMulti, TransferMulti). Given the first layer the readouts are
// independent Gaussians with means v̄_a and the shared covariance Σ_v, so
// every draw contributes the exact conditional expectation
//
//	E[v_a·v_b | W]/N = v̄_a·v̄_b/N + δ_ab tr Σ_v/N
//	                 = e_a·e_b/(λ1 N)² + δ_ab (1 − (P − T tr G⁻¹)/N)/λ1
//
// with e_a = Φᵀ G⁻¹ y_a (marginal_obs.go); the mean of its diagonal is the
// gated |v|²/N of the run, draw for draw. Its entries are diagnosed like
// the gated quantities but do not gate the run: Estimate.Converged says
// whether an entry passed the gates.
type ReadoutMoment struct {
	// D is the number of readouts.
	D int
	// Entries holds the estimate of entry (a, b), a >= b, at index
	// a(a+1)/2 + b (the packed lower triangle); see At.
	Entries []Estimate
}

// At returns the estimate of entry (a, b) (symmetric). It panics if a or b
// is outside [0, D), as an index out of range does.
func (m *ReadoutMoment) At(a, b int) Estimate {
	if a < 0 || b < 0 || a >= m.D || b >= m.D {
		panic(fmt.Sprintf("langevin: readout moment index (%d, %d) out of range for D = %d", a, b, m.D))
	}
	if b > a {
		a, b = b, a
	}
	return m.Entries[packedIndex(a, b)]
}

// Worst returns the largest R̂ and the smallest bulk and tail effective
// sample size over the entries (NaN R̂ if any entry has one), and whether
// every entry passed the convergence gates.
func (m *ReadoutMoment) Worst() (rHat, ess, essTail float64, converged bool) {
	rHat, ess, essTail, converged = 0, math.Inf(1), math.Inf(1), true
	for _, e := range m.Entries {
		if math.IsNaN(e.RHat) || math.IsNaN(rHat) {
			rHat = math.NaN()
		} else {
			rHat = math.Max(rHat, e.RHat)
		}
		ess, essTail = math.Min(ess, e.ESS), math.Min(essTail, e.ESSTail)
		converged = converged && e.Converged
	}
	return rHat, ess, essTail, converged
}

// packedIndex is the index of entry (a, b), a >= b, of a packed lower
// triangle.
func packedIndex(a, b int) int { return a*(a+1)/2 + b }

// readoutMomenter is a chain that measures E[v_a·v_b | W]/N.
type readoutMomenter interface {
	// readoutMoment writes the packed lower triangle of the D×D matrix
	// E[v_a·v_b | W]/N of the current state to dst (length D(D+1)/2).
	readoutMoment(dst []float64)
}

// readoutMoment implements readoutMomenter for the marginal HMC chain.
func (c *hmcChain) readoutMoment(dst []float64) {
	pr, pt := c.pr, c.cur
	d := pr.outputs()
	if pr.p == 0 {
		// The prior: v_a ~ N(0, I/λ1) independently.
		for a := range d {
			for b := 0; b <= a; b++ {
				dst[packedIndex(a, b)] = 0
			}
			dst[packedIndex(a, a)] = 1 / pr.lambda1
		}
		return
	}
	n, p, t := float64(pr.n), float64(pr.p), pr.t
	ln := pr.lambda1 * n
	shared := (1 - (p-t*pr.margTrGinv(pt, c.trBuf))/n) / pr.lambda1
	e := func(a int) []float64 {
		if a == 0 {
			return pt.e
		}
		return pt.ex[a-1]
	}
	for a := range d {
		ea := e(a)
		for b := 0; b <= a; b++ {
			s := 0.0
			for i, x := range e(b) {
				s += ea[i] * x
			}
			s /= ln * ln
			if a == b {
				s += shared
			}
			dst[packedIndex(a, b)] = s
		}
	}
}

// addReadout appends the chain's current E[v_a·v_b | W]/N to its series (d
// readouts); chains that do not measure it record nothing.
func (r *chainRec) addReadout(d int) {
	rm, ok := r.ch.(readoutMomenter)
	if !ok {
		return
	}
	k := d * (d + 1) / 2
	if r.rv == nil {
		r.rv = make([][]float64, k)
	}
	if len(r.rbuf) != k {
		r.rbuf = make([]float64, k)
	}
	rm.readoutMoment(r.rbuf)
	for i, v := range r.rbuf {
		r.rv[i] = append(r.rv[i], v)
	}
}

// readoutWindow returns the readout-moment series of every chain over the
// window from cut (chain, entry, measurement) and each entry's diagnostics
// (pooled, or DiagnoseGroups with one chain a group for perTest). It
// returns nils when the moment was not recorded for every measurement of
// every chain (a chain that does not measure it, or a run resumed from a
// checkpoint, which does not store the series).
func (sp *stageSpec) readoutWindow(recs []*chainRec, cut int) ([][][]float64, []Diagnostics) {
	if sp.readout == 0 {
		return nil, nil
	}
	k := sp.readout * (sp.readout + 1) / 2
	series := make([][][]float64, len(recs))
	for i, r := range recs {
		if len(r.rv) != k || len(r.rv[0]) != len(r.all[obsVNorm]) || cut > len(r.rv[0]) {
			return nil, nil
		}
		series[i] = make([][]float64, k)
		for j := range series[i] {
			series[i][j] = r.rv[j][cut:]
		}
	}
	diag := make([]Diagnostics, k)
	for j := range diag {
		if sp.perTest {
			groups := make([][][]float64, len(recs))
			for i := range recs {
				groups[i] = [][]float64{series[i][j]}
			}
			diag[j] = DiagnoseGroups(groups)
			continue
		}
		x := make([][]float64, len(recs))
		for i := range recs {
			x[i] = series[i][j]
		}
		diag[j] = Diagnose(x)
	}
	return series, diag
}

// newReadoutMoment returns the pooled estimates of a single-posterior
// stage's readout moment (nil when not recorded).
func newReadoutMoment(out *stageOut, d int, set settings) *ReadoutMoment {
	if out.readoutDiag == nil {
		return nil
	}
	m := &ReadoutMoment{D: d, Entries: make([]Estimate, len(out.readoutDiag))}
	for j, g := range out.readoutDiag {
		m.Entries[j] = Estimate{Mean: g.Mean, Err: g.MCSE, RHat: g.RHat, ESS: g.ESSBulk, ESSTail: g.ESSTail,
			Converged: g.Converged(set.maxRHat, set.minESS)}
	}
	return m
}

// targetReadoutMoment returns the readout moment of a transfer target
// stage (g snapshots per source chain, d readouts), every entry averaged
// and diagnosed as targetEstimate does the gated quantities: the error
// from the spread across source chains, R̂ and ESS from DiagnoseGroups
// with one chain a group (nil when not recorded).
func targetReadoutMoment(out *stageOut, g, d int, set settings) *ReadoutMoment {
	if out.readoutDiag == nil || len(out.readout) == 0 {
		return nil
	}
	nc := len(out.readout)
	m := &ReadoutMoment{D: d, Entries: make([]Estimate, len(out.readoutDiag))}
	for j, dg := range out.readoutDiag {
		means := make([]float64, nc)
		for i := range means {
			means[i] = meanOf(out.readout[i][j])
		}
		if ng := nc / g; ng > 1 {
			x := make([]float64, ng)
			for i := range x {
				x[i] = meanOf(means[i*g : (i+1)*g])
			}
			means = x
		}
		e := meanErr(means)
		e.RHat, e.ESS, e.ESSTail = dg.RHat, dg.ESSBulk, dg.ESSTail
		e.Converged = dg.Converged(set.maxRHat, set.minESS)
		m.Entries[j] = e
	}
	return m
}
