package main

import (
	"bytes"
	"encoding/json"
	"github.com/tlstat/tlstat/tlstat/study"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeJSON writes v as JSON into dir/name and returns the path.
func writeTestJSON(t *testing.T, dir, name string, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func testF64(x float64) *float64 { return &x }

// TestSimulateTable renders hand-made documents: the verdict of the
// converged row, (0.40 - 0.34)/0.34 = 17.6% high at |0.34 - 0.40|/0.02 =
// 3.0σ, follows from the inputs; a row without gates and an unconverged
// row are bracketed and not compared; rows are sorted by N; both figures
// are written.
func TestSimulateTable(t *testing.T) {
	dir := t.TempDir()
	row := study.SimRow{SimTestError: 0.34, SimTestErrorErr: 0.02, SimVNorm: 1.2, SimVNormErr: 0.01, BurnIn: 100, Steps: 200, Chains: 4,
		Acceptance: 0.55, TheoryTestError: testF64(0.40), TheoryVNorm: testF64(1.3), InfiniteWidthError: testF64(0.38)}
	withRHat := row
	withRHat.SimTestErrorRHat = testF64(1.002)
	yes, no := true, false
	withRHat.SimConverged = &yes
	withRHat.SimDiagnostics = map[string]study.SimDiag{"test_error": {RHat: 1.002, ESS: 812}, "vnorm": {RHat: 1.001, ESS: 640}}
	big := writeTestJSON(t, dir, "big.json", study.SimDoc{Mode: "single", Task: "t", Network: "n", N: 400, T: 0.05, P: 400, PTest: 10, Results: []study.SimRow{withRHat}})
	small := writeTestJSON(t, dir, "small.json", study.SimDoc{Mode: "single", Task: "t", Network: "n", N: 200, T: 0.05, P: 50, PTest: 10, Results: []study.SimRow{row}})
	trow := row
	trow.Gamma, trow.SimOverlap, trow.SimOverlapErr, trow.TheoryOverlap = 2, testF64(0.2), testF64(0.03), testF64(0.25)
	trow.SimConverged = &no
	tr := writeTestJSON(t, dir, "tr.json", study.SimDoc{Mode: "transfer", Task: "synthetic erf teachers", Network: "n", N: 200, T: 0.05, PS: 200, PT: 50, PTest: 10,
		Source: &row, Results: []study.SimRow{trow}})
	fig, gap := filepath.Join(dir, "parity.svg"), filepath.Join(dir, "gap.png")
	var out, errb bytes.Buffer
	if err := runSimulate([]string{"table", "-figure", fig, "-gap-figure", gap, big, tr, small}, &out, &errb); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	s := out.String()
	i200, i400 := strings.Index(s, "| small | 200 | 50 | 0.25 |"), strings.Index(s, "| big | 400 | 400 | 1 |")
	if i200 < 0 || i400 < 0 || i200 > i400 {
		t.Errorf("single rows missing or not sorted by N:\n%s", s)
	}
	for _, want := range []string{
		"| 0.4000 | 0.3400 ± 0.0200 | theory 17.6% high (3.0σ) | 0.3800 | 1.300 | 1.200 ± 0.010 | 1.002, – | 812, 640 | 100 + 200 | 4 | – |",
		"| 0.4000 | [0.3400 ± 0.0200] | no convergence gates: not compared | 0.3800 |", "**tr.json**",
		"| 2 | 0.4000 | [0.3400 ± 0.0200] | not converged: not compared | 0.3800 | 1.300 | [1.200 ± 0.010] | 0.250 | [0.200 ± 0.030] | – | –, –, – | 100 + 200 | 4 |"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if b, err := os.ReadFile(fig); err != nil || !bytes.Contains(b, []byte("<svg")) {
		t.Errorf("parity figure: %v, %d bytes", err, len(b))
	}
	if b, err := os.ReadFile(gap); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("gap figure: %v, %d bytes", err, len(b))
	}

	noTheory := row
	noTheory.TheoryTestError = nil
	bad := map[string]string{
		"missing.json":                        filepath.Join(dir, "missing.json"),
		"not a tlstat simulate JSON document": writeTestJSON(t, dir, "x.json", "just a string"),
		"mode":                                writeTestJSON(t, dir, "m.json", study.SimDoc{Mode: "double", N: 1, T: 1, Results: []study.SimRow{row}}),
		"-compare":                            writeTestJSON(t, dir, "c.json", study.SimDoc{Mode: "single", N: 1, T: 1, P: 1, Results: []study.SimRow{noTheory}}),
		"p_s":                                 writeTestJSON(t, dir, "s.json", study.SimDoc{Mode: "transfer", N: 1, T: 1, Results: []study.SimRow{row}}),
	}
	for want, path := range bad {
		err := runSimulate([]string{"table", path}, &out, &errb)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to mention %q", path, err, want)
		}
	}
	if err := runSimulate([]string{"table"}, &out, &errb); err == nil || !strings.Contains(err.Error(), "no input files") {
		t.Errorf("no files: error %v", err)
	}
}

// TestValidationDocsInSync checks that the pages of stored results,
// docs/validation.md and docs/transfer-results.md, are what
// 'tlstat simulate table -update' makes of them: every marked table is the
// output of its command (tlstat simulate table or tlstat classes -table) on
// the stored records (figures are not redrawn).
func TestValidationDocsInSync(t *testing.T) {
	t.Chdir(filepath.Join("..", "..", ".."))
	for _, c := range []struct {
		page   string
		tables int // the marked tables the page has now: fewer means a marker was lost
	}{{"validation.md", 10}, {"transfer-results.md", 3}} {
		path := filepath.Join("docs", c.page)
		page, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var errb bytes.Buffer
		got, err := simTableUpdate(page, false, &errb)
		if err != nil {
			t.Fatalf("%s: %v\n%s", path, err, errb.String())
		}
		if n := bytes.Count(page, []byte(simTableBegin)) + bytes.Count(page, []byte(classesTableBegin)); n < c.tables {
			t.Errorf("%s has %d marked tables, want at least %d", path, n, c.tables)
		}
		if !bytes.Equal(got, page) {
			pl, gl := strings.Split(string(page), "\n"), strings.Split(string(got), "\n")
			for k := 0; k < min(len(pl), len(gl)); k++ {
				if pl[k] != gl[k] {
					t.Fatalf("%s line %d is\n%s\nbut the stored records give\n%s\n(regenerate with: go run ./tlstat/cmd/tlstat simulate table -update %s)", path, k+1, pl[k], gl[k], path)
				}
			}
			t.Fatalf("%s has %d lines, the stored records give %d (regenerate with -update)", path, len(pl), len(gl))
		}
	}
}

// TestSimTableUpdate checks the marker handling on a small page: a block is
// replaced by its command's output, a glob without files gives a note, and
// a marker without its end is an error.
func TestSimTableUpdate(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	row := study.SimRow{SimTestError: 0.34, SimTestErrorErr: 0.02, SimVNorm: 1.2, TheoryTestError: testF64(0.40), TheoryVNorm: testF64(1.3), InfiniteWidthError: testF64(0.38)}
	writeTestJSON(t, dir, "a.json", study.SimDoc{Mode: "single", Task: "t", Network: "n", N: 200, T: 0.05, P: 50, PTest: 10, Results: []study.SimRow{row}})
	page := "intro\n" + simTableBegin + "-only single *.json -->\nstale\n" + simTableEnd + "\nmiddle\n" +
		simTableBegin + "none/*.json -->\n" + simTableEnd + "\nend\n"
	var errb bytes.Buffer
	got, err := simTableUpdate([]byte(page), false, &errb)
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	for _, want := range []string{"intro\n", "| a | 200 | 50 | 0.25 |", "(no records yet: none/*.json)", "middle\n", "end\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("updated page lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "stale") {
		t.Errorf("the old block content survived:\n%s", s)
	}
	again, err := simTableUpdate(got, false, &errb)
	if err != nil || !bytes.Equal(again, got) {
		t.Errorf("a second update changed the page (%v)", err)
	}
	if _, err := simTableUpdate([]byte(simTableBegin+"*.json -->\nno end\n"), false, &errb); err == nil || !strings.Contains(err.Error(), "end of table") {
		t.Errorf("missing end marker: %v", err)
	}
}

// TestStoredTheoryCurrent checks that the theory columns stored in the
// validation records are what the current code computes (tlstat simulate
// theory -check) and that the validity map embedded in package study is
// the one the records give (tlstat simulate map).
func TestStoredTheoryCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("recomputes the theory of every stored record")
	}
	root := filepath.Join("..", "..", "..")
	var files []string
	for _, dir := range []string{"hmc", "map"} {
		f, err := filepath.Glob(filepath.Join(root, "docs", "validation", dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f...)
	}
	var out, errb bytes.Buffer
	if err := runSimulate(append([]string{"theory", "-check"}, files...), &out, &errb); err != nil {
		t.Fatal(err)
	}
	embedded, err := os.ReadFile(filepath.Join(root, "tlstat", "study", "validity.json"))
	if err != nil {
		t.Fatal(err)
	}
	var src struct {
		Source string `json:"source"`
	}
	if err := json.Unmarshal(embedded, &src); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runSimulate(append([]string{"map", "-source", src.Source, "-o", "-"}, files...), &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), embedded) {
		t.Error("tlstat/study/validity.json is not the map of docs/validation/{hmc,map}/*.json (regenerate with: make validity)")
	}
}
