package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/report"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// TestDemoQuick runs the main job in its quick form and checks the report
// directory, the reproducibility of results.json and one number against the
// transfer package called directly.
func TestDemoQuick(t *testing.T) {
	t.Setenv(data.FashionMNISTDirEnv, t.TempDir()) // the MNIST pairs only: TestDemoCross covers the Fashion-MNIST one
	args := []string{"demo", "-quick", "-quiet"}
	if testing.Short() {
		args = append(args, "-no-sim")
	}
	var files [2][]byte
	var dirs [2]string
	for i := range dirs {
		dirs[i] = t.TempDir()
		var out, errb bytes.Buffer
		if code := run(append(args, "-out", dirs[i]), &out, &errb); code != 0 {
			t.Fatalf("demo: exit %d: %s", code, errb.String())
		}
		if !strings.Contains(out.String(), "report written to") {
			t.Errorf("demo output lacks the report line:\n%s", out.String())
		}
		b, err := os.ReadFile(filepath.Join(dirs[i], "results.json"))
		if err != nil {
			t.Fatal(err)
		}
		files[i] = b
		if testing.Short() {
			break // one run is enough to check the files
		}
	}
	for _, f := range []string{"index.html", "results.csv", "figures/related_error.png", "figures/related_error.svg", "figures/unrelated_order.svg"} {
		if st, err := os.Stat(filepath.Join(dirs[0], f)); err != nil || st.Size() == 0 {
			t.Errorf("report file %s missing or empty: %v", f, err)
		}
	}
	if !testing.Short() && !bytes.Equal(files[0], files[1]) {
		t.Error("two demo runs with the same seed wrote different results.json")
	}

	var doc struct {
		Results []struct {
			Pair    string `json:"pair"`
			Scratch struct {
				TestError float64 `json:"test_error"`
			} `json:"scratch"`
			Sim []json.RawMessage `json:"sim"`
		} `json:"results"`
		Accuracy []struct {
			Pair    string `json:"pair"`
			Scratch struct {
				Accuracy float64 `json:"accuracy"`
			} `json:"scratch"`
			Theory []json.RawMessage `json:"theory"`
		} `json:"accuracy"`
	}
	if err := json.Unmarshal(files[0], &doc); err != nil {
		t.Fatal(err)
	}
	wantResults := 4 // two pairs, plus the two Langevin checks
	if testing.Short() {
		wantResults = 2
	}
	if len(doc.Results) != wantResults {
		t.Fatalf("results.json has %d results, want %d", len(doc.Results), wantResults)
	}
	// The quick demo's related pair at gamma = 0 is the single-network theory
	// on the target task (P_t = 50, N = 200), computed here without the CLI.
	src := data.BinaryTask{Pos: []int{0, 2, 4, 6}, Neg: []int{1, 3, 5, 7}, P: 200, PTest: 500, Pool: 2}
	tgt := data.BinaryTask{Pos: []int{0, 2, 4, 8}, Neg: []int{1, 3, 5, 9}, P: 50, PTest: 500, Pool: 2}
	train, test, err := data.MNIST()
	if err != nil {
		t.Fatal(err)
	}
	_, _, ttr, tte, err := data.TransferTasks(src, tgt, train, test)
	if err != nil {
		t.Fatal(err)
	}
	m, err := rkgp.Fit(ttr, rkgp.Network{N: 200, T: 0.05, Lambda0: 1, Lambda1: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	risk, err := m.Risk(tte)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-10 // gamma = 0 transfer theory equals the single network exactly (docs/theory.md §5)
	if got := doc.Results[0].Scratch.TestError; doc.Results[0].Pair != "related" || !scalar.EqualWithinAbsOrRel(got, risk.Total, tol, tol) {
		t.Errorf("pair %q scratch error %v, want %v from rkgp", doc.Results[0].Pair, got, risk.Total)
	}
	// The accuracy at gamma = 0 is that of the same single network's mean
	// predictor: the two predictions agree to ~1e-10, so at most a test
	// point whose mean is that close to zero could change sides.
	if len(doc.Accuracy) != wantResults || doc.Accuracy[0].Pair != "related" {
		t.Fatalf("results.json has %d accuracy entries, want %d, the first for the related pair", len(doc.Accuracy), wantResults)
	}
	mean, _, err := m.Predict(tte.X)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := doc.Accuracy[0].Scratch.Accuracy, report.SignAccuracy(tte.Y, mean); math.Abs(got-want) > 1.0/float64(len(tte.Y)) {
		t.Errorf("related pair: scratch accuracy %v, want %v from rkgp's predictor", got, want)
	}
	if st, err := os.Stat(filepath.Join(dirs[0], "figures/related_accuracy.svg")); err != nil || st.Size() == 0 {
		t.Errorf("accuracy figure missing or empty: %v", err)
	}
	if !testing.Short() && len(doc.Results[2].Sim) != 2 {
		t.Errorf("Langevin check has %d couplings, want 2", len(doc.Results[2].Sim))
	}
}

func TestDemoBadFlags(t *testing.T) {
	for _, cmd := range []string{"demo", "single", "transfer"} {
		var out, errb bytes.Buffer
		if code := run([]string{cmd, "-h"}, &out, &errb); code != 0 || !strings.Contains(errb.String(), "-") {
			t.Errorf("%s -h: exit %d, usage %q; want exit 0 and the flags", cmd, code, errb.String())
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"demo", "-quick", "extra"}, &out, &errb); code == 0 || !strings.Contains(errb.String(), "unexpected arguments") {
		t.Errorf("extra argument: exit %d, stderr %q", code, errb.String())
	}
}

// TestVersion checks that tlstat version names the module, the Go version,
// the backend and the paper to cite, and rejects arguments.
func TestVersion(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"version"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"github.com/tlstat/tlstat", runtime.Version(), "BLAS/LAPACK", "Phys. Rev. Lett. 134, 177301"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("version output lacks %q:\n%s", want, out.String())
		}
	}
	if code := run([]string{"version", "extra"}, &out, &errb); code == 0 {
		t.Error("tlstat version extra: exit 0")
	}
}
