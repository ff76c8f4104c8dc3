package plotting

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"
)

func TestStandardFigures(t *testing.T) {
	good := Series{Name: "a", X: []float64{1, 2, 4}, Y: []float64{0.5, 0.4, 0.3}, Err: []float64{0.01, 0.01, 0.01}}
	bad := Series{Name: "broken", X: []float64{1, 2}, Y: []float64{1}}
	base := []HLine{{Name: "scratch", Y: 0.6}}

	figs := map[string]func() (*Figure, error){
		"error vs gamma":  func() (*Figure, error) { return TestErrorVsGamma([]Series{good}, []Series{good}, base) },
		"order params":    func() (*Figure, error) { return OrderParametersVsGamma([]Series{good}, nil) },
		"error vs N":      func() (*Figure, error) { return ErrorVsSize("N", []Series{good}, []Series{good}, base) },
		"spectrum":        func() (*Figure, error) { return Spectrum(Values{Name: "K", Values: []float64{3, 1, 2}}) },
		"action (argmin)": func() (*Figure, error) { return ActionCurve(good, math.NaN()) },
	}
	for name, mk := range figs {
		f, err := mk()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, err := f.PNG(3*vg.Inch, 2*vg.Inch); err != nil {
			t.Errorf("%s: PNG: %v", name, err)
		}
		if _, err := f.Chart(); err != nil {
			t.Errorf("%s: Chart: %v", name, err)
		}
	}
	if f, _ := ErrorVsSize("P", nil, []Series{good}, nil); !f.LogX || !f.LogY || f.XLabel != "training set size P" {
		t.Errorf("ErrorVsSize: LogX %v LogY %v XLabel %q", f.LogX, f.LogY, f.XLabel)
	}

	for name, mk := range map[string]func() (*Figure, error){
		"error vs gamma": func() (*Figure, error) { return TestErrorVsGamma([]Series{bad}, nil, nil) },
		"order params":   func() (*Figure, error) { return OrderParametersVsGamma(nil, []Series{bad}) },
		"error vs N": func() (*Figure, error) {
			return ErrorVsSize("N", []Series{{Name: "neg", X: []float64{-1}, Y: []float64{1}}}, nil, nil)
		},
		"spectrum empty": func() (*Figure, error) { return Spectrum(Values{Name: "zero", Values: []float64{0, -1e-17}}) },
		"spectrum nan":   func() (*Figure, error) { return Spectrum(Values{Name: "nan", Values: []float64{1, math.NaN()}}) },
		"action":         func() (*Figure, error) { return ActionCurve(bad, math.NaN()) },
		"action inf":     func() (*Figure, error) { return ActionCurve(good, math.Inf(1)) },
	} {
		if _, err := mk(); err == nil {
			t.Errorf("%s: invalid input accepted", name)
		}
	}
}

func TestSpectrumSortsAndDrops(t *testing.T) {
	f, err := Spectrum(Values{Name: "K", Values: []float64{0.5, 2, -1e-16, 1, 0}})
	if err != nil {
		t.Fatal(err)
	}
	s := f.Lines[0]
	if want := []float64{2, 1, 0.5}; !equalSlices(s.Y, want) || !equalSlices(s.X, []float64{1, 2, 3}) {
		t.Errorf("spectrum X %v Y %v, want ranks 1..3 and %v", s.X, s.Y, want)
	}
	if !strings.Contains(s.Name, "2 ≤ 0 omitted") || !f.LogY {
		t.Errorf("name %q (want the omitted count), LogY %v", s.Name, f.LogY)
	}
}

