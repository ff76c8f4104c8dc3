package plotting

import (
	"image/color"
	"io"
	"strings"
	"testing"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/recorder"
)

func TestLatexText(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		err      string // substring of the error, "" for none
	}{
		{"coupling γ", `coupling $\gamma $`, ""},
		{"⟨|v_t|²⟩/N = q_t/λ1", `$\langle |v_{t}|^{2}\rangle $/N = $q_{t}$/$\lambda $1`, ""},
		{"log₁₀ T", `log$_{10}$ T`, ""},
		{"R̂ ≤ 1.01", `$\hat{R}$ $\le $ 1.01`, ""},
		{"50% & #1 {x} $5 ~ a^b", `50\% \& \#1 \{x\} \$5 \textasciitilde{} $a^{b}$`, ""},
		{`a\b`, `a\textbackslash{}b`, ""},
		{"-0.5", `$-$0.5`, ""},
		{"(-2, 1e-5)", `($-$2, 1e-5)`, ""},
		{"source_test", `source$_{test}$`, ""},
		{"snake_", `snake\_`, ""},
		{"café – x", `café -- x`, ""},
		{"frozen (γ = ∞)", `frozen ($\gamma $ = $\infty $)`, ""},
		{"☃ snow", `? snow`, `no LaTeX form for '☃' in "☃ snow"`},
	} {
		got, err := latexText(tc.in)
		if got != tc.want {
			t.Errorf("latexText(%q) = %q, want %q", tc.in, got, tc.want)
		}
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("latexText(%q): unexpected error %v", tc.in, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("latexText(%q): error %v, want one containing %q", tc.in, err, tc.err)
		}
	}
}

func TestLookResolve(t *testing.T) {
	for _, tc := range []struct {
		name                       string
		look                       Look
		variant                    string
		title, label, tick, legend float64 // points
	}{
		{"zero", Look{}, "Sans", 14, 12, 10, 10},
		{"paper", PaperLook, "Serif", 12, 10, 8, 8},
		{"11 pt sans", Look{FontSize: 11}, "Sans", 13, 11, 9, 9},
		{"tiny", Look{FontSize: 3}, "Sans", 5, 3, 1.5, 1.5},
	} {
		ty := tc.look.resolve()
		for _, c := range []struct {
			what string
			f    font.Font
			want float64
		}{{"title", ty.title, tc.title}, {"label", ty.label, tc.label}, {"tick", ty.tick, tc.tick}, {"legend", ty.legend, tc.legend}} {
			if c.f.Size.Points() != c.want || c.f.Variant != font.Variant(tc.variant) {
				t.Errorf("%s: %s font %s %v pt, want %s %v pt", tc.name, c.what, c.f.Variant, c.f.Size.Points(), tc.variant, c.want)
			}
		}
	}
}

// TestPGF checks the PGF form of a figure: ASCII LaTeX, current path
// commands, text sizes of the look, boxes aligned as the layout aligns the
// text, and no title in the paper look.
func TestPGF(t *testing.T) {
	f := demoFigure()
	f.XLabel = "coupling γ"
	screen, err := Render(f, PaperWidth, PaperHeight, "pgf")
	if err != nil {
		t.Fatal(err)
	}
	f.Look = PaperLook
	paper, err := Render(f, PaperWidth, PaperHeight, "pgf")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Render(f, PaperWidth, PaperHeight, "tex")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, out, sub string
		want           bool
	}{
		{"screen title", string(screen), `\selectfont \makebox`, true},
		{"screen title text", string(screen), "]{Target test error}", true},
		{"screen title size", string(screen), `\fontsize{14pt}`, true},
		{"paper title", string(paper), "Target test error", false},
		{"paper title size", string(paper), `\fontsize{12pt}`, false},
		{"paper label size", string(paper), `\fontsize{10pt}{10pt}\selectfont \makebox`, true},
		{"paper tick size", string(paper), `\fontsize{8pt}{8pt}\selectfont \makebox`, true},
		{"x label", string(paper), `[c]{coupling $\gamma $}`, true},
		{"legend entry left", string(paper), `[l]{sim N=50}`, true},
		{"y tick right", string(paper), `[r]{0.30}`, true},
		{"current line command", string(paper), `\pgfpathlineto{`, true},
		{"obsolete line command", string(paper), `\pgflineto{`, false},
		{"closed paths", string(paper), `\pgfpathclose`, true},
		{"picture", string(paper), `\begin{pgfpicture}`, true},
		{"no document", string(paper), `\documentclass`, false},
		{"standalone document", string(doc), `\documentclass{standalone}`, true},
		// The legend box is translucent white: full components, opacity 225/255.
		{"legend white", string(paper), "\\color[rgb]{1,1,1}\n    \\pgfsetstrokeopacity{0.88", true},
	} {
		if got := strings.Contains(c.out, c.sub); got != c.want {
			t.Errorf("%s: contains %q = %v, want %v", c.name, c.sub, got, c.want)
		}
	}
	for i, r := range string(paper) {
		if r >= 0x80 {
			t.Fatalf("PGF output has the non-ASCII %q at byte %d", r, i)
		}
	}
}

