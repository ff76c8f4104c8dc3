package lab

import (
	"fmt"
	"math"

	"github.com/tlstat/tlstat/plotting"
	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// LogGammas returns 0 and k >= 2 log-spaced couplings from 10^lo to 10^hi.
func LogGammas(lo, hi float64, k int) []float64 {
	g := []float64{0}
	for i := range k {
		g = append(g, math.Pow(10, lo+(hi-lo)*float64(i)/float64(k-1)))
	}
	return g
}

// SliderGamma maps position k of a slider with positions 0 to steps onto
// log-spaced couplings from 10^lo (k = 0) to 10^hi (k = steps).
func SliderGamma(k, steps int, lo, hi float64) float64 {
	return math.Pow(10, lo+(hi-lo)*float64(k)/float64(steps))
}

// Curve is the transfer theory of one source/target pair: a sweep on a
// coarse grid of couplings, for the line, and the solver, to solve any
// other coupling exactly.
type Curve struct {
	// Name labels the curve in figures.
	Name string
	// Sweep is the theory on the grid with its baselines.
	Sweep *transfer.SweepResult

	solver *transfer.Solver
	test   *data.Dataset
}

// NewCurve solves the pair's transfer theory on the couplings gammas
// (ascending, starting at 0) and evaluates it on the test set.
func NewCurve(name string, p transfer.Problem, test *data.Dataset, gammas []float64) (*Curve, error) {
	s, err := transfer.NewSolver(p, nil)
	if err != nil {
		return nil, fmt.Errorf("lab: %s: %w", name, err)
	}
	sw, err := s.Sweep(gammas, test)
	if err != nil {
		return nil, fmt.Errorf("lab: %s: %w", name, err)
	}
	return &Curve{Name: name, Sweep: sw, solver: s, test: test}, nil
}

// At solves the theory at gamma: the target test error of the transfer
// predictor and of the infinite-width baseline at the same coupling.
func (c *Curve) At(gamma float64) (tr, inf transfer.Risk, err error) {
	m, err := c.solver.Fit(gamma)
	if err != nil {
		return tr, inf, fmt.Errorf("lab: %s at γ = %g: %w", c.Name, gamma, err)
	}
	if tr, err = m.Risk(c.test); err != nil {
		return tr, inf, err
	}
	mi, err := c.solver.InfiniteWidth(gamma)
	if err != nil {
		return tr, inf, fmt.Errorf("lab: %s, infinite width at γ = %g: %w", c.Name, gamma, err)
	}
	inf, err = mi.Risk(c.test)
	return tr, inf, err
}

// GammaFigure draws the target test error of each curve against γ
// (logarithmic axis, γ > 0) with its infinite-width baseline dashed in the
// same color and its scratch error as a horizontal line (dark for a single
// curve), and marks the error solved at gamma, stated in the legend.
func GammaFigure(title string, gamma float64, curves ...*Curve) (*plotting.Figure, error) {
	var lines, marks []plotting.Series
	var base []plotting.HLine
	for i, c := range curves {
		col := plotting.Palette[i%len(plotting.Palette)]
		l := plotting.Series{Name: c.Name + ": transfer", Style: plotting.Style{Color: col}}
		inf := plotting.Series{Name: c.Name + ": infinite width", Style: plotting.Style{Color: col, Dashed: true}}
		for _, p := range c.Sweep.Points {
			if p.Gamma > 0 && !math.IsInf(p.Gamma, 1) {
				l.X, l.Y = append(l.X, p.Gamma), append(l.Y, p.Risk.Total)
				inf.X, inf.Y = append(inf.X, p.Gamma), append(inf.Y, p.InfiniteWidth.Total)
			}
		}
		tr, _, err := c.At(gamma)
		if err != nil {
			return nil, err
		}
		lines = append(lines, l, inf)
		marks = append(marks, plotting.Series{Name: fmt.Sprintf("%s: γ = %.3g, error %.4f", c.Name, gamma, tr.Total),
			X: []float64{gamma}, Y: []float64{tr.Total}, Style: plotting.Style{Color: col}})
		h := plotting.HLine{Name: c.Name + ": scratch (γ = 0)", Y: c.Sweep.Scratch.Risk.Total}
		if len(curves) > 1 { // one curve: the default dark reference line, apart from the dashed infinite-width curve
			h.Style = plotting.Style{Color: col, Dashed: true}
		}
		base = append(base, h)
	}
	f, err := plotting.TestErrorVsGamma(lines, marks, base)
	if err != nil {
		return nil, err
	}
	f.LogX, f.YLabel, f.Title = true, "target test error", title
	return f, nil
}
