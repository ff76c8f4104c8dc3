package plotting

import (
	"math"
	"testing"

	"gonum.org/v1/plot/vg"
)

func benchFigure() *Figure {
	// Three theory lines of 200 points and three simulation series of 20
	// points: the size of the project's test-error-vs-gamma figure.
	f := &Figure{Title: "bench", XLabel: "γ", YLabel: "error", HLines: []HLine{{Name: "scratch", Y: 1}}}
	for k := 0; k < 3; k++ {
		var x, y []float64
		for i := 0; i < 200; i++ {
			x = append(x, float64(i)/20)
			y = append(y, math.Exp(-float64(i)/50)+float64(k)/10)
		}
		f.Lines = append(f.Lines, Series{Name: "theory", X: x, Y: y})
		var px, py, pe []float64
		for i := 0; i < 200; i += 10 {
			px, py, pe = append(px, x[i]), append(py, y[i]), append(pe, 0.02)
		}
		f.Points = append(f.Points, Series{Name: "sim", X: px, Y: py, Err: pe})
	}
	return f
}

func BenchmarkFigurePNG(b *testing.B) {
	f := benchFigure()
	for b.Loop() {
		if _, err := f.PNG(0, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFigureSVG(b *testing.B) {
	f := benchFigure()
	for b.Loop() {
		if _, err := f.SVG(0, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFigureChart(b *testing.B) {
	f := benchFigure()
	for b.Loop() {
		c, err := f.Chart()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.HTML(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKernelHeatMapPNG(b *testing.B) {
	// A 200×200 kernel matrix (rasterized).
	z := make([][]float64, 200)
	for i := range z {
		z[i] = make([]float64, 200)
		for j := range z[i] {
			z[i][j] = math.Exp(-math.Abs(float64(i-j)) / 20)
		}
	}
	h, err := RowsHeatMap("K", z)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := h.PNG(5*vg.Inch, 4*vg.Inch); err != nil {
			b.Fatal(err)
		}
	}
}
