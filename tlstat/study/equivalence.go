package study

import (
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// EquivalenceLimit is the largest Gaussian-equivalence ratio
// (rkgp.Equivalence) at which the scalar theory is taken at its word. It
// is read from the measured validity map (docs/validation.md, "Gaussian
// equivalence"): at every converged point whose ratio lies below it by more
// than two standard errors the theory was within 3.5% of the simulation, at
// every point above it by more than two standard errors the theory was
// high, and every point with the theory off by more than 3.5% has a ratio
// above it or within two standard errors of it. TestEquivalenceLimitOnMap
// checks these statements on the embedded map. The ratio's standard error
// at the default settings is 0.03-0.07 near 1, so a point whose true ratio
// is 1 is flagged in well under 1% of checks.
const EquivalenceLimit = 1.15

// EquivalenceFails reports whether the check says the hidden features are
// far from the Gaussian features the scalar theory assumes: the ratio lies
// above EquivalenceLimit. (The standard error is not subtracted: where the
// ratio is large the chains have not settled, their spread overstates the
// error, and the verdict would be lost.)
func EquivalenceFails(eq *rkgp.Equivalence) bool {
	return eq != nil && !eq.Exact && eq.Ratio > EquivalenceLimit
}

// EquivalenceWords states the Gaussian-equivalence check in words (for
// output next to a prediction).
func EquivalenceWords(eq *rkgp.Equivalence) string {
	switch {
	case eq == nil:
		return "Gaussian-equivalence check not computed"
	case eq.Exact:
		return "hidden features exactly Gaussian (linear activation)"
	case EquivalenceFails(eq):
		return fmt.Sprintf("hidden features far from Gaussian (equivalence ratio %.3g ± %.2g, limit %g)", eq.Ratio, eq.StdErr, EquivalenceLimit)
	}
	return fmt.Sprintf("Gaussian-equivalence check passed (ratio %.3g ± %.2g)", eq.Ratio, eq.StdErr)
}

// judgeEquivalence records the check in the trust. A failing check
// overrides a validated regime: the map's nearby points are not evidence
// for a point whose own features break the theory's premise. The note
// then quotes the gaps measured on the map at points where the check
// failed too.
func (tr *Trust) judgeEquivalence(eq *rkgp.Equivalence, vm *ValidityMap, variant string) {
	tr.Equivalence = eq
	if !EquivalenceFails(eq) {
		return
	}
	if tr.Regime == RegimeValidated {
		tr.Regime = RegimeNotValidated
	}
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	if vm != nil {
		for _, c := range vm.Cells {
			if !c.Converged || c.Equivalence == nil || *c.Equivalence <= EquivalenceLimit {
				continue
			}
			if g := c.Gap(variant); !math.IsNaN(g) {
				lo, hi, n = math.Min(lo, g), math.Max(hi, g), n+1
			}
		}
	}
	note := "the hidden features are far from the Gaussian features the theory assumes"
	if n > 0 {
		note += fmt.Sprintf(" (at the %d measured points where this check failed, the %s theory was %+.1f%% to %+.1f%% off)", n, variant, 100*lo, 100*hi)
	}
	tr.Note = note + "; " + tr.Note
}
