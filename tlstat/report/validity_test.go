package report

import (
	"math"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/study"
)

// TestValidityFigures draws the map of a hand-made set of cells: the heat
// map has one row per temperature and one column per alpha, NaN where no
// converged cell was measured; the gap figure has one series per kind and
// temperature; an unconverged cell appears in neither.
func TestValidityFigures(t *testing.T) {
	cell := func(kind string, p, n0 int, alpha, temp, sim, th float64, conv bool) study.MapCell {
		return study.MapCell{Kind: kind, Act: "erf", N: 200, P: p, N0: n0, Alpha: alpha, T: temp, Sim: sim, SimErr: 0.001,
			Converged: conv, Theory: map[string]float64{"scalar": th}}
	}
	vm := &study.ValidityMap{Cells: []study.MapCell{
		cell(study.KindImages, 50, 196, 0.25, 0.05, 0.5, 0.5, true),
		cell(study.KindImages, 400, 196, 2, 0.05, 0.3, 0.33, true),
		cell(study.KindImages, 400, 196, 2, 0.5, 0.4, 0.41, false),
		cell(study.KindLowDim, 200, 20, 1, 0.02, 0.1, 0.16, true),
	}}
	h, err := ValidityHeatMap(vm, study.KindImages, "scalar")
	if err != nil || h == nil {
		t.Fatalf("heat map: %v", err)
	}
	if len(h.Z) != 2 || len(h.Z[0]) != 2 {
		t.Fatalf("grid %d×%d, want 2×2 (T = 0.05, 0.5; alpha = 1/4, 2)", len(h.Z), len(h.Z[0]))
	}
	if math.Abs(h.Z[0][1]-10) > 1e-9 || !math.IsNaN(h.Z[1][1]) || !math.IsNaN(h.Z[1][0]) {
		t.Errorf("cells %v: want 10%% at (0.05, 2) and NaN at T = 0.5 (unconverged, unmeasured)", h.Z)
	}
	if h.X[0] != -2 || h.X[1] != 1 {
		t.Errorf("x = %v, want log2 alpha = -2, 1", h.X)
	}
	if _, err := h.SVG(300, 200); err != nil {
		t.Error(err)
	}
	if h, err := ValidityHeatMap(vm, study.KindCSV, "scalar"); h != nil || err != nil {
		t.Errorf("no cells: %v, %v", h, err)
	}
	f, err := ValidityGapFigure(vm, "scalar", 0.02, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Points) != 2 || !strings.HasPrefix(f.Points[0].Name, study.KindImages) || len(f.Points[0].X) != 2 {
		t.Errorf("series %+v", f.Points)
	}
	if math.Abs(f.Points[1].Y[0]-60) > 1e-9 || f.Points[1].X[0] != 10 {
		t.Errorf("low-dim point (%v, %v), want (10, 60%%)", f.Points[1].X, f.Points[1].Y)
	}
	if _, err := ValidityGapFigure(vm, "scalar", 0.3); err == nil {
		t.Error("no cell at T = 0.3: want an error")
	}
}

// TestEquivalenceFigure checks the gap-against-ratio figure: one series per
// kind, cells without the check or unconverged left out, and an error when
// no cell carries the check.
func TestEquivalenceFigure(t *testing.T) {
	r := func(x float64) *float64 { return &x }
	vm := &study.ValidityMap{Cells: []study.MapCell{
		{Kind: study.KindImages, Converged: true, Sim: 0.3, SimErr: 0.003, Theory: map[string]float64{"scalar": 0.33}, Equivalence: r(20)},
		{Kind: study.KindImages, Converged: true, Sim: 0.5, SimErr: 0.005, Theory: map[string]float64{"scalar": 0.5}, Equivalence: r(1.01)},
		{Kind: study.KindImages, Converged: false, Sim: 0.5, Theory: map[string]float64{"scalar": 0.6}, Equivalence: r(3)},
		{Kind: study.KindLowDim, Converged: true, Sim: 0.1, SimErr: 0.001, Theory: map[string]float64{"scalar": 0.16}, Equivalence: r(200)},
		{Kind: study.KindLowDim, Converged: true, Sim: 0.1, Theory: map[string]float64{"scalar": 0.16}},
	}}
	f, err := EquivalenceFigure(vm, "scalar")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Points) != 2 || len(f.Points[0].X) != 2 || len(f.Points[1].X) != 1 {
		t.Fatalf("series %+v", f.Points)
	}
	if f.Points[0].X[0] != 20 || math.Abs(f.Points[0].Y[0]-10) > 1e-9 || math.Abs(f.Points[0].Err[0]-1) > 1e-9 {
		t.Errorf("first image point (%v, %v ± %v), want (20, 10%% ± 1%%)", f.Points[0].X[0], f.Points[0].Y[0], f.Points[0].Err[0])
	}
	if len(f.VLines) != 1 || f.VLines[0].X != study.EquivalenceLimit {
		t.Errorf("limit line %+v", f.VLines)
	}
	if _, err := f.SVG(300, 200); err != nil {
		t.Error(err)
	}
	if _, err := EquivalenceFigure(&study.ValidityMap{Cells: vm.Cells[4:]}, "scalar"); err == nil {
		t.Error("no cell with the check: want an error")
	}
}
