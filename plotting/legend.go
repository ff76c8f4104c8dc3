package plotting

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

const (
	legendInset = 5 // points between the data area's edge and the legend box
	legendPad   = 4 // points between the box and its entries
	legendGap   = 6 // points between the columns of a legend, and above one below the plot
)

// legend is the legend of a figure: its entries in the figure's look.
type legend struct {
	ty      typo
	entries []legendEntry
}

// legendEntry is one entry: a name and the icons drawn beside it.
type legendEntry struct {
	name   string
	thumbs []plot.Thumbnailer
}

func (l *legend) add(name string, thumbs ...plot.Thumbnailer) {
	l.entries = append(l.entries, legendEntry{name, thumbs})
}

func (l *legend) names() []string {
	names := make([]string, len(l.entries))
	for i, e := range l.entries {
		names[i] = e.name
	}
	return names
}

// plotLegend returns a gonum legend of the entries, icons first.
func (l *legend) plotLegend(entries []legendEntry) *plot.Legend {
	g := plot.NewLegend()
	g.TextStyle.Font = l.ty.legend
	g.TextStyle = aligned(g.TextStyle)
	g.ThumbnailWidth = vg.Points(24)
	g.Padding = vg.Points(1.5)
	g.Left, g.Top = true, true
	for _, e := range entries {
		g.Add(e.name, e.thumbs...)
	}
	return &g
}

// layout arranges the entries in columns of rows entries each, filled
// column by column, with text textScale times as wide as measured: it
// returns the width of every column (its widest entry, icon included) and
// the size of the box.
func (l *legend) layout(rows int, textScale float64) (colW []vg.Length, size vg.Point) {
	g := l.plotLegend(nil)
	sty := g.TextStyle
	icon := g.ThumbnailWidth + sty.Rectangle(" ").Max.X
	var entryH vg.Length
	for i, e := range l.entries {
		r := sty.Rectangle(e.name)
		if i%rows == 0 {
			colW = append(colW, 0)
		}
		colW[len(colW)-1] = max(colW[len(colW)-1], icon+r.Max.X*vg.Length(textScale))
		entryH = max(entryH, r.Max.Y)
	}
	pad, gap := vg.Points(legendPad), vg.Points(legendGap)
	for _, w := range colW {
		size.X += w
	}
	size.X += gap*vg.Length(len(colW)-1) + 2*pad
	size.Y = entryH*vg.Length(rows) + g.Padding*vg.Length(rows-1) + sty.FontExtents().Descent + 2*pad
	return colW, size
}

// Draw validates f and draws it on c, with the legend on a white box.
//
// With [LegendAuto] the legend goes to the corner of the data area that
// covers no data, neither points (with their error bars) nor lines; when
// every corner would cover some, it goes below the plot, in as many
// columns as the width holds.
func (f *Figure) Draw(c draw.Canvas) error {
	p, leg, err := f.build()
	if err != nil {
		return err
	}
	if leg == nil {
		p.Draw(c)
		return nil
	}
	textScale := 1.0
	if _, ok := c.Canvas.(*pgfCanvas); ok {
		textScale = pgfTextScale
	}
	dc := p.DataCanvas(c)
	if f.Legend != LegendBelow {
		if box, ok := f.legendCorner(p, dc, leg, textScale); ok {
			p.Draw(c)
			colW, _ := leg.layout(len(leg.entries), textScale)
			drawLegendBox(dc, leg, box, len(leg.entries), colW)
			return nil
		}
	}
	// Below the plot, centred under the data area and within the canvas,
	// in the fewest rows that fit the width.
	n := len(leg.entries)
	avail := c.Max.X - c.Min.X - 2*vg.Points(legendInset)
	rows := 1
	colW, size := leg.layout(rows, textScale)
	for size.X > avail && rows < n {
		rows++
		colW, size = leg.layout(rows, textScale)
	}
	main := draw.Crop(c, 0, 0, size.Y+vg.Points(legendGap)+vg.Points(legendInset), 0)
	p.Draw(main)
	dc = p.DataCanvas(main)
	x := (dc.Min.X+dc.Max.X)/2 - size.X/2
	x = max(c.Min.X+vg.Points(legendInset), min(x, c.Max.X-vg.Points(legendInset)-size.X))
	at := vg.Point{X: x, Y: c.Min.Y + vg.Points(legendInset)}
	drawLegendBox(c, leg, vg.Rectangle{Min: at, Max: at.Add(size)}, rows, colW)
	return nil
}

