package plotting

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/gonum/mat"
)

// newFigure validates f and returns it.
func newFigure(f *Figure) (*Figure, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return f, nil
}

// TestErrorVsGamma returns the project's main figure: the target test error
// against the coupling gamma, with theory lines, simulation points with error
// bars (Lines[i] and Points[i] share a color) and horizontal baselines such as
// the scratch and infinite-width errors.
func TestErrorVsGamma(theory, simulation []Series, baselines []HLine) (*Figure, error) {
	return newFigure(&Figure{
		Title:  "Target test error vs coupling",
		XLabel: "coupling γ",
		YLabel: "test error (MSE)",
		Lines:  theory, Points: simulation, HLines: baselines,
	})
}

// OrderParametersVsGamma returns order parameters (Q, readout norms, ...)
// against gamma: theory lines and optional simulation points.
func OrderParametersVsGamma(theory, simulation []Series) (*Figure, error) {
	return newFigure(&Figure{
		Title:  "Order parameters vs coupling",
		XLabel: "coupling γ",
		YLabel: "order parameter",
		Lines:  theory, Points: simulation,
	})
}

// ErrorVsSize returns a learning or width curve: test error against the
// variable named by variable ("N" for the width, "P" for the training set
// size) on log–log axes, with theory lines, simulation points and baselines.
func ErrorVsSize(variable string, theory, simulation []Series, baselines []HLine) (*Figure, error) {
	label := variable
	switch variable {
	case "N":
		label = "hidden width N"
	case "P":
		label = "training set size P"
	}
	return newFigure(&Figure{
		Title:  "Test error vs " + variable,
		XLabel: label,
		YLabel: "test error (MSE)",
		LogX:   true, LogY: true,
		Lines: theory, Points: simulation, HLines: baselines,
	})
}

// KernelHeatMap returns a heat map of a kernel (or any) matrix with row 0 at
// the top. Matrices with entries of both signs get a diverging color scale.
func KernelHeatMap(title string, k mat.Matrix) (*HeatMap, error) {
	if k == nil {
		return nil, fmt.Errorf("plotting: kernel heat map %q: nil matrix", title)
	}
	if r, c := k.Dims(); r == 0 || c == 0 {
		return nil, fmt.Errorf("plotting: kernel heat map %q: empty %d×%d matrix", title, r, c)
	}
	return RowsHeatMap(title, MatrixRows(k))
}

// RowsHeatMap is [KernelHeatMap] for a matrix given as rows (copied).
func RowsHeatMap(title string, rows [][]float64) (*HeatMap, error) {
	h, err := NewHeatMap(title, rows)
	if err != nil {
		return nil, err
	}
	h.XLabel, h.YLabel, h.ZLabel = "column j", "row i", "value"
	h.Matrix = true
	neg, pos := false, false
	for _, row := range h.Z {
		for _, v := range row {
			neg = neg || v < 0
			pos = pos || v > 0
		}
	}
	h.Diverging = neg && pos
	return h, nil
}

// Values is a named list of numbers, e.g. the eigenvalues of one kernel.
type Values struct {
	Name   string
	Values []float64
}

// Spectrum returns eigenvalue spectra, sorted in decreasing order against
// their rank on a logarithmic y axis. Non-positive eigenvalues (round-off of
// a positive semi-definite matrix) cannot be drawn on a log axis: they are
// omitted and their count is appended to the legend name. A spectrum with no
// positive eigenvalue is an error.
func Spectrum(spectra ...Values) (*Figure, error) {
	f := &Figure{Title: "Eigenvalue spectrum", XLabel: "rank k", YLabel: "eigenvalue", LogY: true}
	for i, sp := range spectra {
		v := make([]float64, 0, len(sp.Values))
		dropped := 0
		for j, x := range sp.Values {
			switch {
			case math.IsNaN(x) || math.IsInf(x, 0):
				return nil, fmt.Errorf("plotting: spectrum %d (%q) has value[%d] = %v", i, sp.Name, j, x)
			case x > 0:
				v = append(v, x)
			default:
				dropped++
			}
		}
		if len(v) == 0 {
			return nil, fmt.Errorf("plotting: spectrum %d (%q) has no positive eigenvalue among %d", i, sp.Name, len(sp.Values))
		}
		sort.Sort(sort.Reverse(sort.Float64Slice(v)))
		x := make([]float64, len(v))
		for j := range x {
			x[j] = float64(j + 1)
		}
		name := sp.Name
		if dropped > 0 {
			name += " (" + strconv.Itoa(dropped) + " ≤ 0 omitted)"
		}
		st := Style{Marker: autoMarkers[i%len(autoMarkers)]}
		if len(v) > 60 {
			st.Marker = MarkerNone // a dense spectrum reads better as a curve
		}
		f.Lines = append(f.Lines, Series{Name: name, X: x, Y: v, Style: st})
	}
	return newFigure(f)
}

