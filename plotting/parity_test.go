package plotting

import (
	"math"
	"testing"

	"gonum.org/v1/plot/vg"
)

func TestTheoryVsSimulation(t *testing.T) {
	a := Series{Name: "N=200", X: []float64{0.50, 0.70}, Y: []float64{0.48, 0.71}, Err: []float64{0.01, 0.03}}
	b := Series{Name: "N=400", X: []float64{0.36}, Y: []float64{0.34}, Err: []float64{math.NaN()}}
	f, err := TheoryVsSimulation("test error", []Series{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Lines) != 1 || len(f.Points) != 2 {
		t.Fatalf("%d lines and %d point series, want the diagonal and 2", len(f.Lines), len(f.Points))
	}
	// The diagonal runs from the smallest to the largest value on either
	// axis, error bars included: 0.34 (no error bar) to 0.71 + 0.03.
	d := f.Lines[0]
	if d.X[0] != 0.34 || d.Y[0] != 0.34 || math.Abs(d.X[1]-0.74) > 1e-15 || d.X[1] != d.Y[1] {
		t.Errorf("diagonal from (%v, %v) to (%v, %v), want (0.34, 0.34) to (0.74, 0.74)", d.X[0], d.Y[0], d.X[1], d.Y[1])
	}
	if f.XLabel != "theory test error" || f.YLabel != "simulated test error" {
		t.Errorf("labels %q, %q", f.XLabel, f.YLabel)
	}
	if _, err := f.SVG(3*vg.Inch, 3*vg.Inch); err != nil {
		t.Errorf("SVG: %v", err)
	}
	if _, err := f.Chart(); err != nil {
		t.Errorf("Chart: %v", err)
	}
	for name, s := range map[string][]Series{
		"no series":  nil,
		"bad series": {{Name: "short", X: []float64{1, 2}, Y: []float64{1}}},
		"all NaN":    {{Name: "nan", X: []float64{math.NaN()}, Y: []float64{math.NaN()}}},
	} {
		if _, err := TheoryVsSimulation("test error", s); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