// legendCorner returns the legend box in the corner of the data area dc
// that f.Legend asks for or, with LegendAuto, the first corner (top right,
// top left, bottom right, bottom left) that covers no data; ok is false when
// every corner covers some.
func (f *Figure) legendCorner(p *plot.Plot, dc draw.Canvas, leg *legend, textScale float64) (box vg.Rectangle, ok bool) {
	if f.Legend != LegendAuto {
		return legendRect(dc, leg, f.Legend, textScale), true
	}
	lines, marks := f.canvasPoints(p, dc)
	in := func(q vg.Point, r vg.Rectangle, pad vg.Length) bool {
		return q.X >= r.Min.X-pad && q.X <= r.Max.X+pad && q.Y >= r.Min.Y-pad && q.Y <= r.Max.Y+pad
	}
corners:
	for _, pos := range []LegendPosition{LegendTopRight, LegendTopLeft, LegendBottomRight, LegendBottomLeft} {
		r := legendRect(dc, leg, pos, textScale)
		for _, q := range marks {
			if in(q, r, markerSize) {
				continue corners
			}
		}
		for _, q := range lines {
			if in(q, r, lineWidth) {
				continue corners
			}
		}
		return r, true
	}
	return vg.Rectangle{}, false
}

// legendRect returns the legend box, one entry a row, in a corner of the
// data area dc.
func legendRect(dc draw.Canvas, leg *legend, pos LegendPosition, textScale float64) vg.Rectangle {
	_, size := leg.layout(len(leg.entries), textScale)
	inset := vg.Points(legendInset)
	var box vg.Rectangle
	if pos == LegendTopLeft || pos == LegendBottomLeft {
		box.Min.X = dc.Min.X + inset
	} else {
		box.Min.X = dc.Max.X - inset - size.X
	}
	if pos == LegendBottomLeft || pos == LegendBottomRight {
		box.Min.Y = dc.Min.Y + inset
	} else {
		box.Min.Y = dc.Max.Y - inset - size.Y
	}
	box.Max = box.Min.Add(size)
	return box
}

// drawLegendBox draws the legend on a translucent white box, rows entries a
// column in columns of widths colW (see legend.layout).
func drawLegendBox(c draw.Canvas, leg *legend, box vg.Rectangle, rows int, colW []vg.Length) {
	c.SetColor(color.NRGBA{R: 255, G: 255, B: 255, A: 225})
	c.Fill(box.Path())
	c.SetLineStyle(draw.LineStyle{Color: color.Gray{Y: 0xA0}, Width: vg.Points(0.5)})
	c.Stroke(box.Path())
	pad := vg.Points(legendPad)
	x := box.Min.X + pad
	for k, w := range colW {
		col := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: x, Y: box.Min.Y + pad},
			Max: vg.Point{X: x + w, Y: box.Max.Y - pad},
		}}
		leg.plotLegend(leg.entries[k*rows : min((k+1)*rows, len(leg.entries))]).Draw(col)
		x += w + vg.Points(legendGap)
	}
}

// canvasPoints returns, in canvas coordinates, samples along the lines
// (densified) and reference lines, and the data points with the ends of
// their error bars, to place the legend.
func (f *Figure) canvasPoints(p *plot.Plot, dc draw.Canvas) (lines, marks []vg.Point) {
	trX, trY := p.Transforms(&dc)
	const dense = 8 // samples per line segment
	for _, s := range f.Lines {
		for _, seg := range s.segments() {
			for i := seg[0]; i < seg[1]; i++ {
				a := vg.Point{X: trX(s.X[i]), Y: trY(s.Y[i])}
				lines = append(lines, a)
				if i+1 < seg[1] {
					b := vg.Point{X: trX(s.X[i+1]), Y: trY(s.Y[i+1])}
					for k := 1; k < dense; k++ {
						t := vg.Length(k) / dense
						lines = append(lines, vg.Point{X: a.X + t*(b.X-a.X), Y: a.Y + t*(b.Y-a.Y)})
					}
				}
			}
		}
	}
	for _, s := range f.Points {
		for i := range s.X {
			x, y := s.X[i], s.Y[i]
			if math.IsNaN(x) || math.IsNaN(y) {
				continue
			}
			marks = append(marks, vg.Point{X: trX(x), Y: trY(y)})
			if e := s.errAt(i); e > 0 {
				marks = append(marks, vg.Point{X: trX(x), Y: trY(y + e)})
				if !f.LogY || y-e > 0 {
					marks = append(marks, vg.Point{X: trX(x), Y: trY(y - e)})
				}
			}
		}
	}
	const refSamples = 40 // samples along a reference line
	for _, h := range f.HLines {
		y := trY(h.Y)
		for k := 0; k <= refSamples; k++ {
			lines = append(lines, vg.Point{X: dc.Min.X + vg.Length(k)/refSamples*(dc.Max.X-dc.Min.X), Y: y})
		}
	}
	for _, v := range f.VLines {
		x := trX(v.X)
		for k := 0; k <= refSamples; k++ {
			lines = append(lines, vg.Point{X: x, Y: dc.Min.Y + vg.Length(k)/refSamples*(dc.Max.Y-dc.Min.Y)})
		}
	}
	return lines, marks
}
