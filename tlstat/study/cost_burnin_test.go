package study

import (
	"math"
	"testing"
)

// TestBurnInScale checks that a point predicted from one stored sibling is
// charged the sibling's iterations scaled to its input dimension
// (burnInScale): the MNIST networks of the validation grid at N = 200,
// P = 400, T = 0.05 pooled 1×1 (N0 = 784), 2×2 (196) and 4×4 (49), each
// predicted from one other's record alone. A larger input is charged
// sqrt(N0/N0_sib) times the sibling's iterations (exact up to rounding to
// the iteration), a smaller one the sibling's iterations. The prediction
// is then the model's seconds for those iterations (to 1e-12, rounding).
// The measured iterations are logged beside the predicted: 4800 for the
// unpooled network against 4100 predicted from the 2×2 one's 2050.
func TestBurnInScale(t *testing.T) {
	points, records := validationRecords(t)
	find := func(task string) GridPoint {
		t.Helper()
		for _, pt := range points {
			p := pt.Params
			if pt.Task == task && p.Mode != ModeTransfer && p.Act == "erf" && p.N == 200 && p.P == 400 && p.T == 0.05 {
				if records[pt.Hash] == nil {
					t.Fatalf("%s: no stored record", task)
				}
				return pt
			}
		}
		t.Fatalf("no %s point at N = 200, P = 400, T = 0.05 in the validation spec", task)
		return GridPoint{}
	}
	pool1, pool2, pool4 := find("mnist-pool1"), find("mnist"), find("mnist-pool4")
	for _, c := range []struct {
		name    string
		pt, sib GridPoint
		n0      float64 // the point's input dimension
		scale   float64
	}{
		{"unpooled from 2×2", pool1, pool2, 784, 2},
		{"unpooled from 4×4", pool1, pool4, 784, 4},
		{"2×2 from 4×4", pool2, pool4, 196, 2},
		{"2×2 from unpooled", pool2, pool1, 196, 1},
		{"4×4 from 2×2", pool4, pool2, 49, 1},
	} {
		if got := c.pt.inputDim(); got != c.n0 {
			t.Fatalf("%s: input dimension %g, want %g", c.name, got, c.n0)
		}
		if got := burnInScale(c.pt, c.sib); math.Abs(got-c.scale) > 1e-12 {
			t.Errorf("%s: burnInScale %g, want %g", c.name, got, c.scale)
		}
		pr := DefaultCostModel.PredictStored(points, map[string]*Record{c.sib.Hash: records[c.sib.Hash]})
		var got CostPrediction
		for k, pt := range points {
			if pt.Hash == c.pt.Hash {
				got = pr[k]
			}
		}
		sibIts := stageIterations(c.pt, records[c.sib.Hash].Simulation)
		want := int(math.Round(float64(sibIts[0]) * c.scale))
		if got.Basis != BasisSibling || got.Sibling != c.sib.Hash || len(got.Iterations) != 1 || got.Iterations[0] != want {
			t.Errorf("%s: predicted %v, want sibling %.12s with %d iterations (%d × %g)", c.name, got, c.sib.Hash, want, sibIts[0], c.scale)
			continue
		}
		if sec := DefaultCostModel.predict(c.pt, []int{want}, c.sib.Hash).Seconds; math.Abs(got.Seconds-sec) > 1e-12*sec {
			t.Errorf("%s: %g s, the model's seconds for %d iterations %g s", c.name, got.Seconds, want, sec)
		}
		ran := stageIterations(c.pt, records[c.pt.Hash].Simulation)[0]
		t.Logf("%-18s sibling %d it, predicted %d it, ran %d it (ran/predicted %.2f)", c.name, sibIts[0], want, ran, float64(ran)/float64(want))
	}
}
