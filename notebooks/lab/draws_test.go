package lab

import (
	"math"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/transfer"
)

// sweep builds a sweep by hand: scratch error s, errors e on the grid
// 0, 1, 10, the best coupling and gain, regularization-only errors r.
func sweep(s float64, e [2]float64, best, gain float64, r [2]float64, rel float64) *transfer.SweepResult {
	pt := func(g, err, reg float64) transfer.Point {
		return transfer.Point{Gamma: g, Risk: transfer.Risk{Total: err}, RegularizationOnly: transfer.Risk{Total: reg}}
	}
	sw := &transfer.SweepResult{Points: []transfer.Point{pt(0, s, s), pt(1, e[0], r[0]), pt(10, e[1], r[1])},
		Best: transfer.Optimum{Gamma: best, GridGamma: math.Min(best, 10), Gain: gain}, Relatedness: rel}
	sw.Scratch = sw.Points[0]
	sw.Frozen = pt(math.Inf(1), e[1], r[1])
	return sw
}

// TestMeanOverDraws checks the averages against values worked out by hand.
func TestMeanOverDraws(t *testing.T) {
	sws := []*transfer.SweepResult{
		sweep(1, [2]float64{0.9, 0.8}, 10, 0.2, [2]float64{0.95, 0.99}, 0.5), // setting 0, draw 0
		sweep(2, [2]float64{2, 1.8}, math.Inf(1), 0.4, [2]float64{1.9, 1.8}, 0.7),
		sweep(1, [2]float64{1.1, 1.2}, 1, 0, [2]float64{1, 1}, 0.1), // setting 1
		sweep(1, [2]float64{1, 1.1}, 1, 0, [2]float64{0.9, 1}, -0.1),
	}
	m, err := MeanOverDraws(sws, 2, 1000)
	if err != nil {
		t.Fatal(err)
	}
	// By hand: setting 0: changes (−0.1 + 0)/2, (−0.2 − 0.1)/2; best γ sqrt(10·1000);
	// gains (0.2 + 0.2)/2; reg-only at γ = 10: (0.01 + 0.1)/2; relatedness 0.6.
	// Setting 1: changes (0.1 + 0)/2, (0.2 + 0.1)/2; best 1; gain 0; reg-only at γ = 1: (0 + 0.1)/2; relatedness 0.
	want := DrawMean{
		LogGamma:    []float64{0, 1},
		Change:      [][]float64{{-0.05, -0.15}, {0.05, 0.15}},
		BestGamma:   []float64{100, 1},
		Gain:        []float64{0.2, 0},
		RegOnlyGain: []float64{0.055, 0.05},
		Relatedness: []float64{0.6, 0},
	}
	const tol = 1e-12 // a few roundings of numbers of order 1
	check := func(name string, got, want []float64) {
		if len(got) != len(want) {
			t.Fatalf("%s = %v, want %v", name, got, want)
		}
		for i := range got {
			if math.Abs(got[i]-want[i]) > tol*math.Max(1, math.Abs(want[i])) {
				t.Errorf("%s[%d] = %.15g, want %.15g", name, i, got[i], want[i])
			}
		}
	}
	check("LogGamma", m.LogGamma, want.LogGamma)
	check("Change[0]", m.Change[0], want.Change[0])
	check("Change[1]", m.Change[1], want.Change[1])
	check("BestGamma", m.BestGamma, want.BestGamma)
	check("Gain", m.Gain, want.Gain)
	check("RegOnlyGain", m.RegOnlyGain, want.RegOnlyGain)
	check("Relatedness", m.Relatedness, want.Relatedness)

	for _, c := range []struct {
		sws   []*transfer.SweepResult
		draws int
		cap   float64
		want  string
	}{
		{sws[:3], 2, 1000, "3 sweeps cannot be split into settings of 2 draws"},
		{sws, 2, math.Inf(1), "coupling cap +Inf"},
		{[]*transfer.SweepResult{sws[0], {Points: sws[0].Points[:2]}}, 2, 1000, "has 1 grid couplings"},
	} {
		if _, err := MeanOverDraws(c.sws, c.draws, c.cap); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
	}
}
