package plotting

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// HeatMap is a color-coded grid of values with a color bar.
//
// Z[r][c] is the value at row r and column c; row r sits at Y[r] and column
// c at X[c]. A HeatMap is drawn by [HeatMap.PNG], [HeatMap.SVG],
// [HeatMap.Save] and converted to an interactive chart by [HeatMap.Chart];
// all of them validate it first.
type HeatMap struct {
	Title, XLabel, YLabel string
	// ZLabel labels the color bar.
	ZLabel string
	// Z holds the values; NaN cells are drawn in NaNColor.
	Z [][]float64
	// NaNColor is the color of NaN cells (missing values); nil means light
	// gray.
	NaNColor color.Color
	// X and Y are the strictly increasing cell-center coordinates of the
	// columns and rows; nil means the indices 0, 1, 2, ...
	X, Y []float64
	// Matrix draws row 0 at the top, as a matrix is printed (kernel
	// matrices); otherwise Y increases upwards.
	Matrix bool
	// Diverging uses a blue–white–red color scale symmetric around zero;
	// otherwise a perceptually uniform sequential scale (viridis-like).
	Diverging bool
	// Lines are curves drawn over the map in data coordinates, e.g. the
	// optimal coupling as a function of relatedness.
	Lines []Series
	// Look sets the typography of the static figure (see [Figure.Look]).
	Look Look
}

// NewHeatMap returns a heat map of the rows z (copied), validated.
func NewHeatMap(title string, z [][]float64) (*HeatMap, error) {
	h := &HeatMap{Title: title, Z: make([][]float64, len(z))}
	for i, row := range z {
		h.Z[i] = append([]float64(nil), row...)
	}
	if err := h.Validate(); err != nil {
		return nil, err
	}
	return h, nil
}

// MatrixRows copies a gonum matrix into rows.
func MatrixRows(m mat.Matrix) [][]float64 {
	r, c := m.Dims()
	z := make([][]float64, r)
	for i := range z {
		z[i] = make([]float64, c)
		for j := range z[i] {
			z[i][j] = m.At(i, j)
		}
	}
	return z
}

// Validate reports the first problem of h: no rows, ragged rows, infinite
// values, no finite value, coordinates of the wrong length or not strictly
// increasing, or an invalid overlay line.
func (h *HeatMap) Validate() error {
	if h == nil {
		return fmt.Errorf("plotting: nil heat map")
	}
	if len(h.Z) == 0 || len(h.Z[0]) == 0 {
		return fmt.Errorf("plotting: heat map %q has no cells", h.Title)
	}
	cols := len(h.Z[0])
	finite := 0
	for r, row := range h.Z {
		if len(row) != cols {
			return fmt.Errorf("plotting: heat map %q row %d has %d values, row 0 has %d", h.Title, r, len(row), cols)
		}
		for c, v := range row {
			if math.IsInf(v, 0) {
				return fmt.Errorf("plotting: heat map %q has Z[%d][%d] = %v", h.Title, r, c, v)
			}
			if !math.IsNaN(v) {
				finite++
			}
		}
	}
	if finite == 0 {
		return fmt.Errorf("plotting: heat map %q has no finite value (all %d cells are NaN)", h.Title, len(h.Z)*cols)
	}
	check := func(name string, v []float64, n int) error {
		if v == nil {
			return nil
		}
		if len(v) != n {
			return fmt.Errorf("plotting: heat map %q has len(%s) = %d, want %d", h.Title, name, len(v), n)
		}
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("plotting: heat map %q has %s[%d] = %v", h.Title, name, i, x)
			}
			if i > 0 && !(x > v[i-1]) {
				return fmt.Errorf("plotting: heat map %q has %s[%d] = %v not greater than %s[%d] = %v", h.Title, name, i, x, name, i-1, v[i-1])
			}
		}
		return nil
	}
	if err := check("X", h.X, cols); err != nil {
		return err
	}
	if err := check("Y", h.Y, len(h.Z)); err != nil {
		return err
	}
	for i := range h.Lines {
		if err := h.Lines[i].validate("line", i, false, false); err != nil {
			return fmt.Errorf("heat map %q: %w", h.Title, err)
		}
	}
	return nil
}

