package report

import (
	"fmt"
	"image/color"
	"math"

	"github.com/tlstat/tlstat/plotting"
	"github.com/tlstat/tlstat/tlstat/study"
)

// minPositiveGamma returns the smallest positive finite gamma of the theory
// grid, where simulations at gamma = 0 are drawn on logarithmic axes.
func minPositiveGamma(r *study.GammaResult) float64 {
	m := math.Inf(1)
	for _, p := range r.Theory {
		g := float64(p.Gamma)
		if g > 0 && g < m && !math.IsInf(g, 0) {
			m = g
		}
	}
	if math.IsInf(m, 1) {
		return 1
	}
	return m
}

// theorySeries returns the positive-gamma part of the sweep as (gamma, f(point)).
func theorySeries(name string, r *study.GammaResult, f func(study.TheoryPoint) study.Num) plotting.Series {
	return gammaSeries(name, r.Theory, func(p study.TheoryPoint) study.Num { return p.Gamma }, f)
}

// gammaSeries returns the points of pts with a positive, finite coupling
// gamma(p) as (gamma(p), f(p)), in order.
func gammaSeries[P any](name string, pts []P, gamma, f func(P) study.Num) plotting.Series {
	s := plotting.Series{Name: name}
	for _, p := range pts {
		g := float64(gamma(p))
		if g <= 0 || math.IsInf(g, 0) {
			continue
		}
		s.X = append(s.X, g)
		s.Y = append(s.Y, float64(f(p)))
	}
	return s
}

// notConverged names the grey rings of simulations whose chains did not
// pass the convergence gates.
const notConverged = "not converged"

// simSeries returns the converged simulations as points with error bars
// and, when some did not converge, a second series of those drawn as grey
// rings without error bars (not results), named unconverged; gamma = 0 is
// drawn at the smallest positive grid gamma.
func simSeries(name, unconverged string, r *study.GammaResult, f func(study.SimPoint) (study.Num, study.Num)) []plotting.Series {
	s := plotting.Series{Name: name}
	u := plotting.Series{Name: unconverged,
		Style: plotting.Style{Color: color.Gray{Y: 150}, Marker: plotting.MarkerRing}}
	g0 := minPositiveGamma(r)
	for _, p := range r.Sim {
		g := float64(p.Gamma)
		if g <= 0 {
			g = g0
		}
		y, e := f(p)
		if math.IsNaN(float64(y)) {
			continue
		}
		if !p.Converged {
			u.X, u.Y = append(u.X, g), append(u.Y, float64(y))
			continue
		}
		s.X = append(s.X, g)
		s.Y = append(s.Y, float64(y))
		s.Err = append(s.Err, float64(e))
	}
	var out []plotting.Series
	for _, x := range []plotting.Series{s, u} {
		if len(x.X) > 0 {
			out = append(out, x)
		}
	}
	return out
}

// ErrorFigure is the central figure of one pair: the transfer theory and the
// regularization-only control against gamma, Langevin points, and the scratch
// and infinite-width baselines.
func ErrorFigure(r *study.GammaResult) (*plotting.Figure, error) {
	theory := []plotting.Series{
		theorySeries("transfer theory", r, func(p study.TheoryPoint) study.Num { return p.TestError }),
		theorySeries("regularization only", r, func(p study.TheoryPoint) study.Num { return p.RegularizationOnlyError }),
		theorySeries("infinite width (NNGP)", r, func(p study.TheoryPoint) study.Num { return p.InfiniteWidthError }),
	}
	theory[1].Style.Dashed = true
	theory[2].Style.Dashed = true
	var sim []plotting.Series
	if len(r.Sim) > 0 {
		sim = append(sim, simSeries("Langevin", notConverged, r, func(p study.SimPoint) (study.Num, study.Num) { return p.TestError, p.TestErrorErr })...)
	}
	base := []plotting.HLine{
		{Name: "scratch (γ = 0)", Y: float64(r.Scratch.TestError)},
		{Name: "frozen (γ = ∞)", Y: float64(r.Frozen.TestError)},
	}
	f, err := plotting.TestErrorVsGamma(theory, sim, base)
	if err != nil {
		return nil, err
	}
	f.Title = fmt.Sprintf("%s: target test error vs γ (N=%d)", r.Pair, r.Net.N)
	f.LogX = true
	return f, nil
}

// OrderFigure shows the readout observables q_t/lambda1 and q_st/lambda1
// against gamma with the simulated |v_t|²/N and v_s·v_t/N.
func OrderFigure(r *study.GammaResult) (*plotting.Figure, error) {
	theory := []plotting.Series{
		theorySeries("⟨|v_t|²⟩/N = q_t/λ1", r, func(p study.TheoryPoint) study.Num { return p.ReadoutNorm }),
		theorySeries("⟨v_s·v_t⟩/N = q_st/λ1", r, func(p study.TheoryPoint) study.Num { return p.Overlap }),
	}
	var sim []plotting.Series
	if len(r.Sim) > 0 {
		// The unconverged rings of both look alike: one legend entry.
		sim = append(simSeries("|v_t|²/N (Langevin)", notConverged, r, func(p study.SimPoint) (study.Num, study.Num) { return p.VNorm, p.VNormErr }),
			simSeries("v_s·v_t/N (Langevin)", "", r, func(p study.SimPoint) (study.Num, study.Num) { return p.Overlap, p.OverlapErr })...)
	}
	f, err := plotting.OrderParametersVsGamma(theory, sim)
	if err != nil {
		return nil, err
	}
	f.Title = fmt.Sprintf("%s: readout observables vs γ", r.Pair)
	f.LogX = true
	return f, nil
}

// ComparisonFigure overlays the transfer error curves of several pairs.
func ComparisonFigure(results []*study.GammaResult) (*plotting.Figure, error) {
	var theory []plotting.Series
	var base []plotting.HLine
	for i, r := range results {
		s := theorySeries(r.Pair, r, func(p study.TheoryPoint) study.Num { return p.TestError })
		theory = append(theory, s)
		h := plotting.HLine{Name: r.Pair + " scratch", Y: float64(r.Scratch.TestError)}
		h.Style.Color = plotting.Palette[i%len(plotting.Palette)]
		h.Style.Dashed = true
		base = append(base, h)
	}
	f, err := plotting.TestErrorVsGamma(theory, nil, base)
	if err != nil {
		return nil, err
	}
	f.Title = "Transfer theory: target test error vs γ"
	f.LogX = true
	return f, nil
}
