package plotting

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// LegendPosition places the legend inside the data area.
type LegendPosition int

// Legend positions; the zero value picks the corner of the data area that
// covers no data point and the fewest line samples (preferring top right,
// top left, bottom right, bottom left), or, when every corner would cover a
// point, a place beside the data area.
const (
	LegendAuto LegendPosition = iota
	LegendTopRight
	LegendTopLeft
	LegendBottomRight
	LegendBottomLeft
	LegendNone
	// LegendBelow draws the legend below the plot, in as many columns as
	// the width holds.
	LegendBelow
)

// Figure is a two-dimensional figure: theory lines, simulation points with
// error bars and horizontal or vertical reference lines.
//
// Lines[i] and Points[i] share the automatic color i, so a theory curve and
// the simulations of the same setting match. A Figure is drawn by [Figure.PNG],
// [Figure.SVG], [Figure.WriteTo], [Figure.Save], and converted to an
// interactive chart by [Figure.Chart]; all of them validate it first.
type Figure struct {
	Title, XLabel, YLabel string
	// LogX and LogY select logarithmic axes; every plotted value on such an
	// axis must be positive. Error bars reaching zero or below are clipped at
	// the smallest positive value of the figure.
	LogX, LogY bool
	// Lines are drawn as curves (theory), split at NaN values.
	Lines []Series
	// Points are drawn as markers with optional error bars (simulations).
	Points []Series
	// HLines and VLines are reference lines across the whole plot.
	HLines []HLine
	VLines []VLine
	// Legend places the legend; series without a name have no entry.
	Legend LegendPosition
	// Look sets the typography of the static figure; the zero value is
	// the screen look, [PaperLook] the one for LaTeX papers.
	Look Look
}

// Validate reports the first problem of f, naming the series: an empty figure,
// invalid series (see [Series.Validate]), non-finite reference lines or
// non-positive values on a logarithmic axis.
func (f *Figure) Validate() error {
	if f == nil {
		return fmt.Errorf("plotting: nil figure")
	}
	if len(f.Lines) == 0 && len(f.Points) == 0 && len(f.HLines) == 0 && len(f.VLines) == 0 {
		return fmt.Errorf("plotting: figure %q has nothing to plot (no lines, points or reference lines)", f.Title)
	}
	if len(f.Lines) == 0 && len(f.Points) == 0 && (len(f.HLines) == 0 || len(f.VLines) == 0) {
		return fmt.Errorf("plotting: figure %q has only reference lines in one direction, so one axis has no range", f.Title)
	}
	for i := range f.Lines {
		if err := f.Lines[i].validate("line", i, f.LogX, f.LogY); err != nil {
			return err
		}
	}
	for i := range f.Points {
		if err := f.Points[i].validate("points", i, f.LogX, f.LogY); err != nil {
			return err
		}
	}
	for i, h := range f.HLines {
		if math.IsNaN(h.Y) || math.IsInf(h.Y, 0) || (f.LogY && h.Y <= 0) {
			return fmt.Errorf("plotting: horizontal line %d (%q) has Y = %v, want a finite value (positive on a logarithmic y axis)", i, h.Name, h.Y)
		}
	}
	for i, v := range f.VLines {
		if math.IsNaN(v.X) || math.IsInf(v.X, 0) || (f.LogX && v.X <= 0) {
			return fmt.Errorf("plotting: vertical line %d (%q) has X = %v, want a finite value (positive on a logarithmic x axis)", i, v.Name, v.X)
		}
	}
	if f.Legend < LegendAuto || f.Legend > LegendBelow {
		return fmt.Errorf("plotting: figure %q has invalid legend position %d", f.Title, int(f.Legend))
	}
	return nil
}

// bounds is the data range of a figure, including error bars.
type bounds struct{ xmin, xmax, ymin, ymax, yposMin float64 }

func (f *Figure) bounds() bounds {
	b := bounds{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1), math.Inf(1)}
	add := func(s *Series, withErr bool) {
		for i := range s.X {
			x, y := s.X[i], s.Y[i]
			if math.IsNaN(x) || math.IsNaN(y) {
				continue
			}
			e := 0.0
			if withErr {
				e = s.errAt(i)
			}
			b.xmin, b.xmax = math.Min(b.xmin, x), math.Max(b.xmax, x)
			b.ymin, b.ymax = math.Min(b.ymin, y-e), math.Max(b.ymax, y+e)
			if y > 0 {
				b.yposMin = math.Min(b.yposMin, y)
			}
		}
	}
	for i := range f.Lines {
		add(&f.Lines[i], false)
	}
	for i := range f.Points {
		add(&f.Points[i], true)
	}
	for _, h := range f.HLines {
		b.ymin, b.ymax = math.Min(b.ymin, h.Y), math.Max(b.ymax, h.Y)
		if h.Y > 0 {
			b.yposMin = math.Min(b.yposMin, h.Y)
		}
	}
	for _, v := range f.VLines {
		b.xmin, b.xmax = math.Min(b.xmin, v.X), math.Max(b.xmax, v.X)
	}
	if f.LogY && b.ymin <= 0 {
		b.ymin = b.yposMin
	}
	return b
}

