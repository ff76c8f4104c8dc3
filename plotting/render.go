package plotting

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// PNGDPI is the resolution of PNG output: a 6 × 4 inch figure becomes
// 900 × 600 pixels.
var PNGDPI = 150.0

// Drawer is a static figure that can draw itself on a gonum/plot canvas.
// [Figure] and [HeatMap] implement it.
type Drawer interface {
	// Draw validates the figure and draws it on c.
	Draw(c draw.Canvas) error
}

// size substitutes the defaults for zero sizes.
func size(w, h vg.Length) (vg.Length, vg.Length, error) {
	if w == 0 {
		w = DefaultWidth
	}
	if h == 0 {
		h = DefaultHeight
	}
	if w < 0 || h < 0 {
		return 0, 0, fmt.Errorf("plotting: invalid figure size %v × %v", w, h)
	}
	return w, h, nil
}

// WriterTo validates d and draws it on an in-memory canvas of the given size
// (zero means [DefaultWidth] or [DefaultHeight]) and format: "png" (at
// [PNGDPI]), "svg", "pdf", "eps", "jpg", "jpeg", "tif", "tiff", "pgf" or
// "tex".
//
// "pgf" is a pgfpicture for \input in a LaTeX document that loads the pgf
// or tikz package: the document typesets the text, in its own font at the
// sizes of the figure's [Look], so labels may hold LaTeX's special characters,
// Greek letters and the usual mathematical symbols ("γ", "λ₁", "⟨|v_t|²⟩",
// "R̂"), which are turned into LaTeX; a character with no LaTeX form is an
// error. "tex" is the same picture as a standalone document for pdflatex.
// Neither can hold raster images (heat maps of more than 4096 cells).
func WriterTo(d Drawer, w, h vg.Length, format string) (io.WriterTo, error) {
	w, h, err := size(w, h)
	if err != nil {
		return nil, err
	}
	format = strings.ToLower(strings.TrimPrefix(format, "."))
	var c vg.CanvasWriterTo
	switch format {
	case "png":
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(int(PNGDPI)))}
	case "svg":
		c = vgsvg.New(w, h)
	case "pdf":
		c = newPDF(w, h)
	case "pgf", "tex":
		c = newPGF(w, h, format == "tex")
	default:
		c, err = draw.NewFormattedCanvas(w, h, format)
		if err != nil {
			return nil, fmt.Errorf("plotting: %w", err)
		}
	}
	if err := d.Draw(draw.New(c)); err != nil {
		return nil, err
	}
	if p, ok := c.(*pgfCanvas); ok {
		if err := p.drawErr(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Render returns d drawn in the given format (see [WriterTo]).
func Render(d Drawer, w, h vg.Length, format string) ([]byte, error) {
	wt, err := WriterTo(d, w, h, format)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plotting: encoding %s: %w", format, err)
	}
	if strings.EqualFold(strings.TrimPrefix(format, "."), "svg") {
		return svgFontFallback(buf.Bytes()), nil
	}
	return buf.Bytes(), nil
}

// svgFontFallback adds metric-compatible fallbacks to the Liberation font
// families named by gonum/plot's SVG output, for viewers without them.
func svgFontFallback(b []byte) []byte {
	for _, r := range [][2]string{
		{"font-family:Liberation Sans;", "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"},
		{"font-family:Liberation Serif;", "font-family:'Liberation Serif','Times New Roman',Times,serif;"},
		{"font-family:Liberation Mono;", "font-family:'Liberation Mono','Courier New',Courier,monospace;"},
	} {
		b = bytes.ReplaceAll(b, []byte(r[0]), []byte(r[1]))
	}
	return b
}

// Save writes d to path in the format given by its extension (see
// [WriterTo]); zero sizes mean the defaults.
func Save(d Drawer, path string, w, h vg.Length) error {
	ext := strings.TrimPrefix(filepath.Ext(path), ".")
	if ext == "" {
		return fmt.Errorf("plotting: cannot choose a format for %q: no file extension", path)
	}
	b, err := Render(d, w, h, ext)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// Draw validates f and draws it on c, with the legend on a white box.
func (f *Figure) Draw(c draw.Canvas) error {
	p, leg, err := f.build()
	if err != nil {
		return err
	}
	p.Draw(c)
	names := f.legendNames()
	if leg == nil || len(names) == 0 {
		return nil
	}
	dc := p.DataCanvas(c)
	corners := []LegendPosition{f.Legend}
	if f.Legend == LegendAuto {
		corners = []LegendPosition{LegendTopRight, LegendTopLeft, LegendBottomRight, LegendBottomLeft}
	}
	pts := f.canvasPoints(p, dc)
	textScale := 1.0
	if _, ok := c.Canvas.(*pgfCanvas); ok {
		textScale = pgfTextScale
	}
	best, bestN := vg.Rectangle{}, -1
	for _, pos := range corners {
		box := legendRect(dc, leg, names, pos, textScale)
		n := 0
		for _, q := range pts {
			if q.X >= box.Min.X && q.X <= box.Max.X && q.Y >= box.Min.Y && q.Y <= box.Max.Y {
				n++
			}
		}
		if bestN < 0 || n < bestN {
			best, bestN = box, n
		}
	}
	drawLegendBox(dc, leg, best)
	return nil
}

// canvasPoints samples the drawn data in canvas coordinates, densifying
// lines, to score legend placements.
func (f *Figure) canvasPoints(p *plot.Plot, dc draw.Canvas) []vg.Point {
	trX, trY := p.Transforms(&dc)
	var pts []vg.Point
	const dense = 8 // samples per line segment
	for _, s := range f.Lines {
		for _, seg := range s.segments() {
			for i := seg[0]; i < seg[1]; i++ {
				a := vg.Point{X: trX(s.X[i]), Y: trY(s.Y[i])}
				pts = append(pts, a)
				if i+1 < seg[1] {
					b := vg.Point{X: trX(s.X[i+1]), Y: trY(s.Y[i+1])}
					for k := 1; k < dense; k++ {
						t := vg.Length(k) / dense
						pts = append(pts, vg.Point{X: a.X + t*(b.X-a.X), Y: a.Y + t*(b.Y-a.Y)})
					}
				}
			}
		}
	}
	for _, s := range f.Points {
		for i := range s.X {
			if !math.IsNaN(s.X[i]) && !math.IsNaN(s.Y[i]) {
				// Points weigh more than line samples: hiding data is worse.
				q := vg.Point{X: trX(s.X[i]), Y: trY(s.Y[i])}
				pts = append(pts, q, q, q, q)
			}
		}
	}
	const refSamples = 40 // samples along a reference line
	for _, h := range f.HLines {
		y := trY(h.Y)
		for k := 0; k <= refSamples; k++ {
			pts = append(pts, vg.Point{X: dc.Min.X + vg.Length(k)/refSamples*(dc.Max.X-dc.Min.X), Y: y})
		}
	}
	for _, v := range f.VLines {
		x := trX(v.X)
		for k := 0; k <= refSamples; k++ {
			pts = append(pts, vg.Point{X: x, Y: dc.Min.Y + vg.Length(k)/refSamples*(dc.Max.Y-dc.Min.Y)})
		}
	}
	return pts
}

func (f *Figure) legendNames() []string {
	var names []string
	for _, h := range f.HLines {
		if h.Name != "" {
			names = append(names, h.Name)
		}
	}
	for _, v := range f.VLines {
		if v.Name != "" {
			names = append(names, v.Name)
		}
	}
	for _, s := range f.Lines {
		if s.Name != "" {
			names = append(names, s.Name)
		}
	}
	for _, s := range f.Points {
		if s.Name != "" {
			names = append(names, s.Name)
		}
	}
	return names
}

const (
	legendInset = 5 // points between the data area's edge and the legend box
	legendPad   = 4 // points between the box and its entries
)

// legendRect returns the legend box in a corner of the data area dc, with
// room for text textScale times as wide as measured.
func legendRect(dc draw.Canvas, leg *plot.Legend, names []string, pos LegendPosition, textScale float64) vg.Rectangle {
	sty := leg.TextStyle
	em := sty.Rectangle(" ").Max.X
	var textW, entryH vg.Length
	for _, n := range names {
		r := sty.Rectangle(n)
		textW = max(textW, r.Max.X)
		entryH = max(entryH, r.Max.Y)
	}
	textW *= vg.Length(textScale)
	inset, pad := vg.Points(legendInset), vg.Points(legendPad)
	w := leg.ThumbnailWidth + em + textW
	h := entryH*vg.Length(len(names)) + leg.Padding*vg.Length(len(names)-1) + sty.FontExtents().Descent
	var box vg.Rectangle
	if pos == LegendTopLeft || pos == LegendBottomLeft {
		box.Min.X = dc.Min.X + inset
		box.Max.X = box.Min.X + w + 2*pad
	} else {
		box.Max.X = dc.Max.X - inset
		box.Min.X = box.Max.X - w - 2*pad
	}
	if pos == LegendBottomLeft || pos == LegendBottomRight {
		box.Min.Y = dc.Min.Y + inset
		box.Max.Y = box.Min.Y + h + 2*pad
	} else {
		box.Max.Y = dc.Max.Y - inset
		box.Min.Y = box.Max.Y - h - 2*pad
	}
	return box
}

// drawLegendBox draws leg on a translucent white box.
func drawLegendBox(dc draw.Canvas, leg *plot.Legend, box vg.Rectangle) {
	dc.SetColor(color.NRGBA{R: 255, G: 255, B: 255, A: 225})
	dc.Fill(box.Path())
	dc.SetLineStyle(draw.LineStyle{Color: color.Gray{Y: 0xA0}, Width: vg.Points(0.5)})
	dc.Stroke(box.Path())
	pad := vg.Points(legendPad)
	inner := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: box.Min.X + pad, Y: box.Min.Y + pad},
		Max: vg.Point{X: box.Max.X - pad, Y: box.Max.Y - pad},
	}}
	leg.Top = true
	leg.Draw(inner)
}

// PNG renders f as a PNG image of the given size at [PNGDPI]; zero sizes mean
// the defaults.
func (f *Figure) PNG(w, h vg.Length) ([]byte, error) { return Render(f, w, h, "png") }

// SVG renders f as an SVG document of the given size; zero sizes mean the
// defaults.
func (f *Figure) SVG(w, h vg.Length) ([]byte, error) { return Render(f, w, h, "svg") }

// WriterTo renders f in memory in the given format (see [WriterTo]).
func (f *Figure) WriterTo(w, h vg.Length, format string) (io.WriterTo, error) {
	return WriterTo(f, w, h, format)
}

// Save writes f to path in the format of its extension (.png, .svg, .pdf,
// .eps, .jpg, .tif, .pgf, .tex; see [WriterTo]) at the given size; zero
// sizes mean the defaults.
func (f *Figure) Save(path string, w, h vg.Length) error { return Save(f, path, w, h) }
