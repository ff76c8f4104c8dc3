package study

import (
	"math"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// TestEquivalenceLimitOnMap checks what EquivalenceLimit's documentation
// claims against the embedded validity map, allowing for the ratios'
// Monte Carlo error: every converged cell whose ratio lies below the limit
// by more than two standard errors has the scalar theory within 3.5% of the
// simulation (so every cell with the theory off by more than 3.5% lies
// above the limit or within two standard errors of it), and every cell
// above it by more than two has the theory high. A regenerated map that breaks one of
// these breaks the limit's justification.
func TestEquivalenceLimitOnMap(t *testing.T) {
	vm, err := DefaultValidityMap()
	if err != nil {
		t.Fatal(err)
	}
	var below, above int
	for _, c := range vm.Cells {
		if !c.Converged || c.Equivalence == nil {
			continue
		}
		gap := c.Gap("scalar")
		r, se := *c.Equivalence, c.EquivalenceErr
		switch {
		case r+2*se < EquivalenceLimit:
			below++
			if math.Abs(gap) > 0.035 {
				t.Errorf("%s: ratio %.3g ± %.2g clearly below the limit but the theory is %.1f%% off", c.Record, r, se, 100*gap)
			}
		case r-2*se > EquivalenceLimit:
			above++
			if gap <= 0 {
				t.Errorf("%s: ratio %.3g ± %.2g clearly above the limit but the theory is not high (%.1f%%)", c.Record, r, se, 100*gap)
			}
		}
	}
	if below < 10 || above < 5 {
		t.Errorf("the map has %d cells clearly below and %d clearly above the limit: too few to support it", below, above)
	}
}

// TestJudgeEquivalence checks that a failing check overrides a validated
// regime and quotes the map's gaps, and that a passing one leaves the
// regime alone.
func TestJudgeEquivalence(t *testing.T) {
	r := func(x float64) *float64 { return &x }
	vm := &ValidityMap{Cells: []MapCell{
		{Record: "a", Converged: true, Sim: 0.1, Theory: map[string]float64{"scalar": 0.12}, Equivalence: r(30)},
		{Record: "b", Converged: true, Sim: 0.1, Theory: map[string]float64{"scalar": 0.105}, Equivalence: r(2)},
		{Record: "c", Converged: true, Sim: 0.1, Theory: map[string]float64{"scalar": 0.1}, Equivalence: r(1)},
	}}
	tr := Trust{Regime: RegimeValidated, Note: "validated: map"}
	tr.judgeEquivalence(&rkgp.Equivalence{Ratio: 1.05, StdErr: 0.04}, vm, "scalar")
	if tr.Regime != RegimeValidated || tr.Note != "validated: map" || tr.Equivalence == nil {
		t.Errorf("passing check changed the trust: %+v", tr)
	}
	tr.judgeEquivalence(&rkgp.Equivalence{Ratio: 3, StdErr: 0.5}, vm, "scalar")
	if tr.Regime != RegimeNotValidated {
		t.Errorf("failing check left regime %q", tr.Regime)
	}
	if !strings.Contains(tr.Note, "2 measured points") || !strings.Contains(tr.Note, "+5.0% to +20.0%") {
		t.Errorf("note does not quote the map's failing cells: %q", tr.Note)
	}
	if !strings.Contains(tr.String(), "far from Gaussian") {
		t.Errorf("String does not state the check: %q", tr.String())
	}
	ex := Trust{Regime: RegimeOutside}
	ex.judgeEquivalence(&rkgp.Equivalence{Ratio: 1, Exact: true}, vm, "scalar")
	if ex.Regime != RegimeOutside || !strings.Contains(ex.String(), "exactly Gaussian") {
		t.Errorf("exact check: %+v, %q", ex, ex.String())
	}
}