func equalSlices(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestActionCurveMinimum(t *testing.T) {
	// S(Q) = (Q-1)^2 + 2 sampled on Q = 0, 0.1, ..., 3: minimum at the grid point Q = 1, S = 2.
	var q, s []float64
	for i := 0; i <= 30; i++ {
		x := float64(i) / 10
		q = append(q, x)
		s = append(s, (x-1)*(x-1)+2)
	}
	f, err := ActionCurve(Series{X: q, Y: s}, math.NaN())
	if err != nil {
		t.Fatal(err)
	}
	if got := f.VLines[0].X; !scalar.EqualWithinAbsOrRel(got, 1, 1e-12, 1e-12) {
		t.Errorf("grid minimizer = %v, want 1", got)
	}
	if got := f.Points[0].Y[0]; !scalar.EqualWithinAbsOrRel(got, 2, 1e-12, 1e-12) {
		t.Errorf("marked S = %v, want 2", got)
	}
	// A solver-reported Q* = 1.05 is marked at the linear interpolation
	// between the grid values at 1.0 and 1.1: 2 + 0.5*(0.01) = 2.005.
	f, err = ActionCurve(Series{X: q, Y: s}, 1.05)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Points[0].Y[0]; !scalar.EqualWithinAbsOrRel(got, 2.005, 1e-12, 1e-12) {
		t.Errorf("interpolated S(1.05) = %v, want 2.005", got)
	}
	if !strings.HasPrefix(f.VLines[0].Name, "Q* = 1.05") {
		t.Errorf("vertical line name %q", f.VLines[0].Name)
	}
	// Q* outside the grid: line only, no point.
	f, err = ActionCurve(Series{X: q, Y: s}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Points) != 0 {
		t.Errorf("Q* outside the grid marked with a point at %v", f.Points)
	}
}

func TestHeatMapValidate(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		h    *HeatMap
		want string
	}{
		{"nil", nil, "nil heat map"},
		{"empty", &HeatMap{Title: "E"}, `heat map "E" has no cells`},
		{"ragged", &HeatMap{Z: [][]float64{{1, 2}, {3}}}, "row 1 has 1 values, row 0 has 2"},
		{"inf", &HeatMap{Z: [][]float64{{1, math.Inf(-1)}}}, "Z[0][1] = -Inf"},
		{"all nan", &HeatMap{Z: [][]float64{{nan, nan}}}, "no finite value"},
		{"x length", &HeatMap{Z: [][]float64{{1, 2}}, X: []float64{1}}, "len(X) = 1, want 2"},
		{"y order", &HeatMap{Z: [][]float64{{1}, {2}}, Y: []float64{1, 1}}, "Y[1] = 1 not greater than Y[0] = 1"},
		{"line", &HeatMap{Z: [][]float64{{1}}, Lines: []Series{{Name: "l"}}}, `line 0 ("l") has no points`},
	} {
		err := tc.h.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate() = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := KernelHeatMap("nil", nil); err == nil {
		t.Error("nil kernel accepted")
	}
	if _, err := GammaRelatednessHeatMap([]float64{1, 2}, []float64{0}, [][]float64{{1, 2, 3}}, "e"); err == nil {
		t.Error("gamma length mismatch accepted")
	}
}

func TestHeatMapRanges(t *testing.T) {
	h, err := KernelHeatMap("k", mat.NewDense(2, 2, []float64{-1, 0.5, 0.5, 3}))
	if err != nil {
		t.Fatal(err)
	}
	if !h.Diverging || !h.Matrix {
		t.Errorf("mixed-sign matrix: Diverging %v Matrix %v, want both", h.Diverging, h.Matrix)
	}
	if lo, hi := h.zRange(); lo != -3 || hi != 3 {
		t.Errorf("diverging range = [%v, %v], want [-3, 3]", lo, hi)
	}
	c, err := NewHeatMap("const", [][]float64{{2, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi := c.zRange(); !(lo < 2 && hi > 2) {
		t.Errorf("constant map range = [%v, %v], want it widened around 2", lo, hi)
	}
	if _, err := c.PNG(0, 0); err != nil {
		t.Errorf("constant map: %v", err)
	}
}

// TestHeatMapOrientation checks where cell (0, 0) lands: top left for a
// matrix, bottom left otherwise.
func TestHeatMapOrientation(t *testing.T) {
	z := make([][]float64, 8)
	for i := range z {
		z[i] = make([]float64, 8)
	}
	z[0][0] = 1 // the only bright cell (yellow at the top of the viridis scale)
	yellow := viridisControls[len(viridisControls)-1]
	for _, matrix := range []bool{true, false} {
		h, err := NewHeatMap("", z)
		if err != nil {
			t.Fatal(err)
		}
		h.Matrix = matrix
		b, err := h.PNG(4*vg.Inch, 4*vg.Inch)
		if err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, b)
		bd := img.Bounds()
		var sumY, n int
		for y := bd.Min.Y; y < bd.Max.Y; y++ {
			for x := bd.Min.X; x < bd.Max.X*3/4; x++ { // skip the color bar
				if near(img.At(x, y), yellow) {
					sumY += y
					n++
				}
			}
		}
		if n == 0 {
			t.Fatalf("matrix=%v: bright cell not drawn", matrix)
		}
		top := sumY/n < bd.Dy()/2 // image rows grow downwards
		if top != matrix {
			t.Errorf("matrix=%v: cell (0,0) drawn in the %s half", matrix, map[bool]string{true: "top", false: "bottom"}[top])
		}
	}
}

func TestHeatMapRaster(t *testing.T) {
	// 100×100 cells exceed rasterCells: drawn as one image, so the SVG
	// stays small instead of holding 10^4 rectangles.
	z := make([][]float64, 100)
	for i := range z {
		z[i] = make([]float64, 100)
		for j := range z[i] {
			z[i][j] = math.Sin(float64(i*j) / 100)
		}
	}
	h, err := RowsHeatMap("big", z)
	if err != nil {
		t.Fatal(err)
	}
	svg, err := h.SVG(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(svg), "<image"); n != 2 { // the map and the color bar
		t.Errorf("%d <image> elements, want 2", n)
	}
	// Axes, ticks and labels take about 100 paths; 10^4 cells would add 10^4.
	if n := strings.Count(string(svg), "<path"); n > 500 {
		t.Errorf("%d paths: cells drawn one by one", n)
	}
}
