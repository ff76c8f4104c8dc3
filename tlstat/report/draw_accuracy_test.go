package report

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/study"
)

// TestWriteDrawAccuracy checks that the Langevin table, results.csv and the
// findings show the simulated accuracy of a posterior draw beside the
// theory's expected accuracy of a draw, bracketed and not compared when it
// did not pass the gates, and that a result without it has no such columns.
func TestWriteDrawAccuracy(t *testing.T) {
	r := syntheticResult("related")
	for i := range r.Sim {
		p := &r.Sim[i]
		p.Accuracy, p.AccuracyErr, p.TheoryAccuracy = 0.85, 0.003, 0.852
		p.AccuracyConverged = p.Converged
		p.AccuracyVerdict = study.Verdict(p.AccuracyConverged, 0.85, 0.003, 0.852)
	}
	old := syntheticResult("older")
	dir := t.TempDir()
	rep := &Report{Title: "draws", Results: []*study.GammaResult{r, old}, Formats: []string{"svg"}}
	if err := rep.Write(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{"sim accuracy of a draw", "85.00% ± 0.30%", "[85.00% ± 0.30%]", "85.20%",
		"agrees within 2σ (+0.2%)", "not converged: not compared"} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if n := strings.Count(page, "sim accuracy of a draw"); n != 1 {
		t.Errorf("%d Langevin tables with the accuracy columns, want 1 (the older result has none)", n)
	}
	f, err := os.Open(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var got []string
	for _, row := range rows[1:] {
		if row[col["kind"]] == "langevin" {
			got = append(got, row[col["pair"]]+" "+row[col["draw_accuracy"]]+" "+row[col["theory_draw_accuracy"]]+" "+row[col["draw_accuracy_converged"]])
		}
	}
	want := "related 0.85 0.852 true|related 0.85 0.852 false|related 0.85 0.852 true|older   |older   |older   "
	if strings.Join(got, "|") != want {
		t.Errorf("langevin rows of results.csv:\n%q\nwant\n%q", strings.Join(got, "|"), want)
	}
	if f := strings.Join(Findings([]*study.GammaResult{r}), " "); !strings.Contains(f, "expected accuracy of a draw: γ = 0: agrees within 2σ") {
		t.Errorf("findings lack the accuracy verdicts: %s", f)
	}
}
