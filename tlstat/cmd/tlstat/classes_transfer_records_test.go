package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/study"
)

// TestClassesTransferRecords re-solves the theory of every stored
// multi-output transfer record (docs/validation/classes/transfer, made by
// bench/classes.sh) with the current code and compares it with the stored
// theory columns: the per-output test errors, the accuracy and the readout
// norm, to 1e-6 relative (rounding and BLAS differences are far below it; a
// change of the theory is not), and checks that the stored verdicts follow
// from the stored numbers and that the tabulated simulations converged.
func TestClassesTransferRecords(t *testing.T) {
	paths, err := filepath.Glob("../../../docs/validation/classes/transfer/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no stored records")
	}
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var rec classesTransferOutput
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		groups := func(gs [][]int) string {
			parts := make([]string, len(gs))
			for i, g := range gs {
				s := make([]string, len(g))
				for j, c := range g {
					s[j] = fmt.Sprint(c)
				}
				parts[i] = strings.Join(s, ",")
			}
			return strings.Join(parts, "|")
		}
		var gammas []string
		for _, r := range rec.Rows {
			gammas = append(gammas, fmt.Sprint(r.Gamma))
		}
		args := []string{"classes", "-json", "-transfer", groups(rec.SourceGroups), "-groups", groups(rec.Groups),
			"-ps", fmt.Sprint(rec.PS), "-p", fmt.Sprint(rec.P), "-ptest", fmt.Sprint(rec.PTest), "-pool", fmt.Sprint(rec.Pool),
			"-n", fmt.Sprint(rec.N), "-t", fmt.Sprint(rec.T), "-source-t", fmt.Sprint(rec.SourceT),
			"-lambda0", fmt.Sprint(rec.Lambda0), "-lambda1", fmt.Sprint(rec.Lambda1), "-act", rec.Act, "-gamma", strings.Join(gammas, ",")}
		if strings.ToLower(rec.Dataset) != "mnist" {
			t.Fatalf("%s: data set %q; this test rebuilds MNIST records only", path, rec.Dataset)
		}
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("%s: exit code %d, stderr %s", path, code, errb.String())
		}
		var now classesTransferOutput
		if err := json.Unmarshal(out.Bytes(), &now); err != nil {
			t.Fatal(err)
		}
		close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }
		for i, r := range rec.Rows {
			n := now.Rows[i]
			ok := close(r.Theory.Total, n.Theory.Total) && r.Theory.Accuracy == n.Theory.Accuracy && close(r.ReadoutNorm, n.ReadoutNorm) &&
				close(r.InfiniteWidth.Total, n.InfiniteWidth.Total)
			for o := range r.Theory.Outputs {
				ok = ok && close(r.Theory.Outputs[o].Total, n.Theory.Outputs[o].Total)
			}
			if !ok {
				t.Errorf("%s gamma %v: stored theory %+v (|v|²/N %v), now %+v (%v)", path, r.Gamma, r.Theory, r.ReadoutNorm, n.Theory, n.ReadoutNorm)
			}
			sim := r.Simulation
			if sim == nil {
				t.Errorf("%s gamma %v: no simulation", path, r.Gamma)
				continue
			}
			if want := study.Verdict(sim.Converged, sim.TestError.Mean, sim.TestError.Err, r.Theory.Total); sim.Verdict != want {
				t.Errorf("%s gamma %v: verdict %q, the numbers give %q", path, r.Gamma, sim.Verdict, want)
			}
			if sim.Converged && (sim.TestError.RHat > 1.01 || sim.TestError.ESS < 400 || sim.TestError.ESSTail < 400 ||
				sim.ReadoutNorm.RHat > 1.01 || sim.ReadoutNorm.ESS < 400 || sim.ReadoutNorm.ESSTail < 400) {
				t.Errorf("%s gamma %v: marked converged but R̂ %v, %v, ESS %v, %v", path, r.Gamma, sim.TestError.RHat, sim.ReadoutNorm.RHat, sim.TestError.ESS, sim.ReadoutNorm.ESS)
			}
		}
	}
	// The markdown table of the records: one line per coupling after the
	// header's two.
	var tab, errb bytes.Buffer
	if code := run(append([]string{"classes", "-table"}, paths...), &tab, &errb); code != 0 {
		t.Fatalf("-table: exit code %d, stderr %s", code, errb.String())
	}
	want := 2
	for _, path := range paths {
		b, _ := os.ReadFile(path)
		var rec classesTransferOutput
		_ = json.Unmarshal(b, &rec)
		want += len(rec.Rows)
	}
	if got := strings.Count(tab.String(), "\n"); got != want {
		t.Errorf("-table printed %d lines, want %d:\n%s", got, want, tab.String())
	}
}
