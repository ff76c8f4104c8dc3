package plotting

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Palette is the automatic color cycle: the Okabe–Ito colorblind-safe colors
// (Okabe and Ito, "Color Universal Design", 2008), without the yellow, which
// is too light on white paper.
var Palette = []color.Color{
	color.RGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0xFF}, // blue
	color.RGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 0xFF}, // vermillion
	color.RGBA{R: 0x00, G: 0x9E, B: 0x73, A: 0xFF}, // bluish green
	color.RGBA{R: 0xCC, G: 0x79, B: 0xA7, A: 0xFF}, // reddish purple
	color.RGBA{R: 0xE6, G: 0x9F, B: 0x00, A: 0xFF}, // orange
	color.RGBA{R: 0x56, G: 0xB4, B: 0xE9, A: 0xFF}, // sky blue
	color.RGBA{R: 0x00, G: 0x00, B: 0x00, A: 0xFF}, // black
}

// baselineColors are the automatic colors of horizontal and vertical lines.
var baselineColors = []color.Color{
	color.RGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xFF},
	color.RGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xFF},
	color.RGBA{R: 0x00, G: 0x00, B: 0x00, A: 0xFF},
	color.RGBA{R: 0x66, G: 0x66, B: 0x66, A: 0xFF},
}

// dashPatterns cycle for reference lines and for series beyond the palette.
var dashPatterns = [][]vg.Length{
	{vg.Points(6), vg.Points(3)},
	{vg.Points(2), vg.Points(2)},
	{vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)},
	{vg.Points(3), vg.Points(5)},
}

// Paper style sizes.
var (
	// DefaultWidth and DefaultHeight are the figure size used by Save and by
	// callers that pass zero sizes: 6 × 4 inches, a single-column figure at
	// a comfortable reading scale.
	DefaultWidth  = 6 * vg.Inch
	DefaultHeight = 4 * vg.Inch

	// Regular weight: gonum/plot v0.17.0 cannot write bold faces to PDF.
	// The sizes of the text follow from the figure's Look.
	labelFont  = font.Font{Typeface: "Liberation", Variant: "Sans"}
	serifFont  = font.Font{Typeface: "Liberation", Variant: "Serif"}
	labelSize  = vg.Points(12)
	lineWidth  = vg.Points(1.6)
	markerSize = vg.Points(3.2)
	errWidth   = vg.Points(1)
	capWidth   = vg.Points(5)
)

// colorAt returns the explicit color or the automatic palette color i.
func colorAt(c color.Color, i int) color.Color {
	if c != nil {
		return c
	}
	return Palette[i%len(Palette)]
}

// hexColor renders c as "#rrggbb" for HTML charts.
func hexColor(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// glyphFor returns the gonum glyph drawer of a marker (nil for none).
func glyphFor(m Marker) draw.GlyphDrawer {
	switch m {
	case MarkerCircle:
		return draw.CircleGlyph{}
	case MarkerSquare:
		return draw.BoxGlyph{}
	case MarkerTriangle:
		return draw.PyramidGlyph{}
	case MarkerDiamond:
		return diamondGlyph{}
	case MarkerRing:
		return draw.RingGlyph{}
	case MarkerBox:
		return draw.SquareGlyph{}
	case MarkerCross:
		return draw.CrossGlyph{}
	case MarkerPlus:
		return draw.PlusGlyph{}
	}
	return nil
}

// pointMarker resolves the marker of Points series i.
func pointMarker(m Marker, i int) Marker {
	if m == MarkerAuto {
		return autoMarkers[i%len(autoMarkers)]
	}
	return m
}

// diamondGlyph is a filled diamond (gonum/plot has none).
type diamondGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (diamondGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetColor(sty.Color)
	r := sty.Radius * 1.25
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y})
	p.Line(vg.Point{X: pt.X, Y: pt.Y - r})
	p.Line(vg.Point{X: pt.X - r, Y: pt.Y})
	p.Close()
	c.Fill(p)
}

// fontOf returns fnt at the given size.
func fontOf(fnt font.Font, size vg.Length) font.Font { return font.From(fnt, size) }
