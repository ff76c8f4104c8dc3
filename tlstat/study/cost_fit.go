package study

import (
	"cmp"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/langevin"
)

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
		its := row.BurnIn + row.Steps
		skip := row.Warmup // an automatic burn-in measures from the end of the warm-up
		if r.burn > 0 {
			skip = max(row.BurnIn, row.Warmup)
		}
		out = append(out, CostSample{Label: label, Method: r.method, Chains: chains, Iterations: float64(its),
			Measurements: float64(max(its-skip, 0)) / r.thin, Grads: grads, P: st.p, Q: pt.testSize(), N: float64(pt.Params.N),
			N0: pt.inputDim(), Seconds: row.Seconds})
	}
	return out
}

// costTerms are CostModel's fitted constants, each with the work it is
// charged on; the model's seconds are their sum.
var costTerms = []struct {
	name     string
	constant func(*CostModel) *float64
	work     func(CostWork) float64
}{
	{"Element", func(m *CostModel) *float64 { return &m.Element }, func(w CostWork) float64 { return w.Elements }},
	{"MulAdd", func(m *CostModel) *float64 { return &m.MulAdd }, CostWork.MulAdds},
}

// PredictSample returns the seconds the model predicts for the stage.
func (m CostModel) PredictSample(c CostSample) float64 {
	w := c.Work()
	s := 0.0
	for _, t := range costTerms {
		s += *t.constant(&m) * t.work(w)
	}
	return s
}

// CostFit describes a fit of the cost model: the number of stages, the
// standard deviation of the natural log of measured over predicted seconds
// (with the degrees of freedom of the fitted constants), and the smallest
// and largest ratio of measured to predicted seconds.
type CostFit struct {
	Samples            int
	LogSD              float64
	MinRatio, MaxRatio float64
}

// Spread is the factor MaxRatio/MinRatio.
func (f CostFit) Spread() float64 { return f.MaxRatio / f.MinRatio }

// FitCostModel fits the constants of the cost model that multiply the
// work of a stage (Element and MulAdd, CostWork) to measured stages by
// least squares in log space: it minimizes Σ (log measured − log
// predicted)², so that a stage of 30 s counts as much as one of an hour
// and the residuals are factors, the natural error of wall-clock times on
// a loaded machine. The constants are positive (fitted as exponentials, by
// damped Gauss–Newton iterations from the fit in which each term alone
// takes an equal share of every stage's time). Theory is
// DefaultCostModel's. It needs more stages than constants, and each
// constant's work must be positive on some stage.
func FitCostModel(samples []CostSample) (CostModel, CostFit, error) {
	m := DefaultCostModel
	k := len(costTerms)
	if len(samples) <= k {
		return m, CostFit{}, fmt.Errorf("study: cost fit: %d timed stages, want at least %d", len(samples), k+1)
	}
	x := make([][]float64, len(samples))
	y := make([]float64, len(samples))
	for i, c := range samples {
		w := c.Work()
		x[i] = make([]float64, k)
		total := 0.0
		for j, t := range costTerms {
			x[i][j] = t.work(w)
			total += x[i][j]
		}
		if !(c.Seconds > 0) || math.IsInf(c.Seconds, 0) || !(total > 0) || math.IsInf(total, 0) {
			return m, CostFit{}, fmt.Errorf("study: cost fit: stage %s: %g s for work %+v", c.Label, c.Seconds, w)
		}
		y[i] = math.Log(c.Seconds)
	}
	names := make([]string, k)
	for j, t := range costTerms {
		names[j] = t.name
	}
	th, err := fitLogSum(x, y, names)
	if err != nil {
		return m, CostFit{}, err
	}
	out := m
	for j, t := range costTerms {
		*t.constant(&out) = math.Exp(th[j])
	}
	return out, out.costFit(samples, k), nil
}

// FitCostScale scales the fitted constants of m (Element and MulAdd) by
// the one factor that fits the measured stages best in log space, the
// geometric mean of measured over predicted seconds: m's constants give
// the relative costs of the terms (measured where the terms can be told
// apart), the stages the seconds they come to on the machine and at the
// load that ran them. It needs at least two stages.
func FitCostScale(m CostModel, samples []CostSample) (CostModel, CostFit, error) {
	if len(samples) < 2 {
		return m, CostFit{}, fmt.Errorf("study: cost scale fit: %d timed stages, want at least 2", len(samples))
	}
	sum := 0.0
	for _, c := range samples {
		p := m.PredictSample(c)
		if !(c.Seconds > 0) || math.IsInf(c.Seconds, 0) || !(p > 0) || math.IsInf(p, 0) {
			return m, CostFit{}, fmt.Errorf("study: cost scale fit: stage %s: %g s measured, %g s predicted", c.Label, c.Seconds, p)
		}
		sum += math.Log(c.Seconds / p)
	}
	f := math.Exp(sum / float64(len(samples)))
	out := m
	for _, t := range costTerms {
		*t.constant(&out) *= f
	}
	return out, out.costFit(samples, 1), nil
}

