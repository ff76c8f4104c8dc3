package report

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tlstat/tlstat/plotting"
)

// Formats are the file formats of static figures a report can write:
//
//   - "png" and "svg" in the screen look (plotting's zero Look) at
//     plotting.DefaultWidth × plotting.DefaultHeight, with their titles, for
//     viewing and for the HTML page;
//   - "pdf" and "pgf" in plotting.PaperLook at plotting.PaperWidth ×
//     plotting.PaperHeight, for LaTeX: no title (the caption carries it),
//     serif text sized for 10 pt body text when included at natural size,
//     \includegraphics{x.pdf} or \input{x.pgf} (with \usepackage{pgf} or
//     tikz; the document typesets the PGF figure's text in its own font).
var Formats = []string{"png", "svg", "pdf", "pgf"}

// DefaultFormats are the formats written when Report.Formats is nil.
var DefaultFormats = []string{"png", "svg", "pdf"}

// ParseFormats parses a comma-separated list of figure formats such as
// "png,svg,pdf,pgf" (case and spaces ignored, duplicates dropped). An empty
// list or a name not in Formats is an error naming it.
func ParseFormats(list string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(list, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		if !slices.Contains(Formats, f) {
			return nil, fmt.Errorf("report: unknown figure format %q (want a comma-separated list of %s)", f, strings.Join(Formats, ", "))
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("report: empty list of figure formats %q (want a comma-separated list of %s)", list, strings.Join(Formats, ", "))
	}
	return out, nil
}

// formats returns the report's figure formats, validated.
func (r *Report) formats() ([]string, error) {
	if r.Formats == nil {
		return DefaultFormats, nil
	}
	if len(r.Formats) == 0 {
		return nil, fmt.Errorf("report: Formats is empty (nil means %s)", strings.Join(DefaultFormats, ", "))
	}
	for _, f := range r.Formats {
		if !slices.Contains(Formats, f) {
			return nil, fmt.Errorf("report: unknown figure format %q (want one of %s)", f, strings.Join(Formats, ", "))
		}
	}
	return r.Formats, nil
}

// paperFormat reports whether figures in format f are drawn for papers.
func paperFormat(f string) bool { return f == "pdf" || f == "pgf" }

// saveFigure writes f to base.<format> for every format, in the screen or
// the paper look (see Formats).
func saveFigure(f *plotting.Figure, base string, formats []string) error {
	paper := *f
	paper.Look = plotting.PaperLook
	for _, ext := range formats {
		fig, w, h := f, plotting.DefaultWidth, plotting.DefaultHeight
		if paperFormat(ext) {
			fig, w, h = &paper, plotting.PaperWidth, plotting.PaperHeight
		}
		if err := fig.Save(base+"."+ext, w, h); err != nil {
			return fmt.Errorf("report: %s: %w", filepath.Base(base)+"."+ext, err)
		}
	}
	return nil
}
