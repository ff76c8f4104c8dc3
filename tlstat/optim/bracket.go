package optim

import (
	"fmt"
	"math"
)

// Bracket is an interval [A, B] on which a function changes sign, with the
// function values at its ends.
type Bracket struct {
	A, B   float64
	FA, FB float64
}

// Rising reports whether the function increases through the bracket
// (negative at A, positive at B). For a derivative this marks a minimum.
func (b Bracket) Rising() bool { return b.FA < 0 || (b.FA == 0 && b.FB > 0) }

// SignChanges evaluates f on the grid xs (which must be increasing) and
// returns one Bracket for every pair of neighbouring grid points where f
// changes sign or hits zero. A zero at a grid point yields a degenerate
// bracket [x, x]. It returns an error if f is NaN at a grid point.
func SignChanges(f func(float64) float64, xs []float64) ([]Bracket, error) {
	var out []Bracket
	if len(xs) == 0 {
		return nil, nil
	}
	prevX := xs[0]
	prevF := f(prevX)
	if math.IsNaN(prevF) {
		return nil, fmt.Errorf("optim: function is NaN at grid point x = %v", prevX)
	}
	if prevF == 0 {
		out = append(out, Bracket{A: prevX, B: prevX})
	}
	for _, x := range xs[1:] {
		fx := f(x)
		if math.IsNaN(fx) {
			return out, fmt.Errorf("optim: function is NaN at grid point x = %v", x)
		}
		switch {
		case fx == 0:
			out = append(out, Bracket{A: x, B: x, FA: prevF, FB: 0})
		case prevF != 0 && (prevF > 0) != (fx > 0):
			out = append(out, Bracket{A: prevX, B: x, FA: prevF, FB: fx})
		}
		prevX, prevF = x, fx
	}
	return out, nil
}

// LogGrid returns n points spaced evenly in log between lo and hi (n >= 2,
// 0 < lo < hi), as their natural logarithms.
func LogGrid(lo, hi float64, n int) []float64 {
	a, b := math.Log(lo), math.Log(hi)
	out := make([]float64, n)
	for i := range out {
		out[i] = a + (b-a)*float64(i)/float64(n-1)
	}
	out[n-1] = b
	return out
}