// costFit describes how m predicts the samples, k constants fitted.
func (m CostModel) costFit(samples []CostSample, k int) CostFit {
	fit := CostFit{Samples: len(samples), MinRatio: math.Inf(1), MaxRatio: math.Inf(-1)}
	ss := 0.0
	for _, c := range samples {
		e := math.Log(c.Seconds / m.PredictSample(c))
		ss += e * e
		fit.MinRatio, fit.MaxRatio = min(fit.MinRatio, math.Exp(e)), max(fit.MaxRatio, math.Exp(e))
	}
	fit.LogSD = math.Sqrt(ss / float64(max(len(samples)-k, 1)))
	return fit
}

// fitLogSum returns the θ that minimizes Σ_i (y_i − log Σ_j e^θ_j x_ij)²
// for non-negative x (every row with a positive entry); names name the
// columns in errors.
func fitLogSum(x [][]float64, y []float64, names []string) ([]float64, error) {
	k := len(x[0])
	// Start: each term alone fits a k-th of the time (geometric means
	// over the rows where it is charged).
	th := make([]float64, k)
	for j := range th {
		n := 0
		for i := range x {
			if x[i][j] > 0 {
				th[j] += y[i] - math.Log(x[i][j])
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("study: cost fit: %s is charged on no stage", names[j])
		}
		th[j] = th[j]/float64(n) - math.Log(float64(k))
	}
	// resid returns the residuals, the Jacobian of the log prediction
	// (the share of each term) and the sum of squares at th.
	resid := func(th []float64) (r []float64, jac [][]float64, ss float64) {
		for i := range x {
			share := make([]float64, k)
			sum := 0.0
			for j := range share {
				share[j] = math.Exp(th[j]) * x[i][j]
				sum += share[j]
			}
			for j := range share {
				share[j] /= sum
			}
			e := y[i] - math.Log(sum)
			r, jac, ss = append(r, e), append(jac, share), ss+e*e
		}
		return r, jac, ss
	}
	_, _, ss := resid(th)
	a := mat.NewSymDense(k, nil)
	g := mat.NewVecDense(k, nil)
	var d mat.VecDense
	var chol mat.Cholesky
	next := make([]float64, k)
	// Levenberg–Marquardt: the damping lam is relative to the diagonal of
	// the normal equations, so that a constant running to 0 (its column
	// of the Jacobian vanishing) keeps the step defined; it shrinks after
	// a step that lowers the sum of squares and grows until one does.
	lam := 1e-3
	for iter := 0; iter < 2000 && lam < 1e12; iter++ {
		r, jac, _ := resid(th)
		for p := 0; p < k; p++ {
			gp := 0.0
			for i := range r {
				gp += jac[i][p] * r[i]
			}
			g.SetVec(p, gp)
			for q := p; q < k; q++ {
				s := 0.0
				for i := range r {
					s += jac[i][p] * jac[i][q]
				}
				a.SetSym(p, q, s)
			}
		}
		for {
			damped := mat.NewSymDense(k, nil)
			damped.CopySym(a)
			for p := 0; p < k; p++ {
				damped.SetSym(p, p, a.At(p, p)*(1+lam)+1e-12)
			}
			if !chol.Factorize(damped) {
				return nil, errors.New("study: cost fit: singular normal equations")
			}
			if err := chol.SolveVecTo(&d, g); err != nil {
				return nil, fmt.Errorf("study: cost fit: %v", err)
			}
			for p := range next {
				next[p] = th[p] + max(-2, min(2, d.AtVec(p)))
			}
			if _, _, s := resid(next); s <= ss {
				done := s >= ss*(1-1e-14)
				copy(th, next)
				ss = s
				lam = max(lam/3, 1e-12)
				if done {
					lam = 1e12 // converged
				}
				break
			}
			if lam *= 4; lam >= 1e12 {
				break
			}
		}
	}
	if math.IsNaN(ss) {
		return nil, errors.New("study: cost fit did not converge")
	}
	return th, nil
}
