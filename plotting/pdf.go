package plotting

import (
	"image/color"
	"strings"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgpdf"
)

// pdfCanvas is vgpdf's canvas with two repairs. vgpdf embeds fonts in code
// page 1252 and writes strings byte by byte, so any character beyond ASCII
// came out garbled ("γ" as "Î³"): text is converted to code page 1252,
// and the characters outside it (Greek letters, ⟨, ₁₀, ...) are drawn as the
// outlines of their glyphs. And vgpdf takes a color's alpha-premultiplied
// components as its own: translucent white turned grey.
type pdfCanvas struct {
	vg.CanvasWriterTo // a *vgpdf.Canvas
}

func newPDF(w, h vg.Length) *pdfCanvas { return &pdfCanvas{vgpdf.New(w, h)} }

// SetColor implements vg.Canvas.
func (c *pdfCanvas) SetColor(col color.Color) {
	if col != nil {
		col = straight(col)
	}
	c.CanvasWriterTo.SetColor(col)
}

// straightColor holds non-premultiplied components: vgpdf and vgtex read
// RGBA() as the color's components and its opacity.
type straightColor struct{ r, g, b, a uint32 }

// RGBA returns the components without premultiplication by alpha.
func (s straightColor) RGBA() (r, g, b, a uint32) { return s.r, s.g, s.b, s.a }

// straight returns col with components vgpdf and vgtex read correctly.
func straight(col color.Color) color.Color {
	n := color.NRGBA64Model.Convert(col).(color.NRGBA64)
	return straightColor{uint32(n.R), uint32(n.G), uint32(n.B), uint32(n.A)}
}

// FillString implements vg.Canvas: runs of characters of code page 1252 as
// text, the others as glyph outlines, each run placed where the whole
// string's layout (with kerning) puts it.
func (c *pdfCanvas) FillString(f font.Face, pt vg.Point, text string) {
	rs := []rune(text)
	for i := 0; i < len(rs); {
		_, text := cp1252(rs[i])
		j := i + 1
		for j < len(rs) {
			if _, t := cp1252(rs[j]); t != text {
				break
			}
			j++
		}
		at := vg.Point{X: pt.X + f.Width(string(rs[:i])), Y: pt.Y}
		if text {
			var b strings.Builder
			for _, r := range rs[i:j] {
				e, _ := cp1252(r)
				b.WriteByte(e)
			}
			c.CanvasWriterTo.FillString(f, at, b.String())
		} else {
			c.fillGlyphs(f, at, rs[:i], rs[i:j])
		}
		i = j
	}
}

// fillGlyphs fills the outlines of run, which follows before in the string,
// starting at pt.
func (c *pdfCanvas) fillGlyphs(f font.Face, pt vg.Point, before, run []rune) {
	var buf sfnt.Buffer
	// As font.Face.Width: at this size, outline coordinates are font units.
	upem := fixed.Int26_6(f.Face.UnitsPerEm())
	scale := f.Font.Size / vg.Length(upem)
	for k, r := range run {
		x := pt.X
		if k > 0 {
			x += f.Width(string(before)+string(run[:k])) - f.Width(string(before))
		}
		gi, err := f.Face.GlyphIndex(&buf, r)
		if err != nil {
			continue // not in the font: nothing to draw, as in the PNG
		}
		segs, err := f.Face.LoadGlyph(&buf, gi, upem, nil)
		if err != nil {
			continue
		}
		at := func(p fixed.Point26_6) vg.Point {
			return vg.Point{X: x + vg.Length(p.X)*scale, Y: pt.Y - vg.Length(p.Y)*scale}
		}
		var p vg.Path
		for _, s := range segs {
			switch s.Op {
			case sfnt.SegmentOpMoveTo:
				if len(p) > 0 {
					p.Close()
				}
				p.Move(at(s.Args[0]))
			case sfnt.SegmentOpLineTo:
				p.Line(at(s.Args[0]))
			case sfnt.SegmentOpQuadTo:
				p.QuadTo(at(s.Args[0]), at(s.Args[1]))
			case sfnt.SegmentOpCubeTo:
				p.CubeTo(at(s.Args[0]), at(s.Args[1]), at(s.Args[2]))
			}
		}
		if len(p) > 0 {
			p.Close()
			c.Fill(p)
		}
	}
}

// cp1252Extra are the characters of code page 1252 in 0x80–0x9F.
var cp1252Extra = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88,
	'‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91, '’': 0x92, '“': 0x93,
	'”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B,
	'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// cp1252 returns the code page 1252 byte of r and whether there is one.
func cp1252(r rune) (byte, bool) {
	if r < 0x80 || r >= 0xA0 && r <= 0xFF {
		return byte(r), true
	}
	b, ok := cp1252Extra[r]
	return b, ok
}
