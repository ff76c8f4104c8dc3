package study

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// testMap is a hand-made map: images at alpha = 1/4 agree (0.2%), at
// alpha = 2 the theory is 10% high; a low-dimensional teacher agrees at
// T = 0.5; one unconverged cell disagrees but must not count.
func testMap() *ValidityMap {
	return &ValidityMap{Source: "test", Cells: []MapCell{
		{Record: "a", Kind: KindImages, Act: "erf", N: 200, P: 50, N0: 196, Alpha: 0.25, T: 0.05, Sim: 0.5, SimErr: 0.001, Converged: true,
			Theory: map[string]float64{"scalar": 0.501}},
		{Record: "b", Kind: KindImages, Act: "erf", N: 200, P: 400, N0: 196, Alpha: 2, T: 0.05, Sim: 0.3, SimErr: 0.001, Converged: true,
			Theory: map[string]float64{"scalar": 0.33, "shape": 0.305}},
		{Record: "c", Kind: KindLowDim, Act: "erf", N: 200, P: 200, N0: 20, Alpha: 1, T: 0.5, Sim: 0.3, SimErr: 0.001, Converged: true,
			Theory: map[string]float64{"scalar": 0.3009}},
		{Record: "d", Kind: KindImages, Act: "erf", N: 200, P: 50, N0: 196, Alpha: 0.25, T: 0.1, Sim: 0.4, SimErr: 0.001, Converged: false,
			Theory: map[string]float64{"scalar": 0.5}},
	}}
}

// TestAssess checks the three regimes and the neighbourhood (factor 2 in
// alpha and P/N0, 2.5 in T, same kind and activation, converged cells
// only).
func TestAssess(t *testing.T) {
	vm := testMap()
	for _, c := range []struct {
		variant string
		pt      Point
		regime  string
		note    string
	}{
		{"", Point{KindImages, "erf", 400, 100, 196, 0.05}, RegimeValidated, "all 1 measured points"},
		{"", Point{KindImages, "erf", 400, 80, 196, 0.1}, RegimeValidated, "all 1"}, // cell d is unconverged
		{"", Point{KindImages, "erf", 400, 800, 196, 0.05}, RegimeNotValidated, "10.0% above"},
		{"", Point{KindImages, "erf", 400, 400, 196, 0.05}, RegimeNotValidated, "alpha = 2"}, // alpha = 1: cell b within a factor 2
		{"shape", Point{KindImages, "erf", 400, 800, 196, 0.05}, RegimeValidated, "shape theory agrees"},
		{"", Point{KindImages, "erf", 100, 400, 196, 0.05}, RegimeNotValidated, "alpha = 2"}, // alpha = 4: a factor 2 is inside
		{"", Point{KindImages, "erf", 400, 1600, 196, 0.05}, RegimeOutside, "P/N0 = 8.16"},   // alpha = 4 but P/N0 four times the cell's
		{"", Point{KindLowDim, "erf", 400, 400, 100, 0.25}, RegimeOutside, "P/N0 = 4"},       // P/N0 = 4 against the cell's 10
		{"", Point{KindImages, "erf", 400, 1700, 196, 0.05}, RegimeOutside, "outside"},
		{"", Point{KindImages, "relu", 400, 100, 196, 0.05}, RegimeOutside, "with relu"},
		{"", Point{KindImages, "erf", 400, 100, 196, 0.5}, RegimeOutside, "T = 0.5"},
		{"", Point{KindLowDim, "erf", 100, 100, 20, 0.25}, RegimeValidated, "low-dimensional"},
		{"", Point{KindCSV, "erf", 100, 100, 20, 0.5}, RegimeOutside, "Gaussian-input teachers at nearby alpha, P/N0 and T (1 measured points) the scalar theory was off by up to 0.3%"},
		{"", Point{KindCSV, "erf", 100, 100, 100, 0.5}, RegimeOutside, "CSV data"}, // P/N0 = 1: no analogue
	} {
		tr := vm.Assess(c.variant, c.pt, math.NaN())
		if tr.Regime != c.regime || !strings.Contains(tr.Note, c.note) {
			t.Errorf("%s %+v: %q: %s; want %q mentioning %q", c.variant, c.pt, tr.Regime, tr.Note, c.regime, c.note)
		}
		if tr.Correction != nil {
			t.Errorf("%+v: correction %v, want none for NaN", c.pt, *tr.Correction)
		}
	}
	tr := vm.Assess("", Point{KindImages, "erf", 400, 100, 196, 0.05}, 0.012)
	if tr.Correction == nil || *tr.Correction != 0.012 || tr.Alpha != 0.25 || math.Abs(tr.PerInput-100.0/196) > 1e-15 {
		t.Errorf("trust fields: %+v", tr)
	}
	if s := tr.String(); !strings.Contains(s, "correction 1.2%") || !strings.Contains(s, "alpha = P/N = 0.25") {
		t.Errorf("String: %s", s)
	}
}

