package main

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/langevin"
)

// momentTestRecord returns a two-output record whose readout moment is the
// hand example of TestClassesMomentSummary (nil moment: an older record).
func momentTestRecord(withMoment bool) classesOutput {
	est := func(mean float64) langevin.Estimate {
		return langevin.Estimate{Mean: mean, Err: 0.01, RHat: 1.002, ESS: 800, ESSTail: 700, Converged: true}
	}
	d := classesOutput{Groups: [][]int{{0}, {1}}, N: 100, P: 200, T: 0.05, Lambda1: 1, ReadoutNorm: 1,
		Simulation: &classesSim{ReadoutNorm: est(1), Converged: true}}
	if withMoment {
		d.Simulation.ReadoutMoment = &classesMoment{
			Theory:    [][]float64{{1, 0.2}, {0.2, 1}},
			Sampled:   [][]langevin.Estimate{{est(1.1), est(0.215)}, {est(0.215), est(0.9)}},
			WorstRHat: 1.002, MinESS: 800, MinESSTail: 700, Converged: true,
		}
	}
	return d
}

// TestClassesMomentSummary checks the summary of a hand example: theory
// [[1, 0.2], [0.2, 1]], sampled [[1.1, 0.215], [0.215, 0.9]] ± 0.01 each.
// The differences 0.1, 0.015, −0.1 give the largest |difference| 0.1 of
// the diagonal mean 1 at (0, 0), the Frobenius gap
// √(0.01 + 2·0.015² + 0.01)/√(2 + 2·0.04) (off-diagonal: 0.015/0.2), and
// one entry of three within 2σ = 0.02, the off-diagonal one.
func TestClassesMomentSummary(t *testing.T) {
	s := momentTestRecord(true).Simulation.ReadoutMoment.summary()
	wantFrob := math.Sqrt(0.02+2*0.015*0.015) / math.Sqrt(2.08)
	// Sums of a few products: rounding only.
	const tol = 1e-12
	if math.Abs(s.maxDiff-0.1) > tol || math.Abs(s.frobeniusOff-0.075) > tol || s.maxAt != [2]int{0, 0} || math.Abs(s.frobenius-wantFrob) > tol ||
		s.within != 1 || s.entries != 3 || len(s.offDiagonal) != 1 || s.offDiagonal[0] != [2]int{1, 0} {
		t.Errorf("summary %+v, want largest difference 0.1 at (0, 0), Frobenius gap %v, 1 of 3 within 2σ", s, wantFrob)
	}
	if v := momentVerdict(langevin.Estimate{Mean: 1.1, Err: 0.01}, 1); v != "[off by 10.0σ, not converged]" {
		t.Errorf("verdict %q", v)
	}
}