// Plot validates f and builds the gonum plot, without the legend box (drawn
// by [Figure.Draw]). It is the escape hatch for customizations beyond
// Figure's fields.
func (f *Figure) Plot() (*plot.Plot, error) {
	p, _, err := f.build()
	return p, err
}

// build returns the plot and the legend, drawn separately over a white box
// (nil when there is none).
func (f *Figure) build() (*plot.Plot, *legend, error) {
	if err := f.Validate(); err != nil {
		return nil, nil, err
	}
	p := plot.New()
	ty := f.Look.resolve()
	paperStyle(p, ty, f.Title, f.XLabel, f.YLabel)
	leg := &legend{ty: ty}
	b := f.bounds()

	grid := plotter.NewGrid()
	grid.Vertical.Color = color.Gray{Y: 0xE4}
	grid.Horizontal.Color = color.Gray{Y: 0xE4}
	grid.Vertical.Width = vg.Points(0.5)
	grid.Horizontal.Width = vg.Points(0.5)
	p.Add(grid)

	for i, h := range f.HLines {
		r := &refLine{horizontal: true, v: h.Y, sty: refStyle(h.Style, i)}
		p.Add(r)
		if h.Name != "" {
			leg.add(h.Name, r)
		}
	}
	for i, v := range f.VLines {
		r := &refLine{v: v.X, sty: refStyle(v.Style, i+len(f.HLines))}
		p.Add(r)
		if v.Name != "" {
			leg.add(v.Name, r)
		}
	}
	for i := range f.Lines {
		thumbs, err := addLine(p, &f.Lines[i], i)
		if err != nil {
			return nil, nil, err
		}
		if f.Lines[i].Name != "" {
			leg.add(f.Lines[i].Name, thumbs...)
		}
	}
	for i := range f.Points {
		thumbs, err := addPoints(p, &f.Points[i], i, f.LogY, b.yposMin)
		if err != nil {
			return nil, nil, err
		}
		if f.Points[i].Name != "" {
			leg.add(f.Points[i].Name, thumbs...)
		}
	}

	setRange(&p.X, b.xmin, b.xmax, f.LogX, 0.02) // 2% margin keeps edge markers off the frame
	setRange(&p.Y, b.ymin, b.ymax, f.LogY, 0.05) // 5% margin above and below the data
	p.X.Tick.Marker = linearTicks{}
	p.Y.Tick.Marker = linearTicks{}
	if f.LogX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTicks{}
	}
	if f.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
	}
	if f.Legend == LegendNone || len(leg.entries) == 0 {
		leg = nil
	}
	return p, leg, nil
}

// setRange sets an axis range with a relative margin (in log space for a
// logarithmic axis) and widens a degenerate range.
func setRange(a *plot.Axis, lo, hi float64, log bool, margin float64) {
	if log {
		l, h := math.Log10(lo), math.Log10(hi)
		if h-l < 1e-12 {
			l, h = l-0.5, h+0.5
		}
		d := (h - l) * margin
		a.Min, a.Max = math.Pow(10, l-d), math.Pow(10, h+d)
		return
	}
	if hi-lo <= 1e-12*math.Max(math.Abs(lo), math.Abs(hi)) {
		w := math.Max(math.Abs(lo)*0.1, 0.5)
		lo, hi = lo-w, hi+w
	}
	d := (hi - lo) * margin
	a.Min, a.Max = lo-d, hi+d
}

// paperStyle sets fonts and paddings for print.
func paperStyle(p *plot.Plot, ty typo, title, xl, yl string) {
	if !ty.noTitle {
		p.Title.Text = title
	}
	p.Title.TextStyle.Font = ty.title
	p.Title.TextStyle = aligned(p.Title.TextStyle)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = xl
	p.Y.Label.Text = yl
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = ty.label
		a.Label.TextStyle = aligned(a.Label.TextStyle)
		a.Label.Padding = vg.Points(4)
		a.Tick.Label.Font = ty.tick
		a.Tick.Label = aligned(a.Tick.Label)
		a.LineStyle.Width = vg.Points(0.8)
		a.Tick.LineStyle.Width = vg.Points(0.8)
		a.Padding = vg.Points(2)
	}
}

