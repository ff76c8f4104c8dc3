package plotting

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgtex"
)

// pgfCanvas draws for LaTeX with PGF (package pgf, or tikz, which loads
// it). It is vgtex's canvas with three changes: text is turned into LaTeX
// (see latexText) and typeset by the document in its own font at the
// look's sizes; paths use the current PGF commands (\pgfpathlineto,
// \pgfpathcurveto, \pgfpathclose), so pgfcore suffices; and raster images,
// which vgtex would write to files in the working directory, are an error.
type pgfCanvas struct {
	*vgtex.Canvas
	// xalign is the alignment of the text being drawn (see alignHandler).
	xalign text.XAlignment
	err    error
}

// pgfTextScale is the room legend boxes of PGF output leave for their
// text, relative to its width in the look's font: LaTeX's default Computer
// Modern at 8 pt runs up to a fifth wider than Liberation Serif.
const pgfTextScale = 1.25

// newPGF returns a PGF canvas of the given size: a pgfpicture for \input,
// or with standalone true a document that pdflatex compiles on its own.
func newPGF(w, h vg.Length, standalone bool) *pgfCanvas {
	if standalone {
		return &pgfCanvas{Canvas: vgtex.NewDocument(w, h)}
	}
	return &pgfCanvas{Canvas: vgtex.New(w, h)}
}

// SetColor implements vg.Canvas.
func (c *pgfCanvas) SetColor(col color.Color) {
	if col != nil {
		col = straight(col)
	}
	c.Canvas.SetColor(col)
}

// FillString implements vg.Canvas. The layout measured the text in the
// look's font, which LaTeX does not use: the LaTeX text goes in a box of the
// measured width, aligned in it as the layout aligned the text (legend
// entries to the left, y tick labels to the right), so it starts, ends or
// is centered where the layout wants it. vgtex centers what it is given at
// pt.X plus half its measured width.
func (c *pgfCanvas) FillString(f font.Face, pt vg.Point, s string) {
	t, err := latexText(s)
	if err != nil && c.err == nil {
		c.err = err
	}
	w := f.Width(s)
	pos := 'c'
	switch c.xalign {
	case text.XLeft:
		pos = 'l'
	case text.XRight:
		pos = 'r'
	}
	t = fmt.Sprintf(`\makebox[%.4gpt][%c]{%s}`, w.Points(), pos, t)
	pt.X += 0.5 * (w - f.Width(t))
	c.Canvas.FillString(f, pt, t)
}

// alignHandler is a text handler that tells a PGF canvas the alignment of
// the text it draws and otherwise leaves the drawing to Handler.
type alignHandler struct{ text.Handler }

// Draw implements text.Handler.
func (h alignHandler) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	inner := c
	for {
		if d, ok := inner.(draw.Canvas); ok {
			inner = d.Canvas
		} else if d, ok := inner.(*draw.Canvas); ok {
			inner = d.Canvas
		} else {
			break
		}
	}
	if p, ok := inner.(*pgfCanvas); ok {
		p.xalign = sty.XAlign
	}
	h.Handler.Draw(c, txt, sty, pt)
}

// aligned returns sty with its handler wrapped in an alignHandler.
func aligned(sty text.Style) text.Style {
	if _, ok := sty.Handler.(alignHandler); !ok && sty.Handler != nil {
		sty.Handler = alignHandler{sty.Handler}
	}
	return sty
}

// DrawImage implements vg.Canvas: PGF output holds no raster images.
func (c *pgfCanvas) DrawImage(vg.Rectangle, image.Image) {
	if c.err == nil {
		c.err = fmt.Errorf("plotting: PGF output cannot hold raster images (a heat map of more than %d cells is drawn as one); use PDF", rasterCells)
	}
}

// drawErr reports the first problem met while drawing.
func (c *pgfCanvas) drawErr() error { return c.err }

// pgfReplacer updates the path commands of vgtex to the current names.
var pgfReplacer = strings.NewReplacer(
	`\pgflineto{`, `\pgfpathlineto{`,
	`\pgfcurveto{`, `\pgfpathcurveto{`,
	"% path-close\n", "\\pgfpathclose\n",
)

// WriteTo implements io.WriterTo.
func (c *pgfCanvas) WriteTo(w io.Writer) (int64, error) {
	if c.err != nil {
		return 0, c.err
	}
	var buf bytes.Buffer
	if _, err := c.Canvas.WriteTo(&buf); err != nil {
		return 0, err
	}
	n, err := io.WriteString(w, pgfReplacer.Replace(buf.String()))
	return int64(n), err
}