// zRange returns the color scale range: finite min and max, symmetric for a
// diverging map, widened when degenerate.
func (h *HeatMap) zRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range h.Z {
		for _, v := range row {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if h.Diverging {
		a := math.Max(math.Abs(lo), math.Abs(hi))
		lo, hi = -a, a
	}
	if !(hi > lo) {
		w := math.Max(math.Abs(lo)*0.1, 0.5)
		lo, hi = lo-w, hi+w
	}
	return lo, hi
}

// viridisControls are control colors of matplotlib's viridis (CC0; van der
// Walt and Smith), whose lightness increases monotonically.
var viridisControls = []color.Color{
	color.RGBA{0x44, 0x01, 0x54, 0xff},
	color.RGBA{0x41, 0x44, 0x87, 0xff},
	color.RGBA{0x2a, 0x78, 0x8e, 0xff},
	color.RGBA{0x22, 0xa8, 0x84, 0xff},
	color.RGBA{0x7a, 0xd1, 0x51, 0xff},
	color.RGBA{0xfd, 0xe7, 0x25, 0xff},
}

// colorMap returns the heat map's color map over [lo, hi].
func (h *HeatMap) colorMap(lo, hi float64) palette.ColorMap {
	var cm palette.ColorMap
	if h.Diverging {
		cm = moreland.SmoothBlueRed()
	} else {
		var err error
		cm, err = moreland.NewLuminance(viridisControls)
		if err != nil {
			panic(err) // the control colors are constant and valid
		}
	}
	cm.SetMin(lo)
	cm.SetMax(hi)
	return cm
}

// grid adapts a HeatMap to plotter.GridXYZ.
type grid struct{ h *HeatMap }

func (g grid) Dims() (c, r int) { return len(g.h.Z[0]), len(g.h.Z) }
func (g grid) Z(c, r int) float64 {
	if g.h.Matrix {
		return g.h.Z[len(g.h.Z)-1-r][c]
	}
	return g.h.Z[r][c]
}
func (g grid) X(c int) float64 {
	if g.h.X == nil {
		return float64(c)
	}
	return g.h.X[c]
}
func (g grid) Y(r int) float64 {
	n := len(g.h.Z)
	if g.h.Matrix {
		r = n - 1 - r
		if g.h.Y == nil {
			return float64(n - 1 - r) // row 0 at the top
		}
		return -g.h.Y[r]
	}
	if g.h.Y == nil {
		return float64(r)
	}
	return g.h.Y[r]
}

// flippedTicks labels a negated axis with the original values.
type flippedTicks struct{}

func (flippedTicks) Ticks(min, max float64) []plot.Tick {
	ts := linearTicks{}.Ticks(-max, -min)
	for i := range ts {
		ts[i].Value = -ts[i].Value
	}
	return ts
}

// matrixTicks labels rows placed at n-1-r with their index r.
type matrixTicks struct{ n int }

func (m matrixTicks) Ticks(min, max float64) []plot.Tick {
	k := float64(m.n - 1)
	ts := integerTicks{}.Ticks(k-max, k-min)
	for i := range ts {
		ts[i].Value = k - ts[i].Value
	}
	return ts
}

// integerTicks labels only integral values (for index axes); other ticks
// stay as unlabeled minor ticks.
type integerTicks struct{}

func (integerTicks) Ticks(min, max float64) []plot.Tick {
	ts := linearTicks{}.Ticks(min, max)
	for i := range ts {
		switch {
		case ts[i].Value != math.Trunc(ts[i].Value):
			ts[i].Label = ""
		case ts[i].Label != "":
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'f', -1, 64)
		}
	}
	return ts
}

// rasterCells is the cell count above which heat maps are drawn as one
// image instead of one rectangle per cell (keeps SVG output small).
const rasterCells = 4096

// Draw validates h and draws it with a color bar on c.
func (h *HeatMap) Draw(c draw.Canvas) error {
	if err := h.Validate(); err != nil {
		return err
	}
	lo, hi := h.zRange()
	cm := h.colorMap(lo, hi)
	cols, rows := len(h.Z[0]), len(h.Z)

	p := plot.New()
	ty := h.Look.resolve()
	paperStyle(p, ty, h.Title, h.XLabel, h.YLabel)
	cl := newCells(grid{h}, cm, cols*rows > rasterCells)
	if h.NaNColor != nil {
		cl.nan = h.NaNColor
	}
	p.Add(cl)
	p.X.Tick.Marker = linearTicks{}
	p.Y.Tick.Marker = linearTicks{}
	if h.X == nil {
		p.X.Tick.Marker = integerTicks{}
	}
	switch {
	case h.Matrix && h.Y == nil:
		p.Y.Tick.Marker = matrixTicks{n: rows}
	case h.Matrix:
		p.Y.Tick.Marker = flippedTicks{}
	case h.Y == nil:
		p.Y.Tick.Marker = integerTicks{}
	}
	for i := range h.Lines {
		s := h.Lines[i]
		if s.Style.Color == nil {
			s.Style.Color = color.White
		}
		if h.Matrix {
			// Match grid.Y: row coordinates are mirrored.
			s.Y = make([]float64, len(h.Lines[i].Y))
			for j, y := range h.Lines[i].Y {
				if h.Y == nil {
					s.Y[j] = float64(rows-1) - y
				} else {
					s.Y[j] = -y
				}
			}
		}
		if _, err := addLine(p, &s, i); err != nil {
			return err
		}
	}

	cb := plot.New()
	paperStyle(cb, ty, "", "", h.ZLabel)
	cb.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
	cb.HideX()
	cb.Y.Min, cb.Y.Max = lo, hi
	cb.Y.Tick.Marker = linearTicks{}

	cbWidth := vg.Points(62) // bar, tick labels and the rotated label
	if h.ZLabel != "" {
		cbWidth += vg.Points(16)
	}
	main := draw.Crop(c, 0, -cbWidth, 0, 0)
	p.Draw(main)
	dc := p.DataCanvas(main)
	cbC := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: main.Max.X + vg.Points(6), Y: dc.Min.Y},
		Max: vg.Point{X: c.Max.X - vg.Points(4), Y: dc.Max.Y},
	}}
	// The bar is the data area of cb; narrow it to 14 points on the right.
	cbDC := cb.DataCanvas(cbC)
	if w := cbDC.Max.X - cbDC.Min.X; w > vg.Points(14) {
		cbC.Min.X += w - vg.Points(14)
	}
	cb.Draw(cbC)
	return nil
}

// PNG renders h as a PNG image (see [Figure.PNG]).
func (h *HeatMap) PNG(w, ht vg.Length) ([]byte, error) { return Render(h, w, ht, "png") }

// SVG renders h as an SVG document (see [Figure.SVG]).
func (h *HeatMap) SVG(w, ht vg.Length) ([]byte, error) { return Render(h, w, ht, "svg") }

// Save writes h to path in the format of its extension (see [Figure.Save]).
func (h *HeatMap) Save(path string, w, ht vg.Length) error { return Save(h, path, w, ht) }