// ActionCurve returns the effective action S(Q) against the order parameter
// Q with its minimum marked by a point and a vertical line. qStar is the
// minimizer reported by the solver; NaN means the grid point with the
// smallest S. With a solver-reported qStar the marked S value is interpolated
// linearly on the grid.
func ActionCurve(curve Series, qStar float64) (*Figure, error) {
	if curve.Name == "" {
		curve.Name = "S(Q)"
	}
	if err := curve.validate("line", 0, false, false); err != nil {
		return nil, err
	}
	sMin := math.NaN()
	if math.IsNaN(qStar) {
		for i := range curve.X {
			if !math.IsNaN(curve.X[i]) && !math.IsNaN(curve.Y[i]) && !(curve.Y[i] >= sMin) {
				qStar, sMin = curve.X[i], curve.Y[i]
			}
		}
	} else {
		if math.IsInf(qStar, 0) {
			return nil, fmt.Errorf("plotting: action curve minimizer Q* = %v", qStar)
		}
		sMin = interpolate(curve.X, curve.Y, qStar)
	}
	f := &Figure{
		Title:  "Effective action",
		XLabel: "order parameter Q",
		YLabel: "S(Q)",
		Lines:  []Series{curve},
		VLines: []VLine{{Name: "Q* = " + strconv.FormatFloat(qStar, 'g', 4, 64), X: qStar, Style: Style{Color: Palette[1]}}},
	}
	if !math.IsNaN(sMin) {
		f.Points = []Series{{Name: "minimum", X: []float64{qStar}, Y: []float64{sMin}, Style: Style{Color: Palette[1], Marker: MarkerDiamond}}}
	}
	return newFigure(f)
}

// interpolate returns y at x by linear interpolation on the points sorted by
// x, NaN outside their range.
func interpolate(xs, ys []float64, x float64) float64 {
	type pt struct{ x, y float64 }
	var pts []pt
	for i := range xs {
		if !math.IsNaN(xs[i]) && !math.IsNaN(ys[i]) {
			pts = append(pts, pt{xs[i], ys[i]})
		}
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].x < pts[j].x })
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		if x >= a.x && x <= b.x {
			if b.x == a.x {
				return a.y
			}
			return a.y + (x-a.x)/(b.x-a.x)*(b.y-a.y)
		}
	}
	if len(pts) == 1 && pts[0].x == x {
		return pts[0].y
	}
	return math.NaN()
}

// GammaRelatednessHeatMap returns a heat map of z[r][g], a quantity such as
// the target test error at relatedness[r] (rows, y axis) and coupling
// gamma[g] (columns, x axis). zLabel names the quantity.
func GammaRelatednessHeatMap(gamma, relatedness []float64, z [][]float64, zLabel string) (*HeatMap, error) {
	h, err := NewHeatMap("Transfer across coupling and relatedness", z)
	if err != nil {
		return nil, err
	}
	h.X = append([]float64(nil), gamma...)
	h.Y = append([]float64(nil), relatedness...)
	h.XLabel, h.YLabel, h.ZLabel = "coupling γ", "source–target relatedness", zLabel
	if err := h.Validate(); err != nil {
		return nil, err
	}
	return h, nil
}
