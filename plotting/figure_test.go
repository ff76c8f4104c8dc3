package plotting

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// demoFigure is a small deterministic test-error-vs-gamma figure.
func demoFigure() *Figure {
	g := []float64{0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4}
	var lines, pts []Series
	for k, n := range []float64{50, 500} {
		y := make([]float64, len(g))
		for i, x := range g {
			y[i] = 0.3 + 0.2*math.Exp(-x)/(1+100/n) + 0.01*x
		}
		lines = append(lines, Series{Name: []string{"theory N=50", "theory N=500"}[k], X: g, Y: y})
		pts = append(pts, Series{
			Name: []string{"sim N=50", "sim N=500"}[k],
			X:    []float64{0, 2, 4}, Y: []float64{y[0] + 0.01, y[4] - 0.005, y[8]},
			Err: []float64{0.01, 0.02, math.NaN()},
		})
	}
	return &Figure{
		Title: "Target test error", XLabel: "γ", YLabel: "test MSE",
		Lines: lines, Points: pts,
		HLines: []HLine{{Name: "scratch", Y: 0.52}, {Name: "infinite width", Y: 0.31}},
	}
}

func TestFigureValidateErrors(t *testing.T) {
	ok := Series{Name: "good", X: []float64{1, 2}, Y: []float64{1, 2}}
	for _, tc := range []struct {
		name string
		f    *Figure
		want string // substring of the error
	}{
		{"nil", nil, "nil figure"},
		{"empty", &Figure{Title: "T"}, `figure "T" has nothing to plot`},
		{"only hlines", &Figure{HLines: []HLine{{Y: 1}}}, "only reference lines"},
		{"mismatch", &Figure{Lines: []Series{ok, {Name: "bad", X: []float64{1, 2}, Y: []float64{1}}}}, `line 1 ("bad") has len(X) = 2 but len(Y) = 1`},
		{"no points", &Figure{Points: []Series{{Name: "none"}}}, `points 0 ("none") has no points`},
		{"err length", &Figure{Points: []Series{{Name: "e", X: []float64{1}, Y: []float64{1}, Err: []float64{1, 2}}}}, "len(Err) = 2"},
		{"negative err", &Figure{Points: []Series{{Name: "e", X: []float64{1}, Y: []float64{1}, Err: []float64{-1}}}}, "Err[0] = -1"},
		{"inf", &Figure{Lines: []Series{{Name: "i", X: []float64{1, 2}, Y: []float64{1, math.Inf(1)}}}}, "Y[1] = +Inf"},
		{"nan only", &Figure{Lines: []Series{{Name: "n", X: []float64{1, 2}, Y: []float64{math.NaN(), math.NaN()}}}}, `line 0 ("n") has no point with finite x and y`},
		{"log x", &Figure{LogX: true, Lines: []Series{{Name: "z", X: []float64{0, 1}, Y: []float64{1, 2}}}}, "X[0] = 0 on a logarithmic x axis"},
		{"log y hline", &Figure{LogY: true, Lines: []Series{ok}, HLines: []HLine{{Name: "h", Y: -1}}}, `horizontal line 0 ("h") has Y = -1`},
		{"nan vline", &Figure{Lines: []Series{ok}, VLines: []VLine{{Name: "v", X: math.NaN()}}}, `vertical line 0 ("v") has X = NaN`},
		{"legend", &Figure{Lines: []Series{ok}, Legend: 99}, "invalid legend position 99"},
	} {
		err := tc.f.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate() = %v, want an error containing %q", tc.name, err, tc.want)
		}
		if tc.f != nil {
			if _, err := tc.f.PNG(0, 0); err == nil {
				t.Errorf("%s: PNG succeeded on an invalid figure", tc.name)
			}
			if _, err := tc.f.Chart(); err == nil {
				t.Errorf("%s: Chart succeeded on an invalid figure", tc.name)
			}
		}
	}
	if err := demoFigure().Validate(); err != nil {
		t.Errorf("demo figure: %v", err)
	}
}

func TestSegments(t *testing.T) {
	nan := math.NaN()
	s := Series{X: []float64{0, 1, 2, 3, 4, 5}, Y: []float64{nan, 1, 2, nan, 4, nan}}
	got := s.segments()
	want := [][2]int{{1, 3}, {4, 5}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("segments = %v, want %v", got, want)
	}
}