func TestPGFErrors(t *testing.T) {
	snow := demoFigure()
	snow.YLabel = "snow ☃"
	big := make([][]float64, 70)
	for i := range big {
		big[i] = make([]float64, 70)
		big[i][i] = 1
	}
	heat, err := NewHeatMap("big", big)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		d    Drawer
		want string
	}{
		{"character", snow, `no LaTeX form for '☃' in "snow ☃"`},
		{"raster heat map", heat, "PGF output cannot hold raster images"},
	} {
		if _, err := Render(tc.d, 0, 0, "pgf"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// recordingCanvas records the calls of pdfCanvas instead of writing a PDF.
type recordingCanvas struct{ recorder.Canvas }

func (*recordingCanvas) Size() (vg.Length, vg.Length)     { return 100, 100 }
func (*recordingCanvas) WriteTo(io.Writer) (int64, error) { return 0, nil }
func (r *recordingCanvas) actions() []recorder.Action     { return r.Actions }
func newRecordingPDF() (*pdfCanvas, *recordingCanvas) {
	r := &recordingCanvas{}
	return &pdfCanvas{r}, r
}
func fillString(a recorder.Action) (*recorder.FillString, bool) {
	s, ok := a.(*recorder.FillString)
	return s, ok
}

// TestPDFText checks that text reaches vgpdf in code page 1252 and that the
// other characters are drawn as outlines, in place.
func TestPDFText(t *testing.T) {
	c, rec := newRecordingPDF()
	face := font.DefaultCache.Lookup(fontOf(serifFont, 10), 10)
	pt := vg.Point{X: 10, Y: 20}
	c.FillString(face, pt, "a γ²–")
	acts := rec.actions()
	if len(acts) != 3 {
		t.Fatalf("%d canvas calls, want 3 (text, outline, text): %v", len(acts), acts)
	}
	first, ok1 := fillString(acts[0])
	fill, ok2 := acts[1].(*recorder.Fill)
	last, ok3 := fillString(acts[2])
	if !ok1 || !ok2 || !ok3 {
		t.Fatalf("canvas calls %T, %T, %T; want FillString, Fill, FillString", acts[0], acts[1], acts[2])
	}
	if first.String != "a " || first.Point != pt {
		t.Errorf("first run %q at %v, want \"a \" at %v", first.String, first.Point, pt)
	}
	if want := "\xb2\x96"; last.String != want { // ² and – in code page 1252
		t.Errorf("last run %q, want %q", last.String, want)
	}
	// The last run starts where the whole string's layout puts it, within
	// 1e-9 pt.
	if want := pt.X + face.Width("a γ"); abs(float64(last.Point.X-want)) > 1e-9 {
		t.Errorf("last run at x = %v, want %v", last.Point.X, want)
	}
	// γ's outline lies between the two runs, within its glyph's height.
	lo, hi := pt.X+face.Width("a "), pt.X+face.Width("a γ")
	for _, comp := range fill.Path {
		if comp.Type == vg.CloseComp {
			continue
		}
		if p := comp.Pos; p.X < lo-0.5 || p.X > hi+0.5 || p.Y < pt.Y-5 || p.Y > pt.Y+10 {
			t.Fatalf("outline point %v outside [%v, %v] × [%v, %v]", p, lo, hi, pt.Y-5, pt.Y+10)
		}
	}

	rec.Reset()
	c.SetColor(color.NRGBA{R: 255, G: 255, B: 255, A: 225})
	set, ok := rec.actions()[0].(*recorder.SetColor)
	if !ok {
		t.Fatalf("canvas call %T, want SetColor", rec.actions()[0])
	}
	if r, g, b, a := set.Color.RGBA(); r != 0xffff || g != 0xffff || b != 0xffff || a != 225*0x101 {
		t.Errorf("translucent white reaches vgpdf as %#x %#x %#x %#x, want 0xffff 0xffff 0xffff %#x", r, g, b, a, 225*0x101)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
