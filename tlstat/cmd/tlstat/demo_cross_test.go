package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// demoCrossDoc is the part of the demo's results.json these tests read.
type demoCrossDoc struct {
	Settings struct {
		Cross       demoCrossInfo `json:"cross_dataset_target"`
		Description string        `json:"description"`
	} `json:"settings"`
	Results []struct {
		Pair    string `json:"pair"`
		Scratch struct {
			TestError float64 `json:"test_error"`
		} `json:"scratch"`
	} `json:"results"`
}

// runDemoCross runs the quick theory-only demo into a temporary directory
// and returns its stderr, results.json and the directory.
func runDemoCross(t *testing.T) (string, demoCrossDoc, string) {
	t.Helper()
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"demo", "-quick", "-no-sim", "-quiet", "-out", dir}, &out, &errb); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errb.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc demoCrossDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return errb.String(), doc, dir
}

// TestDemoCrossAbsent runs the demo with Fashion-MNIST pointed at an empty
// directory: it must still run on the MNIST pairs, print one line naming
// the package that provides the data and how to install it, and say in the
// report that the cross-dataset pair was skipped.
func TestDemoCrossAbsent(t *testing.T) {
	t.Setenv(data.FashionMNISTDirEnv, t.TempDir())
	stderr, doc, dir := runDemoCross(t)
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if strings.Contains(l, "Fashion-MNIST") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "dataset-fashion-mnist") || !strings.Contains(lines[0], "make setup") {
		t.Errorf("stderr: want one line naming dataset-fashion-mnist and make setup, got %q", stderr)
	}
	if len(doc.Results) != len(demoTargets) {
		t.Errorf("%d results, want the %d MNIST pairs", len(doc.Results), len(demoTargets))
	}
	for _, r := range doc.Results {
		if strings.HasPrefix(r.Pair, demoCross.name) {
			t.Errorf("results hold the skipped pair %q", r.Pair)
		}
	}
	if doc.Settings.Cross.Skipped == "" || !strings.Contains(doc.Settings.Description, "pair, a Fashion-MNIST target, was skipped") {
		t.Errorf("results.json does not say the pair was skipped: %+v\n%s", doc.Settings.Cross, doc.Settings.Description)
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "was skipped") {
		t.Error("index.html does not say the cross-dataset pair was skipped")
	}
}

// TestDemoCross runs the quick theory-only demo with Fashion-MNIST
// installed: the cross-dataset pair is the third result, with its figures
// and a finding, and its error from scratch (γ = 0) is the single-network
// theory on the Fashion-MNIST target standardized by the MNIST source's
// training scalars, computed here step by step without the transfer
// pipeline.
func TestDemoCross(t *testing.T) {
	if _, err := data.LocateFashionMNIST(); err != nil {
		t.Skipf("Fashion-MNIST not installed (%v): make setup installs dataset-fashion-mnist", err)
	}
	stderr, doc, dir := runDemoCross(t)
	if strings.Contains(stderr, "skipping") {
		t.Errorf("Fashion-MNIST installed, yet the demo skipped the pair: %s", stderr)
	}
	if len(doc.Results) != len(demoTargets)+1 || doc.Results[len(demoTargets)].Pair != demoCross.name {
		t.Fatalf("results: %+v, want the MNIST pairs then %q", doc.Results, demoCross.name)
	}
	if c := doc.Settings.Cross; c.Skipped != "" || c.Dataset != "fashion" || c.Scaling != "source" {
		t.Errorf("settings: %+v", c)
	}
	if !strings.Contains(doc.Settings.Description, demoCross.name+": transfer ") {
		t.Errorf("the findings say nothing of the %s pair:\n%s", demoCross.name, doc.Settings.Description)
	}
	for _, kind := range []string{"error", "accuracy", "order"} {
		if st, err := os.Stat(filepath.Join(dir, "figures", demoCross.name+"_"+kind+".svg")); err != nil || st.Size() == 0 {
			t.Errorf("%s figure missing or empty: %v", kind, err)
		}
	}

	// The quick demo's sizes: P_s = 200, P_t = 50, 500 test images, N = 200.
	mtr, mte, err := data.MNIST()
	if err != nil {
		t.Fatal(err)
	}
	ftr, fte, err := data.FashionMNIST()
	if err != nil {
		t.Fatal(err)
	}
	src, _, err := data.BinaryTask{Pos: []int{0, 2, 4, 6}, Neg: []int{1, 3, 5, 7}, P: 200, PTest: 500, Pool: 2}.Select(mtr, mte)
	if err != nil {
		t.Fatal(err)
	}
	ttr, tte, err := data.BinaryTask{Pos: []int{0, 2, 4, 6}, Neg: []int{1, 3, 5, 7}, P: 50, PTest: 500, Pool: 2}.Select(ftr, fte)
	if err != nil {
		t.Fatal(err)
	}
	st, err := data.FitStandardizer(src.X)
	if err != nil {
		t.Fatal(err)
	}
	st.Apply(ttr)
	st.Apply(tte)
	m, err := rkgp.Fit(ttr, rkgp.Network{N: 200, T: 0.05, Lambda0: 1, Lambda1: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	risk, err := m.Risk(tte)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-10 // gamma = 0 transfer theory equals the single network exactly (docs/theory.md §5)
	if got := doc.Results[len(demoTargets)].Scratch.TestError; !scalar.EqualWithinAbsOrRel(got, risk.Total, tol, tol) {
		t.Errorf("%s scratch error %v, want %v from rkgp on the source-standardized target", demoCross.name, got, risk.Total)
	}
}

// TestDemoCrossText checks the words the summary and the title give the
// cross-dataset pair when it ran, ran without a Langevin check, and was
// skipped.
func TestDemoCrossText(t *testing.T) {
	ran := demoCrossInfo{Name: demoCross.name}
	checked := demoCrossInfo{Name: demoCross.name, Check: true}
	skipped := demoCrossInfo{Name: demoCross.name, Skipped: "not installed"}
	for _, tc := range []struct {
		got, want string
	}{
		{crossTargetText(ran), ", and a cross-dataset one from Fashion-MNIST, clothing [0 2 4 6] vs [1 3 5 7]"},
		{crossTargetText(skipped), ". The cross-dataset pair, a Fashion-MNIST target, was skipped: not installed"},
		{crossCheckText(ran), "the two MNIST pairs (the cross-dataset pair has no Langevin check)"},
		{crossCheckText(checked), "the same pairs"},
		{crossCheckText(skipped), "the same pairs"},
		{demoTitle(ran), "Fashion-MNIST"},
	} {
		if !strings.Contains(tc.got, tc.want) {
			t.Errorf("%q lacks %q", tc.got, tc.want)
		}
	}
	if strings.Contains(demoTitle(skipped), "Fashion") {
		t.Errorf("title %q names Fashion-MNIST, which was skipped", demoTitle(skipped))
	}
}