// addLine adds a series as a curve split at NaN, with optional markers.
func addLine(p *plot.Plot, s *Series, i int) ([]plot.Thumbnailer, error) {
	ls := draw.LineStyle{Color: colorAt(s.Style.Color, i), Width: lineWidth}
	if s.Style.Width > 0 {
		ls.Width = vg.Points(s.Style.Width)
	}
	if s.Style.Dashed {
		ls.Dashes = dashPatterns[0]
	} else if k := i / len(Palette); k > 0 && s.Style.Color == nil {
		ls.Dashes = dashPatterns[(k-1)%len(dashPatterns)]
	}
	var thumbs []plot.Thumbnailer
	for _, seg := range s.segments() {
		xys := make(plotter.XYs, seg[1]-seg[0])
		for j := range xys {
			xys[j] = plotter.XY{X: s.X[seg[0]+j], Y: s.Y[seg[0]+j]}
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("plotting: line %d (%q): %w", i, s.Name, err)
		}
		l.LineStyle = ls
		p.Add(l)
		if thumbs == nil {
			thumbs = append(thumbs, l)
		}
		if g := glyphFor(s.Style.Marker); g != nil {
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, fmt.Errorf("plotting: line %d (%q): %w", i, s.Name, err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: ls.Color, Radius: markerSize, Shape: g}
			p.Add(sc)
			if len(thumbs) == 1 {
				thumbs = append(thumbs, sc)
			}
		}
	}
	return thumbs, nil
}

// addPoints adds markers and error bars, clipping bars on a log y axis at
// yposMin.
func addPoints(p *plot.Plot, s *Series, i int, logY bool, yposMin float64) ([]plot.Thumbnailer, error) {
	c := colorAt(s.Style.Color, i)
	var xys plotter.XYs
	eb := &errBars{sty: draw.LineStyle{Color: c, Width: errWidth}}
	for j := range s.X {
		x, y := s.X[j], s.Y[j]
		if math.IsNaN(x) || math.IsNaN(y) {
			continue
		}
		xys = append(xys, plotter.XY{X: x, Y: y})
		if e := s.errAt(j); e > 0 {
			lo := y - e
			if logY && lo <= 0 {
				lo = yposMin
			}
			eb.bars = append(eb.bars, [3]float64{x, lo, y + e})
		}
	}
	var thumbs []plot.Thumbnailer
	if len(eb.bars) > 0 {
		p.Add(eb)
	}
	m := pointMarker(s.Style.Marker, i)
	if g := glyphFor(m); g != nil {
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, fmt.Errorf("plotting: points %d (%q): %w", i, s.Name, err)
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: c, Radius: markerSize, Shape: g}
		p.Add(sc)
		thumbs = append(thumbs, sc)
	}
	if len(eb.bars) > 0 {
		thumbs = append(thumbs, eb)
	}
	return thumbs, nil
}

func refStyle(st Style, i int) draw.LineStyle {
	ls := draw.LineStyle{
		Color:  baselineColors[i%len(baselineColors)],
		Width:  vg.Points(1.3),
		Dashes: dashPatterns[i%len(dashPatterns)],
	}
	if st.Color != nil {
		ls.Color = st.Color
	}
	if st.Width > 0 {
		ls.Width = vg.Points(st.Width)
	}
	return ls
}

// refLine is a horizontal or vertical line across the data area.
type refLine struct {
	horizontal bool
	v          float64
	sty        draw.LineStyle
}

// Plot implements plot.Plotter.
func (r *refLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	if r.horizontal {
		y := trY(r.v)
		c.StrokeLine2(r.sty, c.Min.X, y, c.Max.X, y)
		return
	}
	x := trX(r.v)
	c.StrokeLine2(r.sty, x, c.Min.Y, x, c.Max.Y)
}

// DataRange implements plot.DataRanger: only the line's own coordinate.
func (r *refLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	inf := math.Inf(1)
	if r.horizontal {
		return inf, -inf, r.v, r.v
	}
	return r.v, r.v, inf, -inf
}

// Thumbnail implements plot.Thumbnailer.
func (r *refLine) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(r.sty, c.Min.X, y, c.Max.X, y)
}

// errBars draws vertical error bars with caps.
type errBars struct {
	bars [][3]float64 // x, low, high
	sty  draw.LineStyle
}

// Plot implements plot.Plotter.
func (e *errBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, b := range e.bars {
		x, lo, hi := trX(b[0]), trY(b[1]), trY(b[2])
		bar := c.ClipLinesY([]vg.Point{{X: x, Y: lo}, {X: x, Y: hi}})
		c.StrokeLines(e.sty, bar...)
		for _, y := range []vg.Length{lo, hi} {
			if c.ContainsY(y) {
				c.StrokeLine2(e.sty, x-capWidth/2, y, x+capWidth/2, y)
			}
		}
	}
}

// DataRange implements plot.DataRanger.
func (e *errBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, b := range e.bars {
		xmin, xmax = math.Min(xmin, b[0]), math.Max(xmax, b[0])
		ymin, ymax = math.Min(ymin, b[1]), math.Max(ymax, b[2])
	}
	return
}

// Thumbnail implements plot.Thumbnailer: a short vertical bar with caps.
func (e *errBars) Thumbnail(c *draw.Canvas) {
	x := c.Center().X
	h := (c.Max.Y - c.Min.Y) / 2
	y0, y1 := c.Center().Y-h*0.9, c.Center().Y+h*0.9
	c.StrokeLine2(e.sty, x, y0, x, y1)
	c.StrokeLine2(e.sty, x-capWidth/2, y0, x+capWidth/2, y0)
	c.StrokeLine2(e.sty, x-capWidth/2, y1, x+capWidth/2, y1)
}
