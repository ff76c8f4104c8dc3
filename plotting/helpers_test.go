package plotting

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// vgCanvas returns an in-memory canvas for layout tests.
func vgCanvas(w, h vg.Length) draw.Canvas {
	return draw.New(vgimg.New(w, h))
}

// testHeatMap is a small deterministic gamma × relatedness heat map.
func testHeatMap(t testing.TB) *HeatMap {
	t.Helper()
	var g, r []float64
	var z [][]float64
	for i := 0; i < 6; i++ {
		r = append(r, float64(i)/5)
	}
	for j := 0; j < 8; j++ {
		g = append(g, float64(j)*0.5)
	}
	for i := range r {
		row := make([]float64, len(g))
		for j := range g {
			row[j] = 0.5 - 0.3*r[i]*math.Exp(-(g[j]-2*r[i]-1)*(g[j]-2*r[i]-1)/2)
		}
		z = append(z, row)
	}
	h, err := GammaRelatednessHeatMap(g, r, z, "test error")
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func decodePNGFile(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// near reports whether two colors agree within 24/255 per channel (see
// countNear).
func near(a, b color.Color) bool {
	r0, g0, b0, _ := a.RGBA()
	r1, g1, b1, _ := b.RGBA()
	d := func(x, y uint32) bool { return max(x, y)-min(x, y) <= 24*257 }
	return d(r0, r1) && d(g0, g1) && d(b0, b1)
}
