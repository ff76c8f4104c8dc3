package study

import (
	"math"
	"testing"
)

// TestComputeSimulated computes a simulated single-network point and a
// simulated transfer point (tiny synthetic tasks, short fixed runs) and
// checks the rows: theory first, then simulation, with the columns each kind
// must have and the others missing (NaN, never 0).
func TestComputeSimulated(t *testing.T) {
	const sim = `"simulate": {"chains": 2, "burnin": "100", "steps": 200, "warmup": 50}`
	for _, c := range []struct {
		name, spec string
		kinds      []string // kind/stage of each row
	}{
		{"single", `{"mode": "single", "tasks": [{"teacher-n0": 8, "ptest": 40}], "n": [10], "p": [20], "variants": ["scalar"], ` + sim + `}`,
			[]string{"theory/single", "simulation/single"}},
		{"transfer", `{"mode": "transfer", "tasks": [{"teacher-overlap": 0.8, "n0": 8, "ptest": 40}], "n": [10], "p": [20], "pt": [10],
		  "gamma": [0, 2], ` + sim + `}`,
			[]string{"theory/source", "theory/target", "theory/target", "simulation/source", "simulation/target", "simulation/target"}},
	} {
		s, err := ParseSpec([]byte(c.spec))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		pts := s.Points()
		if len(pts) != 1 {
			t.Fatalf("%s: %d points", c.name, len(pts))
		}
		rows, desc, err := Compute(pts[0])
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if desc == "" || len(rows) != len(c.kinds) {
			t.Fatalf("%s: description %q, %d rows, want %d", c.name, desc, len(rows), len(c.kinds))
		}
		for i, r := range rows {
			if got := r.Kind + "/" + r.Stage; got != c.kinds[i] {
				t.Errorf("%s row %d: %s, want %s", c.name, i, got, c.kinds[i])
			}
			isNaN := func(x Num) bool { return math.IsNaN(float64(x)) }
			if !(r.TestError > 0) || r.N0 != 8 || r.PTest != 40 {
				t.Errorf("%s row %d: test error %v, N0 %d, Ptest %d", c.name, i, r.TestError, r.N0, r.PTest)
			}
			if (r.Stage == "target") == isNaN(r.Gamma) {
				t.Errorf("%s row %d (%s): gamma %v", c.name, i, r.Stage, r.Gamma)
			}
			switch r.Kind {
			case KindTheory:
				if !isNaN(r.TestErrorErr) || !isNaN(r.RHat) || isNaN(r.InfiniteWidthError) {
					t.Errorf("%s row %d: theory row with error bar %v, R-hat %v, infinite width %v", c.name, i, r.TestErrorErr, r.RHat, r.InfiniteWidthError)
				}
			case KindSimulation:
				if !(r.TestErrorErr > 0) || !(r.RHat >= 0.9) || r.Chains == 0 || r.Steps != 200 || !isNaN(r.InfiniteWidthError) {
					t.Errorf("%s row %d: simulation row with error bar %v, R-hat %v, %d chains, %d steps, infinite width %v",
						c.name, i, r.TestErrorErr, r.RHat, r.Chains, r.Steps, r.InfiniteWidthError)
				}
				if (r.Stage == "target") == isNaN(r.Overlap) {
					t.Errorf("%s row %d (%s): overlap %v", c.name, i, r.Stage, r.Overlap)
				}
			}
		}
	}
}
