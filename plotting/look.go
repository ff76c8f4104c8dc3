package plotting

import (
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// Look is the typography of a static figure. Its zero value is the screen
// look, made to be read on its own: Liberation Sans, the title drawn at
// 14 pt, axis labels at 12 pt, tick labels and legend entries at 10 pt.
//
// Interactive charts ([Figure.Chart], [HeatMap.Chart]) ignore the look.
type Look struct {
	// Serif selects Liberation Serif (the metrics of Times) instead of
	// Liberation Sans. PGF output ([WriterTo] with format "pgf") leaves the
	// face to the LaTeX document and keeps only the sizes.
	Serif bool
	// FontSize is the size of the axis labels in points; zero means 12.
	// Tick labels and legend entries are 2 pt smaller and the title 2 pt
	// larger: with FontSize equal to the body text of a LaTeX document
	// (10, 11 or 12 pt) the small text is that document's \footnotesize.
	FontSize float64
	// NoTitle leaves the title out and gives its space to the data: in a
	// paper the caption carries the title.
	NoTitle bool
}

// PaperLook is the look for figures in a LaTeX paper with 10 pt body text:
// serif, axis labels at 10 pt, ticks and legend at 8 pt (\footnotesize),
// and no title, since the caption carries it. Draw such figures at
// [PaperWidth] × [PaperHeight] and include them at their natural size
// (\includegraphics without a width, or \input of the PGF file) so that the
// text in the figure matches the body text.
var PaperLook = Look{Serif: true, FontSize: 10, NoTitle: true}

// PaperWidth and PaperHeight are the size of paper figures: 3.4 × 2.5
// inches, the column width of two-column journals (and about half a
// one-column page).
var (
	PaperWidth  = vg.Length(3.4) * vg.Inch
	PaperHeight = vg.Length(2.5) * vg.Inch
)

// typo is a look resolved to fonts.
type typo struct {
	title, label, tick, legend font.Font
	noTitle                    bool
}

// resolve returns the fonts of l.
func (l Look) resolve() typo {
	face := labelFont
	if l.Serif {
		face = serifFont
	}
	size := labelSize
	if l.FontSize > 0 {
		size = vg.Points(l.FontSize)
	}
	small := size - vg.Points(2)
	if small < size/2 {
		small = size / 2
	}
	return typo{
		title:   fontOf(face, size+vg.Points(2)),
		label:   fontOf(face, size),
		tick:    fontOf(face, small),
		legend:  fontOf(face, small),
		noTitle: l.NoTitle,
	}
}
