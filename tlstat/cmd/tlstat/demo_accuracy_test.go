package main

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/report"
	"github.com/tlstat/tlstat/tlstat/study"
)

// TestDemoPrintDrawAccuracy checks the demo's Langevin lines: the accuracy
// of a posterior draw beside the theory's expected accuracy of a draw,
// bracketed and not compared when it did not pass the gates, the mean
// predictor's accuracy labelled as such, and no accuracy line for a point
// that did not measure it.
func TestDemoPrintDrawAccuracy(t *testing.T) {
	nan := study.Num(math.NaN())
	point := func(g float64, conv bool) study.SimPoint {
		p := study.SimPoint{Gamma: study.Num(g), TestError: 0.8, TestErrorErr: 0.01, VNorm: 1.3, VNormErr: 0.01, TheoryTestError: 0.81,
			TheoryVNorm: 1.31, Converged: conv, RHat: 1.004, ESS: 500, Verdict: "agrees within 2σ (+1.2%)",
			Accuracy: 0.7512, AccuracyErr: 0.0021, AccuracyRHat: 1.003, AccuracyESS: 480, AccuracyConverged: conv, TheoryAccuracy: 0.7540}
		p.AccuracyVerdict = study.Verdict(conv, 0.7512, 0.0021, 0.7540)
		return p
	}
	src := point(math.NaN(), true)
	old := study.SimPoint{Gamma: 50, TestError: 0.8, TestErrorErr: 0.01, Accuracy: nan, AccuracyErr: nan, TheoryAccuracy: nan, Converged: true}
	r := &study.GammaResult{Pair: "p", SimSource: &src, Sim: []study.SimPoint{point(0, true), point(2, false), old}, SimMethod: "hmc", SimChains: 4}
	acc := &report.Accuracy{Pair: "p", Sim: []report.AccuracyPoint{{Gamma: 0, Transfer: 0.8}, {Gamma: 2, Transfer: 0.82}, {Gamma: 50, Transfer: 0.83}}}
	var out bytes.Buffer
	printDemo(&out, []*study.GammaResult{r}, []*report.Accuracy{acc})
	s := out.String()
	for _, want := range []string{
		"    source accuracy of a draw: sim 75.12% ± 0.21%   theory 75.40%: agrees within 2σ (+0.4%)   R̂ 1.003, ESS 480",
		"theory 0.8100 (mean-predictor accuracy 80.0%)",
		"accuracy of a draw: sim [75.12% ± 0.21%]   theory 75.40%: not converged: not compared",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if n := strings.Count(s, "accuracy of a draw"); n != 3 {
		t.Errorf("%d accuracy lines, want 3 (source, γ = 0, γ = 2; none for the point without it):\n%s", n, s)
	}
}
