package plotting

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

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