// TestCellAgrees checks the 2% / 2σ rule at its edges.
func TestCellAgrees(t *testing.T) {
	c := MapCell{Sim: 1, SimErr: 0.001, Converged: true, Theory: map[string]float64{"a": 1.0199, "b": 1.0201, "c": 0.9981}}
	if !c.Agrees("a") || c.Agrees("b") || !c.Agrees("c") || c.Agrees("missing") {
		t.Errorf("agrees: a %v b %v c %v", c.Agrees("a"), c.Agrees("b"), c.Agrees("c"))
	}
	wide := MapCell{Sim: 1, SimErr: 0.02, Converged: true, Theory: map[string]float64{"a": 1.035}}
	if !wide.Agrees("a") {
		t.Error("3.5% off with a 2% standard error should agree (within 2σ)")
	}
	wide.Converged = false
	if wide.Agrees("a") {
		t.Error("an unconverged cell agrees with nothing")
	}
	if g := c.Gap("b"); math.Abs(g-0.0201) > 1e-12 {
		t.Errorf("gap %v", g)
	}
	if !math.IsNaN(c.Gap("missing")) {
		t.Error("gap of a missing variant is not NaN")
	}
}

// TestValidityMapOf builds a map from records: kind, input dimension and
// activation from the descriptions, the source row of a transfer record,
// the variants, and the sort order.
func TestValidityMapOf(t *testing.T) {
	yes := true
	th, sh := 0.52, 0.51
	single := SimDoc{Mode: "single", Task: "MNIST {0,2,4,6} vs {1,3,5,7}, P=400, Ptest=1000, pool 2", Network: "N=200 T=0.05 lambda0=1 lambda1=1 act=erf",
		N: 200, T: 0.05, P: 400, Path: "x/single_a.json",
		Results: []SimRow{{SimTestError: 0.5, SimTestErrorErr: 0.01, SimConverged: &yes, TheoryTestError: &th,
			Theories: []TheoryRow{{Variant: "scalar", TestError: &th}, {Variant: "shape", TestError: &sh}}}}}
	src := SimRow{SimTestError: 0.2, TheoryTestError: &th}
	trans := SimDoc{Mode: "transfer", Task: "synthetic erf teachers, rho=0.9, N0=20, noise 0", Network: "N=100 T=0.5 act=linear",
		N: 100, T: 0.5, PS: 50, PT: 10, Path: "y/transfer_b.json", Source: &src, Results: []SimRow{{}}}
	vm, err := ValidityMapOf([]SimDoc{single, trans}, "unit test")
	if err != nil {
		t.Fatal(err)
	}
	if len(vm.Cells) != 2 {
		t.Fatalf("%d cells", len(vm.Cells))
	}
	a, b := vm.Cells[0], vm.Cells[1]
	if a.Record != "single_a" || a.Kind != KindImages || a.N0 != 196 || a.Act != "erf" || a.Alpha != 2 || !a.Converged || a.Theory["shape"] != 0.51 {
		t.Errorf("single cell %+v", a)
	}
	if b.Record != "transfer_b" || b.Kind != KindLowDim || b.N0 != 20 || b.Act != "linear" || b.P != 50 || b.Alpha != 0.5 || b.Converged {
		t.Errorf("transfer source cell %+v", b)
	}
	alphas, ts, gap, cells := vm.Grid(KindImages, "erf", "scalar")
	if len(alphas) != 1 || len(ts) != 1 || math.Abs(gap[0][0]-0.04) > 1e-12 || cells[0][0].Record != "single_a" {
		t.Errorf("grid %v %v %v", alphas, ts, gap)
	}
	if k := vm.Kinds(); len(k) != 2 || k[0] != KindImages || k[1] != KindLowDim {
		t.Errorf("kinds %v", k)
	}
}

