package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"github.com/tlstat/tlstat/plotting"
	"github.com/tlstat/tlstat/tlstat/study"
)

// ValidityHeatMap draws the validity map of one kind of data (erf networks): the relative
// gap of the variant, 100 (theory − sim)/sim, over log₂ α and log₁₀ T at
// the widest converged cell of each grid point (dark grey: not measured or
// not converged). It returns nil when no cell of that kind converged.
func ValidityHeatMap(vm *study.ValidityMap, kind, variant string) (*plotting.HeatMap, error) {
	alphas, ts, gap, _ := vm.Grid(kind, "erf", variant)
	z := make([][]float64, len(gap))
	finite := false
	for i, row := range gap {
		z[i] = make([]float64, len(row))
		for j, g := range row {
			z[i][j] = 100 * g
			finite = finite || !math.IsNaN(g)
		}
	}
	if !finite {
		return nil, nil
	}
	x, y := make([]float64, len(alphas)), make([]float64, len(ts))
	for j, a := range alphas {
		x[j] = math.Log2(a)
	}
	for i, t := range ts {
		y[i] = math.Log10(t)
	}
	h := &plotting.HeatMap{Title: fmt.Sprintf("%s theory vs converged simulations: %s data", variant, kind),
		XLabel: "log₂ α (α = P/N)", YLabel: "log₁₀ T", ZLabel: "(theory − sim)/sim (%); dark grey: not measured", Z: z, X: x, Y: y, Diverging: true,
		NaNColor: color.Gray{Y: 0x60}}
	return h, h.Validate()
}

// ValidityGapFigure draws the relative gap of the variant, 100 (theory −
// sim)/sim, of every converged erf cell of the map at the temperatures ts
// against the number of examples per input dimension P/N0 (logarithmic),
// one series per kind of data and temperature, with the simulation's
// relative standard error as error bar.
func ValidityGapFigure(vm *study.ValidityMap, variant string, ts ...float64) (*plotting.Figure, error) {
	index := map[string]int{}
	var pts []plotting.Series
	for _, c := range vm.Cells {
		if !c.Converged || c.Act != "erf" || c.N0 == 0 || !slices.Contains(ts, c.T) {
			continue
		}
		g := c.Gap(variant)
		if math.IsNaN(g) {
			continue
		}
		key := fmt.Sprintf("%s, T = %g", c.Kind, c.T)
		i, ok := index[key]
		if !ok {
			i = len(pts)
			index[key] = i
			pts = append(pts, plotting.Series{Name: key})
		}
		s := &pts[i]
		s.X, s.Y, s.Err = append(s.X, float64(c.P)/float64(c.N0)), append(s.Y, 100*g), append(s.Err, 100*c.SimErr/c.Sim)
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("report: no converged erf cell at T in %v", ts)
	}
	slices.SortFunc(pts, func(a, b plotting.Series) int { return strings.Compare(a.Name, b.Name) })
	f := &plotting.Figure{Title: "Gap of the " + variant + " theory against P/N0",
		XLabel: "P/N0", YLabel: "(theory − sim)/sim (%)", LogX: true, Points: pts,
		HLines: []plotting.HLine{{Name: "±2%", Y: 2, Style: plotting.Style{Dashed: true}}, {Y: -2, Style: plotting.Style{Dashed: true}}}}
	return f, f.Validate()
}

// EquivalenceFigure draws, for every converged cell of the map that carries
// the Gaussian-equivalence check, the relative gap of the variant,
// 100 (theory − sim)/sim, against the check's ratio (logarithmic axis), one
// series per kind of data, with the limit study.EquivalenceLimit as a
// vertical line: the figure from which the limit is read.
func EquivalenceFigure(vm *study.ValidityMap, variant string) (*plotting.Figure, error) {
	index := map[string]int{}
	var pts []plotting.Series
	for _, c := range vm.Cells {
		if !c.Converged || c.Equivalence == nil || !(*c.Equivalence > 0) {
			continue
		}
		g := c.Gap(variant)
		if math.IsNaN(g) {
			continue
		}
		i, ok := index[c.Kind]
		if !ok {
			i = len(pts)
			index[c.Kind] = i
			pts = append(pts, plotting.Series{Name: c.Kind})
		}
		s := &pts[i]
		s.X, s.Y, s.Err = append(s.X, *c.Equivalence), append(s.Y, 100*g), append(s.Err, 100*c.SimErr/c.Sim)
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("report: no converged cell carries the Gaussian-equivalence check")
	}
	slices.SortFunc(pts, func(a, b plotting.Series) int { return strings.Compare(a.Name, b.Name) })
	f := &plotting.Figure{Title: "Gap of the " + variant + " theory against its Gaussian-equivalence check",
		XLabel: "equivalence ratio", YLabel: "(theory − sim)/sim (%)", LogX: true, Points: pts,
		HLines: []plotting.HLine{{Name: "±2%", Y: 2, Style: plotting.Style{Dashed: true}}, {Y: -2, Style: plotting.Style{Dashed: true}}},
		VLines: []plotting.VLine{{Name: "limit", X: study.EquivalenceLimit}}}
	return f, f.Validate()
}
