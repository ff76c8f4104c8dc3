package rkgp

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
)

// TestMultiRiskOf checks a two-point, two-output case worked by hand; every
// number is a dyadic rational, so the comparison is exact.
func TestMultiRiskOf(t *testing.T) {
	y := mat.NewDense(2, 2, []float64{1, 0, 0, 1})
	mean := mat.NewDense(2, 2, []float64{0.5, 0.25, 0.5, 0.75})
	variance := mat.NewDense(2, 2, []float64{0.25, 0.5, 0.75, 1})
	for _, tc := range []struct {
		class []int
		acc   float64
	}{
		{class: []int{0, 1}, acc: 1},   // argmax rows: 0, 1
		{class: []int{1, 1}, acc: 0.5}, // only the second row right
		{class: nil, acc: math.NaN()},  // no class indices
	} {
		r := MultiRiskOf(&data.MultiDataset{Y: y, Class: tc.class}, mean, variance)
		// Output 0: errors 0.5, −0.5 → bias² 0.25; variance (0.25+0.75)/2 = 0.5.
		// Output 1: errors −0.25, 0.25 → bias² 0.0625; variance (0.5+1)/2 = 0.75.
		want := []Risk{{Bias2: 0.25, Variance: 0.5, Total: 0.75}, {Bias2: 0.0625, Variance: 0.75, Total: 0.8125}}
		for o, w := range want {
			if r.Outputs[o] != w {
				t.Errorf("class %v: output %d risk %+v, want %+v", tc.class, o, r.Outputs[o], w)
			}
		}
		if r.Total != 0.78125 {
			t.Errorf("class %v: total %v, want 0.78125", tc.class, r.Total)
		}
		if r.Accuracy != tc.acc && !(math.IsNaN(tc.acc) && math.IsNaN(r.Accuracy)) {
			t.Errorf("class %v: accuracy %v, want %v", tc.class, r.Accuracy, tc.acc)
		}
	}
}