// TestSVGStructure counts the drawn elements by color: every glyph, error
// bar and legend thumbnail of a series is drawn in its color.
func TestSVGStructure(t *testing.T) {
	red := color.RGBA{R: 0xFF, A: 0xFF}
	nan := math.NaN()
	f := &Figure{
		Title: "structure",
		Lines: []Series{{Name: "curve", X: []float64{1, 2, 3, 4, 5}, Y: []float64{1, 2, nan, 3, 4}, Style: Style{Color: red}}},
		Points: []Series{{Name: "dots", X: []float64{1, 2, 3, 4}, Y: []float64{1.5, 2.5, 3.5, 4.5},
			Err: []float64{0.1, 0.2, 0.1, 0.3}, Style: Style{Color: Palette[0]}}},
		HLines: []HLine{{Name: "base", Y: 2}},
	}
	b, err := f.SVG(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, c := range []struct {
		what string
		sub  string
		want int
	}{
		// 2 line segments (split at the NaN) + 1 legend thumbnail.
		{"red strokes", "stroke:#FF0000", 3},
		// 4 filled circles + 1 legend glyph.
		{"blue fills", "fill:#0072B2", 5},
		// 4 error bars of 3 strokes (bar, two caps) + a 3-stroke legend thumbnail.
		{"blue strokes", "stroke:#0072B2", 15},
		// The reference line and its legend thumbnail.
		{"baseline strokes", "stroke:#333333", 2},
		{"legend curve", ">curve</text>", 1},
		{"legend dots", ">dots</text>", 1},
		{"legend base", ">base</text>", 1},
		{"title", ">structure</text>", 1},
		{"font fallback", "'Liberation Sans',Arial", 1},
	} {
		got := strings.Count(s, c.sub)
		if c.what == "font fallback" {
			if got == 0 {
				t.Errorf("%s: %q not found", c.what, c.sub)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%s: %d occurrences of %q, want %d", c.what, got, c.sub, c.want)
		}
	}
}

// TestGoldenSVG compares the SVG output with testdata golden files. The
// fonts are embedded in gonum/plot, so the output is deterministic; run
// `go test ./plotting -run Golden -update` after an intended change and
// look at the new files.
func TestGoldenSVG(t *testing.T) {
	log := demoFigure()
	log.Title, log.LogY = "log y", true
	for name, d := range map[string]Drawer{
		"error_vs_gamma":      demoFigure(),
		"error_vs_gamma_logy": log,
		"heatmap":             testHeatMap(t),
	} {
		b, err := Render(d, 4*vg.Inch, 3*vg.Inch, "svg")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		path := filepath.Join("testdata", name+".golden.svg")
		if *update {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run with -update to create it)", name, err)
		}
		if !bytes.Equal(b, want) {
			t.Errorf("%s: SVG differs from %s (run with -update after checking the new rendering)", name, path)
		}
	}
}

func TestPNGSizeAndContent(t *testing.T) {
	f := demoFigure()
	b, err := f.PNG(4*vg.Inch, 3*vg.Inch)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// 4 × 3 inches at PNGDPI dots per inch.
	wantW, wantH := int(4*PNGDPI), int(3*PNGDPI)
	if got := img.Bounds().Size(); got.X != wantW || got.Y != wantH {
		t.Errorf("PNG size = %v, want %dx%d", got, wantW, wantH)
	}
	// Each theory line is ~1.6 pt = 3 px wide across ~500 px: well over 100
	// pixels of its color; fewer means the data were not drawn.
	if n := countNear(img, Palette[0]); n < 100 {
		t.Errorf("only %d pixels of the first palette color; the figure looks blank", n)
	}
	if n := countNear(img, Palette[1]); n < 100 {
		t.Errorf("only %d pixels of the second palette color", n)
	}
	// Lines, text and markers cover far less than half of a white page.
	if n := countNear(img, color.White); n < wantW*wantH/2 {
		t.Errorf("only %d white pixels: background not white?", n)
	}
}

// countNear counts the pixels within 24/255 per channel of c: wide enough
// for anti-aliasing and PNG quantization, narrow enough to tell the palette
// colors apart (they differ by more than 60/255 in some channel).
func countNear(img image.Image, c color.Color) int {
	r0, g0, b0, _ := c.RGBA()
	near := func(a, b uint32) bool { return max(a, b)-min(a, b) <= 24*257 }
	n := 0
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if near(r, r0) && near(g, g0) && near(b, b0) {
				n++
			}
		}
	}
	return n
}

func TestSaveByExtension(t *testing.T) {
	dir := t.TempDir()
	f := demoFigure()
	for ext, magic := range map[string]string{".png": "\x89PNG", ".svg": "<?xml", ".pdf": "%PDF"} {
		path := filepath.Join(dir, "fig"+ext)
		if err := f.Save(path, 0, 0); err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte(magic)) {
			t.Errorf("%s: file starts with %q, want %q", ext, b[:min(8, len(b))], magic)
		}
	}
	if err := f.Save(filepath.Join(dir, "noext"), 0, 0); err == nil {
		t.Error("Save without extension succeeded")
	}
	if err := f.Save(filepath.Join(dir, "x.bogus"), 0, 0); err == nil {
		t.Error("Save with unknown extension succeeded")
	}
	if _, err := f.PNG(-1, 0); err == nil {
		t.Error("negative size accepted")
	}
	wt, err := f.WriterTo(0, 0, "svg")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil || !strings.Contains(buf.String(), "<svg") {
		t.Errorf("WriterTo(svg): err %v, %d bytes", err, buf.Len())
	}
}

func TestLegendAutoPlacement(t *testing.T) {
	// Data fill the top right corner only: the legend must go elsewhere.
	x := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	y := []float64{0, 0, 0, 0, 0, 0, 6, 8, 9, 10, 10}
	f := &Figure{Lines: []Series{{Name: "rises at the right", X: x, Y: y}}}
	p, leg, err := f.build()
	if err != nil {
		t.Fatal(err)
	}
	c := vgCanvas(DefaultWidth, DefaultHeight)
	p.Draw(c)
	dc := p.DataCanvas(c)
	pts, _ := f.canvasPoints(p, dc)
	count := func(pos LegendPosition) int {
		box := legendRect(dc, leg, pos, 1)
		n := 0
		for _, q := range pts {
			if q.X >= box.Min.X && q.X <= box.Max.X && q.Y >= box.Min.Y && q.Y <= box.Max.Y {
				n++
			}
		}
		return n
	}
	if count(LegendTopRight) == 0 {
		t.Fatal("test data do not reach the top right corner")
	}
	if count(LegendTopLeft) != 0 {
		t.Errorf("top left corner holds %d samples, want 0", count(LegendTopLeft))
	}
}
