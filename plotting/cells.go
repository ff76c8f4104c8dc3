package plotting

import (
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// cells draws a heat map grid. Unlike plotter.HeatMap it overlaps
// neighbouring rectangles slightly, so anti-aliasing leaves no seams, and
// rasterizes large uniform grids with nearest-neighbour upsampling, so cells
// stay sharp.
type cells struct {
	g       grid
	pal     []color.Color
	min     float64
	max     float64
	nan     color.Color
	raster  bool
	overlap vg.Length
}

func newCells(g grid, cm palette.ColorMap, raster bool) *cells {
	return &cells{
		g: g, pal: cm.Palette(256).Colors(), min: cm.Min(), max: cm.Max(),
		nan: color.Gray{Y: 0xD8}, raster: raster, overlap: vg.Points(0.3),
	}
}

func (h *cells) color(v float64) color.Color {
	if math.IsNaN(v) {
		return h.nan
	}
	t := (v - h.min) / (h.max - h.min)
	i := int(math.Round(t * float64(len(h.pal)-1)))
	i = max(0, min(len(h.pal)-1, i))
	return h.pal[i]
}

// edges returns the cell boundaries of n centers given by at: midpoints
// between centers, half a step beyond the ends.
func edges(n int, at func(int) float64) []float64 {
	e := make([]float64, n+1)
	if n == 1 {
		e[0], e[1] = at(0)-0.5, at(0)+0.5
		return e
	}
	for i := 1; i < n; i++ {
		e[i] = (at(i-1) + at(i)) / 2
	}
	e[0] = at(0) - (at(1)-at(0))/2
	e[n] = at(n-1) + (at(n-1)-at(n-2))/2
	return e
}

// uniform reports whether the centers are equally spaced (to 1e-6 relative).
func uniform(n int, at func(int) float64) bool {
	if n < 3 {
		return true
	}
	d := (at(n-1) - at(0)) / float64(n-1)
	for i := 1; i < n; i++ {
		if math.Abs(at(i)-at(i-1)-d) > 1e-6*math.Abs(d) {
			return false
		}
	}
	return true
}

// Plot implements plot.Plotter.
func (h *cells) Plot(c draw.Canvas, p *plot.Plot) {
	cols, rows := h.g.Dims()
	xe, ye := edges(cols, h.g.X), edges(rows, h.g.Y)
	trX, trY := p.Transforms(&c)
	if h.raster && uniform(cols, h.g.X) && uniform(rows, h.g.Y) {
		// Upsample by an integer factor to about 800 pixels so that the
		// renderer's bilinear scaling only softens cell borders.
		k := max(1, int(math.Ceil(800/float64(max(cols, rows)))))
		img := image.NewRGBA(image.Rect(0, 0, cols*k, rows*k))
		for r := 0; r < rows; r++ {
			for col := 0; col < cols; col++ {
				clr := color.RGBAModel.Convert(h.color(h.g.Z(col, r))).(color.RGBA)
				for dy := 0; dy < k; dy++ {
					off := img.PixOffset(col*k, (rows-1-r)*k+dy)
					for dx := 0; dx < k; dx++ {
						copy(img.Pix[off+4*dx:off+4*dx+4], []uint8{clr.R, clr.G, clr.B, clr.A})
					}
				}
			}
		}
		c.DrawImage(vg.Rectangle{
			Min: vg.Point{X: trX(xe[0]), Y: trY(ye[0])},
			Max: vg.Point{X: trX(xe[cols]), Y: trY(ye[rows])},
		}, img)
		return
	}
	o := h.overlap
	for col := 0; col < cols; col++ {
		x0, x1 := trX(xe[col]), trX(xe[col+1])
		for r := 0; r < rows; r++ {
			y0, y1 := trY(ye[r]), trY(ye[r+1])
			// Overlap only towards neighbours, never past the grid's edge.
			ox0, ox1, oy0, oy1 := o, o, o, o
			if col == 0 {
				ox0 = 0
			}
			if col == cols-1 {
				ox1 = 0
			}
			if r == 0 {
				oy0 = 0
			}
			if r == rows-1 {
				oy1 = 0
			}
			rect := vg.Rectangle{
				Min: vg.Point{X: x0 - ox0, Y: y0 - oy0},
				Max: vg.Point{X: x1 + ox1, Y: y1 + oy1},
			}
			c.SetColor(h.color(h.g.Z(col, r)))
			c.Fill(rect.Path())
		}
	}
}

// DataRange implements plot.DataRanger.
func (h *cells) DataRange() (xmin, xmax, ymin, ymax float64) {
	cols, rows := h.g.Dims()
	xe, ye := edges(cols, h.g.X), edges(rows, h.g.Y)
	return xe[0], xe[cols], ye[0], ye[rows]
}
