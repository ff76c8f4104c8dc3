package report

import (
	"fmt"
	"image/color"
	"math"

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