// TestDefaultValidityMap checks that the embedded map decodes and holds
// converged cells of images.
func TestDefaultValidityMap(t *testing.T) {
	vm, err := DefaultValidityMap()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range vm.Cells {
		if c.Kind == KindImages && c.Converged {
			n++
		}
	}
	if n == 0 {
		t.Error("the embedded map has no converged image cell")
	}
}

// ExampleValidityMap_Assess places predictions on a map of two measured
// cells.
func ExampleValidityMap_Assess() {
	vm := &ValidityMap{Cells: []MapCell{
		{Kind: KindImages, Act: "erf", N: 200, P: 50, Alpha: 0.25, T: 0.05, Sim: 0.698, SimErr: 0.002, Converged: true,
			Theory: map[string]float64{"scalar": 0.696}},
		{Kind: KindImages, Act: "erf", N: 200, P: 400, Alpha: 2, T: 0.05, Sim: 0.321, SimErr: 0.001, Converged: true,
			Theory: map[string]float64{"scalar": 0.371}},
	}}
	for _, p := range []int{100, 800, 3200} {
		tr := vm.Assess("scalar", Point{Kind: KindImages, Act: "erf", N: 400, P: p, N0: 196, T: 0.05}, math.NaN())
		fmt.Printf("P = %d: %s\n", p, tr.Regime)
	}
	// Output:
	// P = 100: validated
	// P = 800: not validated
	// P = 3200: outside the measured map
}

// TestKindAndInputDim checks the classification of task descriptions.
func TestKindAndInputDim(t *testing.T) {
	for _, c := range []struct {
		task string
		kind string
		n0   int
	}{
		{"MNIST {0} vs {1}, P=10, Ptest=10, pool 2", KindImages, 196},
		{"IDX /x {0} vs {1}, P=10, Ptest=10, pool 4", KindImages, 49},
		{"synthetic erf teacher, N0=20, seed 1, P=50, Ptest=10", KindLowDim, 20},
		{"synthetic erf teachers, rho=0, N0=100, noise 0", KindGaussian, 100},
		{"CSV train a.csv, test b.csv", KindCSV, 0},
	} {
		n0 := TaskInputDim(c.task)
		if k := KindOf(c.task, n0); k != c.kind || n0 != c.n0 {
			t.Errorf("%q: kind %q, N0 %d; want %q, %d", c.task, k, n0, c.kind, c.n0)
		}
	}
}

// TestTrustTransfer checks the transfer trust on a small teacher pair: the
// source and target loads, a correction for both (erf has a shape
// variant), and a combined regime that is the weaker of the two.
func TestTrustTransfer(t *testing.T) {
	tt := data.TeacherTransfer{N0: 20, Rho: 0.5, PS: 60, PT: 20, PTest: 50}
	src, srcTest, tgt, tgtTest, err := tt.Sample(rand.NewPCG(2, 2))
	if err != nil {
		t.Fatal(err)
	}
	sv, err := transfer.NewSolver(transfer.Problem{Source: src, Target: tgt, Net: rkgp.Network{N: 80, T: 0.1, Lambda0: 1, Lambda1: 1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := TrustTransfer(sv, srcTest, tgtTest, KindLowDim)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Source.Alpha != 0.75 || tr.Target.Alpha != 0.25 || tr.Source.PerInput != 3 || tr.Target.PerInput != 1 {
		t.Errorf("loads: source %+v, target %+v", tr.Source, tr.Target)
	}
	if tr.Source.Correction == nil || tr.Target.Correction == nil {
		t.Error("no first-order correction for an erf network")
	}
	rank := map[string]int{RegimeValidated: 0, RegimeOutside: 1, RegimeNotValidated: 2}
	want := max(rank[tr.Source.Regime], rank[tr.Target.Regime])
	if got, ok := rank[tr.Regime]; !ok || got != want || !strings.HasPrefix(tr.Note, tr.Regime) {
		t.Errorf("combined %q (%s) from source %q and target %q", tr.Regime, tr.Note, tr.Source.Regime, tr.Target.Regime)
	}
}
