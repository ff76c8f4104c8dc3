package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/study"
)

// TestSimulateTableAccuracy checks the accuracy columns of the compare
// tables: present when a row measured the accuracy, bracketed when it did
// not pass the gates, "–" for a row without it, and absent from tables of
// records that lack it.
func TestSimulateTableAccuracy(t *testing.T) {
	dir := t.TempDir()
	yes := true
	row := study.SimRow{SimTestError: 0.34, SimTestErrorErr: 0.02, SimVNorm: 1.2, SimVNormErr: 0.01, BurnIn: 100, Steps: 200, Chains: 4,
		TheoryTestError: testF64(0.40), TheoryVNorm: testF64(1.3), InfiniteWidthError: testF64(0.38), SimConverged: &yes,
		SimDiagnostics: map[string]study.SimDiag{"test_error": {RHat: 1.002, ESS: 812}, "vnorm": {RHat: 1.001, ESS: 640}}}
	acc := row
	acc.SimAccuracy, acc.SimAccuracyErr, acc.TheoryAccuracy = testF64(0.9), testF64(0.004), testF64(0.905)
	acc.SimDiagnostics = map[string]study.SimDiag{"test_error": {RHat: 1.002, ESS: 812}, "vnorm": {RHat: 1.001, ESS: 640},
		study.AccuracyKey: {RHat: 1.003, ESS: 700, ESSTail: 650, Converged: true}}
	acc.SetVerdicts()
	unconv := acc
	unconv.SimDiagnostics = map[string]study.SimDiag{study.AccuracyKey: {RHat: 1.2, ESS: 20, ESSTail: 20}}
	unconv.Gamma = 2
	unconv.SetVerdicts()
	single := writeTestJSON(t, dir, "acc.json", study.SimDoc{Mode: "single", Task: "t", Network: "n", N: 100, T: 0.05, P: 100, PTest: 10, Results: []study.SimRow{acc}})
	old := writeTestJSON(t, dir, "old.json", study.SimDoc{Mode: "single", Task: "t", Network: "n", N: 50, T: 0.05, P: 100, PTest: 10, Results: []study.SimRow{row}})
	tr := writeTestJSON(t, dir, "tr.json", study.SimDoc{Mode: "transfer", Task: "t", Network: "n", N: 100, T: 0.05, PS: 100, PT: 50, PTest: 10,
		Source: &row, Results: []study.SimRow{unconv}})
	var out, errb bytes.Buffer
	if err := runSimulate([]string{"table", single, old, tr}, &out, &errb); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	s := out.String()
	for _, want := range []string{
		"| seconds | Langevin accuracy of a draw (± s.e.) | theory accuracy of a draw | accuracy verdict |",
		"| – | 0.9000 ± 0.0040 | 0.9050 | agrees within 2σ (+0.6%) |", // the record with the accuracy
		"| 100 + 200 | 4 | – | – | – | – |",                           // the older record beside it
		"| 2 | 0.4000 |", // the target row
		"| [0.9000 ± 0.0040] | 0.9050 | not converged: not compared |", // not past its own gates
		"| source | 0.4000 | 0.3400 ± 0.0200 |",                        // the source, without the accuracy
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	out.Reset()
	if err := runSimulate([]string{"table", old}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "accuracy") {
		t.Errorf("a table of records without the accuracy has its columns:\n%s", out.String())
	}
	// The text of one row.
	out.Reset()
	simWriteRow(&out, "single", unconv)
	if want := "accuracy of a draw [0.9000 ± 0.0040] (not converged: R̂ 1.200, ESS 20, not gated); theory 0.9050: not converged: not compared"; !strings.Contains(out.String(), want) {
		t.Errorf("row text lacks %q:\n%s", want, out.String())
	}
}
