package study

import (
	"cmp"
	"errors"
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/langevin"
)

// CostSample is one measured sampled stage: its sizes and its seconds.
type CostSample struct {
	// Label names the stage (record and stage) in messages.
	Label string
	// Chains, Iterations (burn-in included, per chain), Grads (gradient
	// evaluations per iteration), Thin, P, Q (test inputs), N and N0
	// describe the stage as CostModel charges it.
	Chains, Iterations, Grads, Thin, P, Q, N, N0 float64
	// Seconds is the measured wall-clock time of the stage.
	Seconds float64
}

// terms returns the stage's element count and multiply-add count: the
// seconds CostModel predicts are Element·terms[0] + MulAdd·terms[1].
func (c CostSample) terms() [2]float64 {
	e := c.Chains * c.Iterations * (2*c.Grads*c.P + c.Q/c.Thin) * c.N
	return [2]float64{e, e * c.N0}
}

// PredictSample returns the seconds the model predicts for the stage.
func (m CostModel) PredictSample(c CostSample) float64 {
	t := c.terms()
	return m.Element*t[0] + m.MulAdd*t[1]
}

// CostSamples returns the timed stages of a simulation record of the point
// pt (its stages with a positive time in seconds), for FitCostModel.
func CostSamples(pt GridPoint, d *SimDoc) []CostSample {
	if pt.Params.Simulate == nil {
		return nil
	}
	r := resolve(pt.Params.Simulate)
	sts := pt.stages()
	rows := d.Results
	if pt.Params.Mode == ModeTransfer {
		if d.Source == nil {
			return nil
		}
		rows = append([]SimRow{*d.Source}, rows...)
	}
	var out []CostSample
	for k, row := range rows {
		if row.Seconds <= 0 {
			continue
		}
		st := sts[min(k, len(sts)-1)]
		label := fmt.Sprintf("%s %.12s source", pt.Task, pt.Hash)
		if pt.Params.Mode != ModeTransfer {
			label = fmt.Sprintf("%s %.12s", pt.Task, pt.Hash)
		} else if k > 0 {
			label = fmt.Sprintf("%s %.12s gamma=%g", pt.Task, pt.Hash, row.Gamma)
		}
		chains := float64(row.Chains)
		if chains == 0 {
			chains = st.chains
		} else if st.target {
			chains *= st.chains / float64(cmp.Or(pt.Params.Simulate.Chains, langevin.DefaultChains))
		}
		grads := r.grads
		if r.hmc && row.Leapfrog > 0 {
			grads = float64(row.Leapfrog)
		}
		out = append(out, CostSample{Label: label, Chains: chains, Iterations: float64(row.BurnIn + row.Steps), Grads: grads,
			Thin: r.thin, P: st.p, Q: pt.testSize(), N: float64(pt.Params.N), N0: pt.inputDim(), Seconds: row.Seconds})
	}
	return out
}

// CostFit describes a fit of the cost model: the number of stages, the
// standard deviation of the natural log of measured over predicted seconds
// (with the degrees of freedom of the two fitted constants), and the
// smallest and largest ratio of measured to predicted seconds.
type CostFit struct {
	Samples            int
	LogSD              float64
	MinRatio, MaxRatio float64
}

// Spread is the factor MaxRatio/MinRatio.
func (f CostFit) Spread() float64 { return f.MaxRatio / f.MinRatio }

// FitCostModel fits Element and MulAdd of the cost model to measured
// stages by least squares in log space: it minimizes Σ (log measured −
// log predicted)², so that a stage of 30 s counts as much as one of an
// hour and the residuals are factors, the natural error of wall-clock
// times on a loaded machine. The constants are positive (fitted as
// exponentials, by Gauss–Newton iterations from the best single-term
// fits). Theory is DefaultCostModel's. It needs at least three stages.
func FitCostModel(samples []CostSample) (CostModel, CostFit, error) {
	m := DefaultCostModel
	if len(samples) < 3 {
		return m, CostFit{}, fmt.Errorf("study: cost fit: %d timed stages, want at least 3", len(samples))
	}
	x := make([][2]float64, len(samples))
	y := make([]float64, len(samples))
	for i, c := range samples {
		t := c.terms()
		if !(c.Seconds > 0) || !(t[0] > 0) || math.IsInf(c.Seconds, 0) {
			return m, CostFit{}, fmt.Errorf("study: cost fit: stage %s: %g s for %g elements", c.Label, c.Seconds, t[0])
		}
		x[i], y[i] = t, math.Log(c.Seconds)
	}
	// Start: each term alone fits half the time (geometric means).
	var th [2]float64
	for j := range th {
		for i := range x {
			th[j] += y[i] - math.Log(x[i][j])
		}
		th[j] = th[j]/float64(len(x)) - math.Ln2
	}
	resid := func(th [2]float64) (r []float64, jac [][2]float64, ss float64) {
		for i := range x {
			a, b := math.Exp(th[0])*x[i][0], math.Exp(th[1])*x[i][1]
			e := y[i] - math.Log(a+b)
			r, jac, ss = append(r, e), append(jac, [2]float64{a / (a + b), b / (a + b)}), ss+e*e
		}
		return r, jac, ss
	}
	_, _, ss := resid(th)
	for iter := 0; iter < 500; iter++ {
		r, jac, _ := resid(th)
		var a [2][2]float64
		var g [2]float64
		for i := range r {
			for p := 0; p < 2; p++ {
				g[p] += jac[i][p] * r[i]
				for q := 0; q < 2; q++ {
					a[p][q] += jac[i][p] * jac[i][q]
				}
			}
		}
		// Levenberg damping keeps the step defined when a constant runs
		// to 0 (its column of the Jacobian vanishes).
		lam := 1e-9 * (a[0][0] + a[1][1])
		a[0][0] += lam
		a[1][1] += lam
		det := a[0][0]*a[1][1] - a[0][1]*a[1][0]
		d := [2]float64{(a[1][1]*g[0] - a[0][1]*g[1]) / det, (a[0][0]*g[1] - a[1][0]*g[0]) / det}
		// Halve the step until the sum of squares does not grow.
		improved := false
		for h := 1.0; h > 1e-6; h /= 2 {
			next := [2]float64{th[0] + h*max(-2, min(2, d[0])), th[1] + h*max(-2, min(2, d[1]))}
			if _, _, s := resid(next); s <= ss {
				improved = s < ss*(1-1e-15)
				th, ss = next, s
				break
			}
		}
		if !improved {
			break
		}
	}
	if math.IsNaN(ss) {
		return m, CostFit{}, errors.New("study: cost fit did not converge")
	}
	out := m
	out.Element, out.MulAdd = math.Exp(th[0]), math.Exp(th[1])
	r, _, _ := resid(th)
	fit := CostFit{Samples: len(r), LogSD: math.Sqrt(ss / float64(max(len(r)-2, 1))), MinRatio: math.Inf(1), MaxRatio: math.Inf(-1)}
	for _, e := range r {
		fit.MinRatio, fit.MaxRatio = min(fit.MinRatio, math.Exp(e)), max(fit.MaxRatio, math.Exp(e))
	}
	return out, fit, nil
}
