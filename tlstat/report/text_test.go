package report

import (
	"math"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/study"
)

func TestFindings(t *testing.T) {
	helps := syntheticResult("related")
	helps.Sim, helps.SimSource = nil, nil
	helps.Trust = &study.TransferTrust{Regime: "validated"}
	none := syntheticResult("unrelated")
	none.Sim, none.SimSource, none.Gain = nil, nil, -0.01
	prior := syntheticResult("prior")
	prior.Sim, prior.SimSource, prior.OptimalError = nil, nil, 0.845 // above the control's best, 0.8400
	sim := syntheticResult("related (N=100, Langevin)")
	unconv := syntheticResult("unconverged")
	for i := range unconv.Sim {
		unconv.Sim[i].Converged = false
	}
	unconv.SimSource.Converged = false
	got := Findings([]*study.GammaResult{helps, none, prior, sim, unconv}, syntheticAccuracy(helps), syntheticAccuracy(none))
	if len(got) != 5 {
		t.Fatalf("%d findings, want 5: %q", len(got), got)
	}
	for _, tc := range []struct {
		i    int
		want []string
	}{
		{0, []string{"related: transfer helps. The target test error (", "falls from 0.8500 when training from scratch to 0.8000 at the best coupling γ = 100 (",
			"a gain of 0.0500.", "The regularization-only control (", "does no better than 0.8400 (at γ = 1000); 0.0400 of the gain (80%) comes from the source data.",
			"The relatedness of the pair (", "is 0.800.", "Trust in the theory (", "): validated.",
			"Its classification accuracy (", "goes from 70.0% to 75.0%."}},
		// The infinite-width error, 0.82 + 0.01 sin(log(1+γ)), is least on the grid at γ = 100:
		// 0.82 + 0.01 sin(log 101) = 0.8100 (sin = −0.9955), below the scratch error 0.85 when transfer does not help.
		{1, []string{"unrelated: transfer does not help. No coupling γ brings the target test error below its value from scratch, 0.8500 (classification accuracy 70.0%).",
			"The infinite-width baseline (", "beats transfer here: its error at γ = 100 is 0.8100, below the best transfer error 0.8500 (accuracy 72.0%)"}},
		{2, []string{"the changed prior alone accounts for the gain."}},
		{3, []string{"Langevin check (hmc, 4 chains): 3 of 4 simulated points converged (",
			"Against the theory's test error: source chains (source test error): agrees; γ = 0: agrees; γ = 50: agrees."}},
		{4, []string{"unconverged, Langevin check (hmc, 4 chains): 0 of 4 simulated points converged; none is compared with the theory."}},
	} {
		for _, w := range tc.want {
			if !strings.Contains(got[tc.i], w) {
				t.Errorf("finding %d lacks %q:\n%s", tc.i, w, got[tc.i])
			}
		}
	}
	if strings.Contains(got[0], "infinite-width baseline") {
		t.Errorf("finding 0 says the infinite-width baseline beats transfer, but its least error 0.8100 is above 0.8000:\n%s", got[0])
	}
	// Every term is defined once, where first used.
	all := strings.Join(got, "\n")
	for term, def := range Terms {
		if n := strings.Count(all, def); n != 1 {
			t.Errorf("term %q defined %d times, want once", term, n)
		}
	}
}

// syntheticAccuracy gives a synthetic result made-up accuracies: 70% from
// scratch rising to 75% with γ, the infinite-width baseline at 72%.
func syntheticAccuracy(r *study.GammaResult) *Accuracy {
	a := &Accuracy{Pair: r.Pair}
	for _, p := range r.Theory {
		s := float64(p.Gamma) / (1 + float64(p.Gamma))
		a.Theory = append(a.Theory, AccuracyPoint{Gamma: p.Gamma, Transfer: study.Num(0.70 + 0.05*s), InfiniteWidth: 0.72, RegularizationOnly: 0.71})
	}
	for _, p := range r.Sim {
		a.Sim = append(a.Sim, AccuracyPoint{Gamma: p.Gamma, Transfer: 0.73, InfiniteWidth: 0.72, RegularizationOnly: 0.71})
	}
	a.Scratch, a.Frozen = a.Theory[0], a.Theory[len(a.Theory)-1]
	a.Optimal = AccuracyPoint{Gamma: r.OptimalGamma, Transfer: 0.75, InfiniteWidth: study.Num(math.NaN()), RegularizationOnly: study.Num(math.NaN())}
	return a
}

// TestFindingsFrozenHurts checks the sentence on a pair whose frozen
// source features do worse than training from scratch, and its absence
// when they do better.
func TestFindingsFrozenHurts(t *testing.T) {
	hurts := syntheticResult("cross-dataset")
	hurts.Sim, hurts.SimSource = nil, nil
	hurts.Frozen.TestError = 0.9 // above the scratch error 0.85 of syntheticResult
	helps := syntheticResult("related")
	helps.Sim, helps.SimSource = nil, nil // frozen 0.85 − 0.05·1000/1001 < 0.85
	got := Findings([]*study.GammaResult{hurts, helps})
	if want := "Strong coupling hurts: with the source's features frozen (γ = ∞) the error is 0.9000, above the 0.8500 from scratch."; !strings.Contains(got[0], want) {
		t.Errorf("finding lacks %q:\n%s", want, got[0])
	}
	if strings.Contains(got[1], "hurts") {
		t.Errorf("frozen features below scratch, yet the finding says transfer hurts:\n%s", got[1])
	}
}

// TestFindingsPriorShare checks the share of the gain that the source data
// bring, beyond the regularization-only control's best error 0.8400 of
// syntheticResult: with the optimum at 0.8300 and a gain of 0.0500, it is
// 0.0100, 20%, and the rest is the changed prior's.
func TestFindingsPriorShare(t *testing.T) {
	r := syntheticResult("mostly prior")
	r.Sim, r.SimSource, r.OptimalError = nil, nil, 0.83
	got := Findings([]*study.GammaResult{r})[0]
	if want := "0.0100 of the gain (20%) comes from the source data; most of it is the changed prior's."; !strings.Contains(got, want) {
		t.Errorf("finding lacks %q:\n%s", want, got)
	}
}
