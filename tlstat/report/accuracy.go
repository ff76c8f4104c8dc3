package report

import (
	"fmt"
	"math"
	"strconv"

	"github.com/tlstat/tlstat/plotting"
	"github.com/tlstat/tlstat/tlstat/study"
)

// Accuracy is the classification accuracy of one pair's theory: the
// fraction of target test inputs whose label the sign of the mean
// predictor gets right (labels ±1), beside the test error (a mean squared
// error) of the same predictors. A report shows it wherever it shows the
// error of a pair with the same name.
type Accuracy struct {
	// Pair names the study result it belongs to (GammaResult.Pair).
	Pair string `json:"pair"`
	// Theory holds one point per point of GammaResult.Theory, in order.
	Theory []AccuracyPoint `json:"theory"`
	// Sim holds the accuracy of the theory's mean predictor at the
	// couplings of the Langevin check (GammaResult.Sim). The Langevin check
	// measures another number, the accuracy of a posterior draw, which it
	// compares with the theory's expected accuracy of a draw
	// (SimPoint.Accuracy, SimPoint.TheoryAccuracy).
	Sim []AccuracyPoint `json:"sim,omitempty"`
	// Scratch (γ = 0), Frozen (γ = ∞) and Optimal (at
	// GammaResult.OptimalGamma) are the ends and the optimum.
	Scratch AccuracyPoint `json:"scratch"`
	Frozen  AccuracyPoint `json:"frozen"`
	Optimal AccuracyPoint `json:"optimal"`
}

// AccuracyPoint is the accuracy of the transfer predictor and of its
// baselines at one coupling; NaN where a baseline was not evaluated.
type AccuracyPoint struct {
	Gamma              study.Num `json:"gamma"`
	Transfer           study.Num `json:"accuracy"`
	InfiniteWidth      study.Num `json:"infinite_width_accuracy"`
	RegularizationOnly study.Num `json:"regularization_only_accuracy"`
}

// SignAccuracy returns the fraction of labels y whose sign the predictions
// mean get right; a zero prediction counts as wrong. It returns NaN for no
// labels or for slices of different lengths.
func SignAccuracy(y, mean []float64) float64 {
	if len(y) == 0 || len(y) != len(mean) {
		return math.NaN()
	}
	right := 0
	for i, v := range y {
		if v*mean[i] > 0 {
			right++
		}
	}
	return float64(right) / float64(len(y))
}

// accuracyOf returns the accuracy of the result named pair, nil if none.
func accuracyOf(acc []*Accuracy, pair string) *Accuracy {
	for _, a := range acc {
		if a != nil && a.Pair == pair {
			return a
		}
	}
	return nil
}

// at returns the accuracy point at gamma, nil if none.
func (a *Accuracy) at(gamma study.Num) *AccuracyPoint {
	if a == nil {
		return nil
	}
	for _, pts := range [][]AccuracyPoint{a.Theory, a.Sim} {
		for i := range pts {
			if pts[i].Gamma == gamma {
				return &pts[i]
			}
		}
	}
	switch {
	case gamma == a.Optimal.Gamma:
		return &a.Optimal
	case gamma == a.Frozen.Gamma:
		return &a.Frozen
	}
	return nil
}

// pct formats an accuracy as a percentage with one decimal ("–" for NaN).
func pct(x study.Num) string {
	v := float64(x)
	if math.IsNaN(v) {
		return "–"
	}
	return strconv.FormatFloat(100*v, 'f', 1, 64) + "%"
}

// withAcc formats an error and, when known, its accuracy: "0.6978 (81.2%)".
func withAcc(err, acc study.Num, known bool) string {
	if !known || math.IsNaN(float64(acc)) {
		return f4(err)
	}
	return f4(err) + " (" + pct(acc) + ")"
}

// simHasAccuracy reports whether the Langevin check of r measured the
// accuracy of a posterior draw at any of its points (results written
// before it was measured did not).
func simHasAccuracy(r *study.GammaResult) bool {
	if r.SimSource != nil && r.SimSource.AccuracyVerdict != "" {
		return true
	}
	for _, p := range r.Sim {
		if p.AccuracyVerdict != "" {
			return true
		}
	}
	return false
}

// drawAccuracyCells formats the accuracy of a posterior draw at a Langevin
// point: simulated ± s.e. (bracketed unless it passed the gates), the
// theory's expected accuracy of a draw and their verdict ("–" where the
// point did not measure it).
func drawAccuracyCells(p *study.SimPoint) []string {
	if p.AccuracyVerdict == "" {
		return []string{"–", "–", "–"}
	}
	s := pct2(p.Accuracy) + " ± " + pct2(p.AccuracyErr)
	if !p.AccuracyConverged {
		s = "[" + s + "]"
	}
	return []string{s, pct2(p.TheoryAccuracy), p.AccuracyVerdict}
}

// pct2 formats an accuracy as a percentage with two decimals ("–" for
// NaN): the error bars of a simulated accuracy are often below 0.1%.
func pct2(x study.Num) string {
	v := float64(x)
	if math.IsNaN(v) {
		return "–"
	}
	return strconv.FormatFloat(100*v, 'f', 2, 64) + "%"
}

// accSeries returns the positive-gamma part of the accuracy as (gamma, f(point)).
func accSeries(name string, a *Accuracy, f func(AccuracyPoint) study.Num) plotting.Series {
	return gammaSeries(name, a.Theory, func(p AccuracyPoint) study.Num { return p.Gamma }, f)
}

// AccuracyFigure is the classification accuracy of one pair against γ: the
// transfer theory, the regularization-only control and the infinite-width
// baseline (both dashed), with the scratch and frozen accuracies as
// horizontal lines; the twin of [ErrorFigure].
func AccuracyFigure(r *study.GammaResult, a *Accuracy) (*plotting.Figure, error) {
	if a == nil {
		return nil, fmt.Errorf("report: %s: no accuracy to draw", r.Pair)
	}
	theory := []plotting.Series{
		accSeries("transfer theory", a, func(p AccuracyPoint) study.Num { return p.Transfer }),
		accSeries("regularization only", a, func(p AccuracyPoint) study.Num { return p.RegularizationOnly }),
		accSeries("infinite width (NNGP)", a, func(p AccuracyPoint) study.Num { return p.InfiniteWidth }),
	}
	theory[1].Style.Dashed = true
	theory[2].Style.Dashed = true
	base := []plotting.HLine{
		{Name: "scratch (γ = 0)", Y: float64(a.Scratch.Transfer)},
		{Name: "frozen (γ = ∞)", Y: float64(a.Frozen.Transfer)},
	}
	f, err := plotting.TestErrorVsGamma(theory, nil, base)
	if err != nil {
		return nil, err
	}
	f.Title = fmt.Sprintf("%s: target classification accuracy vs γ (N=%d)", r.Pair, r.Net.N)
	f.YLabel = "test accuracy (sign of the mean predictor)"
	f.LogX = true
	return f, nil
}

// check reports whether a fits the result r: one point per theory point
// at the same couplings.
func (a *Accuracy) check(r *study.GammaResult) error {
	if len(a.Theory) != len(r.Theory) {
		return fmt.Errorf("report: %s: %d accuracy points for %d theory points", r.Pair, len(a.Theory), len(r.Theory))
	}
	for i, p := range a.Theory {
		if p.Gamma != r.Theory[i].Gamma {
			return fmt.Errorf("report: %s: accuracy point %d at γ = %v, theory at γ = %v", r.Pair, i, p.Gamma, r.Theory[i].Gamma)
		}
	}
	return nil
}
