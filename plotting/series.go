package plotting

import (
	"fmt"
	"image/color"
	"math"
)

// Marker selects the glyph drawn at each point of a series.
type Marker int

// Markers. MarkerAuto picks a distinct filled glyph per series index for
// Points and no glyph for Lines.
const (
	MarkerAuto Marker = iota
	MarkerNone
	MarkerCircle
	MarkerSquare
	MarkerTriangle
	MarkerDiamond
	MarkerRing
	MarkerBox
	MarkerCross
	MarkerPlus
)

// String returns the marker's name.
func (m Marker) String() string {
	switch m {
	case MarkerAuto:
		return "auto"
	case MarkerNone:
		return "none"
	case MarkerCircle:
		return "circle"
	case MarkerSquare:
		return "square"
	case MarkerTriangle:
		return "triangle"
	case MarkerDiamond:
		return "diamond"
	case MarkerRing:
		return "ring"
	case MarkerBox:
		return "box"
	case MarkerCross:
		return "cross"
	case MarkerPlus:
		return "plus"
	}
	return fmt.Sprintf("Marker(%d)", int(m))
}

// autoMarkers is the order in which Points series receive glyphs.
var autoMarkers = []Marker{MarkerCircle, MarkerSquare, MarkerTriangle, MarkerDiamond, MarkerRing, MarkerBox, MarkerCross, MarkerPlus}

// Style is the optional appearance of a series. Its zero value means automatic
// styling: the palette color of the series index, solid lines, distinct
// markers for points.
type Style struct {
	// Color overrides the automatic palette color when non-nil.
	Color color.Color
	// Marker selects the glyph; MarkerAuto is no glyph for lines and a
	// distinct glyph per index for points.
	Marker Marker
	// Dashed draws a line dashed instead of solid.
	Dashed bool
	// Width is the line width in points; zero means 1.6 for lines.
	Width float64
}

// Series is a named set of points (X[i], Y[i]) with optional symmetric error
// bars Err[i] (one standard error, say). NaN in X or Y marks a gap; a NaN
// error means no error bar at that point.
type Series struct {
	Name string
	X, Y []float64
	// Err is nil or has the length of Y; entries must be non-negative or NaN.
	Err   []float64
	Style Style
}

// HLine is a named horizontal reference line, e.g. a scratch or an
// infinite-width baseline.
type HLine struct {
	Name  string
	Y     float64
	Style Style
}

// VLine is a named vertical reference line, e.g. an optimal coupling.
type VLine struct {
	Name  string
	X     float64
	Style Style
}

// label returns a name for error messages.
func (s *Series) label(kind string, i int) string {
	if s.Name != "" {
		return fmt.Sprintf("%s %d (%q)", kind, i, s.Name)
	}
	return fmt.Sprintf("%s %d", kind, i)
}

// Validate reports the first problem of s: no points, mismatched lengths,
// infinite values, negative or infinite errors, or no point with finite x and y.
func (s *Series) Validate() error {
	return s.validate("series", 0, false, false)
}

func (s *Series) validate(kind string, idx int, logX, logY bool) error {
	name := s.label(kind, idx)
	if len(s.X) == 0 && len(s.Y) == 0 {
		return fmt.Errorf("plotting: %s has no points", name)
	}
	if len(s.X) != len(s.Y) {
		return fmt.Errorf("plotting: %s has len(X) = %d but len(Y) = %d", name, len(s.X), len(s.Y))
	}
	if s.Err != nil && len(s.Err) != len(s.Y) {
		return fmt.Errorf("plotting: %s has len(Err) = %d but len(Y) = %d", name, len(s.Err), len(s.Y))
	}
	finite := 0
	for i := range s.X {
		x, y := s.X[i], s.Y[i]
		if math.IsInf(x, 0) {
			return fmt.Errorf("plotting: %s has X[%d] = %v", name, i, x)
		}
		if math.IsInf(y, 0) {
			return fmt.Errorf("plotting: %s has Y[%d] = %v", name, i, y)
		}
		if s.Err != nil {
			if e := s.Err[i]; e < 0 || math.IsInf(e, 0) {
				return fmt.Errorf("plotting: %s has Err[%d] = %v, want a finite non-negative value or NaN", name, i, e)
			}
		}
		if math.IsNaN(x) || math.IsNaN(y) {
			continue
		}
		if logX && x <= 0 {
			return fmt.Errorf("plotting: %s has X[%d] = %v on a logarithmic x axis", name, i, x)
		}
		if logY && y <= 0 {
			return fmt.Errorf("plotting: %s has Y[%d] = %v on a logarithmic y axis", name, i, y)
		}
		finite++
	}
	if finite == 0 {
		return fmt.Errorf("plotting: %s has no point with finite x and y (all %d are NaN)", name, len(s.X))
	}
	return nil
}

// errAt returns the error bar half-width at i, zero when absent.
func (s *Series) errAt(i int) float64 {
	if s.Err == nil || math.IsNaN(s.Err[i]) {
		return 0
	}
	return s.Err[i]
}

// segments returns the index ranges [start, end) of runs of finite points.
func (s *Series) segments() [][2]int {
	var segs [][2]int
	start := -1
	for i := range s.X {
		ok := !math.IsNaN(s.X[i]) && !math.IsNaN(s.Y[i])
		switch {
		case ok && start < 0:
			start = i
		case !ok && start >= 0:
			segs = append(segs, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		segs = append(segs, [2]int{start, len(s.X)})
	}
	return segs
}
