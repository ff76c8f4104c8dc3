package plotting_test

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"strings"

	"gonum.org/v1/plot/vg"

	"github.com/tlstat/tlstat/plotting"
)

// A theory curve, simulations with error bars and two baselines, rendered
// to PNG in memory.
func ExampleTestErrorVsGamma() {
	gamma := []float64{0, 1, 2, 3, 4}
	theory := plotting.Series{Name: "theory", X: gamma, Y: []float64{0.50, 0.41, 0.37, 0.36, 0.37}}
	sim := plotting.Series{Name: "Langevin", X: gamma, Y: []float64{0.51, 0.40, 0.38, 0.35, 0.37},
		Err: []float64{0.02, 0.02, 0.01, 0.01, 0.02}}
	f, err := plotting.TestErrorVsGamma([]plotting.Series{theory}, []plotting.Series{sim},
		[]plotting.HLine{{Name: "scratch", Y: 0.52}, {Name: "infinite width", Y: 0.45}})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := f.PNG(4*vg.Inch, 3*vg.Inch)
	if err != nil {
		fmt.Println(err)
		return
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Title)
	fmt.Println("pixels:", img.Bounds().Dx(), "×", img.Bounds().Dy())
	// Output:
	// Target test error vs coupling
	// pixels: 600 × 450
}

// Invalid input is reported with the series' name and the offending value.
func ExampleFigure_Validate() {
	f := plotting.Figure{
		LogY:  true,
		Lines: []plotting.Series{{Name: "Q", X: []float64{1, 2}, Y: []float64{0.3, -0.1}}},
	}
	fmt.Println(f.Validate())
	f.LogY = false
	f.Points = []plotting.Series{{Name: "sim", X: []float64{1, 2}, Y: []float64{math.NaN(), math.NaN()}}}
	fmt.Println(f.Validate())
	// Output:
	// plotting: line 0 ("Q") has Y[1] = -0.1 on a logarithmic y axis
	// plotting: points 0 ("sim") has no point with finite x and y (all 2 are NaN)
}

// Eigenvalues are sorted and non-positive round-off is dropped from the
// log-scale plot, with a note in the legend.
func ExampleSpectrum() {
	f, err := plotting.Spectrum(plotting.Values{Name: "K", Values: []float64{0.1, 4, -2e-16, 1}})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := f.Lines[0]
	fmt.Println(s.Name, s.X, s.Y, f.LogY)
	// Output:
	// K (1 ≤ 0 omitted) [1 2 3] [4 1 0.1] true
}

// The minimum of S(Q) on the grid is marked when the solver's Q* is not
// given (NaN).
func ExampleActionCurve() {
	q := []float64{0.5, 1, 1.5, 2}
	s := []float64{1.2, 0.8, 0.9, 1.4}
	f, err := plotting.ActionCurve(plotting.Series{X: q, Y: s}, math.NaN())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.VLines[0].Name, f.Points[0].Y[0])
	// Output:
	// Q* = 1 0.8
}

// A self-contained offline page: the ECharts library is inlined once, in
// the head, and each chart draws itself with echarts.init.
func ExamplePage() {
	f := &plotting.Figure{Title: "demo", Lines: []plotting.Series{{Name: "y = x²", X: []float64{0, 1, 2}, Y: []float64{0, 1, 4}}}}
	chart, err := f.Chart()
	if err != nil {
		fmt.Println(err)
		return
	}
	page, err := plotting.Page("Report", plotting.Heading("Interactive"), chart, chart,
		plotting.Heading("Static"), plotting.Image{Figure: f, Caption: "Figure 1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := string(page)
	fmt.Println("library copies:", strings.Count(s, plotting.LibraryJS()))
	fmt.Println("charts:", strings.Count(s, "echarts.init("))
	fmt.Println("remote scripts:", strings.Count(s, "<script src="))
	// Output:
	// library copies: 1
	// charts: 2
	// remote scripts: 0
}
