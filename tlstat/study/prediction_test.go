package study

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// TestPredictions checks the theory that is put beside simulations against
// independent single-network fits: at gamma = 0 the transfer prediction is
// training from scratch on the target (overlap 0), and the solver's source
// model predicts what a fresh fit of the source task predicts.
func TestPredictions(t *testing.T) {
	p := smallPair(t, 0.9)
	s, err := transfer.NewSolver(transfer.Problem{Source: p.SourceTrain, Target: p.TargetTrain, Net: smallNet}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srcModel, err := s.Source()
	if err != nil {
		t.Fatal(err)
	}
	fromSolver, err := PredictSingle(srcModel, p.SourceTest)
	if err != nil {
		t.Fatal(err)
	}
	atZero, err := PredictTransfer(s, 0, p.TargetTest)
	if err != nil {
		t.Fatal(err)
	}
	atTen, err := PredictTransfer(s, 10, p.TargetTest)
	if err != nil {
		t.Fatal(err)
	}
	src, err := rkgp.Fit(p.SourceTrain, smallNet, nil)
	if err != nil {
		t.Fatal(err)
	}
	srcWant, err := PredictSingle(src, p.SourceTest)
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := rkgp.Fit(p.TargetTrain, smallNet, nil)
	if err != nil {
		t.Fatal(err)
	}
	tgtWant, err := PredictSingle(tgt, p.TargetTest)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(srcWant.Overlap) {
		t.Errorf("single-network overlap = %v, want NaN", srcWant.Overlap)
	}
	if math.Abs(atZero.Overlap) > 1e-10 {
		t.Errorf("overlap at gamma = 0 is %v, want 0", atZero.Overlap)
	}
	if !(atTen.Overlap > 0.01) {
		t.Errorf("overlap at gamma = 10 on a related pair is %v, want clearly positive", atTen.Overlap)
	}
	for _, c := range []struct {
		name      string
		got, want Prediction
		tol       float64
	}{
		{"source from solver", fromSolver, srcWant, 1e-12},
		{"transfer at gamma = 0", atZero, tgtWant, 1e-8},
	} {
		for _, f := range []struct {
			name      string
			got, want float64
		}{
			{"test error", c.got.TestError, c.want.TestError},
			{"readout norm", c.got.ReadoutNorm, c.want.ReadoutNorm},
			{"infinite width", c.got.InfiniteWidthError, c.want.InfiniteWidthError},
		} {
			if !scalar.EqualWithinAbsOrRel(f.got, f.want, c.tol, c.tol) {
				t.Errorf("%s: %s = %v, independent fit %v", c.name, f.name, f.got, f.want)
			}
		}
	}
	// The infinite-width prediction differs from the finite-width one.
	if scalar.EqualWithinAbsOrRel(tgtWant.TestError, tgtWant.InfiniteWidthError, 1e-6, 1e-6) {
		t.Errorf("finite and infinite width coincide (%v): the check above would not see a swap", tgtWant.TestError)
	}
}