// latexMath maps characters to LaTeX math.
var latexMath = map[rune]string{
	'α': `\alpha`, 'β': `\beta`, 'γ': `\gamma`, 'δ': `\delta`, 'ε': `\varepsilon`, 'ζ': `\zeta`,
	'η': `\eta`, 'θ': `\theta`, 'ι': `\iota`, 'κ': `\kappa`, 'λ': `\lambda`, 'μ': `\mu`, 'ν': `\nu`,
	'ξ': `\xi`, 'π': `\pi`, 'ρ': `\rho`, 'σ': `\sigma`, 'τ': `\tau`, 'υ': `\upsilon`, 'φ': `\varphi`,
	'χ': `\chi`, 'ψ': `\psi`, 'ω': `\omega`, 'Γ': `\Gamma`, 'Δ': `\Delta`, 'Θ': `\Theta`,
	'Λ': `\Lambda`, 'Ξ': `\Xi`, 'Π': `\Pi`, 'Σ': `\Sigma`, 'Υ': `\Upsilon`, 'Φ': `\Phi`,
	'Ψ': `\Psi`, 'Ω': `\Omega`,
	'⟨': `\langle `, '⟩': `\rangle `, '∞': `\infty `, '≤': `\le `, '≥': `\ge `, '±': `\pm `,
	'·': `\cdot `, '×': `\times `, '−': `-`, '→': `\to `, '≈': `\approx `, '≠': `\ne `,
	'∝': `\propto `, '∈': `\in `, '√': `\surd `, '‖': `\| `, '|': `|`, '<': `<`, '>': `>`,
}

// latexScripts maps superscript and subscript characters to the character
// they raise or lower.
var latexScripts = map[rune]struct {
	sup bool
	c   rune
}{
	'⁰': {true, '0'}, '¹': {true, '1'}, '²': {true, '2'}, '³': {true, '3'}, '⁴': {true, '4'},
	'⁵': {true, '5'}, '⁶': {true, '6'}, '⁷': {true, '7'}, '⁸': {true, '8'}, '⁹': {true, '9'},
	'⁻': {true, '-'}, '⁺': {true, '+'},
	'₀': {false, '0'}, '₁': {false, '1'}, '₂': {false, '2'}, '₃': {false, '3'}, '₄': {false, '4'},
	'₅': {false, '5'}, '₆': {false, '6'}, '₇': {false, '7'}, '₈': {false, '8'}, '₉': {false, '9'},
}

// latexEscapes are the text-mode forms of LaTeX's special characters.
var latexEscapes = map[rune]string{
	'\\': `\textbackslash{}`, '{': `\{`, '}': `\}`, '$': `\$`, '&': `\&`, '#': `\#`,
	'%': `\%`, '~': `\textasciitilde{}`, '^': `\textasciicircum{}`, '_': `\_`,
	'–': `--`, '—': `---`, '\u00a0': `~`,
}

// latexText returns s as LaTeX text: special characters escaped, Greek
// letters and mathematical symbols in math mode, "x_ab" and "x^ab" as
// sub- and superscripts, Unicode super- and subscript digits grouped
// ("log₁₀" is log$_{10}$), a combining circumflex as \hat ("R̂"), and a
// minus sign for a hyphen before a digit at the start of a word. A character
// with no LaTeX form (outside Latin-1 and the tables above) is an error; the
// returned text then has "?" in its place.
func latexText(s string) (string, error) {
	var b strings.Builder
	inMath := false
	var err error
	emit := func(math bool, t string) {
		if math != inMath {
			b.WriteByte('$')
			inMath = math
		}
		b.WriteString(t)
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case r < utf8.RuneSelf && unicode.IsLetter(r) && (i == 0 || !unicode.IsLetter(rs[i-1])) &&
			(next == '_' || next == '^') && i+2 < len(rs) && isWordRune(rs[i+2]):
			emit(true, string(r)) // a one-letter symbol with a script: "q_st" is $q_{st}$
		case next == '\u0302': // combining circumflex
			base, ok := latexMath[r]
			if !ok {
				base = string(r)
			}
			emit(true, `\hat{`+base+`}`)
			i++
		case (r == '_' || r == '^') && isWordRune(next):
			j := i + 1
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
			emit(true, string(r)+"{"+string(rs[i+1:j])+"}")
			i = j - 1
		case latexScripts[r].c != 0:
			sup := latexScripts[r].sup
			j := i
			var run []rune
			for j < len(rs) && latexScripts[rs[j]].c != 0 && latexScripts[rs[j]].sup == sup {
				run = append(run, latexScripts[rs[j]].c)
				j++
			}
			op := "_"
			if sup {
				op = "^"
			}
			emit(true, op+"{"+string(run)+"}")
			i = j - 1
		case r == '-' && unicode.IsDigit(next) && (i == 0 || rs[i-1] == ' ' || rs[i-1] == '('):
			emit(true, "-")
		case latexMath[r] != "":
			m := latexMath[r]
			if strings.HasPrefix(m, `\`) && unicode.IsLetter(rune(m[len(m)-1])) {
				m += " " // ends the control word: "γv" is \gamma v
			}
			emit(true, m)
		case latexEscapes[r] != "":
			emit(false, latexEscapes[r])
		case r < utf8.RuneSelf || r >= 0xA0 && r <= 0xFF:
			emit(false, string(r))
		default:
			if err == nil {
				err = fmt.Errorf("plotting: PGF output: no LaTeX form for %q in %q", r, s)
			}
			emit(false, "?")
		}
	}
	if inMath {
		b.WriteByte('$')
	}
	return b.String(), err
}

// isWordRune reports whether r continues a sub- or superscript.
func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