// TestClassesCovTable checks `tlstat classes -table -cov` on a record with
// the readout moment and an older one without: verdicts per entry, the
// summary row, and "not recorded" for the older record; and the same
// output through the document marker's form (-cov as first argument).
func TestClassesCovTable(t *testing.T) {
	dir := t.TempDir()
	with := writeTestJSON(t, dir, "new.json", momentTestRecord(true))
	old := writeTestJSON(t, dir, "old.json", momentTestRecord(false))
	var out, errb bytes.Buffer
	if code := run([]string{"classes", "-table", "-cov", with, old}, &out, &errb); code != 0 {
		t.Fatalf("exit code %d, stderr %s", code, errb.String())
	}
	got := out.String()
	for _, want := range []string{
		"| new | 2 | diagonal mean | 1.0000 | 1.0000 ± 0.0100 | within 2σ | 1.002, 800 |",
		"| new | 2 | (1, 0) {1}·{0} | +0.20000 | +0.21500 ± 0.01000 | within 2σ | 1.002, 800 |",
		"| new | 2 | 0.100 (0, 0) | 0.099, 0.075 | 1 of 3 | 1.002 | 800, 700 | yes |",
		"| old | 2 | off-diagonal | not recorded |",
		"| old | 2 | not recorded | not recorded |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	var marker bytes.Buffer
	if err := writeClassesTable(&marker, []string{"-cov", with, old}); err != nil || marker.String() != got {
		t.Errorf("marker form (%v):\n%s\nwant\n%s", err, marker.String(), got)
	}
	if code := run([]string{"classes", "-table", "-cov"}, &out, &errb); code == 0 || !strings.Contains(errb.String(), "no record files") {
		t.Errorf("no files: exit code %d, stderr %q", code, errb.String())
	}
}

// TestNewClassesMoment checks that the record holds Q/λ1 and the sampled
// entries symmetrically, and that a size mismatch records nothing.
func TestNewClassesMoment(t *testing.T) {
	q := mat.NewSymDense(2, []float64{2, 0.4, 0.4, 1})
	m := &langevin.ReadoutMoment{D: 2, Entries: []langevin.Estimate{{Mean: 1, Converged: true}, {Mean: 0.2, Converged: true}, {Mean: 0.5, Converged: true}}}
	c := newClassesMoment(q, 2, m)
	if c == nil || c.Theory[0][1] != 0.2 || c.Theory[1][1] != 0.5 || c.Sampled[0][1].Mean != 0.2 || c.Sampled[1][0].Mean != 0.2 || !c.Converged {
		t.Errorf("record %+v", c)
	}
	if c := newClassesMoment(mat.NewSymDense(3, nil), 1, m); c != nil {
		t.Errorf("size mismatch recorded %+v", c)
	}
}

// TestClassesTransferMoment checks that `tlstat classes -transfer
// -simulate -json` records the readout moments of the source (against
// Q_s/λ1) and of every target coupling (against Q_t/λ1), diagonal means
// equal to the recorded |v|²/N, and that -table -cov reads the record.
// The chains are far too short to converge: only the bookkeeping is
// checked.
func TestClassesTransferMoment(t *testing.T) {
	if testing.Short() {
		t.Skip("a few seconds of transfer chains")
	}
	var out, errb bytes.Buffer
	args := []string{"classes", "-json", "-transfer", "0|1|2", "-groups", "0|1|2", "-n", "20", "-ps", "40", "-p", "20", "-ptest", "50",
		"-t", "0.2", "-gamma", "1", "-simulate", "-max-steps", "700", "-chains", "2"}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("exit code %d, stderr %s", code, errb.String())
	}
	var doc classesTransferOutput
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	check := func(what string, m *classesMoment, q [][]float64, vn float64) {
		t.Helper()
		if m == nil || len(m.Theory) != 3 || len(m.Sampled) != 3 {
			t.Fatalf("%s: readout moment %+v, want 3×3", what, m)
		}
		diag := 0.0
		for a := range 3 {
			diag += m.Sampled[a][a].Mean / 3
			for b := range 3 {
				if m.Theory[a][b] != q[a][b]/doc.Lambda1 {
					t.Errorf("%s: theory entry (%d, %d) %v, want Q/λ1 = %v", what, a, b, m.Theory[a][b], q[a][b]/doc.Lambda1)
				}
			}
		}
		// The same draws averaged in the same way: rounding only.
		if math.Abs(diag-vn) > 1e-12 {
			t.Errorf("%s: mean of the diagonal %v, |v|²/N %v", what, diag, vn)
		}
	}
	if doc.SimSrc == nil || len(doc.Rows) != 1 || doc.Rows[0].Simulation == nil {
		t.Fatalf("record without simulations: %s", out.String())
	}
	check("source", doc.SimSrc.ReadoutMoment, doc.SourceQ, doc.SimSrc.VNorm.Mean)
	check("target", doc.Rows[0].Simulation.ReadoutMoment, doc.Rows[0].QT, doc.Rows[0].Simulation.ReadoutNorm.Mean)
	path := writeTestJSON(t, t.TempDir(), "tr.json", doc)
	var tab bytes.Buffer
	if err := writeClassesCovTable(&tab, []string{path}); err != nil || !strings.Contains(tab.String(), "| tr, target γ = 1 | 3 | (") {
		t.Errorf("table (%v):\n%s", err, tab.String())
	}
}
