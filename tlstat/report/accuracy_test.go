package report

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/study"
)

func TestSignAccuracy(t *testing.T) {
	for _, c := range []struct {
		y, mean []float64
		want    float64
	}{
		{[]float64{1, -1, 1, -1}, []float64{0.3, -2, -0.1, 0}, 0.5}, // a zero prediction counts as wrong
		{[]float64{1, 1}, []float64{1, 1}, 1},
		{nil, nil, math.NaN()},
		{[]float64{1}, []float64{1, 2}, math.NaN()},
	} {
		got := SignAccuracy(c.y, c.mean)
		if got != c.want && !(math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("SignAccuracy(%v, %v) = %v, want %v", c.y, c.mean, got, c.want)
		}
	}
}

// TestWriteAccuracy checks that a report with accuracies shows them beside
// the errors (summary and Langevin tables), draws the accuracy figure and
// stores them in results.csv; and that accuracies on another grid are an
// error.
func TestWriteAccuracy(t *testing.T) {
	r := syntheticResult("related")
	a := syntheticAccuracy(r)
	dir := t.TempDir()
	rep := &Report{Title: "accuracy", Results: []*study.GammaResult{r}, Accuracy: []*Accuracy{a}, Formats: []string{"svg"}}
	if err := rep.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Files() {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("file %s: %v", f, err)
		}
	}
	if !strings.Contains(strings.Join(rep.Files(), " "), "related_accuracy.svg") {
		t.Errorf("files %v lack the accuracy figure", rep.Files())
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	// Summary: scratch 0.8500 at 70.0%, optimum 0.8000 at 75.0%; Langevin table: theory at γ = 2 with 73.0%.
	for _, want := range []string{"0.8500 (70.0%)", "0.8000 (75.0%)", "(73.0%)", "classification accuracy (sign of the mean predictor) in parentheses",
		"target classification accuracy vs γ"} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %q", want)
		}
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
	for _, h := range []string{"accuracy", "infinite_width_accuracy", "regularization_only_accuracy"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("results.csv lacks column %s: %v", h, rows[0])
		}
	}
	// Row 1 is γ = 0: the scratch accuracy 0.7; the row after the grid is the frozen limit's.
	if got := rows[1][col["accuracy"]]; got != "0.7" {
		t.Errorf("γ = 0 accuracy %q, want 0.7", got)
	}
	frozen := rows[len(r.Theory)+1]
	if got, want := frozen[col["accuracy"]], strconv.FormatFloat(float64(a.Frozen.Transfer), 'g', 10, 64); got != want {
		t.Errorf("frozen row %v: accuracy %q, want %q", frozen, got, want)
	}

	bad := syntheticAccuracy(r)
	bad.Theory = bad.Theory[1:]
	rep.Accuracy = []*Accuracy{bad}
	if err := rep.Write(t.TempDir()); err == nil || !strings.Contains(err.Error(), "accuracy points for") {
		t.Errorf("accuracy on another grid: error %v, want a mismatch", err)
	}
}

// TestAccuracyFigureLegend checks that the accuracy chart's legend draws a
// dashed icon for the dashed curves (the regularization-only control, the
// infinite-width baseline and the reference lines) and a solid one for the
// transfer theory, and that the static figure's dashed curves are dashed.
func TestAccuracyFigureLegend(t *testing.T) {
	r := syntheticResult("related")
	f, err := AccuracyFigure(r, syntheticAccuracy(r))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range f.Lines {
		if dashed := l.Name != "transfer theory"; l.Style.Dashed != dashed {
			t.Errorf("line %q dashed = %v, want %v", l.Name, l.Style.Dashed, dashed)
		}
	}
	c, err := f.Chart()
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.HTML()
	if err != nil {
		t.Fatal(err)
	}
	const (
		solid  = `"icon":"path://M0,4H30V6H0Z","name":"%s"`
		dashed = `"icon":"path://M0,4H8V6H0ZM11,4H19V6H11ZM22,4H30V6H22Z","name":"%s"`
	)
	for _, want := range []string{fmt.Sprintf(solid, "transfer theory"), fmt.Sprintf(dashed, "regularization only"),
		fmt.Sprintf(dashed, "infinite width (NNGP)"), fmt.Sprintf(dashed, "scratch (γ = 0)")} {
		if !strings.Contains(page, want) {
			t.Errorf("chart legend lacks %s", want)
		}
	}
}
