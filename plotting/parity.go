package plotting

import (
	"fmt"
	"image/color"
	"math"
)

// TheoryVsSimulation returns a parity plot of simulations against the
// theory: in each series X[i] is the theory's prediction of a quantity and
// Y[i] ± Err[i] its simulated value (one series per setting, for instance per
// width). A dashed diagonal marks perfect agreement; it spans the data range,
// error bars included. quantity names the axes ("test error", say).
func TheoryVsSimulation(quantity string, simulation []Series) (*Figure, error) {
	if len(simulation) == 0 {
		return nil, fmt.Errorf("plotting: theory-vs-simulation figure of %q has no series", quantity)
	}
	f := &Figure{
		Title:  "Theory vs simulation: " + quantity,
		XLabel: "theory " + quantity,
		YLabel: "simulated " + quantity,
		Points: simulation,
		Legend: LegendTopLeft,
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	b := f.bounds()
	lo, hi := math.Min(b.xmin, b.ymin), math.Max(b.xmax, b.ymax)
	if !(hi >= lo) {
		return nil, fmt.Errorf("plotting: theory-vs-simulation figure of %q has no finite point", quantity)
	}
	f.Lines = []Series{{Name: "theory = simulation", X: []float64{lo, hi}, Y: []float64{lo, hi},
		Style: Style{Color: color.Gray{Y: 90}, Dashed: true, Width: 1}}}
	return newFigure(f)
}
